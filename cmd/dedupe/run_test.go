package main

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"testing"
)

func TestInputBytes(t *testing.T) {
	dir := t.TempDir()
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	if _, err := w.Write(bytes.Repeat([]byte(`{"id":"a","text":"Body."}`+"\n"), 100)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{
		"a.txt":       bytes.Repeat([]byte("x"), 1000),
		"b.jsonl.gz":  gz.Bytes(),
		".hidden.txt": bytes.Repeat([]byte("x"), 500),
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	linked := filepath.Join(t.TempDir(), "latest")
	if err := os.Symlink(dir, linked); err != nil {
		t.Skipf("cannot make symbolic links here: %v", err)
	}
	// A .jsonl.gz file counts five times over; a hidden file, which a run
	// does not read, nothing.
	want := int64(1000 + 5*gz.Len())
	tests := []struct {
		name, dir string
		want      int64
	}{
		{"folder", dir, want},
		{"link to the folder", linked, want},
		{"missing folder", filepath.Join(dir, "missing"), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := inputBytes(tt.dir); got != tt.want {
				t.Errorf("got %d bytes, want %d", got, tt.want)
			}
		})
	}
}
