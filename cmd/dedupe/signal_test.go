package main

import (
	"bufio"
	"compress/gzip"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dedupe/dedupe/internal/sysmem"
	"github.com/dedupe/dedupe/pipeline"
	"github.com/dedupe/dedupe/stages"
	"github.com/dedupe/dedupe/stages/write"
)

// TestSignalInEveryStage sends SIGTERM or SIGINT, by turns, as each stage
// starts:
// at once for load, then as the stage before it reports done (the write
// stage when excerpt does). Every cancelled run must exit 1 with one line
// saying so, never a panic, and leave the previous tables and no staging
// folder; a run the signal reached too late must have installed whole
// tables.
func TestSignalInEveryStage(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the job two dozen times")
	}
	input := corpusDir(t, 1000, 2)
	out := filepath.Join(t.TempDir(), "out")
	if b, err := command("run", "--input", corpusDir(t, 200, 1), "--out", out, "--quiet").CombinedOutput(); err != nil {
		t.Fatalf("first run: %v\n%s", err, b)
	}
	before := snapshot(t, out)
	// Stages that run within load (pipeline.DocStage) report after it, so
	// signalling load signals them.
	var names []string
	for _, s := range stages.Default() {
		if _, fused := s.(pipeline.DocStage); !fused {
			names = append(names, s.Name())
		}
	}
	cancelled := 0
	for i, name := range names {
		sig := []syscall.Signal{syscall.SIGTERM, syscall.SIGINT}[i%2]
		after := ""
		if i > 0 {
			after = "dedupe: " + names[i-1] + " "
		}
		code, stderr := signalAt(t, sig, after, "run", "--input", input, "--out", out)
		switch {
		case strings.Contains(stderr, "panic") || strings.Contains(stderr, "goroutine "):
			t.Fatalf("%v at %s: the run panicked:\n%s", sig, name, stderr)
		case code == exitFail:
			cancelled++
			lines := strings.Split(strings.TrimSpace(stderr), "\n")
			if last := lines[len(lines)-1]; last != "dedupe: cancelled by a signal: "+out+" is as it was" {
				t.Errorf("%v at %s: last line %q", sig, name, last)
			}
			if !sameFiles(snapshot(t, out), before) {
				t.Fatalf("%v at %s: a cancelled run changed the output folder", sig, name)
			}
		case code == exitOK:
			if err := write.Check(out); err != nil {
				t.Fatalf("%v at %s: the run finished but: %v", sig, name, err)
			}
			before = snapshot(t, out)
		default:
			t.Fatalf("%v at %s: exit %d:\n%s", sig, name, code, stderr)
		}
		entries, _ := os.ReadDir(filepath.Dir(out))
		for _, e := range entries {
			if strings.Contains(e.Name(), ".tmp-") {
				t.Fatalf("%v at %s: left behind %s", sig, name, e.Name())
			}
		}
	}
	// The signal may reach a short stage after it ended, but only the write
	// stage may finish before it.
	if want := len(names) - 1; cancelled < want {
		t.Errorf("%d runs cancelled, want at least %d: the signals came too late to test the stages", cancelled, want)
	}
}

// signalAt runs dedupe with args, sends sig once a line of its stderr
// starts with after (at once when after is ""), and returns its exit code
// and stderr.
func signalAt(t *testing.T, sig syscall.Signal, after string, args ...string) (int, string) {
	t.Helper()
	cmd := command(args...)
	pipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if after == "" {
		// Before its handler is installed, a signal kills the process as
		// the default action: give the runtime a moment to start.
		time.Sleep(300 * time.Millisecond)
		cmd.Process.Signal(sig)
	}
	var all strings.Builder
	sc := bufio.NewScanner(pipe)
	for sc.Scan() {
		line := sc.Text()
		all.WriteString(line + "\n")
		if after != "" && strings.HasPrefix(line, after) {
			cmd.Process.Signal(sig)
			after = ""
		}
	}
	cmd.Wait()
	return cmd.ProcessState.ExitCode(), all.String()
}

// TestRejectsBoundedMemory: a gzip of a million "{}" lines (3 KB) must not
// hold a million reject rows. Before the per-file cap, ten million such
// lines peaked at 2.83 GiB; a million would take some 290 MB.
func TestRejectsBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("reads a million lines")
	}
	dir := t.TempDir()
	f, err := os.Create(filepath.Join(dir, "bad.jsonl.gz"))
	if err != nil {
		t.Fatal(err)
	}
	z, _ := gzip.NewWriterLevel(f, gzip.BestCompression)
	z.Write([]byte(`{"id":"x","text":"A real article about the budget. It has two sentences."}` + "\n"))
	line := []byte("{}\n")
	for range 1_000_000 {
		z.Write(line)
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	out := filepath.Join(t.TempDir(), "out")
	peakFile := filepath.Join(t.TempDir(), "peak")
	cmd := command("run", "--input", dir, "--out", out, "--quiet")
	cmd.Env = append(cmd.Env, "DEDUPE_TEST_PEAK_FILE="+peakFile)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	peakMiB := readPeakMiB(t, peakFile)
	t.Logf("peak RSS %d MiB", peakMiB)
	if peakMiB > 128 {
		t.Errorf("peak RSS %d MiB reading a million rejected lines, want at most 128", peakMiB)
	}
	rows := readRows(t, filepath.Join(out, write.RejectsFile))
	if len(rows) != 101 {
		t.Errorf("%d reject rows, want 100 and one that counts the rest", len(rows))
	}
}

// writePeak writes the process's own peak resident set (sysmem.Peak), in
// bytes, to path; it writes nothing where it cannot tell (not Linux).
func writePeak(path string) {
	if n, ok := sysmem.Peak(); ok {
		os.WriteFile(path, []byte(strconv.FormatInt(n, 10)), 0o644)
	}
}

// readPeakMiB reads what writePeak wrote, in MiB, and skips the test when
// it wrote nothing.
func readPeakMiB(t *testing.T, path string) int64 {
	t.Helper()
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		t.Skip("cannot tell the child's peak resident set on this system")
	}
	if err != nil {
		t.Fatal(err)
	}
	n, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		t.Fatalf("peak %q: %v", b, err)
	}
	return n >> 20
}
