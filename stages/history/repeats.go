package history

import (
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/dedupe/dedupe/internal/radix"
	"github.com/dedupe/dedupe/pipeline"
	"github.com/dedupe/dedupe/stages/boilerplate"
	"github.com/dedupe/dedupe/stages/write"
)

// RepeatsFile holds what a partition's articles give the repeats and
// spread stages (see Repeat), beside its articles.
const RepeatsFile = "repeats.bin"

// repeatsMagic opens a repeats file; the version is in it.
var repeatsMagic = [8]byte{'d', 'd', 'r', 'e', 'p', 0, 0, 1}

// repeatSize is the bytes of one Repeat in a RepeatsFile: Key (8),
// Cluster (8), Outlet (4), N with the content bit (4).
const repeatSize = 24

// contentBit marks, in a stored N, a group one of whose articles held
// the sentence as content once its night's spread stage had run.
const contentBit = 1 << 31

// Repeat is what the repeats stage (boilerplate.MarkRepeats) and the
// spread stage (boilerplate.MarkSpread) count of a sentence key, for the
// articles of a night that hold it and share an outlet and a cluster: how
// many they are (N: the key's KeyDF, and its holders by outlet, add them
// up), and whether one held it as content when the night's spread stage
// ran (Content: the spread stage counts the clusters of those). A night
// stores one per key, outlet and cluster its articles hold, sorted in that
// order, in its RepeatsFile.
type Repeat struct {
	Key     uint64 // pipeline.Sentence.Key
	Cluster uint64 // ClusterHash of the cluster id the articles were stored with
	Outlet  uint32 // boilerplate.OutletHash of their outlet
	N       uint32
	Content bool
}

// ClusterHash is the 64-bit hash by which a Repeat names a cluster id
// (FNV-1a).
func ClusterHash(id string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(id))
	return h.Sum64()
}

// Repeats returns the Repeats of docs, sorted: each article's distinct
// sentence keys, grouped by key, outlet and the cluster id clusterID
// gives the article. Save stores tonight's.
func Repeats(docs []*pipeline.Doc, clusterID func(i int) string) []Repeat {
	var out []Repeat
	seen := map[uint64]int{} // key -> its index in out for this article
	for i, d := range docs {
		clear(seen)
		c, o := ClusterHash(clusterID(i)), boilerplate.OutletHash(d.Outlet())
		for j := range d.Sentences {
			s := &d.Sentences[j]
			content := s.Content() || s.Boilerplate == pipeline.ReasonSpread
			if k, ok := seen[s.Key]; ok {
				out[k].Content = out[k].Content || content
				continue
			}
			seen[s.Key] = len(out)
			out = append(out, Repeat{Key: s.Key, Cluster: c, Outlet: o, N: 1, Content: content})
		}
	}
	// In compareRepeat's order: stable radix sorts by its last field
	// first (slices.SortFunc took 0.38 s of CPU at 50,000 articles).
	radix.Sort(out, func(r Repeat) uint64 { return r.Cluster }, 0)
	radix.Sort(out, func(r Repeat) uint64 { return uint64(r.Outlet) }, 0)
	radix.Sort(out, func(r Repeat) uint64 { return r.Key }, 0)
	merged := out[:0]
	for _, r := range out {
		if n := len(merged); n > 0 && compareRepeat(merged[n-1], r) == 0 {
			merged[n-1].N += r.N
			merged[n-1].Content = merged[n-1].Content || r.Content
			continue
		}
		merged = append(merged, r)
	}
	return merged
}

func compareRepeat(a, b Repeat) int {
	return cmp.Or(cmp.Compare(a.Key, b.Key), cmp.Compare(a.Outlet, b.Outlet), cmp.Compare(a.Cluster, b.Cluster))
}

// writeRepeats writes reps, sorted (see Repeats), to path, synced.
func writeRepeats(path string, reps []Repeat) error {
	buf := make([]byte, 0, 16+repeatSize*len(reps))
	buf = append(buf, repeatsMagic[:]...)
	buf = binary.LittleEndian.AppendUint64(buf, uint64(len(reps)))
	for _, r := range reps {
		n := r.N &^ contentBit
		if r.Content {
			n |= contentBit
		}
		buf = binary.LittleEndian.AppendUint64(buf, r.Key)
		buf = binary.LittleEndian.AppendUint64(buf, r.Cluster)
		buf = binary.LittleEndian.AppendUint32(buf, r.Outlet)
		buf = binary.LittleEndian.AppendUint32(buf, n)
	}
	return write.WriteFileSync(path, buf)
}

