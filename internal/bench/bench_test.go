package bench

import (
	"context"
	"maps"
	"math"
	"slices"
	"testing"

	"github.com/dedupe/dedupe/internal/evaluate"
	"github.com/dedupe/dedupe/internal/synth"
	"github.com/dedupe/dedupe/pipeline"
	"github.com/dedupe/dedupe/stages"
	"github.com/dedupe/dedupe/stages/minhash"
)

// TestQuality runs the job with its default settings on generated
// corpora with ground truth and holds it to floors on pairwise precision
// and F1, on pairs of one outlet's different stories glued together, and on
// LSH candidate recall. It is not timed; cmd/dedupe-bench measures speed.
//
// The real-language corpus (synth.Brown, the default) is what issue 9
// judges: its targets are precision 0.99 and F1 0.97, which this commit
// meets here (precision 0.9909, F1 0.9831, 6 pairs of one outlet's
// different stories glued, measured by this test); the floors are the
// targets, F1 a little above, and the glue just over what was measured.
// The invented-word corpus keeps the floors it had before the
// real-language corpus came.
//
// Hard-wrapped text (issue 10): on both corpora, the share of articles
// whose outlets hard-wrap (synth.Config.WrapRate, 15% of the outlets by
// default) must score the same F1 as the unwrapped share, within 0.01
// (pairs of two wrapped articles against pairs of two unwrapped ones), and
// index as large a share of its content sentences, within 0.05: a wrapped
// line read as a paragraph is a fragment that ends no sentence and is not
// indexed (2% of real 1987 wire sentences were). With the unwrap stage
// taken out of stages.Analysis, the real-language wrapped share scored F1
// 0.5774 against 0.9682 and indexed 0.1000 against 0.5313, and this test
// failed; with it, F1 0.9715 against 0.9690 and indexed 0.5216 against
// 0.5400 (seed 7, measured by this test).
func TestQuality(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and clusters 4,000 articles, twice")
	}
	for _, c := range []struct {
		name             string
		text             synth.Text
		minPrecision     float64
		minF1            float64
		maxOutletGlue    int64
		minArticleRecall float64
	}{
		{"real language", synth.Brown, 0.99, 0.975, 8, 0.95},
		{"invented words", synth.Invented, 0.98, 0.95, 0, 0.95},
	} {
		t.Run(c.name, func(t *testing.T) {
			q, r := quality(t, synth.Config{Articles: 4000, Seed: 7, Text: c.text})
			if q.Precision < c.minPrecision {
				t.Errorf("precision %.4f, want at least %v; worst merges: %v", q.Precision, c.minPrecision, q.Merges)
			}
			if q.F1 < c.minF1 {
				t.Errorf("F1 %.4f, want at least %v; worst misses: %v", q.F1, c.minF1, q.Misses)
			}
			if q.SameOutletFalsePairs > c.maxOutletGlue {
				t.Errorf("%d pairs of different stories from one outlet clustered, want at most %d: boilerplate glue", q.SameOutletFalsePairs, c.maxOutletGlue)
			}
			if r.ExactLinks < 100 {
				t.Fatalf("only %d article links in the exact search: the corpus is too small to measure recall", r.ExactLinks)
			}
			if r.ArticleRecall() < c.minArticleRecall {
				t.Errorf("LSH found %.3f of the article links an exact search finds, want at least %v", r.ArticleRecall(), c.minArticleRecall)
			}
			w, u := q.Wrapped, q.Unwrapped
			if w.TruePairs < 100 {
				t.Fatalf("only %d true pairs of two wrapped articles: too few to compare the shares", w.TruePairs)
			}
			if math.Abs(w.F1-u.F1) > 0.01 {
				t.Errorf("wrapped share F1 %.4f, unwrapped %.4f: want within 0.01", w.F1, u.F1)
			}
			if w.IndexedFraction() < u.IndexedFraction()-0.05 {
				t.Errorf("wrapped share indexed %.4f of its content sentences, unwrapped %.4f: want within 0.05", w.IndexedFraction(), u.IndexedFraction())
			}
		})
	}
}

