package bench

import (
	"context"
	"flag"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dedupe/dedupe/internal/synth"
	"github.com/dedupe/dedupe/pipeline"
	"github.com/dedupe/dedupe/stages"
	"github.com/dedupe/dedupe/stages/cluster"
	"github.com/dedupe/dedupe/stages/verify"
)

var (
	windowArticles = flag.Int("window.articles", 4000, "articles TestWindow generates; more measure the window's default more finely")
	windowSeed     = flag.Int64("window.seed", 7, "seed of TestWindow's corpus")
)

// TestWindow measures what --window does on a generated corpus: how far
// apart the articles of one true story were published, and the quality of
// the clusters at several windows, from one run of the stages up to lsh.
// It holds the default window to losing no precision and at most half a
// point of recall against no window at all. go test -run TestWindow -v
// ./internal/bench -window.articles 20000 prints the figures the verify
// package quotes.
func TestWindow(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and clusters a corpus at several windows")
	}
	c, err := WriteCorpus(synth.Config{Articles: *windowArticles, Seed: *windowSeed, Text: synth.Brown}, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	p := pipeline.DefaultParams()
	p.Input = c.Dir
	st := pipeline.NewState(p)
	if err := pipeline.Run(context.Background(), stages.Through("lsh"), st, nil); err != nil {
		t.Fatal(err)
	}

	// How far apart the articles of one story were published.
	day := 24 * time.Hour
	limits := []time.Duration{day / 2, day, 36 * time.Hour, 2 * day, 3 * day, 5 * day, 7 * day}
	byStory := map[int][]time.Time{}
	undated := 0
	for _, d := range st.Docs {
		if d.PublishedAt.IsZero() {
			undated++
			continue
		}
		byStory[c.Story[d.ID]] = append(byStory[c.Story[d.ID]], d.PublishedAt)
	}
	over := make([]int, len(limits))
	pairs := 0
	var gaps []time.Duration
	for _, ts := range byStory {
		for i := range ts {
			for j := i + 1; j < len(ts); j++ {
				gap := ts[i].Sub(ts[j]).Abs()
				gaps = append(gaps, gap)
				pairs++
				for k, l := range limits {
					if gap > l {
						over[k]++
					}
				}
			}
		}
	}
	slices.Sort(gaps)
	var b strings.Builder
	fmt.Fprintf(&b, "%d articles (%d undated), %d same-story pairs of dated articles; gap p50 %v p90 %v p99 %v max %v\n",
		len(st.Docs), undated, pairs, pct(gaps, 0.5), pct(gaps, 0.9), pct(gaps, 0.99), pct(gaps, 1))
	for k, l := range limits {
		fmt.Fprintf(&b, "  pairs further apart than %-6v %6d (%.4f)\n", pipeline.Duration(l), over[k], float64(over[k])/float64(max(1, pairs)))
	}

	// The clusters at each window, from the same candidates; with no
	// window, how far apart the linked articles were published, by whether
	// they are of one story.
	cands, docCands := st.Candidates, st.DocCandidates
	windows := []pipeline.Duration{0, pipeline.Duration(day / 2), pipeline.Duration(day), pipeline.Duration(36 * time.Hour),
		pipeline.Duration(2 * day), pipeline.Duration(3 * day), pipeline.Duration(5 * day), pipeline.Duration(7 * day)}
	if !slices.Contains(windows, pipeline.DefaultWindow) {
		windows = append(windows, pipeline.DefaultWindow)
	}
	quality := map[pipeline.Duration]Quality{}
	var table strings.Builder
	fmt.Fprintf(&table, "  %-8s %9s %9s %9s %14s\n", "window", "precision", "recall", "F1", "links dropped")
	for _, w := range windows {
		st.Params.Window = w
		st.Candidates, st.DocCandidates = slices.Clone(cands), slices.Clone(docCands)
		for _, s := range []pipeline.Stage{verify.Stage{}, cluster.Stage{}} {
			if err := s.Run(context.Background(), st, pipeline.NoProgress{}); err != nil {
				t.Fatal(err)
			}
		}
		q, err := Score(c, ClustersFromState(st), 3)
		if err != nil {
			t.Fatal(err)
		}
		quality[w] = q
		if w == 0 {
			// Links between articles with both times: all, and those
			// further apart than each limit.
			var same, cross int
			sameOver, crossOver := make([]int, len(limits)), make([]int, len(limits))
			for _, e := range st.Edges {
				a, b := st.Docs[e.A], st.Docs[e.B]
				if a.PublishedAt.IsZero() || b.PublishedAt.IsZero() {
					continue
				}
				gap := a.PublishedAt.Sub(b.PublishedAt).Abs()
				total, over := &cross, crossOver
				if c.Story[a.ID] == c.Story[b.ID] {
					total, over = &same, sameOver
				}
				*total++
				for k, l := range limits {
					if gap > l {
						over[k]++
					}
				}
			}
			fmt.Fprintf(&b, "links without a window: %d within one story, %d across stories\n", same, cross)
			for k, l := range limits {
				fmt.Fprintf(&b, "  further apart than %-6v within one story %6d, across stories %6d\n", pipeline.Duration(l), sameOver[k], crossOver[k])
			}
		}
		fmt.Fprintf(&table, "  %-8v %9.4f %9.4f %9.4f %14d\n", w, q.Precision, q.Recall, q.F1, st.Counts["window_dropped_links"])
	}
	t.Log(b.String() + "clusters at each window:\n" + table.String())
	none, def := quality[0], quality[pipeline.DefaultWindow]
	if def.Precision < none.Precision {
		t.Errorf("default window %v: precision %.4f, below %.4f without a window", pipeline.DefaultWindow, def.Precision, none.Precision)
	}
	if def.Recall < none.Recall-0.005 {
		t.Errorf("default window %v: recall %.4f, more than half a point below %.4f without a window", pipeline.DefaultWindow, def.Recall, none.Recall)
	}
}

// pct returns the q-quantile of sorted gaps.
func pct(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, int(q*float64(len(sorted))))]
}
