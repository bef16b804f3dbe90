package write

import (
	"sync"
	_ "unsafe" // go:linkname, for arrowCodecs

	"github.com/apache/arrow/go/v15/parquet/compress"
	"github.com/klauspost/compress/zstd"
)

// arrowCodecs is arrow-go v15's codec table, which compress.GetCodec reads
// and which v15 gives no way to change (v18 has compress.RegisterCodec for
// this). The Parquet page writer compresses every page with the codec it
// finds here.
//
//go:linkname arrowCodecs github.com/apache/arrow/go/v15/parquet/compress.codecs
var arrowCodecs map[compress.Compression]compress.Codec

// init puts pooledZstd in place of arrow-go v15's zstd codec, before any
// table is written. v15's EncodeLevel, which the page writer calls for
// every page, builds a new zstd encoder each time: one encoder state per
// core (1.25 MiB of match tables each at the default level) and, for a
// page over 128 KiB, a 16 MiB history buffer, all zeroed and dropped at
// once. At 100,000 bench articles that was 4.8 GB of the write's 7.6 GB
// of allocation, for 63 MB of tables, and the collector's cycles that
// follow it over the whole live heap.
func init() {
	if c, ok := arrowCodecs[compress.Codecs.Zstd]; ok {
		arrowCodecs[compress.Codecs.Zstd] = pooledZstd{Codec: c}
	}
}

// pooledZstd is arrow-go's zstd codec with EncodeLevel served by encoders
// kept for reuse. An encoder's EncodeAll output depends on its options and
// input only, not on what it encoded before (TestPooledZstdSameBytes), so
// the tables keep their bytes. Everything else is arrow-go's.
type pooledZstd struct {
	compress.Codec
}

// zstdEncoders holds idle encoders, one pool per zstd.EncoderLevel.
var zstdEncoders [5]sync.Pool

// EncodeLevel compresses src into dst as arrow-go's zstd codec does: one
// zstd frame, zero-length input as an empty frame, the level mapped the
// same way.
func (pooledZstd) EncodeLevel(dst, src []byte, level int) []byte {
	l := zstd.SpeedDefault
	if level != compress.DefaultCompressionLevel {
		l = zstd.EncoderLevelFromZstd(level)
	}
	p := &zstdEncoders[l]
	enc, _ := p.Get().(*zstd.Encoder)
	if enc == nil {
		var err error
		// arrow-go's options; one encoder state, not one per core, since
		// a page is encoded by one EncodeAll call.
		enc, err = zstd.NewWriter(nil, zstd.WithZeroFrames(true), zstd.WithEncoderLevel(l), zstd.WithEncoderConcurrency(1))
		if err != nil {
			panic(err) // only for options that are invalid, and these are fixed
		}
	}
	out := enc.EncodeAll(src, dst[:0])
	p.Put(enc)
	return out
}
