package cluster

import (
	"cmp"
	"context"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/community"
	"gonum.org/v1/gonum/graph/iterator"

	"github.com/dedupe/dedupe/pipeline"
)

// Method is how a connected component of the article graph is split into
// stories. See the package comment for why each value is what it is.
type Method struct {
	// MinSize: a component of fewer articles is kept whole.
	MinSize int
	// Resolution is the Louvain modularity resolution; 1 is the classic
	// modularity.
	Resolution float64
	// MergeDensity: two communities are merged back when the edges
	// between them are at least this share of their article pairs.
	MergeDensity float64
	// MergeFamilies: two communities are merged back when the edges
	// between them rest on at least this many distinct passage families.
	MergeFamilies int
	// Bridges turns on cutting bridge passages before community
	// detection (see Method.bridges).
	Bridges bool
	// LeadNeverBridges keeps a passage family whose matches are mostly
	// between two leads (pipeline.Match.Lead) from being cut as a bridge:
	// a lede carried from a story into its update joins two groups of
	// rewrites exactly as stock text does, and is the story's strongest
	// evidence, not stock text.
	LeadNeverBridges bool
	// DetachLone turns on the last step (see Method.detachLone): an
	// article whose links into its group all rest on one passage family,
	// outside its lead, and that shares nothing else with the group is
	// left on its own.
	DetachLone bool
	// CopyWeight is added to the weight of an edge whose two articles are
	// copies (Edge.DocJaccard > 0); a passage weighs 1.
	CopyWeight float64
}

// DefaultMethod returns the measured defaults (see the package comment).
func DefaultMethod() Method {
	return Method{MinSize: 3, Resolution: 1, MergeDensity: 0.3, MergeFamilies: 2, Bridges: true, LeadNeverBridges: true, DetachLone: true, CopyWeight: 2}
}

// Families returns, for each match, the id of its passage family: the
// connected component of the graph whose nodes are sentences and whose
// edges are the matches. A passage carried by many rewrites is one family
// however many pairs it gives. In paras, two sentences that follow each
// other in one article are moreover one node when the next sentences of
// both articles match too, so that a paragraph carried whole (an outlet's
// background paragraph reused in its next story, a formulaic passage of
// two or three sentences) is one passage, not several. Ids are numbered
// from 0 in order of each family's first match.
func Families(matches []pipeline.Match) (sents, paras []int32) {
	key := func(r pipeline.SentenceRef) uint64 { return uint64(uint32(r.Doc))<<32 | uint64(uint32(r.Sentence)) }
	// Sentences are indexed by their rank among the sorted keys: a sort
	// costs less than a map of millions of entries.
	keys := make([]uint64, 0, 2*len(matches))
	for _, m := range matches {
		keys = append(keys, key(m.A), key(m.B))
	}
	slices.Sort(keys)
	keys = slices.Compact(keys)
	node := func(r pipeline.SentenceRef) int32 {
		i, _ := slices.BinarySearch(keys, key(r))
		return int32(i)
	}
	na, nb := make([]int32, len(matches)), make([]int32, len(matches))
	for i, m := range matches {
		na[i], nb[i] = node(m.A), node(m.B)
	}
	uf := newUnionFind(len(keys))
	number := func() []int32 {
		out := make([]int32, len(matches))
		ids := make([]int32, len(keys))
		for i := range ids {
			ids[i] = -1
		}
		next := int32(0)
		for i := range matches {
			r := uf.find(na[i])
			if ids[r] < 0 {
				ids[r] = next
				next++
			}
			out[i] = ids[r]
		}
		return out
	}
	pairs := make([][2]uint64, len(matches))
	for i, m := range matches {
		uf.union(na[i], nb[i])
		pairs[i] = [2]uint64{key(m.A), key(m.B)}
	}
	sents = number()
	slices.SortFunc(pairs, func(x, y [2]uint64) int { return cmp.Or(cmp.Compare(x[0], y[0]), cmp.Compare(x[1], y[1])) })
	for i, m := range matches {
		next := [2]uint64{key(m.A) + 1, key(m.B) + 1} // the next sentence of each article
		if _, ok := slices.BinarySearchFunc(pairs, next, func(x, y [2]uint64) int {
			return cmp.Or(cmp.Compare(x[0], y[0]), cmp.Compare(x[1], y[1]))
		}); ok {
			uf.union(na[i], node(pipeline.SentenceRef{Doc: m.A.Doc, Sentence: m.A.Sentence + 1}))
		}
	}
	return sents, number()
}

