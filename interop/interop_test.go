// Package interop checks that the Parquet tables dedupe writes are read the
// same by DuckDB, a reader independent of our writer (Arrow Go's pqarrow),
// and that the example queries of queries.mjs give the expected answers on
// the bundled seeds.
//
// It needs Node.js and the DuckDB package: npm ci --prefix interop (CI does
// it, see .ci/run). Without them, or with DEDUPE_INTEROP_SKIP set (CI sets
// it when the install failed), the test is skipped.
package interop

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dedupe/dedupe/pipeline"
	"github.com/dedupe/dedupe/stages"
	"github.com/dedupe/dedupe/stages/history"
	"github.com/dedupe/dedupe/stages/write"
)

type largestCluster struct {
	ClusterID      string `json:"cluster_id"`
	ClusterSize    int32  `json:"cluster_size"`
	CanonicalTitle string `json:"canonical_title"`
}

type member struct {
	ClusterID   string `json:"cluster_id"`
	ArticleID   string `json:"article_id"`
	IsCanonical bool   `json:"is_canonical"`
	Title       string `json:"title"`
	Source      string `json:"source"`
	Additions   int    `json:"additions"`
}

type sourceAdditions struct {
	Source    string `json:"source"`
	Additions int    `json:"additions"`
}

type articleAdditions struct {
	ArticleID string `json:"article_id"`
	Additions int    `json:"additions"`
}

type linkWithPassages struct {
	ArticleA        string  `json:"article_a"`
	ArticleB        string  `json:"article_b"`
	ClusterA        string  `json:"cluster_a"`
	ClusterB        string  `json:"cluster_b"`
	Passages        int32   `json:"passages"`
	Evidence        float64 `json:"evidence"`
	CopyJaccard     float64 `json:"copy_jaccard"`
	Kept            bool    `json:"kept"`
	CutReason       string  `json:"cut_reason"`
	PassageRows     int32   `json:"passage_rows"`
	PassageEvidence float64 `json:"passage_evidence"`
	MinShared       int32   `json:"min_shared"`
}

type results struct {
	DuckDBVersion         string             `json:"duckdb_version"`
	LargestClusters       []largestCluster   `json:"largest_clusters"`
	LargestClusterMembers []member           `json:"largest_cluster_members"`
	AdditionsBySource     []sourceAdditions  `json:"additions_by_source"`
	AdditionsByArticle    []articleAdditions `json:"additions_by_article"`
	LinksWithPassages     []linkWithPassages `json:"links_with_passages"`
	Nightly               *nightly           `json:"nightly"`
}

// nightly is what queries.mjs reads of a run with a history.
type nightly struct {
	Articles []nightlyArticle `json:"articles"`
	Merges   []merge          `json:"merges"`
}

type nightlyArticle struct {
	ArticleID      string `json:"article_id"`
	ClusterID      string `json:"cluster_id"`
	CanonicalID    string `json:"canonical_id"`
	ClusterSize    int32  `json:"cluster_size"`
	FirstSeen      string `json:"first_seen"`
	JoinedExisting bool   `json:"joined_existing"`
}

type merge struct {
	Night       string `json:"night"`
	SurvivingID string `json:"surviving_id"`
	AbsorbedID  string `json:"absorbed_id"`
}

// duckdb runs queries.mjs on out, or skips the test when Node.js or the
// DuckDB package is missing.
func duckdb(t *testing.T, out string) results {
	t.Helper()
	if why := os.Getenv("DEDUPE_INTEROP_SKIP"); why != "" {
		t.Skipf("DEDUPE_INTEROP_SKIP: %s; run `npm ci --prefix interop` to run this test", why)
	}
	if _, err := os.Stat(filepath.Join("node_modules", "@duckdb", "node-api")); err != nil {
		t.Skip("DuckDB for Node.js is not installed: run `npm ci --prefix interop` to run this test")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not on PATH: install Node.js and run `npm ci --prefix interop` to run this test")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, node, "queries.mjs", out)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("node queries.mjs %s: %v\n%s", out, err, stderr.String())
	}
	var r results
	dec := json.NewDecoder(&stdout)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		t.Fatalf("queries.mjs output: %v", err)
	}
	t.Logf("DuckDB %s", r.DuckDBVersion)
	return r
}

