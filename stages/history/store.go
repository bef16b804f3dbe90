package history

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet/file"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"

	"github.com/dedupe/dedupe/pipeline"
	"github.com/dedupe/dedupe/stages/write"
)

// Format is the version of the history's layout this package writes;
// VERSION holds it as "dedupe-history 3". Format 1 (slice 1) stored each
// article's text and put it through the per-article stages again every
// night, and is refused; format 2 stores their result (see AppendRecord);
// format 3 adds each partition's RepeatsFile.
//
// A format-2 history is read, and becomes format 3 with its next commit:
// its partitions, without Repeats, are read whole (the articles not
// loaded could not be counted by the repeats and spread stages), until
// --history-days drops them. The manifest says 3 first, then VERSION, so a
// run killed between the two leaves a history this dedupe reads and the
// one before refuses.
const Format = 3

// oldestFormat is the oldest format Open reads.
const oldestFormat = 2

// Names inside a history folder.
const (
	VersionFile  = "VERSION"
	ManifestFile = "manifest.json"
	PartsDir     = "parts"
	ArticlesFile = "articles.parquet"
	MergesFile   = "merges.parquet"
)

// DefaultDays is the default of --history-days: the nights kept.
const DefaultDays = 30

// NightLayout is the layout of a night's name.
const NightLayout = "2006-01-02"

var versionLine = fmt.Sprintf("dedupe-history %d", Format)

// Errors a history can be refused with.
var (
	// ErrVersion: the folder was written by another format of the history.
	ErrVersion = errors.New("history written by another format")
	// ErrNotHistory: the folder holds files but no VERSION.
	ErrNotHistory = errors.New("not a dedupe history")
	// ErrOutOfOrder: tonight is older than the newest night stored.
	ErrOutOfOrder = errors.New("night out of order")
)

// Partition is one stored night: its name, its folder, relative to the
// history folder, and the words per shingle its records were made with
// (--shingle), which a night reading them must use too.
type Partition struct {
	Night   string `json:"night"`
	Dir     string `json:"dir"`
	Shingle int    `json:"shingle"`
}

type manifest struct {
	Format int         `json:"format"`
	Nights []Partition `json:"nights"` // ascending by night
}

// Store is an open history folder. The caller holds its lock (write.Lock on
// the folder) from Open until it is done with it.
type Store struct {
	dir     string
	nights  []Partition
	version int // the format VERSION names
}

// Open opens the history in dir, creating it when dir is missing or empty.
// It refuses a folder written by another format (ErrVersion) or one that
// holds files but no VERSION (ErrNotHistory), and removes the partition
// folders no manifest lists: those of runs killed before their commit.
func Open(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return nil, fmt.Errorf("history %s: %w", dir, err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("history %s: %w", dir, err)
	}
	v, err := os.ReadFile(filepath.Join(dir, VersionFile))
	version := Format
	switch {
	case errors.Is(err, os.ErrNotExist) && len(entries) == 0:
		if err := writeFileAtomic(dir, VersionFile, []byte(versionLine+"\n")); err != nil {
			return nil, fmt.Errorf("history %s: %w", dir, err)
		}
	case errors.Is(err, os.ErrNotExist):
		return nil, fmt.Errorf("history %s: %w: it holds files but no %s; give an empty or new folder", dir, ErrNotHistory, VersionFile)
	case err != nil:
		return nil, fmt.Errorf("history %s: %w", dir, err)
	default:
		got := strings.TrimSpace(strings.SplitN(string(v), "\n", 2)[0])
		if version = readable(got); version == 0 {
			return nil, fmt.Errorf("history %s: %w: its %s says %q, this dedupe (%s) reads %q to %q; run the dedupe that wrote it, or start a new history folder",
				dir, ErrVersion, VersionFile, got, write.Version, fmt.Sprintf("dedupe-history %d", oldestFormat), versionLine)
		}
	}
	s := &Store{dir: dir, version: version}
	m, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("history %s: %w", dir, err)
	}
	if err == nil {
		var man manifest
		if err := json.Unmarshal(m, &man); err != nil {
			return nil, fmt.Errorf("history %s: %s: %w", dir, ManifestFile, err)
		}
		if man.Format < oldestFormat || man.Format > Format {
			return nil, fmt.Errorf("history %s: %w: %s has format %d, this dedupe reads %d to %d", dir, ErrVersion, ManifestFile, man.Format, oldestFormat, Format)
		}
		for _, p := range man.Nights {
			if _, err := ParseNight(p.Night); err != nil || !validPart(p.Dir) {
				return nil, fmt.Errorf("history %s: %s lists %q in %q, not a night's partition", dir, ManifestFile, p.Night, p.Dir)
			}
		}
		s.nights = man.Nights
	}
	if err := s.removeUnlisted(); err != nil {
		return nil, err
	}
	return s, nil
}

