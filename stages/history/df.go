package history

import (
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/dedupe/dedupe/internal/radix"
	"github.com/dedupe/dedupe/pipeline"
	"github.com/dedupe/dedupe/stages/shingle"
	"github.com/dedupe/dedupe/stages/write"
)

// DFFile holds a partition's shingle document frequencies (see Counts),
// beside its articles.
const DFFile = "df.bin"

// dfMagic opens a DF file; the version is in it.
var dfMagic = [8]byte{'d', 'd', 'd', 'f', 0, 0, 0, 1}

// Counts is, for each shingle some article of a set holds (Keys,
// ascending), in how many of them it occurs (N).
type Counts struct {
	Keys []uint32
	N    []uint32
}

// CountSets counts the shingles of sets, each a sorted set.
func CountSets(sets [][]uint32) Counts {
	total := 0
	for _, s := range sets {
		total += len(s)
	}
	all := make([]uint32, 0, total)
	for _, s := range sets {
		all = append(all, s...)
	}
	radix.Sort(all, func(h uint32) uint64 { return uint64(h) }, 0)
	var c Counts
	for a := 0; a < len(all); {
		b := a + 1
		for b < len(all) && all[b] == all[a] {
			b++
		}
		c.Keys = append(c.Keys, all[a])
		c.N = append(c.N, uint32(b-a))
		a = b
	}
	return c
}

// countSetsOn is CountSets, the sets counted in up to workers parts at
// once, whose counts are then merged.
func countSetsOn(ctx context.Context, sets [][]uint32, workers int) (Counts, error) {
	workers = max(1, min(workers, len(sets)))
	parts := make([]Counts, workers)
	err := pipeline.ForEach(ctx, workers, workers, nil, func(i int) error {
		parts[i] = CountSets(sets[i*len(sets)/workers : (i+1)*len(sets)/workers])
		return nil
	})
	if err != nil {
		return Counts{}, err
	}
	c := parts[0]
	for _, p := range parts[1:] {
		c = mergeCounts(c, p)
	}
	return c, nil
}

