package load

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

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

func TestDir(t *testing.T) {
	const body = "Headline here\n\nFirst paragraph of the story."
	tests := []struct {
		name    string
		files   map[string]string
		opt     Options
		want    []brief
		rejects []pipeline.Reject // Reason compared as a substring
	}{
		{
			name:  "txt id and title",
			files: map[string]string{"a.txt": "\n\n  Headline here  \nBody text."},
			want:  []brief{{ID: "a", Path: "a.txt", Title: "Headline here", FromText: true, Text: "\n\n  Headline here  \nBody text."}},
		},
		{
			name:  "txt byte order mark dropped",
			files: map[string]string{"bom.txt": "\ufeffTitle\nBody."},
			want:  []brief{{ID: "bom", Path: "bom.txt", Title: "Title", FromText: true, Text: "Title\nBody."}},
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
			files: map[string]string{".hidden.txt": body, ".git/x.txt": body, "ok.txt": body},
			want:  []brief{{ID: "ok", Path: "ok.txt", Title: "Headline here", FromText: true, Text: body}},
		},
		{
			name: "jsonl with every field",
			files: map[string]string{"feed.jsonl": `{"id":" w1 ","text":"Body one.","title":" Given title ","url":"https://x.test/1","source":"Wire","published_at":"2024-05-01T12:30:00+02:00"}` + "\n" +
				"\n" + // blank lines are skipped but counted
				`{"id":"w2","text":"Second line\nmore"}` + "\r\n"},
			want: []brief{
				{ID: "w1", Path: "feed.jsonl", Line: 1, Title: "Given title", URL: "https://x.test/1", Source: "Wire", Published: "2024-05-01T10:30:00Z", Text: "Body one."},
				{ID: "w2", Path: "feed.jsonl", Line: 3, Title: "Second line", FromText: true, Text: "Second line\nmore"},
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
				`{"id":"ok2","text":"Also fine."}`,
			}, "\n")},
			want: []brief{
				{ID: "ok1", Path: "f.jsonl", Line: 1, Title: "Fine.", FromText: true, Text: "Fine."},
				{ID: "ok2", Path: "f.jsonl", Line: 10, Title: "Also fine.", FromText: true, Text: "Also fine."},
			},
			rejects: []pipeline.Reject{
				{Path: "f.jsonl", Line: 2, Reason: "malformed JSON"},
				{Path: "f.jsonl", Line: 3, Reason: `missing "id"`},
				{Path: "f.jsonl", Line: 4, Reason: `missing "id"`},
				{Path: "f.jsonl", Line: 5, Reason: `missing "text"`},
				{Path: "f.jsonl", Line: 6, Reason: "malformed JSON"},
				{Path: "f.jsonl", Line: 7, Reason: `published_at "yesterday"`},
				{Path: "f.jsonl", Line: 8, Reason: ErrEmpty.Error()},
				{Path: "f.jsonl", Line: 9, Reason: "malformed JSON"},
			},
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
				{ID: "c", Path: "c.txt", Title: "C text", FromText: true, Text: "C text"},
			},
			rejects: []pipeline.Reject{
				{Path: "a.jsonl", Line: 2, Reason: `duplicate id "d" (first seen in a.jsonl:1)`},
				{Path: "b.jsonl", Line: 1, Reason: `duplicate id "d" (first seen in a.jsonl:1)`},
				{Path: "d.jsonl", Line: 1, Reason: `duplicate id "c" (first seen in c.txt)`},
			},
		},
		{
			name:    "empty and whitespace txt",
			files:   map[string]string{"empty.txt": "", "blank.txt": " \n\t\r\n", "ok.txt": "Ok."},
			want:    []brief{{ID: "ok", Path: "ok.txt", Title: "Ok.", FromText: true, Text: "Ok."}},
			rejects: []pipeline.Reject{{Path: "blank.txt", Reason: ErrEmpty.Error()}, {Path: "empty.txt", Reason: ErrEmpty.Error()}},
		},
		{
			name:    "invalid UTF-8 txt",
			files:   map[string]string{"bad.txt": "caf\xe9 au lait", "ok.txt": "Ok."},
			want:    []brief{{ID: "ok", Path: "ok.txt", Title: "Ok.", FromText: true, Text: "Ok."}},
			rejects: []pipeline.Reject{{Path: "bad.txt", Reason: ErrNotUTF8.Error()}},
		},
		{
			name:  "oversize articles",
			files: map[string]string{"big.txt": strings.Repeat("x", 11), "fit.txt": strings.Repeat("y", 10), "f.jsonl": `{"id":"j","text":"` + strings.Repeat("z", 11) + `"}`},
			opt:   Options{MaxArticleBytes: 10},
			want:  []brief{{ID: "fit", Path: "fit.txt", Title: strings.Repeat("y", 10), FromText: true, Text: strings.Repeat("y", 10)}},
			rejects: []pipeline.Reject{
				{Path: "big.txt", Reason: "article too large: 11 bytes, limit 10"},
				{Path: "f.jsonl", Line: 1, Reason: "article too large: 11 bytes, limit 10"},
			},
		},
		{
			name:    "unsupported extension",
			files:   map[string]string{"notes.md": "# x", "data.json": "{}", "ok.txt": "Ok."},
			want:    []brief{{ID: "ok", Path: "ok.txt", Title: "Ok.", FromText: true, Text: "Ok."}},
			rejects: []pipeline.Reject{{Path: "data.json", Reason: "unsupported file type"}, {Path: "notes.md", Reason: "unsupported file type"}},
		},
		{
			name:  "path order",
			files: map[string]string{"b.txt": "B", "a/z.txt": "AZ", "a.txt": "A", "c.jsonl": `{"id":"0","text":"C"}`},
			want: []brief{
				{ID: "a", Path: "a.txt", Title: "A", FromText: true, Text: "A"},
				{ID: "a/z", Path: "a/z.txt", Title: "AZ", FromText: true, Text: "AZ"},
				{ID: "b", Path: "b.txt", Title: "B", FromText: true, Text: "B"},
				{ID: "0", Path: "c.jsonl", Line: 1, Title: "C", FromText: true, Text: "C"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := tree(t, tt.files)
			res, err := Dir(context.Background(), dir, tt.opt)
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

// TestDirKnownGaps holds inputs the README says are rejected but are not.
func TestDirKnownGaps(t *testing.T) {
	tests := []struct {
		name    string
		files   map[string]string
		opt     Options
		wantIDs string
		rejects []pipeline.Reject
		bug     string
	}{
		{
			name:    "invalid UTF-8 inside a JSONL string",
			files:   map[string]string{"f.jsonl": "{\"id\":\"a\",\"text\":\"caf\xe9 au lait\"}\n{\"id\":\"b\",\"text\":\"ok\"}\n"},
			wantIDs: "b",
			rejects: []pipeline.Reject{{Path: "f.jsonl", Line: 1, Reason: ErrNotUTF8.Error()}},
			bug: "encoding/json replaces invalid UTF-8 inside strings with U+FFFD instead of failing, so " +
				"readJSONL accepts the line (text \"caf\\ufffd au lait\"); README says a line that is not UTF-8 is rejected. " +
				"Check utf8.Valid(raw) before json.Unmarshal.",
		},
		{
			name:    "empty JSONL file",
			files:   map[string]string{"empty.jsonl": "", "blank.jsonl": "\n  \n", "ok.txt": "Ok."},
			wantIDs: "ok",
			rejects: []pipeline.Reject{{Path: "blank.jsonl", Reason: "no"}, {Path: "empty.jsonl", Reason: "no"}},
			bug: "an empty or whitespace-only .jsonl file yields neither article nor reject (an empty .txt is rejected); " +
				"README: a file that cannot be used (... empty ...) is listed in rejects.parquet",
		},
		{
			name: "line longer than the scanner buffer",
			files: map[string]string{"f.jsonl": `{"id":"a","text":"first"}` + "\n" +
				`{"id":"big","text":"` + strings.Repeat("x", 1<<20+100) + `"}` + "\n" +
				`{"id":"c","text":"after the big line"}` + "\n"},
			opt:     Options{MaxArticleBytes: 10},
			wantIDs: "a c",
			rejects: []pipeline.Reject{{Path: "f.jsonl", Line: 2, Reason: ""}},
			bug: "readJSONL uses a bufio.Scanner capped at 2*MaxArticleBytes+1MiB; a longer line makes Scan stop " +
				"with ErrTooLong, so that one line is rejected but every later line of the file is silently lost " +
				"(here article \"c\" on line 3). JSON escapes (\\u00e9 is 6 bytes for 2) let a line exceed the cap even " +
				"when its text fits MaxArticleBytes.",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Skip("BUG: " + tt.bug)
			res, err := Dir(context.Background(), tree(t, tt.files), tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, a := range res.Articles {
				ids = append(ids, a.ID)
			}
			if got := strings.Join(ids, " "); got != tt.wantIDs {
				t.Errorf("articles: got %q, want %q", got, tt.wantIDs)
			}
			checkRejects(t, res.Rejects, tt.rejects)
		})
	}
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
}

func TestDirDeterministic(t *testing.T) {
	files := map[string]string{}
	for _, n := range []string{"q", "b", "x/a", "x/b/c", "m", "z"} {
		files[n+".txt"] = "Text of " + n
	}
	files["feed.jsonl"] = `{"id":"j1","text":"J"}` + "\n" + `{"id":"q","text":"dup of q.txt"}` + "\n"
	dir := tree(t, files)
	first, err := Dir(context.Background(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		again, err := Dir(context.Background(), dir, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(again, first) {
			t.Fatalf("got %+v, want %+v", again, first)
		}
	}
	// The jsonl file sorts before q.txt, so q.txt is the duplicate.
	checkRejects(t, first.Rejects, []pipeline.Reject{{Path: "q.txt", Reason: `duplicate id "q" (first seen in feed.jsonl:2)`}})
}

func TestParseJSONLine(t *testing.T) {
	tests := []struct {
		name    string
		line    string
		want    brief
		wantErr string
	}{
		{"minimal", `{"id":"a","text":"T\nU"}`, brief{ID: "a", Title: "T", FromText: true, Text: "T\nU"}, ""},
		{"unknown fields ignored", `{"id":"a","text":"T","lang":"en"}`, brief{ID: "a", Title: "T", FromText: true, Text: "T"}, ""},
		{"empty text is for checkText", `{"id":"a","text":""}`, brief{ID: "a", FromText: true}, ""},
		{"null id", `{"id":null,"text":"T"}`, brief{}, `missing "id"`},
		{"null text", `{"id":"a","text":null}`, brief{}, `missing "text"`},
		{"text as number", `{"id":"a","text":5}`, brief{}, "malformed JSON"},
		{"title as number", `{"id":"a","text":"T","title":5}`, brief{}, "malformed JSON"},
		{"null line", `null`, brief{}, `missing "id"`},
		{"string line", `"a"`, brief{}, "malformed JSON"},
		{"trailing garbage", `{"id":"a","text":"T"} x`, brief{}, "malformed JSON"},
		{"bad date", `{"id":"a","text":"T","published_at":"2024-13-01"}`, brief{}, "published_at"},
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
		{"Wed, 01 May 2024 12:30:00 GMT", "2024-05-01T12:30:00Z"},
		{"Wed, 01 May 2024 12:30:00 UTC", "2024-05-01T12:30:00Z"},
		{"Wed, 01 May 2024 12:30:00 -0400", "2024-05-01T16:30:00Z"},
		{"2024-05-01T12:30:00", "2024-05-01T12:30:00Z"},
		{"2024-05-01 12:30:00", "2024-05-01T12:30:00Z"},
		{"2024-05-01", "2024-05-01T00:00:00Z"},
		{"", ""},
		{"yesterday", ""},
		{"2024-02-30", ""},
		{"01/05/2024", ""},
		{"2024-05-01T25:00:00Z", ""},
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

// TestParseTimeZoneNames: RFC 1123 (RFC 822) dates may name US zones.
func TestParseTimeZoneNames(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Wed, 01 May 2024 12:30:00 EST", "2024-05-01T17:30:00Z"},
		{"Wed, 01 May 2024 12:30:00 PDT", "2024-05-01T19:30:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Skip("BUG: time.Parse with RFC1123 takes a zone abbreviation it does not know in the local zone " +
				"(EST, PDT, CET ... on a UTC machine) as offset 0, so the time is off by hours, and the result depends " +
				"on the machine's TZ, breaking byte-identical output across machines")
			got, err := ParseTime(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if s := got.Format(time.RFC3339); s != tt.want {
				t.Errorf("got %q, want %q", s, tt.want)
			}
		})
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

func FuzzParseJSONLine(f *testing.F) {
	for _, s := range []string{
		`{"id":"a","text":"T"}`,
		`{"id":"w1","text":"Body.\nMore.","title":"t","url":"u","source":"s","published_at":"2024-05-01T12:30:00Z"}`,
		`{"id":"a","text":"T","published_at":"Wed, 01 May 2024 12:30:00 GMT"}`,
		`{"id":"a","text":"T","published_at":"2024-05-01"}`,
		`{"id":" ","text":"T"}`,
		`{"id":1,"text":"T"}`,
		`{"id":"\u00e9\ud800","text":"\u2028"}`,
		`null`, `[]`, `{`, "\xff",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		a, err := ParseJSONLine(raw)
		if err != nil {
			return
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
	})
}
