package boilerplate

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/dedupe/dedupe/internal/synth"
	"github.com/dedupe/dedupe/pipeline"
	"github.com/dedupe/dedupe/stages/normalize"
	"github.com/dedupe/dedupe/stages/segment"
)

var (
	segOnce sync.Once
	seg     *segment.Segmenter
	segErr  error
)

// sentences segments normalised text as the segment stage does.
func sentences(t testing.TB, text string) []pipeline.Sentence {
	t.Helper()
	segOnce.Do(func() { seg, segErr = segment.New() })
	if segErr != nil {
		t.Fatal(segErr)
	}
	var out []pipeline.Sentence
	for i, p := range seg.Split(text) {
		out = append(out, pipeline.Sentence{Index: int32(i), Para: int32(p.Para), Text: p.Text, Words: int32(segment.CountWords(p.Text))})
	}
	return out
}

func reasons(sents []pipeline.Sentence) []pipeline.Reason {
	out := make([]pipeline.Reason, len(sents))
	for i, s := range sents {
		out[i] = s.Boilerplate
	}
	return out
}

const content = "North Korea has been under UN sanctions over its missile program for many years."

func TestMarkStructural(t *testing.T) {
	tests := []struct {
		name string
		text string // paragraphs; each sentence's reason is listed in order
		want []pipeline.Reason
	}{
		{"content", content, []pipeline.Reason{0}},
		{"html comment", "<!-- Google tag (gtag.js) --> loaded on every page of the site today.", []pipeline.Reason{ReasonMarkup}},
		{"url", "Read the full report at https://example.org/report on the UN website.", []pipeline.Reason{ReasonMarkup}},
		{"entity", "Rain&nbsp;and wind battered the coast for most of the day on Monday.", []pipeline.Reason{ReasonMarkup}},
		{"template", "Officials said {{ name }} would attend the summit in the capital next week.", []pipeline.Reason{ReasonMarkup}},
		{"no letter", "59.2", []pipeline.Reason{ReasonNoText}},
		{"no letter in a paragraph", content + " 12:30.", []pipeline.Reason{0, ReasonNoText}},
		{"repeated in article",
			"Support independent journalism with a monthly gift today.\n" + content + "\nSupport independent journalism with a monthly gift today.",
			[]pipeline.Reason{ReasonRepeatedInArticle, 0, ReasonRepeatedInArticle}},
		{"repeated up to digits and case", "Updated 10:07 PM on the live page of the story.\n" + content + "\nupdated 8:34 pm on the live page of the story.",
			[]pipeline.Reason{ReasonRepeatedInArticle, 0, ReasonRepeatedInArticle}},
		{"one word line", "Advertisement\n" + content, []pipeline.Reason{ReasonShortLine, 0}},
		{"three words with a stop", "He left early.\n" + content, []pipeline.Reason{ReasonShortLine, 0}},
		{"four words with a stop", "Officials met on Monday.\n" + content, []pipeline.Reason{0, 0}},
		{"seven words, no stop", "By Jane Doe and John Roe, Seoul\n" + content, []pipeline.Reason{ReasonShortLine, 0}},
		{"headline, no stop", "Russia used North Korean missiles to attack Kharkiv\n" + content, []pipeline.Reason{ReasonShortLine, 0}},
		{"subhead, no stop", "North Korean weapons in Russia's war against Ukraine\n" + content, []pipeline.Reason{ReasonShortLine, 0}},
		{"credit line, no stop", "Read the original article on The Daily Courier of the Valley\n" + content, []pipeline.Reason{ReasonShortLine, 0}},
		{"24 words, no stop", strings.Repeat("word ", 23) + "end\n" + content, []pipeline.Reason{ReasonShortLine, 0}},
		{"25 words, no stop: a paragraph cut short", strings.Repeat("word ", 24) + "end\n" + content, []pipeline.Reason{0, 0}},
		{"headline with a question mark is a sentence", "Is North Korea arming Russia for the war?\n" + content, []pipeline.Reason{0, 0}},
		{"short sentence inside a paragraph", content + " He left.", []pipeline.Reason{0, 0}},
		{"label line", "Read also: North Korea keeps supplying Russia with weapons - Pentagon\n" + content, []pipeline.Reason{ReasonLabel, 0}},
		{"label of one word", "Related: Kim Jong Un visits a munitions factory near the capital\n" + content, []pipeline.Reason{ReasonLabel, 0}},
		{"three-word label is not, but a headline", "Read this also: North Korea keeps supplying Russia with weapons - Pentagon", []pipeline.Reason{ReasonShortLine}},
		{"colon in a sentence is not a label", "Correction: the report was published on Monday, not on Sunday.", []pipeline.Reason{0}},
		{"quoted label is not", `"Warning": the missile was launched from Russia, officials say in Kyiv.`, []pipeline.Reason{0}},
		{"photo caption", "Damaged buildings in the centre of Kharkiv after an attack on the city. Officials said missiles were used. (Jane Doe/AFP via Getty Images)\n" + content,
			[]pipeline.Reason{ReasonCredit, ReasonCredit, ReasonCredit, 0}},
		{"credit without a slash ends a paragraph", content + " Officials said so on Monday. (Reporting by Jane Doe)", []pipeline.Reason{0, 0, ReasonCredit}},
		{"appeal varying a pitch", "Support independent journalism in the valley. Join us today.\n" + content + "\nFreedom can be costly. Reporters pay a high price for it. Support independent journalism in hard times.",
			[]pipeline.Reason{0, ReasonReaderAddress, 0, ReasonReaderAddress, ReasonReaderAddress, ReasonReaderAddress}},
		{"a story sentence opening as no pitch does", "Support us with a gift today.\n" + content + "\nSupport for the sanctions grew among the members of the council.",
			[]pipeline.Reason{ReasonReaderAddress, 0, 0}},
		{"credit", "(Reporting by Jane Doe in Seoul; Editing by John Roe and Mary Major.)", []pipeline.Reason{ReasonCredit}},
		{"credit with a stop outside", content + " (Reporting by Jane Doe; Editing by John Roe).", []pipeline.Reason{0, ReasonCredit}},
		{"short photo credit is a short line", "(Sergey Bobok/AFP via Getty Images)", []pipeline.Reason{ReasonShortLine}},
		{"parenthesis opening only", "(The report, dated April 25, was sent to the council) on Friday.", []pipeline.Reason{0}},
		{"you", "If you value our reporting, please consider a donation this month.", []pipeline.Reason{ReasonReaderAddress}},
		{"we and us", "We rely on readers like you. Support us with a monthly donation today.", []pipeline.Reason{ReasonReaderAddress, ReasonReaderAddress}},
		{"Us at the start", "Us and our partners use cookies to improve the site for readers.", []pipeline.Reason{ReasonReaderAddress}},
		{"US is the country", "The US imposed new sanctions on the regime last week, officials said.", []pipeline.Reason{0}},
		{"U.S. is the country", "The U.S. imposed new sanctions on the regime last week, officials said.", []pipeline.Reason{0}},
		{"we inside quotes", `"We will respond firmly to any provocation," the ministry said on Tuesday.`, []pipeline.Reason{0}},
		{"we outside quotes", `"It is over," the minister said, and we agree with the ministry entirely.`, []pipeline.Reason{ReasonReaderAddress}},
		{"unbalanced quote", `"We will respond firmly to any provocation by the enemy forces.`, []pipeline.Reason{0}},
		{"user is not us", "The user interface of the launcher was recovered by the monitors.", []pipeline.Reason{0}},
		{"markup wins over repetition", "See www.example.com for details on the report.\nSee www.example.com for details on the report.",
			[]pipeline.Reason{ReasonMarkup, ReasonMarkup}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sents := sentences(t, tt.text)
			MarkStructural(sents)
			if got := reasons(sents); !reflect.DeepEqual(got, tt.want) {
				var texts []string
				for _, s := range sents {
					texts = append(texts, s.Text)
				}
				t.Errorf("got %q, want %q for sentences %q", got, tt.want, texts)
			}
			for _, s := range sents {
				if s.Key != Key(s.Text) {
					t.Errorf("sentence %q: got key %x, want Key() = %x", s.Text, s.Key, Key(s.Text))
				}
			}
		})
	}
}