// LeadFamilies reports, for each of the n passage families numbered in
// families (aligned with matches, see Families), whether at least half of
// its matches join two leads (pipeline.Match.Lead).
func LeadFamilies(matches []pipeline.Match, families []int32, n int) []bool {
	lead, all := make([]int32, n), make([]int32, n)
	for i, m := range matches {
		all[families[i]]++
		if m.Lead() {
			lead[families[i]]++
		}
	}
	out := make([]bool, n)
	for f := range out {
		out[f] = all[f] > 0 && 2*lead[f] >= all[f]
	}
	return out
}

// EdgeFamilies returns, for each edge, the sorted distinct passage
// families (see Families) of the matches behind it, those whose figures
// differ left out; nil for an edge that only a copy makes. edges must be
// sorted by (A, B), as verify.Edges returns them.
func EdgeFamilies(edges []pipeline.Edge, matches []pipeline.Match, families []int32) [][]int32 {
	return edgeFamilies(len(edges), matchEdges(context.Background(), edges, matches, 1), families)
}

// matchEdges returns, for each match, the index of its pair's edge in
// edges (sorted by (A, B)), or -1 for a match whose figures differ or
// whose pair has no edge: the look-up EdgeFamilies makes, done once for
// the sentence and the paragraph families, on up to workers goroutines.
func matchEdges(ctx context.Context, edges []pipeline.Edge, matches []pipeline.Match, workers int) []int32 {
	out := make([]int32, len(matches))
	const chunk = 4096
	// ForEach's only error is ctx's, which the caller's next step reports.
	_ = pipeline.ForEach(ctx, (len(matches)+chunk-1)/chunk, workers, nil, func(ci int) error {
		for i := ci * chunk; i < min((ci+1)*chunk, len(matches)); i++ {
			m := &matches[i]
			out[i] = -1
			if m.FiguresDiffer {
				continue
			}
			k, ok := slices.BinarySearchFunc(edges, [2]int32{m.A.Doc, m.B.Doc}, func(e pipeline.Edge, t [2]int32) int {
				if e.A != t[0] {
					return cmp.Compare(e.A, t[0])
				}
				return cmp.Compare(e.B, t[1])
			})
			if ok {
				out[i] = int32(k)
			}
		}
		return nil
	})
	return out
}

// edgeFamilies is EdgeFamilies given each match's edge (matchEdges).
func edgeFamilies(nEdges int, edgeOf []int32, families []int32) [][]int32 {
	out := make([][]int32, nEdges)
	for i, k := range edgeOf {
		if k >= 0 {
			out[k] = append(out[k], families[i])
		}
	}
	for i, f := range out {
		slices.Sort(f)
		out[i] = slices.Compact(f)
	}
	return out
}

