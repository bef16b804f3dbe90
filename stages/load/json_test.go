package load

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"syscall"
	"testing"

	"github.com/dedupe/dedupe/pipeline"
)

// gz compresses s as one gzip member.
func gz(s string) string {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	if _, err := w.Write([]byte(s)); err != nil {
		panic(err)
	}
	if err := w.Close(); err != nil {
		panic(err)
	}
	return b.String()
}

// badChecksum is the gzip member m with its checksum damaged.
func badChecksum(m string) string {
	b := []byte(m)
	b[len(b)-8] ^= 0xff // the first byte of the CRC-32, before the size
	return string(b)
}

// rec is a JSON article record with id and text.
func rec(id, text string) string {
	return fmt.Sprintf(`{"id":%q,"text":%q}`, id, text)
}

// elem is the brief of an article of a JSON file whose title is its text.
func elem(path string, line int, id, text string) brief {
	return brief{ID: id, Path: path, Line: line, Title: FirstLine(text), FromText: true, Text: text}
}

func TestDirJSON(t *testing.T) {
	runDirCases(t, []dirCase{
		{
			name: "array with every field",
			files: map[string]string{"a.json": `[
  {"id":" a1 ","text":"Body one.","title":" Given ","url":"https://x.test/1","source":"Wire","published_at":"2024-05-01T12:30:00+02:00","lang":"en"},
  {"id":"a2","text":"Second\nline"}
]`},
			want: []brief{
				{ID: "a1", Path: "a.json", Line: 1, Title: "Given", URL: "https://x.test/1", Source: "Wire", Published: "2024-05-01T10:30:00Z", Text: "Body one."},
				elem("a.json", 2, "a2", "Second\nline"),
			},
		},
		{
			name: "bad elements rejected, good ones kept",
			files: map[string]string{"f.json": "[" + strings.Join([]string{
				rec("ok1", "Fine."),
				`"a string"`,
				`null`,
				`[1]`,
				`{"text":"no id"}`,
				`{"id":"y"}`,
				`{"id":7,"text":"numeric id"}`,
				`{"ID":"u","text":"upper case key"}`,
				`{"id":"v","text":"t","id":"w"}`,
				`{"id":"s","text":"\udc00"}`,
				`{"id":"z","text":"t","published_at":"yesterday"}`,
				rec("e", " \n "),
				rec("ok1", "duplicate"),
				rec("ok2", "Also fine."),
			}, ",\n") + "]"},
			want: []brief{elem("f.json", 1, "ok1", "Fine."), elem("f.json", 14, "ok2", "Also fine.")},
			rejects: []pipeline.Reject{
				{Path: "f.json", Line: 2, Reason: "malformed JSON: want an object, got string"},
				{Path: "f.json", Line: 3, Reason: "malformed JSON: want an object, got null"},
				{Path: "f.json", Line: 4, Reason: "malformed JSON: want an object, got array"},
				{Path: "f.json", Line: 5, Reason: `missing "id"`},
				{Path: "f.json", Line: 6, Reason: `missing "text"`},
				{Path: "f.json", Line: 7, Reason: `"id": want a string, got number`},
				{Path: "f.json", Line: 8, Reason: `key "ID": keys are case-sensitive, want "id"`},
				{Path: "f.json", Line: 9, Reason: `duplicate key "id"`},
				{Path: "f.json", Line: 10, Reason: `"text": unpaired surrogate \udc00`},
				{Path: "f.json", Line: 11, Reason: `published_at "yesterday": not RFC 3339, RFC 1123 or YYYY-MM-DD`},
				{Path: "f.json", Line: 12, Reason: "no text"},
				{Path: "f.json", Line: 13, Reason: `duplicate id "ok1" (first seen in f.json:1)`},
			},
		},
		{
			name: "not an array",
			files: map[string]string{
				"object.json": rec("a", "A"),
				"lines.json":  rec("a", "A") + "\n" + rec("b", "B") + "\n",
				"string.json": `"x"`,
				"number.json": `5`,
				"null.json":   `null`,
				"text.json":   `x`,
			},
			rejects: []pipeline.Reject{
				{Path: "lines.json", Reason: "malformed JSON: want an array, got object"},
				{Path: "null.json", Reason: "malformed JSON: want an array, got null"},
				{Path: "number.json", Reason: "malformed JSON: want an array, got number"},
				{Path: "object.json", Reason: "malformed JSON: want an array, got object"},
				{Path: "string.json", Reason: "malformed JSON: want an array, got string"},
				{Path: "text.json", Reason: "malformed JSON: invalid character 'x' looking for beginning of value"},
			},
		},
		{
			name:  "empty",
			files: map[string]string{"empty.json": "", "bom.json": "\ufeff", "blank.json": " \r\n\t", "array.json": " [ ] "},
			rejects: []pipeline.Reject{
				{Path: "array.json", Reason: "no text: empty array"},
				{Path: "blank.json", Reason: "no text: only white space"},
				{Path: "bom.json", Reason: "no text: empty file"},
				{Path: "empty.json", Reason: "no text: empty file"},
			},
		},
		{
			name: "broken arrays keep the elements before",
			files: map[string]string{
				"cut.json":      "[" + rec("a", "A") + `,{"id":"b","te`,
				"noclose.json":  "[" + rec("c", "C"),
				"nocomma.json":  "[" + rec("d", "D") + " " + rec("x", "X") + "]",
				"after.json":    "[" + rec("f", "F") + "] []",
				"brace.json":    "[" + rec("g", "G") + "}",
				"element.json":  "[" + rec("h", "H") + `,{"id":"i",}, ` + rec("y", "Y") + "]",
				"trailing.json": "[" + rec("j", "J") + ",]",
			},
			want: []brief{
				elem("after.json", 1, "f", "F"),
				elem("brace.json", 1, "g", "G"),
				elem("cut.json", 1, "a", "A"),
				elem("element.json", 1, "h", "H"),
				elem("noclose.json", 1, "c", "C"),
				elem("nocomma.json", 1, "d", "D"),
				elem("trailing.json", 1, "j", "J"),
			},
			rejects: []pipeline.Reject{
				{Path: "after.json", Reason: "malformed JSON: data after the array"},
				{Path: "brace.json", Reason: "malformed JSON: invalid character '}' after array element"},
				{Path: "cut.json", Line: 2, Reason: "malformed JSON: unexpected end of file (rest of file not read)"},
				{Path: "element.json", Line: 2, Reason: "malformed JSON: invalid character '}' looking for beginning of object key string (rest of file not read)"},
				{Path: "noclose.json", Reason: "malformed JSON: unexpected end of file"},
				{Path: "nocomma.json", Line: 2, Reason: "malformed JSON: expected comma after array element (rest of file not read)"},
				{Path: "trailing.json", Line: 2, Reason: "malformed JSON: invalid character ']' looking for beginning of value (rest of file not read)"},
			},
		},
		{
			name: "encodings",
			files: map[string]string{
				"bom.json":   "\ufeff[" + rec("a", "A") + ",\n" + "{\"id\":\"b\",\"text\":\"caf\xe9\"}]",
				"plain.json": "[" + "{\"id\":\"c\",\"text\":\"caf\xe9\"}]",
				"le.json":    utf16Of("["+rec("d", "\u00c7a \U0001F600")+"]", false),
				"be.json":    utf16Of("[\n"+rec("e", "E")+"]", true),
				"bad16.json": utf16Of("["+rec("f", "F")+`,{"id":"g","text":"`, false) + "\x00\xdc" + utf16Of(`"}]`, false)[2:],
			},
			want: []brief{
				elem("bad16.json", 1, "f", "F"),
				elem("be.json", 1, "e", "E"),
				elem("bom.json", 1, "a", "A"),
				elem("le.json", 1, "d", "\u00c7a \U0001F600"),
			},
			rejects: []pipeline.Reject{
				{Path: "bad16.json", Line: 2, Reason: "invalid UTF-16: unpaired surrogate at byte 84 (rest of file not read)"},
				{Path: "bom.json", Line: 2, Reason: "not valid UTF-8: byte 0xe9 at offset 48"}, // after the BOM (3), "[", an element (21), ",\n" and 21 bytes
				{Path: "plain.json", Line: 1, Reason: "not valid UTF-8: byte 0xe9 at offset 22"},
			},
		},
		{
			name: "sizes",
			files: map[string]string{
				"f.json": "[" + rec("a", "short") + "," + rec("b", strings.Repeat("x", 11)) + "," +
					rec("big", strings.Repeat("y", 1<<20+100)) + "," + rec("c", "never read") + "]",
			},
			opt:  Options{MaxArticleBytes: 10},
			want: []brief{elem("f.json", 1, "a", "short")},
			rejects: []pipeline.Reject{
				{Path: "f.json", Line: 2, Reason: "article too large: 11 bytes, limit 10"},
				{Path: "f.json", Line: 3, Reason: "article too large: element of more than 1048636 bytes (limit 10 bytes of text) (rest of file not read)"},
			},
		},
		{
			name:  "read error",
			files: map[string]string{"bad.json": "x"},
			open: func(dir, name string) (fs.File, error) {
				// The error comes after what Dir sniffs, in element 2.
				s := "[" + rec("j1", strings.Repeat("J", sniffLen)) + ",\n" + rec("j2", "K") + "]"
				return &fakeFile{r: failAfter(s, len(s)-5, syscall.EIO), size: int64(len(s))}, nil
			},
			want:    []brief{elem("bad.json", 1, "j1", strings.Repeat("J", sniffLen))},
			rejects: []pipeline.Reject{{Path: "bad.json", Line: 2, Reason: "unreadable: input/output error (rest of file not read)"}},
		},
		{
			name: "duplicate ids across formats",
			files: map[string]string{
				"a.json":  "[" + rec("d", "one") + "," + rec("d", "two") + "]",
				"b.jsonl": rec("d", "three") + "\n",
				"c.json":  "[" + rec("t", "clash with t.txt") + "]",
				"t.txt":   "T text",
			},
			want: []brief{elem("a.json", 1, "d", "one"), elem("c.json", 1, "t", "clash with t.txt")},
			rejects: []pipeline.Reject{
				{Path: "a.json", Line: 2, Reason: `duplicate id "d" (first seen in a.json:1)`},
				{Path: "b.jsonl", Line: 1, Reason: `duplicate id "d" (first seen in a.json:1)`},
				{Path: "t.txt", Reason: `duplicate id "t" (first seen in c.json:1)`},
			},
		},
	})
}

