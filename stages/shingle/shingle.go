// Package shingle turns sentences into sets of hashed word shingles, and
// measures how rare each shingle is in the corpus.
//
// A k-shingle is a run of k consecutive words (see segment.Words). With k=3,
// "North Korea has denied" gives {"north korea has", "korea has denied"}. A
// sentence shorter than k words gives one shingle of all its words. Each
// shingle is hashed (FNV-1a per word, then mixed in order to 64 bits) and
// kept as the top 32 bits, so a set is a sorted []uint32 and set operations
// are merges.
//
// Why 32 bits: the shingle sets are most of a run's memory, and 32 bits
// halve them. Collisions cost little here. Two sentences compared share a
// false shingle with odds of about 20×20/2^32, 1 in 10 million; in the
// corpus count, a rare shingle shares its hash with another of the D
// distinct ones with odds D/2^32 (1 % for every 43 million), which at
// worst lends one shared shingle, where 6 are needed, to two sentences of
// the two articles that hold them. On the bench corpus, 25,000 articles
// gave 34,956 correct pairs of 35,442 with 32 bits against 34,962 with 64,
// and no false one either way.
//
// Rarity is document frequency: the number of articles whose content holds
// the shingle. A shingle held by one article cannot link anything; one held
// by a large share of the corpus ("according to the") is a common phrase, not
// evidence of a shared passage; one with a name in it is what every story of
// a beat shares (see FromTokens). The rest are Linkable.
package shingle

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/dedupe/dedupe/pipeline"
	"github.com/dedupe/dedupe/stages/boilerplate"
	"github.com/dedupe/dedupe/stages/segment"
)

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

func wordHash(w string) uint64 {
	h := uint64(fnvOffset)
	for i := 0; i < len(w); i++ {
		h ^= uint64(w[i])
		h *= fnvPrime
	}
	return h
}

// Mix is the finaliser of SplitMix64. Folding hashes as h = Mix(h*31 + x)
// spreads the bits of the combination, so that shingle hashes look uniform
// to MinHash and band keys to the LSH bucket sort.
func Mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// Set returns the sorted set of k-shingle hashes of text.
func Set(text string, k int) []uint32 {
	return FromWords(segment.Words(text), k)
}

// FromWords returns the sorted set of k-shingle hashes of words.
func FromWords(words []string, k int) []uint32 {
	toks := make([]segment.Token, len(words))
	for i, w := range words {
		toks[i].Word = w
	}
	all, _ := FromTokens(toks, k)
	return all
}

// FromTokens returns the sorted set of k-shingle hashes of a sentence's
// tokens, and the sorted subset of those that hold a capitalised word.
//
// Names are what unrelated stories of one beat share: "Jane Doe, the chief
// executive of the Acme Institute, said" recurs in every story quoting her,
// and is as rare in the corpus as a carried-over quote. A passage is shared
// prose, so shingles with a name in them are kept for similarity but are
// not evidence (see pipeline.Sentence.Linkable).
func FromTokens(toks []segment.Token, k int) (all, entity []uint32) {
	var w sentenceWords
	w.fromTokens(toks)
	var ks shingleKeys
	all, linkable := ks.shingles(w.cap, w.hash, k)
	if len(linkable) < len(all) {
		entity = Without(all, linkable)
	}
	return all, entity
}

// sentenceWords is a sentence's words as the shingle stage reads them: for
// each word of segment.AppendTokens, the hash of the lower-cased word
// (wordHash), whether it was capitalised (segment.Token.Cap), and whether
// it is a figure word (isFigure).
type sentenceWords struct {
	hash []uint64
	cap  []bool
	fig  []bool
}

// fromTokens reads the words of toks.
func (w *sentenceWords) fromTokens(toks []segment.Token) {
	w.hash, w.cap, w.fig = w.hash[:0], w.cap[:0], w.fig[:0]
	for _, t := range toks {
		w.hash = append(w.hash, wordHash(t.Word))
		w.cap = append(w.cap, t.Cap)
		w.fig = append(w.fig, isFigure(t.Word))
	}
}

