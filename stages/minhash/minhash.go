// Package minhash computes MinHash signatures, with
// github.com/ekzhu/minhash-lsh, for the sentences that can be evidence of a
// shared passage and for whole documents.
//
// A sentence gets a signature only if it is content, ends like a sentence
// (headlines are shared verbatim by "most read" boxes across a whole site,
// and copies are found by the document channel anyway), and holds at least MinShared
// linkable shingles (see package shingle): a sentence that cannot meet the
// verify stage's bar is not worth indexing. The signature is taken over the
// linkable shingles only, which drops the words no other article has and the
// phrases every article has; what is left is what two rewrites can share, so
// their signatures agree more than their raw text does.
//
// A document's signature is taken over all its non-structural shingles and
// serves the copy detector (near-exact syndication).
package minhash

import (
	"context"
	"encoding/binary"
	"fmt"

	minhashlsh "github.com/ekzhu/minhash-lsh"

	"github.com/dedupe/dedupe/pipeline"
)

// Signature returns the MinHash signature of a set of shingle hashes, with
// numHash functions derived from seed.
func Signature(set []uint64, numHash int, seed int64) []uint64 {
	m := minhashlsh.NewMinhash(seed, numHash)
	var b [8]byte
	for _, h := range set {
		binary.LittleEndian.PutUint64(b[:], h)
		m.Push(b[:])
	}
	return m.Signature()
}

// Indexable reports whether sentence s can be evidence of a shared passage
// under p, and so deserves a signature.
func Indexable(s *pipeline.Sentence, p pipeline.Params) bool {
	return s.Content() && s.Terminated && len(s.Linkable) >= p.MinShared
}

// Stage adapts the package to the pipeline: it fills Sentence.Signature for
// indexable sentences and Doc.Signature for every document.
type Stage struct{}

// Name implements pipeline.Stage.
func (Stage) Name() string { return "minhash" }

// Run implements pipeline.Stage.
func (Stage) Run(ctx context.Context, st *pipeline.State, p pipeline.Progress) error {
	par := st.Params
	p.Start("minhash", len(st.Docs))
	err := pipeline.ForEach(ctx, len(st.Docs), par.EffectiveWorkers(), p, func(i int) error {
		d := st.Docs[i]
		for j := range d.Sentences {
			s := &d.Sentences[j]
			if Indexable(s, par) {
				s.Signature = Signature(s.Linkable, par.NumHash, par.Seed)
			}
		}
		if len(d.Shingles) > 0 {
			d.Signature = Signature(d.Shingles, par.NumHash, par.Seed)
		}
		return nil
	})
	n := 0
	for _, d := range st.Docs {
		for _, s := range d.Sentences {
			if s.Signature != nil {
				n++
			}
		}
	}
	st.Counts["indexed_sentences"] = n
	return err
}

// Summary implements pipeline.Summarizer.
func (Stage) Summary(st *pipeline.State) string {
	return fmt.Sprintf("%d sentence signatures, %d document signatures", st.Counts["indexed_sentences"], len(st.Docs))
}
