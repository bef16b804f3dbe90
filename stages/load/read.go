package load

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"

	"github.com/dedupe/dedupe/pipeline"
)

// sniffLen is how much of a file Dir looks at to tell its encoding, or
// that it is binary.
const sniffLen = 512

// encoding is a file's encoding as told by its first bytes.
type encoding int

const (
	encPlain   encoding = iota // no byte order mark: UTF-8, or for .txt Windows-1252
	encUTF8BOM                 // UTF-8 with a byte order mark
	encUTF16LE                 // UTF-16 with a little-endian byte order mark
	encUTF16BE                 // UTF-16 with a big-endian byte order mark
)

// bomLen returns the length of the byte order mark.
func (e encoding) bomLen() int {
	switch e {
	case encUTF8BOM:
		return 3
	case encUTF16LE, encUTF16BE:
		return 2
	}
	return 0
}

func (e encoding) utf16() bool { return e == encUTF16LE || e == encUTF16BE }

// input is an open regular file, its encoding sniffed and its byte order
// mark read.
type input struct {
	size int64 // bytes, as Stat reported before reading
	enc  encoding
	r    *bufio.Reader // positioned after the byte order mark
}

// newInput checks that f is a regular file and tells its encoding, or
// that it is binary (ErrBinary) or in an encoding Dir does not read
// (ErrEncoding).
func newInput(f fs.File) (*input, error) {
	info, err := regular(f)
	if err != nil {
		return nil, err
	}
	return sniffInput(f, info.Size(), false)
}

// regular returns f's information if it is a regular file.
func regular(f fs.File) (fs.FileInfo, error) {
	info, err := f.Stat()
	if err != nil {
		return nil, openError(err)
	}
	if !info.Mode().IsRegular() { // replaced since the folder was listed
		return nil, notRegular(info.Mode().Type())
	}
	return info, nil
}

// sniffInput tells the encoding of what r holds, size bytes. If lenient,
// a read error is left for the next read from the input to report: the
// readers that lenient serves repeat their error.
func sniffInput(r io.Reader, size int64, lenient bool) (*input, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, err := br.Peek(sniffLen)
	if err != nil && err != io.EOF && !lenient {
		return nil, fmt.Errorf("%w: %s", ErrUnreadable, cause(err))
	}
	enc, err := sniff(head)
	if err != nil {
		return nil, err
	}
	if _, err := br.Discard(enc.bomLen()); err != nil {
		return nil, fmt.Errorf("%w: %s", ErrUnreadable, cause(err))
	}
	return &input{size: size, enc: enc, r: br}, nil
}

var (
	bomUTF8 = []byte("\ufeff")
	errNUL  = fmt.Errorf("%w (contains NUL bytes)", ErrBinary)
	// errNULText is a NUL in a JSON string ("\u0000"): as in a .txt file,
	// it marks binary data passed off as text, and normalisation would
	// silently drop it.
	errNULText = fmt.Errorf("%w (text holds a NUL character)", ErrBinary)
)

// sniff tells the encoding of a file from its first bytes, or why Dir
// does not read it.
func sniff(head []byte) (encoding, error) {
	switch {
	case bytes.HasPrefix(head, []byte("\xff\xfe\x00\x00")), bytes.HasPrefix(head, []byte("\x00\x00\xfe\xff")):
		return 0, fmt.Errorf("%w: UTF-32", ErrEncoding)
	case bytes.HasPrefix(head, bomUTF8):
		return encUTF8BOM, nil
	case bytes.HasPrefix(head, []byte("\xff\xfe")):
		return encUTF16LE, nil
	case bytes.HasPrefix(head, []byte("\xfe\xff")):
		return encUTF16BE, nil
	}
	for _, m := range magics {
		if m.match(head) {
			return 0, fmt.Errorf("%w (%s)", ErrBinary, m.kind)
		}
	}
	if bytes.IndexByte(head, 0) >= 0 {
		if looksUTF16(head) {
			return 0, fmt.Errorf("%w: UTF-16 without a byte order mark", ErrEncoding)
		}
		return 0, errNUL
	}
	return encPlain, nil
}

