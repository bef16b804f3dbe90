package stages_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dedupe/dedupe/pipeline"
	"github.com/dedupe/dedupe/stages"
	"github.com/dedupe/dedupe/stages/shingle"
	"github.com/dedupe/dedupe/stages/verify"
)

// analyse runs every stage but the writer on dir with the default settings.
func analyse(t *testing.T, dir string) *pipeline.State {
	t.Helper()
	return analyseThrough(t, dir, "")
}

// analyseThrough runs the stages through the one named last (all of
// Analysis for ""), with the default settings.
func analyseThrough(t *testing.T, dir, last string) *pipeline.State {
	t.Helper()
	p := pipeline.DefaultParams()
	p.Input = dir
	st := pipeline.NewState(p)
	if err := pipeline.Run(context.Background(), stages.Through(last), st, nil); err != nil {
		t.Fatal(err)
	}
	return st
}

func clusterOf(st *pipeline.State) map[string]int {
	out := map[string]int{}
	for ci, c := range st.Clusters {
		for _, m := range c.Members {
			out[st.Docs[m].ID] = ci
		}
	}
	return out
}

// bestPair returns the strongest sentence pair between two documents, as
// shared linkable shingles and containment on the full sets.
func bestPair(a, b *pipeline.Doc) (linkShared int, containment float64) {
	for i := range a.Sentences {
		for j := range b.Sentences {
			s, u := &a.Sentences[i], &b.Sentences[j]
			if !s.Content() || !u.Content() || len(s.Shingles) == 0 || len(u.Shingles) == 0 {
				continue
			}
			l := shingle.Intersect(s.Linkable, u.Linkable)
			c := float64(shingle.Intersect(s.Shingles, u.Shingles)) / float64(min(len(s.Shingles), len(u.Shingles)))
			if l > linkShared || l == linkShared && c > containment {
				linkShared, containment = l, c
			}
		}
	}
	return
}

// TestSeedMargins measures, on the five seed articles, the strongest
// sentence evidence between every pair of articles, and checks that the
// default passage rule separates the Reuters rewrites' links from anything
// towards the Kyodo story with a margin: the figures quoted in README.md.
func TestSeedMargins(t *testing.T) {
	// Through the clustering only: the diff frees the sentences' shingles.
	st := analyseThrough(t, "../testdata/seeds", "cluster")
	p := pipeline.DefaultParams()
	rule := verify.Rule{MinShared: p.MinShared, MinContainment: p.MinContainment}
	var report strings.Builder
	var sharedTo004 int
	var containTo004 float64
	for i := range st.Docs {
		for j := i + 1; j < len(st.Docs); j++ {
			a, b := st.Docs[i], st.Docs[j]
			l, c := bestPair(a, b)
			fmt.Fprintf(&report, "%s-%s: %2d linkable shingles shared, containment %.2f, whole-document Jaccard %.3f\n",
				a.ID[:3], b.ID[:3], l, c, shingle.Jaccard(shingle.OfDoc(a), shingle.OfDoc(b)))
			if strings.HasPrefix(b.ID, "004") {
				sharedTo004 = max(sharedTo004, l)
				for si := range a.Sentences {
					for sj := range b.Sentences {
						s, u := &a.Sentences[si], &b.Sentences[sj]
						if s.Content() && u.Content() && len(s.Shingles) > 0 && len(u.Shingles) > 0 {
							c := float64(shingle.Intersect(s.Shingles, u.Shingles)) / float64(min(len(s.Shingles), len(u.Shingles)))
							containTo004 = max(containTo004, c)
						}
					}
				}
			}
		}
	}
	t.Logf("strongest sentence pair per article pair:\n%s", report.String())
	// Towards the unrelated story, no sentence pair meets either half of the
	// rule, so each half alone would keep it apart.
	if 2*sharedTo004 > rule.MinShared {
		t.Errorf("a sentence pair towards 004 shares %d linkable shingles: less than a 2x margin under min-shared %d", sharedTo004, rule.MinShared)
	}
	if containTo004 >= rule.MinContainment {
		t.Errorf("a sentence pair towards 004 has containment %.2f, min-containment is %.2f", containTo004, rule.MinContainment)
	}
	t.Logf("towards 004: at most %d linkable shingles shared, containment at most %.2f", sharedTo004, containTo004)
	links := 0
	for _, e := range st.Edges {
		if strings.HasPrefix(st.Docs[e.B].ID, "004") || strings.HasPrefix(st.Docs[e.A].ID, "004") {
			t.Errorf("edge %s-%s towards the Kyodo story", st.Docs[e.A].ID, st.Docs[e.B].ID)
		}
		links++
	}
	if links < 3 {
		t.Errorf("%d edges among the Reuters rewrites, want at least 3 to join four articles", links)
	}
}

