package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/dedupe/dedupe/pipeline"
	"github.com/dedupe/dedupe/stages/load"
	"github.com/dedupe/dedupe/stages/normalize"
	"github.com/dedupe/dedupe/stages/write"
)

// inspectWhyCutLinks is the number of cut links --why lists between two
// clusters, strongest first.
const inspectWhyCutLinks = 10

// Relations --why reports between two articles.
const (
	whyLinked   = "linked"   // a link of links.parquet joins them, kept or cut
	whyPath     = "path"     // one cluster, joined through other members
	whyClusters = "apart"    // different clusters, no direct link
	whySame     = "same"     // the same article given twice
	whyNoPath   = "no-path"  // one cluster, yet no path of kept links (tables of another method)
	whyNoLinks  = "no-links" // one cluster of several, no links table to explain it
)

// inspectWhy is the output of "dedupe inspect OUT --why A B".
type inspectWhy struct {
	A        inspectWhyArticle `json:"a"`
	B        inspectWhyArticle `json:"b"`
	Relation string            `json:"relation"`
	// Summary says in one sentence what joins or separates the two.
	Summary string `json:"summary"`
	// Link is the direct link between A and B, when there is one.
	Link *inspectLink `json:"link"`
	// Path is the shortest chain of kept links from A to B within their
	// cluster, when they are not linked directly.
	Path []inspectLink `json:"path"`
	// CutLinks are the links between A's and B's clusters that the
	// clustering cut, strongest first, when they are in different clusters.
	CutLinks []inspectLink `json:"cut_links"`
	// Window is the run's --window; Apart is set when both articles have a
	// publication time and are further apart than it.
	Window string `json:"window"`
	Apart  bool   `json:"published_further_apart_than_window"`
	// Texts says where the sentence texts come from: the input folder as
	// it is now, or why they are missing (offsets only).
	Texts string `json:"texts"`
}

// inspectWhyArticle is what --why shows of each of the two articles.
type inspectWhyArticle struct {
	ArticleID   string  `json:"article_id"`
	ClusterID   string  `json:"cluster_id"`
	ClusterSize int     `json:"cluster_size"`
	Title       string  `json:"title"`
	Source      *string `json:"source"`
	PublishedAt *string `json:"published_at"`
}

// inspectLink is one row of links.parquet, with its rows of
// link_passages.parquet.
type inspectLink struct {
	ArticleA    string           `json:"article_a"`
	ArticleB    string           `json:"article_b"`
	ClusterA    string           `json:"cluster_a"`
	ClusterB    string           `json:"cluster_b"`
	Passages    int32            `json:"passages"`
	Evidence    float64          `json:"evidence"`
	CopyJaccard float64          `json:"copy_jaccard"`
	Kept        bool             `json:"kept"`
	CutReason   string           `json:"cut_reason"`
	Sentences   []inspectPassage `json:"sentence_pairs"`
}

// inspectPassage is one row of link_passages.parquet, with the two
// sentences' text when the input could be read.
type inspectPassage struct {
	SentenceA   int32   `json:"sentence_a"`
	StartA      int32   `json:"start_a"`
	EndA        int32   `json:"end_a"`
	TextA       *string `json:"text_a"`
	SentenceB   int32   `json:"sentence_b"`
	StartB      int32   `json:"start_b"`
	EndB        int32   `json:"end_b"`
	TextB       *string `json:"text_b"`
	Shared      int32   `json:"shared"`
	Evidence    float64 `json:"evidence"`
	Containment float64 `json:"containment"`
	Jaccard     float64 `json:"jaccard"`
}

var _ inspectReport = &inspectWhy{}

// linkKey names a link by its two article ids, the smaller first.
type linkKey [2]string

func newLinkKey(a, b string) linkKey {
	if b < a {
		a, b = b, a
	}
	return linkKey{a, b}
}

