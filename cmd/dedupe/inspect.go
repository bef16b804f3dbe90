package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/dedupe/dedupe/stages/write"
)

const inspectUsage = `Usage: dedupe inspect OUT [--top N] [--json]
       dedupe inspect OUT --cluster ID [--json]
       dedupe inspect OUT --why A B [--json]

Reads the tables a run wrote to OUT (clusters.parquet, additions.parquet and,
when present, rejects.parquet and merges.parquet; for --why also
links.parquet, link_passages.parquet, run.json and the input articles if
still there) and prints:

  - without --cluster, a summary: articles, clusters, clusters with several
    articles, singletons, additions and rejects (the first few listed), a
    histogram of cluster sizes, and the largest clusters with their
    canonical's title and their members' outlets (the source column, else
    the url's host, else the member's input folder, else "unknown");
    after a run with --history, sizes count the members of earlier nights
    too (cluster_size), and the summary says how many clusters joined an
    earlier night's and how many ids were merged;
  - with --cluster, one cluster: its canonical, then every other member in
    table order with its similarity, its shared and added sentence counts
    and the sentences it adds. ID may be a unique prefix of at least 4 hex
    digits. After a run with --history it also gives the night the cluster
    was first seen, and its canonical may be an article of an earlier
    night, named but not in these tables;
  - with --why and two article ids, the evidence that joins them: their link
    in links.parquet (passages, evidence, copy Jaccard, kept or cut and why)
    and its sentence pairs in link_passages.parquet, with the sentences' text
    cut from the input folder when run.json names it and it can still be
    read (else their offsets); if they are not linked directly, the shortest
    chain of kept links between them within their cluster; if they are in
    different clusters, the links between the clusters that the clustering
    cut, or that nothing links them (and whether they were published
    further apart than the run's --window).

Flags may come before or after OUT.

Exit codes:
  0  success
  1  a table is missing or unreadable, the cluster is unknown or the prefix
     ambiguous, or an article of --why is unknown
  2  usage error (missing OUT, unknown flag, bad value)

Flags:
`

// Limits of the text output.
const (
	inspectWidth       = 100 // columns the text output is wrapped to
	inspectShowRejects = 5   // rejects listed in the summary
	inspectShowOutlets = 8   // outlets listed per cluster in the summary
	inspectBarWidth    = 40  // columns of the longest histogram bar
	inspectMinPrefix   = 4   // hex digits a --cluster prefix needs at least
	inspectIDLen       = 16  // hex digits of a cluster id
)

// inspectOptions are the flags of "dedupe inspect".
type inspectOptions struct {
	Cluster string // cluster id, or a unique prefix of at least 4 hex digits; "" for the summary
	Top     int    // largest clusters listed in the summary; default 10, 0 for none
	JSON    bool   // print JSON instead of text
	Why     bool   // explain what joins two articles, given after OUT

	topSet bool // --top was given
}

