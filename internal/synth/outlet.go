package synth

import (
	"math"
	"strconv"
	"strings"
)

// outlet is a publisher with its own page template. Its fixed header and
// footer lines appear in every article it publishes; a few more lines rotate
// or change per article (byline, date, "Read also" links, "Most read" lists).
type outlet struct {
	idx           int
	name          string // "The Korvan Herald"
	short         string // "Korvan Herald"
	domain        string
	wire          int // index of the wire agency this outlet is, or -1
	weight        float64
	header        []string // fixed lines after the headline
	footer        []string // fixed lines after the body; "{year}" is filled in
	rotating      []string // one of them per article
	midAd         string   // line dropped between paragraphs, "" for none
	midAdRate     float64
	readAlso      string // "Read also:" style label, "" for none
	readAlsoMid   bool   // in the body rather than the footer
	mostRead      int    // headlines in a "Most read" block, 0 for none
	mostReadLabel string
	titleCase     bool
	curly         bool
	byline        int
	dateStyle     int
	urlStyle      int
	staff         []string
	weatherCity   string
	tags          bool
	wrapWidth     int // hard-wrap width in code points, 0 for one paragraph a line
	wrapIndent    int // spaces before a wrapped paragraph's first line, 0 for blank lines between paragraphs
}

// wireNames are the two agencies whose stories most families rewrite.
var wireNames = [2][3]string{
	{"Reuters", "Reuters", "reuters.com"},
	{"Associated Press", "AP", "apnews.com"},
}

var outletPatterns = []string{"The @P Herald", "@P Times", "@P Daily News", "The @N Post", "@N Today", "@P Gazette", "@P Tribune", "The @N Observer", "@P Chronicle", "Radio @P", "@P Online", "The @N Report", "@N Insider", "@P Star", "The @N Journal", "@P Express", "@N News Network", "@P Courier", "The @N Sentinel", "@P Mirror", "@N Network", "@P Standard", "The @N Independent", "@P Dispatch", "@N Monitor", "@P Voice"}

var readAlsoLabels = []string{"Read also:", "READ MORE:", "Related:", "See also:", "ALSO READ:", "Read more:", "RELATED:"}

var navItems = []string{"Home", "News", "World", "Politics", "Business", "Markets", "Tech", "Science", "Health", "Sports", "Opinion", "Culture", "Lifestyle", "Travel", "Video", "Podcasts", "Newsletters", "Weather", "Local", "Crime", "Education", "Environment", "Entertainment", "Photos", "Live", "Obituaries", "Jobs", "Real Estate", "Cars", "Food", "Books", "Climate", "Economy", "Money"}

var shortLines = []string{"Advertisement", "Skip to main content", "Menu", "Search", "Sign In", "Subscribe", "Log in Register", "Toggle navigation", "Back to top", "Share this article", "Share on Facebook Share on X Share via Email Copy link", "Print this page", "Trending Now", "Breaking News", "Related Topics", "Listen to this article", "Most Popular", "Latest News", "Top Stories", "Editor's Picks", "Live Updates", "Manage Cookies", "Accept All Cookies", "Continue reading", "Show comments", "Get the app", "Follow us"}