// why explains what joins or separates articles a and b.
func (t *inspectTables) why(ctx context.Context, a, b string) (*inspectWhy, error) {
	rowA, okA := t.article(a)
	rowB, okB := t.article(b)
	for _, m := range []struct {
		id string
		ok bool
	}{{a, okA}, {b, okB}} {
		if !m.ok {
			return nil, fmt.Errorf("%s: no article %q", filepath.Join(t.dir, write.ClustersFile), m.id)
		}
	}
	rep, repErr := write.ReadReport(t.dir)
	r := &inspectWhy{A: t.whyArticle(rowA), B: t.whyArticle(rowB), Path: []inspectLink{}, CutLinks: []inspectLink{}}
	if repErr == nil {
		r.Window = rep.Params.Window.String()
		r.Apart = apart(rowA.PublishedAt, rowB.PublishedAt, rep.Params.Window)
	}
	if a == b {
		r.Relation, r.Summary = whySame, "the same article"
		return r, nil
	}
	linksFile, err := t.tableFile(write.LinksFile)
	if err != nil {
		if rowA.ClusterID == rowB.ClusterID {
			r.Relation = whyNoLinks
		} else {
			r.Relation = whyClusters
		}
		r.Summary = fmt.Sprintf("no %s in %s (written by an older dedupe?): run again to see the evidence", write.LinksFile, t.dir)
		return r, nil
	}
	// Only the links touching the two clusters are kept: a path stays
	// within one cluster, and a cut link between the two touches both.
	var links []inspectLink
	err = write.ScanRows(ctx, linksFile, func(row write.Row) error {
		d := inspectDecoder{file: linksFile, r: row}
		l := inspectLink{ClusterA: d.str("cluster_a"), ClusterB: d.str("cluster_b")}
		if l.ClusterA != rowA.ClusterID && l.ClusterA != rowB.ClusterID && l.ClusterB != rowA.ClusterID && l.ClusterB != rowB.ClusterID {
			return d.err
		}
		l.ArticleA, l.ArticleB = d.str("article_a"), d.str("article_b")
		l.Passages, l.Evidence, l.CopyJaccard = d.int32("passages"), d.float("evidence"), d.float("copy_jaccard")
		l.Kept, l.CutReason = d.boolean("kept"), d.str("cut_reason")
		l.Sentences = []inspectPassage{}
		links = append(links, l)
		return d.err
	})
	if err != nil {
		return nil, err
	}
	key := newLinkKey(a, b)
	for i := range links {
		if newLinkKey(links[i].ArticleA, links[i].ArticleB) == key {
			l := links[i]
			r.Link = &l
		}
	}
	switch {
	case r.Link != nil:
		r.Relation = whyLinked
		r.Summary = linkSummary(*r.Link)
	case rowA.ClusterID == rowB.ClusterID:
		if r.Path = shortestPath(links, a, b); len(r.Path) == 0 {
			r.Relation, r.Summary = whyNoPath, "in one cluster, but no chain of kept links joins them"
			r.Path = []inspectLink{}
		} else {
			r.Relation = whyPath
			r.Summary = fmt.Sprintf("not linked directly; in one cluster through a chain of %d kept links", len(r.Path))
		}
	default:
		r.Relation = whyClusters
		for _, l := range links {
			between := (l.ClusterA == rowA.ClusterID && l.ClusterB == rowB.ClusterID) || (l.ClusterA == rowB.ClusterID && l.ClusterB == rowA.ClusterID)
			if between && !l.Kept {
				r.CutLinks = append(r.CutLinks, l)
			}
		}
		slices.SortStableFunc(r.CutLinks, func(x, y inspectLink) int {
			return cmp.Or(cmp.Compare(y.Evidence+y.CopyJaccard, x.Evidence+x.CopyJaccard), cmp.Compare(x.ArticleA, y.ArticleA), cmp.Compare(x.ArticleB, y.ArticleB))
		})
		n := len(r.CutLinks)
		r.CutLinks = r.CutLinks[:min(n, inspectWhyCutLinks)]
		switch {
		case n > 0:
			r.Summary = fmt.Sprintf("in different clusters: the clustering cut the %d %s between them", n, inspectPlural(n, "link", "links"))
		case r.Apart:
			r.Summary = fmt.Sprintf("in different clusters: published further apart than the window (%s), so they could not link", r.Window)
		default:
			r.Summary = "in different clusters: no link joins their clusters (no shared passage with enough evidence, and not copies)"
		}
	}
	if err := t.fillPassages(ctx, r); err != nil {
		return nil, err
	}
	r.Texts = t.fillTexts(ctx, r, rep, repErr)
	return r, nil
}

