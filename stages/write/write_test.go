package write

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/parquet/file"

	"github.com/dedupe/dedupe/pipeline"
)

// state builds by hand the result of a run on five articles: a cluster of
// three (canonical b) and a cluster of two (canonical e).
func state(t testing.TB) *pipeline.State {
	t.Helper()
	p := pipeline.DefaultParams()
	p.Out = filepath.Join(t.TempDir(), "out")
	st := pipeline.NewState(p)
	pub := time.Date(2024, 5, 1, 12, 30, 45, 999, time.UTC)
	mk := func(id, path string, words int, url, source string, published time.Time, sents ...string) *pipeline.Doc {
		d := &pipeline.Doc{Article: pipeline.Article{ID: id, SourcePath: path, Title: "Title of " + id, URL: url, Source: source, PublishedAt: published}, Words: words}
		at := int32(0)
		for i, s := range sents {
			d.Sentences = append(d.Sentences, pipeline.Sentence{Index: int32(i), Text: s, Start: at, End: at + int32(len(s))})
			at += int32(len(s)) + 1
		}
		return d
	}
	st.Docs = []*pipeline.Doc{
		mk("a", "a.txt", 100, "", "", time.Time{}, "Shared one.", "A adds this."),
		mk("b", "feed.jsonl", 120, "https://b.test/1", "Wire", pub, "Shared one."),
		mk("c", "c.txt", 90, "", "Paper", time.Time{}, "C adds this.", "Shared one.", "C adds more."),
		mk("d", "sub/d.txt", 50, "", "", time.Time{}, "D text."),
		mk("e", "feed.jsonl", 60, "https://e.test", "", pub.In(time.FixedZone("X", 7200)), "E text."),
	}
	st.Clusters = []pipeline.Cluster{
		{ID: "1111111111111111", Members: []int32{0, 1, 2}, Canonical: 1},
		{ID: "2222222222222222", Members: []int32{3, 4}, Canonical: 4},
	}
	st.Members = []pipeline.MemberStats{
		{Cluster: 0, Similarity: 0.25, Shared: 1, Added: 1},
		{Cluster: 0, Similarity: 1, Shared: 1},
		{Cluster: 0, Similarity: 0.125, Shared: 1, Added: 2},
		{Cluster: 1, Similarity: 0.5, Shared: 1},
		{Cluster: 1, Similarity: 1, Shared: 1},
	}
	for _, a := range []pipeline.Addition{{Doc: 0, Sentence: 1}, {Doc: 2, Sentence: 0}, {Doc: 2, Sentence: 2}} {
		a.Text = st.Docs[a.Doc].Sentences[a.Sentence].Text // as the excerpt stage would
		st.Additions = append(st.Additions, a)
	}
	// a-b and b-c share "Shared one.", c-d are copies the clustering cut,
	// d-e copies it kept; a-c share it too but with too little evidence
	// to link, so that match is behind no link.
	st.Matches = []pipeline.Match{
		{A: pipeline.SentenceRef{Doc: 0}, B: pipeline.SentenceRef{Doc: 1}, Shared: 3, Evidence: 1.5, Jaccard: 1, Containment: 1},
		{A: pipeline.SentenceRef{Doc: 0}, B: pipeline.SentenceRef{Doc: 2, Sentence: 1}, Shared: 3, Evidence: 0.5, Jaccard: 1, Containment: 1},
		{A: pipeline.SentenceRef{Doc: 1}, B: pipeline.SentenceRef{Doc: 2, Sentence: 1}, Shared: 3, Evidence: 2, Jaccard: 0.75, Containment: 0.5},
	}
	st.Edges = []pipeline.Edge{
		{A: 0, B: 1, Passages: 1, Evidence: 1.5},
		{A: 1, B: 2, Passages: 1, Evidence: 2},
		{A: 2, B: 3, DocJaccard: 0.6, Cut: testCut},
		{A: 3, B: 4, DocJaccard: 0.75},
	}
	st.Rejects = []pipeline.Reject{{Path: "bad.txt", Reason: "not valid UTF-8"}, {Path: "feed.jsonl", Line: 3, Reason: `missing "id"`}}
	st.Started = time.Date(2024, 5, 2, 0, 0, 0, 0, time.UTC)
	return st
}