func TestKey(t *testing.T) {
	tests := []struct {
		name string
		a, b string
		same bool
	}{
		{"case", "North Korea denied it.", "NORTH KOREA DENIED IT", true},
		{"punctuation", "North Korea, it said, denied it!", "North Korea it said denied it", true},
		{"digits", "Updated 10:07 PM", "Updated 8:34 PM", true},
		{"words with digits", "Hwasong-11 missile", "Hwasong-19 missile", true},
		{"spacing", "a  b", "a b", true},
		{"different word", "North Korea denied it.", "South Korea denied it.", false},
		{"word order", "Korea North", "North Korea", false},
		{"word boundary", "ab c", "a bc", false},
		{"digit count", "Updated 10:07 PM", "Updated 10 PM", false},
		{"extra word", "North Korea denied it", "North Korea denied it again", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Key(tt.a) == Key(tt.b); got != tt.same {
				t.Errorf("Key(%q) == Key(%q): got %v, want %v", tt.a, tt.b, got, tt.same)
			}
		})
	}
}

func TestStructural(t *testing.T) {
	tests := []struct {
		reason pipeline.Reason
		want   bool
	}{
		{pipeline.ReasonNone, false}, {ReasonMarkup, true}, {ReasonNoText, true}, {ReasonRepeatedInArticle, true}, {ReasonShortLine, true},
		{ReasonLabel, true}, {ReasonCredit, true}, {ReasonReaderAddress, false}, {ReasonEdgeRepeat, false},
	}
	for _, tt := range tests {
		t.Run(tt.reason.String(), func(t *testing.T) {
			if got := Structural(tt.reason); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// sent is a compact sentence for the corpus tests: "r" a repeat (KeyDF 3),
// "o" one of the article's own (KeyDF 0), "s" structural boilerplate, "sr"
// a structural repeat.
func sents(spec string) []pipeline.Sentence {
	var out []pipeline.Sentence
	for i, f := range strings.Fields(spec) {
		s := pipeline.Sentence{Index: int32(i)}
		switch f {
		case "r":
			s.KeyDF = 3
		case "o":
		case "o1":
			s.KeyDF = 1
		case "s":
			s.Boilerplate = ReasonShortLine
		case "sr":
			s.Boilerplate, s.KeyDF = ReasonShortLine, 3
		}
		out = append(out, s)
	}
	return out
}

func TestMarkEdges(t *testing.T) {
	const e, s = ReasonEdgeRepeat, ReasonShortLine
	tests := []struct {
		name string
		spec string
		want []pipeline.Reason
	}{
		{"no repeats", "o o o", []pipeline.Reason{0, 0, 0}},
		{"header and footer", "r r o o r r", []pipeline.Reason{e, e, 0, 0, e, e}},
		{"repeat in the middle kept", "r o r o r", []pipeline.Reason{e, 0, 0, 0, e}},
		{"KeyDF 1 is the article's own", "r o1 r", []pipeline.Reason{e, 0, e}},
		{"structural reasons kept", "s r sr o s r", []pipeline.Reason{s, e, s, 0, s, e}},
		{"only repeats: a copy, left alone", "r r r", []pipeline.Reason{0, 0, 0}},
		{"only repeats and structural", "s r s", []pipeline.Reason{s, 0, s}},
		{"empty", "", []pipeline.Reason{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ss := sents(tt.spec)
			MarkEdges(ss)
			if got := reasons(ss); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func docWithKeys(keys ...uint64) *pipeline.Doc {
	d := &pipeline.Doc{}
	for i, k := range keys {
		d.Sentences = append(d.Sentences, pipeline.Sentence{Index: int32(i), Key: k})
	}
	return d
}

func TestKeyDF(t *testing.T) {
	a := docWithKeys(1, 2, 3, 3, 5)
	b := docWithKeys(1, 2, 4)
	c := docWithKeys(1, 3, 5)
	a.Sentences[1].Boilerplate = ReasonShortLine  // structural: key 2 not counted in a
	c.Sentences[2].Boilerplate = ReasonEdgeRepeat // corpus-detected: counted
	tests := []struct {
		name string
		docs []*pipeline.Doc
		want map[uint64]int32
	}{
		{"none", nil, map[uint64]int32{}},
		{"one article", []*pipeline.Doc{a}, map[uint64]int32{}},
		{"three articles", []*pipeline.Doc{a, b, c}, map[uint64]int32{1: 3, 3: 2, 5: 2}},
		{"two articles", []*pipeline.Doc{a, b}, map[uint64]int32{1: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := KeyDF(tt.docs); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestMarkSpread(t *testing.T) {
	// Key 7 is in four articles; key 8 in three; key 9 in two.
	build := func() []*pipeline.Doc {
		docs := []*pipeline.Doc{docWithKeys(7, 8, 9, 1), docWithKeys(7, 8, 9, 2), docWithKeys(7, 8, 3), docWithKeys(7, 4)}
		df := map[uint64]int32{7: 4, 8: 3, 9: 2}
		for _, d := range docs {
			for j := range d.Sentences {
				d.Sentences[j].KeyDF = df[d.Sentences[j].Key]
			}
		}
		return docs
	}
	const sp = ReasonSpread
	tests := []struct {
		name      string
		clusterOf []int
		repeatDF  int
		want      [][]pipeline.Reason
	}{
		{"one cluster", []int{0, 0, 0, 0}, 3, [][]pipeline.Reason{{0, 0, 0, 0}, {0, 0, 0, 0}, {0, 0, 0}, {0, 0}}},
		{"last article apart", []int{0, 0, 0, 1}, 3, [][]pipeline.Reason{{sp, 0, 0, 0}, {sp, 0, 0, 0}, {sp, 0, 0}, {sp, 0}}},
		{"all apart", []int{0, 1, 2, 3}, 3, [][]pipeline.Reason{{sp, sp, 0, 0}, {sp, sp, 0, 0}, {sp, sp, 0}, {sp, 0}}},
		{"all apart, repeat df 2", []int{0, 1, 2, 3}, 2, [][]pipeline.Reason{{sp, sp, sp, 0}, {sp, sp, sp, 0}, {sp, sp, 0}, {sp, 0}}},
		{"all apart, repeat df 5", []int{0, 1, 2, 3}, 5, [][]pipeline.Reason{{0, 0, 0, 0}, {0, 0, 0, 0}, {0, 0, 0}, {0, 0}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docs := build()
			MarkSpread(docs, tt.clusterOf, tt.repeatDF)
			var got [][]pipeline.Reason
			for _, d := range docs {
				got = append(got, reasons(d.Sentences))
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	t.Run("boilerplate keeps its reason", func(t *testing.T) {
		docs := build()
		docs[0].Sentences[0].Boilerplate = ReasonEdgeRepeat
		MarkSpread(docs, []int{0, 1, 2, 3}, 3)
		if got := docs[0].Sentences[0].Boilerplate; got != ReasonEdgeRepeat {
			t.Errorf("got %q, want %q", got, ReasonEdgeRepeat)
		}
	})
}

const story = "Russia fired North Korean missiles at Kharkiv in January, a report by UN sanctions monitors concluded on Monday."

func TestTitle(t *testing.T) {
	tests := []struct {
		name string
		text string
		want string
	}{
		{"first line", "Russia used North Korean missiles to attack Kharkiv, UN concludes\n" + story, "Russia used North Korean missiles to attack Kharkiv, UN concludes"},
		{"skips chrome", "Advertisement\n<!-- tag -->\nRussia used North Korean missiles to attack Kharkiv, UN concludes\n" + story, "Russia used North Korean missiles to attack Kharkiv, UN concludes"},
		{"title-cased", "Los Angeles\nWednesday, January 29, 2025\nCold War Redux: North Korean Missiles Found in Kharkiv\n" + story, "Cold War Redux: North Korean Missiles Found in Kharkiv"},
		{"question", "Is North Korea arming Russia?\n" + story, "Is North Korea arming Russia?"},
		{"the lead is not a headline", story + " He left.\nMore text follows here in the body.", ""},
		{"headline printed twice", "Menu\nMissile Struck Kharkiv in January: UN Report\nMissile Struck Kharkiv in January: UN Report\n" + story, "Missile Struck Kharkiv in January: UN Report"},
		{"a caption is not a headline", "Damaged buildings in Kharkiv after a Russian attack. (Jane Doe/AFP via Getty Images)\n" + story, ""},
		{"a site line is not a headline", "Skip to content\nThis audio is created with AI assistance\n" + story, ""},
		{"a teaser after the story is not a headline", story + "\nRelated coverage:\nU.S. says Russia fired North Korean missiles into Ukraine", ""},
		{"nothing but chrome", "Advertisement\nMenu", ""},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ss := sentences(t, tt.text)
			for i := range ss {
				ss[i].Terminated = segment.Terminated(ss[i].Text)
			}
			MarkStructural(ss)
			if got := Title(ss); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	t.Run("edge repeat is not structural", func(t *testing.T) {
		ss := []pipeline.Sentence{{Para: 0, Text: "Menu", Boilerplate: ReasonShortLine}, {Para: 1, Text: "Kharkiv Missile Report Published", Boilerplate: ReasonEdgeRepeat},
			{Para: 2, Text: "The missile report on Kharkiv was published.", Terminated: true}}
		if got := Title(ss); got != "Kharkiv Missile Report Published" {
			t.Errorf("got %q, want %q", got, "Kharkiv Missile Report Published")
		}
	})
}

// TestMarkTeasers: a block of other stories after a label line is set
// apart; a section of the story after a subhead is not.
func TestMarkTeasers(t *testing.T) {
	body := "Russia fired North Korean missiles at Kharkiv in January, UN monitors said.\n" +
		"The monitors travelled to Kharkiv and Kyiv to inspect the debris of the Hwasong missile.\n" +
		"North Korea and Russia denied any transfer of weapons, the UN report said.\n"
	tests := []struct {
		name  string
		text  string
		want  int // teaser sentences
		after string
	}{
		{"news feed", body + "News Feed\n10:07 PM\nMoldova to hold referendum on joining EU in October.\nThe European Council agreed to open accession talks with Chisinau last December.\n8:34 PM\nAn attack on Kherson injures 2.\nShelling hit the Korabelnyi district of Kherson, the Regional Military Administration said.",
			4, "News Feed"},
		{"subhead in the story", body + "Background\nThe UN monitors have reported on North Korea for years.\nRussia vetoed their mandate in March, and Kyiv protested.",
			0, ""},
		{"label first: nothing to compare with", "Menu\nMoldova to hold referendum on joining EU in October, Chisinau said.\nThe European Council agreed on it.",
			0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ss := sentences(t, tt.text)
			MarkStructural(ss)
			n := 0
			for _, s := range ss {
				if s.Boilerplate == ReasonTeaser {
					n++
				}
			}
			if n != tt.want {
				t.Errorf("got %d teaser sentences, want %d: %q", n, tt.want, reasons(ss))
			}
		})
	}
}

func TestStage(t *testing.T) {
	header := "Daily Courier brings you independent reporting from the valley since 1901, every single day."
	footer := "This story was produced by the Daily Courier newsroom under its community license."
	stories := []string{
		"Flood waters rose across the northern valley on Tuesday after three days of rain.",
		"The central bank kept its benchmark interest rate unchanged on Wednesday.",
		"A rare manuscript was sold at auction in Geneva for nearly four million francs.",
	}
	st := pipeline.NewState(pipeline.DefaultParams())
	st.Params.Workers = 2
	for i, s := range stories {
		d := &pipeline.Doc{Article: pipeline.Article{ID: fmt.Sprint(i), Title: "Advertisement", TitleFromText: i != 2}}
		d.Sentences = sentences(t, "Advertisement\n"+header+"\n"+s+"\n"+footer)
		st.Docs = append(st.Docs, d)
	}
	if err := (Stage{}).Run(context.Background(), st, pipeline.NoProgress{}); err != nil {
		t.Fatal(err)
	}
	for i, d := range st.Docs {
		// The header addresses the reader: known from the article alone,
		// but kept until the corpus shows whether a story carries it.
		if got, want := reasons(d.Sentences), []pipeline.Reason{ReasonReaderAddress, 0, 0}; !reflect.DeepEqual(got, want) {
			t.Errorf("doc %d, one article at a time: got %q, want %q", i, got, want)
		}
		want := []pipeline.ReasonCount{{Reason: ReasonShortLine, N: 1}}
		if !reflect.DeepEqual(d.Dropped, want) {
			t.Errorf("doc %d: got dropped %v, want %v", i, d.Dropped, want)
		}
	}
	if err := (EdgeStage{}).Run(context.Background(), st, pipeline.NoProgress{}); err != nil {
		t.Fatal(err)
	}
	for i, d := range st.Docs {
		// The header, in three unrelated stories of one outlet, stays
		// chrome; the footer is an edge repeat.
		want := []pipeline.Reason{ReasonReaderAddress, 0, ReasonEdgeRepeat}
		if got := reasons(d.Sentences); !reflect.DeepEqual(got, want) {
			t.Fatalf("doc %d, across the corpus: got %q, want %q", i, got, want)
		}
		if got := []int32{d.Sentences[0].Index, d.Sentences[1].Index, d.Sentences[2].Index}; !reflect.DeepEqual(got, []int32{1, 2, 3}) {
			t.Errorf("doc %d: got sentence indexes %v, want [1 2 3]: their places in the article", i, got)
		}
		if want := d.Sentences[1].Words; d.Words != int(want) {
			t.Errorf("doc %d: got %d words, want %d (the story's only)", i, d.Words, want)
		}
		if got := d.Sentences[2].KeyDF; got != 3 {
			t.Errorf("doc %d: footer KeyDF got %d, want 3", i, got)
		}
		wantTitle := "" // no headline: the lead sentence is not one
		if !d.TitleFromText {
			wantTitle = "Advertisement" // a given title is kept
		}
		if d.Title != wantTitle {
			t.Errorf("doc %d: got title %q, want %q", i, d.Title, wantTitle)
		}
	}
	wantCounts := map[string]int{"boilerplate_short_line": 3, "boilerplate_reader_address": 3, "boilerplate_edge_repeat": 3, "sentences": 12, "content_sentences": 3}
	for k, v := range wantCounts {
		if st.Counts[k] != v {
			t.Errorf("count %s: got %d, want %d", k, st.Counts[k], v)
		}
	}
}

func TestMarkEdgesChromeParagraph(t *testing.T) {
	// Paragraph 1 holds a repeat, an own sentence and a pitch; paragraph 2 a
	// repeat among content only.
	ss := []pipeline.Sentence{
		{Para: 0, KeyDF: 1},
		{Para: 1, KeyDF: 2},
		{Para: 1, KeyDF: 1},
		{Para: 1, KeyDF: 2, Boilerplate: ReasonReaderAddress},
		{Para: 2, KeyDF: 3},
		{Para: 3, KeyDF: 1},
	}
	MarkChromeParagraphs(ss)
	MarkEdges(ss)
	want := []pipeline.Reason{0, ReasonChromeParagraph, 0, ReasonReaderAddress, 0, 0}
	if got := reasons(ss); !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

// outlets sets each document's outlet, in order.
func outlets(docs []*pipeline.Doc, names ...string) []*pipeline.Doc {
	for i, d := range docs {
		d.Source = names[i]
	}
	return docs
}

// TestSharedLeads: a leading run held by a few articles stays content only
// when they are otherwise the same story, or when no two of its articles
// are of one outlet (the documents without a source are all of one
// folder).
func TestSharedLeads(t *testing.T) {
	const lead = 7
	doc := func(own []uint32, df int32) *pipeline.Doc {
		return &pipeline.Doc{Sentences: []pipeline.Sentence{
			{Key: lead, KeyDF: df, Shingles: []uint32{1, 2, 3}},
			{Key: 100 + uint64(own[0]), KeyDF: 1, Shingles: own},
		}}
	}
	same := []uint32{10, 11, 12, 13, 14, 15, 16, 17, 18, 19}
	overlap := []uint32{19, 20, 21, 22, 23, 24, 25, 26, 27, 28} // 1 of 10 shared
	other := []uint32{40, 41, 42, 43, 44, 45, 46, 47, 48, 49}
	tests := []struct {
		name string
		docs []*pipeline.Doc
		want bool
	}{
		{"story and update", []*pipeline.Doc{doc(same, 2), doc(overlap, 2)}, true},
		{"unrelated stories", []*pipeline.Doc{doc(same, 2), doc(other, 2)}, false},
		{"one unrelated among three", []*pipeline.Doc{doc(same, 3), doc(overlap, 3), doc(other, 3)}, false},
		{"held by more than FewDF", []*pipeline.Doc{doc(same, 4), doc(same[1:], 4), doc(same[2:], 4), doc(same[3:], 4)}, false},
		// A lead carried by rewrites of four outlets that reword the rest.
		{"distinct outlets", outlets([]*pipeline.Doc{doc(same, 4), doc(other, 4), doc(overlap, 4), doc(other[1:], 4)}, "A", "B", "C", "D"), true},
		// One outlet's page crawled twice, or updated: two of its
		// articles, one story.
		{"two of one outlet, one story", outlets([]*pipeline.Doc{doc(same, 4), doc(other, 4), doc(other[1:], 4), doc(overlap, 4)}, "A", "B", "C", "A"), true},
		{"two of one outlet", outlets([]*pipeline.Doc{doc(same, 4), doc(other, 4), doc(overlap, 4), doc(other[1:], 4)}, "A", "B", "C", "A"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			keep := SharedLeads(tt.docs)
			if keep[lead] != tt.want {
				t.Errorf("lead kept %v, want %v", keep[lead], tt.want)
			}
			for _, d := range tt.docs {
				MarkEdgesKeeping(d.Sentences, keep)
				if got := d.Sentences[0].Content(); got != tt.want {
					t.Errorf("lead is content %v, want %v", got, tt.want)
				}
			}
		})
	}
}

// TestSharedLeadsSeeing: holders outside the documents given (unseen, by
// outlet) count in the lead's holders and its outlets' as the documents'
// own do, and are taken for another story than those they would be
// compared with; without unseen holders the rule is SharedLeads'.
func TestSharedLeadsSeeing(t *testing.T) {
	const lead = 7
	doc := func(own []uint32, df int32, outlet string) *pipeline.Doc {
		return &pipeline.Doc{Article: pipeline.Article{Source: outlet}, Sentences: []pipeline.Sentence{
			{Key: lead, KeyDF: df, Shingles: []uint32{1, 2, 3}},
			{Key: 100 + uint64(own[0]), KeyDF: 1, Shingles: own},
		}}
	}
	same := []uint32{10, 11, 12, 13, 14, 15, 16, 17, 18, 19}
	overlap := []uint32{19, 20, 21, 22, 23, 24, 25, 26, 27, 28}
	story := func(df int32) []*pipeline.Doc { return []*pipeline.Doc{doc(same, df, "A"), doc(overlap, df, "B")} }
	tests := []struct {
		name   string
		docs   []*pipeline.Doc
		unseen map[string]int
		want   bool
	}{
		{"none unseen", story(2), nil, true},
		{"an unseen holder of a third outlet", story(3), map[string]int{"C": 1}, true},
		{"an unseen holder of a loaded holder's outlet", story(3), map[string]int{"A": 1}, false},
		{"two unseen holders of one outlet", story(4), map[string]int{"C": 2}, false},
		{"unseen holders of many outlets, once each", story(6), map[string]int{"C": 1, "D": 1, "E": 1, "F": 1}, true},
		{"one loaded holder, the others unseen", story(3)[:1], map[string]int{"C": 1, "D": 1}, true},
		{"one loaded holder, one unseen of its outlet", story(2)[:1], map[string]int{"A": 1}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			unseen := func(key uint64) map[uint32]int {
				if key != lead || tt.unseen == nil {
					return nil
				}
				u := map[uint32]int{}
				for o, n := range tt.unseen {
					u[OutletHash(o)] = n
				}
				return u
			}
			if got := SharedLeadsSeeing(tt.docs, unseen)[lead]; got != tt.want {
				t.Errorf("lead kept %v, want %v", got, tt.want)
			}
		})
	}
}

// TestSharedLeadsFirstPerson: a sentence in the first person is chrome to
// the article alone (ReasonReaderAddress), but one that several outlets'
// rewrites of a story carry, wherever it sits, is the story's (a quote
// printed without its marks), while an outlet's pitch in its unrelated
// stories stays chrome.
func TestSharedLeadsFirstPerson(t *testing.T) {
	const we = 7
	doc := func(own []uint32) *pipeline.Doc {
		return &pipeline.Doc{Sentences: []pipeline.Sentence{
			{Key: 100 + uint64(own[0]), KeyDF: 1, Shingles: own[:5]},
			{Key: we, KeyDF: 3, Shingles: []uint32{1, 2, 3}, Boilerplate: ReasonReaderAddress},
			{Key: 200 + uint64(own[0]), KeyDF: 1, Shingles: own[5:]},
		}}
	}
	same := []uint32{10, 11, 12, 13, 14, 15, 16, 17, 18, 19}
	overlap := []uint32{10, 20, 21, 22, 23, 24, 25, 26, 27, 28}
	other := []uint32{40, 41, 42, 43, 44, 45, 46, 47, 48, 49}
	tests := []struct {
		name string
		docs []*pipeline.Doc
		want pipeline.Reason
	}{
		{"carried across outlets", outlets([]*pipeline.Doc{doc(same), doc(overlap), doc(other)}, "A", "B", "C"), pipeline.ReasonNone},
		{"pitch across an outlet's stories", outlets([]*pipeline.Doc{doc(same), doc(other), doc(other[1:])}, "A", "A", "A"), ReasonReaderAddress},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			keep := SharedLeads(tt.docs)
			for i, d := range tt.docs {
				MarkEdgesKeeping(d.Sentences, keep)
				if got := d.Sentences[1].Boilerplate; got != tt.want {
					t.Errorf("doc %d: got %q, want %q", i, got, tt.want)
				}
			}
		})
	}
}

// keyRef is Key without its ASCII fast path.
func keyRef(text string) uint64 {
	const offset, prime = 14695981039346656037, 1099511628211
	h := uint64(offset)
	add := func(b byte) {
		h ^= uint64(b)
		h *= prime
	}
	var w []byte
	digit, words := false, 0
	flush := func() {
		if len(w) == 0 {
			return
		}
		if words > 0 {
			add(' ')
		}
		if digit {
			add('0')
		} else {
			for _, b := range w {
				add(b)
			}
		}
		words++
		w, digit = w[:0], false
	}
	for _, r := range text {
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)) {
			flush()
			continue
		}
		digit = digit || unicode.IsDigit(r)
		w = utf8.AppendRune(w, unicode.ToLower(r))
	}
	flush()
	return h
}

// addressesReaderRef is addressesReader without its ASCII fast paths.
func addressesReaderRef(s string) bool {
	if strings.Count(s, `"`)%2 != 0 {
		return false
	}
	inQuote := false
	start := -1
	check := func(end int) bool {
		w := s[start:end]
		start = -1
		return len(w) <= 5 && readerWords[strings.ToLower(w)] && w != "US"
	}
	for i, r := range s {
		if unicode.IsLetter(r) {
			if start < 0 && !inQuote {
				start = i
			}
			continue
		}
		if start >= 0 && check(i) {
			return true
		}
		if r == '"' {
			inQuote = !inQuote
		}
	}
	return start >= 0 && check(len(s))
}

// openingRef is opening by its definition.
func openingRef(s string) string {
	w := segment.AppendFirstWords(nil, s, openingWords)
	if len(w) < openingWords {
		return ""
	}
	return strings.Join(w, " ")
}

// FuzzKey: Key hashes what keyRef hashes, and addressesReader and opening,
// which read every sentence's words too, agree with their references.
func FuzzKey(f *testing.F) {
	for _, s := range []string{"", "Updated 10:07 PM", "\u00c9T\u00c9 Caf\u00e9", "A1 b2C", "\u0130x \u212a", "Hwasong-11's",
		"Tell US what You think.", `He said "we will" and you`, "\u00dcs w\u00e9 \u212aOURS yOu", "Support Independent Journalism now"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := Key(s), keyRef(s); got != want {
			t.Errorf("Key(%q) = %x, want %x", s, got, want)
		}
		if got, want := addressesReader(s), addressesReaderRef(s); got != want {
			t.Errorf("addressesReader(%q) = %v, want %v", s, got, want)
		}
		if got, want := opening(s), openingRef(s); got != want {
			t.Errorf("opening(%q) = %q, want %q", s, got, want)
		}
	})
}

// TestIsReaderWord: the words of readerWords in any case, as
// readerWords[strings.ToLower(w)] gives them, and nothing else.
func TestIsReaderWord(t *testing.T) {
	for w := range readerWords {
		if !isReaderWord(w) || !isReaderWord(strings.ToUpper(w)) {
			t.Errorf("isReaderWord misses %q", w)
		}
	}
	for _, tt := range []struct {
		w    string
		want bool
	}{
		{"you", true}, {"You", true}, {"YOURS", true}, {"yOuR", true}, {"We", true}, {"US", true}, {"our", true},
		{"", false}, {"yo", false}, {"they", false}, {"Yours", true}, {"wé", false}, {"Üs", false}, {"u", false},
	} {
		if got := isReaderWord(tt.w); got != tt.want || got != readerWords[strings.ToLower(tt.w)] {
			t.Errorf("isReaderWord(%q) = %v, want %v", tt.w, got, tt.want)
		}
	}
	for _, tt := range []struct {
		s    string
		want bool
	}{
		{"Tell us what you think.", true},
		{"We asked the ministry.", true},
		{"The US said so.", false},
		{`He said "we will win".`, false},
		{"They left early.", false},
	} {
		if got := addressesReader(tt.s); got != tt.want {
			t.Errorf("addressesReader(%q) = %v, want %v", tt.s, got, tt.want)
		}
	}
}

// TestHasMarkup: the quick scan gives what looking for every marker gives.
func TestHasMarkup(t *testing.T) {
	markers := []string{"-->", "<!--", "</", "/>", "http://", "https://", "www.", "&nbsp;", "&amp;", "{{", "}}"}
	ref := func(s string) bool {
		for _, m := range markers {
			if strings.Contains(s, m) {
				return true
			}
		}
		return false
	}
	cases := []string{"", "The river rose two feet.", "See www.example.com for more.", "a < b and c > d", "1/2 of them", "Tom & Jerry", "{x}", "wwww", "www", "ww.w."}
	for _, m := range markers {
		cases = append(cases, m, "Text "+m+" more.", "Text "+m[:len(m)-1]+" more.")
	}
	for _, s := range cases {
		if got, want := hasMarkup(s), ref(s); got != want {
			t.Errorf("hasMarkup(%q) = %v, want %v", s, got, want)
		}
	}
}

// TestMarkerReuse: a marker that keeps its maps and slices from article to
// article, as the stage's worker does, marks each article of the
// real-language bench corpus as MarkStructural does on it alone.
func TestMarkerReuse(t *testing.T) {
	var m marker
	teasers := 0
	for _, a := range synth.Generate(synth.Config{Articles: 300, Seed: 1, Text: synth.Brown}) {
		text, _ := normalize.TextMap(a.Text)
		want := sentences(t, text)
		got := slices.Clone(want)
		MarkStructural(want)
		m.mark(got)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("article %s: a reused marker gives %v, want %v", a.ID, reasons(got), reasons(want))
		}
		if slices.ContainsFunc(want, func(s pipeline.Sentence) bool { return s.Boilerplate == ReasonTeaser }) {
			teasers++
		}
	}
	if teasers == 0 {
		t.Error("no article has teasers: the test misses markTeasers' scratch")
	}
}

// newsSentences are sentences of news prose for the benchmarks.
var newsSentences = []string{
	"The Kherson regional administration said Russian forces shelled the city 112 times on Tuesday, injuring two people.",
	"Ukrainian President Volodymyr Zelensky met NATO Secretary General Jens Stoltenberg in Kyiv.",
	"Further details were not immediately available.",
	"\"We will rebuild,\" the mayor said, adding that the Caf\u00e9 de Flore had reopened.",
	"Updated 10:07 PM",
}

// BenchmarkKey hashes newsSentences.
func BenchmarkKey(b *testing.B) {
	for b.Loop() {
		for _, s := range newsSentences {
			Key(s)
		}
	}
}

// BenchmarkAddressesReader reads newsSentences for a reader's pronoun.
func BenchmarkAddressesReader(b *testing.B) {
	for b.Loop() {
		for _, s := range newsSentences {
			addressesReader(s)
		}
	}
}

// TestSharedLeadsWorkers: the sentence keys counted and the candidate keys
// judged on several goroutines come out as on one, on a corpus of 300 articles of 30 stories from 7
// outlets, whose leads and footers recur within a story and an outlet.
func TestSharedLeadsWorkers(t *testing.T) {
	var docs []*pipeline.Doc
	for i := range 300 {
		story, outlet := i%30, i%7
		var sents []pipeline.Sentence
		add := func(key uint64, shingles ...uint32) {
			// Keys are hashes: spread them over the key space.
			sents = append(sents, pipeline.Sentence{Key: key * 0x9e3779b97f4a7c15, Shingles: shingles})
		}
		add(uint64(1000+story*3+i%3), 1, 2, 3)                                                // one of three leads of the story
		add(uint64(5000+i), uint32(100*story), uint32(100*story+1+i%4), uint32(100*story+90)) // its own
		add(uint64(2000+outlet*5+i%5), 7, 8, 9)                                               // a footer of the outlet
		docs = append(docs, &pipeline.Doc{Article: pipeline.Article{Source: fmt.Sprint("outlet", outlet)}, Sentences: sents})
	}
	df := KeyDF(docs)
	for _, workers := range []int{2, 3, 8} {
		got, err := keyDF(context.Background(), docs, workers)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, df) {
			t.Errorf("keyDF on %d workers: %d keys, on one %d", workers, len(got), len(df))
		}
	}
	for _, d := range docs {
		for j := range d.Sentences {
			d.Sentences[j].KeyDF = df[d.Sentences[j].Key]
		}
	}
	want, err := sharedLeads(context.Background(), docs, nil, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(want) == 0 {
		t.Fatal("no key kept on one worker: the test checks nothing")
	}
	for _, workers := range []int{2, 3, 8} {
		got, err := sharedLeads(context.Background(), docs, nil, workers)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%d workers: kept %d keys, one worker %d", workers, len(got), len(want))
		}
	}
}
