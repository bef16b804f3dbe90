// Package write stores a run's results as Parquet tables and a run.json
// report, atomically.
//
// Tables (see README.md for the column reference):
//
//   - clusters.parquet: one row per input article, clusters largest first,
//     the canonical first within its cluster, then members by article ID;
//   - additions.parquet: one row per sentence a member adds to its canonical;
//   - rejects.parquet: one row per file or line the run skipped;
//   - links.parquet: one row per article pair the matching linked, with its
//     evidence and whether the clustering kept or cut it;
//   - link_passages.parquet: one row per verified sentence pair behind
//     those links, with where both sentences sit in their articles.
//
// With Params.Format "arrow" the same tables, same schemas and rows, are
// written as Arrow IPC files instead (clusters.arrow, additions.arrow,
// rejects.arrow, links.arrow, link_passages.arrow), through the same steps
// below: only the encoder differs. The links tables, which grow with the
// matches rather than the articles, are built and encoded 64Ki rows at a
// time, and every table is read back one row group at a time.
//
// Every table is encoded, read back and checked, then written and synced
// into a staging folder beside the output folder, with run.json recording
// each table's SHA-256; the staging folder then replaces the output folder
// in one atomic swap (see swap.go), so a run that dies at any moment leaves
// the previous tables as they were, and Check tells whether a set of tables
// belongs together.
// Tables carry no timestamps of the run: the same input and flags give
// byte-identical files.
package write

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet"
	"github.com/apache/arrow/go/v15/parquet/compress"
	"github.com/apache/arrow/go/v15/parquet/file"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"

	"github.com/dedupe/dedupe/pipeline"
)

// Version is the tool version recorded in run.json and table metadata.
const Version = "0.1.0"

// File names inside the output folder.
const (
	ClustersFile  = "clusters.parquet"
	AdditionsFile = "additions.parquet"
	RejectsFile   = "rejects.parquet"
	// LinksFile and LinkPassagesFile hold the evidence for every link the
	// matching made (see links.go).
	LinksFile        = "links.parquet"
	LinkPassagesFile = "link_passages.parquet"
	RunFile          = "run.json"
	// MergesFile is written by a run with a history only (see package
	// history).
	MergesFile = "merges.parquet"
)

func field(name string, t arrow.DataType, nullable bool, doc string) arrow.Field {
	return arrow.Field{Name: name, Type: t, Nullable: nullable, Metadata: arrow.NewMetadata([]string{"description"}, []string{doc})}
}

// ClustersSchema is the schema of clusters.parquet.
func ClustersSchema() *arrow.Schema {
	s, b, i, f := arrow.BinaryTypes.String, arrow.FixedWidthTypes.Boolean, arrow.PrimitiveTypes.Int32, arrow.PrimitiveTypes.Float64
	return arrow.NewSchema([]arrow.Field{
		field("cluster_id", s, false, "content-derived cluster id, stable for the same members"),
		field("article_id", s, false, "article id: path without extension, or the JSONL id"),
		field("source_path", s, false, "input file, relative to the input folder"),
		field("title", s, false, "title, or first non-empty line"),
		field("is_canonical", b, false, "true for the article chosen to stand for the cluster"),
		field("canonical_id", s, false, "article_id of the cluster's canonical"),
		field("cluster_size", i, false, "number of articles in the cluster"),
		field("similarity", f, false, "word-shingle Jaccard similarity to the canonical; 1 for the canonical"),
		field("shared_sentences", i, false, "content sentences with a near-duplicate in the canonical (for the canonical: in another member)"),
		field("added_sentences", i, false, "content sentences with no near-duplicate in the canonical"),
		field("words", i, false, "words of content, boilerplate excluded"),
		field("url", s, true, "url from the input, if any"),
		field("source", s, true, "outlet: the input's source, else the host of its url; null if neither"),
		field("published_at", &arrow.TimestampType{Unit: arrow.Second, TimeZone: "UTC"}, true, "publication time from the input, if any"),
	}, nil)
}

