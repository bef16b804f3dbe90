// Package evaluate scores a clustering against ground truth.
//
// A clustering of n items is given as a slice of labels: items i and j are
// in one cluster when their labels are equal. Labels are opaque strings
// (the empty string is a label like any other), so a singleton needs a
// label of its own. Scores count unordered pairs of items:
//
//   - TruePairs: pairs in one true cluster;
//   - PredPairs: pairs in one predicted cluster;
//   - CorrectPairs: pairs in both;
//   - Precision = CorrectPairs/PredPairs, Recall = CorrectPairs/TruePairs,
//     F1 their harmonic mean;
//   - ARI, the adjusted Rand index of Hubert and Arabie (1985): 1 for
//     identical partitions, about 0 for a random one, negative for worse
//     than random.
//
// All counts come from the contingency table of the two labelings, in time
// linear in n, never by enumerating pairs.
//
// Conventions for degenerate inputs: Precision is 1 when there are no
// predicted pairs (nothing claimed, nothing wrong) and Recall is 1 when
// there are no true pairs; F1 is 0 when Precision and Recall are both 0.
// ARI is 1 when its denominator is 0, which happens only when the two
// partitions agree trivially (fewer than two items, both all singletons,
// or both a single cluster).
//
// Example:
//
//	truth := []string{"a", "a", "a", "b", "b", "c"}
//	pred := []string{"1", "1", "2", "2", "2", "3"}
//	s, _ := evaluate.Pairwise(truth, pred)
//	// s.TruePairs == 4, s.PredPairs == 4, s.CorrectPairs == 2
//	// s.Precision == 0.5, s.Recall == 0.5, s.F1 == 0.5, s.ARI ≈ 0.318
//
// WorstMerges and WorstMisses list the predicted clusters that mix several
// true clusters and the true clusters split across predicted clusters, for
// error analysis.
package evaluate

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// ErrLength is returned by Pairwise when truth and pred differ in length.
var ErrLength = errors.New("evaluate: truth and pred have different lengths")

// Scores are pairwise clustering scores; see the package documentation.
type Scores struct {
	Precision, Recall, F1, ARI         float64
	TruePairs, PredPairs, CorrectPairs int64
}

// String formats s on one line.
func (s Scores) String() string {
	return fmt.Sprintf("precision=%.4f recall=%.4f f1=%.4f ari=%.4f true_pairs=%d pred_pairs=%d correct_pairs=%d",
		s.Precision, s.Recall, s.F1, s.ARI, s.TruePairs, s.PredPairs, s.CorrectPairs)
}

func pairs(n int64) int64 { return n * (n - 1) / 2 }

// intern maps labels to dense ids in order of first appearance.
func intern(labels []string) (ids []int32, count int) {
	m := make(map[string]int32)
	ids = make([]int32, len(labels))
	for i, l := range labels {
		id, ok := m[l]
		if !ok {
			id = int32(len(m))
			m[l] = id
		}
		ids[i] = id
	}
	return ids, len(m)
}

// Pairwise returns the pairwise precision, recall, F1 and adjusted Rand
// index of the clustering pred against truth, where truth[i] and pred[i]
// are the cluster labels of item i. It returns ErrLength if the slices
// differ in length.
func Pairwise(truth, pred []string) (Scores, error) {
	if len(truth) != len(pred) {
		return Scores{}, fmt.Errorf("%w: %d and %d", ErrLength, len(truth), len(pred))
	}
	t, nt := intern(truth)
	p, np := intern(pred)
	tSize := make([]int64, nt)
	pSize := make([]int64, np)
	cell := make(map[uint64]int64, max(nt, np))
	for i := range t {
		tSize[t[i]]++
		pSize[p[i]]++
		cell[uint64(t[i])<<32|uint64(p[i])]++
	}
	var s Scores
	for _, n := range tSize {
		s.TruePairs += pairs(n)
	}
	for _, n := range pSize {
		s.PredPairs += pairs(n)
	}
	for _, n := range cell {
		s.CorrectPairs += pairs(n)
	}
	s.Precision, s.Recall = 1, 1
	if s.PredPairs > 0 {
		s.Precision = float64(s.CorrectPairs) / float64(s.PredPairs)
	}
	if s.TruePairs > 0 {
		s.Recall = float64(s.CorrectPairs) / float64(s.TruePairs)
	}
	if s.Precision+s.Recall > 0 {
		s.F1 = 2 * s.Precision * s.Recall / (s.Precision + s.Recall)
	}
	s.ARI = ari(s.CorrectPairs, s.TruePairs, s.PredPairs, pairs(int64(len(t))))
	return s, nil
}

