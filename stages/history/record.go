package history

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/dedupe/dedupe/pipeline"
)

// A record is what the per-article stages (normalize, unwrap, segment,
// boilerplate, shingle) make of one article, apart from its metadata: its
// sentences as the shingle stage leaves them, and the count of structural
// sentences dropped. Stored with a night, it rebuilds the article as a
// pipeline.Doc that the corpus stages take as they take tonight's, without
// its text and without those stages.
//
// The encoding, in order (uvarint unless said):
//
//	len(Dropped); for each: reason (1 byte), count
//	len(Sentences); for each:
//	    Index, Para, Words, Start, End-Start
//	    flags (1 byte): 1 Terminated, 2 ChromePara, 4 Linkable is
//	        Shingles itself (no name in the sentence)
//	    Boilerplate (1 byte), Figures, FigureCount, Key (8 bytes,
//	        little-endian)
//	    len(Shingles), then each shingle as its difference from the one
//	        before (the set is sorted)
//	    unless flag 4: one bit per shingle, in bytes of 8 shingles, set
//	        when the shingle is in Linkable (the shingles holding no name)
//	len(FigureWords); for each: Sentence, Hash (4 bytes, little-endian)
//
// The corpus stages' fields (KeyDF, LinkableDF, and the Boilerplate reasons
// and Linkable narrowing they decide) are not in it: they are decided
// again on the night that reads it.
const (
	flagTerminated = 1 << iota
	flagChromePara
	flagLinkableAll
)

// errRecord is returned for a record that does not decode.
var errRecord = errors.New("history: bad article record")

// AppendRecord appends the record of an article's sentences, dropped
// counts and figure words (pipeline.Doc.FigureWords), as the shingle stage
// leaves them, to b.
func AppendRecord(b []byte, sents []pipeline.Sentence, dropped []pipeline.ReasonCount, figures []pipeline.FigureWords) []byte {
	b = binary.AppendUvarint(b, uint64(len(dropped)))
	for _, r := range dropped {
		b = append(b, byte(r.Reason))
		b = binary.AppendUvarint(b, uint64(r.N))
	}
	b = binary.AppendUvarint(b, uint64(len(sents)))
	for i := range sents {
		s := &sents[i]
		for _, v := range []int32{s.Index, s.Para, s.Words, s.Start, s.End - s.Start} {
			b = binary.AppendUvarint(b, uint64(uint32(v)))
		}
		var flags byte
		if s.Terminated {
			flags |= flagTerminated
		}
		if s.ChromePara {
			flags |= flagChromePara
		}
		all := sameSet(s.Linkable, s.Shingles)
		if all {
			flags |= flagLinkableAll
		}
		b = append(b, flags, byte(s.Boilerplate))
		b = binary.AppendUvarint(b, uint64(s.Figures))
		b = binary.AppendUvarint(b, uint64(s.FigureCount))
		b = binary.LittleEndian.AppendUint64(b, s.Key)
		b = binary.AppendUvarint(b, uint64(len(s.Shingles)))
		prev := uint32(0)
		for _, h := range s.Shingles {
			b = binary.AppendUvarint(b, uint64(h-prev))
			prev = h
		}
		if !all {
			mask := make([]byte, (len(s.Shingles)+7)/8)
			j := 0
			for k, h := range s.Shingles {
				for j < len(s.Linkable) && s.Linkable[j] < h {
					j++
				}
				if j < len(s.Linkable) && s.Linkable[j] == h {
					mask[k/8] |= 1 << (k % 8)
				}
			}
			b = append(b, mask...)
		}
	}
	b = binary.AppendUvarint(b, uint64(len(figures)))
	for _, f := range figures {
		b = binary.AppendUvarint(b, uint64(uint32(f.Sentence)))
		b = binary.LittleEndian.AppendUint32(b, f.Hash)
	}
	return b
}

