package synth

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestHardWrapLayout(t *testing.T) {
	tests := []struct {
		name          string
		text          string
		width, indent int
		want          string
	}{
		{"blank lines", "Head Line\n\naa bb cc dd\n\nee ff", 6, 0, "Head Line\n\naa bb\ncc dd\n\nee ff"},
		{"indented", "Head Line\n\naa bb cc dd\n\nee ff", 6, 2, "Head Line\n\n  aa\nbb cc\ndd\n  ee\nff"},
		{"long word alone", "H\n\nabcdefghij x", 5, 0, "H\n\nabcdefghij\nx"},
		{"code points, not bytes", "H\n\n°F °F °F", 5, 0, "H\n\n°F °F\n°F"},
		{"headline only", "Only a headline", 5, 2, "Only a headline"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := hardWrap(tt.text, tt.width, tt.indent); got != tt.want {
				t.Errorf("hardWrap(%q, %d, %d) = %q, want %q", tt.text, tt.width, tt.indent, got, tt.want)
			}
		})
	}
}

// TestHardWrap checks the wrapped outlets of a default corpus against the
// same corpus with none: only the layout of the wrapped outlets' articles
// differs, their lines keep to 65-72 columns, and both paragraph styles
// occur.
func TestHardWrap(t *testing.T) {
	for _, text := range []Text{Invented, Brown} {
		cfg := Config{Articles: 1500, Seed: 3, Text: text}
		flat := cfg
		flat.WrapRate = -1
		got, want := Generate(cfg), Generate(flat)
		if len(got) != len(want) {
			t.Fatalf("text %v: %d articles wrapped, %d not", text, len(got), len(want))
		}
		wrapped, indented, outlets := 0, 0, map[string]bool{}
		for i := range got {
			a, b := got[i], want[i]
			if a.Wrapped {
				wrapped++
				outlets[a.Source] = true
				if b.Wrapped {
					t.Fatalf("article %s wrapped with WrapRate -1", b.ID)
				}
				if strings.Join(strings.Fields(a.Text), " ") != strings.Join(strings.Fields(b.Text), " ") {
					t.Errorf("article %s: wrapping changed the words", a.ID)
				}
				a.Text, a.Wrapped = b.Text, false
			}
			if a != b {
				t.Fatalf("article %d differs beyond its layout:\n%+v\n%+v", i, a, b)
			}
			if !got[i].Wrapped {
				continue
			}
			head, body, _ := strings.Cut(got[i].Text, "\n\n")
			if head != got[i].Title {
				t.Errorf("article %s: first line %q, want the title %q", a.ID, head, a.Title)
			}
			widest := 0
			for _, l := range strings.Split(body, "\n") {
				if n := utf8.RuneCountInString(l); n > 72 && strings.Contains(strings.TrimSpace(l), " ") {
					t.Errorf("article %s: line of %d code points: %q", a.ID, n, l)
				}
				widest = max(widest, utf8.RuneCountInString(l))
			}
			if widest < 60 {
				t.Errorf("article %s: widest line %d code points, want wrapped at 65 to 72", a.ID, widest)
			}
			if strings.HasPrefix(body, "  ") {
				indented++
			}
		}
		t.Logf("text %v: %d of %d articles wrapped (%d outlets), %d indented", text, wrapped, len(got), len(outlets), indented)
		if len(outlets) < 2 || indented == 0 || indented == wrapped {
			t.Errorf("text %v: %d wrapped outlets, %d of %d wrapped articles indented: want both styles", text, len(outlets), indented, wrapped)
		}
	}
}
