package diff

import (
	"context"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/dedupe/dedupe/pipeline"
)

func seq(from, to uint32) []uint32 {
	var s []uint32
	for h := from; h < to; h++ {
		s = append(s, h)
	}
	return s
}

func sent(from, to uint32) pipeline.Sentence { return pipeline.Sentence{Shingles: seq(from, to)} }

func boiler(from, to uint32) pipeline.Sentence {
	s := sent(from, to)
	s.Boilerplate = pipeline.ReasonEdgeRepeat
	return s
}

func TestRuleNearDup(t *testing.T) {
	rule := Rule{StrongShared: 6, MinShared: 3, MinContainment: 0.4}
	tests := []struct {
		name   string
		s      pipeline.Sentence
		others []pipeline.Sentence
		want   bool
	}{
		{"strong: 6 shared at containment 0.3", sent(0, 20), []pipeline.Sentence{sent(14, 34)}, true},
		{"5 shared at containment 0.25", sent(0, 20), []pipeline.Sentence{sent(15, 35)}, false},
		{"containment 0.4 with 4 shared", sent(0, 10), []pipeline.Sentence{sent(6, 30)}, true},
		{"containment 0.3 with 3 shared", sent(0, 10), []pipeline.Sentence{sent(7, 30)}, false},
		{"containment on the smaller: the other", sent(0, 30), []pipeline.Sentence{sent(27, 32)}, true},
		{"short sentence carried whole", sent(0, 2), []pipeline.Sentence{sent(0, 20)}, true},
		{"short sentence half carried", sent(0, 2), []pipeline.Sentence{sent(1, 20)}, false},
		{"one-shingle sentence", sent(5, 6), []pipeline.Sentence{sent(0, 20)}, true},
		{"best of several", sent(0, 10), []pipeline.Sentence{sent(8, 30), sent(100, 110), sent(5, 12)}, true},
		{"no others", sent(0, 10), nil, false},
		{"empty sentence", sent(0, 0), []pipeline.Sentence{sent(0, 10)}, false},
		{"empty other", sent(0, 3), []pipeline.Sentence{sent(0, 0)}, false},
		{"boilerplate other ignored", sent(0, 10), []pipeline.Sentence{boiler(0, 10)}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := rule.NearDup(&tt.s, tt.others); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestRuleMember(t *testing.T) {
	rule := Rule{StrongShared: 6, MinShared: 3, MinContainment: 0.4}
	canon := &pipeline.Doc{Sentences: []pipeline.Sentence{sent(0, 10), sent(10, 20), boiler(50, 60)}}
	tests := []struct {
		name          string
		member        []pipeline.Sentence
		shared, added []int32
	}{
		{"all shared", []pipeline.Sentence{sent(0, 10), sent(12, 20)}, []int32{0, 1}, nil},
		{"one added", []pipeline.Sentence{sent(0, 10), sent(30, 40)}, []int32{0}, []int32{1}},
		{"boilerplate neither", []pipeline.Sentence{boiler(0, 10), sent(30, 40), boiler(70, 80)}, nil, []int32{1}},
		{"canonical boilerplate gives no match", []pipeline.Sentence{sent(50, 60)}, nil, []int32{0}},
		{"empty member", nil, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			shared, added := rule.Member(&pipeline.Doc{Sentences: tt.member}, canon)
			if !reflect.DeepEqual(shared, tt.shared) || !reflect.DeepEqual(added, tt.added) {
				t.Errorf("got shared %v added %v, want %v %v", shared, added, tt.shared, tt.added)
			}
		})
	}
}

func TestStage(t *testing.T) {
	st := pipeline.NewState(pipeline.DefaultParams()) // MinShared 6, NearDupShared 3, containment 0.4
	st.Params.Workers = 2
	st.Docs = []*pipeline.Doc{
		{Sentences: []pipeline.Sentence{sent(0, 10), sent(10, 20), sent(20, 30)}, Shingles: seq(0, 30)},   // canonical
		{Sentences: []pipeline.Sentence{sent(0, 10), sent(100, 110), boiler(0, 5)}, Shingles: seq(0, 10)}, // shares sentence 0
		{Sentences: []pipeline.Sentence{sent(12, 20), sent(200, 210)}, Shingles: seq(12, 20)},             // shares sentence 1
		{Sentences: []pipeline.Sentence{sent(0, 10)}, Shingles: seq(0, 10)},                               // a singleton
	}
	st.Clusters = []pipeline.Cluster{{ID: "c0", Members: []int32{0, 1, 2}, Canonical: 0}, {ID: "c1", Members: []int32{3}, Canonical: 3}}
	if err := (Stage{}).Run(context.Background(), st, pipeline.NoProgress{}); err != nil {
		t.Fatal(err)
	}
	want := []pipeline.MemberStats{
		{Cluster: 0, Similarity: 1, Shared: 2},
		{Cluster: 0, Similarity: 10.0 / 30, Shared: 1, Added: 1},
		{Cluster: 0, Similarity: 8.0 / 30, Shared: 1, Added: 1},
		{Cluster: 1, Similarity: 1},
	}
	if !reflect.DeepEqual(st.Members, want) {
		t.Errorf("got members %+v, want %+v", st.Members, want)
	}
	wantAdd := []pipeline.Addition{{Doc: 1, Sentence: 1}, {Doc: 2, Sentence: 1}}
	if !reflect.DeepEqual(st.Additions, wantAdd) {
		t.Errorf("got additions %+v, want %+v", st.Additions, wantAdd)
	}
	if st.Counts["additions"] != 2 {
		t.Errorf("got %d additions counted, want 2", st.Counts["additions"])
	}
	for di, d := range st.Docs {
		for si, s := range d.Sentences {
			if s.Shingles != nil || s.Linkable != nil || s.LinkableDF != nil {
				t.Errorf("doc %d sentence %d: shingle sets left, want them freed", di, si)
			}
		}
	}
}

// TestStageSimilarity: the diff reports the similarities the canonical
// stage measured (Cluster.Similarity) rather than rebuilding the sets,
// and measures them itself for a cluster without them.
func TestStageSimilarity(t *testing.T) {
	for _, tt := range []struct {
		name string
		sims []float64
		want []float64
	}{
		{"the canonical stage's", []float64{1, 0.5, 0.125}, []float64{1, 0.5, 0.125}},
		// 10 of 40 shingles, and 8 of 40, rebuilt from the sentences.
		{"none: measured here", nil, []float64{1, 0.25, 0.2}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			st := pipeline.NewState(pipeline.DefaultParams())
			st.Docs = []*pipeline.Doc{
				{Sentences: []pipeline.Sentence{sent(0, 10), sent(10, 20), sent(20, 30)}},
				{Sentences: []pipeline.Sentence{sent(0, 10), sent(100, 110)}},
				{Sentences: []pipeline.Sentence{sent(12, 20), sent(200, 210)}},
			}
			st.Clusters = []pipeline.Cluster{{ID: "c0", Members: []int32{0, 1, 2}, Canonical: 0, Similarity: tt.sims}}
			if err := (Stage{}).Run(context.Background(), st, pipeline.NoProgress{}); err != nil {
				t.Fatal(err)
			}
			for i, m := range st.Members {
				if m.Similarity != tt.want[i] {
					t.Errorf("member %d: similarity %v, want %v", i, m.Similarity, tt.want[i])
				}
			}
		})
	}
}

// TestStagePast: an earlier night's article gets no stats and no
// additions, since no table lists it, yet still counts toward the shared
// sentences of a canonical of tonight's; under an earlier night's
// canonical, tonight's members keep theirs.
func TestStagePast(t *testing.T) {
	docs := func(past ...int) []*pipeline.Doc {
		ds := []*pipeline.Doc{
			{Sentences: []pipeline.Sentence{sent(0, 10), sent(10, 20), sent(20, 30)}, Shingles: seq(0, 30)},
			{Sentences: []pipeline.Sentence{sent(0, 10), sent(100, 110)}, Shingles: seq(0, 10)},
			{Sentences: []pipeline.Sentence{sent(12, 20), sent(200, 210)}, Shingles: seq(12, 20)},
		}
		for _, i := range past {
			ds[i].Past = &pipeline.Past{Night: "2026-10-01"}
		}
		return ds
	}
	tests := []struct {
		name    string
		past    []int
		members []pipeline.MemberStats
		adds    []pipeline.Addition
	}{
		{"a member of an earlier night", []int{2},
			[]pipeline.MemberStats{{Cluster: 0, Similarity: 1, Shared: 2}, {Cluster: 0, Similarity: 10.0 / 30, Shared: 1, Added: 1}, {}},
			[]pipeline.Addition{{Doc: 1, Sentence: 1}}},
		{"the canonical of an earlier night", []int{0, 1},
			[]pipeline.MemberStats{{Cluster: 0, Similarity: 1}, {}, {Cluster: 0, Similarity: 8.0 / 30, Shared: 1, Added: 1}},
			[]pipeline.Addition{{Doc: 2, Sentence: 1}}},
		{"all of earlier nights", []int{0, 1, 2},
			[]pipeline.MemberStats{{Cluster: 0, Similarity: 1}, {}, {}},
			nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := pipeline.NewState(pipeline.DefaultParams())
			st.Docs = docs(tt.past...)
			st.Clusters = []pipeline.Cluster{{ID: "c0", Members: []int32{0, 1, 2}, Canonical: 0}}
			if err := (Stage{}).Run(context.Background(), st, pipeline.NoProgress{}); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(st.Members, tt.members) {
				t.Errorf("got members %+v, want %+v", st.Members, tt.members)
			}
			if !reflect.DeepEqual(st.Additions, tt.adds) && len(st.Additions)+len(tt.adds) > 0 {
				t.Errorf("got additions %+v, want %+v", st.Additions, tt.adds)
			}
			for di, d := range st.Docs {
				for si, s := range d.Sentences {
					if s.Shingles != nil {
						t.Errorf("doc %d sentence %d: shingle set left, want it freed", di, si)
					}
				}
			}
		})
	}
}