func row(kv ...any) Row {
	r := Row{}
	for i := 0; i < len(kv); i += 2 {
		r[kv[i].(string)] = kv[i+1]
	}
	return r
}

func clusterRow(cluster, id, path string, canon bool, canonID string, size int32, sim float64, shared, added, words int32, url, source, published any) Row {
	return row("cluster_id", cluster, "article_id", id, "source_path", path, "title", "Title of "+id, "is_canonical", canon,
		"canonical_id", canonID, "cluster_size", size, "similarity", sim, "shared_sentences", shared, "added_sentences", added,
		"words", words, "url", url, "source", source, "published_at", published)
}

var (
	wantClusters = []Row{
		clusterRow("1111111111111111", "b", "feed.jsonl", true, "b", 3, 1, 1, 0, 120, "https://b.test/1", "Wire", "2024-05-01T12:30:45Z"),
		clusterRow("1111111111111111", "a", "a.txt", false, "b", 3, 0.25, 1, 1, 100, nil, nil, nil),
		clusterRow("1111111111111111", "c", "c.txt", false, "b", 3, 0.125, 1, 2, 90, nil, "Paper", nil),
		// No source given: the outlet is the url's host.
		clusterRow("2222222222222222", "e", "feed.jsonl", true, "e", 2, 1, 1, 0, 60, "https://e.test", "e.test", "2024-05-01T12:30:45Z"),
		clusterRow("2222222222222222", "d", "sub/d.txt", false, "e", 2, 0.5, 1, 0, 50, nil, nil, nil),
	}
	wantAdditions = []Row{
		row("cluster_id", "1111111111111111", "article_id", "a", "sentence_index", int32(1), "text", "A adds this.", "start_char", int32(12), "end_char", int32(24)),
		row("cluster_id", "1111111111111111", "article_id", "c", "sentence_index", int32(0), "text", "C adds this.", "start_char", int32(0), "end_char", int32(12)),
		row("cluster_id", "1111111111111111", "article_id", "c", "sentence_index", int32(2), "text", "C adds more.", "start_char", int32(25), "end_char", int32(37)),
	}
	wantLinks = []Row{
		linkRow("a", "b", "1111111111111111", "1111111111111111", 1, 1.5, 0, pipeline.CutNone),
		linkRow("b", "c", "1111111111111111", "1111111111111111", 1, 2, 0, pipeline.CutNone),
		linkRow("c", "d", "1111111111111111", "2222222222222222", 0, 0, 0.6, testCut),
		linkRow("d", "e", "2222222222222222", "2222222222222222", 0, 0, 0.75, pipeline.CutNone),
	}
	wantLinkPassages = []Row{
		passageRow("a", 0, 0, 11, "b", 0, 0, 11, 3, 1.5, 1, 1),
		passageRow("b", 0, 0, 11, "c", 1, 13, 24, 3, 2, 0.5, 0.75),
	}
	wantRejects = []Row{
		row("path", "bad.txt", "line", int32(0), "reason", "not valid UTF-8"),
		row("path", "feed.jsonl", "line", int32(3), "reason", `missing "id"`),
	}
)

// testCut stands for any reason the clustering cuts a link.
const testCut = pipeline.CutNone + 1

func linkRow(a, b, ca, cb string, passages int32, evidence, copyJaccard float64, cut pipeline.Cut) Row {
	return row("article_a", a, "article_b", b, "cluster_a", ca, "cluster_b", cb, "passages", passages, "evidence", evidence,
		"copy_jaccard", copyJaccard, "kept", cut == pipeline.CutNone, "cut_reason", cut.String())
}