// readable returns the format a VERSION line names when Open reads it, else 0.
func readable(line string) int {
	for f := oldestFormat; f <= Format; f++ {
		if line == fmt.Sprintf("dedupe-history %d", f) {
			return f
		}
	}
	return 0
}

// validPart reports whether rel names a folder directly under parts/, so a
// tampered manifest cannot point elsewhere.
func validPart(rel string) bool {
	dir, name := filepath.Split(filepath.FromSlash(rel))
	return filepath.Clean(dir) == PartsDir && name != "" && name != "." && name != ".."
}

// Dir returns the history's folder.
func (s *Store) Dir() string { return s.dir }

// Nights returns the stored nights, oldest first.
func (s *Store) Nights() []Partition { return slices.Clone(s.nights) }

// ParseNight parses a night's name, YYYY-MM-DD.
func ParseNight(night string) (time.Time, error) {
	t, err := time.Parse(NightLayout, night)
	if err != nil || t.Format(NightLayout) != night {
		return time.Time{}, fmt.Errorf("night %q: want a date YYYY-MM-DD", night)
	}
	return t, nil
}

// kept reports whether night is still kept when tonight runs with days.
func kept(night, tonight string, days int) bool {
	n, err1 := ParseNight(night)
	t, err2 := ParseNight(tonight)
	if err1 != nil || err2 != nil {
		return false
	}
	return n.After(t.AddDate(0, 0, -days))
}

// Plan returns the partitions tonight reads: the kept nights older than it.
// A night older than the newest stored one is refused (ErrOutOfOrder)
// unless force is set; re-running the newest night is not out of order.
func (s *Store) Plan(tonight string, days int, force bool) ([]Partition, error) {
	if _, err := ParseNight(tonight); err != nil {
		return nil, err
	}
	if days < 1 {
		return nil, fmt.Errorf("history days %d: want 1 or more", days)
	}
	if n := len(s.nights); n > 0 && s.nights[n-1].Night > tonight && !force {
		return nil, fmt.Errorf("%w: night %s is older than %s, the newest night in history %s; --force runs it anyway, reading only the nights before it",
			ErrOutOfOrder, tonight, s.nights[n-1].Night, s.dir)
	}
	var read []Partition
	for _, p := range s.nights {
		if p.Night < tonight && kept(p.Night, tonight, days) {
			read = append(read, p)
		}
	}
	return read, nil
}

// removeUnlisted removes the folders under parts/ that the manifest does
// not list.
func (s *Store) removeUnlisted() error {
	parts := filepath.Join(s.dir, PartsDir)
	entries, err := os.ReadDir(parts)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("history %s: %w", s.dir, err)
	}
	listed := map[string]bool{}
	for _, p := range s.nights {
		listed[filepath.Base(p.Dir)] = true
	}
	for _, e := range entries {
		if !listed[e.Name()] {
			if err := os.RemoveAll(filepath.Join(parts, e.Name())); err != nil {
				return fmt.Errorf("history %s: remove an unused partition: %w", s.dir, err)
			}
		}
	}
	return nil
}

