package history

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

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
	slices.Sort(all)
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
// 1.6 million entries at 10,000 articles, and every night read is
// passed twice (by the probe and the rarity stage).
func addStoredDF(path string, need []uint32, sum []int32) error {
	f, n, err := openEntries(path, dfMagic)
	if err != nil {
		return err
	}
	defer f.Close()
	const block = 4096
	buf := make([]byte, 8*block)
	i, k := 0, uint64(0)
	var prev uint32
	for k < n && i < len(need) {
		b := buf[:8*min(n-k, block)]
		if _, err := io.ReadFull(f, b); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		for off := 0; off+8 <= len(b); off += 8 {
			h := binary.LittleEndian.Uint32(b[off:])
			if k > 0 && h <= prev {
				return fmt.Errorf("%s: shingles out of order", path)
			}
			k++
			prev = h
			for i < len(need) && need[i] < h {
				i++
			}
			if i == len(need) {
				return nil
			}
			if need[i] == h {
				sum[i] += int32(binary.LittleEndian.Uint32(b[off+4:]))
			}
		}
	}
	return nil
}

// addNightsDF adds to sum the counts of need's shingles (ascending) that
// the DFFile of each of parts holds (see addStoredDF), a pass over each
// night's file. A night without a DFFile is skipped when missingOK, else
// refused.
func (n *Night) addNightsDF(ctx context.Context, parts []Partition, need []uint32, sum []int32, missingOK bool) error {
	for _, part := range parts {
		path := filepath.Join(n.Store.Dir(), filepath.FromSlash(part.Dir), DFFile)
		err := addStoredDF(path, need, sum)
		switch {
		case errors.Is(err, os.ErrNotExist) && missingOK:
		case errors.Is(err, os.ErrNotExist):
			return fmt.Errorf("history %s: night %s has keys but no %s", n.Store.Dir(), part.Night, DFFile)
		case err != nil:
			return fmt.Errorf("history %s: night %s: %w", n.Store.Dir(), part.Night, err)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	return nil
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
	var tonight, whole [][]uint32
	var need []uint32 // the shingles whose counts are asked for below
	for _, d := range st.Docs {
		switch {
		case d.Past == nil:
			tonight = append(tonight, d.Shingles)
		case n.whole[d.Past.Night]:
			whole = append(whole, d.Shingles)
		}
		for j := range d.Sentences {
			if s := &d.Sentences[j]; s.Content() {
				need = append(need, s.Linkable...)
			}
		}
	}
	if !n.counted {
		// Source counted them with the probe, unless it did not run.
		n.df, n.counted = CountSets(tonight), true
	}
	slices.Sort(need)
	need = slices.Compact(need)
	sum := make([]int32, len(need))
	n.df.addTo(need, sum)
	CountSets(whole).addTo(need, sum)
	var parts []Partition
	for _, part := range n.read {
		if !n.whole[part.Night] {
			parts = append(parts, part)
		}
	}
	if err := n.addNightsDF(ctx, parts, need, sum, false); err != nil {
		return err
	}
	articles := len(st.Docs) - st.Counts["history_articles"] + st.Counts["history_stored"]
	common := st.Params.EffectiveCommonDF(articles)
	// LinkableOf keeps the shingles counted 2 to common times only: a map
	// of those (a few of need) answers it faster than a search of need.
	linkable := map[uint32]int32{}
	for i, f := range sum {
		if f >= 2 && int(f) <= common {
			linkable[need[i]] = f
		}
	}
	of := func(h uint32) int32 { return linkable[h] }
	st.Counts["common_df"] = common
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
