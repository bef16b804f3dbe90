// Package verify confirms LSH candidates on the real shingle sets, and turns
// the confirmed ones into edges between articles.
//
// A sentence pair is a passage match when the two sentences share at least
// MinShared linkable shingles (rare in the corpus, held by more than one
// article) and those shared shingles are at least MinContainment of the
// smaller sentence. Measured on the seed articles (go test ./stages -run
// SeedMargins -v), the strongest sentence pairs between the Reuters
// rewrites share 7 to 12 linkable shingles at containment 0.38 to 0.55,
// while nothing towards the unrelated story shares more than 1 or reaches
// containment 0.22. A default of 5 would find more rewrite pairs on the
// synthetic bench (recall 0.984 against 0.979 at 20,000 articles), but on
// the 4,000-article quality test it glued 6 pairs of one outlet's unrelated
// stories, so it stays 6. A generic sentence such as "Russia has denied the
// allegations." has only 3 shingles in all, and in a large corpus its
// shingles are common phrases, so it cannot match.
//
// A document pair is a copy when the Jaccard similarity of the two whole
// documents' shingle sets is at least DocThreshold, and its figures do
// not say template: two issues of a short templated report (a share
// price, a weather note, a match result) are copies by their words, and
// their sentences rarely hold the rare shingles a passage match needs, so
// CopyFigures pairs the sentences one carries from the other and compares
// their figures, and the figures rule of Edges cuts the copy when they
// differ. Figures are compared by their words where two sentences hold as
// many (SentenceFiguresDiffer): the 32-bit fingerprint alone let one pair
// in ten of such issues pass for a copy. On 20,000 templated items
// (dedupe-bench --templated 20000), copies alone joined 320,373 pairs of
// items and the clusters scored precision 0.0001; with the figures of
// copies compared by fingerprint 0.0596, by their words 0.9744, and 0.9987
// once a copy must carry its figures as they were (see CopyFigures),
// recall 1 throughout.
//
// Evidence weighs each shared linkable shingle by its rarity: a shingle held
// by df articles counts 1/(df-1), as if it spread one unit of evidence over
// the df-1 other articles it could link to. A quote carried by two rewrites
// counts fully; a name with its title ("Jane Doe, the economist at the Acme
// Bank") that recurs across every story of a beat counts little, however
// many words long. Two articles are linked when their matches' evidence adds
// up to MinEvidence. Measured on a 20,000-article synthetic corpus
// (cmd/dedupe-bench), before names were excluded from evidence: 90% of the
// verified sentence matches between different stories, all of them shared
// name-and-title chains, weighed under 1.03, while 90% of the matches within
// a story weighed over 1.54.
//
// Time window: two articles that both have a publication time and were
// published further apart than Params.Window (--window) never link, not
// by passages and not as copies; an article without a time links as if
// there were no window. A newsroom calls a rewrite published within hours
// or a day or two of the wire, or an update of it, the same story; a daily
// central-bank note or a weekly shipment report, the same template with new
// figures, is a new story every time, and a background paragraph an outlet
// reuses for months joins stories that are not one. The filter sits here,
// after the matches are verified and before they become edges, so that
// run.json can count what it kept apart: window_dropped_matches and
// window_dropped_copies (sentence pairs and copies between such articles)
// and window_dropped_links (the article pairs they would have linked, not
// counting those the figures rule would have cut).
//
// The default is 2 days, measured on the real-language bench corpus
// (go test -run TestWindow -v ./internal/bench -window.articles 20000
// -window.seed 1), whose pick-ups follow a story within hours and 5% of
// them 24 to 48 hours later: of its 61,567 same-story pairs of articles,
// 7.9% were published more than a day apart, 3.2% more than 36 hours and
// none more than 2 days (the largest gap is 48 hours, the model's limit),
// while of the 2,320 article links joining different stories (formulaic
// sentences, background paragraphs, templated reports), 1,414 join
// articles more than a day apart, 961 more than 2 days, 677 more than 3
// and 290 more than a week. With connected components, pairwise
// precision there is 0.740 with no window, 0.915 at 2 days and 0.902 at
// 3, recall 0.911 at both; at 1 day precision is 0.935 but recall falls
// to 0.860. 2 days is the smallest window that loses no same-story pair
// there (the 4,000-article corpus of seed 7 agrees: largest gap 47h55m,
// precision 0.906 at 2 days, 0.881 at 3). It has no margin beyond what the
// bench models: if real pick-ups come later, 3 days keeps them at about
// a point of precision. A window does not keep apart daily reports of
// consecutive days (24 hours apart): only the evidence and the clustering
// can.
//
// One match can be enough to join two articles: rewrites often share a
// single carried-over quote. What keeps that from gluing unrelated stories is
// that the evidence is rare text, never boilerplate (see package boilerplate).
package verify

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/dedupe/dedupe/pipeline"
	"github.com/dedupe/dedupe/stages/shingle"
)

