package history

import (
	"cmp"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"
)

func TestProbeFits(t *testing.T) {
	const day = int64(24 * time.Hour)
	// Key 1 is probed by an article of day 0, key 2 by articles of days 10
	// and 20, key 3 by one of day 0 and one without a time.
	pairs := []keyTime{{2, 20 * day}, {1, 0}, {3, NoTime}, {2, 10 * day}, {3, 0}, {2, 10 * day}}
	tests := []struct {
		name   string
		window time.Duration
		key    uint64
		at     int64
		want   bool
	}{
		{"inside", 2 * 24 * time.Hour, 1, -2 * day, true},
		{"outside", 2 * 24 * time.Hour, 1, -2*day - 1, false},
		{"after", 2 * 24 * time.Hour, 1, 2 * day, true},
		{"stored article undated", 2 * 24 * time.Hour, 1, NoTime, true},
		{"no window", 0, 1, 100 * day, true},
		// Inside tonight's span (days 0 to 20) but more than the window
		// from both of key 2's articles: the span alone would load it.
		{"between a key's articles", 2 * 24 * time.Hour, 2, 15 * day, false},
		{"near a key's second article", 2 * 24 * time.Hour, 2, 19 * day, true},
		{"near another key's article only", 2 * 24 * time.Hour, 2, 0, false},
		{"a key's article undated", 2 * 24 * time.Hour, 3, 100 * day, true},
		{"a window of centuries", time.Duration(1<<63 - 1), 1, 100 * day, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newProbe(append([]keyTime(nil), pairs...), tt.window)
			if !reflect.DeepEqual(p.Keys, []uint64{1, 2, 3}) {
				t.Fatalf("keys %v, want [1 2 3]", p.Keys)
			}
			i := map[uint64]int{1: 0, 2: 1, 3: 2}[tt.key]
			if got := p.fits(i, tt.at); got != tt.want {
				t.Errorf("key %d, stored at day %d: fits %v, want %v", tt.key, tt.at/day, got, tt.want)
			}
		})
	}
}

func TestProbeReaches(t *testing.T) {
	const day = int64(24 * time.Hour)
	w := 2 * 24 * time.Hour
	dated := []keyTime{{1, 10 * day}, {2, 12 * day}}
	undated := append([]keyTime{{3, NoTime}}, dated...)
	tests := []struct {
		name      string
		pairs     []keyTime
		window    time.Duration
		published []int64
		want      bool
	}{
		{"a night before the window", dated, w, []int64{0, 7 * day}, false},
		{"a night reaching the window", dated, w, []int64{0, 8 * day}, true},
		{"a night after the window", dated, w, []int64{14*day + 1, 20 * day}, false},
		{"a night inside", dated, w, []int64{11 * day}, true},
		{"a night holding an undated article", dated, w, []int64{0, NoTime}, true},
		{"tonight holding an undated article", undated, w, []int64{0}, true},
		{"no window", dated, 0, []int64{0}, true},
		{"an empty night", dated, w, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newProbe(append([]keyTime(nil), tt.pairs...), tt.window)
			if got := p.Reaches(tt.published); got != tt.want {
				t.Errorf("Reaches(%v) = %v, want %v", tt.published, got, tt.want)
			}
		})
	}
}

// TestProbeKeysWindow: the merge join counts a row's key only when the row
// fits the articles probing with it, and a key's density counts every row.
func TestProbeKeysWindow(t *testing.T) {
	const day = int64(24 * time.Hour)
	// Key 5 is held by rows 0 (day 0), 1 (day 9) and 2 (no time); key 7
	// by rows 0 and 1.
	path := filepath.Join(t.TempDir(), KeysFile)
	if err := writeKeys(path, []Key{{5, 0}, {5, 1}, {5, 2}, {7, 0}, {7, 1}}); err != nil {
		t.Fatal(err)
	}
	published := []int64{0, 9 * day, NoTime}
	probe := newProbe([]keyTime{{5, 10 * day}, {7, 10 * day}}, 2*24*time.Hour)
	rows, shared, dense, apart, err := probeKeys(path, probe, published, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(rows, []uint32{1, 2}) || !reflect.DeepEqual(shared, []int{2, 1}) || dense != 0 || apart != 2 {
		t.Errorf("rows %v sharing %v, %d dense, %d apart; want [1 2], [2 1], 0, 2", rows, shared, dense, apart)
	}
	// At a bound of 2, key 5 is dense though one of its rows is apart.
	rows, shared, dense, _, err = probeKeys(path, probe, published, 2)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(rows, []uint32{1}) || !reflect.DeepEqual(shared, []int{1}) || dense != 1 {
		t.Errorf("bound 2: rows %v sharing %v, %d dense; want [1], [1], 1", rows, shared, dense)
	}
	if _, _, _, _, err := probeKeys(path, probe, published[:2], 1000); err == nil {
		t.Error("a row past the night's articles read without an error")
	}
}

// TestMergeKeyTimes: tonight's keys sorted in shares and merged give the
// Probe of all of them sorted at once.
func TestMergeKeyTimes(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	var all []keyTime
	for range 5000 {
		tm := int64(r.IntN(5)) * int64(time.Hour)
		if r.IntN(10) == 0 {
			tm = NoTime
		}
		all = append(all, keyTime{r.Uint64N(800), tm})
	}
	want := newProbe(slices.Clone(all), 2*time.Hour)
	for _, shares := range []int{1, 2, 3, 7} {
		var runs [][]keyTime
		for i := range shares {
			run := slices.Clone(all[i*len(all)/shares : (i+1)*len(all)/shares])
			slices.SortFunc(run, func(a, b keyTime) int { return cmp.Compare(a.key, b.key) })
			runs = append(runs, run)
		}
		merged := mergeKeyTimes(runs)
		if !slices.IsSortedFunc(merged, func(a, b keyTime) int { return cmp.Compare(a.key, b.key) }) || len(merged) != len(all) {
			t.Fatalf("%d shares: merged %d pairs, not sorted by key or not all %d", shares, len(merged), len(all))
		}
		if got := sortedProbe(merged, 2*time.Hour); !reflect.DeepEqual(got, want) {
			t.Errorf("%d shares: the probe differs from the one sorted at once", shares)
		}
	}
}
