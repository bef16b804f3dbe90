package segment

import (
	"reflect"
	"strings"
	"testing"
	"unicode"

	"github.com/dedupe/dedupe/internal/synth"
	"github.com/dedupe/dedupe/stages/normalize"
)

// splitReference is Split as it was before the chunked fast path: Punkt on
// every line that may hold a boundary. The fast path must give the same
// pieces, byte for byte.
func (s *Segmenter) splitReference(text string) []Piece {
	var out []Piece
	para := 0
	off := 0
	for line := range strings.Lines(text) {
		lineOff := off
		off += len(line)
		trimmed := strings.TrimLeftFunc(line, unicode.IsSpace)
		lineOff += len(line) - len(trimmed)
		line = strings.TrimRightFunc(trimmed, unicode.IsSpace)
		if line == "" {
			continue
		}
		if !mayHaveBoundary(line) {
			out = append(out, Piece{Para: para, Text: line, Start: lineOff, End: lineOff + len(line)})
			para++
			continue
		}
		tok := s.plain
		if hasMultiPunctWord(line) {
			tok = s.full
		}
		for _, sent := range tok.Tokenize(line) {
			for _, r := range splitAfterNumbers(sent.Text) {
				t := sent.Text[r[0]:r[1]]
				lead := len(t) - len(strings.TrimLeftFunc(t, unicode.IsSpace))
				if t = strings.TrimSpace(t); t != "" {
					start := lineOff + sent.Start + r[0] + lead
					out = append(out, Piece{Para: para, Text: t, Start: start, End: start + len(t)})
				}
			}
		}
		para++
	}
	return out
}

