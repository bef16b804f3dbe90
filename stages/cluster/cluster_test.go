package cluster

import (
	"context"
	"reflect"
	"regexp"
	"testing"

	"github.com/dedupe/dedupe/pipeline"
)

func edges(pairs ...[2]int32) []pipeline.Edge {
	var out []pipeline.Edge
	for _, p := range pairs {
		out = append(out, pipeline.Edge{A: p[0], B: p[1], Passages: 1})
	}
	return out
}

func TestComponents(t *testing.T) {
	tests := []struct {
		name  string
		n     int
		edges []pipeline.Edge
		want  [][]int32
	}{
		{"none", 0, nil, [][]int32{}},
		{"singletons", 3, nil, [][]int32{{0}, {1}, {2}}},
		{"one pair", 3, edges([2]int32{0, 2}), [][]int32{{0, 2}, {1}}},
		{"chain", 5, edges([2]int32{3, 4}, [2]int32{1, 3}, [2]int32{0, 1}), [][]int32{{0, 1, 3, 4}, {2}}},
		{"chain joined from the top", 6, edges([2]int32{4, 5}, [2]int32{3, 5}, [2]int32{2, 4}, [2]int32{1, 2}), [][]int32{{0}, {1, 2, 3, 4, 5}}},
		{"two groups, ordered by smallest node", 6, edges([2]int32{1, 5}, [2]int32{0, 4}, [2]int32{2, 4}), [][]int32{{0, 2, 4}, {1, 5}, {3}}},
		{"duplicate and redundant edges", 4, edges([2]int32{0, 1}, [2]int32{0, 1}, [2]int32{1, 2}, [2]int32{0, 2}), [][]int32{{0, 1, 2}, {3}}},
		{"star", 5, edges([2]int32{2, 0}, [2]int32{2, 1}, [2]int32{2, 3}, [2]int32{2, 4}), [][]int32{{0, 1, 2, 3, 4}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Components(tt.n, tt.edges)
			if len(got) == 0 && len(tt.want) == 0 {
				return
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestComponentsEdgeOrder(t *testing.T) {
	es := edges([2]int32{0, 1}, [2]int32{2, 3}, [2]int32{1, 2}, [2]int32{5, 6}, [2]int32{4, 6})
	want := Components(8, es)
	for i := range es {
		rot := append(append([]pipeline.Edge{}, es[i:]...), es[:i]...)
		if got := Components(8, rot); !reflect.DeepEqual(got, want) {
			t.Errorf("rotation %d: got %v, want %v", i, got, want)
		}
	}
}

func TestID(t *testing.T) {
	hex16 := regexp.MustCompile(`^[0-9a-f]{16}$`)
	tests := []struct {
		name string
		a, b []string
		same bool
	}{
		{"order does not matter", []string{"b", "a", "c"}, []string{"c", "b", "a"}, true},
		{"same single member", []string{"x"}, []string{"x"}, true},
		{"different members", []string{"a", "b"}, []string{"a", "c"}, false},
		{"subset", []string{"a", "b"}, []string{"a", "b", "c"}, false},
		{"concatenation is not a member list", []string{"ab"}, []string{"a", "b"}, false},
		{"empty id", []string{"a", ""}, []string{"a"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := ID(tt.a), ID(tt.b)
			if !hex16.MatchString(a) {
				t.Errorf("got %q, want 16 hex digits", a)
			}
			if (a == b) != tt.same {
				t.Errorf("ID(%q) = %q, ID(%q) = %q: want equal %v", tt.a, a, tt.b, b, tt.same)
			}
		})
	}
	in := []string{"b", "a"}
	ID(in)
	if in[0] != "b" {
		t.Errorf("got %q, want the argument left unsorted", in)
	}
}

// TestIDNewlineInID: ids may hold "\n" (a JSONL id, or a file name), so the
// hashed encoding must not be the newline-joined ids then.
func TestIDNewlineInID(t *testing.T) {
	tests := []struct {
		name string
		a, b []string
	}{
		{"one id with a newline, or two ids", []string{"a\nb"}, []string{"a", "b"}},
		{"newline moved between ids", []string{"a\n", "b"}, []string{"a", "\nb"}},
		{"three ids or two", []string{"a", "b", "c"}, []string{"a\nb", "c"}},
		{"trailing newline, or an empty id", []string{"a\n"}, []string{"", "a"}},
		{"newline id, or two empty ids", []string{"\n"}, []string{"", ""}},
		{"no id, or one empty id", nil, []string{""}},
		{"invalid UTF-8 is not joined either", []string{"\xff"}, []string{"\xff", ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if a, b := ID(tt.a), ID(tt.b); a == b {
				t.Errorf("ID(%q) = ID(%q) = %q, want different ids", tt.a, tt.b, a)
			}
		})
	}
}

// TestIDStable pins IDs of ordinary member lists: they must not change
// between versions (README: stable across runs). The first is the Reuters
// cluster of testdata/seeds.
func TestIDStable(t *testing.T) {
	tests := []struct {
		ids  []string
		want string
	}{
		{[]string{"003_a66b9b7ed15f53b8", "000_bc310590304c7841", "002_08bd6f6a62345967", "001_2d532e1517d2baae"}, "84ddfda82a4e1390"},
		{[]string{"004_f9414c8e29cfe879"}, "f6904c6cc9adb305"},
	}
	for _, tt := range tests {
		if got := ID(tt.ids); got != tt.want {
			t.Errorf("ID(%q) = %q, want %q", tt.ids, got, tt.want)
		}
	}
}

func TestStage(t *testing.T) {
	st := pipeline.NewState(pipeline.DefaultParams())
	for _, id := range []string{"z", "m", "a", "k", "b"} {
		st.Docs = append(st.Docs, &pipeline.Doc{Article: pipeline.Article{ID: id}})
	}
	// z-k, m-a-b: clusters {a, b, m} (3), {k, z} (2).
	st.Edges = edges([2]int32{0, 3}, [2]int32{1, 2}, [2]int32{2, 4})
	if err := (Stage{}).Run(context.Background(), st, nil); err != nil {
		t.Fatal(err)
	}
	want := []pipeline.Cluster{
		{ID: ID([]string{"a", "b", "m"}), Members: []int32{2, 4, 1}, Canonical: -1},
		{ID: ID([]string{"k", "z"}), Members: []int32{3, 0}, Canonical: -1},
	}
	if !reflect.DeepEqual(st.Clusters, want) {
		t.Errorf("got %+v, want %+v", st.Clusters, want)
	}
	if st.Counts["clusters"] != 2 || st.Counts["clusters_multi"] != 2 || st.Counts["largest_cluster"] != 3 {
		t.Errorf("got counts %v", st.Counts)
	}

	// Clusters of one size are ordered by ID.
	st.Edges = nil
	if err := (Stage{}).Run(context.Background(), st, nil); err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(st.Clusters); i++ {
		if st.Clusters[i-1].ID >= st.Clusters[i].ID {
			t.Errorf("cluster %d: got ID %q after %q, want ascending", i, st.Clusters[i].ID, st.Clusters[i-1].ID)
		}
	}
}
