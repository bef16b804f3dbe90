package shingle

import "slices"

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

// spreadMax is the length below which sortHashesBuf sorts by sortSpread:
// up to it, a bucket of the top byte holds 16 uniform hashes on average,
// few enough to sort by insertion.
const spreadMax = 4096

// bucketMax is the size above which sortSpread sorts a bucket by
// comparisons rather than by insertion: hashes far from uniform (repeats,
// or one shard's of CountDF) fill few buckets, which insertion would sort
// in quadratic time.
const bucketMax = 48

// sortSpread is sortHashesBuf for a slice of uniform hashes up to spreadMax
// long: one counting pass spreads the values into 256 buckets by their top
// byte, and each bucket, of a few values, is sorted by insertion. A
// document's shingle set (the union of its sentences', about 600 values)
// is sorted so, where the radix sort made four counting passes (see
// BenchmarkSortHashes).
func sortSpread(a, buf []uint32) []uint32 {
	var ends [256]int32
	for _, v := range a {
		ends[v>>24]++
	}
	sum := int32(0)
	for i, n := range ends {
		ends[i] = sum // the bucket's start, and its end once filled
		sum += n
	}
	if cap(buf) < len(a) {
		buf = make([]uint32, len(a))
	}
	dst := buf[:len(a)]
	for _, v := range a {
		b := v >> 24
		dst[ends[b]] = v
		ends[b]++
	}
	lo := int32(0)
	for _, hi := range ends {
		switch {
		case hi-lo > bucketMax:
			slices.Sort(dst[lo:hi])
		case hi-lo > 1:
			for i := lo + 1; i < hi; i++ {
				v, j := dst[i], i
				for ; j > lo && dst[j-1] > v; j-- {
					dst[j] = dst[j-1]
				}
				dst[j] = v
			}
		}
		lo = hi
	}
	copy(a, dst)
	return buf
}