// NightlyClustersSchema is the schema of clusters.parquet in a run with a
// history (see package history): ClustersSchema's columns, then first_seen
// and joined_existing.
func NightlyClustersSchema() *arrow.Schema {
	fields := ClustersSchema().Fields()
	fields[6] = field("cluster_size", arrow.PrimitiveTypes.Int32, false, "number of articles in the cluster, those of earlier nights in the history included")
	fields[5] = field("canonical_id", arrow.BinaryTypes.String, false, "article_id of the cluster's canonical, which may be an article of an earlier night")
	return arrow.NewSchema(append(fields,
		field("first_seen", arrow.BinaryTypes.String, false, "the night the cluster's id was first given, YYYY-MM-DD"),
		field("joined_existing", arrow.FixedWidthTypes.Boolean, false, "true when the cluster carries an id from the history: tonight's articles joined a cluster of an earlier night"),
	), nil)
}

// MergesSchema is the schema of merges.parquet, written by a run with a
// history: one row per cluster id of an earlier night absorbed tonight.
func MergesSchema() *arrow.Schema {
	s := arrow.BinaryTypes.String
	return arrow.NewSchema([]arrow.Field{
		field("night", s, false, "the night the clusters were joined, YYYY-MM-DD"),
		field("surviving_id", s, false, "the cluster id that goes on: the one first seen on the oldest night, a tie to the smaller id"),
		field("absorbed_id", s, false, "a cluster id of an earlier night whose articles are surviving_id's from this night on"),
	}, nil)
}

// MergeRecord builds a merges table.
func MergeRecord(merges []pipeline.Merge) arrow.Record {
	b := array.NewRecordBuilder(memory.DefaultAllocator, MergesSchema())
	defer b.Release()
	for _, m := range merges {
		b.Field(0).(*array.StringBuilder).Append(m.Night)
		b.Field(1).(*array.StringBuilder).Append(m.Surviving)
		b.Field(2).(*array.StringBuilder).Append(m.Absorbed)
	}
	return b.NewRecord()
}

// AdditionsSchema is the schema of additions.parquet.
func AdditionsSchema() *arrow.Schema {
	s, i := arrow.BinaryTypes.String, arrow.PrimitiveTypes.Int32
	return arrow.NewSchema([]arrow.Field{
		field("cluster_id", s, false, "cluster of the member"),
		field("article_id", s, false, "member that adds the sentence"),
		field("sentence_index", i, false, "position of the sentence in the article, from 0"),
		field("text", s, false, "the sentence, normalised"),
		field("start_char", i, false, "start of the sentence in the article's original text (as read, decoded to UTF-8, before normalisation), in code points from 0"),
		field("end_char", i, false, "end of the sentence in the article's original text, in code points, end exclusive: the sentence normalises from text[start_char:end_char]"),
	}, nil)
}

// RejectsSchema is the schema of rejects.parquet.
func RejectsSchema() *arrow.Schema {
	s, i := arrow.BinaryTypes.String, arrow.PrimitiveTypes.Int32
	return arrow.NewSchema([]arrow.Field{
		field("path", s, false, "file, relative to the input folder"),
		field("line", i, false, "line in the file, 0 for the whole file"),
		field("reason", s, false, "why it was skipped"),
	}, nil)
}

// ClusterRecord builds the clusters table of st. In a run with a history
// (st.Night set) it lists tonight's articles only, with the columns of
// NightlyClustersSchema.
func ClusterRecord(st *pipeline.State) arrow.Record {
	nightly := st.Night != ""
	schema := ClustersSchema()
	if nightly {
		schema = NightlyClustersSchema()
	}
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	for _, c := range st.Clusters {
		canon := st.Docs[c.Canonical]
		order := append([]int32{c.Canonical}, without(c.Members, c.Canonical)...)
		for _, m := range order {
			d := st.Docs[m]
			if d.Past != nil {
				continue // an earlier night's, listed that night
			}
			ms := st.Members[m]
			b.Field(0).(*array.StringBuilder).Append(c.ID)
			b.Field(1).(*array.StringBuilder).Append(d.ID)
			b.Field(2).(*array.StringBuilder).Append(d.SourcePath)
			b.Field(3).(*array.StringBuilder).Append(d.Title)
			b.Field(4).(*array.BooleanBuilder).Append(m == c.Canonical)
			b.Field(5).(*array.StringBuilder).Append(canon.ID)
			b.Field(6).(*array.Int32Builder).Append(int32(len(c.Members) + c.Unloaded))
			b.Field(7).(*array.Float64Builder).Append(ms.Similarity)
			b.Field(8).(*array.Int32Builder).Append(ms.Shared)
			b.Field(9).(*array.Int32Builder).Append(ms.Added)
			b.Field(10).(*array.Int32Builder).Append(int32(d.Words))
			appendOptional(b.Field(11).(*array.StringBuilder), d.URL)
			appendOptional(b.Field(12).(*array.StringBuilder), d.Publisher())
			if d.PublishedAt.IsZero() {
				b.Field(13).AppendNull()
			} else {
				b.Field(13).(*array.TimestampBuilder).Append(arrow.Timestamp(d.PublishedAt.Unix()))
			}
			if nightly {
				b.Field(14).(*array.StringBuilder).Append(c.FirstSeen)
				b.Field(15).(*array.BooleanBuilder).Append(c.Joined)
			}
		}
	}
	return b.NewRecord()
}

