package boilerplate

import (
	"context"

	"github.com/dedupe/dedupe/pipeline"
)

// ReasonSpread marks a sentence found verbatim in RepeatDF or more articles
// that belong to more than one cluster: text that recurs across unrelated
// stories is site chrome or stock phrasing, not something a rewrite adds.
const ReasonSpread = pipeline.ReasonSpread

// MarkSpread marks, given the cluster of each document, the content
// sentences whose key is held by at least repeatDF articles in two clusters
// or more.
func MarkSpread(docs []*pipeline.Doc, clusterOf []int, repeatDF int) {
	first := map[uint64]int{}
	spread := map[uint64]bool{}
	for di, d := range docs {
		for _, s := range d.Sentences {
			if !s.Content() || int(s.KeyDF) < repeatDF {
				continue
			}
			c, seen := first[s.Key]
			switch {
			case !seen:
				first[s.Key] = clusterOf[di]
			case c != clusterOf[di]:
				spread[s.Key] = true
			}
		}
	}
	MarkSpreadKeys(docs, spread)
}

// MarkSpreadKeys marks as ReasonSpread the content sentences of docs whose
// key spread holds: MarkSpread's last step, for a caller that finds the
// keys spread over clusters some other way (a run with a history counts
// the stored articles' clusters too; see package history).
func MarkSpreadKeys(docs []*pipeline.Doc, spread map[uint64]bool) {
	for _, d := range docs {
		for j := range d.Sentences {
			if s := &d.Sentences[j]; s.Content() && spread[s.Key] {
				s.Boilerplate = ReasonSpread
			}
		}
	}
}

// SpreadStage adapts MarkSpread to the pipeline; it runs once clusters are
// known.
type SpreadStage struct{}

// Name implements pipeline.Stage.
func (SpreadStage) Name() string { return "spread" }

// Run implements pipeline.Stage.
func (SpreadStage) Run(ctx context.Context, st *pipeline.State, _ pipeline.Progress) error {
	clusterOf := make([]int, len(st.Docs))
	for ci, c := range st.Clusters {
		for _, m := range c.Members {
			clusterOf[m] = ci
		}
	}
	MarkSpread(st.Docs, clusterOf, st.Params.RepeatDF)
	return ctx.Err()
}
