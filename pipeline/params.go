package pipeline

import (
	"errors"
	"fmt"
	"runtime"
	"time"
)

// Params are the settings of one run. DefaultParams holds the values that
// were measured on the seed articles and the synthetic bench; README.md
// explains each of them.
type Params struct {
	Input   string `json:"input"`   // folder of articles
	Out     string `json:"out"`     // folder for the tables
	Workers int    `json:"workers"` // parallel workers; 0 means one per CPU
	// Format is the file format of the tables: "parquet" (also when empty)
	// or "arrow" (Arrow IPC files). See package write.
	Format string `json:"format,omitempty"`

	// Field names of JSON inputs (.jsonl, .jsonl.gz, .json); empty means
	// the default name, shown in parentheses.
	IDField          string `json:"id_field,omitempty"`           // (id)
	TextField        string `json:"text_field,omitempty"`         // (text)
	TitleField       string `json:"title_field,omitempty"`        // (title)
	URLField         string `json:"url_field,omitempty"`          // (url)
	SourceField      string `json:"source_field,omitempty"`       // (source)
	PublishedAtField string `json:"published_at_field,omitempty"` // (published_at)

	ShingleSize int   `json:"shingle_size"` // words per shingle
	NumHash     int   `json:"num_hash"`     // MinHash functions per signature
	Seed        int64 `json:"seed"`         // MinHash seed

	// PassageThreshold is the Jaccard similarity, on linkable shingles, that
	// the sentence LSH index is tuned to find.
	PassageThreshold float64 `json:"passage_threshold"`
	// MinShared is the number of linkable shingles two sentences must share
	// for their articles to be linked.
	MinShared int `json:"min_shared"`
	// MinContainment is the share of the smaller sentence's shingles the two
	// must share for their articles to be linked.
	MinContainment float64 `json:"min_containment"`
	// MinEvidence is the rarity-weighted evidence (see package verify) that
	// the passages two articles share must add up to for them to be linked.
	MinEvidence float64 `json:"min_evidence"`
	// DocThreshold is the whole-document Jaccard above which two articles
	// are copies of each other, whatever their sentences say.
	DocThreshold float64 `json:"copy_threshold"`
	// RepeatDF: a sentence found verbatim in this many articles or more is
	// a repeat. A repeat is passage evidence only between articles of
	// different outlets (an outlet's own repeats are its chrome), and a
	// repeat held by articles of different clusters is boilerplate.
	RepeatDF int `json:"repeat_df"`
	// CommonDF: a shingle found in more articles than this is a common
	// phrase, not evidence. 0 means automatic (see EffectiveCommonDF).
	CommonDF int `json:"common_df"`
	// Window: two articles that both have a publication time and were
	// published further apart than this never link, copies included; an
	// article without one links as if it had none. 0 disables it. See
	// package verify for the default and why.
	Window Duration `json:"window"`
	// MaxArticleBytes caps the size of one article; larger ones are rejected.
	MaxArticleBytes int `json:"max_article_bytes"`

	// NearDupShared and NearDupContainment decide, in the diff, whether a
	// member's sentence has a near-duplicate in the canonical.
	NearDupShared      int     `json:"neardup_shared"`
	NearDupContainment float64 `json:"neardup_containment"`
}

// DefaultWindow is the default Params.Window: 2 days (package verify says
// why).
const DefaultWindow = Duration(2 * 24 * time.Hour)

// DefaultGCPercent is the garbage collector's target the commands set
// unless GOGC is set: the heap may grow 150% past what the last collection
// kept. The soft memory limit (--memory-limit), not a lower target, is
// what keeps a large run within the machine: near it the collector works
// harder instead of growing, whatever the target. At 100,000 bench
// articles 150 against Go's 100 took 43 collections down to 28 and about
// 5% of the user CPU, for a peak RSS a fifth higher (2.4-2.7 against
// 2.9-3.5 GB); 200 saved no more CPU and peaked at 3.6-3.9 GB; 50 against
// 100 cost 113 s of user CPU against 94 s (README, "How a run uses
// memory").
const DefaultGCPercent = 150

