package synth

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// The shared test corpus: big enough for statistics, small enough to be fast.
var (
	corpusOnce sync.Once
	corpusArts []Article
	corpusCfg  = Config{Articles: 2000, Seed: 7, WrapRate: -1} // one paragraph a line; TestHardWrap covers the wrapped outlets
)

func corpus(t *testing.T) []Article {
	t.Helper()
	corpusOnce.Do(func() { corpusArts = Generate(corpusCfg) })
	return corpusArts
}

func TestGenerateDeterministic(t *testing.T) {
	cfg := Config{Articles: 600, Seed: 42}
	a := Generate(cfg)
	prev := runtime.GOMAXPROCS(1)
	b := Generate(cfg)
	runtime.GOMAXPROCS(prev)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same Config, different GOMAXPROCS: corpora differ")
	}
	var ja, jb, ta, tb bytes.Buffer
	if err := WriteJSONL(&ja, a); err != nil {
		t.Fatal(err)
	}
	if err := WriteJSONL(&jb, Generate(cfg)); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(ja.Bytes(), jb.Bytes()) {
		t.Error("same Config: JSONL differs")
	}
	WriteTruth(&ta, a)
	WriteTruth(&tb, b)
	if !bytes.Equal(ta.Bytes(), tb.Bytes()) {
		t.Error("same Config: truth differs")
	}
	c := Generate(Config{Articles: 600, Seed: 43})
	if len(c) != len(a) {
		t.Fatalf("got %d articles, want %d", len(c), len(a))
	}
	same := 0
	for i := range c {
		if c[i].Text == a[i].Text {
			same++
		}
	}
	if same > 0 {
		t.Errorf("seeds 42 and 43 share %d texts, want 0", same)
	}
}

func TestWithDefaults(t *testing.T) {
	tests := []struct {
		in                      Config
		outlets, topics, family int
	}{
		{Config{Articles: 100}, 16, 8, 12},
		{Config{Articles: 2000}, 20, 20, 12},
		{Config{Articles: 100000}, 400, 1000, 12},
		{Config{Articles: 1000000}, 400, 2000, 12},
		{Config{Articles: 500, Outlets: 2, Topics: 3, MaxFamily: 5}, 4, 3, 5},
	}
	for _, tt := range tests {
		got := tt.in.WithDefaults()
		if got.Outlets != tt.outlets || got.Topics != tt.topics || got.MaxFamily != tt.family {
			t.Errorf("%+v: got outlets=%d topics=%d family=%d, want %d %d %d", tt.in, got.Outlets, got.Topics, got.MaxFamily, tt.outlets, tt.topics, tt.family)
		}
	}
	d := Config{}.WithDefaults()
	if d.FamilyExponent != 2 || d.FollowUpRate != 0.15 || d.CrawlDupRate != 0.01 || d.Days != 90 || d.VocabSize != 40000 || d.WrapRate != 0.15 || !d.Start.Equal(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("defaults: got %+v", d)
	}
	if d := (Config{FollowUpRate: -1, CrawlDupRate: -1, WrapRate: -1}).WithDefaults(); d.FollowUpRate != 0 || d.CrawlDupRate != 0 || d.WrapRate != 0 {
		t.Errorf("negative rates: got %v %v %v, want 0 0 0", d.FollowUpRate, d.CrawlDupRate, d.WrapRate)
	}
	if got := Generate(Config{}); len(got) != 0 {
		t.Errorf("zero articles: got %d", len(got))
	}
}

