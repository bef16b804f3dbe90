// Command dedupe-bench measures dedupe on a synthetic wire-rewrite corpus
// with ground truth: it generates the corpus (deterministic from --seed;
// by default from real English sentences, --text brown, see package synth),
// runs the real job on it in a child process, and prints quality against
// the truth and what the run cost.
//
// Usage:
//
//	dedupe-bench [--articles 100000] [--seed 1] [--text brown|invented] [--dir DIR] [--keep] [--recall-articles 2000]
//	dedupe-bench --templated 100000 [--seed 1] ...
//	dedupe-bench --score CLUSTERS --articles N --seed S [--text brown|invented]
//
// --templated N replaces the articles with N short templated items (market
// tickers, weather notes, sports results, agency notices: synth.Templated),
// the dense block in which thousands of items look alike to the LSH search.
// Its truth: every item is its own story but for exact re-sends.
//
// --score scores a clustering made elsewhere of a corpus this command
// generated before (same --articles, --seed and --text or --templated):
// CLUSTERS is a clusters.parquet from `dedupe run`, or a CSV with the
// header "article_id,cluster_id" (another tool's, e.g. the datasketch run
// in internal/bench/peer). The truth is generated again in memory, from the
// same seed; nothing is run and nothing is timed.
//
// Quality: pairwise precision, recall and F1, the adjusted Rand index, pairs
// of different stories glued within one outlet, and the worst merges and
// misses by article id; the same scores on the hard-wrapped share of the
// corpus (pairs of two articles of outlets that wrap), on the unwrapped
// share and on the mixed pairs (see package bench), and the fraction of
// content sentences indexed: overall from the job's run.json, per share
// from per-article counts the child writes beside the tables (the job
// itself knows nothing of the truth). Cost: wall time per stage and in total, articles/s,
// input MB/s, the child's peak RSS and CPU use. LSH candidate recall is
// measured against an exact search on a separate corpus of
// --recall-articles (in process).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/dedupe/dedupe/internal/bench"
	"github.com/dedupe/dedupe/internal/synth"
	"github.com/dedupe/dedupe/internal/sysmem"
	"github.com/dedupe/dedupe/pipeline"
	"github.com/dedupe/dedupe/stages"
	"github.com/dedupe/dedupe/stages/minhash"
	"github.com/dedupe/dedupe/stages/write"
)

const childMode = "__run"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	if len(os.Args) > 1 && os.Args[1] == childMode {
		err = child(ctx, os.Args[2:])
	} else {
		err = run(ctx, os.Args[1:], os.Stdout)
	}
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "dedupe-bench: %v\n", err)
		os.Exit(1)
	}
}

// child runs the job as `dedupe run` does, with the default settings, and
// writes to COUNTS each article's content and indexed sentences as JSON
// (counted after the minhash stage, while the sentences still hold what
// minhash.Indexable reads).
func child(ctx context.Context, args []string) error {
	if len(args) != 3 {
		return fmt.Errorf("child: want INPUT OUT COUNTS")
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(int64(sysmem.SoftLimitMiB()) << 20)
	}
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(pipeline.DefaultGCPercent)
	}
	p := pipeline.DefaultParams()
	p.Input, p.Out = args[0], args[1]
	st := pipeline.NewState(p)
	first := stages.Through("minhash")
	if err := pipeline.Run(ctx, first, st, nil); err != nil {
		return err
	}
	counts := bench.CountIndexed(st, func(s *pipeline.Sentence) bool { return minhash.Indexable(s, p) })
	if err := pipeline.Run(ctx, stages.Default()[len(first):], st, nil); err != nil {
		return err
	}
	b, err := json.Marshal(counts)
	if err != nil {
		return err
	}
	if err := os.WriteFile(args[2], b, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", args[2], err)
	}
	if n, ok := sysmem.Peak(); ok {
		if err := os.WriteFile(args[2]+peakSuffix, []byte(strconv.FormatInt(n, 10)), 0o644); err != nil {
			return fmt.Errorf("write %s: %w", args[2]+peakSuffix, err)
		}
	}
	return nil
}

