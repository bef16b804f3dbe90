package pipeline

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unsafe"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Params)
		want   string // substring of the error; "" for valid
	}{
		{"defaults", func(*Params) {}, ""},
		{"shingle size 1", func(p *Params) { p.ShingleSize = 1 }, ""},
		{"shingle size 16", func(p *Params) { p.ShingleSize = 16 }, ""},
		{"shingle size 0", func(p *Params) { p.ShingleSize = 0 }, "shingle size 0"},
		{"shingle size 17", func(p *Params) { p.ShingleSize = 17 }, "shingle size 17"},
		{"num hash 8", func(p *Params) { p.NumHash = 8 }, ""},
		{"num hash 7", func(p *Params) { p.NumHash = 7 }, "signature size 7"},
		{"num hash 1025", func(p *Params) { p.NumHash = 1025 }, "signature size 1025"},
		{"passage threshold 0", func(p *Params) { p.PassageThreshold = 0 }, "passage threshold 0"},
		{"passage threshold 1", func(p *Params) { p.PassageThreshold = 1 }, "passage threshold 1"},
		{"min shared 0", func(p *Params) { p.MinShared = 0 }, "min shared shingles 0"},
		{"min containment 0", func(p *Params) { p.MinContainment = 0 }, ""},
		{"min containment 1", func(p *Params) { p.MinContainment = 1 }, ""},
		{"min containment 1.5", func(p *Params) { p.MinContainment = 1.5 }, "min containment 1.5"},
		{"min containment negative", func(p *Params) { p.MinContainment = -0.1 }, "min containment -0.1"},
		{"min evidence 0", func(p *Params) { p.MinEvidence = 0 }, ""},
		{"min evidence negative", func(p *Params) { p.MinEvidence = -1 }, "min evidence -1"},
		{"doc threshold 1", func(p *Params) { p.DocThreshold = 1 }, ""},
		{"doc threshold 0", func(p *Params) { p.DocThreshold = 0 }, "document threshold 0"},
		{"repeat df 2", func(p *Params) { p.RepeatDF = 2 }, ""},
		{"repeat df 1", func(p *Params) { p.RepeatDF = 1 }, "repeat df 1"},
		{"common df negative", func(p *Params) { p.CommonDF = -1 }, "common df -1"},
		{"common df 10", func(p *Params) { p.CommonDF = 10 }, ""},
		{"workers negative", func(p *Params) { p.Workers = -1 }, "workers -1"},
		{"workers 3", func(p *Params) { p.Workers = 3 }, ""},
		{"max article bytes 0", func(p *Params) { p.MaxArticleBytes = 0 }, "max article bytes 0"},
		{"near-dup shared 0", func(p *Params) { p.NearDupShared = 0 }, "near-duplicate shared shingles 0"},
		{"near-dup containment 2", func(p *Params) { p.NearDupContainment = 2 }, "near-duplicate containment 2"},
		{"first bad setting wins", func(p *Params) { p.ShingleSize, p.Workers = 0, -1 }, "shingle size 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := DefaultParams()
			tt.change(&p)
			err := p.Validate()
			if tt.want == "" {
				if err != nil {
					t.Fatalf("got error %q, want none", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("got no error, want one containing %q", tt.want)
			}
			if !errors.Is(err, ErrParams) {
				t.Errorf("got %q, want it to wrap ErrParams", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %q, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestEffectiveValues(t *testing.T) {
	tests := []struct {
		name     string
		commonDF int
		articles int
		want     int
	}{
		{"auto, small corpus", 0, 10, 50},
		{"auto, 5000 articles", 0, 5000, 50},
		{"auto, 5100 articles", 0, 5100, 51},
		{"auto, 20000 articles", 0, 20000, 200},
		{"auto, 20100 articles: capped", 0, 20100, 200},
		{"auto, 100000 articles: capped", 0, 100000, 200},
		{"explicit", 7, 100000, 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := DefaultParams()
			p.CommonDF = tt.commonDF
			if got := p.EffectiveCommonDF(tt.articles); got != tt.want {
				t.Errorf("got %d, want %d", got, tt.want)
			}
		})
	}
	p := DefaultParams()
	p.Workers = 3
	if got := p.EffectiveWorkers(); got != 3 {
		t.Errorf("EffectiveWorkers with Workers=3: got %d, want 3", got)
	}
	p.Workers = 0
	if got := p.EffectiveWorkers(); got < 1 {
		t.Errorf("EffectiveWorkers with Workers=0: got %d, want at least 1", got)
	}
}

func TestMatching(t *testing.T) {
	p := DefaultParams()
	p.Input, p.Out, p.Workers = "in", "out", 4
	m := p.Matching()
	if m.Input != "" || m.Out != "" || m.Workers != 0 {
		t.Errorf("got %+v, want folders, workers and shards cleared", m)
	}
	q := DefaultParams()
	q.Input, q.Out, q.Workers = "elsewhere", "other", 1
	if m != q.Matching() {
		t.Errorf("got %+v and %+v, want equal matching params", m, q.Matching())
	}
	q.MinShared++
	if m == q.Matching() {
		t.Errorf("got equal matching params after changing MinShared, want them to differ")
	}
}

// countProgress counts the units reported to it.
type countProgress struct {
	added atomic.Int64
	mu    sync.Mutex
	log   []string
}

func (c *countProgress) Start(stage string, total int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.log = append(c.log, "start "+stage)
}
func (c *countProgress) Add(n int) { c.added.Add(int64(n)) }
func (c *countProgress) Done(summary string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.log = append(c.log, "done "+summary)
}

// startLog records how stages were announced to it.
type startLog struct {
	NoProgress
	log []string
}

func (s *startLog) Start(stage string, total int) {
	s.log = append(s.log, fmt.Sprintf("Start %s %d", stage, total))
}

// byteLog is a startLog that shows bytes.
type byteLog struct{ startLog }

func (b *byteLog) StartBytes(stage string, total int64) {
	b.log = append(b.log, fmt.Sprintf("StartBytes %s %d", stage, total))
}

var _ ByteProgress = (*byteLog)(nil)

func TestStartBytes(t *testing.T) {
	tests := []struct {
		name  string
		bytes bool // the progress is a ByteProgress
		total int64
		want  string
	}{
		{"byte progress", true, 5 << 30, "StartBytes load 5368709120"},
		{"byte progress, size unknown", true, 0, "StartBytes load 0"},
		{"plain progress counts bytes as units", false, 5 << 30, "Start load 5368709120"},
		{"plain progress, size unknown", false, 0, "Start load 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p Progress
			var log *[]string
			if tt.bytes {
				b := &byteLog{}
				p, log = b, &b.log
			} else {
				s := &startLog{}
				p, log = s, &s.log
			}
			StartBytes(p, "load", tt.total)
			if want := []string{tt.want}; !slices.Equal(*log, want) {
				t.Errorf("got %q, want %q", *log, want)
			}
		})
	}
}

func TestForEach(t *testing.T) {
	tests := []struct {
		name       string
		n, workers int
	}{
		{"empty", 0, 2},
		{"one item", 1, 1},
		{"one batch", 64, 3},
		{"batch and one", 65, 2},
		{"many items, one worker", 1000, 1},
		{"many items, three workers", 1000, 3},
		{"zero workers means one", 100, 0},
		{"more workers than items", 5, 16},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := make([]atomic.Int32, tt.n)
			var p countProgress
			err := ForEach(context.Background(), tt.n, tt.workers, &p, func(i int) error {
				calls[i].Add(1)
				return nil
			})
			if err != nil {
				t.Fatalf("got error %q, want none", err)
			}
			for i := range calls {
				if got := calls[i].Load(); got != 1 {
					t.Errorf("item %d: got %d calls, want 1", i, got)
				}
			}
			if got := p.added.Load(); got != int64(tt.n) {
				t.Errorf("progress: got %d units, want %d", got, tt.n)
			}
		})
	}
}

func TestForEachError(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name       string
		n, workers int
		failAt     int
	}{
		{"first item", 100, 1, 0},
		{"middle of a batch", 500, 1, 70},
		{"last item", 200, 1, 199},
		{"several workers", 5000, 3, 1000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var maxSeen atomic.Int64
			maxSeen.Store(-1)
			err := ForEach(context.Background(), tt.n, tt.workers, nil, func(i int) error {
				for {
					m := maxSeen.Load()
					if int64(i) <= m || maxSeen.CompareAndSwap(m, int64(i)) {
						break
					}
				}
				if i == tt.failAt {
					return fmt.Errorf("item %d: %w", i, boom)
				}
				return nil
			})
			if !errors.Is(err, boom) {
				t.Fatalf("got %v, want an error wrapping %q", err, boom)
			}
			if want := fmt.Sprintf("item %d: boom", tt.failAt); err.Error() != want {
				t.Errorf("got %q, want %q", err, want)
			}
			// One worker walks the items in order and stops at the failure.
			if tt.workers == 1 && maxSeen.Load() != int64(tt.failAt) {
				t.Errorf("one worker went on to item %d after failing at %d", maxSeen.Load(), tt.failAt)
			}
		})
	}
}

