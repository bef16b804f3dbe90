package history

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/dedupe/dedupe/internal/radix"
	"github.com/dedupe/dedupe/pipeline"
	"github.com/dedupe/dedupe/stages/shingle"
	"github.com/dedupe/dedupe/stages/write"
)

// Night is one night's use of a history, shared by the stages of a run
// with one (see stages.Nightly): which nights it reads, and what it stages
// for its commit.
type Night struct {
	Store *Store
	Name  string // tonight, YYYY-MM-DD
	Days  int    // nights kept, tonight included (--history-days)

	read    []Partition      // the kept nights before tonight
	merges  []pipeline.Merge // recorded by the nights read
	staging *Staging         // tonight's partition, begun by stageKeys
	keying  chan struct{}    // closed when stageKeys' files are written
	keyErr  error            // why they were not
	staged  Partition        // tonight's partition, once Save has written it
	saving  chan struct{}    // closed when the partition Save started is written
	saveErr error            // why it was not
	saveFor time.Duration    // how long writing it took
	commit  bool             // Commit was reached: Close leaves the partition

	mu      sync.Mutex
	records map[*pipeline.Doc][]byte       // tonight's, kept by Capture for Save
	keys    map[*pipeline.Doc]sentenceKeys // tonight's band keys, kept by Capture

	// unloaded holds, for each article of the nights read that no key
	// of tonight's touched, the cluster id it was stored with: they are
	// not loaded, but count in their cluster's size. A list, not counts
	// by id: at 50,000 against 30 nights, a map of the million ids took
	// 0.75 s to fill, where Assign looks up few of them.
	unloaded []string
	whole    map[string]bool // the nights read whole, stored without keys
	df       Counts          // tonight's shingle counts, kept by probe for Rarity and Save
	dfKeys   []uint32        // the shingles storeDF counted in the nights read, ascending
	dfStored []int32         // their counts there, by dfKeys, for Rarity
	counted  bool            // df is counted
	repeats  []Repeat        // the stored Repeats SpreadStage counts, kept by RepeatsStage
}

// TouchKeys is how many band keys a stored article must share with
// tonight's (those Night.probe probes with) for its stored cluster to be
// loaded: a sentence rewritten or carried shares several of the passage
// channel's 12 bands, a chance collision one. Loading a touched article's
// whole cluster lets the cluster stage see the story it belongs to: with
// the touched articles alone, a stock passage tonight shares with one of
// them could not be told for a bridge (see package cluster), and
// tonight's story was glued to the old one. On the equivalence test
// (4,000 articles, 7 nights): F1 0.9861 loading the articles sharing a
// key without their clusters; with their clusters, 0.9939 (1,796 loaded
// on the last night) from 1 key, 0.9938 (984) from 2, 0.9933 (842) from
// 3, 0.9928 (661) from 6, 0.9915 (628) from 12; 11 nights of 10,000 and
// 10,000 tonight load 48,504 of the 110,000 from 3, 14,445 from 6, 5,866
// from 12. But from 6 the seeds' rewrites (TestHistoryTwoNights), which
// reword their sentences more than the bench's, no longer reach their
// story of the night before.
const TouchKeys = 3

// sentenceKeys is one article's band keys, each with the sentence it is a
// key of (see Keyer.SentenceKeys).
type sentenceKeys struct {
	keys []uint64
	from []int32
}

// sorted returns the article's keys sorted and without repeats, as
// Keyer.DocKeys gives them.
func (k sentenceKeys) sorted() []uint64 {
	keys := slices.Clone(k.keys)
	slices.Sort(keys)
	return slices.Compact(keys)
}

// NewNight plans tonight's run on store: it refuses a night older than the
// newest stored one unless force is set (see Store.Plan).
func NewNight(store *Store, name string, days int, force bool) (*Night, error) {
	read, err := store.Plan(name, days, force)
	if err != nil {
		return nil, err
	}
	return &Night{Store: store, Name: name, Days: days, read: read}, nil
}

// Reads returns the nights tonight reads, oldest first.
func (n *Night) Reads() []Partition { return slices.Clone(n.read) }

