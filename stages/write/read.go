package write

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/ipc"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet/file"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"
)

// Row is one table row, column name to Go value (string, bool, int32,
// float64, time in RFC 3339, or nil for null).
type Row map[string]any

// ReadRows reads a table file written by this package, Parquet or Arrow
// IPC, into rows.
func ReadRows(ctx context.Context, path string) ([]Row, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	tbl, err := readTable(ctx, data)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	defer tbl.Release()
	rows := make([]Row, tbl.NumRows())
	for i := range rows {
		rows[i] = Row{}
	}
	for c := 0; c < int(tbl.NumCols()); c++ {
		col := tbl.Column(c)
		name := col.Name()
		off := 0
		for _, chunk := range col.Data().Chunks() {
			for i := 0; i < chunk.Len(); i++ {
				rows[off+i][name] = value(chunk, i)
			}
			off += chunk.Len()
		}
	}
	return rows, nil
}

func value(a arrow.Array, i int) any {
	if a.IsNull(i) {
		return nil
	}
	switch a := a.(type) {
	case *array.String:
		return a.Value(i)
	case *array.Boolean:
		return a.Value(i)
	case *array.Int32:
		return a.Value(i)
	case *array.Binary:
		return bytes.Clone(a.Value(i)) // the record is released once read
	case *array.Int64:
		return a.Value(i)
	case *array.Float64:
		return a.Value(i)
	case *array.Timestamp:
		unit := a.DataType().(*arrow.TimestampType).Unit
		return a.Value(i).ToTime(unit).UTC().Format("2006-01-02T15:04:05Z07:00")
	case *array.Dictionary:
		return value(a.Dictionary(), a.GetValueIndex(i))
	default:
		return a.ValueStr(i)
	}
}

// ScanRows reads a table file written by this package, Parquet or Arrow
// IPC, one row group or record batch at a time, and calls fn on each row
// in order; a large table is never held whole. fn must not keep the Row:
// it is reused for the next one. An error from fn stops the scan and is
// returned.
func ScanRows(ctx context.Context, path string, fn func(Row) error) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	each := func(rec arrow.Record) error {
		r := Row{}
		for i := 0; i < int(rec.NumRows()); i++ {
			for c := 0; c < int(rec.NumCols()); c++ {
				r[rec.ColumnName(c)] = value(rec.Column(c), i)
			}
			if err := fn(r); err != nil {
				return err
			}
		}
		return ctx.Err()
	}
	if bytes.HasPrefix(data, []byte("ARROW1")) {
		r, err := ipc.NewFileReader(bytes.NewReader(data), ipc.WithAllocator(memory.DefaultAllocator))
		if err != nil {
			return fmt.Errorf("read %s: %w", path, err)
		}
		defer r.Close()
		for i := 0; i < r.NumRecords(); i++ {
			rec, err := r.RecordAt(i)
			if err != nil {
				return fmt.Errorf("read %s: %w", path, err)
			}
			err = each(rec)
			rec.Release()
			if err != nil {
				return err
			}
		}
		return nil
	}
	rdr, err := file.NewParquetReader(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	defer rdr.Close()
	fr, err := pqarrow.NewFileReader(rdr, pqarrow.ArrowReadProperties{BatchSize: batchRows}, memory.DefaultAllocator)
	if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	rr, err := fr.GetRecordReader(ctx, nil, nil)
	if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	defer rr.Release()
	for rr.Next() {
		if err := each(rr.Record()); err != nil {
			return err
		}
	}
	if err := rr.Err(); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("read %s: %w", path, err)
	}
	return nil
}
