package segment

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/dedupe/dedupe/pipeline"
	"github.com/dedupe/dedupe/stages/normalize"
	"github.com/dedupe/dedupe/stages/unwrap"
)

func newSegmenter(t testing.TB) *Segmenter {
	t.Helper()
	s, err := New()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// pt is a Piece without its byte range, which checkPieces checks apart.
type pt struct {
	Para int
	Text string
}

// checkPieces compares the Para and Text of got with want, and checks that
// each piece's byte range holds its text.
func checkPieces(t *testing.T, in string, got []Piece, want []pt) {
	t.Helper()
	var g []pt
	for _, p := range got {
		g = append(g, pt{p.Para, p.Text})
		if p.Start < 0 || p.End > len(in) || p.Start > p.End || in[p.Start:p.End] != p.Text {
			t.Errorf("piece %q has range [%d, %d) of %q", p.Text, p.Start, p.End, in)
		}
	}
	if !reflect.DeepEqual(g, want) {
		t.Errorf("got %+v, want %+v", g, want)
	}
}

func TestSplit(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []pt
	}{
		{"empty", "", nil},
		{"blank lines only", " \n\n \n", nil},
		{"two sentences", "Officials met on Monday. They agreed.", []pt{{0, "Officials met on Monday."}, {0, "They agreed."}}},
		{"U.S. does not split", "The U.S. said it would act. Officials agreed.",
			[]pt{{0, "The U.S. said it would act."}, {0, "Officials agreed."}}},
		{"acronym with full stops opens a sentence", "F.B.I. agents arrived on Monday. They left.",
			[]pt{{0, "F.B.I. agents arrived on Monday."}, {0, "They left."}}},
		{"a.m. and titles", "Dr. Jones met Mr. Smith at 5 p.m. on Monday. Nothing happened.",
			[]pt{{0, "Dr. Jones met Mr. Smith at 5 p.m. on Monday."}, {0, "Nothing happened."}}},
		{"full stop inside closing quote", `It was made by Russia." The report said so.`,
			[]pt{{0, `It was made by Russia."`}, {0, "The report said so."}}},
		{"Jan. 2 does not split", "The missile landed on Jan. 2 in Kharkiv. Debris was found.",
			[]pt{{0, "The missile landed on Jan. 2 in Kharkiv."}, {0, "Debris was found."}}},
		{"titles and initials", "Mr. Kim met Mrs. Lee in Washington, D.C. on Friday.",
			[]pt{{0, "Mr. Kim met Mrs. Lee in Washington, D.C. on Friday."}}},
		{"decimal number", "Growth was 3.5 percent. Prices rose.", []pt{{0, "Growth was 3.5 percent."}, {0, "Prices rose."}}},
		{"question and exclamation", "Is it over? Yes! Okay.", []pt{{0, "Is it over?"}, {0, "Yes!"}, {0, "Okay."}}},
		{"closing quote stays with its sentence", `He said "Stop." Then he left.`, []pt{{0, `He said "Stop."`}, {0, "Then he left."}}},
		{"line break always splits", "Headline without stop\nBody sentence one. Body sentence two.",
			[]pt{{0, "Headline without stop"}, {1, "Body sentence one."}, {1, "Body sentence two."}}},
		{"line break splits mid-sentence", "the U.S.\nand its allies",
			[]pt{{0, "the U.S."}, {1, "and its allies"}}},
		{"paragraphs counted over non-empty lines", "\n\nFirst.\n\n\n  Second.  \n \nThird. Fourth.\n",
			[]pt{{0, "First."}, {1, "Second."}, {2, "Third."}, {2, "Fourth."}}},
	}
	s := newSegmenter(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkPieces(t, tt.in, s.Split(tt.in), tt.want)
		})
	}
}

