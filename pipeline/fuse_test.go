package pipeline

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// trace is a log of events, safe for concurrent use.
type trace struct {
	mu     sync.Mutex
	events []string
}

func (tr *trace) add(format string, args ...any) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	tr.events = append(tr.events, fmt.Sprintf(format, args...))
}

// runs returns the events that record a call of a stage's Run, in order.
func (tr *trace) runs() []string {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	var out []string
	for _, e := range tr.events {
		if strings.HasSuffix(e, " run") {
			out = append(out, e)
		}
	}
	return out
}

// fakeSource makes n documents d0, d1, ... one at a time, handing each to
// prepare before it makes the next.
type fakeSource struct {
	name string
	n    int
	tr   *trace
}

func (s fakeSource) Name() string { return s.name }

func (s fakeSource) Run(ctx context.Context, st *State, p Progress) error {
	s.tr.add("%s run", s.name)
	return s.Read(ctx, st, p, nil)
}

func (s fakeSource) Read(ctx context.Context, st *State, p Progress, prepare func(*Doc) error) error {
	for i := range s.n {
		d := &Doc{Article: Article{ID: fmt.Sprintf("d%d", i)}}
		s.tr.add("read %s", d.ID)
		if prepare != nil {
			if err := prepare(d); err != nil {
				return err
			}
		}
		st.Docs = append(st.Docs, d)
	}
	return nil
}

// fakeDocStage appends its name to the Title of each document it sees, so
// that the Title spells the stages a document went through, in order.
type fakeDocStage struct {
	name     string
	tr       *trace
	funcs    *atomic.Int32 // DocFunc calls, if not nil
	failOn   string        // the id of a document the stage fails on
	setupErr error         // returned by DocFunc itself
}

var errBoom = errors.New("boom")

func (s fakeDocStage) Name() string { return s.name }

func (s fakeDocStage) Run(ctx context.Context, st *State, p Progress) error {
	s.tr.add("%s run", s.name)
	return RunDocs(ctx, s, st, p)
}

func (s fakeDocStage) DocFunc(Params) (func(*Doc) error, error) {
	if s.funcs != nil {
		s.funcs.Add(1)
	}
	if s.setupErr != nil {
		return nil, s.setupErr
	}
	return func(d *Doc) error {
		if d.ID == s.failOn {
			return errBoom
		}
		s.tr.add("%s %s", s.name, d.ID)
		d.Title += s.name
		return nil
	}, nil
}

// funcStage is an ordinary stage that logs its run and calls fn.
type funcStage struct {
	name string
	tr   *trace
	fn   func(st *State) error
}

func (s funcStage) Name() string { return s.name }

func (s funcStage) Run(_ context.Context, st *State, _ Progress) error {
	s.tr.add("%s run", s.name)
	if s.fn == nil {
		return nil
	}
	return s.fn(st)
}

// titles returns the Title of every document.
func titles(st *State) []string {
	var out []string
	for _, d := range st.Docs {
		out = append(out, d.Title)
	}
	return out
}

// timingsOf returns "stage>fused-into" (or "stage") for each timing.
func timingsOf(st *State) []string {
	var out []string
	for _, tm := range st.Timings {
		s := tm.Stage
		if tm.FusedInto != "" {
			s += ">" + tm.FusedInto
		}
		out = append(out, s)
	}
	return out
}