// write lays out a corpus of .txt files under a fresh folder.
func writeCorpus(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// Stories with nothing in common but the vocabulary of their beat.
var stories = []string{
	"Flood waters rose across the northern valley on Tuesday after three days of rain, forcing the evacuation of two villages near the river delta.\n\nEmergency crews used boats to reach farms cut off by the water, a regional spokesman told reporters late in the evening.\n\nThe weather office expects the rain to ease by Thursday but warned that the dams upstream remain close to capacity.",
	"The central bank kept its benchmark interest rate unchanged on Wednesday, citing a slower decline in consumer prices than it had forecast in the spring.\n\nGovernor Elena Marsh said the board would watch wage settlements closely before considering any cut later in the year.\n\nMarkets had priced in a small chance of a reduction, and the currency firmed slightly after the announcement.",
	"A rare manuscript attributed to a medieval astronomer was sold at auction in Geneva for nearly four million francs, well above its estimate.\n\nThe buyer, a private foundation, said it would lend the volume to a university library so that scholars could study its star tables.\n\nOnly two other copies of the treatise are known to survive, both held in monastery archives.",
	"Striking dock workers at the eastern port agreed to return to work after the union accepted a revised pay offer late on Friday night.\n\nThe dispute had left more than forty container ships waiting offshore and delayed deliveries of fuel and grain across the region.\n\nUnion leaders said members would vote on the final agreement at a meeting next week.",
}

// TestBoilerplateDoesNotGlue: four unrelated stories from one outlet share
// its header and footer verbatim; they must stay four clusters, and the
// chrome must not be listed as content.
func TestBoilerplateDoesNotGlue(t *testing.T) {
	header := "Daily Courier - independent news since 1901\nSupport independent journalism in our region. Become a member today and help keep local reporting alive.\n"
	footer := "\nThis story was produced by the Daily Courier newsroom and is republished under our community license.\nCopyright 2024 Daily Courier Media Group. All rights reserved by the publisher."
	files := map[string]string{}
	for i, s := range stories {
		files[fmt.Sprintf("courier/%d.txt", i)] = header + s + footer
	}
	st := analyse(t, writeCorpus(t, files))
	if len(st.Clusters) != len(stories) {
		t.Fatalf("got %d clusters, want %d: boilerplate glued unrelated stories", len(st.Clusters), len(stories))
	}
	for _, d := range st.Docs {
		for _, s := range d.Sentences {
			if s.Content() && (strings.Contains(s.Text, "Courier") || strings.Contains(s.Text, "member today")) {
				t.Errorf("%s: chrome kept as content: %q", d.ID, s.Text)
			}
		}
	}
}

// TestOnlyBoilerplateSharedDoesNotCluster: two articles of one outlet
// (the smallest corpus where repetition cannot be told from the corpus).
func TestOnlyBoilerplateSharedDoesNotCluster(t *testing.T) {
	pitch := "\n\nWe rely on readers like you. Support us with a monthly donation so that our reporters can keep covering the stories that matter to your community.\n\nRead also: City council approves new budget"
	st := analyse(t, writeCorpus(t, map[string]string{"a.txt": stories[0] + pitch, "b.txt": stories[1] + pitch}))
	if len(st.Clusters) != 2 {
		t.Fatalf("got %d clusters, want 2: a shared donation pitch joined two unrelated stories", len(st.Clusters))
	}
}

// TestNearExactCopiesCluster: syndicated copies, verbatim or with a few
// words changed and a different outlet's chrome, form one cluster.
func TestNearExactCopiesCluster(t *testing.T) {
	orig := stories[3]
	files := map[string]string{
		"wire.txt":      "Dock strike ends\n\n" + orig,
		"copy1.txt":     "Dock strike ends\n\n" + orig,
		"copy2.txt":     "Port workers back on the job\n\n" + strings.Replace(orig, "late on Friday night", "on Friday", 1) + "\n\nAdvertisement",
		"copy3.txt":     "Dock strike over\n\n" + strings.Replace(orig, "more than forty", "over 40", 1),
		"other1.txt":    stories[0],
		"other2.txt":    stories[1],
		"empty.txt":     "   \n\n",
		"notes/x.jsonl": `{"id":"j1","text":"` + strings.ReplaceAll(orig, "\n", "\\n") + `"}` + "\n",
	}
	st := analyse(t, writeCorpus(t, files))
	c := clusterOf(st)
	for _, id := range []string{"copy1", "copy2", "copy3", "j1"} {
		if c[id] != c["wire"] {
			t.Errorf("%s not in the cluster of wire", id)
		}
	}
	if c["other1"] == c["wire"] || c["other2"] == c["wire"] || c["other1"] == c["other2"] {
		t.Errorf("unrelated stories clustered: %v", c)
	}
	if len(st.Rejects) != 1 || st.Rejects[0].Path != "empty.txt" {
		t.Errorf("rejects = %+v, want only empty.txt", st.Rejects)
	}
}

// TestOutletRepeatMidArticle: one outlet's pitch sentence sits in the middle
// of each of its pages (unique lines before and after, so no header or
// footer run), reads like prose and speaks to no one; it must still not join
// the outlet's unrelated stories.
func TestOutletRepeatMidArticle(t *testing.T) {
	pitch := "Both the valley and its local newspapers are paying a high price for their independence this season."
	files := map[string]string{}
	for i, s := range stories {
		paras := strings.SplitN(s, "\n\n", 2)
		files[fmt.Sprintf("valleypost/%d.txt", i)] = paras[0] + "\n\n" + pitch + "\n\n" + paras[1]
	}
	st := analyse(t, writeCorpus(t, files))
	if len(st.Clusters) != len(stories) {
		t.Fatalf("got %d clusters, want %d: a repeated pitch glued one outlet's stories", len(st.Clusters), len(stories))
	}
}

// TestChromeParagraphDoesNotGlue: two pages of one site, on different
// stories, share a pitch paragraph mid-page. Part of it speaks to the
// reader; the rest reads like prose, and with only two pages the corpus
// cannot tell it is a repeat of the site's.
func TestChromeParagraphDoesNotGlue(t *testing.T) {
	pitch := "Freedom can be costly. Both the valley and its reporters are paying a high price for their independence in these hard years. Support us for as little as $1, and it only takes a minute."
	files := map[string]string{}
	for i, s := range stories[:2] {
		paras := strings.SplitN(s, "\n\n", 2)
		files[fmt.Sprintf("%d.txt", i)] = paras[0] + "\n\n" + pitch + "\n\n" + paras[1]
	}
	st := analyse(t, writeCorpus(t, files))
	if len(st.Clusters) != 2 {
		t.Fatalf("got %d clusters, want 2: a shared pitch paragraph glued two stories", len(st.Clusters))
	}
	for _, d := range st.Docs {
		for _, s := range d.Sentences {
			if strings.Contains(s.Text, "high price") && s.Content() {
				t.Errorf("%s: %q kept as content", d.ID, s.Text)
			}
		}
	}
}

func TestThrough(t *testing.T) {
	all := stages.Analysis()
	for i, s := range all {
		got := stages.Through(s.Name())
		if len(got) != i+1 || got[i].Name() != s.Name() {
			t.Errorf("Through(%q): got %d stages ending with %q, want the first %d", s.Name(), len(got), got[len(got)-1].Name(), i+1)
		}
	}
	if got := stages.Through("no such stage"); len(got) != len(all) {
		t.Errorf("Through of an unknown name: got %d stages, want all %d", len(got), len(all))
	}
}

// TestStoryAndUpdateShareLead: a wire story and its update, filed minutes
// apart by one outlet, carry the same lead verbatim and differ in the tail.
// The lead sits before the update's first sentence of its own, where a
// header does; it is shared prose, and the two must cluster, beside an
// unrelated story of the outlet that shares only its header line.
func TestStoryAndUpdateShareLead(t *testing.T) {
	header := "Wire Service Markets Desk\n\n"
	lead := "The Federal Reserve entered the government securities market on Thursday to arrange two billion dollars of customer repurchase agreements, a spokesman for the bank said.\n\n" +
		"Dealers said federal funds were trading at six percent when the central bank began its temporary and indirect supply of reserves to the banking system.\n\n" +
		"Most economists had expected the bank to add reserves through overnight system repurchases, given the large need to add reserves in the current statement period.\n\n"
	files := map[string]string{
		"wire/story.txt": header + "Fed adds reserves via customer repurchases\n\n" + lead +
			"Analysts said the operation was smaller than the market had expected and that rates on federal funds could drift higher before the weekend.\n\n" +
			"The bank last added reserves on Tuesday, when it arranged overnight system repurchases worth three billion dollars.",
		"wire/update.txt": header + "UPDATE 1-Fed adds reserves twice as funds rise\n\n" + lead +
			"Later in the day the bank added a further billion dollars of reserves through overnight system repurchases, dealers said.\n\n" +
			"The second operation came after federal funds rose above six percent in the afternoon, which dealers took as a sign that the market had expected more reserves.",
		"wire/other.txt": header + "Dock strike ends\n\n" + stories[3],
	}
	st := analyse(t, writeCorpus(t, files))
	c := clusterOf(st)
	if c["wire/story"] != c["wire/update"] {
		t.Errorf("the story and its update are apart: %v", c)
	}
	if c["wire/other"] == c["wire/story"] {
		t.Errorf("the unrelated story joined them: %v", c)
	}
	// The lead's three sentences, held by the story and the update alone,
	// are content in both (the text is gone by now: count them).
	for _, d := range st.Docs {
		if d.ID == "wire/other" {
			continue
		}
		lead := 0
		for _, s := range d.Sentences {
			if s.KeyDF == 2 {
				lead++
				if !s.Content() {
					t.Errorf("%s: sentence %d of the shared lead is %s", d.ID, s.Index, s.Boilerplate)
				}
			}
		}
		if lead != 3 {
			t.Errorf("%s: %d sentences held by two articles, want the lead's 3", d.ID, lead)
		}
	}
}
