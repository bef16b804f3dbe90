package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/dedupe/dedupe/stages/write"
)

// tree returns every entry below dir: folders as "dir/", files with their
// content, links with their target. The tests compare trees before and
// after runs to prove nothing of the user's was touched.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	got := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(path)
			got[rel] = "-> " + target
			return err
		case d.IsDir():
			got[rel+"/"] = ""
		default:
			b, err := os.ReadFile(path)
			got[rel] = string(b)
			return err
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// userTree writes a crawl folder of the seeds plus files and folders of the
// user's, and returns it.
func userTree(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		path := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func seedFiles(t *testing.T, prefix string) map[string]string {
	t.Helper()
	files := map[string]string{}
	entries, err := os.ReadDir("../../testdata/seeds")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join("../../testdata/seeds", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files[filepath.Join(prefix, e.Name())] = string(b)
	}
	return files
}

func runMain(args ...string) (int, string) {
	if args[0] == "run" {
		args = append(args, "--quiet")
	}
	var stderr bytes.Buffer
	code := Main(context.Background(), args, io.Discard, &stderr)
	return code, stderr.String()
}

// TestOutLayouts runs the job with --out laid out in every way an operator
// might, and checks that the input and the user's own files and folders
// come out untouched, and that refused layouts are refused before any work.
func TestOutLayouts(t *testing.T) {
	cases := []struct {
		name      string
		files     map[string]string // the user's tree below root, besides the seeds
		input     string            // below root
		out       string            // below root
		refuse    string            // part of the error, "" for a run that must succeed
		tablesIn  string            // where the tables must land, below root; "" for out
		untouched []string          // entries below root that must be as before
	}{
		{name: "out is input", input: "crawl", out: "crawl",
			files:  map[string]string{"crawl/sub/keep.txt": "An article of the user's, kept in a subfolder."},
			refuse: "is the input folder"},
		{name: "out contains input", input: "par/crawl/2024-05-01", out: "par",
			files:  map[string]string{"par/loose.txt": "a loose file", "par/crawl/2024-04-30/a.txt": "Yesterday's article."},
			refuse: "contains the input folder"},
		{name: "out inside input", input: "crawl", out: "crawl/out", refuse: "lies inside the input folder"},
		{name: "user folder in out", input: "crawl", out: "out",
			files:     map[string]string{"out/archive/2024-05-01/clusters.parquet": "an archived table", "out/archive/notes.md": "notes", "out/README": "read me"},
			untouched: []string{"out/archive", "out/README"}},
		{name: "unrecorded table in out", input: "crawl", out: "out",
			files:  map[string]string{"out/clusters.parquet": "someone else's table"},
			refuse: "was not written by the run"},
		{name: "folder named like a table", input: "crawl", out: "out",
			files:  map[string]string{"out/run.json/x": "x"},
			refuse: "is not a file dedupe wrote"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			root := t.TempDir()
			files := seedFiles(t, c.input)
			for k, v := range c.files {
				files[k] = v
			}
			userTree(t, root, files)
			before := tree(t, root)
			for run := 1; run <= 2; run++ {
				code, stderr := runMain("run", "--input", filepath.Join(root, c.input), "--out", filepath.Join(root, c.out))
				if c.refuse != "" {
					if code != exitFail || !strings.Contains(stderr, c.refuse) {
						t.Fatalf("run %d: exit %d, %q; want exit %d saying %q", run, code, stderr, exitFail, c.refuse)
					}
					after := tree(t, root)
					delete(after, filepath.Base(write.LockPath(filepath.Join(root, c.out)))) // the lock file is dedupe's
					if !sameTree(before, after) {
						t.Fatalf("run %d was refused but changed the tree:\nbefore %v\nafter  %v", run, keysOf(before), keysOf(after))
					}
					continue
				}
				if code != exitOK {
					t.Fatalf("run %d: exit %d: %s", run, code, stderr)
				}
				if err := write.Check(filepath.Join(root, c.out)); err != nil {
					t.Fatalf("run %d: %v", run, err)
				}
				after := tree(t, root)
				for path, content := range before {
					if keep(path, c.input, c.untouched) && after[path] != content {
						t.Errorf("run %d: %s changed or vanished", run, path)
					}
				}
				for path := range after {
					if strings.Contains(path, ".tmp-") || strings.Contains(path, "staging") {
						t.Errorf("run %d left %s", run, path)
					}
				}
			}
		})
	}
}

// keep reports whether path is the input or lies below one of untouched.
func keep(path, input string, untouched []string) bool {
	for _, u := range append([]string{input}, untouched...) {
		if path == u+"/" || strings.HasPrefix(path, u+"/") || path == u {
			return true
		}
	}
	return false
}

