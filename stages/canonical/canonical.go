// Package canonical chooses one article per cluster to stand for it.
//
// The rule, applied in order until one article is left:
//
//  1. most shared content: the largest sum, over the other members, of the
//     word shingles it shares with each (for clusters over ExactLimit
//     members, over the members it has a verified edge with);
//  2. fullest: the most content words;
//  3. earliest published_at (a known time before an unknown one);
//  4. smallest article ID.
//
// The most central version shares the most with the rest, so it explains the
// most of the family and leaves each member the fewest additions.
package canonical

import (
	"context"
	"strings"
	"time"

	"github.com/dedupe/dedupe/pipeline"
	"github.com/dedupe/dedupe/stages/shingle"
)

// ExactLimit is the cluster size up to which every member pair is compared.
const ExactLimit = 256

// Candidate is what the rule looks at for one member.
type Candidate struct {
	Shared      int64 // rule 1
	Words       int   // rule 2
	PublishedAt time.Time
	ID          string
}

// Better reports whether a should be canonical rather than b.
func Better(a, b Candidate) bool {
	if a.Shared != b.Shared {
		return a.Shared > b.Shared
	}
	if a.Words != b.Words {
		return a.Words > b.Words
	}
	if !a.PublishedAt.Equal(b.PublishedAt) {
		switch {
		case a.PublishedAt.IsZero():
			return false
		case b.PublishedAt.IsZero():
			return true
		}
		return a.PublishedAt.Before(b.PublishedAt)
	}
	return strings.Compare(a.ID, b.ID) < 0
}

// Choose returns the position in members of the canonical document.
// neighbours, used only for large clusters, lists for each member position
// the positions it has an edge with.
func Choose(docs []*pipeline.Doc, members []int32, neighbours [][]int) int {
	best, _ := choose(docs, members, neighbours, false)
	return best
}

// choose is Choose, and when similarity is set, the Jaccard similarity of
// each member's shingle set with the canonical's (nil for one member):
// the sets are at hand here, where the diff would rebuild them.
func choose(docs []*pipeline.Doc, members []int32, neighbours [][]int, similarity bool) (int, []float64) {
	cands := make([]Candidate, len(members))
	sets := make([][]uint32, len(members))
	for i, m := range members {
		d := docs[m]
		cands[i] = Candidate{Words: d.Words, PublishedAt: d.PublishedAt, ID: d.ID}
		if len(members) > 1 {
			sets[i] = shingle.OfDoc(d)
		}
	}
	if len(members) <= ExactLimit {
		for i := range members {
			for j := i + 1; j < len(members); j++ {
				n := int64(shingle.Intersect(sets[i], sets[j]))
				cands[i].Shared += n
				cands[j].Shared += n
			}
		}
	} else {
		for i, ns := range neighbours {
			for _, j := range ns {
				cands[i].Shared += int64(shingle.Intersect(sets[i], sets[j]))
			}
		}
	}
	best := 0
	for i := 1; i < len(cands); i++ {
		if Better(cands[i], cands[best]) {
			best = i
		}
	}
	if !similarity || len(members) < 2 {
		return best, nil
	}
	sims := make([]float64, len(members))
	for i := range sims {
		sims[i] = 1
		if i != best {
			sims[i] = shingle.Jaccard(sets[i], sets[best])
		}
	}
	return best, sims
}

// Stage adapts the package to the pipeline: it sets Cluster.Canonical and
// Cluster.Similarity. A cluster of earlier nights' articles only (each
// with its Doc.Past, in a run with a history) is not chosen for: its
// Canonical is its first member.
type Stage struct{}

// allPast reports whether every one of members is an earlier night's.
func allPast(docs []*pipeline.Doc, members []int32) bool {
	for _, m := range members {
		if docs[m].Past == nil {
			return false
		}
	}
	return true
}

// Name implements pipeline.Stage.
func (Stage) Name() string { return "canonical" }

// Run implements pipeline.Stage.
func (Stage) Run(ctx context.Context, st *pipeline.State, p pipeline.Progress) error {
	// Edge lists only for the clusters too large to compare exhaustively.
	pos := map[int32][2]int{} // doc -> (cluster, position)
	for ci, c := range st.Clusters {
		if len(c.Members) > ExactLimit {
			for j, m := range c.Members {
				pos[m] = [2]int{ci, j}
			}
		}
	}
	neighbours := map[int][][]int{}
	for _, e := range st.Edges {
		if e.Cut != pipeline.CutNone {
			continue // the clustering did not follow it
		}
		a, okA := pos[e.A]
		b, okB := pos[e.B]
		if !okA || !okB {
			continue
		}
		ns := neighbours[a[0]]
		if ns == nil {
			ns = make([][]int, len(st.Clusters[a[0]].Members))
			neighbours[a[0]] = ns
		}
		ns[a[1]] = append(ns[a[1]], b[1])
		ns[b[1]] = append(ns[b[1]], a[1])
	}
	p.Start("canonical", len(st.Clusters))
	return pipeline.ForEach(ctx, len(st.Clusters), st.Params.EffectiveWorkers(), p, func(i int) error {
		c := &st.Clusters[i]
		if allPast(st.Docs, c.Members) {
			// A cluster of earlier nights' articles only, loaded because
			// tonight's keys touched it, that none of tonight's joined:
			// no table lists it and the diff passes over it, so any
			// member will do (in a run with a history, about half the
			// stage's time went to them).
			c.Canonical, c.Similarity = c.Members[0], nil
			return nil
		}
		best, sims := choose(st.Docs, c.Members, neighbours[i], true)
		c.Canonical, c.Similarity = c.Members[best], sims
		return nil
	})
}
