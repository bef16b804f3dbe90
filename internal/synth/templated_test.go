package synth

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestTemplatedDeterministic(t *testing.T) {
	cfg := TemplatedConfig{Items: 3000, Seed: 5}
	a, b := Templated(cfg), Templated(cfg)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same config: corpora differ")
	}
	c := Templated(TemplatedConfig{Items: 3000, Seed: 6})
	same := 0
	texts := map[string]bool{}
	for _, x := range a {
		texts[x.Text] = true
	}
	for _, x := range c {
		if texts[x.Text] {
			same++
		}
	}
	if same > 0 {
		t.Errorf("seeds 5 and 6 share %d texts, want 0", same)
	}
}

func TestTemplatedShape(t *testing.T) {
	const n = 5000
	arts := Templated(TemplatedConfig{Items: n, Seed: 1})
	if len(arts) != n {
		t.Fatalf("got %d items, want %d", len(arts), n)
	}
	ids := map[string]bool{}
	byStory := map[int][]Article{}
	storyOfText := map[string]int{}
	templateUsed := map[int]int{}
	for i, a := range arts {
		if ids[a.ID] {
			t.Fatalf("id %s twice", a.ID)
		}
		ids[a.ID] = true
		if i > 0 && a.PublishedAt.Before(arts[i-1].PublishedAt) {
			t.Fatalf("item %d published before item %d", i, i-1)
		}
		head, body, ok := strings.Cut(a.Text, "\n\n")
		if !ok || head != a.Title || strings.Contains(body, "\n\n") || strings.Count(body, "\n") != 1 || !strings.HasSuffix(body, ".\n") {
			t.Fatalf("item %s: want a headline line, a blank line and one sentence, got %q", a.ID, a.Text)
		}
		if s, seen := storyOfText[a.Text]; seen && s != a.Story {
			t.Fatalf("stories %d and %d share the text %q", s, a.Story, a.Text)
		}
		storyOfText[a.Text] = a.Story
		byStory[a.Story] = append(byStory[a.Story], a)
		templateUsed[a.Topic]++
	}
	resent := 0
	for story, as := range byStory {
		originals := 0
		for _, a := range as {
			if a.Text != as[0].Text || a.Topic != as[0].Topic {
				t.Fatalf("story %d: items differ, want verbatim re-sends", story)
			}
			switch a.Kind {
			case Original:
				originals++
			case Copy, CrawlDuplicate:
			default:
				t.Errorf("story %d: kind %v", story, a.Kind)
			}
		}
		if originals != 1 {
			t.Errorf("story %d: %d originals, want 1", story, originals)
		}
		if len(as) > 1 {
			resent++
		}
	}
	if share := float64(resent) / float64(len(byStory)); share < 0.035 || share > 0.065 {
		t.Errorf("%.3f of stories re-sent, want about 0.05", share)
	}
	if len(templateUsed) != len(templates) {
		t.Errorf("%d templates used, want %d", len(templateUsed), len(templates))
	}
}

// TestTemplatedDense checks what makes the corpus a dense block: two items
// of one template share most of their word 3-grams, two of different
// templates almost none.
func TestTemplatedDense(t *testing.T) {
	arts := Templated(TemplatedConfig{Items: 2000, Seed: 2, ResendRate: -1})
	var same, other []float64
	for i := 0; i+1 < len(arts) && len(same) < 2000; i++ {
		for j := i + 1; j < min(i+40, len(arts)); j++ {
			jac := Jaccard(arts[i].Text, arts[j].Text)
			if arts[i].Topic == arts[j].Topic {
				same = append(same, jac)
			} else {
				other = append(other, jac)
			}
		}
	}
	slices.Sort(same)
	slices.Sort(other)
	t.Logf("same template: %v", Summarize(same))
	t.Logf("different templates: %v", Summarize(other))
	if m := Quantile(same, 0.5); m < 0.3 {
		t.Errorf("same template: median Jaccard %.3f, want at least 0.3", m)
	}
	if m := Quantile(other, 0.99); m > 0.05 {
		t.Errorf("different templates: 99th percentile Jaccard %.3f, want at most 0.05", m)
	}
}
