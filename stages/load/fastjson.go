package load

import (
	"encoding/binary"
	"encoding/json"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// The fast path for JSON records. A record is nearly always a well-formed
// object of a few strings, and encoding/json's token decoder spent about
// 5 of its 9 CPU seconds at 100,000 articles on the object, Unmarshal the
// rest on the strings. fastObject and unquote scan such a record once,
// with no decoder, and give up (ok false) on anything else: a syntax
// error, a key given twice, an unpaired surrogate escape. parseObject and
// stringField then decode the record again with encoding/json, so every
// rejected line is named in the same words as before.
//
// No faster JSON library is used: fastjson, goccy/go-json, segmentio and
// sonic each word their errors their own way, and some accept what
// encoding/json rejects (control characters in strings, duplicate keys),
// so the rejects table would change; the records need no more than this
// small scanner, which FuzzFastObject and FuzzUnquote check against
// encoding/json.

// fastObject is parseObject for a valid object whose keys are distinct.
// The values are slices of raw.
func fastObject(raw []byte) (obj map[string]json.RawMessage, keys []string, ok bool) {
	i := skipSpace(raw, 0)
	if i >= len(raw) || raw[i] != '{' {
		return nil, nil, false
	}
	i = skipSpace(raw, i+1)
	obj = make(map[string]json.RawMessage, 8)
	if i < len(raw) && raw[i] == '}' {
		i++
	} else {
		for {
			if i >= len(raw) || raw[i] != '"' {
				return nil, nil, false
			}
			end := scanString(raw, i)
			if end < 0 {
				return nil, nil, false
			}
			key, ok := unquote(raw[i:end])
			if !ok {
				return nil, nil, false
			}
			i = skipSpace(raw, end)
			if i >= len(raw) || raw[i] != ':' {
				return nil, nil, false
			}
			i = skipSpace(raw, i+1)
			vend := scanValue(raw, i)
			if vend < 0 {
				return nil, nil, false
			}
			if _, dup := obj[key]; dup {
				return nil, nil, false
			}
			obj[key] = raw[i:vend:vend]
			keys = append(keys, key)
			i = skipSpace(raw, vend)
			if i >= len(raw) {
				return nil, nil, false
			}
			if raw[i] == ',' {
				i = skipSpace(raw, i+1)
				continue
			}
			if raw[i] != '}' {
				return nil, nil, false
			}
			i++
			break
		}
	}
	if skipSpace(raw, i) != len(raw) {
		return nil, nil, false
	}
	return obj, keys, true
}

// skipSpace returns the index of the first byte from i on that is not
// JSON white space.
func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// scanValue returns the end of the JSON value that starts at b[i], -1 if
// there is none.
func scanValue(b []byte, i int) int {
	if i >= len(b) {
		return -1
	}
	switch c := b[i]; {
	case c == '"':
		return scanString(b, i)
	case c == 'n':
		return scanLiteral(b, i, "null")
	case c == 't':
		return scanLiteral(b, i, "true")
	case c == 'f':
		return scanLiteral(b, i, "false")
	case c == '-' || '0' <= c && c <= '9':
		return scanNumber(b, i)
	case c == '{' || c == '[':
		end := scanNested(b, i)
		if end < 0 || !json.Valid(b[i:end]) {
			return -1
		}
		return end
	}
	return -1
}

func scanLiteral(b []byte, i int, lit string) int {
	if len(b)-i < len(lit) || string(b[i:i+len(lit)]) != lit {
		return -1
	}
	return i + len(lit)
}

// scanNumber returns the end of the JSON number at b[i], -1 if there is
// none: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func scanNumber(b []byte, i int) int {
	digits := func(i int) int {
		j := i
		for j < len(b) && '0' <= b[j] && b[j] <= '9' {
			j++
		}
		if j == i {
			return -1
		}
		return j
	}
	if b[i] == '-' {
		i++
	}
	switch {
	case i >= len(b):
		return -1
	case b[i] == '0':
		i++
	default:
		if i = digits(i); i < 0 {
			return -1
		}
	}
	if i < len(b) && b[i] == '.' {
		if i = digits(i + 1); i < 0 {
			return -1
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i = digits(i); i < 0 {
			return -1
		}
	}
	return i
}

// scanNested returns the end of the object or array at b[i] by counting
// brackets outside strings, -1 if it has none; whether it is valid JSON
// is for the caller to check.
func scanNested(b []byte, i int) int {
	depth := 0
	for i < len(b) {
		switch b[i] {
		case '"':
			if i = scanString(b, i); i < 0 {
				return -1
			}
			continue
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return i + 1
			}
		}
		i++
	}
	return -1
}

