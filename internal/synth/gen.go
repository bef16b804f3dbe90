package synth

import (
	"strconv"
	"strings"
	"time"
)

// Special tokens, rendered according to the outlet's style.
const (
	qOpen  = "\x01" // opening double quote
	qClose = "\x02" // closing double quote
)

// reserved holds the real English words used by the grammar and the
// boilerplate; invented words never collide with them.
var reserved = map[string]bool{}

func init() {
	for _, list := range [][]string{detSing, detPlural, preps, conjs, auxHave, auxModal, auxBe, pronouns, weekdays, months, personTitles, sections, englishMisc} {
		for _, s := range list {
			for _, w := range strings.Fields(strings.ToLower(s)) {
				reserved[w] = true
			}
		}
	}
}

var (
	detSing     = []string{"this", "that", "its", "their", "his", "her", "one", "another", "each", "every", "our"}
	detPlural   = []string{"some", "several", "many", "two", "three", "most", "all", "other", "such", "these", "those", "few", "more", "both", "four", "dozens of", "hundreds of", "thousands of"}
	preps       = []string{"in", "in", "in", "on", "on", "at", "for", "for", "with", "with", "from", "over", "after", "against", "under", "into", "during", "by", "about", "amid", "between", "across", "through", "without", "before", "despite", "toward", "including", "since", "within", "to", "to", "of", "of"}
	conjs       = []string{"and", "and", "but", "but", "while", "as", "although", "after", "because", "though", "and", "so", "even as", "before"}
	auxHave     = []string{"has", "have", "had", "has", "had"}
	auxModal    = []string{"will", "would", "could", "may", "might", "should", "must", "can", "will", "would"}
	auxBe       = []string{"is", "was", "are", "were", "is", "was", "has been", "had been"}
	pronouns    = []string{"we", "we", "i", "they", "it", "you", "this"}
	weekdays    = []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
	months      = []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
	englishMisc = []string{"the a an said says told according not no yes who which what when where there that than then also more most less about around roughly some nearly almost just only still already percent million billion year years old people officials reporters statement news conference week month day today yesterday earlier later last next late end weekend however meanwhile separately further details immediately available clear comment request respond declined matter could be independently verified investigation continuing police emails seeking possible reach affected how many were was is are as well"}
	introAdvs   = []string{"Meanwhile", "However", "Earlier", "Separately", "At the same time", "In a statement", "Last year", "In recent weeks", "On the other hand", "Still", "Since then", "In response", "For now", "By contrast", "In addition"}
	toldWhom    = []string{"reporters", "Reuters", "the newspaper", "a news conference", "lawmakers", "broadcaster", "a briefing", "local media", "the Associated Press", "supporters"}
	saidVerbs   = []string{"said", "said", "said", "said", "added", "told reporters", "said in a statement", "wrote on social media", "said on", "noted"}
	relTimes    = []string{"last week", "last month", "earlier this year", "this week", "next year", "over the weekend", "by the end of the year", "earlier this month", "in recent days", "last year", "this year", "next month", "in the coming weeks", "two years ago", "in the past decade"}
)

// sentence is one sentence as tokens. Punctuation is kept as separate
// tokens; the first token is capitalised when rendered.
type sentence struct {
	toks   []string
	quote  bool   // contains a direct quotation; never split or merged
	stock  bool   // formulaic sentence that recurs across unrelated stories
	par    bool   // starts a new paragraph
	cut    int    // index of a conjunction joining two clauses, 0 if none
	cutLen uint8  // number of tokens of that conjunction
	origin int32  // index in the story's original, -1 for added text
	cls    []byte // Brown text: the word class of each token (see brown/extract); nil for invented text
	src    int32  // Brown text: the Brown text the sentence comes from
}

// cast is what makes a story a story: its main named entities and the
// rare key terms it keeps repeating.
type cast struct {
	people, orgs, places []*entity
	keyN, keyV, keyA     []int32
	dateline             *entity
}

// gen writes text for one story (or one outlet's additions to it).
type gen struct {
	w         *world
	lx        *lexicon
	t         *topic
	c         *cast
	r         *rng
	date      time.Time
	mentioned map[*entity]bool
	toks      []string
}

func newGen(w *world, t *topic, c *cast, r *rng, date time.Time) *gen {
	return &gen{w: w, lx: w.lx, t: t, c: c, r: r, date: date, mentioned: map[*entity]bool{}}
}

