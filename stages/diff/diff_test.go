package diff

import (
	"context"
	"reflect"
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
