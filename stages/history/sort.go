package history

// radixSort sorts s by key, stably: a least-significant-digit radix sort,
// a byte at a time, skipping the bytes all keys share. The keys a night
// stores and probes with are a million or more uniform hashes, which a
// comparison sort took 0.25-0.36 s of CPU each to order (keys.bin's and
// the probe's, in a profile of 10,000 articles against 11 nights);
// stability keeps each key's entries in the order made (keys.bin's rows
// ascending, as before).
func radixSort[T any](s []T, key func(*T) uint64) {
	if len(s) < 256 {
		insertionSort(s, key)
		return
	}
	buf := make([]T, len(s))
	src, dst := s, buf
	var counts [8][256]int
	for i := range src {
		k := key(&src[i])
		for b := range 8 {
			counts[b][byte(k>>(8*b))]++
		}
	}
	for b := range 8 {
		c := &counts[b]
		if c[byte(key(&src[0])>>(8*b))] == len(src) {
			continue // every key has this byte
		}
		pos := 0
		for i, n := range c {
			c[i] = pos
			pos += n
		}
		for i := range src {
			d := byte(key(&src[i]) >> (8 * b))
			dst[c[d]] = src[i]
			c[d]++
		}
		src, dst = dst, src
	}
	if &src[0] != &s[0] {
		copy(s, src)
	}
}

// insertionSort sorts a short s by key, stably.
func insertionSort[T any](s []T, key func(*T) uint64) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && key(&s[j]) < key(&s[j-1]); j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}