// Stored is one article of a stored night: its metadata (Text is not
// stored), what its night decided, and its record (see AppendRecord): its
// sentences and dropped counts as the per-article stages left them.
type Stored struct {
	pipeline.Article
	Past      pipeline.Past
	Sentences []pipeline.Sentence
	Dropped   []pipeline.ReasonCount
	Figures   []pipeline.FigureWords // pipeline.Doc.FigureWords

	record []byte   // when set, the record of Sentences and Dropped, stored in their place
	keys   []uint64 // its band keys (see Keyer.DocKeys), stored in the partition's KeysFile
}

// ArticlesSchema is the schema of a partition's articles.parquet.
func ArticlesSchema() *arrow.Schema {
	s, b, i, l := arrow.BinaryTypes.String, arrow.FixedWidthTypes.Boolean, arrow.PrimitiveTypes.Int32, arrow.PrimitiveTypes.Int64
	f := func(name string, t arrow.DataType, nullable bool) arrow.Field {
		return arrow.Field{Name: name, Type: t, Nullable: nullable}
	}
	return arrow.NewSchema([]arrow.Field{
		f("article_id", s, false),
		f("source_path", s, false),
		f("line", i, false),
		f("title", s, false),
		f("title_from_text", b, false),
		f("url", s, false),
		f("source", s, false),
		f("published_at_ns", l, true),                   // Unix nanoseconds; null when unknown
		f("sentences", arrow.BinaryTypes.Binary, false), // the record, see AppendRecord
		f("cluster_id", s, false),
		f("first_seen", s, false),
	}, nil)
}

func articleRecord(rows []Stored) arrow.Record {
	b := array.NewRecordBuilder(memory.DefaultAllocator, ArticlesSchema())
	defer b.Release()
	for i := range rows {
		a := &rows[i]
		b.Field(0).(*array.StringBuilder).Append(a.ID)
		b.Field(1).(*array.StringBuilder).Append(a.SourcePath)
		b.Field(2).(*array.Int32Builder).Append(int32(a.Line))
		b.Field(3).(*array.StringBuilder).Append(a.Title)
		b.Field(4).(*array.BooleanBuilder).Append(a.TitleFromText)
		b.Field(5).(*array.StringBuilder).Append(a.URL)
		b.Field(6).(*array.StringBuilder).Append(a.Source)
		if a.PublishedAt.IsZero() {
			b.Field(7).AppendNull()
		} else {
			b.Field(7).(*array.Int64Builder).Append(a.PublishedAt.UnixNano())
		}
		rec := a.record
		if rec == nil {
			rec = AppendRecord(nil, a.Sentences, a.Dropped, a.Figures)
		}
		b.Field(8).(*array.BinaryBuilder).Append(rec)
		b.Field(9).(*array.StringBuilder).Append(a.Past.ClusterID)
		b.Field(10).(*array.StringBuilder).Append(a.Past.FirstSeen)
	}
	return b.NewRecord()
}

// Read reads one stored night: its articles, in the order stored, and its
// merges.
func (s *Store) Read(ctx context.Context, p Partition) ([]Stored, []pipeline.Merge, error) {
	idx, err := s.ReadIndex(ctx, p)
	if err != nil {
		return nil, nil, err
	}
	all := make([]int, len(idx.IDs))
	for i := range all {
		all[i] = i
	}
	rows, err := s.ReadRows(ctx, p, all)
	return rows, idx.Merges, err
}

// NoTime stands for an unknown publication time in Index.Published.
const NoTime = math.MinInt64

// Index is what a night reads of every row of a stored night, loaded or
// not: enough to reject a duplicate id, count the row in its cluster's
// size, and tell whether it could link to one of tonight's articles.
type Index struct {
	IDs       []string         // each row's article id, in the order stored
	Clusters  []string         // the cluster id each row was stored with
	Published []int64          // each row's publication time, Unix nanoseconds, or NoTime
	Merges    []pipeline.Merge // the night's merges
}