// read reads the words of sentence s: fromTokens(segment.AppendTokens(s))
// without a string per word. An ASCII word is lower-cased and hashed as it
// is scanned, a byte at a time through wordByte; one of other text goes
// through strings.ToLower as in AppendTokens. FuzzSentenceWords compares
// the two.
func (w *sentenceWords) read(s string) {
	w.hash, w.cap, w.fig = w.hash[:0], w.cap[:0], w.fig[:0]
	first := true
	for i := 0; i < len(s); {
		c := s[i]
		var h uint64
		var fig, upper bool
		if c < utf8.RuneSelf {
			lc := wordByte[c]
			if lc == 0 {
				i++
				continue
			}
			// An ASCII word, or one that goes on past ASCII.
			start := i
			upper = 'A' <= c && c <= 'Z'
			var low [9]byte // enough for the longest date word
			h = fnvOffset
			digit := false
			for ; i < len(s); i++ {
				if lc = wordByte[s[i]]; lc == 0 {
					break
				}
				h = (h ^ uint64(lc)) * fnvPrime
				digit = digit || lc <= '9'
				if j := i - start; j < len(low) {
					low[j] = lc
				}
			}
			if n := i - start; i == len(s) || s[i] < utf8.RuneSelf || !w.more(s, &i) {
				fig = digit || n <= len(low) && isDateWord(string(low[:n]))
			} else {
				lw := strings.ToLower(s[start:i])
				h, fig = wordHash(lw), isFigure(lw)
			}
		} else {
			r, size := utf8.DecodeRuneInString(s[i:])
			if !segment.IsWordRune(r) {
				i += size
				continue
			}
			start := i
			upper = unicode.IsUpper(r)
			i += size
			w.more(s, &i)
			lw := strings.ToLower(s[start:i])
			h, fig = wordHash(lw), isFigure(lw)
		}
		w.hash = append(w.hash, h)
		w.cap = append(w.cap, !first && upper)
		w.fig = append(w.fig, fig)
		first = false
	}
}

// more moves *i, in s, past the word runes from there on, and reports
// whether there were any.
func (*sentenceWords) more(s string, i *int) bool {
	from := *i
	for *i < len(s) {
		r, size := rune(s[*i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[*i:])
		}
		if !segment.IsWordRune(r) {
			break
		}
		*i += size
	}
	return *i > from
}

// wordByte holds, for each byte, the ASCII letter or digit it is,
// lower-cased, and 0 for any other (a byte of a longer UTF-8 sequence
// too): what read hashes of an ASCII word.
var wordByte = func() (t [256]byte) {
	for c := range rune(utf8.RuneSelf) {
		if segment.IsWordRune(c) {
			t[c] = byte(unicode.ToLower(c))
		}
	}
	return t
}()

// shingleKeys is the scratch of shingles: each shingle hash shifted left
// by one, its low bit set when the shingle holds a capitalised word.
type shingleKeys []uint64

// shingles returns the k-shingle hashes of a sentence's words, given for
// each whether it is capitalised and the hash of the word (what the
// shingle stage reads once a sentence, sentenceWords), and those of them
// that hold no capitalised word: what the shingle stage keeps of a
// sentence, and FromTokens's sets. One sort of the shingles with their
// name bit gives both, in slices of exactly their size, where sorting the
// shingles and then the named ones, and taking the second from the first
// (Without), made three sets.
// When no shingle holds a name, linkable is all.
func (ks *shingleKeys) shingles(caps []bool, hs []uint64, k int) (all, linkable []uint32) {
	if len(hs) == 0 {
		return nil, nil
	}
	n := len(hs) - k + 1
	if n < 1 {
		n, k = 1, len(hs)
	}
	keys := (*ks)[:0]
	for i := range n {
		h := uint64(k)
		named := uint64(0)
		for j, wh := range hs[i : i+k] {
			h = Mix(h*31 + wh)
			if caps[i+j] {
				named = 1
			}
		}
		keys = append(keys, h>>32<<1|named)
	}
	*ks = keys
	slices.Sort(keys)
	// A shingle's keys are a run, the named one last: the shingle is
	// linkable when the run's last key is unnamed.
	distinct, plain := 0, 0
	for i, x := range keys {
		if i+1 == len(keys) || keys[i+1]>>1 != x>>1 {
			distinct++
			plain += int(^x & 1)
		}
	}
	all = make([]uint32, 0, distinct)
	if plain < distinct {
		linkable = make([]uint32, 0, plain)
	}
	for i, x := range keys {
		if i+1 == len(keys) || keys[i+1]>>1 != x>>1 {
			all = append(all, uint32(x>>1))
			if plain < distinct && x&1 == 0 {
				linkable = append(linkable, uint32(x>>1))
			}
		}
	}
	if plain == distinct {
		linkable = all // shared until the rarity stage filters it
	}
	return all, linkable
}

