package history

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/dedupe/dedupe/pipeline"
	"github.com/dedupe/dedupe/stages/write"
)

// TestWriteWaitsForPartition: the tables are swapped into --out only once
// the partition Save is writing beside them has been written, and not at
// all when it could not be; Write returns only when the writing has ended.
func TestWriteWaitsForPartition(t *testing.T) {
	cases := []struct {
		name    string
		saveErr error
	}{
		{"written", nil},
		{"failed", errors.New("disk full")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			p := pipeline.DefaultParams()
			p.Out = out
			st := pipeline.NewState(p)
			st.Night = "2026-12-02"
			n := &Night{Name: st.Night, saving: make(chan struct{})}
			// The partition takes a while: without the wait, the tables
			// would be in place long before it is written.
			go func() {
				time.Sleep(100 * time.Millisecond)
				n.saveErr, n.saveFor = c.saveErr, 100*time.Millisecond
				close(n.saving)
			}()
			written := func() bool {
				select {
				case <-n.saving:
					return true
				default:
					return false
				}
			}
			swapped := false
			tables := write.Stage{Ready: func() error {
				if !written() {
					t.Errorf("the tables are ready to swap before the partition is written")
				}
				swapped = true
				return nil
			}}
			err := Write{Night: n, Tables: tables}.Run(context.Background(), st, pipeline.NoProgress{})
			if !written() {
				t.Errorf("Write returned before the partition was written")
			}
			_, serr := os.Stat(filepath.Join(out, write.RunFile))
			switch {
			case c.saveErr == nil && err != nil:
				t.Fatalf("got %v, want the tables written", err)
			case c.saveErr == nil && (serr != nil || !swapped):
				t.Errorf("the tables are not in %s: %v", out, serr)
			case c.saveErr != nil && !errors.Is(err, c.saveErr):
				t.Errorf("got error %v, want %v", err, c.saveErr)
			case c.saveErr != nil && (serr == nil || swapped):
				t.Errorf("the tables were swapped into %s though the partition failed", out)
			}
			if c.saveErr == nil {
				// run.json shows how long the partition took, though it
				// was written beside the tables.
				b, err := os.ReadFile(filepath.Join(out, write.RunFile))
				if err != nil {
					t.Fatal(err)
				}
				var rep write.Report
				if err := json.Unmarshal(b, &rep); err != nil {
					t.Fatal(err)
				}
				i := slices.IndexFunc(rep.Timings, func(tm pipeline.StageTiming) bool { return tm.Stage == PartitionTiming })
				if i < 0 || rep.Timings[i].Seconds != 0.1 || rep.Timings[i].FusedInto != "write" {
					t.Errorf("run.json timings %+v: want %s of 0.1 s within write", rep.Timings, PartitionTiming)
				}
			}
		})
	}
}
