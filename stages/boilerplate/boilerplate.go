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
//   - ReasonShortLine: a line of fewer than ShortLineWords words, or of fewer
//     than UnpunctuatedLineWords words without a full stop, question or
//     exclamation mark: menus, buttons, bylines, captions, subheads;
//   - ReasonLabel: a line that opens with a label of one or two words and a
//     colon and is not a sentence ("Read also: ...", "Section: Nation");
//   - ReasonCredit: a sentence wholly in parentheses, such as a photo credit
//     "(Sergey Bobok/AFP via Getty Images)" or "(Reporting by ...)";
//   - ReasonReaderAddress: a sentence that speaks to the reader or for the
//     site (you, your, we, us, our) outside quotation marks: donation and
//     newsletter pitches, comment forms. News copy reports in the third
//     person and puts anyone's "we" inside quotes.
//
// From the corpus (what recurs across articles), computed on Key, the
// sentence with case, punctuation and digits folded:
//
//   - ReasonEdgeRepeat: a sentence found verbatim in other articles that sits
//     in the article's leading or trailing run of such sentences, before the
//     first or after the last sentence of its own: headers and footers;
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
)

// Line-length cues; see the package comment.
const (
	ShortLineWords        = 4
	UnpunctuatedLineWords = 8
)

// Structural reports whether reason comes from the article alone. Structural
// boilerplate is left out of every view of the article; corpus-detected
// boilerplate still counts towards whole-document similarity, since copies
// of an article share it.
func Structural(reason pipeline.Reason) bool {
	return reason != pipeline.ReasonNone && reason != ReasonEdgeRepeat && reason != ReasonChromeParagraph && reason != ReasonSpread
}

// Key hashes a sentence up to case, punctuation and digits, so that
// "Updated 10:07 PM" and "Updated 8:34 PM" are the same line. Words are as
// segment.Words gives them; a word holding a digit counts as "0".
func Key(text string) uint64 {
	const offset, prime = 14695981039346656037, 1099511628211
	h := uint64(offset)
	add := func(b byte) {
		h ^= uint64(b)
		h *= prime
	}
	var word [64]byte
	w := word[:0]
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
		w, digit = word[:0], false
	}
	for _, r := range text {
		if !segment.IsWordRune(r) {
			flush()
			continue
		}
		digit = digit || unicode.IsDigit(r)
		w = utf8.AppendRune(w, unicode.ToLower(r))
	}
	flush()
	return h
}

// MarkStructural sets Key and the structural Boilerplate reason of each
// sentence of one article.
func MarkStructural(sents []pipeline.Sentence) {
	count := make(map[uint64]int, len(sents))
	paraLen := map[int32]int{}
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
		case paraLen[s.Para] == 1 && (s.Words < ShortLineWords || s.Words < UnpunctuatedLineWords && !segment.Terminated(s.Text)):
			s.Boilerplate = ReasonShortLine
		case paraLen[s.Para] == 1 && isLabelLine(s.Text):
			s.Boilerplate = ReasonLabel
		case strings.HasPrefix(s.Text, "(") && strings.HasSuffix(strings.TrimRight(s.Text, "."), ")"):
			s.Boilerplate = ReasonCredit
		case addressesReader(s.Text):
			s.Boilerplate = ReasonReaderAddress
		}
	}
}

func hasMarkup(s string) bool {
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
		return len(w) <= 5 && readerWords[strings.ToLower(w)] && w != "US" // "US" is the country
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
	for i := range sents {
		if s := &sents[i]; s.Content() && s.KeyDF >= 2 && s.ChromePara {
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
		if (i < first || i > last) && sents[i].Content() {
			sents[i].Boilerplate = ReasonEdgeRepeat
		}
	}
}

// Title returns the first line of content: the text of the first paragraph
// holding a sentence that is not structural boilerplate, or "" if none. A
// line repeated within the article counts: pages often print their headline
// twice.
func Title(sents []pipeline.Sentence) string {
	for i := range sents {
		if r := sents[i].Boilerplate; Structural(r) && r != ReasonRepeatedInArticle {
			continue
		}
		var parts []string
		for _, s := range sents {
			if s.Para == sents[i].Para {
				parts = append(parts, s.Text)
			}
		}
		return strings.Join(parts, " ")
	}
	return ""
}

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
	return func(d *pipeline.Doc) error {
		MarkStructural(d.Sentences)
		MarkChromeParagraphs(d.Sentences)
		if d.TitleFromText {
			if t := Title(d.Sentences); t != "" {
				d.Title = t
			}
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
	df := KeyDF(st.Docs)
	p.Start("repeats", len(st.Docs))
	err := pipeline.ForEach(ctx, len(st.Docs), st.Params.EffectiveWorkers(), p, func(i int) error {
		d := st.Docs[i]
		for j := range d.Sentences {
			d.Sentences[j].KeyDF = df[d.Sentences[j].Key]
		}
		MarkEdges(d.Sentences)
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
	n := 0
	for _, d := range st.Docs {
		n += len(d.Sentences)
		for _, rc := range d.Dropped {
			n += int(rc.N)
			count(rc.Reason, int(rc.N))
		}
		for _, s := range d.Sentences {
			if !s.Content() {
				count(s.Boilerplate, 1)
			}
		}
	}
	st.Counts["sentences"] = n
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
	all := map[uint64]int32{}
	seen := map[uint64]bool{}
	for _, d := range docs {
		clear(seen)
		for _, s := range d.Sentences {
			if !Structural(s.Boilerplate) && !seen[s.Key] {
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
	return all
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
