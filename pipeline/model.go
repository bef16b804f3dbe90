package pipeline

import (
	"cmp"
	"fmt"
	"net/url"
	"path"
	"slices"
	"strings"
	"time"
)

// Article is one input article as read from disk, before any processing.
type Article struct {
	ID         string // unique within a run: path without extension, or the JSONL id
	SourcePath string // file the article came from, relative to the input folder
	Line       int    // 1-based line of a JSONL file, or element of a JSON array; 0 for one-article-per-file formats
	Title      string // given title, else the headline the boilerplate stage finds in the text, else ""
	// TitleFromText is set when Title was not given and was taken from the
	// text, so the boilerplate stage may replace it with a better line.
	TitleFromText bool
	URL           string    // optional
	Source        string    // outlet, optional
	PublishedAt   time.Time // zero when unknown
	Text          string    // body as read, valid UTF-8; dropped once normalised
	// Checksum is the CRC-32C of Text as read, so that a later pass that
	// reads the article again can tell whether it changed on disk.
	Checksum uint32
}

// Sentence is one sentence of an article after normalisation and
// segmentation. A corpus holds millions of them, so the fields are sized
// and ordered to keep the struct small.
type Sentence struct {
	Index int32 // position among the article's sentences, from 0
	Para  int32 // index of the paragraph (non-empty line) it came from
	Words int32 // number of word tokens
	// Start and End are the sentence's code-point offsets [Start, End) in
	// the article's original text (Article.Text as read, before
	// normalisation).
	Start, End int32

	// KeyDF is the number of distinct articles holding a sentence with the
	// same Key.
	KeyDF int32

	// Terminated is set when the sentence ends with sentence punctuation;
	// headlines and menu lines do not.
	Terminated bool
	// ChromePara is set when the sentence's paragraph holds chrome (see
	// boilerplate.MarkChromeParagraphs).
	ChromePara bool
	// Boilerplate is why the sentence is site chrome rather than content;
	// ReasonNone for content.
	Boilerplate Reason
	// FigureCount is the number of figure words the sentence holds,
	// repeats counted, at most 255 (see shingle.FigureSet); the hash of
	// those words is in its Doc's FigureWords. It sits in what was padding.
	FigureCount uint8
	// Figures is a 32-bit fingerprint of the figures the sentence states
	// (numbers, weekdays, months: see shingle.Figures), one bit a figure;
	// 0 when it states none. It sits in what was padding.
	Figures uint32

	// Key identifies the sentence up to case, punctuation and digits; equal
	// keys in two articles mean a verbatim repeat.
	Key uint64

	// Text is the normalised text. The shingle stage drops it once the
	// sentence is hashed, so the corpus's text is never held at once; the
	// excerpt stage reads the added sentences' text again for the tables.
	Text string

	// Shingles is the sorted, de-duplicated set of word-shingle hashes
	// (32 bits: see package shingle).
	Shingles []uint32

	// Linkable is the subset of Shingles that can be evidence of a shared
	// passage: holding no name (no capitalised word, see segment.Token),
	// seen in at least two articles, and in no more than the corpus's
	// common-phrase limit. Sorted. The shingle stage fills it with the
	// shingles holding no name; the rarity stage keeps those whose document
	// frequency fits, for content sentences only.
	Linkable []uint32
	// LinkableDF holds the document frequency of each Linkable shingle.
	LinkableDF []int32
}

// Content reports whether s is article content rather than boilerplate.
func (s *Sentence) Content() bool { return s.Boilerplate == ReasonNone }

// Reason is why a sentence is boilerplate, one byte in every sentence.
// Package boilerplate says how each is found.
type Reason uint8

// The reasons, from the article's structure, then from the corpus.
const (
	ReasonNone Reason = iota
	ReasonMarkup
	ReasonNoText
	ReasonRepeatedInArticle
	ReasonShortLine
	ReasonLabel
	ReasonReaderAddress
	ReasonCredit
	ReasonEdgeRepeat
	ReasonChromeParagraph
	ReasonSpread
	ReasonTeaser
)

var reasonNames = [...]string{"", "markup", "no-text", "repeated-in-article", "short-line", "label",
	"reader-address", "credit", "edge-repeat", "chrome-paragraph", "spread", "teaser"}

