package synth

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// TemplatedConfig describes a corpus of short templated items: the dense
// block that makes a near-duplicate search quadratic. Market tickers,
// weather notes, sports results, lottery draws and recurring agency
// notices are each one template sentence with a few words and figures
// swapped, so thousands of them look alike to MinHash and fall into the
// same LSH buckets.
//
// Every item is two lines, a headline and one body sentence:
//
//	Halvorsen Energy share price
//
//	Shares of Halvorsen Energy rose 2.4 percent to 61.37 euros in early trading on the main board of the exchange, according to preliminary figures published by the market operator.
//
// Ground truth. Two items of one template with different figures are two
// stories, however alike their words: a newsroom never calls Tuesday's and
// Wednesday's weather note, or two companies' share moves, one story
// (dedupe's figures rule, see package verify, keeps them apart). An exact
// re-send of an item, by another outlet or the same one under a second
// URL, is the same story. Every original body is drawn until it is unique
// in the corpus, so no two stories share a text by accident.
type TemplatedConfig struct {
	// Items is the total number of items, re-sends included.
	Items int
	// Seed determines everything: the same config gives a byte-identical
	// corpus.
	Seed int64
	// ResendRate is the share of original items that are re-sent
	// verbatim (a quarter of those twice). Default 0.05; negative means
	// none.
	ResendRate float64
	// Start is the publication time of the first item. Default
	// 2024-01-01T00:00:00Z.
	Start time.Time
	// Days is the span the originals are published over. Default 30.
	Days int
}