func sameTree(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func keysOf(m map[string]string) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

// TestSymlinkedOut: a symlinked --out is followed: the tables land in its
// target, the link stays a link, and the target's other files stay.
func TestSymlinkedOut(t *testing.T) {
	root := t.TempDir()
	target := filepath.Join(root, "tables", "2026-12-01")
	userTree(t, root, map[string]string{"tables/2026-12-01/mine.txt": "mine"})
	link := filepath.Join(root, "latest")
	if err := os.Symlink("tables/2026-12-01", link); err != nil {
		t.Fatal(err)
	}
	for run := 1; run <= 2; run++ {
		if code, stderr := runMain("run", "--input", "../../testdata/seeds", "--out", link); code != exitOK {
			t.Fatalf("run %d: exit %d: %s", run, code, stderr)
		}
		if fi, err := os.Lstat(link); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			t.Fatalf("run %d: %s is no longer a symbolic link (%v)", run, link, err)
		}
		if err := write.Check(target); err != nil {
			t.Fatalf("run %d: tables in the link's target: %v", run, err)
		}
		if b, err := os.ReadFile(filepath.Join(target, "mine.txt")); err != nil || string(b) != "mine" {
			t.Fatalf("run %d: the target's own file: %q, %v", run, b, err)
		}
	}
}

// TestMountPointOut mounts a tmpfs as --out: the tables are swapped in
// file by file, since the folder cannot be renamed, and the user's files
// on it stay. It needs root (or a user namespace that may mount).
func TestMountPointOut(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	if err := os.Mkdir(out, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("tmpfs", out, "tmpfs", 0, "size=64m"); err != nil {
		t.Skipf("cannot mount a tmpfs here (%v): needs root", err)
	}
	defer syscall.Unmount(out, syscall.MNT_DETACH)
	userTree(t, out, map[string]string{"keep/me.txt": "kept", "README": "mine"})
	for _, format := range []string{"parquet", "arrow", "parquet"} {
		if code, stderr := runMain("run", "--input", "../../testdata/seeds", "--out", out, "--format", format); code != exitOK {
			t.Fatalf("--format %s on a mount point: exit %d: %s", format, code, stderr)
		}
		if err := write.Check(out); err != nil {
			t.Fatalf("--format %s: %v", format, err)
		}
		got := tree(t, out)
		if got["keep/me.txt"] != "kept" || got["README"] != "mine" {
			t.Fatalf("--format %s: the user's files on the mount: %v", format, keysOf(got))
		}
		names, _ := write.TableFiles(format)
		want := len(names) + 1 + 3 // tables, run.json, keep/, keep/me.txt, README
		if len(got) != want+1 {    // and "./" itself
			t.Errorf("--format %s: %d entries on the mount, want %d (no stale tables, no staging): %v", format, len(got)-1, want, keysOf(got))
		}
	}
}

// TestConcurrentRuns starts two, then four, runs on one --out at once.
// Without --lock-wait, one holds the lock and the others fail at once
// saying why; with it, they queue. Either way --out ends with exactly one
// whole set of tables, matching run.json's hashes, and no staging folder.
func TestConcurrentRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the job in parallel child processes")
	}
	input := corpusDir(t, 400, 3)
	for _, c := range []struct {
		runs int
		wait string
	}{{2, "0s"}, {4, "0s"}, {4, "5m"}} {
		t.Run(fmt.Sprintf("%d runs, --lock-wait %s", c.runs, c.wait), func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			if b, err := command("run", "--input", input, "--out", out, "--quiet").CombinedOutput(); err != nil {
				t.Fatalf("first run: %v\n%s", err, b)
			}
			var wg sync.WaitGroup
			outputs := make([][]byte, c.runs)
			errs := make([]error, c.runs)
			for i := range c.runs {
				wg.Go(func() {
					outputs[i], errs[i] = command("run", "--input", input, "--out", out, "--quiet", "--lock-wait", c.wait).CombinedOutput()
				})
			}
			wg.Wait()
			won := 0
			for i, err := range errs {
				var ee *exec.ExitError
				switch {
				case err == nil:
					won++
				case c.wait == "0s" && errors.As(err, &ee) && ee.ExitCode() == exitFail && strings.Contains(string(outputs[i]), "another run holds"):
				default:
					t.Errorf("run %d: %v: %s", i, err, outputs[i])
				}
			}
			if won == 0 || (c.wait != "0s" && won != c.runs) {
				t.Errorf("%d of %d runs succeeded", won, c.runs)
			}
			if err := write.Check(out); err != nil {
				t.Errorf("after the runs: %v", err)
			}
			if _, err := readTables(out); err != nil {
				t.Errorf("tables unreadable: %v", err)
			}
			entries, _ := os.ReadDir(filepath.Dir(out))
			for _, e := range entries {
				if strings.Contains(e.Name(), ".tmp-") {
					t.Errorf("left behind: %s", e.Name())
				}
			}
		})
	}
}