// plainNearDup is NearDup without the sketches: every content pair's sets
// intersected.
func plainNearDup(r Rule, s *pipeline.Sentence, others []pipeline.Sentence) bool {
	if len(s.Shingles) == 0 {
		return false
	}
	for i := range others {
		t := &others[i]
		if t.Content() && len(t.Shingles) > 0 && r.holds(intersect(s.Shingles, t.Shingles), min(len(s.Shingles), len(t.Shingles))) {
			return true
		}
	}
	return false
}

func intersect(a, b []uint32) int {
	n := 0
	for _, x := range a {
		if _, ok := slices.BinarySearch(b, x); ok {
			n++
		}
	}
	return n
}

// randomSentence draws n shingles from [0, universe): a small universe
// makes sentences share shingles, a large one sketches that share bits.
func randomSentence(r *rand.Rand, n int, universe uint32) pipeline.Sentence {
	return strided(r, n, universe, 1)
}

// strided draws n shingles from the multiples of stride below
// universe*stride: a stride of 64 gives every shingle one of 4 sketch
// bits, where many shingles, shared or not, share a bit.
func strided(r *rand.Rand, n int, universe, stride uint32) pipeline.Sentence {
	set := make([]uint32, n)
	for i := range set {
		set[i] = r.Uint32N(universe) * stride
	}
	slices.Sort(set)
	return pipeline.Sentence{Shingles: slices.Compact(set)}
}