// linkSummary says what a direct link rests on and what became of it.
func linkSummary(l inspectLink) string {
	var on []string
	if l.Passages > 0 {
		on = append(on, fmt.Sprintf("%d shared %s (evidence %.3g)", l.Passages, inspectPlural(int(l.Passages), "passage", "passages"), l.Evidence))
	}
	if l.CopyJaccard > 0 {
		on = append(on, fmt.Sprintf("copies (whole-document Jaccard %.3f)", l.CopyJaccard))
	}
	s := "linked by " + strings.Join(on, " and ")
	if l.Kept {
		return s + "; the clustering kept the link"
	}
	return s + "; the clustering cut the link (" + l.CutReason + ")"
}

// shortestPath returns the fewest kept links from a to b, breadth first,
// neighbours in article id order so that the same tables give the same
// path; nil when none joins them.
func shortestPath(links []inspectLink, a, b string) []inspectLink {
	adj := map[string][]int{}
	for i, l := range links {
		if l.Kept {
			adj[l.ArticleA] = append(adj[l.ArticleA], i)
			adj[l.ArticleB] = append(adj[l.ArticleB], i)
		}
	}
	other := func(i int, from string) string {
		if links[i].ArticleA == from {
			return links[i].ArticleB
		}
		return links[i].ArticleA
	}
	for n, es := range adj {
		slices.SortFunc(es, func(x, y int) int { return strings.Compare(other(x, n), other(y, n)) })
	}
	via := map[string]int{a: -1}
	queue := []string{a}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		if n == b {
			break
		}
		for _, i := range adj[n] {
			if m := other(i, n); !hasKey(via, m) {
				via[m] = i
				queue = append(queue, m)
			}
		}
	}
	if !hasKey(via, b) {
		return nil
	}
	var path []inspectLink
	for n := b; n != a; {
		i := via[n]
		path = append(path, links[i])
		n = other(i, n)
	}
	slices.Reverse(path)
	return path
}

func hasKey(m map[string]int, k string) bool {
	_, ok := m[k]
	return ok
}

// fillPassages attaches the rows of link_passages.parquet to every link
// the report shows, in one pass over the table.
func (t *inspectTables) fillPassages(ctx context.Context, r *inspectWhy) error {
	shown := map[linkKey][]*inspectLink{}
	for _, l := range r.allLinks() {
		k := newLinkKey(l.ArticleA, l.ArticleB)
		shown[k] = append(shown[k], l)
	}
	if len(shown) == 0 {
		return nil
	}
	path, err := t.tableFile(write.LinkPassagesFile)
	if err != nil {
		return nil // links without passages: the rows say how many
	}
	return write.ScanRows(ctx, path, func(row write.Row) error {
		d := inspectDecoder{file: path, r: row}
		ls := shown[linkKey{d.str("article_a"), d.str("article_b")}]
		if len(ls) == 0 {
			return d.err
		}
		p := inspectPassage{
			SentenceA: d.int32("sentence_a"), StartA: d.int32("start_a"), EndA: d.int32("end_a"),
			SentenceB: d.int32("sentence_b"), StartB: d.int32("start_b"), EndB: d.int32("end_b"),
			Shared: d.int32("shared"), Evidence: d.float("evidence"), Containment: d.float("containment"), Jaccard: d.float("jaccard"),
		}
		for _, l := range ls {
			l.Sentences = append(l.Sentences, p)
		}
		return d.err
	})
}

// allLinks returns pointers to every link the report shows.
func (r *inspectWhy) allLinks() []*inspectLink {
	var out []*inspectLink
	if r.Link != nil {
		out = append(out, r.Link)
	}
	for i := range r.Path {
		out = append(out, &r.Path[i])
	}
	for i := range r.CutLinks {
		out = append(out, &r.CutLinks[i])
	}
	return out
}

