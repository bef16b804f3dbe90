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
//   - BandPairs: for each band, sort (band key, item) and pair the items of
//     each run of equal keys. Each band is independent (a pipeline on Beam
//     shards by band key), bands run in parallel, and memory is 12 bytes
//     per item and band at a time.
//   - ForestPairs: the library's LSH Forest index, sharded by document. Its
//     queries are binary searches over sorted, string-keyed buckets; on
//     20,000 articles (190,000 indexed sentences) they took 42% of the
//     run's CPU against 2% for the bucket sort of BandPairs. It stays as
//     the reference the tests hold BandPairs to.
//
// The stage runs BoundedPairs, the bucket sort with dense buckets handled
// in linear time (see Bound), on both channels: sentences, and whole
// documents (one signature per article).
//
// # Dense buckets
//
// Short templated items (share prices, weather notes, match results, a
// council's notices: synth.Templated) share most of their word 3-grams, so
// thousands of them fall into one bucket of every band, and pairing every
// bucket all with all is quadratic: on 20,000 such items
// (go run ./cmd/dedupe-bench --templated 20000 --recall-articles 0) the
// document channel gave 5,570,245 candidates, lsh took 4.9 s and verify
// 9.9 s; on 100,000, by the issue that asked for the bound, 464,686,693
// candidates, 390 s and 13.3 GiB in lsh. A bucket of more than
// DefaultBound.Size (100) items is dense and handled as Bound says; every
// dense bucket is counted in run.json (dense_{document,sentence}_buckets,
// _items, _candidates, _pairs_skipped) and the largest are named by the
// article of their first representative in the stage's summary and in
// run.json's dense_blocks. With it, 100,000 templated items give 3,194,909
// document candidates (1,064,617 of them from 463 dense buckets), and the
// search runs in about a second.
//
// What the bound costs in recall, on the real-language bench (measured
// with the stage's bound set by hand, go run ./cmd/dedupe-bench
// --articles N --seed 1 --recall-articles 0): its largest buckets hold 57
// sentences at 20,000 articles and 128 at 100,000 (documents: 11 and 63).
// At 20,000 articles a bound of 100, 32 or 16 leaves the clusters as they
// are (16 drops 158 of 297,939 passage matches and 4 of 55,212 article
// edges), while 8 loses recall (0.9498 to 0.9484). At 100,000, the bound
// of 100 meets 6 dense sentence buckets (659 sentences) and drops 27 of
// 1,460,247 passage matches and 3 of 272,930 edges: the clusters are the
// same (precision 0.9879, recall 0.9382 with and without); a bound of 32
// meets 437 (15,283 sentences), drops 431 matches and unclusters 3 false
// pairs of 293,363, the true ones all kept. Candidates an
// item on the templated corpus at 100,000 items: 36.6 at a bound of 100,
// 22.9 at 50, 17.9 at 32, 12.7 at 16, with the same clusters (precision
// 0.9917 to 0.9922, recall 1); 100 keeps the most margin on real text,
// where buckets grow with the corpus.
package lsh

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
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
// State.DocCandidates, then drops the sentence signatures. Both channels
// search with DefaultBound, and what it did goes to State.DenseBlocks and
// the counts dense_{document,sentence}_{buckets,items,candidates,
// pairs_skipped}.
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
	st.DenseBlocks = nil
	pairs, dense, err := BoundedPairs(ctx, flat, par.NumHash, par.PassageThreshold, DefaultBound, workers, p)
	if err != nil {
		return err
	}
	st.Candidates = make([][2]pipeline.SentenceRef, len(pairs))
	for i, pr := range pairs {
		st.Candidates[i] = [2]pipeline.SentenceRef{refs[pr[0]], refs[pr[1]]}
	}
	record(st, "sentence", dense, func(item int32) int32 { return refs[item].Doc })
	st.Signed, flat = pipeline.Signed{}, Flat{}

	var docs Flat
	for di, d := range st.Docs {
		if d.Signature != nil {
			docs.Docs = append(docs.Docs, int32(di))
			for _, v := range d.Signature {
				docs.Sigs = append(docs.Sigs, uint32(v))
			}
		}
	}
	docPairs, dense, err := BoundedPairs(ctx, docs, par.NumHash, par.DocThreshold, DefaultBound, workers, p)
	if err != nil {
		return err
	}
	st.DocCandidates = make([][2]int32, len(docPairs))
	for i, pr := range docPairs {
		st.DocCandidates[i] = [2]int32{docs.Docs[pr[0]], docs.Docs[pr[1]]}
	}
	record(st, "document", dense, func(item int32) int32 { return docs.Docs[item] })
	st.Counts["passage_candidates"] = len(st.Candidates)
	st.Counts["copy_candidates"] = len(st.DocCandidates)
	return nil
}

