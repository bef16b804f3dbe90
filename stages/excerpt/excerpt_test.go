// The tests are in package excerpt_test, not excerpt: TestStage runs
// stages.Analysis(), and package stages imports this one.
package excerpt_test

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dedupe/dedupe/pipeline"
	"github.com/dedupe/dedupe/stages"
	"github.com/dedupe/dedupe/stages/excerpt"
	"github.com/dedupe/dedupe/stages/load"
	"github.com/dedupe/dedupe/stages/normalize"
	"github.com/dedupe/dedupe/stages/segment"
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// sentence is one sentence as the segment stage finds it, computed here
// independently of package excerpt.
type sentence struct {
	want excerpt.Want // its code-point range in the original text
	text string       // its normalised text
}

// split segments an original text as segment.Stage does.
func split(t *testing.T, text string) []sentence {
	t.Helper()
	seg, err := segment.New()
	if err != nil {
		t.Fatal(err)
	}
	norm, m := normalize.TextMap(text)
	var out []sentence
	for _, pc := range seg.Split(norm) {
		start, end := segment.Offsets(m, pc)
		out = append(out, sentence{excerpt.Want{Start: start, End: end}, pc.Text})
	}
	return out
}

// jsonl makes a JSONL file of articles given as id and text.
func jsonl(t *testing.T, recs ...[2]string) string {
	t.Helper()
	var b strings.Builder
	for _, r := range recs {
		line, err := json.Marshal(map[string]string{"id": r[0], "text": r[1]})
		if err != nil {
			t.Fatal(err)
		}
		b.Write(line)
		b.WriteByte('\n')
	}
	return b.String()
}