// TestNearDupSketch: passing over pairs by their sketches changes no
// answer, for sentences of every size sharing from nothing to everything,
// under rules of several thresholds.
func TestNearDupSketch(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	rules := []Rule{{6, 3, 0.4}, {1, 1, 0}, {0, 0, 0}, {20, 10, 0.9}}
	differ := 0
	for trial := range 5000 {
		universe := []uint32{40, 300, 5000, 1 << 26}[trial%4]
		stride := []uint32{1, 7, 64}[trial/4%3]
		s := strided(r, 1+r.IntN(40), universe, stride)
		others := make([]pipeline.Sentence, r.IntN(6))
		for i := range others {
			others[i] = strided(r, r.IntN(40), universe, stride)
		}
		for _, rule := range rules {
			got, want := rule.NearDup(&s, others), plainNearDup(rule, &s, others)
			if got != want {
				t.Fatalf("rule %+v, %v against %v: got %v, want %v", rule, s.Shingles, others, got, want)
			}
			if want {
				differ++
			}
		}
	}
	if differ == 0 {
		t.Fatal("no trial found a near-duplicate: the test checks nothing")
	}
}

// BenchmarkMember compares a member of 30 sentences with a canonical of
// 30, a third of them reworded from the canonical's, as the stage does.
func BenchmarkMember(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 4))
	var canon, member pipeline.Doc
	for range 30 {
		canon.Sentences = append(canon.Sentences, randomSentence(r, 25, 1<<30))
	}
	for i := range 30 {
		s := randomSentence(r, 25, 1<<30)
		if i%3 == 0 { // keep 15 of a canonical sentence's shingles
			s.Shingles = slices.Clone(canon.Sentences[i].Shingles[:15])
		}
		member.Sentences = append(member.Sentences, s)
	}
	rule := Rule{StrongShared: 6, MinShared: 3, MinContainment: 0.4}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rule.Member(&member, &canon)
	}
}
