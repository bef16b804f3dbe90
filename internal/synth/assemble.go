package synth

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// assemble wraps a version in its outlet's template and returns the article.
func (w *world) assemble(plans []storyPlan, id, m int, v *version) Article {
	p := &plans[id]
	mp := &p.members[m]
	o := w.outlets[mp.outlet]
	tm, emp := m, mp
	if mp.kind == CrawlDuplicate {
		// The same page: same template draws as the member it duplicates.
		tm, emp = int(mp.dupOf), &p.members[mp.dupOf]
	}
	r := newRNG(w.cfg.Seed, tagAssemble, uint64(id)<<16|uint64(tm))
	pub := p.start.Add(mp.delay).Truncate(time.Second)
	title := renderHeadline(v.headline, o)

	var b strings.Builder
	b.Grow(4096)
	line := func(s string) {
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString(s)
	}
	line(title)
	for _, h := range o.header {
		line(h)
	}
	if o.weatherCity != "" {
		line(fmt.Sprintf("%d°F %s", r.between(20, 95), o.weatherCity))
	}
	if by := w.byline(r, p, emp, o); by != "" {
		line(by)
	}
	line(dateLine(r, o, pub))

	readAlso := func() {
		if o.readAlso != "" && mp.nRead > 0 {
			ref := mp.readAlso[r.intn(min(int(mp.nRead), 2))]
			line(o.readAlso + " " + renderHeadline(w.headlineOf(plans, int(ref.story), int(ref.member), nil), o))
		}
	}
	midRead := -1
	if o.readAlsoMid {
		midRead = r.between(2, 4)
	}
	par := 0
	for i, s := range v.sents {
		if s.par || i == 0 {
			if i > 0 {
				par++
				if par == midRead {
					readAlso()
				} else if o.midAd != "" && r.chance(o.midAdRate) {
					line(o.midAd)
				}
			}
			line("")
			if i == 0 && v.dateline != "" {
				b.WriteString(v.dateline)
				b.WriteByte(' ')
			}
		} else {
			b.WriteByte(' ')
		}
		renderSent(&b, s.toks, o.curly, s.cls != nil)
	}
	for _, c := range v.credit {
		line(c)
	}
	if len(o.rotating) > 0 {
		line(pick(r, o.rotating))
	}
	if !o.readAlsoMid {
		readAlso()
	}
	if o.tags {
		t := w.topics[p.topic]
		tags := []string{capitalize(t.section)}
		for i := r.between(1, 4); i > 0; i-- {
			tags = append(tags, capitalize(w.lx.base[noun][t.nouns[r.intn(len(t.nouns))]]))
		}
		line("Tags: " + strings.Join(tags, ", "))
	}
	if o.mostRead > 0 && mp.nRead > 0 {
		line(o.mostReadLabel)
		for j := 0; j < min(o.mostRead, int(mp.nRead)); j++ {
			ref := mp.readAlso[j]
			line(renderHeadline(w.headlineOf(plans, int(ref.story), int(ref.member), nil), o))
		}
	}
	year := itoa(pub.Year())
	for _, f := range o.footer {
		line(strings.ReplaceAll(f, "{year}", year))
	}

	aid := fmt.Sprintf("%016x", hash3(w.cfg.Seed, tagID, uint64(id)<<16|uint64(m)))
	text := b.String()
	if o.wrapWidth > 0 {
		text = hardWrap(text, o.wrapWidth, o.wrapIndent)
	}
	return Article{
		ID:          aid,
		Title:       title,
		Text:        text,
		URL:         articleURL(o, p, mp, pub, title, aid, w.topics[p.topic].section),
		Source:      o.name,
		PublishedAt: pub,
		Story:       id,
		Topic:       int(p.topic),
		Kind:        mp.kind,
		FollowUpOf:  int(p.parent),
		Wrapped:     o.wrapWidth > 0,
	}
}

// hardWrap lays out text (paragraphs split by "\n\n", the headline first)
// as a plain-text feed does: every paragraph after the headline is wrapped
// greedily at width code points; with indent > 0 paragraphs follow each
// other on the next line, their first line indented by indent spaces,
// otherwise a blank line separates them. The headline keeps its line and
// the blank line after it.
func hardWrap(text string, width, indent int) string {
	pars := strings.Split(text, "\n\n")
	var b strings.Builder
	b.Grow(len(text) + len(text)/width + len(pars)*indent)
	b.WriteString(pars[0])
	for i, p := range pars[1:] {
		switch {
		case i == 0:
			b.WriteString("\n\n")
		case indent > 0:
			b.WriteByte('\n')
		default:
			b.WriteString("\n\n")
		}
		col := indent
		b.WriteString(strings.Repeat(" ", indent))
		for j, word := range strings.Fields(p) {
			n := utf8.RuneCountInString(word)
			if j > 0 {
				if col+1+n > width {
					b.WriteByte('\n')
					col = 0
				} else {
					b.WriteByte(' ')
					col++
				}
			}
			b.WriteString(word)
			col += n
		}
	}
	return b.String()
}

