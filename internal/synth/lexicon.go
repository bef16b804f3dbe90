package synth

import (
	"strings"
	"sync"
)

// Word classes of the synthetic lexicon.
const (
	noun = iota
	verb
	adj
	adv
	numClasses
)

// classShare is the share of the vocabulary that each class gets.
var classShare = [numClasses]float64{0.52, 0.18, 0.20, 0.10}

// wordRef locates a rendered word form in the lexicon.
type wordRef struct {
	class uint8
	form  uint8 // nouns: 0 singular, 1 plural; verbs: 0 past, 1 present, 2 -ing, 3 base
	rank  int32
}

// lexicon is the synthetic content vocabulary: pronounceable invented words
// in four classes, each Zipf-distributed, with inflected forms.
type lexicon struct {
	base  [numClasses][]string
	forms [numClasses][][]string // forms[class][rank][form]
	dist  [numClasses]alias
	index map[string]wordRef
	seed  int64
}

var (
	onsets = []string{"", "", "", "b", "b", "c", "c", "d", "d", "f", "g", "h", "j", "k", "l", "l", "m", "m", "n", "n", "p", "p", "r", "r", "s", "s", "t", "t", "v", "w", "z", "br", "cr", "dr", "fr", "gr", "pr", "tr", "st", "sh", "ch", "th", "bl", "pl", "sl", "sp", "sk", "qu"}
	vowels = []string{"a", "a", "a", "e", "e", "e", "i", "i", "o", "o", "u", "u", "ai", "ea", "ou", "ie", "oa", "ee", "oo", "y"}
	codas  = []string{"", "", "", "", "n", "n", "r", "r", "s", "l", "m", "t", "d", "nd", "nt", "st", "rt", "ck", "ng", "sh", "x", "k", "p"}
)

// syllables returns a syllable count for a word of the given frequency rank:
// frequent words are short, rare words long, as in real text.
func syllables(r *rng, rank int) int {
	switch {
	case rank < 150:
		return 1 + b2i(r.chance(0.15))
	case rank < 2000:
		return 2 - b2i(r.chance(0.35))
	case rank < 12000:
		return 2 + b2i(r.chance(0.25))
	}
	switch x := r.float(); {
	case x < 0.5:
		return 2
	case x < 0.95:
		return 3
	}
	return 4
}

func makeWord(r *rng, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString(pick(r, onsets))
		b.WriteString(pick(r, vowels))
		if i == n-1 || r.chance(0.2) {
			b.WriteString(pick(r, codas))
		}
	}
	return b.String()
}

func newLexicon(seed int64, size int) *lexicon {
	lx := &lexicon{seed: seed, index: make(map[string]wordRef, size*3)}
	r := newRNG(seed, tagLexicon, 0)
	used := make(map[string]bool, size*2)
	for w := range reserved {
		used[w] = true
	}
	for c := 0; c < numClasses; c++ {
		n := max(int(float64(size)*classShare[c]), 64)
		words := make([]string, 0, n)
		for rank := 0; len(words) < n; {
			w := makeWord(r, syllables(r, rank))
			if len(w) < 2 || used[w] {
				continue
			}
			var forms []string
			switch c {
			case noun:
				forms = []string{w, plural(w)}
			case verb:
				forms = []string{pastTense(w), w + "s", gerund(w), w}
			case adj:
				forms = []string{w}
			case adv:
				w += "ly"
				forms = []string{w}
			}
			clash := false
			for _, f := range forms {
				if used[f] {
					clash = true
				}
			}
			if clash {
				continue
			}
			for i, f := range forms {
				used[f] = true
				lx.index[f] = wordRef{class: uint8(c), form: uint8(i), rank: int32(rank)}
			}
			words = append(words, w)
			lx.forms[c] = append(lx.forms[c], forms)
			rank++
		}
		lx.base[c] = words
		lx.dist[c] = newAlias(zipfWeights(n, 1.07, 2.5))
	}
	return lx
}