// run runs the whole job on the seeds into a temporary folder.
func run(t *testing.T) string {
	t.Helper()
	p := pipeline.DefaultParams()
	p.Input = filepath.Join("..", "testdata", "seeds")
	p.Out = filepath.Join(t.TempDir(), "out")
	st := pipeline.NewState(p)
	st.Started = time.Now()
	if err := pipeline.Run(context.Background(), stages.Default(), st, pipeline.NoProgress{}); err != nil {
		t.Fatal(err)
	}
	if err := write.Check(p.Out); err != nil {
		t.Fatal(err)
	}
	return p.Out
}

func readRows(t *testing.T, path string) []write.Row {
	t.Helper()
	rows, err := write.ReadRows(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func source(r write.Row) string {
	if s, ok := r["source"].(string); ok {
		return s
	}
	return "unknown"
}

func TestDuckDBQueriesOnSeeds(t *testing.T) {
	out := run(t)
	got := duckdb(t, out)

	// The same tables, read with our own reader.
	clusters := readRows(t, filepath.Join(out, write.ClustersFile))
	additions := readRows(t, filepath.Join(out, write.AdditionsFile))
	type key struct{ cluster, article string }
	added := map[key]int{}
	for _, a := range additions {
		added[key{a["cluster_id"].(string), a["article_id"].(string)}]++
	}

	// What the seeds are known to hold: 5 articles, a cluster of the 4
	// rewrites of one report and a singleton (see testdata/seeds_*.golden).
	if got, want := len(clusters), 5; got != want {
		t.Fatalf("got %d rows in clusters.parquet, want %d", got, want)
	}
	var sizes []int32
	for _, c := range got.LargestClusters {
		sizes = append(sizes, c.ClusterSize)
	}
	if want := []int32{4, 1}; !slices.Equal(sizes, want) {
		t.Errorf("query 1: got cluster sizes %v, want %v", sizes, want)
	}

	// (1) Largest clusters, as our reader sees them.
	var want1 []largestCluster
	for _, r := range clusters {
		if r["is_canonical"].(bool) {
			want1 = append(want1, largestCluster{r["cluster_id"].(string), r["cluster_size"].(int32), r["title"].(string)})
		}
	}
	slices.SortStableFunc(want1, func(a, b largestCluster) int {
		if a.ClusterSize != b.ClusterSize {
			return int(b.ClusterSize - a.ClusterSize)
		}
		return strings.Compare(a.ClusterID, b.ClusterID)
	})
	if !reflect.DeepEqual(got.LargestClusters, want1) {
		t.Errorf("query 1, largest clusters: DuckDB got\n%+v\nour reader\n%+v", got.LargestClusters, want1)
	}

	// (2) The largest cluster: canonical first, then members by article id,
	// each with as many additions as its added_sentences says.
	top := want1[0].ClusterID
	var want2 []member
	for _, r := range clusters {
		if r["cluster_id"] != top {
			continue
		}
		n := added[key{top, r["article_id"].(string)}]
		if int32(n) != r["added_sentences"].(int32) {
			t.Errorf("our reader: %s has %d rows in additions.parquet, added_sentences %d", r["article_id"], n, r["added_sentences"])
		}
		want2 = append(want2, member{top, r["article_id"].(string), r["is_canonical"].(bool), r["title"].(string), source(r), n})
	}
	slices.SortStableFunc(want2, func(a, b member) int {
		if a.IsCanonical != b.IsCanonical {
			if a.IsCanonical {
				return -1
			}
			return 1
		}
		return strings.Compare(a.ArticleID, b.ArticleID)
	})
	if !reflect.DeepEqual(got.LargestClusterMembers, want2) {
		t.Errorf("query 2, largest cluster: DuckDB got\n%+v\nour reader\n%+v", got.LargestClusterMembers, want2)
	}
	if len(got.LargestClusterMembers) != 4 || !got.LargestClusterMembers[0].IsCanonical || got.LargestClusterMembers[0].Additions != 0 {
		t.Errorf("query 2: got %+v, want 4 articles, the canonical first with no additions", got.LargestClusterMembers)
	}
	for _, m := range got.LargestClusterMembers[1:] {
		if m.Additions == 0 {
			t.Errorf("query 2: member %s adds nothing, want every rewrite to add sentences", m.ArticleID)
		}
	}

	// (3) Additions per outlet.
	bySource := map[string]int{}
	for _, r := range clusters {
		bySource[source(r)] += int(r["added_sentences"].(int32))
	}
	var want3 []sourceAdditions
	for s, n := range bySource {
		want3 = append(want3, sourceAdditions{s, n})
	}
	slices.SortFunc(want3, func(a, b sourceAdditions) int {
		if a.Additions != b.Additions {
			return b.Additions - a.Additions
		}
		return strings.Compare(a.Source, b.Source)
	})
	if !reflect.DeepEqual(got.AdditionsBySource, want3) {
		t.Errorf("query 3, additions per source: DuckDB got %+v, our reader %+v", got.AdditionsBySource, want3)
	}
	total := 0
	for _, s := range got.AdditionsBySource {
		total += s.Additions
	}
	if total != len(additions) {
		t.Errorf("query 3: got %d additions in all, want the %d rows of additions.parquet", total, len(additions))
	}

	// Every article: DuckDB's count of its additions is its added_sentences;
	// the singleton adds nothing.
	var want4 []articleAdditions
	for _, r := range clusters {
		want4 = append(want4, articleAdditions{r["article_id"].(string), int(r["added_sentences"].(int32))})
		if r["cluster_size"].(int32) == 1 && r["added_sentences"].(int32) != 0 {
			t.Errorf("singleton %s: got added_sentences %d, want 0", r["article_id"], r["added_sentences"])
		}
	}
	slices.SortFunc(want4, func(a, b articleAdditions) int { return strings.Compare(a.ArticleID, b.ArticleID) })
	if !reflect.DeepEqual(got.AdditionsByArticle, want4) {
		t.Errorf("additions per article: DuckDB got %+v, added_sentences %+v", got.AdditionsByArticle, want4)
	}
	singleton := want1[len(want1)-1]
	for _, a := range got.AdditionsByArticle {
		for _, r := range clusters {
			if r["article_id"] == a.ArticleID && r["cluster_id"] == singleton.ClusterID && a.Additions != 0 {
				t.Errorf("singleton %s: DuckDB counts %d additions, want 0", a.ArticleID, a.Additions)
			}
		}
	}
}

// TestDuckDBLinksOnSeeds: DuckDB reads links.parquet and link_passages.parquet
// as our reader does, and the two tables agree: each link has as many
// sentence pairs as its passages, whose evidence adds up to its own.
func TestDuckDBLinksOnSeeds(t *testing.T) {
	out := run(t)
	got := duckdb(t, out)

	links := readRows(t, filepath.Join(out, write.LinksFile))
	passages := readRows(t, filepath.Join(out, write.LinkPassagesFile))
	type pair struct{ a, b string }
	rows, evidence, minShared := map[pair]int32{}, map[pair]float64{}, map[pair]int32{}
	for _, p := range passages {
		k := pair{p["article_a"].(string), p["article_b"].(string)}
		rows[k]++
		evidence[k] += p["evidence"].(float64)
		if s := p["shared"].(int32); minShared[k] == 0 || s < minShared[k] {
			minShared[k] = s
		}
	}
	var want []linkWithPassages
	for _, l := range links {
		k := pair{l["article_a"].(string), l["article_b"].(string)}
		want = append(want, linkWithPassages{k.a, k.b, l["cluster_a"].(string), l["cluster_b"].(string), l["passages"].(int32),
			l["evidence"].(float64), l["copy_jaccard"].(float64), l["kept"].(bool), l["cut_reason"].(string), rows[k], evidence[k], minShared[k]})
	}
	slices.SortStableFunc(want, func(x, y linkWithPassages) int {
		if x.Evidence != y.Evidence {
			if x.Evidence > y.Evidence {
				return -1
			}
			return 1
		}
		return strings.Compare(x.ArticleA+"\x00"+x.ArticleB, y.ArticleA+"\x00"+y.ArticleB)
	})
	// The seeds' four rewrites are linked; the fifth story is not.
	if len(want) < 3 {
		t.Fatalf("our reader: got %d links on the seeds, want the rewrites linked", len(want))
	}
	if len(got.LinksWithPassages) != len(want) {
		t.Fatalf("DuckDB got %d links, our reader %d", len(got.LinksWithPassages), len(want))
	}
	for i, g := range got.LinksWithPassages {
		w := want[i]
		// Sums may differ in the last bits with the order of addition.
		if math.Abs(g.PassageEvidence-w.PassageEvidence) > 1e-9 {
			t.Errorf("link %d: DuckDB sums evidence %v, our reader %v", i, g.PassageEvidence, w.PassageEvidence)
		}
		g.PassageEvidence = w.PassageEvidence
		if g != w {
			t.Errorf("link %d: DuckDB got\n%+v\nour reader\n%+v", i, g, w)
		}
		if g.PassageRows != g.Passages || math.Abs(g.PassageEvidence-g.Evidence) > 1e-9 {
			t.Errorf("link %s-%s: %d passages with evidence %v, but link_passages has %d rows with evidence %v",
				g.ArticleA, g.ArticleB, g.Passages, g.Evidence, g.PassageRows, g.PassageEvidence)
		}
		if !g.Kept || g.CutReason != "" || g.ClusterA != g.ClusterB || g.ArticleA >= g.ArticleB {
			t.Errorf("link %s-%s: got kept %v, cut %q, clusters %s and %s; want kept within one cluster, ids in order", g.ArticleA, g.ArticleB, g.Kept, g.CutReason, g.ClusterA, g.ClusterB)
		}
	}
}

// TestDuckDBNightly: DuckDB reads the columns a run with a history adds to
// clusters.parquet, and its merges.parquet, as our reader does. The seeds
// run as the two nights: 000, 001 and 004, then 002 and 003.
func TestDuckDBNightly(t *testing.T) {
	root := t.TempDir()
	hist := filepath.Join(root, "state")
	var out string
	for i, night := range []struct{ name, prefixes string }{{"2026-12-01", "000 001 004"}, {"2026-12-02", "002 003"}} {
		in := filepath.Join(root, "in", night.name)
		if err := os.MkdirAll(in, 0o755); err != nil {
			t.Fatal(err)
		}
		seeds, err := os.ReadDir(filepath.Join("..", "testdata", "seeds"))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range seeds {
			if !strings.Contains(night.prefixes, e.Name()[:3]) {
				continue
			}
			b, err := os.ReadFile(filepath.Join("..", "testdata", "seeds", e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(in, e.Name()), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		store, err := history.Open(hist)
		if err != nil {
			t.Fatal(err)
		}
		n, err := history.NewNight(store, night.name, history.DefaultDays, false)
		if err != nil {
			t.Fatal(err)
		}
		p := pipeline.DefaultParams()
		p.Input, p.Out = in, filepath.Join(root, "out", night.name)
		st := pipeline.NewState(p)
		if err := pipeline.Run(context.Background(), stages.Nightly(n), st, pipeline.NoProgress{}); err != nil {
			t.Fatalf("night %d: %v", i+1, err)
		}
		out = p.Out
	}
	var want nightly
	for _, r := range readRows(t, filepath.Join(out, write.ClustersFile)) {
		want.Articles = append(want.Articles, nightlyArticle{r["article_id"].(string), r["cluster_id"].(string), r["canonical_id"].(string),
			r["cluster_size"].(int32), r["first_seen"].(string), r["joined_existing"].(bool)})
	}
	slices.SortFunc(want.Articles, func(a, b nightlyArticle) int { return strings.Compare(a.ArticleID, b.ArticleID) })
	for _, r := range readRows(t, filepath.Join(out, write.MergesFile)) {
		want.Merges = append(want.Merges, merge{r["night"].(string), r["surviving_id"].(string), r["absorbed_id"].(string)})
	}
	if len(want.Articles) != 2 || !want.Articles[0].JoinedExisting || want.Articles[0].FirstSeen != "2026-12-01" {
		t.Fatalf("our reader: night 2 gives %+v, want 002 and 003 joined to night 1's cluster", want.Articles)
	}
	got := duckdb(t, out)
	if got.Nightly == nil {
		t.Fatal("queries.mjs found no merges.parquet")
	}
	if !reflect.DeepEqual(got.Nightly.Articles, want.Articles) || len(got.Nightly.Merges) != len(want.Merges) ||
		(len(want.Merges) > 0 && !reflect.DeepEqual(got.Nightly.Merges, want.Merges)) {
		t.Errorf("DuckDB got\n%+v\nour reader\n%+v", *got.Nightly, want)
	}
}
