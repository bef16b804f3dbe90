package history

import (
	"bytes"
	"context"
	"errors"
	"fmt"
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
				rep, err := write.ReadReport(out)
				if err != nil {
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

// TestPartitionInParts: tonight's partition, begun by Source with its keys
// and shingle counts (stageKeys) and finished by Save from the clusters,
// holds, byte for byte, what Store.Stage writes of the same night at
// once; the keys and counts are written before Save runs; what the
// stages after Save change of an article (its text, which the excerpt
// stage drops) is not what was stored; and Close leaves a committed
// partition, and removes one no Commit reached.
func TestPartitionInParts(t *testing.T) {
	ctx := context.Background()
	par := pipeline.DefaultParams()
	const night = "2026-12-02"
	tonight := prepared(t)[:120]
	for i, d := range tonight {
		d.SourcePath = "in/a.jsonl"
		d.Line = i + 1
	}
	store, err := Open(filepath.Join(t.TempDir(), "state"))
	if err != nil {
		t.Fatal(err)
	}
	n, err := NewNight(store, night, 30, false)
	if err != nil {
		t.Fatal(err)
	}
	capture, err := Capture{Night: n}.DocFunc(par)
	if err != nil {
		t.Fatal(err)
	}
	st := pipeline.NewState(par)
	var sets [][]uint32
	for i, d := range tonight {
		if err := capture(d); err != nil {
			t.Fatal(err)
		}
		st.Docs = append(st.Docs, d)
		sets = append(sets, d.Shingles)
		// Clusters of three, one of them joined to an older night's id.
		if i%3 == 0 {
			st.Clusters = append(st.Clusters, pipeline.Cluster{ID: fmt.Sprint("c", i), FirstSeen: night})
		}
		c := &st.Clusters[len(st.Clusters)-1]
		c.Members = append(c.Members, int32(i))
	}
	st.Clusters[1].ID, st.Clusters[1].FirstSeen, st.Clusters[1].Joined = "old", "2026-12-01", true
	st.Merges = []pipeline.Merge{{Night: night, Surviving: "old", Absorbed: "older"}}
	// A history article loaded tonight is not stored again.
	st.Docs = append(st.Docs, doc("h1", "old", "2026-12-01", "2026-12-01"))
	st.Clusters[1].Members = append(st.Clusters[1].Members, int32(len(st.Docs)-1))

	// What Store.Stage writes of the night at once.
	want := map[string][]byte{}
	{
		ref, err := Open(filepath.Join(t.TempDir(), "ref"))
		if err != nil {
			t.Fatal(err)
		}
		var rows []Stored
		var ids []string
		for ci, c := range st.Clusters {
			for _, m := range c.Members[:min(3, len(c.Members))] {
				d := st.Docs[m]
				a := d.Article
				a.Text = ""
				rows = append(rows, Stored{Article: a, Past: pipeline.Past{Night: night, ClusterID: c.ID, FirstSeen: c.FirstSeen},
					record: n.records[d], keys: n.keys[d].sorted()})
				ids = append(ids, st.Clusters[ci].ID)
			}
		}
		p, err := ref.Stage(night, par.ShingleSize, rows, st.Merges, CountSets(sets), Repeats(tonight, func(i int) string { return ids[i] }))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range []string{ArticlesFile, MergesFile, KeysFile, DFFile, RepeatsFile} {
			if want[f], err = os.ReadFile(filepath.Join(ref.Dir(), p.Dir, f)); err != nil {
				t.Fatal(err)
			}
		}
	}

	// As Source does once its probe has counted tonight's shingles.
	n.df, n.counted = CountSets(sets), true
	keys := n.keys
	n.keys = nil
	if err := n.stageKeys(ctx, slices.Clone(tonight), keys, par.ShingleSize); err != nil {
		t.Fatal(err)
	}
	<-n.keying
	dir := filepath.Join(store.Dir(), PartsDir, n.staging.name)
	for _, f := range []string{KeysFile, DFFile} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("%s is not written once the probe has run: %v", f, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, ArticlesFile)); err == nil {
		t.Errorf("%s is written before the clusters are known", ArticlesFile)
	}
	if err := (Save{Night: n}).Run(ctx, st, pipeline.NoProgress{}); err != nil {
		t.Fatal(err)
	}
	for _, d := range tonight {
		d.Text = "dropped by the excerpt stage"
		d.Title = "changed after Save"
	}
	if err := (Commit{Night: n}).Run(ctx, st, pipeline.NoProgress{}); err != nil {
		t.Fatal(err)
	}
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
	for f, w := range want {
		got, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatalf("Close removed the committed partition: %v", err)
		}
		if !bytes.Equal(got, w) {
			t.Errorf("%s: %d bytes differ from Store.Stage's %d", f, len(got), len(w))
		}
	}

	// A run that fails after Source began its partition leaves none.
	n2, err := NewNight(store, "2026-12-03", 30, false)
	if err != nil {
		t.Fatal(err)
	}
	n2.df = CountSets(sets)
	if err := n2.stageKeys(ctx, tonight, nil, par.ShingleSize); err != nil {
		t.Fatal(err)
	}
	if err := n2.Close(); err != nil {
		t.Fatal(err)
	}
	if parts, err := os.ReadDir(filepath.Join(store.Dir(), PartsDir)); err != nil || len(parts) != 1 {
		t.Errorf("after a failed run, %d partitions (%v), want the committed one", len(parts), err)
	}
}