// TestRecoverKeepsUserEntries: a run killed right after the exchange
// leaves the previous folder, the user's entries in it, under a staging
// name. The next run must move them back, not delete them.
func TestRecoverKeepsUserEntries(t *testing.T) {
	root := t.TempDir()
	out := filepath.Join(root, "out")
	if code, stderr := runMain("run", "--input", "../../testdata/seeds", "--out", out); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	// What a kill between the exchange and the move back leaves: the new
	// tables in out, the previous ones and the user's folder beside it.
	left := filepath.Join(root, ".out.tmp-123")
	if err := os.CopyFS(left, os.DirFS(out)); err != nil {
		t.Fatal(err)
	}
	userTree(t, left, map[string]string{"archive/old.parquet": "archived", "notes.md": "notes"})
	if code, stderr := runMain("run", "--input", "../../testdata/seeds", "--out", out); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	got := tree(t, out)
	if got["archive/old.parquet"] != "archived" || got["notes.md"] != "notes" {
		t.Errorf("the user's entries were not moved back into out: %v", keysOf(got))
	}
	if _, err := os.Stat(left); !os.IsNotExist(err) {
		t.Errorf("%s still there: %v", left, err)
	}
	if err := write.Check(out); err != nil {
		t.Error(err)
	}
}

// TestInspectRefusesMixedTables: a table that is not the one run.json
// records (what a killed swap on a mount point leaves) makes inspect fail
// with a message, rather than show a mix of two runs.
func TestInspectRefusesMixedTables(t *testing.T) {
	out := runSeeds(t)
	other := runSeeds(t, "--min-shared", "12")
	b, err := os.ReadFile(filepath.Join(other, write.ClustersFile))
	if err != nil {
		t.Fatal(err)
	}
	if code, stderr := runMain("inspect", out); code != exitOK {
		t.Fatalf("inspect of whole tables: exit %d: %s", code, stderr)
	}
	if err := os.WriteFile(filepath.Join(out, write.ClustersFile), b, 0o644); err != nil {
		t.Fatal(err)
	}
	if code, stderr := runMain("inspect", out); code != exitFail || !strings.Contains(stderr, "not the set") {
		t.Errorf("inspect of mixed tables: exit %d, %q", code, stderr)
	}
}

// TestFullDiskFoundFirst: an --out on a file system without room for the
// tables is refused before any work, not after it. A 1 MiB tmpfs stands
// for the full disk; it needs root.
func TestFullDiskFoundFirst(t *testing.T) {
	disk := filepath.Join(t.TempDir(), "disk")
	if err := os.Mkdir(disk, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("tmpfs", disk, "tmpfs", 0, "size=1m"); err != nil {
		t.Skipf("cannot mount a tmpfs here (%v): needs root", err)
	}
	defer syscall.Unmount(disk, syscall.MNT_DETACH)
	// About 3.5 MB of JSONL, whose tables (some 0.3 MB) would fit: the
	// check is on the estimate, made before the stages run.
	input := corpusDir(t, 1000, 4)
	code, stderr := runMain("run", "--input", input, "--out", filepath.Join(disk, "out"))
	if code != exitFail || !strings.Contains(stderr, "free on its file system") {
		t.Fatalf("exit %d, %q; want exit %d naming the free space", code, stderr, exitFail)
	}
}

// TestOperatorMessages: a mistyped flag gives one line naming the flag
// meant, not the whole list; --version prints the version.
func TestOperatorMessages(t *testing.T) {
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"run", "--input", "x", "--quite"}, exitUsage, "flag provided but not defined: -quite (did you mean --quiet?); 'dedupe run --help' lists the flags\n"},
		{[]string{"inspect", "out", "--clustr", "abcd"}, exitUsage, "flag provided but not defined: -clustr (did you mean --cluster?); 'dedupe inspect --help' lists the flags\n"},
		{[]string{"run", "--zzzzzz"}, exitUsage, "flag provided but not defined: -zzzzzz; 'dedupe run --help' lists the flags\n"},
		{[]string{"--version"}, exitOK, "dedupe " + write.Version + "\n"},
	}
	for _, c := range cases {
		var stdout, stderr bytes.Buffer
		code := Main(context.Background(), c.args, &stdout, &stderr)
		got := stderr.String() + stdout.String()
		if code != c.code || !strings.HasSuffix(got, c.want) || strings.Count(got, "\n") != 1 {
			t.Errorf("dedupe %v: exit %d, %q; want exit %d and the one line %q", c.args, code, got, c.code, c.want)
		}
	}
}

// TestInspectNamesArrowTables: inspect on --format arrow tables names the
// files it read, not the Parquet names.
func TestInspectNamesArrowTables(t *testing.T) {
	out := runSeeds(t, "--format", "arrow")
	var stdout, stderr bytes.Buffer
	if code := Main(context.Background(), []string{"inspect", out}, &stdout, &stderr); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	first, _, _ := strings.Cut(stdout.String(), "\n")
	if !strings.Contains(first, "clusters.arrow, additions.arrow, rejects.arrow") || strings.Contains(stdout.String(), ".parquet") {
		t.Errorf("inspect of Arrow tables says %q", first)
	}
}

// TestOutFollowsUmask: a new --out gets the modes mkdir would give it, not
// the 0700 of a temporary folder, so tables meant for others can be read.
func TestOutFollowsUmask(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	out := filepath.Join(t.TempDir(), "out")
	if code, stderr := runMain("run", "--input", "../../testdata/seeds", "--out", out); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	fi, err := os.Stat(out)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != 0o755 {
		t.Errorf("--out has mode %o under umask 022, want 755", got)
	}
}
