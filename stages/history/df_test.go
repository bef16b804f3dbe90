package history

import (
	"path/filepath"
	"reflect"
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
