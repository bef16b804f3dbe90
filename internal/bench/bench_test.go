package bench

import (
	"context"
	"testing"

	"github.com/dedupe/dedupe/internal/synth"
	"github.com/dedupe/dedupe/pipeline"
	"github.com/dedupe/dedupe/stages"
	"github.com/dedupe/dedupe/stages/minhash"
)

// TestQuality runs the job with its default settings on the real-language
// corpus (synth.Brown) and holds it to the targets of issue 9: pairwise
// precision at least 0.99, F1 at least 0.97, no two stories of one outlet
// glued together, and LSH candidate recall at least 0.95. It is not timed;
// cmd/dedupe-bench measures speed.
func TestQuality(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and clusters 4,000 articles")
	}
	c, err := WriteCorpus(synth.Config{Articles: 4000, Seed: 7, Text: synth.Brown}, t.TempDir())
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
	r := CandidateRecall(st, func(s *pipeline.Sentence) bool { return minhash.Indexable(s, p) })
	if err := pipeline.Run(context.Background(), stages.Analysis()[len(first):], st, nil); err != nil {
		t.Fatal(err)
	}
	q, err := Score(c, ClustersFromState(st), 3)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d articles: precision %.4f recall %.4f F1 %.4f ARI %.4f; same-story Jaccard %v",
		c.Articles, q.Precision, q.Recall, q.F1, q.ARI, c.SameStory)
	if q.Precision < 0.99 {
		t.Errorf("precision %.4f, want at least 0.99; worst merges: %v", q.Precision, q.Merges)
	}
	if q.F1 < 0.97 {
		t.Errorf("F1 %.4f, want at least 0.97; worst misses: %v", q.F1, q.Misses)
	}
	if q.SameOutletFalsePairs > 0 {
		t.Errorf("%d pairs of different stories from one outlet clustered: boilerplate glue", q.SameOutletFalsePairs)
	}
	t.Logf("LSH candidate recall: %d of %d sentence matches (%.3f), %d of %d article links (%.3f)",
		r.FoundMatches, r.ExactMatches, r.SentenceRecall(), r.FoundLinks, r.ExactLinks, r.ArticleRecall())
	if r.ExactLinks < 100 {
		t.Fatalf("only %d article links in the exact search: the corpus is too small to measure recall", r.ExactLinks)
	}
	if r.ArticleRecall() < 0.95 {
		t.Errorf("LSH found %.3f of the article links an exact search finds, want at least 0.95", r.ArticleRecall())
	}
}
