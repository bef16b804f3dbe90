package write

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"slices"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/ipc"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// Table file formats, chosen by pipeline.Params.Format (--format).
const (
	FormatParquet = "parquet" // the default, also meant by ""
	FormatArrow   = "arrow"   // Arrow IPC files (the "Feather v2" file format)
)

// Formats lists the formats Stage writes, the default first.
var Formats = []string{FormatParquet, FormatArrow}

// File names of the Arrow IPC tables.
const (
	ClustersArrowFile     = "clusters.arrow"
	AdditionsArrowFile    = "additions.arrow"
	RejectsArrowFile      = "rejects.arrow"
	LinksArrowFile        = "links.arrow"
	LinkPassagesArrowFile = "link_passages.arrow"
	MergesArrowFile       = "merges.arrow"
)

// batches hands a table's rows to emit one record at a time; emit must not
// keep the record past its return.
type batches func(emit func(arrow.Record) error) error

// single is the batches of one record.
func single(rec arrow.Record) batches {
	return func(emit func(arrow.Record) error) error { return emit(rec) }
}

// codec encodes and decodes one table in a file format.
type codec struct {
	// files are the names of the clusters, additions, rejects, links and
	// link_passages tables, in that order.
	files []string
	// merges names the merges table, written by a run with a history.
	merges string
	encode func(schema *arrow.Schema, rows batches, meta map[string]string) ([]byte, error)
	// count reads every row of a table back, one row group or record
	// batch at a time, and returns how many there are.
	count func(ctx context.Context, data []byte) (int64, error)
}

var codecs = map[string]codec{
	FormatParquet: {[]string{ClustersFile, AdditionsFile, RejectsFile, LinksFile, LinkPassagesFile}, MergesFile, encodeParquet, countParquet},
	FormatArrow:   {[]string{ClustersArrowFile, AdditionsArrowFile, RejectsArrowFile, LinksArrowFile, LinkPassagesArrowFile}, MergesArrowFile, encodeArrow, countArrow},
}

func codecFor(format string) (codec, error) {
	if format == "" {
		format = FormatParquet
	}
	c, ok := codecs[format]
	if !ok {
		return codec{}, fmt.Errorf("format %q: want %q or %q", format, FormatParquet, FormatArrow)
	}
	return c, nil
}

// TableFiles returns the file names of the clusters, additions, rejects,
// links and link_passages tables in format ("" means parquet), or an error
// for an unknown format.
func TableFiles(format string) ([]string, error) {
	c, err := codecFor(format)
	if err != nil {
		return nil, err
	}
	return slices.Clone(c.files), nil
}

// Arrow encodes rec as an Arrow IPC file, uncompressed (so that readers can
// map it), with meta as schema metadata in key order. The field metadata
// (column descriptions) is kept.
func Arrow(rec arrow.Record, meta map[string]string) ([]byte, error) {
	return encodeArrow(rec.Schema(), single(rec), meta)
}

// encodeArrow writes rows as Arrow writes rec, one record batch per batch.
func encodeArrow(schema *arrow.Schema, rows batches, meta map[string]string) ([]byte, error) {
	keys := sortedKeys(meta)
	vals := make([]string, len(keys))
	for i, k := range keys {
		vals[i] = meta[k]
	}
	md := arrow.NewMetadata(keys, vals)
	schema = arrow.NewSchema(schema.Fields(), &md)
	var buf appendSeeker
	w, err := ipc.NewFileWriter(&buf, ipc.WithSchema(schema), ipc.WithAllocator(memory.DefaultAllocator))
	if err != nil {
		return nil, err
	}
	err = rows(func(rec arrow.Record) error {
		out := array.NewRecord(schema, rec.Columns(), rec.NumRows())
		defer out.Release()
		return w.Write(out)
	})
	if err != nil {
		w.Close()
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.b, nil
}

// countArrow reads an Arrow IPC file's record batches one at a time.
func countArrow(ctx context.Context, data []byte) (int64, error) {
	r, err := ipc.NewFileReader(bytes.NewReader(data), ipc.WithAllocator(memory.DefaultAllocator))
	if err != nil {
		return 0, err
	}
	defer r.Close()
	var n int64
	for i := 0; i < r.NumRecords(); i++ {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		rec, err := r.RecordAt(i)
		if err != nil {
			return 0, err
		}
		n += rec.NumRows()
		rec.Release()
	}
	return n, nil
}

// appendSeeker is the in-memory io.WriteSeeker the IPC file writer wants: it
// only asks where it is (Seek(0, io.SeekCurrent)), and writes at the end.
type appendSeeker struct{ b []byte }

func (a *appendSeeker) Write(p []byte) (int, error) {
	a.b = append(a.b, p...)
	return len(p), nil
}

func (a *appendSeeker) Seek(offset int64, whence int) (int64, error) {
	if offset != 0 || whence != io.SeekCurrent {
		return 0, fmt.Errorf("appendSeeker: only Seek(0, io.SeekCurrent) is supported")
	}
	return int64(len(a.b)), nil
}

// ReadArrow decodes an Arrow IPC file written by Arrow into a table.
func ReadArrow(ctx context.Context, data []byte) (arrow.Table, error) {
	r, err := ipc.NewFileReader(bytes.NewReader(data), ipc.WithAllocator(memory.DefaultAllocator))
	if err != nil {
		return nil, err
	}
	defer r.Close()
	recs := make([]arrow.Record, 0, r.NumRecords())
	defer func() {
		for _, rec := range recs {
			rec.Release()
		}
	}()
	for i := 0; i < r.NumRecords(); i++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		rec, err := r.RecordAt(i)
		if err != nil {
			return nil, err
		}
		recs = append(recs, rec) // RecordAt's records are the caller's to release
	}
	return array.NewTableFromRecords(r.Schema(), recs), nil
}

// readTable decodes a table file of either format, told apart by its magic
// bytes.
func readTable(ctx context.Context, data []byte) (arrow.Table, error) {
	if bytes.HasPrefix(data, []byte("ARROW1")) {
		return ReadArrow(ctx, data)
	}
	return ReadParquet(ctx, data)
}
