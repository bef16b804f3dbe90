package write

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// The output folder's tables are replaced as a set: they are written into a
// staging folder, checked, and then swapped in, so readers see either every
// previous table or every new one.
//
// Only dedupe's own files ever go. They are the files a previous run's
// run.json records (its tables, by their SHA-256, and run.json itself);
// anything else in the output folder, files and folders alike, is the
// user's and stays. So that no file of the user's can be taken for ours, a
// run refuses to start when the output folder holds a file named like one
// of dedupe's (clusters.parquet, run.json, …) that no run.json records
// (see CheckOut).
//
// The swap, on Linux:
//
//   - Usually the staging folder sits beside the output folder, and one
//     renameat2(RENAME_EXCHANGE) call swaps the two folders, atomic on every
//     local file system that supports it (ext4, xfs, btrfs, tmpfs). The
//     user's entries, now in the previous folder, are then moved back one
//     rename each, and only the previous tables are deleted: the previous
//     folder is removed only once it is empty.
//   - When the output folder is a mount point, it cannot be renamed: the
//     staging folder sits inside it, and the tables are renamed over the
//     previous ones one by one, run.json last. Each file is replaced
//     atomically but the set is not: a run killed in those few renames
//     leaves new tables beside the previous run.json, which Check (and
//     dedupe inspect) then reports, and the next run replaces.
//   - Elsewhere, or where the file system refuses the exchange, the tables
//     are replaced one by one likewise.
//
// A run killed before or after the swap leaves a staging folder (or, just
// after the exchange, the previous folder holding the user's entries). The
// next run, holding the lock, cleans it in Recover: it deletes dedupe's
// files there, moves anything else back into the output folder, and
// removes the folder only once it is empty.

// stagingPrefix names the staging folders beside out; innerStagingPrefix
// the ones inside out, used when out is a mount point.
func stagingPrefix(out string) string { return "." + filepath.Base(out) + ".tmp-" }

const innerStagingPrefix = ".dedupe-staging-"

// ownNames returns the names of every file dedupe writes into an output
// folder, in any format: its tables and run.json.
func ownNames() map[string]bool {
	names := map[string]bool{RunFile: true}
	for _, c := range codecs {
		for _, name := range c.files {
			names[name] = true
		}
		names[c.merges] = true
	}
	return names
}

// recorded returns the files dir's run.json records as dedupe's: run.json
// and the tables it holds a SHA-256 for. A folder without run.json records
// nothing. Names that are not plain file names are ignored, so a tampered
// run.json cannot point outside the folder.
func recorded(dir string) (map[string]bool, error) {
	b, err := os.ReadFile(filepath.Join(dir, RunFile))
	if errors.Is(err, os.ErrNotExist) {
		return map[string]bool{}, nil
	}
	if err != nil {
		return nil, err
	}
	var rep struct {
		Tool   string            `json:"tool"`
		SHA256 map[string]string `json:"sha256"`
	}
	if err := json.Unmarshal(b, &rep); err != nil || rep.Tool != "dedupe" {
		return nil, fmt.Errorf("%s is not a run.json written by dedupe", filepath.Join(dir, RunFile))
	}
	names := map[string]bool{RunFile: true}
	for name := range rep.SHA256 {
		if name != "" && name == filepath.Base(name) && name != "." && name != ".." {
			names[name] = true
		}
	}
	return names, nil
}

// CheckOut fails when out holds something a run would overwrite or delete
// although it is not dedupe's: a file named like one of dedupe's tables
// (or run.json) that out's run.json does not record, or a folder of such a
// name. A missing out is fine.
func CheckOut(out string) error {
	entries, err := os.ReadDir(out)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("output %s: %w", out, err)
	}
	own := ownNames()
	for _, e := range entries {
		if own[e.Name()] && !e.Type().IsRegular() {
			return fmt.Errorf("output %s: %s is not a file dedupe wrote: move it away or choose another --out", out, e.Name())
		}
	}
	ours, err := recorded(out)
	if err != nil {
		return fmt.Errorf("output %s: %w: move it away or choose another --out", out, err)
	}
	for _, e := range entries {
		if own[e.Name()] && !ours[e.Name()] {
			return fmt.Errorf("output %s: %s was not written by the run that %s records: move it away or choose another --out", out, e.Name(), RunFile)
		}
	}
	return nil
}

