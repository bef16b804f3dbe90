//go:build unix

package load

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/dedupe/dedupe/pipeline"
)

// TestDirSpecialFiles: a named pipe would block a read for ever; a file
// name that is not UTF-8 cannot be an id or a path in the tables.
func TestDirSpecialFiles(t *testing.T) {
	dir := tree(t, map[string]string{"a.txt": "A", "z.txt": "Z"})
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe.txt"), 0o644); err != nil {
		t.Skipf("cannot make a named pipe here: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "bad\xffname.txt"), []byte("B"), 0o644); err != nil {
		t.Skipf("file system refuses names that are not UTF-8: %v", err)
	}
	res, err := Dir(context.Background(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Articles) != 2 {
		t.Errorf("got %d articles, want 2 (a and z)", len(res.Articles))
	}
	checkRejects(t, res.Rejects, []pipeline.Reject{
		{Path: "bad\ufffdname.txt", Reason: "file name is not valid UTF-8"},
		{Path: "pipe.txt", Reason: "not a regular file (named pipe)"},
	})
}
