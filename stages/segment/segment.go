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
	// The trained model's abbreviations, collocations, frequent sentence
	// starters and orthographic contexts, for sureBreak and noBreakAfter.
	abbrevs, collocations, sentStarters, ortho sentences.SetString
	ends                                       []int // scratch for punktBreaks
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
	return &Segmenter{full: full, plain: plain, abbrevs: training.AbbrevTypes, collocations: training.Collocations,
		sentStarters: training.SentStarters, ortho: training.OrthoContext}, nil
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

func isDigit(b byte) bool { return '0' <= b && b <= '9' }

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
	return s.appendSplit(nil, text)
}

// appendSplit appends the pieces of Split(text) to out.
func (s *Segmenter) appendSplit(out []Piece, text string) []Piece {
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
		out = s.appendChunks(out, line, lineOff, para, hasMultiPunctWord(line))
		para++
	}
	return out
}

// appendPunkt appends the sentences tok finds in text, which starts at byte
// off of the text given to Split, each split again after numbers.
func appendPunkt(out []Piece, tok *sentences.DefaultSentenceTokenizer, text string, off, para int) []Piece {
	for _, sent := range tok.Tokenize(text) {
		out = appendSentence(out, sent.Text, off+sent.Start, para)
	}
	return out
}

// appendSentence appends a sentence Punkt found, text at byte off of the
// text given to Split, split again after numbers.
func appendSentence(out []Piece, text string, off, para int) []Piece {
	for _, r := range splitAfterNumbers(text) {
		t := text[r[0]:r[1]]
		lead := len(t) - len(strings.TrimLeftFunc(t, unicode.IsSpace))
		if t = strings.TrimSpace(t); t != "" {
			start := off + r[0] + lead
			out = append(out, Piece{Para: para, Text: t, Start: start, End: start + len(t)})
		}
	}
	return out
}

// appendChunks appends the sentences of line as Punkt finds them, the full
// English tokenizer when full is set and the plain one otherwise, calling
// it only on the stretches where it has something to decide.
//
// Punkt decides a break from a token and the one after it alone (its type
// pass looks at one token, its token pass at a pair), and its tokens are the
// runs between white space. So where sureBreak holds, line can be cut at
// that space and each side tokenized alone, with the same breaks. A chunk
// whose tokens before the last have no '.', '?', '!' or '。' has no break
// inside: it is one sentence, without the tokenizer. The fuzz target
// FuzzSplitChunks compares this with Punkt on the whole line.
func (s *Segmenter) appendChunks(out []Piece, line string, lineOff, para int, full bool) []Piece {
	tok := s.plain
	if full {
		tok = s.full
	}
	start := 0 // of the current chunk in line
	tokStart := 0
	for i := 0; i < len(line); i++ {
		if line[i] != ' ' {
			continue
		}
		if i > tokStart && s.sureBreak(line[tokStart:i], line[i+1:], full) {
			out = s.appendChunk(out, tok, line[start:i], lineOff+start, para, full)
			start = i + 1
		}
		tokStart = i + 1
	}
	return s.appendChunk(out, tok, line[start:], lineOff+start, para, full)
}

// appendChunk appends the sentences tok finds in chunk, a stretch of a line
// that starts at byte off of the text given to Split; full tells whether
// tok is the full English tokenizer.
func (s *Segmenter) appendChunk(out []Piece, tok *sentences.DefaultSentenceTokenizer, chunk string, off, para int, full bool) []Piece {
	if !oneSentence(chunk) {
		if full {
			return appendPunkt(out, tok, chunk, off, para)
		}
		ends, known := s.punktBreaks(chunk, s.ends[:0])
		if !known {
			return appendPunkt(out, tok, chunk, off, para)
		}
		s.ends = ends
		// The sentences Punkt would give, without Punkt.
		start := 0
		for _, end := range ends {
			out = appendSentence(out, chunk[start:end], off+start, para)
			start = end
		}
		return appendSentence(out, chunk[start:], off+start, para)
	}
	lead := len(chunk) - len(strings.TrimLeftFunc(chunk, unicode.IsSpace))
	if t := strings.TrimSpace(chunk); t != "" {
		out = append(out, Piece{Para: para, Text: t, Start: off + lead, End: off + lead + len(t)})
	}
	return out
}