// cmdInspect parses the flags of "dedupe inspect", checks them and runs it.
func cmdInspect(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	opts := inspectOptions{Top: 10}
	flags := flag.NewFlagSet("inspect", flag.ContinueOnError)
	flags.SetOutput(stderr)
	flags.Usage = func() {
		fmt.Fprint(flags.Output(), inspectUsage)
		flags.PrintDefaults()
	}
	flags.StringVar(&opts.Cluster, "cluster", "", "show this cluster: its id, or a unique prefix of at least 4 hex digits")
	flags.IntVar(&opts.Top, "top", opts.Top, "largest clusters listed in the summary; 0 for none")
	flags.BoolVar(&opts.JSON, "json", false, "print JSON (fields in a fixed order) instead of text")
	flags.BoolVar(&opts.Why, "why", false, "explain what joins, or separates, the two articles whose ids follow OUT: dedupe inspect OUT --why A B")
	pos, err := parseInterspersed(flags, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	flags.Visit(func(f *flag.Flag) {
		if f.Name == "top" {
			opts.topSet = true
		}
	})
	if err := opts.check(pos); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	return runInspect(ctx, opts, pos, stdout)
}

// parseInterspersed parses fs from args, letting flags follow positional
// arguments ("dedupe inspect OUT --cluster ID"), and returns the positional
// ones. Everything after "--" is positional.
func parseInterspersed(flags *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := parseFlags(flags, args); err != nil {
			return nil, err
		}
		rest := flags.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if used := len(args) - len(rest); used > 0 && args[used-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// check validates the options and the positional arguments, and normalises
// the cluster id to lower case.
func (o *inspectOptions) check(args []string) error {
	switch {
	case len(args) == 0:
		return errors.New("inspect needs the output folder of a run: dedupe inspect OUT")
	case o.Why && len(args) != 3:
		return fmt.Errorf("--why takes two article ids after OUT: dedupe inspect OUT --why A B (got %d arguments)", len(args))
	case !o.Why && len(args) > 1:
		return fmt.Errorf("unexpected argument %q: inspect reads one output folder", args[1])
	case args[0] == "":
		return errors.New("OUT is empty")
	}
	if o.Why && (o.Cluster != "" || o.topSet) {
		return errors.New("--why shows two articles: it takes neither --cluster nor --top")
	}
	if o.Top < 0 {
		return fmt.Errorf("--top %d: want 0 or more", o.Top)
	}
	if o.Cluster != "" {
		if o.topSet {
			return errors.New("--top applies to the summary, not to --cluster")
		}
		id := strings.ToLower(o.Cluster)
		if len(id) < inspectMinPrefix || len(id) > inspectIDLen || strings.Trim(id, "0123456789abcdef") != "" {
			return fmt.Errorf("--cluster %q: want a cluster id (%d hex digits) or a prefix of %d or more", o.Cluster, inspectIDLen, inspectMinPrefix)
		}
		o.Cluster = id
	}
	return nil
}

// runInspect reads the tables in args[0] and prints what opts ask for.
func runInspect(ctx context.Context, opts inspectOptions, args []string, stdout io.Writer) error {
	// Tables swapped in one by one (--out on a mount point) by a run that
	// was killed halfway do not belong together: say so rather than mix.
	if _, err := os.Stat(filepath.Join(args[0], write.RunFile)); err == nil {
		if err := write.Check(args[0]); err != nil {
			return fmt.Errorf("%s: the tables are not the set its %s records (%v); was a run killed while replacing them? run it again", args[0], write.RunFile, err)
		}
	}
	t, err := readInspectTables(ctx, args[0])
	if err != nil {
		return err
	}
	var report inspectReport
	if opts.Why {
		if report, err = t.why(ctx, args[1], args[2]); err != nil {
			return err
		}
	} else if opts.Cluster != "" {
		id, err := resolveClusterID(t.clusterIDs(), opts.Cluster)
		if err != nil {
			return fmt.Errorf("%s: %w", filepath.Join(t.dir, t.files[0]), err)
		}
		if report, err = t.cluster(id); err != nil {
			return err
		}
	} else {
		report = t.summary(opts.Top)
	}
	w := bufio.NewWriter(stdout)
	if opts.JSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(report); err != nil {
			return err
		}
	} else {
		report.print(w)
	}
	return w.Flush()
}

// inspectReport is what inspect prints: as text with print, or as JSON.
type inspectReport interface {
	print(w io.Writer)
}

var (
	_ inspectReport = &inspectSummary{}
	_ inspectReport = &inspectClusterReport{}
)

// inspectRow is one row of clusters.parquet.
type inspectRow struct {
	ClusterID   string
	ArticleID   string
	SourcePath  string
	Title       string
	IsCanonical bool
	CanonicalID string
	ClusterSize int32
	FirstSeen   string // "" unless a run with --history wrote the table
	Joined      bool   // joined_existing, a run with --history
	Similarity  float64
	Shared      int32
	Added       int32
	Words       int32
	URL         *string
	Source      *string
	PublishedAt *string
}

// inspectAddition is one row of additions.parquet.
type inspectAddition struct {
	ClusterID string
	ArticleID string
	Index     int32
	Text      string
}

// inspectMerge is one row of merges.parquet (a run with --history).
type inspectMerge struct {
	Night      string `json:"night"`
	SurvivorID string `json:"surviving_id"`
	AbsorbedID string `json:"absorbed_id"`
}

// inspectReject is one row of rejects.parquet.
type inspectReject struct {
	Path   string `json:"path"`
	Line   int32  `json:"line"`
	Reason string `json:"reason"`
}

// inspectTables are the tables of one output folder; clusters keeps the rows of
// each cluster in table order, clusters in order of first appearance.
type inspectTables struct {
	dir          string
	files        []string // tables read
	articles     int
	clusters     []*inspectCluster
	byID         map[string]*inspectCluster
	additions    []inspectAddition
	rejects      []inspectReject
	history      bool           // clusters.parquet has the columns of a run with --history
	rejectsTable bool           // rejects.parquet (or .arrow) was present
	merges       []inspectMerge // merges.parquet, when present
}

// inspectCluster is one cluster's rows of clusters.parquet, in table order.
type inspectCluster struct {
	id   string
	rows []inspectRow
}

// size is the cluster's size: its cluster_size, which after a run with
// --history counts the members of earlier nights too, and never less than
// the rows listed (a table not written by dedupe).
func (c *inspectCluster) size() int {
	return max(len(c.rows), int(c.rows[0].ClusterSize))
}

func (t *inspectTables) clusterIDs() []string {
	ids := make([]string, len(t.clusters))
	for i, c := range t.clusters {
		ids[i] = c.id
	}
	return ids
}

// readInspectTables reads clusters.parquet, additions.parquet and, when present,
// rejects.parquet from dir. Errors name the folder or the file.
func readInspectTables(ctx context.Context, dir string) (*inspectTables, error) {
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("output folder %s does not exist", dir)
	case err != nil:
		return nil, fmt.Errorf("output folder %s: %w", dir, err)
	case !fi.IsDir():
		return nil, fmt.Errorf("output folder %s is not a folder", dir)
	}
	t := &inspectTables{dir: dir, byID: map[string]*inspectCluster{}}

	rows, path, err := readInspectTable(ctx, dir, write.ClustersFile, true)
	if err != nil {
		return nil, err
	}
	t.files = append(t.files, filepath.Base(path))
	for i, r := range rows {
		d := inspectDecoder{file: path, row: i, r: r}
		a := inspectRow{
			ClusterID: d.str("cluster_id"), ArticleID: d.str("article_id"), SourcePath: d.str("source_path"),
			Title: d.str("title"), IsCanonical: d.boolean("is_canonical"), CanonicalID: d.str("canonical_id"),
			ClusterSize: d.int32("cluster_size"), Similarity: d.float("similarity"),
			Shared: d.int32("shared_sentences"), Added: d.int32("added_sentences"), Words: d.int32("words"),
			URL: d.optStr("url"), Source: d.optStr("source"), PublishedAt: d.optStr("published_at"),
		}
		// The columns a run with --history adds: all or none.
		if _, ok := r["first_seen"]; ok || t.history {
			t.history = true
			a.FirstSeen, a.Joined = d.str("first_seen"), d.boolean("joined_existing")
		}
		if d.err != nil {
			return nil, d.err
		}
		c := t.byID[a.ClusterID]
		if c == nil {
			c = &inspectCluster{id: a.ClusterID}
			t.byID[a.ClusterID] = c
			t.clusters = append(t.clusters, c)
		}
		c.rows = append(c.rows, a)
	}
	t.articles = len(rows)

	if rows, path, err = readInspectTable(ctx, dir, write.AdditionsFile, true); err != nil {
		return nil, err
	}
	t.files = append(t.files, filepath.Base(path))
	t.additions = make([]inspectAddition, len(rows))
	for i, r := range rows {
		d := inspectDecoder{file: path, row: i, r: r}
		t.additions[i] = inspectAddition{ClusterID: d.str("cluster_id"), ArticleID: d.str("article_id"), Index: d.int32("sentence_index"), Text: d.str("text")}
		if d.err != nil {
			return nil, d.err
		}
	}

	if rows, path, err = readInspectTable(ctx, dir, write.RejectsFile, false); err != nil {
		return nil, err
	}
	if rows != nil {
		t.files = append(t.files, filepath.Base(path))
		t.rejectsTable = true
	}
	t.rejects = make([]inspectReject, len(rows))
	for i, r := range rows {
		d := inspectDecoder{file: path, row: i, r: r}
		t.rejects[i] = inspectReject{Path: d.str("path"), Line: d.int32("line"), Reason: d.str("reason")}
		if d.err != nil {
			return nil, d.err
		}
	}

	if rows, path, err = readInspectTable(ctx, dir, write.MergesFile, false); err != nil {
		return nil, err
	}
	if rows != nil {
		t.files = append(t.files, filepath.Base(path))
	}
	t.merges = make([]inspectMerge, len(rows))
	for i, r := range rows {
		d := inspectDecoder{file: path, row: i, r: r}
		t.merges[i] = inspectMerge{Night: d.str("night"), SurvivorID: d.str("surviving_id"), AbsorbedID: d.str("absorbed_id")}
		if d.err != nil {
			return nil, d.err
		}
	}
	return t, nil
}

// readInspectTable reads one table, Parquet or, when a run wrote that
// format, Arrow IPC, and returns the path it read; a missing optional table
// gives nil rows and no error, a present one at least an empty slice.
func readInspectTable(ctx context.Context, dir, name string, required bool) ([]write.Row, string, error) {
	if err := ctx.Err(); err != nil {
		return nil, "", err
	}
	p := filepath.Join(dir, name)
	if !fileExists(p) {
		// A run with --format arrow wrote the same table as Arrow IPC.
		alt := strings.TrimSuffix(p, ".parquet") + ".arrow"
		switch {
		case fileExists(alt):
			p = alt
		case !required:
			return nil, p, nil
		default:
			return nil, p, fmt.Errorf("%s not found: is %s the --out folder of a dedupe run?", p, dir)
		}
	}
	rows, err := write.ReadRows(ctx, p)
	if err != nil {
		if ctx.Err() != nil {
			return nil, p, ctx.Err()
		}
		// ReadRows names the file already; say it once.
		if cause := errors.Unwrap(err); cause != nil {
			err = cause
		}
		return nil, p, fmt.Errorf("%s is not a readable dedupe table: %w", p, err)
	}
	if rows == nil {
		rows = []write.Row{}
	}
	return rows, p, nil
}

// inspectDecoder takes typed columns out of a row and keeps the first error,
// which names the file, the row and the column.
type inspectDecoder struct {
	file string
	row  int
	r    write.Row
	err  error
}

func (d *inspectDecoder) get(col string, nullable bool) (any, bool) {
	if d.err != nil {
		return nil, false
	}
	v, ok := d.r[col]
	if !ok {
		d.err = fmt.Errorf("%s: no column %q: not a dedupe table, or one of another version", d.file, col)
		return nil, false
	}
	if v == nil {
		if !nullable {
			d.err = fmt.Errorf("%s: row %d: column %q is null", d.file, d.row, col)
		}
		return nil, false
	}
	return v, true
}

func (d *inspectDecoder) typeErr(col string, v any, want string) {
	d.err = fmt.Errorf("%s: row %d: column %q holds %T, want %s", d.file, d.row, col, v, want)
}

func (d *inspectDecoder) str(col string) string {
	v, ok := d.get(col, false)
	if !ok {
		return ""
	}
	s, ok := v.(string)
	if !ok {
		d.typeErr(col, v, "string")
	}
	return s
}

func (d *inspectDecoder) optStr(col string) *string {
	v, ok := d.get(col, true)
	if !ok {
		return nil
	}
	s, ok := v.(string)
	if !ok {
		d.typeErr(col, v, "string")
		return nil
	}
	return &s
}

func (d *inspectDecoder) boolean(col string) bool {
	v, ok := d.get(col, false)
	if !ok {
		return false
	}
	b, ok := v.(bool)
	if !ok {
		d.typeErr(col, v, "bool")
	}
	return b
}

func (d *inspectDecoder) int32(col string) int32 {
	v, ok := d.get(col, false)
	if !ok {
		return 0
	}
	n, ok := v.(int32)
	if !ok {
		d.typeErr(col, v, "int32")
	}
	return n
}

func (d *inspectDecoder) float(col string) float64 {
	v, ok := d.get(col, false)
	if !ok {
		return 0
	}
	f, ok := v.(float64)
	if !ok {
		d.typeErr(col, v, "float64")
	}
	return f
}

// resolveClusterID finds the one id in ids equal to, or else starting with,
// prefix.
func resolveClusterID(ids []string, prefix string) (string, error) {
	var found []string
	for _, id := range ids {
		if id == prefix {
			return id, nil
		}
		if strings.HasPrefix(id, prefix) {
			found = append(found, id)
		}
	}
	slices.Sort(found)
	switch {
	case len(found) == 1:
		return found[0], nil
	case len(found) == 0:
		return "", fmt.Errorf("cluster %s not found among its %d clusters", prefix, len(ids))
	}
	const show = 10
	list := strings.Join(found[:min(show, len(found))], ", ")
	if len(found) > show {
		list += fmt.Sprintf(" and %d more", len(found)-show)
	}
	return "", fmt.Errorf("cluster prefix %s is ambiguous: %d clusters start with it: %s", prefix, len(found), list)
}

// inspectSummary is the output of "dedupe inspect OUT".
type inspectSummary struct {
	Out           string          `json:"out"`
	Tables        []string        `json:"tables"`
	Articles      int             `json:"articles"`
	Clusters      int             `json:"clusters"`
	MultiClusters int             `json:"clusters_with_several_articles"`
	MultiArticles int             `json:"articles_in_clusters_with_several"`
	Singletons    int             `json:"singletons"`
	Additions     int             `json:"additions"`
	Rejects       int             `json:"rejects"`
	FirstRejects  []inspectReject `json:"first_rejects"`
	Sizes         []inspectSize   `json:"cluster_sizes"`
	Largest       []inspectLarge  `json:"largest_clusters"`
	History       *inspectNights  `json:"history,omitempty"` // a run with --history only
	rejectsTable  bool            // the rejects table (Parquet or Arrow) was present
	top           int             // --top
}

// inspectNights is what the summary says of a run with --history: tonight's
// articles that joined clusters of earlier nights, and the ids merged.
type inspectNights struct {
	JoinedClusters int            `json:"clusters_joining_earlier_nights"`
	JoinedArticles int            `json:"articles_joining_earlier_nights"`
	EarlierMembers int            `json:"members_of_earlier_nights"`
	Merges         int            `json:"merges"`
	FirstMerges    []inspectMerge `json:"first_merges"`
}

// inspectSize is one bar of the cluster-size histogram.
type inspectSize struct {
	Size     int `json:"size"`
	Clusters int `json:"clusters"`
}

// inspectLarge is one of the largest clusters.
type inspectLarge struct {
	ClusterID      string          `json:"cluster_id"`
	Size           int             `json:"size"`
	CanonicalID    string          `json:"canonical_id"`
	CanonicalTitle string          `json:"canonical_title"`
	Outlets        []inspectOutlet `json:"outlets"` // of the members listed: tonight's after a run with --history
	// After a run with --history: the members listed (tonight's), the
	// night the cluster was first seen, and whether the canonical is an
	// article of an earlier night (then only canonical_id is known).
	Tonight          int    `json:"tonight,omitempty"`
	FirstSeen        string `json:"first_seen,omitempty"`
	CanonicalEarlier bool   `json:"canonical_of_earlier_night,omitempty"`
}

// inspectOutlet counts the members of one outlet in a cluster.
type inspectOutlet struct {
	Outlet   string `json:"outlet"`
	Articles int    `json:"articles"`
}

func (t *inspectTables) summary(top int) *inspectSummary {
	r := &inspectSummary{
		Out: t.dir, Tables: t.files, Articles: t.articles, Clusters: len(t.clusters),
		Additions: len(t.additions), Rejects: len(t.rejects),
		FirstRejects: t.rejects[:min(inspectShowRejects, len(t.rejects))],
		Sizes:        []inspectSize{}, Largest: []inspectLarge{},
		rejectsTable: t.rejectsTable, top: top,
	}
	if t.history {
		r.History = &inspectNights{Merges: len(t.merges), FirstMerges: t.merges[:min(inspectShowRejects, len(t.merges))]}
	}
	bySize := map[int]int{}
	for _, c := range t.clusters {
		n := c.size()
		bySize[n]++
		if n > 1 {
			r.MultiClusters++
			r.MultiArticles += n
		} else {
			r.Singletons++
		}
		if r.History != nil && c.rows[0].Joined {
			r.History.JoinedClusters++
			r.History.JoinedArticles += len(c.rows)
			r.History.EarlierMembers += n - len(c.rows)
		}
	}
	for size, n := range bySize {
		r.Sizes = append(r.Sizes, inspectSize{Size: size, Clusters: n})
	}
	slices.SortFunc(r.Sizes, func(a, b inspectSize) int { return a.Size - b.Size })

	// Largest first; among equals, table order.
	order := slices.Clone(t.clusters)
	slices.SortStableFunc(order, func(a, b *inspectCluster) int { return b.size() - a.size() })
	for _, c := range order[:min(top, len(order))] {
		large := inspectLarge{ClusterID: c.id, Size: c.size(), Outlets: inspectOutlets(c.rows)}
		if canon, ok := c.canonical(); ok {
			large.CanonicalID, large.CanonicalTitle = canon.ArticleID, canon.Title
		} else {
			large.CanonicalID, large.CanonicalEarlier = canon.CanonicalID, true
		}
		if t.history {
			large.Tonight, large.FirstSeen = len(c.rows), c.rows[0].FirstSeen
		}
		r.Largest = append(r.Largest, large)
	}
	return r
}

// canonical returns the cluster's canonical row and true: the one marked
// so, else (a table not written by dedupe) the first. When the canonical is
// an article of an earlier night (a run with --history), not in the table,
// it returns the first row, whose CanonicalID names it, and false.
func (c *inspectCluster) canonical() (inspectRow, bool) {
	for _, a := range c.rows {
		if a.IsCanonical {
			return a, true
		}
	}
	if id := c.rows[0].CanonicalID; id != "" && !slices.ContainsFunc(c.rows, func(a inspectRow) bool { return a.ArticleID == id }) {
		return c.rows[0], false
	}
	return c.rows[0], true
}

// inspectOutletOf names an article's outlet as the pipeline does for
// verbatim repeats (pipeline.Article.Outlet): its source, else its URL's
// host, else the folder of its input file, else "unknown".
func inspectOutletOf(a inspectRow) string {
	if a.Source != nil {
		if s := inspectClean(*a.Source); s != "" {
			return s
		}
	}
	if a.URL != nil {
		if u, err := url.Parse(*a.URL); err == nil && u.Host != "" {
			return strings.TrimPrefix(strings.ToLower(inspectClean(u.Host)), "www.")
		}
	}
	if dir := path.Dir(filepath.ToSlash(a.SourcePath)); dir != "." && dir != "/" && dir != "" {
		return inspectClean(dir)
	}
	return "unknown"
}

// inspectOutlets counts the rows by outlet, most articles first, then by name.
func inspectOutlets(rows []inspectRow) []inspectOutlet {
	counts := map[string]int{}
	for _, a := range rows {
		counts[inspectOutletOf(a)]++
	}
	out := make([]inspectOutlet, 0, len(counts))
	for o, n := range counts {
		out = append(out, inspectOutlet{Outlet: o, Articles: n})
	}
	slices.SortFunc(out, func(a, b inspectOutlet) int {
		if a.Articles != b.Articles {
			return b.Articles - a.Articles
		}
		return strings.Compare(a.Outlet, b.Outlet)
	})
	return out
}

func (r *inspectSummary) print(w io.Writer) {
	inspectWrap(w, "", "  ", fmt.Sprintf("%s (%s)", inspectClean(r.Out), strings.Join(r.Tables, ", ")))
	fmt.Fprintln(w)
	fmt.Fprintf(w, "%8d %s\n", r.Articles, inspectPlural(r.Articles, "article", "articles"))
	fmt.Fprintf(w, "%8d %s\n", r.Clusters, inspectPlural(r.Clusters, "cluster", "clusters"))
	fmt.Fprintf(w, "%8d %s with several articles (%d articles)\n", r.MultiClusters, inspectPlural(r.MultiClusters, "cluster", "clusters"), r.MultiArticles)
	fmt.Fprintf(w, "%8d %s\n", r.Singletons, inspectPlural(r.Singletons, "singleton", "singletons"))
	fmt.Fprintf(w, "%8d %s (sentences members add to their canonical)\n", r.Additions, inspectPlural(r.Additions, "addition", "additions"))
	if r.rejectsTable {
		fmt.Fprintf(w, "%8d %s (input files or lines skipped)\n", r.Rejects, inspectPlural(r.Rejects, "reject", "rejects"))
	} else {
		fmt.Fprintf(w, "%8s rejects (no %s)\n", "-", write.RejectsFile)
	}
	if h := r.History; h != nil {
		fmt.Fprintf(w, "%8d %s of earlier nights joined (by %d of tonight's articles; %d members of earlier nights)\n",
			h.JoinedClusters, inspectPlural(h.JoinedClusters, "cluster", "clusters"), h.JoinedArticles, h.EarlierMembers)
		fmt.Fprintf(w, "%8d %s (cluster ids absorbed tonight)\n", h.Merges, inspectPlural(h.Merges, "merge", "merges"))
	}
	if len(r.FirstRejects) > 0 {
		fmt.Fprintf(w, "\nRejects (%s)\n", inspectFirstOf(len(r.FirstRejects), r.Rejects))
		for _, j := range r.FirstRejects {
			where := j.Path
			if j.Line > 0 {
				where = fmt.Sprintf("%s:%d", j.Path, j.Line)
			}
			inspectWrap(w, "  ", "    ", inspectClean(where)+": "+inspectClean(j.Reason))
		}
	}

	if h := r.History; h != nil && len(h.FirstMerges) > 0 {
		fmt.Fprintf(w, "\nMerges (%s)\n", inspectFirstOf(len(h.FirstMerges), h.Merges))
		for _, m := range h.FirstMerges {
			fmt.Fprintf(w, "  %s absorbed into %s\n", inspectClean(m.AbsorbedID), inspectClean(m.SurvivorID))
		}
	}

	sizes := "Cluster sizes"
	if r.History != nil {
		sizes += " (earlier nights' members included)"
	}
	fmt.Fprintf(w, "\n%s\n  %6s  %8s\n", sizes, "size", "clusters")
	most := 0
	for _, s := range r.Sizes {
		most = max(most, s.Clusters)
	}
	for _, s := range r.Sizes {
		bar := (s.Clusters*inspectBarWidth + most - 1) / most
		fmt.Fprintf(w, "  %6d  %8d  %s\n", s.Size, s.Clusters, strings.Repeat("#", bar))
	}

	if r.top == 0 || len(r.Largest) == 0 {
		return
	}
	fmt.Fprintf(w, "\nLargest clusters (%s)\n", inspectFirstOf(len(r.Largest), r.Clusters))
	fmt.Fprintf(w, "  %-16s  %5s  %s\n", "cluster", "size", "canonical title")
	const indent = 2 + 16 + 2 + 5 + 2
	for _, c := range r.Largest {
		title := c.CanonicalTitle
		if c.CanonicalEarlier {
			title = "(canonical " + c.CanonicalID + ", an article of an earlier night)"
		}
		fmt.Fprintf(w, "  %-16s  %5d  %s\n", c.ClusterID, c.Size, inspectTruncate(inspectClean(title), inspectWidth-indent))
		if r.History != nil {
			inspectWrap(w, strings.Repeat(" ", indent), strings.Repeat(" ", indent),
				fmt.Sprintf("first seen %s, %d tonight", inspectClean(c.FirstSeen), c.Tonight))
		}
		parts := make([]string, 0, inspectShowOutlets+1)
		for _, o := range c.Outlets[:min(inspectShowOutlets, len(c.Outlets))] {
			parts = append(parts, fmt.Sprintf("%s %d", inspectTruncate(o.Outlet, 30), o.Articles))
		}
		if more := len(c.Outlets) - inspectShowOutlets; more > 0 {
			parts = append(parts, fmt.Sprintf("and %d more", more))
		}
		inspectWrap(w, strings.Repeat(" ", indent)+"outlets: ", strings.Repeat(" ", indent+len("outlets: ")), strings.Join(parts, ", "))
	}
	fmt.Fprintln(w)
	inspectWrap(w, "", "", fmt.Sprintf("Run 'dedupe inspect %s --cluster ID' for a cluster's members and what they add.", inspectClean(r.Out)))
}

// inspectClusterReport is the output of "dedupe inspect OUT --cluster ID".
type inspectClusterReport struct {
	ClusterID string                `json:"cluster_id"`
	Size      int                   `json:"size"` // cluster_size: earlier nights' members included
	History   *inspectClusterNights `json:"history,omitempty"`
	Canonical inspectArticle        `json:"canonical"`
	Members   []inspectMember       `json:"members"`
}

// inspectClusterNights is what --cluster says of a cluster after a run with
// --history.
type inspectClusterNights struct {
	Tonight          int    `json:"tonight"` // members listed: tonight's
	FirstSeen        string `json:"first_seen"`
	Joined           bool   `json:"joined_existing"`
	CanonicalEarlier bool   `json:"canonical_of_earlier_night"` // then the canonical's id only is known
}

// inspectArticle is what --cluster shows of any article, canonical or not.
type inspectArticle struct {
	ArticleID   string  `json:"article_id"`
	Title       string  `json:"title"`
	SourcePath  string  `json:"source_path"`
	Source      *string `json:"source"`
	URL         *string `json:"url"`
	PublishedAt *string `json:"published_at"`
	Words       int32   `json:"words"`
	Shared      int32   `json:"shared_sentences"`
}

// inspectMember is a non-canonical member and what it adds.
type inspectMember struct {
	inspectArticle
	Similarity float64        `json:"similarity"`
	Added      int32          `json:"added_sentences"`
	Additions  []inspectAdded `json:"additions"`
}

// inspectAdded is a sentence a member adds.
type inspectAdded struct {
	Index int32  `json:"sentence_index"`
	Text  string `json:"text"`
}

func newInspectArticle(a inspectRow) inspectArticle {
	return inspectArticle{ArticleID: a.ArticleID, Title: a.Title, SourcePath: a.SourcePath, Source: a.Source, URL: a.URL,
		PublishedAt: a.PublishedAt, Words: a.Words, Shared: a.Shared}
}

func (t *inspectTables) cluster(id string) (*inspectClusterReport, error) {
	c := t.byID[id]
	canon, listed := c.canonical()
	r := &inspectClusterReport{ClusterID: id, Size: c.size(), Canonical: newInspectArticle(canon), Members: []inspectMember{}}
	if t.history {
		r.History = &inspectClusterNights{Tonight: len(c.rows), FirstSeen: canon.FirstSeen, Joined: canon.Joined, CanonicalEarlier: !listed}
	}
	if !listed {
		// Only its id is known: it is in the history, not in these tables.
		r.Canonical = inspectArticle{ArticleID: canon.CanonicalID}
	}
	index := map[string]int{}
	for _, a := range c.rows {
		if listed && a.ArticleID == canon.ArticleID {
			continue
		}
		index[a.ArticleID] = len(r.Members)
		r.Members = append(r.Members, inspectMember{inspectArticle: newInspectArticle(a), Similarity: a.Similarity, Added: a.Added,
			Additions: []inspectAdded{}})
	}
	for _, a := range t.additions {
		if a.ClusterID != id {
			continue
		}
		i, ok := index[a.ArticleID]
		if !ok {
			return nil, fmt.Errorf("%s: article %s adds sentence %d to cluster %s, but %s lists no such member",
				filepath.Join(t.dir, t.files[1]), a.ArticleID, a.Index, id, t.files[0])
		}
		r.Members[i].Additions = append(r.Members[i].Additions, inspectAdded{Index: a.Index, Text: a.Text})
	}
	for _, m := range r.Members {
		slices.SortStableFunc(m.Additions, func(a, b inspectAdded) int { return int(a.Index) - int(b.Index) })
	}
	return r, nil
}

func (r *inspectClusterReport) print(w io.Writer) {
	fmt.Fprintf(w, "Cluster %s: %d %s", r.ClusterID, r.Size, inspectPlural(r.Size, "article", "articles"))
	if h := r.History; h != nil {
		joined := "started tonight"
		if h.Joined {
			joined = "joined by tonight's articles"
		}
		fmt.Fprintf(w, ", %d tonight; first seen %s, %s", h.Tonight, inspectClean(h.FirstSeen), joined)
	}
	fmt.Fprintf(w, "\n\ncanonical %s\n", inspectClean(r.Canonical.ArticleID))
	if h := r.History; h != nil && h.CanonicalEarlier {
		inspectField(w, "night", "an article of an earlier night, in the history: these tables do not list it")
	} else {
		printInspectArticle(w, r.Canonical)
		inspectField(w, "sentences", fmt.Sprintf("%d shared with another member", r.Canonical.Shared))
	}
	if len(r.Members) == 0 {
		fmt.Fprintf(w, "\nNo other member: a singleton.\n")
		return
	}
	for _, m := range r.Members {
		fmt.Fprintf(w, "\nmember %s\n", inspectClean(m.ArticleID))
		printInspectArticle(w, m.inspectArticle)
		inspectField(w, "similarity", fmt.Sprintf("%.3f (word-3-gram Jaccard to the canonical)", m.Similarity))
		inspectField(w, "sentences", fmt.Sprintf("%d shared, %d added", m.Shared, m.Added))
		if len(m.Additions) == 0 {
			continue
		}
		inspectField(w, "additions", "")
		digits := len(fmt.Sprint(m.Additions[len(m.Additions)-1].Index))
		for _, a := range m.Additions {
			lead := fmt.Sprintf("      %*d  ", digits, a.Index)
			inspectWrap(w, lead, strings.Repeat(" ", len(lead)), inspectClean(a.Text))
		}
	}
}

// printInspectArticle prints the fields an article has whatever its role; for
// the canonical, shared sentences are those found in another member.
func printInspectArticle(w io.Writer, a inspectArticle) {
	inspectField(w, "title", inspectClean(a.Title))
	for _, f := range []struct {
		name string
		v    *string
	}{{"source", a.Source}, {"url", a.URL}, {"published", a.PublishedAt}} {
		if f.v != nil {
			inspectField(w, f.name, inspectClean(*f.v))
		}
	}
	inspectField(w, "file", inspectClean(a.SourcePath))
	inspectField(w, "words", fmt.Sprint(a.Words))
}

// inspectField prints "    name        value", the value wrapped under itself.
func inspectField(w io.Writer, name, value string) {
	lead := fmt.Sprintf("    %-12s", name)
	inspectWrap(w, lead, strings.Repeat(" ", len(lead)), value)
}

// inspectWrap writes text word-wrapped to inspectWidth columns, the first
// line after first, the others after rest. A word longer than a line gets
// a line of its own.
func inspectWrap(w io.Writer, first, rest, text string) {
	lead := first
	line := ""
	for _, word := range strings.Fields(text) {
		if line != "" && utf8.RuneCountInString(lead)+utf8.RuneCountInString(line)+1+utf8.RuneCountInString(word) > inspectWidth {
			fmt.Fprintf(w, "%s%s\n", lead, line)
			lead, line = rest, ""
		}
		if line != "" {
			line += " "
		}
		line += word
	}
	if line == "" {
		fmt.Fprintln(w, strings.TrimRight(lead, " "))
		return
	}
	fmt.Fprintf(w, "%s%s\n", lead, line)
}

// inspectClean makes text from the tables safe and tidy on a terminal:
// control characters (escape sequences of a hostile crawl included) become
// spaces, and runs of white space one space.
func inspectClean(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// inspectTruncate shortens s to at most n runes, at a word boundary when one is
// near, marking the cut with "…".
func inspectTruncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:n-1]
	if i := strings.LastIndexByte(string(r), ' '); i > len(string(r))*2/3 {
		r = []rune(string(r)[:i])
	}
	return strings.TrimRightFunc(string(r), func(c rune) bool { return unicode.IsSpace(c) || unicode.IsPunct(c) }) + "…"
}

func inspectPlural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// inspectFirstOf says "all 3" or "first 5 of 12".
func inspectFirstOf(shown, total int) string {
	if shown == total {
		return fmt.Sprintf("all %d", total)
	}
	return fmt.Sprintf("first %d of %d", shown, total)
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
