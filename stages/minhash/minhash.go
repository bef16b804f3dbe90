// Package minhash computes MinHash signatures for the sentences that can be
// evidence of a shared passage and for whole documents.
//
// A sentence gets a signature only if it is content, ends like a sentence
// (headlines are shared verbatim by "most read" boxes across a whole site,
// and copies are found by the document channel anyway), and holds at least
// MinShared linkable shingles (see package shingle): a sentence that cannot
// meet the verify stage's bar is not worth indexing. The signature is taken
// over the linkable shingles only, which drops the words no other article
// has, the phrases every article has and the names every story of a beat
// has; what is left is what two rewrites can share, so their signatures agree
// more than their raw text does.
//
// A document's signature is taken over all its non-structural shingles and
// serves the copy detector (near-exact syndication).
//
// The hash family is the one of github.com/ekzhu/minhash-lsh (two seeded
// FNV-1a hashes h1, h2 of each element; function i is h1 + i*h2), and Hasher
// gives bit-identical signatures to its Minhash type. It is reimplemented
// because a profile of 20,000 articles showed 68% of this stage's CPU in
// math/rand seeding inside minhashlsh.NewMinhash (a fresh 4.9 KB generator
// per sentence), and the garbage of those generators as the largest
// allocation of the run; Hasher seeds once per run and allocates nothing but
// the signature.
package minhash

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand"

	"github.com/dedupe/dedupe/pipeline"
)

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// Hasher computes MinHash signatures of sets of 64-bit values (SignInto
// takes the 32-bit shingle hashes of package shingle, widened). It is safe
// for concurrent use.
type Hasher struct {
	numHash int
	// FNV-1a states after hashing each seeded 8-byte prefix.
	h1, h2 uint64
}

// NewHasher returns a Hasher of numHash functions derived from seed, as
// minhashlsh.NewMinhash(seed, numHash) derives them.
func NewHasher(seed int64, numHash int) *Hasher {
	r := rand.New(rand.NewSource(seed))
	var b1, b2 [8]byte
	binary.BigEndian.PutUint64(b1[:], uint64(r.Int63()))
	binary.BigEndian.PutUint64(b2[:], uint64(r.Int63()))
	return &Hasher{numHash: numHash, h1: fnv(fnvOffset, b1[:]), h2: fnv(fnvOffset, b2[:])}
}

func fnv(h uint64, b []byte) uint64 {
	for _, c := range b {
		h ^= uint64(c)
		h *= fnvPrime
	}
	return h
}

// Signature returns the MinHash signature of set. Elements are hashed as
// their 8-byte little-endian encoding.
func (m *Hasher) Signature(set []uint64) []uint64 {
	sig := make([]uint64, m.numHash)
	signInto(m, sig, set)
	return sig
}

// SignInto writes the MinHash signature of a set of shingle hashes into
// sig, which must hold the hasher's number of functions. Each element is
// hashed as its value widened to 64 bits, so this is Signature of the
// widened set.
func (m *Hasher) SignInto(sig []uint64, set []uint32) { signInto(m, sig, set) }

// signBlock is the number of elements signInto hashes before taking their
// minimums, and funcBlock the number of functions whose minimums it keeps
// in registers while it passes over them: the running minimums stay out
// of memory, where a function a time loaded and stored each of them for
// every element. With the four zero bytes of a 32-bit value hashed as one
// multiplication (hash), BenchmarkSignInto went from 34.1 to 24.7 µs an
// article (benchstat, 6 runs alternated with the loop of a function at a
// time on a shared machine).
const (
	signBlock = 64
	funcBlock = 8
)

// fnvPrime4 is fnvPrime to the fourth power (mod 2^64): FNV-1a of four
// zero bytes, the high half of a 32-bit value widened, multiplies by it.
const fnvPrime4 = fnvPrime * fnvPrime * fnvPrime * fnvPrime & (1<<64 - 1)

