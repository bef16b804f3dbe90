package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dedupe/dedupe/pipeline"
	"github.com/dedupe/dedupe/stages/write"
)

// whyTexts are the articles of whyTables, one sentence a line.
var whyTexts = map[string][]string{
	"a": {"Alpha opens the story.", "The shared quote about the harbour fire."},
	"b": {"The shared quote about the harbour fire.", "Beta carries it on with the mayor's words."},
	"c": {"Gamma repeats the mayor's words today.", "A stock line of the city council."},
	"d": {"A stock line of the city council.", "Delta is another story."},
	"e": {"Epsilon is a daily report."},
}

// whyTables writes, through the write stage, the tables of a run on five
// articles: a-b and b-c linked and kept (cluster a, b, c), c-d linked but
// cut (d alone), e alone and published ten days after a. It returns the
// output folder and the input folder the run.json names.
func whyTables(t *testing.T) (out, input string) {
	t.Helper()
	input = filepath.Join(t.TempDir(), "in")
	if err := os.MkdirAll(input, 0o755); err != nil {
		t.Fatal(err)
	}
	p := pipeline.DefaultParams()
	p.Input, p.Out = input, filepath.Join(t.TempDir(), "out")
	st := pipeline.NewState(p)
	t0 := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	for _, id := range []string{"a", "b", "c", "d", "e"} {
		d := &pipeline.Doc{Article: pipeline.Article{ID: id, SourcePath: id + ".txt", Title: "Title " + id}}
		if id == "a" {
			d.PublishedAt = t0
		}
		if id == "e" {
			d.PublishedAt = t0.Add(10 * 24 * time.Hour)
		}
		at := int32(0)
		for j, s := range whyTexts[id] {
			d.Sentences = append(d.Sentences, pipeline.Sentence{Index: int32(j), Start: at, End: at + int32(len(s))})
			at += int32(len(s)) + 1
		}
		if err := os.WriteFile(filepath.Join(input, id+".txt"), []byte(strings.Join(whyTexts[id], "\n")), 0o644); err != nil {
			t.Fatal(err)
		}
		st.Docs = append(st.Docs, d)
		st.Members = append(st.Members, pipeline.MemberStats{Similarity: 1})
	}
	st.Clusters = []pipeline.Cluster{
		{ID: "1111111111111111", Members: []int32{0, 1, 2}, Canonical: 0},
		{ID: "2222222222222222", Members: []int32{3}, Canonical: 3},
		{ID: "3333333333333333", Members: []int32{4}, Canonical: 4},
	}
	st.Members[3].Cluster, st.Members[4].Cluster = 1, 2
	ref := func(doc, s int32) pipeline.SentenceRef { return pipeline.SentenceRef{Doc: doc, Sentence: s} }
	st.Matches = []pipeline.Match{
		{A: ref(0, 1), B: ref(1, 0), Shared: 5, Evidence: 5, Jaccard: 1, Containment: 1},
		{A: ref(1, 1), B: ref(2, 0), Shared: 3, Evidence: 1.5, Jaccard: 0.3, Containment: 0.5},
		{A: ref(2, 1), B: ref(3, 0), Shared: 5, Evidence: 1.25, Jaccard: 1, Containment: 1},
	}
	st.Edges = []pipeline.Edge{
		{A: 0, B: 1, Passages: 1, Evidence: 5},
		{A: 1, B: 2, Passages: 1, Evidence: 1.5},
		{A: 2, B: 3, Passages: 1, Evidence: 1.25, Cut: pipeline.CutNone + 1},
	}
	if err := (write.Stage{}).Run(context.Background(), st, pipeline.NoProgress{}); err != nil {
		t.Fatal(err)
	}
	return p.Out, input
}

