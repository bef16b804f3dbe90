package main

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/dedupe/dedupe/internal/synth"
	"github.com/dedupe/dedupe/stages/write"
)

// TestInputOrderDoesNotMatter: the same articles, in another order and split
// over other files, give the same clusters, canonicals and additions, in the
// same row order.
func TestInputOrderDoesNotMatter(t *testing.T) {
	arts := synth.Generate(synth.Config{Articles: 600, Seed: 3})
	layouts := map[string]func() [][]synth.Article{
		"one file, generated order": func() [][]synth.Article { return [][]synth.Article{arts} },
		"three files, shuffled": func() [][]synth.Article {
			s := append([]synth.Article(nil), arts...)
			rand.New(rand.NewPCG(9, 9)).Shuffle(len(s), func(i, j int) { s[i], s[j] = s[j], s[i] })
			return [][]synth.Article{s[:100], s[100:350], s[350:]}
		},
	}
	var ref []string
	for name, layout := range layouts {
		in := t.TempDir()
		for i, part := range layout() {
			f, err := os.Create(filepath.Join(in, fmt.Sprintf("%c.jsonl", 'z'-i)))
			if err != nil {
				t.Fatal(err)
			}
			if err := synth.WriteJSONL(f, part); err != nil {
				t.Fatal(err)
			}
			f.Close()
		}
		out := filepath.Join(t.TempDir(), "out")
		var stderr bytes.Buffer
		if code := Main(context.Background(), []string{"run", "--input", in, "--out", out, "--quiet"}, &stderr, &stderr); code != exitOK {
			t.Fatalf("%s: exit %d: %s", name, code, stderr.String())
		}
		var got []string
		for _, r := range readRows(t, filepath.Join(out, write.ClustersFile)) {
			got = append(got, fmt.Sprint(r["cluster_id"], r["article_id"], r["is_canonical"], r["canonical_id"], r["cluster_size"],
				r["shared_sentences"], r["added_sentences"], r["words"]))
		}
		for _, r := range readRows(t, filepath.Join(out, write.AdditionsFile)) {
			got = append(got, fmt.Sprint(r["cluster_id"], r["article_id"], r["sentence_index"], r["text"]))
		}
		if ref == nil {
			ref = got
			continue
		}
		if !reflect.DeepEqual(got, ref) {
			t.Errorf("%s: the tables differ from the other layout's (%d vs %d rows)", name, len(got), len(ref))
		}
	}
	if len(ref) < 600 {
		t.Fatalf("only %d rows compared", len(ref))
	}
}