// TestSplitAfterNumber: news copy often ends a sentence with a year or a
// figure.
func TestSplitAfterNumber(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []pt
	}{
		{"year", "Sanctions have applied since 2006. They were tightened later.",
			[]pt{{0, "Sanctions have applied since 2006."}, {0, "They were tightened later."}}},
		{"figure", "The death toll rose to 52. Rescuers are still searching.",
			[]pt{{0, "The death toll rose to 52."}, {0, "Rescuers are still searching."}}},
		{"date", "The missile hit Kharkiv on Jan. 2. Debris was recovered.",
			[]pt{{0, "The missile hit Kharkiv on Jan. 2."}, {0, "Debris was recovered."}}},
	}
	s := newSegmenter(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkPieces(t, tt.in, s.Split(tt.in), tt.want)
		})
	}
}

func TestWords(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"  ...  ", nil},
		{"Hwasong-11's", []string{"hwasong", "11", "s"}},
		{"The U.S. said", []string{"the", "u", "s", "said"}},
		{"10:07 PM", []string{"10", "07", "pm"}},
		{"Kharkiv, Ukraine!", []string{"kharkiv", "ukraine"}},
		{"caf\u00e9 cafe\u0301", []string{"caf\u00e9", "cafe\u0301"}},
		{"\u041a\u0418\u0415\u0412 \u6771\u4eac", []string{"\u043a\u0438\u0435\u0432", "\u6771\u4eac"}},
		{"end", []string{"end"}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got := Words(tt.in)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if n := CountWords(tt.in); n != len(tt.want) {
				t.Errorf("CountWords: got %d, want %d", n, len(tt.want))
			}
		})
	}
}