func TestArticleShape(t *testing.T) {
	arts := corpus(t)
	cfg := corpusCfg.WithDefaults()
	if len(arts) != cfg.Articles {
		t.Fatalf("got %d articles, want %d", len(arts), cfg.Articles)
	}
	ids := map[string]bool{}
	hexID := regexp.MustCompile(`^[0-9a-f]{16}$`)
	last := cfg.Start.Add(time.Duration(cfg.Days+4) * 24 * time.Hour)
	for i, a := range arts {
		if !hexID.MatchString(a.ID) || ids[a.ID] {
			t.Fatalf("article %d: bad or duplicate ID %q", i, a.ID)
		}
		ids[a.ID] = true
		if i > 0 {
			p := arts[i-1]
			if a.PublishedAt.Before(p.PublishedAt) || (a.PublishedAt.Equal(p.PublishedAt) && a.ID < p.ID) {
				t.Fatalf("article %d out of order: %v %s after %v %s", i, a.PublishedAt, a.ID, p.PublishedAt, p.ID)
			}
		}
		if a.PublishedAt.Before(cfg.Start) || a.PublishedAt.After(last) {
			t.Errorf("article %d: PublishedAt %v outside the corpus span", i, a.PublishedAt)
		}
		first, _, _ := strings.Cut(a.Text, "\n\n")
		if a.Title == "" || first != a.Title {
			t.Fatalf("article %d: first line %q, want the title %q", i, first, a.Title)
		}
		if !strings.HasPrefix(a.URL, "https://") || a.Source == "" {
			t.Errorf("article %d: URL %q, Source %q", i, a.URL, a.Source)
		}
		for _, bad := range []string{"\x00", "\x01", "\x02", " ,", ",.", ",,", ". .", "\n\n\n"} {
			if strings.Contains(a.Text, bad) {
				t.Fatalf("article %d contains %q:\n%s", i, bad, a.Text)
			}
		}
	}
}

func TestWriteJSONL(t *testing.T) {
	arts := Generate(Config{Articles: 30, Seed: 3})
	var buf bytes.Buffer
	if err := WriteJSONL(&buf, arts); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != len(arts) {
		t.Fatalf("got %d lines, want %d", len(lines), len(arts))
	}
	for i, l := range lines {
		var m map[string]string
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("line %d: %v", i, err)
		}
		keys := slices.Sorted(func(yield func(string) bool) {
			for k := range m {
				if !yield(k) {
					return
				}
			}
		})
		if want := []string{"id", "published_at", "source", "text", "title", "url"}; !reflect.DeepEqual(keys, want) {
			t.Fatalf("line %d: got keys %v, want %v", i, keys, want)
		}
		a := arts[i]
		ts, err := time.Parse(time.RFC3339, m["published_at"])
		if err != nil || !ts.Equal(a.PublishedAt) {
			t.Errorf("line %d: published_at %q, want %v", i, m["published_at"], a.PublishedAt)
		}
		if m["id"] != a.ID || m["text"] != a.Text || m["title"] != a.Title || m["url"] != a.URL || m["source"] != a.Source {
			t.Errorf("line %d: fields do not round-trip", i)
		}
	}
}

func TestWriteTruth(t *testing.T) {
	arts := Generate(Config{Articles: 30, Seed: 3})
	var buf bytes.Buffer
	if err := WriteTruth(&buf, arts); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(arts)+1 || !reflect.DeepEqual(rows[0], []string{"id", "story"}) {
		t.Fatalf("got %d rows starting %v, want header id,story and %d rows", len(rows), rows[0], len(arts))
	}
	for i, a := range arts {
		if got, want := rows[i+1], []string{a.ID, itoa(a.Story)}; !reflect.DeepEqual(got, want) {
			t.Errorf("row %d: got %v, want %v", i+1, got, want)
		}
	}
}

func TestStreamStopsOnError(t *testing.T) {
	stop := errors.New("stop")
	n := 0
	err := Stream(Config{Articles: 500, Seed: 1}, func(Article) error {
		n++
		if n == 10 {
			return stop
		}
		return nil
	})
	if err != stop || n != 10 {
		t.Errorf("got err=%v after %d articles, want stop after 10", err, n)
	}
}

func TestFamilySizesHeavyTailed(t *testing.T) {
	arts := Generate(Config{Articles: 6000, Seed: 11})
	hist := FamilySizes(arts)
	stories, articles := 0, 0
	for k, n := range hist {
		stories += n
		articles += k * n
	}
	if articles != len(arts) {
		t.Fatalf("histogram counts %d articles, want %d", articles, len(arts))
	}
	share := func(lo, hi int) float64 {
		n := 0
		for k := lo; k <= hi && k < len(hist); k++ {
			n += hist[k]
		}
		return float64(n) / float64(stories)
	}
	t.Logf("family sizes %v", hist)
	checks := []struct {
		what   string
		got    float64
		lo, hi float64
	}{
		{"share of singleton stories", share(1, 1), 0.45, 0.75},
		{"share of stories of 1-3 articles", share(1, 3), 0.8, 0.97},
		{"share of stories of 8+ articles", share(8, 99), 0.01, 0.08},
		{"share of articles in singletons", float64(hist[1]) / float64(len(arts)), 0.2, 0.5},
		{"largest family", float64(len(hist) - 1), 11, 15},
	}
	for _, c := range checks {
		if c.got < c.lo || c.got > c.hi {
			t.Errorf("%s: got %v, want in [%v, %v]", c.what, c.got, c.lo, c.hi)
		}
	}
	// Each outlet publishes a story once (crawl duplicates aside), and
	// every kind of member occurs.
	seen := map[[2]any]bool{}
	kinds := map[Kind]int{}
	for _, a := range arts {
		kinds[a.Kind]++
		if a.Kind == CrawlDuplicate {
			continue
		}
		k := [2]any{a.Story, a.Source}
		if seen[k] {
			t.Errorf("story %d published twice by %s", a.Story, a.Source)
		}
		seen[k] = true
	}
	for k := Original; k <= CrawlDuplicate; k++ {
		if kinds[k] == 0 {
			t.Errorf("no article of kind %v", k)
		}
	}
	t.Logf("kinds %v", kinds)
}

