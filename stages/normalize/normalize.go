// Package normalize folds the typographic variety of web text into one form,
// so that the same sentence published by two outlets compares equal.
//
// Text applies, in order:
//
//  1. control and format characters dropped (zero-width spaces and joiners,
//     soft hyphens, byte order marks, NUL...), except line breaks, tabs and
//     other white space, which step 5 handles;
//  2. quotes folded to ' and ", dashes and minus signs to -, ellipsis to ...,
//     and every line break (\r\n, \r, U+2028, U+2029) made \n;
//  3. Unicode NFKC (golang.org/x/text/unicode/norm): compatibility forms such
//     as ligatures, full-width letters and no-break spaces become their plain
//     equivalents, and a letter and its combining marks are composed;
//  4. the fold of step 2 again, for the quotes and dashes that NFKC itself
//     yields (small em dash U+FE58 becomes U+2014, full-width grave accent
//     U+FF40 becomes `);
//  5. runs of spaces and tabs made one space, and each line trimmed.
//
// The order matters. Dropping invisible characters before NFKC lets it
// compose what they kept apart ("cafe\u200b\u0301" becomes "café", not
// "cafe\u0301"), and folding before NFKC catches the characters NFKC would
// otherwise decompose first: the acute accent U+00B4 used as an apostrophe
// (NFKC: space and combining acute) and the double prime U+2033 (NFKC: two
// primes). Steps 4 and 5 only ever replace a character with ASCII punctuation
// or white space, or delete white space next to a line break, and NFKC
// produces no control or format character, so the result is NFKC and Text is
// idempotent: Text(Text(s)) == Text(s).
//
// For example "“Debris” — it’s  here\r\n" becomes `"Debris" - it's here`.
// Line structure is kept: the segmenter and the boilerplate detector read
// paragraphs from it.
package normalize

import (
	"context"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/dedupe/dedupe/pipeline"
)

// fold maps typographic quotes, dashes, the ellipsis and line breaks to
// their plain forms (steps 2 and 4 of Text).
var fold = strings.NewReplacer(
	"\u2018", "'", "\u2019", "'", "\u201a", "'", "\u201b", "'", "\u2032", "'", "\u00b4", "'", "`", "'",
	"\u201c", `"`, "\u201d", `"`, "\u201e", `"`, "\u201f", `"`, "\u2033", `"`, "\u00ab", `"`, "\u00bb", `"`,
	"\u2010", "-", "\u2011", "-", "\u2012", "-", "\u2013", "-", "\u2014", "-", "\u2015", "-", "\u2212", "-",
	"\u2026", "...",
	"\r\n", "\n", "\r", "\n", "\u2028", "\n", "\u2029", "\n",
)

// invisible reports whether Text drops r in step 1: a control or format
// character that is not white space.
func invisible(r rune) bool {
	if r < utf8.RuneSelf { // the C0 controls but the white space, and DEL
		return r < 0x20 && (r < '\t' || r > '\r') || r == 0x7f
	}
	// Without the tables for the runes of most text: accented Latin
	// letters, and the punctuation from U+2010, the quotes and dashes
	// that Text folds. TestInvisible checks them against the tables.
	if 0xa0 <= r && r < 0x600 {
		return r == 0xad // the soft hyphen
	}
	if 0x2010 <= r && r <= 0x2027 {
		return false
	}
	return (unicode.IsControl(r) || unicode.Is(unicode.Cf, r)) && !unicode.IsSpace(r)
}

// Text returns the normalised form of s. s must be valid UTF-8.
//
// Most sentences the excerpt stage reads again are already normal (plain
// ASCII with single spaces): they are copied as they are, without the
// passes that would copy them unchanged. Copied, not returned, since s is
// often a part of a whole article, which the result would otherwise keep
// in memory until the tables are written.
func Text(s string) string {
	if isNormalASCII(s) {
		return strings.Clone(s)
	}
	return text(s)
}

// isNormalASCII reports whether Text(s) is s: s is printable ASCII but the
// backquote (which the fold makes a quote) and line breaks, with no space
// at the start of a line, none at the end of one and no two in a row.
func isNormalASCII(s string) bool {
	prev := byte('\n') // the text starts a line
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == ' ':
			if prev == ' ' || prev == '\n' {
				return false
			}
		case c == '\n':
			if prev == ' ' {
				return false
			}
		case c < ' ' || c > '~' || c == '`':
			return false
		}
		prev = s[i]
	}
	return prev != ' '
}