// Rule is the passage-match test.
type Rule struct {
	MinShared      int     // shared linkable shingles
	MinContainment float64 // shared shingles over the smaller sentence's set
	// RepeatDF: a sentence held verbatim by this many articles links two
	// articles only if they come from different outlets; 0 disables.
	RepeatDF int
}

// SameOutletRepeat reports whether a and b, from articles of outlets outA
// and outB, are both verbatim copies of a sentence repeated in repeatDF
// articles or more within one outlet: an outlet's chrome, not a passage.
func SameOutletRepeat(a, b *pipeline.Sentence, outA, outB string, repeatDF int) bool {
	return repeatDF > 0 && a.Key == b.Key && int(a.KeyDF) >= repeatDF && outA == outB
}

// Passage checks two sentences under r. It fills the match figures once the
// two share MinShared linkable shingles, and returns a zero Match below that.
func (r Rule) Passage(a, b *pipeline.Sentence) (m pipeline.Match, ok bool) {
	// The linkable sets are the smaller: test them first.
	linked, evidence := weigh(a, b)
	if linked < r.MinShared {
		return m, false
	}
	shared := shingle.Intersect(a.Shingles, b.Shingles)
	smaller := min(len(a.Shingles), len(b.Shingles))
	m.Shared = int32(shared)
	m.Evidence = evidence
	m.Containment = float64(shared) / float64(smaller)
	m.Jaccard = float64(shared) / float64(len(a.Shingles)+len(b.Shingles)-shared)
	return m, m.Containment >= r.MinContainment
}

// weigh returns the linkable shingles two sentences share, and their
// rarity-weighted evidence.
func weigh(a, b *pipeline.Sentence) (shared int, evidence float64) {
	i, j := 0, 0
	for i < len(a.Linkable) && j < len(b.Linkable) {
		switch {
		case a.Linkable[i] < b.Linkable[j]:
			i++
		case a.Linkable[i] > b.Linkable[j]:
			j++
		default:
			shared++
			evidence += 1 / float64(a.LinkableDF[i]-1)
			i++
			j++
		}
	}
	return shared, evidence
}

// FiguresDiffer reports whether two sentences' figure fingerprints (see
// shingle.Figures) disagree: both state figures, and each states one the
// other does not. A rewrite keeps the figures it carries over, dropping
// some at most (one set then holds the other); a templated report changes
// them from one issue to the next.
func FiguresDiffer(a, b uint32) bool {
	both := a & b
	return a != 0 && b != 0 && both != a && both != b
}

// Copy is a document pair the copy channel confirmed: its whole-document
// Jaccard reached Params.DocThreshold.
type Copy struct {
	Jaccard float64
	// Agree and Differ count the sentences carried from one document to
	// the other that state figures on both sides, by whether their
	// figures agree (see CopyFigures).
	Agree, Differ int32
}

// SentenceFiguresDiffer reports whether two sentences, a of document da
// and b of db, state different figures: when they hold as many figure
// words, whether those differ (Sentence.FigureCount and Doc.FigureHash,
// see shingle.FigureSet), which FiguresDiffer misses when the fingerprints
// collide; otherwise FiguresDiffer on their fingerprints (a rewrite may
// drop figures).
func SentenceFiguresDiffer(da *pipeline.Doc, a *pipeline.Sentence, db *pipeline.Doc, b *pipeline.Sentence) bool {
	if a.FigureCount > 0 && a.FigureCount == b.FigureCount {
		return da.FigureHash(a) != db.FigureHash(b)
	}
	return FiguresDiffer(a.Figures, b.Figures)
}

