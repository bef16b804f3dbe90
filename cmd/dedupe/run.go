package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"runtime/pprof"
	"time"

	"github.com/dedupe/dedupe/internal/sysmem"
	"github.com/dedupe/dedupe/pipeline"
	"github.com/dedupe/dedupe/stages"
	"github.com/dedupe/dedupe/stages/history"
	"github.com/dedupe/dedupe/stages/load"
	"github.com/dedupe/dedupe/stages/write"
)

const runUsage = `Usage: dedupe run --input DIR [--out DIR] [flags]

Reads every article below DIR: .txt (one article per file), .html/.htm (a
saved page; the article body is extracted), .jsonl and .jsonl.gz (one JSON
article per line: id, text, and optional title, url, source, published_at),
.json (an array of such objects). Writes clusters.parquet, additions.parquet,
rejects.parquet, links.parquet, link_passages.parquet (or, with --format
arrow, the same tables as Arrow IPC files .arrow) and run.json to --out,
replacing the previous ones at once.

With --history DIR, tonight's articles are matched against the nights
stored in DIR too, join their clusters and keep their ids; the tables list
tonight's articles, and a sixth table, merges.parquet, the cluster ids
absorbed tonight. Tonight is then stored in DIR.

Flags:
`

func cmdRun(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	p := pipeline.DefaultParams()
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), runUsage)
		fs.PrintDefaults()
	}
	fs.StringVar(&p.Input, "input", "", "folder of articles to read (required)")
	fs.StringVar(&p.Out, "out", p.Out, "folder for the tables, outside --input; the previous tables are replaced at once, and only on success; files and folders of yours in it are kept; a symlink is followed to its target")
	fs.StringVar(&p.Format, "format", write.FormatParquet, "file format of the tables: parquet (clusters.parquet, ...) or arrow (Arrow IPC files: clusters.arrow, ...)")
	fs.IntVar(&p.Workers, "workers", p.Workers, "parallel workers; 0 uses every CPU")
	fs.StringVar(&p.IDField, "id-field", "", "JSON key of the article id in .jsonl/.jsonl.gz/.json input (default \"id\")")
	fs.StringVar(&p.TextField, "text-field", "", "JSON key of the article text (default \"text\")")
	fs.StringVar(&p.TitleField, "title-field", "", "JSON key of the title (default \"title\")")
	fs.StringVar(&p.URLField, "url-field", "", "JSON key of the URL (default \"url\")")
	fs.StringVar(&p.SourceField, "source-field", "", "JSON key of the outlet (default \"source\")")
	fs.StringVar(&p.PublishedAtField, "published-at-field", "", "JSON key of the publication time (default \"published_at\")")
	fs.IntVar(&p.ShingleSize, "shingle", p.ShingleSize, "words per shingle")
	fs.IntVar(&p.NumHash, "signature", p.NumHash, "MinHash functions per signature")
	fs.Int64Var(&p.Seed, "seed", p.Seed, "MinHash seed; same seed, same output")
	fs.Float64Var(&p.PassageThreshold, "passage-threshold", p.PassageThreshold, "Jaccard similarity of rare shingles that the sentence index is tuned to find")
	fs.IntVar(&p.MinShared, "min-shared", p.MinShared, "rare shingles two sentences must share to link their articles")
	fs.Float64Var(&p.MinContainment, "min-containment", p.MinContainment, "share of the shorter sentence two sentences must have in common to link their articles")
	fs.Float64Var(&p.MinEvidence, "min-evidence", p.MinEvidence, "rarity-weighted evidence the shared passages of two articles must add up to (each shared rare shingle counts 1/(articles holding it - 1))")
	fs.Float64Var(&p.DocThreshold, "copy-threshold", p.DocThreshold, "whole-document Jaccard similarity at which two articles are copies")
	fs.IntVar(&p.RepeatDF, "repeat-df", p.RepeatDF, "a sentence found verbatim in this many articles links articles only across outlets, and is boilerplate once it spans clusters")
	fs.IntVar(&p.CommonDF, "common-df", p.CommonDF, "a shingle in more articles than this is a common phrase, not evidence; 0 = 1% of the corpus, kept between 50 and 200")
	fs.Var(&p.Window, "window", "articles that both have a publication time and were published further apart than this never link, copies included: last week's report or an old story sharing a stock paragraph is not the same story; articles without a time link as before. Days (2d, 1.5d) or hours and minutes (36h, 90m); 0 for no window")
	fs.IntVar(&p.MaxArticleBytes, "max-article-bytes", p.MaxArticleBytes, "reject articles larger than this")
	fs.IntVar(&p.NearDupShared, "neardup-shared", p.NearDupShared, "shingles a member's sentence must share with a canonical sentence not to count as added")
	fs.Float64Var(&p.NearDupContainment, "neardup-containment", p.NearDupContainment, "share of the shorter sentence a member's sentence must share with a canonical sentence not to count as added")
	memLimit := fs.Int("memory-limit", sysmem.SoftLimitMiB(), "soft limit on the Go heap, in MiB: the collector works harder near it instead of growing; 0 for none (GOMEMLIMIT, if set, wins). The default is 3/4 of the memory of the machine, or of the container if it has a limit")
	lockWait := fs.Duration("lock-wait", 0, "how long to wait for another run on the same --out to finish (one run at a time per --out, locked with flock on a .OUT.lock file beside it); 0 fails at once")
	historyDir := fs.String("history", "", "folder of the nights before tonight (created when missing): tonight's articles are matched against them and join their clusters, keeping the clusters' ids, and tonight's articles are stored in it once the tables are in place (see \"Running it nightly\" in the README)")
	historyDays := fs.Int("history-days", history.DefaultDays, "with --history: nights kept, tonight included; older ones are dropped")
	night := fs.String("night", "", "with --history: tonight's name, a date YYYY-MM-DD (default today's date in UTC); re-running a night replaces it")
	force := fs.Bool("force", false, "with --history: run a night older than the newest one stored, reading only the nights before it")
	strict := fs.Bool("strict", false, "exit 1 when any file or line was rejected (the tables are still written)")
	quiet := fs.Bool("quiet", false, "print nothing but errors")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile to this file")
	memProfile := fs.String("memprofile", "", "write a heap profile to this file at the end")
	if err := parseFlags(fs, args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q (flags come as --name value)", errUsage, fs.Arg(0))
	}
	if p.Input == "" {
		return fmt.Errorf("%w: --input is required", errUsage)
	}
	tables, err := write.TableFiles(p.Format)
	if err != nil {
		return fmt.Errorf("%w: --format: %v", errUsage, err)
	}
	if err := p.Validate(); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if *historyDir == "" && (*night != "" || *force) {
		return fmt.Errorf("%w: --night and --force need --history", errUsage)
	}
	if *historyDays < 1 {
		return fmt.Errorf("%w: --history-days %d: want 1 or more", errUsage, *historyDays)
	}
	if *night == "" {
		*night = time.Now().UTC().Format(history.NightLayout)
	} else if _, err := history.ParseNight(*night); err != nil {
		return fmt.Errorf("%w: --night: %v", errUsage, err)
	}
	if *memLimit < 0 {
		return fmt.Errorf("%w: --memory-limit %d: want 0 or more MiB", errUsage, *memLimit)
	}
	if *memLimit > 0 && os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(int64(*memLimit) << 20)
	}
	if os.Getenv("GOGC") == "" {
		// pipeline.DefaultGCPercent says why this target and not Go's
		// default or a lower one.
		debug.SetGCPercent(pipeline.DefaultGCPercent)
	}
	out, err := write.ResolveOut(p.Out)
	if err != nil {
		return err
	}
	p.Out = out
	if err := write.CheckPaths(p.Input, out); err != nil {
		return err
	}
	lock, err := write.Lock(ctx, out, *lockWait)
	if err != nil {
		return err
	}
	defer lock.Unlock()
	if err := write.Recover(out); err != nil {
		return err
	}
	if err := write.CheckOut(out); err != nil {
		return err
	}
	if err := write.CheckWritable(out); err != nil {
		return err
	}
	if err := write.CheckSpace(out, write.EstimateTableBytes(inputBytes(p.Input))); err != nil {
		return err
	}
	job := stages.Default()
	if *historyDir != "" {
		dir, err := filepath.Abs(*historyDir)
		if err != nil {
			return fmt.Errorf("history %s: %w", *historyDir, err)
		}
		if err := history.CheckPaths(dir, p.Input, out); err != nil {
			return err
		}
		hlock, err := write.Lock(ctx, dir, *lockWait)
		if err != nil {
			return fmt.Errorf("history: %w", err)
		}
		defer hlock.Unlock()
		store, err := history.Open(dir)
		if err != nil {
			return err
		}
		n, err := history.NewNight(store, *night, *historyDays, *force)
		if err != nil {
			return err
		}
		// Before the lock is released: a run that fails leaves no
		// partition of tonight behind, nor one still being written. Its
		// error is not the run's; the next run's Open removes what it
		// could not.
		defer n.Close()
		job = stages.Nightly(n)
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return fmt.Errorf("cpu profile: %w", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("cpu profile: %w", err)
		}
		defer pprof.StopCPUProfile()
	}
	var prog pipeline.Progress = pipeline.NoProgress{}
	if !*quiet {
		prog = newProgress(stderr)
	}
	st := pipeline.NewState(p)
	st.Started = time.Now()
	if err := pipeline.Run(ctx, job, st, prog); err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("cancelled by a signal: %s is as it was", out)
		}
		return err
	}
	if *memProfile != "" {
		f, err := os.Create(*memProfile)
		if err != nil {
			return fmt.Errorf("memory profile: %w", err)
		}
		defer f.Close()
		if err := pprof.WriteHeapProfile(f); err != nil {
			return fmt.Errorf("memory profile: %w", err)
		}
	}
	// The tables list tonight's articles: count those, not the ones the
	// history lent.
	articles := len(st.Docs)
	if st.Night != "" {
		articles -= st.Counts["history_articles"]
	}
	if !*quiet && st.Night != "" {
		nights := "nights"
		if st.Counts["history_nights"] == 1 {
			nights = "night"
		}
		fmt.Fprintf(stderr, "dedupe: night %s: %d articles read with %d from %d %s of history; %d clusters of tonight joined the history, %d ids absorbed\n",
			st.Night, articles, st.Counts["history_articles"], st.Counts["history_nights"], nights, st.Counts["clusters_joined"], len(st.Merges))
	}
	if !*quiet {
		fmt.Fprintf(stderr, "dedupe: %d articles -> %d clusters (%d with several articles, largest %d), %d additions, %d rejected, %.1fs; tables in %s\n",
			articles, len(st.Clusters), st.Counts["clusters_multi"], st.Counts["largest_cluster"], len(st.Additions), st.Counts["rejected"],
			time.Since(st.Started).Seconds(), p.Out)
	}
	if *strict && st.Counts["rejected"] > 0 {
		return fmt.Errorf("--strict: %d file(s) or line(s) rejected, listed in %s", st.Counts["rejected"], filepath.Join(p.Out, tables[2]))
	}
	return nil
}

// inputBytes is the size of the files a run reads below dir, a .jsonl.gz
// file counted five times over for the text it unpacks to; for the space
// check only, so an input that cannot be listed counts nothing (the run
// then fails on it).
func inputBytes(dir string) int64 {
	total, gzipped, err := load.Size(dir)
	if err != nil {
		return 0
	}
	return total + 4*gzipped
}
