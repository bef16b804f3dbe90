// Package bench measures dedupe on a synthetic wire-rewrite corpus with
// ground truth (package synth; the real-language corpus, synth.Brown, is
// what the tests and cmd/dedupe-bench use by default): quality against the
// truth, and candidate recall of the LSH search against an exact search.
//
// Hard-wrapped share. A share of the corpus's outlets deliver hard-wrapped
// text (synth.Config.WrapRate, 15% by default). Score reports quality on
// the wrapped share (pairs of two wrapped articles), on the unwrapped share
// (pairs of two unwrapped articles) and on the mixed pairs (one of each),
// each from the same clustering of the whole corpus; the overall figures
// count every pair. CountIndexed and Quality.AddIndexing add the fraction
// of content sentences that were indexed in each share, from a State past
// the minhash stage (the job's run.json has the overall fraction only: it
// knows nothing of the truth).
//
// The command cmd/dedupe-bench wires it to a measured run of the real job
// in a child process (wall time, peak RSS, CPU); tests call it in process
// on small corpora to guard quality.
package bench

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/dedupe/dedupe/internal/evaluate"
	"github.com/dedupe/dedupe/internal/synth"
	"github.com/dedupe/dedupe/pipeline"
	"github.com/dedupe/dedupe/stages/verify"
	"github.com/dedupe/dedupe/stages/write"
)

// Corpus is a generated corpus written to disk, with its truth.
type Corpus struct {
	Dir      string         // folder of JSONL files, the job's --input
	Bytes    int64          // bytes written
	Story    map[string]int // article id -> true story
	Outlet   map[string]string
	Wrapped  map[string]bool // article id -> its outlet hard-wraps (synth.Article.Wrapped)
	Articles int
	// SameStory summarises whole-document word-3-gram Jaccard over pairs of
	// articles of one story (sampled).
	SameStory synth.Summary
}

// WriteCorpus generates cfg's corpus into dir as JSONL files of at most
// 5,000 articles each.
func WriteCorpus(cfg synth.Config, dir string) (*Corpus, error) {
	return WriteArticles(synth.Generate(cfg), dir)
}

// WriteTemplated generates cfg's templated corpus (synth.Templated, the
// dense-block case) into dir as WriteCorpus does.
func WriteTemplated(cfg synth.TemplatedConfig, dir string) (*Corpus, error) {
	return WriteArticles(synth.Templated(cfg), dir)
}

// WriteArticles writes arts into dir as JSONL files of at most 5,000
// articles each, with their truth.
func WriteArticles(arts []synth.Article, dir string) (*Corpus, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	c := Truth(arts)
	c.Dir = dir
	const per = 5000
	for i := 0; i < len(arts); i += per {
		path := filepath.Join(dir, fmt.Sprintf("part-%04d.jsonl", i/per))
		f, err := os.Create(path)
		if err != nil {
			return nil, err
		}
		if err := synth.WriteJSONL(f, arts[i:min(i+per, len(arts))]); err != nil {
			f.Close()
			return nil, fmt.Errorf("write %s: %w", path, err)
		}
		if err := f.Close(); err != nil {
			return nil, err
		}
		if fi, err := os.Stat(path); err == nil {
			c.Bytes += fi.Size()
		}
	}
	c.SameStory = synth.Summarize(synth.SameStoryJaccards(arts, 20000))
	return c, nil
}

// Truth returns the truth of arts (story, outlet and wrapping per article
// id) as a Corpus with no folder: what Score needs to score a clustering
// of a corpus written earlier from the same articles.
func Truth(arts []synth.Article) *Corpus {
	c := &Corpus{Story: map[string]int{}, Outlet: map[string]string{}, Wrapped: map[string]bool{}, Articles: len(arts)}
	for _, a := range arts {
		c.Story[a.ID] = a.Story
		c.Outlet[a.ID] = a.Source
		c.Wrapped[a.ID] = a.Wrapped
	}
	return c
}

// Quality is how a clustering compares with the truth.
type Quality struct {
	evaluate.Scores
	// SameOutletFalsePairs counts predicted pairs of different stories from
	// one outlet: what an outlet's boilerplate would glue.
	SameOutletFalsePairs int64
	Merges               []Group
	Misses               []Group
	// Wrapped and Unwrapped score the pairs whose two articles are both
	// hard-wrapped, or both not; Mixed the pairs of one of each (its ARI
	// is not defined and left 0). The three add up to the overall counts.
	Wrapped, Unwrapped Share
	Mixed              evaluate.Scores
}

// Share is the quality on one share of the corpus and the fraction of its
// content sentences indexed.
type Share struct {
	Articles int
	evaluate.Scores
	Indexing
}

// Indexing counts content sentences (not boilerplate) and those of them
// indexed for matching (minhash.Indexable).
type Indexing struct {
	Content, Indexed int
}

