package load

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dedupe/dedupe/pipeline"
)

// jsonRec is a JSONL line with id and text, escaped as JSON (rec uses Go
// quoting, which differs from JSON for some characters).
func jsonRec(t testing.TB, id, text string) string {
	t.Helper()
	b, err := json.Marshal(map[string]string{"id": id, "text": text})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// lineCounter counts the "\n" bytes read through it.
type lineCounter struct {
	r     io.Reader
	lines atomic.Int64
}

func (c *lineCounter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.lines.Add(int64(bytes.Count(p[:n], []byte{'\n'})))
	return n, err
}

// dirResult is what Dir returned.
type dirResult struct {
	res Result
	err error
}

// dirWithin runs Dir and fails the test if it has not returned after a
// minute: a watchdog that turns a deadlock into a failure, not a measure.
func dirWithin(t *testing.T, ctx context.Context, dir string, opt Options) (Result, error) {
	t.Helper()
	done := make(chan dirResult, 1)
	go func() {
		res, err := Dir(ctx, dir, opt)
		done <- dirResult{res, err}
	}()
	select {
	case r := <-done:
		return r.res, r.err
	case <-time.After(time.Minute):
		t.Fatal("Dir did not return: deadlock?")
		return Result{}, nil
	}
}

// TestDirPrepare: with Prepare, Result.Docs holds the articles Dir returns
// without it, in the same order, with the same rejects, whatever Workers,
// each as Prepare left it.
func TestDirPrepare(t *testing.T) {
	files := map[string]string{
		"a.txt":     "Alpha \u201cquoted\u201d\r\nSecond\u00a0line, cafe\u0301.",
		"b.txt":     "Beta.",
		"sub/c.txt": "Gamma.",
		"w.txt":     "Caf\xe9 \x93Windows-1252\x94.", // decoded: the checksum is of the text as read
		"z.txt":     "Zeta.",
		"bad.txt":   "\x89PNG\r\n\x1a\nnot text",
		"notes.md":  "Unsupported.",
		"feed.jsonl": strings.Join([]string{
			jsonRec(t, "j1", "First \u2014 line."),
			`{"id":"j2","text":`,
			"",
			jsonRec(t, "j3", "Third.\r\nWith CRLF."),
			jsonRec(t, "j1", "Same id as line 1."),
			jsonRec(t, "b", "Same id as b.txt."),
			jsonRec(t, "j7", "Seventh."),
		}, "\n") + "\n",
	}
	dir := tree(t, files)
	plain, err := Dir(context.Background(), dir, Options{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	if plain.Docs != nil {
		t.Errorf("without Prepare: got %d docs, want none", len(plain.Docs))
	}
	// The folder holds what the test is about: rejects of each kind.
	checkRejects(t, plain.Rejects, []pipeline.Reject{
		{Path: "bad.txt", Reason: "binary file"},
		{Path: "feed.jsonl", Line: 2, Reason: "malformed JSON"},
		{Path: "feed.jsonl", Line: 5, Reason: `duplicate id "j1"`},
		{Path: "feed.jsonl", Line: 6, Reason: `duplicate id "b"`},
		{Path: "notes.md", Reason: "unsupported file type"},
	})
	if len(plain.Articles) != 8 {
		t.Fatalf("without Prepare: got %d articles, want 8", len(plain.Articles))
	}

	castagnoli := crc32.MakeTable(crc32.Castagnoli)
	for _, a := range plain.Articles {
		if want := crc32.Checksum([]byte(a.Text), castagnoli); a.Checksum != want {
			t.Errorf("%s:%d: got checksum %08x, want CRC-32C %08x of its text", a.SourcePath, a.Line, a.Checksum, want)
		}
	}
	// The text as read is the file's own for UTF-8, so is its checksum.
	if a := plain.Articles[0]; a.SourcePath != "a.txt" || a.Checksum != crc32.Checksum([]byte(files["a.txt"]), castagnoli) {
		t.Errorf("first article %s: got checksum %08x, want that of the file's bytes", a.SourcePath, a.Checksum)
	}

	for _, workers := range []int{1, 2, 4} {
		t.Run(fmt.Sprintf("workers %d", workers), func(t *testing.T) {
			var calls atomic.Int32
			opt := Options{Workers: workers, Prepare: func(d *pipeline.Doc) error {
				calls.Add(1)
				// As the normalize stage does: keep a derived field, drop
				// the text.
				d.Normalized, d.Text = d.Text, ""
				return nil
			}}
			res, err := dirWithin(t, context.Background(), dir, opt)
			if err != nil {
				t.Fatal(err)
			}
			if res.Articles != nil {
				t.Errorf("got %d articles, want none: they are in Docs", len(res.Articles))
			}
			if len(res.Docs) != len(plain.Articles) {
				t.Fatalf("got %d docs, want %d", len(res.Docs), len(plain.Articles))
			}
			for i, d := range res.Docs {
				if d.Text != "" {
					t.Errorf("doc %d: got text %q, want it dropped as Prepare left it", i, d.Text)
				}
				a := d.Article
				a.Text = d.Normalized
				if !reflect.DeepEqual(a, plain.Articles[i]) {
					t.Errorf("doc %d:\ngot  %+v\nwant %+v", i, a, plain.Articles[i])
				}
			}
			if !reflect.DeepEqual(res.Rejects, plain.Rejects) {
				t.Errorf("rejects:\ngot  %+v\nwant %+v", res.Rejects, plain.Rejects)
			}
			if got := int(calls.Load()); got < len(res.Docs) {
				t.Errorf("got %d Prepare calls for %d docs, want at least one each", got, len(res.Docs))
			}
		})
	}
}

// TestDirPrepareStreams: Dir prepares each article of a large JSONL file
// soon after reading it, not after reading the whole file.
func TestDirPrepareStreams(t *testing.T) {
	const lines = 1000
	var b strings.Builder
	for i := range lines {
		fmt.Fprintf(&b, `{"id":"n%d","text":"Line %d. %s"}`+"\n", i+1, i+1, strings.Repeat("words ", 1700)) // about 10 KB
	}
	content := b.String()
	dir := tree(t, map[string]string{"big.jsonl": ""})
	for _, workers := range []int{1, 4} {
		t.Run(fmt.Sprintf("workers %d", workers), func(t *testing.T) {
			counter := &lineCounter{r: strings.NewReader(content)}
			opt := Options{Workers: workers}
			opt.open = opener(dir, func(string) (fs.File, error) {
				return &fakeFile{r: counter, size: int64(len(content))}, nil
			})
			// readAt[k] is how many lines had been read when the k-th
			// Prepare call began; line[k] the line of its article.
			var (
				calls  atomic.Int64
				readAt = make([]int64, lines+1)
				line   = make([]int, lines+1)
			)
			opt.Prepare = func(d *pipeline.Doc) error {
				k := calls.Add(1)
				readAt[k], line[k] = counter.lines.Load(), d.Line
				d.Text = ""
				return nil
			}
			res, err := dirWithin(t, context.Background(), dir, opt)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Docs) != lines || calls.Load() != lines {
				t.Fatalf("got %d docs and %d Prepare calls, want %d", len(res.Docs), calls.Load(), lines)
			}
			// When the k-th call begins, at most k-1 articles are done and
			// one per worker is held; the queue, the reader and its
			// buffer hold a few more. A reader that read the file first
			// would be at line 1000 from k = 1.
			for k := 1; k <= lines; k++ {
				if readAt[k] >= int64(k)+64 {
					t.Fatalf("Prepare call %d (line %d) began after %d lines were read, want fewer than %d", k, line[k], readAt[k], k+64)
				}
				// One worker prepares the lines in order: call k is line k.
				if workers == 1 && line[k] != k {
					t.Fatalf("one worker: Prepare call %d got line %d, want %d", k, line[k], k)
				}
			}
		})
	}
}

// TestDirPrepareError: an error from Prepare stops Dir, which returns it,
// and Prepare is not called again once the error is known.
func TestDirPrepareError(t *testing.T) {
	boom := errors.New("boom")
	files := map[string]string{}
	for i := range 200 {
		files[fmt.Sprintf("f%03d.txt", i)] = fmt.Sprintf("Article %d.", i)
	}
	dir := tree(t, files)
	tests := []struct {
		name     string
		workers  int
		fail     func(d *pipeline.Doc) bool
		maxCalls int
	}{
		// One reader and one preparer go in path order: f000 to f100.
		{"one worker, fails on f100", 1, func(d *pipeline.Doc) bool { return d.ID == "f100" }, 101},
		// Each preparer stops after its first failure.
		{"four workers, fail on every article", 4, func(*pipeline.Doc) bool { return true }, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls atomic.Int32
			opt := Options{Workers: tt.workers, Prepare: func(d *pipeline.Doc) error {
				calls.Add(1)
				if tt.fail(d) {
					return fmt.Errorf("%s: %w", d.ID, boom)
				}
				return nil
			}}
			res, err := dirWithin(t, context.Background(), dir, opt)
			if !errors.Is(err, boom) {
				t.Fatalf("got %v, want an error wrapping %q", err, boom)
			}
			if len(res.Docs) != 0 {
				t.Errorf("got %d docs with the error, want none", len(res.Docs))
			}
			if got := int(calls.Load()); got > tt.maxCalls {
				t.Errorf("got %d Prepare calls, want at most %d", got, tt.maxCalls)
			}
		})
	}
	t.Run("stops reading a large JSONL file", func(t *testing.T) {
		const lines = 5000
		var b strings.Builder
		for i := range lines {
			b.WriteString(jsonRec(t, fmt.Sprintf("n%d", i), fmt.Sprintf("Line %d of the feed.", i)) + "\n")
		}
		content := b.String()
		counter := &lineCounter{r: strings.NewReader(content)}
		opt := Options{Workers: 1, Prepare: func(*pipeline.Doc) error { return boom }}
		jsonlDir := tree(t, map[string]string{"feed.jsonl": ""})
		opt.open = opener(jsonlDir, func(string) (fs.File, error) {
			return &fakeFile{r: counter, size: int64(len(content))}, nil
		})
		_, err := dirWithin(t, context.Background(), jsonlDir, opt)
		if !errors.Is(err, boom) {
			t.Fatalf("got %v, want an error wrapping %q", err, boom)
		}
		if got := counter.lines.Load(); got >= lines {
			t.Errorf("read all %d lines after the first failed, want Dir to stop reading", got)
		}
	})
}

// TestDirPrepareCancel: cancelling ctx while Prepare is busy and the
// readers wait for room in the queue ends Dir with context.Canceled.
func TestDirPrepareCancel(t *testing.T) {
	files := map[string]string{}
	for i := range 100 {
		files[fmt.Sprintf("f%03d.txt", i)] = fmt.Sprintf("Article %d.", i)
	}
	dir := tree(t, files)
	for _, workers := range []int{1, 3} {
		t.Run(fmt.Sprintf("workers %d", workers), func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			started := make(chan struct{})
			var once sync.Once
			opt := Options{Workers: workers, Prepare: func(*pipeline.Doc) error {
				once.Do(func() { close(started) })
				<-ctx.Done() // slow: busy until the run is cancelled
				return nil
			}}
			go func() {
				<-started
				cancel()
			}()
			res, err := dirWithin(t, ctx, dir, opt)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("got %v, want %v", err, context.Canceled)
			}
			if len(res.Docs) != 0 {
				t.Errorf("got %d docs with the error, want none", len(res.Docs))
			}
		})
	}
}