func appendOptional(b *array.StringBuilder, s string) {
	if s == "" {
		b.AppendNull()
	} else {
		b.Append(s)
	}
}

func without(xs []int32, x int32) []int32 {
	out := make([]int32, 0, len(xs))
	for _, v := range xs {
		if v != x {
			out = append(out, v)
		}
	}
	return out
}

// AdditionRecord builds the additions table of st.
func AdditionRecord(st *pipeline.State) arrow.Record {
	b := array.NewRecordBuilder(memory.DefaultAllocator, AdditionsSchema())
	defer b.Release()
	for _, a := range st.Additions {
		d := st.Docs[a.Doc]
		b.Field(0).(*array.StringBuilder).Append(st.Clusters[st.Members[a.Doc].Cluster].ID)
		b.Field(1).(*array.StringBuilder).Append(d.ID)
		sent := &d.Sentences[a.Sentence]
		b.Field(2).(*array.Int32Builder).Append(sent.Index)
		b.Field(3).(*array.StringBuilder).Append(a.Text)
		b.Field(4).(*array.Int32Builder).Append(sent.Start)
		b.Field(5).(*array.Int32Builder).Append(sent.End)
	}
	return b.NewRecord()
}

// RejectRecord builds the rejects table of st.
func RejectRecord(st *pipeline.State) arrow.Record {
	b := array.NewRecordBuilder(memory.DefaultAllocator, RejectsSchema())
	defer b.Release()
	for _, r := range st.Rejects {
		b.Field(0).(*array.StringBuilder).Append(r.Path)
		b.Field(1).(*array.Int32Builder).Append(int32(r.Line))
		b.Field(2).(*array.StringBuilder).Append(r.Reason)
	}
	return b.NewRecord()
}

// Parquet encodes rec as a Parquet file: zstd, dictionary-encoded strings,
// row groups of up to 64Ki rows, the Arrow schema stored for round trips.
func Parquet(rec arrow.Record, meta map[string]string) ([]byte, error) {
	return encodeParquet(rec.Schema(), single(rec), meta)
}

// ParquetGroups is Parquet with row groups of at most groupRows rows, so
// that a reader that wants a few rows reads and decodes the groups that
// hold them only (a history's articles; see package history).
func ParquetGroups(rec arrow.Record, meta map[string]string, groupRows int) ([]byte, error) {
	if groupRows < 1 || rec.NumRows() <= int64(groupRows) {
		return Parquet(rec, meta)
	}
	return encodeParquet(rec.Schema(), func(emit func(arrow.Record) error) error {
		for lo := int64(0); lo < rec.NumRows(); lo += int64(groupRows) {
			part := rec.NewSlice(lo, min(lo+int64(groupRows), rec.NumRows()))
			err := emit(part)
			part.Release()
			if err != nil {
				return err
			}
		}
		return nil
	}, meta)
}

