package minhash

import (
	"context"
	"encoding/binary"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	minhashlsh "github.com/ekzhu/minhash-lsh"

	"github.com/dedupe/dedupe/pipeline"
)

// agreement is the MinHash estimate of Jaccard similarity: the fraction of
// signature positions where a and b agree.
func agreement(a, b []uint64) float64 {
	n := 0
	for i := range a {
		if a[i] == b[i] {
			n++
		}
	}
	return float64(n) / float64(len(a))
}

// pair returns two random sets of size n sharing s elements: Jaccard
// s/(2n-s).
func pair(r *rand.Rand, n, s int) (a, b []uint64) {
	for i := range n {
		x := r.Uint64()
		a = append(a, x)
		if i < s {
			b = append(b, x)
		} else {
			b = append(b, r.Uint64())
		}
	}
	slices.Sort(a)
	slices.Sort(b)
	return a, b
}

func TestSignature(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	a, b := pair(r, 20, 10)
	shuffled := slices.Clone(a)
	r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	tests := []struct {
		name   string
		x, y   []uint64
		seedY  int64
		want   float64 // agreement
		relate string  // "=" exact, "<" below want
	}{
		{"identical sets", a, slices.Clone(a), 1, 1, "="},
		{"order does not matter", a, shuffled, 1, 1, "="},
		{"duplicates do not matter", []uint64{1, 2, 3}, []uint64{1, 1, 2, 3, 3}, 1, 1, "="},
		{"disjoint sets", a, []uint64{1, 2, 3, 4, 5}, 1, 0, "="},
		{"empty sets", nil, nil, 1, 1, "="},
		{"another seed", a, a, 2, 0.1, "<"},
		{"superset differs", a, append(slices.Clone(a), 7), 1, 1, "<"},
		{"related sets", a, b, 1, 1, "<"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sx, sy := Signature(tt.x, 64, 1), Signature(tt.y, 64, tt.seedY)
			if len(sx) != 64 || len(sy) != 64 {
				t.Fatalf("got lengths %d and %d, want 64", len(sx), len(sy))
			}
			got := agreement(sx, sy)
			switch tt.relate {
			case "=":
				if got != tt.want {
					t.Errorf("got agreement %v, want %v", got, tt.want)
				}
			case "<":
				if got >= tt.want {
					t.Errorf("got agreement %v, want below %v", got, tt.want)
				}
			}
		})
	}
	if s := Signature(nil, 16, 1); s[0] != math.MaxUint64 {
		t.Errorf("empty set: got %x, want all ones", s[0])
	}
	if got, want := Signature(a, 64, 1), Signature(a, 64, 1); !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want the same signature again %v", got, want)
	}
}

// TestSignatureEstimate: the share of equal positions estimates Jaccard.
//
// With 64 hash functions the estimate of one pair is (close to) a binomial
// share, with standard deviation sqrt(J(1-J)/64) <= 0.0625. Over 400 pairs
// the mean has standard deviation <= 0.0031, so a bound of 0.025 on the
// mean is 8 sigma; one pair strays more than 0.2 (3.2 sigma) with
// probability about 0.0014. The library derives its 64 functions from two
// hashes (h1 + i*h2), which leaves a thin heavy tail (about 0.1% of small
// pairs off by more than 0.25, measured), so the test allows 3% of pairs
// beyond 0.2: over ten times what either would give. Sets and seed are fixed,
// so the outcome is the same on every run.
func TestSignatureEstimate(t *testing.T) {
	tests := []struct {
		name string
		n, s int // set size, shared elements
	}{
		{"J 0.11, sentence", 20, 4},
		{"J 0.33, sentence", 30, 15},
		{"J 0.54, sentence", 20, 14},
		{"J 0.82, sentence", 20, 18},
		{"J 0.11, document", 400, 80},
		{"J 0.82, document", 400, 360},
	}
	const pairs = 400
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(uint64(tt.n), uint64(tt.s)))
			j := float64(tt.s) / float64(2*tt.n-tt.s)
			var sum float64
			far := 0
			for range pairs {
				a, b := pair(r, tt.n, tt.s)
				e := agreement(Signature(a, 64, 1), Signature(b, 64, 1))
				sum += e
				if math.Abs(e-j) > 0.2 {
					far++
				}
			}
			if mean := sum / pairs; math.Abs(mean-j) > 0.025 {
				t.Errorf("got mean estimate %.4f, want %.4f ± 0.025", mean, j)
			}
			if far > pairs*3/100 {
				t.Errorf("got %d of %d pairs off by more than 0.2, want at most %d", far, pairs, pairs*3/100)
			}
		})
	}
}

