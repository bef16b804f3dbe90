package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/dedupe/dedupe/pipeline"
	"github.com/dedupe/dedupe/stages/write"
)

// inspect runs "dedupe inspect args..." and returns its stdout, its stderr
// and its exit code.
func inspect(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := Main(context.Background(), append([]string{"inspect"}, args...), &stdout, &stderr)
	return stdout.String(), stderr.String(), code
}

// mustInspect is inspect for a call that must succeed.
func mustInspect(t *testing.T, args ...string) string {
	t.Helper()
	stdout, stderr, code := inspect(t, args...)
	if code != exitOK {
		t.Fatalf("dedupe inspect %s: exit %d, want 0: %s", strings.Join(args, " "), code, stderr)
	}
	return stdout
}

// seedFacts are what the tables of a seeds run say about the Reuters
// cluster, for the tests to compare inspect's output with.
type seedFacts struct {
	out       string
	clusterID string   // the cluster of article 000
	canonical string   // its canonical's article id
	title     string   // its canonical's title
	members   []string // its other members, in table order
	singleton string   // the cluster of article 004
	kirby     string   // 000's added sentence on John Kirby
}

func seeds(t *testing.T) seedFacts {
	t.Helper()
	f := seedFacts{out: runSeeds(t)}
	rows := readRows(t, filepath.Join(f.out, write.ClustersFile))
	for _, r := range rows {
		if strings.HasPrefix(r["article_id"].(string), "000") {
			f.clusterID = r["cluster_id"].(string)
		}
		if strings.HasPrefix(r["article_id"].(string), "004") {
			f.singleton = r["cluster_id"].(string)
		}
	}
	for _, r := range rows {
		if r["cluster_id"] != f.clusterID {
			continue
		}
		if r["is_canonical"].(bool) {
			f.canonical, f.title = r["article_id"].(string), r["title"].(string)
		} else {
			f.members = append(f.members, r["article_id"].(string))
		}
	}
	for _, r := range readRows(t, filepath.Join(f.out, write.AdditionsFile)) {
		if strings.HasPrefix(r["article_id"].(string), "000") && strings.Contains(r["text"].(string), "John Kirby") {
			f.kirby = r["text"].(string)
		}
	}
	if f.clusterID == "" || f.canonical == "" || len(f.members) != 3 || f.kirby == "" {
		t.Fatalf("the seeds run lacks the 4-article cluster with 000's John Kirby sentence: %+v", f)
	}
	return f
}

// hasLine reports whether text has a line equal to want up to runs of
// spaces.
func hasLine(text, want string) bool {
	want = strings.Join(strings.Fields(want), " ")
	for line := range strings.SplitSeq(text, "\n") {
		if strings.Join(strings.Fields(line), " ") == want {
			return true
		}
	}
	return false
}

// section returns the lines of text from the one starting with start up to
// the next blank line.
func section(text, start string) string {
	i := strings.Index(text, "\n"+start)
	if i < 0 {
		return ""
	}
	s := text[i+1:]
	if j := strings.Index(s, "\n\n"); j >= 0 {
		s = s[:j]
	}
	return s
}

func checkWidth(t *testing.T, text string) {
	t.Helper()
	for line := range strings.SplitSeq(text, "\n") {
		if n := utf8.RuneCountInString(line); n > inspectWidth && strings.Contains(strings.TrimSpace(line), " ") {
			t.Errorf("line of %d columns, want at most %d: %q", n, inspectWidth, line)
		}
	}
}

