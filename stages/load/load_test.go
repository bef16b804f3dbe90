package load

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"testing/iotest"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/transform"

	"github.com/dedupe/dedupe/pipeline"
)

// tree lays out files under a fresh folder and returns it.
func tree(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// brief is what a test compares of an article.
type brief struct {
	ID, Path  string
	Line      int
	Title     string
	FromText  bool
	URL       string
	Source    string
	Published string // RFC 3339, "" for zero
	Text      string
}

func briefOf(a pipeline.Article) brief {
	b := brief{ID: a.ID, Path: a.SourcePath, Line: a.Line, Title: a.Title, FromText: a.TitleFromText, URL: a.URL, Source: a.Source, Text: a.Text}
	if !a.PublishedAt.IsZero() {
		b.Published = a.PublishedAt.Format(time.RFC3339)
	}
	return b
}

// txt is the brief of a .txt article whose title is its first line.
func txt(id, text string) brief {
	return brief{ID: id, Path: id + ".txt", Title: FirstLine(text), FromText: true, Text: text}
}

// utf16Of encodes s as UTF-16 with a byte order mark.
func utf16Of(s string, bigEndian bool) string {
	var b []byte
	for _, u := range append([]uint16{0xfeff}, utf16.Encode([]rune(s))...) {
		if bigEndian {
			b = append(b, byte(u>>8), byte(u))
		} else {
			b = append(b, byte(u), byte(u>>8))
		}
	}
	return string(b)
}

// symlinks makes a setup function that adds symbolic links (name -> target).
func symlinks(links map[string]string) func(t *testing.T, dir string) {
	return func(t *testing.T, dir string) {
		for name, target := range links {
			if err := os.Symlink(target, filepath.Join(dir, filepath.FromSlash(name))); err != nil {
				t.Skipf("cannot make symbolic links here: %v", err)
			}
		}
	}
}

// fakeFile is an fs.File with a made-up size whose content comes from r.
type fakeFile struct {
	r    io.Reader
	size int64
	read *int64 // bytes read so far, if not nil
}

func (f *fakeFile) Stat() (fs.FileInfo, error) { return fakeInfo{f.size}, nil }
func (f *fakeFile) Close() error               { return nil }
func (f *fakeFile) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if f.read != nil {
		*f.read += int64(n)
	}
	return n, err
}

type fakeInfo struct{ size int64 }

func (i fakeInfo) Name() string       { return "fake" }
func (i fakeInfo) Size() int64        { return i.size }
func (i fakeInfo) Mode() fs.FileMode  { return 0o644 }
func (i fakeInfo) ModTime() time.Time { return time.Time{} }
func (i fakeInfo) IsDir() bool        { return false }
func (i fakeInfo) Sys() any           { return nil }

// failAfter reads n bytes of s, then fails with err.
func failAfter(s string, n int, err error) io.Reader {
	return io.MultiReader(strings.NewReader(s[:n]), &errReader{err})
}

type errReader struct{ err error }

func (r *errReader) Read([]byte) (int, error) { return 0, r.err }

// repeat is an endless reader of one byte, a newline every nl bytes (never
// if 0).
type repeat struct {
	c      byte
	nl, at int
}

func (r *repeat) Read(p []byte) (int, error) {
	for i := range p {
		r.at++
		if r.nl > 0 && r.at%r.nl == 0 {
			p[i] = '\n'
		} else {
			p[i] = r.c
		}
	}
	return len(p), nil
}

// runtimeMem is the memory the program has allocated so far.
type runtimeMem struct{ totalAlloc uint64 }

func (m *runtimeMem) read() {
	var s runtime.MemStats
	runtime.ReadMemStats(&s)
	m.totalAlloc = s.TotalAlloc
}

// opener makes an Options.open that opens files below dir, except those
// for which fake returns a file or an error.
func opener(dir string, fake func(name string) (fs.File, error)) func(string) (fs.File, error) {
	return func(name string) (fs.File, error) {
		if f, err := fake(name); f != nil || err != nil {
			return f, err
		}
		return os.Open(filepath.Join(dir, filepath.FromSlash(name)))
	}
}

