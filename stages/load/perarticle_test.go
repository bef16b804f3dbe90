package load_test

import (
	"testing"
	"time"

	"github.com/dedupe/dedupe/internal/synth"
	"github.com/dedupe/dedupe/pipeline"
	"github.com/dedupe/dedupe/stages"
)

// BenchmarkPerArticle runs the per-article stages that the load stage fuses
// (normalize, unwrap, segment, boilerplate, shingle) on 2,000 articles of
// the real-language bench corpus (seed 1), one worker, and reports the time
// of each stage per article. It is the work the load stage's
// busy seconds in run.json measure, without reading or JSON.
func BenchmarkPerArticle(b *testing.B) {
	arts := synth.Generate(synth.Config{Articles: 2000, Seed: 1, Text: synth.Brown})
	p := pipeline.DefaultParams()
	var funcs []func(*pipeline.Doc) error
	var names []string
	for _, s := range stages.Analysis() {
		ds, ok := s.(pipeline.DocStage)
		if !ok {
			if len(funcs) > 0 {
				break
			}
			continue
		}
		f, err := ds.DocFunc(p)
		if err != nil {
			b.Fatal(err)
		}
		funcs = append(funcs, f)
		names = append(names, s.Name())
	}
	busy := make([]time.Duration, len(funcs))
	docs := make([]pipeline.Doc, len(arts))
	b.ResetTimer()
	for b.Loop() {
		for i, a := range arts {
			docs[i] = pipeline.Doc{Article: pipeline.Article{ID: a.ID, Title: a.Title, Text: a.Text, URL: a.URL, Source: a.Source}}
		}
		for i := range docs {
			for j, f := range funcs {
				begin := time.Now()
				if err := f(&docs[i]); err != nil {
					b.Fatal(err)
				}
				busy[j] += time.Since(begin)
			}
		}
	}
	for j, name := range names {
		b.ReportMetric(float64(busy[j].Nanoseconds())/float64(b.N*len(arts)), name+"-ns/art")
	}
}