func TestDirJSONLGzip(t *testing.T) {
	lines := func(ids ...string) string {
		var b strings.Builder
		for _, id := range ids {
			b.WriteString(rec(id, "Text of "+id+".") + "\n")
		}
		return b.String()
	}
	of := func(path string, line int, id string) brief { return elem(path, line, id, "Text of "+id+".") }
	runDirCases(t, []dirCase{
		{
			name:  "lines numbered uncompressed",
			files: map[string]string{"f.jsonl.gz": gz(rec("a", "A") + "\n\n" + rec("b", "B") + "\r\n" + `{"id":"c"}`), "G.JSONL.GZ": gz(rec("g", "G"))},
			want:  []brief{elem("G.JSONL.GZ", 1, "g", "G"), elem("f.jsonl.gz", 1, "a", "A"), elem("f.jsonl.gz", 3, "b", "B")},
			rejects: []pipeline.Reject{
				{Path: "f.jsonl.gz", Line: 4, Reason: `missing "text"`},
			},
		},
		{
			name: "members joined with cat",
			files: map[string]string{
				"cat.jsonl.gz":  gz(lines("a", "b")) + gz(lines("c")),
				"span.jsonl.gz": gz(`{"id":"s",`) + gz(`"text":"S"}`+"\n"+rec("t", "T")),
			},
			want: []brief{
				of("cat.jsonl.gz", 1, "a"), of("cat.jsonl.gz", 2, "b"), of("cat.jsonl.gz", 3, "c"),
				elem("span.jsonl.gz", 1, "s", "S"), elem("span.jsonl.gz", 2, "t", "T"),
			},
		},
		{
			name: "encodings inside",
			files: map[string]string{
				"le.jsonl.gz":  gz(utf16Of(rec("a", "\u00c7a")+"\n"+rec("b", "B"), false)),
				"bom.jsonl.gz": gz("\ufeff" + rec("c", "C")),
				"bad.jsonl.gz": gz("{\"id\":\"d\",\"text\":\"caf\xe9\"}\n" + rec("e", "E")),
			},
			want: []brief{
				elem("bad.jsonl.gz", 2, "e", "E"),
				elem("bom.jsonl.gz", 1, "c", "C"),
				elem("le.jsonl.gz", 1, "a", "\u00c7a"), elem("le.jsonl.gz", 2, "b", "B"),
			},
			rejects: []pipeline.Reject{{Path: "bad.jsonl.gz", Line: 1, Reason: "not valid UTF-8: byte 0xe9 at column 22"}},
		},
		{
			name: "not gzip, or nothing in it",
			files: map[string]string{
				"plain.jsonl.gz":   lines("a"),
				"zip.jsonl.gz":     "PK\x03\x04\x14\x00",
				"empty.jsonl.gz":   "",
				"nothing.jsonl.gz": gz(""),
				"blank.jsonl.gz":   gz("\n \n"),
				"png.jsonl.gz":     gz("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
				"magic.jsonl.gz":   "\x1f\x8b",
				"method.jsonl.gz":  "\x1f\x8b\x07" + gz(lines("a"))[3:],
			},
			rejects: []pipeline.Reject{
				{Path: "blank.jsonl.gz", Reason: "no text: only blank lines"},
				{Path: "empty.jsonl.gz", Reason: "no text: empty file"},
				{Path: "magic.jsonl.gz", Reason: "corrupt gzip: truncated"},
				{Path: "method.jsonl.gz", Reason: "corrupt gzip: invalid header"},
				{Path: "nothing.jsonl.gz", Reason: "no text: empty file"},
				{Path: "plain.jsonl.gz", Reason: "corrupt gzip: not gzip data"},
				{Path: "png.jsonl.gz", Reason: "binary file (PNG image)"},
				{Path: "zip.jsonl.gz", Reason: "binary file (zip archive)"},
			},
		},
		{
			name: "damaged members: their lines and all after dropped",
			files: map[string]string{
				// The checksum of the second member fails: its lines are
				// dropped, the first member's kept.
				"second.jsonl.gz": gz(lines("a", "b")) + badChecksum(gz(lines("c", "d"))),
				// The first member's line 2 runs on into the second.
				"span.jsonl.gz": gz(lines("e")+`{"id":"f",`) + badChecksum(gz(`"text":"F"}`+"\n"+lines("g"))),
				// Only one member: nothing is known to be right.
				"one.jsonl.gz": badChecksum(gz(lines("h", "i"))),
				"le.jsonl.gz":  gz(utf16Of(lines("j", "k"), false)) + badChecksum(gz(utf16Of(lines("l"), false)[2:])),
			},
			want: []brief{
				of("le.jsonl.gz", 1, "j"), of("le.jsonl.gz", 2, "k"),
				of("second.jsonl.gz", 1, "a"), of("second.jsonl.gz", 2, "b"),
				of("span.jsonl.gz", 1, "e"),
			},
			rejects: []pipeline.Reject{
				{Path: "le.jsonl.gz", Line: 3, Reason: "corrupt gzip: checksum mismatch (lines from here on not used)"},
				{Path: "one.jsonl.gz", Line: 1, Reason: "corrupt gzip: checksum mismatch (lines from here on not used)"},
				{Path: "second.jsonl.gz", Line: 3, Reason: "corrupt gzip: checksum mismatch (lines from here on not used)"},
				{Path: "span.jsonl.gz", Line: 2, Reason: "corrupt gzip: checksum mismatch (lines from here on not used)"},
			},
		},
		{
			name: "data after a member",
			files: map[string]string{
				"junk.jsonl.gz":  gz(lines("a")) + "junk after it",
				"zeros.jsonl.gz": gz(lines("b")) + strings.Repeat("\x00", 16),
				"cut.jsonl.gz":   gz(lines("c")) + gz(lines("d"))[:5],
			},
			want: []brief{of("cut.jsonl.gz", 1, "c"), of("junk.jsonl.gz", 1, "a"), of("zeros.jsonl.gz", 1, "b")},
			rejects: []pipeline.Reject{
				{Path: "cut.jsonl.gz", Line: 2, Reason: "corrupt gzip: truncated (rest of file not read)"},
				{Path: "junk.jsonl.gz", Line: 2, Reason: "corrupt gzip: data after the end of a member is not gzip (rest of file not read)"},
				{Path: "zeros.jsonl.gz", Line: 2, Reason: "corrupt gzip: data after the end of a member is not gzip (rest of file not read)"},
			},
		},
		{
			name:  "read error",
			files: map[string]string{"bad.jsonl.gz": "x"},
			open: func(dir, name string) (fs.File, error) {
				s := gz(lines("a")) + gz(lines("b"))
				return &fakeFile{r: failAfter(s, len(s)-5, syscall.EIO), size: int64(len(s))}, nil
			},
			// The error comes in the second member's checksum, after its
			// data: as when a file is cut short, the lines are kept.
			want:    []brief{of("bad.jsonl.gz", 1, "a"), of("bad.jsonl.gz", 2, "b")},
			rejects: []pipeline.Reject{{Path: "bad.jsonl.gz", Line: 3, Reason: "unreadable: input/output error (rest of file not read)"}},
		},
	})
}

// TestDirJSONLGzipCut cuts a one-member file at every tenth byte: the
// lines before the cut are kept, all of them, and the reject is at the
// line where it falls.
func TestDirJSONLGzipCut(t *testing.T) {
	var src strings.Builder
	for i := range 300 {
		fmt.Fprintf(&src, `{"id":"l%03d","text":"Line %d, %x."}`+"\n", i+1, i+1, i*2654435761)
	}
	full := gz(src.String())
	most := 0
	for n := 20; n < len(full)-8; n += 10 { // not into the checksum
		s := &sink{}
		f := &fakeFile{r: strings.NewReader(full[:n]), size: int64(n)}
		if err := readJSONLGzip(context.Background(), f, "f.jsonl.gz", Options{}, &defaultKeys, s); err != nil {
			t.Fatal(err)
		}
		kept := 0
		for i, ev := range s.events {
			switch {
			case i < len(s.events)-1 && ev.reject == nil && ev.doc.Line == i+1 && ev.doc.ID == fmt.Sprintf("l%03d", i+1):
				kept++
			case i == len(s.events)-1 && ev.reject != nil && ev.reject.Line == i+1 && ev.reject.Reason == "corrupt gzip: truncated (rest of file not read)":
			default:
				t.Fatalf("cut at %d: event %d is %+v %+v, want articles from line 1 on, then a reject", n, i, ev.doc, ev.reject)
			}
		}
		most = max(most, kept)
	}
	if most < 250 {
		t.Errorf("kept at most %d lines of 300 from the longest cut, want most of them", most)
	}
}

func TestDirFields(t *testing.T) {
	custom := Options{Fields: Fields{ID: "guid", Text: "body", Title: "headline", URL: "link", Source: "outlet", PublishedAt: "date"}}
	records := strings.Join([]string{
		`{"guid":" g1 ","body":"Body.","headline":"H","link":"https://x.test/g1","outlet":"Wire","date":"2024-05-01"}`,
		`{"id":"a","text":"default keys are now unknown"}`,
		`{"guid":"b","Body":"x"}`,
		`{"guid":"c","body":"x","body":"y"}`,
		`{"guid":"d","body":5}`,
		`{"guid":"e","body":"x","date":"yesterday"}`,
		`{"guid":"f","body":"Other keys ignored.","text":5,"ID":1,"Title":[]}`,
		`{"guid":"g"}`,
		`{"guid":"h","body":"x","date":"Wed, 01 May 2024 12:30:00 CET"}`,
	}, "\n")
	rejects := func(path string) []pipeline.Reject {
		return []pipeline.Reject{
			{Path: path, Line: 2, Reason: `missing "guid"`},
			{Path: path, Line: 3, Reason: `key "Body": keys are case-sensitive, want "body"`},
			{Path: path, Line: 4, Reason: `duplicate key "body"`},
			{Path: path, Line: 5, Reason: `"body": want a string, got number`},
			{Path: path, Line: 6, Reason: `date "yesterday": not RFC 3339, RFC 1123 or YYYY-MM-DD`},
			{Path: path, Line: 8, Reason: `missing "body"`},
			{Path: path, Line: 9, Reason: `date "Wed, 01 May 2024 12:30:00 CET": time zone "CET" not supported`},
		}
	}
	articles := func(path string) []brief {
		return []brief{
			{ID: "g1", Path: path, Line: 1, Title: "H", URL: "https://x.test/g1", Source: "Wire", Published: "2024-05-01T00:00:00Z", Text: "Body."},
			elem(path, 7, "f", "Other keys ignored."),
		}
	}
	var arr strings.Builder
	arr.WriteString("[")
	for i, l := range strings.Split(records, "\n") {
		if i > 0 {
			arr.WriteString(",\n")
		}
		arr.WriteString(l)
	}
	arr.WriteString("]")
	runDirCases(t, []dirCase{
		{name: "jsonl", files: map[string]string{"f.jsonl": records}, opt: custom, want: articles("f.jsonl"), rejects: rejects("f.jsonl")},
		{name: "jsonl.gz", files: map[string]string{"f.jsonl.gz": gz(records)}, opt: custom, want: articles("f.jsonl.gz"), rejects: rejects("f.jsonl.gz")},
		{name: "json", files: map[string]string{"f.json": arr.String()}, opt: custom, want: articles("f.json"), rejects: rejects("f.json")},
		{
			name:  "some renamed, others default",
			files: map[string]string{"f.jsonl": `{"id":"a","content":"C","title":"T","text":"ignored"}` + "\n" + `{"id":"b","text":"T"}`},
			opt:   Options{Fields: Fields{Text: "content"}},
			want:  []brief{{ID: "a", Path: "f.jsonl", Line: 1, Title: "T", Text: "C"}},
			rejects: []pipeline.Reject{
				{Path: "f.jsonl", Line: 2, Reason: `missing "content"`},
			},
		},
		{
			name:  "txt and html do not use them",
			files: map[string]string{"a.txt": "A", "b.html": "<p>B</p>"},
			opt:   custom,
			want:  []brief{txt("a", "A"), {ID: "b", Path: "b.html", Title: "B", FromText: true, Text: "B"}},
		},
	})
}

func TestFieldsClash(t *testing.T) {
	tests := []struct {
		fields  Fields
		wantErr string
	}{
		{Fields{}, ""},
		{Fields{ID: "text", Text: "id"}, ""},
		{Fields{Text: "id"}, `load: Fields.ID "id" and Fields.Text "id" name the same key`},
		{Fields{ID: "Key", Text: "key"}, `load: Fields.ID "Key" and Fields.Text "key" name the same key`},
		{Fields{PublishedAt: "URL"}, `load: Fields.URL "url" and Fields.PublishedAt "URL" name the same key`},
	}
	dir := tree(t, map[string]string{"a.txt": "A"})
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%+v", tt.fields), func(t *testing.T) {
			_, err := Dir(context.Background(), dir, Options{Fields: tt.fields})
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("got error %q, want none", err)
			case tt.wantErr != "" && (err == nil || err.Error() != tt.wantErr):
				t.Errorf("got error %v, want %q", err, tt.wantErr)
			}
		})
	}
}