func TestIndexable(t *testing.T) {
	p := pipeline.DefaultParams() // RepeatDF 3, MinShared 6
	six := []uint32{1, 2, 3, 4, 5, 6}
	tests := []struct {
		name string
		s    pipeline.Sentence
		want bool
	}{
		{"content with enough linkable shingles", pipeline.Sentence{Terminated: true, Linkable: six}, true},
		{"one short", pipeline.Sentence{Terminated: true, Linkable: six[:5]}, false},
		{"headline, not a sentence", pipeline.Sentence{Linkable: six}, false},
		{"boilerplate", pipeline.Sentence{Terminated: true, Linkable: six, Boilerplate: pipeline.ReasonShortLine}, false},
		{"edge repeat", pipeline.Sentence{Terminated: true, Linkable: six, Boilerplate: pipeline.ReasonEdgeRepeat}, false},
		{"repeat below RepeatDF", pipeline.Sentence{Terminated: true, Linkable: six, KeyDF: 2}, true},
		{"repeat at RepeatDF: the verify stage decides", pipeline.Sentence{Terminated: true, Linkable: six, KeyDF: 3}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Indexable(&tt.s, p); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestStage(t *testing.T) {
	p := pipeline.DefaultParams()
	p.Workers = 2
	st := pipeline.NewState(p)
	six := []uint32{1, 2, 3, 4, 5, 6}
	st.Docs = []*pipeline.Doc{
		{Shingles: []uint32{1, 2, 3, 4, 5, 6, 7}, Sentences: []pipeline.Sentence{{Terminated: true, Linkable: six}, {Terminated: true, Linkable: six[:2]}}},
		{}, // no content
	}
	if err := (Stage{}).Run(context.Background(), st, pipeline.NoProgress{}); err != nil {
		t.Fatal(err)
	}
	d := st.Docs[0]
	// Sentence 1 has too few linkable shingles to be signed.
	if got, want := st.Signed.Refs, []pipeline.SentenceRef{{Doc: 0, Sentence: 0}}; !reflect.DeepEqual(got, want) {
		t.Fatalf("signed sentences: got %v, want %v", got, want)
	}
	var want []uint32 // the low 32 bits, which the LSH compares
	for _, v := range Signature([]uint64{1, 2, 3, 4, 5, 6}, p.NumHash, p.Seed) {
		want = append(want, uint32(v))
	}
	if got := st.Signed.Sig(0, p.NumHash); !reflect.DeepEqual(got, want) {
		t.Errorf("sentence 0: got %v, want %v", got, want)
	}
	if got, want := d.Signature, Signature([]uint64{1, 2, 3, 4, 5, 6, 7}, p.NumHash, p.Seed); !reflect.DeepEqual(got, want) {
		t.Errorf("document: got %v, want %v", got, want)
	}
	if d.Shingles != nil {
		t.Errorf("document shingles: got %v, want them dropped once signed", d.Shingles)
	}
	if st.Docs[1].Signature != nil {
		t.Errorf("empty document: got a signature, want none")
	}
	if got := st.Counts["indexed_sentences"]; got != 1 {
		t.Errorf("indexed_sentences: got %d, want 1", got)
	}
}

// benchmarkSignature signs the linkable shingles of one article per op:
// 30 sentences of about 20 shingles, and the whole-document set.
func benchmarkSignature(b *testing.B, numHash int) {
	r := rand.New(rand.NewPCG(5, 6))
	var sents [][]uint64
	var doc []uint64
	for range 30 {
		a, _ := pair(r, 15+r.IntN(10), 0)
		sents = append(sents, a)
		doc = append(doc, a...)
	}
	slices.Sort(doc)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, s := range sents {
			Signature(s, numHash, 1)
		}
		Signature(doc, numHash, 1)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "articles/s")
}

func BenchmarkSignature64(b *testing.B)  { benchmarkSignature(b, 64) }
func BenchmarkSignature128(b *testing.B) { benchmarkSignature(b, 128) }

// TestHasherMatchesLibrary pins the reimplementation to
// github.com/ekzhu/minhash-lsh: same seed, same functions, same signature.
func TestHasherMatchesLibrary(t *testing.T) {
	for _, tt := range []struct {
		name    string
		set     []uint64
		numHash int
		seed    int64
	}{
		{"empty", nil, 16, 1},
		{"one", []uint64{42}, 64, 1},
		{"many", []uint64{1, 2, 3, 1 << 40, 1<<63 + 5, 77777}, 64, 7},
		{"other seed", []uint64{9, 8, 7}, 32, -3},
		// More elements than signInto hashes at a time, and functions
		// past its last whole block of them.
		{"blocks", manyValues(150), 21, 5},
		{"blocks of 32-bit values", manyValues(300)[150:], 32, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			lib := minhashlsh.NewMinhash(tt.seed, tt.numHash)
			var b [8]byte
			for _, x := range tt.set {
				binary.LittleEndian.PutUint64(b[:], x)
				lib.Push(b[:])
			}
			if got, want := NewHasher(tt.seed, tt.numHash).Signature(tt.set), lib.Signature(); !reflect.DeepEqual(got, want) {
				t.Errorf("got %v, want %v", got, want)
			}
		})
	}
}

// manyValues returns n values: 32-bit ones and wider ones, as
// signInto hashes them differently.
func manyValues(n int) []uint64 {
	r := rand.New(rand.NewPCG(7, 8))
	vs := make([]uint64, n)
	for i := range vs {
		if i < n/2 {
			vs[i] = r.Uint64()
		} else {
			vs[i] = uint64(r.Uint32())
		}
	}
	return vs
}

// BenchmarkSignInto signs 30 sentences of 15 to 24 shingles and their
// union with one hasher of 32 functions (the default NumHash), as the stage does per article.
func BenchmarkSignInto(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 6))
	var sents [][]uint32
	var doc []uint32
	for range 30 {
		s := make([]uint32, 15+r.IntN(10))
		for i := range s {
			s[i] = r.Uint32()
		}
		sents = append(sents, s)
		doc = append(doc, s...)
	}
	h := NewHasher(1, 32)
	sig := make([]uint64, 32)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, s := range sents {
			h.SignInto(sig, s)
		}
		signInto(h, sig, doc)
	}
}