func TestAppendWords(t *testing.T) {
	dst := []string{"keep"}
	got := AppendWords(dst, "Two words")
	if want := []string{"keep", "two", "words"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestStage(t *testing.T) {
	st := pipeline.NewState(pipeline.DefaultParams())
	st.Params.Workers = 2
	texts := []string{"Headline\nThe U.S. said so. Others agreed.", "", "One.\n\nTwo words here."}
	for i, s := range texts {
		norm, m := normalize.TextMap(s)
		st.Docs = append(st.Docs, &pipeline.Doc{Article: pipeline.Article{ID: fmt.Sprint(i)}, Normalized: norm, NormMap: m})
	}
	if err := (Stage{}).Run(context.Background(), st, pipeline.NoProgress{}); err != nil {
		t.Fatal(err)
	}
	want := [][]pipeline.Sentence{
		{{Index: 0, Para: 0, Text: "Headline", Words: 1, Start: 0, End: 8}, {Index: 1, Para: 1, Text: "The U.S. said so.", Words: 5, Start: 9, End: 26, Terminated: true}, {Index: 2, Para: 1, Text: "Others agreed.", Words: 2, Start: 27, End: 41, Terminated: true}},
		{},
		{{Index: 0, Para: 0, Text: "One.", Words: 1, Start: 0, End: 4, Terminated: true}, {Index: 1, Para: 1, Text: "Two words here.", Words: 3, Start: 6, End: 21, Terminated: true}},
	}
	for i, d := range st.Docs {
		if !reflect.DeepEqual(d.Sentences, want[i]) {
			t.Errorf("doc %d: got %+v, want %+v", i, d.Sentences, want[i])
		}
		if d.Normalized != "" || d.NormMap != nil {
			t.Errorf("doc %d: got Normalized %q, NormMap %v, want them dropped", i, d.Normalized, d.NormMap)
		}
	}
	if got, want := (Stage{}).Summary(st), "5 sentences"; got != want {
		t.Errorf("summary: got %q, want %q", got, want)
	}
}

func ExampleSegmenter_Split() {
	s, err := New()
	if err != nil {
		panic(err)
	}
	for _, p := range s.Split("Kim visits Russia\nThe U.S. said on Jan. 2 that talks failed. Seoul agreed.") {
		fmt.Printf("%d %q\n", p.Para, p.Text)
	}
	// Output:
	// 0 "Kim visits Russia"
	// 1 "The U.S. said on Jan. 2 that talks failed."
	// 1 "Seoul agreed."
}

// isSubsequence reports whether sub appears in order within all.
func isSubsequence(sub, all []string) bool {
	i := 0
	for _, w := range all {
		if i < len(sub) && sub[i] == w {
			i++
		}
	}
	return i == len(sub)
}

func FuzzSplit(f *testing.F) {
	for _, s := range []string{
		"", "The U.S. said on Jan. 2 that it would act. Officials agreed.",
		"Headline\n\nBody. More body? Yes!", `He said "Stop." Then he left.`,
		"Mr. Kim met Mrs. Lee in Washington, D.C. on Friday.", "a.b.c. d... e?! (f.) [g.]",
		"\u00e9t\u00e9. \u00c9t\u00e9.", "3.5. 4.", " . \n . ",
	} {
		f.Add(s)
	}
	seg := newSegmenter(f)
	f.Fuzz(func(t *testing.T, text string) {
		pieces := seg.Split(text)
		var words []string
		for i, p := range pieces {
			if p.Text == "" || strings.TrimSpace(p.Text) != p.Text {
				t.Errorf("piece %d: got %q, want non-empty and trimmed", i, p.Text)
			}
			if strings.Contains(p.Text, "\n") {
				t.Errorf("piece %d: got %q, want no line break", i, p.Text)
			}
			if i > 0 && p.Para < pieces[i-1].Para {
				t.Errorf("piece %d: got para %d after %d, want non-decreasing", i, p.Para, pieces[i-1].Para)
			}
			words = AppendWords(words, p.Text)
		}
		all := Words(text)
		if n := CountWords(text); n != len(all) {
			t.Errorf("CountWords: got %d, want len(Words) = %d", n, len(all))
		}
		if !isSubsequence(words, all) {
			t.Errorf("words of the pieces %q are not in order within the words of the input %q", words, all)
		}
	})
}

// FuzzOffsets: for any text, every sentence's code-point range in the
// original normalises back to the sentence. The excerpt stage relies on it
// to read the added sentences again.
func FuzzOffsets(f *testing.F) {
	for _, s := range []string{
		"", "\u201cIt\u2019s over,\u201d he said. \u2018Fine.\u2019 She left.",
		"First line.\r\nSecond one. Third one.\r\n\r\n  Fourth.\r\n",
		"She went to the cafe\u0301. Then the \ufb01rst \ufb01ght\u2026 ended.",
		" \u200b \u201cCaf\u00e9\u201d \u2014 cafe\u0301\u2026\u00a0\r\n\t\ufb01n. \U0001F600\u2026 ",
		"e \u0301. x \u0301\u0316 y.\n\u0301 z.", "One.\u2028Two. Three.\u2029Four.",
		wrappedFed, wrappedTricky,
	} {
		f.Add(s)
	}
	seg := newSegmenter(f)
	f.Fuzz(func(t *testing.T, orig string) {
		if !utf8.ValidString(orig) {
			return // the loader hands on valid UTF-8 only
		}
		checkOffsets(t, seg, "fuzz", orig)
	})
}

func TestTerminated(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"The report said so.", true},
		{"Did it?", true},
		{`He said "it was made by Russia."`, true},
		{`The inspectors said fragments "derive from a Hwasong-11 series missile"`, true},
		{"(Reporting by Jane Doe.)", true},
		{"North Korean Ballistic Missile Struck Kharkiv", false},
		{`Biden says "no" to`, false},
		{`Read also: "Stock" markets`, false},
		{`An unbalanced "quote`, false},
		{"", false},
	}
	for _, tt := range tests {
		if got := Terminated(tt.in); got != tt.want {
			t.Errorf("Terminated(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// checkOffsets segments the original text orig as the pipeline does
// (normalised, unwrapped, split) and checks that each sentence's code-point
// range [Start, End) of orig normalises to the sentence once its line
// breaks are joined, as the excerpt stage reads it.
func checkOffsets(t *testing.T, s *Segmenter, name, orig string) int {
	t.Helper()
	text, m := normalize.TextMap(orig)
	text = unwrap.Apply(text, m)
	runes := []rune(orig)
	pieces := s.Split(text)
	for _, pc := range pieces {
		start, end := Offsets(m, pc)
		if start < 0 || start > end || int(end) > len(runes) {
			t.Errorf("%s: sentence %q has range [%d, %d) of %d code points", name, pc.Text, start, end, len(runes))
			continue
		}
		if got := unwrap.Join(normalize.Text(string(runes[start:end]))); got != pc.Text {
			t.Errorf("%s: sentence %q has range [%d, %d) = %q, which normalises to %q", name, pc.Text, start, end, string(runes[start:end]), got)
		}
	}
	return len(pieces)
}

// TestOffsets: every sentence's range in the original text normalises to the
// sentence, on tricky inputs and on the seed articles.
func TestOffsets(t *testing.T) {
	s := newSegmenter(t)
	tricky := map[string]string{
		"curly quotes":      "\u201cIt\u2019s over,\u201d he said. \u2018Fine.\u2019 She left.",
		"NBSP":              "Prices\u00a0rose 5\u00a0%. Then\u00a0fell.\u00a0 Again\u00a0.",
		"CRLF":              "First line.\r\nSecond one. Third one.\r\n\r\n  Fourth.\r\n",
		"CR":                "A.\rB. C.\r",
		"zero-width":        "In\u200bvisible \u200dit was.\u200b \ufeffNext one.\u00ad Soft\u00adly.\u200b",
		"ligature":          "The \ufb01rst \ufb01ght. The \ufb01nal of\ufb01ce \ufb01",
		"combining acute":   "She went to the cafe\u0301. Then the cafe\u0301 closed cafe\u0301",
		"precomposed":       "caf\u00e9. na\u00efve \u00e9l\u00e8ve.",
		"ellipsis":          "Wait\u2026 What\u2026 He paused\u2026",
		"tabs":              "\tIndented.\t\tTabbed  twice.\t\nNext\tline.\t",
		"emoji":             "Great \U0001F600. Fire \U0001F525! Flag \U0001F1FA\U0001F1E6 family \U0001F468\u200d\U0001F469\u200d\U0001F467",
		"dashes":            "A \u2014 B. C\u2013D since 2006. They left\u2212fast.",
		"full-width":        "\uff21\uff22\uff23 said so. \uff11\uff12 left.",
		"mixed":             " \u200b \u201cCaf\u00e9\u201d \u2014 cafe\u0301\u2026\u00a0\r\n\t\ufb01n. \U0001F600\u2026 ",
		"marks after space": "e \u0301. x \u0301\u0316 y.\n\u0301 z.",
		"U+2028":            "One.\u2028Two. Three.\u2029Four.",
		"wrapped":           wrappedFed,
		"wrapped, tricky":   wrappedTricky,
	}
	for name, orig := range tricky {
		if checkOffsets(t, s, name, orig) == 0 {
			t.Errorf("%s: no sentences", name)
		}
	}
	files, err := filepath.Glob("../../testdata/seeds/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no seed articles: %v", err)
	}
	wrapped, err := filepath.Glob("../unwrap/testdata/*.txt")
	if err != nil || len(wrapped) == 0 {
		t.Fatalf("no wrapped articles: %v", err)
	}
	for _, f := range append(files, wrapped...) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		checkOffsets(t, s, f, string(b))
	}
}

// Wrapped text: the unwrap stage joins its lines, so sentences span line
// breaks of the original.
const (
	wrappedFed = "U.S. FED ADDS RESERVES\n  NEW YORK, March 2 - The Federal Reserve entered the U.S.\n" +
		"government securities market to arrange 1.5 billion dlrs of\ncustomer repurchase agreements, a Fed spokesman said.\n" +
		"  Dealers said Federal funds were trading at six pct when the\nFed began its temporary and indirect supply of reserves to the\nbanking system.\n"
	wrappedTricky = "\u00a0 \u201cThe caf\u00e9s\u201d \u2014 she said \u2014 were trading at six pct when\u00a0 \r\n" +
		"the\u200b \ufb01rst reserves\u2026 arrived. Prices of coffee rose and\t\r\n" +
		"fell again, the\u00a0traders said, to 2.5 pct from the\r\nthree pct of the week before.\r\n\r\n  Shr 35 cts vs 21 cts\r\n"
)

// TestOffsetsWrapped: on wrapped text, some sentence does span a line
// break of the original, so TestOffsets checks what it should.
func TestOffsetsWrapped(t *testing.T) {
	s := newSegmenter(t)
	for name, orig := range map[string]string{"fed": wrappedFed, "tricky": wrappedTricky} {
		text, m := normalize.TextMap(orig)
		spans := 0
		for _, pc := range s.Split(unwrap.Apply(text, m)) {
			start, end := Offsets(m, pc)
			if strings.ContainsAny(string([]rune(orig)[start:end]), "\n\r\u2028") {
				spans++
			}
		}
		if spans < 2 {
			t.Errorf("%s: %d sentences span a line break, want at least 2", name, spans)
		}
		checkOffsets(t, s, name, orig)
	}
}

// isWordRuneRef is IsWordRune without its ASCII fast path.
func isWordRuneRef(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// TestIsWordRune checks IsWordRune on every code point.
func TestIsWordRune(t *testing.T) {
	for r := rune(-1); r <= unicode.MaxRune+1; r++ {
		if got, want := IsWordRune(r), isWordRuneRef(r); got != want {
			t.Fatalf("IsWordRune(%U) = %v, want %v", r, got, want)
		}
	}
}

// wordsRef is Words as the package doc defines it: maximal runs of letters,
// digits and combining marks, lower-cased.
func wordsRef(s string) []string {
	w := strings.FieldsFunc(s, func(r rune) bool { return !isWordRuneRef(r) })
	for i := range w {
		w[i] = strings.ToLower(w[i])
	}
	return w
}

func TestAppendFirstWords(t *testing.T) {
	tests := []struct {
		s    string
		n    int
		want []string
	}{
		{"Support independent journalism in Ukraine.", 3, []string{"support", "independent", "journalism"}},
		{"Two words", 3, []string{"two", "words"}},
		{"Hwasong-11's range", 3, []string{"hwasong", "11", "s"}},
		{"  one  ", 1, []string{"one"}},
		{"a b c", 0, nil},
		{"Caf\u00e9 na\u00efve", -1, []string{"caf\u00e9", "na\u00efve"}},
	}
	for _, tt := range tests {
		if got := AppendFirstWords(nil, tt.s, tt.n); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("AppendFirstWords(%q, %d) = %q, want %q", tt.s, tt.n, got, tt.want)
		}
	}
}

// FuzzWords: Words, AppendFirstWords, CountWords and the words of
// AppendTokens agree with wordsRef, the definition without fast paths.
func FuzzWords(f *testing.F) {
	for _, s := range []string{"", "Hwasong-11's", "Caf\u00e9 E\u0301T\u00c9 \u0130stanbul \u00df", "a  b\tc.d", "\u0663\u0664 x\u200by", "ÀB 12:07 PM"} {
		f.Add(s, 3)
	}
	f.Fuzz(func(t *testing.T, s string, n int) {
		want := wordsRef(s)
		if got := Words(s); !slices.Equal(got, want) {
			t.Fatalf("Words(%q) = %q, want %q", s, got, want)
		}
		if got := CountWords(s); got != len(want) {
			t.Errorf("CountWords(%q) = %d, want %d", s, got, len(want))
		}
		n %= 8
		first := want
		if n >= 0 && n < len(want) {
			first = want[:n]
		}
		if got := AppendFirstWords(nil, s, n); !slices.Equal(got, first) {
			t.Errorf("AppendFirstWords(%q, %d) = %q, want %q", s, n, got, first)
		}
		toks := AppendTokens(nil, s)
		if len(toks) != len(want) {
			t.Fatalf("AppendTokens(%q) gives %d words, want %d", s, len(toks), len(want))
		}
		raw := strings.FieldsFunc(s, func(r rune) bool { return !isWordRuneRef(r) })
		for i, tok := range toks {
			r, _ := utf8.DecodeRuneInString(raw[i])
			if wantCap := i > 0 && unicode.IsUpper(r); tok.Word != want[i] || tok.Cap != wantCap {
				t.Errorf("AppendTokens(%q) word %d = %q cap %v, want %q cap %v", s, i, tok.Word, tok.Cap, want[i], wantCap)
			}
		}
		if got, want := AppendNameTokens(nil, s), nameTokens(toks); !slices.Equal(got, want) {
			t.Errorf("AppendNameTokens(%q) = %v, want %v", s, got, want)
		}
	})
}

// nameTokens is AppendNameTokens by its definition: the first of toks and
// those with Cap set.
func nameTokens(toks []Token) []Token {
	var out []Token
	for i, t := range toks {
		if i == 0 || t.Cap {
			out = append(out, t)
		}
	}
	return out
}

// TestAppendNameTokens: the first word, whatever its case, and the
// capitalised words after it, lower-cased.
func TestAppendNameTokens(t *testing.T) {
	for _, tt := range []struct {
		s    string
		want []Token
	}{
		{"", nil},
		{"the mayor of Kyiv met NATO officials.", []Token{{Word: "the"}, {Word: "kyiv", Cap: true}, {Word: "nato", Cap: true}}},
		{"Écoles in Île-de-France", []Token{{Word: "écoles"}, {Word: "île", Cap: true}, {Word: "france", Cap: true}}},
		{"... 12 Days", []Token{{Word: "12"}, {Word: "days", Cap: true}}},
	} {
		if got := AppendNameTokens(nil, tt.s); !slices.Equal(got, tt.want) {
			t.Errorf("AppendNameTokens(%q) = %v, want %v", tt.s, got, tt.want)
		}
	}
}

// newsSentences are sentences of news prose for the benchmarks.
var newsSentences = []string{
	"The Kherson regional administration said Russian forces shelled the city 112 times on Tuesday, injuring two people.",
	"Ukrainian President Volodymyr Zelensky met NATO Secretary General Jens Stoltenberg in Kyiv.",
	"Further details were not immediately available.",
	"\u201cWe will rebuild,\u201d the mayor said, adding that the Caf\u00e9 de Flore had reopened.",
	"prices rose 3.5% in the year to March, according to the Office for National Statistics.",
}

// BenchmarkAppendTokens tokenises sentences of news prose, every word
// (as the shingle stage does) and the names alone (as the boilerplate
// stage's teaser rule does).
func BenchmarkAppendTokens(b *testing.B) {
	var toks []Token
	b.Run("all", func(b *testing.B) {
		for b.Loop() {
			for _, s := range newsSentences {
				toks = AppendTokens(toks[:0], s)
			}
		}
	})
	b.Run("names", func(b *testing.B) {
		for b.Loop() {
			for _, s := range newsSentences {
				toks = AppendNameTokens(toks[:0], s)
			}
		}
	})
}

// BenchmarkCountWords counts the words of newsSentences.
func BenchmarkCountWords(b *testing.B) {
	for b.Loop() {
		for _, s := range newsSentences {
			CountWords(s)
		}
	}
}