func TestDir(t *testing.T) {
	const body = "Headline here\n\nFirst paragraph of the story."
	tests := []dirCase{
		{
			name:  "txt id and title",
			files: map[string]string{"a.txt": "\n\n  Headline here  \nBody text."},
			want:  []brief{{ID: "a", Path: "a.txt", Title: "Headline here", FromText: true, Text: "\n\n  Headline here  \nBody text."}},
		},
		{
			name:  "nested folders and extension case",
			files: map[string]string{"b/c/d.txt": body, "b/e.TXT": body},
			want: []brief{
				{ID: "b/c/d", Path: "b/c/d.txt", Title: "Headline here", FromText: true, Text: body},
				{ID: "b/e", Path: "b/e.TXT", Title: "Headline here", FromText: true, Text: body},
			},
		},
		{
			name:  "hidden files and folders skipped",
			files: map[string]string{".hidden.txt": body, ".git/x.txt": body, ".git/y.png": "\x89PNG\r\n\x1a\n", "ok.txt": body},
			want:  []brief{txt("ok", body)},
		},
		{
			name:  "path order",
			files: map[string]string{"b.txt": "B", "a/z.txt": "AZ", "a.txt": "A", "c.jsonl": `{"id":"0","text":"C"}`},
			want: []brief{
				txt("a", "A"), txt("a/z", "AZ"), txt("b", "B"),
				{ID: "0", Path: "c.jsonl", Line: 1, Title: "C", FromText: true, Text: "C"},
			},
		},

		// Encodings.
		{
			name:  "txt UTF-8 byte order mark dropped",
			files: map[string]string{"bom.txt": "\ufeffTitle\nBody."},
			want:  []brief{txt("bom", "Title\nBody.")},
		},
		{
			name:  "txt UTF-16 little-endian",
			files: map[string]string{"le.txt": utf16Of("Caf\u00e9 \u201cq\u201d \U0001F600\r\nBody.", false)},
			want:  []brief{txt("le", "Caf\u00e9 \u201cq\u201d \U0001F600\r\nBody.")},
		},
		{
			name:  "txt UTF-16 big-endian",
			files: map[string]string{"be.txt": utf16Of("\u65e5\u672c Title\nBody.", true)},
			want:  []brief{txt("be", "\u65e5\u672c Title\nBody.")},
		},
		{
			name: "txt damaged UTF-16",
			files: map[string]string{
				"odd.txt":      utf16Of("Text", false) + "x",
				"lonehigh.txt": utf16Of("ab", false) + "\x3d\xd8" + "c\x00",
				"lonelow.txt":  utf16Of("ab", true) + "\xde\x00",
				"last.txt":     utf16Of("ab", false) + "\x3d\xd8",
				"nul.txt":      utf16Of("a\x00b", false),
			},
			rejects: []pipeline.Reject{
				{Path: "last.txt", Reason: "invalid UTF-16: unpaired surrogate at byte 6"},
				{Path: "lonehigh.txt", Reason: "invalid UTF-16: unpaired surrogate at byte 6"},
				{Path: "lonelow.txt", Reason: "invalid UTF-16: unpaired surrogate at byte 6"},
				{Path: "nul.txt", Reason: "binary file (contains NUL bytes)"},
				{Path: "odd.txt", Reason: "invalid UTF-16: odd number of bytes"},
			},
		},
		{
			name: "txt UTF-16 without byte order mark, UTF-32",
			files: map[string]string{
				"le.txt": "H\x00e\x00a\x00d\x00l\x00i\x00n\x00e\x00",
				"be.txt": "\x00H\x00e\x00a\x00d",
				"32.txt": "\xff\xfe\x00\x00H\x00\x00\x00",
				"ok.txt": "Ok.",
			},
			want: []brief{txt("ok", "Ok.")},
			rejects: []pipeline.Reject{
				{Path: "32.txt", Reason: "unsupported encoding: UTF-32"},
				{Path: "be.txt", Reason: "unsupported encoding: UTF-16 without a byte order mark"},
				{Path: "le.txt", Reason: "unsupported encoding: UTF-16 without a byte order mark"},
			},
		},
		{
			name: "txt Windows-1252",
			files: map[string]string{
				"latin1.txt": "caf\xe9 au lait",
				"smart.txt":  "\x93Quoted\x94 \x96 it\x92s \x80 5\r\n\x1a",
			},
			want: []brief{
				txt("latin1", "caf\u00e9 au lait"),
				txt("smart", "\u201cQuoted\u201d \u2013 it\u2019s \u20ac 5\r\n\x1a"),
			},
		},
		{
			name: "txt neither UTF-8 nor Windows-1252",
			files: map[string]string{
				"undefined.txt": "caf\xe9 \x81",
				"control.txt":   "caf\xe9 \x01",
				"mixed.txt":     "caf\xc3\xa9 and caf\xe9",
				"bom.txt":       "\ufeffcaf\xe9",
			},
			rejects: []pipeline.Reject{
				{Path: "bom.txt", Reason: "not valid UTF-8: byte 0xe9 at offset 6 (after a UTF-8 byte order mark)"},
				{Path: "control.txt", Reason: "not valid UTF-8: byte 0xe9 at offset 3 (and not Windows-1252 text)"},
				{Path: "mixed.txt", Reason: "not valid UTF-8: byte 0xe9 at offset 13"},
				{Path: "undefined.txt", Reason: "not valid UTF-8: byte 0xe9 at offset 3"},
			},
		},
		{
			name: "jsonl byte order marks",
			files: map[string]string{
				"bom.jsonl": "\ufeff" + `{"id":"a","text":"A"}` + "\n" + "\ufeff" + `{"id":"b","text":"B"}` + "\n",
				"le.jsonl":  utf16Of(`{"id":"c","text":"\u00c7a"}`+"\r\n"+"{\"id\":\"d\",\"text\":\"D \U0001F600\"}", false),
				"be.jsonl":  utf16Of(`{"id":"e","text":"E"}`+"\n", true),
			},
			want: []brief{
				{ID: "e", Path: "be.jsonl", Line: 1, Title: "E", FromText: true, Text: "E"},
				{ID: "a", Path: "bom.jsonl", Line: 1, Title: "A", FromText: true, Text: "A"},
				{ID: "b", Path: "bom.jsonl", Line: 2, Title: "B", FromText: true, Text: "B"},
				{ID: "c", Path: "le.jsonl", Line: 1, Title: "\u00c7a", FromText: true, Text: "\u00c7a"},
				{ID: "d", Path: "le.jsonl", Line: 2, Title: "D \U0001F600", FromText: true, Text: "D \U0001F600"},
			},
		},
		{
			name: "jsonl invalid UTF-8 and damaged UTF-16",
			files: map[string]string{
				"f.jsonl":  "{\"id\":\"a\",\"text\":\"caf\xe9 au lait\"}\n{\"id\":\"b\",\"text\":\"ok\"}\n",
				"le.jsonl": utf16Of(`{"id":"c","text":"C"}`+"\n"+`{"id":"x","text":"`, false) + "\x00\xdc" + utf16Of(`"}`+"\n"+`{"id":"y","text":"Y"}`, false)[2:],
			},
			want: []brief{
				{ID: "b", Path: "f.jsonl", Line: 2, Title: "ok", FromText: true, Text: "ok"},
				{ID: "c", Path: "le.jsonl", Line: 1, Title: "C", FromText: true, Text: "C"},
			},
			rejects: []pipeline.Reject{
				{Path: "f.jsonl", Line: 1, Reason: "not valid UTF-8: byte 0xe9 at column 22"},
				{Path: "le.jsonl", Line: 2, Reason: "invalid UTF-16: unpaired surrogate at byte 82 (rest of file not read)"},
			},
		},

		// Binary files.
		{
			name: "binary files under any name",
			files: map[string]string{
				"photo.txt":   "\xff\xd8\xff\xe0\x00\x10JFIF",
				"image.jsonl": "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
				"doc.txt":     "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
				"feed.jsonl":  "\x1f\x8b\x08\x00\x00\x00\x00\x00",
				"late.txt":    strings.Repeat("text ", 200) + "\x00",
				"nul.jsonl":   `{"id":"a","text":"A"}` + "\x00\n",
				"a.jpg":       "\xff\xd8\xff\xdb",
				"b.docx":      "PK\x03\x04\x14\x00",
				"c.bin":       "plain\x00",
				"d.md":        "# Notes",
			},
			rejects: []pipeline.Reject{
				{Path: "a.jpg", Reason: "binary file (JPEG image)"},
				{Path: "b.docx", Reason: "binary file (zip archive)"},
				{Path: "c.bin", Reason: "binary file (contains NUL bytes)"},
				{Path: "d.md", Reason: "unsupported file type (want .txt, .jsonl, .jsonl.gz, .json, .html or .htm)"},
				{Path: "doc.txt", Reason: "binary file (PDF document)"},
				{Path: "feed.jsonl", Reason: "binary file (gzip archive)"},
				{Path: "image.jsonl", Reason: "binary file (PNG image)"},
				{Path: "late.txt", Reason: "binary file (contains NUL bytes)"},
				{Path: "nul.jsonl", Reason: "binary file (contains NUL bytes)"},
				{Path: "photo.txt", Reason: "binary file (JPEG image)"},
			},
		},
		{
			name:    "unsupported extension",
			files:   map[string]string{"notes.md": "# x", "data.xml": "<a/>", "feed.json.gz": "x", "noext": "x", "ok.txt": "Ok."},
			want:    []brief{txt("ok", "Ok.")},
			rejects: []pipeline.Reject{{Path: "data.xml", Reason: "unsupported file type"}, {Path: "feed.json.gz", Reason: "unsupported file type"}, {Path: "noext", Reason: "unsupported file type"}, {Path: "notes.md", Reason: "unsupported file type"}},
		},

		// Empty files.
		{
			name: "empty and blank files",
			files: map[string]string{
				"empty.txt": "", "blank.txt": " \n\t\r\n", "bom.txt": "\ufeff", "invisible.txt": "\u200b\ufeff \u00ad\n",
				"empty.jsonl": "", "blank.jsonl": "\n  \n", "bom.jsonl": "\ufeff",
				"ok.txt": "Ok.",
			},
			want: []brief{txt("ok", "Ok.")},
			rejects: []pipeline.Reject{
				{Path: "blank.jsonl", Reason: "no text: only blank lines"},
				{Path: "blank.txt", Reason: "no text"},
				{Path: "bom.jsonl", Reason: "no text: empty file"},
				{Path: "bom.txt", Reason: "no text"},
				{Path: "empty.jsonl", Reason: "no text: empty file"},
				{Path: "empty.txt", Reason: "no text"},
				{Path: "invisible.txt", Reason: "no text"},
			},
		},

		// Sizes.
		{
			name: "oversize articles",
			files: map[string]string{
				"big.txt": strings.Repeat("x", 11), "fit.txt": strings.Repeat("y", 10),
				"bom.txt": "\ufeff" + strings.Repeat("b", 10),
				"le.txt":  utf16Of(strings.Repeat("\u00e9", 6), false), // 14 bytes, 12 of text
				"f.jsonl": `{"id":"j","text":"` + strings.Repeat("z", 11) + `"}` + "\n" + `{"id":"k","text":"\u00e9\u00e9\u00e9\u00e9\u00e9"}`,
			},
			opt: Options{MaxArticleBytes: 10},
			want: []brief{
				txt("bom", strings.Repeat("b", 10)),
				{ID: "k", Path: "f.jsonl", Line: 2, Title: strings.Repeat("\u00e9", 5), FromText: true, Text: strings.Repeat("\u00e9", 5)},
				txt("fit", strings.Repeat("y", 10)),
			},
			rejects: []pipeline.Reject{
				{Path: "big.txt", Reason: "article too large: file of 11 bytes, limit 10"},
				{Path: "f.jsonl", Line: 1, Reason: "article too large: 11 bytes, limit 10"},
				{Path: "le.txt", Reason: "article too large: 12 bytes, limit 10"},
			},
		},
		{
			name: "line longer than any buffer",
			files: map[string]string{"f.jsonl": `{"id":"a","text":"first"}` + "\n" +
				`{"id":"big","text":"` + strings.Repeat("x", 1<<20+100) + `"}` + "\n" +
				`{"id":"c","text":"after"}` + "\n"},
			opt: Options{MaxArticleBytes: 10},
			want: []brief{
				{ID: "a", Path: "f.jsonl", Line: 1, Title: "first", FromText: true, Text: "first"},
				{ID: "c", Path: "f.jsonl", Line: 3, Title: "after", FromText: true, Text: "after"},
			},
			rejects: []pipeline.Reject{{Path: "f.jsonl", Line: 2, Reason: "article too large: line of more than 1048636 bytes (limit 10 bytes of text)"}},
		},
		{
			name: "long line without a limit",
			files: map[string]string{"f.jsonl": `{"id":"big","text":"` + strings.Repeat("x", 1<<20) + `"}` + "\n" +
				`{"id":"c","text":"C"}`},
			want: []brief{
				{ID: "big", Path: "f.jsonl", Line: 1, Title: strings.Repeat("x", 1<<20), FromText: true, Text: strings.Repeat("x", 1<<20)},
				{ID: "c", Path: "f.jsonl", Line: 2, Title: "C", FromText: true, Text: "C"},
			},
		},

		// JSONL records.
		{
			name: "jsonl with every field",
			files: map[string]string{"feed.jsonl": `{"id":" w1 ","text":"Body one.","title":" Given title ","url":"https://x.test/1","source":"Wire","published_at":"2024-05-01T12:30:00+02:00"}` + "\n" +
				"\n" + // blank lines are skipped but counted
				`{"id":"w2","text":"Second line\nmore","published_at":"Wed, 01 May 2024 12:30:00 PDT"}` + "\r\n"},
			want: []brief{
				{ID: "w1", Path: "feed.jsonl", Line: 1, Title: "Given title", URL: "https://x.test/1", Source: "Wire", Published: "2024-05-01T10:30:00Z", Text: "Body one."},
				{ID: "w2", Path: "feed.jsonl", Line: 3, Title: "Second line", FromText: true, Published: "2024-05-01T19:30:00Z", Text: "Second line\nmore"},
			},
		},
		{
			name: "jsonl bad lines rejected, good ones kept",
			files: map[string]string{"f.jsonl": strings.Join([]string{
				`{"id":"ok1","text":"Fine."}`,
				`{"id":"x","text":`,
				`{"text":"no id"}`,
				`{"id":"   ","text":"blank id"}`,
				`{"id":"y"}`,
				`{"id":7,"text":"numeric id"}`,
				`{"id":"z","text":"t","published_at":"yesterday"}`,
				`{"id":"e","text":"   \n "}`,
				`["not","an","object"]`,
				`{"ID":"u","Text":"upper case keys"}`,
				`{"id":"v","text":"t","id":"w"}`,
				`{"id":"s","text":"\udc00"}`,
				`{"id":"ok1","text":"duplicate"}`,
				`{"id":"ok2","text":"Also fine."}`,
			}, "\n")},
			want: []brief{
				{ID: "ok1", Path: "f.jsonl", Line: 1, Title: "Fine.", FromText: true, Text: "Fine."},
				{ID: "ok2", Path: "f.jsonl", Line: 14, Title: "Also fine.", FromText: true, Text: "Also fine."},
			},
			rejects: []pipeline.Reject{
				{Path: "f.jsonl", Line: 2, Reason: "malformed JSON: unexpected end of line"},
				{Path: "f.jsonl", Line: 3, Reason: `missing "id"`},
				{Path: "f.jsonl", Line: 4, Reason: `missing "id"`},
				{Path: "f.jsonl", Line: 5, Reason: `missing "text"`},
				{Path: "f.jsonl", Line: 6, Reason: `"id": want a string, got number`},
				{Path: "f.jsonl", Line: 7, Reason: `published_at "yesterday"`},
				{Path: "f.jsonl", Line: 8, Reason: "no text"},
				{Path: "f.jsonl", Line: 9, Reason: "malformed JSON: want an object, got array"},
				{Path: "f.jsonl", Line: 10, Reason: `key "ID": keys are case-sensitive, want "id"`},
				{Path: "f.jsonl", Line: 11, Reason: `duplicate key "id"`},
				{Path: "f.jsonl", Line: 12, Reason: `"text": unpaired surrogate \udc00`},
				{Path: "f.jsonl", Line: 13, Reason: `duplicate id "ok1" (first seen in f.jsonl:1)`},
			},
		},
		{
			name: "NUL in JSON text is binary, as in a .txt",
			files: map[string]string{
				"n.jsonl": `{"id":"n","text":"new\u0000budget"}` + "\n" + `{"id":"ok","text":"A new budget."}`,
				"n.txt":   "new\x00budget",
			},
			want: []brief{{ID: "ok", Path: "n.jsonl", Line: 2, Title: "A new budget.", FromText: true, Text: "A new budget."}},
			rejects: []pipeline.Reject{
				{Path: "n.jsonl", Line: 1, Reason: "binary file (text holds a NUL character)"},
				{Path: "n.txt", Reason: "binary file (contains NUL bytes)"},
			},
		},
		{
			name: "rejects listed up to a cap per file, the rest counted",
			files: map[string]string{
				"many.jsonl": strings.Repeat("{}\n", MaxRejectsPerFile+150) + `{"id":"a","text":"Fine."}` + "\n" + `{"id":"a","text":"Again."}`,
				"one.jsonl":  "{}\n",
			},
			want: []brief{{ID: "a", Path: "many.jsonl", Line: MaxRejectsPerFile + 151, Title: "Fine.", FromText: true, Text: "Fine."}},
			rejects: append(capped("many.jsonl", MaxRejectsPerFile),
				pipeline.Reject{Path: "many.jsonl", Reason: fmt.Sprintf("151 more rejected lines, not listed: only the first %d rejects of a file are", MaxRejectsPerFile)},
				pipeline.Reject{Path: "one.jsonl", Line: 1, Reason: `missing "id"`}),
		},
		{
			name: "duplicate ids within and across files",
			files: map[string]string{
				"a.jsonl": `{"id":"d","text":"one"}` + "\n" + `{"id":"d","text":"two"}` + "\n",
				"b.jsonl": `{"id":"d","text":"three"}` + "\n",
				"c.txt":   "C text",
				"d.jsonl": `{"id":"c","text":"clash with c.txt"}`,
			},
			want: []brief{
				{ID: "d", Path: "a.jsonl", Line: 1, Title: "one", FromText: true, Text: "one"},
				txt("c", "C text"),
			},
			rejects: []pipeline.Reject{
				{Path: "a.jsonl", Line: 2, Reason: `duplicate id "d" (first seen in a.jsonl:1)`},
				{Path: "b.jsonl", Line: 1, Reason: `duplicate id "d" (first seen in a.jsonl:1)`},
				{Path: "d.jsonl", Line: 1, Reason: `duplicate id "c" (first seen in c.txt)`},
			},
		},

		// Links, errors, files that go away.
		{
			name:  "symbolic links not followed",
			files: map[string]string{"real/a.txt": "A", "outside/b.txt": "B"},
			setup: symlinks(map[string]string{
				"file.txt":  "real/a.txt", // would make a twice
				"dir":       "real",       // would make a twice
				"up":        "..",         // would escape the folder
				"loop1.txt": "loop2.txt", "loop2.txt": "loop1.txt",
				"dangling.jsonl": "nowhere.jsonl",
				"self":           "self",
			}),
			want: []brief{
				txt("outside/b", "B"),
				txt("real/a", "A"),
			},
			rejects: []pipeline.Reject{
				{Path: "dangling.jsonl", Reason: "symbolic link: not followed"},
				{Path: "dir", Reason: "symbolic link: not followed"},
				{Path: "file.txt", Reason: "symbolic link: not followed"},
				{Path: "loop1.txt", Reason: "symbolic link: not followed"},
				{Path: "loop2.txt", Reason: "symbolic link: not followed"},
				{Path: "self", Reason: "symbolic link: not followed"},
				{Path: "up", Reason: "symbolic link: not followed"},
			},
		},
		{
			name:  "permission denied and vanished files",
			files: map[string]string{"a.txt": "A", "locked.txt": "L", "locked.jsonl": "{}", "gone.txt": "G", "gone.jsonl": "{}", "z.txt": "Z"},
			open: func(dir, name string) (fs.File, error) {
				switch name {
				case "locked.txt", "locked.jsonl":
					return nil, &fs.PathError{Op: "open", Path: filepath.Join(dir, name), Err: fs.ErrPermission}
				case "gone.txt", "gone.jsonl":
					if err := os.Remove(filepath.Join(dir, name)); err != nil {
						return nil, err
					}
				}
				return nil, nil
			},
			want: []brief{txt("a", "A"), txt("z", "Z")},
			rejects: []pipeline.Reject{
				{Path: "gone.jsonl", Reason: "vanished: removed after the folder was listed"},
				{Path: "gone.txt", Reason: "vanished: removed after the folder was listed"},
				{Path: "locked.jsonl", Reason: "unreadable: permission denied"},
				{Path: "locked.txt", Reason: "unreadable: permission denied"},
			},
		},
		{
			name:  "read errors",
			files: map[string]string{"a.txt": "A", "bad.txt": "x", "bad.jsonl": "x", "z.txt": "Z"},
			open: func(dir, name string) (fs.File, error) {
				switch name {
				case "bad.txt":
					return &fakeFile{r: failAfter("Some text", 4, syscall.EIO), size: 9}, nil
				case "bad.jsonl":
					// The error comes after what Dir sniffs, in line 2.
					jsonl := `{"id":"j1","text":"` + strings.Repeat("J", sniffLen) + `"}` + "\n" + `{"id":"j2","text":"K"}` + "\n"
					return &fakeFile{r: failAfter(jsonl, len(jsonl)-5, syscall.EIO), size: int64(len(jsonl))}, nil
				}
				return nil, nil
			},
			want: []brief{
				txt("a", "A"),
				{ID: "j1", Path: "bad.jsonl", Line: 1, Title: strings.Repeat("J", sniffLen), FromText: true, Text: strings.Repeat("J", sniffLen)},
				txt("z", "Z"),
			},
			rejects: []pipeline.Reject{
				{Path: "bad.jsonl", Line: 2, Reason: "unreadable: input/output error (rest of file not read)"},
				{Path: "bad.txt", Reason: "unreadable: input/output error"},
			},
		},
	}
	runDirCases(t, tests)
}

