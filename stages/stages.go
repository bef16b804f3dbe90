// Package stages lists the stages of a dedupe run in the order they run.
// Read Default top to bottom to follow the data through the job.
package stages

import (
	"github.com/dedupe/dedupe/pipeline"
	"github.com/dedupe/dedupe/stages/boilerplate"
	"github.com/dedupe/dedupe/stages/canonical"
	"github.com/dedupe/dedupe/stages/cluster"
	"github.com/dedupe/dedupe/stages/diff"
	"github.com/dedupe/dedupe/stages/excerpt"
	"github.com/dedupe/dedupe/stages/history"
	"github.com/dedupe/dedupe/stages/load"
	"github.com/dedupe/dedupe/stages/lsh"
	"github.com/dedupe/dedupe/stages/minhash"
	"github.com/dedupe/dedupe/stages/normalize"
	"github.com/dedupe/dedupe/stages/segment"
	"github.com/dedupe/dedupe/stages/shingle"
	"github.com/dedupe/dedupe/stages/unwrap"
	"github.com/dedupe/dedupe/stages/verify"
	"github.com/dedupe/dedupe/stages/write"
)

// Default returns the full job: from a folder of articles to the tables.
func Default() []pipeline.Stage {
	return append(Analysis(), write.Stage{})
}

// Nightly returns the full job with a history (see package history):
// tonight's input is read with the nights before it (rebuilt from their
// records, not put through the per-article stages again), the clusters take
// their ids from the history, and tonight's articles are stored once the
// tables are in place.
func Nightly(n *history.Night) []pipeline.Stage {
	var out []pipeline.Stage
	for _, s := range Analysis() {
		switch s.(type) {
		case load.Stage:
			out = append(out, history.Source{Night: n, Load: s.(load.Stage)})
			continue
		case excerpt.Stage:
			out = append(out, history.Trim{})
		case shingle.RarityStage:
			out = append(out, history.Rarity{Night: n})
			continue
		case boilerplate.EdgeStage:
			out = append(out, history.RepeatsStage{Night: n})
			continue
		case boilerplate.SpreadStage:
			// Tonight's partition is written from here on, beside the
			// stages after it, which change nothing it holds.
			out = append(out, history.SpreadStage{Night: n}, history.Save{Night: n})
			continue
		}
		out = append(out, s)
		switch s.(type) {
		case shingle.Stage:
			// A DocStage, fused into the source with the per-article
			// stages before it, which the history's articles skip.
			out = append(out, history.Capture{Night: n})
		case cluster.Stage:
			out = append(out, history.Assign{Night: n})
		}
	}
	return append(out, history.Write{Night: n}, history.Commit{Night: n})
}

// Through returns the stages of Analysis up to and including the one
// named name, or all of them if none is.
func Through(name string) []pipeline.Stage {
	all := Analysis()
	for i, s := range all {
		if s.Name() == name {
			return all[:i+1]
		}
	}
	return all
}

// Analysis returns every stage but the writer, for callers (tests, the
// bench) that want the results in memory.
//
// The five stages after load work on one article at a time
// (pipeline.DocStage), and pipeline.Run runs them as each article is read,
// so the corpus's raw text is never held at once. Every later stage needs
// the whole corpus, and works on hashes.
func Analysis() []pipeline.Stage {
	return []pipeline.Stage{
		load.Stage{},              // files -> articles, rejects
		normalize.Stage{},         // NFKC, quotes, dashes, spaces
		unwrap.Stage{},            // hard-wrapped lines -> paragraphs
		segment.Stage{},           // paragraphs -> sentences
		boilerplate.Stage{},       // site chrome, from each article's structure
		shingle.Stage{},           // word 3-gram sets; sentence text dropped
		boilerplate.EdgeStage{},   // site chrome, from repeats across the corpus
		shingle.RarityStage{},     // how many articles hold each shingle
		minhash.Stage{},           // signatures of linkable sentences and documents
		lsh.Stage{},               // candidate sentence and document pairs
		verify.Stage{},            // exact check -> article edges
		cluster.Stage{},           // connected components, split into stories
		boilerplate.SpreadStage{}, // repeats across clusters are chrome
		canonical.Stage{},         // one article per cluster
		diff.Stage{},              // what each member adds
		excerpt.Stage{},           // the added sentences' text, read again
	}
}
