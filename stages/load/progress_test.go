package load

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/dedupe/dedupe/pipeline"
)

// byteCount records what Dir reports through Options.BytesTotal and
// Options.BytesRead.
type byteCount struct {
	mu     sync.Mutex
	totals []int64 // each BytesTotal call
	early  int     // BytesRead calls before BytesTotal's
	reads  int     // BytesRead calls
	read   int64   // their sum
	bad    []int64 // BytesRead calls with n <= 0
}

func (c *byteCount) options(opt Options) Options {
	opt.BytesTotal = func(total int64) {
		c.mu.Lock()
		defer c.mu.Unlock()
		c.totals = append(c.totals, total)
	}
	opt.BytesRead = func(n int64) {
		c.mu.Lock()
		defer c.mu.Unlock()
		if len(c.totals) == 0 {
			c.early++
		}
		if n <= 0 {
			c.bad = append(c.bad, n)
		}
		c.reads++
		c.read += n
	}
	return opt
}

func TestDirBytes(t *testing.T) {
	record := rec("j1", "Body one.") + "\n" + rec("j2", "Body two.") + "\n"
	mixed := map[string]string{
		"a.txt":          "Headline\n\nBody of a.",
		"b.html":         webPage("<title>B</title>", "<article><h1>B</h1><p>Body of b, a page.</p></article>"),
		"c.jsonl":        record,
		"d.jsonl.gz":     gz(strings.ReplaceAll(record, "j", "g")),
		"e.json":         "[" + rec("e1", "Body of e.") + "]",
		"photo.txt":      "\xff\xd8\xff\xe0\x00\x10JFIF\x00" + strings.Repeat("\x00\x01", 40_000), // rejected: binary, after its first bytes
		"notes.xml":      "<notes/>",                                                              // rejected: unsupported
		"huge.txt":       strings.Repeat("Too long. ", 20_000),                                    // rejected unread: over the cap
		"empty.txt":      "",                                                                      // rejected: no text
		"sub/f.txt":      "Body of f.",
		".hidden.txt":    "Not read, not counted.",
		".git/config":    "Not read, not counted.",
		"cut.jsonl.gz":   gz(record)[:30], // rejected after its first lines: cut short
		"sub/g.jsonl.gz": gz(strings.ReplaceAll(record, "j", "h")) + "junk after the member",
	}
	tests := []struct {
		name  string
		files map[string]string
		setup func(t *testing.T, dir string)
		open  func(dir, name string) (fs.File, error)
		opt   Options
	}{
		{name: "every type, one worker", files: mixed, opt: Options{MaxArticleBytes: 100_000, Workers: 1}},
		{name: "every type, three workers", files: mixed, opt: Options{MaxArticleBytes: 100_000, Workers: 3}},
		{name: "no cap", files: mixed},
		{
			name:  "links count nothing",
			files: map[string]string{"a.txt": "A", "real/b.txt": "B"},
			setup: symlinks(map[string]string{"link.txt": "a.txt", "dir": "real"}),
		},
		{
			name:  "vanished, unreadable and grown files",
			files: map[string]string{"a.txt": "A", "gone.txt": "Gone", "locked.jsonl": record, "grew.txt": "Short.", "z.txt": "Z"},
			open: func(dir, name string) (fs.File, error) {
				switch name {
				case "gone.txt": // removed after the folder was listed
					return nil, &fs.PathError{Op: "open", Path: filepath.Join(dir, name), Err: fs.ErrNotExist}
				case "locked.jsonl":
					return nil, &fs.PathError{Op: "open", Path: filepath.Join(dir, name), Err: fs.ErrPermission}
				case "grew.txt":
					long := strings.Repeat("Longer now. ", 10_000)
					return &fakeFile{r: strings.NewReader(long), size: int64(len(long))}, nil
				}
				return nil, nil
			},
		},
		{
			name:  "only the files named",
			files: map[string]string{"a.txt": "A", "c.jsonl": record, "z.txt": "Z"},
			opt:   Options{Only: map[string]map[int]bool{"c.jsonl": {2: true}, "z.txt": nil}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := tree(t, tt.files)
			if tt.setup != nil {
				tt.setup(t, dir)
			}
			opt := tt.opt
			if tt.open != nil {
				opt.open = opener(dir, func(name string) (fs.File, error) { return tt.open(dir, name) })
			}
			var want int64 // the sizes of the files Dir opens, as written
			for name, text := range tt.files {
				if _, named := opt.Only[name]; opt.Only != nil && !named || strings.HasPrefix(name, ".") {
					continue
				}
				want += int64(len(text))
			}
			plain, err := Dir(context.Background(), dir, opt)
			if err != nil {
				t.Fatal(err)
			}
			var c byteCount
			res, err := Dir(context.Background(), dir, c.options(opt))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(c.totals, []int64{want}) {
				t.Errorf("BytesTotal got %v, want one call with %d", c.totals, want)
			}
			if c.early > 0 {
				t.Errorf("BytesRead called %d times before BytesTotal", c.early)
			}
			if c.read != want {
				t.Errorf("BytesRead added up to %d bytes in %d calls, want %d", c.read, c.reads, want)
			}
			if len(c.bad) > 0 {
				t.Errorf("BytesRead called with %v, want only counts above 0", c.bad)
			}
			// Reporting bytes changes nothing of what is read.
			if !reflect.DeepEqual(res, plain) {
				t.Errorf("with BytesRead got %d articles and rejects %v, without %d and %v", len(res.Articles), res.Rejects, len(plain.Articles), plain.Rejects)
			}
		})
	}
}