func TestOutletSizesHeavyTailed(t *testing.T) {
	arts := Generate(Config{Articles: 4000, Seed: 5, Outlets: 80})
	per := map[string]int{}
	for _, a := range arts {
		per[a.Source]++
	}
	sizes := slices.Sorted(func(yield func(int) bool) {
		for _, n := range per {
			if !yield(n) {
				return
			}
		}
	})
	t.Logf("outlet sizes %v", sizes)
	if big, small := sizes[len(sizes)-1], sizes[0]; big < 50*small || big < len(arts)/20 {
		t.Errorf("largest outlet %d, smallest %d: want a heavy tail", big, small)
	}
}

func TestSameStoryJaccardSpan(t *testing.T) {
	js := SameStoryJaccards(corpus(t), 0)
	s := Summarize(js)
	t.Logf("same-story Jaccard: %v", s)
	frac := func(keep func(float64) bool) float64 {
		n := 0
		for _, j := range js {
			if keep(j) {
				n++
			}
		}
		return float64(n) / float64(len(js))
	}
	checks := []struct {
		what   string
		got    float64
		lo, hi float64
	}{
		{"pairs", float64(s.N), 1000, 1e9},
		{"p05", s.P05, 0.02, 0.07},
		{"p50", s.P50, 0.1, 0.35},
		{"p99", s.P99, 0.8, 1},
		{"share below 0.05", frac(func(j float64) bool { return j < 0.05 }), 0.02, 0.15},
		{"share above 0.8", frac(func(j float64) bool { return j > 0.8 }), 0.02, 0.2},
	}
	for _, c := range checks {
		if c.got < c.lo || c.got > c.hi {
			t.Errorf("%s: got %v, want in [%v, %v]", c.what, c.got, c.lo, c.hi)
		}
	}
	if sample := SameStoryJaccards(corpus(t), 100); len(sample) != 100 || !reflect.DeepEqual(sample, SameStoryJaccards(corpus(t), 100)) {
		t.Errorf("sampling: got %d values or a different sample on a second call", len(sample))
	}
}

// crossOutletJaccards measures random pairs of different outlets and stories.
func crossOutletJaccards(arts []Article, n int) []float64 {
	r := newRNG(1, tagSample, 99)
	var js []float64
	for len(js) < n {
		a, b := arts[r.intn(len(arts))], arts[r.intn(len(arts))]
		if a.Source != b.Source && a.Story != b.Story {
			js = append(js, Jaccard(a.Text, b.Text))
		}
	}
	return js
}