// encodeParquet writes rows as Parquet writes rec; each batch starts a new
// row group, so batches of at most 64Ki rows lay out the row groups of one
// record of them all.
func encodeParquet(schema *arrow.Schema, rows batches, meta map[string]string) ([]byte, error) {
	var buf bytes.Buffer
	props := parquet.NewWriterProperties(
		parquet.WithCompression(compress.Codecs.Zstd),
		parquet.WithDictionaryDefault(true),
		// Columns of nearly unique values gain nothing from a dictionary.
		parquet.WithDictionaryFor("text", false),
		parquet.WithDictionaryFor("sentences", false), // a history's article records
		parquet.WithDictionaryFor("article_id", false),
		parquet.WithDictionaryFor("title", false),
		parquet.WithDictionaryFor("url", false),
		// A dictionary that outgrows its page limit falls back to plain
		// pages, and arrow-go v15 then lists the column chunk's two
		// encodings in map order, so the same table gave different bytes
		// from run to run. A limit no row group of repeated values reaches
		// (64Ki rows of paths, ids and names) keeps one encoding per chunk.
		parquet.WithDictionaryPageSizeLimit(1<<30),
		parquet.WithMaxRowGroupLength(batchRows),
		parquet.WithCreatedBy("dedupe "+Version),
	)
	w, err := pqarrow.NewFileWriter(schema, &buf, props, pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
	if err != nil {
		return nil, err
	}
	for _, k := range sortedKeys(meta) {
		if err := w.AppendKeyValueMetadata(k, meta[k]); err != nil {
			return nil, err
		}
	}
	if err := rows(w.Write); err != nil {
		w.Close()
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// countParquet reads a Parquet file's rows back one row group at a time.
// Like ReadParquet, it reads under a context arrow never sees cancelled,
// and checks ctx between row groups.
func countParquet(ctx context.Context, data []byte) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	rdr, err := file.NewParquetReader(bytes.NewReader(data))
	if err != nil {
		return 0, err
	}
	defer rdr.Close()
	fr, err := pqarrow.NewFileReader(rdr, pqarrow.ArrowReadProperties{BatchSize: batchRows}, memory.DefaultAllocator)
	if err != nil {
		return 0, err
	}
	rr, err := fr.GetRecordReader(context.WithoutCancel(ctx), nil, nil)
	if err != nil {
		return 0, err
	}
	defer rr.Release()
	var n int64
	for rr.Next() {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		n += rr.Record().NumRows()
	}
	if err := rr.Err(); err != nil && !errors.Is(err, io.EOF) {
		return 0, err
	}
	return n, nil
}

// ReadParquet decodes a Parquet file written by Parquet into a table. A
// cancelled ctx stops it before and after the read, not within: arrow-go
// v15's ReadTable panics on a nil column when its context is cancelled
// mid-read (TestReadParquetCancelled), and one table reads in a moment.
func ReadParquet(ctx context.Context, data []byte) (arrow.Table, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rdr, err := file.NewParquetReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	defer rdr.Close()
	fr, err := pqarrow.NewFileReader(rdr, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		return nil, err
	}
	tbl, err := fr.ReadTable(context.WithoutCancel(ctx))
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		tbl.Release()
		return nil, err
	}
	return tbl, nil
}

// Report is the content of run.json.
type Report struct {
	Tool       string                 `json:"tool"`
	Version    string                 `json:"version"`
	Params     pipeline.Params        `json:"params"`
	CommonDF   int                    `json:"effective_common_df"`
	Counts     map[string]int         `json:"counts"`
	Timings    []pipeline.StageTiming `json:"timings"`
	StartedAt  string                 `json:"started_at"`
	WallSecs   float64                `json:"wall_seconds"`
	OutputRows map[string]int         `json:"output_rows"`
	// DenseBlocks names the largest dense buckets of the LSH search, whose
	// members were paired with representatives rather than all with all
	// (see package lsh); counts.dense_* say how many there were.
	DenseBlocks []pipeline.DenseBlock `json:"dense_blocks,omitempty"`
	// IndexedFraction is counts.indexed_sentences over
	// counts.content_sentences: the share of content sentences complete and
	// long enough to be matched (see minhash.Indexable). Text whose lines
	// are not sentences (hard-wrapped and not unwrapped) shows as a low
	// share; 0 when there is no content sentence.
	IndexedFraction float64 `json:"indexed_fraction"`
	// SHA256 holds the hex SHA-256 of each table, to check a set of tables
	// belongs together (see Check).
	SHA256 map[string]string `json:"sha256"`
}

// ReadReport reads the run.json of the output folder dir. A folder
// without one gives an error that wraps fs.ErrNotExist.
func ReadReport(dir string) (Report, error) {
	var rep Report
	path := filepath.Join(dir, RunFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return rep, fmt.Errorf("no %s in %s: %w", RunFile, dir, fs.ErrNotExist)
	}
	if err != nil {
		return rep, err
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		return rep, fmt.Errorf("%s: %w", path, err)
	}
	return rep, nil
}

// IndexedFraction is counts["indexed_sentences"] over
// counts["content_sentences"], 0 when there is no content sentence.
func IndexedFraction(counts map[string]int) float64 {
	if counts["content_sentences"] == 0 {
		return 0
	}
	return float64(counts["indexed_sentences"]) / float64(counts["content_sentences"])
}

// Stage adapts the package to the pipeline.
type Stage struct {
	// Ready, when not nil, is called once the tables are staged, before
	// run.json is written (what it adds to the State's timings and counts
	// is in it) and the tables are swapped into --out; an error keeps
	// --out as it was and fails the run. A run with a history waits there for tonight's
	// partition, written meanwhile (see history.Write): the history's
	// safety needs it synced before the tables are in place, not before
	// they are encoded.
	Ready func() error
}

// Name implements pipeline.Stage.
func (Stage) Name() string { return "write" }

// Run implements pipeline.Stage.
func (s Stage) Run(ctx context.Context, st *pipeline.State, _ pipeline.Progress) error {
	enc, err := codecFor(st.Params.Format)
	if err != nil {
		return err
	}
	// The caller holds out's lock (see Lock) and has run Recover.
	out := filepath.Clean(st.Params.Out)
	if err := os.MkdirAll(filepath.Dir(out), 0o777); err != nil {
		return fmt.Errorf("create %s: %w", filepath.Dir(out), err)
	}
	tmp, inside, err := stagingDir(out)
	if err != nil {
		return err
	}
	// Until the swap the staging folder holds only our files; after an
	// exchange it holds the previous folder, the user's entries included,
	// which drain moves back rather than deletes.
	defer func() {
		if exists(tmp) {
			drain(tmp, out)
		}
	}()

	meta := map[string]string{"dedupe.version": Version}
	if st.Night != "" {
		meta["dedupe.night"] = st.Night
	}
	// The format is not recorded inside the tables: it is the files' own,
	// and leaving it out keeps the Parquet tables byte-identical whether
	// --format parquet was given or not.
	matching := st.Params.Matching()
	matching.Format = ""
	if pj, err := json.Marshal(matching); err == nil {
		meta["dedupe.params"] = string(pj)
	}
	whole := func(build func(*pipeline.State) arrow.Record) func(*pipeline.State, func(arrow.Record) error) error {
		return func(st *pipeline.State, emit func(arrow.Record) error) error {
			rec := build(st)
			defer rec.Release()
			return emit(rec)
		}
	}
	type table struct {
		name   string
		schema *arrow.Schema
		rows   func(*pipeline.State, func(arrow.Record) error) error
		sum    string // SHA-256 of the encoded table, once written
	}
	clusters := ClustersSchema()
	if st.Night != "" {
		clusters = NightlyClustersSchema()
	}
	// The largest first: the workers take the tables in this order, and
	// link_passages (1.6 million rows at 100,000 articles, as long to
	// encode as the others together) started last when it waited for a
	// worker to finish clusters or additions.
	tables := []table{
		{name: enc.files[4], schema: LinkPassagesSchema(), rows: LinkPassageBatches},
		{name: enc.files[3], schema: LinksSchema(), rows: LinkBatches},
		{name: enc.files[1], schema: AdditionsSchema(), rows: whole(AdditionRecord)},
		{name: enc.files[0], schema: clusters, rows: whole(ClusterRecord)},
		{name: enc.files[2], schema: RejectsSchema(), rows: whole(RejectRecord)},
	}
	files := slices.Clone(enc.files)
	if st.Night != "" {
		tables = append(tables, table{name: enc.merges, schema: MergesSchema(), rows: whole(func(st *pipeline.State) arrow.Record { return MergeRecord(st.Merges) })})
		files = append(files, enc.merges)
	}
	rows := map[string]int{}
	sums := map[string]string{}
	// Each table is encoded, read back and written on its own, so the
	// tables go in parallel (they only read the State); the links tables,
	// the largest, no longer wait for the others. Their bytes do not
	// depend on the order.
	counts := make([]int64, len(tables))
	err = pipeline.ForEach(ctx, len(tables), st.Params.EffectiveWorkers(), nil, func(i int) error {
		t := tables[i]
		var n int64
		data, err := enc.encode(t.schema, func(emit func(arrow.Record) error) error {
			return t.rows(st, func(rec arrow.Record) error {
				n += rec.NumRows()
				return emit(rec)
			})
		}, meta)
		if err != nil {
			return fmt.Errorf("encode %s: %w", t.name, err)
		}
		if err := verify(ctx, enc, data, n); err != nil {
			return fmt.Errorf("check %s: %w", t.name, err)
		}
		if err := WriteFileSync(filepath.Join(tmp, t.name), data); err != nil {
			return err
		}
		counts[i] = n
		sum := sha256.Sum256(data)
		tables[i].sum = fmt.Sprintf("%x", sum)
		return nil
	})
	if err != nil {
		return err
	}
	for i, t := range tables {
		rows[t.name] = int(counts[i])
		sums[t.name] = t.sum
	}
	st.Counts["output_clusters_rows"] = rows[enc.files[0]]
	st.Counts["output_additions_rows"] = rows[enc.files[1]]
	st.Counts["output_links_rows"] = rows[enc.files[3]]
	st.Counts["output_link_passages_rows"] = rows[enc.files[4]]
	if err := ctx.Err(); err != nil {
		return err // cancelled: leave the previous tables alone
	}
	if s.Ready != nil {
		if err := s.Ready(); err != nil {
			return err
		}
	}
	rep := Report{Tool: "dedupe", Version: Version, Params: st.Params, CommonDF: st.Params.EffectiveCommonDF(len(st.Docs)),
		Counts: st.Counts, Timings: st.Timings, StartedAt: st.Started.UTC().Format("2006-01-02T15:04:05Z"),
		WallSecs: sinceSeconds(st), OutputRows: rows, DenseBlocks: st.DenseBlocks, SHA256: sums, IndexedFraction: IndexedFraction(st.Counts)}
	rj, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	if err := WriteFileSync(filepath.Join(tmp, RunFile), append(rj, '\n')); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err // cancelled: leave the previous tables alone
	}
	return install(tmp, out, inside, append(files, RunFile))
}

