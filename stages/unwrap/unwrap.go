// Package unwrap joins the lines of hard-wrapped paragraphs, so that the
// segmenter, which never lets a sentence cross a line break, sees a wrapped
// paragraph as the one line it was written as.
//
// Plain-text wire feeds, mail archives and PDF extractions break lines at
// 60 to 80 columns and mark paragraphs by indentation or blank lines; web
// crawls put one paragraph on a line. Read line by line, a wrapped story is
// a list of fragments ("Dealers said Federal funds were trading at six pct
// when the") that end no sentence, match nothing and would be listed as
// additions. This stage tells the two layouts apart from the text itself and
// joins only wrapped lines:
//
//	  Dealers said Federal funds were trading at six pct when the
//	Fed began its temporary and indirect supply of reserves.
//	  Shr 35 cts vs 21 cts
//	  Net 1,234,000 vs 987,000
//
// becomes the paragraph "Dealers said ... when the Fed began ... reserves."
// followed by the two table rows, each still a line of its own.
//
// # The rule
//
// An article is wrapped when at least MinEvidence of its line pairs, and at
// least one in EvidenceShare of the pairs of adjacent non-blank lines, are
// continuations: a line of at most MaxWidth code points that ends mid-sentence
// (no . ! ? : ; at its end) followed directly by a line that starts in lower
// case. Prose wrapped at a width breaks mid-sentence at most line ends, and
// English words are mostly lower case; one-paragraph-per-line text almost
// never has a line that ends mid-sentence and goes on in lower case on the
// next, so it stays exactly as it is. The wrap width W is the widest
// continuation line.
//
// In a wrapped article, a line L and the line N after it are joined when:
//
//   - N follows L directly (a blank line ends a paragraph);
//   - N is indented as the lines that continue one mostly are (the most
//     common indentation of the second lines of continuations): a line
//     indented otherwise starts a paragraph, or is a table row;
//   - N does not open a list item or a quotation (- * • > |);
//   - L is not in capitals only (a headline: "U.S. FED ADDS RESERVES");
//   - and L was full: N's first word would not have fitted on it within W
//     (how any greedy wrapper, fmt or a mail client, breaks lines), or L ends
//     mid-sentence, N goes on in lower case and L is at least half as wide
//     as W (a wrapper that breaks earlier, or a ragged PDF extraction).
//
// Short lines are never full, so headlines, datelines and table rows such as
// "Shr 35 cts vs 21 cts" keep their own line, as does the last line of each
// paragraph.
//
// # Offsets
//
// The stage works on the normalised text and its offset map
// (normalize.TextMap) and replaces each joined line break, one byte, with a
// space, also one byte: the map is unchanged and every sentence's
// code-point range into the original text stays exact. Indentation and
// widths are read from the map, which records what normalising trimmed: a
// line's indentation is the number of original code points between the
// line break before it and its first character, its width the code points
// from that line break to its last character. (A "\r\n" counts one more for
// every line alike, which none of the comparisons above notices.) A sentence
// cut from the original text at its range and normalised again holds its
// joined line breaks as "\n"; Join turns them into the spaces the stage put
// there (the excerpt stage does this, and package segment's property and
// fuzz tests hold it on wrapped text). Words hyphenated across a line break
// keep the hyphen and gain a space ("Hwasong-\n11" gives "Hwasong- 11"):
// they give the same words, and so the same shingles, as "Hwasong-11", and
// dropping a byte would need a new map.
//
// # Measured
//
// The 3,000-article bench corpus (go run ./cmd/dedupe-bench --articles 3000
// --seed 1 --keep --dir D), each text hard-wrapped at 70 columns with
// paragraph starts indented by two spaces and blank lines dropped, as the
// 1987 Reuters wire is (2026-12-02, run.json counts): without this stage
// 198,684 sentences, 3,666 indexed (1.8 %), pairwise F1 0.590 against the
// truth; with it 102,221 sentences (102,121 unwrapped: the difference is
// nav bars whose wrapped "|" lines stay apart), 25,488 indexed (24.9 %),
// and the clusters of the unwrapped corpus exactly (F1 0.9938). Keeping the
// blank lines between paragraphs gives the same figures.
//
// # Why not a library
//
// The Go text libraries found (github.com/muesli/reflow, the various
// textwrap packages) wrap text; none unwraps it. Rust's textwrap has
// unfill, which undoes its own fill on one paragraph known to be wrapped:
// it neither finds paragraphs nor tells wrapped text from
// one-paragraph-per-line text, and gives no offsets. The rule above is
// short, and the offset map it must keep exact is this project's own.
//
// # Where it sits
//
// Between normalize and segment, as a stage of its own rather than a step of
// either: normalize maps characters and must stay idempotent on any cut of
// the text (the excerpt stage normalises single sentences, where there is no
// layout left to judge), and segment splits lines it is given. Unwrapping
// judges the layout of a whole article, one article at a time, from nothing
// but that article.
package unwrap

import (
	"context"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/dedupe/dedupe/pipeline"
)

// Parameters of the rule; see the package comment.
const (
	// MaxWidth is the widest line, in code points, that can be a wrapped
	// one: wire feeds and mail wrap at 60 to 80 columns, PDF text rarely
	// beyond 100.
	MaxWidth = 100
	// MinEvidence is the fewest continuations that make an article wrapped.
	MinEvidence = 2
	// EvidenceShare is the smallest share (one in EvidenceShare) of the
	// pairs of adjacent non-blank lines that must be continuations.
	EvidenceShare = 6
)

