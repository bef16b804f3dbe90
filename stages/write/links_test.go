package write

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/parquet/file"

	"github.com/dedupe/dedupe/pipeline"
)

// TestLinksOrder: rows come in article id order, whatever the documents'
// indexes, a pair's sides swapped to put the smaller id first, and the
// passages of a pair by sentence.
func TestLinksOrder(t *testing.T) {
	st := pipeline.NewState(pipeline.DefaultParams())
	for _, id := range []string{"n", "m", "k"} { // index order is not id order
		d := &pipeline.Doc{Article: pipeline.Article{ID: id}}
		for i := range 3 {
			d.Sentences = append(d.Sentences, pipeline.Sentence{Index: int32(10 + i), Start: int32(100 * i), End: int32(100*i + 50)})
		}
		st.Docs = append(st.Docs, d)
	}
	st.Clusters = []pipeline.Cluster{{ID: "c1", Members: []int32{0, 1, 2}}}
	ref := func(doc, s int32) pipeline.SentenceRef { return pipeline.SentenceRef{Doc: doc, Sentence: s} }
	st.Matches = []pipeline.Match{
		{A: ref(0, 2), B: ref(1, 0), Shared: 1},
		{A: ref(0, 0), B: ref(1, 1), Shared: 2},
		{A: ref(1, 2), B: ref(2, 2), Shared: 3},
		{A: ref(0, 1), B: ref(2, 0), Shared: 4},
	}
	// Not in (A, B) order: the tables must not rely on it.
	st.Edges = []pipeline.Edge{{A: 1, B: 2, Passages: 1}, {A: 0, B: 1, Passages: 2}, {A: 0, B: 2, Passages: 1}}

	rec := LinkRecord(st)
	defer rec.Release()
	var got [][2]string
	for i := 0; i < int(rec.NumRows()); i++ {
		got = append(got, [2]string{rec.Column(0).ValueStr(i), rec.Column(1).ValueStr(i)})
	}
	if want := [][2]string{{"k", "m"}, {"k", "n"}, {"m", "n"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("links: got pairs %v, want %v", got, want)
	}

	prec := LinkPassageRecord(st)
	defer prec.Release()
	var rows []string
	for i := 0; i < int(prec.NumRows()); i++ {
		rows = append(rows, fmt.Sprintf("%s.%s@%s %s.%s@%s shared %s", prec.Column(0).ValueStr(i), prec.Column(1).ValueStr(i), prec.Column(2).ValueStr(i),
			prec.Column(4).ValueStr(i), prec.Column(5).ValueStr(i), prec.Column(6).ValueStr(i), prec.Column(8).ValueStr(i)))
	}
	want := []string{
		"k.12@200 m.12@200 shared 3",
		"k.10@0 n.11@100 shared 4",
		"m.10@0 n.12@200 shared 1",
		"m.11@100 n.10@0 shared 2",
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("link passages: got\n%v\nwant\n%v", rows, want)
	}
}

// passageState has n matches between article pairs, each its own link.
func passageState(n int) *pipeline.State {
	st := pipeline.NewState(pipeline.DefaultParams())
	docs := n/2 + 2
	for i := range docs {
		st.Docs = append(st.Docs, &pipeline.Doc{Article: pipeline.Article{ID: fmt.Sprintf("article-%06d", i)},
			Sentences: []pipeline.Sentence{{Index: 0, Start: 0, End: 80}, {Index: 1, Start: 81, End: 200}}})
		st.Clusters = append(st.Clusters, pipeline.Cluster{ID: fmt.Sprintf("%016x", i/2), Members: []int32{int32(i)}})
	}
	for i := range n {
		a, b := int32(i/2), int32(i/2+1)
		st.Matches = append(st.Matches, pipeline.Match{A: pipeline.SentenceRef{Doc: a, Sentence: int32(i % 2)}, B: pipeline.SentenceRef{Doc: b, Sentence: 1},
			Shared: int32(6 + i%5), Evidence: 1 + float64(i%7)/8, Jaccard: 0.4, Containment: 0.6})
		if i%2 == 0 {
			st.Edges = append(st.Edges, pipeline.Edge{A: a, B: b, Passages: 2, Evidence: 2})
		}
	}
	return st
}

// TestLinkPassagesBatches: a table of more rows than a batch is written as
// several row groups, read back whole, and gives the same bytes each time,
// in both formats.
func TestLinkPassagesBatches(t *testing.T) {
	if testing.Short() {
		t.Skip("encodes 150,000 rows")
	}
	const n = 2*batchRows + 1000
	st := passageState(n)
	for _, format := range Formats {
		t.Run(format, func(t *testing.T) {
			enc, err := codecFor(format)
			if err != nil {
				t.Fatal(err)
			}
			var batches []int64
			encode := func() []byte {
				batches = batches[:0]
				data, err := enc.encode(LinkPassagesSchema(), func(emit func(arrow.Record) error) error {
					return LinkPassageBatches(st, func(r arrow.Record) error {
						batches = append(batches, r.NumRows())
						return emit(r)
					})
				}, map[string]string{"k": "v"})
				if err != nil {
					t.Fatal(err)
				}
				return data
			}
			data := encode()
			if want := []int64{batchRows, batchRows, 1000}; !reflect.DeepEqual(batches, want) {
				t.Errorf("got batches of %v rows, want %v", batches, want)
			}
			if again := encode(); !bytes.Equal(data, again) {
				t.Errorf("got different bytes encoding the same state twice, want identical")
			}
			got, err := enc.count(context.Background(), data)
			if err != nil || got != n {
				t.Errorf("read back %d rows (%v), want %d", got, err, n)
			}
			if format == FormatParquet {
				rdr, err := file.NewParquetReader(bytes.NewReader(data))
				if err != nil {
					t.Fatal(err)
				}
				defer rdr.Close()
				if g := rdr.NumRowGroups(); g != 3 {
					t.Errorf("got %d row groups, want 3", g)
				}
			}
			path := filepath.Join(t.TempDir(), "t")
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
			rows, err := ReadRows(context.Background(), path)
			if err != nil {
				t.Fatal(err)
			}
			i := 0
			err = ScanRows(context.Background(), path, func(r Row) error {
				if i < len(rows) && !reflect.DeepEqual(r, rows[i]) {
					t.Fatalf("ScanRows row %d: got %v, ReadRows gave %v", i, r, rows[i])
				}
				i++
				return nil
			})
			if err != nil || i != n {
				t.Errorf("ScanRows: got %d rows (%v), want %d", i, err, n)
			}
			// Matches i and i+1 are one pair's: sentence 0 then 1 of the
			// first article, as the rows are ordered.
			for _, i := range []int{0, 1, batchRows, n - 1} {
				m := st.Matches[i]
				want := Row{"article_a": st.Docs[m.A.Doc].ID, "sentence_a": int32(i % 2), "article_b": st.Docs[m.B.Doc].ID, "shared": m.Shared, "evidence": m.Evidence}
				for k, v := range want {
					if rows[i][k] != v {
						t.Errorf("row %d: got %s %v, want %v", i, k, rows[i][k], v)
					}
				}
			}
		})
	}
}

// TestCountCorrupt: the read-back check fails on a damaged table.
func TestCountCorrupt(t *testing.T) {
	st := passageState(100)
	for _, format := range Formats {
		enc, _ := codecFor(format)
		data, err := enc.encode(LinkPassagesSchema(), func(emit func(arrow.Record) error) error { return LinkPassageBatches(st, emit) }, nil)
		if err != nil {
			t.Fatal(err)
		}
		if n, err := enc.count(context.Background(), data[:len(data)/2]); err == nil {
			t.Errorf("%s: got %d rows from half a file, want an error", format, n)
		}
	}
}

func BenchmarkParquetLinkPassages(b *testing.B) {
	const n = 100000
	st := passageState(n)
	b.ReportAllocs()
	b.ResetTimer()
	size := 0
	for i := 0; i < b.N; i++ {
		data, err := encodeParquet(LinkPassagesSchema(), func(emit func(arrow.Record) error) error { return LinkPassageBatches(st, emit) }, nil)
		if err != nil {
			b.Fatal(err)
		}
		size = len(data)
	}
	b.ReportMetric(float64(size)/n, "bytes/row")
}

// TestInBatchesEmitError: a table built a record ahead of its encoder stops
// at the first record emit refuses, and returns emit's error.
func TestInBatchesEmitError(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 200,000 rows")
	}
	st := passageState(3*batchRows + 10)
	refuse := errors.New("disk full")
	for _, at := range []int{0, 1, 3} {
		emitted := 0
		err := LinkPassageBatches(st, func(r arrow.Record) error {
			if emitted == at {
				return refuse
			}
			emitted++
			return nil
		})
		if !errors.Is(err, refuse) || emitted != at {
			t.Errorf("refused at record %d: got %v after %d records, want %v after %d", at, err, emitted, refuse, at)
		}
	}
}
