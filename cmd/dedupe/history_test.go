package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dedupe/dedupe/internal/synth"
	"github.com/dedupe/dedupe/stages/history"
	"github.com/dedupe/dedupe/stages/write"
)

// nights lays the seeds out as the two nights, each an input
// folder below root: night 1 holds 000, 001 and 004, night 2 holds 002 and
// 003.
func nights(t *testing.T, root string) (night1, night2 string) {
	t.Helper()
	night1, night2 = filepath.Join(root, "crawl", "n1"), filepath.Join(root, "crawl", "n2")
	for _, dir := range []string{night1, night2} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	entries, err := os.ReadDir("../../testdata/seeds")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join("../../testdata/seeds", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		dir := night1
		if p := e.Name()[:3]; p == "002" || p == "003" {
			dir = night2
		}
		if err := os.WriteFile(filepath.Join(dir, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return night1, night2
}

// runNight runs one night with a history and fails the test unless it
// succeeds.
func runNight(t *testing.T, input, out, hist, night string, extra ...string) {
	t.Helper()
	args := append([]string{"run", "--input", input, "--out", out, "--history", hist, "--night", night}, extra...)
	if code, stderr := runMain(args...); code != exitOK {
		t.Fatalf("dedupe %s exited %d: %s", strings.Join(args, " "), code, stderr)
	}
}

// byPrefix indexes clusters.parquet's rows by the article id's first three
// characters (the seed's number).
func byPrefix(t *testing.T, out string) map[string]write.Row {
	t.Helper()
	rows := map[string]write.Row{}
	for _, r := range readRows(t, filepath.Join(out, write.ClustersFile)) {
		rows[r["article_id"].(string)[:3]] = r
	}
	return rows
}

// twoNights runs the two nights of seeds, 2026-12-01 and
// 2026-12-02, into one history, and returns their output folders.
func twoNights(t *testing.T) (out1, out2 string) {
	t.Helper()
	root := t.TempDir()
	n1, n2 := nights(t, root)
	hist := filepath.Join(root, "state")
	out1, out2 = filepath.Join(root, "tables", "n1"), filepath.Join(root, "tables", "n2")
	runNight(t, n1, out1, hist, "2026-12-01")
	runNight(t, n2, out2, hist, "2026-12-02")
	return out1, out2
}

// TestHistoryTwoNights is the end-to-end test: the seeds over two
// nights, night 2's rewrites join night 1's cluster with its id.
func TestHistoryTwoNights(t *testing.T) {
	out1, out2 := twoNights(t)

	first := byPrefix(t, out1)
	if len(first) != 3 {
		t.Fatalf("night 1 lists %d articles, want 3", len(first))
	}
	if first["000"]["cluster_id"] != first["001"]["cluster_id"] || first["004"]["cluster_id"] == first["000"]["cluster_id"] {
		t.Fatalf("night 1: 000 in %v, 001 in %v, 004 in %v; want 000 and 001 together, 004 apart",
			first["000"]["cluster_id"], first["001"]["cluster_id"], first["004"]["cluster_id"])
	}
	for id, r := range first {
		if r["joined_existing"] != false || r["first_seen"] != "2026-12-01" {
			t.Errorf("night 1, %s: joined_existing %v, first_seen %v; want false, 2026-12-01", id, r["joined_existing"], r["first_seen"])
		}
	}

	second := byPrefix(t, out2)
	if len(second) != 2 {
		t.Fatalf("night 2 lists %d articles (%v), want 2: tonight's only", len(second), second)
	}
	story := first["000"]["cluster_id"]
	for _, id := range []string{"002", "003"} {
		r := second[id]
		if r == nil {
			t.Fatalf("night 2 does not list %s", id)
		}
		if r["cluster_id"] != story || r["joined_existing"] != true || r["first_seen"] != "2026-12-01" || r["cluster_size"] != int32(4) {
			t.Errorf("night 2, %s: cluster %v, joined_existing %v, first_seen %v, size %v; want %v, true, 2026-12-01, 4",
				id, r["cluster_id"], r["joined_existing"], r["first_seen"], r["cluster_size"], story)
		}
	}
	// The canonical is one of the four, named whichever night it is from;
	// additions are against it.
	canon := second["002"]["canonical_id"].(string)
	if !strings.HasPrefix(canon, "00") || canon[:3] == "004" {
		t.Errorf("night 2's canonical %q, want one of 000..003", canon)
	}
	for _, r := range readRows(t, filepath.Join(out2, write.AdditionsFile)) {
		if id := r["article_id"].(string); id[:3] != "002" && id[:3] != "003" {
			t.Errorf("night 2's additions list %s, an article of night 1", id)
		}
	}
	for _, r := range readRows(t, filepath.Join(out2, write.LinksFile)) {
		a, b := r["article_a"].(string)[:3], r["article_b"].(string)[:3]
		if a != "002" && a != "003" && b != "002" && b != "003" {
			t.Errorf("night 2's links list %s-%s, two articles of night 1", a, b)
		}
	}
	if merges := readRows(t, filepath.Join(out2, write.MergesFile)); len(merges) != 0 {
		t.Errorf("night 2 merged %v, want no merge", merges)
	}
	// 004 stays alone, and is not in night 2's tables.
	if first["004"]["cluster_size"] != int32(1) {
		t.Errorf("004's cluster_size %v, want 1", first["004"]["cluster_size"])
	}
	if err := write.Check(out2); err != nil {
		t.Errorf("night 2's tables: %v", err)
	}
	// Night 2 loads the articles of night 1 that share a band key with its
	// own, 000 and 001, not 004: it counts them all among those stored.
	run, err := write.ReadReport(out2)
	if err != nil {
		t.Fatal(err)
	}
	if got, stored := run.Counts["history_articles"], run.Counts["history_stored"]; got != 2 || stored != 3 {
		t.Errorf("night 2 loaded %d of %d stored articles, want 2 of 3", got, stored)
	}
}

// TestHistoryRerunIdentical re-runs night 2 over the same history before
// it: the tables come out byte for byte the same, the history holds night
// 2 once.
func TestHistoryRerunIdentical(t *testing.T) {
	root := t.TempDir()
	n1, n2 := nights(t, root)
	hist := filepath.Join(root, "state")
	out1, out2, again := filepath.Join(root, "t1"), filepath.Join(root, "t2"), filepath.Join(root, "t2again")
	runNight(t, n1, out1, hist, "2026-12-01")
	runNight(t, n2, out2, hist, "2026-12-02")
	runNight(t, n2, again, hist, "2026-12-02")
	a, b := snapshot(t, out2), snapshot(t, again)
	delete(a, write.RunFile)
	delete(b, write.RunFile)
	if len(a) != 6 || !sameFiles(a, b) {
		t.Errorf("re-running night 2 gave other tables: %v vs %v", keys(a), keys(b))
	}
	store := openHistory(t, hist)
	if got := store.Nights(); len(got) != 2 || got[0].Night != "2026-12-01" || got[1].Night != "2026-12-02" {
		t.Errorf("history holds %v, want nights 2026-12-01 and 2026-12-02 once each", got)
	}
	parts, err := os.ReadDir(filepath.Join(hist, history.PartsDir))
	if err != nil || len(parts) != 2 {
		t.Errorf("%s holds %d partitions (%v), want 2", history.PartsDir, len(parts), err)
	}
}

func openHistory(t *testing.T, dir string) *history.Store {
	t.Helper()
	s, err := history.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestHistoryRefusals: a night out of order without --force, a history of
// another format, a folder that is not a history, and history flags
// without --history are refused, and leave the history as it was.
func TestHistoryRefusals(t *testing.T) {
	root := t.TempDir()
	n1, n2 := nights(t, root)
	hist := filepath.Join(root, "state")
	runNight(t, n1, filepath.Join(root, "t1"), hist, "2026-12-02")
	before := tree(t, hist)

	code, stderr := runMain("run", "--input", n2, "--out", filepath.Join(root, "t0"), "--history", hist, "--night", "2026-12-01")
	if code != exitFail || !strings.Contains(stderr, "older than 2026-12-02") || !strings.Contains(stderr, "--force") {
		t.Errorf("a night out of order: exit %d, %q; want %d and a message naming the newest night and --force", code, stderr, exitFail)
	}
	if !sameTree(before, tree(t, hist)) {
		t.Errorf("a refused night changed the history")
	}
	runNight(t, n2, filepath.Join(root, "t0"), hist, "2026-12-01", "--force")
	if got := openHistory(t, hist).Nights(); len(got) != 2 || got[0].Night != "2026-12-01" {
		t.Errorf("after --force the history holds %v, want 2026-12-01 and 2026-12-02", got)
	}

	other := filepath.Join(root, "other")
	if err := os.MkdirAll(other, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(other, history.VersionFile), []byte("dedupe-history 99\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stderr = runMain("run", "--input", n2, "--out", filepath.Join(root, "t3"), "--history", other, "--night", "2026-12-03")
	if code != exitFail || !strings.Contains(stderr, "another format") || !strings.Contains(stderr, "dedupe-history 99") {
		t.Errorf("a history of format 99: exit %d, %q; want %d and a message naming its format", code, stderr, exitFail)
	}
	notHist := filepath.Join(root, "notes")
	if err := os.MkdirAll(notHist, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(notHist, "todo.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stderr = runMain("run", "--input", n2, "--out", filepath.Join(root, "t4"), "--history", notHist)
	if code != exitFail || !strings.Contains(stderr, "not a dedupe history") {
		t.Errorf("a folder of other files as history: exit %d, %q; want %d, 'not a dedupe history'", code, stderr, exitFail)
	}
	code, stderr = runMain("run", "--input", n2, "--out", filepath.Join(root, "t7"), "--history", hist, "--night", "2026-12-03", "--shingle", "4")
	if code != exitFail || !strings.Contains(stderr, "stored with --shingle 3, this run uses 4") {
		t.Errorf("--shingle 4 over nights stored with 3: exit %d, %q; want %d and a message naming both", code, stderr, exitFail)
	}
	code, stderr = runMain("run", "--input", n2, "--out", filepath.Join(root, "t5"), "--night", "2026-12-03")
	if code != exitUsage || !strings.Contains(stderr, "need --history") {
		t.Errorf("--night without --history: exit %d, %q; want %d", code, stderr, exitUsage)
	}
	code, stderr = runMain("run", "--input", n2, "--out", filepath.Join(root, "t6"), "--history", filepath.Join(n2, "state"))
	if code != exitFail || !strings.Contains(stderr, "overlaps the input folder") {
		t.Errorf("--history inside the input: exit %d, %q; want %d", code, stderr, exitFail)
	}
}

// TestHistoryDays: nights --history-days old or more are dropped, and a
// dropped night's articles no longer match.
func TestHistoryDays(t *testing.T) {
	root := t.TempDir()
	n1, n2 := nights(t, root)
	hist := filepath.Join(root, "state")
	runNight(t, n1, filepath.Join(root, "t1"), hist, "2026-12-01")
	// Three days later with --history-days 3: night 1 is 3 days old, out.
	out := filepath.Join(root, "t2")
	runNight(t, n2, out, hist, "2026-12-04", "--history-days", "3")
	got := openHistory(t, hist).Nights()
	if len(got) != 1 || got[0].Night != "2026-12-04" {
		t.Errorf("history holds %v, want only 2026-12-04", got)
	}
	plain := filepath.Join(root, "plain")
	if code, stderr := runMain("run", "--input", n2, "--out", plain); code != exitOK {
		t.Fatalf("night 2 alone: exit %d: %s", code, stderr)
	}
	alone := byPrefix(t, plain)
	for id, r := range byPrefix(t, out) {
		want := alone[id]
		if r["joined_existing"] != false || r["first_seen"] != "2026-12-04" || r["cluster_size"] != want["cluster_size"] || r["cluster_id"] != want["cluster_id"] {
			t.Errorf("%s: joined_existing %v, first_seen %v, cluster %v of %v; want false, 2026-12-04, and night 2 alone's %v of %v (night 1 dropped)",
				id, r["joined_existing"], r["first_seen"], r["cluster_id"], r["cluster_size"], want["cluster_id"], want["cluster_size"])
		}
	}
	// Two days later with the default, night 1 would still be read.
	root2 := t.TempDir()
	m1, m2 := nights(t, root2)
	hist2 := filepath.Join(root2, "state")
	runNight(t, m1, filepath.Join(root2, "t1"), hist2, "2026-12-01")
	out2 := filepath.Join(root2, "t2")
	runNight(t, m2, out2, hist2, "2026-12-03", "--history-days", "3")
	if r := byPrefix(t, out2)["002"]; r["joined_existing"] != true {
		t.Errorf("night 1 two days back with --history-days 3: 002 joined_existing %v, want true", r["joined_existing"])
	}
}

// TestHistoryFormat2: a history of format 2 (slice 3's, whose partitions
// hold no repeats file) is read, its partitions whole, and becomes format
// 3 with the night's commit: night 2 joins night 1's cluster as on a
// history of this format, having loaded all 3 stored articles, not 2.
func TestHistoryFormat2(t *testing.T) {
	root := t.TempDir()
	n1, n2 := nights(t, root)
	hist := filepath.Join(root, "state")
	runNight(t, n1, filepath.Join(root, "t1"), hist, "2026-12-01")
	// Night 1 as format 2 wrote it: no repeats file, 2 in VERSION and the
	// manifest.
	parts, err := filepath.Glob(filepath.Join(hist, history.PartsDir, "*", history.RepeatsFile))
	if err != nil || len(parts) != 1 {
		t.Fatalf("night 1 stored %v repeats files (%v), want 1", parts, err)
	}
	if err := os.Remove(parts[0]); err != nil {
		t.Fatal(err)
	}
	man := filepath.Join(hist, history.ManifestFile)
	data, err := os.ReadFile(man)
	if err != nil {
		t.Fatal(err)
	}
	old := bytes.Replace(data, []byte(`"format": 3`), []byte(`"format": 2`), 1)
	if bytes.Equal(old, data) {
		t.Fatalf("%s does not say format 3: %s", history.ManifestFile, data)
	}
	for name, b := range map[string][]byte{man: old, filepath.Join(hist, history.VersionFile): []byte("dedupe-history 2\n")} {
		if err := os.WriteFile(name, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(root, "t2")
	runNight(t, n2, out, hist, "2026-12-02")
	first, second := byPrefix(t, filepath.Join(root, "t1")), byPrefix(t, out)
	for _, id := range []string{"002", "003"} {
		if r := second[id]; r["cluster_id"] != first["000"]["cluster_id"] || r["joined_existing"] != true || r["cluster_size"] != int32(4) {
			t.Errorf("night 2, %s: cluster %v, joined_existing %v, size %v; want night 1's %v, true, 4", id, r["cluster_id"], r["joined_existing"], r["cluster_size"], first["000"]["cluster_id"])
		}
	}
	run, err := write.ReadReport(out)
	if err != nil {
		t.Fatal(err)
	}
	if got := run.Counts["history_articles"]; got != 3 {
		t.Errorf("night 2 loaded %d of night 1's articles, want all 3 (a partition of format 2 is read whole)", got)
	}
	v, err := os.ReadFile(filepath.Join(hist, history.VersionFile))
	if err != nil || string(v) != "dedupe-history 3\n" {
		t.Errorf("%s after the night: %q (%v), want dedupe-history 3", history.VersionFile, v, err)
	}
	if data, err := os.ReadFile(man); err != nil || !bytes.Contains(data, []byte(`"format": 3`)) {
		t.Errorf("%s after the night: %s (%v), want format 3", history.ManifestFile, data, err)
	}
}

// TestHistoryDuplicateID: an article of tonight whose id a stored night
// holds is rejected, saying which night.
func TestHistoryDuplicateID(t *testing.T) {
	root := t.TempDir()
	n1, _ := nights(t, root)
	hist := filepath.Join(root, "state")
	runNight(t, n1, filepath.Join(root, "t1"), hist, "2026-12-01")
	code, stderr := runMain("run", "--input", n1, "--out", filepath.Join(root, "t2"), "--history", hist, "--night", "2026-12-02")
	if code != exitFail || !strings.Contains(stderr, "no usable article") {
		t.Fatalf("night 1's input again as night 2: exit %d, %q; want %d, no usable article", code, stderr, exitFail)
	}
	if got := openHistory(t, hist).Nights(); len(got) != 1 {
		t.Errorf("history holds %v after a failed night, want night 1 only", got)
	}
	// All five seeds as night 2: night 1's three are rejected, naming it,
	// and the other two run.
	out := filepath.Join(root, "t3")
	runNight(t, "../../testdata/seeds", out, hist, "2026-12-02")
	rejects := readRows(t, filepath.Join(out, write.RejectsFile))
	if len(rejects) != 3 {
		t.Fatalf("night 2 rejected %d articles (%v), want night 1's 3", len(rejects), rejects)
	}
	for _, r := range rejects {
		if reason := r["reason"].(string); !strings.Contains(reason, "duplicate id") || !strings.Contains(reason, "night 2026-12-01") {
			t.Errorf("reject %v, want a duplicate id stored on night 2026-12-01", r)
		}
	}
	if got := len(readRows(t, filepath.Join(out, write.ClustersFile))); got != 2 {
		t.Errorf("night 2 lists %d articles, want 2", got)
	}
}

// TestKillDuringHistoryRun kills runs with a history at moments spread over
// their whole length, and checks after each that the history lists either
// the nights it listed before, byte for byte, or those and tonight, whole
// and readable; and never tonight without the tables of tonight in --out.
func TestKillDuringHistoryRun(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the job a dozen times")
	}
	root := t.TempDir()
	hist, out := filepath.Join(root, "state"), filepath.Join(root, "out")
	if b, err := command("run", "--input", corpusDir(t, 300, 1), "--out", filepath.Join(root, "t1"), "--history", hist, "--night", "2026-12-01", "--quiet").CombinedOutput(); err != nil {
		t.Fatalf("night 1: %v\n%s", err, b)
	}
	manifest := filepath.Join(hist, history.ManifestFile)
	before, err := os.ReadFile(manifest)
	if err != nil {
		t.Fatal(err)
	}
	second := corpusDir(t, 1500, 2)
	begin := time.Now()
	if b, err := command("run", "--input", second, "--out", filepath.Join(root, "timing"), "--quiet").CombinedOutput(); err != nil {
		t.Fatalf("timing run: %v\n%s", err, b)
	}
	full := time.Since(begin)

	kills, committed := 0, 0
	for i := 0; i <= 12; i++ {
		cmd := command("run", "--input", second, "--out", out, "--history", hist, "--night", "2026-12-02", "--quiet")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(full * time.Duration(i) / 8) // a run with history takes longer; up to 150% of one without
		cmd.Process.Signal(syscall.SIGKILL)
		if cmd.Wait() != nil {
			kills++
		}
		now, err := os.ReadFile(manifest)
		if err != nil {
			t.Fatalf("kill %d: %v", i, err)
		}
		store, err := history.Open(hist)
		if err != nil {
			t.Fatalf("kill %d: the history does not open: %v", i, err)
		}
		nights := store.Nights()
		switch {
		case bytes.Equal(now, before):
		case len(nights) == 2 && nights[1].Night == "2026-12-02":
			committed++
			for _, p := range nights {
				if _, _, err := store.Read(context.Background(), p); err != nil {
					t.Fatalf("kill %d: night %s unreadable: %v", i, p.Night, err)
				}
			}
			if err := write.Check(out); err != nil {
				t.Fatalf("kill %d: the history holds night 2 but --out has no whole tables of it: %v", i, err)
			}
			before = now
		default:
			t.Fatalf("kill %d: the history lists %v, neither as before nor with night 2 added", i, nights)
		}
	}
	t.Logf("%d runs killed, night 2 committed %d times, a run without history takes %v", kills, committed, full)
	if kills == 0 {
		t.Errorf("no run was killed before it finished: the test proves nothing")
	}
	// A run that completes leaves one partition per night, none unlisted.
	if b, err := command("run", "--input", second, "--out", out, "--history", hist, "--night", "2026-12-02", "--quiet").CombinedOutput(); err != nil {
		t.Fatalf("final run: %v\n%s", err, b)
	}
	if parts, err := os.ReadDir(filepath.Join(hist, history.PartsDir)); err != nil || len(parts) != 2 {
		t.Errorf("after a complete run: %d partitions (%v), want 2", len(parts), err)
	}
}

// TestInspectHistory reads night 2's tables of the two-night seeds run with
// inspect: sizes count night 1's members, the summary says a cluster of an
// earlier night was joined, and --cluster names a canonical of night 1
// without listing it among tonight's members.
func TestInspectHistory(t *testing.T) {
	out1, out2 := twoNights(t)
	second := byPrefix(t, out2)
	story, canon := second["002"]["cluster_id"].(string), second["002"]["canonical_id"].(string)
	earlier := canon[:3] != "002" && canon[:3] != "003"

	var sum struct {
		Articles int `json:"articles"`
		Sizes    []struct {
			Size, Clusters int
		} `json:"cluster_sizes"`
		Largest []struct {
			ClusterID   string `json:"cluster_id"`
			Size        int    `json:"size"`
			CanonicalID string `json:"canonical_id"`
			Tonight     int    `json:"tonight"`
			FirstSeen   string `json:"first_seen"`
			Earlier     bool   `json:"canonical_of_earlier_night"`
		} `json:"largest_clusters"`
		History *struct {
			Clusters int `json:"clusters_joining_earlier_nights"`
			Articles int `json:"articles_joining_earlier_nights"`
			Earlier  int `json:"members_of_earlier_nights"`
			Merges   int `json:"merges"`
		} `json:"history"`
	}
	raw := mustInspect(t, out2, "--json")
	if err := json.Unmarshal([]byte(raw), &sum); err != nil {
		t.Fatalf("summary JSON: %v\n%s", err, raw)
	}
	if sum.Articles != 2 || fmt.Sprint(sum.Sizes) != "[{4 1}]" {
		t.Errorf("night 2: %d articles, sizes %v; want 2 articles in one cluster of 4", sum.Articles, sum.Sizes)
	}
	if h := sum.History; h == nil || h.Clusters != 1 || h.Articles != 2 || h.Earlier != 2 || h.Merges != 0 {
		t.Errorf("night 2's history summary %+v, want 1 cluster joined by 2 articles, 2 earlier members, no merge", h)
	}
	if len(sum.Largest) != 1 {
		t.Fatalf("largest clusters %+v, want one", sum.Largest)
	}
	if l := sum.Largest[0]; l.ClusterID != story || l.Size != 4 || l.Tonight != 2 || l.FirstSeen != "2026-12-01" ||
		l.CanonicalID != canon || l.Earlier != earlier {
		t.Errorf("largest %+v, want %s of 4, 2 tonight, first seen 2026-12-01, canonical %s (of an earlier night: %v)",
			l, story, canon, earlier)
	}

	var cl struct {
		Size    int `json:"size"`
		History *struct {
			Tonight   int    `json:"tonight"`
			FirstSeen string `json:"first_seen"`
			Joined    bool   `json:"joined_existing"`
			Earlier   bool   `json:"canonical_of_earlier_night"`
		} `json:"history"`
		Canonical struct {
			ArticleID string `json:"article_id"`
		} `json:"canonical"`
		Members []struct {
			ArticleID string `json:"article_id"`
		} `json:"members"`
	}
	raw = mustInspect(t, out2, "--json", "--cluster", story)
	if err := json.Unmarshal([]byte(raw), &cl); err != nil {
		t.Fatalf("cluster JSON: %v\n%s", err, raw)
	}
	members := 1 // tonight's articles but the canonical
	if earlier {
		members = 2
	}
	if h := cl.History; cl.Size != 4 || h == nil || h.Tonight != 2 || h.FirstSeen != "2026-12-01" || !h.Joined || h.Earlier != earlier ||
		cl.Canonical.ArticleID != canon || len(cl.Members) != members {
		t.Errorf("--cluster: size %d, history %+v, canonical %s, members %+v; want 4, 2 tonight, first seen 2026-12-01, joined, canonical %s, %d members",
			cl.Size, h, cl.Canonical.ArticleID, cl.Members, canon, members)
	}
	text := mustInspect(t, out2, "--cluster", story)
	if !strings.Contains(text, "4 articles, 2 tonight; first seen 2026-12-01, joined by tonight's articles") {
		t.Errorf("--cluster text lacks the nights:\n%s", text)
	}

	// Night 1's summary has the history's lines, with nothing joined.
	raw = mustInspect(t, out1, "--json")
	sum.History = nil
	if err := json.Unmarshal([]byte(raw), &sum); err != nil {
		t.Fatal(err)
	}
	if h := sum.History; h == nil || h.Clusters != 0 || h.Articles != 0 || h.Merges != 0 {
		t.Errorf("night 1's history summary %+v, want present and empty", h)
	}
}

// TestHistoryWindow: a stored article published further from every one of
// tonight's articles than --window cannot be linked to them, so the keys
// it shares with them do not load it, and a stored night holding only
// such articles is not probed; one inside the window is loaded, and so is
// one without a publication time, or any when tonight's article has none
// or the window is 0. Tonight's article carries the text of three
// stored articles of three stories: A, published 12 days before it, alone
// on its night; B, published the day before; C, without a time, on B's
// night.
func TestHistoryWindow(t *testing.T) {
	root := t.TempDir()
	// The texts are generated in a child process: in this one, the
	// generator would raise its peak memory, which the children of later
	// tests inherit in their peak RSS (TestRejectsBoundedMemory).
	gen := exec.Command(os.Args[0], "-test.run=^TestHistoryWindowTexts$")
	gen.Env = append(os.Environ(), "DEDUPE_WINDOW_TEXTS="+root)
	if b, err := gen.CombinedOutput(); err != nil {
		t.Fatalf("generate the texts: %v\n%s", err, b)
	}
	var picked []string
	for i := range 3 {
		b, err := os.ReadFile(filepath.Join(root, fmt.Sprint("text", i)))
		if err != nil {
			t.Fatal(err)
		}
		picked = append(picked, string(b))
	}
	day := func(s string) time.Time {
		d, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	type article struct {
		id, text string
		at       time.Time // zero: no published_at
	}
	input := func(name string, as ...article) string {
		t.Helper()
		dir := filepath.Join(root, "crawl", name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		for _, a := range as {
			row := map[string]string{"id": a.id, "text": a.text}
			if !a.at.IsZero() {
				row["published_at"] = a.at.Format(time.RFC3339)
			}
			line, err := json.Marshal(row)
			if err != nil {
				t.Fatal(err)
			}
			b.Write(append(line, '\n'))
		}
		if err := os.WriteFile(filepath.Join(dir, "articles.jsonl"), b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	hist := filepath.Join(root, "state")
	runNight(t, input("a", article{"A", picked[0], day("2026-11-20T12:00:00Z")}), filepath.Join(root, "tables", "a"), hist, "2026-11-20")
	runNight(t, input("bc", article{"B", picked[1], day("2026-12-01T12:00:00Z")}, article{"C", picked[2], time.Time{}}),
		filepath.Join(root, "tables", "bc"), hist, "2026-12-01")
	all := strings.Join(picked, "\n\n")
	tests := []struct {
		name   string
		at     time.Time // tonight's article's publication time
		flags  []string
		loaded int // of the 3 stored
		apart  int // stored nights not probed
	}{
		{"dated, the default window", day("2026-12-02T06:00:00Z"), nil, 2, 1},
		{"a window reaching A", day("2026-12-02T06:00:00Z"), []string{"--window", "12d"}, 3, 0},
		{"no window", day("2026-12-02T06:00:00Z"), []string{"--window", "0"}, 3, 0},
		{"tonight undated", time.Time{}, nil, 3, 0},
		{"B's night out of reach but C", day("2026-12-09T06:00:00Z"), nil, 1, 1},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(root, "tables", fmt.Sprint("t", i))
			// The same night each time: re-running it reads the nights before it.
			runNight(t, input(fmt.Sprint("t", i), article{"T", all, tt.at}), out, hist, "2026-12-09", tt.flags...)
			run, err := write.ReadReport(out)
			if err != nil {
				t.Fatal(err)
			}
			if got, stored, apart := run.Counts["history_articles"], run.Counts["history_stored"], run.Counts["history_nights_apart"]; got != tt.loaded || stored != 3 || apart != tt.apart {
				t.Errorf("loaded %d of %d stored articles, %d nights not probed; want %d of 3, %d", got, stored, apart, tt.loaded, tt.apart)
			}
		})
	}
}

// TestHistoryWindowTexts writes TestHistoryWindow's texts, in a child
// process of it, into the folder DEDUPE_WINDOW_TEXTS names: text0 to
// text2, three bench articles of three topics.
func TestHistoryWindowTexts(t *testing.T) {
	root := os.Getenv("DEDUPE_WINDOW_TEXTS")
	if root == "" {
		t.Skip("a helper of TestHistoryWindow")
	}
	topics := map[int]bool{}
	n := 0
	for _, a := range synth.Generate(synth.Config{Articles: 60, Seed: 3, Text: synth.Brown}) {
		if topics[a.Topic] || n == 3 {
			continue
		}
		topics[a.Topic] = true
		if err := os.WriteFile(filepath.Join(root, fmt.Sprint("text", n)), []byte(a.Text), 0o644); err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 3 {
		t.Fatalf("the corpus has %d topics, want 3", n)
	}
}