// ari is the Hubert-Arabie adjusted Rand index from pair counts:
// (index - expected) / (max - expected), with index = Σ C(n_ij, 2),
// expected = Σ C(a_i, 2) Σ C(b_j, 2) / C(n, 2) and
// max = (Σ C(a_i, 2) + Σ C(b_j, 2)) / 2.
func ari(index, a, b, total int64) float64 {
	if total == 0 {
		return 1
	}
	expected := float64(a) * float64(b) / float64(total)
	maxIndex := (float64(a) + float64(b)) / 2
	den := maxIndex - expected
	if den == 0 {
		return 1
	}
	return (float64(index) - expected) / den
}

// Part is a group of items inside a Merge or a Miss, under one label.
type Part struct {
	Label string // a true label in a Merge, a predicted label in a Miss
	Items []int  // item indexes, ascending
}

// Merge is a predicted cluster that mixes items of several true clusters.
type Merge struct {
	Label      string // the predicted cluster's label
	Items      []int  // its item indexes, ascending
	Parts      []Part // its items grouped by true label, largest first
	WrongPairs int64  // pairs of its items whose true labels differ
}

// Miss is a true cluster whose items were split across predicted clusters.
type Miss struct {
	Label       string // the true cluster's label
	Items       []int  // its item indexes, ascending
	Parts       []Part // its items grouped by predicted label, largest first
	MissedPairs int64  // pairs of its items put in different predicted clusters
}

// WorstMerges returns up to n predicted clusters that contain items of
// more than one true cluster, worst first: most wrong pairs, then most
// items, then by label. n <= 0 means all of them. It returns nil if truth
// and pred differ in length.
func WorstMerges(truth, pred []string, n int) []Merge {
	gs := worst(pred, truth, n)
	if gs == nil {
		return nil
	}
	out := make([]Merge, len(gs))
	for i, g := range gs {
		out[i] = Merge{Label: g.label, Items: g.items, Parts: g.parts, WrongPairs: g.bad}
	}
	return out
}

// WorstMisses returns up to n true clusters whose items were split across
// more than one predicted cluster, worst first: most missed pairs, then
// most items, then by label. n <= 0 means all of them. It returns nil if
// truth and pred differ in length.
func WorstMisses(truth, pred []string, n int) []Miss {
	gs := worst(truth, pred, n)
	if gs == nil {
		return nil
	}
	out := make([]Miss, len(gs))
	for i, g := range gs {
		out[i] = Miss{Label: g.label, Items: g.items, Parts: g.parts, MissedPairs: g.bad}
	}
	return out
}

type group struct {
	label string
	items []int
	parts []Part
	bad   int64
}

// worst groups items by outer label and, within each group, by inner
// label; it returns the groups with more than one inner label, ranked by
// the number of pairs that straddle inner labels.
func worst(outer, inner []string, n int) []group {
	if len(outer) != len(inner) {
		return nil
	}
	ids, count := intern(outer)
	members := make([][]int, count)
	for i, id := range ids {
		members[id] = append(members[id], i)
	}
	var out []group
	for _, items := range members {
		mixed := false
		for _, i := range items[1:] {
			if inner[i] != inner[items[0]] {
				mixed = true
				break
			}
		}
		if !mixed {
			continue
		}
		byLabel := map[string][]int{}
		var order []string
		for _, i := range items {
			l := inner[i]
			if _, ok := byLabel[l]; !ok {
				order = append(order, l)
			}
			byLabel[l] = append(byLabel[l], i)
		}
		g := group{label: outer[items[0]], items: items, bad: pairs(int64(len(items)))}
		for _, l := range order {
			g.parts = append(g.parts, Part{Label: l, Items: byLabel[l]})
			g.bad -= pairs(int64(len(byLabel[l])))
		}
		slices.SortStableFunc(g.parts, func(a, b Part) int {
			if len(a.Items) != len(b.Items) {
				return len(b.Items) - len(a.Items)
			}
			return strings.Compare(a.Label, b.Label)
		})
		out = append(out, g)
	}
	slices.SortFunc(out, func(a, b group) int {
		switch {
		case a.bad != b.bad:
			if a.bad > b.bad {
				return -1
			}
			return 1
		case len(a.items) != len(b.items):
			return len(b.items) - len(a.items)
		}
		return strings.Compare(a.label, b.label)
	})
	if n > 0 && len(out) > n {
		out = out[:n]
	}
	return out
}
