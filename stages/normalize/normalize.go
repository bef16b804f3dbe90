// Package normalize folds the typographic variety of web text into one form,
// so that the same sentence published by two outlets compares equal.
//
// Text applies, in order:
//
//   - Unicode NFKC (golang.org/x/text/unicode/norm): compatibility forms such
//     as ligatures, full-width letters and no-break spaces become their plain
//     equivalents;
//   - quotes folded to ' and ", dashes and minus signs to -, ellipsis to ...;
//   - control and zero-width characters dropped;
//   - every line break (\r\n, \r, U+2028, U+2029) made \n, runs of spaces and
//     tabs made one space, and each line trimmed.
//
// For example "“Debris” — it’s  here\r\n" becomes `"Debris" - it's here`.
// Line structure is kept: the segmenter and the boilerplate detector read
// paragraphs from it.
package normalize

import (
	"context"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/dedupe/dedupe/pipeline"
)

var fold = strings.NewReplacer(
	"\u2018", "'", "\u2019", "'", "\u201a", "'", "\u201b", "'", "\u2032", "'", "\u00b4", "'", "`", "'",
	"\u201c", `"`, "\u201d", `"`, "\u201e", `"`, "\u201f", `"`, "\u2033", `"`, "\u00ab", `"`, "\u00bb", `"`,
	"\u2010", "-", "\u2011", "-", "\u2012", "-", "\u2013", "-", "\u2014", "-", "\u2015", "-", "\u2212", "-",
	"\u2026", "...",
	"\r\n", "\n", "\r", "\n", "\u2028", "\n", "\u2029", "\n",
)

// Text returns the normalised form of s. s must be valid UTF-8.
func Text(s string) string {
	s = norm.NFKC.String(s)
	s = fold.Replace(s)
	var b strings.Builder
	b.Grow(len(s))
	space := false // a space is pending
	lineStart := true
	for _, r := range s {
		switch {
		case r == '\n':
			b.WriteByte('\n')
			space, lineStart = false, true
		case r == '\t' || unicode.IsSpace(r):
			space = !lineStart
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			// zero-width joiners, BOMs, soft hyphens: invisible, and they split words
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

// Stage adapts Text to the pipeline: it fills Doc.Normalized.
type Stage struct{}

// Name implements pipeline.Stage.
func (Stage) Name() string { return "normalize" }

// Run implements pipeline.Stage.
func (Stage) Run(ctx context.Context, st *pipeline.State, p pipeline.Progress) error {
	p.Start("normalize", len(st.Docs))
	return pipeline.ForEach(ctx, len(st.Docs), st.Params.EffectiveWorkers(), p, func(i int) error {
		st.Docs[i].Normalized = Text(st.Docs[i].Text)
		return nil
	})
}
