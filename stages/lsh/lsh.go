// Package lsh finds candidate pairs with locality-sensitive hashing over
// MinHash signatures, using the LSH Forest of github.com/ekzhu/minhash-lsh.
//
// Two searches run:
//
//   - Passages: every indexable sentence (one with a signature) against every
//     other, at PassageThreshold. The index is split into IndexShards shards
//     by document, built in parallel; a query visits every shard. A pair is
//     kept once, from its lower id, and only across two documents.
//   - Copies: every document against every other, at DocThreshold.
//
// The library derives the band layout (k hash values per band, l bands) from
// the signature size and threshold; with the defaults (64 functions) a
// passage threshold of 0.3 gives k=3, l=21, so a pair of sentences with
// linkable-shingle Jaccard J becomes a candidate with probability
// 1-(1-J^3)^21: 43% at J=0.3, 74% at 0.4, 93% at 0.5. Two articles that share
// a passage usually share several sentences, each a separate chance.
// Candidates are only candidates: package verify checks each on the real
// shingle sets.
package lsh

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"

	minhashlsh "github.com/ekzhu/minhash-lsh"

	"github.com/dedupe/dedupe/pipeline"
)

// Item is one signature to index, with the document it belongs to.
type Item struct {
	Doc int32
	Sig []uint64
}

// Pairs returns the pairs (i, j), i < j, of items from different documents
// whose signatures collide in at least one band, sorted. Items are split into
// shards by document; shards are built on up to workers goroutines.
func Pairs(ctx context.Context, items []Item, numHash int, threshold float64, shards, workers int, p pipeline.Progress) ([][2]int32, error) {
	if len(items) == 0 {
		return nil, nil
	}
	shards = max(1, min(shards, len(items)))
	idx := make([]*minhashlsh.MinhashLSH, shards)
	sem := make(chan struct{}, max(1, workers))
	var wg sync.WaitGroup
	for s := range shards {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			ix := minhashlsh.NewMinhashLSH32(numHash, threshold)
			for i, it := range items {
				if int(it.Doc)%shards == s {
					ix.Add(int32(i), it.Sig)
				}
			}
			ix.Index()
			idx[s] = ix
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// Each pair is looked for once: an item queries its own shard (keeping
	// only higher ids) and the shards after it.
	found := make([][]int32, len(items))
	err := pipeline.ForEach(ctx, len(items), workers, p, func(i int) error {
		var mine []int32
		own := int(items[i].Doc) % shards
		for s := own; s < shards; s++ {
			for _, k := range idx[s].Query(items[i].Sig) {
				j := k.(int32)
				if (s != own || int(j) > i) && items[j].Doc != items[i].Doc {
					mine = append(mine, j)
				}
			}
		}
		slices.Sort(mine)
		found[i] = slices.Compact(mine)
		return nil
	})
	if err != nil {
		return nil, err
	}
	var out [][2]int32
	for i, js := range found {
		for _, j := range js {
			out = append(out, [2]int32{int32(min(i, int(j))), int32(max(i, int(j)))})
		}
	}
	slices.SortFunc(out, func(a, b [2]int32) int { return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1])) })
	out = slices.Compact(out)
	return out, nil
}

// Stage adapts the package to the pipeline: it fills State.Candidates and
// State.DocCandidates, then drops the sentence signatures.
type Stage struct{}

// Name implements pipeline.Stage.
func (Stage) Name() string { return "lsh" }

// Run implements pipeline.Stage.
func (Stage) Run(ctx context.Context, st *pipeline.State, p pipeline.Progress) error {
	par := st.Params
	workers := par.EffectiveWorkers()
	var refs []pipeline.SentenceRef
	var items []Item
	for di, d := range st.Docs {
		for si := range d.Sentences {
			if sig := d.Sentences[si].Signature; sig != nil {
				refs = append(refs, pipeline.SentenceRef{Doc: int32(di), Sentence: int32(si)})
				items = append(items, Item{Doc: int32(di), Sig: sig})
			}
		}
	}
	p.Start("lsh", len(items)+len(st.Docs))
	pairs, err := Pairs(ctx, items, par.NumHash, par.PassageThreshold, par.IndexShards, workers, p)
	if err != nil {
		return err
	}
	st.Candidates = make([][2]pipeline.SentenceRef, len(pairs))
	for i, pr := range pairs {
		st.Candidates[i] = [2]pipeline.SentenceRef{refs[pr[0]], refs[pr[1]]}
	}
	for _, d := range st.Docs {
		for si := range d.Sentences {
			d.Sentences[si].Signature = nil
		}
	}

	var docItems []Item
	for di, d := range st.Docs {
		if d.Signature != nil {
			docItems = append(docItems, Item{Doc: int32(di), Sig: d.Signature})
		}
	}
	docPairs, err := Pairs(ctx, docItems, par.NumHash, par.DocThreshold, 1, workers, p)
	if err != nil {
		return err
	}
	st.DocCandidates = make([][2]int32, len(docPairs))
	for i, pr := range docPairs {
		st.DocCandidates[i] = [2]int32{docItems[pr[0]].Doc, docItems[pr[1]].Doc}
	}
	st.Counts["passage_candidates"] = len(st.Candidates)
	st.Counts["copy_candidates"] = len(st.DocCandidates)
	return nil
}

// Summary implements pipeline.Summarizer.
func (Stage) Summary(st *pipeline.State) string {
	return fmt.Sprintf("%d passage candidates, %d copy candidates", len(st.Candidates), len(st.DocCandidates))
}