// Source reads tonight's input with Load, then, of the articles of the
// nights read, those of every stored cluster (its id followed through the
// merges, over all the nights read) one of whose articles shares
// TouchKeys band keys or more with tonight's (see Night.probe and
// Keyer.DocKeys), a key counting only when the stored article could be
// linked to one of tonight's articles holding it, by the window (see
// Probe; a night none of whose articles could is not probed; a night
// stored without keys or Repeats is read whole), rebuilt from their records (see AppendRecord) as the per-article stages left them,
// after tonight's in State.Docs, each with its Past. An article of tonight
// whose id a night read holds is rejected as a duplicate.
type Source struct {
	Night *Night
	Load  pipeline.Source
}

var _ pipeline.Source = Source{}

// Name implements pipeline.Stage.
func (Source) Name() string { return "load" }

// Run implements pipeline.Stage.
func (s Source) Run(ctx context.Context, st *pipeline.State, p pipeline.Progress) error {
	return s.Read(ctx, st, p, nil)
}

// Read implements pipeline.Source. prepare, the per-article stages, runs
// on tonight's articles only: the history's come out of their records as
// those stages left them.
func (s Source) Read(ctx context.Context, st *pipeline.State, p pipeline.Progress, prepare func(d *pipeline.Doc) error) error {
	st.Night = s.Night.Name
	// The nights' indexes do not depend on tonight's articles: they are
	// read, on the workers, while tonight's are (0.3 s of wall time after
	// them, 10,000 against 29 nights), and used in the nights' order.
	indexes := make([]Index, len(s.Night.read))
	indexed := make(chan error, 1)
	go func() {
		indexed <- pipeline.ForEach(ctx, len(s.Night.read), st.Params.EffectiveWorkers(), nil, func(i int) error {
			var err error
			indexes[i], err = s.Night.Store.ReadIndex(ctx, s.Night.read[i])
			return err
		})
	}()
	err := s.Load.Read(ctx, st, p, prepare)
	ierr := <-indexed
	if err != nil {
		return err
	}
	var past []*pipeline.Doc
	// dup names, for each of tonight's ids a night read holds, the latest
	// such night: tonight's ids are looked up in each night's, rather than
	// the history's in a map, so that memory follows tonight.
	tonightIDs := make(map[string]bool, len(st.Docs))
	for _, d := range st.Docs {
		tonightIDs[d.ID] = true
	}
	dup := map[string]string{}
	s.Night.unloaded = nil
	s.Night.whole = map[string]bool{}
	// First each night's index (ids, cluster ids, publication times), so
	// that tonight's duplicates are rejected before tonight's shingles
	// are counted (once, for the probe and the rarity stage); then the
	// rows each night's keys share with tonight's; then the records of the
	// articles of every stored cluster tonight's keys touch.
	type night struct {
		part      Partition
		whole     bool
		hits      []uint32 // rows sharing a key with tonight's
		shared    []int    // how many keys each of hits shares
		cids      []string // each row's cluster id
		published []int64  // each row's publication time
	}
	var plan []night
	for _, part := range s.Night.read {
		if part.Shingle != st.Params.ShingleSize {
			return fmt.Errorf("history %s: night %s was stored with --shingle %d, this run uses %d: run with --shingle %d, or start a new history folder",
				s.Night.Store.Dir(), part.Night, part.Shingle, st.Params.ShingleSize, part.Shingle)
		}
	}
	if ierr != nil {
		return ierr
	}
	for i, part := range s.Night.read {
		idx := indexes[i]
		indexes[i] = Index{}
		nt := night{part: part, cids: idx.Clusters, published: idx.Published}
		dir := filepath.Join(s.Night.Store.Dir(), filepath.FromSlash(part.Dir))
		// A partition of slice 2 has no keys, one of format 2 no Repeats:
		// without them, the articles it does not load could not be
		// counted, and it is read whole.
		for _, f := range []string{KeysFile, RepeatsFile} {
			if _, serr := os.Stat(filepath.Join(dir, f)); errors.Is(serr, os.ErrNotExist) {
				nt.whole = true
			}
		}
		if nt.whole {
			s.Night.whole[part.Night] = true
		}
		for _, id := range idx.IDs {
			if tonightIDs[id] {
				dup[id] = part.Night
			}
		}
		st.Counts["history_stored"] += len(idx.IDs)
		s.Night.merges = append(s.Night.merges, idx.Merges...)
		plan = append(plan, nt)
	}
	tonight := st.Docs[:0]
	for _, d := range st.Docs {
		if night, ok := dup[d.ID]; ok {
			st.Rejects = append(st.Rejects, pipeline.Reject{Path: d.SourcePath, Line: d.Line,
				Reason: fmt.Sprintf("duplicate id %q (stored in the history on night %s)", d.ID, night)})
			st.Counts["rejected"]++
			continue
		}
		tonight = append(tonight, d)
	}
	if len(tonight) == 0 {
		return fmt.Errorf("no usable article in %s (%d rejected)", st.Params.Input, st.Counts["rejected"])
	}
	st.Docs = tonight
	probe, err := s.Night.probe(ctx, st, st.Counts["history_stored"])
	if err != nil {
		return err
	}
	// Tonight's keys and shingle counts are all the partition's keys.bin
	// and df.bin hold: they are written from now on, beside the stages.
	s.Night.mu.Lock()
	keys := s.Night.keys
	s.Night.keys = nil
	s.Night.mu.Unlock()
	if err := s.Night.stageKeys(ctx, slices.Clone(st.Docs), keys, st.Params.ShingleSize); err != nil {
		return err
	}
	for i := range plan {
		nt := &plan[i]
		switch {
		case nt.whole:
		case !probe.Reaches(nt.published):
			// No article of the night could link to one of tonight's:
			// its keys are not read.
			st.Counts["history_nights_apart"]++
		default:
			dir := filepath.Join(s.Night.Store.Dir(), filepath.FromSlash(nt.part.Dir))
			hits, shared, dense, apart, err := probeKeys(filepath.Join(dir, KeysFile), probe, nt.published, DenseKey)
			if err != nil {
				return fmt.Errorf("history %s: night %s: %w", s.Night.Store.Dir(), nt.part.Night, err)
			}
			nt.hits, nt.shared = hits, shared
			st.Counts["history_dense_keys"] += dense
			st.Counts["history_key_hits"] += len(hits)
			st.Counts["history_apart_hits"] += apart
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	res := NewResolver(s.Night.merges)
	touched := map[string]bool{}
	for _, nt := range plan {
		for i, r := range nt.hits {
			if nt.shared[i] >= TouchKeys {
				touched[res.Resolve(nt.cids[r])] = true
			}
		}
	}
	loads := make([][]int, len(plan))
	s.Night.unloaded = make([]string, 0, st.Counts["history_stored"])
	for k, nt := range plan {
		for i, c := range nt.cids {
			if nt.whole || touched[res.Resolve(c)] {
				loads[k] = append(loads[k], i)
			} else {
				s.Night.unloaded = append(s.Night.unloaded, c)
			}
		}
	}
	// The nights' rows are read and rebuilt on the workers, and added in
	// the nights' order.
	rebuilt := make([][]*pipeline.Doc, len(plan))
	err = pipeline.ForEach(ctx, len(plan), st.Params.EffectiveWorkers(), nil, func(k int) error {
		if len(loads[k]) == 0 {
			return nil
		}
		rows, err := s.Night.Store.ReadRows(ctx, plan[k].part, loads[k])
		if err != nil {
			return err
		}
		for i := range rows {
			rebuilt[k] = append(rebuilt[k], Rebuild(&rows[i]))
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, docs := range rebuilt {
		past = append(past, docs...)
	}
	st.Docs = append(st.Docs, past...)
	st.Counts["history_nights"] = len(s.Night.read)
	st.Counts["history_articles"] = len(past)
	return nil
}

// probe returns what tonight's articles (st.Docs, their duplicates
// rejected, before any history article is added) look the history up
// with (see Probe): the band keys of the whole document (the copy
// channel's), and those of each sentence the rarity stage will leave
// indexable (at least MinShared of its name-free shingles held by 2 to
// the common limit of the articles, counted as Rarity will count them:
// tonight's plus each night's DFFile, over tonight's and the stored
// articles), each with the publication time of the article holding it.
// A sentence that will not be indexed links nothing tonight, and its keys,
// over shingles many unrelated articles hold, would load most of the
// history. Tonight's shingle counts are kept for Rarity.
func (n *Night) probe(ctx context.Context, st *pipeline.State, stored int) (*Probe, error) {
	var sets [][]uint32
	for _, d := range st.Docs {
		sets = append(sets, d.Shingles)
	}
	df, err := countSetsOn(ctx, sets, st.Params.EffectiveWorkers())
	if err != nil {
		return nil, err
	}
	n.df, n.counted = df, true
	// The counts of every shingle tonight's articles hold: the judged
	// sentences' Linkable are among them (a sentence's Linkable are some
	// of its shingles, and a document's are its sentences'), and the
	// judgement asks only for those. Gathering the judged sentences'
	// shingles apart, to ask for them alone, took 1.1 s of wall time at
	// 50,000 against 30 nights; the nights' files are walked whole either
	// way, and the rarity stage asks for most of the others.
	need := df.Keys
	sum, err := n.probeDF(ctx, need, st.Params.EffectiveWorkers())
	if err != nil {
		return nil, err
	}
	articles := len(st.Docs) + stored
	common := st.Params.EffectiveCommonDF(articles)
	linkable := linkableDF(need, sum, common) // the shingles Rarity will leave linkable
	// A sentence is judged indexable at its MinShared'th linkable shingle:
	// the lookups after it (0.74 s of CPU at 50,000 against 30 nights,
	// all of them) would not change the verdict.
	indexable := func(s *pipeline.Sentence) bool {
		k := 0
		for _, h := range s.Linkable {
			if k >= st.Params.MinShared {
				break
			}
			if linkable.Of(h) > 0 {
				k++
			}
		}
		return k >= st.Params.MinShared
	}
	// The articles are judged on the workers, a share of them each, whose
	// keys are sorted there and merged after.
	n.mu.Lock()
	defer n.mu.Unlock()
	workers := max(1, min(st.Params.EffectiveWorkers(), len(st.Docs)))
	shares := make([][]keyTime, workers)
	err = pipeline.ForEach(ctx, workers, workers, nil, func(w int) error {
		share := st.Docs[w*len(st.Docs)/workers : (w+1)*len(st.Docs)/workers]
		total := 0
		for _, d := range share {
			total += len(n.keys[d].keys)
		}
		pairs := make([]keyTime, 0, total)
		var ok []int8 // by sentence: 0 not judged yet, 1 indexable, -1 not
		for _, d := range share {
			sk := n.keys[d]
			t := int64(NoTime)
			if !d.PublishedAt.IsZero() {
				t = d.PublishedAt.UnixNano()
			}
			ok = append(ok[:0], make([]int8, len(d.Sentences))...)
			for i, key := range sk.keys {
				if f := sk.from[i]; f >= 0 {
					if ok[f] == 0 {
						ok[f] = -1
						if indexable(&d.Sentences[f]) {
							ok[f] = 1
						}
					}
					if ok[f] < 0 {
						continue
					}
				}
				pairs = append(pairs, keyTime{key, t})
			}
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		radix.Sort(pairs, func(kt keyTime) uint64 { return kt.key }, 0)
		shares[w] = pairs
		return nil
	})
	if err != nil {
		return nil, err
	}
	pairs := mergeKeyTimes(shares)
	st.Counts["history_probe_keys"] = len(pairs)
	return sortedProbe(pairs, time.Duration(st.Params.Window)), nil
}

// Rebuild returns the document a stored article was on its night once
// through the per-article stages: its metadata, its sentences and dropped
// counts, and its whole-document shingle set, the union of its sentences'.
func Rebuild(r *Stored) *pipeline.Doc {
	pa := r.Past
	d := &pipeline.Doc{Article: r.Article, Sentences: r.Sentences, Dropped: r.Dropped, FigureWords: r.Figures, Past: &pa}
	d.Shingles = shingle.OfDoc(d)
	return d
}

// Capture keeps the record of each of tonight's articles (AppendRecord) as
// the per-article stages leave it, and its band keys (Keyer.DocKeys), for
// Source to look the history up with and Save to store: the corpus stages
// change the sentences after it. It runs right after the shingle stage,
// and leaves the document's signature, which its keys need, in
// Doc.Signature for the minhash stage.
type Capture struct{ Night *Night }

// Name implements pipeline.Stage.
func (Capture) Name() string { return "hist-record" }

// Run implements pipeline.Stage.
func (c Capture) Run(ctx context.Context, st *pipeline.State, p pipeline.Progress) error {
	return pipeline.RunDocs(ctx, c, st, p)
}

// DocFunc implements pipeline.DocStage.
func (c Capture) DocFunc(p pipeline.Params) (func(*pipeline.Doc) error, error) {
	k := NewKeyer(p)
	return func(d *pipeline.Doc) error {
		if d.Past != nil {
			return nil
		}
		rec := AppendRecord(nil, d.Sentences, d.Dropped, d.FigureWords)
		keys, from, sig := k.signedKeys(nil, nil, d)
		if d.Shingles != nil && sig != nil {
			// The minhash stage's signature of the same set: it keeps it.
			d.Signature = sig
		}
		c.Night.mu.Lock()
		defer c.Night.mu.Unlock()
		if c.Night.records == nil {
			c.Night.records = map[*pipeline.Doc][]byte{}
			c.Night.keys = map[*pipeline.Doc]sentenceKeys{}
		}
		c.Night.records[d] = rec
		c.Night.keys[d] = sentenceKeys{keys, from}
		return nil
	}, nil
}

// Summary implements pipeline.Summarizer.
func (s Source) Summary(st *pipeline.State) string {
	return fmt.Sprintf("%d articles tonight, %d of %d from %d nights of history (the clusters of %d sharing a band key within the window; %d dense keys skipped; %d nights outside the window not probed), %d rejected",
		len(st.Docs)-st.Counts["history_articles"], st.Counts["history_articles"], st.Counts["history_stored"], st.Counts["history_nights"],
		st.Counts["history_key_hits"], st.Counts["history_dense_keys"], st.Counts["history_nights_apart"], st.Counts["rejected"])
}

// Assign gives each cluster its id by the rule in the package comment, sets
// its FirstSeen and Joined, records State.Merges, and orders the clusters
// again (largest first, then by id). It runs right after the cluster
// stage, before anything holds a cluster's index.
type Assign struct{ Night *Night }

// Name implements pipeline.Stage.
func (Assign) Name() string { return "hist-ids" }

// Run implements pipeline.Stage.
func (a Assign) Run(ctx context.Context, st *pipeline.State, _ pipeline.Progress) error {
	st.Clusters, st.Merges = AssignIDs(st.Docs, st.Clusters, a.Night.merges, a.Night.Name)
	if len(a.Night.unloaded) > 0 {
		res := NewResolver(append(slices.Clone(a.Night.merges), st.Merges...))
		byID := map[string]int{}
		for ci, c := range st.Clusters {
			byID[c.ID] = ci
		}
		for _, id := range a.Night.unloaded {
			if ci, ok := byID[res.Resolve(id)]; ok {
				st.Clusters[ci].Unloaded++
			}
		}
		a.Night.unloaded = nil
	}
	joined := 0
	for _, c := range st.Clusters {
		if c.Joined && slices.ContainsFunc(c.Members, func(m int32) bool { return st.Docs[m].Past == nil }) {
			joined++
		}
	}
	st.Counts["clusters_joined"] = joined
	st.Counts["clusters_merged"] = len(st.Merges)
	return nil
}

// Summary implements pipeline.Summarizer.
func (Assign) Summary(st *pipeline.State) string {
	return fmt.Sprintf("%d clusters of tonight joined the history, %d ids absorbed", st.Counts["clusters_joined"], st.Counts["clusters_merged"])
}

// Resolver follows recorded merges from an absorbed id to the id that
// survives it.
type Resolver map[string]string

// NewResolver returns the resolver of merges.
func NewResolver(merges []pipeline.Merge) Resolver {
	r := Resolver{}
	for _, m := range merges {
		r[m.Absorbed] = m.Surviving
	}
	return r
}

// Resolve returns the id id goes by now.
func (r Resolver) Resolve(id string) string {
	for range len(r) + 1 { // a cycle, which the rule never makes, ends
		next, ok := r[id]
		if !ok || next == id {
			return id
		}
		id = next
	}
	return id
}

// AssignIDs returns clusters with the ids, FirstSeen and Joined the rule of
// the package comment gives them, ordered largest first then by id, and the
// merges tonight makes. docs with a Past are the history's; merges are
// those the nights read recorded. A cluster's content-derived ID (from
// package cluster) is what it keeps when it takes no id of the history,
// and breaks ties.
func AssignIDs(docs []*pipeline.Doc, clusters []pipeline.Cluster, merges []pipeline.Merge, tonight string) ([]pipeline.Cluster, []pipeline.Merge) {
	res := NewResolver(merges)
	first := map[string]string{} // resolved id -> the night it was first given
	for _, d := range docs {
		if d.Past == nil {
			continue
		}
		id := res.Resolve(d.Past.ClusterID)
		if f, ok := first[id]; !ok || d.Past.FirstSeen < f {
			first[id] = d.Past.FirstSeen
		}
	}
	type claim struct {
		cluster int
		id      string
		n       int // the cluster's history members that go by id
	}
	var claims []claim
	for ci, c := range clusters {
		if !slices.ContainsFunc(c.Members, func(m int32) bool { return docs[m].Past == nil }) {
			// Of the history only: not in tonight's tables, and what
			// tonight's clustering makes of articles it did not all load
			// (see Source) is no reason to merge their ids.
			continue
		}
		n := map[string]int{}
		for _, m := range c.Members {
			if p := docs[m].Past; p != nil {
				n[res.Resolve(p.ClusterID)]++
			}
		}
		for id, k := range n {
			claims = append(claims, claim{ci, id, k})
		}
	}
	// Oldest id first; an id to the cluster holding most of its articles.
	slices.SortFunc(claims, func(x, y claim) int {
		return cmp.Or(strings.Compare(first[x.id], first[y.id]), strings.Compare(x.id, y.id),
			cmp.Compare(y.n, x.n), strings.Compare(clusters[x.cluster].ID, clusters[y.cluster].ID))
	})
	assigned := make([]string, len(clusters))
	taken := map[string]bool{}
	for _, c := range claims {
		if !taken[c.id] && assigned[c.cluster] == "" {
			assigned[c.cluster] = c.id
			taken[c.id] = true
		}
	}
	var out []pipeline.Merge
	absorbed := map[string]bool{}
	for _, c := range claims {
		if !taken[c.id] && !absorbed[c.id] {
			absorbed[c.id] = true
			out = append(out, pipeline.Merge{Night: tonight, Surviving: assigned[c.cluster], Absorbed: c.id})
		}
	}
	slices.SortFunc(out, func(x, y pipeline.Merge) int {
		return cmp.Or(strings.Compare(x.Surviving, y.Surviving), strings.Compare(x.Absorbed, y.Absorbed))
	})
	clusters = slices.Clone(clusters)
	for ci := range clusters {
		c := &clusters[ci]
		if id := assigned[ci]; id != "" {
			c.ID, c.FirstSeen, c.Joined = id, first[id], true
		} else {
			c.FirstSeen = tonight
		}
	}
	slices.SortStableFunc(clusters, func(a, b pipeline.Cluster) int {
		return cmp.Or(cmp.Compare(len(b.Members), len(a.Members)), strings.Compare(a.ID, b.ID))
	})
	return clusters, out
}

// Trim drops the additions of the history's articles: the tables list
// tonight's, and the excerpt stage reads tonight's input only.
type Trim struct{}

// Name implements pipeline.Stage.
func (Trim) Name() string { return "hist-trim" }

// Run implements pipeline.Stage.
func (Trim) Run(_ context.Context, st *pipeline.State, _ pipeline.Progress) error {
	st.Additions = slices.DeleteFunc(st.Additions, func(a pipeline.Addition) bool { return st.Docs[a.Doc].Past != nil })
	st.Counts["additions"] = len(st.Additions)
	return nil
}

// stageKeys begins tonight's partition (Store.Begin) and writes, in the
// background, its KeysFile and DFFile: tonight's band keys (keys, by the
// rows of tonight, its articles in the order stored) and shingle counts
// (n.df), known once the probe has run, long before the clusters the
// rest of the partition holds (see Save). At the end of the run, after
// the tables, they took 1.4-1.6 s of a night of 50,000.
func (n *Night) stageKeys(ctx context.Context, tonight []*pipeline.Doc, keys map[*pipeline.Doc]sentenceKeys, shingle int) error {
	p, err := n.Store.Begin(n.Name, shingle)
	if err != nil {
		return err
	}
	n.staging = p
	df := n.df
	n.keying = make(chan struct{})
	go func() {
		defer close(n.keying)
		total := 0
		for _, d := range tonight {
			total += len(keys[d].keys)
		}
		rows := make([]Key, 0, total)
		for i, d := range tonight {
			for _, k := range keys[d].keys { // writeKeys drops the repeats
				rows = append(rows, Key{Key: k, Row: uint32(i)})
			}
		}
		if n.keyErr = ctx.Err(); n.keyErr != nil {
			return
		}
		if n.keyErr = p.WriteKeys(rows); n.keyErr != nil {
			return
		}
		if n.keyErr = ctx.Err(); n.keyErr != nil {
			return
		}
		n.keyErr = p.WriteDF(df)
	}()
	return nil
}

// Save writes the rest of tonight's partition, unlisted until Commit:
// tonight's articles' metadata and records (kept by Capture), with the
// cluster each is in and that cluster's FirstSeen, tonight's merges, and
// tonight's Repeats; Source began it, with its keys and shingle counts.
// It runs right after the spread stage, the last to change what the
// partition holds, and only starts the work, which goes on beside the
// stages after it and the tables' encoding; Write waits for it before the
// tables are swapped in. What could change meanwhile (an article's text,
// which the excerpt stage drops) is copied first: the stages between Save
// and Write must not change the sentences' keys and flags, the articles'
// outlets, the clusters' ids and members or the merges.
type Save struct{ Night *Night }

// Name implements pipeline.Stage.
func (Save) Name() string { return "hist-save" }

// Run implements pipeline.Stage.
func (s Save) Run(ctx context.Context, st *pipeline.State, _ pipeline.Progress) error {
	n := s.Night
	n.mu.Lock()
	var tonight []*pipeline.Doc
	for _, d := range st.Docs {
		if d.Past != nil {
			continue
		}
		if _, ok := n.records[d]; !ok {
			n.mu.Unlock()
			return fmt.Errorf("history: article %s has no record to store (the job lacks the %s stage)", d.ID, Capture{}.Name())
		}
		tonight = append(tonight, d)
	}
	records, keys := n.records, n.keys
	n.records, n.keys = nil, nil
	n.mu.Unlock()
	if n.keying == nil {
		// Source did not probe the history: the partition begins here.
		if !n.counted {
			var sets [][]uint32
			for _, d := range tonight {
				sets = append(sets, d.Shingles)
			}
			n.df, n.counted = CountSets(sets), true
		}
		if err := n.stageKeys(ctx, tonight, keys, st.Params.ShingleSize); err != nil {
			return err
		}
	}
	cluster := make([]int, len(st.Docs))
	for ci, c := range st.Clusters {
		for _, m := range c.Members {
			cluster[m] = ci
		}
	}
	rows := make([]Stored, 0, len(tonight))
	ids := make([]string, 0, len(tonight))
	for i, d := range st.Docs {
		if d.Past != nil {
			continue
		}
		a := d.Article
		a.Text = ""
		c := &st.Clusters[cluster[i]]
		rows = append(rows, Stored{Article: a, Past: pipeline.Past{Night: n.Name, ClusterID: c.ID, FirstSeen: c.FirstSeen}, record: records[d]})
		ids = append(ids, c.ID)
	}
	merges := slices.Clone(st.Merges)
	n.saving = make(chan struct{})
	go func() {
		defer close(n.saving)
		begin := time.Now()
		n.staged, n.saveErr = n.save(ctx, rows, merges, tonight, ids)
		n.saveFor = time.Since(begin)
	}()
	st.Counts["history_saved"] = len(tonight)
	return nil
}

// save writes the partition's articles and merges, and tonight's
// Repeats (tonight's articles, in clusters ids), at once, waits for
// stageKeys' files, and returns the partition once its folder is synced.
func (n *Night) save(ctx context.Context, rows []Stored, merges []pipeline.Merge, tonight []*pipeline.Doc, ids []string) (Partition, error) {
	p := n.staging
	var wg sync.WaitGroup
	var aerr, rerr error
	wg.Go(func() { aerr = p.WriteArticles(rows, merges) })
	wg.Go(func() { rerr = p.WriteRepeats(Repeats(tonight, func(i int) string { return ids[i] })) })
	wg.Wait()
	<-n.keying
	if err := cmp.Or(aerr, rerr, n.keyErr, ctx.Err()); err != nil {
		return Partition{}, err
	}
	return p.Finish()
}

// Close waits for the writing of tonight's partition, wherever it has got
// to, and removes the partition unless Commit was reached: a run that
// fails, or is cancelled, leaves the history as it was (rather than a
// folder for the next Open to remove), and writes nothing into it once
// the caller, which holds the history's lock until Close returns, lets
// another run in.
func (n *Night) Close() error {
	if n.keying != nil {
		<-n.keying
	}
	if n.saving != nil {
		<-n.saving
	}
	if n.staging == nil || n.commit {
		return nil
	}
	err := n.staging.Remove()
	n.staging = nil
	return err
}

// wait returns once the partition Save started is written, with its error.
func (n *Night) wait() error {
	if n.saving == nil {
		return fmt.Errorf("history: nothing staged for night %s", n.Name)
	}
	<-n.saving
	return n.saveErr
}

// PartitionTiming names the timing run.json gives the writing of
// tonight's partition, which goes on beside the tables' encoding and
// ends within the write stage's time.
const PartitionTiming = "hist-partition"

// Write is write.Stage in a run with a history: it waits for the
// partition Save is writing once the tables are staged, and swaps them
// into --out only when the partition is written and synced (see the
// package comment, Safety). Whatever happens, it returns only once the
// partition's writing has ended.
type Write struct {
	Night  *Night
	Tables write.Stage
}

// Name implements pipeline.Stage.
func (w Write) Name() string { return w.Tables.Name() }

// Run implements pipeline.Stage.
func (w Write) Run(ctx context.Context, st *pipeline.State, p pipeline.Progress) error {
	t := w.Tables
	ready := t.Ready
	t.Ready = func() error {
		if err := w.Night.wait(); err != nil {
			return err
		}
		// Written beside the tables, within the write's wall time: what
		// hist-save's own timing no longer shows, in run.json.
		st.Timings = append(st.Timings, pipeline.StageTiming{Stage: PartitionTiming, Seconds: w.Night.saveFor.Seconds(), FusedInto: w.Tables.Name()})
		if ready != nil {
			return ready()
		}
		return nil
	}
	err := t.Run(ctx, st, p)
	if werr := w.Night.wait(); err == nil {
		err = werr
	}
	return err
}

// Commit makes the partition Save wrote part of the history, after the
// tables are in place, and drops the nights past --history-days.
type Commit struct{ Night *Night }

// Name implements pipeline.Stage.
func (Commit) Name() string { return "hist-commit" }

// Run implements pipeline.Stage.
func (c Commit) Run(_ context.Context, st *pipeline.State, _ pipeline.Progress) error {
	if err := c.Night.wait(); err != nil {
		return err
	}
	if c.Night.staged.Dir == "" {
		return fmt.Errorf("history: nothing staged for night %s", c.Night.Name)
	}
	c.Night.commit = true
	// Not stopped by a cancelled ctx: the tables are in place, and the
	// history is best made to agree with them.
	return c.Night.Store.Commit(c.Night.staged, c.Night.Days)
}
