package main

import (
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/dedupe/dedupe/pipeline"
)

// progress shows one bar per stage when w is a terminal, and one summary
// line per stage otherwise (logs of nightly runs stay readable).
type progress struct {
	w   io.Writer
	tty bool
	mu  sync.Mutex
	bar *progressbar.ProgressBar
}

func newProgress(w io.Writer) *progress {
	p := &progress{w: w}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.tty = true
	}
	return p
}

// Start implements pipeline.Progress: a bar of items, or a spinner when
// total is unknown.
func (p *progress) Start(stage string, total int) {
	p.start(stage, int64(total), progressbar.OptionShowCount())
}

// StartBytes implements pipeline.ByteProgress: a bar of bytes, with the
// bytes done of the total, the rate and the time left.
func (p *progress) StartBytes(stage string, total int64) {
	p.start(stage, total, progressbar.OptionShowBytes(true), progressbar.OptionShowCount())
}

var _ pipeline.ByteProgress = (*progress)(nil)

func (p *progress) start(stage string, total int64, show ...progressbar.Option) {
	if !p.tty {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if total <= 0 {
		if p.bar != nil {
			// A stage announced again with its real size replaces its spinner.
			return
		}
		total = -1
	} else if p.bar != nil {
		p.bar.Exit()
	}
	p.bar = progressbar.NewOptions64(total, append(show,
		progressbar.OptionSetWriter(p.w),
		progressbar.OptionSetDescription(fmt.Sprintf("%-11s", stage)),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100_000_000),
		progressbar.OptionClearOnFinish(),
	)...)
}

func (p *progress) Add(n int) {
	if !p.tty {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		p.bar.Add(n)
	}
}

func (p *progress) Done(summary string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		p.bar.Finish()
		p.bar.Exit()
		p.bar = nil
	}
	fmt.Fprintf(p.w, "dedupe: %s\n", summary)
}