// TestDirBytesAsRead checks that the bytes of a file are reported as they
// are read, not all when Dir is done with it: the compressed bytes of a
// .jsonl.gz file in parts, while its articles come out.
func TestDirBytesAsRead(t *testing.T) {
	var lines strings.Builder
	for i := range 20_000 {
		lines.WriteString(rec(fmt.Sprintf("a%d", i), fmt.Sprintf("Item %d of the feed, number %d, costs %d.", i, i*7919%100_003, i*104_729%1_000_003)) + "\n")
	}
	dir := tree(t, map[string]string{"feed.jsonl.gz": gz(lines.String())})
	info, err := os.Stat(filepath.Join(dir, "feed.jsonl.gz"))
	if err != nil {
		t.Fatal(err)
	}
	if info.Size() < 3*64<<10 {
		t.Fatalf("test file of %d bytes, want several read buffers", info.Size())
	}
	var mu sync.Mutex
	var reported int64
	var atArticle []int64 // bytes reported when each article was prepared
	opt := Options{
		Workers: 1,
		Prepare: func(d *pipeline.Doc) error {
			mu.Lock()
			defer mu.Unlock()
			atArticle = append(atArticle, reported)
			return nil
		},
		BytesRead: func(n int64) {
			mu.Lock()
			defer mu.Unlock()
			reported += n
		},
	}
	res, err := Dir(context.Background(), dir, opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Docs) != 20_000 {
		t.Fatalf("got %d articles, want 20000", len(res.Docs))
	}
	if reported != info.Size() {
		t.Errorf("reported %d bytes, want the compressed size %d", reported, info.Size())
	}
	// The first article comes after the first buffer of compressed bytes,
	// and the middle one before the whole file is reported.
	if first := atArticle[0]; first <= 0 || first >= info.Size() {
		t.Errorf("at the first article %d bytes reported, want some of the %d", first, info.Size())
	}
	if mid := atArticle[len(atArticle)/2]; mid >= info.Size() {
		t.Errorf("at the middle article %d bytes reported, want less than the %d of the file", mid, info.Size())
	}
}

func TestSize(t *testing.T) {
	files := map[string]string{
		"a.txt":          "Body of a.",
		"b.jsonl.gz":     gz(rec("b1", "Body of b.") + "\n"),
		"sub/C.JSONL.GZ": gz(rec("c1", "Body of c.") + "\n"),
		"d.json.gz":      gz("[]"), // not unpacked: rejected as unsupported
		"photo.txt":      "\xff\xd8\xff\xe0 JFIF",
		".hidden.txt":    "Not read.",
		".git/config":    "Not read.",
	}
	gzipped := int64(len(files["b.jsonl.gz"]) + len(files["sub/C.JSONL.GZ"]))
	var total int64
	for name, text := range files {
		if !strings.HasPrefix(name, ".") {
			total += int64(len(text))
		}
	}
	dir := tree(t, files)
	symlinks(map[string]string{"link.txt": "a.txt"})(t, dir)
	linked := filepath.Join(t.TempDir(), "latest")
	if err := os.Symlink(dir, linked); err != nil {
		t.Skipf("cannot make symbolic links here: %v", err)
	}
	tests := []struct {
		name           string
		root           string
		total, gzipped int64
		wantErr        bool
	}{
		{"folder", dir, total, gzipped, false},
		{"link to the folder", linked, total, gzipped, false},
		{"missing", filepath.Join(dir, "missing"), 0, 0, true},
		{"a file", filepath.Join(dir, "a.txt"), 0, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			total, gzipped, err := Size(tt.root)
			if (err != nil) != tt.wantErr {
				t.Fatalf("got error %v, want one: %t", err, tt.wantErr)
			}
			if total != tt.total || gzipped != tt.gzipped {
				t.Errorf("got %d bytes, %d gzipped, want %d and %d", total, gzipped, tt.total, tt.gzipped)
			}
		})
	}
}

// BenchmarkList measures the listing of 20,000 files in 50 folders, with
// and without the size of each file that Options.BytesTotal needs.
func BenchmarkList(b *testing.B) {
	dir := b.TempDir()
	for i := range 20_000 {
		sub := filepath.Join(dir, fmt.Sprintf("d%02d", i%50))
		if err := os.MkdirAll(sub, 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(sub, fmt.Sprintf("%05d.txt", i)), []byte("Headline\n\nBody."), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	for _, sizes := range []bool{false, true} {
		b.Run(fmt.Sprint("sizes=", sizes), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := list(dir, sizes); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
