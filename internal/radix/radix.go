// Package radix sorts slices by 64-bit keys with a least-significant-digit
// radix sort: a counting pass per byte, where a comparison sort makes
// about log2(n) passes of unpredictable comparisons. The keys the stages
// sort (band keys, stored sentence keys) are uniform hashes, the case it
// suits; the lsh and history packages both sort them with it.
package radix

import (
	"cmp"
	"slices"
)

// minLen is the length below which Sort compares instead: the counting
// tables cost more than they save on a short slice.
const minLen = 256

// Sort sorts a by key(x)>>(8*from), stably, a byte at a time from the
// lowest, skipping the bytes every key shares. from is the number of low
// bytes left unsorted (0 for the whole key).
func Sort[T any](a []T, key func(T) uint64, from int) {
	if len(a) < minLen {
		shift := 8 * from
		slices.SortStableFunc(a, func(x, y T) int { return cmp.Compare(key(x)>>shift, key(y)>>shift) })
		return
	}
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
