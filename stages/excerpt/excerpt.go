// Package excerpt fetches the text of the sentences the tables show.
//
// The shingle stage drops every sentence's text once it is hashed, so that
// a run holds hashes, not the corpus. The additions table needs the text of
// the sentences members add, a small part of the corpus, so this stage
// reads those articles again, after the analysis, in a second streaming
// pass: it re-reads only the files that hold them and, in a JSONL file,
// parses only their lines. Each sentence is cut from the article's text at
// its code-point range and normalised again, its line breaks joined as
// package unwrap joined them, which gives back the sentence exactly (package segment tests this property on tricky text).
//
// An article whose text changed on disk since it was first read (its
// CRC-32C differs), or that cannot be read again, fails the run: its
// additions would not match the analysis. The previous tables stay in
// place, and the next run sees the file as it is.
package excerpt

import (
	"context"
	"fmt"
	"unicode/utf8"

	"github.com/dedupe/dedupe/pipeline"
	"github.com/dedupe/dedupe/stages/load"
	"github.com/dedupe/dedupe/stages/normalize"
	"github.com/dedupe/dedupe/stages/unwrap"
)

// Place is where an article lives: its file below the input folder and its
// line (0 for a file of one article).
type Place struct {
	Path string
	Line int
}

// Want is a sentence whose text is wanted: its code-point range in the
// original text of the article at a place.
type Want struct {
	Start, End int32
}

// Texts re-reads the articles at the places in want from root with opt and
// returns, for each place, the normalised text of each wanted range, in the
// order given. checksum gives the CRC-32C each article had when first read.
func Texts(ctx context.Context, root string, opt load.Options, want map[Place][]Want, checksum map[Place]uint32) (map[Place][]string, error) {
	opt.Only = map[string]map[int]bool{}
	for pl := range want {
		if opt.Only[pl.Path] == nil {
			opt.Only[pl.Path] = map[int]bool{}
		}
		opt.Only[pl.Path][pl.Line] = true
	}
	out := make(map[Place][]string, len(want))
	// Prepare runs on several goroutines; each fills the slot of its own
	// place, made here so that the map is only read there.
	for pl, ws := range want {
		out[pl] = make([]string, len(ws))
	}
	opt.Prepare = func(d *pipeline.Doc) error {
		pl := Place{d.SourcePath, d.Line}
		ws, ok := want[pl]
		if !ok {
			return nil
		}
		if d.Checksum != checksum[pl] {
			return fmt.Errorf("%s changed during the run; run again", where(pl))
		}
		cut := cutter(d.Text)
		texts := out[pl]
		for i, w := range ws {
			if w.Start < 0 || w.Start > w.End || int(w.End) > cut.n {
				return fmt.Errorf("%s: sentence range [%d, %d) outside the article's %d code points", where(pl), w.Start, w.End, cut.n)
			}
			texts[i] = unwrap.Join(normalize.Text(cut.text(int(w.Start), int(w.End))))
		}
		d.Text = ""
		return nil
	}
	res, err := load.Dir(ctx, root, opt)
	if err != nil {
		return nil, err
	}
	found := make(map[Place]bool, len(res.Docs))
	for _, d := range res.Docs {
		found[Place{d.SourcePath, d.Line}] = true
	}
	for pl := range want {
		if found[pl] {
			continue
		}
		reason := "not found"
		for _, r := range res.Rejects {
			if r.Path == pl.Path && (r.Line == pl.Line || r.Line == 0) {
				reason = r.Reason
				break
			}
		}
		return nil, fmt.Errorf("%s could not be read again (%s); run again", where(pl), reason)
	}
	return out, nil
}

func where(pl Place) string {
	if pl.Line > 0 {
		return fmt.Sprintf("%s line %d", pl.Path, pl.Line)
	}
	return pl.Path
}

// Stage adapts Texts to the pipeline: it fills Addition.Text for every
// entry of State.Additions.
type Stage struct{}

// Name implements pipeline.Stage.
func (Stage) Name() string { return "excerpt" }

// Run implements pipeline.Stage.
func (Stage) Run(ctx context.Context, st *pipeline.State, p pipeline.Progress) error {
	want := map[Place][]Want{}
	checksum := map[Place]uint32{}
	for _, a := range st.Additions {
		d := st.Docs[a.Doc]
		s := &d.Sentences[a.Sentence]
		pl := Place{d.SourcePath, d.Line}
		want[pl] = append(want[pl], Want{s.Start, s.End})
		checksum[pl] = d.Checksum
	}
	if len(want) == 0 {
		return nil
	}
	p.Start("excerpt", 0)
	texts, err := Texts(ctx, st.Params.Input, load.OptionsFor(st.Params), want, checksum)
	if err != nil {
		return err
	}
	next := map[Place]int{}
	for i := range st.Additions {
		a := &st.Additions[i]
		d := st.Docs[a.Doc]
		pl := Place{d.SourcePath, d.Line}
		a.Text = texts[pl][next[pl]]
		next[pl]++
	}
	st.Counts["excerpt_articles"] = len(want)
	return nil
}

// Summary implements pipeline.Summarizer.
func (Stage) Summary(st *pipeline.State) string {
	return fmt.Sprintf("%d added sentences read again from %d articles", len(st.Additions), st.Counts["excerpt_articles"])
}

// codePoints cuts a text at code-point offsets. A valid UTF-8 text is cut
// in place, walking from the last cut (an article's ranges come in order),
// where converting the whole article to runes and each range back took a
// seventh of the stage; other text goes through runes as before, which
// turn each invalid byte into U+FFFD.
type codePoints struct {
	s     string
	runes []rune // for text that is not valid UTF-8 only
	n     int    // code points in the text
	cp    int    // the code point the walk is at
	at    int    // its byte offset in s
}

func cutter(s string) *codePoints {
	if !utf8.ValidString(s) {
		r := []rune(s)
		return &codePoints{runes: r, n: len(r)}
	}
	return &codePoints{s: s, n: utf8.RuneCountInString(s)}
}

// text returns code points [start, end) of the text, 0 <= start <= end <= n.
func (c *codePoints) text(start, end int) string {
	if c.runes != nil {
		return string(c.runes[start:end])
	}
	from := c.seek(start)
	return c.s[from:c.seek(end)]
}

// seek returns the byte offset of code point cp.
func (c *codePoints) seek(cp int) int {
	if cp < c.cp {
		c.cp, c.at = 0, 0
	}
	for ; c.cp < cp; c.cp++ {
		_, size := utf8.DecodeRuneInString(c.s[c.at:])
		c.at += size
	}
	return c.at
}