// peakSuffix names the file beside COUNTS where the child writes its own
// peak resident set in bytes: its rusage would report the bench's peak
// when that is higher (see sysmem.Peak).
const peakSuffix = ".peak"

func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("dedupe-bench", flag.ContinueOnError)
	articles := fs.Int("articles", 100000, "articles to generate and cluster")
	seed := fs.Int64("seed", 1, "corpus seed; the same seed gives the same corpus")
	dir := fs.String("dir", "", "work folder for the corpus and the tables (default: a temporary folder)")
	keep := fs.Bool("keep", false, "keep the work folder")
	recallArticles := fs.Int("recall-articles", 2000, "size of the corpus for the exact candidate-recall check; 0 skips it")
	jsonOut := fs.String("json", "", "also write the results as JSON to this file")
	textName := fs.String("text", "brown", "corpus text: brown (real English sentences) or invented (made-up words)")
	templated := fs.Int("templated", 0, "instead of articles, generate this many short templated items (the dense-block case, see synth.Templated)")
	score := fs.String("score", "", "score this clustering (clusters.parquet, or CSV article_id,cluster_id) against the truth of the corpus the other flags generate, and stop")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *templated > 0 {
		*articles, *textName = *templated, "templated"
	}
	var text synth.Text
	switch *textName {
	case "brown":
		text = synth.Brown
	case "invented":
		text = synth.Invented
	case "templated":
	default:
		return fmt.Errorf("--text %q: want brown or invented", *textName)
	}
	if *score != "" {
		var arts []synth.Article
		if *templated > 0 {
			arts = synth.Templated(synth.TemplatedConfig{Items: *articles, Seed: *seed})
		} else {
			arts = synth.Generate(synth.Config{Articles: *articles, Seed: *seed, Text: text})
		}
		return scoreClusters(ctx, out, *score, bench.Truth(arts), *articles, *seed, *textName)
	}
	work := *dir
	if work == "" {
		var err error
		if work, err = os.MkdirTemp("", "dedupe-bench-"); err != nil {
			return err
		}
	}
	if !*keep {
		defer os.RemoveAll(work)
	}
	res := Results{Machine: machine(), Articles: *articles, Seed: *seed, Text: *textName}

	// write generates a corpus of n articles of the chosen kind into dir.
	generate := func(n int, dir string) (*bench.Corpus, error) {
		if *templated > 0 {
			return bench.WriteTemplated(synth.TemplatedConfig{Items: n, Seed: *seed}, dir)
		}
		return bench.WriteCorpus(synth.Config{Articles: n, Seed: *seed, Text: text}, dir)
	}
	fmt.Fprintf(out, "generating %d articles (seed %d, %s text) in %s\n", *articles, *seed, *textName, work)
	corpus, err := generate(*articles, filepath.Join(work, "input"))
	if err != nil {
		return err
	}
	res.InputMB = float64(corpus.Bytes) / 1e6
	res.SameStoryJaccard = corpus.SameStory
	debug.FreeOSMemory() // the generator's memory, before the measured run shares the machine

	self, err := os.Executable()
	if err != nil {
		return err
	}
	outDir := filepath.Join(work, "out")
	countsFile := filepath.Join(work, "indexed.json")
	cmd := exec.CommandContext(ctx, self, childMode, corpus.Dir, outDir, countsFile)
	cmd.Stderr = os.Stderr
	begin := time.Now()
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("the run failed: %w", err)
	}
	res.WallSeconds = time.Since(begin).Seconds()
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		res.PeakRSSMiB = float64(ru.Maxrss) / 1024
		if b, err := os.ReadFile(countsFile + peakSuffix); err == nil {
			if n, err := strconv.ParseInt(string(b), 10, 64); err == nil {
				res.PeakRSSMiB = float64(n) / (1 << 20)
			}
		}
		res.CPUSeconds = time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
	}
	res.CPUUtilisation = res.CPUSeconds / res.WallSeconds / float64(runtime.NumCPU())
	rep, err := write.ReadReport(outDir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	res.Stages = rep.Timings
	res.IndexedFraction = rep.IndexedFraction

	clusters, err := bench.ClustersFromTable(ctx, filepath.Join(outDir, write.ClustersFile))
	if err != nil {
		return err
	}
	if res.Quality, err = bench.Score(corpus, clusters, 5); err != nil {
		return err
	}
	var counts map[string]bench.Indexing
	if b, err := os.ReadFile(countsFile); err != nil {
		return err
	} else if err := json.Unmarshal(b, &counts); err != nil {
		return fmt.Errorf("read %s: %w", countsFile, err)
	}
	res.Quality.AddIndexing(corpus, counts)
	if *recallArticles > 0 {
		c, err := generate(*recallArticles, filepath.Join(work, "recall"))
		if err != nil {
			return err
		}
		r, err := candidateRecall(ctx, c)
		if err != nil {
			return err
		}
		res.Recall = &r
		res.RecallArticles = *recallArticles
	}
	res.print(out)
	if *jsonOut != "" {
		b, err := json.MarshalIndent(res, "", "  ")
		if err != nil {
			return err
		}
		return os.WriteFile(*jsonOut, append(b, '\n'), 0o644)
	}
	return nil
}

