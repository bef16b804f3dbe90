package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/dedupe/dedupe/pipeline"
	"github.com/dedupe/dedupe/stages/load"
)

func TestProgress(t *testing.T) {
	tests := []struct {
		name  string
		tty   bool
		bytes bool // StartBytes, else Start
		total int
		add   int
		want  string // regular expression for all that is written
	}{
		{
			name: "bytes on a terminal: percentage, bytes, rate and time left",
			tty:  true, bytes: true, total: 1000, add: 500,
			want: `^\rstage +50% \|█+ +\| \(500 B/1\.0 kB(, [0-9.]+ [kMG]?B/s)?\) \[\d+s:\S+\]\r +\rdedupe: done\n$`,
		},
		{
			name: "items on a terminal",
			tty:  true, total: 10, add: 5,
			want: `^\rstage +50% \|█+ +\| \(5/10\) \[\d+s:\S+\]\r +\rdedupe: done\n$`,
		},
		{
			name:  "bytes elsewhere: the summary line only",
			bytes: true, total: 1000, add: 500,
			want: `^dedupe: done\n$`,
		},
		{
			name:  "items elsewhere: the summary line only",
			total: 10, add: 5,
			want: `^dedupe: done\n$`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			p := &progress{w: &buf, tty: tt.tty}
			if tt.bytes {
				p.StartBytes("stage", int64(tt.total))
			} else {
				p.Start("stage", tt.total)
			}
			p.Add(tt.add)
			p.Done("done")
			if !regexp.MustCompile(tt.want).MatchString(buf.String()) {
				t.Errorf("got %q, want a match for %q", buf.String(), tt.want)
			}
		})
	}
}

// TestLoadProgress checks that the load stage shows, on a terminal, the
// percentage of its input's bytes read, and elsewhere its summary line
// only, as before.
func TestLoadProgress(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"a.txt", "b.txt", "c.txt"} {
		text := "Headline\n\n" + strings.Repeat("A sentence of the story. ", 800) // 20,010 bytes
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	const summary = `dedupe: load +\d+\.\d\ds +\d+ MiB heap  3 articles, 0 rejected\n$`
	tests := []struct {
		name string
		tty  bool
		want []string // regular expressions that all must match
	}{
		// The bar is first drawn when the first file has been read, a
		// third of the bytes; it is then throttled, and cleared once full.
		{"terminal", true, []string{`^\rload +33% \|█+ +\| \(20/60 kB(, [0-9.]+ [kMG]?B/s)?\) \[\d+s:\S+\]`, `\r +\r` + summary}},
		{"not a terminal", false, []string{"^" + summary}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := pipeline.DefaultParams()
			p.Input = dir
			var buf bytes.Buffer
			err := pipeline.Run(context.Background(), []pipeline.Stage{load.Stage{}}, pipeline.NewState(p), &progress{w: &buf, tty: tt.tty})
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range tt.want {
				if !regexp.MustCompile(want).MatchString(buf.String()) {
					t.Errorf("got %q, want a match for %q", buf.String(), want)
				}
			}
		})
	}
}
