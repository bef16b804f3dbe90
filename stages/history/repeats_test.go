package history

import (
	"cmp"
	"context"
	"fmt"
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
		back, at, err := readRepeats(path, tt.need, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(back, tt.want) {
			t.Errorf("need %v: %+v, want %+v", tt.need, back, tt.want)
		}
		for j, i := range at {
			if tt.need[i] != back[j].Key {
				t.Errorf("need %v: Repeat %+v given need[%d] %d", tt.need, back[j], i, tt.need[i])
			}
		}
		if len(at) != len(back) {
			t.Errorf("need %v: %d indexes for %d Repeats", tt.need, len(at), len(back))
		}
	}
}

// TestGroupRepeats: the nights' Repeats grouped by key are, for each key
// of need, those the nights' runs hold of it, in the runs' order, and
// their holders added up.
func TestGroupRepeats(t *testing.T) {
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
		need := []uint64{0, 3, 4, 9, 10, 11, 25, 26, 49, 60}
		var runs [][]Repeat
		var ats [][]int32
		for _, n := range sizes {
			path := filepath.Join(t.TempDir(), RepeatsFile)
			reps := slices.CompactFunc(run(n), func(a, b Repeat) bool { return compareRepeat(a, b) == 0 })
			if err := writeRepeats(path, reps); err != nil {
				t.Fatal(err)
			}
			got, at, err := readRepeats(path, need, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			runs, ats = append(runs, got), append(ats, at)
		}
		s := groupRepeats(need, runs, ats)
		for i, k := range need {
			var want []Repeat
			var df int32
			for _, run := range runs {
				for _, rep := range run {
					if rep.Key == k {
						want = append(want, rep)
						df += int32(rep.N)
					}
				}
			}
			if got := s.of(k); !slices.Equal(got, want) {
				t.Errorf("runs of %v: key %d: %v, want %v", sizes, k, got, want)
			}
			if s.df[i] != df {
				t.Errorf("runs of %v: key %d held %d times, want %d", sizes, k, s.df[i], df)
			}
		}
		if got := s.of(7); got != nil {
			t.Errorf("a key not in need: %v", got)
		}
	}
}

// TestHeldKeys: each article's sentence keys count once, for the articles
// counted by key, for the others by key and outlet, whatever the workers.
func TestHeldKeys(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	var docs []*pipeline.Doc
	for i := range 40 {
		d := &pipeline.Doc{Article: pipeline.Article{ID: fmt.Sprint(i), Source: fmt.Sprint("outlet", i%3)}}
		for range r.IntN(8) {
			d.Sentences = append(d.Sentences, pipeline.Sentence{Key: r.Uint64N(20)})
		}
		if i%4 == 0 {
			d.Past = &pipeline.Past{Night: "2026-12-01"}
		}
		docs = append(docs, d)
	}
	count := func(d *pipeline.Doc) bool { return d.Past == nil }
	wantN := map[uint64]int32{}
	wantLoaded := map[keyOutlet]int32{}
	for _, d := range docs {
		seen := map[uint64]bool{}
		for _, s := range d.Sentences {
			if seen[s.Key] {
				continue
			}
			seen[s.Key] = true
			if count(d) {
				wantN[s.Key]++
			} else {
				wantLoaded[keyOutlet{key: s.Key, outlet: boilerplate.OutletHash(d.Outlet())}]++
			}
		}
	}
	for _, workers := range []int{1, 2, 3} {
		keys, n, loaded, err := heldKeys(context.Background(), docs, count, workers)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.IsSorted(keys) || len(keys) != len(wantN) {
			t.Fatalf("%d workers: keys %v, want the %d of %v sorted", workers, keys, len(wantN), wantN)
		}
		for i, k := range keys {
			if n[i] != wantN[k] {
				t.Errorf("%d workers: key %d held %d times, want %d", workers, k, n[i], wantN[k])
			}
		}
		if len(loaded) != len(wantLoaded) || !slices.IsSortedFunc(loaded, func(a, b keyOutlet) int {
			return cmp.Or(cmp.Compare(a.key, b.key), cmp.Compare(a.outlet, b.outlet))
		}) {
			t.Fatalf("%d workers: loaded %v, want the %d of %v sorted", workers, loaded, len(wantLoaded), wantLoaded)
		}
		for _, l := range loaded {
			if w := wantLoaded[keyOutlet{key: l.key, outlet: l.outlet}]; l.n != w {
				t.Errorf("%d workers: key %d outlet %d held %d times, want %d", workers, l.key, l.outlet, l.n, w)
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
			_, _, err := readRepeats(path, []uint64{1, 4}, nil, nil)
			if (err == nil) != tt.ok {
				t.Errorf("got error %v, want ok %v", err, tt.ok)
			}
		})
	}
}