// write lays out files under dir.
func write(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, text := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// Texts with the typography normalisation folds: curly quotes and
// apostrophes, no-break spaces, CRLF line ends, combining accents (which
// NFKC composes, so code points and bytes shift), an ellipsis and dashes.
const (
	txtText = "\u201cDebris\u201d found in Kharkiv\r\n\r\n" +
		"The caf\u00e9\u00a0owner said \u201cit\u2019s fine.\u201d Then he left the U.S. embassy.\r\n" +
		"Cafe\u0301 cre\u0300me bru\u0302le\u0301e\u00a0\u00a0costs 5 \u2014 or so\u2026 Nobody knows!\r\n"
	line1Text = "Tokyo \u2013 Officials met on Jan. 2, 2024.\u00a0They agreed.\r\nA second\tparagraph \u2018here\u2019."
	line2Text = "Re\u0301sume\u0301 of the \u201cmeeting\u201d:\u00a0  three items.\r\n\r\nPe\u0301rez said: \u201cWe\u2019ll see.\u201d Done."
	line3Text = "Not asked for."
)

// places are the articles of the folder corpus makes.
var (
	txtPlace   = excerpt.Place{Path: "news/a.txt"}
	line1Place = excerpt.Place{Path: "feed.jsonl", Line: 1}
	line2Place = excerpt.Place{Path: "feed.jsonl", Line: 2}
)

// corpus writes the test articles to a new folder and returns it, with the
// checksum of each article.
func corpus(t *testing.T) (string, map[excerpt.Place]uint32) {
	t.Helper()
	dir := t.TempDir()
	write(t, dir, map[string]string{
		"news/a.txt": txtText,
		// Line 4 is malformed and not asked for: Texts must not parse it.
		"feed.jsonl": jsonl(t, [2]string{"j1", line1Text}, [2]string{"j2", line2Text}, [2]string{"j3", line3Text}) + `{"id":` + "\n",
		"other.txt":  "Not asked for either.",
	})
	sum := func(s string) uint32 { return crc32.Checksum([]byte(s), castagnoli) }
	return dir, map[excerpt.Place]uint32{txtPlace: sum(txtText), line1Place: sum(line1Text), line2Place: sum(line2Text)}
}

func TestTexts(t *testing.T) {
	dir, checksum := corpus(t)
	want := map[excerpt.Place][]excerpt.Want{}
	wantText := map[excerpt.Place][]string{}
	for pl, text := range map[excerpt.Place]string{txtPlace: txtText, line1Place: line1Text, line2Place: line2Text} {
		sents := split(t, text)
		if len(sents) < 3 {
			t.Fatalf("%v: got %d sentences, want at least 3 to test with", pl, len(sents))
		}
		// Backwards, and the first twice: Texts keeps the order given.
		slices.Reverse(sents)
		sents = append(sents, sents[len(sents)-1])
		for _, s := range sents {
			want[pl] = append(want[pl], s.want)
			wantText[pl] = append(wantText[pl], s.text)
		}
	}
	for _, workers := range []int{1, 3} {
		got, err := excerpt.Texts(context.Background(), dir, load.Options{Workers: workers}, want, checksum)
		if err != nil {
			t.Fatalf("workers %d: %v", workers, err)
		}
		if len(got) != len(want) {
			t.Errorf("workers %d: got texts for %d places, want %d", workers, len(got), len(want))
		}
		for pl, texts := range wantText {
			if !slices.Equal(got[pl], texts) {
				t.Errorf("workers %d: %v:\ngot  %q\nwant %q", workers, pl, got[pl], texts)
			}
		}
	}
}

// TestTextsRangeIsNormalised: a range that is not a sentence of its own
// still comes back normalised.
func TestTextsRangeIsNormalised(t *testing.T) {
	dir, checksum := corpus(t)
	runes := []rune(txtText)
	start := slices.Index(runes, '\u201c')
	want := map[excerpt.Place][]excerpt.Want{txtPlace: {{Start: int32(start), End: int32(start + 8)}}}
	got, err := excerpt.Texts(context.Background(), dir, load.Options{}, want, checksum)
	if err != nil {
		t.Fatal(err)
	}
	if w := `"Debris"`; len(got[txtPlace]) != 1 || got[txtPlace][0] != w {
		t.Errorf("got %q, want [%q]", got[txtPlace], w)
	}
}

func TestTextsErrors(t *testing.T) {
	tests := []struct {
		name   string
		change func(t *testing.T, dir string)
		place  excerpt.Place
		want   excerpt.Want // the default: the first code point
		errHas []string
	}{
		{
			name: "text file changed",
			change: func(t *testing.T, dir string) {
				write(t, dir, map[string]string{"news/a.txt": txtText + "One more line.\n"})
			},
			place:  txtPlace,
			errHas: []string{"news/a.txt", "changed"},
		},
		{
			name: "JSONL line changed",
			change: func(t *testing.T, dir string) {
				write(t, dir, map[string]string{"feed.jsonl": jsonl(t, [2]string{"j1", line1Text}, [2]string{"j2", line2Text + " Edited."})})
			},
			place:  line2Place,
			errHas: []string{"feed.jsonl line 2", "changed"},
		},
		{
			name: "text file removed",
			change: func(t *testing.T, dir string) {
				if err := os.Remove(filepath.Join(dir, "news", "a.txt")); err != nil {
					t.Fatal(err)
				}
			},
			place:  txtPlace,
			errHas: []string{"news/a.txt", "could not be read again"},
		},
		{
			name: "JSONL line removed",
			change: func(t *testing.T, dir string) {
				write(t, dir, map[string]string{"feed.jsonl": jsonl(t, [2]string{"j1", line1Text})})
			},
			place:  line2Place,
			errHas: []string{"feed.jsonl line 2", "could not be read again"},
		},
		{
			name: "JSONL line now malformed",
			change: func(t *testing.T, dir string) {
				write(t, dir, map[string]string{"feed.jsonl": jsonl(t, [2]string{"j1", line1Text}) + "{\n"})
			},
			place:  line2Place,
			errHas: []string{"feed.jsonl line 2", "malformed JSON"},
		},
		{
			name:   "range outside the article",
			place:  line1Place,
			want:   excerpt.Want{Start: 0, End: int32(len([]rune(line1Text)) + 1)},
			errHas: []string{"feed.jsonl line 1", "outside"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, checksum := corpus(t)
			if tt.change != nil {
				tt.change(t, dir)
			}
			w := tt.want
			if w == (excerpt.Want{}) {
				w.End = 1
			}
			want := map[excerpt.Place][]excerpt.Want{tt.place: {w}}
			got, err := excerpt.Texts(context.Background(), dir, load.Options{Workers: 2}, want, checksum)
			if err == nil {
				t.Fatalf("got %v and no error, want an error", got)
			}
			for _, s := range tt.errHas {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("got %q, want it to contain %q", err, s)
				}
			}
		})
	}
}

// seeds copies the seed articles into a new folder, two of them as lines
// of feed.jsonl (with the same ids), and returns it with the original text
// of each article by id and the ids of the lines of feed.jsonl.
func seeds(t *testing.T) (dir string, texts map[string]string, lines []string) {
	t.Helper()
	const src = "../../testdata/seeds"
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatalf("seed articles: %v", err)
	}
	dir = t.TempDir()
	texts = map[string]string{}
	var recs [][2]string
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		id := strings.TrimSuffix(e.Name(), ".txt")
		texts[id] = string(b)
		if strings.HasPrefix(id, "000_") || strings.HasPrefix(id, "003_") {
			recs = append(recs, [2]string{id, string(b)})
			lines = append(lines, id)
			continue
		}
		write(t, dir, map[string]string{e.Name(): string(b)})
	}
	write(t, dir, map[string]string{"feed.jsonl": jsonl(t, recs...)})
	return dir, texts, lines
}

