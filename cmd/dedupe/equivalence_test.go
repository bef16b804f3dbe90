package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/dedupe/dedupe/internal/evaluate"
	"github.com/dedupe/dedupe/internal/synth"
	"github.com/dedupe/dedupe/stages/history"
	"github.com/dedupe/dedupe/stages/write"
)

// TestHistoryEquivalence is the equivalence test: a real-language
// bench corpus (4,000 articles of Brown text over 7 days, seed 5) is cut
// into 7 nights of equal size in publication order and run night after
// night with --history; its clustering must agree with one run over the
// whole corpus on at least 99% of the article pairs either puts together
// (pairwise F1 of one against the other, and the ARI, at least 0.99).
//
// The nightly clustering of an article is the cluster id it was stored
// with on its own night, followed through the merges of the later nights:
// what the history says of it once the 7 nights are run.
//
// Where the two differ, and why. Measured (go test -run
// TestHistoryEquivalence -v ./cmd/dedupe/): pairwise precision 0.9881,
// recall 0.9986, F1 0.9933, ARI 0.9933 of the nights against one run
// (12,911 pairs in common, 156 only in the nights, 18 only in the one
// run), with 3 merges recorded (slice 2, which loaded every stored
// article every night, gave F1 0.9942; slice 3, loading those sharing
// any band key, 0.9929). Each night clusters its articles with the
// stored clusters its indexable sentences touch (see package history),
// not with the nights after it; a stored article keeps the cluster id of
// its night. The nights' extra pairs are clusters that one night made and
// the whole corpus splits (the largest: 21 articles put in one cluster,
// which the one run parts in three): those splits rest on what
// later nights add (more articles holding a passage make it stock text, a
// bridge between groups, or raise the rarity counts), which a night cannot
// know, and an earlier partition is not re-clustered, and on the history
// articles a night does not load. Run without a
// history (each night alone), the same nights give F1 0.8800: the test
// fails without the history.
func TestHistoryEquivalence(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the job 8 times over 4,000 articles")
	}
	const articles, nightsN = 4000, 7
	root := t.TempDir()
	all := filepath.Join(root, "all")
	// Each step is a child process: in this one, the generator and the
	// runs would raise its peak memory, which the children of later tests
	// inherit in their peak RSS (TestRejectsBoundedMemory).
	gen := exec.Command(os.Args[0], "-test.run=^TestHistoryEquivalenceCorpus$")
	gen.Env = append(os.Environ(), "DEDUPE_EQUIVALENCE_CORPUS="+root)
	if b, err := gen.CombinedOutput(); err != nil {
		t.Fatalf("generate the corpus: %v\n%s", err, b)
	}
	run := func(args ...string) {
		t.Helper()
		if b, err := command(append([]string{"run", "--quiet"}, args...)...).CombinedOutput(); err != nil {
			t.Fatalf("dedupe run %v: %v\n%s", args, err, b)
		}
	}
	hist := filepath.Join(root, "state")
	nightly := map[string]string{} // article id -> cluster id on its night
	var merges []write.Row
	for n := range nightsN {
		lo, hi := n*articles/nightsN, (n+1)*articles/nightsN
		in, out := filepath.Join(root, "crawl", fmt.Sprint(n)), filepath.Join(root, "tables", fmt.Sprint(n))
		run("--input", in, "--out", out, "--history", hist, "--night", fmt.Sprintf("2026-12-%02d", n+1))
		rows := readRows(t, filepath.Join(out, write.ClustersFile))
		if len(rows) != hi-lo {
			t.Fatalf("night %d lists %d articles, want %d", n+1, len(rows), hi-lo)
		}
		for _, r := range rows {
			nightly[r["article_id"].(string)] = r["cluster_id"].(string)
		}
		merges = append(merges, readRows(t, filepath.Join(out, write.MergesFile))...)
	}
	once := filepath.Join(root, "tables", "once")
	run("--input", all, "--out", once)
	res := history.Resolver{}
	for _, m := range merges {
		res[m["absorbed_id"].(string)] = m["surviving_id"].(string)
	}
	var whole, nights []string
	for _, r := range readRows(t, filepath.Join(once, write.ClustersFile)) {
		id := r["article_id"].(string)
		c, ok := nightly[id]
		if !ok {
			t.Fatalf("article %s is in no night's tables", id)
		}
		whole = append(whole, r["cluster_id"].(string))
		nights = append(nights, res.Resolve(c))
	}
	if len(whole) != articles {
		t.Fatalf("one run lists %d articles, want %d", len(whole), articles)
	}
	s, err := evaluate.Pairwise(whole, nights)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("nightly against one run: %v; %d merges", s, len(merges))
	for _, w := range evaluate.WorstMerges(whole, nights, 3) {
		t.Logf("put together by the nights, apart in one run: %d articles from %d clusters", len(w.Items), len(w.Parts))
	}
	for _, w := range evaluate.WorstMisses(whole, nights, 3) {
		t.Logf("apart in the nights, together in one run: %d articles in %d clusters", len(w.Items), len(w.Parts))
	}
	if s.F1 < 0.99 || s.ARI < 0.99 {
		t.Errorf("7 nights against one run: pairwise F1 %.4f, ARI %.4f; want both at least 0.99", s.F1, s.ARI)
	}
}

// TestHistoryEquivalenceCorpus writes TestHistoryEquivalence's corpus below
// the folder DEDUPE_EQUIVALENCE_CORPUS names, in a child process of it:
// all/ holds the whole corpus, crawl/0 to crawl/6 its nights, of equal
// size in publication order.
func TestHistoryEquivalenceCorpus(t *testing.T) {
	root := os.Getenv("DEDUPE_EQUIVALENCE_CORPUS")
	if root == "" {
		t.Skip("a helper of TestHistoryEquivalence")
	}
	const articles, nightsN = 4000, 7
	arts := synth.Generate(synth.Config{Articles: articles, Seed: 5, Text: synth.Brown, Days: nightsN})
	write1 := func(dir string, part []synth.Article) {
		t.Helper()
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		f, err := os.Create(filepath.Join(dir, "articles.jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		if err := synth.WriteJSONL(f, part); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
	}
	write1(filepath.Join(root, "all"), arts) // Generate gives them in publication order
	for n := range nightsN {
		write1(filepath.Join(root, "crawl", fmt.Sprint(n)), arts[n*articles/nightsN:(n+1)*articles/nightsN])
	}
}