// DefaultParams returns the defaults documented in README.md.
func DefaultParams() Params {
	return Params{
		Out:                "out",
		ShingleSize:        3,
		NumHash:            32,
		Seed:               1,
		PassageThreshold:   0.3,
		MinShared:          6,
		MinContainment:     0.3,
		MinEvidence:        1,
		DocThreshold:       0.5,
		RepeatDF:           3,
		CommonDF:           0,
		Window:             DefaultWindow,
		MaxArticleBytes:    4 << 20,
		NearDupShared:      3,
		NearDupContainment: 0.4,
	}
}

// Matching returns p without the settings that cannot change a run's
// results (folders, workers), as recorded inside the tables so that the same
// input gives byte-identical files wherever it is written from.
func (p Params) Matching() Params {
	p.Input, p.Out, p.Workers = "", "", 0
	return p
}

// EffectiveWorkers is Workers, or the number of CPUs when Workers is 0.
func (p Params) EffectiveWorkers() int {
	if p.Workers > 0 {
		return p.Workers
	}
	return runtime.NumCPU()
}

// EffectiveCommonDF is CommonDF, or when it is 0, 1% of the corpus kept
// between 50 and 200 articles. A shingle held by more articles would weigh
// under 1/199 as evidence (see package verify), yet on 100,000 articles the
// shingles between 200 and 1,000 articles tripled the LSH candidates (8.5
// million against 2.5) for 0.14 points of recall; a wire story rewritten by
// dozens of outlets stays evidence.
func (p Params) EffectiveCommonDF(articles int) int {
	if p.CommonDF > 0 {
		return p.CommonDF
	}
	return min(max(50, articles/100), 200)
}

// ErrParams is wrapped by every error Validate returns.
var ErrParams = errors.New("invalid parameter")

// Validate reports the first setting that is out of range.
func (p Params) Validate() error {
	check := []struct {
		ok   bool
		what string
	}{
		{p.ShingleSize >= 1 && p.ShingleSize <= 16, fmt.Sprintf("shingle size %d: want 1..16", p.ShingleSize)},
		{p.NumHash >= 8 && p.NumHash <= 1024, fmt.Sprintf("signature size %d: want 8..1024", p.NumHash)},
		{p.PassageThreshold > 0 && p.PassageThreshold < 1, fmt.Sprintf("passage threshold %g: want between 0 and 1", p.PassageThreshold)},
		{p.MinShared >= 1, fmt.Sprintf("min shared shingles %d: want at least 1", p.MinShared)},
		{p.MinContainment >= 0 && p.MinContainment <= 1, fmt.Sprintf("min containment %g: want 0..1", p.MinContainment)},
		{p.MinEvidence >= 0, fmt.Sprintf("min evidence %g: want 0 or more", p.MinEvidence)},
		{p.DocThreshold > 0 && p.DocThreshold <= 1, fmt.Sprintf("document threshold %g: want between 0 and 1", p.DocThreshold)},
		{p.RepeatDF >= 2, fmt.Sprintf("repeat df %d: want at least 2", p.RepeatDF)},
		{p.CommonDF >= 0, fmt.Sprintf("common df %d: want 0 (auto) or more", p.CommonDF)},
		{p.Workers >= 0, fmt.Sprintf("workers %d: want 0 (all CPUs) or more", p.Workers)},
		{p.Window >= 0, fmt.Sprintf("window %s: want 0 (none) or more", p.Window)},
		{p.MaxArticleBytes > 0, fmt.Sprintf("max article bytes %d: want more than 0", p.MaxArticleBytes)},
		{p.NearDupShared >= 1, fmt.Sprintf("near-duplicate shared shingles %d: want at least 1", p.NearDupShared)},
		{p.NearDupContainment >= 0 && p.NearDupContainment <= 1, fmt.Sprintf("near-duplicate containment %g: want 0..1", p.NearDupContainment)},
	}
	for _, c := range check {
		if !c.ok {
			return fmt.Errorf("%w: %s", ErrParams, c.what)
		}
	}
	return nil
}