func passageRow(a string, sa, starta, enda int32, b string, sb, startb, endb, shared int32, evidence, containment, jaccard float64) Row {
	return row("article_a", a, "sentence_a", sa, "start_a", starta, "end_a", enda, "article_b", b, "sentence_b", sb,
		"start_b", startb, "end_b", endb, "shared", shared, "evidence", evidence, "containment", containment, "jaccard", jaccard)
}

func TestRoundTrip(t *testing.T) {
	st := state(t)
	tests := []struct {
		name   string
		build  func(*pipeline.State) arrow.Record
		schema *arrow.Schema
		want   []Row
	}{
		{ClustersFile, ClusterRecord, ClustersSchema(), wantClusters},
		{AdditionsFile, AdditionRecord, AdditionsSchema(), wantAdditions},
		{RejectsFile, RejectRecord, RejectsSchema(), wantRejects},
		{LinksFile, LinkRecord, LinksSchema(), wantLinks},
		{LinkPassagesFile, LinkPassageRecord, LinkPassagesSchema(), wantLinkPassages},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := tt.build(st)
			defer rec.Release()
			if !rec.Schema().Equal(tt.schema) {
				t.Errorf("got schema %v, want %v", rec.Schema(), tt.schema)
			}
			data, err := Parquet(rec, map[string]string{"k2": "v2", "k1": "v1"})
			if err != nil {
				t.Fatal(err)
			}
			again, err := Parquet(rec, map[string]string{"k1": "v1", "k2": "v2"})
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(data, again) {
				t.Errorf("got different bytes encoding the same record twice, want identical")
			}
			tbl, err := ReadParquet(context.Background(), data)
			if err != nil {
				t.Fatal(err)
			}
			defer tbl.Release()
			if tbl.NumRows() != int64(len(tt.want)) {
				t.Errorf("got %d rows, want %d", tbl.NumRows(), len(tt.want))
			}
			for i, f := range tbl.Schema().Fields() {
				w := tt.schema.Field(i)
				wantType := w.Type
				if ts, ok := w.Type.(*arrow.TimestampType); ok && ts.Unit == arrow.Second {
					// Parquet has no second unit: pqarrow stores and reads back milliseconds.
					wantType = &arrow.TimestampType{Unit: arrow.Millisecond, TimeZone: ts.TimeZone}
				}
				if f.Name != w.Name || f.Nullable != w.Nullable || !arrow.TypeEqual(f.Type, wantType) {
					t.Errorf("column %d: got %s %v nullable=%v, want %s %v nullable=%v", i, f.Name, f.Type, f.Nullable, w.Name, wantType, w.Nullable)
				}
			}
			path := filepath.Join(t.TempDir(), tt.name)
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
			rows, err := ReadRows(context.Background(), path)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(rows, tt.want) {
				t.Errorf("got rows\n%v\nwant\n%v", rows, tt.want)
			}
			rdr, err := file.NewParquetReader(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			defer rdr.Close()
			kv := rdr.MetaData().KeyValueMetadata()
			if got := kv.FindValue("k1"); got == nil || *got != "v1" {
				t.Errorf("metadata k1: got %v, want %q", got, "v1")
			}
		})
	}
}

func TestNullable(t *testing.T) {
	nullable := map[string]bool{"url": true, "source": true, "published_at": true}
	for _, s := range []*arrow.Schema{ClustersSchema(), AdditionsSchema(), RejectsSchema(), LinksSchema(), LinkPassagesSchema()} {
		for _, f := range s.Fields() {
			t.Run(f.Name, func(t *testing.T) {
				if f.Nullable != nullable[f.Name] {
					t.Errorf("got nullable %v, want %v", f.Nullable, nullable[f.Name])
				}
				if d, ok := f.Metadata.GetValue("description"); !ok || d == "" {
					t.Errorf("got no description, want one")
				}
			})
		}
	}
}