// oneSentence reports whether Punkt cannot break chunk: no token but the
// last holds a character a break needs ('.', '?', '!', '。'), and the last
// is plain ASCII without white space, so a single token. A break after the
// last token ends the text anyway, and without '.' there is nothing for
// splitAfterNumbers either.
func oneSentence(chunk string) bool {
	k := strings.LastIndexByte(chunk, ' ')
	if k >= 0 && (strings.ContainsAny(chunk[:k], ".?!") || strings.Contains(chunk[:k], "。")) {
		return false
	}
	return plainToken(chunk[k+1:])
}

// plainToken reports whether w is ASCII without white space: Punkt's word
// tokenizer, which splits at every Unicode space and at CJK punctuation,
// takes it as one token.
func plainToken(w string) bool {
	for i := 0; i < len(w); i++ {
		if c := w[i]; c >= utf8.RuneSelf || c <= ' ' || c == 0x7f {
			return false
		}
	}
	return true
}

// sureBreak reports whether Punkt ends a sentence after tok, a token
// followed by a space and then by rest, whatever comes before tok or after
// the next token: the plain tokenizer, or the full English one when full is
// set. Two kinds are sure, for an ASCII tok:
//
//   - Plain only: tok ends with '?' or '!', or with '.', '?' or '!' and a
//     closing quote or bracket: the type pass marks a break
//     (HasSentEndChars), and the token pass leaves it, since tok does not
//     end with a full stop. The full tokenizer's multi-stop pass may undo
//     it ("5?" is a list number to it, a quote an unreliable end).
//   - tok is two or more ASCII letters and a full stop, not a trained
//     abbreviation, and the next token is ASCII letters (maybe with a
//     trailing comma) that do not form a trained collocation with tok: the
//     type pass marks a break, and the token pass, which could undo it only
//     for a collocation, an abbreviation, an ellipsis, an initial or a
//     number, leaves it. The multi-stop pass leaves it too: tok has one
//     stop and no quote.
//
// Anything else ("U.S.", "Jan.", "Mr.", "J.", "5.", "...") is left to Punkt.
func (s *Segmenter) sureBreak(tok, rest string, full bool) bool {
	if !plainToken(tok) {
		return false
	}
	n := len(tok)
	last := tok[n-1]
	if (last == '?' || last == '!') && !full {
		return true
	}
	if (last == '"' || last == '\'' || last == ')') && n >= 2 && !full {
		if c := tok[n-2]; c == '.' || c == '?' || c == '!' {
			return true
		}
	}
	if last != '.' || n < 3 {
		return false
	}
	word := tok[:n-1]
	if !asciiLetters(word) {
		return false
	}
	next := rest
	if k := strings.IndexByte(next, ' '); k >= 0 {
		next = next[:k]
	}
	if !plainToken(next) {
		return false
	}
	if len(next) > 1 && next[len(next)-1] == ',' {
		next = next[:len(next)-1]
	}
	if !wordLike(next) {
		return false
	}
	typ := strings.ToLower(word)
	return s.abbrevs[typ] == 0 && s.collocations[typ+","+strings.ToLower(next)] == 0
}

// wordLike reports whether w is an ASCII letter followed by letters,
// apostrophes and hyphens ("Today's", "home-owners"): Punkt's type of
// such a token, which its collocation test reads, is w lower-cased (no
// digit makes it a number, no comma or full stop is stripped), and the
// token, without a full stop, is no "." that the multi-stop pass would
// pair with the one before it.
func wordLike(w string) bool {
	if w == "" || !isLetter(w[0]) {
		return false
	}
	for i := 1; i < len(w); i++ {
		if c := w[i]; !isLetter(c) && c != '\'' && c != '-' {
			return false
		}
	}
	return true
}