// CopyFigures compares the figures of two documents, copies by their
// shingles: each sentence of a that states figures is paired with the
// sentence of b sharing most of its shingles, if they share at least half
// of the smaller sentence's (a sentence carried over, reworded at most at
// its edges), and each such pair whose sentence of b states figures too
// counts in differ unless the two hold the same figure words (count and
// hash, see shingle.FigureSet), else in agree if the two share a linkable
// shingle. Two issues of a short templated report are copies by their
// words; only their figures tell them apart, and their sentences rarely
// hold the rare shingles the passage matches need (a template's words are
// in every issue).
//
// A copy carries its figures as they were. Unlike SentenceFiguresDiffer, a
// pair with fewer figure words on one side differs: the fingerprint test
// that lets a rewrite drop figures lets an issue of "Danube 30 index
// closed up 1.1 percent at 4472.53" pass for a copy of "Baltic index
// closed up 1.1 percent at 2549.70" one time in a few dozen (collisions in
// 32 bits), and a dense block of issues meets every such collision: on
// 100,000 templated items, precision 0.9055 with the fingerprint there,
// 0.9917 without, recall 1 both; on the real-language bench (20,000
// articles, seed 1), 58,467 correct pairs of 59,225 with it, 58,479 of
// 59,237 without. A line every issue carries with the same figure ("Danube
// 30 index at the close") holds no rare shingle and is no sign of one
// story, so it does not count as agreeing.
func CopyFigures(a, b *pipeline.Doc) (agree, differ int32) {
	for i := range a.Sentences {
		x := &a.Sentences[i]
		if x.Figures == 0 || len(x.Shingles) == 0 {
			continue
		}
		best, at := 0, -1
		for j := range b.Sentences {
			y := &b.Sentences[j]
			if n := shingle.Intersect(x.Shingles, y.Shingles); n > best {
				best, at = n, j
			}
		}
		if at < 0 || 2*best < min(len(x.Shingles), len(b.Sentences[at].Shingles)) {
			continue
		}
		switch y := &b.Sentences[at]; {
		case y.Figures == 0:
		case x.FigureCount != y.FigureCount || a.FigureHash(x) != b.FigureHash(y):
			differ++
		case shingle.Intersect(x.Linkable, y.Linkable) > 0:
			agree++
		}
	}
	return agree, differ
}

// templateFigures is the figures rule (see Edges): pairs of sentences that
// match on their words, differ of them with different figures and agree
// without, say two issues of a template rather than one story.
func templateFigures(differ, agree int32) bool {
	return differ > agree || differ >= 2 && differ == agree
}

// Edges merges passage matches and copy pairs into one edge per document
// pair, sorted by (A, B). A pair linked only by passages must have at least
// minEvidence of them.
//
// A match whose figures differ is not evidence: it is counted in the
// edge's Differ, not in Passages or Evidence. When such matches would have
// linked the pair, the edge is kept in the list but cut
// (pipeline.CutTemplateFigures) if the others weigh under minEvidence or
// are fewer than they are, or as many and at least two: most of what the
// two articles share is a template with new figures. The tie counts as a
// template from two differing pairs up because the figure fingerprint has
// one bit per figure in 32: one agreeing pair in 32 of single-figure
// sentences is a collision (two issues of the daily note in
// TestPhenomena tie 2 to 2 that way), while a copy with one figure
// updated ties 1 to 1 and stays linked. A copy pair is cut the same way, since two
// issues of a short templated report can be copies but for their figures;
// and a copy whose carried sentences' figures say template by the same
// rule (Copy.Differ against Copy.Agree) is cut unless its passages weigh
// minEvidence.
func Edges(matches []pipeline.Match, copies map[[2]int32]Copy, minEvidence float64) []pipeline.Edge {
	type acc struct {
		pipeline.Edge
		differEvidence float64
		copyTemplate   bool
	}
	byPair := map[[2]int32]*acc{}
	get := func(a, b int32) *acc {
		k := [2]int32{a, b}
		e := byPair[k]
		if e == nil {
			e = &acc{Edge: pipeline.Edge{A: a, B: b}}
			byPair[k] = e
		}
		return e
	}
	for _, m := range matches {
		e := get(m.A.Doc, m.B.Doc)
		if m.FiguresDiffer {
			e.Differ++
			e.differEvidence += m.Evidence
			continue
		}
		e.Passages++
		e.Evidence += m.Evidence
	}
	for k, c := range copies {
		e := get(k[0], k[1])
		e.DocJaccard = c.Jaccard
		e.copyTemplate = templateFigures(c.Differ, c.Agree)
	}
	out := make([]pipeline.Edge, 0, len(byPair))
	for _, e := range byPair {
		linked := e.DocJaccard > 0 || e.Evidence+e.differEvidence >= minEvidence
		if !linked {
			continue
		}
		if e.Differ > 0 && (templateFigures(e.Differ, e.Passages) || e.DocJaccard == 0 && e.Evidence < minEvidence) ||
			e.copyTemplate && e.Evidence < minEvidence {
			e.Cut = pipeline.CutTemplateFigures
		}
		out = append(out, e.Edge)
	}
	slices.SortFunc(out, func(x, y pipeline.Edge) int {
		return cmp.Or(cmp.Compare(x.A, y.A), cmp.Compare(x.B, y.B))
	})
	return out
}