func TestForEachCancel(t *testing.T) {
	t.Run("cancelled before start", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		var calls atomic.Int32
		err := ForEach(ctx, 1000, 3, nil, func(int) error { calls.Add(1); return nil })
		if !errors.Is(err, context.Canceled) {
			t.Errorf("got %v, want %v", err, context.Canceled)
		}
		if calls.Load() != 0 {
			t.Errorf("got %d calls, want 0", calls.Load())
		}
	})
	t.Run("cancelled midway", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		const n = 10000
		var calls atomic.Int32
		err := ForEach(ctx, n, 2, nil, func(i int) error {
			if calls.Add(1) == 100 {
				cancel()
			}
			return nil
		})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("got %v, want %v", err, context.Canceled)
		}
		// Workers finish the batch they hold (64 items) and then stop.
		if got := calls.Load(); got >= n {
			t.Errorf("got %d calls, want fewer than %d after cancelling", got, n)
		}
	})
}

// fakeStage records that it ran and returns err.
type fakeStage struct {
	name    string
	err     error
	cancel  context.CancelFunc
	ran     *[]string
	summary string
}

func (f fakeStage) Name() string { return f.name }
func (f fakeStage) Run(ctx context.Context, st *State, p Progress) error {
	*f.ran = append(*f.ran, f.name)
	st.Counts[f.name]++
	if f.cancel != nil {
		f.cancel()
	}
	return f.err
}