// punktBreaks returns where the plain Punkt tokenizer breaks chunk: the
// byte offsets in chunk at which a sentence ends, before its last token,
// and known true when breakAfter decides every token but the last. Punkt
// then returns the sentences [0, ends[0]), [ends[0], ends[1]), ... up to
// the end of chunk; ends is appended to buf. chunk must be ASCII, its
// tokens separated by spaces.
func (s *Segmenter) punktBreaks(chunk string, buf []int) (ends []int, known bool) {
	for i := 0; i < len(chunk); i++ {
		if c := chunk[i]; c >= utf8.RuneSelf || c < ' ' || c == 0x7f {
			return nil, false // Punkt splits at other white space, and at CJK punctuation
		}
	}
	ends = buf
	tok, tokEnd := "", 0
	for i := 0; i < len(chunk); {
		j := strings.IndexByte(chunk[i:], ' ')
		if j < 0 {
			j = len(chunk)
		} else {
			j += i
		}
		next := chunk[i:j]
		i = j + 1
		if next == "" {
			continue // a run of spaces
		}
		if tok != "" {
			brk, ok := s.breakAfter(tok, next)
			if !ok {
				return nil, false
			}
			if brk {
				// Punkt's sentence ends at the white space after the
				// token: its Position.
				ends = append(ends, tokEnd)
			}
		}
		tok, tokEnd = next, j
	}
	return ends, true
}

// Orthographic contexts of Punkt's trained model (sentences' ortho.go):
// where a word type was seen, capitalised or not.
const (
	orthoMidUc = 1 << 2
	orthoBegLc = 1 << 4
	orthoUc    = 1<<1 | 1<<2 | 1<<3
	orthoLc    = 1<<4 | 1<<5 | 1<<6
)

// breakAfter reports whether the plain Punkt tokenizer marks a sentence
// break after tok, an ASCII token followed by the token next, for any
// tokens around them, and known false where it cannot tell. It follows
// the library's two passes:
//
//   - the type pass marks a break after a token with sentence-ending
//     characters ('?', '!', or '.' before a quote or bracket: hasSentEnd),
//     and after one ending in a full stop ("..." aside) unless its type is
//     a trained abbreviation; no other token is ever a break;
//   - the token pass, for a token ending in a full stop, reads the next
//     token's type: a trained collocation of the two undoes the break; an
//     abbreviation that is not an initial becomes a break when the next
//     token is a sentence starter by its orthographic context or a
//     capitalised frequent sentence starter; an initial's break is undone
//     by the orthographic heuristic ("J. Bach").
//
// It does not know where next is a number with a stop ("No. 5.", see
// nextType), where tok ends in "..", or holds anything but letters,
// apostrophes and hyphens before its stop ("2006.", "U.S."): Punkt decides
// those.
func (s *Segmenter) breakAfter(tok, next string) (brk, known bool) {
	if !strings.ContainsAny(tok, ".?!") {
		return false, true
	}
	n := len(tok)
	if tok[n-1] != '.' {
		// The token pass looks only at tokens ending in a full stop.
		return hasSentEnd(tok), true
	}
	body := tok[:n-1]
	if body == "" || !isLetter(body[0]) {
		return false, false
	}
	for i := 1; i < len(body); i++ {
		if c := body[i]; !isLetter(c) && c != '\'' && c != '-' {
			return false, false
		}
	}
	nextTyp, ok := s.nextType(next)
	if !ok {
		return false, false
	}
	typ := strings.ToLower(body) // the library's TypeNoPeriod: no digit, no comma
	if s.collocations[typ+","+nextTyp] != 0 {
		return false, true
	}
	abbr := s.isAbbr(typ)
	upper := 'A' <= next[0] && next[0] <= 'Z'
	switch initial := len(body) == 1; {
	case initial:
		h := s.orthoHeuristic(next, nextTyp)
		return !(abbr || h == 0 || h == -1 && upper && s.ortho[nextTyp]&orthoLc == 0), true
	case abbr:
		return s.orthoHeuristic(next, nextTyp) == 1 || upper && s.sentStarters[nextTyp] != 0, true
	}
	return true, true
}

// isAbbr is the type pass's test of a token ending in a full stop, given
// its type without the stop: it or its last hyphenated part is a trained
// abbreviation.
func (s *Segmenter) isAbbr(typ string) bool {
	last := typ
	if k := strings.LastIndexByte(typ, '-'); k >= 0 {
		last = typ[k+1:]
	}
	return s.abbrevs[typ] != 0 || s.abbrevs[last] != 0
}