// Split divides one connected component into stories. nodes are its
// articles; edges index into all, the component's kept edges; fams and
// paras hold each edge's sentence and paragraph passage families (see
// Families and EdgeFamilies), aligned with all; leads says which sentence
// families are leads (LeadFamilies), nil for none. It returns the groups,
// each sorted, in order of their smallest article, and the edges it cut
// (indexes into all, ascending) with why.
//
// Bridge passages (sentence families) are cut first, if m.Bridges. Then
// Louvain community detection (gonum's graph/community, with a fixed
// seed) finds densely linked groups; two groups are merged back when the
// edges between them cover MergeDensity of their pairs, rest on
// MergeFamilies distinct paragraph families or include a copy, so that a
// story whose rewrites share different passages stays whole while two
// stories that touch through one stray passage fall apart.
func (m Method) Split(nodes []int32, all []pipeline.Edge, edges []int, fams, paras [][]int32, leads []bool) (groups [][]int32, cut []EdgeCut) {
	if len(nodes) < max(m.MinSize, 2) {
		return [][]int32{nodes}, nil
	}
	local := make(map[int32]int64, len(nodes))
	for i, n := range nodes {
		local[n] = int64(i)
	}
	if m.Bridges {
		if !m.LeadNeverBridges {
			leads = nil
		}
		bridged := m.bridges(len(nodes), all, edges, fams, leads, local)
		if len(bridged) > 0 {
			var rest []int
			for _, ei := range edges {
				if bridged[ei] {
					cut = append(cut, EdgeCut{ei, pipeline.CutBridgePassage})
				} else {
					rest = append(rest, ei)
				}
			}
			edges = rest
		}
	}
	g := newWeighted(len(nodes))
	for _, ei := range edges {
		e := all[ei]
		w := float64(e.Passages)
		if e.DocJaccard > 0 {
			w += m.CopyWeight
		}
		g.add(local[e.A], local[e.B], max(w, 1))
	}
	g.sort()
	reduced := community.Modularize(g, m.Resolution, rand.NewPCG(1, uint64(len(nodes))))
	comms := reduced.Communities()
	commOf := make([]int, len(nodes))
	sizes := make([]int, len(comms))
	for ci, c := range comms {
		for _, n := range c {
			commOf[n.ID()] = ci
		}
		sizes[ci] = len(c)
	}
	if len(comms) > 1 {
		merged := m.mergeBack(commOf, sizes, all, edges, paras, local)
		for i := range commOf {
			commOf[i] = merged[commOf[i]]
		}
	}
	byComm := map[int][]int32{}
	var order []int
	for i, n := range nodes {
		c := commOf[i]
		if _, ok := byComm[c]; !ok {
			order = append(order, c)
		}
		byComm[c] = append(byComm[c], n)
	}
	for _, c := range order {
		grp := byComm[c]
		slices.Sort(grp)
		groups = append(groups, grp)
	}
	slices.SortFunc(groups, func(a, b []int32) int { return cmp.Compare(a[0], b[0]) })
	for _, ei := range edges {
		e := all[ei]
		if commOf[local[e.A]] != commOf[local[e.B]] {
			cut = append(cut, EdgeCut{ei, pipeline.CutCommunity})
		}
	}
	slices.SortFunc(cut, func(a, b EdgeCut) int { return cmp.Compare(a.Edge, b.Edge) })
	return groups, cut
}

// EdgeCut is an edge the clustering left out, and why.
type EdgeCut struct {
	Edge int // index into the edges given
	Cut  pipeline.Cut
}