// record counts what the bound did in one channel, and names its largest
// dense buckets by the article of their first representative.
func record(st *pipeline.State, channel string, d DenseStats, doc func(item int32) int32) {
	st.Counts["dense_"+channel+"_buckets"] = d.Buckets
	st.Counts["dense_"+channel+"_items"] = d.Items
	st.Counts["dense_"+channel+"_candidates"] = d.Candidates
	st.Counts["dense_"+channel+"_pairs_skipped"] = int(d.Skipped)
	for _, b := range d.Largest {
		st.DenseBlocks = append(st.DenseBlocks, pipeline.DenseBlock{Channel: channel, Size: b.Size, Article: st.Docs[doc(b.First)].ID})
	}
}

// Summary implements pipeline.Summarizer. It names the largest dense
// buckets, if any: a block of look-alike items the search did not pair
// all with all should never go unnoticed.
func (Stage) Summary(st *pipeline.State) string {
	s := fmt.Sprintf("%d passage candidates, %d copy candidates", len(st.Candidates), len(st.DocCandidates))
	for _, channel := range []string{"document", "sentence"} {
		n := st.Counts["dense_"+channel+"_buckets"]
		if n == 0 {
			continue
		}
		var names []string
		for _, b := range st.DenseBlocks {
			if b.Channel == channel && len(names) < 3 {
				names = append(names, fmt.Sprintf("%d at article %s", b.Size, b.Article))
			}
		}
		s += fmt.Sprintf("; %d dense %s buckets (%d items, %d candidates, %d pairs skipped; largest %s)",
			n, channel, st.Counts["dense_"+channel+"_items"], st.Counts["dense_"+channel+"_candidates"],
			st.Counts["dense_"+channel+"_pairs_skipped"], strings.Join(names, ", "))
	}
	return s
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
	// doc is the item's document (Flat.Docs), kept here (in what was the
	// struct's padding) so that pairing a bucket's members reads no other
	// memory to pass over two items of one document.
	doc int32
}

// Bound is how a search treats a dense bucket: a run of one band key held
// by more than Size items. Pairing all of its members would cost time and
// memory quadratic in its size (100,000 templated items gave 465 million
// document candidates), so a dense bucket is handled in time linear in its
// size, in levels:
//
//   - every member is paired with the bucket's Reps representatives, its
//     members of the lowest item numbers, so that a bucket of true near
//     duplicates stays joined through them;
//   - the members are then split by the key of the next band (members that
//     agree on two bands, then three, ...): a part of at most Size members
//     is paired exhaustively, a larger one is dense in turn, down to
//     members that agree on every band, which are paired with their
//     representatives only.
//
// A member of a dense bucket thus gets at most Reps candidates a level,
// and at most Size-1 from the part it ends in; the representatives are
// paired with every member. The pairs kept are a subset of those an
// unbounded search finds: a bound never adds a candidate.
type Bound struct {
	Size int // a bucket of more items than this is dense; 0 means no bound
	Reps int // representatives of a dense bucket or part, at least 1
}

// DefaultBound is the bound the stage uses (see package doc for how it was
// measured).
var DefaultBound = Bound{Size: 100, Reps: 2}

// Dense is one dense bucket a search met.
type Dense struct {
	Band  int   // the band whose key the members share
	Size  int   // its items
	First int32 // its lowest item, its first representative
	Pairs int   // distinct candidate pairs it gave in its band
}

