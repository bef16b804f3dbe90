package history

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
)

// TestStoredDF: a night's counts, written and merged back over the
// shingles a later night needs, add to them what the night counted.
func TestStoredDF(t *testing.T) {
	night := CountSets([][]uint32{{1, 5, 9}, {5, 9}, {9, 20}})
	if want := (Counts{Keys: []uint32{1, 5, 9, 20}, N: []uint32{1, 2, 3, 1}}); !reflect.DeepEqual(night, want) {
		t.Fatalf("CountSets: %+v, want %+v", night, want)
	}
	path := filepath.Join(t.TempDir(), DFFile)
	if err := writeDF(path, night); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		need []uint32
		want []int32
	}{
		{nil, []int32{}},
		{[]uint32{0, 2, 30}, []int32{0, 0, 0}},
		{[]uint32{5}, []int32{2}},
		{[]uint32{1, 9, 20, 21}, []int32{1, 3, 1, 0}},
		{[]uint32{0, 1, 5, 9, 20}, []int32{0, 1, 2, 3, 1}},
	}
	for _, tt := range tests {
		sum := make([]int32, len(tt.need))
		if err := addStoredDF(path, tt.need, sum); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(sum, tt.want) {
			t.Errorf("need %v: %v, want %v", tt.need, sum, tt.want)
		}
		// Tonight's own counts add the same way.
		again := make([]int32, len(tt.need))
		night.addTo(tt.need, again)
		if !reflect.DeepEqual(again, tt.want) {
			t.Errorf("addTo %v: %v, want %v", tt.need, again, tt.want)
		}
	}
}

// randomCounts returns counts of up to n shingles below limit.
func randomCounts(r *rand.Rand, n int, limit uint32) Counts {
	m := map[uint32]uint32{}
	for range n {
		m[r.Uint32N(limit)] = 1 + r.Uint32N(5)
	}
	var c Counts
	for _, k := range slices.Sorted(maps.Keys(m)) {
		c.Keys = append(c.Keys, k)
		c.N = append(c.N, m[k])
	}
	return c
}

// randomSet returns an ascending set of up to n shingles below limit.
func randomSet(r *rand.Rand, n int, limit uint32) []uint32 {
	var s []uint32
	for range n {
		s = append(s, r.Uint32N(limit))
	}
	slices.Sort(s)
	return slices.Compact(s)
}

// TestStoredDFLarge: a night's file of several blocks, merged over
// shingles as many as it holds and far fewer, adds the counts it holds.
func TestStoredDFLarge(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	night := randomCounts(r, 60000, 200000)
	path := filepath.Join(t.TempDir(), DFFile)
	if err := writeDF(path, night); err != nil {
		t.Fatal(err)
	}
	held := map[uint32]int32{}
	for i, k := range night.Keys {
		held[k] = int32(night.N[i])
	}
	for _, n := range []int{1, 10, 1000, 10000, 60000, 200000} {
		need := randomSet(r, n, 210000)
		sum := make([]int32, len(need))
		if err := addStoredDF(path, need, sum); err != nil {
			t.Fatal(err)
		}
		for i, h := range need {
			if sum[i] != held[h] {
				t.Fatalf("%d shingles asked: shingle %d counted %d, want %d", len(need), h, sum[i], held[h])
			}
		}
	}
}

// TestProbeAndRarityDF: the counts the probe and the rarity stage take
// (probeDF, then rarityDF on the nights' files read once for tonight's
// shingles) are those of every night's file counted for every shingle
// asked, a night read whole counted by its file for the probe and by its
// loaded articles for the rarity stage, whatever the workers.
func TestProbeAndRarityDF(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	const limit = 50000
	nights := []string{"2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04"}
	wholeNight := nights[1] // stored without repeats.bin: read whole
	for _, workers := range []int{1, 2, 3} {
		t.Run(fmt.Sprint(workers, " workers"), func(t *testing.T) {
			store, err := Open(filepath.Join(t.TempDir(), "state"))
			if err != nil {
				t.Fatal(err)
			}
			stored := map[string]Counts{}
			for _, night := range nights {
				c := randomCounts(r, 20000, limit)
				stored[night] = c
				p, err := store.Stage(night, 3, nil, nil, c, nil)
				if err != nil {
					t.Fatal(err)
				}
				if err := store.Commit(p, 30); err != nil {
					t.Fatal(err)
				}
				if night == wholeNight {
					if err := os.Remove(filepath.Join(store.Dir(), filepath.FromSlash(p.Dir), RepeatsFile)); err != nil {
						t.Fatal(err)
					}
				}
			}
			n, err := NewNight(store, "2026-12-05", 30, false)
			if err != nil {
				t.Fatal(err)
			}
			n.whole = map[string]bool{wholeNight: true}
			var sets [][]uint32
			for range 50 {
				sets = append(sets, randomSet(r, 300, limit))
			}
			n.df = CountSets(sets)
			var whole [][]uint32 // the whole night's articles, as loaded
			for range 20 {
				whole = append(whole, randomSet(r, 300, limit+1000))
			}
			count := func(h uint32, wholeByFile bool) int32 {
				var f int32
				for _, s := range sets {
					if _, ok := slices.BinarySearch(s, h); ok {
						f++
					}
				}
				for night, c := range stored {
					if night == wholeNight && !wholeByFile {
						continue
					}
					if i, ok := slices.BinarySearch(c.Keys, h); ok {
						f += int32(c.N[i])
					}
				}
				if !wholeByFile {
					for _, s := range whole {
						if _, ok := slices.BinarySearch(s, h); ok {
							f++
						}
					}
				}
				return f
			}
			// The probe asks for some of tonight's shingles, and one no
			// article of tonight holds.
			need := randomSet(r, 5000, limit)
			need = slices.DeleteFunc(need, func(h uint32) bool { _, ok := slices.BinarySearch(n.df.Keys, h); return !ok })
			need = append(need, limit+5)
			sum, err := n.probeDF(context.Background(), need, workers)
			if err != nil {
				t.Fatal(err)
			}
			for i, h := range need {
				if want := count(h, true); sum[i] != want {
					t.Fatalf("probe: shingle %d counted %d, want %d", h, sum[i], want)
				}
			}
			// The rarity stage asks for shingles of tonight's and of the
			// loaded articles.
			need = randomSet(r, 30000, limit+1000)
			sum, err = n.rarityDF(context.Background(), need, whole, workers)
			if err != nil {
				t.Fatal(err)
			}
			for i, h := range need {
				if want := count(h, false); sum[i] != want {
					t.Fatalf("rarity: shingle %d counted %d, want %d", h, sum[i], want)
				}
			}
		})
	}
}

