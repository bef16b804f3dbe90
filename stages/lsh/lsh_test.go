package lsh

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/dedupe/dedupe/pipeline"
	"github.com/dedupe/dedupe/stages/minhash"
)

const numHash = 64

func randomSet(r *rand.Rand, n int) []uint64 {
	s := make([]uint64, n)
	for i := range s {
		s[i] = r.Uint64()
	}
	slices.Sort(s)
	return s
}

// nearDup returns a copy of set with about a fifth of its elements
// replaced: for 20 elements, 2 replaced gives Jaccard 18/22 = 0.82.
func nearDup(r *rand.Rand, set []uint64, replace int) []uint64 {
	out := slices.Clone(set)
	for i := range replace {
		out[i] = r.Uint64()
	}
	slices.Sort(out)
	return out
}

// corpus builds items, shuffled: near-duplicate pairs in documents 2i and
// 2i+1 (i < pairs), then unrelated random sets, each in its own document.
func corpus(seed uint64, pairs, unrelated int) []Item {
	r := rand.New(rand.NewPCG(seed, 9))
	var items []Item
	doc := int32(0)
	for range pairs {
		a := randomSet(r, 20)
		b := nearDup(r, a, 2)
		items = append(items, Item{Doc: doc, Sig: minhash.Signature(a, numHash, 1)}, Item{Doc: doc + 1, Sig: minhash.Signature(b, numHash, 1)})
		doc += 2
	}
	for range unrelated {
		items = append(items, Item{Doc: doc, Sig: minhash.Signature(randomSet(r, 20), numHash, 1)})
		doc++
	}
	r.Shuffle(len(items), func(i, j int) { items[i], items[j] = items[j], items[i] })
	return items
}

