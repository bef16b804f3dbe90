package cluster

import (
	"context"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/dedupe/dedupe/pipeline"
)

// graphSpec builds matches (and from them edges) for a test graph: each
// passage is one family, carried verbatim by the articles listed, so
// every pair of them gets a match.
type graphSpec struct {
	passages [][]int32 // articles holding each passage
	leads    []bool    // whether each passage is in its articles' leads; nil: none
	copies   [][2]int32
	alone    []int32    // articles that share nothing but their passages
	missed   [][2]int32 // pairs of a passage's holders whose match was not found
}

// rest is the spec's Rest: every article shares words beyond its passages
// with any other, but those listed alone.
func (g graphSpec) rest() Rest {
	return func(x int32, _, _ []int32) bool { return !slices.Contains(g.alone, x) }
}

func (g graphSpec) build() ([]pipeline.Edge, []pipeline.Match) {
	var ms []pipeline.Match
	for p, arts := range g.passages {
		for i, a := range arts {
			for _, b := range arts[i+1:] {
				a, b := min(a, b), max(a, b)
				if slices.Contains(g.missed, [2]int32{a, b}) {
					continue
				}
				ms = append(ms, pipeline.Match{
					A: pipeline.SentenceRef{Doc: a, Sentence: int32(p)},
					B: pipeline.SentenceRef{Doc: b, Sentence: int32(p)}, Evidence: 2,
					InLeadA: p < len(g.leads) && g.leads[p], InLeadB: p < len(g.leads) && g.leads[p]})
			}
		}
	}
	byPair := map[[2]int32]*pipeline.Edge{}
	for _, m := range ms {
		k := [2]int32{m.A.Doc, m.B.Doc}
		if byPair[k] == nil {
			byPair[k] = &pipeline.Edge{A: k[0], B: k[1]}
		}
		byPair[k].Passages++
		byPair[k].Evidence += m.Evidence
	}
	for _, c := range g.copies {
		if byPair[c] == nil {
			byPair[c] = &pipeline.Edge{A: c[0], B: c[1]}
		}
		byPair[c].DocJaccard = 0.8
	}
	var es []pipeline.Edge
	for _, e := range byPair {
		es = append(es, *e)
	}
	slices.SortFunc(es, func(x, y pipeline.Edge) int {
		if x.A != y.A {
			return int(x.A - y.A)
		}
		return int(x.B - y.B)
	})
	return es, ms
}

// story returns passages for rewrites of one story: the articles given,
// each pair sharing sentences of the story's own (every article keeps all
// but one of them, in turn).
func story(arts ...int32) [][]int32 {
	var ps [][]int32
	for drop := range arts {
		var holders []int32
		for i, a := range arts {
			if i != drop {
				holders = append(holders, a)
			}
		}
		ps = append(ps, holders)
	}
	return ps
}

func concat(pss ...[][]int32) [][]int32 {
	var out [][]int32
	for _, ps := range pss {
		out = append(out, ps...)
	}
	return out
}

