package synth

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"sort"
	"strings"
	"sync"
)

// brownGz holds the sentences of Brown Corpus sections A to J, extracted by
// ./brown/extract (see brown/README.md for source, version and license).
//
//go:embed brown/sentences.txt.gz
var brownGz []byte

// brownSent is one Brown sentence as generator tokens (punctuation and
// quotation marks split off, as the invented generator writes them) with
// the word class of each token (see brown/extract for the letters).
type brownSent struct {
	text    int32 // index of its Brown text
	section byte  // 'a'..'j'
	toks    []string
	cls     []byte
}

// brownCorpus is the parsed embedded data, shared by every world.
type brownCorpus struct {
	sents []brownSent
	texts []string // Brown text ids ("ca01"), by index
	// words lists, per class letter, the distinct lower-case words of that
	// class seen at least three times: what substitutions draw from.
	words [256][]string
	// short indexes the sentences of 6 to 30 words: what fillers use.
	short []int32
	// local lists, per text and class letter, the words of that class in
	// that text, once per occurrence: substitutions draw from it first so
	// that a reworded sentence stays on its text's subject.
	local [][256][]string
}

var (
	brownOnce sync.Once
	brownData *brownCorpus
	brownErr  error
)

// loadBrown parses the embedded sentences once per process.
func loadBrown() (*brownCorpus, error) {
	brownOnce.Do(func() { brownData, brownErr = parseBrown(brownGz) })
	return brownData, brownErr
}

func parseBrown(gz []byte) (*brownCorpus, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, fmt.Errorf("brown sentences: %w", err)
	}
	c := &brownCorpus{}
	seen := map[string]int{}
	var lines [][3]string
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	for sc.Scan() {
		f := strings.SplitN(sc.Text(), "\t", 3)
		if len(f) != 3 {
			return nil, fmt.Errorf("brown sentences: bad line %q", sc.Text())
		}
		lines = append(lines, [3]string{f[0], f[1], f[2]})
		seen[f[2]]++
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("brown sentences: %w", err)
	}
	counts := map[byte]map[string]int{}
	for _, l := range lines {
		// A sentence Brown itself repeats ("Yes.", a refrain) would glue
		// stories outside the generator's control: the formulaic sentences
		// are placed deliberately instead.
		if seen[l[2]] > 1 {
			continue
		}
		chunks := strings.Fields(l[2])
		if len(chunks) != len(l[1]) {
			return nil, fmt.Errorf("brown sentences: %d classes for %d words in %q", len(l[1]), len(chunks), l[2])
		}
		if len(c.texts) == 0 || c.texts[len(c.texts)-1] != l[0] {
			c.texts = append(c.texts, l[0])
			c.local = append(c.local, [256][]string{})
		}
		s := brownSent{text: int32(len(c.texts) - 1), section: l[0][1]}
		for i, ch := range chunks {
			splitChunk(&s, ch, l[1][i], i == len(chunks)-1)
			k := l[1][i]
			if k != '-' && k != 'p' && isLowerWord(ch) || k == 'p' && isName(ch) {
				if counts[k] == nil {
					counts[k] = map[string]int{}
				}
				counts[k][ch]++
				loc := &c.local[len(c.local)-1]
				loc[k] = append(loc[k], ch)
			}
		}
		if wordCount(s.toks) < 3 {
			continue
		}
		if n := wordCount(s.toks); n >= 6 && n <= 30 {
			c.short = append(c.short, int32(len(c.sents)))
		}
		c.sents = append(c.sents, s)
	}
	for k, m := range counts {
		for w, n := range m {
			if n >= 3 {
				c.words[k] = append(c.words[k], w)
			}
		}
		sort.Strings(c.words[k])
	}
	return c, nil
}

// isLowerWord reports whether s is a plain lower-case word (letters and
// inner hyphens), fit to stand in for another word of its class.
func isLowerWord(s string) bool {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c == '-' && i > 0 && i < len(s)-1) {
			return false
		}
	}
	return true
}

// isName reports whether s is a plain capitalised word ("Atlanta").
func isName(s string) bool {
	return s != "" && s[0] >= 'A' && s[0] <= 'Z' && isLowerWord(strings.ToLower(s[:1])+s[1:])
}

// splitChunk appends one space-separated chunk of a Brown sentence as
// tokens: a leading double quote becomes qOpen, trailing punctuation and
// closing quotes their own tokens; the word keeps the chunk's class. A
// period inside the sentence stays on its word: it ends an abbreviation
// ("Mr.", "Feb."), never the sentence.
func splitChunk(s *brownSent, ch string, k byte, last bool) {
	for strings.HasPrefix(ch, "\"") && len(ch) > 1 {
		s.toks, s.cls = append(s.toks, qOpen), append(s.cls, '-')
		ch = ch[1:]
	}
	end := len(ch)
	for end > 1 && strings.IndexByte(".,;:?!\"", ch[end-1]) >= 0 {
		if ch[end-1] == '.' && !last && end > 1 && isWordByte(ch[end-2]) {
			break
		}
		end--
	}
	if end == 1 && strings.IndexByte(".,;:?!\"", ch[0]) >= 0 {
		end = 0
	}
	if end > 0 {
		s.toks, s.cls = append(s.toks, ch[:end]), append(s.cls, k)
	}
	for _, c := range ch[end:] {
		t := string(c)
		if c == '"' {
			t = qClose
			if end == 0 && len(s.toks) == 0 {
				t = qOpen
			}
		}
		s.toks, s.cls = append(s.toks, t), append(s.cls, '-')
	}
}
