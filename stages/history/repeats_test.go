package history

import (
	"context"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/dedupe/dedupe/pipeline"
	"github.com/dedupe/dedupe/stages/boilerplate"
)

// TestStoredRepeats: a night's Repeats group its articles' sentence keys by
// outlet and cluster, and, written and merged back over the keys a later
// night needs, give those keys' groups only.
func TestStoredRepeats(t *testing.T) {
	doc := func(source string, sents ...pipeline.Sentence) *pipeline.Doc {
		return &pipeline.Doc{Article: pipeline.Article{Source: source}, Sentences: sents}
	}
	content := func(key uint64) pipeline.Sentence { return pipeline.Sentence{Key: key} }
	edge := func(key uint64) pipeline.Sentence {
		return pipeline.Sentence{Key: key, Boilerplate: pipeline.ReasonEdgeRepeat}
	}
	spread := func(key uint64) pipeline.Sentence {
		return pipeline.Sentence{Key: key, Boilerplate: pipeline.ReasonSpread}
	}
	docs := []*pipeline.Doc{
		doc("a", content(7), edge(9), edge(9)), // a key twice in one article counts once
		doc("a", edge(7), spread(9)),
		doc("b", content(7)),
		doc("a", edge(9)),
	}
	clusters := []string{"c1", "c1", "c1", "c2"}
	got := Repeats(docs, func(i int) string { return clusters[i] })
	a, b := boilerplate.OutletHash("a"), boilerplate.OutletHash("b")
	c1, c2 := ClusterHash("c1"), ClusterHash("c2")
	want := []Repeat{
		{Key: 7, Cluster: c1, Outlet: a, N: 2, Content: true},
		{Key: 7, Cluster: c1, Outlet: b, N: 1, Content: true},
		{Key: 9, Cluster: c1, Outlet: a, N: 2, Content: true}, // spread was content when the spread stage ran
		{Key: 9, Cluster: c2, Outlet: a, N: 1, Content: false},
	}
	if a > b {
		want[0], want[1] = want[1], want[0]
	}
	if c1 > c2 {
		want[2], want[3] = want[3], want[2]
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Repeats:\n got %+v\nwant %+v", got, want)
	}
	path := filepath.Join(t.TempDir(), RepeatsFile)
	if err := writeRepeats(path, got); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		need []uint64
		want []Repeat
	}{
		{nil, nil},
		{[]uint64{1, 8, 10}, nil},
		{[]uint64{7}, want[:2]},
		{[]uint64{9, 11}, want[2:]},
		{[]uint64{0, 7, 9}, want},
	}
	for _, tt := range tests {
		back, err := readRepeats(path, tt.need, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(back, tt.want) {
			t.Errorf("need %v: %+v, want %+v", tt.need, back, tt.want)
		}
	}
}

// TestMergeRepeats: the nights' runs merged are their Repeats sorted
// together, ties (one key, outlet and cluster on two nights) in the
// order of the runs.
func TestMergeRepeats(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	run := func(n int) []Repeat {
		var out []Repeat
		for range n {
			out = append(out, Repeat{Key: r.Uint64N(50), Outlet: r.Uint32N(3), Cluster: r.Uint64N(3), N: r.Uint32N(100)})
		}
		slices.SortStableFunc(out, compareRepeat)
		return out
	}
	for _, sizes := range [][]int{nil, {0}, {5}, {0, 7, 0}, {3, 4}, {10, 0, 20, 5, 1}, {30, 30, 30, 30, 30, 30, 30}} {
		var runs [][]Repeat
		var all []Repeat
		for _, n := range sizes {
			runs = append(runs, run(n))
			all = append(all, runs[len(runs)-1]...)
		}
		slices.SortStableFunc(all, compareRepeat)
		for _, workers := range []int{1, 2} {
			got, err := mergeRepeats(context.Background(), runs, workers)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, all) {
				t.Errorf("runs of %v, %d workers: got %v, want %v", sizes, workers, got, all)
			}
		}
	}
}

// TestReadRepeatsOrder: a Repeats file out of order, by key or within a
// key, is refused.
func TestReadRepeatsOrder(t *testing.T) {
	tests := []struct {
		name string
		reps []Repeat
		ok   bool
	}{
		{"sorted", []Repeat{{Key: 1, Outlet: 2}, {Key: 1, Outlet: 3}, {Key: 4, Outlet: 1}}, true},
		{"keys descend", []Repeat{{Key: 4}, {Key: 1}}, false},
		{"outlets descend in a key", []Repeat{{Key: 1, Outlet: 3}, {Key: 1, Outlet: 2}}, false},
		{"a group twice", []Repeat{{Key: 1, Outlet: 3, Cluster: 9}, {Key: 1, Outlet: 3, Cluster: 9}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), RepeatsFile)
			if err := writeRepeats(path, tt.reps); err != nil {
				t.Fatal(err)
			}
			_, err := readRepeats(path, []uint64{1, 4}, nil)
			if (err == nil) != tt.ok {
				t.Errorf("got error %v, want ok %v", err, tt.ok)
			}
		})
	}
}