// IndexedFraction is Indexed/Content, 0 when there is no content.
func (x Indexing) IndexedFraction() float64 {
	if x.Content == 0 {
		return 0
	}
	return float64(x.Indexed) / float64(x.Content)
}

// CountIndexed counts, per article id, the content and indexed sentences of
// a run past the minhash stage and before the diff (which frees what
// indexable looks at).
func CountIndexed(st *pipeline.State, indexable func(*pipeline.Sentence) bool) map[string]Indexing {
	out := make(map[string]Indexing, len(st.Docs))
	for _, d := range st.Docs {
		var x Indexing
		for i := range d.Sentences {
			s := &d.Sentences[i]
			if s.Content() {
				x.Content++
				if indexable(s) {
					x.Indexed++
				}
			}
		}
		out[d.ID] = x
	}
	return out
}

// AddIndexing sums counts (from CountIndexed) over the wrapped and the
// unwrapped share of c into q.
func (q *Quality) AddIndexing(c *Corpus, counts map[string]Indexing) {
	for id, x := range counts {
		sh := &q.Unwrapped
		if c.Wrapped[id] {
			sh = &q.Wrapped
		}
		sh.Content += x.Content
		sh.Indexed += x.Indexed
	}
}

// fromCounts fills precision, recall and F1 from the pair counts, with the
// conventions of package evaluate; ARI is left 0.
func fromCounts(truePairs, predPairs, correct int64) evaluate.Scores {
	s := evaluate.Scores{TruePairs: truePairs, PredPairs: predPairs, CorrectPairs: correct, Precision: 1, Recall: 1}
	if predPairs > 0 {
		s.Precision = float64(correct) / float64(predPairs)
	}
	if truePairs > 0 {
		s.Recall = float64(correct) / float64(truePairs)
	}
	if s.Precision+s.Recall > 0 {
		s.F1 = 2 * s.Precision * s.Recall / (s.Precision + s.Recall)
	}
	return s
}

// Group is a cluster to look at: its article ids, grouped.
type Group struct {
	Label string
	Pairs int64      // wrong pairs (merge) or missed pairs (miss)
	Parts [][]string // article ids, one slice per true story (merge) or predicted cluster (miss)
}

// Score compares the cluster of each article (article id -> cluster id)
// with the corpus truth, keeping the n worst merges and misses.
func Score(c *Corpus, clusterOf map[string]string, n int) (Quality, error) {
	ids := make([]string, 0, len(c.Story))
	for id := range c.Story {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	truth := make([]string, len(ids))
	pred := make([]string, len(ids))
	byPred := map[string][]int{}
	for i, id := range ids {
		cl, ok := clusterOf[id]
		if !ok {
			return Quality{}, fmt.Errorf("article %s missing from the output", id)
		}
		truth[i], pred[i] = fmt.Sprint(c.Story[id]), cl
		byPred[cl] = append(byPred[cl], i)
	}
	s, err := evaluate.Pairwise(truth, pred)
	if err != nil {
		return Quality{}, err
	}
	q := Quality{Scores: s}
	for _, sh := range []struct {
		wrapped bool
		out     *Share
	}{{true, &q.Wrapped}, {false, &q.Unwrapped}} {
		var t, p []string
		for i, id := range ids {
			if c.Wrapped[id] == sh.wrapped {
				t, p = append(t, truth[i]), append(p, pred[i])
			}
		}
		sh.out.Articles = len(t)
		if sh.out.Scores, err = evaluate.Pairwise(t, p); err != nil {
			return Quality{}, err
		}
	}
	w, u := q.Wrapped.Scores, q.Unwrapped.Scores
	q.Mixed = fromCounts(s.TruePairs-w.TruePairs-u.TruePairs, s.PredPairs-w.PredPairs-u.PredPairs, s.CorrectPairs-w.CorrectPairs-u.CorrectPairs)
	for _, members := range byPred {
		for x := range members {
			for y := x + 1; y < len(members); y++ {
				a, b := ids[members[x]], ids[members[y]]
				if c.Story[a] != c.Story[b] && c.Outlet[a] == c.Outlet[b] {
					q.SameOutletFalsePairs++
				}
			}
		}
	}
	name := func(parts []evaluate.Part) [][]string {
		var out [][]string
		for _, p := range parts {
			var g []string
			for _, i := range p.Items {
				g = append(g, ids[i])
			}
			out = append(out, g)
		}
		return out
	}
	for _, m := range evaluate.WorstMerges(truth, pred, n) {
		q.Merges = append(q.Merges, Group{Label: m.Label, Pairs: m.WrongPairs, Parts: name(m.Parts)})
	}
	for _, m := range evaluate.WorstMisses(truth, pred, n) {
		q.Misses = append(q.Misses, Group{Label: m.Label, Pairs: m.MissedPairs, Parts: name(m.Parts)})
	}
	return q, nil
}

// ClustersFromTable reads article id -> cluster id from a clusters.parquet.
func ClustersFromTable(ctx context.Context, path string) (map[string]string, error) {
	rows, err := write.ReadRows(ctx, path)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(rows))
	for _, r := range rows {
		out[r["article_id"].(string)] = r["cluster_id"].(string)
	}
	return out, nil
}

