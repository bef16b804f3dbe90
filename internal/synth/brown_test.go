package synth

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// brownWorld generates a Brown corpus and returns it with the world and
// plans that made it, for tests that check a phenomenon against the plan.
func brownWorld(t *testing.T, n int, seed int64) ([]Article, *world, []storyPlan) {
	t.Helper()
	// One paragraph a line, so that sentences can be found in the text;
	// TestHardWrap covers the wrapped outlets.
	// (WithDefaults turns a negative rate into 0, which a second
	// WithDefaults would read as the default: pass Generate the raw cfg.)
	cfg := Config{Articles: n, Seed: seed, Text: Brown, WrapRate: -1}
	w := newWorld(cfg.WithDefaults())
	plans := w.plan()
	w.planBrown(plans)
	return Generate(cfg), w, plans
}

func TestBrownData(t *testing.T) {
	bc, err := loadBrown()
	if err != nil {
		t.Fatal(err)
	}
	if len(bc.sents) < 30000 || len(bc.texts) != 374 {
		t.Fatalf("%d sentences of %d texts, want over 30,000 of the 374 texts of sections A-J", len(bc.sents), len(bc.texts))
	}
	for i, s := range bc.sents {
		if len(s.toks) != len(s.cls) {
			t.Fatalf("sentence %d: %d tokens, %d classes", i, len(s.toks), len(s.cls))
		}
	}
	for _, k := range []byte("nsjrvdegzp") {
		if len(bc.words[k]) < 100 {
			t.Errorf("class %c: only %d words to substitute from", k, len(bc.words[k]))
		}
	}
	// The first sentence of the corpus, detokenised: quotes, spacing.
	var b strings.Builder
	renderSent(&b, bc.sents[0].toks, false, true)
	want := `The Fulton County Grand Jury said Friday an investigation of Atlanta's recent primary election produced "no evidence" that any irregularities took place.`
	if b.String() != want {
		t.Errorf("first sentence renders as\n%s\nwant\n%s", b.String(), want)
	}
}

func TestBrownDeterministic(t *testing.T) {
	var a, b bytes.Buffer
	if err := WriteJSONL(&a, Generate(Config{Articles: 600, Seed: 3, Text: Brown})); err != nil {
		t.Fatal(err)
	}
	if err := WriteJSONL(&b, Generate(Config{Articles: 600, Seed: 3, Text: Brown})); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("the same config gave two different corpora")
	}
	var c bytes.Buffer
	WriteJSONL(&c, Generate(Config{Articles: 600, Seed: 4, Text: Brown}))
	if bytes.Equal(a.Bytes(), c.Bytes()) {
		t.Fatal("two seeds gave the same corpus")
	}
}

func render1(s sentence) string {
	var b strings.Builder
	renderSent(&b, s.toks, false, true)
	return b.String()
}