func TestInspectSummary(t *testing.T) {
	f := seeds(t)
	bar := strings.Repeat("#", inspectBarWidth)
	tests := []struct {
		name    string
		args    []string
		lines   []string // lines the output must have, up to runs of spaces
		absent  []string // substrings it must not have
		ordered []string // substrings it must have, in this order
	}{
		{
			name: "default",
			args: []string{f.out},
			lines: []string{
				"5 articles",
				"2 clusters",
				"1 cluster with several articles (4 articles)",
				"1 singleton",
				"0 rejects (input files or lines skipped)",
				"size clusters",
				"1 1 " + bar,
				"4 1 " + bar,
				"Largest clusters (all 2)",
				"outlets: unknown 4",
				"outlets: unknown 1",
			},
			ordered: []string{"Cluster sizes", "Largest clusters", f.clusterID + "      4  " + f.title[:40], f.singleton + "      1  "},
		},
		{
			name:    "top 1, flag after OUT",
			args:    []string{f.out, "--top", "1"},
			lines:   []string{"Largest clusters (first 1 of 2)"},
			ordered: []string{f.clusterID + "      4  " + f.title[:40]},
			absent:  []string{f.singleton},
		},
		{
			name:   "top 0, flag before OUT",
			args:   []string{"--top", "0", f.out},
			lines:  []string{"5 articles", "4 1 " + bar},
			absent: []string{"Largest clusters", f.clusterID},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mustInspect(t, tt.args...)
			for _, want := range tt.lines {
				if !hasLine(got, want) {
					t.Errorf("no line %q in:\n%s", want, got)
				}
			}
			for _, bad := range tt.absent {
				if strings.Contains(got, bad) {
					t.Errorf("output has %q, want none:\n%s", bad, got)
				}
			}
			rest := got
			for _, want := range tt.ordered {
				i := strings.Index(rest, want)
				if i < 0 {
					t.Errorf("no %q (or not in order) in:\n%s", want, got)
					break
				}
				rest = rest[i+len(want):]
			}
			checkWidth(t, got)
			if again := mustInspect(t, tt.args...); again != got {
				t.Errorf("a second inspect printed something else:\n%s\nthen:\n%s", got, again)
			}
		})
	}
}

func TestInspectCluster(t *testing.T) {
	f := seeds(t)
	for _, id := range []string{f.clusterID, f.clusterID[:4], f.clusterID[:7], strings.ToUpper(f.clusterID[:6])} {
		t.Run(id, func(t *testing.T) {
			got := mustInspect(t, f.out, "--cluster", id)
			if first, _, _ := strings.Cut(got, "\n"); first != "Cluster "+f.clusterID+": 4 articles" {
				t.Errorf("first line %q, want %q", first, "Cluster "+f.clusterID+": 4 articles")
			}
			if !hasLine(got, "canonical "+f.canonical) {
				t.Errorf("no line %q in:\n%s", "canonical "+f.canonical, got)
			}
			canon := section(got, "canonical ")
			if !strings.Contains(strings.Join(strings.Fields(canon), " "), "title "+f.title) {
				t.Errorf("canonical section lacks its title %q:\n%s", f.title, canon)
			}
			// The other members come in table order, each with its section.
			at := -1
			for _, m := range f.members {
				i := strings.Index(got, "\nmember "+m+"\n")
				if i < at {
					t.Errorf("member %s missing or out of table order (%v) in:\n%s", m, f.members, got)
				}
				at = i
			}
			m000 := strings.Join(strings.Fields(section(got, "member 000")), " ")
			for _, want := range []string{"similarity 0.077", "sentences 4 shared, 11 added", "additions", "10 " + f.kirby} {
				if !strings.Contains(m000, want) {
					t.Errorf("000's section lacks %q:\n%s", want, section(got, "member 000"))
				}
			}
			checkWidth(t, got)
		})
	}

	got := mustInspect(t, f.out, "--cluster", f.singleton)
	for _, want := range []string{"Cluster " + f.singleton + ": 1 article", "No other member: a singleton."} {
		if !hasLine(got, want) {
			t.Errorf("singleton: no line %q in:\n%s", want, got)
		}
	}
}