func TestBoilerplate(t *testing.T) {
	arts := corpus(t)
	bySource := map[string][]Article{}
	for _, a := range arts {
		bySource[a.Source] = append(bySource[a.Source], a)
	}
	lineOutlets := map[string]map[string]bool{}
	for _, a := range arts {
		for _, l := range strings.Split(a.Text, "\n\n") {
			if lineOutlets[l] == nil {
				lineOutlets[l] = map[string]bool{}
			}
			lineOutlets[l][a.Source] = true
		}
	}
	checked, withPitch := 0, 0
	for src, as := range bySource {
		if len(as) < 5 {
			continue
		}
		checked++
		common := map[string]int{}
		for _, a := range as {
			seen := map[string]bool{}
			for _, l := range strings.Split(a.Text, "\n\n") {
				if !seen[l] {
					seen[l] = true
					common[l]++
				}
			}
		}
		own, pitch := false, false
		for l, n := range common {
			if n < len(as) {
				continue
			}
			if len(lineOutlets[l]) == 1 {
				own = true
			}
			if strings.HasSuffix(l, ".") && len(strings.Fields(l)) >= 8 {
				pitch = true
			}
		}
		if !own {
			t.Errorf("%s: no line of its own in all its %d articles", src, len(as))
		}
		if pitch {
			withPitch++
		}
	}
	if checked < 10 || withPitch < checked/3 {
		t.Errorf("%d of %d outlets repeat a full-sentence pitch in every article; want at least a third", withPitch, checked)
	}
	all := strings.Join(func() []string {
		var ts []string
		for _, a := range arts[:300] {
			ts = append(ts, a.Text)
		}
		return ts
	}(), "\n")
	for _, want := range []string{"Advertisement", "All rights reserved", "newsletter", "©"} {
		if !strings.Contains(strings.ToLower(all), strings.ToLower(want)) {
			t.Errorf("no %q in the first 300 articles", want)
		}
	}
	links := 0
	for _, l := range readAlsoLabels {
		links += strings.Count(all, "\n\n"+l+" ")
	}
	if links < 30 {
		t.Errorf("%d \"Read also\" links in the first 300 articles", links)
	}
	// The template glues unrelated articles of one outlet together.
	same := Summarize(SameOutletJaccards(arts, 2000))
	cross := Summarize(crossOutletJaccards(arts, 2000))
	story := Summarize(SameStoryJaccards(arts, 0))
	t.Logf("same outlet, other story: %v", same)
	t.Logf("other outlet, other story: %v", cross)
	if same.Mean < 4*cross.Mean || same.P90 < story.P05 {
		t.Errorf("same-outlet mean %.3f vs cross-outlet %.3f, same-outlet p90 %.3f vs same-story p05 %.3f: want template glue", same.Mean, cross.Mean, same.P90, story.P05)
	}
}

var nameRE = regexp.MustCompile(`\b[A-Z][a-z]+ [A-Z][a-z]+\b`)

func TestHardNegatives(t *testing.T) {
	cfg := corpusCfg.WithDefaults()
	w := newWorld(cfg)
	plans := w.plan()
	arts := corpus(t)
	byStory := map[int][]Article{}
	for _, a := range arts {
		byStory[a.Story] = append(byStory[a.Story], a)
	}
	render := func(id int) map[string]bool {
		out := map[string]bool{}
		for _, v := range w.versions(plans, id) {
			for _, s := range v.sents {
				if !s.stock {
					var b strings.Builder
					renderSent(&b, s.toks, false, false)
					out[b.String()] = true
				}
			}
		}
		return out
	}
	followUps, namePairs, nameShared := 0, 0, 0
	var js []float64
	for id, p := range plans {
		if p.parent < 0 {
			continue
		}
		followUps++
		parent := int(p.parent)
		if p.topic != plans[parent].topic {
			t.Errorf("story %d: topic %d, its parent %d has %d", id, p.topic, parent, plans[parent].topic)
		}
		mine, theirs := render(id), render(parent)
		for s := range mine {
			if theirs[s] {
				t.Errorf("story %d shares a sentence with story %d it follows up: %q", id, parent, s)
			}
		}
		for _, a := range byStory[id] {
			if a.FollowUpOf != parent {
				t.Errorf("article %s: FollowUpOf %d, want %d", a.ID, a.FollowUpOf, parent)
			}
			for _, b := range byStory[parent] {
				if a.Source == b.Source {
					continue
				}
				namePairs++
				na := map[string]bool{}
				for _, n := range nameRE.FindAllString(a.Text, -1) {
					na[n] = true
				}
				shared := map[string]bool{}
				for _, n := range nameRE.FindAllString(b.Text, -1) {
					if na[n] {
						shared[n] = true
					}
				}
				if len(shared) >= 2 {
					nameShared++
				}
				js = append(js, Jaccard(a.Text, b.Text))
			}
		}
	}
	if followUps < 50 {
		t.Fatalf("only %d follow-up stories", followUps)
	}
	s := Summarize(js)
	t.Logf("%d follow-ups; %d of %d cross-outlet article pairs share 2+ names; Jaccard %v", followUps, nameShared, namePairs, s)
	if float64(nameShared) < 0.7*float64(namePairs) {
		t.Errorf("%d of %d follow-up pairs share two or more names; want 70%%", nameShared, namePairs)
	}
	if s.P95 > 0.06 {
		t.Errorf("follow-up pairs' Jaccard p95 %.3f; want below 0.06 (no shared passages)", s.P95)
	}
}

