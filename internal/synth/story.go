package synth

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// memberPlan is one article of a family, decided before any text exists.
type memberPlan struct {
	outlet   int32
	kind     Kind
	base     int16 // member whose text a rewrite starts from; -1: the original
	dupOf    int16 // CrawlDuplicate: the member it duplicates
	delay    time.Duration
	readAlso [6]artRef // earlier articles of the same outlet, newest first
	nRead    int8
}

type artRef struct{ story, member int32 }

// storyPlan is the skeleton of one story: who publishes it, when, and how.
type storyPlan struct {
	topic   int32
	parent  int32 // the story this one is a follow-up of (hard negative), or -1
	wire    int8  // wire agency of origin, or -1 for an outlet's own story
	start   time.Time
	members []memberPlan
}

// version is the text of one article before the outlet template is added.
type version struct {
	headline []string
	dateline string
	sents    []sentence
	credit   []string
}

// plan decides every story of the corpus; it is cheap and sequential.
func (w *world) plan() []storyPlan {
	cfg := w.cfg
	famW := make([]float64, cfg.MaxFamily)
	for k := range famW {
		famW[k] = math.Pow(float64(k+1), -cfg.FamilyExponent)
	}
	famDist := newAlias(famW)
	nonWire := len(w.outlets) - len(wireNames)
	var plans []storyPlan
	recent := make([][]artRef, len(w.outlets)) // newest last
	for id, left := 0, cfg.Articles; left > 0; id++ {
		r := newRNG(cfg.Seed, tagPlan, uint64(id))
		p := storyPlan{parent: -1, wire: -1}
		k := famDist.draw(r) + 1
		if r.chance(cfg.FollowUpRate) && id > 0 {
			// The parent ran up to about four days earlier.
			window := max(1, 4*cfg.Articles/(2*cfg.Days))
			p.parent = int32(id - 1 - r.intn(min(id, window)))
		}
		if p.parent >= 0 {
			p.topic = plans[p.parent].topic
		} else {
			p.topic = int32(w.topicDist.draw(r))
		}
		wireP := 0.75
		if k == 1 {
			wireP = 0.4
		}
		ownSite := false
		if r.chance(wireP) {
			p.wire = 0
			if r.chance(0.4) {
				p.wire = 1
			}
			ownSite = r.chance(0.3)
		}
		k = min(k, nonWire+b2i(ownSite))
		outs := w.pickOutlets(r, k-b2i(ownSite))
		if ownSite {
			outs = append([]int32{int32(p.wire)}, outs...)
		}
		for m, o := range outs {
			mp := memberPlan{outlet: o, base: -1, dupOf: -1}
			x := r.float()
			switch {
			case m == 0 && (ownSite || p.wire < 0):
				mp.kind = Original
			case p.wire >= 0 && x < 0.15, p.wire < 0 && x < 0.06:
				mp.kind = Copy
			case p.wire >= 0 && x < 0.3, p.wire < 0 && x < 0.14:
				mp.kind = NearCopy
			default:
				mp.kind = Rewrite
				if m > 0 && r.chance(0.2) {
					mp.base = int16(r.intn(m))
				}
			}
			if mp.kind != Original {
				// Most pick-ups follow within hours, a few days later.
				mp.delay = time.Duration(math.Min(r.exp(3)+r.exp(0.3), 72) * float64(time.Hour))
			}
			p.members = append(p.members, mp)
			if r.chance(cfg.CrawlDupRate) {
				d := mp
				d.kind, d.dupOf = CrawlDuplicate, int16(len(p.members)-1)
				p.members = append(p.members, d)
			}
		}
		if len(p.members) > left {
			p.members = p.members[:left]
		}
		left -= len(p.members)
		for m := range p.members {
			mp := &p.members[m]
			if mp.kind == CrawlDuplicate {
				mp.readAlso, mp.nRead = p.members[mp.dupOf].readAlso, p.members[mp.dupOf].nRead
				continue
			}
			rec := recent[mp.outlet]
			for j := len(rec) - 1; j >= 0 && int(mp.nRead) < len(mp.readAlso); j-- {
				mp.readAlso[mp.nRead] = rec[j]
				mp.nRead++
			}
			rec = append(rec, artRef{int32(id), int32(m)})
			if len(rec) > len(mp.readAlso) {
				rec = rec[1:]
			}
			recent[mp.outlet] = rec
		}
		plans = append(plans, p)
	}
	// Stories start in index order over the corpus time span.
	span := time.Duration(cfg.Days) * 24 * time.Hour
	for i := range plans {
		r := newRNG(cfg.Seed, tagPlan, uint64(i)|1<<40)
		f := (float64(i) + r.float()) / float64(len(plans))
		plans[i].start = cfg.Start.Add(time.Duration(f * float64(span))).Truncate(time.Second)
	}
	return plans
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// pickOutlets draws k distinct non-wire outlets, weighted by outlet size.
func (w *world) pickOutlets(r *rng, k int) []int32 {
	out := make([]int32, 0, k)
	for tries := 0; len(out) < k; tries++ {
		var o int32
		if tries < 60 {
			o = int32(w.outletW.draw(r))
		} else {
			o = int32(len(wireNames) + r.intn(len(w.outlets)-len(wireNames)))
		}
		dup := false
		for _, x := range out {
			dup = dup || x == o
		}
		if !dup {
			out = append(out, o)
		}
	}
	return out
}

// castOf returns the main entities and key terms of a story. A follow-up
// inherits its parent's cast, which is what makes it a hard negative.
func (w *world) castOf(plans []storyPlan, id int) *cast {
	p := &plans[id]
	t := w.topics[p.topic]
	r := newRNG(w.cfg.Seed, tagCast, uint64(id))
	lx := w.lx
	if p.parent >= 0 {
		pc := w.castOf(plans, int(p.parent))
		c := *pc
		c.people = append([]*entity(nil), pc.people...)
		if r.chance(0.5) {
			c.people = append(c.people, t.people[zipfIndex(r, len(t.people), 1)])
		}
		c.keyN = append(append([]int32(nil), pc.keyN...), logUniformRank(r, 1500, len(lx.base[noun])))
		return &c
	}
	c := &cast{}
	g := nameGen{r}
	for i := r.between(1, 3); i > 0; i-- {
		c.people = append(c.people, t.people[zipfIndex(r, len(t.people), 1)])
	}
	if r.chance(0.4) {
		c.people = append(c.people, newPerson(g, r, t.orgs[r.intn(len(t.orgs))]))
	}
	for i := r.between(1, 2); i > 0; i-- {
		c.orgs = append(c.orgs, t.orgs[zipfIndex(r, len(t.orgs), 1)])
	}
	for i := r.between(1, 2); i > 0; i-- {
		c.places = append(c.places, t.places[zipfIndex(r, len(t.places), 1)])
	}
	c.dateline = c.places[0]
	for i := r.between(4, 8); i > 0; i-- {
		c.keyN = append(c.keyN, logUniformRank(r, 1500, len(lx.base[noun])))
	}
	for i := r.between(1, 2); i > 0; i-- {
		c.keyV = append(c.keyV, logUniformRank(r, 500, len(lx.base[verb])))
	}
	for i := r.between(1, 3); i > 0; i-- {
		c.keyA = append(c.keyA, logUniformRank(r, 800, len(lx.base[adj])))
	}
	return c
}

// original writes the story's source text: the wire copy or the outlet's
// own article.
func (w *world) original(plans []storyPlan, id int, c *cast) *version {
	p := &plans[id]
	r := newRNG(w.cfg.Seed, tagStory, uint64(id))
	g := newGen(w, w.topics[p.topic], c, r, p.start)
	v := &version{headline: w.headlineOf(plans, id, -1, c)}
	target := r.between(340, 520)
	words := 0
	for words < target {
		s := g.sentence()
		words += wordCount(s.toks)
		v.sents = append(v.sents, s)
	}
	for i := r.intn(3); i > 0; i-- {
		pos := len(v.sents)/2 + r.intn(len(v.sents)/2+1)
		v.sents = insertSent(v.sents, pos, g.stock())
	}
	for i := range v.sents {
		v.sents[i].origin = int32(i)
	}
	paragraphs(r, v.sents)
	w.dress(r, p, c, v)
	return v
}

// dress adds the wire's dateline and credit lines to an original.
func (w *world) dress(r *rng, p *storyPlan, c *cast, v *version) {
	place := strings.ToUpper(strings.Join(c.dateline.full, " "))
	switch p.wire {
	case 0:
		v.dateline = place + ", " + months[p.start.Month()-1] + " " + itoa(p.start.Day()) + " (Reuters) -"
		credit := "Reporting by " + pick(r, w.reporters)
		if r.chance(0.5) {
			credit += " and " + pick(r, w.reporters)
		}
		credit += " in " + strings.Join(c.dateline.full, " ")
		if r.chance(0.4) {
			credit += "; Additional reporting by " + pick(r, w.reporters)
		}
		credit += "; Editing by " + pick(r, w.editors)
		if r.chance(0.5) {
			credit += " and " + pick(r, w.editors)
		}
		v.credit = []string{credit}
	case 1:
		v.dateline = place + " (AP) —"
		v.credit = []string{"Associated Press writer " + pick(r, w.reporters) + " in " + strings.Join(w.topics[p.topic].places[0].full, " ") + " contributed to this report."}
		if r.chance(0.5) {
			v.credit = append(v.credit, "Copyright "+itoa(p.start.Year())+" The Associated Press. All rights reserved. This material may not be published, broadcast, rewritten or redistributed.")
		}
	default:
		if r.chance(0.3) {
			v.dateline = place + " —"
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func insertSent(ss []sentence, i int, s sentence) []sentence {
	ss = append(ss, sentence{})
	copy(ss[i+1:], ss[i:])
	ss[i] = s
	return ss
}

// paragraphs groups sentences into short news paragraphs.
func paragraphs(r *rng, ss []sentence) {
	left := 0
	for i := range ss {
		ss[i].par = false
		if left == 0 || (ss[i].quote && r.chance(0.6)) {
			ss[i].par = true
			left = 1 + r.intn(3)
			if r.chance(0.3) {
				left = 1
			}
		}
		left--
	}
}

// headlineOf returns the headline of member m of story id (m < 0: the
// original). It is a pure function of the plan, so other articles can
// quote it ("Read also: ...").
func (w *world) headlineOf(plans []storyPlan, id, m int, c *cast) []string {
	p := &plans[id]
	if c == nil {
		c = w.castOf(plans, id)
	}
	hl := func(mm int) []string {
		r := newRNG(w.cfg.Seed, tagHeadline, uint64(id)<<16|uint64(mm&0xffff))
		if w.bc != nil {
			return w.brownHeadline(r, id, mm, c)
		}
		return newGen(w, w.topics[p.topic], c, r, p.start).headline()
	}
	if m < 0 {
		return hl(-1)
	}
	mp := &p.members[m]
	r := newRNG(w.cfg.Seed, tagHeadline, uint64(id)<<16|uint64(m)|1<<60)
	switch mp.kind {
	case Original:
		return hl(-1)
	case CrawlDuplicate:
		return w.headlineOf(plans, id, int(mp.dupOf), c)
	case Copy:
		if r.chance(0.75) {
			return hl(-1)
		}
	case NearCopy:
		if r.chance(0.8) {
			h := hl(-1)
			if r.chance(0.5) {
				h = w.editTokens(r, h, 0.2)
			}
			return h
		}
	}
	return hl(m)
}

// funcSubs are rewordings of function words and stock phrases.
var funcSubs = map[string][]string{
	"said":      {"stated", "added", "noted", "told reporters", "explained", "says"},
	"says":      {"said", "stated"},
	"about":     {"around", "roughly", "nearly", "some"},
	"because":   {"as", "since"},
	"but":       {"however", "yet", "though"},
	"while":     {"whereas", "as", "even as"},
	"after":     {"following", "once"},
	"many":      {"numerous", "a lot of", "plenty of"},
	"several":   {"a number of", "some", "multiple"},
	"officials": {"authorities", "government officials"},
	"however":   {"but", "still"},
	"also":      {"too", "additionally"},
	"more":      {"over", "further"},
	"despite":   {"in spite of", "notwithstanding"},
	"amid":      {"during", "among"},
	"including": {"such as", "among them"},
	"could":     {"might", "may", "would"},
	"will":      {"would", "is set to", "is expected to"},
	"has":       {"had"},
	"is":        {"was"},
	"was":       {"is", "had been"},
}

// editTokens rewords a token sequence at the given rate: synonym
// substitutions, deletions of modifiers, insertions of modifiers, and
// rewordings of function words. Capitalised tokens (names) are kept.
func (w *world) editTokens(r *rng, toks []string, rate float64) []string {
	lx := w.lx
	out := make([]string, 0, len(toks)+4)
	for _, t := range toks {
		if t == "" || t[0] < 'a' || t[0] > 'z' || !r.chance(rate) {
			if t == "percent" && r.chance(rate*2) && len(out) > 0 {
				out[len(out)-1] += "%"
				continue
			}
			out = append(out, t)
			continue
		}
		if ref, ok := lx.index[t]; ok {
			c, rank := int(ref.class), int(ref.rank)
			switch x := r.float(); {
			case x < 0.55 || (x < 0.78 && c != adj && c != adv):
				out = append(out, lx.word(c, lx.synonym(c, rank, r.intn(3)), int(ref.form)))
			case x < 0.78:
				// Delete the modifier.
			default:
				switch c {
				case noun:
					out = append(out, lx.word(adj, lx.draw(r, adj), 0), t)
				case verb:
					out = append(out, t, lx.word(adv, lx.draw(r, adv), 0))
				default:
					out = append(out, pick(r, []string{"very", "more", "most", "largely", "also", "still"}), t)
				}
			}
			continue
		}
		if alts, ok := funcSubs[t]; ok {
			out = append(out, strings.Fields(pick(r, alts))...)
			continue
		}
		out = append(out, t)
	}
	return tidy(out)
}

// derive writes member m's version of the story from its base.
func (w *world) derive(plans []storyPlan, id, m int, c *cast, orig *version, versions []*version) *version {
	p := &plans[id]
	mp := &p.members[m]
	r := newRNG(w.cfg.Seed, tagMember, uint64(id)<<16|uint64(m))
	v := &version{headline: w.headlineOf(plans, id, m, c)}
	switch mp.kind {
	case Original:
		return orig
	case CrawlDuplicate:
		return versions[mp.dupOf]
	case Copy:
		v.sents = orig.sents
		v.dateline = orig.dateline
		if r.chance(0.85) {
			v.credit = orig.credit
		}
		return v
	case NearCopy:
		v.sents = append([]sentence(nil), orig.sents...)
		for i := r.between(1, 6); i > 0; i-- {
			j := r.intn(len(v.sents))
			s := v.sents[j]
			s.toks = w.editTokens(r, s.toks, 0.15)
			s.cut = 0
			v.sents[j] = s
		}
		if r.chance(0.3) && len(v.sents) > 6 {
			// Drop the last paragraph.
			last := len(v.sents) - 1
			for last > 0 && !v.sents[last].par {
				last--
			}
			v.sents = v.sents[:max(last, 5)]
		}
		if r.chance(0.7) {
			v.dateline = orig.dateline
		}
		if r.chance(0.6) {
			v.credit = orig.credit
		}
		return v
	}
	base := orig
	if mp.base >= 0 && versions[mp.base] != nil {
		base = versions[mp.base]
	}
	w.rewrite(r, plans, id, c, base, v)
	if p.wire >= 0 {
		switch x := r.float(); {
		case x < 0.2:
			v.credit = orig.credit
		case x < 0.55:
			v.credit = []string{pick(r, []string{"(With inputs from Reuters)", "Reuters contributed to this report.", "With agency inputs.", "(Reporting by Reuters; writing by staff)", "Source: Reuters", "The Associated Press contributed to this report.", "(AP)", "Additional reporting by agencies."})}
		}
		if r.chance(0.12) {
			v.dateline = orig.dateline
		}
	}
	return v
}

// rewrite is an outlet's rewrite of base: it keeps a share of the
// sentences (favouring the lede), splits, merges and reorders some, rewords
// them at the token level and adds sentences of its own.
func (w *world) rewrite(r *rng, plans []storyPlan, id int, c *cast, base *version, v *version) {
	p := &plans[id]
	n := len(base.sents)
	keep := 0.15 + 0.85*math.Pow(r.float(), 1.1)
	rate := 0.02 + 0.3*math.Pow(r.float(), 1.6)
	m := max(1, int(math.Round(keep*float64(n))))
	// Weighted sampling without replacement; early sentences weigh more.
	type key struct {
		k float64
		i int
	}
	keys := make([]key, n)
	for i := range keys {
		wt := 1 / (1 + 0.2*float64(i))
		keys[i] = key{math.Pow(r.float(), 1/wt), i}
	}
	if r.chance(0.8) {
		keys[0].k = 2 // the lede almost always survives
	}
	// Partial selection of the m largest keys.
	for a := 0; a < m; a++ {
		best := a
		for b := a + 1; b < n; b++ {
			if keys[b].k > keys[best].k {
				best = b
			}
		}
		keys[a], keys[best] = keys[best], keys[a]
	}
	sel := make([]bool, n)
	for _, k := range keys[:m] {
		sel[k.i] = true
	}
	var ss []sentence
	splitP := 0.1 + 0.4*rate
	for i, s := range base.sents {
		if !sel[i] {
			continue
		}
		if s.cut > 1 && !s.quote && r.chance(splitP) && s.cut+int(s.cutLen)+1 < len(s.toks) {
			a := sentence{toks: append(append([]string(nil), s.toks[:s.cut-1]...), "."), origin: s.origin}
			b := sentence{toks: append([]string(nil), s.toks[s.cut+int(s.cutLen):]...), origin: s.origin}
			ss = append(ss, a, b)
			continue
		}
		ss = append(ss, s)
	}
	// Merge a few short neighbours.
	for i := 0; i+1 < len(ss); i++ {
		a, b := ss[i], ss[i+1]
		if a.quote || b.quote || a.stock || b.stock || wordCount(a.toks)+wordCount(b.toks) > 34 || !r.chance(0.12+0.3*rate) {
			continue
		}
		toks := append(append([]string(nil), a.toks[:len(a.toks)-1]...), ",")
		toks = append(toks, strings.Fields(pick(r, []string{"and", "while", "as", "and", "but"}))...)
		toks = append(toks, b.toks...)
		ss[i] = sentence{toks: toks, origin: a.origin}
		ss = append(ss[:i+1], ss[i+2:]...)
	}
	// Reorder a few.
	for i := r.poisson(0.4 + 3*rate); i > 0 && len(ss) > 3; i-- {
		a := 1 + r.intn(len(ss)-1)
		b := min(len(ss)-1, a+1+r.intn(3))
		ss[a], ss[b] = ss[b], ss[a]
	}
	// Reword at the token level; intensity varies by sentence.
	for i := range ss {
		sr := rate * (0.3 + 1.4*r.float())
		ss[i].toks = w.editTokens(r, ss[i].toks, sr)
		ss[i].cut = 0
	}
	// The outlet's own sentences: background, local angle, context.
	g := newGen(w, w.topics[p.topic], c, r, p.start)
	local := r.poisson(math.Pow(r.float(), 1.5) * 1.1 * float64(n-m))
	if r.chance(0.3) {
		local += r.between(1, 4)
	}
	words := 0
	for _, s := range ss {
		words += wordCount(s.toks)
	}
	minWords := r.between(220, 380) // few rewrites are mere briefs
	for i := 0; i < local || words < minWords; i++ {
		var s sentence
		if r.chance(0.08) {
			s = g.stock()
		} else {
			s = g.sentence()
		}
		words += wordCount(s.toks)
		pos := len(ss)
		if len(ss) > 1 && r.chance(0.6) {
			pos = 1 + r.intn(len(ss))
		}
		ss = insertSent(ss, pos, s)
	}
	paragraphs(r, ss)
	v.sents = ss
}

// Kind says how an article relates to its story's source text.
type Kind uint8

// Kinds of article.
const (
	Original       Kind = iota // the source text itself (wire's own site or originating outlet)
	Copy                       // verbatim copy of the wire text
	NearCopy                   // copy with a few token edits, maybe trimmed
	Rewrite                    // partial, reworded, reordered, extended
	CrawlDuplicate             // the same page crawled twice (same outlet, other URL)
	Update                     // Brown text: a later version with the same lede verbatim and a new tail
)

var kindNames = [...]string{"original", "copy", "near-copy", "rewrite", "crawl-duplicate", "update"}

// String returns the kind's name, as used in reports.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "kind(" + itoa(int(k)) + ")"
}