// line is one line of a normalised text.
type line struct {
	start, end int // byte range in the text, without its "\n"
	indent     int32
	width      int32
}

func (l line) blank() bool { return l.start == l.end }

// lines splits text into its lines, with each line's indentation and width
// in code points of the original text, read from m (see the package
// comment).
func lines(text string, m []int32) []line {
	out := make([]line, 0, strings.Count(text, "\n")+1)
	start := 0
	for start <= len(text) {
		end := strings.IndexByte(text[start:], '\n')
		if end < 0 {
			end = len(text)
		} else {
			end += start
		}
		l := line{start: start, end: end}
		if !l.blank() {
			var from int32 // the first original code point after the line break
			if start > 0 {
				from = m[start-1] + 1
			}
			l.indent = m[start] - from
			l.width = m[end-1] + 1 - from
		}
		out = append(out, l)
		if end == len(text) {
			break
		}
		start = end + 1
	}
	return out
}

// Soft returns, in increasing order, the byte offsets in text of the line
// breaks that wrap a paragraph, by the rule of the package comment. text is
// normalised and m its map from normalize.TextMap.
func Soft(text string, m []int32) []int {
	if len(m) != len(text)+1 || strings.IndexByte(text, '\n') < 0 {
		return nil
	}
	ls := lines(text, m)
	adjacent := 0
	evidence := 0
	var width int32
	indents := map[int32]int{} // of the lines that continue one
	for i := 0; i+1 < len(ls); i++ {
		if ls[i].blank() || ls[i+1].blank() {
			continue
		}
		adjacent++
		if continues(text, ls[i], ls[i+1]) {
			evidence++
			width = max(width, ls[i].width)
			indents[ls[i+1].indent]++
		}
	}
	if evidence < MinEvidence || evidence*EvidenceShare < adjacent {
		return nil
	}
	body, most := int32(0), 0
	for in, n := range indents {
		if n > most || n == most && in < body {
			body, most = in, n
		}
	}
	var soft []int
	for i := 0; i+1 < len(ls); i++ {
		l, n := ls[i], ls[i+1]
		if l.blank() || n.blank() || n.indent != body || opensItem(text[n.start:n.end]) || capitalsOnly(text[l.start:l.end]) {
			continue
		}
		full := l.width+1+firstWordWidth(text[n.start:n.end]) > width
		if full && l.width <= MaxWidth || continues(text, l, n) && 2*l.width >= width {
			soft = append(soft, l.end)
		}
	}
	return soft
}

// continues reports a line of at most MaxWidth code points that ends
// mid-sentence, followed by a line that starts in lower case.
func continues(text string, l, n line) bool {
	if l.width > MaxWidth {
		return false
	}
	s := strings.TrimRight(text[l.start:l.end], `"')]`)
	if s == "" || strings.ContainsRune(".!?:;", rune(s[len(s)-1])) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(text[n.start:n.end])
	return unicode.IsLower(r)
}

// opensItem reports a line that opens a list item or a quotation.
func opensItem(s string) bool {
	r, size := utf8.DecodeRuneInString(s)
	switch r {
	case '>', '|':
		return true
	case '-', '*', '•', '+':
		return size == len(s) || s[size] == ' '
	}
	return false
}

// capitalsOnly reports a line with at least two letters, none in lower case.
func capitalsOnly(s string) bool {
	letters := 0
	for _, r := range s {
		if unicode.IsLower(r) {
			return false
		}
		if unicode.IsLetter(r) {
			letters++
		}
	}
	return letters >= 2
}

// firstWordWidth returns the code points of s up to its first space.
func firstWordWidth(s string) int32 {
	if i := strings.IndexByte(s, ' '); i >= 0 {
		s = s[:i]
	}
	return int32(utf8.RuneCountInString(s))
}

// Apply returns text with the line breaks Soft finds made spaces. The
// result has text's length, so m maps it as it mapped text.
func Apply(text string, m []int32) string {
	soft := Soft(text, m)
	if len(soft) == 0 {
		return text
	}
	b := []byte(text)
	for _, i := range soft {
		b[i] = ' '
	}
	return string(b)
}

// Join returns a sentence cut from an article's original text and
// normalised again (normalize.Text) as the pipeline saw it: a sentence
// never spans a line break that Apply kept, so each one it holds was
// joined.
func Join(s string) string {
	return strings.ReplaceAll(s, "\n", " ")
}

// Stage adapts Apply to the pipeline: it rewrites Doc.Normalized, whose map
// Doc.NormMap stays valid.
type Stage struct{}

// Name implements pipeline.Stage.
func (Stage) Name() string { return "unwrap" }

// Run implements pipeline.Stage.
func (s Stage) Run(ctx context.Context, st *pipeline.State, p pipeline.Progress) error {
	return pipeline.RunDocs(ctx, s, st, p)
}

// DocFunc implements pipeline.DocStage.
func (Stage) DocFunc(pipeline.Params) (func(*pipeline.Doc) error, error) {
	return func(d *pipeline.Doc) error {
		d.Normalized = Apply(d.Normalized, d.NormMap)
		return nil
	}, nil
}