// chunkCases are lines where the fast path cuts, or must not cut, before
// Punkt: abbreviations, initials, numbers, decimals, ellipses, quotes and
// brackets after the stop, collocations, odd spaces.
var chunkCases = []struct {
	name string
	in   string
	want []string
}{
	{"plain stops", "Officials met on Monday. They agreed. Talks end today.",
		[]string{"Officials met on Monday.", "They agreed.", "Talks end today."}},
	{"question and exclamation", "Is it over? Nobody knows! Wait and see.",
		[]string{"Is it over?", "Nobody knows!", "Wait and see."}},
	{"U.S.", "The U.S. said it would act. Officials agreed.",
		[]string{"The U.S. said it would act.", "Officials agreed."}},
	{"U.S. at the end", "Aid came from the U.S. Officials agreed. Then it rained.",
		[]string{"Aid came from the U.S. Officials agreed.", "Then it rained."}},
	{"Jan. 2", "The vote is on Jan. 2 in the capital. It is final.",
		[]string{"The vote is on Jan. 2 in the capital.", "It is final."}},
	{"Mr. Smith", "The talks ended. Mr. Smith left early. Nobody followed.",
		[]string{"The talks ended.", "Mr. Smith left early.", "Nobody followed."}},
	{"No. 5", "He wore the No. 5 shirt. Fans cheered.",
		[]string{"He wore the No. 5 shirt.", "Fans cheered."}},
	{"initials", "The poet J. F. Hendry wrote it. Critics agreed.",
		[]string{"The poet J. F. Hendry wrote it.", "Critics agreed."}},
	{"decimals", "Growth was 3.5 percent. It was 2.1 before. Prices rose 4. Then fell.",
		[]string{"Growth was 3.5 percent.", "It was 2.1 before.", "Prices rose 4.", "Then fell."}},
	{"number ends a sentence", "It began in 2006. They stayed.",
		[]string{"It began in 2006.", "They stayed."}},
	{"ellipsis", "He paused... Then he spoke. It was late.",
		[]string{"He paused... Then he spoke.", "It was late."}},
	{"quote after the stop", `He said "Stop." Then he left. "Go." She went.`,
		[]string{`He said "Stop."`, "Then he left.", `"Go."`, "She went."}},
	{"bracket after the stop", "It rose (again.) Then it fell. [Really?] Yes.",
		[]string{"It rose (again.)", "Then it fell.", "[Really?] Yes."}}, // Punkt: "?]" is no ender
	{"lower-case start", "It ended. and then? it began. again",
		[]string{"It ended.", "and then?", "it began.", "again"}},
	{"comma after next word", "The team lost. However, fans stayed. Then, rain.",
		[]string{"The team lost.", "However, fans stayed.", "Then, rain."}},
	{"double space", "The team lost.  Fans stayed.   Rain fell.",
		[]string{"The team lost.", "Fans stayed.", "Rain fell."}},
	{"tab and no-break space", "The team lost.\tFans stayed.\u00a0Rain fell. It ended.",
		nil},
	{"accented words", "Le caf\u00e9 ferma. \u00c9t\u00e9 fini. Il part.", nil},
	{"multi-stop word goes to the full tokenizer", "The F.B.I. said so. Agents left at 5 a.m. on Friday.",
		nil},
	{"full tokenizer, list numbers and quotes", `The F.B.I. said: 1? No. 2! "Yes." Then left. (Go.) Now "Wait?" she said. It ended.`,
		nil},
	{"abbreviation then lower case", "Talks with Gov. Lee and Sgt. Kim ended. Both left.",
		[]string{"Talks with Gov. Lee and Sgt. Kim ended.", "Both left."}},
	{"titles and initials without Punkt", "Mr. and Mrs. Robert Moulton met John S. Chapman, Jr. of this city on Arden Dr. in the hall.",
		[]string{"Mr. and Mrs. Robert Moulton met John S. Chapman, Jr. of this city on Arden Dr. in the hall."}},
	{"Punkt's breaks without Punkt", "They met Dr. Swim at the gala. Mrs. Hull came. B. & O. merged. J. Wait. It ended.", nil},
	{"abbreviation before a word with a stop", "He saw the Church. Mr. Kennedy left. It was St. Peter's day. Gen. North agreed.", nil},
	{"apostrophes and hyphens", "The edge is appealing. Today's trend is home-owners' taste. O'Brien agreed. Co. and Corp. merged.", nil},
	{"abbreviations and initials before numbers", "The vote is on Aug. 16 in the hall. It was Sept. 23, 1960, and No. 10 won. See p. 1,200-1,300 and Q. 5 now. Then Fig. 2. Done.", nil},
	{"multi-stop line decided without Punkt", "The U.S. team left. Mr. Smith met Dr. Swim at 5 a.m. today. Officials agreed. Aug. 16 was set.", nil},
	{"multi-stop line, list numbers apart", "The F.B.I. said so. Then came 1? Yes. And 2! No. Then 3) and 4? Fine.", nil},
	{"multi-stop line, multi-stop words before a mark", "The F.B.I. said so. Take e.g., Then we left. Or a.b.c? Then stop. Or x.y! Then go.", nil},
	{"multi-stop line, marks before quotes", `The F.B.I. said so. He said "Stop." Then he left. She asked (why?) then went. "No!" then rain. It said "Go." and left.`, nil},
	{"multi-stop line, list numbers and marks", `The F.B.I. said: 1? Yes. 2! No. "Why?" he asked. (Really!) Gov. Lee met J. Bach. 3) Fine? OK! a.b? c.d.e! Done.`, nil},
	{"commas and colons after a stop", "He wrote: Capt. , then Lt. ; then Sr. : done. Rd., Ave. and Blvd. were closed.", nil},
}

// TestSplitChunks checks the fast path against the reference on lines
// chosen for their abbreviations and odd endings, and against the
// sentences expected where the case gives them.
func TestSplitChunks(t *testing.T) {
	s := newSegmenter(t)
	for _, tc := range chunkCases {
		t.Run(tc.name, func(t *testing.T) {
			got := s.Split(tc.in)
			if want := s.splitReference(tc.in); !reflect.DeepEqual(got, want) {
				t.Errorf("Split(%q):\n got %+v\nwant %+v (reference)", tc.in, got, want)
			}
			if tc.want == nil {
				return
			}
			var texts []string
			for _, p := range got {
				texts = append(texts, p.Text)
				if tc.in[p.Start:p.End] != p.Text {
					t.Errorf("piece %q has range [%d, %d)", p.Text, p.Start, p.End)
				}
			}
			if !reflect.DeepEqual(texts, tc.want) {
				t.Errorf("Split(%q):\n got %q\nwant %q", tc.in, texts, tc.want)
			}
		})
	}
}

