package verify

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/dedupe/dedupe/pipeline"
	"github.com/dedupe/dedupe/stages/segment"
	"github.com/dedupe/dedupe/stages/shingle"
)

// seq returns the set {from, ..., to-1}.
func seq(from, to uint32) []uint32 {
	var s []uint32
	for h := from; h < to; h++ {
		s = append(s, h)
	}
	return s
}

// sentence has shingles [from, to) and the linkable ones [lfrom, lto), each
// held by two articles.
func sentence(from, to, lfrom, lto uint32) pipeline.Sentence {
	return withDF(pipeline.Sentence{Shingles: seq(from, to), Linkable: seq(lfrom, lto)}, 2)
}

// withDF sets the document frequency of every linkable shingle of s.
func withDF(s pipeline.Sentence, df int32) pipeline.Sentence {
	s.LinkableDF = make([]int32, len(s.Linkable))
	for i := range s.LinkableDF {
		s.LinkableDF[i] = df
	}
	return s
}

func TestRulePassage(t *testing.T) {
	rule := Rule{MinShared: 6, MinContainment: 0.3}
	tests := []struct {
		name   string
		a, b   pipeline.Sentence
		ok     bool
		shared int32
		contain,
		jaccard,
		evidence float64
	}{
		// Below MinShared linkable shingles in common, Passage stops early
		// and returns a zero Match.
		// a: 20 shingles 0..19; b: 20 shingles starting at 14 => 6 shared, containment 0.3.
		{"at both thresholds", sentence(0, 20, 0, 20), sentence(14, 34, 14, 34), true, 6, 0.3, 6.0 / 34, 6},
		{"five shared linkable", sentence(0, 20, 0, 20), sentence(14, 34, 15, 34), false, 0, 0, 0, 0},
		{"containment just under", sentence(0, 21, 0, 21), sentence(15, 36, 15, 36), false, 6, 6.0 / 21, 6.0 / 36, 6},
		{"containment on the smaller set", sentence(0, 40, 0, 40), sentence(30, 50, 30, 50), true, 10, 0.5, 10.0 / 50, 10},
		{"seven shared, containment 0.35", sentence(0, 20, 0, 20), sentence(13, 33, 13, 33), true, 7, 0.35, 7.0 / 33, 7},
		{"identical", sentence(0, 10, 0, 10), sentence(0, 10, 0, 10), true, 10, 1, 1, 10},
		{"identical but not linkable", sentence(0, 10, 0, 0), sentence(0, 10, 0, 0), false, 0, 0, 0, 0},
		{"linkable shared but few overall", sentence(0, 6, 0, 6), sentence(0, 40, 0, 40), true, 6, 1, 6.0 / 40, 6},
		{"common shingles weigh less", withDF(sentence(0, 8, 0, 8), 5), withDF(sentence(0, 8, 0, 8), 5), true, 8, 1, 1, 2},
		{"disjoint", sentence(0, 10, 0, 10), sentence(10, 20, 10, 20), false, 0, 0, 0, 0},
		{"empty", sentence(0, 0, 0, 0), sentence(0, 10, 0, 10), false, 0, 0, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, swap := range []bool{false, true} {
				a, b := tt.a, tt.b
				if swap {
					a, b = b, a
				}
				m, ok := rule.Passage(&a, &b)
				if ok != tt.ok {
					t.Errorf("swap=%v: got ok %v, want %v", swap, ok, tt.ok)
				}
				if m.Shared != tt.shared || m.Containment != tt.contain || m.Jaccard != tt.jaccard || m.Evidence != tt.evidence {
					t.Errorf("swap=%v: got shared %d containment %v jaccard %v evidence %v, want %d %v %v %v",
						swap, m.Shared, m.Containment, m.Jaccard, m.Evidence, tt.shared, tt.contain, tt.jaccard, tt.evidence)
				}
			}
		})
	}
}