// concat appends the chunks to out, growing it once.
func concat(out []pipeline.Match, chunks [][]pipeline.Match) []pipeline.Match {
	n := 0
	for _, ms := range chunks {
		n += len(ms)
	}
	out = slices.Grow(out, n)
	for _, ms := range chunks {
		out = append(out, ms...)
	}
	return out
}

// LeadSentences is how many of an article's first content sentences are
// its lead (see InLead).
const LeadSentences = 3

// InLead reports whether sentence i of d is among its first LeadSentences
// content sentences. A wire story's lede and its next sentence or two are
// what rewrites and updates carry most faithfully; stock phrasing shared
// by unrelated stories sits anywhere in them. On the real-language bench
// (20,000 articles, seed 1) the sentence pairs behind article links
// joining different stories had both sentences in the lead in 9 of 341
// cases, against 3,207 of 6,077 within a story.
func InLead(d *pipeline.Doc, i int32) bool {
	if int(i) >= len(d.Sentences) || !d.Sentences[i].Content() {
		return false
	}
	before := 0
	for j := range i {
		if d.Sentences[j].Content() {
			before++
			if before >= LeadSentences {
				return false
			}
		}
	}
	return true
}

// Apart reports whether a and b were published further apart than window:
// both have a publication time, window is not 0, and the two times differ
// by more than it. Such articles never link (see the package comment).
func Apart(a, b *pipeline.Doc, window pipeline.Duration) bool {
	if window <= 0 || a.PublishedAt.IsZero() || b.PublishedAt.IsZero() {
		return false
	}
	gap := a.PublishedAt.Sub(b.PublishedAt)
	return gap > time.Duration(window) || gap < -time.Duration(window)
}

// Stage adapts the package to the pipeline: it fills State.Matches and
// State.Edges.
type Stage struct{}

// Name implements pipeline.Stage.
func (Stage) Name() string { return "verify" }

