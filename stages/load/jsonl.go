package load

import (
	"bufio"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"

	"golang.org/x/text/transform"

	"github.com/dedupe/dedupe/pipeline"
)

// maxLine returns how many bytes of one JSONL line Dir keeps, 0 for no
// limit: the text at 6 bytes per byte (\u0001), and 1 MiB for the rest.
func maxLine(opt Options) int {
	if opt.MaxArticleBytes <= 0 {
		return 0
	}
	return 6*opt.MaxArticleBytes + 1<<20
}

// readJSONL reads a .jsonl file into s, line by line, k naming the
// fields. It returns only ctx's error.
func readJSONL(ctx context.Context, in *input, rel string, opt Options, k *keys, s *sink) error {
	r := in.r
	if in.enc.utf16() {
		r = bufio.NewReaderSize(transform.NewReader(in.r, utf16Decoder(in.enc, 2)), 64<<10)
	}
	limit := maxLine(opt)
	line, used := 0, 0 // lines read, non-blank lines
	var size int64
	for {
		if line%256 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		raw, n, tooLong, err := readLine(r, limit)
		if n == 0 && err == io.EOF {
			break
		}
		line++
		size += int64(n)
		if err != nil && err != io.EOF {
			s.reject(rel, line, fmt.Errorf("%w (rest of file not read)", readError(err)))
			return nil
		}
		raw = bytes.TrimSuffix(raw, []byte("\n"))
		raw = bytes.TrimSuffix(raw, []byte("\r"))
		raw = bytes.TrimPrefix(raw, bomUTF8)
		switch {
		case !s.wants(line):
			used++ // not asked for: not parsed either
		case tooLong:
			used++
			s.reject(rel, line, fmt.Errorf("%w: line of more than %d bytes (limit %d bytes of text)", ErrTooLarge, limit, opt.MaxArticleBytes))
		case len(bytes.TrimSpace(raw)) > 0:
			used++
			a, err := parseLine(raw, k)
			if err == nil {
				err = checkText(a.Text, opt)
			}
			if err != nil {
				s.reject(rel, line, err)
				break
			}
			a.SourcePath, a.Line = rel, line
			s.article(a)
		}
		if err == io.EOF {
			break
		}
	}
	switch {
	case used > 0:
	case size == 0:
		s.reject(rel, 0, fmt.Errorf("%w: empty file", ErrEmpty))
	default:
		s.reject(rel, 0, fmt.Errorf("%w: only blank lines", ErrEmpty))
	}
	return nil
}

// readError is the reason for an error that stopped reading a file in the
// middle.
func readError(err error) error {
	if errors.Is(err, ErrUTF16) || errors.Is(err, ErrGzip) {
		return err
	}
	return fmt.Errorf("%w: %s", ErrUnreadable, cause(err))
}

// readJSONLGzip reads a .jsonl.gz file into s: gzip-compressed JSONL,
// possibly several gzip members one after the other (files joined with
// cat), read as one stream whose lines are numbered as in the
// uncompressed stream. When the stream is cut short, the lines before are
// kept. When a member's data turns out damaged (its checksum does not
// match, or the compressed data is invalid), where the damage began is
// unknown: the lines of that member and after are dropped, and rejected as
// one. It returns only ctx's error.
func readJSONLGzip(ctx context.Context, f fs.File, rel string, opt Options, k *keys, s *sink) error {
	info, err := regular(f)
	if err != nil {
		s.reject(rel, 0, err)
		return nil
	}
	br := bufio.NewReaderSize(f, 64<<10)
	head, err := br.Peek(len(gzipMagic))
	switch {
	case len(head) == 0 && err == io.EOF:
		s.reject(rel, 0, fmt.Errorf("%w: empty file", ErrEmpty))
		return nil
	case err != nil && err != io.EOF:
		s.reject(rel, 0, fmt.Errorf("%w: %s", ErrUnreadable, cause(err)))
		return nil
	case !bytes.HasPrefix(head, gzipMagic):
		head, _ = br.Peek(sniffLen)
		if _, err := sniff(head); errors.Is(err, ErrBinary) {
			s.reject(rel, 0, err) // "binary file (zip archive)" says more
		} else {
			s.reject(rel, 0, fmt.Errorf("%w: not gzip data", ErrGzip))
		}
		return nil
	}
	g, err := newGzipReader(br)
	if err != nil {
		s.reject(rel, 0, readError(err))
		return nil
	}
	in, err := sniffInput(g, info.Size(), true)
	if err != nil {
		s.reject(rel, 0, err)
		return nil
	}
	if err := readJSONL(ctx, in, rel, opt, k, s); err != nil {
		return err
	}
	if g.damaged {
		n := g.verifiedLines(in.enc)
		s.dropAfter(n)
		s.reject(rel, n+1, fmt.Errorf("%w (lines from here on not used)", g.err))
	}
	return nil
}

