// Package boilerplate tells site chrome from article content, sentence by
// sentence, so that "Support us ...", "- Advertisement -" or "Read also: ..."
// neither links unrelated articles nor shows up as content a rewrite adds.
//
// No list of phrases is involved. Two kinds of evidence are used:
//
// From the article alone (structural cues), which work on any corpus size:
//
//   - ReasonMarkup: remnants of HTML, scripts or URLs ("!-- Google tag -->");
//   - ReasonNoText: no letter at all ("10:07 PM" has letters, "59.2" has not);
//   - ReasonRepeatedInArticle: the same sentence twice in one article
//     (donation pitches above and below the story);
//   - ReasonShortLine: a line of fewer than ShortLineWords words, or a line
//     that is one sentence of fewer than HeadlineWords words without a full
//     stop, question or exclamation mark at its end: menus, buttons,
//     bylines, headlines and subheads, whether title-cased ("Cold War Redux:
//     North Korean Missiles Found in Ukraine") or not ("North Korean weapons
//     in Russia's war against Ukraine"), credit lines ("Read the original
//     article on ..."). A story's paragraph ends with sentence punctuation;
//     a line of HeadlineWords words or more without it is taken for a
//     paragraph cut short, and kept;
//   - ReasonLabel: a line that opens with a label of one or two words and a
//     colon and is not a sentence ("Read also: ...", "Section: Nation");
//   - ReasonCredit: a sentence wholly in parentheses, such as a photo credit
//     "(Sergey Bobok/AFP via Getty Images)" or "(Reporting by ...)"; and
//     every sentence of a paragraph that ends with a photo credit, a
//     parenthesised "Name/Agency": the photo's caption (markCaptions);
//   - ReasonReaderAddress: a sentence that speaks to the reader or for the
//     site (you, your, we, us, our) outside quotation marks: donation and
//     newsletter pitches, comment forms. News copy reports in the third
//     person and puts anyone's "we" inside quotes. Also every sentence of a
//     paragraph that varies a pitch: one holding a sentence that opens with
//     the same three words as a sentence of another paragraph addressing the
//     reader (markAppeals). Unlike the other kinds it is kept until the
//     corpus is seen: a rewrite carries a quote without its marks, or a
//     columnist's "we", verbatim from its story, and such a sentence held
//     by several outlets' rewrites of one story is content again
//     (SharedLeads). On the real-language bench (20,000 articles, seed 1)
//     dropping these sentences outright had left stories' rewrites without
//     their shared evidence: keeping them so took recall from 0.9548 to
//     0.9732, precision from 0.9868 to 0.9866;
//   - ReasonTeaser: the sentences of a block that follows a label line of two
//     or three words ("News Feed", "Related coverage:", a time stamp), up to
//     the next one, when no content follows the block and fewer than a
//     third of the names in it (words the article capitalises inside a
//     sentence) occur in the article's content before it: other stories,
//     listed after this one (markTeasers).
//
// Title takes the article's headline from the same sentences: the first
// headline-shaped line before the story's first sentence that is about the
// story (see Title), else none. A caption, a site line or the lead sentence
// is never the title.
//
// What five articles cannot tell. On the bundled seeds each rule above has
// one or two cases, and some are decided by a margin that a larger corpus
// would settle otherwise:
//
//   - an appeal that neither addresses the reader nor repeats a slogan of
//     one ("Freedom can be costly." alone) is content to the article's own
//     cues; across an outlet's articles it recurs beside the pitch, and
//     ReasonChromeParagraph takes it;
//   - a news feed is told from a section of the story by its names alone:
//     003's "Russian attack on Kherson injures 2." shares one name of seven
//     ("Russian") with the story. A feed of stories on the story's own
//     subject would pass for a section; in a crawl the same feed recurs on
//     the outlet's other pages and is taken as ReasonEdgeRepeat;
//   - a headline is "about the story" when at least half of its long words
//     begin as words of the article do: "This audio is created with AI
//     assistance" shares one of three ("assis", from "assisting").
//
// From the corpus (what recurs across articles), computed on Key, the
// sentence with case, punctuation and digits folded:
//
//   - ReasonEdgeRepeat: a sentence found verbatim in other articles that sits
//     in the article's leading or trailing run of such sentences, before the
//     first or after the last sentence of its own: headers and footers.
//     Not when the sentence is held by at most FewDF articles that are
//     otherwise the same story (their own sentences overlap): then it is a
//     lead carried into an update, content and evidence (SharedLeads);
//     nor when no outlet holds it more than FewDF times, and an outlet
//     that holds it twice or more does so in articles of one story: a
//     header or footer is an outlet's own and recurs in its unrelated
//     articles, while a wire story's lead carried verbatim by several
//     outlets' rewrites recurs once per outlet, or in an outlet's page
//     crawled twice (SharedLeads);
//   - ReasonChromeParagraph: a sentence found verbatim in other articles that
//     shares its paragraph with a sentence already known for chrome (one
//     that addresses the reader, a label, a credit, markup): the rest of a
//     donation or newsletter pitch ("Freedom can be costly. Both Ukraine and
//     its journalists are paying a high price for their independence.
//     Support us for as little as $1 ..."), wherever it sits.
//
// Sentences found verbatim in RepeatDF or more articles anywhere keep their
// place as content (a syndicated copy is made of them), but link articles
// only across outlets (see package verify), and become ReasonSpread once
// clusters show them in unrelated stories (see MarkSpread).
package boilerplate

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/dedupe/dedupe/pipeline"
	"github.com/dedupe/dedupe/stages/segment"
)

// Reasons a sentence is boilerplate, as stored in pipeline.Sentence.Boilerplate
// (the names are the pipeline's; this package finds them).
const (
	ReasonMarkup            = pipeline.ReasonMarkup
	ReasonNoText            = pipeline.ReasonNoText
	ReasonRepeatedInArticle = pipeline.ReasonRepeatedInArticle
	ReasonShortLine         = pipeline.ReasonShortLine
	ReasonLabel             = pipeline.ReasonLabel
	ReasonReaderAddress     = pipeline.ReasonReaderAddress
	ReasonCredit            = pipeline.ReasonCredit
	ReasonEdgeRepeat        = pipeline.ReasonEdgeRepeat
	ReasonChromeParagraph   = pipeline.ReasonChromeParagraph
	ReasonTeaser            = pipeline.ReasonTeaser
)