func checkRejects(t *testing.T, got, want []pipeline.Reject) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("rejects: got %+v, want %+v", got, want)
	}
	for i := range got {
		if got[i].Path != want[i].Path || got[i].Line != want[i].Line || !strings.Contains(got[i].Reason, want[i].Reason) {
			t.Errorf("reject %d: got %s:%d %q, want %s:%d containing %q", i, got[i].Path, got[i].Line, got[i].Reason, want[i].Path, want[i].Line, want[i].Reason)
		}
	}
}

// TestDirDoesNotReadHugeFiles: Dir rejects a 100 MB .txt file from its size
// and reads no more of it than it sniffs, and keeps no more than the line
// limit of a 64 MB line.
func TestDirDoesNotReadHugeFiles(t *testing.T) {
	const huge = 100 << 20
	var txtRead int64
	dir := tree(t, map[string]string{"huge.txt": "", "line.jsonl": "", "ok.txt": "Ok."})
	opt := Options{MaxArticleBytes: 1 << 10}
	opt.open = opener(dir, func(name string) (fs.File, error) {
		switch name {
		case "huge.txt":
			return &fakeFile{r: &repeat{c: 'x', nl: 80}, size: huge, read: &txtRead}, nil
		case "line.jsonl":
			line := io.MultiReader(strings.NewReader(`{"id":"big","text":"`), io.LimitReader(&repeat{c: 'y'}, 64<<20),
				strings.NewReader(`"}`+"\n"+`{"id":"after","text":"After."}`+"\n"))
			return &fakeFile{r: line, size: 64 << 20}, nil
		}
		return nil, nil
	})
	var before, after runtimeMem
	before.read()
	res, err := Dir(context.Background(), dir, opt)
	if err != nil {
		t.Fatal(err)
	}
	after.read()
	var ids []string
	for _, a := range res.Articles {
		ids = append(ids, a.ID)
	}
	if got := strings.Join(ids, " "); got != "after ok" {
		t.Errorf("articles: got %q, want %q", got, "after ok")
	}
	checkRejects(t, res.Rejects, []pipeline.Reject{
		{Path: "huge.txt", Reason: "article too large: file of 104857600 bytes, limit 1024"},
		{Path: "line.jsonl", Line: 1, Reason: "article too large: line of more than 1054720 bytes"},
	})
	if txtRead > 64<<10 {
		t.Errorf("read %d bytes of huge.txt, want no more than one buffer (64 KiB)", txtRead)
	}
	if alloc := after.totalAlloc - before.totalAlloc; alloc > 16<<20 {
		t.Errorf("allocated %d MiB to read a 64 MiB line, want less than 16", alloc>>20)
	}
}