// text is Text without the check for a plain s.
func text(s string) string {
	s = strings.Map(func(r rune) rune {
		if invisible(r) {
			return -1
		}
		return r
	}, s) // returns s itself when nothing is dropped
	s = fold.Replace(s)
	if !isASCII(s) { // NFKC leaves ASCII as it is, and so the second fold
		s = norm.NFKC.String(s)
		s = fold.Replace(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false // a space is pending
	lineStart := true
	for _, r := range s {
		switch {
		case r == '\n':
			b.WriteByte('\n')
			space, lineStart = false, true
		case unicode.IsSpace(r):
			space = !lineStart
		default:
			if space {
				b.WriteByte(' ')
				space = false
			}
			b.WriteRune(r)
			lineStart = false
		}
	}
	return b.String()
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// Stage adapts TextMap to the pipeline: it fills Doc.Normalized and
// Doc.NormMap, and drops Doc.Text.
type Stage struct{}

// Name implements pipeline.Stage.
func (Stage) Name() string { return "normalize" }

// Run implements pipeline.Stage.
func (s Stage) Run(ctx context.Context, st *pipeline.State, p pipeline.Progress) error {
	return pipeline.RunDocs(ctx, s, st, p)
}

// DocFunc implements pipeline.DocStage.
func (Stage) DocFunc(pipeline.Params) (func(*pipeline.Doc) error, error) {
	return func(d *pipeline.Doc) error {
		d.Normalized, d.NormMap = TextMap(d.Text)
		d.Text = "" // nothing downstream reads the raw text; do not hold it twice
		return nil
	}, nil
}

// foldRune returns what the fold of step 2 makes of r (r itself when it
// folds nothing); \r\n is handled by the caller.
func foldRune(r rune) (string, bool) {
	switch r {
	case '\u2018', '\u2019', '\u201a', '\u201b', '\u2032', '\u00b4', '`':
		return "'", true
	case '\u201c', '\u201d', '\u201e', '\u201f', '\u2033', '\u00ab', '\u00bb':
		return `"`, true
	case '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212':
		return "-", true
	case '\u2026':
		return "...", true
	case '\r', '\u2028', '\u2029':
		return "\n", true
	}
	return "", false
}

// span is text with, for each byte, the code-point range [start, end) of
// the original input it came from.
type span struct {
	b          []byte
	start, end []int32
}

func (sp *span) add(s string, start, end int32) {
	for i := 0; i < len(s); i++ {
		sp.b = append(sp.b, s[i])
		sp.start = append(sp.start, start)
		sp.end = append(sp.end, end)
	}
}

// fold applies the fold of steps 2 and 4 to runes of text whose byte i
// spans [start[i], end[i]) of the original.
func (sp *span) fold(text []byte, start, end []int32) {
	cr := -1 // index in sp of the '\n' a '\r' gave, while the next rune may be its '\n'
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRune(text[i:])
		s, e := start[i], end[i+n-1]
		if r == '\n' && cr >= 0 {
			sp.end[cr] = e
			cr = -1
			i += n
			continue
		}
		cr = -1
		if f, ok := foldRune(r); ok {
			if r == '\r' {
				cr = len(sp.b)
			}
			sp.add(f, s, e)
		} else {
			sp.add(string(text[i:i+n]), s, e)
		}
		i += n
	}
}

// TextMap returns Text(s) and, for each byte of it, the code-point offset
// in s of the input rune that byte came from, plus one final entry: the
// code-point length of s. A sentence held in bytes [i, j) of the result thus
// starts at code point m[i] of s and ends (exclusive) at m[j-1]+1:
//
//   - the first byte of an output rune maps to the first input rune it came
//     from; the last byte of a multi-byte output rune maps to the last one,
//     so that "e\u0301" composed to "é" maps to both of its code points;
//   - "…" folded to "..." maps each full stop to the ellipsis, a ligature
//     decomposed by NFKC each letter to the ligature;
//   - a run of white space collapsed to one space maps to the run's first
//     character; "\r\n" made "\n" maps to the "\r"; dropped characters map
//     to nothing.
//
// s must be valid UTF-8.
func TextMap(s string) (string, []int32) {
	if isASCII(s) {
		return textMapASCII(s)
	}
	if out, m, ok := textMapFolded(s); ok {
		return out, m
	}
	return textMap(s)
}

// textMapFolded is textMap in one pass, without textMap's per-byte span
// arrays, for input that steps 1 and 2 of Text leave in NFKC, so that steps
// 3 and 4 change nothing. That is every article of the 20,000-article bench
// corpus (Brown text: curly quotes, dashes and precomposed accented
// letters) and most web text; profiled on it, textMap took an eighth of the
// run's CPU. On other input it returns ok false.
//
// Each output byte maps to the code point it came from. To know whether the
// folded text is NFKC without building it, it checks only the runs of
// non-ASCII runes the fold keeps, each with the ASCII character before it
// (with which a combining mark could compose): an ASCII character begins a
// new normalisation segment, so the folded text is NFKC when those runs are.
func textMapFolded(s string) (text string, m []int32, ok bool) {
	var out strings.Builder // its String does not copy the text again
	out.Grow(len(s))
	m = make([]int32, 0, len(s)+1)
	var k int32 // code-point offset in s
	var spaceAt int32
	space, lineStart, cr := false, true, false
	var prev byte // the last ASCII byte of the folded text, 0 before any
	var runBuf [64]byte
	run := runBuf[:0] // the pending run of non-ASCII runes, after prev
	for i := 0; i < len(s); k++ {
		if plain[s[i]] {
			// A run of plain ASCII characters, and single spaces between
			// them, comes out as it is, each byte mapped to itself: the
			// rune-by-rune steps below, in bulk, for most of the text.
			j := i + 1
			for j < len(s) {
				if plain[s[j]] {
					j++
				} else if s[j] == ' ' && j+1 < len(s) && plain[s[j+1]] {
					j += 2
				} else {
					break
				}
			}
			if len(run) > 0 {
				if !norm.NFKC.IsNormal(run) {
					return "", nil, false
				}
				run = run[:0]
			}
			if space {
				out.WriteByte(' ')
				m = append(m, spaceAt)
				space = false
			}
			out.WriteString(s[i:j])
			m = slices.Grow(m, j-i)
			for x := range int32(j - i) {
				m = append(m, k+x)
			}
			prev, cr, lineStart = s[j-1], false, false
			k += int32(j-i) - 1 // and the loop's k++
			i = j
			continue
		}
		var e string // what the fold makes of the rune
		r := rune(s[i])
		if r < utf8.RuneSelf {
			e = s[i : i+1]
			i++
		} else {
			var n int
			r, n = utf8.DecodeRuneInString(s[i:])
			e = s[i : i+n]
			i += n
		}
		if invisible(r) {
			continue // a "\r" before it still pairs with a "\n" after it
		}
		if r == '\n' && cr {
			cr = false
			continue // "\r\n" is one line break, already written for the "\r"
		}
		cr = r == '\r'
		if f, folded := foldRune(r); folded {
			e, r = f, rune(f[0]) // folds are ASCII
		}
		if r < utf8.RuneSelf {
			if len(run) > 0 {
				if !norm.NFKC.IsNormal(run) {
					return "", nil, false
				}
				run = run[:0]
			}
			prev = e[len(e)-1]
		} else {
			if len(run) == 0 && prev != 0 {
				run = append(run, prev)
			}
			run = append(run, e...)
		}
		// Step 5, as textMap does it.
		switch {
		case r == '\n':
			out.WriteByte('\n')
			m = append(m, k)
			space, lineStart = false, true
		case unicode.IsSpace(r):
			if !space && !lineStart {
				spaceAt = k
			}
			space = !lineStart
		default:
			if space {
				out.WriteByte(' ')
				m = append(m, spaceAt)
				space = false
			}
			out.WriteString(e)
			for range len(e) {
				m = append(m, k)
			}
			lineStart = false
		}
	}
	if len(run) > 0 && !norm.NFKC.IsNormal(run) {
		return "", nil, false
	}
	return out.String(), append(m, k), true
}

// plain holds the ASCII characters that steps 1 to 5 of Text keep as they
// are whatever surrounds them: the printable ones but the space and '`'.
var plain = func() (t [256]bool) {
	for c := '!'; c <= '~'; c++ {
		t[c] = c != '`'
	}
	return t
}()

// textMapASCII is textMap for ASCII input in one pass: nothing to compose,
// one byte a code point. Profiled on 20,000 articles, textMap's general
// steps took a fifth of the run's CPU.
func textMapASCII(s string) (string, []int32) {
	var out strings.Builder // its String does not copy the text again
	out.Grow(len(s))
	m := make([]int32, 0, len(s)+1)
	space, lineStart, cr := false, true, false
	var spaceAt int32
	for i := 0; i < len(s); i++ {
		c := s[i]
		if invisible(rune(c)) {
			continue // a "\r" before it still pairs with a "\n" after it
		}
		if c == '\n' && cr {
			cr = false
			continue // "\r\n" is one line break, already written for the "\r"
		}
		cr = c == '\r'
		if f, ok := foldRune(rune(c)); ok {
			c = f[0] // ASCII folds are one byte: '`' and '\r'
		}
		switch {
		case c == '\n':
			out.WriteByte('\n')
			m = append(m, int32(i))
			space, lineStart = false, true
		case unicode.IsSpace(rune(c)):
			if !space && !lineStart {
				spaceAt = int32(i)
			}
			space = !lineStart
		default:
			if space {
				out.WriteByte(' ')
				m = append(m, spaceAt)
				space = false
			}
			out.WriteByte(c)
			m = append(m, int32(i))
			lineStart = false
		}
	}
	return out.String(), append(m, int32(len(s)))
}

// textMap is TextMap for any input.
func textMap(s string) (string, []int32) {
	// Steps 1 and 2: drop invisibles, fold.
	a := span{b: make([]byte, 0, len(s)), start: make([]int32, 0, len(s)), end: make([]int32, 0, len(s))}
	var k int32 // code-point offset in s
	cr := -1
	ascii := true
	for _, r := range s {
		if invisible(r) {
			k++
			continue
		}
		if r == '\n' && cr >= 0 {
			a.end[cr] = k + 1
			cr = -1
			k++
			continue
		}
		cr = -1
		if f, ok := foldRune(r); ok {
			if r == '\r' {
				cr = len(a.b)
			}
			a.add(f, k, k+1)
		} else if r < utf8.RuneSelf {
			a.b = append(a.b, byte(r))
			a.start = append(a.start, k)
			a.end = append(a.end, k+1)
		} else {
			ascii = false
			var buf [utf8.UTFMax]byte
			a.add(string(buf[:utf8.EncodeRune(buf[:], r)]), k, k+1)
		}
		k++
	}
	b := a
	if !ascii { // steps 3 and 4: NFKC by segment, then the fold again
		var n span
		n.b = make([]byte, 0, len(a.b))
		n.start = make([]int32, 0, len(a.b))
		n.end = make([]int32, 0, len(a.b))
		var it norm.Iter
		it.Init(norm.NFKC, a.b)
		// A segment's output may come in several calls of Next, all but
		// the last leaving Pos where it was (NFKC of "\ufb01" gives "f",
		// then "i"). The runes a segment keeps as they are at its start
		// map one to one ("\n" in "\n\u0301"); the rest of its output
		// maps to the rest of its input.
		p0, q := 0, 0 // input and output start of the segment
		for !it.Done() {
			n.b = append(n.b, it.Next()...)
			p1 := it.Pos()
			if p1 == p0 {
				continue
			}
			in, out := a.b[p0:p1], n.b[q:]
			c := 0 // bytes of the common prefix, in whole runes
			for c < len(in) && c < len(out) {
				_, w := utf8.DecodeRune(in[c:])
				if c+w > len(out) || string(in[c:c+w]) != string(out[c:c+w]) {
					break
				}
				c += w
			}
			n.start = append(n.start, a.start[p0:p0+c]...)
			n.end = append(n.end, a.end[p0:p0+c]...)
			if c < len(out) {
				s, e := a.start[min(p0+c, p1-1)], a.end[p1-1]
				for range len(out) - c {
					n.start = append(n.start, s)
					n.end = append(n.end, e)
				}
			}
			p0, q = p1, len(n.b)
		}
		b = span{b: make([]byte, 0, len(n.b)), start: make([]int32, 0, len(n.b)), end: make([]int32, 0, len(n.b))}
		b.fold(n.b, n.start, n.end)
	}
	// Step 5: collapse white space, as Text does.
	out := make([]byte, 0, len(b.b))
	m := make([]int32, 0, len(b.b)+1)
	space := false
	var spaceAt int32
	lineStart := true
	for i := 0; i < len(b.b); {
		r, n := rune(b.b[i]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRune(b.b[i:])
		}
		switch {
		case r == '\n':
			out = append(out, '\n')
			m = append(m, b.start[i])
			space, lineStart = false, true
		case unicode.IsSpace(r):
			if !space && !lineStart {
				spaceAt = b.start[i]
			}
			space = !lineStart
		default:
			if space {
				out = append(out, ' ')
				m = append(m, spaceAt)
				space = false
			}
			out = append(out, b.b[i:i+n]...)
			for j := 0; j < n; j++ {
				m = append(m, b.start[i])
			}
			if n > 1 {
				m[len(m)-1] = b.end[i+n-1] - 1
			}
			lineStart = false
		}
		i += n
	}
	return string(out), append(m, k)
}