func TestStage(t *testing.T) {
	st := state(t)
	if err := (Stage{}).Run(context.Background(), st, pipeline.NoProgress{}); err != nil {
		t.Fatal(err)
	}
	out := st.Params.Out
	tests := []struct {
		name string
		want []Row
	}{{ClustersFile, wantClusters}, {AdditionsFile, wantAdditions}, {RejectsFile, wantRejects}, {LinksFile, wantLinks}, {LinkPassagesFile, wantLinkPassages}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, err := ReadRows(context.Background(), filepath.Join(out, tt.name))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(rows, tt.want) {
				t.Errorf("got rows\n%v\nwant\n%v", rows, tt.want)
			}
		})
	}
	t.Run(RunFile, func(t *testing.T) {
		data, err := os.ReadFile(filepath.Join(out, RunFile))
		if err != nil {
			t.Fatal(err)
		}
		var rep Report
		if err := json.Unmarshal(data, &rep); err != nil {
			t.Fatal(err)
		}
		if rep.Tool != "dedupe" || rep.Version != Version || rep.StartedAt != "2024-05-02T00:00:00Z" {
			t.Errorf("got %+v", rep)
		}
		if rep.OutputRows[ClustersFile] != 5 || rep.OutputRows[AdditionsFile] != 3 || rep.OutputRows[RejectsFile] != 2 ||
			rep.OutputRows[LinksFile] != 4 || rep.OutputRows[LinkPassagesFile] != 2 {
			t.Errorf("got output rows %v, want 5, 3, 2, 4, 2", rep.OutputRows)
		}
		if len(rep.SHA256) != 5 {
			t.Errorf("got SHA-256 of %d tables, want 5", len(rep.SHA256))
		}
		if rep.Params != st.Params {
			t.Errorf("got params %+v, want %+v", rep.Params, st.Params)
		}
	})
	t.Run("no temporary folder left", func(t *testing.T) {
		entries, err := os.ReadDir(filepath.Dir(out))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if strings.Contains(e.Name(), ".tmp-") {
				t.Errorf("got %s left beside the output", e.Name())
			}
		}
	})
}

// TestStageDeterministic: the same state written from two folders, with
// different workers, gives byte-identical tables.
func TestStageDeterministic(t *testing.T) {
	a, b := state(t), state(t)
	b.Params.Workers = 3
	b.Started = time.Now()
	for _, st := range []*pipeline.State{a, b} {
		if err := (Stage{}).Run(context.Background(), st, pipeline.NoProgress{}); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{ClustersFile, AdditionsFile, RejectsFile, LinksFile, LinkPassagesFile} {
		t.Run(name, func(t *testing.T) {
			x, err := os.ReadFile(filepath.Join(a.Params.Out, name))
			if err != nil {
				t.Fatal(err)
			}
			y, err := os.ReadFile(filepath.Join(b.Params.Out, name))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(x, y) {
				t.Errorf("got %d and %d bytes that differ, want identical files", len(x), len(y))
			}
		})
	}
}

// TestParquetBytesRepeat encodes tables large enough that a dictionary
// would outgrow the default page limit (60,000 distinct sentences, 10,000
// distinct cluster ids) several times: every encoding must give the same
// bytes. arrow-go lists the encodings of a column chunk that fell back from
// a dictionary in map order, which made this fail most times.
func TestParquetBytesRepeat(t *testing.T) {
	st := bigState(40000)
	for _, tt := range []struct {
		name  string
		build func(*pipeline.State) arrow.Record
	}{{"clusters", ClusterRecord}, {"additions", AdditionRecord}} {
		rec := tt.build(st)
		defer rec.Release()
		var first []byte
		for i := range 8 {
			data, err := Parquet(rec, map[string]string{"k": "v"})
			if err != nil {
				t.Fatal(err)
			}
			if i == 0 {
				first = data
			} else if !bytes.Equal(data, first) {
				t.Fatalf("%s: encoding %d differs from the first", tt.name, i)
			}
		}
	}
}

func TestStageReplaces(t *testing.T) {
	st := state(t)
	if err := os.MkdirAll(st.Params.Out, 0o755); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(st.Params.Out, ClustersFile)
	if err := os.WriteFile(stale, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := (Stage{}).Run(context.Background(), st, pipeline.NoProgress{}); err != nil {
		t.Fatal(err)
	}
	rows, err := ReadRows(context.Background(), stale)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(wantClusters) {
		t.Errorf("got %d rows, want %d", len(rows), len(wantClusters))
	}
}

func TestReadRowsErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.parquet")
	if err := os.WriteFile(bad, []byte("not parquet"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, path string }{{"missing", filepath.Join(dir, "nope.parquet")}, {"not parquet", bad}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := ReadRows(context.Background(), tt.path); err == nil {
				t.Errorf("got no error, want one")
			}
		})
	}
}

