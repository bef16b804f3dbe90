package shingle

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSortHashes: sortHashes sorts as slices.Sort does, below radixMin,
// by spreading into buckets below spreadMax, and by radix above, with
// repeats, with bytes every value shares, and with buckets too full to
// sort by insertion.
func TestSortHashes(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	type test struct {
		name string
		n    int
		gen  func() uint32
	}
	tests := []test{
		{"empty", 0, r.Uint32},
		{"short", radixMin - 1, r.Uint32},
		{"spread, a document's", 600, r.Uint32},
		{"spread, some buckets full", 2000, func() uint32 { return r.Uint32() & 0x1fffffff }},
	}
	for _, n := range []int{10 * radixMin, 2 * spreadMax} {
		tests = append(tests, []test{
			{"uniform", n, r.Uint32},
			{"repeats", n, func() uint32 { return r.Uint32N(50) }},
			{"one shard", n, func() uint32 { return 0xfc000000 | r.Uint32N(1<<26) }},
			{"shared middle byte", n, func() uint32 { return r.Uint32()&^0xff00 | 0x4200 }},
			{"all equal", n, func() uint32 { return 7 }},
		}...)
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%d", tt.name, tt.n), func(t *testing.T) {
			a := make([]uint32, tt.n)
			for i := range a {
				a[i] = tt.gen()
			}
			want := slices.Clone(a)
			slices.Sort(want)
			sortHashes(a)
			if !slices.Equal(a, want) {
				t.Errorf("sortHashes gives %v..., want %v...", a[:min(8, len(a))], want[:min(8, len(want))])
			}
		})
	}
}

func BenchmarkSortHashes(b *testing.B) {
	for _, n := range []int{600, 1 << 20} {
		r := rand.New(rand.NewPCG(1, 2))
		src := make([]uint32, n)
		for i := range src {
			src[i] = r.Uint32()
		}
		a := make([]uint32, n)
		b.Run("radix/"+itoa(n), func(b *testing.B) {
			for b.Loop() {
				copy(a, src)
				sortHashes(a)
			}
		})
		b.Run("pdq/"+itoa(n), func(b *testing.B) {
			for b.Loop() {
				copy(a, src)
				slices.Sort(a)
			}
		})
	}
}

func itoa(n int) string {
	if n >= 1<<20 {
		return "1Mi"
	}
	return "600"
}
