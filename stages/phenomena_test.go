package stages_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// prose returns n sentences of 14 invented lower-case words each, drawn
// from r: text that shares nothing by chance with any other prose call.
func prose(r *rand.Rand, n int) []string {
	syll := []string{"ka", "lo", "mi", "ren", "tu", "sa", "vor", "qui", "ne", "bal", "dor", "fe", "gan", "hul", "jis", "pem"}
	var out []string
	for range n {
		var words []string
		for range 14 {
			var w strings.Builder
			for range 2 + r.IntN(2) {
				w.WriteString(syll[r.IntN(len(syll))])
			}
			words = append(words, w.String())
		}
		s := strings.Join(words, " ") + "."
		out = append(out, strings.ToUpper(s[:1])+s[1:])
	}
	return out
}

// TestPhenomena runs the whole pipeline on the situations that real
// newswire gives and that connected components got wrong, each article
// from its own outlet:
//   - a stray formulaic sentence carried by two rewrites of each of two
//     stories, which must stay two clusters;
//   - a templated daily report over four days, same words, new figures,
//     whose issues must stay apart;
//   - a story and its update, republished by two outlets, sharing the
//     two-sentence lead verbatim, which must stay one cluster.
func TestPhenomena(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	files := map[string]string{}
	article := func(name, title string, sents []string) {
		files[name+"/"+name+".txt"] = title + "\n\n" + strings.Join(sents, "\n\n") + "\n"
	}
	// Rewrite i of a story keeps all its sentences but two, in turn.
	rewrite := func(base []string, i int, extra ...string) []string {
		var out []string
		for j, s := range base {
			if j != i%len(base) && j != (i+1)%len(base) {
				out = append(out, s)
			}
			if j == 3 {
				out = append(out, extra...) // mid-article, away from header and footer runs
			}
		}
		return out
	}
	stray := prose(r, 1)[0]
	for _, story := range []string{"a", "b"} {
		base := prose(r, 8)
		for i := range 5 {
			var extra []string
			if i == 1 || i == 3 {
				extra = []string{stray}
			}
			article(fmt.Sprintf("%s%d", story, i), "Report "+story, rewrite(base, i, extra...))
		}
	}
	days := []string{"Monday", "Tuesday", "Wednesday", "Thursday"}
	for i, day := range days {
		article(fmt.Sprintf("note%d", i), "Money market note", []string{
			fmt.Sprintf("The central bank said it bought %d mln of treasury bills from the discount houses in the money market on %s.", 215+37*i, day),
			fmt.Sprintf("It also sold %d mln of bonds maturing in %d, which left the total of its help at %d mln for the session.", 40+11*i, 1990+i, 600-23*i),
			"Dealers said they expected the market to remain calm for the rest of the session despite the shortage.",
			fmt.Sprintf("The shortage was forecast at around %d mln before taking account of the morning operations.", 900+51*i),
		})
	}
	lead := []string{
		"Rescue teams searching the collapsed market hall have found 12 survivors so far and said they would keep digging through the night.",
		"The roof of the hall gave way shortly after the morning traders had set up their stalls, witnesses told local radio.",
	}
	story := prose(r, 5)
	for i := range 4 {
		article(fmt.Sprintf("u%d", i), "Market hall collapse", append(slices.Clone(lead), rewrite(story, i)...))
	}
	// The update, republished by two outlets: the lead verbatim, one
	// figure updated further down, and a new tail.
	update := append([]string{strings.Replace(story[2], ".", " 15.", 1)}, prose(r, 3)...)
	article("v0", "Market hall collapse: toll rises", append(slices.Clone(lead), update...))
	article("v1", "Market hall toll rises", append(slices.Clone(lead), update[1:]...))

	st := analyse(t, writeCorpus(t, files))
	byID := clusterOf(st)
	c := func(name string) int { // the article's outlet is its folder
		ci, ok := byID[name+"/"+name]
		if !ok {
			t.Fatalf("no article %s", name)
		}
		return ci
	}
	same := func(ids ...string) {
		t.Helper()
		for _, id := range ids[1:] {
			if c(id) != c(ids[0]) {
				t.Errorf("%s and %s in different clusters", ids[0], id)
			}
		}
	}
	same("a0", "a1", "a2", "a3", "a4")
	same("b0", "b1", "b2", "b3", "b4")
	if c("a0") == c("b0") {
		t.Errorf("the stray sentence joined stories a and b")
	}
	for i := range days {
		for j := i + 1; j < len(days); j++ {
			if a, b := fmt.Sprintf("note%d", i), fmt.Sprintf("note%d", j); c(a) == c(b) {
				t.Errorf("templated reports %s and %s of different days clustered", a, b)
			}
		}
	}
	same("u0", "u1", "u2", "u3", "v0", "v1")
	// The stray passage was evidence (so the clustering, not the matching,
	// kept the stories apart), and the notes' figures were seen to differ.
	cuts := map[string]int{}
	for _, e := range st.Edges {
		cuts[e.Cut.String()]++
	}
	if cuts["bridge-passage"] == 0 || cuts["template-figures"] == 0 {
		t.Errorf("edges by cut: %v, want some cut as a bridge passage and by template figures", cuts)
	}
}