// dateWords are the words that name a day or a month: with numbers, what
// a templated report changes from one issue to the next.
var dateWords = map[string]bool{
	"monday": true, "tuesday": true, "wednesday": true, "thursday": true, "friday": true, "saturday": true, "sunday": true,
	"january": true, "february": true, "march": true, "april": true, "june": true, "july": true, "august": true,
	"september": true, "october": true, "november": true, "december": true,
}

// Figures returns a 32-bit fingerprint of the figures a sentence's tokens
// state: every token holding a digit, and the names of days and months
// ("may" is left out, being also a verb), each setting one bit chosen by
// its hash. 0 means the sentence states no figure. Rewrites of a story
// keep its figures, while the issues of a templated report (a daily
// market note, weekly shipments) keep the words and change the figures;
// verify.FiguresDiffer compares two fingerprints.
func Figures(toks []segment.Token) uint32 {
	var w sentenceWords
	w.fromTokens(toks)
	f, _, _ := figures(w.fig, w.hash)
	return f
}

// figures returns Figures(toks) and FigureSet(toks) in one pass, given
// for each token whether it is a figure word and the hash of its word.
func figures(figs []bool, hs []uint64) (f uint32, n uint8, set uint32) {
	var sum uint64
	count := 0
	for i, fig := range figs {
		if fig {
			h := Mix(hs[i])
			f |= 1 << (h >> 59)
			sum += h
			count++
		}
	}
	return f, uint8(min(count, 255)), uint32(sum >> 32)
}

// isFigure reports a figure word: one holding a digit, or one of
// dateWords.
func isFigure(w string) bool {
	return hasDigit(w) || isDateWord(w)
}

// isDateWord reports whether w is one of dateWords; a switch finds it
// without hashing every word.
func isDateWord(w string) bool {
	switch w {
	case "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
		"january", "february", "march", "april", "june", "july", "august",
		"september", "october", "november", "december":
		return true
	}
	return false
}

// FigureSet returns the number of figure words a sentence's tokens hold
// (as Figures reads them, repeats counted, at most 255) and a 32-bit hash
// of them as a multiset, in any order; 0, 0 when it states none. Figures
// gives one bit to a figure, so that one sentence's figures holding the
// other's shows, but in 32 bits two figures collide often: two issues of a
// templated report of three or four figures, with one changed, have
// fingerprints one of which holds the other about one time in ten. Two
// multisets of as many figure words with different hashes are different
// figures. Repeats count because a token is a run of letters and digits:
// "1.40 dollars, up 40 cents" holds the words 1, 40 and 40, and "1.19
// dollars, up 40 cents" the words 1, 19 and 40, as many.
func FigureSet(toks []segment.Token) (n uint8, set uint32) {
	var w sentenceWords
	w.fromTokens(toks)
	_, n, set = figures(w.fig, w.hash)
	return n, set
}

func hasDigit(w string) bool {
	for i := 0; i < len(w); i++ {
		if '0' <= w[i] && w[i] <= '9' {
			return true
		}
	}
	return false
}

// Without returns the elements of sorted set a that are not in sorted set b.
func Without(a, b []uint32) []uint32 {
	if len(b) == 0 {
		return a
	}
	// Two passes, to count and then to fill a slice of exactly that size:
	// millions of these are kept.
	kept := func(yield func(uint32)) {
		j := 0
		for _, x := range a {
			for j < len(b) && b[j] < x {
				j++
			}
			if j == len(b) || b[j] != x {
				yield(x)
			}
		}
	}
	n := 0
	kept(func(uint32) { n++ })
	out := make([]uint32, 0, n)
	kept(func(x uint32) { out = append(out, x) })
	return out
}

// Union returns the sorted union of sorted sets.
func Union(sets ...[]uint32) []uint32 {
	n := 0
	for _, s := range sets {
		n += len(s)
	}
	out := make([]uint32, 0, n)
	for _, s := range sets {
		out = append(out, s...)
	}
	sortHashes(out)
	out = slices.Compact(out)
	if len(out) < cap(out)*7/8 {
		out = slices.Clone(out) // a document's set is kept: drop the repeats' room
	}
	return out
}

// Intersect returns the size of the intersection of two sorted sets.
func Intersect(a, b []uint32) int {
	n, i, j := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			n++
			i++
			j++
		}
	}
	return n
}

