// Package segment splits normalised article text into paragraphs, sentences
// and words.
//
// A paragraph is a non-empty line; a sentence never crosses a line break,
// because on the web a line break ends a headline, a caption or a nav item
// even without a full stop. Inside a paragraph, sentence boundaries come from
// github.com/neurosnap/sentences, a Go port of the Punkt tokenizer with its
// trained English model: it knows that "U.S." or "Jan. 2" do not end a
// sentence, which a regular expression gets wrong (see the tests).
//
// Words are maximal runs of letters and digits, lower-cased: "Hwasong-11's"
// gives "hwasong", "11", "s".
package segment

import (
	"context"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/neurosnap/sentences"
	"github.com/neurosnap/sentences/data"
	"github.com/neurosnap/sentences/english"

	"github.com/dedupe/dedupe/pipeline"
)

// Segmenter splits text into sentences. It is not safe for concurrent use;
// make one per goroutine.
type Segmenter struct {
	full, plain *sentences.DefaultSentenceTokenizer
}

// New returns a Segmenter with the English Punkt model.
//
// It holds two configurations of the library's tokenizer. The full English
// one (english.NewSentenceTokenizer) adds a pass for words with several
// full stops ("F.B.I.", "a.m."); that pass, regular expressions run on every
// token, took half of this stage's time on 100,000 articles, so lines
// without such a word go to the plain Punkt tokenizer with the same trained
// model, which keeps "U.S." and "Jan. 2" whole on its own (see the tests).
func New() (*Segmenter, error) {
	full, err := english.NewSentenceTokenizer(nil)
	if err != nil {
		return nil, fmt.Errorf("segment: load English model: %w", err)
	}
	b, err := data.Asset("data/english.json")
	if err != nil {
		return nil, fmt.Errorf("segment: load English model: %w", err)
	}
	training, err := sentences.LoadTraining(b)
	if err != nil {
		return nil, fmt.Errorf("segment: load English model: %w", err)
	}
	for _, abbr := range []string{"sgt", "gov", "no"} { // as english.NewSentenceTokenizer adds
		training.AbbrevTypes.Add(abbr)
	}
	lang := sentences.NewPunctStrings()
	word := english.NewWordTokenizer(lang)
	plain := &sentences.DefaultSentenceTokenizer{
		Storage:       training,
		PunctStrings:  lang,
		WordTokenizer: word,
		Annotations:   sentences.NewAnnotations(training, lang, word),
	}
	return &Segmenter{full: full, plain: plain}, nil
}

// hasMultiPunctWord reports a word with a full stop inside it followed by a
// letter, as in "F.B.I." or "a.m.": the case the full English pass is for.
func hasMultiPunctWord(line string) bool {
	for i := 1; i+1 < len(line); i++ {
		if line[i] == '.' && isLetter(line[i-1]) && isLetter(line[i+1]) && i+2 < len(line) && line[i+2] == '.' {
			return true
		}
	}
	return false
}

func isLetter(b byte) bool { return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' }

// Piece is one sentence of a text.
type Piece struct {
	Para int    // index of the non-empty line it came from
	Text string // trimmed sentence
	// Start and End are the byte range [Start, End) of Text in the text
	// given to Split.
	Start, End int
}

// Split returns the sentences of text in order. Text is expected to be
// normalised (see package normalize): lines separated by \n.
func (s *Segmenter) Split(text string) []Piece {
	var out []Piece
	para := 0
	off := 0 // byte offset of the line in text
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
			// One sentence at most: spare the tokenizer, which costs more
			// than everything else in this stage.
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

// mayHaveBoundary reports whether line holds sentence punctuation followed
// by a space (possibly after closing quotes or brackets): without one, there
// is nothing for a tokenizer to split.
func mayHaveBoundary(line string) bool {
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case '.', '!', '?':
			j := i + 1
			for j < len(line) && strings.IndexByte(`"')]`, line[j]) >= 0 {
				j++
			}
			if j < len(line) && line[j] == ' ' {
				return true
			}
		}
	}
	return false
}

// splitAfterNumbers splits a sentence where a number ends one sentence and
// a capital starts the next ("since 2006. They"): the Punkt English model
// takes "2006." for an ordinal and never breaks there. It returns the byte
// ranges [start, end) of the parts in s.
func splitAfterNumbers(s string) [][2]int {
	var out [][2]int
	start := 0
	for i := 1; i+2 < len(s); i++ {
		if s[i] != '.' || s[i+1] != ' ' || s[i-1] < '0' || s[i-1] > '9' {
			continue
		}
		j := i + 2
		if j < len(s) && (s[j] == '"' || s[j] == '\'') {
			j++
		}
		if r, _ := utf8.DecodeRuneInString(s[j:]); unicode.IsUpper(r) {
			out = append(out, [2]int{start, i + 1})
			start = i + 2
		}
	}
	return append(out, [2]int{start, len(s)})
}

// Token is one word of a sentence.
type Token struct {
	Word string // lower-cased
	// Cap is set when the word was capitalised other than as the
	// sentence's first word: a name, an acronym, part of a title.
	Cap bool
}