// bigState is a run's result on n articles in clusters of four, each
// member adding two sentences.
func bigState(n int) *pipeline.State {
	st := pipeline.NewState(pipeline.DefaultParams())
	for i := range n {
		d := &pipeline.Doc{Article: pipeline.Article{ID: fmt.Sprintf("outlet%03d/2024/05/article-%06d", i%300, i), SourcePath: fmt.Sprintf("outlet%03d/feed.jsonl", i%300),
			Title: fmt.Sprintf("North Korean missiles hit Kharkiv, UN monitors conclude in report number %d", i/4), URL: fmt.Sprintf("https://outlet%03d.test/%d", i%300, i),
			Source: fmt.Sprintf("Outlet %d", i%300), PublishedAt: time.Date(2024, 5, 1, 0, 0, i, 0, time.UTC)}, Words: 600 + i%200}
		for j := range 3 {
			d.Sentences = append(d.Sentences, pipeline.Sentence{Index: int32(j), Text: fmt.Sprintf("Sentence %d of article %d, which the outlet added to the wire copy about the missile debris found in Kharkiv.", j, i)})
		}
		st.Docs = append(st.Docs, d)
	}
	st.Members = make([]pipeline.MemberStats, n)
	for c := 0; c*4 < n; c++ {
		members := []int32{}
		for m := c * 4; m < min(n, c*4+4); m++ {
			members = append(members, int32(m))
			st.Members[m] = pipeline.MemberStats{Cluster: c, Similarity: 0.3, Shared: 10, Added: 2}
			if m != c*4 {
				for _, j := range []int32{0, 2} {
					st.Additions = append(st.Additions, pipeline.Addition{Doc: int32(m), Sentence: j, Text: st.Docs[m].Sentences[j].Text})
				}
			}
		}
		st.Clusters = append(st.Clusters, pipeline.Cluster{ID: fmt.Sprintf("%016x", c*7919), Members: members, Canonical: int32(c * 4)})
	}
	return st
}

