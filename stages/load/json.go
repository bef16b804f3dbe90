package load

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"golang.org/x/text/transform"

	"github.com/dedupe/dedupe/pipeline"
)

// readJSONArray reads a .json file into s: a JSON array of article
// records, k naming their fields. It streams the array one element at a
// time, so that no more than one element (and what the decoder reads
// ahead) is in memory. An element is numbered from 1 in Reject.Line and
// Article.Line. It returns only ctx's error.
func readJSONArray(ctx context.Context, in *input, rel string, opt Options, k *keys, s *sink) error {
	var r io.Reader = in.r
	if in.enc.utf16() {
		r = transform.NewReader(in.r, utf16Decoder(in.enc, 2))
	}
	g := &valueGuard{r: r, limit: int64(maxLine(opt))}
	dec := json.NewDecoder(g)
	g.dec = dec
	tok, err := dec.Token()
	switch {
	case err == io.EOF && g.read == 0:
		s.reject(rel, 0, fmt.Errorf("%w: empty file", ErrEmpty))
		return nil
	case err == io.EOF:
		s.reject(rel, 0, fmt.Errorf("%w: only white space", ErrEmpty))
		return nil
	case err != nil:
		s.reject(rel, 0, g.error(err, opt))
		return nil
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		s.reject(rel, 0, fmt.Errorf("%w: want an array, got %s", ErrSyntax, tokenKind(tok)))
		return nil
	}
	n := 0
	for dec.More() {
		n++
		if n%256 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			s.reject(rel, n, fmt.Errorf("%w (rest of file not read)", g.error(err, opt)))
			return nil
		}
		if !s.wants(n) {
			continue // not asked for: decoded to move on, but not parsed
		}
		a, err := parseElement(raw, dec.InputOffset()-int64(len(raw))+int64(in.enc.bomLen()), in.enc, k)
		if err == nil {
			err = checkText(a.Text, opt)
		}
		if err != nil {
			s.reject(rel, n, err)
			continue
		}
		a.SourcePath, a.Line = rel, n
		s.article(a)
	}
	if _, err := dec.Token(); err != nil { // the closing bracket
		s.reject(rel, 0, g.error(err, opt))
		return nil
	}
	if _, err := dec.Token(); err != io.EOF {
		s.reject(rel, 0, fmt.Errorf("%w: data after the array", ErrSyntax))
		return nil
	}
	if n == 0 {
		s.reject(rel, 0, fmt.Errorf("%w: empty array", ErrEmpty))
	}
	return nil
}

// parseElement decodes one element of a .json file, found at offset off
// of the file.
func parseElement(raw []byte, off int64, enc encoding, k *keys) (a pipeline.Article, err error) {
	if i := invalidUTF8(raw); i >= 0 { // only in UTF-8 files: decoded UTF-16 is valid
		return a, fmt.Errorf("%w: byte 0x%02x at offset %d", ErrNotUTF8, raw[i], off+int64(i))
	}
	return parseRecord(raw, k)
}

// errValueTooLarge stops a JSON decoder that has read more than the limit
// of one value.
var errValueTooLarge = errors.New("value too large")

// valueGuard reads for a json.Decoder, and fails when the decoder asks for
// more while it holds limit bytes it has not consumed (if limit > 0): the
// value it is reading, an element of the array, is longer than limit. The
// decoder asks for more only when it has scanned all it holds, and never
// gets more than limit bytes ahead, so the limit is exact. The decoder
// would otherwise buffer a value of any size whole.
type valueGuard struct {
	r       io.Reader
	dec     *json.Decoder
	limit   int64
	read    int64 // bytes read from r
	readErr error // the error r returned, other than io.EOF
}

func (g *valueGuard) Read(p []byte) (int, error) {
	if g.limit > 0 {
		room := g.limit - (g.read - g.dec.InputOffset())
		if room <= 0 {
			g.readErr = errValueTooLarge
			return 0, g.readErr
		}
		if int64(len(p)) > room {
			p = p[:room]
		}
	}
	n, err := g.r.Read(p)
	g.read += int64(n)
	if err != nil && err != io.EOF {
		g.readErr = err
	}
	return n, err
}

// error is the reason for an error from the decoder: the read error that
// caused it, or else what is wrong with the JSON.
func (g *valueGuard) error(err error, opt Options) error {
	switch {
	case g.readErr == nil && (err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF)):
		return fmt.Errorf("%w: unexpected end of file", ErrSyntax)
	case g.readErr == nil:
		return fmt.Errorf("%w: %v", ErrSyntax, err)
	case g.readErr == errValueTooLarge:
		return fmt.Errorf("%w: element of more than %d bytes (limit %d bytes of text)", ErrTooLarge, g.limit, opt.MaxArticleBytes)
	}
	return readError(g.readErr)
}
