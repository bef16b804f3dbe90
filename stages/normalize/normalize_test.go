package normalize

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"golang.org/x/text/unicode/norm"

	"github.com/dedupe/dedupe/internal/synth"
	"github.com/dedupe/dedupe/pipeline"
)

func TestText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"plain", "North Korea denied it.", "North Korea denied it."},
		{"package example", "\u201cDebris\u201d \u2014 it\u2019s  here\r\n", "\"Debris\" - it's here\n"},
		{"single quotes", "\u2018a\u2019 \u201ab\u201b `c`", "'a' 'b' 'c'"},
		{"double quotes", "\u201ca\u201d \u201eb\u201f \u00abc\u00bb", `"a" "b" "c"`},
		{"prime", "5\u2032", "5'"},
		{"dashes", "a\u2010b\u2011c\u2012d\u2013e\u2014f\u2015g\u2212h", "a-b-c-d-e-f-g-h"},
		{"ellipsis", "Wait\u2026", "Wait..."},
		{"no-break spaces", "10\u00a0km and\u202fmore\u3000here", "10 km and more here"},
		{"full-width and ligature", "\uff21\uff22\uff23 \ufb01nal", "ABC final"},
		{"CRLF", "a\r\nb", "a\nb"},
		{"CR", "a\rb\r\rc", "a\nb\n\nc"},
		{"line and paragraph separators", "a\u2028b\u2029c", "a\nb\nc"},
		{"zero-width characters", "in\u200bvisible, soft\u00adhyphen, \ufeffBOM, zw\u200dj", "invisible, softhyphen, BOM, zwj"},
		{"control characters", "a\x00b\x07c\x1bd", "abcd"},
		{"space runs", "a  \t b\v\fc", "a b c"},
		{"lines trimmed", "  lead\t\n trail  \n \n", "lead\ntrail\n\n"},
		{"only spaces", " \t \u00a0 ", ""},
		{"blank lines kept", "a\n\n\nb", "a\n\n\nb"},
		{"combining mark composed", "cafe\u0301", "caf\u00e9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Text(tt.in)
			if got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
			if again := Text(got); again != got {
				t.Errorf("not idempotent: Text(%q) = %q", got, again)
			}
		})
	}
}

// TestTextIdempotentAfterInvisible: an invisible character between a base
// and a combining mark (or two jamo) is dropped before NFKC, so NFKC composes
// them and a second Text changes nothing.
func TestTextIdempotentAfterInvisible(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"zero-width space", "cafe\u200b\u0301", "caf\u00e9"},
		{"soft hyphen", "cafe\u00ad\u0301", "caf\u00e9"},
		{"control", "cafe\x00\u0301", "caf\u00e9"},
		{"byte order mark", "cafe\ufeff\u0301", "caf\u00e9"},
		{"hangul jamo", "\u1100\u200b\u1161", "\uac00"},
		{"combining marks reordered (found by FuzzText)", "\u0300\x00\u035a", "\u035a\u0300"},
		{"space kept between base and mark", "e \u0301", "e \u0301"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			once := Text(tt.in)
			if once != tt.want {
				t.Errorf("got %q, want %q", once, tt.want)
			}
			if twice := Text(once); twice != once {
				t.Errorf("not idempotent: Text(%q) = %q", once, twice)
			}
		})
	}
}

// TestTextFoldAroundNFKC: the fold runs before NFKC, for characters NFKC
// would decompose first, and after it, for the ones NFKC yields.
func TestTextFoldAroundNFKC(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"acute accent used as apostrophe", "it\u00b4s", "it's"},
		{"double prime", "5\u2033", `5"`},
		{"small em dash becomes U+2014", "a\ufe58b", "a-b"},
		{"presentation form en dash", "a\ufe32b", "a-b"},
		{"full-width grave accent becomes `", "\uff40x\uff40", "'x'"},
		{"superscript minus becomes U+2212", "10\u207b3", "10-3"},
		{"non-breaking hyphen", "a\u2011b", "a-b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Text(tt.in)
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if again := Text(got); again != got {
				t.Errorf("not idempotent: Text(%q) = %q", got, again)
			}
		})
	}
}

// TestNFKCYieldsNoInvisible checks the premise of Text's idempotence for
// every code point: NFKC never produces a character that step 1 drops, so no
// drop is needed after it. A change of Unicode version in
// golang.org/x/text that breaks this fails here.
func TestNFKCYieldsNoInvisible(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if invisible(r) || !utf8.ValidRune(r) {
			continue
		}
		for _, o := range norm.NFKC.String(string(r)) {
			if invisible(o) {
				t.Errorf("NFKC(%U) holds %U, which Text drops before NFKC only", r, o)
			}
		}
	}
}