// scoreClusters scores the clustering in path (a clusters.parquet, or CSV
// read by bench.ClustersFromCSV) against truth and prints its quality.
func scoreClusters(ctx context.Context, out io.Writer, path string, truth *bench.Corpus, articles int, seed int64, text string) error {
	var clusters map[string]string
	if strings.HasSuffix(path, ".parquet") {
		var err error
		if clusters, err = bench.ClustersFromTable(ctx, path); err != nil {
			return err
		}
	} else {
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		clusters, err = bench.ClustersFromCSV(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	}
	if len(clusters) != len(truth.Story) {
		return fmt.Errorf("%s has %d articles, the corpus (%d articles, seed %d, %s text) %d: not the same corpus", path, len(clusters), articles, seed, text, len(truth.Story))
	}
	q, err := bench.Score(truth, clusters, 0)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	fmt.Fprintf(out, "%s: corpus of %d articles, seed %d, %s text\n", path, articles, seed, text)
	fmt.Fprintf(out, "quality: precision %.4f  recall %.4f  F1 %.4f  ARI %.4f  (%d true pairs, %d predicted, %d correct)\n",
		q.Precision, q.Recall, q.F1, q.ARI, q.TruePairs, q.PredPairs, q.CorrectPairs)
	fmt.Fprintf(out, "pairs of different stories of one outlet clustered (boilerplate glue): %d\n", q.SameOutletFalsePairs)
	return nil
}

func candidateRecall(ctx context.Context, c *bench.Corpus) (bench.Recall, error) {
	p := pipeline.DefaultParams()
	p.Input = c.Dir
	st := pipeline.NewState(p)
	if err := pipeline.Run(ctx, stages.Through("verify"), st, nil); err != nil {
		return bench.Recall{}, err
	}
	return bench.CandidateRecall(st, func(s *pipeline.Sentence) bool { return minhash.Indexable(s, p) }), nil
}

// Results is what one bench run measured.
type Results struct {
	Machine          string
	Articles         int
	Seed             int64
	Text             string
	InputMB          float64
	SameStoryJaccard synth.Summary
	Quality          bench.Quality
	// IndexedFraction is run.json's indexed_fraction: indexed over content
	// sentences in the whole corpus.
	IndexedFraction float64
	RecallArticles  int
	Recall          *bench.Recall
	WallSeconds     float64
	CPUSeconds      float64
	CPUUtilisation  float64
	PeakRSSMiB      float64
	Stages          []pipeline.StageTiming
}

func (r Results) print(w io.Writer) {
	fmt.Fprintf(w, "\nmachine: %s\n", r.Machine)
	fmt.Fprintf(w, "corpus: %d articles, %.1f MB of JSONL, seed %d, %s text\n", r.Articles, r.InputMB, r.Seed, r.Text)
	fmt.Fprintf(w, "same-story whole-document word-3-gram Jaccard: %v\n\n", r.SameStoryJaccard)
	q := r.Quality
	fmt.Fprintf(w, "quality: precision %.4f  recall %.4f  F1 %.4f  ARI %.4f  (%d true pairs, %d predicted, %d correct)\n",
		q.Precision, q.Recall, q.F1, q.ARI, q.TruePairs, q.PredPairs, q.CorrectPairs)
	fmt.Fprintf(w, "pairs of different stories of one outlet clustered (boilerplate glue): %d\n", q.SameOutletFalsePairs)
	fmt.Fprintf(w, "indexed sentences (run.json): %.4f of content sentences\n", r.IndexedFraction)
	for _, sh := range []struct {
		name string
		s    bench.Share
	}{{"wrapped", q.Wrapped}, {"unwrapped", q.Unwrapped}} {
		fmt.Fprintf(w, "%-9s share: %5d articles, pairs of two: precision %.4f  recall %.4f  F1 %.4f  (%d true pairs); indexed %d of %d content sentences = %.4f\n",
			sh.name, sh.s.Articles, sh.s.Precision, sh.s.Recall, sh.s.F1, sh.s.TruePairs, sh.s.Indexed, sh.s.Content, sh.s.IndexedFraction())
	}
	fmt.Fprintf(w, "mixed pairs (one wrapped, one not): precision %.4f  recall %.4f  F1 %.4f  (%d true pairs)\n", q.Mixed.Precision, q.Mixed.Recall, q.Mixed.F1, q.Mixed.TruePairs)
	if r.Recall != nil {
		fmt.Fprintf(w, "LSH candidate recall vs exact search (%d articles): sentence matches %d/%d = %.4f, article links %d/%d = %.4f\n",
			r.RecallArticles, r.Recall.FoundMatches, r.Recall.ExactMatches, r.Recall.SentenceRecall(), r.Recall.FoundLinks, r.Recall.ExactLinks, r.Recall.ArticleRecall())
	}
	for _, m := range q.Merges {
		fmt.Fprintf(w, "worst merge %s (%d wrong pairs): %s\n", m.Label, m.Pairs, groups(m.Parts))
	}
	for _, m := range q.Misses {
		fmt.Fprintf(w, "worst miss story %s (%d missed pairs): %s\n", m.Label, m.Pairs, groups(m.Parts))
	}
	fmt.Fprintf(w, "\ncost: %.1f s wall, %.0f articles/s, %.2f MB/s, peak RSS %.0f MiB, CPU %.1f s (%.0f%% of %d cores)\n",
		r.WallSeconds, float64(r.Articles)/r.WallSeconds, r.InputMB/r.WallSeconds, r.PeakRSSMiB, r.CPUSeconds, 100*r.CPUUtilisation, runtime.NumCPU())
	fmt.Fprintf(w, "%-12s %9s %10s %9s\n", "stage", "seconds", "heap MiB", "CPU s")
	rest := r.WallSeconds
	for _, s := range r.Stages {
		if s.FusedInto != "" {
			// Busy time summed over workers, within its source's wall time.
			fmt.Fprintf(w, "  %-10s %9.2f %10s  (busy, within %s)\n", s.Stage, s.Seconds, "", s.FusedInto)
			continue
		}
		fmt.Fprintf(w, "%-12s %9.2f %10.0f %9.2f\n", s.Stage, s.Seconds, s.HeapMB, s.CPUSeconds)
		rest -= s.Seconds
	}
	// run.json is written by the last stage, before its own time is known.
	fmt.Fprintf(w, "%-12s %9.2f\n", "write+exit", rest)
}

func groups(parts [][]string) string {
	var gs []string
	for _, p := range parts {
		gs = append(gs, "["+strings.Join(p, " ")+"]")
	}
	return strings.Join(gs, " ")
}

// machine describes the CPU, cores and memory, from /proc where available.
func machine() string {
	cpu := runtime.GOARCH
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				cpu = strings.TrimSpace(v)
				break
			}
		}
	}
	mem := ""
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kb int64
		if _, err := fmt.Sscanf(string(b), "MemTotal: %d kB", &kb); err == nil {
			mem = fmt.Sprintf(", %.0f GiB RAM", float64(kb)/(1<<20))
		}
	}
	return fmt.Sprintf("%s, %d cores%s, %s", cpu, runtime.NumCPU(), mem, runtime.Version())
}
