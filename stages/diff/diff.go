// Package diff compares each cluster member with its canonical, sentence by
// sentence, and lists what the member adds.
//
// A member's content sentence has a near-duplicate in the canonical when some
// canonical sentence either shares at least StrongShared word shingles with
// it (as many as would link two articles: the same passage, however much
// reworded around it), or shares at least MinShared shingles (or all of them,
// for a sentence that has fewer) making up at least MinContainment of the
// smaller of the two sentences (a short sentence carried over nearly whole).
// This is looser than the passage test in package verify on purpose: once two
// articles are known to be one family, a sentence reworded at the edges is
// the same sentence, not an addition. Every content sentence without a near-duplicate is an
// addition. Boilerplate is neither shared nor added.
//
// Similarity is the Jaccard similarity of the member's and the canonical's
// whole-document shingle sets (1 for the canonical itself).
package diff

import (
	"context"
	"fmt"

	"github.com/dedupe/dedupe/pipeline"
	"github.com/dedupe/dedupe/stages/shingle"
)

// Rule is the near-duplicate test.
type Rule struct {
	StrongShared   int
	MinShared      int
	MinContainment float64
}

// NearDup reports whether sentence s has a near-duplicate among others.
func (r Rule) NearDup(s *pipeline.Sentence, others []pipeline.Sentence) bool {
	if len(s.Shingles) == 0 {
		return false
	}
	for i := range others {
		t := &others[i]
		if !t.Content() || len(t.Shingles) == 0 {
			continue
		}
		smaller := min(len(s.Shingles), len(t.Shingles))
		shared := shingle.Intersect(s.Shingles, t.Shingles)
		if shared >= r.StrongShared || shared >= min(r.MinShared, smaller) && float64(shared) >= r.MinContainment*float64(smaller) {
			return true
		}
	}
	return false
}

// Member compares one member with its canonical: it returns the indexes of
// the member's content sentences with a near-duplicate in the canonical, and
// of those without (the additions).
func (r Rule) Member(member, canonical *pipeline.Doc) (shared, added []int32) {
	for i := range member.Sentences {
		s := &member.Sentences[i]
		if !s.Content() {
			continue
		}
		if r.NearDup(s, canonical.Sentences) {
			shared = append(shared, int32(i))
		} else {
			added = append(added, int32(i))
		}
	}
	return shared, added
}

// Stage adapts the package to the pipeline: it fills State.Members and
// State.Additions, and drops the sentences' shingle sets, which nothing
// after it reads.
type Stage struct{}

// Name implements pipeline.Stage.
func (Stage) Name() string { return "diff" }

// Run implements pipeline.Stage.
func (Stage) Run(ctx context.Context, st *pipeline.State, p pipeline.Progress) error {
	rule := Rule{StrongShared: st.Params.MinShared, MinShared: st.Params.NearDupShared, MinContainment: st.Params.NearDupContainment}
	st.Members = make([]pipeline.MemberStats, len(st.Docs))
	perCluster := make([][]pipeline.Addition, len(st.Clusters))
	p.Start("diff", len(st.Clusters))
	err := pipeline.ForEach(ctx, len(st.Clusters), st.Params.EffectiveWorkers(), p, func(ci int) error {
		c := st.Clusters[ci]
		canon := st.Docs[c.Canonical]
		var canonSet []uint32 // built once, for the first member that needs it
		canonShared := make([]bool, len(canon.Sentences))
		for _, m := range c.Members {
			if m == c.Canonical {
				continue
			}
			d := st.Docs[m]
			shared, added := rule.Member(d, canon)
			if canonSet == nil {
				canonSet = shingle.OfDoc(canon)
			}
			st.Members[m] = pipeline.MemberStats{Cluster: ci, Similarity: shingle.Jaccard(shingle.OfDoc(d), canonSet),
				Shared: int32(len(shared)), Added: int32(len(added))}
			for _, a := range added {
				perCluster[ci] = append(perCluster[ci], pipeline.Addition{Doc: m, Sentence: a})
			}
			// Which canonical sentences this member echoes, for the canonical's own count.
			for i := range canon.Sentences {
				if !canonShared[i] && canon.Sentences[i].Content() && rule.NearDup(&canon.Sentences[i], d.Sentences) {
					canonShared[i] = true
				}
			}
		}
		n := int32(0)
		for _, s := range canonShared {
			if s {
				n++
			}
		}
		st.Members[c.Canonical] = pipeline.MemberStats{Cluster: ci, Similarity: 1, Shared: n}
		// Nothing after the diff reads hashes: free them before the tables
		// are built. Each document is in one cluster, so this touches only
		// this cluster's own.
		for _, m := range c.Members {
			d := st.Docs[m]
			for i := range d.Sentences {
				s := &d.Sentences[i]
				s.Shingles, s.Linkable, s.LinkableDF = nil, nil, nil
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	st.Additions = st.Additions[:0]
	for _, as := range perCluster {
		st.Additions = append(st.Additions, as...)
	}
	st.Counts["additions"] = len(st.Additions)
	return nil
}

// Summary implements pipeline.Summarizer.
func (Stage) Summary(st *pipeline.State) string {
	return fmt.Sprintf("%d added sentences", len(st.Additions))
}