// gzipMagic starts every gzip member.
var gzipMagic = []byte("\x1f\x8b")

// gzipReader reads a gzip stream member by member, each checked against
// its checksum, with errors that wrap ErrGzip when the data is damaged. It
// counts the lines of the members it has checked, in whichever encoding
// the stream turns out to be in.
type gzipReader struct {
	br      *bufio.Reader
	z       *gzip.Reader
	err     error // the error every read returns from now on
	damaged bool  // err says a member's data is wrong, not only cut short

	off      int64    // bytes read so far
	prev     byte     // the byte at the last even offset
	newlines [3]int64 // "\n" bytes, UTF-16 LE and BE "\n" code units, so far
	verified [3]int64 // the same at the end of the last member checked
}

func newGzipReader(br *bufio.Reader) (*gzipReader, error) {
	z, err := gzip.NewReader(br)
	if err != nil {
		return nil, gzipError(err)
	}
	z.Multistream(false)
	return &gzipReader{br: br, z: z}, nil
}

func (g *gzipReader) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	n, err := g.z.Read(p)
	g.count(p[:n])
	switch {
	case err == io.EOF: // the member's checksum matched
		g.verified = g.newlines
		head, err := g.br.Peek(len(gzipMagic))
		switch {
		case len(head) == 0 && err == io.EOF:
			g.err = io.EOF
		case err != nil && err != io.EOF:
			g.err = err
		case !bytes.HasPrefix(head, gzipMagic):
			g.err = fmt.Errorf("%w: data after the end of a member is not gzip", ErrGzip)
		default:
			if err := g.z.Reset(g.br); err != nil {
				g.err = gzipError(err)
			}
		}
		if g.err != nil {
			break
		}
		g.z.Multistream(false)
		if n == 0 {
			return g.Read(p)
		}
	case err != nil:
		var corrupt flate.CorruptInputError
		g.err = gzipError(err)
		g.damaged = errors.Is(err, gzip.ErrChecksum) || errors.As(err, &corrupt)
	}
	return n, g.err
}

// count counts the newlines of b, the next bytes of the stream.
func (g *gzipReader) count(b []byte) {
	for _, c := range b {
		if c == '\n' {
			g.newlines[0]++
		}
		if g.off%2 == 0 {
			g.prev = c
		} else if g.prev == '\n' && c == 0 {
			g.newlines[1]++
		} else if g.prev == 0 && c == '\n' {
			g.newlines[2]++
		}
		g.off++
	}
}

// verifiedLines returns how many lines end in the members checked so far.
func (g *gzipReader) verifiedLines(enc encoding) int {
	switch enc {
	case encUTF16LE:
		return int(g.verified[1])
	case encUTF16BE:
		return int(g.verified[2])
	}
	return int(g.verified[0])
}

// gzipError says what is wrong with damaged gzip data, or returns err, a
// read error.
func gzipError(err error) error {
	var corrupt flate.CorruptInputError
	switch {
	case errors.Is(err, gzip.ErrHeader):
		return fmt.Errorf("%w: invalid header", ErrGzip)
	case errors.Is(err, gzip.ErrChecksum):
		return fmt.Errorf("%w: checksum mismatch", ErrGzip)
	case errors.Is(err, io.ErrUnexpectedEOF), err == io.EOF:
		return fmt.Errorf("%w: truncated", ErrGzip)
	case errors.As(err, &corrupt):
		return fmt.Errorf("%w: invalid compressed data", ErrGzip)
	}
	return err
}

