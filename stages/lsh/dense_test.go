package lsh

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/dedupe/dedupe/pipeline"
	"github.com/dedupe/dedupe/stages/minhash"
)

// templated builds a dense block as templated items make it, each in its
// own document: items sets sharing a core of 20 elements, each with 3
// elements of its own (Jaccard 20/26 = 0.77 between two), of which every
// tenth is sent again verbatim under another document. It returns the
// items and the pairs of verbatim copies.
func templated(seed uint64, items int) ([]Item, [][2]int32) {
	r := rand.New(rand.NewPCG(seed, 3))
	core := randomSet(r, 20)
	var out []Item
	var copies [][2]int32
	for i := range items {
		set := slices.Concat(core, randomSet(r, 3))
		slices.Sort(set)
		sig := minhash.Signature(set, numHash, 1)
		out = append(out, Item{Doc: int32(len(out)), Sig: sig})
		if i%10 == 0 {
			copies = append(copies, [2]int32{int32(len(out) - 1), int32(len(out))})
			out = append(out, Item{Doc: int32(len(out)), Sig: slices.Clone(sig)})
		}
	}
	return out, copies
}

// TestBoundedPairsDense: a dense block gives a number of candidates linear
// in its size, bounded as Bound says, every verbatim copy among them, and
// only pairs an unbounded search finds.
func TestBoundedPairsDense(t *testing.T) {
	const threshold = 0.5
	_, l := Layout(numHash, threshold)
	for _, bound := range []Bound{{Size: 20, Reps: 2}, {Size: 50, Reps: 1}, DefaultBound} {
		t.Run(fmt.Sprintf("bound %d, %d representatives", bound.Size, bound.Reps), func(t *testing.T) {
			perItem := map[int]float64{}
			for _, size := range []int{500, 2000} {
				items, copies := templated(5, size)
				f := FlatOf(items)
				all, err := BandPairs(context.Background(), f, numHash, threshold, 2, nil)
				if err != nil {
					t.Fatal(err)
				}
				got, st, err := BoundedPairs(context.Background(), f, numHash, threshold, bound, 2, nil)
				if err != nil {
					t.Fatal(err)
				}
				// In each band, each level pairs a member with at most
				// Reps representatives, and the parts paired all with
				// all hold at most Size members.
				n := len(items)
				limit := l * n * (bound.Reps*l + (bound.Size-1)/2)
				perItem[size] = float64(len(got)) / float64(n)
				t.Logf("%d items: %d candidates unbounded, %d bounded (limit %d); %d dense buckets, %d items, largest %v",
					n, len(all), len(got), limit, st.Buckets, st.Items, st.Largest)
				if len(got) > limit {
					t.Errorf("%d items: got %d candidates, want at most %d", n, len(got), limit)
				}
				if size == 2000 && len(all) < 10*len(got) {
					t.Errorf("%d items: unbounded search %d candidates, want at least ten times the %d bounded", n, len(all), len(got))
				}
				have := map[[2]int32]bool{}
				for _, p := range all {
					have[p] = true
				}
				for _, p := range got {
					if !have[p] {
						t.Fatalf("pair %v: not found by the unbounded search", p)
					}
				}
				for _, c := range copies {
					if _, found := slices.BinarySearchFunc(got, c, cmpPair); !found {
						t.Errorf("verbatim copies %v: not a candidate", c)
					}
				}
				if st.Buckets < l || st.Items < size/2 || len(st.Largest) == 0 || st.Largest[0].Size <= bound.Size {
					t.Errorf("got %d dense buckets of %d items, largest %v: want the block dense in every band", st.Buckets, st.Items, st.Largest)
				}
				if st.Candidates == 0 || st.Candidates > len(got) || st.Skipped <= 0 || slices.ContainsFunc(st.Largest, func(d Dense) bool { return d.Pairs > d.Size*(d.Size-1)/2 }) {
					t.Errorf("got %d dense candidates of %d, %d pairs skipped, largest %v: want some, each bucket giving at most all its pairs", st.Candidates, len(got), st.Skipped, st.Largest)
				}
			}
			// Linear: four times the items, not four times the
			// candidates an item gets.
			if perItem[2000] > 1.5*perItem[500] {
				t.Errorf("candidates an item: %.1f at 500 items, %.1f at 2,000: want about the same", perItem[500], perItem[2000])
			}
		})
	}
}

func cmpPair(a, b [2]int32) int {
	if a[0] != b[0] {
		return int(a[0] - b[0])
	}
	return int(a[1] - b[1])
}

