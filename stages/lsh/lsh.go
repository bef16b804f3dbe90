// Package lsh finds candidate pairs with locality-sensitive hashing over
// MinHash signatures.
//
// The band layout is the one github.com/ekzhu/minhash-lsh chooses for a
// signature size and a threshold (k hash values per band, l bands, picked to
// minimise the false positive and false negative areas): with 32 functions
// and a passage threshold of 0.3, k=2 and l=12, so a pair of sentences whose
// linkable shingles have Jaccard similarity J becomes a candidate with
// probability 1-(1-J^2)^12: 66% at J=0.3, 86% at 0.4, 97% at 0.5. Two
// articles that share a passage usually share several sentences, each a
// separate chance. Candidates are only candidates: package verify checks
// each on the real shingle sets.
//
// Two ways to run the same search, with the same result (see the tests):
//
//   - BandPairs, used for sentences: for each band, sort (band key, item)
//     and pair the items of each run of equal keys. Each band is independent
//     (a pipeline on Beam shards by band key), bands run in parallel, and
//     memory is 12 bytes per item and band at a time.
//   - ForestPairs, used for whole documents: the library's LSH Forest index,
//     sharded by document. Its queries are binary searches over sorted,
//     string-keyed buckets; on 20,000 articles (190,000 indexed sentences)
//     they took 42% of the run's CPU against 2% for the bucket sort of
//     BandPairs, hence the split. For the document channel (one signature
//     per article) the forest costs little.
package lsh

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"

	minhashlsh "github.com/ekzhu/minhash-lsh"

	"github.com/dedupe/dedupe/pipeline"
	"github.com/dedupe/dedupe/stages/shingle"
)

// Item is one signature to index, with the document it belongs to.
type Item struct {
	Doc int32
	Sig []uint64
}

// Flat holds signatures in one array, as the minhash stage keeps the
// sentences': the low 32 bits of each value only, the only bits either
// search compares, and no slice per signature. A corpus has millions.
type Flat struct {
	Docs []int32  // the document of each signature
	Sigs []uint32 // the values, numHash for each of Docs, in order
}

// FlatOf narrows items to a Flat.
func FlatOf(items []Item) Flat {
	var f Flat
	for _, it := range items {
		f.Docs = append(f.Docs, it.Doc)
		for _, v := range it.Sig {
			f.Sigs = append(f.Sigs, uint32(v))
		}
	}
	return f
}

// ForestPairs returns the pairs (i, j), i < j, of items from different
// documents whose signatures collide in at least one band of a
// minhashlsh.MinhashLSH (32-bit LSH Forest) index, sorted. Items are split
// into shards by document; shards are built on up to workers goroutines, and
// each item queries its own shard and those after it.
func ForestPairs(ctx context.Context, items []Item, numHash int, threshold float64, shards, workers int, p pipeline.Progress) ([][2]int32, error) {
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
	refs := st.Signed.Refs
	flat := Flat{Docs: make([]int32, len(refs)), Sigs: st.Signed.Sigs}
	for i, r := range refs {
		flat.Docs[i] = r.Doc
	}
	p.Start("lsh", len(refs)+len(st.Docs))
	pairs, err := BandPairs(ctx, flat, par.NumHash, par.PassageThreshold, workers, p)
	if err != nil {
		return err
	}
	st.Candidates = make([][2]pipeline.SentenceRef, len(pairs))
	for i, pr := range pairs {
		st.Candidates[i] = [2]pipeline.SentenceRef{refs[pr[0]], refs[pr[1]]}
	}
	st.Signed, flat = pipeline.Signed{}, Flat{}

	var docItems []Item
	for di, d := range st.Docs {
		if d.Signature != nil {
			docItems = append(docItems, Item{Doc: int32(di), Sig: d.Signature})
		}
	}
	docPairs, err := ForestPairs(ctx, docItems, par.NumHash, par.DocThreshold, workers, workers, p)
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

// Layout returns the band layout minhash-lsh chooses for numHash functions
// and threshold: k hash values per band, l bands.
func Layout(numHash int, threshold float64) (k, l int) {
	return minhashlsh.NewMinhashLSH32(numHash, threshold).Params()
}

// bandEntry is one item's key in one band.
type bandEntry struct {
	key  uint64
	item int32
}

// BandPairs returns the same pairs as ForestPairs (items of different
// documents whose signatures agree on the low 32 bits of every value of at
// least one band of Layout(numHash, threshold)), computed by sorting each
// band's keys, on the signatures in f. Bands are processed on up to workers
// goroutines.
func BandPairs(ctx context.Context, f Flat, numHash int, threshold float64, workers int, p pipeline.Progress) ([][2]int32, error) {
	n := len(f.Docs)
	if n == 0 {
		return nil, nil
	}
	sig := func(i int32) []uint32 { return f.Sigs[int(i)*numHash : (int(i)+1)*numHash] }
	k, l := Layout(numHash, threshold)
	perBand := make([][]uint64, l)
	err := pipeline.ForEach(ctx, l, workers, nil, func(b int) error {
		entries := make([]bandEntry, n)
		for i := range n {
			h := uint64(k)
			for _, v := range sig(int32(i))[b*k : (b+1)*k] {
				h = shingle.Mix(h*31 + uint64(v))
			}
			entries[i] = bandEntry{key: h, item: int32(i)}
		}
		slices.SortFunc(entries, func(x, y bandEntry) int {
			return cmp.Or(cmp.Compare(x.key, y.key), cmp.Compare(x.item, y.item))
		})
		same := func(i, j int32) bool {
			a, c := sig(i)[b*k:(b+1)*k], sig(j)[b*k:(b+1)*k]
			for t := range a {
				if a[t] != c[t] {
					return false
				}
			}
			return true
		}
		var out []uint64 // i<<32 | j: sorts faster than pairs
		for lo := 0; lo < len(entries); {
			hi := lo + 1
			for hi < len(entries) && entries[hi].key == entries[lo].key {
				hi++
			}
			run := entries[lo:hi]
			for x := range run {
				for y := x + 1; y < len(run); y++ {
					i, j := run[x].item, run[y].item
					if f.Docs[i] != f.Docs[j] && same(i, j) {
						out = append(out, uint64(i)<<32|uint64(j))
					}
				}
			}
			lo = hi
		}
		slices.Sort(out)
		perBand[b] = slices.Clip(slices.Compact(out))
		if p != nil {
			p.Add(n / l)
		}
		return ctx.Err()
	})
	if err != nil {
		return nil, err
	}
	return mergePairs(perBand), nil
}

// mergePairs merges the bands' sorted pair lists into one, without the
// pairs found in several bands twice. A close pair is found in most of the
// bands, so this merges the lists as they are rather than concatenating
// and sorting them, which held every band's copy twice over.
func mergePairs(bands [][]uint64) [][2]int32 {
	// Merged twice, to count and then to fill a slice of exactly that size:
	// at this point memory is what is short.
	merge := func(yield func(uint64)) {
		heads := make([]int, len(bands))
		for {
			next, found := uint64(0), false
			for b, ps := range bands {
				if h := heads[b]; h < len(ps) && (!found || ps[h] < next) {
					next, found = ps[h], true
				}
			}
			if !found {
				return
			}
			for b, ps := range bands {
				if h := heads[b]; h < len(ps) && ps[h] == next {
					heads[b]++
				}
			}
			yield(next)
		}
	}
	n := 0
	merge(func(uint64) { n++ })
	out := make([][2]int32, 0, n)
	merge(func(x uint64) { out = append(out, [2]int32{int32(x >> 32), int32(uint32(x))}) })
	return out
}