// quality runs the job on a corpus made from cfg and returns its scores
// and the LSH candidate recall against an exact search.
func quality(t *testing.T, cfg synth.Config) (Quality, Recall) {
	t.Helper()
	c, err := WriteCorpus(cfg, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	p := pipeline.DefaultParams()
	p.Input = c.Dir
	st := pipeline.NewState(p)
	// The exact search needs the linkable sets, which the diff frees: run
	// up to verify, measure, then the rest.
	first := stages.Through("verify")
	if err := pipeline.Run(context.Background(), first, st, nil); err != nil {
		t.Fatal(err)
	}
	indexable := func(s *pipeline.Sentence) bool { return minhash.Indexable(s, p) }
	r := CandidateRecall(st, indexable)
	counts := CountIndexed(st, indexable)
	if err := pipeline.Run(context.Background(), stages.Analysis()[len(first):], st, nil); err != nil {
		t.Fatal(err)
	}
	q, err := Score(c, ClustersFromState(st), 3)
	if err != nil {
		t.Fatal(err)
	}
	q.AddIndexing(c, counts)
	t.Logf("%d articles: precision %.4f recall %.4f F1 %.4f ARI %.4f, %d same-outlet glued pairs; same-story Jaccard %v",
		c.Articles, q.Precision, q.Recall, q.F1, q.ARI, q.SameOutletFalsePairs, c.SameStory)
	for _, sh := range []struct {
		name string
		s    Share
	}{{"wrapped", q.Wrapped}, {"unwrapped", q.Unwrapped}} {
		t.Logf("%s share: %d articles, pairs of two: precision %.4f recall %.4f F1 %.4f (%d true pairs); indexed %d of %d content sentences (%.4f)",
			sh.name, sh.s.Articles, sh.s.Precision, sh.s.Recall, sh.s.F1, sh.s.TruePairs, sh.s.Indexed, sh.s.Content, sh.s.IndexedFraction())
	}
	t.Logf("mixed pairs: precision %.4f recall %.4f F1 %.4f (%d true pairs)", q.Mixed.Precision, q.Mixed.Recall, q.Mixed.F1, q.Mixed.TruePairs)
	t.Logf("LSH candidate recall: %d of %d sentence matches (%.3f), %d of %d article links (%.3f)",
		r.FoundMatches, r.ExactMatches, r.SentenceRecall(), r.FoundLinks, r.ExactLinks, r.ArticleRecall())
	return q, r
}

// TestWrappedSameClusters runs the job on one corpus twice, once with its
// wrapped outlets (synth.Config.WrapRate's default) and once with none, and
// wants the same clustering: wrapping changes only the layout, so whatever
// gap TestQuality sees between the wrapped and unwrapped shares comes from
// which articles the shares hold, not from the wrapping. (At 1,500
// articles, seed 3, the wrapped share scores F1 0.9474 against the
// unwrapped share's 0.9702 in both runs.)
func TestWrappedSameClusters(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and clusters 1,500 articles, twice")
	}
	cfg := synth.Config{Articles: 1500, Seed: 3, Text: synth.Brown}
	flat := cfg
	flat.WrapRate = -1
	run := func(cfg synth.Config) (*Corpus, map[string]string) {
		c, err := WriteCorpus(cfg, t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		p := pipeline.DefaultParams()
		p.Input = c.Dir
		st := pipeline.NewState(p)
		if err := pipeline.Run(context.Background(), stages.Analysis(), st, nil); err != nil {
			t.Fatal(err)
		}
		return c, ClustersFromState(st)
	}
	c, got := run(cfg)
	_, want := run(flat)
	wrapped := 0
	for _, w := range c.Wrapped {
		if w {
			wrapped++
		}
	}
	if wrapped < 100 {
		t.Fatalf("only %d wrapped articles", wrapped)
	}
	// Cluster ids may differ: compare the partitions by their pairs.
	ids := slices.Sorted(maps.Keys(got))
	a, b := make([]string, len(ids)), make([]string, len(ids))
	for i, id := range ids {
		a[i], b[i] = got[id], want[id]
	}
	s, err := evaluate.Pairwise(b, a)
	if err != nil {
		t.Fatal(err)
	}
	if s.Precision != 1 || s.Recall != 1 {
		t.Errorf("%d wrapped articles of %d: of the %d pairs clustered in the unwrapped corpus, %d clustered in the wrapped one, which clustered %d pairs",
			wrapped, len(ids), s.TruePairs, s.CorrectPairs, s.PredPairs)
	}
	t.Logf("%d wrapped articles of %d; %d clustered pairs, the same in both corpora: %v", wrapped, len(ids), s.PredPairs, s.Precision == 1 && s.Recall == 1)
}