func signInto[T uint32 | uint64](m *Hasher, sig []uint64, set []T) {
	for i := range sig {
		sig[i] = math.MaxUint64
	}
	var v1s, v2s [signBlock]uint64
	for len(set) > 0 {
		n := min(len(set), signBlock)
		for k, x := range set[:n] {
			v1s[k], v2s[k] = m.hash(uint64(x))
		}
		set = set[n:]
		v1, v2 := v1s[:n], v2s[:n]
		f := 0
		for ; f+funcBlock <= len(sig); f += funcBlock {
			s := sig[f : f+funcBlock : f+funcBlock]
			m0, m1, m2, m3, m4, m5, m6, m7 := s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]
			for k, a := range v1 {
				b := v2[k]
				hv := a + uint64(f)*b // function f's value, v1 + f*v2 (mod 2^64)
				m0 = min(m0, hv)
				hv += b
				m1 = min(m1, hv)
				hv += b
				m2 = min(m2, hv)
				hv += b
				m3 = min(m3, hv)
				hv += b
				m4 = min(m4, hv)
				hv += b
				m5 = min(m5, hv)
				hv += b
				m6 = min(m6, hv)
				hv += b
				m7 = min(m7, hv)
			}
			s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7] = m0, m1, m2, m3, m4, m5, m6, m7
		}
		for ; f < len(sig); f++ { // the functions past the last whole block
			cur := sig[f]
			for k, a := range v1 {
				cur = min(cur, a+uint64(f)*v2[k])
			}
			sig[f] = cur
		}
	}
}

// hash returns the two seeded FNV-1a hashes of x's 8-byte little-endian
// encoding. For a value of 32 bits, the high four bytes are zeros, and
// hashing a zero byte is one multiplication: fnvPrime4 stands for four.
func (m *Hasher) hash(x uint64) (v1, v2 uint64) {
	if x>>32 == 0 {
		v1, v2 = m.h1, m.h2
		for range 4 { // the low bytes, first to last
			v1 = (v1 ^ x&0xff) * fnvPrime
			v2 = (v2 ^ x&0xff) * fnvPrime
			x >>= 8
		}
		return v1 * fnvPrime4, v2 * fnvPrime4
	}
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], x)
	return fnv(m.h1, b[:]), fnv(m.h2, b[:])
}

// Signature is NewHasher(seed, numHash).Signature(set), for one-off use.
func Signature(set []uint64, numHash int, seed int64) []uint64 {
	return NewHasher(seed, numHash).Signature(set)
}

// Indexable reports whether sentence s can be evidence of a shared passage
// under p, and so deserves a signature.
func Indexable(s *pipeline.Sentence, p pipeline.Params) bool {
	return s.Content() && s.Terminated && len(s.Linkable) >= p.MinShared
}

// Stage adapts the package to the pipeline: it fills State.Signed with the
// signatures of indexable sentences (the low 32 bits of each value, which is
// all the LSH compares), and Doc.Signature for every document (keeping
// one already made: see pipeline.Doc), and then drops Doc.Shingles.
type Stage struct{}

// Name implements pipeline.Stage.
func (Stage) Name() string { return "minhash" }

// Run implements pipeline.Stage.
func (Stage) Run(ctx context.Context, st *pipeline.State, p pipeline.Progress) error {
	par := st.Params
	h := NewHasher(par.Seed, par.NumHash)
	// Signatures go into one array, each document's at an offset counted
	// beforehand, so that documents are signed in parallel without a
	// slice per sentence.
	first := make([]int, len(st.Docs)+1)
	var refs []pipeline.SentenceRef
	for i, d := range st.Docs {
		for j := range d.Sentences {
			if Indexable(&d.Sentences[j], par) {
				refs = append(refs, pipeline.SentenceRef{Doc: int32(i), Sentence: int32(j)})
			}
		}
		first[i+1] = len(refs)
	}
	st.Signed = pipeline.Signed{Refs: refs, Sigs: make([]uint32, len(refs)*par.NumHash)}
	p.Start("minhash", len(st.Docs))
	err := pipeline.ForEach(ctx, len(st.Docs), par.EffectiveWorkers(), p, func(i int) error {
		d := st.Docs[i]
		sig := make([]uint64, par.NumHash)
		for k := first[i]; k < first[i+1]; k++ {
			h.SignInto(sig, d.Sentences[refs[k].Sentence].Linkable)
			for j, v := range sig {
				st.Signed.Sigs[k*par.NumHash+j] = uint32(v)
			}
		}
		// A signature of the run's length is of Shingles already (see
		// pipeline.Doc): kept.
		if len(d.Shingles) > 0 && len(d.Signature) != par.NumHash {
			d.Signature = make([]uint64, par.NumHash)
			h.SignInto(d.Signature, d.Shingles)
		}
		d.Shingles = nil
		return nil
	})
	st.Counts["indexed_sentences"] = len(refs)
	return err
}

// Summary implements pipeline.Summarizer.
func (Stage) Summary(st *pipeline.State) string {
	return fmt.Sprintf("%d sentence signatures, %d document signatures", len(st.Signed.Refs), len(st.Docs))
}
