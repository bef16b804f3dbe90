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
	slices.SortFunc(out, compareRepeat)
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

// mergeRepeats returns the Repeats of runs, each sorted (compareRepeat),
// in one run sorted likewise, ties in the order of the runs: two runs at
// a time, as a merge sort's last rounds, the merges of a round on up to
// workers goroutines.
func mergeRepeats(ctx context.Context, runs [][]Repeat, workers int) ([]Repeat, error) {
	runs = slices.DeleteFunc(slices.Clone(runs), func(r []Repeat) bool { return len(r) == 0 })
	for len(runs) > 1 {
		next := make([][]Repeat, (len(runs)+1)/2)
		err := pipeline.ForEach(ctx, len(next), workers, nil, func(i int) error {
			if 2*i+1 == len(runs) {
				next[i] = runs[2*i]
				return nil
			}
			a, b := runs[2*i], runs[2*i+1]
			m := make([]Repeat, 0, len(a)+len(b))
			for len(a) > 0 && len(b) > 0 {
				if x, y := b[0], a[0]; x.Key < y.Key || x.Key == y.Key && compareRepeat(x, y) < 0 {
					m = append(m, x)
					b = b[1:]
				} else {
					m = append(m, y)
					a = a[1:]
				}
			}
			next[i] = append(append(m, a...), b...)
			return nil
		})
		if err != nil {
			return nil, err
		}
		runs = next
	}
	if len(runs) == 0 {
		return nil, nil
	}
	return runs[0], nil
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
// keys.
func readRepeats(path string, need []uint64, out []Repeat) ([]Repeat, error) {
	f, n, err := openEntries(path, repeatsMagic)
	if errors.Is(err, os.ErrNotExist) {
		return out, errNoRepeats
	}
	if err != nil {
		return out, err
	}
	defer f.Close()
	// The loop is written out, not scanEntries' call per entry: a
	// night's file holds 194,000 entries at 10,000 articles, and every
	// night is read. The order is checked on the key, and on the rest
	// only when the key repeats.
	const block = 4096
	buf := make([]byte, repeatSize*block)
	var prev Repeat
	for k := uint64(0); k < n && len(need) > 0; {
		b := buf[:repeatSize*min(n-k, block)]
		if _, err := io.ReadFull(f, b); err != nil {
			return out, fmt.Errorf("%s: %w", path, err)
		}
		for off := 0; off+repeatSize <= len(b); off += repeatSize {
			e := b[off : off+repeatSize]
			rep := Repeat{Key: binary.LittleEndian.Uint64(e[:8]), Cluster: binary.LittleEndian.Uint64(e[8:16]),
				Outlet: binary.LittleEndian.Uint32(e[16:20])}
			if k > 0 && (rep.Key < prev.Key || rep.Key == prev.Key && compareRepeat(prev, rep) >= 0) {
				return out, fmt.Errorf("%s: repeats out of order", path)
			}
			k++
			for len(need) > 0 && need[0] < rep.Key {
				need = need[1:]
			}
			if len(need) == 0 {
				return out, nil
			}
			if need[0] == rep.Key {
				v := binary.LittleEndian.Uint32(e[20:])
				rep.N, rep.Content = v&^contentBit, v&contentBit != 0
				out = append(out, rep)
			}
			prev = rep
		}
	}
	return out, nil
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
	counted := func(d *pipeline.Doc) bool { return d.Past == nil || n.whole[d.Past.Night] }
	df := map[uint64]int32{}
	type keyOutlet struct {
		key    uint64
		outlet uint32
	}
	loaded := map[keyOutlet]int{} // stored, loaded and counted in the stored Repeats
	var need []uint64
	seen := map[uint64]bool{}
	for _, d := range st.Docs {
		clear(seen)
		o := uint32(0)
		if !counted(d) {
			o = boilerplate.OutletHash(d.Outlet())
		}
		for j := range d.Sentences {
			k := d.Sentences[j].Key
			if seen[k] {
				continue
			}
			seen[k] = true
			need = append(need, k)
			if counted(d) {
				df[k]++
			} else {
				loaded[keyOutlet{k, o}]++
			}
		}
	}
	radix.Sort(need, func(k uint64) uint64 { return k }, 0)
	need = slices.Compact(need)
	// Each night's file, on the workers, gives a run sorted as the file
	// is; the runs are merged, where sorting them together took 0.30 s
	// of CPU at 10,000 against 29 nights.
	parts, _ := n.dfNights()
	runs := make([][]Repeat, len(parts))
	err := pipeline.ForEach(ctx, len(parts), st.Params.EffectiveWorkers(), nil, func(i int) error {
		part := parts[i]
		path := filepath.Join(n.Store.Dir(), filepath.FromSlash(part.Dir), RepeatsFile)
		var err error
		if runs[i], err = readRepeats(path, need, nil); err != nil {
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
	stored, err := mergeRepeats(ctx, runs, st.Params.EffectiveWorkers())
	if err != nil {
		return err
	}
	for _, rep := range stored {
		df[rep.Key] += int32(rep.N)
	}
	for k, c := range df {
		if c < 2 {
			delete(df, k)
		}
	}
	unseen := func(key uint64) map[uint32]int {
		i, _ := slices.BinarySearchFunc(stored, key, func(r Repeat, k uint64) int { return cmp.Compare(r.Key, k) })
		var u map[uint32]int
		for ; i < len(stored) && stored[i].Key == key; i++ {
			if u == nil {
				u = map[uint32]int{}
			}
			u[stored[i].Outlet] += int(stored[i].N)
		}
		for o, c := range u {
			if c -= loaded[keyOutlet{key, o}]; c > 0 {
				u[o] = c
			} else {
				delete(u, o)
			}
		}
		return u
	}
	// A copy: unseen searches stored, which DeleteFunc would compact and
	// zero in place, while MarkRepeats still calls it.
	n.repeats = slices.DeleteFunc(slices.Clone(stored), func(rep Repeat) bool {
		return !rep.Content || int(df[rep.Key]) < st.Params.RepeatDF
	})
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