func (g *gen) add(ts ...string) { g.toks = append(g.toks, ts...) }

func (g *gen) addFields(s string) { g.toks = append(g.toks, strings.Fields(s)...) }

func (g *gen) nounRank() int {
	x := g.r.float()
	switch {
	case x < 0.13 && len(g.c.keyN) > 0:
		return int(g.c.keyN[zipfIndex(g.r, len(g.c.keyN), 1)])
	case x < 0.43:
		return int(g.t.nouns[zipfIndex(g.r, len(g.t.nouns), 0.9)])
	}
	return g.lx.draw(g.r, noun)
}

func (g *gen) verbRank() int {
	x := g.r.float()
	switch {
	case x < 0.06 && len(g.c.keyV) > 0:
		return int(pick(g.r, g.c.keyV))
	case x < 0.33:
		return int(g.t.verbs[zipfIndex(g.r, len(g.t.verbs), 0.9)])
	}
	return g.lx.draw(g.r, verb)
}

func (g *gen) adjRank() int {
	x := g.r.float()
	switch {
	case x < 0.08 && len(g.c.keyA) > 0:
		return int(pick(g.r, g.c.keyA))
	case x < 0.35:
		return int(g.t.adjs[zipfIndex(g.r, len(g.t.adjs), 0.9)])
	}
	return g.lx.draw(g.r, adj)
}

func (g *gen) noun(plural bool) {
	f := 0
	if plural {
		f = 1
	}
	g.add(g.lx.word(noun, g.nounRank(), f))
}

func (g *gen) adjective() { g.add(g.lx.word(adj, g.adjRank(), 0)) }

func (g *gen) adverb() { g.add(g.lx.word(adv, g.lx.draw(g.r, adv), 0)) }

// pickEntity chooses a named entity of the given kind, mostly from the
// story's cast, otherwise from the topic's pool.
func (g *gen) pickEntity(kind int) *entity {
	var castL, poolL []*entity
	switch kind {
	case person:
		castL, poolL = g.c.people, g.t.people
	case org:
		castL, poolL = g.c.orgs, g.t.orgs
	default:
		castL, poolL = g.c.places, g.t.places
	}
	if len(castL) > 0 && g.r.chance(0.68) {
		return castL[zipfIndex(g.r, len(castL), 1.2)]
	}
	if kind == place && g.r.chance(0.15) {
		return pick(g.r, g.w.countries)
	}
	return poolL[zipfIndex(g.r, len(poolL), 1.0)]
}

func (g *gen) anyEntity() *entity {
	x := g.r.float()
	switch {
	case x < 0.45:
		return g.pickEntity(person)
	case x < 0.8:
		return g.pickEntity(org)
	}
	return g.pickEntity(place)
}

// mention writes an entity: full name (with an apposition for people) the
// first time, the short form afterwards.
func (g *gen) mention(e *entity, appos bool) {
	if !g.mentioned[e] {
		g.mentioned[e] = true
		g.add(e.full...)
		if appos && e.kind == person && e.affil != nil && g.r.chance(0.55) {
			g.add(",", "the")
			g.addFields(e.title)
			if e.affil.kind == place {
				g.add("of")
			} else {
				g.add(pick(g.r, []string{"at", "of", "for"}))
			}
			if e.affil.kind == org {
				g.add("the")
			}
			g.add(e.affil.full...)
			g.add(",")
		}
		return
	}
	if e.kind == org && len(e.short) == len(e.full) && e.full[0] != "Ministry" {
		g.add("the")
	}
	g.add(e.short...)
}

func (g *gen) np(ent float64) {
	if g.r.chance(ent) {
		g.mention(g.anyEntity(), false)
		return
	}
	plural := false
	switch x := g.r.float(); {
	case x < 0.4:
		g.add("the")
	case x < 0.53:
		g.add("a")
	case x < 0.63:
		g.add(pick(g.r, detSing))
	case x < 0.77:
		g.addFields(pick(g.r, detPlural))
		plural = true
	default:
		plural = true
	}
	if g.r.chance(0.32) {
		g.adjective()
		if g.r.chance(0.12) {
			g.adjective()
		}
	}
	if g.r.chance(0.08) {
		g.noun(false)
	}
	g.noun(plural)
	if g.r.chance(0.12) {
		g.add("of", "the")
		g.noun(g.r.chance(0.3))
	}
}