// analyse runs every analysis stage but this one on dir.
func analyse(t *testing.T, dir string) *pipeline.State {
	t.Helper()
	p := pipeline.DefaultParams()
	p.Input = dir
	p.Workers = 2
	st := pipeline.NewState(p)
	list := slices.DeleteFunc(stages.Analysis(), func(s pipeline.Stage) bool {
		_, ok := s.(excerpt.Stage)
		return ok
	})
	if err := pipeline.Run(context.Background(), list, st, nil); err != nil {
		t.Fatal(err)
	}
	return st
}

// TestStage: after the analysis, Stage fills the text of every added
// sentence with what segmenting its article again gives.
func TestStage(t *testing.T) {
	dir, texts, _ := seeds(t)
	st := analyse(t, dir)
	if len(st.Additions) == 0 {
		t.Fatal("the seeds gave no additions to test with")
	}
	kinds := map[string]bool{}
	articles := map[int32]bool{}
	for _, a := range st.Additions {
		if a.Text != "" {
			t.Fatalf("addition %+v has its text before the excerpt stage ran", a)
		}
		kinds[filepath.Ext(st.Docs[a.Doc].SourcePath)] = true
		articles[a.Doc] = true
	}
	if !kinds[".txt"] || !kinds[".jsonl"] {
		t.Errorf("additions come from %v, want both .txt and .jsonl articles", kinds)
	}

	if err := (excerpt.Stage{}).Run(context.Background(), st, pipeline.NoProgress{}); err != nil {
		t.Fatal(err)
	}
	sents := map[int32][]sentence{}
	for i, a := range st.Additions {
		d := st.Docs[a.Doc]
		if sents[a.Doc] == nil {
			sents[a.Doc] = split(t, texts[d.ID])
		}
		s := d.Sentences[a.Sentence]
		if int(s.Index) >= len(sents[a.Doc]) {
			t.Fatalf("addition %d: %s sentence %d, but segmenting it again gives %d", i, d.ID, s.Index, len(sents[a.Doc]))
		}
		want := sents[a.Doc][s.Index]
		if want.want != (excerpt.Want{Start: s.Start, End: s.End}) {
			t.Fatalf("addition %d: %s sentence %d at [%d, %d), segmenting again puts it at %v", i, d.ID, s.Index, s.Start, s.End, want.want)
		}
		if a.Text == "" || a.Text != want.text {
			t.Errorf("addition %d (%s:%d sentence %d): got %q, want %q", i, d.SourcePath, d.Line, s.Index, a.Text, want.text)
		}
	}
	if got := st.Counts["excerpt_articles"]; got != len(articles) {
		t.Errorf("excerpt_articles: got %d, want %d", got, len(articles))
	}
}

// TestStageChanged: an article edited between the analysis and the
// excerpt fails the run, naming it.
func TestStageChanged(t *testing.T) {
	for _, ext := range []string{".txt", ".jsonl"} {
		t.Run(ext, func(t *testing.T) {
			dir, texts, lines := seeds(t)
			st := analyse(t, dir)
			i := slices.IndexFunc(st.Additions, func(a pipeline.Addition) bool {
				return filepath.Ext(st.Docs[a.Doc].SourcePath) == ext
			})
			if i < 0 {
				t.Fatalf("no addition from a %s file to test with", ext)
			}
			d := st.Docs[st.Additions[i].Doc]
			edited := texts[d.ID] + "\nA new line.\n"
			where := d.SourcePath
			if d.Line == 0 {
				write(t, dir, map[string]string{d.SourcePath: edited})
			} else {
				// Rewrite the file with only that line's text edited.
				var recs [][2]string
				for _, id := range lines {
					text := texts[id]
					if id == d.ID {
						text = edited
					}
					recs = append(recs, [2]string{id, text})
				}
				write(t, dir, map[string]string{d.SourcePath: jsonl(t, recs...)})
				where = fmt.Sprintf("%s line %d", d.SourcePath, d.Line)
			}
			err := (excerpt.Stage{}).Run(context.Background(), st, pipeline.NoProgress{})
			if err == nil || !strings.Contains(err.Error(), where) || !strings.Contains(err.Error(), "changed") {
				t.Errorf("got %v, want an error naming %s and saying it changed", err, where)
			}
		})
	}
}

// TestStageNothingToRead: without additions, the stage reads nothing, not
// even the input folder.
func TestStageNothingToRead(t *testing.T) {
	p := pipeline.DefaultParams()
	p.Input = filepath.Join(t.TempDir(), "missing")
	st := pipeline.NewState(p)
	st.Docs = []*pipeline.Doc{{Article: pipeline.Article{ID: "a", SourcePath: "a.txt"}}}
	if err := (excerpt.Stage{}).Run(context.Background(), st, pipeline.NoProgress{}); err != nil {
		t.Errorf("got %v, want no error", err)
	}
}