// ReadIndex reads the Index of one stored night: three columns of its
// articles (id, cluster id, publication time), not the records, and its
// merges.
func (s *Store) ReadIndex(ctx context.Context, p Partition) (Index, error) {
	dir := filepath.Join(s.dir, filepath.FromSlash(p.Dir))
	var idx Index
	err := readArticles(ctx, filepath.Join(dir, ArticlesFile), []string{"article_id", "cluster_id", "published_at_ns"}, nil, func(_ int, c []arrow.Array, i int) error {
		id, cid, ns := c[0].(*array.String), c[1].(*array.String), c[2].(*array.Int64)
		idx.IDs = append(idx.IDs, id.Value(i))
		idx.Clusters = append(idx.Clusters, cid.Value(i))
		t := int64(NoTime)
		if ns.IsValid(i) {
			t = ns.Value(i)
		}
		idx.Published = append(idx.Published, t)
		return nil
	})
	if err != nil {
		return Index{}, fmt.Errorf("history %s: night %s: %w", s.dir, p.Night, err)
	}
	err = write.ScanRows(ctx, filepath.Join(dir, MergesFile), func(r write.Row) error {
		n, _ := r["night"].(string)
		sv, _ := r["surviving_id"].(string)
		ab, _ := r["absorbed_id"].(string)
		idx.Merges = append(idx.Merges, pipeline.Merge{Night: n, Surviving: sv, Absorbed: ab})
		return nil
	})
	if err != nil {
		return Index{}, fmt.Errorf("history %s: night %s: %w", s.dir, p.Night, err)
	}
	return idx, nil
}