func TestEdges(t *testing.T) {
	m := func(a, b int32, evidence float64) pipeline.Match {
		return pipeline.Match{A: pipeline.SentenceRef{Doc: a}, B: pipeline.SentenceRef{Doc: b, Sentence: 1}, Evidence: evidence}
	}
	d := func(a, b int32, evidence float64) pipeline.Match { // figures differ
		x := m(a, b, evidence)
		x.FiguresDiffer = true
		return x
	}
	tests := []struct {
		name        string
		matches     []pipeline.Match
		copies      map[[2]int32]Copy
		minEvidence float64
		want        []pipeline.Edge
	}{
		{"nothing", nil, nil, 1, []pipeline.Edge{}},
		{"passages counted per pair", []pipeline.Match{m(2, 5, 1), m(0, 1, 1), m(2, 5, 1), m(0, 1, 1), m(0, 1, 1)}, nil, 1,
			[]pipeline.Edge{{A: 0, B: 1, Passages: 3, Evidence: 3}, {A: 2, B: 5, Passages: 2, Evidence: 2}}},
		{"evidence adds up to the minimum", []pipeline.Match{m(0, 1, 0.5), m(0, 1, 0.5), m(2, 3, 0.75)}, nil, 1,
			[]pipeline.Edge{{A: 0, B: 1, Passages: 2, Evidence: 1}}},
		{"minimum 0 keeps every passage", []pipeline.Match{m(2, 3, 0.25)}, nil, 0,
			[]pipeline.Edge{{A: 2, B: 3, Passages: 1, Evidence: 0.25}}},
		{"copy only", nil, map[[2]int32]Copy{{3, 4}: {Jaccard: 0.9}}, 1, []pipeline.Edge{{A: 3, B: 4, DocJaccard: 0.9}}},
		{"copy and weak passages merged", []pipeline.Match{m(3, 4, 0.5), m(1, 9, 2)}, map[[2]int32]Copy{{3, 4}: {Jaccard: 0.75}, {0, 2}: {Jaccard: 0.5}}, 1,
			[]pipeline.Edge{{A: 0, B: 2, DocJaccard: 0.5}, {A: 1, B: 9, Passages: 1, Evidence: 2}, {A: 3, B: 4, Passages: 1, Evidence: 0.5, DocJaccard: 0.75}}},
		// Two issues of a daily note: the figure-free sentence matches, the
		// three that carry the day's figures differ.
		{"templated report with new figures", []pipeline.Match{d(0, 1, 2), m(0, 1, 2), d(0, 1, 2), d(0, 1, 2)}, nil, 1,
			[]pipeline.Edge{{A: 0, B: 1, Passages: 1, Differ: 3, Evidence: 2, Cut: pipeline.CutTemplateFigures}}},
		{"agreeing passages too weak without the differing ones", []pipeline.Match{d(0, 1, 2), m(0, 1, 0.5)}, nil, 1,
			[]pipeline.Edge{{A: 0, B: 1, Passages: 1, Differ: 1, Evidence: 0.5, Cut: pipeline.CutTemplateFigures}}},
		// A story and its update: the lead and a paragraph carried over,
		// one figure updated.
		{"update with a changed figure", []pipeline.Match{m(0, 1, 2), d(0, 1, 2), m(0, 1, 1)}, nil, 1,
			[]pipeline.Edge{{A: 0, B: 1, Passages: 2, Differ: 1, Evidence: 3}}},
		{"differing figures alone too weak to link", []pipeline.Match{d(0, 1, 0.5)}, nil, 1, []pipeline.Edge{}},
		{"copy with new figures is a template", []pipeline.Match{d(2, 3, 1), d(2, 3, 1), m(2, 3, 1)}, map[[2]int32]Copy{{2, 3}: {Jaccard: 0.6}}, 1,
			[]pipeline.Edge{{A: 2, B: 3, Passages: 1, Differ: 2, Evidence: 1, DocJaccard: 0.6, Cut: pipeline.CutTemplateFigures}}},
		// Two issues of a daily note whose fingerprints collide on one
		// figure sentence: two pairs differ, two agree.
		{"templated report, one collision", []pipeline.Match{d(0, 1, 2), m(0, 1, 2), d(0, 1, 2), m(0, 1, 2)}, nil, 1,
			[]pipeline.Edge{{A: 0, B: 1, Passages: 2, Differ: 2, Evidence: 4, Cut: pipeline.CutTemplateFigures}}},
		{"copy with one figure changed", []pipeline.Match{d(2, 3, 0.2), m(2, 3, 0.2)}, map[[2]int32]Copy{{2, 3}: {Jaccard: 0.6}}, 1,
			[]pipeline.Edge{{A: 2, B: 3, Passages: 1, Differ: 1, Evidence: 0.2, DocJaccard: 0.6}}},
		// Two issues of a short templated report: copies by their words,
		// the one sentence with figures carried with new ones.
		{"copy of another issue", nil, map[[2]int32]Copy{{2, 3}: {Jaccard: 0.7, Differ: 1}}, 1,
			[]pipeline.Edge{{A: 2, B: 3, DocJaccard: 0.7, Cut: pipeline.CutTemplateFigures}}},
		{"copy with its figures", nil, map[[2]int32]Copy{{2, 3}: {Jaccard: 0.7, Agree: 1}}, 1,
			[]pipeline.Edge{{A: 2, B: 3, DocJaccard: 0.7}}},
		{"copy with one of two figure sentences updated", nil, map[[2]int32]Copy{{2, 3}: {Jaccard: 0.7, Agree: 1, Differ: 1}}, 1,
			[]pipeline.Edge{{A: 2, B: 3, DocJaccard: 0.7}}},
		{"copy with two of four figure sentences new", nil, map[[2]int32]Copy{{2, 3}: {Jaccard: 0.7, Agree: 2, Differ: 2}}, 1,
			[]pipeline.Edge{{A: 2, B: 3, DocJaccard: 0.7, Cut: pipeline.CutTemplateFigures}}},
		{"copy with new figures but passages that weigh", []pipeline.Match{m(2, 3, 1.5)}, map[[2]int32]Copy{{2, 3}: {Jaccard: 0.7, Differ: 1}}, 1,
			[]pipeline.Edge{{A: 2, B: 3, Passages: 1, Evidence: 1.5, DocJaccard: 0.7}}},
		{"sorted by A then B", []pipeline.Match{m(1, 3, 1), m(0, 7, 1), m(1, 2, 1), m(0, 3, 1)}, nil, 1,
			[]pipeline.Edge{{A: 0, B: 3, Passages: 1, Evidence: 1}, {A: 0, B: 7, Passages: 1, Evidence: 1}, {A: 1, B: 2, Passages: 1, Evidence: 1}, {A: 1, B: 3, Passages: 1, Evidence: 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Edges(tt.matches, tt.copies, tt.minEvidence); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestStage(t *testing.T) {
	p := pipeline.DefaultParams()
	p.Workers = 2
	st := pipeline.NewState(p)
	st.Docs = []*pipeline.Doc{
		{Sentences: []pipeline.Sentence{sentence(0, 10, 0, 10), sentence(100, 120, 100, 120)}, Shingles: seq(0, 100)},
		{Sentences: []pipeline.Sentence{sentence(5, 15, 5, 15)}, Shingles: seq(40, 140)},
		{Sentences: []pipeline.Sentence{sentence(100, 103, 100, 103)}, Shingles: seq(0, 80)},
	}
	st.Candidates = [][2]pipeline.SentenceRef{
		{{Doc: 0, Sentence: 0}, {Doc: 1, Sentence: 0}}, // 5 shared: rejected
		{{Doc: 0, Sentence: 1}, {Doc: 2, Sentence: 0}}, // 3 shared: rejected
	}
	st.DocCandidates = [][2]int32{{0, 1}, {0, 2}} // Jaccard 60/140, 80/100
	if err := (Stage{}).Run(context.Background(), st, pipeline.NoProgress{}); err != nil {
		t.Fatal(err)
	}
	if len(st.Matches) != 0 {
		t.Errorf("got matches %+v, want none", st.Matches)
	}
	if want := []pipeline.Edge{{A: 0, B: 2, DocJaccard: 0.8}}; !reflect.DeepEqual(st.Edges, want) {
		t.Errorf("got edges %+v, want %+v", st.Edges, want)
	}

	st.Docs[1].Sentences[0] = sentence(4, 14, 4, 14) // now 6 shared of 10
	st.Candidates = [][2]pipeline.SentenceRef{{{Doc: 0, Sentence: 0}, {Doc: 1, Sentence: 0}}}
	if err := (Stage{}).Run(context.Background(), st, pipeline.NoProgress{}); err != nil {
		t.Fatal(err)
	}
	wantMatch := []pipeline.Match{{A: pipeline.SentenceRef{Doc: 0}, B: pipeline.SentenceRef{Doc: 1}, Shared: 6, InLeadA: true, InLeadB: true, Evidence: 6, Jaccard: 6.0 / 14, Containment: 0.6}}
	if !reflect.DeepEqual(st.Matches, wantMatch) {
		t.Errorf("got matches %+v, want %+v", st.Matches, wantMatch)
	}
	if want := []pipeline.Edge{{A: 0, B: 1, Passages: 1, Evidence: 6}, {A: 0, B: 2, DocJaccard: 0.8}}; !reflect.DeepEqual(st.Edges, want) {
		t.Errorf("got edges %+v, want %+v", st.Edges, want)
	}
	if st.Candidates != nil {
		t.Errorf("got candidates kept, want them dropped")
	}
	if st.Counts["passage_matches"] != 1 || st.Counts["copy_pairs"] != 1 || st.Counts["edges"] != 2 {
		t.Errorf("got counts %v", st.Counts)
	}
}

// BenchmarkRulePassage verifies the candidates of one article per op:
// 30 sentence pairs of about 25 shingles, a third of them matching.
func BenchmarkRulePassage(b *testing.B) {
	rule := Rule{MinShared: 6, MinContainment: 0.3}
	var as, bs []pipeline.Sentence
	for i := range 30 {
		base := uint32(i * 1000)
		n := uint32(20 + i%10)
		overlap := uint32(4 + i%9)
		as = append(as, sentence(base, base+n, base, base+n))
		bs = append(bs, sentence(base+n-overlap, base+2*n-overlap, base+n-overlap, base+2*n-overlap))
	}
	b.ReportAllocs()
	b.ResetTimer()
	ok := 0
	for i := 0; i < b.N; i++ {
		for j := range as {
			if _, good := rule.Passage(&as[j], &bs[j]); good {
				ok++
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/article")
	b.ReportMetric(float64(ok)/float64(b.N), "matches/article")
}

func TestSameOutletRepeat(t *testing.T) {
	rep := pipeline.Sentence{Key: 7, KeyDF: 3}
	tests := []struct {
		name       string
		a, b       pipeline.Sentence
		outA, outB string
		repeatDF   int
		want       bool
	}{
		{"outlet chrome", rep, rep, "site", "site", 3, true},
		{"wire sentence across outlets", rep, rep, "site", "other", 3, false},
		{"repeat below the limit", pipeline.Sentence{Key: 7, KeyDF: 2}, pipeline.Sentence{Key: 7, KeyDF: 2}, "site", "site", 3, false},
		{"reworded, not verbatim", rep, pipeline.Sentence{Key: 8, KeyDF: 3}, "site", "site", 3, false},
		{"disabled", rep, rep, "site", "site", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := SameOutletRepeat(&tt.a, &tt.b, tt.outA, tt.outB, tt.repeatDF); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// TestStageWindow: articles published further apart than the window never
// link, neither by passages nor as copies; an undated article links to all.
func TestStageWindow(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	// Doc 0 at t0, 1 five days later, 2 undated, 3 one day later: every
	// pair shares a passage and is a copy.
	times := []time.Time{t0, t0.Add(5 * day), {}, t0.Add(day)}
	all := [][2]int32{{0, 1}, {0, 2}, {0, 3}, {1, 2}, {1, 3}, {2, 3}}
	tests := []struct {
		name    string
		window  time.Duration
		want    [][2]int32
		dropped int // window_dropped_links
	}{
		{"no window", 0, all, 0},
		{"3 days drops the 5- and 4-day pairs", 3 * day, [][2]int32{{0, 2}, {0, 3}, {1, 2}, {2, 3}}, 2},
		{"4 days keeps a pair exactly 4 days apart", 4 * day, [][2]int32{{0, 2}, {0, 3}, {1, 2}, {1, 3}, {2, 3}}, 1},
		{"an hour keeps only the undated article's links", time.Hour, [][2]int32{{0, 2}, {1, 2}, {2, 3}}, 3},
		{"a week keeps all", 7 * day, all, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := pipeline.DefaultParams()
			p.Workers = 2
			p.Window = pipeline.Duration(tt.window)
			st := pipeline.NewState(p)
			for _, at := range times {
				d := &pipeline.Doc{Sentences: []pipeline.Sentence{sentence(0, 10, 0, 10)}, Shingles: seq(0, 10)}
				d.PublishedAt = at
				st.Docs = append(st.Docs, d)
			}
			for _, pr := range all {
				st.Candidates = append(st.Candidates, [2]pipeline.SentenceRef{{Doc: pr[0]}, {Doc: pr[1]}})
			}
			st.DocCandidates = all
			if err := (Stage{}).Run(context.Background(), st, pipeline.NoProgress{}); err != nil {
				t.Fatal(err)
			}
			var got [][2]int32
			for _, e := range st.Edges {
				if e.Passages != 1 || e.DocJaccard != 1 {
					t.Errorf("edge %d-%d: got %d passages, copy Jaccard %v; want 1 and 1", e.A, e.B, e.Passages, e.DocJaccard)
				}
				got = append(got, [2]int32{e.A, e.B})
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got edges %v, want %v", got, tt.want)
			}
			if len(st.Matches) != len(tt.want) {
				t.Errorf("got %d matches, want %d: a match across the window is no evidence", len(st.Matches), len(tt.want))
			}
			if n := st.Counts["window_dropped_links"]; n != tt.dropped {
				t.Errorf("got window_dropped_links %d, want %d", n, tt.dropped)
			}
			if n := st.Counts["window_dropped_matches"] + st.Counts["window_dropped_copies"]; n != 2*tt.dropped {
				t.Errorf("got %d matches and copies dropped, want %d", n, 2*tt.dropped)
			}
		})
	}
}

// TestStageWindowTemplate: two issues of a templated report further apart
// than the window are a dropped copy, but not a dropped link: the figures
// rule would have cut it.
func TestStageWindowTemplate(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	p := pipeline.DefaultParams()
	p.Window = pipeline.Duration(24 * time.Hour)
	st := pipeline.NewState(p)
	for i, text := range []string{
		"Sugar futures for delivery next month settled at 1.40 dollars a pound, up 40 cents from the previous session, traders said.",
		"Sugar futures for delivery next month settled at 1.19 dollars a pound, up 40 cents from the previous session, traders said.",
		"Sugar futures for delivery next month settled at 1.40 dollars a pound, up 40 cents from the previous session, traders said.",
	} {
		d := docOf(said(text))
		d.PublishedAt = t0.Add(time.Duration(i) * 5 * 24 * time.Hour)
		st.Docs = append(st.Docs, d)
	}
	st.DocCandidates = [][2]int32{{0, 1}, {0, 2}}
	if err := (Stage{}).Run(context.Background(), st, pipeline.NoProgress{}); err != nil {
		t.Fatal(err)
	}
	if len(st.Edges) != 0 || st.Counts["window_dropped_copies"] != 2 || st.Counts["window_dropped_links"] != 1 {
		t.Errorf("got edges %v, %d copies and %d links dropped: want none, 2 and 1 (the re-send, not the other issue)",
			st.Edges, st.Counts["window_dropped_copies"], st.Counts["window_dropped_links"])
	}
}

func TestApart(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		a, b   time.Time
		window time.Duration
		want   bool
	}{
		{"within", t0, t0.Add(47 * time.Hour), 48 * time.Hour, false},
		{"at the window", t0, t0.Add(48 * time.Hour), 48 * time.Hour, false},
		{"a second past", t0, t0.Add(48*time.Hour + time.Second), 48 * time.Hour, true},
		{"either order", t0.Add(49 * time.Hour), t0, 48 * time.Hour, true},
		{"first undated", time.Time{}, t0, time.Hour, false},
		{"second undated", t0, time.Time{}, time.Hour, false},
		{"window off", t0, t0.AddDate(1, 0, 0), 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := &pipeline.Doc{}, &pipeline.Doc{}
			a.PublishedAt, b.PublishedAt = tt.a, tt.b
			if got := Apart(a, b, pipeline.Duration(tt.window)); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestFiguresDiffer(t *testing.T) {
	tests := []struct {
		name string
		a, b uint32
		want bool
	}{
		{"neither states figures", 0, 0, false},
		{"one states figures", 0b101, 0, false},
		{"same figures", 0b101, 0b101, false},
		{"a rewrite drops a figure", 0b101, 0b100, false},
		{"a rewrite adds a figure", 0b100, 0b110, false},
		{"new figures", 0b011, 0b101, true},
		{"disjoint figures", 0b1, 0b10, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := FiguresDiffer(tt.a, tt.b); got != tt.want {
				t.Errorf("FiguresDiffer(%b, %b) = %v, want %v", tt.a, tt.b, got, tt.want)
			}
			if got := FiguresDiffer(tt.b, tt.a); got != tt.want {
				t.Errorf("FiguresDiffer(%b, %b) = %v, want %v", tt.b, tt.a, got, tt.want)
			}
		})
	}
}

func TestInLead(t *testing.T) {
	content, chrome := pipeline.Sentence{}, pipeline.Sentence{Boilerplate: pipeline.ReasonShortLine}
	d := &pipeline.Doc{Sentences: []pipeline.Sentence{chrome, content, chrome, content, content, content, chrome}}
	for i, want := range []bool{false, true, false, true, true, false, false} {
		if got := InLead(d, int32(i)); got != want {
			t.Errorf("sentence %d: got %v, want %v", i, got, want)
		}
	}
	if InLead(d, 7) {
		t.Error("sentence past the end: got true")
	}
}

// figured is a sentence with the hash of its figure words, which the
// shingle stage keeps in the sentence's Doc.
type figured struct {
	pipeline.Sentence
	words uint32
}

// said returns a sentence of text as the shingle stage fills it: its
// shingles, all linkable (rare) but those with a name, and its figures.
func said(text string) figured {
	toks := segment.AppendTokens(nil, text)
	s := figured{Sentence: pipeline.Sentence{Figures: shingle.Figures(toks)}}
	var named []uint32
	s.Shingles, named = shingle.FromTokens(toks, 3)
	s.Linkable = shingle.Without(s.Shingles, named)
	s.FigureCount, s.words = shingle.FigureSet(toks)
	return s
}

// common returns a sentence of text whose shingles are all too common to
// link: a line every issue of a template carries.
func common(text string) figured {
	s := said(text)
	s.Linkable = nil
	return s
}

// docOf returns a document of the sentences, numbered in order, with their
// figure words' hashes.
func docOf(sents ...figured) *pipeline.Doc {
	d := &pipeline.Doc{}
	for i, s := range sents {
		s.Index = int32(i)
		d.Sentences = append(d.Sentences, s.Sentence)
		if s.FigureCount > 0 {
			d.FigureWords = append(d.FigureWords, pipeline.FigureWords{Sentence: s.Index, Hash: s.words})
		}
	}
	return d
}

func TestSentenceFiguresDiffer(t *testing.T) {
	collide := func(count uint8, words uint32) figured {
		return figured{Sentence: pipeline.Sentence{Figures: 0b1001, FigureCount: count}, words: words}
	}
	tests := []struct {
		name string
		a, b figured
		want bool
	}{
		{"same sentence", said("Sugar settled at 1.40 dollars, up 40 cents."), said("Sugar settled at 1.40 dollars, up 40 cents."), false},
		{"same figures, reworded", said("Sugar settled at 1.40 dollars, up 40 cents."), said("Up 40 cents, sugar closed at 1.40 dollars."), false},
		{"another issue", said("Sugar settled at 1.40 dollars, up 40 cents."), said("Sugar settled at 1.19 dollars, up 40 cents."), true},
		{"a rewrite drops a figure", said("Sugar settled at 1.40 dollars, up 40 cents."), said("Sugar settled at 1.40 dollars."), false},
		{"no figures", said("Sugar settled higher."), said("Sugar settled lower."), false},
		// Fingerprints equal, as two figures may collide in 32 bits: the
		// figure words tell.
		{"fingerprints collide, figures differ", collide(2, 7), collide(2, 9), true},
		{"fingerprints collide, figures agree", collide(2, 7), collide(2, 7), false},
		{"fingerprints collide, a figure dropped", collide(3, 7), collide(2, 9), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			da, db := docOf(tt.a), docOf(tt.b)
			a, b := &da.Sentences[0], &db.Sentences[0]
			if got := SentenceFiguresDiffer(da, a, db, b); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
			if got := SentenceFiguresDiffer(db, b, da, a); got != tt.want {
				t.Errorf("swapped: got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestCopyFigures(t *testing.T) {
	doc := func(sents ...any) *pipeline.Doc {
		var fs []figured
		for _, s := range sents {
			switch s := s.(type) {
			case string:
				fs = append(fs, said(s))
			case figured:
				fs = append(fs, s)
			}
		}
		return docOf(fs...)
	}
	const other = "Sugar futures for delivery next month settled at 1.19 dollars a pound, up 40 cents from the previous session, traders said."
	line := common("Danube 30 index at the close")
	const (
		head = "Sugar futures settle"
		body = "Sugar futures for delivery next month settled at 1.40 dollars a pound, up 40 cents from the previous session, traders said."
	)
	tests := []struct {
		name          string
		a, b          *pipeline.Doc
		agree, differ int32
	}{
		{"re-sent verbatim", doc(head, body), doc(head, body), 1, 0},
		{"another issue", doc(head, body), doc(head, other), 0, 1},
		// The constant figure of a line every issue carries tells
		// nothing: the issue's own figures do.
		{"another issue under a template line", doc(line, body), doc(line, other), 0, 1},
		{"re-sent under a template line", doc(line, body), doc(line, body), 1, 0},
		{"figures carried, sentence trimmed", doc(head, body), doc(head, "Sugar futures for delivery next month settled at 1.40 dollars a pound, up 40 cents from the previous session."), 1, 0},
		// A copy carries its figures as they were.
		{"one of three figure words dropped", doc(head, body), doc(head, "Sugar futures for delivery next month settled at 1.40 dollars a pound, higher than in the previous session, traders said."), 0, 1},
		{"figures dropped", doc(head, body), doc(head, "Sugar futures for delivery next month settled higher, traders said of the previous session's pound."), 0, 0},
		{"no sentence carried", doc(head, body), doc(head, "Coffee rose sharply after frost hit the harvest at 3 farms."), 0, 0},
		{"one figure sentence updated, one carried",
			doc(body, "The exchange said 12,000 contracts changed hands on Tuesday, the most this year."),
			doc(body, "The exchange said 15,500 contracts changed hands on Tuesday, the most this year."), 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if agree, differ := CopyFigures(tt.a, tt.b); agree != tt.agree || differ != tt.differ {
				t.Errorf("got %d agreeing and %d differing, want %d and %d", agree, differ, tt.agree, tt.differ)
			}
		})
	}
}