func TestGroup(t *testing.T) {
	tests := []struct {
		name string
		n    int
		g    graphSpec
		want [][]int32
		cut  pipeline.Cut // a reason some edge must be cut for
	}{
		{
			// A formulaic sentence, held by two rewrites of each of two
			// stories, links them: a biclique resting on one passage.
			name: "stray formulaic sentence between two dense stories",
			n:    10,
			g:    graphSpec{passages: concat(story(0, 1, 2, 3, 4), story(5, 6, 7, 8, 9), [][]int32{{1, 3, 6, 8}})},
			want: [][]int32{{0, 1, 2, 3, 4}, {5, 6, 7, 8, 9}},
			cut:  pipeline.CutBridgePassage,
		},
		{
			// Held by most rewrites of both: dense across, but still a
			// bridge, since each side is linked without it.
			name: "formulaic sentence in most rewrites of two stories",
			n:    10,
			g:    graphSpec{passages: concat(story(0, 1, 2, 3, 4), story(5, 6, 7, 8, 9), [][]int32{{0, 1, 2, 3, 5, 6, 7, 8}})},
			want: [][]int32{{0, 1, 2, 3, 4}, {5, 6, 7, 8, 9}},
			cut:  pipeline.CutBridgePassage,
		},
		{
			// One pair across is no bridge family (one article a side), so
			// community detection cuts it.
			name: "one stray pair between two stories",
			n:    8,
			g:    graphSpec{passages: concat(story(0, 1, 2, 3), story(4, 5, 6, 7), [][]int32{{3, 4}})},
			want: [][]int32{{0, 1, 2, 3}, {4, 5, 6, 7}},
			cut:  pipeline.CutCommunity,
		},
		{
			// An update, one article, carries the original's lead verbatim
			// and a new tail.
			name: "lead shared by a story and its update",
			n:    6,
			g:    graphSpec{passages: concat(story(0, 1, 2, 3, 4), [][]int32{{0, 1, 2, 3, 4, 5}})},
			want: [][]int32{{0, 1, 2, 3, 4, 5}},
		},
		{
			// The update is republished too: its rewrites share their own
			// sentences, and the original's two-sentence lead with every
			// rewrite of the original.
			name: "two-sentence lead shared by a story and its republished update",
			n:    8,
			g:    graphSpec{passages: concat(story(0, 1, 2, 3, 4), story(5, 6, 7), [][]int32{{0, 1, 2, 3, 4, 5, 6, 7}, {0, 1, 2, 3, 4, 5, 6, 7}})},
			want: [][]int32{{0, 1, 2, 3, 4, 5, 6, 7}},
		},
		{
			// An article of another story shares one sentence from its
			// body with one rewrite, and nothing else: a formulaic
			// sentence, which recurs in unrelated stories.
			name: "formulaic sentence holding a lone article",
			n:    6,
			g:    graphSpec{passages: concat(story(0, 1, 2, 3, 4), [][]int32{{2, 5}}), alone: []int32{5}},
			want: [][]int32{{0, 1, 2, 3, 4}, {5}},
			cut:  pipeline.CutLonePassage,
		},
		{
			// The same, held by two of the story's rewrites.
			name: "formulaic sentence holding a lone article to two rewrites",
			n:    6,
			g:    graphSpec{passages: concat(story(0, 1, 2, 3, 4), [][]int32{{2, 3, 5}}), alone: []int32{5}},
			want: [][]int32{{0, 1, 2, 3, 4}, {5}},
			cut:  pipeline.CutLonePassage,
		},
		{
			// A rewrite that kept one sentence of its story, its lede.
			name: "rewrite keeping only the lede",
			n:    6,
			g: graphSpec{
				passages: concat([][]int32{{0, 1, 2, 5}}, story(0, 1, 2, 3, 4)),
				leads:    []bool{true},
				alone:    []int32{5},
			},
			want: [][]int32{{0, 1, 2, 3, 4, 5}},
		},
		{
			// A rewrite that kept one sentence whole and words of others.
			name: "rewrite keeping one sentence and words of others",
			n:    6,
			g:    graphSpec{passages: concat(story(0, 1, 2, 3, 4), [][]int32{{2, 5}})},
			want: [][]int32{{0, 1, 2, 3, 4, 5}},
		},
		{
			// The update, republished, carries the original's lede alone:
			// a family joining two linked groups, as stock text does, but
			// in every article's lead.
			name: "lede shared across two groups",
			n:    8,
			g: graphSpec{
				passages: concat(story(0, 1, 2, 3, 4), story(5, 6, 7), [][]int32{{0, 1, 2, 3, 4, 5, 6, 7}}),
				leads:    append(make([]bool, 8), true),
			},
			want: [][]int32{{0, 1, 2, 3, 4, 5, 6, 7}},
		},
		{
			// The same sentence away from the leads is stock text.
			name: "stock sentence shared across two groups",
			n:    8,
			g:    graphSpec{passages: concat(story(0, 1, 2, 3, 4), story(5, 6, 7), [][]int32{{0, 1, 2, 3, 4, 5, 6, 7}})},
			want: [][]int32{{0, 1, 2, 3, 4}, {5, 6, 7}},
			cut:  pipeline.CutBridgePassage,
		},
		{
			// Two halves of one story linked through two different
			// passages are merged back whatever their density.
			name: "two halves of a story joined by two passages",
			n:    10,
			g:    graphSpec{passages: concat(story(0, 1, 2, 3, 4), story(5, 6, 7, 8, 9), [][]int32{{2, 7}, {3, 8}})},
			want: [][]int32{{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}},
		},
		{
			// The seeds: four rewrites sharing one or two sentences pairwise.
			name: "rewrites sharing one sentence pairwise",
			n:    5,
			g:    graphSpec{passages: [][]int32{{0, 1}, {0, 2}, {0, 3}, {1, 2}, {1, 3}, {2, 3}, {0, 1, 3}}},
			want: [][]int32{{0, 1, 2, 3}, {4}},
		},
		{
			// A chain of four, each link one passage: community detection
			// splits it in two, as it would two stories of two rewrites
			// touching through a stray passage; the structure cannot tell
			// them apart, and the method chooses the split.
			name: "a chain of single passages",
			n:    4,
			g:    graphSpec{passages: [][]int32{{0, 1}, {1, 2}, {2, 3}}},
			want: [][]int32{{0, 1}, {2, 3}},
			cut:  pipeline.CutCommunity,
		},
		{
			name: "copies join",
			n:    5,
			g:    graphSpec{passages: story(0, 1, 2), copies: [][2]int32{{2, 3}, {3, 4}}},
			want: [][]int32{{0, 1, 2, 3, 4}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			es, ms := tt.g.build()
			got, err := Group(context.Background(), tt.n, es, ms, DefaultMethod(), 2, tt.g.rest())
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			// Exactly the edges between clusters are cut.
			of := map[int32]int{}
			for gi, g := range got {
				for _, d := range g {
					of[d] = gi
				}
			}
			cuts := map[pipeline.Cut]int{}
			for _, e := range es {
				cuts[e.Cut]++
				if between := of[e.A] != of[e.B]; between != (e.Cut != pipeline.CutNone) {
					t.Errorf("edge %d-%d: cut %q, between clusters %v", e.A, e.B, e.Cut, between)
				}
			}
			if tt.cut != pipeline.CutNone && cuts[tt.cut] == 0 {
				t.Errorf("no edge cut %q: %v", tt.cut, cuts)
			}
		})
	}
}