func TestUnion(t *testing.T) {
	tests := []struct{ a, b, want []uint32 }{
		{nil, nil, nil},
		{[]uint32{1, 3}, nil, []uint32{1, 3}},
		{nil, []uint32{2}, []uint32{2}},
		{[]uint32{1, 3, 5}, []uint32{3, 5}, []uint32{1, 3, 5}},
		{[]uint32{1, 3, 5}, []uint32{0, 4, 9}, []uint32{0, 1, 3, 4, 5, 9}},
	}
	for _, tt := range tests {
		if got := union(tt.a, tt.b); !slices.Equal(got, tt.want) {
			t.Errorf("union(%v, %v) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
	// A set with itself, as the probe asks for tonight's shingles, is
	// given back without a pass or a copy.
	a := []uint32{1, 3, 5}
	if n := testing.AllocsPerRun(10, func() { a = union(a, a) }); n != 0 || !slices.Equal(a, []uint32{1, 3, 5}) {
		t.Errorf("union(a, a) made %v allocations, gave %v", n, a)
	}
}

// TestCountSetsOn: counted in parts and merged, the sets count as at once.
func TestCountSetsOn(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, n := range []int{0, 1, 2, 5, 40} {
		var sets [][]uint32
		for range n {
			sets = append(sets, randomSet(r, 200, 3000))
		}
		want := CountSets(sets)
		for _, workers := range []int{1, 2, 3} {
			got, err := countSetsOn(context.Background(), sets, workers)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got.Keys, want.Keys) || !slices.Equal(got.N, want.N) {
				t.Errorf("%d sets, %d workers: counts differ from CountSets'", n, workers)
			}
		}
	}
}

// TestStoredDFOrder: a DF file out of order is refused, whatever the
// shingles asked, within a block or across two.
func TestStoredDFOrder(t *testing.T) {
	keys := make([]uint32, 40000)
	for i := range keys {
		keys[i] = uint32(2 * i)
	}
	for _, at := range []int{5, 4096, 30000} {
		for _, need := range [][]uint32{keys, {1, 2, 79998}} {
			bad := Counts{Keys: slices.Clone(keys), N: make([]uint32, len(keys))}
			bad.Keys[at], bad.Keys[at-1] = bad.Keys[at-1], bad.Keys[at]
			path := filepath.Join(t.TempDir(), DFFile)
			if err := writeDF(path, bad); err != nil {
				t.Fatal(err)
			}
			if err := addStoredDF(path, need, make([]int32, len(need))); err == nil {
				t.Errorf("shingles %d and %d swapped, %d asked: no error", at-1, at, len(need))
			}
		}
	}
}

// BenchmarkStoredDF merges a night's counts of 10,000 articles (1.6
// million shingles) with tonight's, and with the loaded articles' others.
func BenchmarkStoredDF(b *testing.B) {
	r := rand.New(rand.NewPCG(11, 12))
	night := randomCounts(r, 1_630_000, 1<<31)
	path := filepath.Join(b.TempDir(), DFFile)
	if err := writeDF(path, night); err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{1_610_000, 222_000} {
		need := randomSet(r, n, 1<<31)
		// A third of tonight's are the night's too.
		for i := 0; i < len(need) && 3*i < len(night.Keys); i += 3 {
			need[i] = night.Keys[3*i]
		}
		slices.Sort(need)
		need = slices.Compact(need)
		sum := make([]int32, len(need))
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				if err := addStoredDF(path, need, sum); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestSetUnion: the shingles of sets, gathered in shares and merged, are
// those of all of them, sorted, without repeats.
func TestSetUnion(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	var sets [][]uint32
	for range 37 {
		sets = append(sets, randomSet(r, r.IntN(60), 2000))
	}
	var want []uint32
	for _, s := range sets {
		want = append(want, s...)
	}
	slices.Sort(want)
	want = slices.Compact(want)
	for _, workers := range []int{1, 2, 5} {
		for _, n := range []int{0, 1, len(sets)} {
			got, err := setUnion(context.Background(), sets[:n], workers)
			if err != nil {
				t.Fatal(err)
			}
			if n == len(sets) && !slices.Equal(got, want) || n == 1 && !slices.Equal(got, sets[0]) || n == 0 && len(got) != 0 {
				t.Errorf("%d sets, %d workers: got %d shingles, want %d", n, workers, len(got), len(want))
			}
		}
	}
}