// sameSet reports whether a is b itself, or both are nil: the shingle
// stage shares the slice when no shingle holds a name.
func sameSet(a, b []uint32) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// DecodeRecord returns the sentences, dropped counts and figure words
// AppendRecord encoded in b. A sentence whose shingles all hold no name
// shares its Shingles slice as Linkable, as the shingle stage leaves it.
func DecodeRecord(b []byte) ([]pipeline.Sentence, []pipeline.ReasonCount, []pipeline.FigureWords, error) {
	r := reader{b: b}
	var dropped []pipeline.ReasonCount
	if n := r.count(2); n > 0 {
		dropped = make([]pipeline.ReasonCount, n)
		for i := range dropped {
			dropped[i] = pipeline.ReasonCount{Reason: pipeline.Reason(r.byte()), N: int32(r.uvarint())}
		}
	}
	var sents []pipeline.Sentence
	if n := r.count(15); n > 0 {
		sents = make([]pipeline.Sentence, n)
	}
	for i := range sents {
		s := &sents[i]
		s.Index, s.Para, s.Words, s.Start = int32(r.uvarint()), int32(r.uvarint()), int32(r.uvarint()), int32(r.uvarint())
		s.End = s.Start + int32(r.uvarint())
		flags := r.byte()
		s.Terminated, s.ChromePara = flags&flagTerminated != 0, flags&flagChromePara != 0
		s.Boilerplate = pipeline.Reason(r.byte())
		s.Figures = uint32(r.uvarint())
		s.FigureCount = uint8(r.uvarint())
		s.Key = r.uint64()
		if n := r.count(1); n > 0 {
			s.Shingles = make([]uint32, n)
			prev := uint32(0)
			for k := range s.Shingles {
				prev += uint32(r.uvarint())
				s.Shingles[k] = prev
			}
		}
		if flags&flagLinkableAll != 0 {
			s.Linkable = s.Shingles
			continue
		}
		mask := r.bytes((len(s.Shingles)+7)/8, "mask")
		n := 0
		for _, m := range mask {
			for ; m != 0; m &= m - 1 {
				n++
			}
		}
		s.Linkable = make([]uint32, 0, n)
		for k, h := range s.Shingles {
			if k/8 < len(mask) && mask[k/8]&(1<<(k%8)) != 0 {
				s.Linkable = append(s.Linkable, h)
			}
		}
	}
	var figures []pipeline.FigureWords
	if n := r.count(5); n > 0 {
		figures = make([]pipeline.FigureWords, n)
		for i := range figures {
			figures[i].Sentence = int32(r.uvarint())
			figures[i].Hash = r.uint32()
		}
	}
	if r.err != nil {
		return nil, nil, nil, r.err
	}
	if len(r.b) != 0 {
		return nil, nil, nil, fmt.Errorf("%w: %d bytes left over", errRecord, len(r.b))
	}
	return sents, dropped, figures, nil
}

// reader reads a record, keeping the first error; every read after it
// gives zero.
type reader struct {
	b   []byte
	err error
}

func (r *reader) fail(what string) {
	if r.err == nil {
		r.err = fmt.Errorf("%w: %s", errRecord, what)
	}
	r.b = nil
}

func (r *reader) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.fail("truncated number")
		return 0
	}
	r.b = r.b[n:]
	return v
}

// count reads a length whose items take at least min bytes each, so a
// corrupt length cannot ask for more memory than the record could hold.
func (r *reader) count(min int) int {
	v := r.uvarint()
	if v > uint64(len(r.b)/min) {
		r.fail("length past the end")
		return 0
	}
	return int(v)
}

func (r *reader) byte() byte {
	if len(r.b) < 1 {
		r.fail("truncated")
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

// bytes reads the next n bytes; what names them in the error when fewer
// are left.
func (r *reader) bytes(n int, what string) []byte {
	if len(r.b) < n {
		r.fail("truncated " + what)
		return nil
	}
	out := r.b[:n]
	r.b = r.b[n:]
	return out
}

func (r *reader) uint64() uint64 {
	if b := r.bytes(8, "key"); b != nil {
		return binary.LittleEndian.Uint64(b)
	}
	return 0
}

func (r *reader) uint32() uint32 {
	if b := r.bytes(4, "figure hash"); b != nil {
		return binary.LittleEndian.Uint32(b)
	}
	return 0
}
