package history

import (
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/dedupe/dedupe/internal/radix"
	"github.com/dedupe/dedupe/pipeline"
	"github.com/dedupe/dedupe/stages/lsh"
	"github.com/dedupe/dedupe/stages/minhash"
	"github.com/dedupe/dedupe/stages/shingle"
	"github.com/dedupe/dedupe/stages/write"
)

// KeysFile holds a partition's band keys (see Key), beside its articles.
const KeysFile = "keys.bin"

// keysMagic opens a keys file; the version is in it.
var keysMagic = [8]byte{'d', 'd', 'k', 'e', 'y', 's', 0, 1}

// DenseKey is how many articles of one night may share a band key for the
// key to load them: a key held by more is a stock sentence or a templated
// block (see package lsh), and loading all of its articles would make a
// night's cost follow the history again. It is high because the articles
// behind such keys help tonight's clustering: at 100 the equivalence test
// fell from F1 0.9929 to 0.9872.
const DenseKey = 1000

// Key is one band key of one stored article: Row is its row in the
// partition's articles.parquet.
type Key struct {
	Key uint64
	Row uint32
}

// channel tags keep the two channels' keys apart.
const (
	sentenceChannel = 1
	documentChannel = 2
)

// Keyer computes the band keys through which a night's articles are looked
// up (DocKeys). It is safe for concurrent use.
type Keyer struct {
	h      *minhash.Hasher
	p      pipeline.Params
	sk, sl int // sentence channel: values per band, bands
	dk, dl int // document channel
}

// NewKeyer returns the Keyer for the run's parameters.
func NewKeyer(p pipeline.Params) *Keyer {
	sk, sl := lsh.Layout(p.NumHash, p.PassageThreshold)
	dk, dl := lsh.Layout(p.NumHash, p.DocThreshold)
	return &Keyer{h: minhash.NewHasher(p.Seed, p.NumHash), p: p, sk: sk, sl: sl, dk: dk, dl: dl}
}

// DocKeys appends to out the band keys of d as the per-article stages left
// it, sorted and without repeats: those of the MinHash signature of each
// content, terminated sentence's name-free shingles (when it holds at
// least MinShared), in the sentence channel's band layout, and those of
// the whole document's shingles in the copy channel's.
//
// They are what the lsh stage would key, with one difference: the run
// signs a sentence over the shingles the rarity stage leaves linkable,
// which depends on the corpus, where these keys must be the same on the
// article's night and on every later one, so they take the shingles before
// that filter. Two rewrites' sentences share a band more often than not
// both ways; where they do not, the history article is not loaded (see
// the package comment).
func (k *Keyer) DocKeys(out []uint64, d *pipeline.Doc) []uint64 {
	start := len(out)
	out, _ = k.SentenceKeys(out, nil, d)
	keys := out[start:]
	slices.Sort(keys)
	return out[:start+len(slices.Compact(keys))]
}

// SentenceKeys appends to keys the band keys DocKeys gives of d, in the
// order computed and with repeats, and to from, for each, the index in
// d.Sentences of the sentence it is a key of, or -1 for the whole
// document's: Source probes with the keys of the sentences the rarity
// stage will leave indexable only.
func (k *Keyer) SentenceKeys(keys []uint64, from []int32, d *pipeline.Doc) ([]uint64, []int32) {
	keys, from, _ = k.signedKeys(keys, from, d)
	return keys, from
}

// signedKeys is SentenceKeys, and returns the whole document's MinHash
// signature too (nil when it has no shingle), which the minhash stage
// would compute again.
func (k *Keyer) signedKeys(keys []uint64, from []int32, d *pipeline.Doc) ([]uint64, []int32, []uint64) {
	sig := make([]uint64, k.p.NumHash)
	for i := range d.Sentences {
		s := &d.Sentences[i]
		if !s.Content() || !s.Terminated || len(s.Linkable) < k.p.MinShared {
			continue
		}
		k.h.SignInto(sig, s.Linkable)
		n := len(keys)
		keys = bandKeys(keys, sig, sentenceChannel, k.sk, k.sl)
		for range len(keys) - n {
			from = append(from, int32(i))
		}
	}
	set := d.Shingles
	if set == nil {
		set = shingle.OfDoc(d)
	}
	if len(set) == 0 {
		return keys, from, nil
	}
	k.h.SignInto(sig, set)
	n := len(keys)
	keys = bandKeys(keys, sig, documentChannel, k.dk, k.dl)
	for range len(keys) - n {
		from = append(from, -1)
	}
	return keys, from, sig
}

// bandKeys appends the key of each of sig's l bands of k values (the low
// 32 bits of each, as the lsh stage compares), tagged with the channel and
// band.
func bandKeys(out []uint64, sig []uint64, channel, k, l int) []uint64 {
	for b := range l {
		h := shingle.Mix(uint64(channel)<<32 | uint64(b))
		for _, v := range sig[b*k : (b+1)*k] {
			h = shingle.Mix(h*31 + uint64(uint32(v)))
		}
		out = append(out, h)
	}
	return out
}