// ReadRows reads the articles of one stored night at rows (indexes in the
// order stored, ascending), with their records: only the row groups that
// hold one of them are read, one at a time, and only their records are
// decoded (see GroupRows).
func (s *Store) ReadRows(ctx context.Context, p Partition, rows []int) ([]Stored, error) {
	if len(rows) == 0 {
		return nil, nil
	}
	dir := filepath.Join(s.dir, filepath.FromSlash(p.Dir))
	names := []string{"article_id", "source_path", "line", "title", "title_from_text", "url", "source", "published_at_ns", "sentences", "cluster_id", "first_seen"}
	var out []Stored
	err := readArticles(ctx, filepath.Join(dir, ArticlesFile), names, rows, func(row int, c []arrow.Array, i int) error {
		a := Stored{Past: pipeline.Past{Night: p.Night}}
		a.ID = c[0].(*array.String).Value(i)
		a.SourcePath = c[1].(*array.String).Value(i)
		a.Line = int(c[2].(*array.Int32).Value(i))
		a.Title = c[3].(*array.String).Value(i)
		a.TitleFromText = c[4].(*array.Boolean).Value(i)
		a.URL = c[5].(*array.String).Value(i)
		a.Source = c[6].(*array.String).Value(i)
		if ns := c[7].(*array.Int64); ns.IsValid(i) {
			a.PublishedAt = time.Unix(0, ns.Value(i)).UTC()
		}
		var err error
		if a.Sentences, a.Dropped, a.Figures, err = DecodeRecord(c[8].(*array.Binary).Value(i)); err != nil {
			return fmt.Errorf("article %s: %w", a.ID, err)
		}
		a.Past.ClusterID = c[9].(*array.String).Value(i)
		a.Past.FirstSeen = c[10].(*array.String).Value(i)
		out = append(out, a)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("history %s: night %s: %w", s.dir, p.Night, err)
	}
	return out, nil
}

// articleField returns the field of ArticlesSchema named name.
func articleField(name string) (arrow.Field, bool) {
	s := ArticlesSchema()
	if i := s.FieldIndices(name); len(i) == 1 {
		return s.Field(i[0]), true
	}
	return arrow.Field{}, false
}

// GroupRows is the rows of a row group of articles.parquet: a night reads
// the groups holding the articles it loads, one at a time, so that its
// memory follows those and not the night's size.
const GroupRows = 1000

// readArticles calls fn for each row of the articles file at path that
// rows holds (ascending; every row when rows is nil), with the columns
// named, as read from its row group (row is its index in the file, i in
// the columns). The row groups holding none of rows are not read, and
// only the columns named are.
func readArticles(ctx context.Context, path string, names []string, rows []int, fn func(row int, cols []arrow.Array, i int) error) error {
	pf, err := file.OpenParquetFile(path, false)
	if err != nil {
		return err
	}
	defer pf.Close()
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		return err
	}
	schema := pf.MetaData().Schema
	cols := make([]int, len(names))
	for i, name := range names {
		if cols[i] = schema.ColumnIndexByName(name); cols[i] < 0 {
			return fmt.Errorf("%s: no column %s", path, name)
		}
	}
	start := 0 // the first row of the group
	for rg := 0; rg < pf.NumRowGroups(); rg++ {
		n := int(pf.MetaData().RowGroup(rg).NumRows())
		end := start + n
		var want []int
		if rows == nil {
			want = nil
		} else {
			lo, _ := slices.BinarySearch(rows, start)
			hi, _ := slices.BinarySearch(rows, end)
			want = rows[lo:hi]
			if len(want) == 0 {
				start = end
				continue
			}
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		// Arrow is not handed ctx: a read it sees cancelled midway can
		// leave its readers in a bad state (see write.ReadParquet).
		tbl, err := fr.ReadRowGroups(context.Background(), cols, []int{rg})
		if err != nil {
			return fmt.Errorf("%s: row group %d: %w", path, rg, err)
		}
		arrs := make([]arrow.Array, len(cols))
		for c := range cols {
			chunks := tbl.Column(c).Data().Chunks()
			if len(chunks) == 1 {
				arrs[c] = chunks[0]
				arrs[c].Retain()
			} else if arrs[c], err = array.Concatenate(chunks, memory.DefaultAllocator); err != nil {
				tbl.Release()
				return fmt.Errorf("%s: row group %d: %w", path, rg, err)
			}
		}
		tbl.Release()
		for c, a := range arrs {
			if f, ok := articleField(names[c]); !ok || !arrow.TypeEqual(a.DataType(), f.Type) {
				for _, a := range arrs {
					a.Release()
				}
				return fmt.Errorf("%s: column %s is of type %s, not this format's", path, names[c], a.DataType())
			}
		}
		each := func(row int) error {
			if row < start || row >= end {
				return fmt.Errorf("%s: row %d out of range", path, row)
			}
			return fn(row, arrs, row-start)
		}
		var ferr error
		if rows == nil {
			for r := start; r < end && ferr == nil; r++ {
				ferr = each(r)
			}
		} else {
			for _, r := range want {
				if ferr = each(r); ferr != nil {
					break
				}
			}
		}
		for _, a := range arrs {
			a.Release()
		}
		if ferr != nil {
			return ferr
		}
		start = end
	}
	if rows != nil && len(rows) > 0 && rows[len(rows)-1] >= start {
		return fmt.Errorf("%s: row %d of %d", path, rows[len(rows)-1], start)
	}
	return nil
}

// Stage writes tonight's partition into a new folder under parts/, synced,
// and returns it, unlisted until Commit: until then the history is as it
// was, and a run that dies leaves a folder the next Open removes.
// shingle is the words per shingle of the rows' records, df the counts of
// their shingles (see Rarity), reps their Repeats (see RepeatsStage). It
// is Begin, each file written, and Finish; a night writes the files as
// what they hold is known (see Save).
func (s *Store) Stage(night string, shingle int, rows []Stored, merges []pipeline.Merge, df Counts, reps []Repeat) (Partition, error) {
	p, err := s.Begin(night, shingle)
	if err != nil {
		return Partition{}, err
	}
	var keys []Key
	for i := range rows {
		for _, k := range rows[i].keys {
			keys = append(keys, Key{Key: k, Row: uint32(i)})
		}
	}
	for _, write := range []func() error{
		func() error { return p.WriteArticles(rows, merges) },
		func() error { return p.WriteKeys(keys) },
		func() error { return p.WriteDF(df) },
		func() error { return p.WriteRepeats(reps) },
	} {
		if err := write(); err != nil {
			return Partition{}, err
		}
	}
	return p.Finish()
}

// Staging is a partition being written into its folder under parts/:
// each file is written and synced on its own, in any order or at once, as
// what it holds is known, and Finish syncs the folder. It is unlisted
// until Commit lists it; Remove removes it.
type Staging struct {
	store   *Store
	night   string
	shingle int
	name    string // the folder's name under parts/
}

// Begin creates the folder of a new partition of night, whose records
// have shingle words per shingle, and returns it, to be written.
func (s *Store) Begin(night string, shingle int) (*Staging, error) {
	if _, err := ParseNight(night); err != nil {
		return nil, err
	}
	parts := filepath.Join(s.dir, PartsDir)
	if err := os.MkdirAll(parts, 0o777); err != nil {
		return nil, fmt.Errorf("history %s: %w", s.dir, err)
	}
	for i := 0; ; i++ {
		name := fmt.Sprintf("%s-%d-%d", night, os.Getpid(), i)
		err := os.Mkdir(filepath.Join(parts, name), 0o777)
		if err == nil {
			return &Staging{store: s, night: night, shingle: shingle, name: name}, nil
		}
		if !errors.Is(err, os.ErrExist) {
			return nil, fmt.Errorf("history %s: %w", s.dir, err)
		}
	}
}

// path returns the path of the partition's file name.
func (p *Staging) path(name string) string {
	return filepath.Join(p.store.dir, PartsDir, p.name, name)
}

// WriteArticles writes the partition's ArticlesFile, rows in the order
// given, and its MergesFile, synced.
func (p *Staging) WriteArticles(rows []Stored, merges []pipeline.Merge) error {
	meta := map[string]string{"dedupe.version": write.Version, "dedupe.history_format": fmt.Sprint(Format), "dedupe.night": p.night,
		"dedupe.shingle": fmt.Sprint(p.shingle)}
	rec := articleRecord(rows)
	articles, err := write.ParquetGroups(rec, meta, GroupRows)
	rec.Release()
	if err != nil {
		return fmt.Errorf("history: encode %s: %w", ArticlesFile, err)
	}
	rec = write.MergeRecord(merges)
	mergeData, err := write.Parquet(rec, meta)
	rec.Release()
	if err != nil {
		return fmt.Errorf("history: encode %s: %w", MergesFile, err)
	}
	for _, f := range []struct {
		name string
		data []byte
	}{{ArticlesFile, articles}, {MergesFile, mergeData}} {
		if err := write.WriteFileSync(p.path(f.name), f.data); err != nil {
			return fmt.Errorf("history %s: %w", p.store.dir, err)
		}
	}
	return nil
}

// WriteKeys writes the partition's KeysFile, synced: keys, each with its
// row in ArticlesFile (see writeKeys).
func (p *Staging) WriteKeys(keys []Key) error {
	if err := writeKeys(p.path(KeysFile), keys); err != nil {
		return fmt.Errorf("history %s: %w", p.store.dir, err)
	}
	return nil
}

// WriteDF writes the partition's DFFile, synced: the counts of its
// articles' shingles.
func (p *Staging) WriteDF(df Counts) error {
	if err := writeDF(p.path(DFFile), df); err != nil {
		return fmt.Errorf("history %s: %w", p.store.dir, err)
	}
	return nil
}

// WriteRepeats writes the partition's RepeatsFile, synced: its articles'
// Repeats, sorted.
func (p *Staging) WriteRepeats(reps []Repeat) error {
	if err := writeRepeats(p.path(RepeatsFile), reps); err != nil {
		return fmt.Errorf("history %s: %w", p.store.dir, err)
	}
	return nil
}

// Finish syncs the partition's folder, once its files are written, and
// the parts folder, and returns the partition, for Commit.
func (p *Staging) Finish() (Partition, error) {
	parts := filepath.Join(p.store.dir, PartsDir)
	if err := syncDir(filepath.Join(parts, p.name)); err != nil {
		return Partition{}, err
	}
	if err := syncDir(parts); err != nil {
		return Partition{}, err
	}
	return Partition{Night: p.night, Dir: PartsDir + "/" + p.name, Shingle: p.shingle}, nil
}

// Remove removes the partition's folder: a run that does not commit it
// need not leave it for the next Open to remove.
func (p *Staging) Remove() error {
	if err := os.RemoveAll(filepath.Join(p.store.dir, PartsDir, p.name)); err != nil {
		return fmt.Errorf("history %s: remove an uncommitted partition: %w", p.store.dir, err)
	}
	return nil
}

// Commit makes p, staged by Stage, the partition of its night, replacing
// that night's previous one, and drops the nights at least days older than
// p's: one rename of the manifest. The folders no longer listed are then
// removed.
func (s *Store) Commit(p Partition, days int) error {
	var nights []Partition
	for _, q := range s.nights {
		if q.Night != p.Night && kept(q.Night, p.Night, days) {
			nights = append(nights, q)
		}
	}
	nights = append(nights, p)
	slices.SortFunc(nights, func(a, b Partition) int { return strings.Compare(a.Night, b.Night) })
	data, err := json.MarshalIndent(manifest{Format: Format, Nights: nights}, "", "  ")
	if err != nil {
		return err
	}
	if err := writeFileAtomic(s.dir, ManifestFile, append(data, '\n')); err != nil {
		return fmt.Errorf("history %s: %w", s.dir, err)
	}
	s.nights = nights
	if s.version != Format {
		// An older format's history, read by this dedupe, is now this
		// format's (see Format).
		if err := writeFileAtomic(s.dir, VersionFile, []byte(versionLine+"\n")); err != nil {
			return fmt.Errorf("history %s: %w", s.dir, err)
		}
		s.version = Format
	}
	return s.removeUnlisted()
}

// writeFileAtomic writes name in dir through a synced temporary file
// renamed over it, and syncs dir.
func writeFileAtomic(dir, name string, data []byte) error {
	tmp := filepath.Join(dir, "."+name+".tmp")
	if err := write.WriteFileSync(tmp, data); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, filepath.Join(dir, name)); err != nil {
		os.Remove(tmp)
		return err
	}
	return syncDir(dir)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}

// CheckPaths refuses a history folder that overlaps the input folder or the
// output folder (out resolved, see write.ResolveOut): the run would read
// the history as articles, or swap it away with the tables.
func CheckPaths(dir, input, out string) error {
	h, err := filepath.Abs(dir)
	if err != nil {
		return fmt.Errorf("history %s: %w", dir, err)
	}
	if r, err := filepath.EvalSymlinks(h); err == nil {
		h = r
	}
	in, err := filepath.Abs(input)
	if err == nil {
		in, err = filepath.EvalSymlinks(in)
	}
	if err != nil {
		return fmt.Errorf("input %s: %w", input, err)
	}
	for _, o := range []struct{ name, path string }{{"the input folder", in}, {"--out", out}} {
		if h == o.path || within(h, o.path) || within(o.path, h) {
			return fmt.Errorf("--history %s overlaps %s %s: choose a folder apart from both", dir, o.name, o.path)
		}
	}
	return nil
}

// within reports whether path lies below dir (both clean and absolute).
func within(path, dir string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != "." && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}