// TestGroupCutEdgesIgnored: an edge the verify stage cut joins nothing.
func TestGroupCutEdgesIgnored(t *testing.T) {
	es := []pipeline.Edge{{A: 0, B: 1, Passages: 1, Evidence: 2, Cut: pipeline.CutTemplateFigures}}
	got, err := Group(context.Background(), 2, es, nil, DefaultMethod(), 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := [][]int32{{0}, {1}}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if es[0].Cut != pipeline.CutTemplateFigures {
		t.Errorf("cut %q, want template-figures kept", es[0].Cut)
	}
}

// TestGroupDeterministic: the same graph, its matches in any order, gives
// the same clusters and cuts, whatever the number of workers.
func TestGroupDeterministic(t *testing.T) {
	var ps [][]int32
	rng := rand.New(rand.NewPCG(7, 7))
	// Six stories of 6 articles, with stray passages between random pairs.
	for s := range int32(6) {
		b := s * 6
		ps = append(ps, story(b, b+1, b+2, b+3, b+4, b+5)...)
	}
	for range 8 {
		a, b := rng.Int32N(36), rng.Int32N(36)
		if a != b {
			ps = append(ps, []int32{a, b})
		}
	}
	es, ms := graphSpec{passages: ps}.build()
	want, err := Group(context.Background(), 36, slices.Clone(es), ms, DefaultMethod(), 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	wantEdges := slices.Clone(es)
	if _, err := Group(context.Background(), 36, wantEdges, ms, DefaultMethod(), 1, nil); err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		shuffled := slices.Clone(ms)
		rng.Shuffle(len(shuffled), func(a, b int) { shuffled[a], shuffled[b] = shuffled[b], shuffled[a] })
		got := slices.Clone(es)
		groups, err := Group(context.Background(), 36, got, shuffled, DefaultMethod(), 1+i%2, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(groups, want) || !reflect.DeepEqual(got, wantEdges) {
			t.Fatalf("run %d differs: %v against %v", i, groups, want)
		}
	}
}

func TestFamilies(t *testing.T) {
	ref := func(d, s int32) pipeline.SentenceRef { return pipeline.SentenceRef{Doc: d, Sentence: s} }
	ms := []pipeline.Match{
		{A: ref(0, 1), B: ref(1, 4)},
		{A: ref(2, 0), B: ref(3, 0)},
		{A: ref(1, 4), B: ref(5, 2)}, // joins the first family through 1/4
		{A: ref(0, 2), B: ref(1, 3)},
		{A: ref(3, 0), B: ref(4, 9)},
	}
	if got, _ := Families(ms); !reflect.DeepEqual(got, []int32{0, 1, 0, 2, 1}) {
		t.Errorf("sentences: got %v, want %v", got, []int32{0, 1, 0, 2, 1})
	}
	// 0/2-1/5 follows 0/1-1/4 in both articles: as a paragraph, one
	// family with 0/1-1/4, and so with 0/2-1/3 through sentence 0/2.
	ms = append(ms, pipeline.Match{A: ref(0, 2), B: ref(1, 5)})
	sents, paras := Families(ms)
	if want := []int32{0, 1, 0, 2, 1, 2}; !reflect.DeepEqual(sents, want) {
		t.Errorf("sentences: got %v, want %v", sents, want)
	}
	if want := []int32{0, 1, 0, 0, 1, 0}; !reflect.DeepEqual(paras, want) {
		t.Errorf("paragraphs: got %v, want %v", paras, want)
	}
}

// BenchmarkGroup clusters 2,000 stories of 2 to 12 rewrites with stray
// passages between random pairs of articles, about the graph of 20,000
// articles.
func BenchmarkGroup(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	var ps [][]int32
	n := int32(0)
	for range 2000 {
		k := 2 + rng.Int32N(11)
		arts := make([]int32, k)
		for i := range arts {
			arts[i] = n + int32(i)
		}
		ps = append(ps, story(arts...)...)
		n += k
	}
	for range 400 {
		ps = append(ps, []int32{rng.Int32N(n), rng.Int32N(n), rng.Int32N(n), rng.Int32N(n)})
	}
	for i, p := range ps { // no self-pairs
		slices.Sort(p)
		ps[i] = slices.Compact(p)
	}
	es, ms := graphSpec{passages: ps}.build()
	b.ResetTimer()
	for range b.N {
		edges := slices.Clone(es)
		if _, err := Group(context.Background(), int(n), edges, ms, DefaultMethod(), 1, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func TestLeadFamilies(t *testing.T) {
	lead, body := pipeline.Match{InLeadA: true, InLeadB: true}, pipeline.Match{InLeadA: true}
	ms := []pipeline.Match{lead, body, body, body, lead, lead, body}
	fams := []int32{0, 0, 1, 1, 2, 2, 2}
	if got, want := LeadFamilies(ms, fams, 4), []bool{true, false, true, false}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

// TestDetachLoneKeepsGroupsLinked gives detachLone a group whose lone
// article is the only link of another article to the rest (a hub of the
// formulaic sentence): what is left must not hold an article that no kept
// link joins to it.
func TestDetachLoneKeepsGroupsLinked(t *testing.T) {
	g := graphSpec{
		passages: concat(story(0, 1, 2, 3, 4), [][]int32{{2, 5, 6}}),
		alone:    []int32{5},
		missed:   [][2]int32{{2, 6}},
	}
	const n = 7
	es, ms := g.build()
	sents, _ := Families(ms)
	fams := EdgeFamilies(es, ms, sents)
	all := make([]int, len(es))
	for i := range all {
		all[i] = i
	}
	groups, cut := detachLone([][]int32{{0, 1, 2, 3, 4, 5, 6}}, es, all, nil, fams, sidesOf(n, ms, sents), g.rest())
	if want := [][]int32{{0, 1, 2, 3, 4}, {5}, {6}}; !reflect.DeepEqual(groups, want) {
		t.Errorf("groups %v, want %v", groups, want)
	}
	var cutPairs [][2]int32
	for _, c := range cut {
		cutPairs = append(cutPairs, [2]int32{es[c.Edge].A, es[c.Edge].B})
	}
	if want := [][2]int32{{2, 5}, {5, 6}}; !reflect.DeepEqual(cutPairs, want) {
		t.Errorf("cut %v, want %v", cutPairs, want)
	}
}

// TestMatchEdges: each match finds its pair's edge, on one worker or
// several, and a match whose figures differ or whose pair has no edge
// finds none.
func TestMatchEdges(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	var ps [][]int32
	for range 3000 {
		p := []int32{rng.Int32N(500), rng.Int32N(500), rng.Int32N(500)}
		slices.Sort(p)
		ps = append(ps, slices.Compact(p))
	}
	es, ms := graphSpec{passages: ps}.build()
	if len(ms) < 2*4096 {
		t.Fatalf("%d matches: want several chunks", len(ms))
	}
	for i := range ms {
		if i%7 == 0 {
			ms[i].FiguresDiffer = true
		}
	}
	es = es[:len(es)-len(es)/5] // some pairs without an edge
	want := make([]int32, len(ms))
	for i, m := range ms {
		want[i] = -1
		for k, e := range es {
			if !m.FiguresDiffer && e.A == m.A.Doc && e.B == m.B.Doc {
				want[i] = int32(k)
			}
		}
	}
	for _, workers := range []int{1, 3} {
		if got := matchEdges(context.Background(), es, ms, workers); !slices.Equal(got, want) {
			t.Errorf("%d workers: got %v..., want %v...", workers, got[:8], want[:8])
		}
	}
}

// benchEdgeFamilies is the data of BenchmarkEdgeFamilies: 1.2 million
// matches behind 200,000 edges, as at 100,000 articles.
func benchEdgeFamilies() ([]pipeline.Edge, []pipeline.Match, []int32) {
	rng := rand.New(rand.NewPCG(3, 3))
	var ps [][]int32
	for range 200_000 {
		p := []int32{rng.Int32N(100_000), rng.Int32N(100_000)}
		slices.Sort(p)
		if p[0] != p[1] {
			ps = append(ps, p, p, p, p, p, p)
		}
	}
	es, ms := graphSpec{passages: ps}.build()
	sents, _ := Families(ms)
	return es, ms, sents
}

// BenchmarkEdgeFamilies finds the sentence and the paragraph families of
// each edge, as Group does.
func BenchmarkEdgeFamilies(b *testing.B) {
	es, ms, fams := benchEdgeFamilies()
	b.ResetTimer()
	for range b.N {
		edgeOf := matchEdges(context.Background(), es, ms, 2)
		edgeFamilies(len(es), edgeOf, fams)
		edgeFamilies(len(es), edgeOf, fams)
	}
}