// DenseStats says what the bound did in one search. A block of similar
// items is usually dense in several bands; Buckets counts each.
type DenseStats struct {
	Buckets    int // dense buckets, over all bands
	Items      int // distinct items in at least one dense bucket
	Candidates int // distinct candidate pairs from dense buckets
	// Skipped sums, over the dense buckets, the pairs of their members
	// (m(m-1)/2 for m members) less the pairs the bucket gave: what an
	// unbounded search would have compared in that band and the bound did
	// not. Many are found in another band, so it is a measure of the work
	// avoided, not of candidates lost.
	Skipped int64
	// Largest are the largest dense buckets, one per first
	// representative (a block is dense in several bands), largest first,
	// at most MaxLargest.
	Largest []Dense
}

// MaxLargest is how many dense buckets DenseStats.Largest names.
const MaxLargest = 5

// BandPairs returns the same pairs as ForestPairs (items of different
// documents whose signatures agree on the low 32 bits of every value of at
// least one band of Layout(numHash, threshold)), computed by sorting each
// band's keys, on the signatures in f. Bands are processed on up to workers
// goroutines. It pairs every bucket exhaustively: BoundedPairs is the same
// search with dense buckets handled in linear time.
func BandPairs(ctx context.Context, f Flat, numHash int, threshold float64, workers int, p pipeline.Progress) ([][2]int32, error) {
	pairs, _, err := BoundedPairs(ctx, f, numHash, threshold, Bound{}, workers, p)
	return pairs, err
}

// BoundedPairs is BandPairs with every bucket of more than bound.Size items
// handled as Bound says, and what the bound did.
func BoundedPairs(ctx context.Context, f Flat, numHash int, threshold float64, bound Bound, workers int, p pipeline.Progress) ([][2]int32, DenseStats, error) {
	n := len(f.Docs)
	if n == 0 {
		return nil, DenseStats{}, nil
	}
	bound.Reps = max(bound.Reps, 1)
	k, l := Layout(numHash, threshold)
	s := search{f: f, numHash: numHash, k: k, l: l, bound: bound}
	perBand := make([][]uint64, l)
	denseBand := make([][]uint64, l)
	found := make([][]Dense, l)
	inDense := make([][]int32, l)
	err := pipeline.ForEach(ctx, l, workers, nil, func(b int) error {
		entries := make([]bandEntry, n)
		for i := range n {
			entries[i] = bandEntry{key: s.key(int32(i), b), item: int32(i), doc: f.Docs[i]}
		}
		sortEntries(entries)
		var out, dense []uint64 // i<<32 | j: sorts faster than pairs
		for lo := 0; lo < len(entries); {
			hi := lo + 1
			for hi < len(entries) && entries[hi].key == entries[lo].key {
				hi++
			}
			run := entries[lo:hi]
			if bound.Size <= 0 || len(run) <= bound.Size {
				out = s.all(out, run, b)
			} else {
				d := Dense{Band: b, Size: len(run), First: run[0].item}
				for _, e := range run {
					inDense[b] = append(inDense[b], e.item)
				}
				before := len(dense)
				dense = s.dense(dense, run, b, 1)
				// The levels may pair a representative twice.
				mine := dense[before:]
				slices.Sort(mine)
				dense = dense[:before+len(slices.Compact(mine))]
				d.Pairs = len(dense) - before
				found[b] = append(found[b], d)
			}
			lo = hi
		}
		sortKeys(out)
		perBand[b] = slices.Clip(slices.Compact(out))
		slices.Sort(dense)
		denseBand[b] = slices.Clip(slices.Compact(dense))
		if p != nil {
			p.Add(n / l)
		}
		return ctx.Err()
	})
	if err != nil {
		return nil, DenseStats{}, err
	}
	st := denseStats(n, found, inDense, denseBand)
	return mergePairs(append(perBand, denseBand...)), st, nil
}