func TestInspectWhy(t *testing.T) {
	out, input := whyTables(t)
	cut := (pipeline.CutNone + 1).String()
	tests := []struct {
		name     string
		a, b     string
		relation string
		link     string   // "A-B kept" or "A-B cut", "" for none
		path     []string // the path's links, "A-B"
		cutLinks []string
		apart    bool
		pairs    [][2]string // the sentence pairs shown, in order, as texts
		text     []string    // lines the text output starts with
	}{
		{name: "linked", a: "a", b: "b", relation: whyLinked, link: "a-b kept",
			pairs: [][2]string{{whyTexts["a"][1], whyTexts["b"][0]}},
			text:  []string{"a and b: linked by 1 shared passage (evidence 5); the clustering kept the link.", "link: a - b", "      a: " + whyTexts["a"][1], "      b: " + whyTexts["b"][0]}},
		{name: "either order", a: "b", b: "a", relation: whyLinked, link: "a-b kept",
			pairs: [][2]string{{whyTexts["a"][1], whyTexts["b"][0]}},
			text:  []string{"link: b - a", "    pair        sentence 0 [0, 40) ~ sentence 1 [23, 63)", "      b: " + whyTexts["b"][0]}},
		{name: "a path read from A", a: "c", b: "a", relation: whyPath, path: []string{"b-c", "a-b"},
			pairs: [][2]string{{whyTexts["b"][1], whyTexts["c"][0]}, {whyTexts["a"][1], whyTexts["b"][0]}},
			text:  []string{"step 1 of 2: c - b", "step 2 of 2: b - a"}},
		{name: "through a member", a: "a", b: "c", relation: whyPath, path: []string{"a-b", "b-c"},
			pairs: [][2]string{{whyTexts["a"][1], whyTexts["b"][0]}, {whyTexts["b"][1], whyTexts["c"][0]}},
			text:  []string{"step 1 of 2: a - b", "step 2 of 2: b - c"}},
		{name: "a cut link between clusters", a: "a", b: "d", relation: whyClusters, cutLinks: []string{"c-d"},
			pairs: [][2]string{{whyTexts["c"][1], whyTexts["d"][0]}},
			text:  []string{"    clustering  cut: " + cut}},
		{name: "linked but cut", a: "d", b: "c", relation: whyLinked, link: "c-d cut",
			pairs: [][2]string{{whyTexts["c"][1], whyTexts["d"][0]}}},
		{name: "apart in time", a: "a", b: "e", relation: whyClusters, apart: true,
			text: []string{"a and e: in different clusters: published further apart than the window (2d), so they could not"}},
		{name: "unrelated", a: "d", b: "e", relation: whyClusters},
		{name: "the same article", a: "c", b: "c", relation: whySame},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r inspectWhy
			if err := json.Unmarshal([]byte(mustInspect(t, out, "--why", tt.a, tt.b, "--json")), &r); err != nil {
				t.Fatal(err)
			}
			if r.A.ArticleID != tt.a || r.B.ArticleID != tt.b || r.Relation != tt.relation || r.Apart != tt.apart {
				t.Errorf("got %s, %s: relation %q, apart %v; want %s, %s: %q, %v", r.A.ArticleID, r.B.ArticleID, r.Relation, r.Apart, tt.a, tt.b, tt.relation, tt.apart)
			}
			name := func(l inspectLink) string { return l.ArticleA + "-" + l.ArticleB }
			gotLink := ""
			if r.Link != nil {
				gotLink = name(*r.Link) + map[bool]string{true: " kept", false: " cut"}[r.Link.Kept]
				if !r.Link.Kept && r.Link.CutReason != cut {
					t.Errorf("got cut reason %q, want %q", r.Link.CutReason, cut)
				}
			}
			if gotLink != tt.link {
				t.Errorf("got link %q, want %q", gotLink, tt.link)
			}
			var path, cuts []string
			for _, l := range r.Path {
				path = append(path, name(l))
			}
			for _, l := range r.CutLinks {
				cuts = append(cuts, name(l))
			}
			if strings.Join(path, " ") != strings.Join(tt.path, " ") || strings.Join(cuts, " ") != strings.Join(tt.cutLinks, " ") {
				t.Errorf("got path %v, cut links %v; want %v, %v", path, cuts, tt.path, tt.cutLinks)
			}
			var pairs [][2]string
			for _, l := range r.allLinks() {
				for _, p := range l.Sentences {
					if p.TextA == nil || p.TextB == nil {
						t.Fatalf("got a sentence pair without text (%s), want it cut from %s", r.Texts, input)
					}
					pairs = append(pairs, [2]string{*p.TextA, *p.TextB})
				}
			}
			if len(pairs) != len(tt.pairs) {
				t.Fatalf("got sentence pairs %q, want %q", pairs, tt.pairs)
			}
			for i := range pairs {
				if pairs[i] != tt.pairs[i] {
					t.Errorf("pair %d: got %q, want %q", i, pairs[i], tt.pairs[i])
				}
			}
			text := mustInspect(t, out, "--why", tt.a, tt.b)
			checkWidth(t, text)
			for _, line := range tt.text {
				if !strings.Contains("\n"+text, "\n"+line) {
					t.Errorf("text output lacks the line %q:\n%s", line, text)
				}
			}
		})
	}
}