// writeKeys writes keys, sorted by key then row, each key of a row once,
// to path, synced; keys is sorted in place.
func writeKeys(path string, keys []Key) error {
	// By row, unless they come so (as Stage makes them), then by key,
	// stably. Radix sorts: the keys are a million or more uniform hashes,
	// which a comparison sort took 0.25-0.36 s of CPU to order (keys.bin's
	// and the probe's, in a profile of 10,000 articles against 11 nights).
	if !slices.IsSortedFunc(keys, func(a, b Key) int { return cmp.Compare(a.Row, b.Row) }) {
		radix.Sort(keys, func(k Key) uint64 { return uint64(k.Row) }, 0)
	}
	radix.Sort(keys, func(k Key) uint64 { return k.Key }, 0)
	// A row's repeated keys (two sentences of one article keyed alike)
	// are next to each other now: dropping them here spares sorting each
	// article's keys first.
	keys = slices.Compact(keys)
	buf := make([]byte, 0, 16+12*len(keys))
	buf = append(buf, keysMagic[:]...)
	buf = binary.LittleEndian.AppendUint64(buf, uint64(len(keys)))
	for _, k := range keys {
		buf = binary.LittleEndian.AppendUint64(buf, k.Key)
		buf = binary.LittleEndian.AppendUint32(buf, k.Row)
	}
	return write.WriteFileSync(path, buf)
}

// openEntries opens a flat file of fixed-size entries (keys.bin, df.bin,
// repeats.bin): 8 bytes of magic, the count of entries (uint64,
// little-endian), the entries. It returns the file and the count.
func openEntries(path string, magic [8]byte) (*os.File, uint64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	var head [16]byte
	if _, err := io.ReadFull(f, head[:]); err != nil {
		f.Close()
		return nil, 0, fmt.Errorf("%s: %w", path, err)
	}
	if [8]byte(head[:8]) != magic {
		f.Close()
		return nil, 0, fmt.Errorf("%s: not a %s file of this format", path, filepath.Base(path))
	}
	return f, binary.LittleEndian.Uint64(head[8:]), nil
}

// scanEntries reads n entries of size bytes from r, in blocks, and calls
// fn with each until it returns false: a call per entry, not a read.
func scanEntries(r io.Reader, n uint64, size int, fn func(e []byte) bool) error {
	const block = 4096
	buf := make([]byte, size*block)
	for n > 0 {
		k := min(n, block)
		b := buf[:int(k)*size]
		if _, err := io.ReadFull(r, b); err != nil {
			return err
		}
		for off := 0; off < len(b); off += size {
			if !fn(b[off : off+size]) {
				return nil
			}
		}
		n -= k
	}
	return nil
}

// errNoKeys: a partition written before the keys were stored.
var errNoKeys = errors.New("no keys file")

// probeKeys streams the keys file at path, sorted by key, against
// probe's keys (a merge join: one pass over the file, one over the
// probe), and returns the rows (ascending, without repeats) holding a key
// of the probe that at most dense rows hold and that could be linked to
// one of tonight's articles probing with it (see Probe.fits: published
// gives each row's publication time; nil, every row fits), how many such
// keys each holds (shared, aligned with the rows), how many keys of the
// probe were skipped as dense, and how many hits were left as published
// too far from the articles probing with their key.
func probeKeys(path string, probe *Probe, published []int64, dense int) (rows []uint32, shared []int, skippedDense, apart int, err error) {
	hit, skipped, apart, err := probeRows(path, probe, published, dense)
	if err != nil {
		return nil, nil, 0, 0, err
	}
	slices.Sort(hit)
	for a := 0; a < len(hit); {
		b := a + 1
		for b < len(hit) && hit[b] == hit[a] {
			b++
		}
		rows = append(rows, hit[a])
		shared = append(shared, b-a)
		a = b
	}
	return rows, shared, skipped, apart, nil
}

// probeRows is probeKeys' merge join: each row once for each key of probe
// it holds and fits, unsorted. Whether a key is dense counts every row
// holding it, fitting or not: density is the key's text's, a stock
// sentence's, whatever tonight's times.
func probeRows(path string, probe *Probe, published []int64, dense int) ([]uint32, int, int, error) {
	f, n, err := openEntries(path, keysMagic)
	if errors.Is(err, os.ErrNotExist) {
		return nil, 0, 0, errNoKeys
	}
	if err != nil {
		return nil, 0, 0, err
	}
	defer f.Close()
	var hit []uint32
	skipped, apart := 0, 0
	bad := false     // a row past the night's articles
	var run []uint32 // the rows of the current key, when probe holds it
	var cur, prev uint64
	keys, pi := probe.Keys, 0 // pi: the index in keys of the current key, or the next greater
	flush := func() {
		if len(run) > dense {
			skipped++
			run = run[:0]
			return
		}
		for _, r := range run {
			switch {
			case published == nil:
			case int(r) >= len(published):
				bad = true
				continue
			case !probe.fits(pi, published[r]):
				apart++
				continue
			}
			hit = append(hit, r)
		}
		run = run[:0]
	}
	inProbe, first, order := false, true, false
	err = scanEntries(f, n, 12, func(e []byte) bool {
		key, row := binary.LittleEndian.Uint64(e[:8]), binary.LittleEndian.Uint32(e[8:])
		if !first && key < prev {
			order = true
			return false
		}
		prev = key
		if first || key != cur {
			if inProbe {
				flush()
			}
			first, cur = false, key
			for pi < len(keys) && keys[pi] < key {
				pi++
			}
			inProbe = pi < len(keys) && keys[pi] == key
		}
		if inProbe {
			run = append(run, row)
		}
		return true
	})
	switch {
	case err != nil:
		return nil, 0, 0, fmt.Errorf("%s: %w", path, err)
	case order:
		return nil, 0, 0, fmt.Errorf("%s: keys out of order", path)
	}
	if inProbe {
		flush()
	}
	if bad {
		return nil, 0, 0, fmt.Errorf("%s: a row past the night's %d articles", path, len(published))
	}
	return hit, skipped, apart, nil
}