var pitchTemplates = []string{
	"{Sign up|Subscribe} {for|to} {our|the @S} {free |}{daily|weekly|morning|evening} newsletter {and get|to get|for} {the day's top stories|the biggest headlines|our best journalism|breaking news and analysis} delivered {straight |directly |}to your inbox.",
	"{Subscribe|Become a subscriber} {now|today} for unlimited access to @S {journalism|reporting|stories} for just ${1|2|4|5|9}.{99|49} a {month|week}.",
	"@S is {an independent|a reader-funded|a nonprofit} news {organization|organisation|outlet}. If you {value|appreciate|rely on} our {reporting|journalism|work}, please consider {making a donation|supporting us} {today|with a one-off contribution|with a monthly gift}.",
	"{We rely on|Our newsroom depends on|Quality journalism depends on} readers like you. {Support|Help fund} {independent|local|fearless} journalism by becoming a {member|supporter|subscriber} {today|for as little as $1}.",
	"Get {breaking news alerts|the latest updates|instant notifications} {on your phone|wherever you are}. Download the @S app {for iOS and Android|today|now}.",
	"Follow @S on {Facebook, X and Instagram|Telegram|WhatsApp|Google News} {for the latest updates|to stay informed|for breaking news}.",
	"Have a {news tip|story idea|question about this story}? {Email|Contact|Write to} {us|our newsroom} at {tips|news|newsroom}@@D.",
	"{Spotted|Found} an {error|mistake} in this {article|story}? {Let us know|Please tell us} at corrections@@D.",
	"We use cookies {and similar technologies |}to {improve your experience|personalise content and ads|analyse our traffic}. By {continuing to browse|using this site}, you agree to our {Privacy Policy|Cookie Policy} and {Terms of Service|Terms of Use}.",
	"This {article|story|coverage} {was produced|is published} {with support from|in partnership with} the @O Foundation.",
	"{Comments are closed|Commenting has been disabled} {for this article|on this story}. {Please read our community guidelines.|Join the conversation on our social channels.|}",
	"{The views expressed|Opinions expressed} {in this article|here} are those of the author and do not necessarily reflect {the views|the position} of @S.",
	"{Already a subscriber|Already have an account}? {Sign in|Log in} {here|to continue reading}.",
	"{You have reached|You've read} your limit of {3|5|10} free articles this month. {Subscribe to keep reading.|Register for free to read more.}",
	"Join {12|40|85|150},000 {readers|subscribers} who get @S in their inbox every {morning|weekday|Sunday}.",
	"{Thank you for reading|Thanks for reading} @S. {Our journalism is free for everyone, but it is not free to make.|Every contribution, however big or small, powers our journalism.}",
	"{Want more stories like this|Never miss a story}? {Add|Set} @S as a preferred source on Google.",
	"All {times|dates} are {local|UTC} unless otherwise {stated|noted}. {Prices|Figures} are {accurate|correct} at the time of publication.",
}

var copyrightTemplates = []string{
	"© {year} @N{ Media Group| Ltd| Inc.| Publishing|}. All rights reserved.",
	"Copyright {year} @N. All Rights Reserved.",
	"© @N {year}",
	"All content © {year} @N unless otherwise noted.",
	"© Copyright {year} @N{ Media| Holdings|}. This material may not be reproduced without permission.",
}