func TestStage(t *testing.T) {
	st := pipeline.NewState(pipeline.DefaultParams())
	st.Params.Workers = 2
	texts := []string{"a\u00a0b", "\u201cq\u201d", "x\r\ny"}
	for i, s := range texts {
		st.Docs = append(st.Docs, &pipeline.Doc{Article: pipeline.Article{ID: fmt.Sprint(i), Text: s}})
	}
	if err := (Stage{}).Run(context.Background(), st, pipeline.NoProgress{}); err != nil {
		t.Fatal(err)
	}
	for i, d := range st.Docs {
		if want := Text(texts[i]); d.Normalized != want {
			t.Errorf("doc %d: got %q, want %q", i, d.Normalized, want)
		}
		if d.Text != "" {
			t.Errorf("doc %d: raw text %q kept after normalising, want it dropped", i, d.Text)
		}
	}
}

func ExampleText() {
	fmt.Printf("%q\n", Text("\u201cDebris\u201d \u2014 it\u2019s\u00a0 here\r\nfrom  Kharkiv\u2026"))
	// Output: "\"Debris\" - it's here\nfrom Kharkiv..."
}

var fuzzSeeds = []string{
	"", "\u201cDebris\u201d \u2014 it\u2019s  here\r\n", "a\u2028b\u2029c\rd", "in\u200bvisible\u00ad",
	"\uff21\ufb01", " \t\n \n", "caf\u00e9 cafe\u0301", "\u00b4x", "\xff\xfe",
	"cafe\u200b\u0301", "\u0300\x00\u035a", "5\u2033 \ufe58 \uff40", "e \u0301\n \u0301",
	"a\r\x00\nb", "Wait\u2026 \ufb01ne\u00a0caf\u00e9\t\U0001F600\r\n",
	"Plain text.\nOn two lines", "a \nb", "a\n b", " a", "a ", "a  b", "a`b", "a\tb", "a\x7fb", "a~b\n\n",
}

func FuzzText(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return // Text requires valid UTF-8 (load rejects the rest)
		}
		got := Text(s)
		if slow := text(s); got != slow {
			t.Errorf("Text(%q) = %q, but the full passes give %q", s, got, slow)
		}
		if !utf8.ValidString(got) {
			t.Fatalf("Text(%q) = %q: not valid UTF-8", s, got)
		}
		if strings.ContainsAny(got, "\r\u2028\u2029\t") {
			t.Errorf("Text(%q) = %q: want no \\r, \\t, U+2028, U+2029", s, got)
		}
		for line := range strings.Lines(got) {
			line = strings.TrimSuffix(line, "\n")
			if strings.TrimSpace(line) != line || strings.Contains(line, "  ") {
				t.Errorf("Text(%q) has line %q: want trimmed, single spaces", s, line)
			}
		}
		if !norm.NFKC.IsNormalString(got) {
			t.Errorf("Text(%q) = %q: not NFKC", s, got)
		}
		if i := strings.IndexFunc(got, invisible); i >= 0 {
			t.Errorf("Text(%q) = %q: holds invisible %q at byte %d", s, got, got[i:], i)
		}
		if again := Text(got); again != got {
			t.Errorf("not idempotent: Text(%q) = %q, Text of that = %q", s, got, again)
		}
		checkTextMap(t, s, true)
		if isASCII(s) {
			fastText, fastMap := textMapASCII(s)
			slowText, slowMap := textMap(s)
			if fastText != slowText || !slices.Equal(fastMap, slowMap) {
				t.Errorf("ASCII path differs for %q:\ngot  %q %v\nwant %q %v", s, fastText, fastMap, slowText, slowMap)
			}
		}
	})
}

// checkTextMap checks TextMap(s) against Text(s), and that each word of the
// result (a run between white space) maps back to a slice of s that
// normalises to that word, or with multi, to text that holds it.
func checkTextMap(t *testing.T, s string, multi bool) {
	t.Helper()
	got, m := TextMap(s)
	if want := Text(s); got != want {
		t.Fatalf("TextMap(%q) = %q, want Text's %q", s, got, want)
	}
	runes := []rune(s)
	if len(m) != len(got)+1 || int(m[len(got)]) != len(runes) {
		t.Fatalf("TextMap(%q): map of %d entries ending %v, want %d ending %d", s, len(m), m[len(m)-1:], len(got)+1, len(runes))
	}
	for i, v := range m {
		if v < 0 || int(v) > len(runes) {
			t.Fatalf("TextMap(%q): map[%d] = %d out of range", s, i, v)
		}
	}
	start := -1
	for i := 0; i <= len(got); i++ {
		if i < len(got) && got[i] != ' ' && got[i] != '\n' {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			a, b := m[start], m[i-1]+1
			if a >= b {
				t.Fatalf("TextMap(%q): word %q maps to [%d, %d)", s, got[start:i], a, b)
			}
			// A word normalises back from its range; or, when one input
			// character gave several words (NFKC of U+FDFA is four words),
			// the range's normal form holds it.
			if w := Text(string(runes[a:b])); w != got[start:i] && (!multi || !strings.Contains(w, got[start:i])) {
				t.Errorf("TextMap(%q): word %q maps to [%d, %d) = %q, which normalises to %q", s, got[start:i], a, b, string(runes[a:b]), w)
			}
			start = -1
		}
	}
}