// bridges returns the edges that rest only on a bridge passage: a passage
// family whose articles, without it, fall into two or more groups of at
// least two of its articles each, every group linked by other passages
// or copies. Such a family is stock text that recurs in unrelated stories
// (a procedural sentence, a refrain), not a passage of one story: its
// edges between the groups are cut, while those within a group, and any
// edge that other passages also support, stay. A family leads marks is
// never a bridge.
func (m Method) bridges(n int, all []pipeline.Edge, edges []int, fams [][]int32, leads []bool, local map[int32]int64) map[int]bool {
	byFam := map[int32][]int{}
	for _, ei := range edges {
		for _, f := range fams[ei] {
			byFam[f] = append(byFam[f], ei)
		}
	}
	famIDs := make([]int32, 0, len(byFam))
	for f, es := range byFam {
		// Two groups of two articles need at least 4 edges, and only an
		// edge resting on f alone can be cut: a family with none is
		// skipped, which spares most families of a story.
		alone := false
		for _, ei := range es {
			alone = alone || all[ei].DocJaccard == 0 && len(fams[ei]) == 1
		}
		if len(es) >= 4 && alone && (leads == nil || !leads[f]) {
			famIDs = append(famIDs, f)
		}
	}
	slices.Sort(famIDs)
	// The edges other passages or a copy support whatever f is, and the
	// edges resting on one family, with their ends as local indexes.
	type single struct {
		a, b int32
		fam  int32
	}
	var singles []single
	uf := newUnionFind(n)
	for _, ei := range edges {
		e := all[ei]
		a, b := int32(local[e.A]), int32(local[e.B])
		if e.DocJaccard == 0 && len(fams[ei]) == 1 {
			singles = append(singles, single{a, b, fams[ei][0]})
			continue
		}
		uf.union(a, b)
	}
	base := make(unionFind, n) // the groups without single-family links
	for i := range base {
		base[i] = uf.find(int32(i))
	}
	out := map[int]bool{}
	for _, f := range famIDs {
		copy(uf, base)
		for _, sg := range singles {
			if sg.fam != f {
				uf.union(sg.a, sg.b)
			}
		}
		holders := map[int32]map[int32]bool{} // group root -> f's articles in it
		for _, ei := range byFam[f] {
			e := all[ei]
			for _, d := range [2]int32{e.A, e.B} {
				l := int32(local[d])
				r := uf.find(l)
				if holders[r] == nil {
					holders[r] = map[int32]bool{}
				}
				holders[r][l] = true
			}
		}
		linked := 0
		for _, h := range holders {
			if len(h) >= 2 {
				linked++
			}
		}
		if linked < 2 {
			continue
		}
		for _, ei := range byFam[f] {
			e := all[ei]
			if e.DocJaccard == 0 && len(fams[ei]) == 1 && uf.find(int32(local[e.A])) != uf.find(int32(local[e.B])) {
				out[ei] = true
			}
		}
	}
	return out
}

// mergeBack returns, for each community, the representative of the group
// it is merged into. Communities joined by a copy are always merged back:
// two articles whose whole texts match are one story (a templated report's
// issues, which can be copies but for their figures, are cut before).
func (m Method) mergeBack(commOf, sizes []int, all []pipeline.Edge, edges []int, fams [][]int32, local map[int32]int64) []int {
	type between struct {
		edges  int
		copies bool
		fams   []int32
	}
	pairs := map[[2]int]*between{}
	for _, ei := range edges {
		e := all[ei]
		a, b := commOf[local[e.A]], commOf[local[e.B]]
		if a == b {
			continue
		}
		k := [2]int{min(a, b), max(a, b)}
		p := pairs[k]
		if p == nil {
			p = &between{}
			pairs[k] = p
		}
		p.edges++
		p.fams = append(p.fams, fams[ei]...)
		p.copies = p.copies || e.DocJaccard > 0
	}
	keys := make([][2]int, 0, len(pairs))
	for k := range pairs {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(x, y [2]int) int { return cmp.Or(cmp.Compare(x[0], y[0]), cmp.Compare(x[1], y[1])) })
	uf := newUnionFind(len(sizes))
	for _, k := range keys {
		p := pairs[k]
		slices.Sort(p.fams)
		distinct := len(slices.Compact(p.fams))
		density := float64(p.edges) / float64(sizes[k[0]]*sizes[k[1]])
		if p.copies || density >= m.MergeDensity || distinct >= m.MergeFamilies {
			uf.union(int32(k[0]), int32(k[1]))
		}
	}
	out := make([]int, len(sizes))
	for i := range out {
		out[i] = int(uf.find(int32(i)))
	}
	return out
}

// weighted is an undirected weighted graph on nodes 0..n-1 whose
// iteration order is sorted, so that Louvain with a fixed seed gives the
// same communities in every run (gonum's simple graphs iterate maps).
type weighted struct {
	adj [][]int64
	w   map[[2]int64]float64
}

func newWeighted(n int) *weighted {
	return &weighted{adj: make([][]int64, n), w: map[[2]int64]float64{}}
}