// readLine reads one line from r, with its "\n" if any, and returns it and
// its length n. A line longer than limit (if limit > 0) is read to its end
// but not kept: line is nil and tooLong true. err is nil, io.EOF for the
// last line, or a read error. line is valid until the next read from r.
func readLine(r *bufio.Reader, limit int) (line []byte, n int, tooLong bool, err error) {
	var buf []byte
	for {
		frag, err := r.ReadSlice('\n')
		n += len(frag)
		switch {
		case tooLong:
		case limit > 0 && n > limit:
			tooLong, buf = true, nil
		case buf == nil && err != bufio.ErrBufferFull:
			return frag, n, false, err // the whole line in r's buffer: no copy
		default:
			buf = append(buf, frag...)
		}
		if err != bufio.ErrBufferFull {
			return buf, n, tooLong, err
		}
	}
}

// ParseJSONLine decodes one JSONL record: a JSON object with the string
// fields "id" and "text" (required), "title", "url", "source" and
// "published_at" (see ParseTime). Other keys are ignored, and null is the
// same as absent. It fails, with the reasons the package comment lists,
// when the line is not valid UTF-8 or not exactly one JSON object, when a
// key is given twice or differs from a field only in case ("ID":
// encoding/json would take it for "id"), when id is missing or blank or
// text is missing, when a field is not a string or holds an escaped
// unpaired surrogate (which encoding/json would silently make U+FFFD), or
// when published_at is not a recognised time. It does not check the text:
// Dir does. Dir reads other keys in the same way when Options.Fields names
// them.
func ParseJSONLine(raw []byte) (pipeline.Article, error) {
	return parseLine(raw, &defaultKeys)
}

// parseLine is ParseJSONLine with the keys k.
func parseLine(raw []byte, k *keys) (pipeline.Article, error) {
	if i := invalidUTF8(raw); i >= 0 {
		return pipeline.Article{}, fmt.Errorf("%w: byte 0x%02x at column %d", ErrNotUTF8, raw[i], i+1)
	}
	return parseRecord(raw, k)
}

// parseRecord decodes one JSON article record, valid UTF-8, with the keys
// k.
func parseRecord(raw []byte, k *keys) (pipeline.Article, error) {
	var a pipeline.Article
	obj, names, err := parseObject(raw)
	if err != nil {
		return a, err
	}
	for _, name := range names {
		if slices.Contains(k[:], name) {
			continue
		}
		for _, f := range k {
			if strings.EqualFold(name, f) {
				return a, fmt.Errorf("key %q: keys are case-sensitive, want %q", name, f)
			}
		}
	}
	var val [6]string
	var set [6]bool
	for i, f := range k {
		if val[i], set[i], err = stringField(f, obj[f]); err != nil {
			return a, err
		}
	}
	id, text, title, published := val[keyID], val[keyText], val[keyTitle], val[keyPublishedAt]
	if strings.TrimSpace(id) == "" {
		return a, fmt.Errorf("missing %q", k[keyID])
	}
	if !set[keyText] {
		return a, fmt.Errorf("missing %q", k[keyText])
	}
	a = pipeline.Article{ID: strings.TrimSpace(id), Text: text, Title: strings.TrimSpace(title), URL: val[keyURL], Source: val[keySource]}
	if a.Title == "" {
		a.Title, a.TitleFromText = FirstLine(a.Text), true
	}
	if published != "" {
		published = strings.TrimSpace(published)
		t, err := parseTime(published)
		if err != nil {
			return pipeline.Article{}, fmt.Errorf("%s %q: %w", k[keyPublishedAt], published, err)
		}
		a.PublishedAt = t
	}
	return a, nil
}