type summaryStage struct{ fakeStage }

func (s summaryStage) Summary(*State) string { return s.summary }

func TestRun(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name       string
		stages     func(ran *[]string, cancel context.CancelFunc) []Stage
		precancel  bool
		wantRan    string
		wantErr    error
		wantMsg    string // exact error text, when wantErr is set
		wantTimed  string
		wantInDone string
	}{
		{
			name: "all stages in order",
			stages: func(ran *[]string, _ context.CancelFunc) []Stage {
				return []Stage{fakeStage{name: "a", ran: ran}, fakeStage{name: "b", ran: ran}, fakeStage{name: "c", ran: ran}}
			},
			wantRan: "a b c", wantTimed: "a b c",
		},
		{
			name: "stops at the first error",
			stages: func(ran *[]string, _ context.CancelFunc) []Stage {
				return []Stage{fakeStage{name: "a", ran: ran}, fakeStage{name: "b", ran: ran, err: boom}, fakeStage{name: "c", ran: ran, err: errors.New("second")}}
			},
			wantRan: "a b", wantErr: boom, wantMsg: "b: boom", wantTimed: "a", wantInDone: "b: failed",
		},
		{
			name: "cancelled before any stage",
			stages: func(ran *[]string, _ context.CancelFunc) []Stage {
				return []Stage{fakeStage{name: "a", ran: ran}}
			},
			precancel: true,
			wantRan:   "", wantErr: context.Canceled, wantMsg: context.Canceled.Error(), wantTimed: "",
		},
		{
			name: "a stage cancels: the next does not run",
			stages: func(ran *[]string, cancel context.CancelFunc) []Stage {
				return []Stage{fakeStage{name: "a", ran: ran, cancel: cancel}, fakeStage{name: "b", ran: ran}}
			},
			wantRan: "a", wantErr: context.Canceled, wantMsg: context.Canceled.Error(), wantTimed: "a",
		},
		{
			name: "summary goes to progress",
			stages: func(ran *[]string, _ context.CancelFunc) []Stage {
				return []Stage{summaryStage{fakeStage{name: "a", ran: ran, summary: "42 things"}}}
			},
			wantRan: "a", wantTimed: "a", wantInDone: "42 things",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tt.precancel {
				cancel()
			}
			var ran []string
			st := NewState(DefaultParams())
			var p countProgress
			err := Run(ctx, tt.stages(&ran, cancel), st, &p)
			if got := strings.Join(ran, " "); got != tt.wantRan {
				t.Errorf("ran: got %q, want %q", got, tt.wantRan)
			}
			switch {
			case tt.wantErr == nil && err != nil:
				t.Errorf("got error %q, want none", err)
			case tt.wantErr != nil && !errors.Is(err, tt.wantErr):
				t.Errorf("got %v, want an error wrapping %q", err, tt.wantErr)
			case tt.wantErr != nil && err.Error() != tt.wantMsg:
				t.Errorf("got %q, want %q", err, tt.wantMsg)
			}
			var timed []string
			for _, tm := range st.Timings {
				timed = append(timed, tm.Stage)
				if tm.Seconds < 0 {
					t.Errorf("stage %s: got %v seconds, want at least 0", tm.Stage, tm.Seconds)
				}
			}
			if got := strings.Join(timed, " "); got != tt.wantTimed {
				t.Errorf("timings: got %q, want %q", got, tt.wantTimed)
			}
			if st.Started.IsZero() {
				t.Errorf("got zero Started, want it set")
			}
			if tt.wantInDone != "" && !strings.Contains(strings.Join(p.log, "\n"), tt.wantInDone) {
				t.Errorf("progress log %q, want it to contain %q", p.log, tt.wantInDone)
			}
		})
	}
}