// TestDirDoesNotReadHugeJSON: a 64 MB element of a .json file is
// rejected without being held in memory.
func TestDirDoesNotReadHugeJSON(t *testing.T) {
	dir := tree(t, map[string]string{"big.json": "", "ok.txt": "Ok."})
	opt := Options{MaxArticleBytes: 1 << 10}
	opt.open = opener(dir, func(name string) (fs.File, error) {
		if name == "big.json" {
			r := io.MultiReader(strings.NewReader(`[{"id":"a","text":"A"},{"id":"big","text":"`), io.LimitReader(&repeat{c: 'y'}, 64<<20),
				strings.NewReader(`"},{"id":"after","text":"After."}]`))
			return &fakeFile{r: r, size: 64 << 20}, nil
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
	if len(res.Articles) != 2 || res.Articles[0].ID != "a" || res.Articles[1].ID != "ok" {
		t.Errorf("got %d articles, want a and ok", len(res.Articles))
	}
	checkRejects(t, res.Rejects, []pipeline.Reject{
		{Path: "big.json", Line: 2, Reason: "article too large: element of more than 1054720 bytes (limit 1024 bytes of text) (rest of file not read)"},
	})
	if alloc := after.totalAlloc - before.totalAlloc; alloc > 16<<20 {
		t.Errorf("allocated %d MiB to read a 64 MiB element, want less than 16", alloc>>20)
	}
}
