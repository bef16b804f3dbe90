package canonical

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/dedupe/dedupe/pipeline"
)

func TestBetter(t *testing.T) {
	jan1 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	jan2 := jan1.AddDate(0, 0, 1)
	var zero time.Time
	tests := []struct {
		name string
		a, b Candidate
		want bool // a better than b
	}{
		{"more shared wins", Candidate{Shared: 10, Words: 1, ID: "z"}, Candidate{Shared: 9, Words: 500, PublishedAt: jan1, ID: "a"}, true},
		{"less shared loses", Candidate{Shared: 9, Words: 500}, Candidate{Shared: 10, Words: 1}, false},
		{"tie on shared: more words", Candidate{Shared: 5, Words: 300, ID: "z"}, Candidate{Shared: 5, Words: 299, PublishedAt: jan1, ID: "a"}, true},
		{"tie on words: earlier", Candidate{Shared: 5, Words: 300, PublishedAt: jan1, ID: "z"}, Candidate{Shared: 5, Words: 300, PublishedAt: jan2, ID: "a"}, true},
		{"later loses", Candidate{PublishedAt: jan2, ID: "a"}, Candidate{PublishedAt: jan1, ID: "z"}, false},
		{"known time before unknown", Candidate{PublishedAt: jan2, ID: "z"}, Candidate{PublishedAt: zero, ID: "a"}, true},
		{"unknown time after known", Candidate{PublishedAt: zero, ID: "a"}, Candidate{PublishedAt: jan2, ID: "z"}, false},
		{"same instant in other zones: by id", Candidate{PublishedAt: jan1.In(time.FixedZone("X", 3600)), ID: "a"}, Candidate{PublishedAt: jan1, ID: "b"}, true},
		{"both unknown: smaller id", Candidate{ID: "a"}, Candidate{ID: "b"}, true},
		{"larger id loses", Candidate{ID: "b"}, Candidate{ID: "a"}, false},
		{"equal is not better", Candidate{Shared: 1, Words: 2, PublishedAt: jan1, ID: "a"}, Candidate{Shared: 1, Words: 2, PublishedAt: jan1, ID: "a"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Better(tt.a, tt.b); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func doc(id string, words int, published time.Time, shingles ...uint32) *pipeline.Doc {
	return &pipeline.Doc{Article: pipeline.Article{ID: id, PublishedAt: published}, Words: words, Shingles: shingles}
}

func TestChoose(t *testing.T) {
	jan1 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		docs    []*pipeline.Doc
		members []int32
		want    string
	}{
		{"single member", []*pipeline.Doc{doc("a", 10, jan1)}, []int32{0}, "a"},
		{"most central", []*pipeline.Doc{
			doc("a", 900, jan1, 1, 2, 3),          // shares 2 with b, 0 with c: 2
			doc("b", 10, time.Time{}, 2, 3, 4, 5), // 2 with a, 2 with c: 4
			doc("c", 500, jan1, 4, 5, 6),          // 0 with a, 2 with b: 2
		}, []int32{0, 1, 2}, "b"},
		{"tie: fullest", []*pipeline.Doc{doc("a", 10, jan1, 1, 2), doc("b", 20, time.Time{}, 1, 2)}, []int32{0, 1}, "b"},
		{"tie: earliest", []*pipeline.Doc{doc("a", 10, time.Time{}, 1), doc("b", 10, jan1.Add(time.Hour), 1), doc("c", 10, jan1, 1)}, []int32{0, 1, 2}, "c"},
		{"tie: smallest id", []*pipeline.Doc{doc("b", 10, jan1), doc("a", 10, jan1)}, []int32{0, 1}, "a"},
		{"only members count", []*pipeline.Doc{doc("x", 1, jan1, 9), doc("a", 10, jan1, 1), doc("b", 10, jan1, 1, 9)}, []int32{1, 2}, "a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pos := Choose(tt.docs, tt.members, nil)
			if got := tt.docs[tt.members[pos]].ID; got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestChooseLarge: above ExactLimit only neighbours' shingles count.
func TestChooseLarge(t *testing.T) {
	n := ExactLimit + 2
	var docs []*pipeline.Doc
	members := make([]int32, n)
	for i := range n {
		docs = append(docs, doc(fmt.Sprintf("%04d", i), 10, time.Time{}, 1, 2, 3))
		members[i] = int32(i)
	}
	// Member 7 has an edge with 8 and 9; everyone shares all shingles.
	neighbours := make([][]int, n)
	neighbours[7] = []int{8, 9}
	neighbours[8] = []int{7}
	neighbours[9] = []int{7}
	if got := Choose(docs, members, neighbours); got != 7 {
		t.Errorf("got position %d, want 7", got)
	}
}

func TestStage(t *testing.T) {
	st := pipeline.NewState(pipeline.DefaultParams())
	st.Params.Workers = 2
	st.Docs = []*pipeline.Doc{doc("a", 10, time.Time{}, 1, 2), doc("b", 10, time.Time{}, 1, 2, 3), doc("c", 99, time.Time{}, 2, 3), doc("d", 5, time.Time{})}
	st.Clusters = []pipeline.Cluster{{ID: "x", Members: []int32{0, 1, 2}, Canonical: -1}, {ID: "y", Members: []int32{3}, Canonical: -1}}
	if err := (Stage{}).Run(context.Background(), st, pipeline.NoProgress{}); err != nil {
		t.Fatal(err)
	}
	if got := st.Clusters[0].Canonical; got != 1 {
		t.Errorf("cluster 0: got canonical %d, want 1 (b shares 2+2)", got)
	}
	if got := st.Clusters[1].Canonical; got != 3 {
		t.Errorf("cluster 1: got canonical %d, want 3", got)
	}
	// Each member's Jaccard with b's {1, 2, 3}: a's {1, 2} and c's {2, 3}
	// share 2 of 3.
	if got, want := st.Clusters[0].Similarity, []float64{2.0 / 3, 1, 2.0 / 3}; !slices.Equal(got, want) {
		t.Errorf("cluster 0: got similarities %v, want %v", got, want)
	}
	if got := st.Clusters[1].Similarity; got != nil {
		t.Errorf("cluster 1: got similarities %v, want none for one member", got)
	}
}

// TestStageLarge: for a cluster over ExactLimit the stage passes the verified
// edges as neighbours, by position in Members.
func TestStageLarge(t *testing.T) {
	st := pipeline.NewState(pipeline.DefaultParams())
	n := ExactLimit + 4
	members := make([]int32, n)
	for i := range n {
		st.Docs = append(st.Docs, doc(fmt.Sprintf("%04d", i), 10, time.Time{}, 1, 2, 3))
		members[i] = int32(n - 1 - i) // positions differ from document indexes
	}
	st.Clusters = []pipeline.Cluster{{ID: "big", Members: members, Canonical: -1}}
	st.Edges = []pipeline.Edge{{A: 5, B: 6}, {A: 5, B: 200}, {A: 6, B: 7}}
	if err := (Stage{}).Run(context.Background(), st, pipeline.NoProgress{}); err != nil {
		t.Fatal(err)
	}
	if got := st.Clusters[0].Canonical; got != 5 {
		t.Errorf("got canonical %d, want 5 (two edges)", got)
	}
}

// TestStagePast: a cluster of earlier nights' articles only is not chosen
// for (its first member stands, without similarities), while one that
// holds an article of tonight is chosen among all its members, the
// earlier nights' included.
func TestStagePast(t *testing.T) {
	past := func(d *pipeline.Doc) *pipeline.Doc {
		d.Past = &pipeline.Past{Night: "2026-10-30", ClusterID: "old"}
		return d
	}
	st := pipeline.NewState(pipeline.DefaultParams())
	st.Docs = []*pipeline.Doc{
		past(doc("a", 10, time.Time{}, 1, 2)), past(doc("b", 10, time.Time{}, 1, 2, 3)), past(doc("c", 99, time.Time{}, 2, 3)),
		doc("d", 10, time.Time{}, 1, 2), past(doc("e", 10, time.Time{}, 1, 2, 3)), doc("f", 99, time.Time{}, 2, 3),
	}
	st.Clusters = []pipeline.Cluster{{ID: "old", Members: []int32{0, 1, 2}, Canonical: -1}, {ID: "mixed", Members: []int32{3, 4, 5}, Canonical: -1}}
	if err := (Stage{}).Run(context.Background(), st, pipeline.NoProgress{}); err != nil {
		t.Fatal(err)
	}
	if c := st.Clusters[0]; c.Canonical != 0 || c.Similarity != nil {
		t.Errorf("earlier nights' cluster: canonical %d, similarities %v; want its first member, none", c.Canonical, c.Similarity)
	}
	if c := st.Clusters[1]; c.Canonical != 4 || len(c.Similarity) != 3 {
		t.Errorf("cluster with tonight's articles: canonical %d, similarities %v; want 4 (an earlier night's, sharing 2+2) and three", c.Canonical, c.Similarity)
	}
}