// ClustersFromCSV reads article id -> cluster id from CSV with the header
// "article_id,cluster_id" (further columns are ignored): how another tool's
// clustering comes in to be scored, e.g. internal/bench/peer's datasketch
// run. An article listed twice is an error.
func ClustersFromCSV(r io.Reader) (map[string]string, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("bench: clusters CSV header: %w", err)
	}
	if len(head) < 2 || head[0] != "article_id" || head[1] != "cluster_id" {
		return nil, fmt.Errorf("bench: clusters CSV header %q: want article_id,cluster_id", head)
	}
	out := map[string]string{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("bench: clusters CSV: %w", err)
		}
		if len(rec) < 2 {
			line, _ := cr.FieldPos(0)
			return nil, fmt.Errorf("bench: clusters CSV line %d: want 2 fields, got %d", line, len(rec))
		}
		if _, dup := out[rec[0]]; dup {
			line, _ := cr.FieldPos(0)
			return nil, fmt.Errorf("bench: clusters CSV line %d: article %s listed twice", line, rec[0])
		}
		out[rec[0]] = rec[1]
	}
}

// ClustersFromState reads article id -> cluster id from a finished run.
func ClustersFromState(st *pipeline.State) map[string]string {
	out := make(map[string]string, len(st.Docs))
	for _, c := range st.Clusters {
		for _, m := range c.Members {
			out[st.Docs[m].ID] = c.ID
		}
	}
	return out
}

// Recall compares the verified passage matches a run found through LSH
// with every sentence pair that passes the same verification, found
// exactly: all pairs of indexable sentences sharing a linkable shingle
// (through an inverted index), each checked with the verify rule.
type Recall struct {
	ExactMatches, FoundMatches int // sentence pairs
	ExactLinks, FoundLinks     int // article pairs with at least one match
}

// SentenceRecall is FoundMatches/ExactMatches.
func (r Recall) SentenceRecall() float64 { return ratio(r.FoundMatches, r.ExactMatches) }

// ArticleRecall is FoundLinks/ExactLinks.
func (r Recall) ArticleRecall() float64 { return ratio(r.FoundLinks, r.ExactLinks) }

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

// CandidateRecall runs the exact search on an analysis run through the
// verify stage (st must still hold its sentences' Linkable sets, which the
// diff frees, and its Matches).
func CandidateRecall(st *pipeline.State, indexable func(*pipeline.Sentence) bool) Recall {
	p := st.Params
	rule := verify.Rule{MinShared: p.MinShared, MinContainment: p.MinContainment, RepeatDF: p.RepeatDF}
	var refs []pipeline.SentenceRef
	post := map[uint32][]int32{}
	for di, d := range st.Docs {
		for si := range d.Sentences {
			s := &d.Sentences[si]
			if !indexable(s) {
				continue
			}
			id := int32(len(refs))
			refs = append(refs, pipeline.SentenceRef{Doc: int32(di), Sentence: int32(si)})
			for _, h := range s.Linkable {
				post[h] = append(post[h], id)
			}
		}
	}
	sent := func(r pipeline.SentenceRef) *pipeline.Sentence { return &st.Docs[r.Doc].Sentences[r.Sentence] }
	exact := map[[2]pipeline.SentenceRef]bool{}
	seen := map[[2]int32]bool{}
	for _, ids := range post {
		for x := range ids {
			for y := x + 1; y < len(ids); y++ {
				i, j := ids[x], ids[y]
				if seen[[2]int32{i, j}] || refs[i].Doc == refs[j].Doc {
					continue
				}
				seen[[2]int32{i, j}] = true
				a, b := sent(refs[i]), sent(refs[j])
				if _, ok := rule.Passage(a, b); ok && !verify.SameOutletRepeat(a, b, st.Docs[refs[i].Doc].Outlet(), st.Docs[refs[j].Doc].Outlet(), p.RepeatDF) {
					exact[[2]pipeline.SentenceRef{refs[i], refs[j]}] = true
				}
			}
		}
	}
	var r Recall
	exactLinks, foundLinks := map[[2]int32]bool{}, map[[2]int32]bool{}
	for k := range exact {
		exactLinks[[2]int32{k[0].Doc, k[1].Doc}] = true
	}
	for _, m := range st.Matches {
		if exact[[2]pipeline.SentenceRef{m.A, m.B}] {
			r.FoundMatches++
			foundLinks[[2]int32{m.A.Doc, m.B.Doc}] = true
		}
	}
	r.ExactMatches, r.ExactLinks, r.FoundLinks = len(exact), len(exactLinks), len(foundLinks)
	return r
}
