package bench

import (
	"context"
	"fmt"
	"testing"

	"github.com/dedupe/dedupe/internal/synth"
	"github.com/dedupe/dedupe/pipeline"
	"github.com/dedupe/dedupe/stages"
)

// runTemplated runs the analysis on n templated items (synth.Templated, the
// dense-block case) and returns the corpus and the finished state.
func runTemplated(tb testing.TB, n int, seed int64) (*Corpus, *pipeline.State) {
	tb.Helper()
	c, err := WriteTemplated(synth.TemplatedConfig{Items: n, Seed: seed}, tb.TempDir())
	if err != nil {
		tb.Fatal(err)
	}
	p := pipeline.DefaultParams()
	p.Input = c.Dir
	st := pipeline.NewState(p)
	if err := pipeline.Run(context.Background(), stages.Analysis(), st, nil); err != nil {
		tb.Fatal(err)
	}
	return c, st
}

// TestTemplatedQuality runs the job on templated items, thousands of which
// fall into one LSH bucket, and holds it to a number of candidates linear
// in the corpus (counted, not timed) and to the right clusters: an item
// and its verbatim re-sends, nothing more (see synth.Templated). Measured
// by this test at 10,000 items, seed 7: 262,988 candidates (26.3 an
// item), against 1,424,048 with the dense-bucket bound taken out;
// precision 1, recall 1.
func TestTemplatedQuality(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and clusters 10,000 templated items")
	}
	const n = 10000
	c, st := runTemplated(t, n, 7)
	q, err := Score(c, ClustersFromState(st), 3)
	if err != nil {
		t.Fatal(err)
	}
	cands := st.Counts["copy_candidates"] + st.Counts["passage_candidates"]
	t.Logf("%d items: %d copy and %d passage candidates, %d dense document buckets (%d items), %d dense sentence buckets; precision %.4f recall %.4f F1 %.4f",
		n, st.Counts["copy_candidates"], st.Counts["passage_candidates"], st.Counts["dense_document_buckets"], st.Counts["dense_document_items"],
		st.Counts["dense_sentence_buckets"], q.Precision, q.Recall, q.F1)
	if cands > 40*n {
		t.Errorf("%d candidates, want at most 40 an item (%d)", cands, 40*n)
	}
	if st.Counts["dense_document_buckets"] == 0 || len(st.DenseBlocks) == 0 {
		t.Errorf("no dense bucket counted or named: counts %v", st.Counts)
	}
	if q.Recall < 1 {
		t.Errorf("recall %.4f, want every re-send with its item; worst misses %v", q.Recall, q.Misses)
	}
	if q.Precision < 0.99 {
		t.Errorf("precision %.4f, want at least 0.99; worst merges %v", q.Precision, q.Merges)
	}
}

// BenchmarkDenseTemplated times the analysis (every stage but the writer)
// on templated items, at two sizes: time and candidates an item should
// stay about the same from one to the other.
func BenchmarkDenseTemplated(b *testing.B) {
	for _, n := range []int{5000, 20000} {
		b.Run(fmt.Sprintf("%d items", n), func(b *testing.B) {
			c, err := WriteTemplated(synth.TemplatedConfig{Items: n, Seed: 1}, b.TempDir())
			if err != nil {
				b.Fatal(err)
			}
			p := pipeline.DefaultParams()
			p.Input = c.Dir
			b.ReportAllocs()
			b.ResetTimer()
			var cands int
			for range b.N {
				st := pipeline.NewState(p)
				if err := pipeline.Run(context.Background(), stages.Analysis(), st, nil); err != nil {
					b.Fatal(err)
				}
				cands = st.Counts["copy_candidates"] + st.Counts["passage_candidates"]
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/item")
			b.ReportMetric(float64(cands)/float64(n), "candidates/item")
		})
	}
}