// TestDirUnreadable uses real permissions, which do not stop root.
func TestDirUnreadable(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("running as root, which reads any file: TestDir fakes permission errors instead")
	}
	dir := tree(t, map[string]string{"a.txt": "A", "locked.txt": "L", "closed/b.txt": "B", "z.txt": "Z"})
	if err := os.Chmod(filepath.Join(dir, "locked.txt"), 0); err != nil {
		t.Fatal(err)
	}
	closed := filepath.Join(dir, "closed")
	if err := os.Chmod(closed, 0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(closed, 0o755) })
	res, err := Dir(context.Background(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Articles) != 2 || res.Articles[0].ID != "a" || res.Articles[1].ID != "z" {
		t.Errorf("got %d articles, want a and z", len(res.Articles))
	}
	checkRejects(t, res.Rejects, []pipeline.Reject{
		{Path: "closed", Reason: "unreadable folder: permission denied"},
		{Path: "locked.txt", Reason: "unreadable: permission denied"},
	})
}

func TestDirErrors(t *testing.T) {
	dir := tree(t, map[string]string{"a.txt": "A", "file.txt": "x"})
	t.Run("missing folder", func(t *testing.T) {
		if _, err := Dir(context.Background(), filepath.Join(dir, "nope"), Options{}); err == nil {
			t.Errorf("got no error, want one")
		}
	})
	t.Run("not a folder", func(t *testing.T) {
		_, err := Dir(context.Background(), filepath.Join(dir, "file.txt"), Options{})
		if err == nil || !strings.Contains(err.Error(), "not a folder") {
			t.Errorf("got %v, want an error containing %q", err, "not a folder")
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := Dir(ctx, dir, Options{}); !errors.Is(err, context.Canceled) {
			t.Errorf("got %v, want %v", err, context.Canceled)
		}
	})
	t.Run("root is a link", func(t *testing.T) {
		link := filepath.Join(t.TempDir(), "link")
		if err := os.Symlink(dir, link); err != nil {
			t.Skipf("cannot make symbolic links here: %v", err)
		}
		res, err := Dir(context.Background(), link, Options{})
		if err != nil || len(res.Articles) != 2 {
			t.Errorf("got %d articles, error %v; want the 2 of the folder linked to", len(res.Articles), err)
		}
	})
}

// TestDirDeterministic: the same folder gives the same articles, ids and
// rejects in the same order, run after run and whatever Options.Workers.
func TestDirDeterministic(t *testing.T) {
	files := map[string]string{}
	for _, n := range []string{"q", "b", "x/a", "x/b/c", "m", "z"} {
		files[n+".txt"] = "Text of " + n
	}
	files["feed.jsonl"] = `{"id":"j1","text":"J"}` + "\n" + `{"id":"q","text":"dup of q.txt"}` + "\n"
	files["feed.json"] = `[{"id":"a1","text":"A"},{"id":"j1","text":"wins over feed.jsonl:1"},{"id":"a3","text":"C"}]`
	files["x/feed.jsonl.gz"] = gz(`{"id":"g1","text":"G"}` + "\n" + `{"id":"g2","text":"H"}` + "\n")
	files["web/page.html"] = "<title>Page</title><article><p>One paragraph.</p><p>Another.</p></article>"
	files["web/z.htm"] = "<p>Z page.</p>"
	files["x/b.html"] = "<p>Clash with x/b/ only in name: id x/b.</p>"
	files["bad.json"] = "{}"
	dir := tree(t, files)
	first, err := Dir(context.Background(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, workers := range []int{1, 1, 2, 3, 8, 8} {
		again, err := Dir(context.Background(), dir, Options{Workers: workers})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(again, first) {
			t.Fatalf("workers %d: got %+v, want %+v", workers, again, first)
		}
	}
	var ids []string
	for _, a := range first.Articles {
		ids = append(ids, where(a.SourcePath, a.Line)+"="+a.ID)
	}
	want := "feed.json:1=a1 feed.json:2=j1 feed.json:3=a3 feed.jsonl:2=q m.txt=m web/page.html=web/page web/z.htm=web/z " +
		"x/a.txt=x/a x/b.html=x/b x/b/c.txt=x/b/c x/feed.jsonl.gz:1=g1 x/feed.jsonl.gz:2=g2 z.txt=z"
	if got := strings.Join(ids, " "); got != "b.txt=b "+want {
		t.Errorf("got  %s\nwant %s", got, "b.txt=b "+want)
	}
	// feed.json sorts before feed.jsonl, and that before q.txt.
	checkRejects(t, first.Rejects, []pipeline.Reject{
		{Path: "bad.json", Reason: "malformed JSON: want an array, got object"},
		{Path: "feed.jsonl", Line: 1, Reason: `duplicate id "j1" (first seen in feed.json:2)`},
		{Path: "q.txt", Reason: `duplicate id "q" (first seen in feed.jsonl:2)`},
	})
}

func TestParseJSONLine(t *testing.T) {
	tests := []struct {
		name    string
		line    string
		want    brief
		wantErr string
	}{
		{"minimal", `{"id":"a","text":"T\nU"}`, brief{ID: "a", Title: "T", FromText: true, Text: "T\nU"}, ""},
		{"unknown fields ignored", `{"id":"a","text":"T","lang":"en","n":5}`, brief{ID: "a", Title: "T", FromText: true, Text: "T"}, ""},
		{"null optional fields", `{"id":"a","text":"T","title":null,"url":null,"published_at":null}`, brief{ID: "a", Title: "T", FromText: true, Text: "T"}, ""},
		{"blank title from text", `{"id":"a","text":"T","title":"  "}`, brief{ID: "a", Title: "T", FromText: true, Text: "T"}, ""},
		{"white space around", " \t{ \"id\" : \"a\" , \"text\" : \"T\" } ", brief{ID: "a", Title: "T", FromText: true, Text: "T"}, ""},
		{"escapes and surrogate pair", `{"id":"\u00e9","text":"\ud83d\ude00 \"q\" \\ \/"}`, brief{ID: "\u00e9", Title: "\U0001F600 \"q\" \\ /", FromText: true, Text: "\U0001F600 \"q\" \\ /"}, ""},
		{"escaped U+FFFD kept", `{"id":"a","text":"\ufffd"}`, brief{ID: "a", Title: "\ufffd", FromText: true, Text: "\ufffd"}, ""},
		{"empty text is for checkText", `{"id":"a","text":""}`, brief{ID: "a", FromText: true}, ""},
		{"null id", `{"id":null,"text":"T"}`, brief{}, `missing "id"`},
		{"null text", `{"id":"a","text":null}`, brief{}, `missing "text"`},
		{"id as number", `{"id":5,"text":"T"}`, brief{}, `"id": want a string, got number`},
		{"text as number", `{"id":"a","text":5}`, brief{}, `"text": want a string, got number`},
		{"title as number", `{"id":"a","text":"T","title":5}`, brief{}, `"title": want a string, got number`},
		{"url as object", `{"id":"a","text":"T","url":{}}`, brief{}, `"url": want a string, got object`},
		{"source as array", `{"id":"a","text":"T","source":["x"]}`, brief{}, `"source": want a string, got array`},
		{"published_at as boolean", `{"id":"a","text":"T","published_at":true}`, brief{}, `"published_at": want a string, got boolean`},
		{"upper-case id", `{"ID":"a","text":"T"}`, brief{}, `key "ID": keys are case-sensitive, want "id"`},
		{"mixed-case text", `{"id":"a","Text":"T"}`, brief{}, `key "Text": keys are case-sensitive, want "text"`},
		{"Kelvin sign folds to k", "{\"id\":\"a\",\"text\":\"T\",\"\u212aey\":1,\"Published_At\":\"x\"}", brief{}, `key "Published_At"`},
		{"both cases", `{"id":"a","text":"T","Title":"x","title":"y"}`, brief{}, `key "Title": keys are case-sensitive, want "title"`},
		{"duplicate key", `{"id":"a","text":"T","id":"b"}`, brief{}, `duplicate key "id"`},
		{"duplicate unknown key", `{"id":"a","text":"T","x":1,"x":2}`, brief{}, `duplicate key "x"`},
		{"lone high surrogate", `{"id":"\ud800","text":"T"}`, brief{}, `"id": unpaired surrogate \ud800`},
		{"lone low surrogate", `{"id":"a","text":"x\uDC00"}`, brief{}, `"text": unpaired surrogate \udc00`},
		{"high surrogate then letter", `{"id":"a","text":"\ud83d\u0041"}`, brief{}, `"text": unpaired surrogate \ud83d`},
		{"two high surrogates", `{"id":"a","text":"\ud83d\ud83d\ude00"}`, brief{}, `"text": unpaired surrogate \ud83d`},
		{"invalid UTF-8", "{\"id\":\"a\",\"text\":\"caf\xe9\"}", brief{}, "not valid UTF-8: byte 0xe9 at column 22"},
		{"encoded surrogate is invalid UTF-8", "{\"id\":\"a\",\"text\":\"\xed\xa0\x80\"}", brief{}, "not valid UTF-8: byte 0xed at column 19"},
		{"null line", `null`, brief{}, "malformed JSON: want an object, got null"},
		{"string line", `"a"`, brief{}, "malformed JSON: want an object, got string"},
		{"number line", `5`, brief{}, "malformed JSON: want an object, got number"},
		{"empty line", ``, brief{}, "malformed JSON: no value"},
		{"truncated", `{"id":"a","text":"T`, brief{}, "malformed JSON: unexpected end of line"},
		{"trailing comma", `{"id":"a","text":"T",}`, brief{}, "malformed JSON"},
		{"trailing garbage", `{"id":"a","text":"T"} x`, brief{}, "malformed JSON: data after the object"},
		{"two objects", `{"id":"a","text":"T"}{"id":"b","text":"U"}`, brief{}, "malformed JSON: data after the object"},
		{"byte order mark", "\ufeff" + `{"id":"a","text":"T"}`, brief{}, "malformed JSON"},
		{"bad date", `{"id":"a","text":"T","published_at":"2024-13-01"}`, brief{}, "published_at"},
		{"unknown zone", `{"id":"a","text":"T","published_at":"Wed, 01 May 2024 12:30:00 CET"}`, brief{}, `time zone "CET" not supported`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := ParseJSONLine([]byte(tt.line))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got %v, want an error containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("got error %q, want none", err)
			}
			if got := briefOf(a); got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestParseTime(t *testing.T) {
	tests := []struct {
		in   string
		want string // RFC 3339 in UTC; "" for an error
	}{
		{"2024-05-01T12:30:00Z", "2024-05-01T12:30:00Z"},
		{"2024-05-01T12:30:00+09:00", "2024-05-01T03:30:00Z"},
		{"2024-05-01T12:30:00.123456Z", "2024-05-01T12:30:00Z"},
		{"  2024-05-01T12:30:00Z\t", "2024-05-01T12:30:00Z"},
		{"2024-05-01 12:30:00Z", "2024-05-01T12:30:00Z"},
		{"2024-05-01 12:30:00-05:00", "2024-05-01T17:30:00Z"},
		{"2024-05-01T12:30:00+0200", "2024-05-01T10:30:00Z"},
		{"2024-05-01 12:30:00.5+0200", "2024-05-01T10:30:00Z"},
		{"Wed, 01 May 2024 12:30:00 GMT", "2024-05-01T12:30:00Z"},
		{"Wed, 01 May 2024 12:30:00 UTC", "2024-05-01T12:30:00Z"},
		{"Wed, 01 May 2024 12:30:00 UT", "2024-05-01T12:30:00Z"},
		{"Wed, 01 May 2024 12:30:00 Z", "2024-05-01T12:30:00Z"},
		{"Wed, 01 May 2024 12:30:00 -0400", "2024-05-01T16:30:00Z"},
		{"Wed, 1 May 2024 12:30:00 +0530", "2024-05-01T07:00:00Z"},
		{"01 May 2024 12:30:00 +0000", "2024-05-01T12:30:00Z"},
		{"Wed, 01 May 2024 12:30:00", "2024-05-01T12:30:00Z"},
		{"2024-05-01T12:30:00", "2024-05-01T12:30:00Z"},
		{"2024-05-01 12:30:00", "2024-05-01T12:30:00Z"},
		{"2024-05-01 12:30:00 EST", "2024-05-01T17:30:00Z"},
		{"2024-05-01", "2024-05-01T00:00:00Z"},
		{"", ""},
		{"yesterday", ""},
		{"next week", ""},
		{"2024-02-30", ""},
		{"01/05/2024", ""},
		{"2024-05-01T25:00:00Z", ""},
		{"Wed, 01 May 2024 12:30:00 CET", ""},
		{"Wed, 01 May 2024 12:30:00 IST", ""},
		{"Wed, 01 May 2024 12:30:00 XYZ", ""},
		{"Wed, 01 May 2024 12:30:00 +99", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseTime(tt.in)
			if tt.want == "" {
				if err == nil {
					t.Errorf("got %v, want an error", got)
				}
				return
			}
			if err != nil {
				t.Fatalf("got error %q, want %q", err, tt.want)
			}
			if got.Location() != time.UTC {
				t.Errorf("got location %v, want UTC", got.Location())
			}
			if s := got.Format(time.RFC3339); s != tt.want {
				t.Errorf("got %q, want %q", s, tt.want)
			}
		})
	}
}

// TestParseTimeZoneNames: RFC 1123 (RFC 822) dates may name US zones, and
// the result must not depend on the machine's zone, which time.Parse
// consults for abbreviations.
func TestParseTimeZoneNames(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Wed, 01 May 2024 12:30:00 EST", "2024-05-01T17:30:00Z"},
		{"Wed, 01 May 2024 12:30:00 EDT", "2024-05-01T16:30:00Z"},
		{"Wed, 01 May 2024 12:30:00 CST", "2024-05-01T18:30:00Z"},
		{"Wed, 01 May 2024 12:30:00 CDT", "2024-05-01T17:30:00Z"},
		{"Wed, 01 May 2024 12:30:00 MST", "2024-05-01T19:30:00Z"},
		{"Wed, 01 May 2024 12:30:00 MDT", "2024-05-01T18:30:00Z"},
		{"Wed, 01 May 2024 12:30:00 PST", "2024-05-01T20:30:00Z"},
		{"Wed, 01 May 2024 12:30:00 PDT", "2024-05-01T19:30:00Z"},
		{"Wed, 01 May 2024 12:30:00 pdt", "2024-05-01T19:30:00Z"},
		{"Wed, 01 May 2024 12:30:00 GMT", "2024-05-01T12:30:00Z"},
		{"Wed, 01 May 2024 12:30:00 -0700", "2024-05-01T19:30:00Z"},
		{"Wed, 01 May 2024 12:30:00 CET", ""},
		{"Wed, 01 May 2024 12:30:00 BST", ""},
	}
	local := time.Local
	t.Cleanup(func() { time.Local = local })
	// Zones that give the abbreviations other offsets, or none.
	for _, zone := range []*time.Location{time.UTC, time.FixedZone("CET", 3600), time.FixedZone("PDT", 9*3600), time.FixedZone("EST", -5*3600)} {
		time.Local = zone
		for _, tt := range tests {
			t.Run(zone.String()+"/"+tt.in, func(t *testing.T) {
				got, err := ParseTime(tt.in)
				if tt.want == "" {
					if err == nil || !strings.Contains(err.Error(), "not supported") {
						t.Errorf("got %v, %v; want an error saying the zone is not supported", got, err)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if s := got.Format(time.RFC3339); s != tt.want {
					t.Errorf("got %q, want %q", s, tt.want)
				}
			})
		}
	}
}

func TestFirstLine(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"\n \n\t", ""},
		{"one", "one"},
		{"\r\n  Title  \r\nbody", "Title"},
		{"a\nb", "a"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := FirstLine(tt.in); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestStage(t *testing.T) {
	t.Run("fills docs and counts", func(t *testing.T) {
		p := pipeline.DefaultParams()
		p.Input = tree(t, map[string]string{"a.txt": "A", "b.md": "B"})
		st := pipeline.NewState(p)
		if err := (Stage{}).Run(context.Background(), st, pipeline.NoProgress{}); err != nil {
			t.Fatal(err)
		}
		if len(st.Docs) != 1 || st.Docs[0].ID != "a" {
			t.Fatalf("got %d docs, want one with id %q", len(st.Docs), "a")
		}
		if st.Counts["articles_read"] != 1 || st.Counts["rejected"] != 1 {
			t.Errorf("got counts %v, want 1 read and 1 rejected", st.Counts)
		}
	})
	t.Run("reports bytes read", func(t *testing.T) {
		files := map[string]string{"a.txt": "A", "b.jsonl.gz": gz(rec("b1", "B") + "\n"), "c.md": "C", "photo.txt": "\xff\xd8\xff\xe0 JFIF"}
		var want int64
		for _, text := range files {
			want += int64(len(text))
		}
		p := pipeline.DefaultParams()
		p.Input = tree(t, files)
		st := pipeline.NewState(p)
		var prog byteProgress
		if err := (Stage{}).Run(context.Background(), st, &prog); err != nil {
			t.Fatal(err)
		}
		if wantLog := []string{fmt.Sprintf("StartBytes load %d", want)}; !reflect.DeepEqual(prog.log, wantLog) {
			t.Errorf("got %q, want %q", prog.log, wantLog)
		}
		if got := prog.added.Load(); got != want {
			t.Errorf("got %d bytes added, want %d", got, want)
		}
	})
	t.Run("nothing usable is an error", func(t *testing.T) {
		p := pipeline.DefaultParams()
		p.Input = tree(t, map[string]string{"a.txt": " "})
		st := pipeline.NewState(p)
		err := (Stage{}).Run(context.Background(), st, pipeline.NoProgress{})
		if err == nil || !strings.Contains(err.Error(), "no usable article") {
			t.Errorf("got %v, want an error containing %q", err, "no usable article")
		}
		if len(st.Rejects) != 1 {
			t.Errorf("got %d rejects, want 1", len(st.Rejects))
		}
	})
}

// byteProgress records how a stage is announced to it and the units
// added.
type byteProgress struct {
	mu    sync.Mutex
	log   []string
	added atomic.Int64
}

var _ pipeline.ByteProgress = (*byteProgress)(nil)

func (b *byteProgress) Start(stage string, total int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.log = append(b.log, fmt.Sprintf("Start %s %d", stage, total))
}

func (b *byteProgress) StartBytes(stage string, total int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.log = append(b.log, fmt.Sprintf("StartBytes %s %d", stage, total))
}

func (b *byteProgress) Add(n int)     { b.added.Add(int64(n)) }
func (b *byteProgress) Done(s string) {}

func ExampleParseTime() {
	for _, s := range []string{"2024-05-01T12:30:00+02:00", "Wed, 01 May 2024 12:30:00 EDT", "2024-05-01", "Wed, 01 May 2024 12:30:00 CET"} {
		t, err := ParseTime(s)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(t.Format(time.RFC3339))
	}
	// Output:
	// 2024-05-01T10:30:00Z
	// 2024-05-01T16:30:00Z
	// 2024-05-01T00:00:00Z
	// published_at "Wed, 01 May 2024 12:30:00 CET": time zone "CET" not supported (want a numeric offset such as -0500, or one of UTC, UT, GMT, Z, EST, EDT, CST, CDT, MST, MDT, PST, PDT)
}

func FuzzParseJSONLine(f *testing.F) {
	for _, s := range []string{
		`{"id":"a","text":"T"}`,
		`{"id":"w1","text":"Body.\nMore.","title":"t","url":"u","source":"s","published_at":"2024-05-01T12:30:00Z"}`,
		`{"id":"a","text":"T","published_at":"Wed, 01 May 2024 12:30:00 GMT"}`,
		`{"id":"a","text":"T","published_at":"Wed, 01 May 2024 12:30:00 PDT"}`,
		`{"id":"a","text":"T","published_at":"2024-05-01"}`,
		`{"id":" ","text":"T"}`,
		`{"id":1,"text":"T"}`,
		`{"ID":"a","text":"T"}`,
		`{"id":"a","text":"T","id":"b"}`,
		`{"id":"\u00e9\ud800","text":"\u2028"}`,
		`{"id":"a","text":"\ud83d\ude00\\u\"\ufffd"}`,
		`null`, `[]`, `{`, "\xff", "{\"id\":\"a\",\"text\":\"\xed\xa0\x80\"}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		a, err := ParseJSONLine(raw)
		if err != nil {
			return
		}
		if !utf8.Valid(raw) {
			t.Errorf("got no error for invalid UTF-8 %q", raw)
		}
		if a.ID == "" || strings.TrimSpace(a.ID) != a.ID {
			t.Errorf("got id %q, want non-empty and trimmed", a.ID)
		}
		if a.TitleFromText && a.Title != FirstLine(a.Text) {
			t.Errorf("got title %q, want the first line %q", a.Title, FirstLine(a.Text))
		}
		if !a.PublishedAt.IsZero() && a.PublishedAt.Location() != time.UTC {
			t.Errorf("got location %v, want UTC", a.PublishedAt.Location())
		}
		// No replacement character that was not in the line: encoding/json
		// makes one of an unpaired surrogate.
		hadFFFD := strings.Contains(strings.ToLower(string(raw)), `\ufffd`) || strings.ContainsRune(string(raw), utf8.RuneError)
		for _, s := range []string{a.ID, a.Text, a.Title, a.URL, a.Source} {
			if !utf8.ValidString(s) {
				t.Errorf("got field %q, want valid UTF-8", s)
			}
			if !hadFFFD && strings.ContainsRune(s, utf8.RuneError) {
				t.Errorf("got field %q with U+FFFD from %q", s, raw)
			}
		}
	})
}

// TestUTF16Decoder feeds the decoder one byte at a time, so that surrogate
// pairs and code units are split across reads.
func TestUTF16Decoder(t *testing.T) {
	tests := []struct {
		name, in, want, wantErr string
	}{
		{"ASCII", "Hello\n", "Hello\n", ""},
		{"BMP and astral", "Caf\u00e9 \u65e5 \U0001F600\U0001F4F0", "Caf\u00e9 \u65e5 \U0001F600\U0001F4F0", ""},
		{"empty", "", "", ""},
	}
	for _, tt := range tests {
		for _, bigEndian := range []bool{false, true} {
			t.Run(fmt.Sprint(tt.name, bigEndian), func(t *testing.T) {
				enc := encUTF16LE
				if bigEndian {
					enc = encUTF16BE
				}
				raw := utf16Of(tt.in, bigEndian)[2:]
				got, err := io.ReadAll(transform.NewReader(iotest.OneByteReader(strings.NewReader(raw)), utf16Decoder(enc, 2)))
				if err != nil || string(got) != tt.want {
					t.Errorf("got %q, %v; want %q", got, err, tt.want)
				}
			})
		}
	}
	bad := []struct{ name, in, wantErr string }{
		{"odd byte", "a\x00b", "invalid UTF-16: odd number of bytes"},
		{"high surrogate at the end", "a\x00\x3d\xd8", "invalid UTF-16: unpaired surrogate at byte 4"},
		{"high surrogate and one byte", "a\x00\x3d\xd8\x00", "invalid UTF-16: unpaired surrogate at byte 4"},
		{"high surrogate then letter", "\x3d\xd8a\x00", "invalid UTF-16: unpaired surrogate at byte 2"},
		{"low surrogate first", "a\x00b\x00\x00\xde\x3d\xd8", "invalid UTF-16: unpaired surrogate at byte 6"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			got, err := io.ReadAll(transform.NewReader(iotest.OneByteReader(strings.NewReader(tt.in)), utf16Decoder(encUTF16LE, 2)))
			if err == nil || err.Error() != tt.wantErr || !errors.Is(err, ErrUTF16) {
				t.Errorf("got %q, %v; want error %q", got, err, tt.wantErr)
			}
		})
	}
}

// TestReadLine reads through a 16-byte buffer, the smallest bufio allows,
// so that lines span several buffers.
func TestReadLine(t *testing.T) {
	type line struct {
		text    string
		tooLong bool
	}
	tests := []struct {
		name  string
		in    string
		limit int
		want  []line
	}{
		{"short lines", "a\nb\r\n\nc", 0, []line{{"a\n", false}, {"b\r\n", false}, {"\n", false}, {"c", false}}},
		{"long lines", strings.Repeat("x", 40) + "\n" + strings.Repeat("y", 33), 0, []line{{strings.Repeat("x", 40) + "\n", false}, {strings.Repeat("y", 33), false}}},
		{"limit", strings.Repeat("x", 40) + "\nshort\n" + strings.Repeat("y", 21), 20, []line{{"", true}, {"short\n", false}, {"", true}}},
		{"line of exactly the limit", strings.Repeat("x", 19) + "\n" + strings.Repeat("y", 20), 20, []line{{strings.Repeat("x", 19) + "\n", false}, {strings.Repeat("y", 20), false}}},
		{"empty", "", 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := bufio.NewReaderSize(strings.NewReader(tt.in), 16)
			var got []line
			total := 0
			for {
				b, n, tooLong, err := readLine(r, tt.limit)
				if n == 0 && err == io.EOF {
					break
				}
				total += n
				if !tooLong && n != len(b) {
					t.Errorf("got n %d for line %q", n, b)
				}
				got = append(got, line{string(b), tooLong})
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
			if total != len(tt.in) {
				t.Errorf("got %d bytes in all, want %d", total, len(tt.in))
			}
		})
	}
}

// ExampleDir is the example of the package comment.
func ExampleDir() {
	dir, err := os.MkdirTemp("", "load")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	os.Mkdir(filepath.Join(dir, "wire"), 0o755)
	os.WriteFile(filepath.Join(dir, "wire", "a.txt"), []byte("Headline\n\nBody."), 0o644)
	os.WriteFile(filepath.Join(dir, "feed.jsonl"), []byte(`{"id":"x1","text":"Body.","published_at":"Wed, 01 May 2024 12:30:00 EDT"}`+"\n"+
		`{"ID":"x2","text":"Body."}`+"\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "photo.txt"), []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00"), 0o644)

	res, err := Dir(context.Background(), dir, Options{MaxArticleBytes: 4 << 20})
	if err != nil {
		panic(err)
	}
	for _, a := range res.Articles {
		fmt.Printf("article %s:%d id %q title %q published %s\n", a.SourcePath, a.Line, a.ID, a.Title, a.PublishedAt.Format(time.RFC3339))
	}
	for _, r := range res.Rejects {
		fmt.Printf("reject %s:%d %s\n", r.Path, r.Line, r.Reason)
	}
	// Output:
	// article feed.jsonl:1 id "x1" title "Body." published 2024-05-01T16:30:00Z
	// article wire/a.txt:0 id "wire/a" title "Headline" published 0001-01-01T00:00:00Z
	// reject feed.jsonl:2 key "ID": keys are case-sensitive, want "id"
	// reject photo.txt:0 binary file (JPEG image)
}

// dirCase is one case of a table of Dir runs.
type dirCase struct {
	name    string
	files   map[string]string
	setup   func(t *testing.T, dir string)                 // after files are written
	open    func(dir string, name string) (fs.File, error) // to fake a file or an error
	opt     Options
	want    []brief
	rejects []pipeline.Reject // Reason compared as a substring
}

func runDirCases(t *testing.T, tests []dirCase) {
	t.Helper()
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
			res, err := Dir(context.Background(), dir, opt)
			if err != nil {
				t.Fatal(err)
			}
			var got []brief
			for _, a := range res.Articles {
				got = append(got, briefOf(a))
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("articles:\ngot  %+v\nwant %+v", got, tt.want)
			}
			checkRejects(t, res.Rejects, tt.rejects)
		})
	}
}

// capped returns the rejects of the first n lines of a file of "{}" lines.
func capped(path string, n int) []pipeline.Reject {
	var rs []pipeline.Reject
	for line := 1; line <= n; line++ {
		rs = append(rs, pipeline.Reject{Path: path, Line: line, Reason: `missing "id"`})
	}
	return rs
}