// TestRunFusesDocStages: the DocStages right after a Source run inside it,
// one document at a time as the source reads it, and never through their
// own Run.
func TestRunFusesDocStages(t *testing.T) {
	const n = 5
	tr := &trace{}
	var aFuncs, bFuncs atomic.Int32
	var seenByC []string
	stages := []Stage{
		fakeSource{name: "src", n: n, tr: tr},
		fakeDocStage{name: "a", tr: tr, funcs: &aFuncs},
		fakeDocStage{name: "b", tr: tr, funcs: &bFuncs},
		funcStage{name: "c", tr: tr, fn: func(st *State) error {
			seenByC = titles(st)
			return nil
		}},
	}
	p := DefaultParams()
	p.Workers = 2
	st := NewState(p)
	var prog countProgress
	if err := Run(context.Background(), stages, st, &prog); err != nil {
		t.Fatal(err)
	}

	// Each document goes through a then b before the source reads the
	// next one; neither a nor b is Run, and c runs once they are done.
	var want []string
	for i := range n {
		want = append(want, fmt.Sprintf("read d%d", i), fmt.Sprintf("a d%d", i), fmt.Sprintf("b d%d", i))
	}
	want = append(want, "c run")
	if !slices.Equal(tr.events, want) {
		t.Errorf("events:\ngot  %q\nwant %q", tr.events, want)
	}
	if wantTitles := slices.Repeat([]string{"ab"}, n); !slices.Equal(seenByC, wantTitles) {
		t.Errorf("titles when c ran: got %q, want %q", seenByC, wantTitles)
	}
	// One set of DocFuncs per worker.
	if aFuncs.Load() != 2 || bFuncs.Load() != 2 {
		t.Errorf("DocFunc calls: got a %d, b %d, want 2 each (one per worker)", aFuncs.Load(), bFuncs.Load())
	}

	if got, want := timingsOf(st), []string{"src", "a>src", "b>src", "c"}; !slices.Equal(got, want) {
		t.Errorf("timings: got %q, want %q", got, want)
	}
	for _, tm := range st.Timings {
		if tm.Seconds < 0 {
			t.Errorf("stage %s: got %v seconds, want at least 0", tm.Stage, tm.Seconds)
		}
		if tm.FusedInto != "" && (tm.HeapMB != 0 || tm.CPUSeconds != 0) {
			t.Errorf("fused stage %s: got heap %v MiB, CPU %v s, want 0", tm.Stage, tm.HeapMB, tm.CPUSeconds)
		}
	}
	// Progress still shows every stage, the fused ones as within the source.
	log := strings.Join(prog.log, "\n")
	for _, s := range []string{"start src", "start a", "start b", "start c"} {
		if !strings.Contains(log, s) {
			t.Errorf("progress log %q, want it to contain %q", prog.log, s)
		}
	}
	if strings.Count(log, "within src") != 2 {
		t.Errorf("progress log %q, want 2 lines saying %q", prog.log, "within src")
	}
}

