package synth

import (
	"math"
	"sort"
	"strings"
	"time"
)

// Text says where a corpus's words come from.
type Text uint8

// Sources of text.
const (
	// Invented words: a Zipf vocabulary of made-up words around real
	// English function words. Text never repeats between unrelated
	// stories unless the generator puts it there (stock sentences).
	Invented Text = iota
	// Brown builds stories from real English sentences of the Brown
	// Corpus, with the phenomena that make real syndication hard to
	// cluster (see the package doc).
	Brown
)

// Rates of the Brown corpus's phenomena, per story unless said otherwise.
const (
	formulaRate    = 0.1  // a story carries a formulaic sentence shared with 1 to 4 other stories
	updateRate     = 0.12 // a story with two or more articles gets an updated version
	backgroundRate = 0.25 // a rewrite by a non-wire outlet adds its background paragraph on the beat
)

// brownPlan is what the Brown generator decides for one story on top of
// its storyPlan.
type brownPlan struct {
	pos      int64 // first supply position of the original's window
	n        int16 // sentences in the window
	series   int32 // templated report series the story is a day of, or -1
	formulas []formulaUse
	bg       []int32 // per member: background paragraph, or -1
	fill     int64   // supply block of the members' own sentences, fillerBlock each
}

// fillerBlock is how many real sentences each member's additions can take
// from the supply before they fall back to scrambled ones.
const fillerBlock = 4

type formulaUse struct {
	f  int32 // index in world.formulas
	at int16 // sentence index it is inserted at
}

// seriesPlan is a recurring templated report: the same template sentences
// each day, with new figures and names.
type seriesPlan struct {
	tmpl  []int64 // supply positions of the template sentences
	topic int32
}

// bgPlan is an outlet's background paragraph on one beat.
type bgPlan struct {
	pos int64
	n   int16
}

