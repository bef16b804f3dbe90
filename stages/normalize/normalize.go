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
	return (unicode.IsControl(r) || unicode.Is(unicode.Cf, r)) && !unicode.IsSpace(r)
}

// Text returns the normalised form of s. s must be valid UTF-8.
func Text(s string) string {
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

// Stage adapts Text to the pipeline: it fills Doc.Normalized.
type Stage struct{}

// Name implements pipeline.Stage.
func (Stage) Name() string { return "normalize" }

// Run implements pipeline.Stage.
func (Stage) Run(ctx context.Context, st *pipeline.State, p pipeline.Progress) error {
	p.Start("normalize", len(st.Docs))
	return pipeline.ForEach(ctx, len(st.Docs), st.Params.EffectiveWorkers(), p, func(i int) error {
		d := st.Docs[i]
		d.Normalized = Text(d.Text)
		d.Text = "" // nothing downstream reads the raw text; do not hold it twice
		return nil
	})
}