func (g *weighted) add(a, b int64, w float64) {
	if a == b {
		return
	}
	k := [2]int64{min(a, b), max(a, b)}
	if _, ok := g.w[k]; !ok {
		g.adj[a] = append(g.adj[a], b)
		g.adj[b] = append(g.adj[b], a)
	}
	g.w[k] += w
}

func (g *weighted) sort() {
	for _, a := range g.adj {
		slices.Sort(a)
	}
}

type gnode int64

func (n gnode) ID() int64 { return int64(n) }

type gedge struct {
	f, t gnode
	w    float64
}

func (e gedge) From() graph.Node         { return e.f }
func (e gedge) To() graph.Node           { return e.t }
func (e gedge) ReversedEdge() graph.Edge { return gedge{e.t, e.f, e.w} }
func (e gedge) Weight() float64          { return e.w }

func (g *weighted) Node(id int64) graph.Node {
	if id < 0 || id >= int64(len(g.adj)) {
		return nil
	}
	return gnode(id)
}

func (g *weighted) nodes(ids []int64) graph.Nodes {
	ns := make([]graph.Node, len(ids))
	for i, id := range ids {
		ns[i] = gnode(id)
	}
	return iterator.NewOrderedNodes(ns)
}

func (g *weighted) Nodes() graph.Nodes {
	ids := make([]int64, len(g.adj))
	for i := range ids {
		ids[i] = int64(i)
	}
	return g.nodes(ids)
}

func (g *weighted) From(id int64) graph.Nodes {
	if id < 0 || id >= int64(len(g.adj)) {
		return graph.Empty
	}
	return g.nodes(g.adj[id])
}

func (g *weighted) Weight(x, y int64) (float64, bool) {
	if x == y {
		return 0, true
	}
	w, ok := g.w[[2]int64{min(x, y), max(x, y)}]
	return w, ok
}

func (g *weighted) HasEdgeBetween(x, y int64) bool {
	_, ok := g.w[[2]int64{min(x, y), max(x, y)}]
	return ok
}

func (g *weighted) WeightedEdgeBetween(x, y int64) graph.WeightedEdge {
	w, ok := g.w[[2]int64{min(x, y), max(x, y)}]
	if !ok {
		return nil
	}
	return gedge{gnode(x), gnode(y), w}
}

func (g *weighted) WeightedEdge(u, v int64) graph.WeightedEdge { return g.WeightedEdgeBetween(u, v) }
func (g *weighted) Edge(u, v int64) graph.Edge {
	if e := g.WeightedEdgeBetween(u, v); e != nil {
		return e
	}
	return nil
}
func (g *weighted) EdgeBetween(x, y int64) graph.Edge { return g.Edge(x, y) }

// Rest reports whether article x shares anything beyond its passages with
// the articles others: a rare word 3-gram (a linkable shingle) of one of
// its content sentences other than those in skip, held by a content
// sentence of one of them. Group calls it from several goroutines.
type Rest func(x int32, skip []int32, others []int32) bool

// side is one article's sentence in a match: its passage family, its
// index, and whether it is in the article's lead.
type side struct {
	fam, sent int32
	lead      bool
}

// sidesOf returns, for each of n articles, its sentences in the matches
// (those whose figures differ left out) with their families.
func sidesOf(n int, matches []pipeline.Match, families []int32) [][]side {
	out := make([][]side, n)
	for i := range matches {
		m := &matches[i]
		if m.FiguresDiffer {
			continue
		}
		out[m.A.Doc] = append(out[m.A.Doc], side{families[i], m.A.Sentence, m.InLeadA})
		out[m.B.Doc] = append(out[m.B.Doc], side{families[i], m.B.Sentence, m.InLeadB})
	}
	return out
}