// planBrown decides, sequentially, which real sentences every story uses
// and where the cross-story phenomena go. It may change a story's topic
// (a series keeps its beat), a member's kind (an update) and its delay.
//
// Sentences are drawn from the supply: Brown's sentences, text by text in
// an order fixed by the seed. Position q is sentence q mod N; once the
// supply is used up (at about 10,000 stories) later positions are
// renditions, the same sentence with every content word replaced by
// another of its class (scramble), so that no sentence recurs between
// stories by accident.
func (w *world) planBrown(plans []storyPlan) {
	cfg := w.cfg
	w.bp = make([]brownPlan, len(plans))
	for i := range w.bp {
		w.bp[i].series = -1
	}
	var cursor int64
	take := func(minWords int, wantNum bool) int64 {
		for tries := 0; ; tries++ {
			q := cursor
			cursor++
			s := w.base(q)
			if tries > 500 || wordCount(s.toks) >= minWords && (!wantNum || hasFigure(s.toks, s.cls)) {
				return q
			}
		}
	}

	// Templated report series: one report a day at a fixed hour for 5 to
	// 25 days, each day's report its own story, carried by at most four
	// articles (a routine note is picked up by few outlets).
	r := newRNG(cfg.Seed, tagBrownPlan, 1<<40)
	nSeries := max(2, cfg.Articles/2000)
	taken := make([]bool, len(plans))
	for s := 0; s < nSeries; s++ {
		days := r.between(5, 25)
		d0 := r.intn(max(1, cfg.Days-days))
		hour := time.Duration(r.between(6, 18)) * time.Hour
		sp := seriesPlan{topic: int32(w.topicDist.draw(r))}
		for i := r.between(2, 4); i > 0; i-- {
			sp.tmpl = append(sp.tmpl, take(10, true))
		}
		w.series = append(w.series, sp)
		for d := d0; d < d0+days && d < cfg.Days; d++ {
			at := cfg.Start.Add(time.Duration(d)*24*time.Hour + hour)
			j := sort.Search(len(plans), func(i int) bool { return !plans[i].start.Before(at) })
			for j < len(plans) && (taken[j] || plans[j].parent >= 0 || len(plans[j].members) > 4) {
				j++
			}
			if j == len(plans) || plans[j].start.Sub(at) > 20*time.Hour {
				break
			}
			taken[j] = true
			w.bp[j].series = int32(s)
			plans[j].topic = sp.topic
		}
	}

	var open []int32 // formulas with uses left
	left := map[int32]int{}
	type bgKey struct{ outlet, topic int32 }
	bgCur := map[bgKey]int32{}
	bgLeft := map[int32]int{}
	for id := range plans {
		p, bp := &plans[id], &w.bp[id]
		r := newRNG(cfg.Seed, tagBrownPlan, uint64(id))
		if bp.series >= 0 {
			bp.n = int16(r.between(1, 3))
		} else {
			bp.n = int16(r.between(12, 22))
		}
		// A window that would run into the next Brown text starts at that
		// text instead, so that a story reads as one piece of prose.
		for q := cursor + 1; q < cursor+int64(bp.n); q++ {
			if w.base(q).text != w.base(q-1).text {
				cursor = q
				break
			}
		}
		bp.pos = cursor
		cursor += int64(bp.n)
		if bp.series < 0 && r.chance(formulaRate) {
			var f int32
			if len(open) > 0 && r.chance(0.75) {
				i := r.intn(len(open))
				f = open[i]
				if left[f]--; left[f] == 0 {
					open = append(open[:i], open[i+1:]...)
				}
			} else {
				f = int32(len(w.formulas))
				w.formulas = append(w.formulas, take(14, false))
				left[f] = r.between(2, 5) - 1
				open = append(open, f)
			}
			bp.formulas = append(bp.formulas, formulaUse{f: f, at: int16(r.between(1, int(bp.n)))})
		}
		if bp.series < 0 && len(p.members) >= 2 && r.chance(updateRate) {
			for m := 1; m < len(p.members); m++ {
				mp := &p.members[m]
				if mp.kind == Rewrite || mp.kind == NearCopy {
					mp.kind = Update
					mp.base = -1
					mp.delay = time.Duration(r.between(2*60, 20*60)) * time.Minute
					break
				}
			}
		}
		bp.fill = cursor
		cursor += int64(fillerBlock * len(p.members))
		bp.bg = make([]int32, len(p.members))
		for m := range p.members {
			bp.bg[m] = -1
			mp := &p.members[m]
			if mp.kind != Rewrite || w.outlets[mp.outlet].wire >= 0 || !r.chance(backgroundRate) {
				continue
			}
			k := bgKey{mp.outlet, p.topic}
			cur, ok := bgCur[k]
			if !ok || bgLeft[cur] == 0 {
				cur = int32(len(w.bgs))
				n := int16(r.between(2, 3))
				w.bgs = append(w.bgs, bgPlan{pos: cursor, n: n})
				cursor += int64(n)
				bgCur[k] = cur
				bgLeft[cur] = r.between(2, 6)
			}
			bgLeft[cur]--
			bp.bg[m] = cur
		}
	}
	w.supplyUsed = cursor
}

// hasFigure reports whether a sentence holds a number written in digits.
func hasFigure(toks []string, cls []byte) bool {
	for i, t := range toks {
		if cls[i] == 'c' && t != "" && t[0] >= '0' && t[0] <= '9' {
			return true
		}
	}
	return false
}

// base returns the Brown sentence at supply position q.
func (w *world) base(q int64) *brownSent {
	return &w.bc.sents[w.order[q%int64(len(w.order))]]
}

// supply returns the sentence at supply position q: the Brown sentence
// itself on the first pass, a rendition after.
func (w *world) supply(q int64) sentence {
	s := w.base(q)
	out := sentence{toks: s.toks, cls: s.cls, src: s.text, quote: hasQuote(s.toks)}
	if q >= int64(len(w.order)) {
		out.toks, out.cls = w.scramble(newRNG(w.cfg.Seed, tagBrownSub, uint64(q)), s.toks, s.cls, s.text, 1)
	}
	return out
}

// word draws a word of class k other than not, from the words of Brown
// text src when it has enough of them (src >= 0), else from all of
// Brown's. Rewording draws from the text, to stay on its subject;
// renditions draw from all, so that two renditions of one sentence do not
// pick the same words.
func (w *world) word(r *rng, k byte, src int32, not string) string {
	if src < 0 {
		// All of Brown's.
	} else if loc := w.bc.local[src][k]; len(loc) >= 8 {
		for range 8 {
			if s := pick(r, loc); s != not {
				return s
			}
		}
	}
	for {
		if s := pick(r, w.bc.words[k]); s != not || len(w.bc.words[k]) < 2 {
			return s
		}
	}
}

// hasDigit reports whether t holds a digit ("1961", "$4.2", "75-minute").
func hasDigit(t string) bool { return strings.ContainsAny(t, "0123456789") }

// isContent says which classes scramble and the rewording replace.
func isContent(k byte) bool { return strings.IndexByte("nsjrvdegzc", k) >= 0 }

// scramble replaces each content word and name with another word of its
// class (drawn from all of Brown) with probability p, each figure with another figure, and rewords
// half the function words that have a stock alternative. Syntax stays:
// the text still reads as English sentence by sentence. What is left of
// the original is its frame of function words, which only a long sentence
// keeps enough of to match; fillers avoid those (see filler).
func (w *world) scramble(r *rng, toks []string, cls []byte, src int32, p float64) ([]string, []byte) {
	out2 := make([]string, 0, len(toks)+2)
	oc2 := make([]byte, 0, len(toks)+2)
	for i, t := range toks {
		k := cls[i]
		if alts, ok := funcSubs[t]; ok && k == '-' && r.chance(p/2) {
			for _, a := range strings.Fields(pick(r, alts)) {
				out2, oc2 = append(out2, a), append(oc2, '-')
			}
			continue
		}
		if (isContent(k) || k == 'p' || hasDigit(t)) && r.chance(p) {
			switch {
			case hasDigit(t):
				t = figure(r, t)
			case k == 'p' && isName(t) && len(w.bc.words[k]) > 0:
				t = w.word(r, k, -1, t)
			case isLowerWord(t) && len(w.bc.words[k]) > 0:
				t = w.word(r, k, -1, t)
			case isName(t) && len(w.bc.words[k]) > 0:
				// A content word opening the sentence.
				t = capitalize(w.word(r, k, -1, strings.ToLower(t)))
			}
		}
		out2, oc2 = append(out2, t), append(oc2, k)
	}
	return out2, oc2
}

// figure returns t with new digits, same shape ("1961", "$3.5", "40,000").
func figure(r *rng, t string) string {
	var b strings.Builder
	for i := 0; i < len(t); i++ {
		c := t[i]
		if c >= '0' && c <= '9' {
			if i == 0 {
				c = byte('1' + r.intn(9))
			} else {
				c = byte('0' + r.intn(10))
			}
		}
		b.WriteByte(c)
	}
	return b.String()
}

// mapNames replaces full names (runs of two or more proper nouns, "Mr.
// Hodges", "Durwood Pye") with names of the story's cast, consistently
// within the story (the same Brown name becomes the same cast name):
// stories of one beat then share people and organisations, as real beat
// coverage does. A third of the full names and every single proper noun
// (places, months, later mentions by surname) stay as Brown has them.
func (w *world) mapNames(id int, c *cast, toks []string, cls []byte) ([]string, []byte) {
	var out []string
	var oc []byte
	for i := 0; i < len(toks); i++ {
		if cls[i] != 'p' {
			out, oc = append(out, toks[i]), append(oc, cls[i])
			continue
		}
		j := i
		for j < len(toks) && cls[j] == 'p' {
			j++
		}
		run := strings.Join(toks[i:j], " ")
		suffix := ""
		if strings.HasSuffix(run, "'s") {
			suffix = "'s"
		}
		h := hash3(w.cfg.Seed, tagBrownName, uint64(id)<<32^strHash(strings.TrimSuffix(run, suffix)))
		var e *entity
		switch x := h % 12; {
		case x < 4 || c == nil || j-i < 2:
		case x < 8 && len(c.people) > 0:
			e = c.people[h/12%uint64(len(c.people))]
		case x < 10 && len(c.orgs) > 0:
			e = c.orgs[h/12%uint64(len(c.orgs))]
		case len(c.places) > 0:
			e = c.places[h/12%uint64(len(c.places))]
		}
		if e == nil {
			out, oc = append(out, toks[i:j]...), append(oc, cls[i:j]...)
		} else {
			for k, t := range e.full {
				if k == len(e.full)-1 {
					t += suffix
				}
				out, oc = append(out, t), append(oc, 'p')
			}
		}
		i = j - 1
	}
	return out, oc
}

// brownBody returns the story's own sentences before formulas are added:
// a series' template with the day's figures, then the story's window of
// consecutive Brown sentences, names mapped to the cast.
func (w *world) brownBody(id int, c *cast) []sentence {
	bp := &w.bp[id]
	var ss []sentence
	add := func(s sentence) {
		s.toks, s.cls = w.mapNames(id, c, s.toks, s.cls)
		ss = append(ss, s)
	}
	if bp.series >= 0 {
		r := newRNG(w.cfg.Seed, tagBrownSeries, uint64(id))
		for _, q := range w.series[bp.series].tmpl {
			s := w.supply(q)
			out := append([]string(nil), s.toks...)
			for i, t := range s.toks {
				if s.cls[i] == 'c' && t != "" && t[0] >= '0' && t[0] <= '9' {
					out[i] = figure(r, t)
				}
			}
			s.toks = out
			add(s)
		}
	}
	for q := bp.pos; q < bp.pos+int64(bp.n); q++ {
		add(w.supply(q))
	}
	return ss
}

func hasQuote(toks []string) bool {
	for _, t := range toks {
		if t == qOpen || t == qClose {
			return true
		}
	}
	return false
}

// brownOriginal writes the story's source text from real sentences.
func (w *world) brownOriginal(plans []storyPlan, id int, c *cast) *version {
	bp := &w.bp[id]
	r := newRNG(w.cfg.Seed, tagStory, uint64(id))
	v := &version{headline: w.headlineOf(plans, id, -1, c)}
	v.sents = w.brownBody(id, c)
	for _, fu := range bp.formulas {
		s := w.supply(w.formulas[fu.f])
		s.stock = true
		v.sents = insertSent(v.sents, min(int(fu.at), len(v.sents)), s)
	}
	for i := range v.sents {
		v.sents[i].origin = int32(i)
	}
	paragraphs(r, v.sents)
	w.dress(r, &plans[id], c, v)
	return v
}

// brownHeadline cuts a headline from one of the story's first sentences:
// the lede for the original, another early sentence for a rewrite.
func (w *world) brownHeadline(r *rng, id, m int, c *cast) []string {
	body := w.brownBody(id, c)
	i := 0
	if m >= 0 {
		i = r.intn(min(3, len(body)))
	}
	s := body[i]
	var out []string
	var oc []byte
	words := 0
	for j, t := range s.toks {
		if t == qOpen || t == qClose {
			continue
		}
		if t == "." || t == "?" || t == "!" || (words >= 5 && (t == "," || t == ";" || t == ":")) || words >= 11 {
			break
		}
		out, oc = append(out, t), append(oc, s.cls[j])
		if isWordByte(t[0]) {
			words++
		}
	}
	for len(out) > 3 && (oc[len(oc)-1] == '-' || !isWordByte(out[len(out)-1][0])) {
		out, oc = out[:len(out)-1], oc[:len(oc)-1]
	}
	return out
}

// editBrown rewords a sentence at the given rate: content words replaced
// by another of their class, modifiers dropped, function words and stock
// phrases reworded. Names and figures are kept.
func (w *world) editBrown(r *rng, toks []string, cls []byte, src int32, rate float64) ([]string, []byte) {
	out := make([]string, 0, len(toks)+2)
	oc := make([]byte, 0, len(toks)+2)
	for i, t := range toks {
		k := cls[i]
		if !r.chance(rate) || !isLowerWord(t) {
			out, oc = append(out, t), append(oc, k)
			continue
		}
		switch {
		case (k == 'j' || k == 'r') && r.chance(0.5):
			// Drop the modifier.
		case isContent(k) && k != 'c' && len(w.bc.words[k]) > 0:
			out, oc = append(out, w.word(r, k, src, t)), append(oc, k)
		default:
			if alts, ok := funcSubs[t]; ok {
				for _, a := range strings.Fields(pick(r, alts)) {
					out, oc = append(out, a), append(oc, '-')
				}
			} else {
				out, oc = append(out, t), append(oc, k)
			}
		}
	}
	return tidyClasses(out, oc)
}

// tidyClasses is tidy for a sentence with word classes.
func tidyClasses(toks []string, cls []byte) ([]string, []byte) {
	ot, oc := toks[:0], cls[:0]
	for i, t := range toks {
		if t == "," && (len(ot) == 0 || i+1 < len(toks) && strings.Contains(",.:;", toks[i+1])) {
			continue
		}
		ot, oc = append(ot, t), append(oc, cls[i])
	}
	return ot, oc
}

// filler is an outlet's own added sentence j. The first fillerBlock of a
// member come from the supply block planBrown reserved for it (a run of
// real sentences of another text: the outlet's context); more are Brown
// sentences of at most 30 words chosen by hash and scrambled, so that
// they are the outlet's alone.
func (w *world) filler(id, m, j int, c *cast) sentence {
	var s sentence
	if j < fillerBlock {
		s = w.supply(w.bp[id].fill + int64(m*fillerBlock+j))
	} else {
		h := hash3(w.cfg.Seed, tagBrownFiller, uint64(id)<<24|uint64(m)<<12|uint64(j))
		b := &w.bc.sents[w.bc.short[h%uint64(len(w.bc.short))]]
		s = sentence{src: b.text, quote: hasQuote(b.toks)}
		s.toks, s.cls = w.scramble(newRNG(w.cfg.Seed, tagBrownFiller, h), b.toks, b.cls, b.text, 1)
	}
	s.toks, s.cls = w.mapNames(id, c, s.toks, s.cls)
	s.origin = -1
	return s
}

// brownDerive writes member m's version of a Brown story.
func (w *world) brownDerive(plans []storyPlan, id, m int, c *cast, orig *version, versions []*version) *version {
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
		v.sents, v.dateline = orig.sents, orig.dateline
		if r.chance(0.85) {
			v.credit = orig.credit
		}
		return v
	case NearCopy:
		v.sents = append([]sentence(nil), orig.sents...)
		for i := r.between(1, 6); i > 0; i-- {
			j := r.intn(len(v.sents))
			s := v.sents[j]
			s.toks, s.cls = w.editBrown(r, s.toks, s.cls, s.src, 0.15)
			v.sents[j] = s
		}
		if r.chance(0.3) && len(v.sents) > 6 {
			v.sents = v.sents[:max(len(v.sents)-r.between(1, 3), 5)]
		}
		if r.chance(0.7) {
			v.dateline = orig.dateline
		}
		if r.chance(0.6) {
			v.credit = orig.credit
		}
		return v
	case Update:
		// The same lede, verbatim; a new tail.
		lead := min(r.between(1, 3), len(orig.sents))
		v.sents = append(v.sents, orig.sents[:lead]...)
		for _, s := range orig.sents[lead:] {
			if r.chance(0.3) {
				v.sents = append(v.sents, s)
			}
		}
		for j := r.between(3, 8); j > 0; j-- {
			v.sents = append(v.sents, w.filler(id, m, j, c))
		}
		paragraphs(r, v.sents)
		v.dateline, v.credit = orig.dateline, orig.credit
		return v
	}
	base := orig
	if mp.base >= 0 && versions[mp.base] != nil {
		base = versions[mp.base]
	}
	w.brownRewrite(r, plans, id, m, c, base, v)
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

// brownRewrite is an outlet's rewrite of base, as rewrite does for
// invented text: a share of the sentences (favouring the lede), some
// merged and reordered, reworded, the outlet's own sentences added, and
// maybe the outlet's background paragraph on the beat.
func (w *world) brownRewrite(r *rng, plans []storyPlan, id, m int, c *cast, base *version, v *version) {
	n := len(base.sents)
	keep := 0.15 + 0.85*math.Pow(r.float(), 1.1)
	rate := 0.02 + 0.3*math.Pow(r.float(), 1.6)
	k := max(1, int(math.Round(keep*float64(n))))
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
		keys[0].k = 2
	}
	sort.SliceStable(keys, func(a, b int) bool { return keys[a].k > keys[b].k })
	sel := make([]bool, n)
	for _, kk := range keys[:k] {
		sel[kk.i] = true
	}
	var ss []sentence
	for i, s := range base.sents {
		if sel[i] {
			ss = append(ss, s)
		}
	}
	// Merge a few short neighbours.
	for i := 0; i+1 < len(ss); i++ {
		a, b := ss[i], ss[i+1]
		if a.quote || b.quote || wordCount(a.toks)+wordCount(b.toks) > 34 || !r.chance(0.12+0.3*rate) {
			continue
		}
		conj := pick(r, []string{"and", "while", "as", "and", "but"})
		toks := append(append([]string(nil), a.toks[:len(a.toks)-1]...), ",", conj)
		cls := append(append([]byte(nil), a.cls[:len(a.cls)-1]...), '-', '-')
		bt := append([]string(nil), b.toks...)
		if b.cls[0] != 'p' && bt[0] != "I" {
			bt[0] = strings.ToLower(bt[0][:1]) + bt[0][1:]
		}
		ss[i] = sentence{toks: append(toks, bt...), cls: append(cls, b.cls...), origin: a.origin, src: a.src}
		ss = append(ss[:i+1], ss[i+2:]...)
	}
	for i := r.poisson(0.4 + 3*rate); i > 0 && len(ss) > 3; i-- {
		a := 1 + r.intn(len(ss)-1)
		b := min(len(ss)-1, a+1+r.intn(3))
		ss[a], ss[b] = ss[b], ss[a]
	}
	for i := range ss {
		ss[i].toks, ss[i].cls = w.editBrown(r, ss[i].toks, ss[i].cls, ss[i].src, rate*(0.3+1.4*r.float()))
	}
	local := r.poisson(math.Pow(r.float(), 1.5) * 1.1 * float64(n-k))
	if r.chance(0.3) {
		local += r.between(1, 4)
	}
	words := 0
	for _, s := range ss {
		words += wordCount(s.toks)
	}
	minWords := r.between(150, 300) // few rewrites are mere briefs
	for j := 0; j < local || words < minWords; j++ {
		s := w.filler(id, m, j, c)
		words += wordCount(s.toks)
		pos := len(ss)
		if len(ss) > 1 && r.chance(0.6) {
			pos = 1 + r.intn(len(ss))
		}
		ss = insertSent(ss, pos, s)
	}
	paragraphs(r, ss)
	if b := w.bp[id].bg[m]; b >= 0 {
		bg := w.bgs[b]
		pos := len(ss)
		if r.chance(0.5) {
			pos = min(len(ss), r.between(2, 4))
		}
		for q := bg.pos + int64(bg.n) - 1; q >= bg.pos; q-- {
			s := w.supply(q)
			s.origin = -1
			ss = insertSent(ss, pos, s)
		}
		ss[pos].par = true
		if pos+int(bg.n) < len(ss) {
			ss[pos+int(bg.n)].par = true
		}
	}
	v.sents = ss
}

// brownOrder is the supply order: Brown's texts in an order fixed by the
// seed, each text's sentences in their own order.
func brownOrder(bc *brownCorpus, seed int64) []int32 {
	r := newRNG(seed, tagBrownPlan, 1<<41)
	starts := []int{}
	for i := range bc.sents {
		if i == 0 || bc.sents[i].text != bc.sents[i-1].text {
			starts = append(starts, i)
		}
	}
	starts = append(starts, len(bc.sents))
	order := make([]int32, 0, len(bc.sents))
	for _, t := range r.perm(len(starts) - 1) {
		for i := starts[t]; i < starts[t+1]; i++ {
			order = append(order, int32(i))
		}
	}
	return order
}
