package lsh

import (
	"cmp"
	"slices"

	"github.com/dedupe/dedupe/internal/radix"
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
	radix.Sort(es, func(e bandEntry) uint64 { return e.key }, 4)
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
	radix.Sort(a, func(v uint64) uint64 { return v }, 0)
}