func (g *gen) subject() {
	if g.r.chance(0.1) {
		g.add(pick(g.r, []string{"it", "they", "he", "she", "officials", "the government", "authorities", "analysts", "residents", "critics"}))
		return
	}
	g.np(0.38)
}

func (g *gen) vp() {
	v := g.verbRank()
	switch x := g.r.float(); {
	case x < 0.5:
		g.add(g.lx.word(verb, v, 0))
	case x < 0.68:
		g.add(g.lx.word(verb, v, 1))
	case x < 0.8:
		g.add(pick(g.r, auxHave), g.lx.word(verb, v, 0))
	case x < 0.91:
		g.add(pick(g.r, auxModal))
		if g.r.chance(0.15) {
			g.add("not")
		}
		g.add(g.lx.word(verb, v, 3))
	default:
		g.addFields(pick(g.r, auxBe))
		g.add(g.lx.word(verb, v, 2))
	}
	if g.r.chance(0.1) {
		g.adverb()
	}
	if g.r.chance(0.78) {
		g.np(0.25)
	}
}

func (g *gen) timeExpr() {
	switch x := g.r.float(); {
	case x < 0.35:
		g.add("on", weekdays[(int(g.date.Weekday())+6-g.r.intn(3))%7])
	case x < 0.7:
		g.addFields(pick(g.r, relTimes))
	case x < 0.85:
		d := g.date.AddDate(0, 0, -g.r.intn(40))
		g.add("on", months[d.Month()-1], strconv.Itoa(d.Day()))
	default:
		g.add(pick(g.r, []string{"in", "since", "until"}), strconv.Itoa(g.date.Year()-g.r.intn(15)))
	}
}

// number writes a quantity: counts, percentages, money, years.
func (g *gen) number() {
	switch x := g.r.float(); {
	case x < 0.3:
		if g.r.chance(0.4) {
			g.addFields(pick(g.r, []string{"about", "at least", "more than", "nearly", "some", "up to", "fewer than"}))
		}
		g.add(count(g.r))
		g.noun(true)
	case x < 0.55:
		g.add(strconv.FormatFloat(float64(g.r.intn(999)+1)/10, 'f', 1, 64), "percent")
	case x < 0.8:
		n := strconv.Itoa(g.r.between(2, 900))
		if g.r.chance(0.4) {
			n = strconv.FormatFloat(float64(g.r.between(11, 99))/10, 'f', 1, 64)
		}
		g.add("$"+n, pick(g.r, []string{"million", "billion", "million", "million", "billion"}))
	default:
		g.add(strconv.Itoa(g.r.between(2, 90))+"-year-old", g.lx.word(noun, g.nounRank(), 0))
	}
}

func count(r *rng) string {
	switch x := r.float(); {
	case x < 0.5:
		return strconv.Itoa(r.between(2, 99))
	case x < 0.8:
		return strconv.Itoa(r.between(100, 999))
	}
	n := r.between(1, 99)
	return strconv.Itoa(n) + "," + strconv.Itoa(r.between(100, 999))
}

func (g *gen) pp() {
	switch x := g.r.float(); {
	case x < 0.12:
		g.timeExpr()
	case x < 0.22:
		g.add(pick(g.r, []string{"in", "in", "near", "from", "across", "outside"}))
		g.mention(g.pickEntity(place), false)
	case x < 0.3:
		g.add(pick(g.r, []string{"by", "to", "from", "of", "with"}))
		g.number()
	default:
		g.add(pick(g.r, preps))
		g.np(0.2)
	}
}

func (g *gen) intro() {
	switch x := g.r.float(); {
	case x < 0.4:
		g.addFields(strings.ToLower(pick(g.r, introAdvs)))
	case x < 0.6:
		g.add("on", weekdays[(int(g.date.Weekday())+6-g.r.intn(2))%7])
	case x < 0.8:
		g.add("in")
		g.mention(g.pickEntity(place), false)
	default:
		g.add("according", "to")
		g.mention(g.pickEntity(org), false)
	}
	g.add(",")
}

