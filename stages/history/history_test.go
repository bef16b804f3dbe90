package history

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v15/parquet/file"

	"github.com/dedupe/dedupe/pipeline"
)

// doc returns a document with id; past != "" makes it a history article of
// that cluster, stored on night with the cluster first seen on first.
func doc(id, past, night, first string) *pipeline.Doc {
	d := &pipeline.Doc{Article: pipeline.Article{ID: id}}
	if past != "" {
		d.Past = &pipeline.Past{Night: night, ClusterID: past, FirstSeen: first}
	}
	return d
}

func TestAssignIDs(t *testing.T) {
	type want struct {
		id, first string
		joined    bool
	}
	cases := []struct {
		name     string
		docs     []*pipeline.Doc
		clusters [][]int32 // members; the content id is "c" and the index
		merges   []pipeline.Merge
		want     map[string]want // by content id
		made     []pipeline.Merge
	}{
		{name: "tonight only keeps its content id",
			docs:     []*pipeline.Doc{doc("t1", "", "", ""), doc("t2", "", "", "")},
			clusters: [][]int32{{0, 1}},
			want:     map[string]want{"c0": {"c0", "N", false}}},
		{name: "joining one old cluster takes its id",
			docs:     []*pipeline.Doc{doc("t1", "", "", ""), doc("h1", "old", "2026-12-01", "2026-11-30")},
			clusters: [][]int32{{0, 1}},
			want:     map[string]want{"c0": {"old", "2026-11-30", true}}},
		{name: "two old clusters: the oldest first_seen survives",
			docs: []*pipeline.Doc{doc("t1", "", "", ""), doc("h1", "b", "2026-12-02", "2026-12-02"),
				doc("h2", "a", "2026-12-02", "2026-12-01"), doc("h3", "b", "2026-12-02", "2026-12-02")},
			clusters: [][]int32{{0, 1, 2, 3}},
			want:     map[string]want{"c0": {"a", "2026-12-01", true}},
			made:     []pipeline.Merge{{Night: "N", Surviving: "a", Absorbed: "b"}}},
		{name: "a tie on first_seen goes to the smaller id",
			docs: []*pipeline.Doc{doc("t1", "", "", ""), doc("h1", "y", "2026-12-01", "2026-12-01"),
				doc("h2", "x", "2026-12-01", "2026-12-01")},
			clusters: [][]int32{{0, 1, 2}},
			want:     map[string]want{"c0": {"x", "2026-12-01", true}},
			made:     []pipeline.Merge{{Night: "N", Surviving: "x", Absorbed: "y"}}},
		{name: "a recorded merge is followed",
			docs:     []*pipeline.Doc{doc("t1", "", "", ""), doc("h1", "gone", "2026-12-01", "2026-12-01")},
			clusters: [][]int32{{0, 1}},
			merges:   []pipeline.Merge{{Night: "2026-12-02", Surviving: "kept", Absorbed: "gone"}},
			want:     map[string]want{"c0": {"kept", "2026-12-01", true}}},
		{name: "a split old id goes to the cluster holding most of it",
			docs: []*pipeline.Doc{doc("t1", "", "", ""), doc("h1", "a", "2026-12-01", "2026-12-01"),
				doc("t2", "", "", ""), doc("h2", "a", "2026-12-01", "2026-12-01"), doc("h3", "a", "2026-12-01", "2026-12-01")},
			clusters: [][]int32{{0, 1}, {2, 3, 4}},
			want:     map[string]want{"c0": {"c0", "N", false}, "c1": {"a", "2026-12-01", true}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var clusters []pipeline.Cluster
			for i, m := range c.clusters {
				clusters = append(clusters, pipeline.Cluster{ID: "c" + string(rune('0'+i)), Members: m})
			}
			got, made := AssignIDs(c.docs, clusters, c.merges, "N")
			for _, g := range got {
				content := "c" + string(rune('0'+indexOf(c.clusters, g.Members)))
				w := c.want[content]
				if g.ID != w.id || g.FirstSeen != w.first || g.Joined != w.joined {
					t.Errorf("cluster %s: got id %q, first_seen %q, joined %v; want %q, %q, %v", content, g.ID, g.FirstSeen, g.Joined, w.id, w.first, w.joined)
				}
			}
			if !reflect.DeepEqual(made, c.made) {
				t.Errorf("merges: got %+v, want %+v", made, c.made)
			}
		})
	}
}

func indexOf(clusters [][]int32, members []int32) int {
	for i, m := range clusters {
		if reflect.DeepEqual(m, members) {
			return i
		}
	}
	return -1
}