// special marks the bytes a JSON string cannot hold as they are: the
// quote, the backslash and the control characters.
var special = func() (t [256]bool) {
	for c := range 0x20 {
		t[c] = true
	}
	t['"'], t['\\'] = true, true
	return t
}()

// scanString returns the end (after the closing quote) of the JSON string
// literal at b[i], -1 if it is not one: a control character, a bad escape
// or no closing quote.
func scanString(b []byte, i int) int {
	for i++; i < len(b); {
		if i = plainEnd(b, i); i == len(b) {
			break
		}
		c := b[i]
		switch {
		case c == '"':
			return i + 1
		case c < 0x20:
			return -1
		}
		if i+1 >= len(b) {
			return -1
		}
		switch b[i+1] {
		case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			i += 2
		case 'u':
			if len(b)-i < 6 || !isHex4(b[i+2:i+6]) {
				return -1
			}
			i += 6
		default:
			return -1
		}
	}
	return -1
}

func isHex4(b []byte) bool {
	for _, c := range b[:4] {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// plainEnd returns the index of the first special byte of b from i on,
// or len(b). It reads eight bytes at a time while none of them is special
// (a quote, a backslash or a byte below 0x20, each found by the
// subtraction that borrows into a byte's top bit only from a byte below
// the bound), and the last ones a byte at a time: an article's text is
// most of a line, and long runs of it are plain.
func plainEnd(b []byte, i int) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	for ; i+8 <= len(b); i += 8 {
		x := binary.LittleEndian.Uint64(b[i:])
		q, s := x^(ones*'"'), x^(ones*'\\')
		if ((x-ones*0x20)&^x|(q-ones)&^q|(s-ones)&^s)&highs != 0 {
			break
		}
	}
	for i < len(b) && !special[b[i]] {
		i++
	}
	return i
}

// unquote decodes lit, exactly one JSON string literal, as json.Unmarshal
// into a string does. It reports false for anything else, for invalid
// UTF-8 and for a surrogate escape not paired as UTF-16 wants, both of
// which json.Unmarshal would make U+FFFD: the caller falls back to it.
func unquote(lit []byte) (string, bool) {
	if len(lit) < 2 || lit[0] != '"' || lit[len(lit)-1] != '"' || !utf8.Valid(lit) {
		return "", false
	}
	body := lit[1 : len(lit)-1]
	plain := func(i int) int { return plainEnd(body, i) }
	i := plain(0)
	if i == len(body) {
		return string(body), true
	}
	var out strings.Builder // its String does not copy the text again
	out.Grow(len(body))
	out.Write(body[:i])
	for i < len(body) {
		if !special[body[i]] {
			j := plain(i)
			out.Write(body[i:j])
			i = j
			continue
		}
		if body[i] != '\\' || i+1 >= len(body) {
			return "", false // a quote or control character inside
		}
		switch c := body[i+1]; c {
		case '"', '\\', '/':
			out.WriteByte(c)
		case 'b':
			out.WriteByte('\b')
		case 'f':
			out.WriteByte('\f')
		case 'n':
			out.WriteByte('\n')
		case 'r':
			out.WriteByte('\r')
		case 't':
			out.WriteByte('\t')
		case 'u':
			if len(body)-i < 6 || !isHex4(body[i+2:]) {
				return "", false
			}
			r := hex4(body[i+2:])
			i += 6
			if utf16.IsSurrogate(r) {
				if r >= 0xdc00 || len(body)-i < 6 || body[i] != '\\' || body[i+1] != 'u' || !isHex4(body[i+2:]) {
					return "", false
				}
				low := hex4(body[i+2:])
				if low < 0xdc00 || low > 0xdfff {
					return "", false
				}
				r = utf16.DecodeRune(r, low)
				i += 6
			}
			out.WriteRune(r)
			continue
		default:
			return "", false
		}
		i += 2
	}
	return out.String(), true
}