// errNoRepeats: a partition written before the repeats were stored.
var errNoRepeats = errors.New("no repeats file")

// readRepeats streams the repeats file at path, a merge join with need
// (ascending, without repeats), and appends to out the Repeats of need's
// keys, in the file's order, and to at the index in need of each one's key.
func readRepeats(path string, need []uint64, out []Repeat, at []int32) ([]Repeat, []int32, error) {
	f, n, err := openEntries(path, repeatsMagic)
	if errors.Is(err, os.ErrNotExist) {
		return out, at, errNoRepeats
	}
	if err != nil {
		return out, at, err
	}
	defer f.Close()
	// The loop is written out, not scanEntries' call per entry: a
	// night's file holds 194,000 entries at 10,000 articles, and every
	// night is read. The order is checked on the key, and on the rest
	// only when the key repeats.
	if len(need) == 0 {
		return out, at, nil
	}
	const block = 4096
	buf := make([]byte, repeatSize*block)
	var key, cluster uint64 // the entry before's
	var outlet uint32
	i, x := 0, need[0] // x is need[i], kept at hand
	for k := uint64(0); k < n; {
		b := buf[:repeatSize*min(n-k, block)]
		if _, err := io.ReadFull(f, b); err != nil {
			return out, at, fmt.Errorf("%s: %w", path, err)
		}
		for off := 0; off+repeatSize <= len(b); off += repeatSize {
			e := b[off : off+repeatSize : off+repeatSize]
			ky, c, o := binary.LittleEndian.Uint64(e[:8]), binary.LittleEndian.Uint64(e[8:16]), binary.LittleEndian.Uint32(e[16:20])
			if k > 0 && (ky < key || ky == key && cmp.Or(cmp.Compare(o, outlet), cmp.Compare(c, cluster)) <= 0) {
				return out, at, fmt.Errorf("%s: repeats out of order", path)
			}
			k++
			key, cluster, outlet = ky, c, o
			for x < ky {
				if i++; i == len(need) {
					return out, at, nil
				}
				x = need[i]
			}
			if x == ky {
				v := binary.LittleEndian.Uint32(e[20:])
				out = append(out, Repeat{Key: ky, Cluster: c, Outlet: o, N: v &^ contentBit, Content: v&contentBit != 0})
				at = append(at, int32(i))
			}
		}
	}
	return out, at, nil
}

// keyOutlet is a sentence key some loaded stored articles of one outlet
// hold, and how many of them.
type keyOutlet struct {
	key    uint64
	outlet uint32
	n      int32
}