// AppendTokens appends the words of sentence s, with their capitalisation,
// to dst.
func AppendTokens(dst []Token, s string) []Token {
	start := -1
	first := len(dst)
	emit := func(w string) {
		var upper bool
		if c := w[0]; c < utf8.RuneSelf {
			upper = 'A' <= c && c <= 'Z'
		} else {
			r, _ := utf8.DecodeRuneInString(w)
			upper = unicode.IsUpper(r)
		}
		dst = append(dst, Token{Word: strings.ToLower(w), Cap: len(dst) > first && upper})
	}
	for i, r := range s {
		if IsWordRune(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			emit(s[start:i])
			start = -1
		}
	}
	if start >= 0 {
		emit(s[start:])
	}
	return dst
}

// Terminated reports whether s ends like a sentence: with a full stop, a
// question or exclamation mark, possibly inside closing quotes or brackets,
// or with the closing quote of a quotation (`the inspectors said fragments
// "derive from a Hwasong-11 missile"`). Headlines, menu items and credit
// lines do not.
func Terminated(s string) bool {
	if strings.HasSuffix(s, `"`) && strings.Count(s, `"`)%2 == 0 {
		return true
	}
	s = strings.TrimRight(s, `"')]`)
	return strings.HasSuffix(s, ".") || strings.HasSuffix(s, "!") || strings.HasSuffix(s, "?")
}

// Words returns the lower-cased words of s.
func Words(s string) []string {
	return AppendWords(nil, s)
}

// AppendWords appends the lower-cased words of s to dst.
func AppendWords(dst []string, s string) []string {
	return AppendFirstWords(dst, s, -1)
}

// AppendFirstWords appends the first n lower-cased words of s to dst, or
// all of them when n is negative.
func AppendFirstWords(dst []string, s string, n int) []string {
	if n == 0 {
		return dst
	}
	start := -1
	for i, r := range s {
		if IsWordRune(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			dst = append(dst, strings.ToLower(s[start:i]))
			start = -1
			if n--; n == 0 {
				return dst
			}
		}
	}
	if start >= 0 {
		dst = append(dst, strings.ToLower(s[start:]))
	}
	return dst
}

// CountWords returns len(Words(s)) without allocating.
func CountWords(s string) int {
	n, in := 0, false
	for _, r := range s {
		w := IsWordRune(r)
		if w && !in {
			n++
		}
		in = w
	}
	return n
}

// IsWordRune reports whether r belongs to a word: a letter, a digit or a
// combining mark.
func IsWordRune(r rune) bool {
	if uint32(r) < utf8.RuneSelf { // most runes, without a call: small enough to inline
		return asciiWord[r]
	}
	return isWordRune(r)
}

// asciiWord is isWordRune for ASCII: the letters and digits.
var asciiWord = func() (t [utf8.RuneSelf]bool) {
	for r := range rune(utf8.RuneSelf) {
		t[r] = isWordRune(r)
	}
	return t
}()

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// Offsets returns the code-point range [start, end) in the original text of
// piece pc of a normalised text, given the text's map from normalize.TextMap:
// from the input rune of its first byte to the end of the input rune of its
// last byte (for a last rune of several bytes, the map holds the last input
// rune it came from: "e\u0301" composed to "é" ends after the accent).
func Offsets(normMap []int32, pc Piece) (start, end int32) {
	if pc.End <= pc.Start {
		return normMap[pc.Start], normMap[pc.Start]
	}
	return normMap[pc.Start], normMap[pc.End-1] + 1
}

// Stage adapts Split to the pipeline: it fills Doc.Sentences from
// Doc.Normalized and Doc.NormMap, and then drops both.
type Stage struct{}

// Name implements pipeline.Stage.
func (Stage) Name() string { return "segment" }

// Run implements pipeline.Stage.
func (s Stage) Run(ctx context.Context, st *pipeline.State, p pipeline.Progress) error {
	return pipeline.RunDocs(ctx, s, st, p)
}

// DocFunc implements pipeline.DocStage: each worker has a Segmenter of its
// own.
func (Stage) DocFunc(pipeline.Params) (func(*pipeline.Doc) error, error) {
	s, err := New()
	if err != nil {
		return nil, err
	}
	return func(d *pipeline.Doc) error {
		pieces := s.Split(d.Normalized)
		d.Sentences = make([]pipeline.Sentence, len(pieces))
		for j, pc := range pieces {
			start, end := Offsets(d.NormMap, pc)
			d.Sentences[j] = pipeline.Sentence{Index: int32(j), Para: int32(pc.Para), Text: pc.Text, Words: int32(CountWords(pc.Text)),
				Terminated: Terminated(pc.Text), Start: start, End: end}
		}
		d.Normalized, d.NormMap = "", nil
		return nil
	}, nil
}

// Summary implements pipeline.Summarizer. It counts the sentences the
// boilerplate stage dropped as well, when it ran.
func (Stage) Summary(st *pipeline.State) string {
	n := 0
	for _, d := range st.Docs {
		n += len(d.Sentences)
		for _, rc := range d.Dropped {
			n += int(rc.N)
		}
	}
	return fmt.Sprintf("%d sentences", n)
}