// TestInspectWhyOffsetsOnly: with the input folder gone, --why still shows
// the sentence pairs, by their offsets, and says why.
func TestInspectWhyOffsetsOnly(t *testing.T) {
	out, input := whyTables(t)
	if err := os.RemoveAll(input); err != nil {
		t.Fatal(err)
	}
	var r inspectWhy
	if err := json.Unmarshal([]byte(mustInspect(t, out, "--why", "a", "b", "--json")), &r); err != nil {
		t.Fatal(err)
	}
	if r.Link == nil || len(r.Link.Sentences) != 1 {
		t.Fatalf("got link %+v, want a-b with one sentence pair", r.Link)
	}
	p := r.Link.Sentences[0]
	want := int32(len(whyTexts["a"][0]) + 1)
	if p.TextA != nil || p.TextB != nil || p.SentenceA != 1 || p.StartA != want || p.EndA != want+int32(len(whyTexts["a"][1])) || p.StartB != 0 {
		t.Errorf("got %+v, want offsets only: sentence 1 at [%d, %d) and sentence 0 at 0", p, want, want+int32(len(whyTexts["a"][1])))
	}
	if !strings.Contains(r.Texts, "offsets only") || !strings.Contains(r.Texts, input) {
		t.Errorf("got texts note %q, want it to say offsets only and name %s", r.Texts, input)
	}
}

func TestInspectWhyErrors(t *testing.T) {
	out, _ := whyTables(t)
	tests := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"one id", []string{out, "--why", "a"}, exitUsage, "two article ids"},
		{"three ids", []string{out, "--why", "a", "b", "c"}, exitUsage, "two article ids"},
		{"with --cluster", []string{out, "--why", "a", "b", "--cluster", "1111"}, exitUsage, "neither --cluster nor --top"},
		{"unknown article", []string{out, "--why", "a", "zz"}, exitFail, `no article "zz"`},
		{"ids without --why", []string{out, "a", "b"}, exitUsage, "unexpected argument"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, stderr, code := inspect(t, tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.msg) {
				t.Errorf("got exit %d, %q; want %d and %q", code, stderr, tt.code, tt.msg)
			}
		})
	}
}

// TestInspectWhySeeds: on the seeds, 000 and 001 share passages, 000 and
// 002 are joined through another rewrite, and 004 is apart from them.
func TestInspectWhySeeds(t *testing.T) {
	out := runSeeds(t)
	ids := map[string]string{}
	for _, r := range readRows(t, filepath.Join(out, write.ClustersFile)) {
		id := r["article_id"].(string)
		ids[id[:3]] = id
	}
	tests := []struct {
		a, b     string
		relation string
		contains string // a sentence text shown, when there is one
	}{
		{"000", "001", whyLinked, "found no evidence that the missile was made by Russia"},
		{"000", "002", whyPath, ""},
		{"000", "004", whyClusters, ""},
	}
	for _, tt := range tests {
		t.Run(tt.a+"-"+tt.b, func(t *testing.T) {
			var r inspectWhy
			if err := json.Unmarshal([]byte(mustInspect(t, out, "--why", ids[tt.a], ids[tt.b], "--json")), &r); err != nil {
				t.Fatal(err)
			}
			if r.Relation != tt.relation {
				t.Fatalf("got relation %q (%s), want %q", r.Relation, r.Summary, tt.relation)
			}
			var texts []string
			for _, l := range r.allLinks() {
				if l.Passages == 0 || len(l.Sentences) != int(l.Passages) || !l.Kept {
					t.Errorf("link %s-%s: got %d sentence pairs for %d passages, kept %v", l.ArticleA, l.ArticleB, len(l.Sentences), l.Passages, l.Kept)
				}
				for _, p := range l.Sentences {
					if p.TextA == nil || p.TextB == nil {
						t.Fatalf("got a pair without text: %s", r.Texts)
					}
					texts = append(texts, *p.TextA, *p.TextB)
				}
			}
			if tt.relation == whyPath {
				if len(r.Path) < 2 || (r.Path[0].ArticleA != ids[tt.a] && r.Path[0].ArticleB != ids[tt.a]) {
					t.Errorf("got path %+v, want two or more links from %s", r.Path, tt.a)
				}
			}
			if tt.contains != "" && !strings.Contains(strings.Join(texts, "\n"), tt.contains) {
				t.Errorf("got texts %q, want one holding %q", texts, tt.contains)
			}
			if tt.relation == whyClusters && (r.A.ClusterID == r.B.ClusterID || len(r.CutLinks) != 0) {
				t.Errorf("got clusters %s and %s, cut links %v; want two clusters and no cut link", r.A.ClusterID, r.B.ClusterID, r.CutLinks)
			}
		})
	}
}
