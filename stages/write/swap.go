package write

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// The output folder is replaced as a whole: the tables are written into a
// staging folder beside it, checked, and then the two folders are swapped,
// so readers see either every previous table or every new one.
//
// On Linux the swap is one renameat2(RENAME_EXCHANGE) call, atomic on every
// local file system that supports it (ext4, xfs, btrfs, tmpfs). Elsewhere,
// or where it is refused, it falls back to two renames: out -> out.old,
// staging -> out. A run killed between those two leaves the previous tables
// whole under the .old name, and the next run puts them back before it does
// anything else (see Recover).

// stagingPrefix and oldPrefix name the folders beside out that are dedupe's.
func stagingPrefix(out string) string { return "." + filepath.Base(out) + ".tmp-" }
func oldPrefix(out string) string     { return "." + filepath.Base(out) + ".old-" }

// Recover prepares out for a run: if a previous run was killed between the
// two renames of the fallback swap, it moves the previous tables back to
// out; it removes staging folders that killed runs left behind. Only one run
// may write to a given out at a time.
func Recover(out string) error {
	out = filepath.Clean(out)
	parent := filepath.Dir(out)
	entries, err := os.ReadDir(parent)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		return fmt.Errorf("output %s: %w", out, err)
	}
	_, statErr := os.Stat(out)
	missing := errors.Is(statErr, os.ErrNotExist)
	for _, e := range entries {
		name := e.Name()
		path := filepath.Join(parent, name)
		switch {
		case strings.HasPrefix(name, stagingPrefix(out)):
			if err := os.RemoveAll(path); err != nil {
				return fmt.Errorf("remove stale staging folder %s: %w", path, err)
			}
		case strings.HasPrefix(name, oldPrefix(out)) && missing:
			if err := os.Rename(path, out); err != nil {
				return fmt.Errorf("restore previous tables from %s: %w", path, err)
			}
			missing = false
		case strings.HasPrefix(name, oldPrefix(out)):
			if err := os.RemoveAll(path); err != nil {
				return fmt.Errorf("remove %s: %w", path, err)
			}
		}
	}
	return nil
}

// install makes staging the new out. Files in out that dedupe did not write
// (a .gitkeep, a README) are carried over by hard link, or copied.
func install(staging, out string) error {
	entries, err := os.ReadDir(out)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if err := os.Rename(staging, out); err != nil {
			return fmt.Errorf("move tables into %s: %w", out, err)
		}
		return syncDir(filepath.Dir(out))
	case err != nil:
		return fmt.Errorf("output %s: %w", out, err)
	}
	// The tables of every format are ours: a run in one format drops the
	// tables an earlier run wrote in the other, as they no longer belong.
	ours := map[string]bool{RunFile: true}
	for _, c := range codecs {
		for _, name := range c.files {
			ours[name] = true
		}
	}
	for _, e := range entries {
		if ours[e.Name()] || e.IsDir() {
			continue
		}
		if err := carry(filepath.Join(out, e.Name()), filepath.Join(staging, e.Name())); err != nil {
			return err
		}
	}
	if err := syncDir(staging); err != nil {
		return err
	}
	if err := exchange(staging, out); err == nil {
		return syncDir(filepath.Dir(out))
	}
	old := filepath.Join(filepath.Dir(out), oldPrefix(out)+filepath.Base(staging))
	if err := os.Rename(out, old); err != nil {
		return fmt.Errorf("move previous tables aside: %w", err)
	}
	if err := os.Rename(staging, out); err != nil {
		return fmt.Errorf("move tables into %s (previous tables kept in %s): %w", out, old, err)
	}
	if err := syncDir(filepath.Dir(out)); err != nil {
		return err
	}
	return os.RemoveAll(old)
}

// carry links (or copies) a file the user keeps in the output folder.
func carry(from, to string) error {
	if err := os.Link(from, to); err == nil {
		return nil
	}
	data, err := os.ReadFile(from)
	if err != nil {
		return fmt.Errorf("keep %s: %w", from, err)
	}
	return writeFileSync(to, data)
}