// TestDirOnly: Options.Only reads the files it names and, in a JSONL file,
// parses only the lines it names; a file of one article is line 0.
func TestDirOnly(t *testing.T) {
	files := map[string]string{
		"a.txt":     "Alpha.",
		"b.txt":     "Beta.",
		"bad.txt":   "\x89PNG\r\n\x1a\nnot text",
		"sub/c.txt": "Gamma.",
		"feed.jsonl": strings.Join([]string{
			jsonRec(t, "j1", "One."),
			`{"id":"j2","text":`,
			jsonRec(t, "j3", "Three."),
			jsonRec(t, "j1", "Four, with the id of line 1."),
		}, "\n") + "\n",
	}
	jl := func(line int, id, text string) brief { return elem("feed.jsonl", line, id, text) }
	tests := []struct {
		name    string
		only    map[string]map[int]bool
		want    []brief
		rejects []pipeline.Reject
		opened  []string
	}{
		{
			name:   "named files and lines; unnamed bad file and line not read",
			only:   map[string]map[int]bool{"a.txt": {0: true}, "feed.jsonl": {1: true, 3: true}},
			want:   []brief{txt("a", "Alpha."), jl(1, "j1", "One."), jl(3, "j3", "Three.")},
			opened: []string{"a.txt", "feed.jsonl"},
		},
		{
			name:    "a named malformed line is rejected",
			only:    map[string]map[int]bool{"feed.jsonl": {2: true, 3: true}},
			want:    []brief{jl(3, "j3", "Three.")},
			rejects: []pipeline.Reject{{Path: "feed.jsonl", Line: 2, Reason: "malformed JSON"}},
			opened:  []string{"feed.jsonl"},
		},
		{
			name:    "a named bad file is rejected",
			only:    map[string]map[int]bool{"bad.txt": {0: true}, "sub/c.txt": {0: true}},
			want:    []brief{{ID: "sub/c", Path: "sub/c.txt", Title: "Gamma.", FromText: true, Text: "Gamma."}},
			rejects: []pipeline.Reject{{Path: "bad.txt", Reason: "binary file"}},
			opened:  []string{"bad.txt", "sub/c.txt"},
		},
		{
			name:   "ids are not checked for duplicates",
			only:   map[string]map[int]bool{"feed.jsonl": {1: true, 4: true}},
			want:   []brief{jl(1, "j1", "One."), jl(4, "j1", "Four, with the id of line 1.")},
			opened: []string{"feed.jsonl"},
		},
		{
			name:   "a file of one article is line 0",
			only:   map[string]map[int]bool{"a.txt": {1: true}, "b.txt": {0: true}},
			want:   []brief{txt("b", "Beta.")},
			opened: []string{"a.txt", "b.txt"},
		},
		{
			name: "a name not in the folder",
			only: map[string]map[int]bool{"gone.txt": {0: true}, "feed.jsonl": {9: true}},
			// feed.jsonl has no line 9: nothing, and no reject either.
			opened: []string{"feed.jsonl"},
		},
		{
			name:    "a file named without lines is read whole",
			only:    map[string]map[int]bool{"feed.jsonl": nil, "b.txt": nil},
			want:    []brief{txt("b", "Beta."), jl(1, "j1", "One."), jl(3, "j3", "Three."), jl(4, "j1", "Four, with the id of line 1.")},
			rejects: []pipeline.Reject{{Path: "feed.jsonl", Line: 2, Reason: "malformed JSON"}},
			opened:  []string{"b.txt", "feed.jsonl"},
		},
		{
			name: "empty",
			only: map[string]map[int]bool{},
		},
	}
	dir := tree(t, files)
	for _, tt := range tests {
		for _, prepare := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s, prepare %v", tt.name, prepare), func(t *testing.T) {
				var mu sync.Mutex
				var opened []string
				opt := Options{Workers: 2, Only: tt.only}
				opt.open = opener(dir, func(name string) (fs.File, error) {
					mu.Lock()
					defer mu.Unlock()
					opened = append(opened, name)
					return nil, nil
				})
				if prepare {
					opt.Prepare = func(*pipeline.Doc) error { return nil }
				}
				res, err := dirWithin(t, context.Background(), dir, opt)
				if err != nil {
					t.Fatal(err)
				}
				var got []brief
				for _, a := range res.Articles {
					got = append(got, briefOf(a))
				}
				for _, d := range res.Docs {
					got = append(got, briefOf(d.Article))
				}
				if !reflect.DeepEqual(got, tt.want) {
					t.Errorf("articles:\ngot  %+v\nwant %+v", got, tt.want)
				}
				checkRejects(t, res.Rejects, tt.rejects)
				slices.Sort(opened)
				if !slices.Equal(opened, tt.opened) {
					t.Errorf("opened %q, want %q", opened, tt.opened)
				}
			})
		}
	}
}