// extend adds phrases until the sentence has about target words.
func (g *gen) extend(target int) {
	n, seen := 0, 0
	for {
		n += wordCount(g.toks[seen:])
		seen = len(g.toks)
		if n >= target {
			break
		}
		switch x := g.r.float(); {
		case x < 0.7:
			g.pp()
		case x < 0.76:
			g.add(",", pick(g.r, []string{"which", "which", "who", "that"}))
			g.vp()
			g.add(",")
		case x < 0.895:
			g.add("and")
			g.vp()
		case x < 0.9:
			g.add("as", "well", "as")
			g.np(0.3)
		case x < 0.95:
			g.addFields(pick(g.r, []string{"to", "to", "to", "to", "to", "to", "in order to", "and to"}))
			g.add(g.lx.word(verb, g.verbRank(), 3))
			g.np(0.2)
		default:
			g.add("and")
			g.np(0.3)
		}
	}
	if g.toks[len(g.toks)-1] == "," {
		g.toks = g.toks[:len(g.toks)-1]
	}
}

func (g *gen) attribution() {
	switch x := g.r.float(); {
	case x < 0.35:
		g.mention(g.pickEntity(person), true)
		g.saidVerb()
	case x < 0.5:
		g.add("said")
		g.mention(g.pickEntity(person), true)
	case x < 0.68:
		g.add("according", "to")
		if g.r.chance(0.7) {
			g.mention(g.pickEntity(org), false)
		} else {
			g.add("the")
			g.noun(false)
		}
	case x < 0.8:
		g.mention(g.pickEntity(person), false)
		g.add("told")
		g.addFields(pick(g.r, toldWhom))
	case x < 0.9:
		g.mention(g.pickEntity(org), false)
		g.add("said", "in", "a", "statement")
	default:
		g.add(pick(g.r, []string{"officials", "analysts", "witnesses", "police", "sources", "residents"}), "said")
	}
}

func (g *gen) saidVerb() {
	s := pick(g.r, saidVerbs)
	g.addFields(s)
	if s == "said on" {
		g.add(weekdays[g.date.Weekday()])
	}
}

func (g *gen) clause(target int) {
	g.subject()
	g.vp()
	g.extend(target)
}

// sentLen draws a target length in words.
func (g *gen) sentLen() int {
	return min(max(7+int(g.r.exp(6)+g.r.float()*10), 8), 32)
}

func (g *gen) sentence() sentence {
	for attempt := 0; ; attempt++ {
		g.toks = make([]string, 0, 40)
		s := sentence{origin: -1}
		closed := false
		target := g.sentLen()
		switch x := g.r.float(); {
		case x < 0.36:
			if g.r.chance(0.18) {
				g.intro()
			}
			g.clause(target)
		case x < 0.56:
			if g.r.chance(0.1) {
				g.intro()
			}
			g.clause(target - 3)
			g.add(",")
			g.attribution()
		case x < 0.7:
			s.quote = true
			closed = g.quote(target)
		case x < 0.88:
			g.clause(target / 2)
			g.add(",")
			s.cut = len(g.toks)
			g.addFields(pick(g.r, conjs))
			s.cutLen = uint8(len(g.toks) - s.cut)
			g.clause(target)
		default:
			if g.r.chance(0.3) {
				g.add("there", pick(g.r, []string{"were", "are", "have been"}))
				if g.r.chance(0.4) {
					g.addFields(pick(g.r, []string{"about", "at least", "more than", "nearly", "some"}))
				}
				g.add(count(g.r))
				g.noun(true)
				g.extend(target)
			} else {
				g.subject()
				g.vp()
				g.pp()
				g.number()
				g.extend(target)
			}
		}
		if !closed {
			g.add(".")
		}
		g.toks = tidy(g.toks)
		if n := wordCount(g.toks); (n >= 8 && n <= 35) || attempt >= 8 {
			s.toks = g.toks
			return s
		}
	}
}

// quote writes a sentence with a direct quotation. It reports whether the
// sentence is already closed (ends inside the quotation).
func (g *gen) quote(target int) bool {
	inner := func() {
		if g.r.chance(0.4) {
			g.add(pick(g.r, pronouns))
			g.vp()
			g.extend(target - 4)
		} else {
			g.clause(target - 4)
		}
	}
	switch x := g.r.float(); {
	case x < 0.55:
		g.add(qOpen)
		inner()
		g.add(",", qClose)
		g.mention(g.pickEntity(person), true)
		g.saidVerb()
	case x < 0.8:
		g.add(qOpen)
		inner()
		g.add(",", qClose, "said")
		g.mention(g.pickEntity(person), true)
	default:
		g.mention(g.pickEntity(person), true)
		g.add("said", ":", qOpen)
		inner()
		g.add(".", qClose)
		return true
	}
	return false
}

