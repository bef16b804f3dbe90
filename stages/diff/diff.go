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
	"math/bits"

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
	sk := sketchOf(s.Shingles)
	return r.nearDup(s, &sk, others, sketches(others))
}

// holds reports whether two sentences sharing shared shingles, the smaller
// of which has smaller, are near-duplicates. It only grows with shared.
func (r Rule) holds(shared, smaller int) bool {
	return shared >= r.StrongShared || shared >= min(r.MinShared, smaller) && float64(shared) >= r.MinContainment*float64(smaller)
}

// nearDup is NearDup given the sketches of s and of others. A pair whose
// sketches bound the shingles they share below what the rule needs (see
// sketch.most) is passed over without intersecting the sets: most pairs of
// a member's and its canonical's sentences share nothing, and the
// intersections were half the diff's time.
func (r Rule) nearDup(s *pipeline.Sentence, sk *sketch, others []pipeline.Sentence, oks []sketch) bool {
	if len(s.Shingles) == 0 {
		return false
	}
	for i := range others {
		t := &others[i]
		if !t.Content() || len(t.Shingles) == 0 {
			continue
		}
		smaller := min(len(s.Shingles), len(t.Shingles))
		if !r.holds(sk.most(&oks[i], len(s.Shingles), len(t.Shingles)), smaller) {
			continue
		}
		if r.holds(shingle.Intersect(s.Shingles, t.Shingles), smaller) {
			return true
		}
	}
	return false
}

// sketch is a 256-bit summary of a shingle set: bit h mod 256 for each
// shingle h.
type sketch [4]uint64

func sketchOf(set []uint32) sketch {
	var k sketch
	for _, h := range set {
		k[h>>6&3] |= 1 << (h & 63)
	}
	return k
}

// most returns a bound on the shingles shared by the sets of n and m
// shingles that k and o sketch. A bit of k that o lacks stands for at least
// one shingle of k's set that o's does not hold, a different one for each
// such bit; so the set of k shares at most n less their number, and
// likewise for o. (The bits both have say nothing: two shingles can share
// a bit.)
func (k *sketch) most(o *sketch, n, m int) int {
	onlyK := bits.OnesCount64(k[0]&^o[0]) + bits.OnesCount64(k[1]&^o[1]) + bits.OnesCount64(k[2]&^o[2]) + bits.OnesCount64(k[3]&^o[3])
	onlyO := bits.OnesCount64(o[0]&^k[0]) + bits.OnesCount64(o[1]&^k[1]) + bits.OnesCount64(o[2]&^k[2]) + bits.OnesCount64(o[3]&^k[3])
	return min(n-onlyK, m-onlyO)
}

// sketches returns the sketch of each sentence's shingles.
func sketches(sents []pipeline.Sentence) []sketch {
	out := make([]sketch, len(sents))
	for i := range sents {
		out[i] = sketchOf(sents[i].Shingles)
	}
	return out
}

// Member compares one member with its canonical: it returns the indexes of
// the member's content sentences with a near-duplicate in the canonical, and
// of those without (the additions).
func (r Rule) Member(member, canonical *pipeline.Doc) (shared, added []int32) {
	return r.member(member, sketches(member.Sentences), canonical, sketches(canonical.Sentences))
}

// member is Member given the sketches of both documents' sentences.
func (r Rule) member(member *pipeline.Doc, msk []sketch, canonical *pipeline.Doc, csk []sketch) (shared, added []int32) {
	for i := range member.Sentences {
		s := &member.Sentences[i]
		if !s.Content() {
			continue
		}
		if r.nearDup(s, &msk[i], canonical.Sentences, csk) {
			shared = append(shared, int32(i))
		} else {
			added = append(added, int32(i))
		}
	}
	return shared, added
}

// Stage adapts the package to the pipeline: it fills State.Members and
// State.Additions, and drops the sentences' shingle sets, which nothing
// after it reads. A member's similarity is the one the canonical stage
// measured (Cluster.Similarity), whose sets it had built; for a cluster
// without them it is measured here.
//
// An article of an earlier night (Doc.Past, in a run with a history) is
// in no table, so it gets neither stats nor additions; it still counts
// toward a canonical of tonight's shared sentences. A cluster of earlier
// nights' articles only costs nothing but freeing its sets: with a
// history, the corpus stages carry every stored cluster tonight's keys
// touched, and many end up linked to none of tonight's articles.
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
		var canonSk []sketch
		canonShared := make([]bool, len(canon.Sentences))
		for pos, m := range c.Members {
			if m == c.Canonical {
				continue
			}
			d := st.Docs[m]
			if d.Past != nil && canon.Past != nil {
				continue // nothing of this pair is listed
			}
			if canonSk == nil {
				canonSk = sketches(canon.Sentences)
			}
			dsk := sketches(d.Sentences)
			if d.Past == nil {
				shared, added := rule.member(d, dsk, canon, canonSk)
				var sim float64
				if len(c.Similarity) == len(c.Members) {
					sim = c.Similarity[pos] // the canonical stage's
				} else {
					if canonSet == nil {
						canonSet = shingle.OfDoc(canon)
					}
					sim = shingle.Jaccard(shingle.OfDoc(d), canonSet)
				}
				st.Members[m] = pipeline.MemberStats{Cluster: ci, Similarity: sim,
					Shared: int32(len(shared)), Added: int32(len(added))}
				for _, a := range added {
					perCluster[ci] = append(perCluster[ci], pipeline.Addition{Doc: m, Sentence: a})
				}
			}
			if canon.Past != nil {
				continue
			}
			// Which canonical sentences this member echoes, for the canonical's own count.
			for i := range canon.Sentences {
				if !canonShared[i] && canon.Sentences[i].Content() && rule.nearDup(&canon.Sentences[i], &canonSk[i], d.Sentences, dsk) {
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