func TestTextMap(t *testing.T) {
	tests := []struct {
		name, in, want string
		m              []int32
	}{
		{"empty", "", "", []int32{0}},
		{"ascii", "ab", "ab", []int32{0, 1, 2}},
		{"spaces and CRLF", " a \t b \r\nc", "a b\nc", []int32{1, 2, 5, 7, 9, 10}},
		{"curly quotes", "\u201cx\u201d", `"x"`, []int32{0, 1, 2, 3}},
		{"ellipsis", "Wait\u2026", "Wait...", []int32{0, 1, 2, 3, 4, 4, 4, 5}},
		{"ligature", "\ufb01n", "fin", []int32{0, 0, 1, 2}},
		{"NBSP", "a\u00a0b", "a b", []int32{0, 1, 2, 3}},
		{"zero-width space", "a\u200bb", "ab", []int32{0, 2, 3}},
		{"combining acute composed", "cafe\u0301!", "caf\u00e9!", []int32{0, 1, 2, 3, 4, 5, 6}},
		{"precomposed", "caf\u00e9", "caf\u00e9", []int32{0, 1, 2, 3, 3, 4}},
		{"emoji", "\U0001F600!", "\U0001F600!", []int32{0, 0, 0, 0, 1, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, m := TextMap(tt.in)
			if got != tt.want || !reflect.DeepEqual(m, tt.m) {
				t.Errorf("TextMap(%q) = %q, %v; want %q, %v", tt.in, got, m, tt.want, tt.m)
			}
			checkTextMap(t, tt.in, false)
		})
	}
}

// TestTextMapCorpus checks TextMap against Text on the fuzz corpus.
func TestTextMapCorpus(t *testing.T) {
	files, err := filepath.Glob("testdata/fuzz/FuzzText/*")
	if err != nil {
		t.Fatal(err)
	}
	inputs := append([]string(nil), fuzzSeeds...)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for line := range strings.Lines(string(b)) {
			if q, ok := strings.CutPrefix(strings.TrimSpace(line), "string("); ok {
				s, err := strconv.Unquote(strings.TrimSuffix(q, ")"))
				if err != nil {
					t.Fatalf("%s: %v", f, err)
				}
				inputs = append(inputs, s)
			}
		}
	}
	if len(inputs) <= len(fuzzSeeds) {
		t.Fatalf("read no input from testdata/fuzz/FuzzText")
	}
	for _, s := range inputs {
		if utf8.ValidString(s) {
			checkTextMap(t, s, true)
		}
	}
}

func TestTextMapASCIIPath(t *testing.T) {
	for _, s := range []string{
		"", "a", "  lead and trail  ", "a\r\nb", "a\r\x01\nb", "a\rb\r\r\nc", "tab\tsep\vv\ff",
		"back`tick", "ctl\x00\x1f\x7fend", "\n\n  \n x  y \n", "one.  Two.\r\n\r\nThree",
	} {
		fastText, fastMap := textMapASCII(s)
		slowText, slowMap := textMap(s)
		if fastText != slowText || !slices.Equal(fastMap, slowMap) {
			t.Errorf("%q: ASCII path gives %q %v, general path %q %v", s, fastText, fastMap, slowText, slowMap)
		}
		if fastText != Text(s) {
			t.Errorf("%q: ASCII path gives %q, Text %q", s, fastText, Text(s))
		}
	}
}

// foldedSeeds are mostly-Latin texts, the kind textMapFolded is for, and the
// cases around it: a fold next to a combining mark, invisibles inside
// "\r\n", characters that are not NFKC once folded.
var foldedSeeds = []string{
	"\u201cDebris\u201d \u2014 it\u2019s  here\r\n", "caf\u00e9 na\u00efve r\u00e9sum\u00e9 \u2013 Z\u00fcrich\u2026",
	"a\r\u200b\nb\u2029c\u2028", "x \u0301 y\u0301", "'\u0301 \u2019\u0301", "\u00b4e", "\t\u00e9 \u3000 \u1680\u0085x\n  ",
	"Wait\u2026 \ufb01ne\u00a0caf\u00e9\t\U0001F600\r\n", "\u2033\u0338", "\u00ad\u00e9\u034f", "\n\u0301\n",
}