// expand fills a template: {a|b} alternatives, @S short name, @N name,
// @D domain, @O an invented name.
func expand(r *rng, t string, o *outlet) string {
	var b strings.Builder
	for i := 0; i < len(t); i++ {
		c := t[i]
		switch {
		case c == '{' && !strings.HasPrefix(t[i:], "{year}"):
			j := strings.IndexByte(t[i:], '}') + i
			alts := strings.Split(t[i+1:j], "|")
			b.WriteString(pick(r, alts))
			i = j
		case c == '@' && i+1 < len(t):
			switch t[i+1] {
			case 'S':
				b.WriteString(o.short)
			case 'N':
				b.WriteString(o.name)
			case 'D':
				b.WriteString(o.domain)
			case 'O':
				b.WriteString(nameGen{r}.plain())
			default:
				b.WriteByte('@')
				continue
			}
			i++
		default:
			b.WriteByte(c)
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

func newOutlets(cfg Config, w *world) []*outlet {
	var outs []*outlet
	used := map[string]bool{}
	for i := 0; i < cfg.Outlets; i++ {
		r := newRNG(cfg.Seed, tagOutlet, uint64(i))
		g := nameGen{r}
		o := &outlet{idx: i, wire: -1}
		if i < len(wireNames) {
			o.wire = i
			o.name, o.short, o.domain = wireNames[i][0], wireNames[i][0], wireNames[i][2]
		} else {
			for o.name == "" || used[o.name] {
				p := pick(r, outletPatterns)
				o.name = strings.NewReplacer("@P", g.place(), "@N", g.plain()).Replace(p)
			}
			used[o.name] = true
			o.short = strings.TrimPrefix(o.name, "The ")
			o.domain = strings.ToLower(strings.ReplaceAll(o.short, " ", "")) + pick(r, []string{".com", ".com", ".com", ".net", ".co.uk", ".org", ".news", ".com.au"})
			// Outlet sizes are Zipf-like: a few publish thousands of
			// articles, many only a handful.
			o.weight = math.Pow(float64(i-len(wireNames)+7), -1.6)
		}
		o.titleCase = r.chance(0.45)
		o.curly = r.chance(0.5)
		o.byline = r.intn(5)
		o.dateStyle = r.intn(4)
		o.urlStyle = r.intn(4)
		for j := 0; j < 4+r.intn(30); j++ {
			o.staff = append(o.staff, g.first()+" "+g.last())
		}
		// How much template an outlet wraps around its articles varies a
		// lot: some are minimal, most moderate, some enormous.
		tier := 1 // 0 light, 1 medium, 2 heavy
		switch x := r.float(); {
		case o.wire >= 0 || x < 0.4:
			tier = 0
		case x > 0.8:
			tier = 2
		}
		nav := func(lo, hi int) string {
			n := min(r.between(lo, hi), len(navItems))
			items := make([]string, 0, n)
			for _, p := range r.perm(len(navItems))[:n] {
				items = append(items, navItems[p])
			}
			return strings.Join(items, pick(r, []string{" | ", " ", "  ", " · "}))
		}
		pitchOrder := r.perm(len(pitchTemplates))
		pitches := func(n int) {
			for _, p := range pitchOrder[:n] {
				o.footer = append(o.footer, expand(r, pitchTemplates[p], o))
			}
			pitchOrder = pitchOrder[n:]
		}
		rotate := func(n int) {
			for _, p := range pitchOrder[:n] {
				o.rotating = append(o.rotating, expand(r, pitchTemplates[p], o))
			}
			pitchOrder = pitchOrder[n:]
		}
		shorts := func(n int) {
			for ; n > 0; n-- {
				o.footer = append(o.footer, pick(r, shortLines))
			}
		}
		legal := func() {
			o.footer = append(o.footer, strings.Join(append(strings.Fields(nav(2, 6)), "Terms of Use", "Privacy Policy", "Contact Us"), " | "))
		}
		switch tier {
		case 0:
			if r.chance(0.5) {
				o.header = append(o.header, o.short)
			}
			shorts(b2i(r.chance(0.3)))
			if r.chance(0.3) {
				o.readAlso = pick(r, readAlsoLabels)
			}
		case 1:
			if r.chance(0.7) {
				o.header = append(o.header, o.short)
			}
			if r.chance(0.5) {
				o.header = append(o.header, nav(4, 9))
			}
			pitches(r.between(1, 2))
			shorts(r.intn(3))
			if r.chance(0.5) {
				legal()
			}
			if r.chance(0.4) {
				rotate(2)
			}
			if r.chance(0.15) {
				o.mostRead = r.between(3, 5)
			}
			if r.chance(0.55) {
				o.readAlso = pick(r, readAlsoLabels)
			}
		case 2:
			o.header = append(o.header, o.short, pick(r, shortLines[1:8]), nav(10, 20))
			pitches(r.between(3, 6))
			shorts(r.between(2, 4))
			legal()
			rotate(r.between(2, 3))
			if r.chance(0.6) {
				o.mostRead = r.between(3, 5)
			}
			if r.chance(0.8) {
				o.readAlso = pick(r, readAlsoLabels)
			}
		}
		if r.chance(0.15) {
			o.weatherCity = nameGen{r}.place()
		}
		o.mostReadLabel = pick(r, []string{"Most Read", "Trending Now", "Popular on " + o.short, "More from " + o.short, "Top Stories", "You may also like"})
		o.readAlsoMid = r.chance(0.5)
		o.footer = append(o.footer, expand(r, pick(r, copyrightTemplates), o))
		// Shuffle footer order, keeping the copyright line last.
		body := o.footer[:len(o.footer)-1]
		for j := len(body) - 1; j > 0; j-- {
			k := r.intn(j + 1)
			body[j], body[k] = body[k], body[j]
		}
		if tier > 0 && r.chance(0.5) {
			o.midAd = pick(r, []string{"Advertisement", "ADVERTISEMENT", "Story continues below advertisement", "Article continues below", "SPONSORED", "Advertisement - scroll to continue reading"})
			o.midAdRate = 0.1 + 0.3*r.float()
		}
		o.tags = r.chance(0.3)
		// A generator of its own, so that the rest of the corpus does
		// not depend on WrapRate.
		if wr := newRNG(cfg.Seed, tagWrap, uint64(i)); wr.chance(cfg.WrapRate) {
			o.wrapWidth = wr.between(65, 72)
			if wr.chance(0.5) {
				o.wrapIndent = wr.between(2, 5)
			}
		}
		outs = append(outs, o)
	}
	return outs
}

// perm returns a random permutation of [0, n).
func (r *rng) perm(n int) []int {
	p := make([]int, n)
	for i := range p {
		j := r.intn(i + 1)
		p[i] = p[j]
		p[j] = i
	}
	return p
}

func clock(r *rng) string {
	h := r.between(1, 12)
	m := r.intn(60)
	ampm := pick(r, []string{"AM", "PM", "a.m.", "p.m."})
	return strconv.Itoa(h) + ":" + twoDigits(m) + " " + ampm
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}
