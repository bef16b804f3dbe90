package synth

import (
	"math"
	"strings"
)

// Entity kinds.
const (
	person = iota
	org
	place
)

// entity is a named person, organisation or place. Tokens are capitalised
// and never reworded.
type entity struct {
	kind  uint8
	full  []string // first mention: "Velda Korrin", "National Grain Council"
	short []string // later mentions: "Korrin", "NGC"
	title string   // people: "minister", "spokesperson", ...
	affil *entity  // people: organisation or place they belong to
}

// topic is a beat (say, one country's elections): a vocabulary of
// topic words and a cast of recurring named entities that all its stories
// draw on, which is what makes different stories on one topic look alike.
type topic struct {
	id      int
	section string
	nouns   []int32
	verbs   []int32
	adjs    []int32
	people  []*entity
	orgs    []*entity
	places  []*entity
}

var sections = []string{"world", "politics", "business", "markets", "technology", "health", "science", "sports", "environment", "entertainment", "crime", "energy", "us", "europe", "asia", "africa"}

var personTitles = []string{"minister", "spokesperson", "chief executive", "president", "director", "senator", "governor", "analyst", "professor", "lawyer", "official", "mayor", "commander", "chairman", "economist", "coach", "researcher", "prosecutor", "adviser", "secretary", "lawmaker", "founder", "manager", "envoy"}

var honorifics = map[string]string{"minister": "Minister", "president": "President", "senator": "Senator", "governor": "Governor", "mayor": "Mayor", "commander": "General", "professor": "Professor", "secretary": "Secretary"}

var orgPatterns = []string{"Ministry of %", "National % Council", "% Group", "% Holdings", "% Bank", "% Institute", "% University", "% Party", "% Energy", "Federal % Agency", "% Front", "% Motors", "% Foundation", "% Authority", "% Commission", "% Airlines", "% Federation", "% Alliance", "Central Bank of %", "% Police", "% Health Service", "% Times", "% Capital", "% Technologies"}

// world holds everything shared by all stories of a corpus.
type world struct {
	cfg       Config
	lx        *lexicon
	topics    []*topic
	topicDist alias
	countries []*entity
	outlets   []*outlet
	outletW   alias // non-wire outlets, by size
	reporters []string
	editors   []string

	// Brown text only (Config.Text == Brown).
	bc         *brownCorpus
	order      []int32 // supply order of Brown sentences
	bp         []brownPlan
	formulas   []int64 // supply positions of the formulaic sentences
	series     []seriesPlan
	bgs        []bgPlan
	supplyUsed int64
}

func newPerson(g nameGen, r *rng, affil *entity) *entity {
	first, last := g.first(), g.last()
	e := &entity{kind: person, title: pick(r, personTitles), affil: affil}
	if h, ok := honorifics[e.title]; ok && r.chance(0.5) {
		e.full = []string{h, first, last}
	} else {
		e.full = []string{first, last}
	}
	e.short = []string{last}
	return e
}

func newOrg(g nameGen, r *rng, lx *lexicon) *entity {
	p := pick(r, orgPatterns)
	var fill string
	if r.chance(0.5) {
		fill = g.plain()
	} else {
		fill = capitalize(lx.base[noun][100+r.intn(len(lx.base[noun])-100)])
	}
	full := strings.Fields(strings.Replace(p, "%", fill, 1))
	e := &entity{kind: org, full: full}
	caps := 0
	for _, t := range full {
		if t != "of" {
			caps++
		}
	}
	if caps >= 3 {
		var b strings.Builder
		for _, t := range full {
			if t != "of" {
				b.WriteByte(t[0])
			}
		}
		e.short = []string{b.String()}
	} else {
		e.short = full
	}
	return e
}

func newPlace(g nameGen, r *rng) *entity {
	var full []string
	switch x := r.float(); {
	case x < 0.55:
		full = []string{g.place()}
	case x < 0.65:
		full = []string{"Port", g.plain()}
	case x < 0.75:
		full = []string{g.plain(), "City"}
	case x < 0.82:
		full = []string{"New", g.place()}
	case x < 0.9:
		full = []string{g.plain(), "Valley"}
	default:
		full = []string{"North", g.place()}
	}
	return &entity{kind: place, full: full, short: full}
}

func logUniformRank(r *rng, lo, n int) int32 {
	if lo >= n-1 {
		return int32(r.intn(n))
	}
	x := math.Exp(math.Log(float64(lo)) + r.float()*(math.Log(float64(n))-math.Log(float64(lo))))
	return int32(min(int(x), n-1))
}

func newWorld(cfg Config) *world {
	w := &world{cfg: cfg, lx: newLexicon(cfg.Seed, cfg.VocabSize)}
	if cfg.Text == Brown {
		bc, err := loadBrown()
		if err != nil {
			// The data is embedded at build time: this is a broken build.
			panic(err)
		}
		w.bc, w.order = bc, brownOrder(bc, cfg.Seed)
	}
	gr := newRNG(cfg.Seed, tagNames, 0)
	g := nameGen{gr}
	for i := 0; i < 80; i++ {
		w.countries = append(w.countries, &entity{kind: place, full: []string{g.place()}, short: nil})
		w.countries[i].short = w.countries[i].full
	}
	for i := 0; i < 70; i++ {
		w.reporters = append(w.reporters, g.first()+" "+g.last())
	}
	for i := 0; i < 25; i++ {
		w.editors = append(w.editors, g.first()+" "+g.last())
	}
	for i := 0; i < cfg.Topics; i++ {
		r := newRNG(cfg.Seed, tagTopic, uint64(i))
		tg := nameGen{r}
		t := &topic{id: i, section: pick(r, sections)}
		for j := 0; j < 300; j++ {
			t.nouns = append(t.nouns, logUniformRank(r, 60, len(w.lx.base[noun])))
		}
		for j := 0; j < 80; j++ {
			t.verbs = append(t.verbs, logUniformRank(r, 40, len(w.lx.base[verb])))
			t.adjs = append(t.adjs, logUniformRank(r, 40, len(w.lx.base[adj])))
		}
		for j := 0; j < 12+r.intn(18); j++ {
			if r.chance(0.3) {
				t.places = append(t.places, pick(r, w.countries))
			} else {
				t.places = append(t.places, newPlace(tg, r))
			}
		}
		for j := 0; j < 12+r.intn(25); j++ {
			t.orgs = append(t.orgs, newOrg(tg, r, w.lx))
		}
		for j := 0; j < 30+r.intn(70); j++ {
			var affil *entity
			if r.chance(0.6) {
				affil = t.orgs[zipfIndex(r, len(t.orgs), 1)]
			} else {
				affil = t.places[zipfIndex(r, len(t.places), 1)]
			}
			t.people = append(t.people, newPerson(tg, r, affil))
		}
		w.topics = append(w.topics, t)
	}
	w.topicDist = newAlias(zipfWeights(cfg.Topics, 0.8, 3))
	w.outlets = newOutlets(cfg, w)
	ws := make([]float64, len(w.outlets))
	for i, o := range w.outlets {
		if o.wire < 0 {
			ws[i] = o.weight
		}
	}
	w.outletW = newAlias(ws)
	return w
}