// Run implements pipeline.Stage.
func (Stage) Run(ctx context.Context, st *pipeline.State, p pipeline.Progress) error {
	par := st.Params
	rule := Rule{MinShared: par.MinShared, MinContainment: par.MinContainment, RepeatDF: par.RepeatDF}
	p.Start("verify", len(st.Candidates)+len(st.DocCandidates))
	// Candidates are checked in chunks, each keeping only its matches, so
	// memory follows the matches, not the candidates.
	const chunk = 4096
	chunks := make([][]pipeline.Match, (len(st.Candidates)+chunk-1)/chunk)
	// Matches between articles further apart than the window are kept
	// aside only to count the links the window prevented.
	far := make([][]pipeline.Match, len(chunks))
	sent := func(r pipeline.SentenceRef) *pipeline.Sentence { return &st.Docs[r.Doc].Sentences[r.Sentence] }
	err := pipeline.ForEach(ctx, len(chunks), par.EffectiveWorkers(), nil, func(ci int) error {
		cands := st.Candidates[ci*chunk : min((ci+1)*chunk, len(st.Candidates))]
		for _, c := range cands {
			a, b := sent(c[0]), sent(c[1])
			m, good := rule.Passage(a, b)
			if good && !SameOutletRepeat(a, b, st.Docs[c[0].Doc].Outlet(), st.Docs[c[1].Doc].Outlet(), par.RepeatDF) {
				m.A, m.B = c[0], c[1]
				m.FiguresDiffer = SentenceFiguresDiffer(st.Docs[c[0].Doc], a, st.Docs[c[1].Doc], b)
				m.InLeadA, m.InLeadB = InLead(st.Docs[c[0].Doc], c[0].Sentence), InLead(st.Docs[c[1].Doc], c[1].Sentence)
				if Apart(st.Docs[c[0].Doc], st.Docs[c[1].Doc], par.Window) {
					far[ci] = append(far[ci], m)
				} else {
					chunks[ci] = append(chunks[ci], m)
				}
			}
		}
		p.Add(len(cands))
		return nil
	})
	if err != nil {
		return err
	}
	// Gathered into slices of their exact size: appended chunk by chunk,
	// the 1.6 million matches of 100,000 articles were copied again at
	// each growth of the slice (growslice: 0.40 CPU seconds of the run's
	// profile).
	st.Matches = concat(st.Matches[:0], chunks)
	farMatches := concat(nil, far)
	checked := make([]Copy, len(st.DocCandidates))
	// The candidates come ordered by their first document, and a document
	// set is rebuilt from its sentences (shingle.OfDoc): within a chunk,
	// the first document's set is rebuilt once for its run of candidates.
	docChunks := (len(st.DocCandidates) + chunk - 1) / chunk
	err = pipeline.ForEach(ctx, docChunks, par.EffectiveWorkers(), nil, func(ci int) error {
		lo, hi := ci*chunk, min((ci+1)*chunk, len(st.DocCandidates))
		last, setA := int32(-1), []uint32(nil)
		for i := lo; i < hi; i++ {
			da, db := st.DocCandidates[i][0], st.DocCandidates[i][1]
			a, b := st.Docs[da], st.Docs[db]
			if da != last {
				last, setA = da, shingle.OfDoc(a)
			}
			c := Copy{Jaccard: shingle.Jaccard(setA, shingle.OfDoc(b))}
			if c.Jaccard >= par.DocThreshold {
				c.Agree, c.Differ = CopyFigures(a, b)
			}
			checked[i] = c
		}
		p.Add(hi - lo)
		return nil
	})
	if err != nil {
		return err
	}
	copies, farCopies := map[[2]int32]Copy{}, map[[2]int32]Copy{}
	copyTemplates := 0
	for i, c := range st.DocCandidates {
		switch {
		case checked[i].Jaccard < par.DocThreshold:
		case Apart(st.Docs[c[0]], st.Docs[c[1]], par.Window):
			farCopies[c] = checked[i]
		default:
			copies[c] = checked[i]
			if templateFigures(checked[i].Differ, checked[i].Agree) {
				copyTemplates++
			}
		}
	}
	st.Edges = Edges(st.Matches, copies, par.MinEvidence)
	st.Counts["passage_matches"] = len(st.Matches)
	st.Counts["copy_pairs"] = len(copies)
	st.Counts["edges"] = len(st.Edges)
	// What the window kept apart: the sentence matches and copies it
	// dropped, and the article pairs they would have linked.
	st.Counts["window_dropped_matches"] = len(farMatches)
	st.Counts["window_dropped_copies"] = len(farCopies)
	st.Counts["window_dropped_links"] = 0
	for _, e := range Edges(farMatches, farCopies, par.MinEvidence) {
		// Two issues of a template would not have linked anyway.
		if e.Cut == pipeline.CutNone {
			st.Counts["window_dropped_links"]++
		}
	}
	differ, template := 0, 0
	for _, m := range st.Matches {
		if m.FiguresDiffer {
			differ++
		}
	}
	for _, e := range st.Edges {
		if e.Cut == pipeline.CutTemplateFigures {
			template++
		}
	}
	st.Counts["matches_figures_differ"] = differ
	st.Counts["copies_figures_differ"] = copyTemplates
	st.Counts["edges_cut_template_figures"] = template
	st.Candidates = nil // verified; nothing downstream reads them
	return nil
}

// Summary implements pipeline.Summarizer.
func (Stage) Summary(st *pipeline.State) string {
	s := fmt.Sprintf("%d passage matches, %d copies, %d article edges", st.Counts["passage_matches"], st.Counts["copy_pairs"], len(st.Edges))
	if n := st.Counts["window_dropped_links"]; n > 0 {
		s += fmt.Sprintf(", %d article pairs further apart than the window left unlinked", n)
	}
	return s
}
