package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/dedupe/dedupe/stages/normalize"
	"github.com/dedupe/dedupe/stages/unwrap"
	"github.com/dedupe/dedupe/stages/write"
)

// hardWrap lays text out as a wire feed does: each line a paragraph,
// wrapped greedily at width columns, its first line indented by two
// spaces. Blank lines stay.
func hardWrap(text string, width int) string {
	var b strings.Builder
	for line := range strings.Lines(text) {
		words := strings.Fields(line)
		if len(words) == 0 {
			b.WriteString(line)
			continue
		}
		col := 0
		for i, w := range words {
			n := len([]rune(w))
			switch {
			case i == 0:
				b.WriteString("  ")
				col = 2
			case col+1+n > width:
				b.WriteString("\n")
				col = 0
			default:
				b.WriteString(" ")
				col++
			}
			b.WriteString(w)
			col += n
		}
		b.WriteString("\n")
	}
	return b.String()
}

func TestHardWrap(t *testing.T) {
	got := hardWrap("one two three four\n\nfive\n", 12)
	if want := "  one two\nthree four\n\n  five\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestSeedsWrapped: the seeds hard-wrapped at 68 columns with indented
// paragraph starts give the clusters, titles and additions of the seeds as
// they are, with the additions' offsets pointing into the wrapped text.
func TestSeedsWrapped(t *testing.T) {
	files, err := filepath.Glob("../../testdata/seeds/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no seeds: %v", err)
	}
	in := t.TempDir()
	wrapped := map[string]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		w := hardWrap(string(b), 68)
		id := strings.TrimSuffix(filepath.Base(f), ".txt")
		wrapped[id] = w
		if err := os.WriteFile(filepath.Join(in, filepath.Base(f)), []byte(w), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	plain := runSeeds(t)
	out := filepath.Join(t.TempDir(), "out")
	var stderr bytes.Buffer
	if code := Main(context.Background(), []string{"run", "--input", in, "--out", out, "--quiet"}, &stderr, &stderr); code != exitOK {
		t.Fatalf("dedupe run exited %d: %s", code, stderr.String())
	}
	strip := func(rows []write.Row, drop ...string) []write.Row {
		for _, r := range rows {
			for _, k := range drop {
				delete(r, k)
			}
		}
		return rows
	}
	// similarity and words are computed on the same sentences, so they must
	// match as well; only the offsets differ.
	if got, want := readRows(t, filepath.Join(out, write.ClustersFile)), readRows(t, filepath.Join(plain, write.ClustersFile)); !reflect.DeepEqual(got, want) {
		t.Errorf("clusters differ:\nwrapped %v\nplain   %v", got, want)
	}
	got := readRows(t, filepath.Join(out, write.AdditionsFile))
	want := readRows(t, filepath.Join(plain, write.AdditionsFile))
	if len(got) == 0 {
		t.Fatal("no additions")
	}
	for _, r := range got {
		runes := []rune(wrapped[r["article_id"].(string)])
		start, end := r["start_char"].(int32), r["end_char"].(int32)
		if cut := unwrap.Join(normalize.Text(string(runes[start:end]))); cut != r["text"] {
			t.Errorf("%v #%v: [%d, %d) of the wrapped text is %q, want %q", r["article_id"], r["sentence_index"], start, end, cut, r["text"])
		}
	}
	if g, w := strip(got, "start_char", "end_char"), strip(want, "start_char", "end_char"); !reflect.DeepEqual(g, w) {
		t.Errorf("additions differ:\nwrapped %v\nplain   %v", g, w)
	}
}