// TestTextMapFoldedPath checks that textMapFolded gives what textMap gives,
// on the inputs it takes, and that it takes the common case.
func TestTextMapFoldedPath(t *testing.T) {
	for _, tt := range []struct {
		in     string
		folded bool
	}{
		{"\u201cDebris\u201d \u2014 it\u2019s  here\r\n", true},
		{"caf\u00e9 na\u00efve r\u00e9sum\u00e9 \u2013 Z\u00fcrich\u2026", true},
		{"a\r\u200b\nb\u2029c\u2028", true},
		{"\t\u00e9 \u1680\u0085x\n  ", true},
		{"\U0001F600 \u00e9\u00e9", true},
		{"cafe\u0301", false},    // composes
		{"a\u00a0b", false},      // NBSP is not NFKC
		{"\ufb01ne", false},      // ligature
		{"\u2019e\u0301", false}, // e and an acute compose
	} {
		fastText, fastMap, ok := textMapFolded(tt.in)
		if ok != tt.folded {
			t.Errorf("textMapFolded(%q) took it: %v, want %v", tt.in, ok, tt.folded)
		}
		if !ok {
			continue
		}
		slowText, slowMap := textMap(tt.in)
		if fastText != slowText || !slices.Equal(fastMap, slowMap) {
			t.Errorf("%q: folded path gives %q %v, general path %q %v", tt.in, fastText, fastMap, slowText, slowMap)
		}
	}
}

// FuzzTextMapFolded: whatever input textMapFolded takes, it gives textMap's
// text and map, byte for byte.
func FuzzTextMapFolded(f *testing.F) {
	for _, s := range append(foldedSeeds, fuzzSeeds...) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		fastText, fastMap, ok := textMapFolded(s)
		if !ok {
			if norm.NFKC.IsNormalString(fold.Replace(strings.Map(func(r rune) rune {
				if invisible(r) {
					return -1
				}
				return r
			}, s))) {
				t.Errorf("%q: folded path refused input whose fold is NFKC", s)
			}
			return
		}
		slowText, slowMap := textMap(s)
		if fastText != slowText || !slices.Equal(fastMap, slowMap) {
			t.Errorf("%q: folded path gives %q %v, general path %q %v", s, fastText, fastMap, slowText, slowMap)
		}
	})
}

// benchText is article-like text: curly quotes, dashes, an accented name.
var benchText = strings.Repeat("\u201cThe committee\u2019s report \u2014 filed on Jan. 2 \u2014 says the caf\u00e9 owner, Ren\u00e9e M\u00fcller, paid $1,200\u2026\u201d  he said.\r\n\r\n", 40)

func BenchmarkTextMap(b *testing.B) {
	for _, bb := range []struct {
		name string
		f    func(string) (string, []int32)
	}{{"dispatch", TextMap}, {"general", textMap}} {
		b.Run(bb.name, func(b *testing.B) {
			b.SetBytes(int64(len(benchText)))
			for b.Loop() {
				bb.f(benchText)
			}
		})
	}
}

// TestInvisible: invisible's shortcuts give what the definition gives, on
// every code point.
func TestInvisible(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		want := (unicode.IsControl(r) || unicode.Is(unicode.Cf, r)) && !unicode.IsSpace(r)
		if got := invisible(r); got != want {
			t.Fatalf("invisible(%U) = %v, want %v", r, got, want)
		}
	}
}

// BenchmarkText normalises the sentences of 200 articles of the
// real-language bench corpus (seed 1) one by one, as the excerpt stage
// does with the sentences the tables quote.
func BenchmarkText(b *testing.B) {
	var sents []string
	for _, a := range synth.Generate(synth.Config{Articles: 200, Seed: 1, Text: synth.Brown}) {
		sents = append(sents, strings.SplitAfter(a.Text, ". ")...)
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, s := range sents {
			Text(strings.TrimSpace(s))
		}
	}
}

// TestTextCopies: Text returns a string of its own, even for a text it
// leaves as it is, so that a sentence cut from an article does not keep
// the article in memory.
func TestTextCopies(t *testing.T) {
	article := "First sentence. Second one."
	for _, s := range []string{article[:15], article[16:], "caf\u00e9  au lait"} {
		if got := Text(s); len(got) > 0 && unsafe.StringData(got) == unsafe.StringData(s) {
			t.Errorf("Text(%q) shares the memory of its argument", s)
		}
	}
}