// Recover cleans up after runs that were killed: in every staging folder of
// out (beside it, or inside it when out is a mount point) it deletes
// dedupe's files, moves everything else back into out, and removes the
// folder once empty. The caller must hold out's lock (see Lock), so no
// live run's staging folder is touched.
func Recover(out string) error {
	out = filepath.Clean(out)
	var dirs []string
	for _, place := range []struct{ dir, prefix string }{
		{filepath.Dir(out), stagingPrefix(out)},
		{out, innerStagingPrefix},
	} {
		entries, err := os.ReadDir(place.dir)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("output %s: %w", out, err)
		}
		for _, e := range entries {
			if e.IsDir() && strings.HasPrefix(e.Name(), place.prefix) {
				dirs = append(dirs, filepath.Join(place.dir, e.Name()))
			}
		}
	}
	for _, dir := range dirs {
		if err := drain(dir, out); err != nil {
			return err
		}
	}
	return nil
}

// drain empties a staging folder, or a previous output folder swapped out,
// and removes it: dedupe's files are deleted, everything else is moved into
// out. What cannot be moved (out already has that name) stays, and the
// folder with it, named in the error.
func drain(dir, out string) error {
	ours, err := recorded(dir)
	if err != nil {
		ours = map[string]bool{}
	}
	own := ownNames()
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("clean %s: %w", dir, err)
	}
	var kept []string
	for _, e := range entries {
		name, path := e.Name(), filepath.Join(dir, e.Name())
		if (ours[name] || own[name]) && e.Type().IsRegular() {
			if err := os.Remove(path); err != nil {
				return fmt.Errorf("clean %s: %w", dir, err)
			}
			continue
		}
		if err := moveNew(path, filepath.Join(out, name)); err != nil {
			kept = append(kept, name)
		}
	}
	if len(kept) > 0 {
		return fmt.Errorf("%s holds %s, which dedupe did not write and could not move back into %s (a file of that name is there): move them yourself", dir, strings.Join(kept, ", "), out)
	}
	if err := os.Remove(dir); err != nil {
		return fmt.Errorf("clean %s: %w", dir, err)
	}
	return nil
}

// moveNew renames from to to unless to exists.
func moveNew(from, to string) error {
	if _, err := os.Lstat(to); err == nil {
		return fmt.Errorf("%s exists", to)
	}
	return os.Rename(from, to)
}

// stagingDir creates the folder a run's tables are staged in: beside out,
// or inside it when out is a mount point and cannot be renamed. The
// folder's mode follows the umask, as a folder made by mkdir would.
func stagingDir(out string) (dir string, inside bool, err error) {
	inside = isMountPoint(out)
	parent, prefix := filepath.Dir(out), stagingPrefix(out)
	if inside {
		parent, prefix = out, innerStagingPrefix
	}
	dir, err = os.MkdirTemp(parent, prefix)
	if err != nil {
		return "", false, fmt.Errorf("create staging folder in %s: %w", parent, err)
	}
	if err := os.Chmod(dir, 0o777&^umask()); err != nil {
		os.Remove(dir)
		return "", false, fmt.Errorf("create staging folder in %s: %w", parent, err)
	}
	return dir, inside, nil
}

// install makes the tables in staging (the files named in tables, run.json
// among them) out's, and removes staging.
func install(staging, out string, inside bool, tables []string) error {
	if err := syncDir(staging); err != nil {
		return err
	}
	prev, err := recorded(out)
	if errors.Is(err, os.ErrNotExist) || (err == nil && !exists(out)) {
		if err := os.Rename(staging, out); err != nil {
			return fmt.Errorf("move tables into %s: %w", out, err)
		}
		return syncDir(filepath.Dir(out))
	}
	if err != nil {
		return fmt.Errorf("output %s: %w", out, err)
	}
	if !inside && exchange(staging, out) == nil {
		if err := syncDir(filepath.Dir(out)); err != nil {
			return err
		}
		// staging now holds the previous tables and the user's entries.
		return drain(staging, out)
	}
	// One by one, run.json last, then the previous tables this run did not
	// write (those of the other format).
	order := slices.DeleteFunc(slices.Clone(tables), func(n string) bool { return n == RunFile })
	for _, name := range append(order, RunFile) {
		if err := os.Rename(filepath.Join(staging, name), filepath.Join(out, name)); err != nil {
			return fmt.Errorf("move %s into %s: %w", name, out, err)
		}
	}
	for name := range prev {
		if !slices.Contains(tables, name) {
			if err := os.Remove(filepath.Join(out, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
				return fmt.Errorf("remove previous %s: %w", filepath.Join(out, name), err)
			}
		}
	}
	if err := syncDir(out); err != nil {
		return err
	}
	return drain(staging, out)
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}
