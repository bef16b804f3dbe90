package history

import (
	"cmp"
	"math"
	"slices"
	"time"

	"github.com/dedupe/dedupe/internal/radix"
)

// Probe is what tonight's articles look the history up with: the band
// keys (see Night.probe), and for each key the publication times of
// tonight's articles that probe with it, so that a stored article hit by a
// key counts only when it could link to one of them.
//
// The pipeline never links two articles that both have a publication time
// and were published further apart than the window (--window; see
// verify.Apart), so a stored article that far from every one of tonight's
// articles holding a key it shares cannot be linked to them through that
// key: the key's hit is a chance collision, or a sentence of another
// story told again, and following it would load its cluster for nothing.
// The test is made per pair, the stored article against the times of the
// articles probing with the key, not against tonight's whole span: a
// night of a crawl spans a day or so and the two agree, but a night that
// spans several days (a backlog, a crawl resumed) would, by its span,
// let every key of its latest articles reach the stored articles of its
// first days' window; and an undated article tonight, for which the
// span is unbounded, makes only its own keys reach the whole history.
// The times are kept sorted per key, and a hit costs a binary search
// over the key's few holders: in CPU profiles of 10,000 and 50,000
// articles against the bench's history the test was not among the 400
// costliest entries, and it loads a third fewer stored articles than the
// span (see the package comment, "What a night loads").
type Probe struct {
	Keys []uint64 // sorted, without repeats

	at     []int32       // Keys[i]'s times are times[at[i]:at[i+1]]
	times  []int64       // ascending per key; NoTime first when a holder has none
	window time.Duration // 0: every stored article fits (no window)

	// Tonight's span: its earliest and latest publication times, and
	// whether one of its articles has none.
	first, last int64
	dated       bool // one of tonight's articles has a time: first and last are set
	undated     bool
}

// keyTime is one key of one of tonight's articles, with its publication
// time (NoTime when unknown).
type keyTime struct {
	key uint64
	t   int64
}

// newProbe returns the Probe of pairs (reordered), with window as the
// run's --window.
func newProbe(pairs []keyTime, window time.Duration) *Probe {
	radix.Sort(pairs, func(kt keyTime) uint64 { return kt.key }, 0)
	return sortedProbe(pairs, window)
}

// mergeKeyTimes returns the pairs of runs, each sorted by key, in one run
// sorted by key: two runs at a time.
func mergeKeyTimes(runs [][]keyTime) []keyTime {
	for len(runs) > 1 {
		var next [][]keyTime
		for i := 0; i < len(runs); i += 2 {
			if i+1 == len(runs) {
				next = append(next, runs[i])
				break
			}
			a, b := runs[i], runs[i+1]
			m := make([]keyTime, 0, len(a)+len(b))
			for len(a) > 0 && len(b) > 0 {
				if b[0].key < a[0].key {
					m, b = append(m, b[0]), b[1:]
				} else {
					m, a = append(m, a[0]), a[1:]
				}
			}
			next = append(next, append(append(m, a...), b...))
		}
		runs = next
	}
	if len(runs) == 0 {
		return nil
	}
	return runs[0]
}

// sortedProbe is newProbe of pairs sorted by key.
func sortedProbe(pairs []keyTime, window time.Duration) *Probe {
	for a := 0; a < len(pairs); {
		b := a + 1
		for b < len(pairs) && pairs[b].key == pairs[a].key {
			b++
		}
		if b-a > 1 {
			slices.SortFunc(pairs[a:b], func(x, y keyTime) int { return cmp.Compare(x.t, y.t) })
		}
		a = b
	}
	p := &Probe{window: window}
	for i, kt := range pairs {
		if kt.t == NoTime {
			p.undated = true
		} else {
			if !p.dated || kt.t < p.first {
				p.first = kt.t
			}
			if !p.dated || kt.t > p.last {
				p.last = kt.t
			}
			p.dated = true
		}
		if i == 0 || kt.key != pairs[i-1].key {
			p.Keys = append(p.Keys, kt.key)
			p.at = append(p.at, int32(len(p.times)))
		} else if kt.t == pairs[i-1].t {
			continue
		}
		p.times = append(p.times, kt.t)
	}
	p.at = append(p.at, int32(len(p.times)))
	return p
}

// probeOfKeys returns the Probe of keys alone, as though each were held by
// an article without a time: every stored article fits.
func probeOfKeys(keys []uint64) *Probe {
	pairs := make([]keyTime, len(keys))
	for i, k := range keys {
		pairs[i] = keyTime{k, NoTime}
	}
	return newProbe(pairs, 0)
}

// fits reports whether a stored article published at r (NoTime when
// unknown) could be linked to one of tonight's articles probing with
// Keys[i]: one of them, or the stored article, has no time, or they were
// published at most the window apart.
func (p *Probe) fits(i int, r int64) bool {
	if p.window <= 0 || r == NoTime {
		return true
	}
	ts := p.times[p.at[i]:p.at[i+1]]
	if ts[0] == NoTime {
		return true
	}
	w := int64(p.window)
	j, _ := slices.BinarySearch(ts, sub(r, w))
	return j < len(ts) && ts[j] <= add(r, w)
}

// Reaches reports whether some stored article published at one of
// published (NoTime when unknown) could be linked to one of tonight's
// articles: when none can, a night's keys need not be read at all.
func (p *Probe) Reaches(published []int64) bool {
	if p.window <= 0 || p.undated {
		return len(published) > 0
	}
	w := int64(p.window)
	for _, r := range published {
		if r == NoTime || (p.dated && r >= sub(p.first, w) && r <= add(p.last, w)) {
			return true
		}
	}
	return false
}

// add returns a+b for b >= 0, or the largest int64 when that overflows:
// a window of hundreds of years is no window.
func add(a, b int64) int64 {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

// sub returns a-b for b >= 0, or the smallest time past NoTime when that
// overflows.
func sub(a, b int64) int64 {
	if a < NoTime+1+b {
		return NoTime + 1
	}
	return a - b
}