// TestRunFusionLayouts: only the unbroken run of DocStages right after a
// Source is fused; any other DocStage runs through its own Run (RunDocs).
// Either way each DocStage gets one DocFunc per worker.
func TestRunFusionLayouts(t *testing.T) {
	const n, workers = 40, 3
	tests := []struct {
		name   string
		stages func(tr *trace, funcs map[string]*atomic.Int32) []Stage
		runs   []string // Run calls, in order
		title  string   // of every document at the end
		timed  []string // see timingsOf
	}{
		{
			name: "source, two doc stages, ordinary stage",
			stages: func(tr *trace, f map[string]*atomic.Int32) []Stage {
				return []Stage{fakeSource{"src", n, tr}, fakeDocStage{name: "a", tr: tr, funcs: f["a"]}, fakeDocStage{name: "b", tr: tr, funcs: f["b"]}, funcStage{name: "c", tr: tr}}
			},
			runs: []string{"c run"}, title: "ab", timed: []string{"src", "a>src", "b>src", "c"},
		},
		{
			name: "an ordinary stage between source and doc stage",
			stages: func(tr *trace, f map[string]*atomic.Int32) []Stage {
				return []Stage{fakeSource{"src", n, tr}, funcStage{name: "c", tr: tr}, fakeDocStage{name: "a", tr: tr, funcs: f["a"]}}
			},
			runs: []string{"src run", "c run", "a run"}, title: "a", timed: []string{"src", "c", "a"},
		},
		{
			name: "fusion stops at an ordinary stage",
			stages: func(tr *trace, f map[string]*atomic.Int32) []Stage {
				return []Stage{fakeSource{"src", n, tr}, fakeDocStage{name: "a", tr: tr, funcs: f["a"]}, funcStage{name: "c", tr: tr}, fakeDocStage{name: "b", tr: tr, funcs: f["b"]}}
			},
			runs: []string{"c run", "b run"}, title: "ab", timed: []string{"src", "a>src", "c", "b"},
		},
		{
			name: "no source",
			stages: func(tr *trace, f map[string]*atomic.Int32) []Stage {
				fill := funcStage{name: "fill", tr: tr, fn: func(st *State) error {
					for i := range n {
						st.Docs = append(st.Docs, &Doc{Article: Article{ID: fmt.Sprintf("d%d", i)}})
					}
					return nil
				}}
				return []Stage{fill, fakeDocStage{name: "a", tr: tr, funcs: f["a"]}, fakeDocStage{name: "b", tr: tr, funcs: f["b"]}}
			},
			runs: []string{"fill run", "a run", "b run"}, title: "ab", timed: []string{"fill", "a", "b"},
		},
		{
			name: "doc stage before the source",
			stages: func(tr *trace, f map[string]*atomic.Int32) []Stage {
				return []Stage{fakeDocStage{name: "a", tr: tr, funcs: f["a"]}, fakeSource{"src", n, tr}, fakeDocStage{name: "b", tr: tr, funcs: f["b"]}}
			},
			runs: []string{"a run"}, title: "b", timed: []string{"a", "src", "b>src"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := &trace{}
			funcs := map[string]*atomic.Int32{"a": {}, "b": {}}
			stages := tt.stages(tr, funcs)
			p := DefaultParams()
			p.Workers = workers
			st := NewState(p)
			if err := Run(context.Background(), stages, st, nil); err != nil {
				t.Fatal(err)
			}
			if got := tr.runs(); !slices.Equal(got, tt.runs) {
				t.Errorf("Run calls: got %q, want %q", got, tt.runs)
			}
			if len(st.Docs) != n {
				t.Fatalf("got %d docs, want %d", len(st.Docs), n)
			}
			if want := slices.Repeat([]string{tt.title}, n); !reflect.DeepEqual(titles(st), want) {
				t.Errorf("titles: got %q, want %q", titles(st), want)
			}
			if got := timingsOf(st); !slices.Equal(got, tt.timed) {
				t.Errorf("timings: got %q, want %q", got, tt.timed)
			}
			for _, s := range stages {
				if _, ok := s.(DocStage); !ok {
					continue
				}
				if got := funcs[s.Name()].Load(); got != workers {
					t.Errorf("stage %s: got %d DocFunc calls, want %d (one per worker)", s.Name(), got, workers)
				}
			}
		})
	}
}

// TestRunDocStageError: a document's error stops the source and the run,
// and says which stage failed on which document; so does a DocFunc that
// cannot set up.
func TestRunDocStageError(t *testing.T) {
	noModel := errors.New("no model")
	tests := []struct {
		name    string
		stages  func(tr *trace) []Stage
		wantErr error
		wantMsg string // the error's text ends with it
		notIn   string // an event that must not happen
	}{
		{
			name: "fused stage fails on a document",
			stages: func(tr *trace) []Stage {
				return []Stage{fakeSource{"src", 10, tr}, fakeDocStage{name: "a", tr: tr}, fakeDocStage{name: "b", tr: tr, failOn: "d2"}, funcStage{name: "c", tr: tr}}
			},
			wantErr: errBoom, wantMsg: "src: b: d2: boom", notIn: "read d3",
		},
		{
			name: "fused stage cannot set up",
			stages: func(tr *trace) []Stage {
				return []Stage{fakeSource{"src", 10, tr}, fakeDocStage{name: "a", tr: tr, setupErr: noModel}, funcStage{name: "c", tr: tr}}
			},
			wantErr: noModel, wantMsg: "src: a: no model", notIn: "read d0",
		},
		{
			name: "stage on its own fails on a document",
			stages: func(tr *trace) []Stage {
				return []Stage{fakeSource{"src", 10, tr}, funcStage{name: "c", tr: tr}, fakeDocStage{name: "b", tr: tr, failOn: "d7"}, funcStage{name: "e", tr: tr}}
			},
			wantErr: errBoom, wantMsg: "b: d7: boom", notIn: "e run",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := &trace{}
			p := DefaultParams()
			p.Workers = 2
			st := NewState(p)
			err := Run(context.Background(), tt.stages(tr), st, nil)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("got %v, want an error wrapping %q", err, tt.wantErr)
			}
			if !strings.HasSuffix(err.Error(), tt.wantMsg) {
				t.Errorf("got %q, want it to end with %q", err, tt.wantMsg)
			}
			if slices.Contains(tr.events, tt.notIn) {
				t.Errorf("events %q, want no %q after the error", tr.events, tt.notIn)
			}
			if slices.Contains(tr.events, "c run") && strings.HasPrefix(tt.wantMsg, "src:") {
				t.Errorf("events %q: the stage after a failed source ran", tr.events)
			}
		})
	}
}

