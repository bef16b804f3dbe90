package lsh

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSortEntries: sortEntries and sortKeys give the comparison sort's
// order, below and above radixMin, with keys repeated, sharing bytes, and
// entries not made in item order.
func TestSortEntries(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, tt := range []struct {
		name     string
		n        int
		key      func() uint64
		shuffled bool
	}{
		{"short", radixMin - 1, r.Uint64, false},
		{"uniform", 8 * radixMin, r.Uint64, false},
		{"repeated keys", 8 * radixMin, func() uint64 { return r.Uint64N(40) << 40 }, false},
		{"pairs", 8 * radixMin, func() uint64 { return r.Uint64N(5000)<<32 | r.Uint64N(5000) }, false},
		{"one key", 8 * radixMin, func() uint64 { return 9 }, false},
		{"few high halves", 8 * radixMin, func() uint64 { return r.Uint64N(8)<<32 | r.Uint64N(40) }, false},
		{"items shuffled", 8 * radixMin, func() uint64 { return r.Uint64N(100) }, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			es := make([]bandEntry, tt.n)
			keys := make([]uint64, tt.n)
			for i := range es {
				es[i] = bandEntry{key: tt.key(), item: int32(i)}
				keys[i] = es[i].key
			}
			if tt.shuffled {
				r.Shuffle(len(es), func(i, j int) { es[i], es[j] = es[j], es[i] })
			}
			want := slices.Clone(es)
			slices.SortFunc(want, func(x, y bandEntry) int {
				return cmp.Or(cmp.Compare(x.key, y.key), cmp.Compare(x.item, y.item))
			})
			sortEntries(es)
			if !slices.Equal(es, want) {
				t.Errorf("sortEntries: got %v..., want %v...", es[:min(6, len(es))], want[:min(6, len(want))])
			}
			wantKeys := slices.Clone(keys)
			slices.Sort(wantKeys)
			sortKeys(keys)
			if !slices.Equal(keys, wantKeys) {
				t.Errorf("sortKeys: got %v..., want %v...", keys[:min(6, len(keys))], wantKeys[:min(6, len(wantKeys))])
			}
		})
	}
}