func TestRunKeepsStarted(t *testing.T) {
	st := NewState(DefaultParams())
	start := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	st.Started = start
	if err := Run(context.Background(), nil, st, nil); err != nil {
		t.Fatal(err)
	}
	if !st.Started.Equal(start) {
		t.Errorf("got %v, want %v", st.Started, start)
	}
}

func TestSentenceContent(t *testing.T) {
	tests := []struct {
		reason Reason
		want   bool
	}{{ReasonNone, true}, {ReasonMarkup, false}, {ReasonEdgeRepeat, false}}
	for _, tt := range tests {
		t.Run(tt.reason.String(), func(t *testing.T) {
			s := Sentence{Boilerplate: tt.reason}
			if got := s.Content(); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// TestSentenceSize: a corpus holds tens of millions of sentences, so a
// field added in the wrong place (where it breaks the packing) shows here.
func TestSentenceSize(t *testing.T) {
	if unsafe.Sizeof(uintptr(0)) != 8 {
		t.Skip("sizes measured on 64-bit platforms")
	}
	if got := unsafe.Sizeof(Sentence{}); got > 128 {
		t.Errorf("Sentence is %d bytes, want at most 128", got)
	}
}

// TestReasonNames: every reason has its own name, as run.json counts it.
func TestReasonNames(t *testing.T) {
	seen := map[string]Reason{}
	for r := ReasonNone; r <= ReasonTeaser; r++ {
		name := r.String()
		if (name == "") != (r == ReasonNone) {
			t.Errorf("reason %d: got name %q", r, name)
		}
		if prev, dup := seen[name]; dup {
			t.Errorf("reasons %d and %d are both %q", prev, r, name)
		}
		seen[name] = r
	}
	if got, want := ReasonShortLine.String(), "short-line"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := (ReasonTeaser + 1).String(); got != "reason(12)" {
		t.Errorf("an unknown reason: got %q, want reason(12)", got)
	}
}

func TestPublisherAndOutlet(t *testing.T) {
	tests := []struct {
		a                 Article
		publisher, outlet string
	}{
		{Article{Source: "Reuters", URL: "https://www.example.com/x"}, "Reuters", "Reuters"},
		{Article{URL: "https://WWW.Example.com/news/1"}, "example.com", "example.com"},
		{Article{SourcePath: "kyiv/a.txt"}, "", "folder:kyiv"},
		{Article{SourcePath: "a.txt", URL: "not a url"}, "", "folder:."},
	}
	for _, tt := range tests {
		if got := tt.a.Publisher(); got != tt.publisher {
			t.Errorf("%+v: Publisher() = %q, want %q", tt.a, got, tt.publisher)
		}
		if got := tt.a.Outlet(); got != tt.outlet {
			t.Errorf("%+v: Outlet() = %q, want %q", tt.a, got, tt.outlet)
		}
	}
}

func TestHost(t *testing.T) {
	tests := []struct{ url, want string }{
		{"https://www.example.org/a", "example.org"},
		{"https://example.org/a", "example.org"},
		{"HTTP://WWW.Example.ORG:8080/a", "example.org"},
		{"https://news.example.org/a", "news.example.org"},
		{"https://wwwexample.org/a", "wwwexample.org"},
		{"/relative/path", ""},
		{"example.org/a", ""},
		{"", ""},
		{"https://[::1]:80/a", "::1"},
	}
	for _, tt := range tests {
		if got := Host(tt.url); got != tt.want {
			t.Errorf("Host(%q) = %q, want %q", tt.url, got, tt.want)
		}
	}
}
