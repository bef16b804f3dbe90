package pipeline

import "time"

// State is what the stages hand forward to each other. Each stage reads the
// fields its predecessors filled and fills its own; none goes back to change
// an earlier stage's output.
type State struct {
	Params Params

	Docs    []*Doc   // load (then every per-article stage enriches them)
	Rejects []Reject // load

	Signed        Signed           // minhash: sentence signatures, dropped by lsh
	Candidates    [][2]SentenceRef // lsh: sentence pairs to verify
	DocCandidates [][2]int32       // lsh: document pairs to verify
	Matches       []Match          // verify
	Edges         []Edge           // verify
	Clusters      []Cluster        // cluster, then canonical fills Canonical
	Members       []MemberStats    // diff: one per document
	Additions     []Addition       // diff

	// Night names tonight in a run with a history (package history), and
	// Merges lists the clusters of earlier nights it joined; "" and nil
	// without a history, and the tables are those of a run without one.
	Night  string
	Merges []Merge

	// DenseBlocks names the largest dense buckets of the LSH search (see
	// package lsh), a few per channel, for the stage's summary and run.json.
	DenseBlocks []DenseBlock // lsh

	Counts  map[string]int // named counters for run.json
	Timings []StageTiming  // Run
	Started time.Time
}

// Signed holds the MinHash signatures of the sentences worth indexing,
// in one array rather than one slice per sentence: a corpus has millions.
// Only the low 32 bits of each value are kept, the only bits the LSH
// compares.
type Signed struct {
	Refs []SentenceRef
	Sigs []uint32 // Params.NumHash values for each of Refs, in order
}

// Sig returns the signature of Refs[i].
func (s *Signed) Sig(i, numHash int) []uint32 {
	return s.Sigs[i*numHash : (i+1)*numHash : (i+1)*numHash]
}

// StageTiming is how long one stage took.
type StageTiming struct {
	Stage string `json:"stage"`
	// Seconds is the stage's wall time; for a stage fused into a source
	// (see DocStage), the time spent in it summed over the workers, which
	// the source's own wall time includes.
	Seconds float64 `json:"seconds"`
	// HeapMB is the Go heap in use when the stage ended, in MiB; 0 for a
	// fused stage.
	HeapMB float64 `json:"heap_mb"`
	// CPUSeconds is the CPU time, user and system, the whole process used
	// during the stage's wall time (over all cores, garbage collector
	// included), so CPUSeconds/Seconds is how many cores the stage kept
	// busy; 0 for a fused stage (its Seconds is already time on a core),
	// and off Unix, where it is not measured.
	CPUSeconds float64 `json:"cpu_seconds"`
	// FusedInto names the stage whose wall time holds this one's, if any:
	// the source a DocStage ran within, or, for a night's partition
	// written beside the tables (package history), the write.
	FusedInto string `json:"fused_into,omitempty"`
}

// NewState returns an empty State for p.
func NewState(p Params) *State {
	return &State{Params: p, Counts: map[string]int{}}
}

// DenseBlock is a bucket of the LSH search that held too many items to pair
// them all: what it was and where to look.
type DenseBlock struct {
	Channel string `json:"channel"` // "document" or "sentence"
	Size    int    `json:"size"`    // items in the bucket
	// Article is the article id of the bucket's first representative.
	Article string `json:"article_id"`
}