// fillTexts cuts the shown sentence pairs' text from the input the run
// read, when run.json names it and it can still be read, and says where
// the texts came from or why there are none.
func (t *inspectTables) fillTexts(ctx context.Context, r *inspectWhy, rep write.Report, repErr error) string {
	links := r.allLinks()
	want := map[string]bool{}
	for _, l := range links {
		if len(l.Sentences) > 0 {
			want[l.ArticleA], want[l.ArticleB] = true, true
		}
	}
	if len(want) == 0 {
		return "no sentence pairs to show"
	}
	if repErr != nil {
		return fmt.Sprintf("offsets only: %v", repErr)
	}
	input := rep.Params.Input
	if input == "" {
		return "offsets only: run.json records no input folder"
	}
	if fi, err := os.Stat(input); err != nil || !fi.IsDir() {
		return fmt.Sprintf("offsets only: the input folder %s recorded in run.json cannot be read from here", input)
	}
	opt := load.OptionsFor(rep.Params)
	opt.Only = map[string]map[int]bool{}
	for id := range want {
		row, _ := t.article(id)
		opt.Only[row.SourcePath] = nil // the article's line is not in the tables: read the file whole
	}
	var mu sync.Mutex
	texts := map[string][]rune{}
	opt.Prepare = func(d *pipeline.Doc) error {
		if want[d.ID] {
			mu.Lock()
			texts[d.ID] = []rune(d.Text)
			mu.Unlock()
		}
		d.Text = ""
		return nil
	}
	if _, err := load.Dir(ctx, input, opt); err != nil {
		return fmt.Sprintf("offsets only: reading %s: %v", input, err)
	}
	cut := func(id string, start, end int32) *string {
		rs, ok := texts[id]
		if !ok || start < 0 || start > end || int(end) > len(rs) {
			return nil
		}
		s := normalize.Text(string(rs[start:end]))
		return &s
	}
	missing := 0
	for _, l := range links {
		for i := range l.Sentences {
			p := &l.Sentences[i]
			p.TextA, p.TextB = cut(l.ArticleA, p.StartA, p.EndA), cut(l.ArticleB, p.StartB, p.EndB)
			if p.TextA == nil || p.TextB == nil {
				missing++
			}
		}
	}
	s := fmt.Sprintf("cut from %s as it is now (an article changed since the run would show other text)", input)
	if missing > 0 {
		s += fmt.Sprintf("; %d sentence %s not found there, offsets only", missing, inspectPlural(missing, "pair", "pairs"))
	}
	return s
}

// article finds an article's row of clusters.parquet.
func (t *inspectTables) article(id string) (inspectRow, bool) {
	for _, c := range t.clusters {
		for _, a := range c.rows {
			if a.ArticleID == id {
				return a, true
			}
		}
	}
	return inspectRow{}, false
}

func (t *inspectTables) whyArticle(a inspectRow) inspectWhyArticle {
	return inspectWhyArticle{ArticleID: a.ArticleID, ClusterID: a.ClusterID, ClusterSize: len(t.byID[a.ClusterID].rows),
		Title: a.Title, Source: a.Source, PublishedAt: a.PublishedAt}
}

// tableFile returns the path of a table in t.dir, Parquet or Arrow.
func (t *inspectTables) tableFile(name string) (string, error) {
	p := filepath.Join(t.dir, name)
	if fileExists(p) {
		return p, nil
	}
	if alt := strings.TrimSuffix(p, ".parquet") + ".arrow"; fileExists(alt) {
		return alt, nil
	}
	return "", fmt.Errorf("%s not found", p)
}

// apart reports whether two publication times (RFC 3339, as ReadRows gives
// them) are further apart than window.
func apart(a, b *string, window pipeline.Duration) bool {
	if a == nil || b == nil || window <= 0 {
		return false
	}
	ta, errA := time.Parse(time.RFC3339, *a)
	tb, errB := time.Parse(time.RFC3339, *b)
	if errA != nil || errB != nil {
		return false
	}
	gap := ta.Sub(tb).Abs()
	return gap > time.Duration(window)
}