// Check verifies that the tables in out are the ones its run.json
// describes: every table of the format it records present, with the
// SHA-256 recorded.
func Check(out string) error {
	rep, err := ReadReport(out)
	if err != nil {
		return err
	}
	names, err := TableFiles(rep.Params.Format)
	if err != nil {
		return fmt.Errorf("%s: %w", RunFile, err)
	}
	// A run with a history records one table more (merges).
	for name := range rep.SHA256 {
		if !slices.Contains(names, name) && name == filepath.Base(name) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	for _, name := range names {
		if rep.SHA256[name] == "" {
			return fmt.Errorf("%s: no SHA-256 recorded for %s", RunFile, name)
		}
		data, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			return err
		}
		if got := fmt.Sprintf("%x", sha256.Sum256(data)); got != rep.SHA256[name] {
			return fmt.Errorf("%s: SHA-256 %s, run.json records %s", name, got, rep.SHA256[name])
		}
	}
	return nil
}

// verify reads a table back, a row group at a time, and checks it holds
// the rows written.
func verify(ctx context.Context, enc codec, data []byte, rows int64) error {
	n, err := enc.count(ctx, data)
	if err != nil {
		return err
	}
	if n != rows {
		return fmt.Errorf("read back %d rows, wrote %d", n, rows)
	}
	return nil
}

// WriteFileSync writes data to a new file at path and syncs it to disk
// before closing, so that a rename of it after a crash never shows a
// file that is shorter than it was written.
func WriteFileSync(path string, data []byte) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("sync %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close %s: %w", path, err)
	}
	return nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// CheckWritable fails early when the output folder, or the folder beside it
// where the tables are staged, cannot be created or written: better before
// the expensive stages than after them.
func CheckWritable(out string) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return fmt.Errorf("output %s: %w", out, err)
	}
	for _, dir := range []string{out, filepath.Dir(filepath.Clean(out))} {
		f, err := os.CreateTemp(dir, ".dedupe-check-")
		if err != nil {
			return fmt.Errorf("output %s: cannot write in %s: %w", out, dir, err)
		}
		name := f.Name()
		_, werr := f.Write([]byte("ok"))
		serr := f.Sync()
		cerr := f.Close()
		os.Remove(name)
		if err := errors.Join(werr, serr, cerr); err != nil {
			return fmt.Errorf("output %s: cannot write in %s: %w", out, dir, err)
		}
	}
	return nil
}