// setUnion returns the shingles of sets (each ascending), ascending,
// without repeats: each worker takes the union of a share of sets
// (shingle.Union), and the shares are merged.
func setUnion(ctx context.Context, sets [][]uint32, workers int) ([]uint32, error) {
	workers = max(1, min(workers, len(sets)))
	shares := make([][]uint32, workers)
	err := pipeline.ForEach(ctx, workers, workers, nil, func(w int) error {
		shares[w] = shingle.Union(sets[w*len(sets)/workers : (w+1)*len(sets)/workers]...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	set := shares[0]
	for _, sh := range shares[1:] {
		set = union(set, sh)
	}
	return set, nil
}

// mergeCounts returns the counts of a and b added.
func mergeCounts(a, b Counts) Counts {
	c := Counts{Keys: make([]uint32, 0, len(a.Keys)+len(b.Keys)), N: make([]uint32, 0, len(a.Keys)+len(b.Keys))}
	i, j := 0, 0
	for i < len(a.Keys) && j < len(b.Keys) {
		switch x, y := a.Keys[i], b.Keys[j]; {
		case x < y:
			c.Keys, c.N = append(c.Keys, x), append(c.N, a.N[i])
			i++
		case y < x:
			c.Keys, c.N = append(c.Keys, y), append(c.N, b.N[j])
			j++
		default:
			c.Keys, c.N = append(c.Keys, x), append(c.N, a.N[i]+b.N[j])
			i++
			j++
		}
	}
	c.Keys, c.N = append(c.Keys, a.Keys[i:]...), append(c.N, a.N[i:]...)
	c.Keys, c.N = append(c.Keys, b.Keys[j:]...), append(c.N, b.N[j:]...)
	return c
}

// addTo adds c's counts of the shingles of need (ascending) to sum.
func (c Counts) addTo(need []uint32, sum []int32) {
	i := 0
	for k, h := range c.Keys {
		for i < len(need) && need[i] < h {
			i++
		}
		if i == len(need) {
			return
		}
		if need[i] == h {
			sum[i] += int32(c.N[k])
		}
	}
}

// writeDF writes c to path, synced.
func writeDF(path string, c Counts) error {
	buf := make([]byte, 0, 16+8*len(c.Keys))
	buf = append(buf, dfMagic[:]...)
	buf = binary.LittleEndian.AppendUint64(buf, uint64(len(c.Keys)))
	for i, k := range c.Keys {
		buf = binary.LittleEndian.AppendUint32(buf, k)
		buf = binary.LittleEndian.AppendUint32(buf, c.N[i])
	}
	return write.WriteFileSync(path, buf)
}

// addStoredDF streams the DF file at path, a merge join with need
// (ascending), adding its counts of need's shingles to sum. The loop is
// written out, not scanEntries' call per entry: a night's file holds
// 1.6 million entries at 10,000 articles. When need is much shorter than
// the file (the rarity stage's shingles that none of tonight's articles
// holds: 222,441 against a night's 1.6 million), the walk is about as
// fast: looking each shingle up in the file's blocks was no faster
// (BenchmarkStoredDF), nor was a merge without branches when need is as
// long as the file.
func addStoredDF(path string, need []uint32, sum []int32) error {
	f, n, err := openEntries(path, dfMagic)
	if err != nil {
		return err
	}
	defer f.Close()
	if len(need) == 0 {
		return nil
	}
	sum = sum[:len(need)]
	const block = 4096
	buf := make([]byte, 8*block)
	i, k := 0, uint64(0)
	x := need[0]      // need[i], kept at hand
	prev := int64(-1) // the shingle before, none at first
	for k < n {
		b := buf[:8*min(n-k, block)]
		if _, err := io.ReadFull(f, b); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		k += uint64(len(b) / 8)
		for off := 0; off+8 <= len(b); off += 8 {
			e := b[off : off+8 : off+8]
			h := binary.LittleEndian.Uint32(e)
			if int64(h) <= prev {
				return fmt.Errorf("%s: shingles out of order", path)
			}
			prev = int64(h)
			for x < h {
				if i++; i == len(need) {
					return nil
				}
				x = need[i]
			}
			if x == h {
				sum[i] += int32(binary.LittleEndian.Uint32(e[4:]))
			}
		}
	}
	return nil
}

// addNightsDF adds to sum the counts of need's shingles (ascending) that
// the DFFile of each of parts holds (see addStoredDF), a pass over each
// night's file, the nights shared among up to workers goroutines. A night
// without a DFFile is skipped when missingOK, else refused.
func (n *Night) addNightsDF(ctx context.Context, parts []Partition, need []uint32, sum []int32, missingOK bool, workers int) error {
	workers = max(1, min(workers, len(parts)))
	// A sum for each goroutine, handed out through a channel: ForEach
	// runs at most workers calls at once.
	sums := make(chan []int32, workers)
	sums <- sum
	for range workers - 1 {
		sums <- make([]int32, len(sum))
	}
	err := pipeline.ForEach(ctx, len(parts), workers, nil, func(i int) error {
		s := <-sums
		defer func() { sums <- s }()
		part := parts[i]
		path := filepath.Join(n.Store.Dir(), filepath.FromSlash(part.Dir), DFFile)
		err := addStoredDF(path, need, s)
		switch {
		case errors.Is(err, os.ErrNotExist) && missingOK:
		case errors.Is(err, os.ErrNotExist):
			return fmt.Errorf("history %s: night %s has keys but no %s", n.Store.Dir(), part.Night, DFFile)
		case err != nil:
			return fmt.Errorf("history %s: night %s: %w", n.Store.Dir(), part.Night, err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for range workers {
		s := <-sums
		if len(s) == 0 || &s[0] == &sum[0] {
			continue
		}
		for i, c := range s {
			sum[i] += c
		}
	}
	return nil
}

// counted returns the nights read whose DFFile counts their articles,
// and those read whole (stored without keys or Repeats), whose articles
// are all loaded and counted as tonight's by Rarity.
func (n *Night) dfNights() (counted, whole []Partition) {
	for _, part := range n.read {
		if n.whole[part.Night] {
			whole = append(whole, part)
		} else {
			counted = append(counted, part)
		}
	}
	return counted, whole
}

// storeDF reads, from the DFFile of each night not read whole, the
// counts of keys (ascending: the shingles tonight's articles hold and
// those the probe asks for) and keeps them for Rarity, which then reads
// the nights again only for the shingles none of tonight's articles
// holds (see rarityDF): each night's file was read in full twice, by the
// probe and by Rarity.
func (n *Night) storeDF(ctx context.Context, keys []uint32, workers int) error {
	counted, _ := n.dfNights()
	stored := make([]int32, len(keys))
	if err := n.addNightsDF(ctx, counted, keys, stored, false, workers); err != nil {
		return err
	}
	n.dfKeys, n.dfStored = keys, stored
	return nil
}

// probeDF returns the document frequency of each shingle of need
// (ascending) as the probe takes it: its count among tonight's articles
// (n.df) and in the DFFile of each night read, a night read whole
// included when it has one. It keeps the stored counts of every shingle
// tonight's articles hold (see storeDF), not only of those asked for
// here: Rarity asks for most of them again.
func (n *Night) probeDF(ctx context.Context, need []uint32, workers int) ([]int32, error) {
	if err := n.storeDF(ctx, union(n.df.Keys, need), workers); err != nil {
		return nil, err
	}
	sum := make([]int32, len(need))
	n.df.addTo(need, sum)
	j := 0
	for i, h := range need {
		for n.dfKeys[j] < h {
			j++
		}
		sum[i] += n.dfStored[j]
	}
	_, whole := n.dfNights()
	if err := n.addNightsDF(ctx, whole, need, sum, true, workers); err != nil {
		return nil, err
	}
	return sum, nil
}

// rarityDF returns the document frequency of each shingle of need
// (ascending) as Rarity takes it: its count among tonight's articles
// (n.df), among whole, the articles of the nights read whole, and in
// the DFFile of each other night read, the last taken from what storeDF
// kept where it holds the shingle, and else from the files.
func (n *Night) rarityDF(ctx context.Context, need []uint32, whole [][]uint32, workers int) ([]int32, error) {
	sum := make([]int32, len(need))
	n.df.addTo(need, sum)
	CountSets(whole).addTo(need, sum)
	var rest []uint32 // the shingles storeDF did not count
	var at []int      // their index in need
	j := 0
	for i, h := range need {
		for j < len(n.dfKeys) && n.dfKeys[j] < h {
			j++
		}
		if j < len(n.dfKeys) && n.dfKeys[j] == h {
			sum[i] += n.dfStored[j]
			continue
		}
		rest = append(rest, h)
		at = append(at, i)
	}
	counted, _ := n.dfNights()
	restSum := make([]int32, len(rest))
	if err := n.addNightsDF(ctx, counted, rest, restSum, false, workers); err != nil {
		return nil, err
	}
	for k, i := range at {
		sum[i] += restSum[k]
	}
	return sum, nil
}

// linkableDF returns the document frequencies sum of the shingles of
// need (ascending) counted 2 to common times, those LinkableOf keeps, for
// it to look up: a few of need, which it answers faster than a search of
// need, and, as shingle.DF, than a Go map of them (those lookups took
// 0.54 s of CPU, and making the map 0.17 s, in a profile of 10,000
// against 29 nights).
func linkableDF(need []uint32, sum []int32, common int) *shingle.DF {
	var keys []uint32
	var counts []int32
	for i, f := range sum {
		if f >= 2 && int(f) <= common {
			keys, counts = append(keys, need[i]), append(counts, f)
		}
	}
	return shingle.NewDF(keys, counts)
}

// union returns the values of a and b (each ascending, without repeats),
// ascending, without repeats: a itself when it holds all of b.
func union[T cmp.Ordered](a, b []T) []T {
	if len(b) == 0 || len(a) == len(b) && &a[0] == &b[0] {
		return a // the probe asks for tonight's shingles themselves
	}
	out := make([]T, 0, len(a))
	i, j, extra := 0, 0, false
	for i < len(a) || j < len(b) {
		switch {
		case j == len(b) || (i < len(a) && a[i] < b[j]):
			out = append(out, a[i])
			i++
		case i == len(a) || b[j] < a[i]:
			out = append(out, b[j])
			j++
			extra = true
		default:
			out = append(out, a[i])
			i++
			j++
		}
	}
	if !extra {
		return a
	}
	return out
}

// Rarity is shingle.RarityStage in a run with a history: a shingle's
// document frequency is its count among tonight's articles plus the
// counts each night read stored (its DFFile) over all of its articles,
// loaded tonight or not, so it is the one a run over the history and
// tonight together would count; the common-phrase limit is taken over
// as many articles. A night stored without counts was read whole, and
// its articles are counted as tonight's. Tonight's counts, which Source
// took for its probe, are kept for Save to store.
type Rarity struct{ Night *Night }

// Name implements pipeline.Stage.
func (Rarity) Name() string { return "rarity" }

// Run implements pipeline.Stage.
func (r Rarity) Run(ctx context.Context, st *pipeline.State, p pipeline.Progress) error {
	n := r.Night
	p.Start("rarity", len(st.Docs))
	var tonight, loaded, whole [][]uint32
	for _, d := range st.Docs {
		if d.Past == nil {
			tonight = append(tonight, d.Shingles)
			continue
		}
		loaded = append(loaded, d.Shingles)
		if n.whole[d.Past.Night] {
			whole = append(whole, d.Shingles)
		}
	}
	if !n.counted {
		// Source counted them with the probe, unless it did not run.
		n.df, n.counted = CountSets(tonight), true
	}
	// The shingles whose counts are asked for below: every shingle an
	// article holds, which tonight's counts list already, and a content
	// sentence's Linkable are among them. Gathering those of the content
	// sentences alone, of every article, took longer than the loaded
	// articles' sets (see Night.probe).
	held, err := setUnion(ctx, loaded, st.Params.EffectiveWorkers())
	if err != nil {
		return err
	}
	need := union(n.df.Keys, held)
	sum, err := n.rarityDF(ctx, need, whole, st.Params.EffectiveWorkers())
	if err != nil {
		return err
	}
	articles := len(st.Docs) - st.Counts["history_articles"] + st.Counts["history_stored"]
	common := st.Params.EffectiveCommonDF(articles)
	of := linkableDF(need, sum, common).Of
	st.Counts["common_df"] = common
	n.dfKeys, n.dfStored = nil, nil // read by no later stage
	return pipeline.ForEach(ctx, len(st.Docs), st.Params.EffectiveWorkers(), p, func(i int) error {
		for j := range st.Docs[i].Sentences {
			s := &st.Docs[i].Sentences[j]
			if s.Content() {
				s.Linkable, s.LinkableDF = shingle.LinkableOf(of, s.Linkable, common)
			} else {
				s.Linkable = nil
			}
		}
		return nil
	})
}

// Summary implements pipeline.Summarizer.
func (Rarity) Summary(st *pipeline.State) string {
	return shingle.RarityStage{}.Summary(st)
}