func TestInspectErrors(t *testing.T) {
	f := seeds(t)
	// Folders with one table broken or missing.
	broken := func(name string, data []byte) string {
		dir := t.TempDir()
		for _, n := range []string{write.ClustersFile, write.AdditionsFile, write.RejectsFile} {
			b, err := os.ReadFile(filepath.Join(f.out, n))
			if err != nil {
				t.Fatal(err)
			}
			if n == name {
				b = data
			}
			if b == nil {
				continue
			}
			if err := os.WriteFile(filepath.Join(dir, n), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}
	additions, err := os.ReadFile(filepath.Join(f.out, write.AdditionsFile))
	if err != nil {
		t.Fatal(err)
	}
	noAdditions := broken(write.AdditionsFile, nil)
	corrupt := broken(write.AdditionsFile, []byte("not parquet"))
	wrongTable := broken(write.ClustersFile, additions)
	missing := filepath.Join(t.TempDir(), "nothing here")

	tests := []struct {
		name string
		args []string
		code int
		want []string // substrings of stderr
	}{
		{"unknown id", []string{f.out, "--cluster", "0000"}, exitFail, []string{"cluster 0000 not found", write.ClustersFile}},
		{"unknown full id", []string{f.out, "--cluster", "0123456789abcdef"}, exitFail, []string{"not found"}},
		{"prefix too short", []string{f.out, "--cluster", f.clusterID[:3]}, exitUsage, []string{"prefix of 4 or more"}},
		{"id too long", []string{f.out, "--cluster", f.clusterID + "0"}, exitUsage, []string{"16 hex digits"}},
		{"not hex", []string{f.out, "--cluster", "zzzz"}, exitUsage, []string{`"zzzz"`}},
		{"missing folder", []string{missing}, exitFail, []string{missing, "does not exist"}},
		{"file, not folder", []string{filepath.Join(f.out, write.ClustersFile)}, exitFail, []string{"not a folder"}},
		{"folder without tables", []string{t.TempDir()}, exitFail, []string{write.ClustersFile + " not found"}},
		{"no additions table", []string{noAdditions}, exitFail, []string{filepath.Join(noAdditions, write.AdditionsFile) + " not found"}},
		{"corrupt additions", []string{corrupt, "--cluster", f.clusterID}, exitFail, []string{filepath.Join(corrupt, write.AdditionsFile) + " is not a readable dedupe table"}},
		{"another table as clusters", []string{wrongTable}, exitFail, []string{filepath.Join(wrongTable, write.ClustersFile), "no column"}},
		{"no OUT", nil, exitUsage, []string{"dedupe inspect OUT"}},
		{"two folders", []string{f.out, f.out}, exitUsage, []string{"unexpected argument"}},
		{"negative top", []string{f.out, "--top", "-1"}, exitUsage, []string{"--top -1"}},
		{"top with cluster", []string{f.out, "--cluster", f.clusterID, "--top", "3"}, exitUsage, []string{"--top applies to the summary"}},
		{"unknown flag", []string{f.out, "--nope"}, exitUsage, []string{"-nope"}},
		{"help", []string{"--help"}, exitOK, []string{"Usage: dedupe inspect OUT", "-cluster", "-top", "-json", "Exit codes"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := inspect(t, tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tt.code, stderr)
			}
			for _, want := range tt.want {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr %q lacks %q", stderr, want)
				}
			}
			if code != exitOK && stdout != "" {
				t.Errorf("failed, yet printed %q", stdout)
			}
		})
	}

	// A folder with no rejects.parquet is fine: the table is optional.
	noRejects := broken(write.RejectsFile, nil)
	got := mustInspect(t, noRejects)
	if !hasLine(got, "- rejects (no rejects.parquet)") || !hasLine(got, "5 articles") {
		t.Errorf("without rejects.parquet:\n%s", got)
	}
}

func TestInspectHelpCommand(t *testing.T) {
	var out bytes.Buffer
	if code := Main(context.Background(), []string{"help", "inspect"}, &out, &out); code != exitOK {
		t.Fatalf("dedupe help inspect: exit %d", code)
	}
	if !strings.Contains(out.String(), "Usage: dedupe inspect OUT") {
		t.Errorf("dedupe help inspect printed:\n%s", out.String())
	}
	out.Reset()
	Main(context.Background(), []string{"help"}, &out, &out)
	if !strings.Contains(out.String(), "dedupe inspect OUT") {
		t.Errorf("dedupe help does not list inspect:\n%s", out.String())
	}
}