func TestStoreRoundTrip(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	when := time.Date(2026, 12, 1, 8, 30, 0, 123, time.UTC)
	rows := []Stored{
		{Article: pipeline.Article{ID: "a", SourcePath: "f.jsonl", Line: 3, Title: "T", TitleFromText: true, URL: "u", Source: "s", PublishedAt: when},
			Past: pipeline.Past{Night: "2026-12-01", ClusterID: "c1", FirstSeen: "2026-11-30"},
			Sentences: []pipeline.Sentence{{Index: 1, Para: 1, Words: 4, Start: 10, End: 30, Terminated: true, Figures: 5, Key: 1 << 60,
				Shingles: []uint32{3, 1 << 31}, Linkable: []uint32{1 << 31}}},
			Dropped: []pipeline.ReasonCount{{Reason: pipeline.ReasonShortLine, N: 1}}},
		{Article: pipeline.Article{ID: "b", SourcePath: "b.txt"},
			Past: pipeline.Past{Night: "2026-12-01", ClusterID: "c2", FirstSeen: "2026-12-01"}},
	}
	merges := []pipeline.Merge{{Night: "2026-12-01", Surviving: "c1", Absorbed: "c0"}}
	p, err := s.Stage("2026-12-01", 3, rows, merges, Counts{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Nights()) != 0 {
		t.Fatalf("a staged night is listed before its commit: %v", s.Nights())
	}
	if err := s.Commit(p, DefaultDays); err != nil {
		t.Fatal(err)
	}
	s, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	gotRows, gotMerges, err := s.Read(context.Background(), s.Nights()[0])
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(gotRows, rows) || !reflect.DeepEqual(gotMerges, merges) {
		t.Errorf("read back\n%+v\n%+v\nwant\n%+v\n%+v", gotRows, gotMerges, rows, merges)
	}
}

func TestStoreNights(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, night := range []string{"2026-12-01", "2026-12-02", "2026-12-05"} {
		p, err := s.Stage(night, 3, nil, nil, Counts{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Commit(p, 4); err != nil {
			t.Fatal(err)
		}
	}
	names := func(ps []Partition) string {
		var n []string
		for _, p := range ps {
			n = append(n, p.Night)
		}
		return strings.Join(n, " ")
	}
	// 2026-12-01 is 4 days before 2026-12-05: dropped.
	if got := names(s.Nights()); got != "2026-12-02 2026-12-05" {
		t.Errorf("nights kept: %q, want 2026-12-02 2026-12-05", got)
	}
	parts, _ := os.ReadDir(filepath.Join(dir, PartsDir))
	if len(parts) != 2 {
		t.Errorf("%d partition folders, want 2", len(parts))
	}
	cases := []struct {
		tonight string
		days    int
		force   bool
		read    string
		err     error
	}{
		{"2026-12-06", 30, false, "2026-12-02 2026-12-05", nil},
		{"2026-12-06", 4, false, "2026-12-05", nil},
		{"2026-12-05", 30, false, "2026-12-02", nil}, // a re-run reads the nights before it only
		{"2026-12-03", 30, false, "", ErrOutOfOrder},
		{"2026-12-03", 30, true, "2026-12-02", nil},
	}
	for _, c := range cases {
		read, err := s.Plan(c.tonight, c.days, c.force)
		if !errors.Is(err, c.err) || names(read) != c.read {
			t.Errorf("Plan(%s, %d, %v): read %q, error %v; want %q, %v", c.tonight, c.days, c.force, names(read), err, c.read, c.err)
		}
	}
	// A partition staged but never committed is removed by the next Open.
	if _, err := s.Stage("2026-12-06", 3, nil, nil, Counts{}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir); err != nil {
		t.Fatal(err)
	}
	if parts, _ := os.ReadDir(filepath.Join(dir, PartsDir)); len(parts) != 2 {
		t.Errorf("after Open, %d partition folders, want the 2 listed", len(parts))
	}
}

func TestOpenRefuses(t *testing.T) {
	cases := []struct {
		name  string
		files map[string]string
		err   error
	}{
		{"other format", map[string]string{VersionFile: "dedupe-history 99\n"}, ErrVersion},
		{"slice 1's format, which stored text", map[string]string{VersionFile: "dedupe-history 1\n"}, ErrVersion},
		{"other files, no VERSION", map[string]string{"notes.txt": "mine"}, ErrNotHistory},
		{"manifest of another format", map[string]string{VersionFile: versionLine + "\n", ManifestFile: `{"format": 1, "nights": []}`}, ErrVersion},
		{"manifest of a later format", map[string]string{VersionFile: versionLine + "\n", ManifestFile: `{"format": 4, "nights": []}`}, ErrVersion},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, content := range c.files {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := Open(dir); !errors.Is(err, c.err) {
				t.Errorf("Open: got %v, want %v", err, c.err)
			}
		})
	}
	// A manifest pointing outside parts/ is refused.
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, VersionFile), []byte(versionLine+"\n"), 0o644)
	os.WriteFile(filepath.Join(dir, ManifestFile), []byte(`{"format": 2, "nights": [{"night": "2026-12-01", "dir": "../etc"}]}`), 0o644)
	if _, err := Open(dir); err == nil {
		t.Errorf("Open accepted a manifest pointing outside %s", PartsDir)
	}
}