func (r *inspectWhy) print(w io.Writer) {
	for _, a := range []struct {
		tag string
		a   inspectWhyArticle
	}{{"A", r.A}, {"B", r.B}} {
		fmt.Fprintf(w, "%s %s\n", a.tag, inspectClean(a.a.ArticleID))
		inspectField(w, "title", inspectClean(a.a.Title))
		if a.a.Source != nil {
			inspectField(w, "source", inspectClean(*a.a.Source))
		}
		if a.a.PublishedAt != nil {
			inspectField(w, "published", *a.a.PublishedAt)
		}
		inspectField(w, "cluster", fmt.Sprintf("%s (%d %s)", a.a.ClusterID, a.a.ClusterSize, inspectPlural(a.a.ClusterSize, "article", "articles")))
	}
	fmt.Fprintln(w)
	inspectWrap(w, "", "  ", inspectClean(r.A.ArticleID)+" and "+inspectClean(r.B.ArticleID)+": "+r.Summary+".")
	if r.Apart && r.Relation != whyClusters {
		inspectWrap(w, "", "  ", fmt.Sprintf("(They were published further apart than the window, %s.)", r.Window))
	}
	if r.Link != nil {
		fmt.Fprintln(w)
		printInspectLink(w, "link", *r.Link, r.A.ArticleID)
	}
	from := r.A.ArticleID
	for i, l := range r.Path {
		fmt.Fprintln(w)
		printInspectLink(w, fmt.Sprintf("step %d of %d", i+1, len(r.Path)), l, from)
		if from == l.ArticleA {
			from = l.ArticleB
		} else {
			from = l.ArticleA
		}
	}
	for i, l := range r.CutLinks {
		fmt.Fprintln(w)
		from := l.ArticleA
		if l.ClusterB == r.A.ClusterID && l.ClusterA != r.A.ClusterID {
			from = l.ArticleB
		}
		printInspectLink(w, fmt.Sprintf("cut link %d", i+1), l, from)
	}
	if r.Texts != "" && len(r.allLinks()) > 0 {
		fmt.Fprintln(w)
		inspectWrap(w, "", "  ", "Sentence texts: "+r.Texts+".")
	}
}

// printInspectLink prints a link and its sentence pairs, the side of
// article from first: a path reads from A to B. Each sentence's text is
// labelled with its article's id.
func printInspectLink(w io.Writer, title string, l inspectLink, from string) {
	if from == l.ArticleB {
		l.ArticleA, l.ArticleB, l.ClusterA, l.ClusterB = l.ArticleB, l.ArticleA, l.ClusterB, l.ClusterA
		l.Sentences = slices.Clone(l.Sentences)
		for i, p := range l.Sentences {
			l.Sentences[i] = inspectPassage{SentenceA: p.SentenceB, StartA: p.StartB, EndA: p.EndB, TextA: p.TextB,
				SentenceB: p.SentenceA, StartB: p.StartA, EndB: p.EndA, TextB: p.TextA,
				Shared: p.Shared, Evidence: p.Evidence, Containment: p.Containment, Jaccard: p.Jaccard}
		}
	}
	fmt.Fprintf(w, "%s: %s - %s\n", title, inspectClean(l.ArticleA), inspectClean(l.ArticleB))
	inspectField(w, "passages", fmt.Sprintf("%d, evidence %.4g", l.Passages, l.Evidence))
	if l.CopyJaccard > 0 {
		inspectField(w, "copies", fmt.Sprintf("whole-document Jaccard %.3f", l.CopyJaccard))
	}
	if l.Kept {
		inspectField(w, "clustering", "kept")
	} else {
		inspectField(w, "clustering", "cut: "+inspectClean(l.CutReason))
	}
	if l.ClusterA != l.ClusterB {
		inspectField(w, "clusters", l.ClusterA+" and "+l.ClusterB)
	}
	for _, p := range l.Sentences {
		inspectField(w, "pair", fmt.Sprintf("sentence %d [%d, %d) ~ sentence %d [%d, %d): %d shared shingles, containment %.2f, Jaccard %.2f, evidence %.3g",
			p.SentenceA, p.StartA, p.EndA, p.SentenceB, p.StartB, p.EndB, p.Shared, p.Containment, p.Jaccard, p.Evidence))
		for _, side := range []struct {
			id   string
			text *string
		}{{l.ArticleA, p.TextA}, {l.ArticleB, p.TextB}} {
			if side.text != nil {
				lead := "      " + inspectTruncate(inspectClean(side.id), 24) + ": "
				inspectWrap(w, lead, "          ", inspectClean(*side.text))
			}
		}
	}
}