// nextType returns the type the token pass reads for next, the token after
// one ending in a full stop (the library's TypeNoSentPeriod), where it
// knows it: for a number of digits, commas and hyphens, and for a token
// without digits, and without '.', '?' or '!' but a final stop after
// letters, apostrophes and hyphens. Such a
// token is a break after the type pass only when it ends in a stop and is
// no abbreviation, and then its type loses the stop.
func (s *Segmenter) nextType(next string) (string, bool) {
	n := len(next)
	stop := next[n-1] == '.'
	if stop {
		if n < 2 || !isLetter(next[0]) {
			return "", false
		}
		for i := 1; i < n-1; i++ {
			if c := next[i]; !isLetter(c) && c != '\'' && c != '-' {
				return "", false
			}
		}
		typ := strings.ToLower(next)
		if body := typ[:n-1]; !s.isAbbr(body) {
			return body, true
		}
		return typ, true
	}
	if isDigit(next[0]) {
		// A number ("16", "23,", "1,200"): the library's Type makes the
		// whole token "##number##".
		for i := 1; i < n; i++ {
			if c := next[i]; !isDigit(c) && c != ',' && c != '-' {
				return "", false
			}
		}
		return "##number##", true
	}
	for i := 0; i < n; i++ {
		if c := next[i]; isDigit(c) || c == '.' || c == '?' || c == '!' {
			return "", false
		}
	}
	typ := strings.ToLower(next)
	if len(typ) > 1 {
		typ = strings.ReplaceAll(typ, ",", "")
	}
	return typ, true
}

// orthoHeuristic is Punkt's orthographic heuristic (OrthoContext.Heuristic)
// on an ASCII token of type typ: 1 if it starts a sentence, 0 if it does
// not, -1 if unknown.
func (s *Segmenter) orthoHeuristic(tok, typ string) int {
	if len(tok) == 1 && strings.IndexByte(";:,.!?", tok[0]) >= 0 {
		return 0
	}
	ctx := s.ortho[typ]
	if 'A' <= tok[0] && tok[0] <= 'Z' && ctx&orthoLc != 0 && ctx&orthoMidUc == 0 {
		return 1
	}
	if 'a' <= tok[0] && tok[0] <= 'z' && (ctx&orthoUc != 0 || ctx&orthoBegLc == 0) {
		return 0
	}
	return -1
}

// hasSentEnd is the English word tokenizer's HasSentEndChars for an ASCII
// token.
func hasSentEnd(tok string) bool {
	for _, end := range []string{`."`, `.'`, `.)`, `?`, `?"`, `?'`, `?)`, `!`, `!"`, `!'`, `!)`} {
		if strings.HasSuffix(tok, end) {
			return true
		}
	}
	for _, in := range []string{`.[`, `.(`, `."`, `.'`, `?[`, `?(`, `![`, `!(`} {
		if strings.Contains(tok, in) {
			return true
		}
	}
	return false
}

// asciiLetters reports whether w is all ASCII letters.
func asciiLetters(w string) bool {
	for i := 0; i < len(w); i++ {
		if !isLetter(w[i]) {
			return false
		}
	}
	return true
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
func AppendTokens(dst []Token, s string) []Token { return appendTokens(dst, s, true) }

// AppendNameTokens appends the tokens of sentence s that can be names: its
// first word, and the words with Cap set. It is AppendTokens without the
// other words, for a caller that looks only at those, at a fraction of
// the cost (most words are neither).
func AppendNameTokens(dst []Token, s string) []Token { return appendTokens(dst, s, false) }

func appendTokens(dst []Token, s string, all bool) []Token {
	start := -1
	first := true
	emit := func(w string) {
		var upper bool
		if c := w[0]; c < utf8.RuneSelf {
			upper = 'A' <= c && c <= 'Z'
		} else {
			r, _ := utf8.DecodeRuneInString(w)
			upper = unicode.IsUpper(r)
		}
		if all || first || upper {
			dst = append(dst, Token{Word: strings.ToLower(w), Cap: !first && upper})
		}
		first = false
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
	n := 0
	for i := 0; i < len(s); {
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		i += size
		if !IsWordRune(r) {
			continue
		}
		n++
		// The rest of the word: its ASCII letters and digits at once, then
		// rune by rune.
		for i < len(s) {
			if c := s[i]; c < utf8.RuneSelf {
				if !asciiWord[c] {
					break
				}
				i++
				continue
			}
			r, size := utf8.DecodeRuneInString(s[i:])
			if !isWordRune(r) {
				break
			}
			i += size
		}
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
	var pieces []Piece // scratch of the worker
	return func(d *pipeline.Doc) error {
		pieces = s.appendSplit(pieces[:0], d.Normalized)
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