// TestBoundedPairsSparse: with no bucket over the bound, the bounded search
// is the unbounded one, and says it met no dense bucket.
func TestBoundedPairsSparse(t *testing.T) {
	f := FlatOf(corpus(7, 80, 300))
	want, err := BandPairs(context.Background(), f, numHash, 0.3, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, st, err := BoundedPairs(context.Background(), f, numHash, 0.3, DefaultBound, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(st, DenseStats{}) {
		t.Errorf("got %d pairs and %+v, want the unbounded %d and no dense bucket", len(got), st, len(want))
	}
}

// TestBoundedPairsDeterministic: the same input gives the same pairs and
// statistics whatever the number of workers and the item order within
// buckets.
func TestBoundedPairsDeterministic(t *testing.T) {
	items, _ := templated(9, 1500)
	f := FlatOf(items)
	ref, refStats, err := BoundedPairs(context.Background(), f, numHash, 0.5, Bound{Size: 30, Reps: 2}, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, workers := range []int{1, 2, 5} {
		got, st, err := BoundedPairs(context.Background(), f, numHash, 0.5, Bound{Size: 30, Reps: 2}, workers, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, ref) || !reflect.DeepEqual(st, refStats) {
			t.Errorf("workers=%d: got %d pairs, %+v; want %d, %+v", workers, len(got), st, len(ref), refStats)
		}
	}
}

// TestStageDense: the stage counts the dense buckets of each channel in the
// run's counts and names the largest in its summary.
func TestStageDense(t *testing.T) {
	p := pipeline.DefaultParams()
	st := pipeline.NewState(p)
	items, _ := templated(4, 400)
	for i, it := range items {
		st.Docs = append(st.Docs, &pipeline.Doc{Article: pipeline.Article{ID: fmt.Sprintf("item%04d", i)}, Signature: it.Sig[:p.NumHash]})
	}
	if err := (Stage{}).Run(context.Background(), st, pipeline.NoProgress{}); err != nil {
		t.Fatal(err)
	}
	if st.Counts["dense_document_buckets"] == 0 || st.Counts["dense_document_items"] < 200 || st.Counts["dense_document_candidates"] == 0 {
		t.Errorf("got counts %v, want the dense document buckets counted", st.Counts)
	}
	if st.Counts["dense_sentence_buckets"] != 0 {
		t.Errorf("got %d dense sentence buckets, want 0", st.Counts["dense_sentence_buckets"])
	}
	if len(st.DenseBlocks) == 0 || st.DenseBlocks[0].Channel != "document" || st.DenseBlocks[0].Size <= DefaultBound.Size {
		t.Fatalf("got dense blocks %+v, want the document block named", st.DenseBlocks)
	}
	sum := (Stage{}).Summary(st)
	if want := fmt.Sprintf("%d at article %s", st.DenseBlocks[0].Size, st.DenseBlocks[0].Article); !strings.Contains(sum, want) {
		t.Errorf("summary %q: want it to name the largest block, %q", sum, want)
	}
}

// TestBoundedPairsTinyBound: with a bound as small as the representatives,
// the levels pair some members twice; each bucket still counts its pairs
// once, never more than all its pairs, and the result is a subset of the
// unbounded search's.
func TestBoundedPairsTinyBound(t *testing.T) {
	// Groups of three identical signatures: a bucket of three in every
	// band and at every level.
	r := rand.New(rand.NewPCG(3, 3))
	var items []Item
	for range 4 {
		sig := minhash.Signature(randomSet(r, 20), numHash, 1)
		for range 3 {
			items = append(items, Item{Doc: int32(len(items)), Sig: sig})
		}
	}
	f := FlatOf(items)
	all, err := BandPairs(context.Background(), f, numHash, 0.5, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, st, err := BoundedPairs(context.Background(), f, numHash, 0.5, Bound{Size: 2, Reps: 2}, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 12 || st.Skipped < 0 || st.Buckets == 0 {
		t.Errorf("got %d pairs, %d dense buckets, %d pairs skipped: want the 12 pairs of the groups, some buckets, none negative", len(got), st.Buckets, st.Skipped)
	}
	for _, d := range st.Largest {
		if d.Pairs > d.Size*(d.Size-1)/2 {
			t.Errorf("bucket %+v: more pairs than its %d members have", d, d.Size)
		}
	}
	have := map[[2]int32]bool{}
	for _, p := range all {
		have[p] = true
	}
	for _, p := range got {
		if !have[p] {
			t.Fatalf("pair %v: not found by the unbounded search", p)
		}
	}
}

// BenchmarkDenseBlock searches one dense block of templated items (all in
// the same buckets of most bands) with the default bound, at two sizes,
// and without a bound at the smaller: candidates an item stay about the
// same with the bound and grow with the block without it.
func BenchmarkDenseBlock(b *testing.B) {
	for _, tt := range []struct {
		items int
		bound Bound
	}{{2500, DefaultBound}, {10000, DefaultBound}, {2500, Bound{}}} {
		name := fmt.Sprintf("%d items, bound %d", tt.items, tt.bound.Size)
		b.Run(name, func(b *testing.B) {
			items, _ := templated(1, tt.items)
			f := FlatOf(items)
			b.ReportAllocs()
			b.ResetTimer()
			var pairs [][2]int32
			for range b.N {
				var err error
				if pairs, _, err = BoundedPairs(context.Background(), f, numHash, 0.5, tt.bound, 2, nil); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(items)), "ns/item")
			b.ReportMetric(float64(len(pairs))/float64(len(items)), "candidates/item")
		})
	}
}
