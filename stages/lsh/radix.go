package lsh

import (
	"cmp"
	"slices"
)

// radixMin is the length from which the sorts below count bytes rather
// than compare: below it, the counting tables cost more than they save.
const radixMin = 512

// sortEntries sorts es by key, then item. Band keys are uniform hashes,
// which a least-significant-digit radix sort suits: at 100,000 articles
// the comparison sort of the bands' entries took 2.8 s of CPU. The radix
// sort is stable, so entries made in item order (as the searches make
// them) come out in (key, item) order, as the comparison sort gave; for
// any other order the comparison sort is kept.
func sortEntries(es []bandEntry) {
	if len(es) < radixMin || !slices.IsSortedFunc(es, func(x, y bandEntry) int { return cmp.Compare(x.item, y.item) }) {
		slices.SortFunc(es, func(x, y bandEntry) int {
			return cmp.Or(cmp.Compare(x.key, y.key), cmp.Compare(x.item, y.item))
		})
		return
	}
	// Only the high four bytes are counted: that puts the entries in
	// (key, item) order but within the runs of one high half, which hold
	// one key but where two keys share a half (a few in 100,000), and
	// those runs are then sorted. Half the passes of a whole-key sort.
	radix(es, func(e bandEntry) uint64 { return e.key }, 4)
	for lo := 0; lo < len(es); {
		hi := lo + 1
		for hi < len(es) && es[hi].key>>32 == es[lo].key>>32 {
			hi++
		}
		if run := es[lo:hi]; len(run) > 1 {
			// Stable, so the items stay in order within a key.
			slices.SortStableFunc(run, func(x, y bandEntry) int { return cmp.Compare(x.key, y.key) })
		}
		lo = hi
	}
}

// sortKeys sorts a as slices.Sort does.
func sortKeys(a []uint64) {
	if len(a) < radixMin {
		slices.Sort(a)
		return
	}
	radix(a, func(v uint64) uint64 { return v }, 0)
}

// radix sorts a by key(x)>>(8*from), stably, a byte at a time from the
// lowest, skipping the bytes every key shares.
func radix[T any](a []T, key func(T) uint64, from int) {
	var counts [8][256]int
	for _, x := range a {
		k := key(x)
		for p := from; p < len(counts); p++ {
			counts[p][k>>(8*p)&0xff]++
		}
	}
	var buf []T
	src := a
	for p := from; p < len(counts); p++ {
		c := &counts[p]
		shift := 8 * p
		if c[key(src[0])>>shift&0xff] == len(a) {
			continue // one value of this byte: the pass would move nothing
		}
		if buf == nil {
			buf = make([]T, len(a))
		}
		dst := buf
		if &src[0] == &buf[0] {
			dst = a
		}
		sum := 0
		for i, n := range c {
			c[i] = sum
			sum += n
		}
		for _, x := range src {
			b := key(x) >> shift & 0xff
			dst[c[b]] = x
			c[b]++
		}
		src = dst
	}
	if &src[0] != &a[0] {
		copy(a, src)
	}
}