// magics are the signatures of common binary formats, found in crawl
// folders, that may hold no NUL byte in their first bytes, or whose name
// makes a better reason than "contains NUL bytes".
var magics = []struct {
	kind  string
	match func([]byte) bool
}{
	{"PNG image", at(0, "\x89PNG\r\n\x1a\n")},
	{"JPEG image", at(0, "\xff\xd8\xff")},
	{"GIF image", either(at(0, "GIF87a"), at(0, "GIF89a"))},
	{"TIFF image", either(at(0, "II*\x00"), at(0, "MM\x00*"))},
	{"WebP image", both(at(0, "RIFF"), at(8, "WEBP"))},
	{"WAV audio", both(at(0, "RIFF"), at(8, "WAVE"))},
	{"AVI video", both(at(0, "RIFF"), at(8, "AVI "))},
	{"MP4, QuickTime or HEIF media", at(4, "ftyp")},
	{"Ogg media", at(0, "OggS")},
	{"FLAC audio", at(0, "fLaC")},
	{"PDF document", at(0, "%PDF-")},
	{"gzip archive", at(0, "\x1f\x8b")},
	{"zip archive", either(at(0, "PK\x03\x04"), at(0, "PK\x05\x06"))}, // also docx, xlsx, odt, epub
	{"bzip2 archive", both(at(0, "BZh"), at(4, "1AY&SY"))},
	{"xz archive", at(0, "\xfd7zXZ\x00")},
	{"zstd archive", at(0, "\x28\xb5\x2f\xfd")},
	{"7-zip archive", at(0, "7z\xbc\xaf\x27\x1c")},
	{"RAR archive", at(0, "Rar!\x1a\x07")},
	{"ELF executable", at(0, "\x7fELF")},
	{"Microsoft Office document", at(0, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")},
	{"SQLite database", at(0, "SQLite format 3\x00")},
}

func at(off int, sig string) func([]byte) bool {
	return func(b []byte) bool { return len(b) >= off+len(sig) && string(b[off:off+len(sig)]) == sig }
}

func either(f, g func([]byte) bool) func([]byte) bool {
	return func(b []byte) bool { return f(b) || g(b) }
}

func both(f, g func([]byte) bool) func([]byte) bool {
	return func(b []byte) bool { return f(b) && g(b) }
}

// looksUTF16 reports whether b, which holds a NUL byte, looks like UTF-16
// text without a byte order mark: NUL bytes at only even or only odd
// offsets, in at least half the code units and at least 2 (Latin text has
// one in each unit).
func looksUTF16(b []byte) bool {
	units := len(b) / 2
	var even, odd int
	for i := 0; i+1 < len(b); i += 2 {
		if b[i] == 0 {
			even++
		}
		if b[i+1] == 0 {
			odd++
		}
	}
	return even == 0 && odd >= 2 && odd*2 >= units || odd == 0 && even >= 2 && even*2 >= units
}

// readText reads a .txt file.
func readText(in *input, rel string, opt Options) (pipeline.Article, error) {
	limit := int64(-1) // of the bytes after the byte order mark
	if opt.MaxArticleBytes > 0 {
		// A byte of UTF-8 or Windows-1252 is at least a byte of text, a
		// UTF-16 code unit (2 bytes) at least one.
		limit = int64(opt.MaxArticleBytes)
		if in.enc.utf16() {
			limit = 2*limit + 1
		}
		if in.size-int64(in.enc.bomLen()) > limit {
			return pipeline.Article{}, fmt.Errorf("%w: file of %d bytes, limit %d", ErrTooLarge, in.size, opt.MaxArticleBytes)
		}
	}
	var buf bytes.Buffer
	var r io.Reader = in.r
	if limit >= 0 {
		buf.Grow(int(min(in.size, limit)) + 1)
		r = io.LimitReader(in.r, limit+1)
	}
	if _, err := buf.ReadFrom(r); err != nil {
		return pipeline.Article{}, fmt.Errorf("%w: %s", ErrUnreadable, cause(err))
	}
	if limit >= 0 && int64(buf.Len()) > limit { // the file grew since Stat
		return pipeline.Article{}, fmt.Errorf("%w: file of more than %d bytes, limit %d", ErrTooLarge, limit+int64(in.enc.bomLen()), opt.MaxArticleBytes)
	}
	text, err := decode(buf.Bytes(), in.enc)
	if err != nil {
		return pipeline.Article{}, err
	}
	if err := checkText(text, opt); err != nil {
		return pipeline.Article{}, err
	}
	return pipeline.Article{
		ID:            strings.TrimSuffix(rel, path.Ext(rel)),
		SourcePath:    rel,
		Title:         FirstLine(text),
		TitleFromText: true,
		Text:          text,
	}, nil
}

// decode returns the text of a .txt file's bytes after the byte order mark.
func decode(b []byte, enc encoding) (string, error) {
	if enc.utf16() {
		out, _, err := transform.Bytes(utf16Decoder(enc, 2), b)
		if err != nil {
			return "", err
		}
		if bytes.IndexByte(out, 0) >= 0 {
			return "", errNUL
		}
		return string(out), nil
	}
	if bytes.IndexByte(b, 0) >= 0 {
		return "", errNUL
	}
	i := invalidUTF8(b)
	switch {
	case i < 0:
		return string(b), nil
	case enc == encUTF8BOM:
		return "", fmt.Errorf("%w: byte 0x%02x at offset %d (after a UTF-8 byte order mark)", ErrNotUTF8, b[i], i+enc.bomLen())
	case !eightBit(b):
		return "", fmt.Errorf("%w: byte 0x%02x at offset %d (and not Windows-1252 text)", ErrNotUTF8, b[i], i)
	}
	out, err := charmap.Windows1252.NewDecoder().Bytes(b)
	if err != nil { // cannot happen: eightBit excludes the undefined bytes
		return "", fmt.Errorf("%w: %v", ErrNotUTF8, err)
	}
	return string(out), nil
}

// invalidUTF8 returns the offset of the first byte of b that is not part
// of valid UTF-8, or -1.
func invalidUTF8(b []byte) int {
	if utf8.Valid(b) {
		return -1
	}
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return -1
}

// eightBit reports whether b, which is not valid UTF-8, looks like text in
// Windows-1252: no control byte but white space and ^Z (DOS end of file),
// none of the five bytes Windows-1252 leaves undefined, and no valid
// multi-byte UTF-8 sequence (text holding both is damaged UTF-8 or mixed
// encodings: decoding it as Windows-1252 would make mojibake of the valid
// part).
func eightBit(b []byte) bool {
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case c < 0x20 && !strings.ContainsRune("\t\n\v\f\r\x1a", rune(c)), c == 0x7f:
			return false
		case c == 0x81, c == 0x8d, c == 0x8f, c == 0x90, c == 0x9d:
			return false
		case c >= 0x80:
			if _, n := utf8.DecodeRune(b[i:]); n > 1 {
				return false
			}
		}
		i++
	}
	return true
}