func TestSentencesAndText(t *testing.T) {
	cfg := corpusCfg.WithDefaults()
	w := newWorld(cfg)
	plans := w.plan()
	var lens []float64
	quotes, sents, words := 0, 0, 0
	for id := 0; id < 200; id++ {
		c := w.castOf(plans, id)
		v := w.original(plans, id, c)
		n := 0
		for _, s := range v.sents {
			k := wordCount(s.toks)
			n += k
			if s.stock {
				continue
			}
			sents++
			lens = append(lens, float64(k))
			if s.quote {
				quotes++
			}
		}
		words += n
		if n < 340 || n > 600 {
			t.Errorf("story %d: original has %d words, want about 400-600", id, n)
		}
	}
	s := Summarize(lens)
	t.Logf("sentence words: %v; %.1f%% quotes", s, 100*float64(quotes)/float64(sents))
	if s.Min < 8 || s.Max > 35 || s.P50 < 14 || s.P50 > 24 {
		t.Errorf("sentence lengths %v: want 8 to 35 words, median 14-24", s)
	}
	if q := float64(quotes) / float64(sents); q < 0.08 || q > 0.25 {
		t.Errorf("quote share %.2f, want 0.08-0.25", q)
	}

	// Whole articles: paragraphs, quotes, numbers, function words.
	arts := corpus(t)
	df := map[uint64]int{}
	freq := map[string]int{}
	withQuote, withDigit := 0, 0
	for _, a := range arts {
		if strings.Count(a.Text, "\n\n") < 6 {
			t.Errorf("article %s has %d paragraphs", a.ID, strings.Count(a.Text, "\n\n")+1)
		}
		if strings.ContainsAny(a.Text, "\"“") {
			withQuote++
		}
		if strings.ContainsAny(a.Text, "0123456789") {
			withDigit++
		}
		for _, tok := range tokens(a.Text) {
			freq[tok]++
		}
		for _, h := range shingles(a.Text) {
			df[h]++
		}
	}
	if withQuote < len(arts)/2 || withDigit < len(arts)*9/10 {
		t.Errorf("%d articles quote, %d have digits, of %d", withQuote, withDigit, len(arts))
	}
	if len(freq) < 15000 {
		t.Errorf("vocabulary of %d words, want tens of thousands", len(freq))
	}
	for _, w := range []string{"the", "of", "said", "according"} {
		if freq[w] < len(arts) {
			t.Errorf("%q occurs %d times in %d articles", w, freq[w], len(arts))
		}
	}
	if top := slices.MaxFunc(slices.Collect(func(yield func(string) bool) {
		for w := range freq {
			if !yield(w) {
				return
			}
		}
	}), func(a, b string) int { return freq[a] - freq[b] }); top != "the" {
		t.Errorf("most frequent word %q, want \"the\"", top)
	}
	// 3-gram document frequencies: a few phrases everywhere, most in one
	// document.
	once, common := 0, 0
	for _, n := range df {
		if n == 1 {
			once++
		}
		if n >= len(arts)/10 {
			common++
		}
	}
	if f := float64(once) / float64(len(df)); f < 0.6 {
		t.Errorf("%.2f of distinct 3-grams occur in one document, want most", f)
	}
	if common < 10 {
		t.Errorf("%d 3-grams occur in a tenth of the documents, want common phrases", common)
	}
	for _, phrase := range []string{"according to the", "did not immediately"} {
		h := shingles(phrase)[0]
		if df[h] < len(arts)/50 {
			t.Errorf("%q occurs in %d documents, want a common phrase", phrase, df[h])
		}
	}
}

func TestCopies(t *testing.T) {
	cfg := corpusCfg.WithDefaults()
	w := newWorld(cfg)
	plans := w.plan()
	copies, nears, nearChanged := 0, 0, 0
	for id := range plans {
		kinds := map[Kind]bool{}
		for _, m := range plans[id].members {
			kinds[m.kind] = true
		}
		if !kinds[Copy] && !kinds[NearCopy] {
			continue
		}
		c := w.castOf(plans, id)
		orig := w.original(plans, id, c)
		vs := w.versions(plans, id)
		for m, mp := range plans[id].members {
			switch mp.kind {
			case Copy:
				copies++
				if !reflect.DeepEqual(vs[m].sents, orig.sents) {
					t.Errorf("story %d member %d: copy differs from the original", id, m)
				}
			case NearCopy:
				nears++
				if len(vs[m].sents) > len(orig.sents) {
					t.Errorf("story %d member %d: near copy is longer than the original", id, m)
				}
				diff := 0
				for i := range vs[m].sents {
					if !slices.Equal(vs[m].sents[i].toks, orig.sents[i].toks) {
						diff++
					}
				}
				if diff > 6 {
					t.Errorf("story %d member %d: near copy changes %d sentences, want at most 6", id, m, diff)
				}
				if diff > 0 {
					nearChanged++
				}
			}
		}
	}
	if copies < 20 || nears < 20 || float64(nearChanged) < 0.8*float64(nears) {
		t.Errorf("%d copies, %d near copies of which %d changed", copies, nears, nearChanged)
	}
}