// TestRepeatsSorted: a night's Repeats are one per key, outlet and
// cluster, in compareRepeat's order, each counting the articles of the
// outlet and cluster that hold the key and whether one held it as
// content, however many (a radix sort orders the long ones).
func TestRepeatsSorted(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for _, articles := range []int{3, 40, 400} {
		var docs []*pipeline.Doc
		var ids []string
		type group struct {
			key, cluster uint64
			outlet       uint32
		}
		want := map[group]Repeat{}
		for i := range articles {
			d := &pipeline.Doc{Article: pipeline.Article{ID: fmt.Sprint(i), Source: fmt.Sprint("outlet", r.IntN(5))}}
			ids = append(ids, fmt.Sprint("cluster", r.IntN(7)))
			held := map[uint64]bool{}
			for range 1 + r.IntN(6) {
				s := pipeline.Sentence{Key: r.Uint64N(30) << (8 * r.IntN(8))}
				if r.IntN(3) == 0 {
					s.Boilerplate = pipeline.ReasonSpread
				} else if r.IntN(3) == 0 {
					s.Boilerplate = pipeline.ReasonRepeatedInArticle
				}
				d.Sentences = append(d.Sentences, s)
				g := group{s.Key, ClusterHash(ids[i]), boilerplate.OutletHash(d.Outlet())}
				w := want[g]
				w.Key, w.Cluster, w.Outlet = g.key, g.cluster, g.outlet
				if !held[s.Key] {
					w.N++
				}
				held[s.Key] = true
				w.Content = w.Content || s.Content() || s.Boilerplate == pipeline.ReasonSpread
				want[g] = w
			}
			docs = append(docs, d)
		}
		var wantList []Repeat
		for _, w := range want {
			wantList = append(wantList, w)
		}
		slices.SortFunc(wantList, compareRepeat)
		got := Repeats(docs, func(i int) string { return ids[i] })
		if !slices.Equal(got, wantList) {
			t.Errorf("%d articles: %d Repeats, want %d: got %v..., want %v...", articles, len(got), len(wantList), got[:min(4, len(got))], wantList[:min(4, len(wantList))])
		}
	}
}

// BenchmarkReadRepeats reads a night's Repeats file of 50,000 articles
// (970,000 entries) for tonight's keys, a third of them the night's too.
func BenchmarkReadRepeats(b *testing.B) {
	r := rand.New(rand.NewPCG(13, 14))
	reps := make([]Repeat, 970_000)
	for i := range reps {
		reps[i] = Repeat{Key: r.Uint64(), Cluster: r.Uint64(), Outlet: r.Uint32(), N: 1 + r.Uint32N(3)}
	}
	slices.SortFunc(reps, compareRepeat)
	path := filepath.Join(b.TempDir(), RepeatsFile)
	if err := writeRepeats(path, reps); err != nil {
		b.Fatal(err)
	}
	need := make([]uint64, 0, 1_500_000)
	for i := range 1_500_000 {
		if i%3 == 0 {
			need = append(need, reps[r.IntN(len(reps))].Key)
		} else {
			need = append(need, r.Uint64())
		}
	}
	slices.Sort(need)
	need = slices.Compact(need)
	var out []Repeat
	var at []int32
	for b.Loop() {
		var err error
		if out, at, err = readRepeats(path, need, out[:0], at[:0]); err != nil {
			b.Fatal(err)
		}
	}
}