// parseObject decodes raw, which must be one JSON object, into its values
// by key, and the keys in order. Unlike json.Unmarshal into a map, it fails
// on a key given twice.
func parseObject(raw []byte) (map[string]json.RawMessage, []string, error) {
	if obj, keys, ok := fastObject(raw); ok {
		return obj, keys, nil
	}
	return decodeObject(raw)
}

// decodeObject is parseObject with encoding/json's decoder, which names
// what is wrong with a record that is not a valid object.
func decodeObject(raw []byte) (map[string]json.RawMessage, []string, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	tok, err := dec.Token()
	if err == io.EOF {
		return nil, nil, fmt.Errorf("%w: no value", ErrSyntax)
	}
	if err != nil {
		return nil, nil, syntaxError(err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, nil, fmt.Errorf("%w: want an object, got %s", ErrSyntax, tokenKind(tok))
	}
	obj := map[string]json.RawMessage{}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, syntaxError(err)
		}
		key, ok := tok.(string)
		if !ok {
			return nil, nil, fmt.Errorf("%w: want a key, got %s", ErrSyntax, tokenKind(tok))
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, nil, syntaxError(err)
		}
		if _, dup := obj[key]; dup {
			return nil, nil, fmt.Errorf("duplicate key %q", key)
		}
		obj[key] = v
		keys = append(keys, key)
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return nil, nil, syntaxError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, nil, fmt.Errorf("%w: data after the object", ErrSyntax)
	}
	return obj, keys, nil
}

func syntaxError(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%w: unexpected end of line", ErrSyntax)
	}
	return fmt.Errorf("%w: %v", ErrSyntax, err)
}

func tokenKind(tok json.Token) string {
	switch tok := tok.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case float64, json.Number:
		return "number"
	case string:
		return "string"
	case json.Delim:
		switch tok {
		case '[':
			return "array"
		case '{':
			return "object"
		}
		return fmt.Sprintf("%q", string(tok))
	}
	return fmt.Sprintf("%T", tok)
}

// stringField decodes the value v of the field name, nil when absent. It
// reports whether the field is set (not absent, not null).
func stringField(name string, v json.RawMessage) (string, bool, error) {
	v = bytes.TrimSpace(v)
	if len(v) == 0 || string(v) == "null" {
		return "", false, nil
	}
	if v[0] != '"' {
		kind := "number"
		switch v[0] {
		case '{':
			kind = "object"
		case '[':
			kind = "array"
		case 't', 'f':
			kind = "boolean"
		}
		return "", false, fmt.Errorf("%q: want a string, got %s", name, kind)
	}
	if err := checkSurrogates(v); err != nil {
		return "", false, fmt.Errorf("%q: %w", name, err)
	}
	if s, ok := unquote(v); ok {
		return s, true, nil
	}
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		return "", false, fmt.Errorf("%w: %q: %v", ErrSyntax, name, err)
	}
	return s, true, nil
}

// checkSurrogates fails on a \u escape of a surrogate that is not a high
// one followed by an escaped low one. v is a valid JSON string literal.
func checkSurrogates(v []byte) error {
	for i := 0; i < len(v); i++ {
		j := bytes.IndexByte(v[i:], '\\')
		if j < 0 {
			return nil
		}
		i += j + 1
		if v[i] != 'u' {
			continue // \" \\ \n ...
		}
		u := hex4(v[i+1:])
		i += 4
		switch {
		case u < 0xd800 || u > 0xdfff:
		case u < 0xdc00 && i+6 < len(v) && v[i+1] == '\\' && v[i+2] == 'u':
			if low := hex4(v[i+3:]); low >= 0xdc00 && low <= 0xdfff {
				i += 6
				continue
			}
			fallthrough
		default:
			return fmt.Errorf("unpaired surrogate \\u%04x", u)
		}
	}
	return nil
}

// hex4 returns the value of the 4 hex digits b starts with.
func hex4(b []byte) rune {
	var r rune
	for _, c := range b[:4] {
		switch {
		case '0' <= c && c <= '9':
			r = r<<4 | rune(c-'0')
		case 'a' <= c && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case 'A' <= c && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		}
	}
	return r
}