// String returns the reason's name as run.json counts it ("short-line"), ""
// for ReasonNone.
func (r Reason) String() string {
	if int(r) < len(reasonNames) {
		return reasonNames[r]
	}
	return fmt.Sprintf("reason(%d)", r)
}

// Outlet names who published a: its source, else its URL's host, else the
// folder of its file. Verbatim repeats within one outlet are its chrome.
func (a *Article) Outlet() string {
	if s := a.Publisher(); s != "" {
		return s
	}
	return "folder:" + path.Dir(a.SourcePath)
}

// Publisher names the outlet as the input tells it: its source, else its
// URL's host without "www."; "" when the input says neither.
func (a *Article) Publisher() string {
	if a.Source != "" {
		return a.Source
	}
	return Host(a.URL)
}

// Host names the outlet of an absolute URL: its host name, lower-cased,
// without "www." or a port; "" for anything else. Every input format
// derives an outlet from a URL through it, so one outlet has one name.
func Host(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil || !u.IsAbs() || u.Hostname() == "" {
		return ""
	}
	return strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
}

// Doc is an article with everything the stages derive from it.
type Doc struct {
	Article
	Normalized string // normalised text; the segmenter consumes it and clears it
	// NormMap maps each byte of Normalized to a code-point offset in the
	// original Text (see normalize.TextMap); the segmenter consumes it and
	// clears it.
	NormMap   []int32
	Sentences []Sentence
	Words     int // word tokens in content sentences
	// Dropped counts, by reason, the structural boilerplate sentences the
	// boilerplate stage dropped from Sentences.
	Dropped []ReasonCount
	// Shingles is the sorted set of the shingles of every sentence that is
	// not structural boilerplate: the whole-document view. The minhash
	// stage drops it once signed; later stages rebuild it from the
	// sentences when they need it (shingle.OfDoc), which costs less than
	// holding it for the whole run.
	Shingles []uint32
	// Signature is the MinHash of Shingles (seed and functions of the
	// run's Params): the minhash stage's, or, in a run with a history,
	// history.Capture's, which signs the set first and which the minhash
	// stage keeps rather than signs again.
	Signature []uint64
	// FigureWords holds, for each sentence that states figures, in the
	// order of their Index, a 32-bit hash of its figure words as a
	// multiset (see shingle.FigureSet). Where Sentence.Figures tells
	// whether one sentence's figures hold the other's, the hash and
	// Sentence.FigureCount tell two sentences of as many figure words
	// apart even when their fingerprints collide. It is kept beside the
	// sentences, not in them, as most sentences state no figure.
	FigureWords []FigureWords
	// Past is set on an article of an earlier night read back from the
	// history (see package history); nil for the run's own input.
	Past *Past
}

// FigureWords is the hash of the figure words of one sentence.
type FigureWords struct {
	Sentence int32 // the sentence's Index
	Hash     uint32
}

// FigureHash returns the hash of the figure words of s, a sentence of d
// (see Doc.FigureWords), or 0 when it states none.
func (d *Doc) FigureHash(s *Sentence) uint32 {
	i, found := slices.BinarySearchFunc(d.FigureWords, s.Index, func(f FigureWords, index int32) int { return cmp.Compare(f.Sentence, index) })
	if !found {
		return 0
	}
	return d.FigureWords[i].Hash
}

// Past is what an earlier night decided about one of its articles.
type Past struct {
	Night     string // the night that stored it, YYYY-MM-DD
	ClusterID string // the cluster id that night gave it
	FirstSeen string // the night that cluster id was first given
}

// Merge records that a run with a history joined two clusters of earlier
// nights into one: Absorbed's articles are Surviving's from Night on.
type Merge struct {
	Night     string
	Surviving string
	Absorbed  string
}

// ReasonCount is a number of sentences dropped for one reason.
type ReasonCount struct {
	Reason Reason
	N      int32
}

// SentenceRef names one sentence of one document.
type SentenceRef struct {
	Doc, Sentence int32
}