// heldKeys returns the distinct sentence keys of docs, each article's
// once, ascending: keys, those some article counted says count holds,
// with how many (n); loaded, those of the others, by outlet (OutletHash),
// sorted by key then outlet. Each worker gathers a share of docs.
func heldKeys(ctx context.Context, docs []*pipeline.Doc, count func(*pipeline.Doc) bool, workers int) (keys []uint64, n []int32, loaded []keyOutlet, err error) {
	workers = max(1, min(workers, len(docs)))
	counted := make([][]uint64, workers)
	others := make([][]keyOutlet, workers)
	err = pipeline.ForEach(ctx, workers, workers, nil, func(w int) error {
		var own []uint64
		for _, d := range docs[w*len(docs)/workers : (w+1)*len(docs)/workers] {
			own = own[:0]
			for j := range d.Sentences {
				own = append(own, d.Sentences[j].Key)
			}
			slices.Sort(own)
			own = slices.Compact(own)
			if count(d) {
				counted[w] = append(counted[w], own...)
				continue
			}
			o := boilerplate.OutletHash(d.Outlet())
			for _, k := range own {
				others[w] = append(others[w], keyOutlet{key: k, outlet: o, n: 1})
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, nil, err
	}
	all := slices.Concat(counted...)
	radix.Sort(all, func(k uint64) uint64 { return k }, 0)
	for a := 0; a < len(all); {
		b := a + 1
		for b < len(all) && all[b] == all[a] {
			b++
		}
		keys, n = append(keys, all[a]), append(n, int32(b-a))
		a = b
	}
	pairs := slices.Concat(others...)
	radix.Sort(pairs, func(p keyOutlet) uint64 { return uint64(p.outlet) }, 0)
	radix.Sort(pairs, func(p keyOutlet) uint64 { return p.key }, 0)
	for _, p := range pairs {
		if m := len(loaded); m > 0 && loaded[m-1].key == p.key && loaded[m-1].outlet == p.outlet {
			loaded[m-1].n++
			continue
		}
		loaded = append(loaded, p)
	}
	return keys, n, loaded, nil
}

// storedRepeats is what the nights read stored of the sentence keys
// tonight's and the loaded articles hold: the Repeats of each key of need
// (ascending), reps[at[i]:at[i+1]] for need[i], in the nights' order and
// each night's file's, and their holders (N) added up by key (df).
type storedRepeats struct {
	need []uint64
	at   []int32
	reps []Repeat
	df   []int32
}

// groupRepeats returns the Repeats of the runs (read by readRepeats with
// need, with the index in need of each one's key, ats) grouped by key: a
// counting sort on the index, where merging the nights' runs, sorted
// whole, took 0.72 s of CPU at 50,000 against 30 nights. Within a key
// they are in the runs' order; what reads them (the holders of a key by
// outlet, the clusters holding it as content) does not depend on it.
func groupRepeats(need []uint64, runs [][]Repeat, ats [][]int32) storedRepeats {
	s := storedRepeats{need: need, at: make([]int32, len(need)+1), df: make([]int32, len(need))}
	for r, run := range runs {
		for j, i := range ats[r] {
			s.at[i+1]++
			s.df[i] += int32(run[j].N)
		}
	}
	for i := range need {
		s.at[i+1] += s.at[i]
	}
	s.reps = make([]Repeat, s.at[len(need)])
	next := slices.Clone(s.at[:len(need)])
	for r, run := range runs {
		for j, i := range ats[r] {
			s.reps[next[i]] = run[j]
			next[i]++
		}
	}
	return s
}

// of returns the stored Repeats of key.
func (s *storedRepeats) of(key uint64) []Repeat {
	i, ok := slices.BinarySearch(s.need, key)
	if !ok {
		return nil
	}
	return s.reps[s.at[i]:s.at[i+1]]
}

// RepeatsStage is boilerplate.EdgeStage (the repeats stage) in a run with a
// history: a sentence key's KeyDF, and its holders by outlet, are counted
// over tonight's articles plus each night read's stored Repeats, over all
// of its articles, loaded tonight or not, so they are those of a run over
// the history and tonight together. Of the stored articles that hold a
// key but were not loaded, only their outlet is known, not their
// sentences: boilerplate.SharedLeadsSeeing says what it makes of them. A
// night stored without Repeats was read whole, and its articles are
// counted as tonight's. The stored Repeats of the keys counted at
// boilerplate.RepeatDF or more are kept for SpreadStage.
type RepeatsStage struct{ Night *Night }

// Name implements pipeline.Stage.
func (RepeatsStage) Name() string { return boilerplate.EdgeStage{}.Name() }

// Summary implements pipeline.Summarizer.
func (RepeatsStage) Summary(st *pipeline.State) string { return boilerplate.EdgeStage{}.Summary(st) }

// Run implements pipeline.Stage.
func (r RepeatsStage) Run(ctx context.Context, st *pipeline.State, p pipeline.Progress) error {
	n := r.Night
	workers := st.Params.EffectiveWorkers()
	counted := func(d *pipeline.Doc) bool { return d.Past == nil || n.whole[d.Past.Night] }
	// The keys of tonight's articles (and of the nights read whole),
	// counted; those of the loaded stored articles, which their nights'
	// Repeats count, by outlet.
	keys, held, loaded, err := heldKeys(ctx, st.Docs, counted, workers)
	if err != nil {
		return err
	}
	var loadedKeys []uint64
	for _, l := range loaded {
		if m := len(loadedKeys); m == 0 || loadedKeys[m-1] != l.key {
			loadedKeys = append(loadedKeys, l.key)
		}
	}
	need := union(keys, loadedKeys)
	// Each night's file, on the workers, gives the Repeats of need's keys
	// and where in need each key is; they are grouped by key after.
	parts, _ := n.dfNights()
	runs := make([][]Repeat, len(parts))
	ats := make([][]int32, len(parts))
	err = pipeline.ForEach(ctx, len(parts), workers, nil, func(i int) error {
		part := parts[i]
		path := filepath.Join(n.Store.Dir(), filepath.FromSlash(part.Dir), RepeatsFile)
		var err error
		if runs[i], ats[i], err = readRepeats(path, need, nil, nil); err != nil {
			if errors.Is(err, errNoRepeats) {
				err = fmt.Errorf("night %s has keys but no %s", part.Night, RepeatsFile)
			}
			return fmt.Errorf("history %s: %w", n.Store.Dir(), err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	stored := groupRepeats(need, runs, ats)
	runs, ats = nil, nil
	// A key's KeyDF: its holders tonight (and in the nights read whole)
	// and in the nights' Repeats; MarkRepeats takes those of 2 or more.
	total := stored.df
	j := 0
	for i, k := range need {
		if j < len(keys) && keys[j] == k {
			total[i] += held[j]
			j++
		}
	}
	df := map[uint64]int32{}
	for i, c := range total {
		if c >= 2 {
			df[need[i]] = c
		}
	}
	unseen := func(key uint64) map[uint32]int {
		var u map[uint32]int
		for _, rep := range stored.of(key) {
			if u == nil {
				u = map[uint32]int{}
			}
			u[rep.Outlet] += int(rep.N)
		}
		if u == nil {
			return nil
		}
		l, _ := slices.BinarySearchFunc(loaded, key, func(l keyOutlet, k uint64) int { return cmp.Compare(l.key, k) })
		for ; l < len(loaded) && loaded[l].key == key; l++ {
			if c, ok := u[loaded[l].outlet]; ok {
				if c -= int(loaded[l].n); c > 0 {
					u[loaded[l].outlet] = c
				} else {
					delete(u, loaded[l].outlet)
				}
			}
		}
		return u
	}
	n.repeats = nil
	for i, k := range need {
		if int(df[k]) < st.Params.RepeatDF {
			continue
		}
		for _, rep := range stored.reps[stored.at[i]:stored.at[i+1]] {
			if rep.Content {
				n.repeats = append(n.repeats, rep)
			}
		}
	}
	return boilerplate.MarkRepeats(ctx, st, p, df, unseen)
}

// SpreadStage is boilerplate.SpreadStage in a run with a history: a key
// held as content by boilerplate.RepeatDF articles or more is spread when
// those of tonight and the Repeats stored by the nights read (kept by
// RepeatsStage) name two clusters or more. A stored article counts in the
// cluster it was stored with, followed through the merges recorded and
// tonight's; it is counted through its night's Repeats, whether loaded
// tonight or not, and as its night decided (content or not), not as
// tonight's clustering of the loaded ones does.
type SpreadStage struct{ Night *Night }

// Name implements pipeline.Stage.
func (SpreadStage) Name() string { return boilerplate.SpreadStage{}.Name() }

// Run implements pipeline.Stage.
func (s SpreadStage) Run(ctx context.Context, st *pipeline.State, _ pipeline.Progress) error {
	n := s.Night
	res := NewResolver(append(slices.Clone(n.merges), st.Merges...))
	resolved := map[uint64]uint64{}
	for id := range res {
		resolved[ClusterHash(id)] = ClusterHash(res.Resolve(id))
	}
	resolve := func(h uint64) uint64 {
		if r, ok := resolved[h]; ok {
			return r
		}
		return h
	}
	clusterOf := make([]uint64, len(st.Docs))
	for _, c := range st.Clusters {
		h := ClusterHash(c.ID)
		for _, m := range c.Members {
			clusterOf[m] = h
		}
	}
	first := map[uint64]uint64{}
	spread := map[uint64]bool{}
	see := func(key, cluster uint64) {
		c, seen := first[key]
		switch {
		case !seen:
			first[key] = cluster
		case c != cluster:
			spread[key] = true
		}
	}
	for di, d := range st.Docs {
		if d.Past != nil && !n.whole[d.Past.Night] {
			continue // counted through its night's Repeats
		}
		c := clusterOf[di]
		if d.Past != nil {
			c = ClusterHash(res.Resolve(d.Past.ClusterID))
		}
		for _, s := range d.Sentences {
			if s.Content() && int(s.KeyDF) >= st.Params.RepeatDF {
				see(s.Key, c)
			}
		}
	}
	for _, rep := range n.repeats {
		see(rep.Key, resolve(rep.Cluster))
	}
	n.repeats = nil
	boilerplate.MarkSpreadKeys(st.Docs, spread)
	return ctx.Err()
}
