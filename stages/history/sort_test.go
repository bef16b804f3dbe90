package history

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestRadixSort: the radix sort orders as a stable comparison sort does,
// over sizes below and above its insertion-sort bound, keys that share
// bytes, and repeated keys.
func TestRadixSort(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	tests := []struct {
		name string
		n    int
		key  func() uint64
	}{
		{"empty", 0, r.Uint64},
		{"short", 100, r.Uint64},
		{"uniform", 5000, r.Uint64},
		{"repeated", 5000, func() uint64 { return r.Uint64N(50) }},
		{"high bytes shared", 5000, func() uint64 { return 0xabcd<<48 | r.Uint64N(1<<20) }},
		{"all equal", 1000, func() uint64 { return 7 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			keys := make([]Key, tt.n)
			for i := range keys {
				keys[i] = Key{Key: tt.key(), Row: uint32(i)}
			}
			want := slices.Clone(keys)
			slices.SortStableFunc(want, func(a, b Key) int { return cmp.Compare(a.Key, b.Key) })
			radixSort(keys, func(k *Key) uint64 { return k.Key })
			if !slices.Equal(keys, want) {
				t.Errorf("radixSort differs from a stable sort")
			}
		})
	}
}

func BenchmarkSortKeys(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	keys := make([]Key, 1_000_000)
	for i := range keys {
		keys[i] = Key{Key: r.Uint64(), Row: uint32(i / 100)}
	}
	work := make([]Key, len(keys))
	b.Run("compare", func(b *testing.B) {
		for b.Loop() {
			copy(work, keys)
			slices.SortFunc(work, func(a, b Key) int { return cmp.Or(cmp.Compare(a.Key, b.Key), cmp.Compare(a.Row, b.Row)) })
		}
	})
	b.Run("radix", func(b *testing.B) {
		for b.Loop() {
			copy(work, keys)
			radixSort(work, func(k *Key) uint64 { return k.Key })
		}
	})
}
