package pipeline

import (
	"context"
	"fmt"
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

// Progress receives a stage's progress. Implementations must be safe for
// concurrent use.
type Progress interface {
	// Start announces a stage with total units of work (0 if unknown).
	Start(stage string, total int)
	// Add reports n more units done.
	Add(n int)
	// Done closes the stage with a one-line summary.
	Done(summary string)
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
	for _, s := range stages {
		if err := ctx.Err(); err != nil {
			return err
		}
		begin := time.Now()
		p.Start(s.Name(), 0)
		if err := s.Run(ctx, st, p); err != nil {
			p.Done(s.Name() + ": failed")
			return fmt.Errorf("%s: %w", s.Name(), err)
		}
		elapsed := time.Since(begin)
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		heap := float64(ms.HeapInuse) / (1 << 20)
		st.Timings = append(st.Timings, StageTiming{Stage: s.Name(), Seconds: elapsed.Seconds(), HeapMB: heap})
		summary := ""
		if sm, ok := s.(Summarizer); ok {
			summary = sm.Summary(st)
		}
		p.Done(fmt.Sprintf("%-11s %7.2fs %6.0f MiB heap  %s", s.Name(), elapsed.Seconds(), heap, summary))
	}
	return nil
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