func TestInspectJSON(t *testing.T) {
	f := seeds(t)

	raw := mustInspect(t, f.out, "--json")
	var sum struct {
		Out       string   `json:"out"`
		Tables    []string `json:"tables"`
		Articles  int      `json:"articles"`
		Clusters  int      `json:"clusters"`
		Multi     int      `json:"clusters_with_several_articles"`
		Single    int      `json:"singletons"`
		Additions int      `json:"additions"`
		Rejects   int      `json:"rejects"`
		First     []any    `json:"first_rejects"`
		Sizes     []struct {
			Size, Clusters int
		} `json:"cluster_sizes"`
		Largest []struct {
			ClusterID      string `json:"cluster_id"`
			Size           int    `json:"size"`
			CanonicalID    string `json:"canonical_id"`
			CanonicalTitle string `json:"canonical_title"`
			Outlets        []struct {
				Outlet   string `json:"outlet"`
				Articles int    `json:"articles"`
			} `json:"outlets"`
		} `json:"largest_clusters"`
	}
	if err := json.Unmarshal([]byte(raw), &sum); err != nil {
		t.Fatalf("summary JSON: %v\n%s", err, raw)
	}
	if sum.Articles != 5 || sum.Clusters != 2 || sum.Multi != 1 || sum.Single != 1 || sum.Rejects != 0 || sum.First == nil {
		t.Errorf("summary counts = %+v", sum)
	}
	if fmt.Sprint(sum.Sizes) != "[{1 1} {4 1}]" {
		t.Errorf("cluster_sizes = %v, want [{1 1} {4 1}]", sum.Sizes)
	}
	if len(sum.Largest) != 2 || sum.Largest[0].ClusterID != f.clusterID || sum.Largest[0].Size != 4 ||
		sum.Largest[0].CanonicalTitle != f.title || fmt.Sprint(sum.Largest[0].Outlets) != "[{unknown 4}]" {
		t.Errorf("largest_clusters = %+v", sum.Largest)
	}
	wantKeys := []string{"out", "tables", "articles", "clusters", "clusters_with_several_articles", "articles_in_clusters_with_several",
		"singletons", "additions", "rejects", "first_rejects", "cluster_sizes", "largest_clusters"}
	if got := topKeys(t, raw); !slices.Equal(got, wantKeys) {
		t.Errorf("summary keys %v, want %v", got, wantKeys)
	}

	raw = mustInspect(t, "--json", f.out, "--cluster", f.clusterID[:8])
	var cl struct {
		ClusterID string `json:"cluster_id"`
		Size      int    `json:"size"`
		Canonical struct {
			ArticleID string  `json:"article_id"`
			Title     string  `json:"title"`
			Source    *string `json:"source"`
			Words     int     `json:"words"`
		} `json:"canonical"`
		Members []struct {
			ArticleID  string  `json:"article_id"`
			Similarity float64 `json:"similarity"`
			Shared     int     `json:"shared_sentences"`
			Added      int     `json:"added_sentences"`
			Additions  []struct {
				Index int    `json:"sentence_index"`
				Text  string `json:"text"`
			} `json:"additions"`
		} `json:"members"`
	}
	if err := json.Unmarshal([]byte(raw), &cl); err != nil {
		t.Fatalf("cluster JSON: %v\n%s", err, raw)
	}
	if cl.ClusterID != f.clusterID || cl.Size != 4 || cl.Canonical.ArticleID != f.canonical || cl.Canonical.Title != f.title ||
		cl.Canonical.Source != nil || cl.Canonical.Words == 0 {
		t.Errorf("cluster %s, size %d, canonical %+v", cl.ClusterID, cl.Size, cl.Canonical)
	}
	var ids []string
	for _, m := range cl.Members {
		ids = append(ids, m.ArticleID)
		if len(m.Additions) != m.Added {
			t.Errorf("%s: %d additions listed, added_sentences %d", m.ArticleID, len(m.Additions), m.Added)
		}
	}
	if !slices.Equal(ids, f.members) {
		t.Errorf("members %v, want %v", ids, f.members)
	}
	if m := cl.Members[0]; !slices.ContainsFunc(m.Additions, func(a struct {
		Index int    `json:"sentence_index"`
		Text  string `json:"text"`
	}) bool {
		return a.Index == 10 && a.Text == f.kirby
	}) {
		t.Errorf("%s's additions lack sentence 10 %q: %+v", m.ArticleID, f.kirby, m.Additions)
	}
	if got, want := topKeys(t, raw), []string{"cluster_id", "size", "canonical", "members"}; !slices.Equal(got, want) {
		t.Errorf("cluster keys %v, want %v", got, want)
	}
	if again := mustInspect(t, "--json", f.out, "--cluster", f.clusterID[:8]); again != raw {
		t.Error("a second --json --cluster printed other bytes")
	}
}