// benchmarkParquet builds and encodes one table for 10,000 articles per op.
func benchmarkParquet(b *testing.B, build func(*pipeline.State) arrow.Record) {
	const n = 10000
	st := bigState(n)
	b.ReportAllocs()
	b.ResetTimer()
	size := 0
	for i := 0; i < b.N; i++ {
		rec := build(st)
		data, err := Parquet(rec, map[string]string{"dedupe.version": Version})
		rec.Release()
		if err != nil {
			b.Fatal(err)
		}
		size = len(data)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/article")
	b.ReportMetric(float64(size)/n, "bytes/article")
}

func BenchmarkParquetClusters(b *testing.B)  { benchmarkParquet(b, ClusterRecord) }
func BenchmarkParquetAdditions(b *testing.B) { benchmarkParquet(b, AdditionRecord) }

// TestReadParquetCancelled: a cancelled context ends the read-back with the
// context's error. arrow-go v15's ReadTable alone panics on a nil column
// when its context is cancelled mid-read; SIGTERM during the write stage
// hit that.
func TestReadParquetCancelled(t *testing.T) {
	st := pipeline.NewState(pipeline.DefaultParams())
	for i := range 100_000 {
		st.Rejects = append(st.Rejects, pipeline.Reject{Path: "f.jsonl", Line: i + 1, Reason: "malformed JSON"})
	}
	rec := RejectRecord(st)
	defer rec.Release()
	data, err := Parquet(rec, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, dec := range []struct {
		name string
		read func(context.Context, []byte) (arrow.Table, error)
	}{{"parquet", ReadParquet}, {"arrow", ReadArrow}, {"parquet", countAsTable(countParquet)}, {"arrow", countAsTable(countArrow)}} {
		b := data
		if dec.name == "arrow" {
			if b, err = Arrow(rec, nil); err != nil {
				t.Fatal(err)
			}
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		tbl, err := dec.read(ctx, b)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s: read under a cancelled context: %v, want context.Canceled", dec.name, err)
		}
		if tbl != nil {
			tbl.Release()
		}
	}
}

// countAsTable adapts a read-back counter to the shape of the readers, for
// TestReadParquetCancelled: the write stage's check counts rows this way.
func countAsTable(count func(context.Context, []byte) (int64, error)) func(context.Context, []byte) (arrow.Table, error) {
	return func(ctx context.Context, data []byte) (arrow.Table, error) {
		_, err := count(ctx, data)
		return nil, err
	}
}

func TestIndexedFraction(t *testing.T) {
	tests := []struct {
		counts map[string]int
		want   float64
	}{
		{map[string]int{"indexed_sentences": 3, "content_sentences": 4, "sentences": 10}, 0.75},
		{map[string]int{"indexed_sentences": 0, "content_sentences": 5}, 0},
		{map[string]int{}, 0},
	}
	for _, tt := range tests {
		if got := IndexedFraction(tt.counts); got != tt.want {
			t.Errorf("IndexedFraction(%v) = %v, want %v", tt.counts, got, tt.want)
		}
	}
}

// benchState is a run's result the size of the 100,000-article bench:
// 100,000 articles, 150,000 additions, 280,000 links and 1.68 million
// sentence pairs behind them, between random articles.
func benchState() *pipeline.State {
	const n = 100_000
	st := bigState(n)
	r := rand.New(rand.NewPCG(1, 2))
	for len(st.Edges) < 280_000 {
		x, y := r.Int32N(n), r.Int32N(n)
		if x == y {
			continue
		}
		st.Edges = append(st.Edges, pipeline.Edge{A: x, B: y, Passages: 6, Evidence: 6 * r.Float64()})
		for k := range int32(6) {
			st.Matches = append(st.Matches, pipeline.Match{A: pipeline.SentenceRef{Doc: x, Sentence: k % 3}, B: pipeline.SentenceRef{Doc: y, Sentence: (k + 1) % 3},
				Shared: 6 + r.Int32N(20), Evidence: r.Float64(), Jaccard: r.Float64(), Containment: r.Float64()})
		}
	}
	return st
}

// BenchmarkStage writes the tables of benchState.
func BenchmarkStage(b *testing.B) {
	st := benchState()
	st.Params.Out = filepath.Join(b.TempDir(), "out")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := (Stage{}).Run(context.Background(), st, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLinkPassageRows builds benchState's link_passages rows, without
// encoding them.
func BenchmarkLinkPassageRows(b *testing.B) {
	st := benchState()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := LinkPassageBatches(st, func(arrow.Record) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLinkPassagesTable builds and encodes benchState's link_passages
// table alone, as one worker of the write does.
func BenchmarkLinkPassagesTable(b *testing.B) {
	st := benchState()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := encodeParquet(LinkPassagesSchema(), func(emit func(arrow.Record) error) error { return LinkPassageBatches(st, emit) }, nil); err != nil {
			b.Fatal(err)
		}
	}
}