// Match is verified evidence that two articles share a passage: one sentence
// of each whose shingle sets overlap enough to be the same text, reworded at
// most at the edges.
type Match struct {
	A, B   SentenceRef // A.Doc < B.Doc
	Shared int32       // shingles the two sentences share
	// FiguresDiffer is set when the two sentences match on their words but
	// state different figures (see verify.FiguresDiffer): a template
	// filled in with new figures, not a carried passage. Such a match is
	// not evidence.
	FiguresDiffer bool
	// InLeadA and InLeadB are set when sentence A, or B, is in its
	// article's lead (see verify.InLead): what rewrites and updates carry
	// most faithfully, and stock text seldom is (see package cluster).
	InLeadA, InLeadB bool
	Evidence         float64 // shared linkable shingles weighted by rarity (see package verify)
	Jaccard          float64 // on their full shingle sets
	Containment      float64 // shared / size of the smaller set
}

// Lead reports whether both sentences are in their articles' leads: a
// lede carried into a rewrite or an update.
func (m *Match) Lead() bool { return m.InLeadA && m.InLeadB }

// Edge joins two documents that belong together, with the evidence for it.
type Edge struct {
	A, B     int32 // document indexes, A < B
	Passages int32 // verified matching sentence pairs, those whose figures differ left out
	// Differ counts the verified sentence pairs whose figures differ
	// (Match.FiguresDiffer), which are not in Passages or Evidence.
	Differ     int32
	Evidence   float64 // sum of the passages' Evidence
	DocJaccard float64 // whole-document shingle Jaccard when the document channel fired, else 0
	// Cut is why the cluster stage did not follow this edge; CutNone when
	// the edge holds its two articles in one cluster.
	Cut Cut
}

// Cut is why the clustering left an edge out. Package cluster says how
// each is decided.
type Cut uint8

// The reasons an edge is cut.
const (
	CutNone Cut = iota
	// CutTemplateFigures: most of the sentence pairs behind the edge
	// match on their words but state different figures, or those that
	// agree weigh too little, or the two are copies whose carried
	// sentences state different figures: two issues of a templated report
	// (a daily market note, a weekly shipment figure), not one story.
	CutTemplateFigures
	// CutCommunity: the edge joins two groups of its connected component
	// that community detection found apart and that are not tied closely
	// enough to be merged back: two stories touching through a stray
	// passage.
	CutCommunity
	// CutBridgePassage: the edge rests only on a passage family whose
	// articles otherwise fall into separate linked groups: stock text
	// that recurs in unrelated stories.
	CutBridgePassage
	// CutLonePassage: the edge is one of an article's links into its
	// cluster that all rest on one passage outside the article's lead,
	// while the article shares no other rare word 3-gram with the
	// cluster: a formulaic sentence, not a rewrite.
	CutLonePassage
)

var cutNames = [...]string{"", "template-figures", "community", "bridge-passage", "lone-passage"}

// String returns the cut's name as links.parquet writes it, "" for CutNone.
func (c Cut) String() string {
	if int(c) < len(cutNames) {
		return cutNames[c]
	}
	return fmt.Sprintf("cut(%d)", c)
}

// Cluster is one family of articles.
type Cluster struct {
	ID        string  // content-derived, stable for the same members
	Members   []int32 // document indexes, ascending by article ID
	Canonical int32   // document index of the chosen version
	// Similarity holds, for each of Members, the Jaccard similarity of
	// its whole-document shingle set with the canonical's (1 for the
	// canonical), which the canonical stage measures as it chooses and
	// the diff reports (MemberStats.Similarity); nil for a cluster of one.
	Similarity []float64
	// FirstSeen is the night the cluster's ID was first given, and Joined
	// whether it carries an ID from the history: set in a run with a
	// history only (see package history).
	FirstSeen string
	Joined    bool
	// Unloaded counts the members of earlier nights a run with a history
	// did not load, as no key of tonight's touched them (see package
	// history): they count in the cluster's size, not in Members.
	Unloaded int
}

// MemberStats describes one document relative to its cluster's canonical.
type MemberStats struct {
	Cluster    int // index into State.Clusters
	Similarity float64
	Shared     int32 // content sentences with a near-duplicate in the canonical (or, for the canonical, in another member)
	Added      int32 // content sentences with none
}

// Addition is a sentence a non-canonical member adds to its canonical.
type Addition struct {
	Doc      int32
	Sentence int32  // index into the document's Sentences
	Text     string // the sentence's normalised text, filled by the excerpt stage
}

// Reject is an input the run skipped, with why.
type Reject struct {
	Path   string
	Line   int // 0 when the whole file was rejected
	Reason string
}
