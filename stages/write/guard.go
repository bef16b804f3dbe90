package write

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// ResolveOut returns the output folder a run writes to: out made absolute,
// with every symbolic link on the way followed, out itself included. A
// symlinked --out ("latest -> 2026-12-01") is followed, so the tables go
// to its target and the link stays a link; a dangling link's target is
// created.
func ResolveOut(out string) (string, error) {
	abs, err := filepath.Abs(out)
	if err != nil {
		return "", fmt.Errorf("output %s: %w", out, err)
	}
	real, err := resolve(abs, 0)
	if err != nil {
		return "", fmt.Errorf("output %s: %w", out, err)
	}
	return real, nil
}

// resolve follows the symbolic links of path, an absolute path whose last
// elements may not exist yet.
func resolve(path string, depth int) (string, error) {
	if depth > 40 {
		return "", errors.New("too many levels of symbolic links")
	}
	fi, err := os.Lstat(path)
	switch {
	case err == nil && fi.Mode()&fs.ModeSymlink != 0:
		target, err := os.Readlink(path)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(target) {
			target = filepath.Join(filepath.Dir(path), target)
		}
		return resolve(filepath.Clean(target), depth+1)
	case err == nil:
		return filepath.EvalSymlinks(path)
	case !errors.Is(err, fs.ErrNotExist):
		return "", err
	}
	parent := filepath.Dir(path)
	if parent == path {
		return path, nil
	}
	p, err := resolve(parent, depth+1)
	if err != nil {
		return "", err
	}
	return filepath.Join(p, filepath.Base(path)), nil
}

// CheckPaths refuses an output folder that is the input folder, contains
// it, or lies inside it: replacing the output would then touch the input,
// and the next run would read its own tables as articles. out must be
// resolved (see ResolveOut).
func CheckPaths(input, out string) error {
	in, err := filepath.Abs(input)
	if err == nil {
		in, err = filepath.EvalSymlinks(in)
	}
	if err != nil {
		return fmt.Errorf("input %s: %w", input, err)
	}
	switch {
	case in == out:
		return fmt.Errorf("--out %s is the input folder: choose a folder outside %s", out, input)
	case within(in, out):
		return fmt.Errorf("--out %s contains the input folder %s: choose a folder outside it", out, input)
	case within(out, in):
		return fmt.Errorf("--out %s lies inside the input folder %s: the next run would read the tables as input; choose a folder outside it", out, input)
	}
	return nil
}

// within reports whether path lies below dir (both clean and absolute).
func within(path, dir string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != "." && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// ErrLocked is returned by Lock when another run holds the output folder.
var ErrLocked = errors.New("another run holds the output folder")

// OutLock is the exclusive hold of one run on an output folder.
type OutLock struct {
	f *os.File
}

// LockPath returns the lock file of out: beside it, so that it is not
// swapped away with the folder.
func LockPath(out string) string {
	return filepath.Join(filepath.Dir(out), "."+filepath.Base(out)+".lock")
}

// Lock takes the exclusive lock on out (flock on LockPath(out)), waiting
// up to wait for a run that holds it to finish; with wait 0 it fails at
// once. The error then wraps ErrLocked and names the holder's process id.
// The lock is released by Unlock, or by the process's exit however it
// ends, so a killed run never leaves a stale lock. The lock file itself is
// left in place: removing it would let two runs lock two different files.
func Lock(ctx context.Context, out string, wait time.Duration) (*OutLock, error) {
	path := LockPath(out)
	if err := os.MkdirAll(filepath.Dir(path), 0o777); err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o666)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	deadline := time.Now().Add(wait)
	for {
		ok, err := tryLock(f)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		if ok {
			break
		}
		if !time.Now().Before(deadline) {
			holder, _ := os.ReadFile(path)
			f.Close()
			who := strings.TrimSpace(string(holder))
			if who == "" {
				who = "unknown process"
			}
			return nil, fmt.Errorf("%w: %s is locked by %s; one run at a time per --out (--lock-wait to wait for it)", ErrLocked, path, who)
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	// Who holds it, for the message of a run that finds it taken.
	if err := f.Truncate(0); err == nil {
		f.WriteAt([]byte("pid "+strconv.Itoa(os.Getpid())+" since "+time.Now().UTC().Format(time.RFC3339)+"\n"), 0)
	}
	return &OutLock{f: f}, nil
}

// Unlock releases the lock.
func (l *OutLock) Unlock() error {
	return l.f.Close() // closing the last descriptor releases the flock
}

// EstimateTableBytes is the disk space a run over inputBytes of articles
// needs for its staged tables: a quarter of the input, plus 1 MiB. The
// tables were 8% of the input on a 5,000-article generated corpus (17.3 MB
// of JSONL, 1.3 MB of tables); the margin covers corpora whose rewrites add
// more sentences.
func EstimateTableBytes(inputBytes int64) int64 {
	return 1<<20 + inputBytes/4
}

// CheckSpace fails when the file system out is staged on has less than
// need bytes free, so a full disk is found before the work rather than
// after it. Where free space cannot be told, it passes.
func CheckSpace(out string, need int64) error {
	dir := filepath.Dir(out)
	if isMountPoint(out) {
		dir = out
	}
	free, ok := freeBytes(dir)
	if !ok || free >= need {
		return nil
	}
	return fmt.Errorf("output %s: %s free on its file system, and the tables of this input need about %s: free some space or choose another --out",
		out, mib(free), mib(need))
}

func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }
