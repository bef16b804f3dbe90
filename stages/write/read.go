package write

import (
	"context"
	"fmt"
	"os"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
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