// TestSureBreak pins which tokens the fast path cuts after without asking
// Punkt; each "false" is a case Punkt may decide otherwise.
func TestSureBreak(t *testing.T) {
	s := newSegmenter(t)
	tests := []struct {
		tok, rest string
		full      bool
		want      bool
	}{
		{"said.", "The vote", false, true},
		{"over?", "nobody", false, true},
		{"now!", "Go", false, true},
		{`"Stop."`, "Then", false, true},
		{"(again.)", "Then", false, true},
		{"lost.", "However, fans", false, true},
		{"U.S.", "Officials", false, false},
		{"Jan.", "2 in", false, false},
		{"Mr.", "Smith", false, false},
		{"No.", "5", false, false},
		{"J.", "F.", false, false},
		{"2006.", "They", false, false},
		{"3.5.", "It", false, false},
		{"paused...", "Then", false, false},
		{"said.", "2 more", false, false},
		{"said.", " The", false, false},
		{"caf\u00e9.", "The", false, false},
		{"said.", "\u00c9t\u00e9", false, false},
		{"said.", "The vote", true, true},
		{"over?", "nobody", true, false},
		{`"Stop."`, "Then", true, false},
		{"5?", "Then", false, true},
		{"5?", "Then", true, false},
	}
	for _, tc := range tests {
		if got := s.sureBreak(tc.tok, tc.rest, tc.full); got != tc.want {
			t.Errorf("sureBreak(%q, %q, full %v) = %v, want %v", tc.tok, tc.rest, tc.full, got, tc.want)
		}
	}
}

// FuzzSplitChunks: Split with the chunked fast path gives the same pieces,
// texts and byte ranges, as Punkt on every line (splitReference).
func FuzzSplitChunks(f *testing.F) {
	for _, tc := range chunkCases {
		f.Add(tc.in)
	}
	for _, s := range []string{
		"", "Headline\n\nBody. More body? Yes!", "a.b.c. d... e?! (f.) [g.]",
		"It ended. Mr. Smith, who? Left! \"Yes.\" (No.) A. B. C. said. 5. Then",
		"x. Y z. W, v. U,, t. S", "e.g. Then. i.e. Now. etc. Fine. vs. Them.",
		"He left. \u201cNo.\u201d She stayed. Over\u2026 Done.",
		"At 5 a.m. he left. 1? Yes! 2) No. \"Go.\" Then, 3. Said. Mr. Kim. The U.S. Army. It ended.",
	} {
		f.Add(s)
	}
	seg := newSegmenter(f)
	f.Fuzz(func(t *testing.T, text string) {
		got, want := seg.Split(text), seg.splitReference(text)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Split(%q):\n got %+v\nwant %+v (reference)", text, got, want)
		}
	})
}

// TestSplitBrown: on the lines of 300 articles of the real-language bench
// corpus (Brown text: titles, initials, abbreviations, numbers), Split
// gives the reference's pieces.
func TestSplitBrown(t *testing.T) {
	s := newSegmenter(t)
	n := 300
	if testing.Short() {
		n = 60
	}
	for _, a := range synth.Generate(synth.Config{Articles: n, Seed: 1, Text: synth.Brown}) {
		text, _ := normalize.TextMap(a.Text)
		if got, want := s.Split(text), s.splitReference(text); !reflect.DeepEqual(got, want) {
			for i := range min(len(got), len(want)) {
				if got[i] != want[i] {
					t.Fatalf("article %s, piece %d:\n got %+v\nwant %+v (reference)", a.ID, i, got[i], want[i])
				}
			}
			t.Fatalf("article %s: got %d pieces, want %d", a.ID, len(got), len(want))
		}
	}
}