// utf16Decoder decodes UTF-16 without its byte order mark to UTF-8, failing
// (ErrUTF16) on what golang.org/x/text's decoder would silently replace
// with U+FFFD. off is the offset of the first byte in the file, for errors.
func utf16Decoder(enc encoding, off int64) transform.Transformer {
	order := unicode.LittleEndian
	if enc == encUTF16BE {
		order = unicode.BigEndian
	}
	return transform.Chain(&utf16Check{bigEndian: enc == encUTF16BE, start: off},
		unicode.UTF16(order, unicode.IgnoreBOM).NewDecoder())
}

// utf16Check passes UTF-16 through unchanged, failing on an odd byte at the
// end and on unpaired surrogates.
type utf16Check struct {
	bigEndian  bool
	start, off int64 // offset in the file of the first and of the next byte
}

func (c *utf16Check) Reset() { c.off = c.start }

func (c *utf16Check) unit(b []byte) rune {
	if c.bigEndian {
		return rune(b[0])<<8 | rune(b[1])
	}
	return rune(b[1])<<8 | rune(b[0])
}

func (c *utf16Check) Transform(dst, src []byte, atEOF bool) (nDst, nSrc int, err error) {
	defer func() { c.off += int64(nSrc) }()
	for nSrc < len(src) {
		rest := src[nSrc:]
		if len(rest) < 2 {
			if atEOF {
				return nDst, nSrc, fmt.Errorf("%w: odd number of bytes", ErrUTF16)
			}
			return nDst, nSrc, transform.ErrShortSrc
		}
		n := 2
		if u := c.unit(rest); utf16.IsSurrogate(u) {
			switch {
			case u >= 0xdc00: // a low surrogate first
				return nDst, nSrc, c.unpaired(nSrc)
			case len(rest) < 4 && !atEOF:
				return nDst, nSrc, transform.ErrShortSrc
			case len(rest) < 4, c.unit(rest[2:]) < 0xdc00, c.unit(rest[2:]) > 0xdfff:
				return nDst, nSrc, c.unpaired(nSrc)
			}
			n = 4
		}
		if len(dst)-nDst < n {
			return nDst, nSrc, transform.ErrShortDst
		}
		nDst += copy(dst[nDst:], rest[:n])
		nSrc += n
	}
	return nDst, nSrc, nil
}

func (c *utf16Check) unpaired(nSrc int) error {
	return fmt.Errorf("%w: unpaired surrogate at byte %d", ErrUTF16, c.off+int64(nSrc))
}
