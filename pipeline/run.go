package pipeline

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Stage is one step of the batch job.
type Stage interface {
	// Name is a short lower-case word used in progress, errors and run.json.
	Name() string
	// Run reads what earlier stages left in st and adds its own output.
	Run(ctx context.Context, st *State, p Progress) error
}

// DocStage is a stage whose work is one document at a time: given a Doc it
// reads and changes that Doc only (a Beam ParDo). Run fuses the DocStages
// that directly follow a Source into it, so each article goes through all of
// them as soon as it is read: its raw text, normalised text and offset map
// are dropped before the next articles are read, and memory follows what the
// later stages keep, not the size of the input.
type DocStage interface {
	Stage
	// DocFunc returns the function that does the stage's work on one
	// document. Each worker goroutine gets its own, so the function may keep
	// scratch state between documents (a Beam DoFn's setup), but nothing
	// shared.
	DocFunc(p Params) (func(d *Doc) error, error)
}

// Source is a stage that reads the documents of a run into State.Docs.
type Source interface {
	Stage
	// Read fills st.Docs. When prepare is not nil, Read calls it on each
	// document as soon as the document is read, from up to
	// st.Params.EffectiveWorkers() goroutines at once, and keeps the
	// document as prepare left it. Run(ctx, st, p) is Read(ctx, st, p, nil).
	Read(ctx context.Context, st *State, p Progress, prepare func(d *Doc) error) error
}

// RunDocs runs a DocStage on every document of st, on the run's workers: the
// Run method of a DocStage, when it runs on its own.
func RunDocs(ctx context.Context, s DocStage, st *State, p Progress) error {
	chain, err := newChain(st.Params, []DocStage{s})
	if err != nil {
		return err
	}
	chain.alone = true
	p.Start(s.Name(), len(st.Docs))
	return ForEach(ctx, len(st.Docs), st.Params.EffectiveWorkers(), p, func(i int) error {
		return chain.run(st.Docs[i])
	})
}

// chain runs a list of DocStages on one document after another. It holds
// one set of DocFuncs per worker, handed out through a channel, and sums the
// time spent in each stage.
type chain struct {
	stages []DocStage
	funcs  chan []func(*Doc) error
	busy   []atomic.Int64 // nanoseconds spent in each stage, over all workers
	alone  bool           // one stage run on its own, whose name Run already gives errors
}

func newChain(p Params, stages []DocStage) (*chain, error) {
	workers := p.EffectiveWorkers()
	c := &chain{stages: stages, funcs: make(chan []func(*Doc) error, workers), busy: make([]atomic.Int64, len(stages))}
	for range workers {
		fs := make([]func(*Doc) error, len(stages))
		for i, s := range stages {
			f, err := s.DocFunc(p)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", s.Name(), err)
			}
			fs[i] = f
		}
		c.funcs <- fs
	}
	return c, nil
}

func (c *chain) run(d *Doc) error {
	fs := <-c.funcs
	defer func() { c.funcs <- fs }()
	for i, f := range fs {
		begin := time.Now()
		err := f(d)
		c.busy[i].Add(int64(time.Since(begin)))
		switch {
		case err != nil && c.alone:
			return fmt.Errorf("%s: %w", d.ID, err)
		case err != nil:
			return fmt.Errorf("%s: %s: %w", c.stages[i].Name(), d.ID, err)
		}
	}
	return nil
}

// Progress receives a stage's progress. Implementations must be safe for
// concurrent use.
type Progress interface {
	// Start announces a stage with total units of work (0 if unknown).
	Start(stage string, total int)
	// Add reports n more units done (bytes, after StartBytes).
	Add(n int)
	// Done closes the stage with a one-line summary.
	Done(summary string)
}

// ByteProgress is a Progress that can also show a stage's work in bytes,
// with their rate, rather than as a count of items: a stage whose work is
// reading files (load) knows their size before it reads them, where it
// cannot know how many articles they hold.
type ByteProgress interface {
	Progress
	// StartBytes announces a stage with total bytes of work (0 if
	// unknown); its Add calls then report bytes.
	StartBytes(stage string, total int64)
}

