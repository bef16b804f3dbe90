package write

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"

	"github.com/dedupe/dedupe/pipeline"
)

func TestArrowRoundTrip(t *testing.T) {
	st := state(t)
	tests := []struct {
		name   string
		build  func(*pipeline.State) arrow.Record
		schema *arrow.Schema
		want   []Row
	}{
		{ClustersArrowFile, ClusterRecord, ClustersSchema(), wantClusters},
		{AdditionsArrowFile, AdditionRecord, AdditionsSchema(), wantAdditions},
		{RejectsArrowFile, RejectRecord, RejectsSchema(), wantRejects},
		{LinksArrowFile, LinkRecord, LinksSchema(), wantLinks},
		{LinkPassagesArrowFile, LinkPassageRecord, LinkPassagesSchema(), wantLinkPassages},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := tt.build(st)
			defer rec.Release()
			data, err := Arrow(rec, map[string]string{"k2": "v2", "k1": "v1"})
			if err != nil {
				t.Fatal(err)
			}
			again, err := Arrow(rec, map[string]string{"k1": "v1", "k2": "v2"})
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(data, again) {
				t.Errorf("got different bytes encoding the same record twice, want identical")
			}
			if !bytes.HasPrefix(data, []byte("ARROW1")) {
				t.Errorf("got magic %q, want ARROW1", data[:min(6, len(data))])
			}
			tbl, err := ReadArrow(context.Background(), data)
			if err != nil {
				t.Fatal(err)
			}
			defer tbl.Release()
			if tbl.NumRows() != int64(len(tt.want)) {
				t.Errorf("got %d rows, want %d", tbl.NumRows(), len(tt.want))
			}
			// Arrow IPC keeps the schema as it is, field metadata and the
			// timestamp's second unit included.
			if got := arrow.NewSchema(tbl.Schema().Fields(), nil); !got.Equal(tt.schema) {
				t.Errorf("got schema %v, want %v", got, tt.schema)
			}
			for i, f := range tbl.Schema().Fields() {
				if !f.Metadata.Equal(tt.schema.Field(i).Metadata) {
					t.Errorf("column %s: got metadata %v, want %v", f.Name, f.Metadata, tt.schema.Field(i).Metadata)
				}
			}
			md := tbl.Schema().Metadata()
			if v, ok := md.GetValue("k1"); !ok || v != "v1" {
				t.Errorf("metadata k1: got %q (%v), want %q", v, ok, "v1")
			}
			if !reflect.DeepEqual(md.Keys(), []string{"k1", "k2"}) {
				t.Errorf("got metadata keys %v, want [k1 k2]", md.Keys())
			}
			path := filepath.Join(t.TempDir(), tt.name)
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
			rows, err := ReadRows(context.Background(), path)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(rows, tt.want) {
				t.Errorf("got rows\n%v\nwant\n%v", rows, tt.want)
			}
		})
	}
}

// TestArrowEmpty: a table without rows is still a valid file, read back
// with its schema and no rows.
func TestArrowEmpty(t *testing.T) {
	st := state(t)
	st.Rejects = nil
	rec := RejectRecord(st)
	defer rec.Release()
	data, err := Arrow(rec, nil)
	if err != nil {
		t.Fatal(err)
	}
	tbl, err := ReadArrow(context.Background(), data)
	if err != nil {
		t.Fatal(err)
	}
	defer tbl.Release()
	if tbl.NumRows() != 0 || tbl.NumCols() != 3 {
		t.Errorf("got %d rows, %d columns, want 0, 3", tbl.NumRows(), tbl.NumCols())
	}
}