func TestBrownPhenomena(t *testing.T) {
	arts, w, plans := brownWorld(t, 4000, 7)
	byStory := map[int][]Article{}
	for _, a := range arts {
		byStory[a.Story] = append(byStory[a.Story], a)
	}
	straight := func(a Article) string {
		return strings.NewReplacer("“", `"`, "”", `"`).Replace(a.Text)
	}

	t.Run("real sentences", func(t *testing.T) {
		// Before the supply runs out, an original's window is Brown text
		// verbatim (names aside): most of its sentences must be found in
		// the data as they are.
		real := map[string]bool{}
		for _, s := range w.bc.sents {
			real[render1(sentence{toks: s.toks})] = true
		}
		found, total := 0, 0
		for id := range plans[:300] {
			for _, s := range w.brownBody(id, nil) {
				total++
				if real[render1(s)] {
					found++
				}
			}
		}
		t.Logf("supply used %d of %d sentences; %d of %d window sentences of the first 300 stories verbatim Brown", w.supplyUsed, len(w.order), found, total)
		if found*10 < total*9 {
			t.Errorf("only %d of %d window sentences are Brown's", found, total)
		}
	})

	t.Run("formulas", func(t *testing.T) {
		users := map[int32]map[int]bool{}
		for id := range plans {
			for _, fu := range w.bp[id].formulas {
				if users[fu.f] == nil {
					users[fu.f] = map[int]bool{}
				}
				users[fu.f][id] = true
			}
		}
		shared, verbatim := 0, 0
		for f, ids := range users {
			if len(ids) > 5 {
				t.Errorf("formula %d in %d stories, want at most 5", f, len(ids))
			}
			if len(ids) < 2 {
				continue
			}
			shared++
			text := render1(w.supply(w.formulas[f]))
			carriers := 0
			for id := range ids {
				// Every user's original carries it; each outlet then
				// rewords it or not.
				orig := w.brownOriginal(plans, id, w.castOf(plans, id))
				in := false
				for _, s := range orig.sents {
					in = in || render1(s) == text
				}
				if !in {
					t.Errorf("story %d: the original lacks its formula %q", id, text)
				}
				for _, a := range byStory[id] {
					if strings.Contains(straight(a), text) {
						carriers++
						break
					}
				}
			}
			if carriers >= 2 {
				verbatim++
			}
		}
		if verbatim < 20 {
			t.Errorf("%d of %d shared formulas are verbatim in articles of two or more stories, want at least 20", verbatim, shared)
		}
	})

	t.Run("series", func(t *testing.T) {
		for s, sp := range w.series {
			var ids []int
			for id := range plans {
				if w.bp[id].series == int32(s) {
					ids = append(ids, id)
				}
			}
			if len(ids) < 3 {
				t.Errorf("series %d has %d reports, want at least 3", s, len(ids))
				continue
			}
			tmpl := render1(w.supply(sp.tmpl[0]))
			for i, id := range ids {
				if i > 0 {
					gap := plans[id].start.Sub(plans[ids[i-1]].start)
					if gap < 4*time.Hour || gap > 44*time.Hour {
						t.Errorf("series %d: reports %v apart, want about a day", s, gap)
					}
				}
				// Same template, its figures changed: the words outside
				// the figures recur.
				body := w.brownBody(id, nil)
				if len(body[0].toks) != len(w.supply(sp.tmpl[0]).toks) {
					t.Errorf("series %d story %d: lead %q does not follow the template %q", s, id, render1(body[0]), tmpl)
				}
			}
		}
	})

	t.Run("updates", func(t *testing.T) {
		n := 0
		for id, arts := range byStory {
			var orig, upd *Article
			for i := range arts {
				switch arts[i].Kind {
				case Original:
					orig = &arts[i]
				case Update:
					upd = &arts[i]
				}
			}
			if upd == nil {
				continue
			}
			n++
			lede := render1(w.brownBody(id, w.castOf(plans, id))[0])
			if !strings.Contains(straight(*upd), lede) {
				t.Errorf("story %d: update does not carry the lede %q", id, lede)
			}
			if orig != nil && (upd.PublishedAt.Sub(orig.PublishedAt) < 2*time.Hour || upd.PublishedAt.Sub(orig.PublishedAt) > 21*time.Hour) {
				t.Errorf("story %d: update %v after the original", id, upd.PublishedAt.Sub(orig.PublishedAt))
			}
		}
		if n < 30 {
			t.Errorf("%d updates, want at least 30", n)
		}
	})

	t.Run("backgrounds", func(t *testing.T) {
		stories := map[int32]map[int]bool{}
		for id := range plans {
			for _, b := range w.bp[id].bg {
				if b >= 0 {
					if stories[b] == nil {
						stories[b] = map[int]bool{}
					}
					stories[b][id] = true
				}
			}
		}
		reused := 0
		for _, ids := range stories {
			if len(ids) >= 2 {
				reused++
			}
		}
		if reused < 10 {
			t.Errorf("%d background paragraphs reused across stories, want at least 10", reused)
		}
	})

	t.Run("times", func(t *testing.T) {
		for id, arts := range byStory {
			first := arts[0].PublishedAt
			for _, a := range arts {
				if a.PublishedAt.Before(first) {
					first = a.PublishedAt
				}
			}
			for _, a := range arts {
				if d := a.PublishedAt.Sub(first); d > 48*time.Hour {
					t.Errorf("story %d: %s published %v after the first article", id, a.ID, d)
				}
				if a.PublishedAt.IsZero() {
					t.Errorf("%s has no published_at", a.ID)
				}
			}
		}
	})
}