func TestJaccard(t *testing.T) {
	tests := []struct {
		a, b string
		want float64
	}{
		{"a b c d", "a b c e", 1.0 / 3},
		{"A, b. c!", "a b c", 1},
		{"one two three four", "five six seven eight", 0},
		{"", "", 1},
		{"x y", "x y", 1},
	}
	for _, tt := range tests {
		if got := Jaccard(tt.a, tt.b); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("Jaccard(%q, %q): got %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestSummarize(t *testing.T) {
	s := Summarize([]float64{4, 0, 1, 3, 2})
	want := Summary{N: 5, Mean: 2, Min: 0, P01: 0.04, P05: 0.2, P10: 0.4, P25: 1, P50: 2, P75: 3, P90: 3.6, P95: 3.8, P99: 3.96, Max: 4}
	got := reflect.ValueOf(s)
	for i := 0; i < got.NumField(); i++ {
		g, w := got.Field(i), reflect.ValueOf(want).Field(i)
		if g.Kind() == reflect.Float64 && math.Abs(g.Float()-w.Float()) > 1e-9 || g.Kind() == reflect.Int && g.Int() != w.Int() {
			t.Errorf("%s: got %v, want %v", got.Type().Field(i).Name, g, w)
		}
	}
	if e := Summarize(nil); e.N != 0 || !math.IsNaN(e.P50) {
		t.Errorf("empty: got %v", e)
	}
}

func TestSmallAndOddConfigs(t *testing.T) {
	tests := []Config{
		{Articles: 1, Seed: 1},
		{Articles: 7, Seed: 2, Outlets: 4},
		{Articles: 300, Seed: 3, MaxFamily: 1, CrawlDupRate: -1},
		{Articles: 300, Seed: 4, VocabSize: 2000, Topics: 1},
		{Articles: 200, Seed: 5, Days: 1, FollowUpRate: 0.9},
		{Articles: 200, Seed: 6, MaxFamily: 40, Outlets: 6},
	}
	for _, cfg := range tests {
		arts := Generate(cfg)
		if len(arts) != cfg.Articles {
			t.Errorf("%+v: got %d articles", cfg, len(arts))
		}
		if cfg.MaxFamily == 1 {
			if hist := FamilySizes(arts); len(hist) != 2 {
				t.Errorf("%+v: family sizes %v, want only singletons", cfg, hist)
			}
		}
	}
}

func TestRewriteKeepShare(t *testing.T) {
	cfg := corpusCfg.WithDefaults()
	w := newWorld(cfg)
	plans := w.plan()
	var shares, local []float64
	for id := range plans {
		c := w.castOf(plans, id)
		orig := w.original(plans, id, c)
		for m, v := range w.versions(plans, id) {
			mp := plans[id].members[m]
			if mp.kind != Rewrite || mp.base >= 0 {
				continue
			}
			kept := map[int32]bool{}
			added := 0
			for _, s := range v.sents {
				if s.origin >= 0 {
					kept[s.origin] = true
				} else {
					added++
				}
			}
			shares = append(shares, float64(len(kept))/float64(len(orig.sents)))
			local = append(local, float64(added))
		}
	}
	s, l := Summarize(shares), Summarize(local)
	t.Logf("rewrites keep %v of the original's sentences; add %v of their own", s, l)
	if s.Min < 0.1 || s.P05 > 0.3 || s.P95 < 0.9 || s.P50 < 0.35 || s.P50 > 0.75 {
		t.Errorf("kept share %v: want from about 0.15 to 1, spread out", s)
	}
	if l.Min > 0 || l.P95 < 8 {
		t.Errorf("added sentences %v: want from 0 to many", l)
	}
}
