package load

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"testing"

	"github.com/dedupe/dedupe/internal/synth"
)

// jsonSeeds are records for the fast path's tests and fuzz targets: the
// ones it takes, and the ones it must leave to encoding/json.
var jsonSeeds = []string{
	`{"id":"a","text":"T"}`,
	` { "id" : "a" , "text" : "T\n\"q\" \\ \/ \b\f\r\t" } `,
	`{"id":"\u00e9\ud83d\ude00","text":"\u2028"}`,
	`{"\u0069d":"a","text":"T"}`,
	`{"id":"a","n":-0.5e+10,"m":0,"z":12.25E3,"b":true,"f":false,"x":null,"o":{"a":[1,"]}",{}]},"l":[]}`,
	`{}`,
	// Unpaired surrogates and invalid UTF-8 in values are for stringField
	// and the callers to reject, as before.
	`{"id":"\ud800","text":"T"}`, `{"id":"a\ud800\u0041"}`, "{\"id\":\"\xff\"}",
	// For encoding/json:
	`{"id":"a","id":"b"}`, `{"\ud800":1}`,
	`{"id":01}`, `{"id":-}`, `{"id":1.}`, `{"id":1e}`, `{"id":tru}`, `{"id":nul}`, `{"o":{"a":1]}`, `{"o":[1,]}`,
	`{"id":"a",}`, `{"id":"a"} x`, `{"id":"a"}{}`, `{"id" "a"}`, `{"id":"a" "t":"b"}`, `{"id":"a`, `{"id":"\x"}`,
	"{\"id\":\"a\tb\"}", `{"id":"\u12"}`, `[]`, `"a"`, ``, `{`, `{"o":{"a":"}`,
}

// TestFastObject: the fast path takes the valid records and gives what
// encoding/json gives, and leaves every other record to it.
func TestFastObject(t *testing.T) {
	valid := 9 // the first seeds
	for i, s := range jsonSeeds {
		t.Run(s, func(t *testing.T) {
			_, _, ok := fastObject([]byte(s))
			if want := i < valid; ok != want {
				t.Fatalf("fastObject(%q): got ok %v, want %v", s, ok, want)
			}
			checkFastObject(t, []byte(s))
		})
	}
}

// checkFastObject fails when fastObject takes raw and gives other keys
// or values than encoding/json, or takes what encoding/json rejects.
func checkFastObject(t *testing.T, raw []byte) {
	obj, keys, ok := fastObject(raw)
	if !ok {
		return
	}
	wobj, wkeys, err := decodeObject(raw)
	if err != nil {
		t.Fatalf("fastObject(%q) took what encoding/json rejects: %v", raw, err)
	}
	if !reflect.DeepEqual(keys, wkeys) {
		t.Fatalf("fastObject(%q): got keys %q, want %q", raw, keys, wkeys)
	}
	for k, v := range wobj {
		if !bytes.Equal(bytes.TrimSpace(obj[k]), bytes.TrimSpace(v)) {
			t.Fatalf("fastObject(%q): key %q: got %q, want %q", raw, k, obj[k], v)
		}
	}
}

// TestUnquote: string literals decode as json.Unmarshal decodes them, and
// what it would make U+FFFD of, or reject, is left to it.
func TestUnquote(t *testing.T) {
	for _, tt := range []struct {
		lit  string
		want string
		ok   bool
	}{
		{`"plain"`, "plain", true},
		{`""`, "", true},
		{`"a\"b\\c\/d\be\ff\ng\rh\ti"`, "a\"b\\c/d\be\ff\ng\rh\ti", true},
		{`"\u00e9\u20AC\ud83d\ude00\u0000"`, "é€😀\x00", true},
		{`"\ud800"`, "", false},
		{`"\ude00\ud83d"`, "", false},
		{`"\ud83d\u0041"`, "", false},
		{`"\x"`, "", false},
		{`"a`, "", false},
		{`"a"b"`, "", false},
		{"\"a\x01\"", "", false},
		{"\"\xff\"", "", false},
		{`'a'`, "", false},
	} {
		got, ok := unquote([]byte(tt.lit))
		if got != tt.want || ok != tt.ok {
			t.Errorf("unquote(%s): got %q, %v, want %q, %v", tt.lit, got, ok, tt.want, tt.ok)
		}
		checkUnquote(t, []byte(tt.lit))
	}
}

// checkUnquote fails when unquote takes lit and decodes it otherwise than
// json.Unmarshal.
func checkUnquote(t *testing.T, lit []byte) {
	got, ok := unquote(lit)
	if !ok {
		return
	}
	var want string
	if err := json.Unmarshal(lit, &want); err != nil {
		t.Fatalf("unquote(%q) took what json.Unmarshal rejects: %v", lit, err)
	}
	if got != want {
		t.Fatalf("unquote(%q): got %q, want %q", lit, got, want)
	}
}

func FuzzFastObject(f *testing.F) {
	for _, s := range jsonSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(checkFastObject)
}

func FuzzUnquote(f *testing.F) {
	for _, s := range []string{`"a"`, `"\u00e9\ud83d\ude00"`, `"\ud800"`, `"a\"\\\/\b\f\n\r\t"`, "\"\xff\"", `"\u0041`} {
		f.Add([]byte(s))
	}
	f.Fuzz(checkUnquote)
}

func BenchmarkParseJSONLine(b *testing.B) {
	line := []byte(`{"id":"wire-00042","title":"Flood closes the river road","url":"https://news.example/2024/05/01/flood",` +
		`"source":"Gazette","published_at":"2024-05-01T12:30:00Z","text":"` +
		string(bytes.Repeat([]byte(`The river rose two feet overnight, and the council closed the road.\n`), 40)) + `"}`)
	b.ReportAllocs()
	b.SetBytes(int64(len(line)))
	for b.Loop() {
		if _, err := ParseJSONLine(line); err != nil {
			b.Fatal(err)
		}
	}
}

// TestPlainEnd: plainEnd finds the first special byte as a byte-by-byte
// scan does, for every byte value at every place of a block of eight and
// after, among plain ASCII and UTF-8 bytes.
func TestPlainEnd(t *testing.T) {
	base := []byte("caf\xc3\xa9 au lait, \xe2\x80\x94 stop")
	for c := range 256 {
		for at := range len(base) {
			b := slices.Clone(base)
			b[at] = byte(c)
			for from := range 3 {
				want := from
				for want < len(b) && !special[b[want]] {
					want++
				}
				if got := plainEnd(b, from); got != want {
					t.Fatalf("plainEnd(%q, %d) = %d, want %d", b, from, got, want)
				}
			}
		}
	}
}

// BenchmarkParseBenchLines parses 200 articles of the real-language bench
// corpus (seed 1) as JSON lines, as the load stage reads them.
func BenchmarkParseBenchLines(b *testing.B) {
	var lines [][]byte
	n := 0
	for _, a := range synth.Generate(synth.Config{Articles: 200, Seed: 1, Text: synth.Brown}) {
		line, err := json.Marshal(map[string]string{"id": a.ID, "title": a.Title, "text": a.Text, "url": a.URL, "source": a.Source})
		if err != nil {
			b.Fatal(err)
		}
		lines = append(lines, line)
		n += len(line)
	}
	b.SetBytes(int64(n))
	for b.Loop() {
		for _, line := range lines {
			if _, err := ParseJSONLine(line); err != nil {
				b.Fatal(err)
			}
		}
	}
}
