package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dedupe/dedupe/internal/synth"
	"github.com/dedupe/dedupe/stages/write"
)

// TestMain lets the test binary stand in for the dedupe command, so tests
// can run it as a child process and kill it.
func TestMain(m *testing.M) {
	if os.Getenv("DEDUPE_TEST_AS_MAIN") == "1" {
		code := mainWithSignals()
		if path := os.Getenv("DEDUPE_TEST_PEAK_FILE"); path != "" {
			writePeak(path)
		}
		os.Exit(code)
	}
	os.Exit(m.Run())
}

func command(args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "DEDUPE_TEST_AS_MAIN=1")
	return cmd
}

func corpusDir(t *testing.T, articles int, seed int64) string {
	t.Helper()
	dir := t.TempDir()
	f, err := os.Create(filepath.Join(dir, "articles.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if err := synth.WriteJSONL(f, synth.Generate(synth.Config{Articles: articles, Seed: seed})); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

func snapshot(t *testing.T, out string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	entries, err := os.ReadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(out, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files[e.Name()] = b
	}
	return files
}

func sameFiles(a, b map[string][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !bytes.Equal(v, b[k]) {
			return false
		}
	}
	return true
}

// TestKillDuringRun kills runs at moments spread over their whole length,
// the write included, and checks after each that the output folder holds
// either the previous tables, byte for byte, or a complete new set whose
// hashes match its run.json; never a mix, never a torn file.
func TestKillDuringRun(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the job a dozen times")
	}
	out := filepath.Join(t.TempDir(), "out")
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(out, ".gitkeep"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	first := corpusDir(t, 300, 1)
	if b, err := command("run", "--input", first, "--out", out, "--quiet").CombinedOutput(); err != nil {
		t.Fatalf("first run: %v\n%s", err, b)
	}
	before := snapshot(t, out)

	second := corpusDir(t, 1500, 2)
	begin := time.Now()
	if b, err := command("run", "--input", second, "--out", t.TempDir(), "--quiet").CombinedOutput(); err != nil {
		t.Fatalf("timing run: %v\n%s", err, b)
	}
	full := time.Since(begin)

	kills, replaced := 0, 0
	for i := 0; i <= 12; i++ {
		cmd := command("run", "--input", second, "--out", out, "--quiet")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(full * time.Duration(i) / 10) // up to 120%: some runs finish
		cmd.Process.Signal(syscall.SIGKILL)
		err := cmd.Wait()
		if err != nil {
			kills++
		}
		now := snapshot(t, out)
		switch {
		case sameFiles(now, before):
		case write.Check(out) == nil:
			replaced++
			before = now
		default:
			t.Fatalf("kill %d (after %v): the output folder is neither the previous tables nor a complete new set; files: %v",
				i, full*time.Duration(i)/10, keys(now))
		}
		if _, ok := now[".gitkeep"]; !ok {
			t.Fatalf("kill %d: a file of the user's (.gitkeep) vanished from the output folder", i)
		}
		if _, err := readTables(out); err != nil {
			t.Fatalf("kill %d: tables unreadable: %v", i, err)
		}
	}
	t.Logf("%d runs killed, output replaced %d times, a full run takes %v", kills, replaced, full)
	if kills == 0 {
		t.Errorf("no run was killed before it finished: the test proves nothing")
	}

	// A run that completes leaves no staging folder behind, and its tables check.
	if b, err := command("run", "--input", second, "--out", out, "--quiet").CombinedOutput(); err != nil {
		t.Fatalf("final run: %v\n%s", err, b)
	}
	if err := write.Check(out); err != nil {
		t.Errorf("after a complete run: %v", err)
	}
	entries, _ := os.ReadDir(filepath.Dir(out))
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") || strings.Contains(e.Name(), ".old-") {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}

func keys(m map[string][]byte) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

func readTables(out string) (int, error) {
	n := 0
	for _, name := range []string{write.ClustersFile, write.AdditionsFile, write.RejectsFile} {
		rows, err := write.ReadRows(context.Background(), filepath.Join(out, name))
		if err != nil {
			return 0, err
		}
		n += len(rows)
	}
	return n, nil
}

// TestCancelledRunKeepsOutputs: SIGINT and SIGTERM cancel the run's context;
// a cancelled run fails, leaves the previous tables and no staging folder.
func TestCancelledRunKeepsOutputs(t *testing.T) {
	out := runSeeds(t)
	before := snapshot(t, out)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var stderr bytes.Buffer
	if code := Main(ctx, []string{"run", "--input", "../../testdata/seeds", "--out", out, "--quiet"}, &stderr, &stderr); code != exitFail {
		t.Fatalf("cancelled run: exit %d, want %d", code, exitFail)
	}
	if !sameFiles(snapshot(t, out), before) {
		t.Errorf("a cancelled run changed the output folder")
	}
	entries, _ := os.ReadDir(filepath.Dir(out))
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}