// Jaccard returns |a∩b| / |a∪b| for sorted sets, and 0 when both are empty.
func Jaccard(a, b []uint32) float64 {
	in := Intersect(a, b)
	un := len(a) + len(b) - in
	if un == 0 {
		return 0
	}
	return float64(in) / float64(un)
}

// DF is the document frequency of the shingles held by two articles or
// more; the others cannot link anything and are not kept. It is sharded by
// the top bits of the hash, so shards can be counted in parallel (or on
// separate machines, keyed by shard).
type DF struct {
	shards []dfShard
}

// dfShard holds one shard's shingles and their frequencies in an ordered
// hash table: each shingle sits at its home slot, its hash scaled to the
// table, or in the first free slot after it, and the shingles were placed
// in hash order, so the table is sorted and a lookup stops at the first
// larger shingle. The rarity stage looks up nearly every shingle of the
// corpus in a table far larger than the caches, and a lookup here reads
// one place of memory, where the binary search of sorted keys and counts
// read several (96 CPU seconds of 1,038 at 1,000,000 articles). At two
// slots for three shingles it takes 12 bytes a shingle, as the sorted
// arrays did; a map took about three times as much.
type dfShard struct {
	slots []dfSlot // the table, then at least one free slot to end a scan
	homes int      // slots a hash is scaled to: the home slots
}

// dfSlot is one slot of a dfShard: a shingle and the number of sets that
// hold it, or a free slot, which has count 0 (a kept shingle has 2 or more).
type dfSlot struct {
	key   uint32
	count int32
}

const (
	dfShardBits = 6
	dfShards    = 1 << dfShardBits
	// dfBlock is the number of neighbouring shards CountDF's worker
	// counts in one go; dfShards is a multiple of it.
	dfBlock = 8
)

// newShard returns the shard of keys, sorted and distinct, and their
// counts, each 2 or more.
func newShard(keys []uint32, counts []int32) dfShard {
	s := dfShard{homes: len(keys) + len(keys)/2 + 1}
	s.slots = make([]dfSlot, s.homes+1)
	next := 0 // the first slot after those taken
	for i, h := range keys {
		at := max(s.home(h), next)
		for at >= len(s.slots)-1 { // past the end: keep one free slot after
			s.slots = append(s.slots, dfSlot{})
		}
		s.slots[at] = dfSlot{key: h, count: counts[i]}
		next = at + 1
	}
	return s
}

// home returns the slot where h would sit in a table of no collisions:
// within the shard, hashes are uniform, and so are homes.
func (s *dfShard) home(h uint32) int {
	return int(uint64(h<<dfShardBits) * uint64(s.homes) >> 32)
}

// of returns h's count, or 0 when the shard does not hold h. The shingles
// from h's home slot on are, in order, those of smaller homes that were
// pushed past it, then those of h's home, then larger ones, up to a free
// slot: the scan stops at the first shingle at or above h.
func (s *dfShard) of(h uint32) int32 {
	if s.homes == 0 {
		return 0
	}
	for i := s.home(h); ; i++ {
		e := s.slots[i]
		if e.count == 0 || e.key > h {
			return 0
		}
		if e.key == h {
			return e.count
		}
	}
}

func shardOf(h uint32) int { return int(h >> (32 - dfShardBits)) }

