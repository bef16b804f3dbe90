package bench

import (
	"maps"
	"strings"
	"testing"

	"github.com/dedupe/dedupe/internal/synth"
)

func TestClustersFromCSV(t *testing.T) {
	tests := []struct {
		name, in string
		want     map[string]string
		err      string
	}{
		{"two clusters", "article_id,cluster_id\na1,a1\na2,a1\na3,a3\n", map[string]string{"a1": "a1", "a2": "a1", "a3": "a3"}, ""},
		{"extra column", "article_id,cluster_id,size\na1,c,2\na2,c,2\n", map[string]string{"a1": "c", "a2": "c"}, ""},
		{"header only", "article_id,cluster_id\n", map[string]string{}, ""},
		{"empty", "", nil, "header"},
		{"wrong header", "id,cluster\na1,a1\n", nil, "want article_id,cluster_id"},
		{"short row", "article_id,cluster_id\na1\n", nil, "line 2: want 2 fields"},
		{"listed twice", "article_id,cluster_id\na1,x\na1,y\n", nil, "line 3: article a1 listed twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ClustersFromCSV(strings.NewReader(tt.in))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err %v, want one containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !maps.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// TestScoreTruth scores a CSV clustering against Truth: the path by which
// cmd/dedupe-bench --score judges another tool's clusters.
func TestScoreTruth(t *testing.T) {
	arts := []synth.Article{
		{ID: "a", Story: 1, Source: "x"},
		{ID: "b", Story: 1, Source: "y"},
		{ID: "c", Story: 1, Source: "z"},
		{ID: "d", Story: 2, Source: "x"},
		{ID: "e", Story: 3, Source: "y"},
	}
	// a+b right, c missed, d glued to a's cluster (same outlet x), e alone.
	clusters, err := ClustersFromCSV(strings.NewReader("article_id,cluster_id\na,a\nb,a\nc,c\nd,a\ne,e\n"))
	if err != nil {
		t.Fatal(err)
	}
	q, err := Score(Truth(arts), clusters, 1)
	if err != nil {
		t.Fatal(err)
	}
	if q.TruePairs != 3 || q.PredPairs != 3 || q.CorrectPairs != 1 {
		t.Errorf("pairs true/pred/correct %d/%d/%d, want 3/3/1", q.TruePairs, q.PredPairs, q.CorrectPairs)
	}
	if q.SameOutletFalsePairs != 1 {
		t.Errorf("same-outlet false pairs %d, want 1", q.SameOutletFalsePairs)
	}
	delete(clusters, "e")
	if _, err := Score(Truth(arts), clusters, 1); err == nil || !strings.Contains(err.Error(), "article e missing") {
		t.Errorf("err %v, want article e missing", err)
	}
}
