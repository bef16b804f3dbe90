package write

import (
	"bytes"
	"fmt"
	"math/rand"
	"sync"
	"testing"

	"github.com/apache/arrow/go/v15/parquet/compress"
	"github.com/klauspost/compress/zstd"
)

// TestPooledZstdRegistered: the Parquet writer's zstd codec is pooledZstd,
// so pages are compressed by reused encoders.
func TestPooledZstdRegistered(t *testing.T) {
	c, err := compress.GetCodec(compress.Codecs.Zstd)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := c.(pooledZstd); !ok {
		t.Fatalf("zstd codec is %T, want pooledZstd", c)
	}
}

// zstdInputs are pages of the shapes the writer compresses: empty, tiny,
// one block (128 KiB) or less, several blocks, text that repeats and
// bytes that do not.
func zstdInputs() [][]byte {
	rng := rand.New(rand.NewSource(1))
	text := func(n int) []byte {
		var b bytes.Buffer
		for b.Len() < n {
			fmt.Fprintf(&b, "article-%d said %d people came to the %d meeting; ", rng.Intn(500), rng.Intn(90), rng.Intn(40))
		}
		return b.Bytes()[:n]
	}
	noise := func(n int) []byte {
		b := make([]byte, n)
		rng.Read(b)
		return b
	}
	return [][]byte{
		{}, []byte("a"), text(100), text(100 << 10), noise(100 << 10),
		text(128 << 10), text(128<<10 + 1), text(1 << 20), noise(300 << 10),
		append(text(700<<10), noise(200<<10)...), text(2 << 20), text(5000),
	}
}

// TestPooledZstdSameBytes: every page comes out as a new encoder with
// arrow-go's options gives it, whatever the pooled encoder compressed
// before, at every level, and decodes back to the page.
func TestPooledZstdSameBytes(t *testing.T) {
	inputs := zstdInputs()
	levels := []int{compress.DefaultCompressionLevel, 1, 7}
	codec := pooledZstd{}
	for _, level := range levels {
		l := zstd.SpeedDefault
		if level != compress.DefaultCompressionLevel {
			l = zstd.EncoderLevelFromZstd(level)
		}
		// Twice over, so the second round reuses encoders that have
		// encoded every input.
		for round := 0; round < 2; round++ {
			for i, src := range inputs {
				fresh, err := zstd.NewWriter(nil, zstd.WithZeroFrames(true), zstd.WithEncoderLevel(l))
				if err != nil {
					t.Fatal(err)
				}
				want := fresh.EncodeAll(src, nil)
				got := codec.EncodeLevel(make([]byte, 0, len(src)), src, level)
				if !bytes.Equal(got, want) {
					t.Errorf("level %d, round %d, input %d (%d bytes): got %d bytes, want %d, not the same", level, round, i, len(src), len(got), len(want))
				}
				back, err := zstd.NewReader(nil)
				if err != nil {
					t.Fatal(err)
				}
				dec, err := back.DecodeAll(got, nil)
				back.Close()
				if err != nil || !bytes.Equal(dec, src) {
					t.Errorf("level %d, input %d: decoded %d bytes (err %v), want the %d bytes encoded", level, i, len(dec), err, len(src))
				}
			}
		}
	}
}

// TestPooledZstdConcurrent: tables encoded at once share the pool; each
// call gets its own encoder (run with -race).
func TestPooledZstdConcurrent(t *testing.T) {
	inputs := zstdInputs()
	want := make([][]byte, len(inputs))
	for i, src := range inputs {
		want[i] = pooledZstd{}.EncodeLevel(nil, src, compress.DefaultCompressionLevel)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for r := 0; r < 3; r++ {
				for k := range inputs {
					i := (k + g) % len(inputs)
					if got := (pooledZstd{}).EncodeLevel(nil, inputs[i], compress.DefaultCompressionLevel); !bytes.Equal(got, want[i]) {
						errs <- fmt.Sprintf("goroutine %d, input %d: bytes differ", g, i)
						return
					}
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
