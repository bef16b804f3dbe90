package radix

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"
)

type entry struct {
	key uint64
	row int
}

// TestSort: Sort orders as a stable comparison sort does, below and above
// minLen, with keys repeated, sharing bytes, all equal, and with low bytes
// left unsorted.
func TestSort(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	tests := []struct {
		name string
		n    int
		from int
		key  func() uint64
	}{
		{"empty", 0, 0, r.Uint64},
		{"short", minLen - 1, 0, r.Uint64},
		{"short, high half", minLen - 1, 4, r.Uint64},
		{"uniform", 5000, 0, r.Uint64},
		{"repeated", 5000, 0, func() uint64 { return r.Uint64N(50) }},
		{"high bytes shared", 5000, 0, func() uint64 { return 0xabcd<<48 | r.Uint64N(1<<20) }},
		{"all equal", 1000, 0, func() uint64 { return 7 }},
		{"high half", 5000, 4, func() uint64 { return r.Uint64N(300)<<32 | r.Uint64N(1<<32) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			es := make([]entry, tt.n)
			for i := range es {
				es[i] = entry{tt.key(), i}
			}
			shift := 8 * tt.from
			want := slices.Clone(es)
			slices.SortStableFunc(want, func(a, b entry) int { return cmp.Compare(a.key>>shift, b.key>>shift) })
			Sort(es, func(e entry) uint64 { return e.key }, tt.from)
			if !slices.Equal(es, want) {
				t.Errorf("Sort differs from a stable comparison sort")
			}
		})
	}
}

// BenchmarkSort sorts a million entries of uniform keys.
func BenchmarkSort(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	es := make([]entry, 1_000_000)
	for i := range es {
		es[i] = entry{r.Uint64(), i}
	}
	work := make([]entry, len(es))
	b.Run("compare", func(b *testing.B) {
		for b.Loop() {
			copy(work, es)
			slices.SortStableFunc(work, func(a, b entry) int { return cmp.Compare(a.key, b.key) })
		}
	})
	b.Run("radix", func(b *testing.B) {
		for b.Loop() {
			copy(work, es)
			Sort(work, func(e entry) uint64 { return e.key }, 0)
		}
	})
}
