package shingle

import (
	"math/bits"
	"slices"
)

// radixMin is the length from which sortHashes sorts by radix: below it,
// the counting tables cost more than the comparisons they save.
const radixMin = 256

// sortHashes sorts a in increasing order, as slices.Sort does. Shingle
// hashes are uniform 32-bit values, the case a least-significant-digit
// radix sort suits: four counting passes of a byte each (fewer when a
// byte is the same in every value, as in one shard of CountDF) where
// pdqsort makes about log2(len(a)) passes of unpredictable comparisons.
// At 100,000 articles the sorts of Union and CountDF took about 7 CPU
// seconds with slices.Sort. A slice shorter than spreadMax, a document's
// set, is sorted by sortSpread instead.
func sortHashes(a []uint32) {
	sortHashesBuf(a, nil)
}

// sortHashesBuf is sortHashes with buf for its scratch when it is long
// enough. It returns the scratch it used, for the next call.
func sortHashesBuf(a, buf []uint32) []uint32 {
	if len(a) < radixMin {
		slices.Sort(a)
		return buf
	}
	if len(a) < spreadMax {
		return sortSpread(a, buf)
	}
	var counts [4][256]int
	for _, v := range a {
		counts[0][v&0xff]++
		counts[1][v>>8&0xff]++
		counts[2][v>>16&0xff]++
		counts[3][v>>24]++
	}
	if cap(buf) >= len(a) {
		buf = buf[:len(a)]
	} else {
		buf = nil
	}
	src := a
	for p := range counts {
		c := &counts[p]
		shift := 8 * p
		if c[src[0]>>shift&0xff] == len(a) {
			continue // one value of this byte: the pass would move nothing
		}
		if buf == nil {
			buf = make([]uint32, len(a))
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
		for _, v := range src {
			b := v >> shift & 0xff
			dst[c[b]] = v
			c[b]++
		}
		src = dst
	}
	if &src[0] != &a[0] {
		copy(a, src)
	}
	return buf
}

// spreadMax is the length below which sortHashesBuf sorts by sortSpread.
// Above it, the bucket counts no longer fit the first-level cache, and
// radix passes cost less.
const spreadMax = 4096

// bucketMax is the size above which sortSpread sorts a bucket by
// comparisons rather than by insertion: hashes far from uniform (repeats,
// or one shard's of CountDF) fill few buckets, which insertion would sort
// in quadratic time.
const bucketMax = 48

// sortSpread is sortHashesBuf for a slice of uniform hashes shorter than
// spreadMax: one counting pass spreads the values into buckets by their
// top bits, a bucket for two to four values (256 at least), and one
// insertion pass then sorts the whole. A document's shingle set (the union
// of its sentences', some hundreds to thousands of values) is sorted so,
// where the radix sort made four counting passes. 256 buckets whatever the
// length, each sorted apart, took as long as the radix sort at 4,000
// values; these take half as long there, and about as long as that up to
// 1,200 (a comparison at 300 to 4,000 values, 3 runs each). The bucket
// counts are kept in buf after the sorted values.
func sortSpread(a, buf []uint32) []uint32 {
	b := max(8, bits.Len(uint(len(a)))-2)
	need := len(a) + 1<<b
	if cap(buf) < need {
		buf = make([]uint32, need)
	}
	buf = buf[:need]
	dst, ends := buf[:len(a)], buf[len(a):]
	clear(ends)
	shift := 32 - b
	for _, v := range a {
		ends[v>>shift]++
	}
	sum := uint32(0)
	for i, n := range ends {
		ends[i] = sum // the bucket's start, and its end once filled
		sum += n
	}
	for _, v := range a {
		k := v >> shift
		dst[ends[k]] = v
		ends[k]++
	}
	// Each value is at most its bucket's size from its place, and the
	// values before its bucket are all smaller: one insertion pass over
	// the whole slice sorts it. A bucket too large for that (hashes far
	// from uniform) is sorted by comparisons first.
	lo := uint32(0)
	for _, hi := range ends {
		if hi-lo > bucketMax {
			slices.Sort(dst[lo:hi])
		}
		lo = hi
	}
	for i := 1; i < len(dst); i++ {
		v, j := dst[i], i
		for ; j > 0 && dst[j-1] > v; j-- {
			dst[j] = dst[j-1]
		}
		dst[j] = v
	}
	copy(a, dst)
	return buf
}