func TestPairs(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	a := randomSet(r, 20)
	sigA := minhash.Signature(a, numHash, 1)
	sigNear := minhash.Signature(nearDup(r, a, 2), numHash, 1)
	sigOther := minhash.Signature(randomSet(r, 20), numHash, 1)
	tests := []struct {
		name  string
		items []Item
		want  [][2]int32
	}{
		{"none", nil, nil},
		{"one", []Item{{0, sigA}}, nil},
		{"near duplicates", []Item{{0, sigA}, {1, sigNear}}, [][2]int32{{0, 1}}},
		{"identical", []Item{{0, sigA}, {5, sigA}}, [][2]int32{{0, 1}}},
		{"unrelated", []Item{{0, sigA}, {1, sigOther}}, nil},
		{"same document never paired", []Item{{3, sigA}, {3, sigA}, {3, sigNear}}, nil},
		{"three in a row", []Item{{0, sigA}, {1, sigOther}, {2, sigA}, {2, sigNear}, {7, sigA}},
			[][2]int32{{0, 2}, {0, 3}, {0, 4}, {2, 4}, {3, 4}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ForestPairs(context.Background(), tt.items, numHash, 0.3, 2, 2, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// TestPairsRecall: near-duplicates at Jaccard 0.82 are all found among
// unrelated sets, and unrelated sets (Jaccard 0, so no signature position in
// common) are never paired. With k=3 rows in l=21 bands, a pair at 0.82
// escapes with probability (1-0.82^3)^21, about 1e-7.
func TestPairsRecall(t *testing.T) {
	const pairs = 100
	items := corpus(1, pairs, 400)
	got, err := ForestPairs(context.Background(), items, numHash, 0.3, 8, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	// corpus shuffled the items: find the wanted pairs by document.
	byDoc := map[int32]int32{}
	for i, it := range items {
		byDoc[it.Doc] = int32(i)
	}
	wantIdx := map[[2]int32]bool{}
	for d := int32(0); d < 2*pairs; d += 2 {
		i, j := byDoc[d], byDoc[d+1]
		wantIdx[[2]int32{min(i, j), max(i, j)}] = true
	}
	found := 0
	for _, p := range got {
		if wantIdx[p] {
			found++
		} else {
			t.Errorf("got pair %v (documents %d, %d), want only near-duplicates", p, items[p[0]].Doc, items[p[1]].Doc)
		}
	}
	if found != len(wantIdx) {
		t.Errorf("got %d of %d near-duplicate pairs, want all", found, len(wantIdx))
	}
}

func TestPairsShardsAndWorkers(t *testing.T) {
	items := corpus(2, 60, 200)
	// Add documents with several items each so that sharding by document matters.
	r := rand.New(rand.NewPCG(4, 4))
	base := randomSet(r, 20)
	for d := range 12 {
		for range 3 {
			items = append(items, Item{Doc: int32(1000 + d), Sig: minhash.Signature(nearDup(r, base, 3+r.IntN(6)), numHash, 1)})
		}
	}
	ref, err := ForestPairs(context.Background(), items, numHash, 0.3, 1, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(ref) < 60 {
		t.Fatalf("got %d pairs, want at least 60 for the comparison to mean anything", len(ref))
	}
	if !slices.IsSortedFunc(ref, func(a, b [2]int32) int { return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1])) }) {
		t.Errorf("got unsorted pairs %v", ref)
	}
	for _, p := range ref {
		if p[0] >= p[1] {
			t.Errorf("got pair %v, want i < j", p)
		}
		if items[p[0]].Doc == items[p[1]].Doc {
			t.Errorf("got pair %v within document %d", p, items[p[0]].Doc)
		}
	}
	tests := []struct{ shards, workers int }{{5, 1}, {1, 2}, {5, 2}, {8, 3}, {0, 0}, {40, 4}}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("shards=%d workers=%d", tt.shards, tt.workers), func(t *testing.T) {
			got, err := ForestPairs(context.Background(), items, numHash, 0.3, tt.shards, tt.workers, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, ref) {
				t.Errorf("got %d pairs, want the %d of shards=1 workers=1", len(got), len(ref))
			}
		})
	}
}

func TestPairsCancelled(t *testing.T) {
	items := corpus(3, 5, 5)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ForestPairs(ctx, items, numHash, 0.3, 2, 2, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want %v", err, context.Canceled)
	}
}

func TestStage(t *testing.T) {
	p := pipeline.DefaultParams()
	p.Workers = 2
	st := pipeline.NewState(p)
	r := rand.New(rand.NewPCG(7, 7))
	shared := randomSet(r, 20)
	sig := func(s []uint64) []uint64 { return minhash.Signature(s, p.NumHash, p.Seed) }
	docShingles := randomSet(r, 200)
	st.Docs = []*pipeline.Doc{
		{Sentences: make([]pipeline.Sentence, 3), Signature: sig(docShingles)},
		{Sentences: make([]pipeline.Sentence, 1), Signature: sig(nearDup(r, docShingles, 10))},
		{Sentences: make([]pipeline.Sentence, 1), Signature: sig(randomSet(r, 200))},
		{}, // no signature at all
	}
	for _, s := range []struct {
		ref pipeline.SentenceRef
		set []uint64
	}{
		{pipeline.SentenceRef{Doc: 0, Sentence: 1}, randomSet(r, 20)},
		{pipeline.SentenceRef{Doc: 0, Sentence: 2}, shared},
		{pipeline.SentenceRef{Doc: 1, Sentence: 0}, nearDup(r, shared, 2)},
		{pipeline.SentenceRef{Doc: 2, Sentence: 0}, randomSet(r, 20)},
	} {
		st.Signed.Refs = append(st.Signed.Refs, s.ref)
		st.Signed.Sigs = append(st.Signed.Sigs, FlatOf([]Item{{Sig: sig(s.set)}}).Sigs...)
	}
	if err := (Stage{}).Run(context.Background(), st, pipeline.NoProgress{}); err != nil {
		t.Fatal(err)
	}
	wantCands := [][2]pipeline.SentenceRef{{{Doc: 0, Sentence: 2}, {Doc: 1, Sentence: 0}}}
	if !reflect.DeepEqual(st.Candidates, wantCands) {
		t.Errorf("candidates: got %v, want %v", st.Candidates, wantCands)
	}
	if want := [][2]int32{{0, 1}}; !reflect.DeepEqual(st.DocCandidates, want) {
		t.Errorf("document candidates: got %v, want %v", st.DocCandidates, want)
	}
	if st.Signed.Refs != nil || st.Signed.Sigs != nil {
		t.Errorf("got %d sentence signatures left, want them dropped", len(st.Signed.Refs))
	}
	if st.Counts["passage_candidates"] != 1 || st.Counts["copy_candidates"] != 1 {
		t.Errorf("got counts %v, want one candidate of each kind", st.Counts)
	}
}

// benchmarkPairs indexes and queries the sentence signatures of articles
// (30 each) with a fifth of the articles sharing one passage with another.
// benchItems makes 30 sentences an article, every fifth article sharing a
// near-duplicate sentence with the next.
func benchItems(articles int) []Item {
	r := rand.New(rand.NewPCG(8, 8))
	var items []Item
	for d := range articles {
		for s := range 30 {
			set := randomSet(r, 15+r.IntN(15))
			items = append(items, Item{Doc: int32(d), Sig: minhash.Signature(set, numHash, 1)})
			if s == 0 && d%5 == 0 && d+1 < articles {
				items = append(items, Item{Doc: int32(d + 1), Sig: minhash.Signature(nearDup(r, set, 3), numHash, 1)})
			}
		}
	}
	return items
}

func benchmarkPairs(b *testing.B, articles, shards, workers int) {
	items := benchItems(articles)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := ForestPairs(context.Background(), items, numHash, 0.3, shards, workers, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(articles), "ns/article")
}

func BenchmarkPairs300(b *testing.B)         { benchmarkPairs(b, 300, 8, 2) }
func BenchmarkPairs300OneShard(b *testing.B) { benchmarkPairs(b, 300, 1, 2) }

// TestBandPairsMatchesForest: the bucket sort finds exactly the pairs the
// library's LSH Forest finds, for several band layouts, including sets that
// collide in many bands and items sharing documents.
func TestBandPairsMatchesForest(t *testing.T) {
	items := corpus(7, 80, 300)
	r := rand.New(rand.NewPCG(11, 11))
	base := randomSet(r, 20)
	for d := range 15 {
		for range 3 {
			items = append(items, Item{Doc: int32(2000 + d), Sig: minhash.Signature(nearDup(r, base, 2+r.IntN(10)), numHash, 1)})
		}
	}
	for _, tt := range []struct {
		numHash   int
		threshold float64
	}{{64, 0.3}, {64, 0.5}, {32, 0.3}, {32, 0.4}, {16, 0.2}} {
		t.Run(fmt.Sprintf("%d functions, threshold %g", tt.numHash, tt.threshold), func(t *testing.T) {
			trimmed := make([]Item, len(items))
			for i, it := range items {
				trimmed[i] = Item{Doc: it.Doc, Sig: it.Sig[:tt.numHash]}
			}
			want, err := ForestPairs(context.Background(), trimmed, tt.numHash, tt.threshold, 1, 1, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(want) < 80 {
				t.Fatalf("forest found %d pairs, want at least 80 for the comparison to mean anything", len(want))
			}
			for _, workers := range []int{1, 3} {
				got, err := BandPairs(context.Background(), FlatOf(trimmed), tt.numHash, tt.threshold, workers, nil)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("workers=%d: got %d pairs, want the forest's %d", workers, len(got), len(want))
				}
			}
		})
	}
}

func TestLayout(t *testing.T) {
	for _, tt := range []struct {
		numHash   int
		threshold float64
		k, l      int
	}{{32, 0.3, 2, 12}, {64, 0.3, 3, 21}, {64, 0.5, 4, 14}} {
		if k, l := Layout(tt.numHash, tt.threshold); k != tt.k || l != tt.l {
			t.Errorf("Layout(%d, %g) = %d, %d; want %d, %d", tt.numHash, tt.threshold, k, l, tt.k, tt.l)
		}
	}
}

func BenchmarkBandPairs300(b *testing.B) {
	flat := FlatOf(benchItems(300))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := BandPairs(context.Background(), flat, numHash, 0.3, 2, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/300, "ns/article")
}

func TestMergePairs(t *testing.T) {
	p := func(i, j uint64) uint64 { return i<<32 | j }
	tests := []struct {
		name  string
		bands [][]uint64
		want  [][2]int32
	}{
		{"no bands", nil, [][2]int32{}},
		{"empty bands", [][]uint64{nil, {}}, [][2]int32{}},
		{"one band", [][]uint64{{p(0, 1), p(0, 2), p(3, 4)}}, [][2]int32{{0, 1}, {0, 2}, {3, 4}}},
		{"found in every band", [][]uint64{{p(1, 2)}, {p(1, 2)}, {p(1, 2)}}, [][2]int32{{1, 2}}},
		{"interleaved", [][]uint64{{p(0, 5), p(2, 3)}, {p(0, 1), p(2, 3), p(7, 9)}, {p(0, 5)}}, [][2]int32{{0, 1}, {0, 5}, {2, 3}, {7, 9}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mergePairs(tt.bands)
			if !reflect.DeepEqual(got, tt.want) || cap(got) != len(got) {
				t.Errorf("got %v (capacity %d), want %v, exactly sized", got, cap(got), tt.want)
			}
		})
	}
}

// BenchmarkBandPairs3000 is BenchmarkBandPairs300 at 3,000 articles
// (90,000 items), whose signatures no longer fit the caches.
func BenchmarkBandPairs3000(b *testing.B) {
	flat := FlatOf(benchItems(3000))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := BandPairs(context.Background(), flat, numHash, 0.3, 2, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/3000, "ns/article")
}

// TestExactKeys: where a band is one or two values, items share a key
// exactly when they agree on the band, so the pairing reads no
// signatures; over a wider band the keys are hashes.
func TestExactKeys(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 2))
	for _, k := range []int{1, 2} {
		const n = 2000
		values := []uint32{r.Uint32(), r.Uint32(), r.Uint32(), r.Uint32()}
		sigs := make([]uint32, n*k)
		for i := range sigs {
			sigs[i] = values[r.IntN(len(values))] // few values: many items agree
		}
		s := search{f: Flat{Sigs: sigs, Docs: make([]int32, n)}, numHash: k, k: k, l: 1}
		if !s.exact() {
			t.Fatalf("k %d: keys not exact", k)
		}
		byKey := map[uint64][]uint32{}
		for i := range int32(n) {
			band := sigs[int(i)*k : int(i+1)*k]
			key := s.key(i, 0)
			if seen, ok := byKey[key]; ok && !slices.Equal(seen, band) {
				t.Fatalf("k %d: bands %v and %v share key %x", k, seen, band, key)
			}
			byKey[key] = band
		}
		if len(byKey) != int(math.Pow(4, float64(k))) {
			t.Errorf("k %d: %d keys, want one for each of the %v bands", k, len(byKey), math.Pow(4, float64(k)))
		}
	}
	if s := (search{k: 3}); s.exact() {
		t.Errorf("k 3: keys exact, want hashed")
	}
}