// TestStageFormats: each format goes through the same stage, gives the same
// rows, records its own files in run.json, and passes Check; a changed table
// fails it.
func TestStageFormats(t *testing.T) {
	for _, format := range []string{"", FormatParquet, FormatArrow} {
		t.Run("format="+format, func(t *testing.T) {
			st := state(t)
			st.Params.Format = format
			if err := (Stage{}).Run(context.Background(), st, pipeline.NoProgress{}); err != nil {
				t.Fatal(err)
			}
			out := st.Params.Out
			files, err := TableFiles(format)
			if err != nil {
				t.Fatal(err)
			}
			for i, want := range [][]Row{wantClusters, wantAdditions, wantRejects, wantLinks, wantLinkPassages} {
				rows, err := ReadRows(context.Background(), filepath.Join(out, files[i]))
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(rows, want) {
					t.Errorf("%s: got rows\n%v\nwant\n%v", files[i], rows, want)
				}
			}
			entries, err := os.ReadDir(out)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, e := range entries {
				names = append(names, e.Name())
			}
			wantNames := append([]string{RunFile}, files...)
			if !sameSet(names, wantNames) {
				t.Errorf("got files %v, want %v", names, wantNames)
			}
			var rep Report
			data, err := os.ReadFile(filepath.Join(out, RunFile))
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(data, &rep); err != nil {
				t.Fatal(err)
			}
			if rep.Params.Format != format || len(rep.SHA256) != 5 || rep.OutputRows[files[0]] != 5 || rep.OutputRows[files[1]] != 3 || rep.OutputRows[files[2]] != 2 || rep.OutputRows[files[3]] != 4 || rep.OutputRows[files[4]] != 2 {
				t.Errorf("got format %q, sha256 %v, output rows %v", rep.Params.Format, rep.SHA256, rep.OutputRows)
			}
			if err := Check(out); err != nil {
				t.Errorf("Check: got %v, want nil", err)
			}
			if err := os.WriteFile(filepath.Join(out, files[1]), []byte("changed"), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := Check(out); err == nil {
				t.Errorf("Check after changing %s: got nil, want an error", files[1])
			}
		})
	}
}

// TestStageParquetIgnoresFormatFlag: --format parquet writes the same bytes
// as no --format.
func TestStageParquetIgnoresFormatFlag(t *testing.T) {
	a, b := state(t), state(t)
	b.Params.Format = FormatParquet
	for _, st := range []*pipeline.State{a, b} {
		if err := (Stage{}).Run(context.Background(), st, pipeline.NoProgress{}); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{ClustersFile, AdditionsFile, RejectsFile, LinksFile, LinkPassagesFile} {
		x, _ := os.ReadFile(filepath.Join(a.Params.Out, name))
		y, _ := os.ReadFile(filepath.Join(b.Params.Out, name))
		if len(x) == 0 || !bytes.Equal(x, y) {
			t.Errorf("%s: got %d and %d bytes that differ, want identical files", name, len(x), len(y))
		}
	}
}

// TestStageSwitchFormat: a run in one format replaces the tables of the
// other, and keeps the user's files.
func TestStageSwitchFormat(t *testing.T) {
	st := state(t)
	if err := (Stage{}).Run(context.Background(), st, pipeline.NoProgress{}); err != nil {
		t.Fatal(err)
	}
	mine := filepath.Join(st.Params.Out, "NOTES.md")
	if err := os.WriteFile(mine, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	st.Params.Format = FormatArrow
	if err := (Stage{}).Run(context.Background(), st, pipeline.NoProgress{}); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(st.Params.Out)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	want := []string{"NOTES.md", RunFile, ClustersArrowFile, AdditionsArrowFile, RejectsArrowFile, LinksArrowFile, LinkPassagesArrowFile}
	if !sameSet(names, want) {
		t.Errorf("got files %v, want %v", names, want)
	}
	if err := Check(st.Params.Out); err != nil {
		t.Errorf("Check: got %v, want nil", err)
	}
}

func TestStageUnknownFormat(t *testing.T) {
	st := state(t)
	st.Params.Format = "csv"
	if err := (Stage{}).Run(context.Background(), st, pipeline.NoProgress{}); err == nil {
		t.Fatal("got no error, want one")
	}
	if _, err := os.Stat(st.Params.Out); !os.IsNotExist(err) {
		t.Errorf("got %s present (%v), want nothing written", st.Params.Out, err)
	}
	entries, _ := os.ReadDir(filepath.Dir(st.Params.Out))
	if len(entries) != 0 {
		t.Errorf("got %d entries beside the output, want none", len(entries))
	}
	if _, err := TableFiles("csv"); err == nil {
		t.Errorf("TableFiles(csv): got no error, want one")
	}
}

func sameSet(a, b []string) bool {
	m := map[string]int{}
	for _, s := range a {
		m[s]++
	}
	for _, s := range b {
		m[s]--
	}
	for _, n := range m {
		if n != 0 {
			return false
		}
	}
	return len(a) == len(b)
}
