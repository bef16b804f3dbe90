package history

import (
	"errors"
	"reflect"
	"testing"

	"github.com/dedupe/dedupe/internal/synth"
	"github.com/dedupe/dedupe/pipeline"
	"github.com/dedupe/dedupe/stages/boilerplate"
	"github.com/dedupe/dedupe/stages/normalize"
	"github.com/dedupe/dedupe/stages/segment"
	"github.com/dedupe/dedupe/stages/shingle"
	"github.com/dedupe/dedupe/stages/unwrap"
)

// prepared returns the articles of a small real-language corpus (hard-
// wrapped outlets included) as the per-article stages leave them.
func prepared(t *testing.T) []*pipeline.Doc {
	t.Helper()
	par := pipeline.DefaultParams()
	var funcs []func(*pipeline.Doc) error
	for _, s := range []pipeline.DocStage{normalize.Stage{}, unwrap.Stage{}, segment.Stage{}, boilerplate.Stage{}, shingle.Stage{}} {
		f, err := s.DocFunc(par)
		if err != nil {
			t.Fatal(err)
		}
		funcs = append(funcs, f)
	}
	var docs []*pipeline.Doc
	for _, a := range synth.Generate(synth.Config{Articles: 300, Seed: 2, Text: synth.Brown, WrapRate: 0.3}) {
		d := &pipeline.Doc{Article: pipeline.Article{ID: a.ID, Title: a.Title, Text: a.Text, URL: a.URL, Source: a.Source, PublishedAt: a.PublishedAt}}
		for _, f := range funcs {
			if err := f(d); err != nil {
				t.Fatal(err)
			}
		}
		docs = append(docs, d)
	}
	return docs
}

// TestRecordRebuildsDoc: a document rebuilt from its record through the
// store's row (Rebuild) equals the one the per-article stages gave, field
// for field, the shingles shared between Shingles and Linkable where the
// shingle stage shares them; so the corpus stages see a history article as
// they saw it on its night.
func TestRecordRebuildsDoc(t *testing.T) {
	docs := prepared(t)
	var named, sentences, dropped int
	for _, d := range docs {
		rec := AppendRecord(nil, d.Sentences, d.Dropped, d.FigureWords)
		sents, drop, figs, err := DecodeRecord(rec)
		if err != nil {
			t.Fatalf("%s: %v", d.ID, err)
		}
		past := pipeline.Past{Night: "2026-12-01", ClusterID: "c", FirstSeen: "2026-12-01"}
		got := Rebuild(&Stored{Article: d.Article, Past: past, Sentences: sents, Dropped: drop, Figures: figs})
		want := *d
		want.Past = &past
		if !reflect.DeepEqual(*got, want) {
			t.Fatalf("%s: rebuilt\n%+v\nwant\n%+v", d.ID, *got, want)
		}
		for j := range d.Sentences {
			w, g := &d.Sentences[j], &got.Sentences[j]
			if sameSet(w.Linkable, w.Shingles) != sameSet(g.Linkable, g.Shingles) {
				t.Errorf("%s sentence %d: Linkable shares Shingles %v, want %v", d.ID, j, sameSet(g.Linkable, g.Shingles), sameSet(w.Linkable, w.Shingles))
			}
			if len(w.Linkable) < len(w.Shingles) {
				named++
			}
		}
		sentences += len(d.Sentences)
		dropped += len(d.Dropped)
	}
	// The corpus exercises what the record encodes.
	if named == 0 || dropped == 0 || sentences < 1000 {
		t.Errorf("%d sentences, %d with names, %d dropped counts: the corpus does not exercise the record", sentences, named, dropped)
	}
}

// TestDecodeRecordRefusesDamage: every truncation of a record, and a
// record with bytes left over, is an error, never a panic or a wrong
// document taken as right.
func TestDecodeRecordRefusesDamage(t *testing.T) {
	d := prepared(t)[0]
	rec := AppendRecord(nil, d.Sentences, d.Dropped, d.FigureWords)
	for n := range len(rec) {
		if _, _, _, err := DecodeRecord(rec[:n]); !errors.Is(err, errRecord) {
			t.Fatalf("record cut to %d of %d bytes: got %v, want %v", n, len(rec), err, errRecord)
		}
	}
	if _, _, _, err := DecodeRecord(append(rec, 0)); !errors.Is(err, errRecord) {
		t.Errorf("a byte left over: got %v, want %v", err, errRecord)
	}
	huge := []byte{0, 0xff, 0xff, 0xff, 0xff, 0x0f} // 2^32-1 sentences in 0 bytes
	if _, _, _, err := DecodeRecord(huge); !errors.Is(err, errRecord) {
		t.Errorf("a length past the end: got %v, want %v", err, errRecord)
	}
}