// TestStoreRowGroups: a night of several row groups (GroupRows) gives back
// the rows asked for, from whichever group holds them, and its index whole.
func TestStoreRowGroups(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "state"))
	if err != nil {
		t.Fatal(err)
	}
	n := 2*GroupRows + GroupRows/2
	var rows []Stored
	for i := range n {
		rows = append(rows, Stored{Article: pipeline.Article{ID: fmt.Sprint("a", i), SourcePath: "f"},
			Past:      pipeline.Past{Night: "2026-12-01", ClusterID: fmt.Sprint("c", i/3), FirstSeen: "2026-12-01"},
			Sentences: []pipeline.Sentence{{Key: uint64(i), Shingles: []uint32{uint32(i)}, Linkable: []uint32{uint32(i)}}}})
	}
	p, err := s.Stage("2026-12-01", 3, rows, nil, Counts{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	pf, err := file.OpenParquetFile(filepath.Join(s.Dir(), p.Dir, ArticlesFile), false)
	if err != nil {
		t.Fatal(err)
	}
	if got := pf.NumRowGroups(); got != 3 {
		t.Errorf("%d rows in %d row groups, want 3", n, got)
	}
	pf.Close()
	idx, err := s.ReadIndex(context.Background(), p)
	if err != nil || len(idx.IDs) != n || idx.IDs[n-1] != fmt.Sprint("a", n-1) || idx.Clusters[n-1] != fmt.Sprint("c", (n-1)/3) {
		t.Fatalf("ReadIndex: %d ids (%v), want %d", len(idx.IDs), err, n)
	}
	for _, want := range [][]int{nil, {0}, {GroupRows - 1, GroupRows}, {5, GroupRows + 7, n - 1}} {
		got, err := s.ReadRows(context.Background(), p, want)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("rows %v: got %d", want, len(got))
		}
		for i, r := range want {
			if !reflect.DeepEqual(got[i].Sentences, rows[r].Sentences) || got[i].ID != rows[r].ID || got[i].Past != rows[r].Past {
				t.Errorf("row %d: got %+v, want %+v", r, got[i], rows[r])
			}
		}
	}
	if _, err := s.ReadRows(context.Background(), p, []int{n}); err == nil {
		t.Errorf("row %d of %d read without an error", n, n)
	}
}

// TestAssignUnloaded: a cluster's size counts the articles of the nights
// read that were not loaded, by the id each was stored with followed
// through the merges recorded and tonight's: here "old" takes the two
// stored as "old" and the one stored as "gone" (absorbed on an earlier
// night), and the one stored as "other" (absorbed tonight, when "other"'s
// loaded article joins the same cluster); "far" is no cluster of tonight's.
func TestAssignUnloaded(t *testing.T) {
	st := pipeline.NewState(pipeline.DefaultParams())
	st.Docs = []*pipeline.Doc{doc("t1", "", "", ""), doc("h1", "old", "2026-12-01", "2026-12-01"),
		doc("h2", "other", "2026-12-02", "2026-12-02"), doc("t2", "", "", "")}
	st.Clusters = []pipeline.Cluster{{ID: "c0", Members: []int32{0, 1, 2}}, {ID: "c1", Members: []int32{3}}}
	n := &Night{Name: "2026-12-03", merges: []pipeline.Merge{{Night: "2026-12-02", Surviving: "old", Absorbed: "gone"}},
		unloaded: []string{"old", "far", "gone", "other", "old"}}
	if err := (Assign{Night: n}).Run(context.Background(), st, pipeline.NoProgress{}); err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, c := range st.Clusters {
		got[c.ID] = c.Unloaded
	}
	if want := map[string]int{"old": 4, "c1": 0}; !reflect.DeepEqual(got, want) {
		t.Errorf("unloaded by cluster %v, want %v", got, want)
	}
}