// denseStats sums what the bands' dense buckets did.
func denseStats(n int, found [][]Dense, inDense [][]int32, denseBand [][]uint64) DenseStats {
	var st DenseStats
	largest := map[int32]Dense{}
	for _, ds := range found {
		for _, d := range ds {
			st.Buckets++
			st.Skipped += int64(d.Size)*int64(d.Size-1)/2 - int64(d.Pairs)
			if cur, ok := largest[d.First]; !ok || d.Size > cur.Size || d.Size == cur.Size && d.Band < cur.Band {
				largest[d.First] = d
			}
		}
	}
	if st.Buckets == 0 {
		return st
	}
	seen := make([]bool, n)
	for _, items := range inDense {
		for _, i := range items {
			if !seen[i] {
				seen[i] = true
				st.Items++
			}
		}
	}
	st.Candidates = len(mergePairs(denseBand))
	for _, d := range largest {
		st.Largest = append(st.Largest, d)
	}
	slices.SortFunc(st.Largest, func(a, b Dense) int {
		return cmp.Or(cmp.Compare(b.Size, a.Size), cmp.Compare(a.First, b.First))
	})
	st.Largest = st.Largest[:min(len(st.Largest), MaxLargest)]
	return st
}

// search holds what the pairing of one band's buckets reads.
type search struct {
	f          Flat
	numHash, k int
	l          int
	bound      Bound
}

func (s *search) sig(i int32) []uint32 {
	return s.f.Sigs[int(i)*s.numHash : (int(i)+1)*s.numHash]
}

// key is item i's key in band b. A band of one or two values (the
// sentence channel's, by default) is its values themselves, mixed by a
// bijection (shingle.Mix): two items share the key only when they agree on
// the band, which pair then need not check. A wider band is hashed.
func (s *search) key(i int32, b int) uint64 {
	band := s.sig(i)[b*s.k : (b+1)*s.k]
	if s.exact() {
		x := uint64(0)
		for _, v := range band {
			x = x<<32 | uint64(v)
		}
		return shingle.Mix(x)
	}
	h := uint64(s.k)
	for _, v := range band {
		h = shingle.Mix(h*31 + uint64(v))
	}
	return h
}

// exact reports whether the keys are the bands' values (see key).
func (s *search) exact() bool { return s.k <= 2 }

// pair appends the pair of items e and f, of one key in band b, to out
// when the two are of different documents and agree on every value of the
// band (not just its key). Where the key is the values, that is known
// without reading the signatures, which at 100,000 articles cost a cache
// miss a pair (lsh.(*search).pair: 1.0 of the stage's 3.5 CPU seconds).
func (s *search) pair(out []uint64, e, f bandEntry, b int) []uint64 {
	if e.doc == f.doc {
		return out
	}
	i, j := e.item, f.item
	if !s.exact() {
		x, y := s.sig(i)[b*s.k:(b+1)*s.k], s.sig(j)[b*s.k:(b+1)*s.k]
		for t := range x {
			if x[t] != y[t] {
				return out
			}
		}
	}
	return append(out, uint64(min(i, j))<<32|uint64(max(i, j)))
}

// all pairs every two members of run, a bucket of band b.
func (s *search) all(out []uint64, run []bandEntry, b int) []uint64 {
	for x := range run {
		for y := x + 1; y < len(run); y++ {
			out = s.pair(out, run[x], run[y], b)
		}
	}
	return out
}

// dense pairs the members of run, a dense bucket of band b or a part of
// one whose members also agree on the level-1 bands after b, as Bound
// says. run is sorted by item and is reordered.
func (s *search) dense(out []uint64, run []bandEntry, b, level int) []uint64 {
	reps := run[:min(s.bound.Reps, len(run))]
	for x, r := range reps {
		for _, e := range run[x+1:] {
			out = s.pair(out, r, e, b)
		}
	}
	if level == s.l {
		return out // the members agree on every band: nothing left to split by
	}
	next := (b + level) % s.l
	for i := range run {
		run[i].key = s.key(run[i].item, next)
	}
	sortEntries(run)
	for lo := 0; lo < len(run); {
		hi := lo + 1
		for hi < len(run) && run[hi].key == run[lo].key {
			hi++
		}
		part := run[lo:hi]
		if len(part) <= s.bound.Size {
			out = s.all(out, part, b)
		} else {
			out = s.dense(out, part, b, level+1)
		}
		lo = hi
	}
	return out
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