// scratchStage reverses each document's ID into its Title through a
// buffer kept between documents, as a DocFunc may, and fails if two
// goroutines ever use one DocFunc at once.
type scratchStage struct{ funcs *atomic.Int32 }

func (scratchStage) Name() string { return "scratch" }

func (s scratchStage) Run(ctx context.Context, st *State, p Progress) error {
	return RunDocs(ctx, s, st, p)
}

func (s scratchStage) DocFunc(Params) (func(*Doc) error, error) {
	s.funcs.Add(1)
	var buf []byte
	var inUse atomic.Bool
	return func(d *Doc) error {
		if !inUse.CompareAndSwap(false, true) {
			return errors.New("DocFunc used by two goroutines at once")
		}
		defer inUse.Store(false)
		buf = append(buf[:0], d.ID...)
		slices.Reverse(buf)
		d.Title += string(buf)
		return nil
	}, nil
}

// TestRunDocsWorkers: RunDocs gives the same documents whatever the number
// of workers, calls DocFunc once per worker, and never shares a DocFunc.
func TestRunDocsWorkers(t *testing.T) {
	const n = 1000
	var results [][]string
	for _, workers := range []int{1, 4} {
		p := DefaultParams()
		p.Workers = workers
		st := NewState(p)
		for i := range n {
			st.Docs = append(st.Docs, &Doc{Article: Article{ID: fmt.Sprintf("doc-%04d", i)}})
		}
		var funcs atomic.Int32
		var prog countProgress
		if err := RunDocs(context.Background(), scratchStage{&funcs}, st, &prog); err != nil {
			t.Fatalf("workers %d: %v", workers, err)
		}
		if funcs.Load() != int32(workers) {
			t.Errorf("workers %d: got %d DocFunc calls, want %d", workers, funcs.Load(), workers)
		}
		if prog.added.Load() != n {
			t.Errorf("workers %d: progress got %d units, want %d", workers, prog.added.Load(), n)
		}
		// Title is appended to, so a document done twice would show it.
		for i, d := range st.Docs {
			if want := reverse(fmt.Sprintf("doc-%04d", i)); d.Title != want {
				t.Fatalf("workers %d: doc %d: got title %q, want %q", workers, i, d.Title, want)
			}
		}
		results = append(results, titles(st))
	}
	if !slices.Equal(results[0], results[1]) {
		t.Errorf("workers 1 and 4 differ:\n%q\n%q", results[0], results[1])
	}
}

func reverse(s string) string {
	b := []byte(s)
	slices.Reverse(b)
	return string(b)
}

// TestRunCPUSeconds: a stage that uses CPU reports it in its timing.
func TestRunCPUSeconds(t *testing.T) {
	if processCPU() == 0 {
		t.Skip("the system does not tell the process's CPU time")
	}
	tr := &trace{}
	spin := funcStage{name: "spin", tr: tr, fn: func(*State) error {
		// Work until the process's CPU clock has moved on: the clock
		// ticks in steps, and a stage that used CPU must not report 0.
		for start, x := processCPU(), uint64(1); processCPU() == start; x = x*6364136223846793005 + 1 {
			for range 1000 {
				x = x*6364136223846793005 + 1
			}
		}
		return nil
	}}
	st := NewState(DefaultParams())
	if err := Run(context.Background(), []Stage{spin}, st, nil); err != nil {
		t.Fatal(err)
	}
	if len(st.Timings) != 1 || st.Timings[0].CPUSeconds <= 0 {
		t.Errorf("timings %+v: want one stage with CPU seconds above 0", st.Timings)
	}
}