// StartBytes announces stage on p with total bytes of work: through
// p.StartBytes when p is a ByteProgress, else through p.Start, the bytes
// being the units. Either way the stage then reports bytes to p.Add.
func StartBytes(p Progress, stage string, total int64) {
	if bp, ok := p.(ByteProgress); ok {
		bp.StartBytes(stage, total)
		return
	}
	p.Start(stage, int(min(total, math.MaxInt)))
}

// NoProgress discards all progress.
type NoProgress struct{}

// Start implements Progress.
func (NoProgress) Start(string, int) {}

// Add implements Progress.
func (NoProgress) Add(int) {}

// Done implements Progress.
func (NoProgress) Done(string) {}

// Summarizer is implemented by stages that describe their result in one
// line for progress output.
type Summarizer interface {
	Summary(st *State) string
}

// Run runs stages in order on st, timing each, and stops at the first error
// or when ctx is cancelled.
func Run(ctx context.Context, stages []Stage, st *State, p Progress) error {
	if p == nil {
		p = NoProgress{}
	}
	if st.Started.IsZero() {
		st.Started = time.Now()
	}
	for i := 0; i < len(stages); i++ {
		s := stages[i]
		if err := ctx.Err(); err != nil {
			return err
		}
		var fused []DocStage
		if _, ok := s.(Source); ok {
			for _, next := range stages[i+1:] {
				ds, ok := next.(DocStage)
				if !ok {
					break
				}
				fused = append(fused, ds)
			}
		}
		begin, cpuBegin := time.Now(), processCPU()
		p.Start(s.Name(), 0)
		var err error
		var c *chain
		if len(fused) > 0 {
			if c, err = newChain(st.Params, fused); err == nil {
				err = s.(Source).Read(ctx, st, p, c.run)
			}
		} else {
			err = s.Run(ctx, st, p)
		}
		if err != nil {
			p.Done(s.Name() + ": failed")
			return fmt.Errorf("%s: %w", s.Name(), err)
		}
		elapsed, cpu := time.Since(begin), processCPU()-cpuBegin
		heap := heapMB()
		st.Timings = append(st.Timings, StageTiming{Stage: s.Name(), Seconds: elapsed.Seconds(), HeapMB: heap, CPUSeconds: cpu.Seconds()})
		p.Done(fmt.Sprintf("%-11s %7.2fs %6.0f MiB heap  %s", s.Name(), elapsed.Seconds(), heap, summary(s, st)))
		for j, ds := range fused {
			busy := time.Duration(c.busy[j].Load()).Seconds()
			st.Timings = append(st.Timings, StageTiming{Stage: ds.Name(), Seconds: busy, FusedInto: s.Name()})
			p.Start(ds.Name(), 0)
			p.Done(fmt.Sprintf("%-11s %7.2fs busy, within %s  %s", ds.Name(), busy, s.Name(), summary(ds, st)))
		}
		i += len(fused)
	}
	return nil
}

func heapMB() float64 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return float64(ms.HeapInuse) / (1 << 20)
}

func summary(s Stage, st *State) string {
	if sm, ok := s.(Summarizer); ok {
		return sm.Summary(st)
	}
	return ""
}

// ForEach calls fn(i) for i in [0, n) on workers goroutines, reporting each
// finished item to p. It stops early and returns the first error, or ctx's
// error when ctx is cancelled. fn must only touch state owned by item i.
func ForEach(ctx context.Context, n, workers int, p Progress, fn func(i int) error) error {
	if workers < 1 {
		workers = 1
	}
	if p == nil {
		p = NoProgress{}
	}
	var (
		next     atomic.Int64
		firstErr error
		once     sync.Once
		failed   atomic.Bool
		wg       sync.WaitGroup
	)
	// Items are claimed in batches, so that cheap items do not contend on
	// next, but small enough that every worker gets a share of a short list
	// of expensive items (files, bands, shards).
	batch := max(1, min(64, n/(8*workers)))
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !failed.Load() {
				if err := ctx.Err(); err != nil {
					once.Do(func() { firstErr = err })
					failed.Store(true)
					return
				}
				start := int(next.Add(int64(batch))) - batch
				if start >= n {
					return
				}
				end := min(start+batch, n)
				for i := start; i < end; i++ {
					if err := fn(i); err != nil {
						once.Do(func() { firstErr = err })
						failed.Store(true)
						return
					}
				}
				p.Add(end - start)
			}
		}()
	}
	wg.Wait()
	return firstErr
}