func (w *world) byline(r *rng, p *storyPlan, mp *memberPlan, o *outlet) string {
	if o.wire >= 0 {
		return "By " + pick(r, w.reporters)
	}
	if p.wire >= 0 && (mp.kind == Copy || mp.kind == NearCopy) && r.chance(0.7) {
		return pick(r, [][]string{{"By Reuters", "Reuters", "REUTERS", "Thomson Reuters"}, {"By Associated Press", "Associated Press", "AP", "The Associated Press"}}[p.wire])
	}
	staff := pick(r, o.staff)
	switch o.byline {
	case 0:
		return "By " + staff
	case 1:
		return "By " + staff + ", " + o.short
	case 2:
		return staff + " | " + o.short
	case 3:
		return ""
	}
	return "By " + staff + " and " + pick(r, o.staff)
}

func dateLine(r *rng, o *outlet, t time.Time) string {
	switch o.dateStyle {
	case 0:
		return "Published " + t.Format("January 2, 2006 3:04 PM")
	case 1:
		return t.Format("January 2, 2006")
	case 2:
		return "Updated " + t.Add(time.Duration(r.intn(300))*time.Minute).Format("2006-01-02 15:04") + " GMT"
	}
	return t.Format("Monday, January 2, 2006")
}

var smallWords = map[string]bool{"a": true, "an": true, "the": true, "of": true, "in": true, "on": true, "for": true, "to": true, "and": true, "as": true, "at": true, "by": true, "over": true, "after": true, "amid": true}

// renderHeadline renders headline tokens in the outlet's style: single
// quotes, and Title Case for outlets that use it.
func renderHeadline(toks []string, o *outlet) string {
	var b strings.Builder
	render(&b, toks, o.curly, true, o.titleCase, false)
	return b.String()
}

// renderSent writes a sentence in the outlet's quote style. keepCase
// leaves capitals as the tokens have them (real text), instead of
// capitalising the first word of the sentence and of a quotation.
func renderSent(b *strings.Builder, toks []string, curly, keepCase bool) {
	render(b, toks, curly, false, false, keepCase)
}

func quoteMark(curly, open, single bool) string {
	switch {
	case single && curly && open:
		return "‘"
	case single && curly:
		return "’"
	case single:
		return "'"
	case curly && open:
		return "“"
	case curly:
		return "”"
	}
	return "\""
}

// render writes tokens as text: punctuation attached to the word before,
// quotation marks hugging the quotation, the first word (and the first
// word of a quotation) capitalised, "a" before a vowel turned into "an".
func render(b *strings.Builder, toks []string, curly, single, titleCase, keepCase bool) {
	space := false
	first := true
	for i, t := range toks {
		switch t {
		case ",", ".", ":", ";", "?", "!":
			b.WriteString(t)
			space = true
			continue
		case qOpen:
			if space {
				b.WriteByte(' ')
			}
			b.WriteString(quoteMark(curly, true, single))
			space = false
			first = true
			continue
		case qClose:
			b.WriteString(quoteMark(curly, false, single))
			space = true
			continue
		}
		if space {
			b.WriteByte(' ')
		}
		if t == "a" && i+1 < len(toks) && startsWithVowel(toks[i+1]) {
			t = "an"
		} else if t == "i" {
			t = "I"
		}
		if first && !keepCase || (titleCase && !smallWords[t]) {
			t = capitalize(t)
			first = false
		}
		b.WriteString(t)
		space = true
	}
}

func startsWithVowel(s string) bool {
	return s != "" && strings.IndexByte("aeiouAEIOU", s[0]) >= 0
}

func slug(title string) string {
	var words []string
	for _, t := range tokens(title) {
		words = append(words, t)
		if len(words) == 9 {
			break
		}
	}
	return strings.Join(words, "-")
}

func articleURL(o *outlet, p *storyPlan, mp *memberPlan, t time.Time, title, id, section string) string {
	var u string
	switch o.urlStyle {
	case 0:
		u = "https://www." + o.domain + "/" + section + t.Format("/2006/01/02/") + slug(title) + "/"
	case 1:
		u = "https://" + o.domain + "/news/" + slug(title) + "-" + id[:7]
	case 2:
		u = "https://www." + o.domain + "/" + section + "/" + slug(title) + "-" + id[8:14] + ".html"
	default:
		u = "https://" + o.domain + "/article/" + id[:12]
	}
	if mp.kind == CrawlDuplicate {
		switch id[15] % 3 {
		case 0:
			u += "?utm_source=rss&utm_medium=feed"
		case 1:
			u = strings.TrimSuffix(u, "/") + "/amp"
		default:
			u += "#comments"
		}
	}
	return u
}
