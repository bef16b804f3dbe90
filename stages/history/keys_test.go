package history

import (
	"context"
	"encoding/binary"
	"errors"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/dedupe/dedupe/pipeline"
	"github.com/dedupe/dedupe/stages/lsh"
	"github.com/dedupe/dedupe/stages/minhash"
)

func TestProbeKeys(t *testing.T) {
	// Key 5 is held by rows 0 and 2, key 7 by row 1, key 9 by rows 0..3
	// (dense at 3), key 11 by row 3.
	stored := []Key{{9, 3}, {5, 2}, {7, 1}, {9, 0}, {11, 3}, {5, 0}, {9, 1}, {9, 2}}
	path := filepath.Join(t.TempDir(), KeysFile)
	if err := writeKeys(path, stored); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		probe  []uint64
		dense  int
		rows   []uint32
		shared []int
		skip   int
	}{
		{"none", nil, 3, nil, nil, 0},
		{"missing key", []uint64{6, 12}, 3, nil, nil, 0},
		{"one key two rows", []uint64{5}, 3, []uint32{0, 2}, []int{1, 1}, 0},
		{"keys merged", []uint64{1, 5, 7, 11}, 3, []uint32{0, 1, 2, 3}, []int{1, 1, 1, 1}, 0},
		{"dense key skipped", []uint64{9, 11}, 3, []uint32{3}, []int{1}, 1},
		{"dense key kept under a higher bound", []uint64{9}, 4, []uint32{0, 1, 2, 3}, []int{1, 1, 1, 1}, 0},
		{"keys counted by row", []uint64{5, 9, 11}, 4, []uint32{0, 1, 2, 3}, []int{2, 1, 2, 2}, 0},
		{"last key", []uint64{11}, 3, []uint32{3}, []int{1}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, shared, skip, _, err := probeKeys(path, probeOfKeys(tt.probe), nil, tt.dense)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(rows, tt.rows) || !reflect.DeepEqual(shared, tt.shared) || skip != tt.skip {
				t.Errorf("probe %v: rows %v sharing %v, %d dense; want %v, %v, %d", tt.probe, rows, shared, skip, tt.rows, tt.shared, tt.skip)
			}
		})
	}
	if _, _, _, _, err := probeKeys(filepath.Join(t.TempDir(), KeysFile), probeOfKeys([]uint64{5}), nil, 3); !errors.Is(err, errNoKeys) {
		t.Errorf("a missing keys file: %v, want errNoKeys", err)
	}
}

// TestDocKeys: two documents share keys when a sentence's name-free
// shingles agree, and none when nothing does; a sentence that is not
// indexable gives no sentence key.
func TestDocKeys(t *testing.T) {
	p := pipeline.DefaultParams()
	k := NewKeyer(p)
	set := func(lo uint32) []uint32 {
		var s []uint32
		for h := lo; h < lo+12; h++ {
			s = append(s, h*2654435761)
		}
		return s
	}
	doc := func(terminated bool, sets ...[]uint32) *pipeline.Doc {
		d := &pipeline.Doc{}
		for i, s := range sets {
			d.Sentences = append(d.Sentences, pipeline.Sentence{Index: int32(i), Terminated: terminated, Words: 12, Shingles: s, Linkable: s})
		}
		return d
	}
	share := func(a, b []uint64) int {
		n := 0
		for i, j := 0, 0; i < len(a) && j < len(b); {
			switch {
			case a[i] < b[j]:
				i++
			case a[i] > b[j]:
				j++
			default:
				n++
				i++
				j++
			}
		}
		return n
	}
	a := k.DocKeys(nil, doc(true, set(1), set(100)))
	b := k.DocKeys(nil, doc(true, set(1), set(200)))
	c := k.DocKeys(nil, doc(true, set(300), set(400)))
	u := k.DocKeys(nil, doc(false, set(1), set(100)))
	if share(a, b) == 0 {
		t.Errorf("two documents with one sentence in common share no key")
	}
	if n := share(a, c); n != 0 {
		t.Errorf("two documents with nothing in common share %d keys", n)
	}
	// Unterminated sentences are not indexed: only the document's keys.
	if _, l := lsh.Layout(p.NumHash, p.DocThreshold); len(u) != l {
		t.Errorf("a document of unterminated sentences has %d keys, want its %d document bands'", len(u), l)
	}
}

// TestCaptureSignsOnce: the document signature Capture leaves is the one
// the minhash stage makes of the same shingles, which keeps it, so the
// signatures, and the tables, are those of a run that signs them there.
func TestCaptureSignsOnce(t *testing.T) {
	docs := prepared(t)
	par := pipeline.DefaultParams()
	capture, err := Capture{Night: &Night{}}.DocFunc(par)
	if err != nil {
		t.Fatal(err)
	}
	signed := 0
	for _, d := range docs {
		if err := capture(d); err != nil {
			t.Fatal(err)
		}
		if len(d.Shingles) == 0 {
			if d.Signature != nil {
				t.Errorf("%s: a signature of no shingles", d.ID)
			}
			continue
		}
		signed++
		fresh := &pipeline.Doc{Shingles: d.Shingles}
		st := pipeline.NewState(par)
		st.Docs = []*pipeline.Doc{fresh}
		if err := (minhash.Stage{}).Run(context.Background(), st, pipeline.NoProgress{}); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(d.Signature, fresh.Signature) {
			t.Fatalf("%s: Capture's signature differs from the minhash stage's", d.ID)
		}
	}
	if signed == 0 {
		t.Fatal("no document signed: the test proves nothing")
	}
}

// TestWriteKeysOnce: keys.bin holds each key of a row once, sorted by key
// then row, however often and in whatever order the row's keys come.
func TestWriteKeysOnce(t *testing.T) {
	in := []Key{{Key: 9, Row: 0}, {Key: 3, Row: 0}, {Key: 9, Row: 0}, {Key: 3, Row: 1}, {Key: 1, Row: 1}, {Key: 3, Row: 1}, {Key: 9, Row: 2}}
	want := []Key{{Key: 1, Row: 1}, {Key: 3, Row: 0}, {Key: 3, Row: 1}, {Key: 9, Row: 0}, {Key: 9, Row: 2}}
	path := filepath.Join(t.TempDir(), KeysFile)
	if err := writeKeys(path, slices.Clone(in)); err != nil {
		t.Fatal(err)
	}
	f, n, err := openEntries(path, keysMagic)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var got []Key
	if err := scanEntries(f, n, 12, func(e []byte) bool {
		got = append(got, Key{Key: binary.LittleEndian.Uint64(e[:8]), Row: binary.LittleEndian.Uint32(e[8:])})
		return true
	}); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("keys.bin holds %v, want %v", got, want)
	}
}