// CountDF counts, for each shingle, how many of the given sets hold it.
// Each set must be sorted and de-duplicated. Shards are counted on up to
// workers goroutines: a shard's values are a contiguous range of every
// sorted set, gathered, sorted and counted by runs, so memory beyond the
// result is one shard's values at a time per worker.
//
// A worker takes dfBlock neighbouring shards at a time and keeps, for each
// set, where the next shard's range starts: one binary search per set
// finds the block's start, and each shard's range then ends where a short
// forward scan from there meets the shard's upper bound. Two binary
// searches per set and shard (128 per set) cost 1.7 of CountDF's 2.5 CPU
// seconds at 100,000 articles, and 20 s at 1,000,000.
func CountDF(ctx context.Context, sets [][]uint32, workers int) (*DF, error) {
	df := &DF{shards: make([]dfShard, dfShards)}
	total := 0
	for _, set := range sets {
		total += len(set)
	}
	// Hashes are uniform: a shard gathers about total/dfShards values, and
	// room for an eighth more saves growing the slice from nothing.
	size := total/dfShards + total/dfShards/8
	err := pipeline.ForEach(ctx, dfShards/dfBlock, max(1, workers), nil, func(blk int) error {
		first := blk * dfBlock
		at := make([]int32, len(sets)) // where each set's next shard starts
		lo := uint32(first) << (32 - dfShardBits)
		for s, set := range sets {
			i, _ := slices.BinarySearch(set, lo)
			at[s] = int32(i)
		}
		vals := make([]uint32, 0, size)
		var buf []uint32
		for sh := first; sh < first+dfBlock; sh++ {
			if err := ctx.Err(); err != nil {
				return err
			}
			last := sh+1 == dfShards
			hi := uint32(sh+1) << (32 - dfShardBits) // 0 for the last shard: unused
			vals = vals[:0]
			for s, set := range sets {
				i := int(at[s])
				j := len(set)
				if !last {
					j = i
					for j < len(set) && set[j] < hi {
						j++
					}
				}
				vals = append(vals, set[i:j]...)
				at[s] = int32(j)
			}
			buf = sortHashesBuf(vals, buf)
			df.shards[sh] = countRuns(vals)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return df, nil
}

// countRuns returns the shard of vals, sorted: each value that occurs twice
// or more, with the number of times. Runs of equal values are counted
// twice: to size the shard exactly, then to fill it.
func countRuns(vals []uint32) dfShard {
	runs := func(yield func(h uint32, n int)) {
		for a := 0; a < len(vals); {
			b := a + 1
			for b < len(vals) && vals[b] == vals[a] {
				b++
			}
			if b-a >= 2 {
				yield(vals[a], b-a)
			}
			a = b
		}
	}
	n := 0
	runs(func(uint32, int) { n++ })
	keys, counts := make([]uint32, 0, n), make([]int32, 0, n)
	runs(func(h uint32, c int) {
		keys = append(keys, h)
		counts = append(counts, int32(c))
	})
	return newShard(keys, counts)
}

// Of returns the document frequency of shingle h when two sets or more hold
// it, and 0 otherwise.
func (d *DF) Of(h uint32) int32 {
	return d.shards[shardOf(h)].of(h)
}

// Linkable returns the shingles of set whose document frequency is at least
// 2 and at most common, and their document frequencies, in new slices of
// exactly their size (nil when none), since millions of them are kept.
func (d *DF) Linkable(set []uint32, common int) (hs []uint32, dfs []int32) {
	return LinkableOf(d.Of, set, common)
}

// NewDF returns the DF that gives each of keys (ascending, distinct) its
// count (each 1 or more: a slot of count 0 is a free one, so newShard
// takes counts of 1 as well as CountDF's 2 or more) and every other
// shingle 0: document frequencies counted elsewhere (a run with a history
// adds the nights' stored counts to tonight's), looked up as CountDF's
// are, which a Go map of them took longer to answer.
func NewDF(keys []uint32, counts []int32) *DF {
	df := &DF{shards: make([]dfShard, dfShards)}
	for a := 0; a < len(keys); {
		sh := shardOf(keys[a])
		b := a + 1
		for b < len(keys) && shardOf(keys[b]) == sh {
			b++
		}
		df.shards[sh] = newShard(keys[a:b], counts[a:b])
		a = b
	}
	return df
}

// LinkableOf is DF.Linkable with the document frequencies given by of: a
// run with a history adds the counts stored per night (see package
// history).
func LinkableOf(of func(h uint32) int32, set []uint32, common int) (hs []uint32, dfs []int32) {
	var buf [64]int32 // the frequencies of set, on the stack for most sentences
	all := buf[:0]
	n := 0
	for _, h := range set {
		f := of(h)
		if f >= 2 && int(f) <= common {
			n++
		}
		all = append(all, f)
	}
	if n == 0 {
		return nil, nil
	}
	hs, dfs = make([]uint32, 0, n), make([]int32, 0, n)
	for i, h := range set {
		if f := all[i]; f >= 2 && int(f) <= common {
			hs = append(hs, h)
			dfs = append(dfs, f)
		}
	}
	return hs, dfs
}

// OfDoc returns the whole-document shingle set of d: Doc.Shingles while the
// document holds it, else the union of its sentences' sets, which is the
// same set rebuilt.
func OfDoc(d *pipeline.Doc) []uint32 {
	if d.Shingles != nil {
		return d.Shingles
	}
	return unionOf(d.Sentences)
}

// unionOf returns the union of the sentences' shingle sets: the
// whole-document set, whether built first or rebuilt later. Its scratch
// comes from a pool, as verify, canonical and diff rebuild a set per
// document of a candidate pair or cluster on any goroutine, so that the
// set is the only allocation.
func unionOf(sents []pipeline.Sentence) []uint32 {
	u := unioners.Get().(*unioner)
	defer unioners.Put(u)
	return u.of(sents)
}

// unioners holds unionOf's scratch between calls: it changes no result.
var unioners = sync.Pool{New: func() any { return new(unioner) }}

// Stage adapts the package to the pipeline, one article at a time. It
// fills Sentence.Shingles, and Sentence.Linkable with the shingles that hold
// no name, for every sentence that is not structural boilerplate, and
// Doc.Shingles, and then drops every
// sentence's Text: from here on a sentence is its hashes, and the excerpt
// stage reads again the few texts the tables need.
type Stage struct{}

// Name implements pipeline.Stage.
func (Stage) Name() string { return "shingle" }

// Run implements pipeline.Stage.
func (s Stage) Run(ctx context.Context, st *pipeline.State, p pipeline.Progress) error {
	return pipeline.RunDocs(ctx, s, st, p)
}

// DocFunc implements pipeline.DocStage.
func (Stage) DocFunc(par pipeline.Params) (func(*pipeline.Doc) error, error) {
	k := par.ShingleSize
	// Scratch of the worker, reused from sentence to sentence and article
	// to article.
	var words sentenceWords
	var keys shingleKeys
	var union unioner
	return func(d *pipeline.Doc) error {
		d.FigureWords = nil
		for j := range d.Sentences {
			s := &d.Sentences[j]
			if !boilerplate.Structural(s.Boilerplate) {
				words.read(s.Text)
				s.Shingles, s.Linkable = keys.shingles(words.cap, words.hash, k)
				var set uint32
				if s.Figures, s.FigureCount, set = figures(words.fig, words.hash); s.FigureCount > 0 {
					d.FigureWords = append(d.FigureWords, pipeline.FigureWords{Sentence: s.Index, Hash: set})
				}
			}
			s.Text = ""
		}
		d.FigureWords = slices.Clip(d.FigureWords)
		d.Shingles = union.of(d.Sentences) // structural sentences hold no shingles
		return nil
	}, nil
}

// unioner is unionOf with buffers kept from one call to the next: the
// shingle stage's union of each article's sentences.
type unioner struct {
	all, tmp []uint32
}

// of returns unionOf(sents), in a slice of its own of exactly its length.
func (u *unioner) of(sents []pipeline.Sentence) []uint32 {
	u.all = u.all[:0]
	for i := range sents {
		u.all = append(u.all, sents[i].Shingles...)
	}
	if len(u.all) == 0 {
		return []uint32{} // as Union gives: empty, not nil
	}
	u.tmp = sortHashesBuf(u.all, u.tmp)
	return slices.Clone(slices.Compact(u.all))
}

// RarityStage counts in how many articles each shingle occurs and narrows
// Sentence.Linkable to the shingles rare enough to link articles, with
// their frequencies in LinkableDF, for content sentences (nil for the
// others): the part of the shingle stage that needs the whole corpus.
type RarityStage struct{}

// Name implements pipeline.Stage.
func (RarityStage) Name() string { return "rarity" }

// Run implements pipeline.Stage.
func (RarityStage) Run(ctx context.Context, st *pipeline.State, p pipeline.Progress) error {
	workers := st.Params.EffectiveWorkers()
	p.Start("rarity", len(st.Docs))
	sets := make([][]uint32, len(st.Docs))
	for i, d := range st.Docs {
		sets[i] = d.Shingles
	}
	df, err := CountDF(ctx, sets, workers)
	if err != nil {
		return err
	}
	common := st.Params.EffectiveCommonDF(len(st.Docs))
	st.Counts["common_df"] = common
	return pipeline.ForEach(ctx, len(st.Docs), workers, p, func(i int) error {
		for j := range st.Docs[i].Sentences {
			s := &st.Docs[i].Sentences[j]
			if s.Content() {
				s.Linkable, s.LinkableDF = df.Linkable(s.Linkable, common)
			} else {
				s.Linkable = nil
			}
		}
		return nil
	})
}

// Summary implements pipeline.Summarizer.
func (RarityStage) Summary(st *pipeline.State) string {
	return fmt.Sprintf("common-phrase limit %d articles", st.Counts["common_df"])
}
