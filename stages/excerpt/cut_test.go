package excerpt

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestCodePoints: cutting in place gives what converting to runes gave,
// for ASCII, multi-byte and invalid UTF-8 text, ranges in order, repeated
// and going back.
func TestCodePoints(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	pieces := []string{"a", "Z", " ", ".", "é", "’", "—", "中", "😀", "\xff", "\xe2\x80"}
	for trial := range 500 {
		var b strings.Builder
		for range r.IntN(60) {
			p := pieces[r.IntN(len(pieces))]
			if trial%3 == 0 && !utf8.ValidString(p) {
				continue // two texts in three hold invalid bytes
			}
			b.WriteString(p)
		}
		s := b.String()
		runes := []rune(s)
		c := cutter(s)
		if c.n != len(runes) {
			t.Fatalf("%q: %d code points, want %d", s, c.n, len(runes))
		}
		for range 10 {
			start := r.IntN(len(runes) + 1)
			end := start + r.IntN(len(runes)-start+1)
			if got, want := c.text(start, end), string(runes[start:end]); got != want {
				t.Fatalf("%q [%d, %d): got %q, want %q", s, start, end, got, want)
			}
		}
	}
}

// benchText is an article of 6,000 code points, curly quotes and dashes
// among ASCII, cut into 40 sentences.
func benchText() (string, [][2]int) {
	s := strings.Repeat("The minister said ‘talks will resume’ — on Monday. ", 120)
	n := utf8.RuneCountInString(s)
	var ranges [][2]int
	for i := 0; i+150 <= n; i += 150 {
		ranges = append(ranges, [2]int{i, i + 140})
	}
	return s, ranges
}

func BenchmarkCutRunes(b *testing.B) {
	s, ranges := benchText()
	b.ReportAllocs()
	for range b.N {
		runes := []rune(s)
		for _, w := range ranges {
			_ = string(runes[w[0]:w[1]])
		}
	}
}

func BenchmarkCutInPlace(b *testing.B) {
	s, ranges := benchText()
	b.ReportAllocs()
	for range b.N {
		c := cutter(s)
		for _, w := range ranges {
			_ = c.text(w[0], w[1])
		}
	}
}