// WithDefaults returns c with every zero field replaced by its default, as
// Templated uses it.
func (c TemplatedConfig) WithDefaults() TemplatedConfig {
	c.Items = max(c.Items, 0)
	switch {
	case c.ResendRate == 0:
		c.ResendRate = 0.05
	case c.ResendRate < 0:
		c.ResendRate = 0
	}
	if c.Start.IsZero() {
		c.Start = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	if c.Days <= 0 {
		c.Days = 30
	}
	return c
}

// template is one kind of templated item: the outlets that send it and a
// function that fills it in.
type template struct {
	name    string
	outlets []string
	fill    func(r *rng, at time.Time) (headline, body string)
}

var (
	tmplFirms    = []string{"Halvorsen", "Brightwater", "Kestrel", "Marlow", "Ostrava", "Pinecrest", "Quayside", "Redfern", "Solent", "Tamsin", "Umbra", "Vantage", "Westmark", "Yarrow", "Zenith", "Aldgate", "Barrow", "Carrick", "Dunmore", "Elstree", "Fairlie", "Glenmore", "Harcourt", "Invicta", "Jarrow", "Kelso", "Lindqvist", "Moravia", "Northam", "Orwell"}
	tmplSectors  = []string{"Energy", "Holdings", "Bank", "Motors", "Telecom", "Pharma", "Mining", "Airlines", "Retail", "Steel", "Insurance", "Shipping"}
	tmplCities   = []string{"Oslo", "Lisbon", "Krakow", "Lyon", "Porto", "Turin", "Leeds", "Ghent", "Bremen", "Malmo", "Tampere", "Brno", "Graz", "Seville", "Bilbao", "Utrecht", "Aarhus", "Cork", "Split", "Riga", "Tallinn", "Vilnius", "Zagreb", "Ljubljana", "Bergen", "Dresden", "Nantes", "Bologna", "Valencia", "Gdansk", "Cluj", "Plovdiv", "Debrecen", "Kosice", "Salzburg", "Basel", "Lausanne", "Antwerp", "Rotterdam", "Galway"}
	tmplMascots  = []string{"Rovers", "United", "City", "Athletic", "Wanderers", "Albion", "Rangers", "Town", "Olympic", "Dynamo"}
	tmplIndexes  = []string{"Nordic 40", "Baltic All-Share", "Alpine 20", "Iberian Composite", "Danube 30", "Adriatic Select", "Celtic 50", "Rhine Industrial"}
	tmplCmds     = []string{"Brent crude", "Copper", "Gold", "Wheat", "Natural gas", "Soybean", "Silver", "Coffee", "Cocoa", "Sugar", "Corn", "Aluminium"}
	tmplCmdUnit  = []string{"barrel", "tonne", "ounce", "bushel", "megawatt hour", "bushel", "ounce", "pound", "tonne", "pound", "bushel", "tonne"}
	tmplCmdPrice = [][2]int{{60, 110}, {7000, 11000}, {1800, 2600}, {5, 9}, {20, 90}, {11, 16}, {20, 35}, {1, 4}, {2000, 9000}, {0, 1}, {3, 7}, {2000, 2800}}
	tmplCurrs    = []string{"Norwegian crown", "Polish zloty", "Czech crown", "Hungarian forint", "Swedish crown", "Danish crown", "Romanian leu", "Icelandic crown", "Swiss franc", "Turkish lira"}
	tmplBodies   = []string{"city council", "planning committee", "harbour authority", "water board", "transport commission", "school board", "health authority", "licensing panel", "housing trust", "arts council"}
	tmplLotto    = []string{"EuroStar", "Lucky Seven", "Northern Lotto", "Grand Draw", "Weekend Millions", "Daily Pick"}
)

// templates are the kinds of items the generator writes, each sent by a
// few outlets of its own. Each is one long fixed sentence with a name or
// word and two or three figures swapped, one of them drawn from thousands
// of values (a price, an index level, a crowd, a reference number), so
// that items of one template share most of their word 3-grams while two
// stories never state the same figures.
var templates = []template{
	{"shares", []string{"Market Wire", "Bourse Daily", "Ticker Feed"}, func(r *rng, at time.Time) (string, string) {
		firm := pick(r, tmplFirms) + " " + pick(r, tmplSectors)
		body := fmt.Sprintf("Shares of %s %s %d.%d percent to %d.%02d euros in early trading on the main board of the exchange, according to preliminary figures published by the market operator.",
			firm, ifs(r.chance(0.5), "rose", "fell"), r.between(0, 9), r.intn(10), r.between(2, 400), r.intn(100))
		return firm + " share price", body
	}},
	{"index", []string{"Market Wire", "Bourse Daily"}, func(r *rng, at time.Time) (string, string) {
		ix := pick(r, tmplIndexes)
		body := fmt.Sprintf("The %s index closed %s %d.%d percent at %d.%02d points at the end of the regular trading session, the exchange said in its daily market report.",
			ix, ifs(r.chance(0.5), "up", "down"), r.between(0, 4), r.intn(10), r.between(800, 9000), r.intn(100))
		return ix + " index at the close", body
	}},
	{"weather", []string{"Weather Desk", "Met Notes"}, func(r *rng, at time.Time) (string, string) {
		city := pick(r, tmplCities)
		hi := r.between(-5, 34)
		body := fmt.Sprintf("The weather service forecasts a high of %d degrees and a low of %d degrees for %s tomorrow, with winds of up to %d kilometres per hour and %d millimetres of rain expected over the day.",
			hi, hi-r.between(2, 12), city, r.between(5, 90), r.between(0, 60))
		return "Weather for " + city, body
	}},
	{"football", []string{"Sports Feed", "Scoreline", "Matchday Wire"}, func(r *rng, at time.Time) (string, string) {
		home := pick(r, tmplCities) + " " + pick(r, tmplMascots)
		away := home
		for away == home {
			away = pick(r, tmplCities) + " " + pick(r, tmplMascots)
		}
		w := r.between(1, 6)
		body := fmt.Sprintf("%s beat %s %d-%d in front of %d spectators in the league match played at the home ground, the league said in its official results service.",
			home, away, w, r.between(0, w-1), r.between(800, 60000))
		return "Result: " + home + " v " + away, body
	}},
	{"lottery", []string{"Lottery Service"}, func(r *rng, at time.Time) (string, string) {
		game := pick(r, tmplLotto)
		b := r.distinct(6, 1, 49)
		body := fmt.Sprintf("The winning numbers in the latest %s draw were %d, %d, %d, %d, %d and %d, the national lottery operator said, adding that no ticket matched all six numbers.",
			game, b[0], b[1], b[2], b[3], b[4], b[5])
		return game + " draw results", body
	}},
	{"notice", []string{"Agency Notices", "Civic Bulletin"}, func(r *rng, at time.Time) (string, string) {
		city := pick(r, tmplCities)
		board := pick(r, tmplBodies)
		day := at.AddDate(0, 0, r.between(3, 20))
		body := fmt.Sprintf("The %s %s will hold its next public meeting on %s %d under notice number %d, and residents who wish to speak must register in advance with the clerk's office.",
			city, board, day.Month(), day.Day(), r.between(100, 9999))
		return "Notice from the " + city + " " + board, body
	}},
	{"commodity", []string{"Market Wire", "Commodity Desk"}, func(r *rng, at time.Time) (string, string) {
		c := r.intn(len(tmplCmds))
		body := fmt.Sprintf("%s futures for delivery next month settled at %d.%02d dollars a %s, %s %d cents from the previous session, traders on the commodity exchange said.",
			tmplCmds[c], r.between(tmplCmdPrice[c][0], tmplCmdPrice[c][1]), r.intn(100), tmplCmdUnit[c], ifs(r.chance(0.5), "up", "down"), r.between(1, 90))
		return tmplCmds[c] + " futures settle", body
	}},
	{"currency", []string{"Market Wire", "FX Notes"}, func(r *rng, at time.Time) (string, string) {
		cur := pick(r, tmplCurrs)
		body := fmt.Sprintf("The %s traded at %d.%04d per dollar in late trading, against %d.%04d at the previous close, the central bank said in its daily reference rate notice.",
			cur, r.between(1, 400), r.intn(10000), r.between(1, 400), r.intn(10000))
		return cur + " reference rate", body
	}},
}

// tmplResenders are aggregators that re-send other outlets' items
// verbatim.
var tmplResenders = []string{"Newsroom Aggregator", "Feed Relay", "Regional Digest"}

func ifs(c bool, a, b string) string {
	if c {
		return a
	}
	return b
}

func ordinal(n int) string {
	suffix := "th"
	if n%100 < 11 || n%100 > 13 {
		switch n % 10 {
		case 1:
			suffix = "st"
		case 2:
			suffix = "nd"
		case 3:
			suffix = "rd"
		}
	}
	return itoa(n) + suffix
}

// distinct returns k distinct values in [lo, hi], ascending.
func (r *rng) distinct(k, lo, hi int) []int {
	var out []int
	for len(out) < k {
		v := r.between(lo, hi)
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	slices.Sort(out)
	return out
}

// Templated returns the templated corpus described by cfg, ordered by
// PublishedAt (ties by ID). Each original is its own Story (numbered in
// the order drawn), of Kind Original, with Topic the index of its
// template; a re-send has its original's Story and Topic, and is of Kind
// Copy when another outlet sends it, CrawlDuplicate when its own outlet
// does under a second URL.
func Templated(cfg TemplatedConfig) []Article {
	cfg = cfg.WithDefaults()
	arts := make([]Article, 0, cfg.Items)
	seen := make(map[string]bool, cfg.Items)
	span := time.Duration(cfg.Days) * 24 * time.Hour
	for story := 0; len(arts) < cfg.Items; story++ {
		r := newRNG(cfg.Seed, tagTemplated, uint64(story))
		ti := r.intn(len(templates))
		t := &templates[ti]
		at := cfg.Start.Add(time.Duration(r.float() * float64(span))).Truncate(time.Minute)
		var headline, body string
		// Every template has hundreds of millions of fillings, so a
		// redraw is rare and ends.
		for {
			headline, body = t.fill(r, at)
			if !seen[body] {
				break
			}
		}
		seen[body] = true
		text := headline + "\n\n" + body + "\n"
		outlet := pick(r, t.outlets)
		a := Article{Title: headline, Text: text, Source: outlet, PublishedAt: at, Story: story, Topic: ti, Kind: Original, FollowUpOf: -1}
		copies := 0
		if r.chance(cfg.ResendRate) {
			copies = 1
			if r.chance(0.25) {
				copies = 2
			}
		}
		for m := 0; m <= copies && len(arts) < cfg.Items; m++ {
			b := a
			if m > 0 {
				b.PublishedAt = at.Add(time.Duration(r.between(10, 360)) * time.Minute)
				b.Kind = Copy
				b.Source = pick(r, tmplResenders)
				if r.chance(0.3) {
					b.Kind, b.Source = CrawlDuplicate, outlet
				}
			}
			b.ID = fmt.Sprintf("%016x", hash3(cfg.Seed, tagTemplated, uint64(story)<<8|uint64(m)))
			b.URL = "https://" + domainOf(b.Source) + "/item/" + b.ID[:12]
			if b.Kind == CrawlDuplicate {
				b.URL += "?utm_source=rss"
			}
			arts = append(arts, b)
		}
	}
	slices.SortFunc(arts, func(x, y Article) int {
		if c := x.PublishedAt.Compare(y.PublishedAt); c != 0 {
			return c
		}
		return strings.Compare(x.ID, y.ID)
	})
	return arts
}

// domainOf makes a host name of an outlet's name: "Market Wire" ->
// "marketwire.example".
func domainOf(name string) string {
	return strings.ToLower(strings.ReplaceAll(name, " ", "")) + ".example"
}