// Line-length cues; see the package comment.
const (
	// ShortLineWords: a line of fewer words is chrome, punctuated or not.
	ShortLineWords = 4
	// HeadlineWords: a line that is one sentence of fewer words, without
	// sentence punctuation at its end, is a headline, a subhead or a credit
	// line, not a sentence of the story.
	HeadlineWords = 25
	// LabelWords: a line of at most this many words and no sentence
	// punctuation heads a block ("News Feed", "Related coverage:").
	LabelWords = 3
)

// Structural reports whether reason comes from the article alone. Structural
// boilerplate is left out of every view of the article; corpus-detected
// boilerplate still counts towards whole-document similarity, since copies
// of an article share it.
func Structural(reason pipeline.Reason) bool {
	switch reason {
	case pipeline.ReasonNone, ReasonEdgeRepeat, ReasonChromeParagraph, ReasonSpread, ReasonReaderAddress:
		return false
	}
	return true
}

// Key hashes a sentence up to case, punctuation and digits, so that
// "Updated 10:07 PM" and "Updated 8:34 PM" are the same line. Words are as
// segment.Words gives them; a word holding a digit counts as "0".
func Key(text string) uint64 {
	const offset, prime = 14695981039346656037, 1099511628211
	h := uint64(offset)
	// A word is hashed as it is read, into hw, from hs, the hash before it
	// with its separating space; when it ends, h becomes hw, or hs and
	// "0" if it held a digit. (No buffer, no closures: Key runs on every
	// sentence of the corpus.)
	var hs, hw uint64
	in, digit, words := false, false, 0
	for i := 0; i < len(text); {
		r, size := rune(text[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(text[i:])
		}
		i += size
		if !segment.IsWordRune(r) {
			if in {
				h, in = endWord(hs, hw, digit), false
				words++
			}
			continue
		}
		if !in {
			in, digit, hs = true, false, h
			if words > 0 {
				hs = (hs ^ ' ') * prime
			}
			hw = hs
		}
		if r < utf8.RuneSelf {
			// The rest of an ASCII word, lower-cased by a table.
			b := keyByte[r]
			digit = digit || r <= '9'
			hw = (hw ^ uint64(b)) * prime
			for ; i < len(text); i++ {
				b = keyByte[text[i]&0x7f]
				if b == 0 || text[i] >= utf8.RuneSelf {
					break
				}
				digit = digit || b <= '9'
				hw = (hw ^ uint64(b)) * prime
			}
			continue
		}
		digit = digit || unicode.IsDigit(r)
		var buf [utf8.UTFMax]byte
		for _, b := range utf8.AppendRune(buf[:0], unicode.ToLower(r)) {
			hw = (hw ^ uint64(b)) * prime
		}
	}
	if in {
		h = endWord(hs, hw, digit)
	}
	return h
}

// keyByte holds, for each ASCII byte, what Key hashes for it in a word:
// a letter lower-cased, a digit as it is; 0 for a byte that ends a word.
var keyByte = func() (t [utf8.RuneSelf]byte) {
	for c := range byte(utf8.RuneSelf) {
		switch {
		case 'a' <= c && c <= 'z' || '0' <= c && c <= '9':
			t[c] = c
		case 'A' <= c && c <= 'Z':
			t[c] = c + 'a' - 'A'
		}
	}
	return t
}()

// endWord is Key's hash after a word: hw, the hash with the word's bytes,
// or for a word holding a digit hs, the hash before them, and "0".
func endWord(hs, hw uint64, digit bool) uint64 {
	const prime = 1099511628211
	if digit {
		return (hs ^ '0') * prime
	}
	return hw
}

// MarkStructural sets Key and the structural Boilerplate reason of each
// sentence of one article.
func MarkStructural(sents []pipeline.Sentence) {
	var m marker
	m.mark(sents)
}

// marker is MarkStructural with its maps and slices kept from one article
// to the next: the stage's worker marks a few hundred thousand articles,
// and their garbage cost the collector more than the marking.
type marker struct {
	count   map[uint64]int
	paraLen map[int32]int
	paras   [][2]int
	teasers teaserScratch
}

// maxKept is the size past which a marker drops a map rather than clear
// it: clearing costs the map's capacity, which one long article would
// leave large for every later one.
const maxKept = 1 << 10

// reuse returns m cleared, or a new map when m is nil or was large.
func reuse[K comparable, V any](m map[K]V) map[K]V {
	if m == nil || len(m) > maxKept {
		return make(map[K]V)
	}
	clear(m)
	return m
}

func (m *marker) mark(sents []pipeline.Sentence) {
	m.count = reuse(m.count)
	m.paraLen = reuse(m.paraLen)
	count, paraLen := m.count, m.paraLen
	for i := range sents {
		s := &sents[i]
		s.Key = Key(s.Text)
		count[s.Key]++
		paraLen[s.Para]++
	}
	for i := range sents {
		s := &sents[i]
		switch {
		case hasMarkup(s.Text):
			s.Boilerplate = ReasonMarkup
		case strings.IndexFunc(s.Text, unicode.IsLetter) < 0:
			s.Boilerplate = ReasonNoText
		case count[s.Key] > 1:
			s.Boilerplate = ReasonRepeatedInArticle
		case paraLen[s.Para] == 1 && s.Words < ShortLineWords:
			s.Boilerplate = ReasonShortLine
		case paraLen[s.Para] == 1 && isLabelLine(s.Text):
			s.Boilerplate = ReasonLabel
		case paraLen[s.Para] == 1 && s.Words < HeadlineWords && !segment.Terminated(s.Text):
			s.Boilerplate = ReasonShortLine
		case strings.HasPrefix(s.Text, "(") && strings.HasSuffix(strings.TrimRight(s.Text, "."), ")"):
			s.Boilerplate = ReasonCredit
		case addressesReader(s.Text):
			s.Boilerplate = ReasonReaderAddress
		}
	}
	m.paras = appendParagraphs(m.paras[:0], sents)
	markCaptions(sents, m.paras)
	markAppeals(sents, m.paras)
	m.teasers.mark(sents, m.paras)
}

// paragraphs returns the index ranges [start, end) of sents that share a
// paragraph, in order.
func paragraphs(sents []pipeline.Sentence) [][2]int {
	return appendParagraphs(nil, sents)
}

// appendParagraphs appends paragraphs(sents) to out.
func appendParagraphs(out [][2]int, sents []pipeline.Sentence) [][2]int {
	for i := 0; i < len(sents); {
		j := i + 1
		for j < len(sents) && sents[j].Para == sents[i].Para {
			j++
		}
		out = append(out, [2]int{i, j})
		i = j
	}
	return out
}

// isCredit reports a sentence wholly in parentheses.
func isCredit(s string) bool {
	return strings.HasPrefix(s, "(") && strings.HasSuffix(strings.TrimRight(s, "."), ")")
}

// markCaptions marks as ReasonCredit the sentences of a paragraph that ends
// with a photo credit, a parenthesised "Name/Agency" ("(Sergey Bobok/AFP via
// Getty Images)", "(AP Photo/Jane Doe)"): the paragraph is the photo's
// caption. A credit without the slash ("(Reporting by ...)") ends a story's
// paragraph as often as a caption, and leaves it alone.
func markCaptions(sents []pipeline.Sentence, paras [][2]int) {
	for _, p := range paras {
		last := sents[p[1]-1].Text
		if p[1]-p[0] < 2 || !isCredit(last) || !strings.Contains(last, "/") {
			continue
		}
		for i := p[0]; i < p[1]; i++ {
			if sents[i].Boilerplate == pipeline.ReasonNone {
				sents[i].Boilerplate = ReasonCredit
			}
		}
	}
}

// openingWords is how many words of a pitch's sentence its variants repeat.
const openingWords = 3

// opening returns the first openingWords words of s, lower-cased and
// joined, or "" for a shorter sentence.
func opening(s string) string {
	var buf [64]byte
	return string(appendOpening(buf[:0], s))
}

// appendOpening appends opening(s) to dst, lower-casing ASCII words in
// place: markAppeals looks up the opening of every sentence of an article
// that holds a pitch, and a map look-up of string(b) does not allocate.
func appendOpening(dst []byte, s string) []byte {
	base := len(dst)
	words, start := 0, -1
	end := func(i int) {
		if words > 0 {
			dst = append(dst, ' ')
		}
		w := s[start:i]
		if isASCIIWord(w) {
			for j := 0; j < len(w); j++ {
				c := w[j]
				if 'A' <= c && c <= 'Z' {
					c += 'a' - 'A'
				}
				dst = append(dst, c)
			}
		} else {
			dst = append(dst, strings.ToLower(w)...)
		}
		words++
		start = -1
	}
	for i := 0; i < len(s) && words < openingWords; {
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		if segment.IsWordRune(r) {
			if start < 0 {
				start = i
			}
		} else if start >= 0 {
			end(i)
		}
		i += size
	}
	if start >= 0 && words < openingWords {
		end(len(s))
	}
	if words < openingWords {
		return dst[:base]
	}
	return dst
}

// isASCIIWord reports whether w is all ASCII.
func isASCIIWord(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// markAppeals marks as ReasonReaderAddress the paragraphs that vary a pitch:
// a paragraph holding a sentence that opens with the same three words as a
// sentence of another paragraph addressing the reader ("Support independent
// journalism in Ukraine. Join us in this fight." then "Freedom can be
// costly. ... Support independent journalism in its darkest hour."). A
// pitch box repeats its slogan; a story does not open a sentence with the
// words of a site's appeal. The other sentences of a pitch paragraph that
// repeats no slogan stay content here: one "we" of a newsroom ("we asked
// the ministry") would otherwise take a paragraph of story with it. Across
// a corpus, a pitch recurs in the outlet's other articles, and MarkEdges
// finds it (ReasonChromeParagraph).
func markAppeals(sents []pipeline.Sentence, paras [][2]int) {
	pitch := map[int32]bool{}
	for i := range sents {
		// The reason may be another (a pitch printed twice is
		// ReasonRepeatedInArticle); the address is what counts.
		if r := sents[i].Boilerplate; r == ReasonReaderAddress || r == ReasonRepeatedInArticle && addressesReader(sents[i].Text) {
			pitch[sents[i].Para] = true
		}
	}
	if len(pitch) == 0 {
		return
	}
	slogans := map[string][]int32{} // opening -> the pitch paragraphs holding it
	for i := range sents {
		if pitch[sents[i].Para] {
			if o := opening(sents[i].Text); o != "" {
				slogans[o] = append(slogans[o], sents[i].Para)
			}
		}
	}
	if len(slogans) == 0 {
		return // no paragraph can repeat a slogan
	}
	for _, p := range paras {
		varies := false
		for i := p[0]; i < p[1]; i++ {
			var buf [64]byte
			for _, q := range slogans[string(appendOpening(buf[:0], sents[i].Text))] {
				varies = varies || q != sents[i].Para
			}
		}
		if !varies {
			continue
		}
		for i := p[0]; i < p[1]; i++ {
			if sents[i].Boilerplate == pipeline.ReasonNone {
				sents[i].Boilerplate = ReasonReaderAddress
			}
		}
	}
}

// isLabel reports a paragraph that heads a block: one sentence of at most
// LabelWords words, with a letter, and no sentence punctuation at its end
// ("News Feed", "Related coverage:", "MORE NEWS", "10:07 PM").
func isLabel(sents []pipeline.Sentence, p [2]int) bool {
	if p[1]-p[0] != 1 {
		return false
	}
	s := &sents[p[0]]
	return s.Words >= 1 && s.Words <= LabelWords && !segment.Terminated(s.Text) && strings.IndexFunc(s.Text, unicode.IsLetter) >= 0
}

// markTeasers marks as ReasonTeaser the content sentences of a block that
// follows a label line of two or three words (up to the next label line),
// ends the article's content, and is about something else than the story
// before it: fewer than a third of the names in the block (words the
// article capitalises inside a sentence) occur in the article's content
// before it, out of at least three. A news feed or a
// list of other stories after "News Feed" or "Related coverage" names other
// places and people; a section of the story after a subhead names the
// story's own.
func markTeasers(sents []pipeline.Sentence) {
	var t teaserScratch
	t.mark(sents, paragraphs(sents))
}

// teaserScratch is what markTeasers builds for an article, kept by a
// marker for the next.
type teaserScratch struct {
	toks               []segment.Token
	at                 []int
	names, block, rest map[string]bool
}

// mark is markTeasers given the article's paragraphs.
func (ts *teaserScratch) mark(sents []pipeline.Sentence, paras [][2]int) {
	// The words of sentence i that can be names (its first, and the
	// capitalised ones: no other counts below) are toks[at[i]:at[i+1]],
	// tokenised once: each label line looks at the names of the sentences
	// before it again. Keeping every word took half of MarkStructural's
	// time. They wait for the first candidate block, which many articles
	// lack; they depend on the text alone, not on what is marked.
	var names map[string]bool
	tokenise := func() {
		ts.toks = ts.toks[:0]
		ts.at = append(ts.at[:0], 0)
		ts.names = reuse(ts.names)
		names = ts.names
		for i := range sents {
			ts.toks = segment.AppendNameTokens(ts.toks, sents[i].Text)
			ts.at = append(ts.at, len(ts.toks))
			for _, t := range ts.toks[ts.at[i]:] {
				if t.Cap && !isDigits(t.Word) {
					names[t.Word] = true
				}
			}
		}
	}
	// A name counts where it is written capitalised: "May" the month is
	// not "may".
	namesOf := func(from, to int, into map[string]bool) {
		for i := from; i < to; i++ {
			if sents[i].Boilerplate != pipeline.ReasonNone {
				continue
			}
			for j, t := range ts.toks[ts.at[i]:ts.at[i+1]] {
				if names[t.Word] && (t.Cap || j == 0) {
					into[t.Word] = true
				}
			}
		}
	}
	// From the last block to the first: a block is teasers only when the
	// article holds no content after it, so teasers are the article's tail
	// and a label inside the story ("Advertisement" between two of its
	// paragraphs) never cuts a section off.
	for k := len(paras) - 1; k >= 0; k-- {
		p := paras[k]
		if !isLabel(sents, p) || sents[p[0]].Words < 2 {
			continue // a one-word line (Advertisement, Overview) interrupts a story as often as it heads a list
		}
		start := p[1]
		end := len(sents)
		for _, q := range paras[k+1:] {
			if isLabel(sents, q) {
				end = q[0]
				break
			}
		}
		if contentIn(sents, end, len(sents)) > 0 {
			continue
		}
		// The tests that need no names first, then one that needs the
		// block's words alone: most blocks fail one, and the article's
		// words are then never tokenised.
		if contentIn(sents, start, end) > contentIn(sents, 0, start) {
			continue // the block is most of the story
		}
		if !mayHoldNames(sents, start, end, 3) {
			continue
		}
		if names == nil {
			tokenise()
		}
		if len(names) == 0 {
			return // no block can hold three names
		}
		ts.block = reuse(ts.block)
		block := ts.block
		namesOf(start, end, block)
		if len(block) < 3 {
			continue
		}
		ts.rest = reuse(ts.rest)
		rest := ts.rest
		namesOf(0, start, rest)
		if len(rest) < 3 {
			continue // no story to compare with
		}
		shared := 0
		for w := range block {
			if rest[w] {
				shared++
			}
		}
		if 3*shared >= len(block) {
			continue
		}
		for i := start; i < end; i++ {
			if sents[i].Boilerplate == pipeline.ReasonNone {
				sents[i].Boilerplate = ReasonTeaser
			}
		}
	}
}

// mayHoldNames reports whether the content sentences of sents[from:to]
// have at least n distinct words that could be names: their first words
// and capitalised ones, the tokens segment.AppendNameTokens gives. It
// bounds what markTeasers counts as the block's names from above without
// the rest of the article, and stops at the n-th word.
func mayHoldNames(sents []pipeline.Sentence, from, to, n int) bool {
	var buf [16]segment.Token // most sentences have fewer; more grow it
	seen := make([]string, 0, n)
	for i := from; i < to; i++ {
		if sents[i].Boilerplate != pipeline.ReasonNone {
			continue
		}
		for _, t := range segment.AppendNameTokens(buf[:0], sents[i].Text) {
			if !slices.Contains(seen, t.Word) {
				if seen = append(seen, t.Word); len(seen) >= n {
					return true
				}
			}
		}
	}
	return false
}

// contentIn counts the content sentences of sents[from:to].
func contentIn(sents []pipeline.Sentence, from, to int) int {
	n := 0
	for i := from; i < to; i++ {
		if sents[i].Content() {
			n++
		}
	}
	return n
}

func isDigits(w string) bool {
	return strings.IndexFunc(w, func(r rune) bool { return !unicode.IsDigit(r) }) < 0
}

func hasMarkup(s string) bool {
	// Every marker but "www." holds one of these bytes, which most
	// sentences lack: one scan then answers for ten.
	if strings.IndexAny(s, "<>/&{}") < 0 {
		return strings.Contains(s, "www.")
	}
	for _, m := range []string{"-->", "<!--", "</", "/>", "http://", "https://", "www.", "&nbsp;", "&amp;", "{{", "}}"} {
		if strings.Contains(s, m) {
			return true
		}
	}
	return false
}

// isLabelLine reports a line like "Read also: headline" or "Author: name":
// at most two words before a colon, and no sentence ending.
func isLabelLine(s string) bool {
	label, rest, ok := strings.Cut(s, ":")
	if !ok || segment.Terminated(rest) || strings.ContainsAny(label, `"'`) {
		return false
	}
	n := segment.CountWords(label)
	return n >= 1 && n <= 2
}

// readerWords are the pronouns of a site talking to its reader.
var readerWords = map[string]bool{"you": true, "your": true, "yours": true, "we": true, "us": true, "our": true, "ours": true}

// isReaderWord reports whether w, of at most 5 bytes, is one of
// readerWords in any case. An ASCII word is lower-cased on the stack:
// strings.ToLower allocated for every capitalised short word of every
// sentence.
func isReaderWord(w string) bool {
	var buf [5]byte
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c >= utf8.RuneSelf {
			return readerWords[strings.ToLower(w)]
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	switch string(buf[:len(w)]) { // readerWords, without hashing
	case "you", "your", "yours", "we", "us", "our", "ours":
		return true
	}
	return false
}

// addressesReader reports a first-person-plural or second-person pronoun
// outside double quotes.
func addressesReader(s string) bool {
	if strings.Count(s, `"`)%2 != 0 {
		// An unbalanced quote: a quotation running on from the previous
		// sentence, or into the next. Do not guess.
		return false
	}
	inQuote := false
	start := -1
	check := func(end int) bool {
		w := s[start:end]
		start = -1
		return len(w) <= 5 && isReaderWord(w) && w != "US" // "US" is the country
	}
	for i := 0; i < len(s); {
		c := s[i]
		var letter bool
		size := 1
		if c < utf8.RuneSelf { // unicode.IsLetter, for ASCII
			letter = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
		} else {
			var r rune
			r, size = utf8.DecodeRuneInString(s[i:])
			letter = unicode.IsLetter(r)
		}
		if letter {
			if start < 0 && !inQuote {
				start = i
			}
			// The rest of the word's ASCII letters at once.
			for i += size; i < len(s) && ('a' <= s[i] && s[i] <= 'z' || 'A' <= s[i] && s[i] <= 'Z'); i++ {
			}
			continue
		}
		if start >= 0 && check(i) {
			return true
		}
		if c == '"' {
			inQuote = !inQuote
		}
		i += size
	}
	return start >= 0 && check(len(s))
}

// MarkChromeParagraphs sets Sentence.ChromePara on the sentences of each
// paragraph that holds chrome (an address to the reader, a label, a credit
// or markup), once MarkStructural has found it. It lets MarkEdges work on an
// article whose structural sentences are gone.
func MarkChromeParagraphs(sents []pipeline.Sentence) {
	chrome := map[int32]bool{}
	for i := range sents {
		switch sents[i].Boilerplate {
		case ReasonReaderAddress, ReasonLabel, ReasonCredit, ReasonMarkup:
			chrome[sents[i].Para] = true
		}
	}
	for i := range sents {
		sents[i].ChromePara = chrome[sents[i].Para]
	}
}

// MarkEdges marks, given every sentence's KeyDF, the verbatim repeats that
// share a paragraph with chrome (Sentence.ChromePara) as
// ReasonChromeParagraph, and those that
// form the leading and trailing runs of one article as ReasonEdgeRepeat. An
// article with no sentence of its own is a copy, and its edges are left
// alone.
func MarkEdges(sents []pipeline.Sentence) {
	MarkEdgesKeeping(sents, nil)
}

// MarkEdgesKeeping is MarkEdges, but leaves as content the edge sentences
// whose key keep holds (see SharedLeads). keep may be nil.
func MarkEdgesKeeping(sents []pipeline.Sentence, keep map[uint64]bool) {
	for i := range sents {
		s := &sents[i]
		switch {
		case keep[s.Key] && s.Boilerplate == ReasonReaderAddress:
			s.Boilerplate = pipeline.ReasonNone
		case s.Content() && s.KeyDF >= 2 && s.ChromePara && !keep[s.Key]:
			s.Boilerplate = ReasonChromeParagraph
		}
	}
	own := func(s *pipeline.Sentence) bool { return s.Content() && s.KeyDF < 2 }
	first, last := -1, -1
	for i := range sents {
		if own(&sents[i]) {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		return
	}
	for i := range sents {
		if (i < first || i > last) && sents[i].Content() && !keep[sents[i].Key] {
			sents[i].Boilerplate = ReasonEdgeRepeat
		}
	}
}

// Shared prose, told from chrome; see SharedLeads.
const (
	// FewDF: a verbatim sentence held by more articles than this is an
	// outlet's header or footer when it sits at their edges, whatever the
	// articles are about.
	FewDF = 3
	// SameStoryContainment: two articles are otherwise the same story when
	// the word 3-grams of their own sentences (those no other article holds
	// verbatim) overlap by at least this share of the smaller set. Measured
	// on the 3,000-article bench corpus (seed 1) over the pairs of articles
	// sharing a sentence held by 2 or 3 articles: different stories
	// 0.000-0.125, p90 0.031, 6 of 178 at 0.05 or more (none of one
	// outlet, of 6); same story median 0.171, 1,142 of 1,776 at 0.05 or
	// more (the rest mostly copies, which have no own sentence and whose
	// edges MarkEdges leaves alone anyway).
	SameStoryContainment = 0.05
)

// SharedLeads returns the keys of the verbatim sentences that sit at an
// article's edge but are shared prose, not chrome: held by at most FewDF
// articles, every two of which are otherwise the same story (see
// SameStoryContainment). A wire story and its update, filed minutes apart,
// carry the same lead and differ in the tail; the lead sits before the
// update's first sentence of its own, where a header does, and the
// header/footer rule alone would take it for one (11 of 38 sentences of a
// real pair in issue 10). A header recurs across many of an outlet's
// articles, or across two whose own sentences share next to nothing; so
// does it here. It needs each sentence's KeyDF, Key and Shingles, and
// each article's outlet.
//
// An edge sentence is kept too, however many hold it, when no outlet
// holds it more than FewDF times and those of one outlet that hold it are
// the same story (outletsSameStory): a lead or quote carried verbatim by
// several outlets' rewrites of one story, which rewrites it little
// elsewhere. So is a sentence in the first person (ReasonReaderAddress)
// or beside chrome (ChromePara), wherever it sits, under either rule. On the
// real-language bench (go test ./internal/bench -run 'TestQuality$' -v,
// 4,000 articles, seed 7) the stories' stray members were mostly such
// articles: their one carried sentence was taken for a header, so they
// had no evidence left; keeping it raised recall from 0.9060 to 0.9494,
// precision 0.9874 to 0.9880. Stock text that several stories share this
// way is left to the clustering (bridge passages), as it is when it sits
// mid-article.
func SharedLeads(docs []*pipeline.Doc) map[uint64]bool {
	keep, _ := sharedLeads(context.Background(), docs, nil, 1)
	return keep
}

// Unseen tells, for a sentence key, how many articles outside the
// documents SharedLeadsSeeing is given hold it, by outlet (OutletHash of
// pipeline.Article.Outlet). A run with a history loads only the stored
// articles tonight's touch, and knows the others' sentence keys from
// counts stored per night (see package history).
type Unseen func(key uint64) map[uint32]int

// OutletHash is the 32-bit hash by which Unseen names an outlet (FNV-1a).
func OutletHash(outlet string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(outlet); i++ {
		h ^= uint32(outlet[i])
		h *= 16777619
	}
	return h
}

// SharedLeadsSeeing is SharedLeads when more articles than docs hold some
// keys (unseen; nil when none do): an unseen holder counts in the key's
// holders and in its outlet's, as in a run over every article, but its
// own sentences are not known, so it is taken for another story than the
// holders it would have to be compared with: a key an unseen article
// holds is kept only when the rule needs no comparison with it (a lead
// carried once by each of several outlets). An article of another story
// is what a history run leaves unloaded: one of the same story shares
// tonight's rarer sentences, and their band keys load it.
func SharedLeadsSeeing(docs []*pipeline.Doc, unseen Unseen) map[uint64]bool {
	keep, _ := sharedLeads(context.Background(), docs, unseen, 1)
	return keep
}

// sharedLeads is SharedLeadsSeeing with the candidate keys judged on up to
// workers goroutines (unseen must then be safe to call from several): each
// key's verdict depends on its holders alone.
func sharedLeads(ctx context.Context, docs []*pipeline.Doc, unseen Unseen, workers int) (map[uint64]bool, error) {
	// The candidates, held by two articles or more: the edge sentences,
	// and wherever they sit the sentences that chrome was found beside
	// (ChromePara) or that speak for someone in the first person, which
	// a rewrite carries from its story as often as a site prints them.
	cand := map[uint64]bool{}
	for _, d := range docs {
		first, last := ownSpan(d.Sentences)
		if first < 0 {
			// A copy: it has no edges of its own (see MarkEdges).
			first, last = 0, len(d.Sentences)
		}
		for i, s := range d.Sentences {
			if s.KeyDF < 2 {
				continue
			}
			edge := (i < first || i > last) && s.Content()
			if edge || s.Content() && s.ChromePara || s.Boilerplate == ReasonReaderAddress {
				cand[s.Key] = true
			}
		}
	}
	if len(cand) == 0 {
		return nil, nil
	}
	holders := map[uint64][]int{}
	for di, d := range docs {
		for _, s := range d.Sentences {
			// A candidate's key has a KeyDF of 2 or more in every
			// sentence that holds it: most sentences need no lookup.
			if s.KeyDF >= 2 && cand[s.Key] && (s.Content() || s.Boilerplate == ReasonReaderAddress) {
				if h := holders[s.Key]; len(h) == 0 || h[len(h)-1] != di {
					holders[s.Key] = append(h, di)
				}
			}
		}
	}
	keys := make([]uint64, 0, len(holders))
	for key := range holders {
		keys = append(keys, key)
	}
	// The keys are judged in parts, one per worker, each with its own
	// memory of the articles' own sets and of the pairs compared (pure
	// functions of the articles, so the verdicts do not depend on how the
	// keys are split): at 100,000 articles this was most of the repeats
	// stage, on one core.
	parts := max(1, min(workers, len(keys)))
	kept := make([][]uint64, parts)
	err := pipeline.ForEach(ctx, parts, parts, nil, func(part int) error {
		j := judge{docs: docs, own: map[int][]uint32{}, same: map[[2]int]bool{}}
		for i := part; i < len(keys); i += parts {
			key := keys[i]
			h := holders[key]
			var u map[uint32]int
			if unseen != nil {
				u = unseen(key)
			}
			others := 0
			for _, n := range u {
				others += n
			}
			if len(h)+others < 2 {
				continue
			}
			if others == 0 && len(h) <= FewDF && j.allSame(h) || outletsSameStory(docs, h, j.allSame, u, unseen != nil) {
				kept[part] = append(kept[part], key)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	keep := map[uint64]bool{}
	for _, ks := range kept {
		for _, key := range ks {
			keep[key] = true
		}
	}
	return keep, nil
}

// judge tells whether articles are the same story, remembering each
// article's own shingles and each pair's answer.
type judge struct {
	docs []*pipeline.Doc
	own  map[int][]uint32
	same map[[2]int]bool
}

// ownOf returns the union of the shingles of article di's own sentences
// (content held by no other article).
func (j *judge) ownOf(di int) []uint32 {
	if set, ok := j.own[di]; ok {
		return set
	}
	var set []uint32
	for _, s := range j.docs[di].Sentences {
		if s.Content() && s.KeyDF < 2 {
			set = unionSorted(set, s.Shingles)
		}
	}
	j.own[di] = set
	return set
}

// sameStory reports whether articles a and b are otherwise the same
// story (see SameStoryContainment).
func (j *judge) sameStory(a, b int) bool {
	k := [2]int{min(a, b), max(a, b)}
	if v, ok := j.same[k]; ok {
		return v
	}
	x, y := j.ownOf(a), j.ownOf(b)
	v := len(x) > 0 && len(y) > 0 && float64(intersectSorted(x, y)) >= SameStoryContainment*float64(min(len(x), len(y)))
	j.same[k] = v
	return v
}

// allSame reports whether every two of the articles h are the same story.
func (j *judge) allSame(h []int) bool {
	for a := range h {
		for b := a + 1; b < len(h); b++ {
			if !j.sameStory(h[a], h[b]) {
				return false
			}
		}
	}
	return true
}

// outletsSameStory reports whether the articles held, grouped by outlet,
// have at most FewDF in any outlet, and those of one outlet are all the
// same story (allSame): a story's carried lead recurs once per outlet, or
// a few times where one outlet's page was crawled twice or updated, while
// a header or a pitch recurs in an outlet's unrelated stories.
//
// unseen counts the holders outside docs by outlet hash (see Unseen); with
// hashed set, the articles held are grouped by OutletHash too. An outlet
// holding the key in an unseen article and in another is taken for one
// whose holders are not all the same story (see SharedLeadsSeeing).
func outletsSameStory(docs []*pipeline.Doc, held []int, allSame func([]int) bool, unseen map[uint32]int, hashed bool) bool {
	if hashed {
		byOutlet := map[uint32][]int{}
		for _, di := range held {
			o := OutletHash(docs[di].Outlet())
			byOutlet[o] = append(byOutlet[o], di)
		}
		for o, n := range unseen {
			if n > 1 || n > 0 && len(byOutlet[o]) > 0 {
				return false
			}
		}
		for _, h := range byOutlet {
			if len(h) > FewDF || len(h) > 1 && !allSame(h) {
				return false
			}
		}
		return true
	}
	byOutlet := map[string][]int{}
	for _, di := range held {
		o := docs[di].Outlet()
		byOutlet[o] = append(byOutlet[o], di)
		if len(byOutlet[o]) > FewDF {
			return false
		}
	}
	for _, h := range byOutlet {
		if len(h) > 1 && !allSame(h) {
			return false
		}
	}
	return true
}

// ownSpan returns the first and last index of a sentence of the article's
// own (content held by no other article), or -1, -1.
func ownSpan(sents []pipeline.Sentence) (first, last int) {
	first, last = -1, -1
	for i := range sents {
		if sents[i].Content() && sents[i].KeyDF < 2 {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	return first, last
}

// unionSorted returns the sorted union of two sorted sets.
func unionSorted(a, b []uint32) []uint32 {
	out := make([]uint32, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j == len(b) || i < len(a) && a[i] < b[j]:
			out = append(out, a[i])
			i++
		case i == len(a) || b[j] < a[i]:
			out = append(out, b[j])
			j++
		default:
			out = append(out, a[i])
			i++
			j++
		}
	}
	return out
}

// intersectSorted counts the elements two sorted sets share.
func intersectSorted(a, b []uint32) int {
	n, i, j := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			n++
			i++
			j++
		}
	}
	return n
}

// Title returns the article's headline: the first paragraph, before the
// story's first sentence, that is one sentence of fewer than HeadlineWords
// words, with at least three words of letters, not ending with a full stop,
// and about the story: at least half of its words of five letters or more
// begin as a word of the article's content does (their first five bytes). Chrome found for another reason than its
// shape (markup, a label, a credit, an address to the reader) is never the
// title; a headline printed twice is. When no line qualifies, Title returns
// "": a caption, a site line ("This audio is created with AI assistance")
// or the lead sentence is not a headline.
func Title(sents []pipeline.Sentence) string {
	body := map[string]bool{}
	for i := range sents {
		if sents[i].Content() {
			for _, w := range segment.Words(sents[i].Text) {
				if len(w) >= stemBytes {
					body[w[:stemBytes]] = true
				}
			}
		}
	}
	for _, p := range paragraphs(sents) {
		s := &sents[p[0]]
		if p[1]-p[0] == 1 && isHeadline(s, body) {
			return s.Text
		}
		for i := p[0]; i < p[1]; i++ {
			if sents[i].Content() && sents[i].Terminated {
				return "" // the story has begun
			}
		}
	}
	return ""
}

// isHeadline reports whether s can be the title (see Title), given the
// words of the article's content.
func isHeadline(s *pipeline.Sentence, body map[string]bool) bool {
	switch s.Boilerplate {
	case pipeline.ReasonNone, ReasonShortLine, ReasonRepeatedInArticle, ReasonEdgeRepeat:
	default:
		return false
	}
	if s.Words >= HeadlineWords || strings.HasSuffix(strings.TrimRight(s.Text, `"')]`), ".") {
		return false
	}
	letters, long, about := 0, 0, 0
	for _, w := range segment.Words(s.Text) {
		if isDigits(w) {
			continue
		}
		letters++
		if len(w) >= stemBytes {
			long++
			if body[w[:stemBytes]] {
				about++
			}
		}
	}
	return letters >= 3 && long > 0 && 2*about >= long
}

// stemBytes is how much of a word Title compares: "missiles" and "missile"
// are one word to it. Shorter words are mostly function words.
const stemBytes = 5

// Stage adapts MarkStructural, MarkChromeParagraphs and Title to the
// pipeline, one article at a time. It then drops the structural sentences:
// nothing downstream reads them, and they are a third of the sentences of a
// typical crawl. Doc.Dropped keeps their count by reason, and
// Sentence.Index each kept sentence's place in its article.
type Stage struct{}

// Name implements pipeline.Stage.
func (Stage) Name() string { return "boilerplate" }

// Run implements pipeline.Stage.
func (s Stage) Run(ctx context.Context, st *pipeline.State, p pipeline.Progress) error {
	return pipeline.RunDocs(ctx, s, st, p)
}

// DocFunc implements pipeline.DocStage.
func (Stage) DocFunc(pipeline.Params) (func(*pipeline.Doc) error, error) {
	var m marker // scratch of the worker
	return func(d *pipeline.Doc) error {
		m.mark(d.Sentences)
		MarkChromeParagraphs(d.Sentences)
		if d.TitleFromText {
			d.Title = Title(d.Sentences)
		}
		for _, s := range d.Sentences {
			if Structural(s.Boilerplate) {
				d.Dropped = addReason(d.Dropped, s.Boilerplate)
			}
		}
		d.Sentences = WithoutStructural(d.Sentences)
		return nil
	}, nil
}

func addReason(counts []pipeline.ReasonCount, reason pipeline.Reason) []pipeline.ReasonCount {
	for i := range counts {
		if counts[i].Reason == reason {
			counts[i].N++
			return counts
		}
	}
	return append(counts, pipeline.ReasonCount{Reason: reason, N: 1})
}

// EdgeStage adapts KeyDF and MarkEdges to the pipeline: the part of the
// boilerplate search that needs the whole corpus. Once it knows which
// sentences are content, it fills Doc.Words, and it counts the sentences
// and the boilerplate ones by reason for run.json.
type EdgeStage struct{}

// Name implements pipeline.Stage.
func (EdgeStage) Name() string { return "repeats" }

// Run implements pipeline.Stage.
func (EdgeStage) Run(ctx context.Context, st *pipeline.State, p pipeline.Progress) error {
	df, err := keyDF(ctx, st.Docs, st.Params.EffectiveWorkers())
	if err != nil {
		return err
	}
	return MarkRepeats(ctx, st, p, df, nil)
}

// MarkRepeats is the work of EdgeStage given each sentence key's KeyDF
// (df: the keys held by two articles or more, as KeyDF returns them) and
// what is known of the articles outside st.Docs that hold a key (unseen,
// nil when there are none; see SharedLeadsSeeing), which is called from
// several goroutines at once.
func MarkRepeats(ctx context.Context, st *pipeline.State, p pipeline.Progress, df map[uint64]int32, unseen Unseen) error {
	workers := st.Params.EffectiveWorkers()
	err := pipeline.ForEach(ctx, len(st.Docs), workers, nil, func(i int) error {
		d := st.Docs[i]
		for j := range d.Sentences {
			d.Sentences[j].KeyDF = df[d.Sentences[j].Key]
		}
		return nil
	})
	if err != nil {
		return err
	}
	keep, err := sharedLeads(ctx, st.Docs, unseen, workers)
	if err != nil {
		return err
	}
	st.Counts["shared_lead_sentences"] = len(keep)
	p.Start("repeats", len(st.Docs))
	err = pipeline.ForEach(ctx, len(st.Docs), workers, p, func(i int) error {
		d := st.Docs[i]
		MarkEdgesKeeping(d.Sentences, keep)
		d.Words = 0
		for _, s := range d.Sentences {
			if s.Content() {
				d.Words += int(s.Words)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	count := func(reason pipeline.Reason, n int) {
		st.Counts["boilerplate_"+strings.ReplaceAll(reason.String(), "-", "_")] += n
	}
	n, content := 0, 0
	for _, d := range st.Docs {
		n += len(d.Sentences)
		for _, rc := range d.Dropped {
			n += int(rc.N)
			count(rc.Reason, int(rc.N))
		}
		for _, s := range d.Sentences {
			if !s.Content() {
				count(s.Boilerplate, 1)
			} else {
				content++
			}
		}
	}
	st.Counts["sentences"] = n
	// Of which content: what the minhash stage indexes a share of (see
	// write.Report.IndexedFraction).
	st.Counts["content_sentences"] = content
	return nil
}

// WithoutStructural returns the sentences of sents that are not structural
// boilerplate, in a new slice of exactly their number (sents itself when
// all are kept).
func WithoutStructural(sents []pipeline.Sentence) []pipeline.Sentence {
	n := 0
	for i := range sents {
		if !Structural(sents[i].Boilerplate) {
			n++
		}
	}
	if n == len(sents) {
		return sents
	}
	out := make([]pipeline.Sentence, 0, n)
	for i := range sents {
		if !Structural(sents[i].Boilerplate) {
			out = append(out, sents[i])
		}
	}
	return out
}

// KeyDF counts, for each sentence key, the articles that hold it. Only
// keys held by two articles or more are in the map.
func KeyDF(docs []*pipeline.Doc) map[uint64]int32 {
	df, _ := keyDF(context.Background(), docs, 1)
	return df
}

// keyDF is KeyDF counted on up to workers goroutines, each counting the
// keys of one part of the key space (by their high half) over every
// article: at 1,000,000 articles counting took 9 CPU seconds on one core.
func keyDF(ctx context.Context, docs []*pipeline.Doc, workers int) (map[uint64]int32, error) {
	parts := max(1, workers)
	counted := make([]map[uint64]int32, parts)
	err := pipeline.ForEach(ctx, parts, parts, nil, func(part int) error {
		all := map[uint64]int32{}
		seen := map[uint64]bool{}
		for _, d := range docs {
			clear(seen)
			for _, s := range d.Sentences {
				if keyPart(s.Key, parts) == part && !Structural(s.Boilerplate) && !seen[s.Key] {
					seen[s.Key] = true
					all[s.Key]++
				}
			}
		}
		for k, n := range all {
			if n < 2 {
				delete(all, k)
			}
		}
		counted[part] = all
		return nil
	})
	if err != nil {
		return nil, err
	}
	if parts == 1 {
		return counted[0], nil
	}
	n := 0
	for _, c := range counted {
		n += len(c)
	}
	df := make(map[uint64]int32, n)
	for _, c := range counted {
		for k, v := range c {
			df[k] = v
		}
	}
	return df, nil
}

// keyPart returns which of parts parts of the key space key is in.
func keyPart(key uint64, parts int) int {
	return int((key >> 32) * uint64(parts) >> 32)
}

// Summary implements pipeline.Summarizer.
func (EdgeStage) Summary(st *pipeline.State) string {
	n := 0
	for k, v := range st.Counts {
		if strings.HasPrefix(k, "boilerplate_") {
			n += v
		}
	}
	return fmt.Sprintf("%d boilerplate sentences", n)
}
