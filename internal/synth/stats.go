package synth

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// tokens returns the lowercased ASCII \w+ runs of s, as the regular
// expression \w+ finds them.
func tokens(s string) []string {
	var out []string
	for i := 0; i < len(s); {
		if !isWordByte(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && isWordByte(s[j]) {
			j++
		}
		out = append(out, strings.ToLower(s[i:j]))
		i = j
	}
	return out
}

// shingles returns the sorted, distinct 64-bit hashes of the word 3-grams
// of text (lowercased \w+ tokens).
func shingles(text string) []uint64 {
	toks := tokens(text)
	if len(toks) < 3 {
		if len(toks) == 0 {
			return nil
		}
		toks = append(toks, "", "")[:3] // one short shingle
	}
	hs := make([]uint64, 0, len(toks)-2)
	for i := 0; i+3 <= len(toks); i++ {
		h := uint64(14695981039346656037)
		for _, t := range toks[i : i+3] {
			for k := 0; k < len(t); k++ {
				h ^= uint64(t[k])
				h *= 1099511628211
			}
			h ^= 0xff // separator
			h *= 1099511628211
		}
		hs = append(hs, h)
	}
	slices.Sort(hs)
	return slices.Compact(hs)
}

func jaccardSorted(a, b []uint64) float64 {
	if len(a) == 0 && len(b) == 0 {
		return 1
	}
	inter := 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] == b[j]:
			inter++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}

// Jaccard returns the Jaccard similarity of the sets of word 3-grams of
// two texts, where words are the lowercased \w+ tokens.
func Jaccard(a, b string) float64 { return jaccardSorted(shingles(a), shingles(b)) }

// SameStoryJaccards returns the whole-document word-3-gram Jaccard
// similarity (see Jaccard) of pairs of articles of the same story. If
// there are more than maxPairs such pairs (maxPairs <= 0 means no limit),
// a deterministic sample of maxPairs of them is measured. The result is
// sorted ascending.
func SameStoryJaccards(arts []Article, maxPairs int) []float64 {
	byStory := map[int][]int{}
	for i := range arts {
		byStory[arts[i].Story] = append(byStory[arts[i].Story], i)
	}
	var pairs [][2]int
	for _, idx := range byStory {
		for x := 0; x < len(idx); x++ {
			for y := x + 1; y < len(idx); y++ {
				pairs = append(pairs, [2]int{idx[x], idx[y]})
			}
		}
	}
	return pairJaccards(arts, pairs, maxPairs)
}

// SameOutletJaccards returns the word-3-gram Jaccard similarity of up to
// maxPairs deterministically sampled pairs of articles of one outlet that
// belong to different stories: what the outlet's template alone adds to
// unrelated articles. The result is sorted ascending.
func SameOutletJaccards(arts []Article, maxPairs int) []float64 {
	bySource := map[string][]int{}
	for i := range arts {
		bySource[arts[i].Source] = append(bySource[arts[i].Source], i)
	}
	if maxPairs <= 0 {
		maxPairs = 1000
	}
	r := newRNG(0, tagSample, uint64(len(arts)))
	var pairs [][2]int
	for tries := 0; len(pairs) < maxPairs && tries < 20*maxPairs && len(arts) > 1; tries++ {
		i := r.intn(len(arts))
		same := bySource[arts[i].Source]
		j := same[r.intn(len(same))]
		if arts[i].Story != arts[j].Story {
			pairs = append(pairs, [2]int{i, j})
		}
	}
	return pairJaccards(arts, pairs, 0)
}

func pairJaccards(arts []Article, pairs [][2]int, maxPairs int) []float64 {
	for i := range pairs {
		if pairs[i][0] > pairs[i][1] {
			pairs[i][0], pairs[i][1] = pairs[i][1], pairs[i][0]
		}
	}
	// Canonical order, then a deterministic sample keyed on the IDs.
	key := func(p [2]int) uint64 {
		return mix(mix(strHash(arts[p[0]].ID)) ^ strHash(arts[p[1]].ID))
	}
	slices.SortFunc(pairs, func(a, b [2]int) int {
		ka, kb := key(a), key(b)
		switch {
		case ka < kb:
			return -1
		case ka > kb:
			return 1
		}
		return 0
	})
	if maxPairs > 0 && len(pairs) > maxPairs {
		pairs = pairs[:maxPairs]
	}
	cache := map[int][]uint64{}
	sh := func(i int) []uint64 {
		s, ok := cache[i]
		if !ok {
			s = shingles(arts[i].Text)
			cache[i] = s
		}
		return s
	}
	out := make([]float64, len(pairs))
	for i, p := range pairs {
		out[i] = jaccardSorted(sh(p[0]), sh(p[1]))
	}
	slices.Sort(out)
	return out
}

func strHash(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// Summary describes a sample of values by its quantiles.
type Summary struct {
	N                                      int
	Mean                                   float64
	Min, P01, P05, P10, P25, P50, P75, P90 float64
	P95, P99, Max                          float64
}

// Quantile returns the q-quantile (0 <= q <= 1) of xs, which must be
// sorted ascending, by linear interpolation between closest ranks. It
// returns NaN for an empty xs.
func Quantile(xs []float64, q float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	pos := q * float64(len(xs)-1)
	lo := int(math.Floor(pos))
	hi := min(lo+1, len(xs)-1)
	return xs[lo] + (pos-float64(lo))*(xs[hi]-xs[lo])
}

// Summarize returns the quantiles and mean of xs; xs need not be sorted
// and is not modified.
func Summarize(xs []float64) Summary {
	s := slices.Clone(xs)
	slices.Sort(s)
	var sum float64
	for _, x := range s {
		sum += x
	}
	q := func(p float64) float64 { return Quantile(s, p) }
	out := Summary{N: len(s), Min: q(0), P01: q(0.01), P05: q(0.05), P10: q(0.1), P25: q(0.25), P50: q(0.5), P75: q(0.75), P90: q(0.9), P95: q(0.95), P99: q(0.99), Max: q(1)}
	if len(s) > 0 {
		out.Mean = sum / float64(len(s))
	}
	return out
}

// String formats the summary on one line.
func (s Summary) String() string {
	return fmt.Sprintf("n=%d mean=%.3f min=%.3f p01=%.3f p05=%.3f p10=%.3f p25=%.3f p50=%.3f p75=%.3f p90=%.3f p95=%.3f p99=%.3f max=%.3f",
		s.N, s.Mean, s.Min, s.P01, s.P05, s.P10, s.P25, s.P50, s.P75, s.P90, s.P95, s.P99, s.Max)
}

// FamilySizes returns a histogram of story sizes: hist[k] is the number
// of stories with exactly k articles in arts (hist[0] is always 0).
func FamilySizes(arts []Article) []int {
	size := map[int]int{}
	for i := range arts {
		size[arts[i].Story]++
	}
	var hist []int
	for _, k := range size {
		for len(hist) <= k {
			hist = append(hist, 0)
		}
		hist[k]++
	}
	return hist
}