// topKeys returns the keys of the JSON object in raw, in order.
func topKeys(t *testing.T, raw string) []string {
	t.Helper()
	var obj map[string]json.RawMessage
	if err := json.Unmarshal([]byte(raw), &obj); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range obj {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		return strings.Index(raw, `"`+a+`":`) - strings.Index(raw, `"`+b+`":`)
	})
	return keys
}

// TestInspectOutletsAndRejects runs the job on the seeds laid out as a
// crawl would be (a JSONL feed with sources, a folder per outlet, a file at
// the top, two unusable inputs) and checks the outlets and rejects listed.
func TestInspectOutletsAndRejects(t *testing.T) {
	in := t.TempDir()
	text := func(prefix string) string {
		m, err := filepath.Glob(filepath.Join("..", "..", "testdata", "seeds", prefix+"_*.txt"))
		if err != nil || len(m) != 1 {
			t.Fatalf("seed %s: %v %v", prefix, m, err)
		}
		b, err := os.ReadFile(m[0])
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	var feed bytes.Buffer
	for _, a := range []map[string]string{
		{"id": "000", "text": text("000"), "source": "New Voice of Ukraine", "url": "https://nv.ua/a", "published_at": "2024-04-30"},
		{"id": "001", "text": text("001"), "source": "Reuters"},
		{"id": "002", "text": text("002"), "url": "https://www.Example.com/b"},
	} {
		b, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		feed.Write(append(b, '\n'))
	}
	feed.WriteString("{not json\n")
	for name, data := range map[string]string{
		"wire/feed.jsonl": feed.String(),
		"local/003.txt":   text("003"),
		"004.txt":         text("004"),
		"empty.txt":       " \n",
	} {
		p := filepath.Join(in, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(t.TempDir(), "out")
	var stderr bytes.Buffer
	if code := Main(context.Background(), []string{"run", "--input", in, "--out", out, "--quiet"}, &stderr, &stderr); code != exitOK {
		t.Fatalf("dedupe run: exit %d: %s", code, stderr.String())
	}

	got := mustInspect(t, out)
	for _, want := range []string{
		"5 articles", "1 cluster with several articles (4 articles)", "2 rejects (input files or lines skipped)", "Rejects (all 2)",
		"outlets: New Voice of Ukraine 1, Reuters 1, example.com 1, local 1",
		"outlets: unknown 1",
	} {
		if !hasLine(got, want) {
			t.Errorf("no line %q in:\n%s", want, got)
		}
	}
	for _, want := range []string{"\n  empty.txt: ", "\n  wire/feed.jsonl:4: "} {
		if !strings.Contains(got, want) {
			t.Errorf("rejects lack %q:\n%s", want, got)
		}
	}

	var sum inspectSummary
	if err := json.Unmarshal([]byte(mustInspect(t, out, "--json")), &sum); err != nil {
		t.Fatal(err)
	}
	got = mustInspect(t, out, "--cluster", sum.Largest[0].ClusterID)
	m000 := section(got, "member 000")
	for _, want := range []string{"source New Voice of Ukraine", "url https://nv.ua/a", "published 2024-04-30T00:00:00Z", "file wire/feed.jsonl"} {
		if !hasLine(m000, want) {
			t.Errorf("member 000 lacks line %q:\n%s", want, m000)
		}
	}
}

// TestInspectTables checks what the seeds cannot show, on tables written
// by the write stage from a made-up state: many outlets and rejects, a
// hostile title, ties in size, and an ambiguous prefix.
func TestInspectTables(t *testing.T) {
	st := pipeline.NewState(pipeline.DefaultParams())
	addDoc := func(cluster int, id, path, title, source string) int32 {
		st.Docs = append(st.Docs, &pipeline.Doc{
			Article:   pipeline.Article{ID: id, SourcePath: path, Title: title, Source: source},
			Sentences: []pipeline.Sentence{{Text: "First sentence."}, {Text: "Second sentence of " + id + "."}},
			Words:     7,
		})
		n := int32(len(st.Docs) - 1)
		st.Members = append(st.Members, pipeline.MemberStats{Cluster: cluster, Similarity: 0.5, Shared: 1, Added: 1})
		return n
	}
	// abcd00000000000a: 12 articles from 9 outlets.
	var big []int32
	for i, src := range []string{"Reuters", "Reuters", "Reuters", "AP", "AP", "b1", "b2", "b3", "b4", "b5", "b6", "b7"} {
		big = append(big, addDoc(0, fmt.Sprintf("big%02d", i), "feed.jsonl", fmt.Sprintf("Big story, version %d", i), src))
	}
	st.Clusters = append(st.Clusters, pipeline.Cluster{ID: "abcd00000000000a", Members: big, Canonical: big[0]})
	st.Members[big[0]].Added, st.Members[big[0]].Similarity = 0, 1
	for _, d := range big[1:] {
		st.Additions = append(st.Additions, pipeline.Addition{Doc: d, Sentence: 1})
	}
	// Then three singletons, two of them sharing a prefix with the big one.
	for i, id := range []string{"abcd00000000000b", "abcd00000000000c", "ef01000000000000"} {
		d := addDoc(i+1, "single"+fmt.Sprint(i), "x/y/single.txt", "Alone\x1b[31m red \x07title\n"+id, "")
		st.Members[d].Added, st.Members[d].Similarity = 0, 1
		st.Clusters = append(st.Clusters, pipeline.Cluster{ID: id, Members: []int32{d}, Canonical: d})
	}
	for i := range 7 {
		st.Rejects = append(st.Rejects, pipeline.Reject{Path: "bad.jsonl", Line: i + 1, Reason: "malformed JSON"})
	}
	dir := t.TempDir()
	writeTable := func(name string, data []byte, err error) {
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	rec := write.ClusterRecord(st)
	data, err := write.Parquet(rec, nil)
	rec.Release()
	writeTable(write.ClustersFile, data, err)
	rec = write.AdditionRecord(st)
	data, err = write.Parquet(rec, nil)
	rec.Release()
	writeTable(write.AdditionsFile, data, err)
	rec = write.RejectRecord(st)
	data, err = write.Parquet(rec, nil)
	rec.Release()
	writeTable(write.RejectsFile, data, err)

	got := mustInspect(t, dir)
	for _, want := range []string{
		"15 articles", "4 clusters", "1 cluster with several articles (12 articles)", "3 singletons", "11 additions (sentences members add to their canonical)",
		"7 rejects (input files or lines skipped)", "Rejects (first 5 of 7)", "bad.jsonl:5: malformed JSON",
		"1 3 " + strings.Repeat("#", inspectBarWidth), "12 1 " + strings.Repeat("#", 14),
		"abcd00000000000a 12 Big story, version 0",
		"outlets: Reuters 3, AP 2, b1 1, b2 1, b3 1, b4 1, b5 1, b6 1, and 1 more",
		"abcd00000000000b 1 Alone [31m red title abcd00000000000b", // ESC and BEL dropped
		"outlets: x/y 1",
	} {
		if !hasLine(got, want) {
			t.Errorf("no line %q in:\n%s", want, got)
		}
	}
	if strings.Contains(got, "bad.jsonl:6") || strings.ContainsAny(got, "\x1b\x07") {
		t.Errorf("more than 5 rejects, or control characters, in:\n%q", got)
	}
	// Equal sizes keep table order.
	if b, c, e := strings.Index(got, "abcd00000000000b"), strings.Index(got, "abcd00000000000c"), strings.Index(got, "ef01000000000000"); !(b < c && c < e) {
		t.Errorf("singletons out of table order:\n%s", got)
	}

	tests := []struct {
		prefix string
		code   int
		want   string // in stdout on success, in stderr otherwise
	}{
		{"abcd", exitFail, "cluster prefix abcd is ambiguous: 3 clusters start with it: abcd00000000000a, abcd00000000000b, abcd00000000000c"},
		{"abcd00000000000", exitFail, "ambiguous"},
		{"abcd00000000000a", exitOK, "Cluster abcd00000000000a: 12 articles"},
		{"ef01", exitOK, "Cluster ef01000000000000: 1 article"},
		{"EF01", exitOK, "Cluster ef01000000000000: 1 article"},
		{"abce", exitFail, "cluster abce not found among its 4 clusters"},
	}
	for _, tt := range tests {
		t.Run(tt.prefix, func(t *testing.T) {
			stdout, stderr, code := inspect(t, dir, "--cluster", tt.prefix)
			if code != tt.code {
				t.Fatalf("exit %d, want %d: %s", code, tt.code, stderr)
			}
			got := stderr
			if code == exitOK {
				got = stdout
			}
			if !strings.Contains(got, tt.want) {
				t.Errorf("got %q, want it to contain %q", got, tt.want)
			}
		})
	}
}

func TestResolveClusterID(t *testing.T) {
	ids := []string{"ffff000000000001", "aaaa000000000002", "aaaa000000000001", "aaab000000000000"}
	tests := []struct {
		prefix, want, err string
	}{
		{"aaab000000000000", "aaab000000000000", ""},
		{"aaab", "aaab000000000000", ""},
		{"ffff", "ffff000000000001", ""},
		{"aaaa00000000000", "", "ambiguous: 2 clusters start with it: aaaa000000000001, aaaa000000000002"},
		{"aaa", "", "ambiguous: 3 clusters"},
		{"0000", "", "cluster 0000 not found among its 4 clusters"},
	}
	for _, tt := range tests {
		t.Run(tt.prefix, func(t *testing.T) {
			got, err := resolveClusterID(ids, tt.prefix)
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if (err == nil) != (tt.err == "") || err != nil && !strings.Contains(err.Error(), tt.err) {
				t.Errorf("error %v, want one containing %q", err, tt.err)
			}
		})
	}
}

func TestInspectOutletOf(t *testing.T) {
	str := func(s string) *string { return &s }
	tests := []struct {
		name string
		row  inspectRow
		want string
	}{
		{"source", inspectRow{Source: str("Reuters"), URL: str("https://apnews.com/x"), SourcePath: "wire/a.txt"}, "Reuters"},
		{"blank source, url host", inspectRow{Source: str("  "), URL: str("https://WWW.Example.com/x"), SourcePath: "wire/a.txt"}, "example.com"},
		{"url without host, folder", inspectRow{URL: str("not a url"), SourcePath: "wire/a.txt"}, "wire"},
		{"nested folder", inspectRow{SourcePath: "2024/bbc/a.txt"}, "2024/bbc"},
		{"top-level file", inspectRow{SourcePath: "a.txt"}, "unknown"},
		{"control characters", inspectRow{Source: str("Evil\x1b[2J Outlet")}, "Evil [2J Outlet"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := inspectOutletOf(tt.row); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestInspectTruncateAndWrap(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"exactly ten", 11, "exactly ten"},
		{"The report was released by the committee.", 30, "The report was released by…"},
		{"Überraschung: ein sehr langer Titel", 16, "Überraschung…"},
		{"nospacesatallinthisone", 8, "nospace…"},
	}
	for _, tt := range tests {
		if got := inspectTruncate(tt.in, tt.n); got != tt.want || utf8.RuneCountInString(got) > tt.n {
			t.Errorf("inspectTruncate(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}

	var b bytes.Buffer
	long := strings.Repeat("word ", 60) + strings.Repeat("x", 120)
	inspectWrap(&b, "  >> ", "     ", long)
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if !strings.HasPrefix(lines[0], "  >> word") || lines[len(lines)-1] != "     "+strings.Repeat("x", 120) {
		t.Errorf("wrapped:\n%s", b.String())
	}
	if got := strings.Join(strings.Fields(b.String()), " "); got != strings.Join(strings.Fields(">> "+long), " ") {
		t.Errorf("wrapping lost or changed words:\n%s", b.String())
	}
	checkWidth(t, b.String())
}

func TestInspectArrowFormat(t *testing.T) {
	out := runSeeds(t, "--format", "arrow")
	if _, err := os.Stat(filepath.Join(out, "clusters.arrow")); err != nil {
		t.Fatalf("--format arrow wrote no clusters.arrow: %v", err)
	}
	var stdout, stderr bytes.Buffer
	if code := Main(context.Background(), []string{"inspect", out}, &stdout, &stderr); code != exitOK {
		t.Fatalf("inspect on Arrow tables: exit %d: %s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "5 articles") {
		t.Errorf("inspect on Arrow tables printed:\n%s\nwant it to count 5 articles", stdout.String())
	}
}