func plural(w string) string {
	switch {
	case strings.HasSuffix(w, "s"), strings.HasSuffix(w, "sh"), strings.HasSuffix(w, "ch"), strings.HasSuffix(w, "x"):
		return w + "es"
	case strings.HasSuffix(w, "y") && len(w) > 2 && !strings.ContainsRune("aeiou", rune(w[len(w)-2])):
		return w[:len(w)-1] + "ies"
	}
	return w + "s"
}

func pastTense(w string) string {
	if strings.HasSuffix(w, "e") {
		return w + "d"
	}
	return w + "ed"
}

func gerund(w string) string {
	if strings.HasSuffix(w, "e") && len(w) > 2 {
		return w[:len(w)-1] + "ing"
	}
	return w + "ing"
}

// word returns form f of the word of class c at rank rank.
func (lx *lexicon) word(c, rank, f int) string {
	fs := lx.forms[c][rank]
	if f >= len(fs) {
		f = 0
	}
	return fs[f]
}

// draw returns a Zipf-distributed rank of class c.
func (lx *lexicon) draw(r *rng, c int) int { return lx.dist[c].draw(r) }

// synonym returns the rank of the j-th synonym of the word (c, rank): a
// fixed word of similar frequency, so independent rewriters sometimes pick
// the same replacement, as real ones do.
func (lx *lexicon) synonym(c, rank, j int) int {
	n := len(lx.base[c])
	h := hash3(lx.seed, tagSynonym, uint64(c)<<40|uint64(rank)<<8|uint64(j))
	lo := rank / 2
	hi := min(rank*2+20, n)
	s := lo + int(h%uint64(hi-lo))
	if s == rank {
		s = (s + 1) % n
	}
	return s
}

// nameGen makes capitalised proper names in a style distinct from the
// content words.
type nameGen struct {
	r *rng
}

var (
	nameOnsets = []string{"B", "C", "D", "F", "G", "H", "J", "K", "L", "M", "N", "P", "R", "S", "T", "V", "W", "Z", "Al", "El", "Or", "Is", "An", "Br", "Dr", "Kr", "St", "Tr", "Gr", "Ch", "Sh", "Th"}
	nameMids   = []string{"a", "e", "i", "o", "u", "ar", "el", "an", "or", "en", "is", "ov", "ad", "ul", "am", "er", "in", "os"}
	firstEnds  = []string{"a", "o", "an", "el", "is", "ia", "en", "ine", "ette", "as", "ir", "ey", "on", "ara", "ius"}
	lastEnds   = []string{"son", "ov", "ez", "ini", "berg", "ski", "ton", "ard", "ova", "man", "ley", "ic", "ek", "ez", "er", "ani", "ura", "well", "ford", "et"}
	placeEnds  = []string{"ia", "stan", "burg", "port", "ora", "vale", "ton", "grad", "mouth", "field", "land", "heim", "ada", "ovo", "esh", "ur", "ana", "ica"}
)

func (g nameGen) part(ends []string) string {
	var b strings.Builder
	b.WriteString(pick(g.r, nameOnsets))
	for i := g.r.intn(3); i > 1; i-- {
		b.WriteString(pick(g.r, nameMids))
	}
	b.WriteString(pick(g.r, nameMids))
	b.WriteString(pick(g.r, ends))
	return b.String()
}

func (g nameGen) first() string { return g.part(firstEnds) }
func (g nameGen) last() string  { return g.part(lastEnds) }
func (g nameGen) place() string { return g.part(placeEnds) }
func (g nameGen) plain() string { return g.part(nameMids) }

// capitalize upper-cases the first ASCII letter of s.
func capitalize(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-32) + s[1:]
}

// zipfTables caches alias tables for zipfIndex, keyed by size and exponent.
var zipfTables sync.Map

type zipfKey struct {
	n int
	s float64
}

// zipfIndex draws from [0, n) with weight 1/(i+1)^s; it is used for the
// small per-topic and per-story pools.
func zipfIndex(r *rng, n int, s float64) int {
	if n <= 1 {
		return 0
	}
	k := zipfKey{n, s}
	t, ok := zipfTables.Load(k)
	if !ok {
		a := newAlias(zipfWeights(n, s, 0))
		t, _ = zipfTables.LoadOrStore(k, &a)
	}
	return t.(*alias).draw(r)
}