var stockTemplates = []string{
	"@org did not immediately respond to a request for comment",
	"It was not immediately clear how many people were affected",
	"Further details were not immediately available",
	"@person declined to comment on the matter",
	"The reports could not be independently verified",
	"The investigation is continuing , police said",
	"Representatives for @org did not respond to emails seeking comment",
	"It was not immediately possible to reach @org for comment",
	"@org did not immediately return a call seeking comment",
	"A spokesperson for @org declined to comment",
	"The cause of the incident was not immediately known",
	"No one was immediately available for comment",
}

// stock writes a formulaic sentence of the kind every wire story has.
func (g *gen) stock() sentence {
	g.toks = make([]string, 0, 16)
	for _, w := range strings.Fields(pick(g.r, stockTemplates)) {
		switch w {
		case "@org":
			g.mention(g.pickEntity(org), false)
		case "@person":
			g.mention(g.pickEntity(person), false)
		default:
			g.add(w)
		}
	}
	g.add(".")
	return sentence{toks: g.toks, stock: true, origin: -1}
}

// headline writes a headline (no final punctuation) from the story's cast
// and key terms, so different outlets' headlines for one story share names
// and rare words but not wording.
func (g *gen) headline() []string {
	g.toks = make([]string, 0, 16)
	key := func() {
		if len(g.c.keyN) > 0 && g.r.chance(0.7) {
			g.add(g.lx.word(noun, int(pick(g.r, g.c.keyN)), g.r.intn(2)))
		} else {
			g.noun(g.r.chance(0.4))
		}
	}
	who := func() {
		var e *entity
		if g.r.chance(0.6) && len(g.c.people) > 0 {
			e = g.c.people[zipfIndex(g.r, len(g.c.people), 1.5)]
		} else if len(g.c.orgs) > 0 && g.r.chance(0.7) {
			e = g.c.orgs[0]
		} else {
			e = g.pickEntity(place)
		}
		if g.r.chance(0.5) {
			g.add(e.short...)
		} else {
			g.add(e.full...)
		}
	}
	switch x := g.r.float(); {
	case x < 0.3:
		who()
		g.add(g.lx.word(verb, g.verbRank(), 1))
		if g.r.chance(0.5) {
			g.adjective()
		}
		key()
		if g.r.chance(0.5) {
			g.add(pick(g.r, []string{"in", "over", "after", "amid", "for"}))
			g.mention(g.pickEntity(place), false)
		}
	case x < 0.5:
		if g.r.chance(0.5) {
			g.adjective()
		}
		key()
		g.noun(false)
		g.add(g.lx.word(verb, g.verbRank(), 1), "as")
		who()
		g.add(g.lx.word(verb, g.verbRank(), 1))
		g.noun(true)
	case x < 0.65:
		g.add(g.c.dateline.short...)
		key()
		g.add(g.lx.word(verb, g.verbRank(), 1), count(g.r))
		g.noun(true)
	case x < 0.8:
		who()
		g.add("says")
		key()
		g.add(pick(g.r, auxModal), g.lx.word(verb, g.verbRank(), 3))
		g.noun(g.r.chance(0.5))
	default:
		g.add(qOpen)
		g.adjective()
		key()
		g.add(qClose, ":")
		who()
		g.add("on")
		g.adjective()
		g.noun(true)
	}
	return g.toks
}

// isWordByte reports whether c is matched by the ASCII \w class.
func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

// wordCount counts word tokens: tokens holding a \w character. Every
// such token starts with one, except money ("$4.2").
func wordCount(toks []string) int {
	n := 0
	for _, t := range toks {
		if t != "" && (isWordByte(t[0]) || t[0] == '$') {
			n++
		}
	}
	return n
}

// tidy drops commas that the grammar left before other punctuation.
func tidy(toks []string) []string {
	out := toks[:0]
	for i, t := range toks {
		if t == "," && i+1 < len(toks) {
			switch toks[i+1] {
			case ",", ".", ":", ";":
				continue
			}
		}
		if t == "," && len(out) == 0 {
			continue
		}
		out = append(out, t)
	}
	return out
}