// detachLone takes out of their groups the articles held only by a lone
// passage: every kept link of the article into its group rests on one
// passage family (fams), none of its sentences in that family is in its
// lead, no link is a copy, and rest finds nothing else it shares with the
// group. A rewrite keeps more of its story than one sentence, or keeps its
// lede; an article tied by one sentence from its body and not one other
// rare word 3-gram is tied by a formulaic sentence, which recurs in
// unrelated stories. Such an article becomes a group of its own and its
// links into the group are cut (pipeline.CutLonePassage). edges are the
// component's kept edges before cuts, cut those already cut; it returns
// the groups, sorted by smallest article, and all cuts, by edge. A nil
// rest detaches nothing.
func detachLone(groups [][]int32, all []pipeline.Edge, edges []int, cut []EdgeCut, fams [][]int32, sides [][]side, rest Rest) ([][]int32, []EdgeCut) {
	isCut := make(map[int]bool, len(cut))
	for _, c := range cut {
		isCut[c.Edge] = true
	}
	groupOf := map[int32]int{}
	for gi, g := range groups {
		for _, d := range g {
			groupOf[d] = gi
		}
	}
	type support struct {
		fam      int32 // the one family, or -1 for none yet
		several  bool  // two families or more, a copy, or an edge without passages
		edgeList []int
	}
	sup := map[int32]*support{}
	at := func(d int32) *support {
		s := sup[d]
		if s == nil {
			s = &support{fam: -1}
			sup[d] = s
		}
		return s
	}
	for _, ei := range edges {
		e := all[ei]
		if isCut[ei] || groupOf[e.A] != groupOf[e.B] || len(groups[groupOf[e.A]]) < 2 {
			continue
		}
		for _, d := range [2]int32{e.A, e.B} {
			s := at(d)
			s.edgeList = append(s.edgeList, ei)
			switch {
			case e.DocJaccard > 0 || len(fams[ei]) != 1:
				s.several = true
			case s.fam < 0:
				s.fam = fams[ei][0]
			case s.fam != fams[ei][0]:
				s.several = true
			}
		}
	}
	detached := map[int32]bool{}
	for gi, g := range groups {
		if len(g) < 2 {
			continue
		}
		for _, x := range g {
			s := sup[x]
			if s == nil || s.several || s.fam < 0 {
				continue
			}
			var skip []int32
			lead := false
			for _, sd := range sides[x] {
				if sd.fam == s.fam {
					skip = append(skip, sd.sent)
					lead = lead || sd.lead
				}
			}
			if lead {
				continue
			}
			others := make([]int32, 0, len(g)-1)
			for _, o := range groups[gi] {
				if o != x {
					others = append(others, o)
				}
			}
			if rest == nil || rest(x, skip, others) {
				continue
			}
			detached[x] = true
		}
	}
	if len(detached) == 0 {
		return groups, cut
	}
	for x := range detached {
		for _, ei := range sup[x].edgeList {
			if !isCut[ei] {
				isCut[ei] = true
				cut = append(cut, EdgeCut{ei, pipeline.CutLonePassage})
			}
		}
	}
	slices.SortFunc(cut, func(a, b EdgeCut) int { return cmp.Compare(a.Edge, b.Edge) })

	// What is left of a group must still be linked: an article detached
	// may have been the only link of others to the rest (a hub of the
	// formulaic sentence), and a group is the articles its kept links join.
	var members []int32 // the component's articles; a set's index is its place here
	for _, g := range groups {
		members = append(members, g...)
	}
	slices.Sort(members)
	place := func(d int32) int32 {
		i, _ := slices.BinarySearch(members, d)
		return int32(i)
	}
	uf := newUnionFind(len(members))
	for _, ei := range edges {
		e := all[ei]
		if !isCut[ei] && groupOf[e.A] == groupOf[e.B] {
			uf.union(place(e.A), place(e.B))
		}
	}
	var out [][]int32
	for _, g := range groups {
		parts := map[int32][]int32{}
		var roots []int32
		for _, d := range g {
			if detached[d] {
				out = append(out, []int32{d})
				continue
			}
			r := uf.find(place(d))
			if parts[r] == nil {
				roots = append(roots, r)
			}
			parts[r] = append(parts[r], d)
		}
		for _, r := range roots {
			out = append(out, parts[r])
		}
	}
	slices.SortFunc(out, func(a, b []int32) int { return cmp.Compare(a[0], b[0]) })
	return out, cut
}
