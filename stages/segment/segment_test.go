package segment

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/dedupe/dedupe/pipeline"
)

func newSegmenter(t testing.TB) *Segmenter {
	t.Helper()
	s, err := New()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSplit(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []Piece
	}{
		{"empty", "", nil},
		{"blank lines only", " \n\n \n", nil},
		{"two sentences", "Officials met on Monday. They agreed.", []Piece{{0, "Officials met on Monday."}, {0, "They agreed."}}},
		{"U.S. does not split", "The U.S. said it would act. Officials agreed.",
			[]Piece{{0, "The U.S. said it would act."}, {0, "Officials agreed."}}},
		{"acronym with full stops opens a sentence", "F.B.I. agents arrived on Monday. They left.",
			[]Piece{{0, "F.B.I. agents arrived on Monday."}, {0, "They left."}}},
		{"a.m. and titles", "Dr. Jones met Mr. Smith at 5 p.m. on Monday. Nothing happened.",
			[]Piece{{0, "Dr. Jones met Mr. Smith at 5 p.m. on Monday."}, {0, "Nothing happened."}}},
		{"full stop inside closing quote", `It was made by Russia." The report said so.`,
			[]Piece{{0, `It was made by Russia."`}, {0, "The report said so."}}},
		{"Jan. 2 does not split", "The missile landed on Jan. 2 in Kharkiv. Debris was found.",
			[]Piece{{0, "The missile landed on Jan. 2 in Kharkiv."}, {0, "Debris was found."}}},
		{"titles and initials", "Mr. Kim met Mrs. Lee in Washington, D.C. on Friday.",
			[]Piece{{0, "Mr. Kim met Mrs. Lee in Washington, D.C. on Friday."}}},
		{"decimal number", "Growth was 3.5 percent. Prices rose.", []Piece{{0, "Growth was 3.5 percent."}, {0, "Prices rose."}}},
		{"question and exclamation", "Is it over? Yes! Okay.", []Piece{{0, "Is it over?"}, {0, "Yes!"}, {0, "Okay."}}},
		{"closing quote stays with its sentence", `He said "Stop." Then he left.`, []Piece{{0, `He said "Stop."`}, {0, "Then he left."}}},
		{"line break always splits", "Headline without stop\nBody sentence one. Body sentence two.",
			[]Piece{{0, "Headline without stop"}, {1, "Body sentence one."}, {1, "Body sentence two."}}},
		{"line break splits mid-sentence", "the U.S.\nand its allies",
			[]Piece{{0, "the U.S."}, {1, "and its allies"}}},
		{"paragraphs counted over non-empty lines", "\n\nFirst.\n\n\n  Second.  \n \nThird. Fourth.\n",
			[]Piece{{0, "First."}, {1, "Second."}, {2, "Third."}, {2, "Fourth."}}},
	}
	s := newSegmenter(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := s.Split(tt.in)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestSplitAfterNumber: news copy often ends a sentence with a year or a
// figure.
func TestSplitAfterNumber(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []Piece
	}{
		{"year", "Sanctions have applied since 2006. They were tightened later.",
			[]Piece{{0, "Sanctions have applied since 2006."}, {0, "They were tightened later."}}},
		{"figure", "The death toll rose to 52. Rescuers are still searching.",
			[]Piece{{0, "The death toll rose to 52."}, {0, "Rescuers are still searching."}}},
		{"date", "The missile hit Kharkiv on Jan. 2. Debris was recovered.",
			[]Piece{{0, "The missile hit Kharkiv on Jan. 2."}, {0, "Debris was recovered."}}},
	}
	s := newSegmenter(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := s.Split(tt.in); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
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
		st.Docs = append(st.Docs, &pipeline.Doc{Article: pipeline.Article{ID: fmt.Sprint(i)}, Normalized: s})
	}
	if err := (Stage{}).Run(context.Background(), st, pipeline.NoProgress{}); err != nil {
		t.Fatal(err)
	}
	want := [][]pipeline.Sentence{
		{{Index: 0, Para: 0, Text: "Headline", Words: 1}, {Index: 1, Para: 1, Text: "The U.S. said so.", Words: 5, Terminated: true}, {Index: 2, Para: 1, Text: "Others agreed.", Words: 2, Terminated: true}},
		{},
		{{Index: 0, Para: 0, Text: "One.", Words: 1, Terminated: true}, {Index: 1, Para: 1, Text: "Two words here.", Words: 3, Terminated: true}},
	}
	for i, d := range st.Docs {
		if !reflect.DeepEqual(d.Sentences, want[i]) {
			t.Errorf("doc %d: got %+v, want %+v", i, d.Sentences, want[i])
		}
		if d.Normalized != "" {
			t.Errorf("doc %d: got Normalized %q, want it dropped", i, d.Normalized)
		}
	}
	if got := st.Counts["sentences"]; got != 5 {
		t.Errorf("got %d sentences counted, want 5", got)
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
