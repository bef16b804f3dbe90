package unwrap

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/dedupe/dedupe/pipeline"
	"github.com/dedupe/dedupe/stages/normalize"
)

func apply(orig string) string {
	text, m := normalize.TextMap(orig)
	return Apply(text, m)
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestApplyFiles: each wrapped paragraph of the fixtures becomes one line,
// and every line that is not prose (headlines, datelines, table rows,
// quotations, list items, signatures) stays a line of its own.
func TestApplyFiles(t *testing.T) {
	tests := []struct {
		file string
		want []string // the lines of the result
	}{
		{"reuters_fed.txt", []string{
			"U.S. FED ADDS RESERVES VIA CUSTOMER REPURCHASES",
			"NEW YORK, March 2 - The Federal Reserve entered the U.S. government securities market to arrange 1.5 billion dlrs of customer repurchase agreements, a Fed spokesman said.",
			"Dealers said Federal funds were trading at six pct when the Fed began its temporary and indirect supply of reserves to the banking system.",
			"Most economists had expected the Fed to add reserves through overnight system repurchases, given the large need to add reserves in the current statement period, which ends on Wednesday.",
			"REUTER",
			"",
		}},
		{"reuters_earnings.txt", []string{
			"NORTHERN PLAINS BANCORP <NPBC> 1ST QTR NET",
			"CHICAGO, April 14 -",
			"Shr 1.06 dlrs vs 89 cts",
			"Net 17.6 mln vs 14.8 mln",
			"Revs 201.3 mln vs 178.0 mln",
			"Avg shrs 16.6 mln vs 16.6 mln",
			"NOTE: Net includes securities gains of 1.2 mln dlrs versus losses of 400,000 dlrs in the prior year, and a provision for loan losses of 6.0 mln dlrs against 5.5 mln dlrs a year earlier.",
			"The company said its loan portfolio grew to 3.1 billion dlrs at the end of the quarter from 2.8 billion dlrs a year before, mainly in commercial real estate.",
			"Reuter",
			"",
		}},
		{"mail.txt", []string{
			"From: Jane Roe <jane@example.org>",
			"Subject: Re: budget vote",
			"",
			"On Tuesday the council voted 7 to 2 to approve the revised budget, which cuts spending on road repairs by four percent and raises the parking fee in the city centre for the first time since 1998.",
			"",
			"> Will the library hours change?",
			"> And the pool?",
			"",
			"The library keeps its hours. The council said the savings would come from merging two maintenance depots, a plan first proposed last year and shelved after the election.",
			"",
			"Spending on the pool:",
			"- repairs to the roof, which leaks",
			"- new changing rooms",
			"",
			"--",
			"Jane",
			"",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got := strings.Split(apply(readFile(t, tt.file)), "\n")
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got lines\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

// TestApplyLeavesParagraphLines: text with one paragraph a line, short
// lines and all, comes out as normalising left it.
func TestApplyLeavesParagraphLines(t *testing.T) {
	inputs := map[string]string{"crawl.txt": readFile(t, "crawl.txt")}
	seeds, err := filepath.Glob("../../testdata/seeds/*.txt")
	if err != nil || len(seeds) == 0 {
		t.Fatalf("no seed articles: %v", err)
	}
	for _, f := range seeds {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		inputs[filepath.Base(f)] = string(b)
	}
	inputs["short sentences a line"] = "He left.\nShe stayed and waited for the others to come back home.\nThey came back at night, tired.\nNobody said a word about it.\n"
	inputs["one lower-case continuation"] = "Prices rose sharply in the first quarter of the year and\nthen fell.\nAnalysts expected it.\nThe Central Bank Raised Rates\nOfficials said so.\nMarkets were calm.\n"
	for name, orig := range inputs {
		text, m := normalize.TextMap(orig)
		if got := Apply(text, m); got != text {
			t.Errorf("%s: changed to %q", name, got)
		}
	}
}

// TestApplyKeepsLength: Apply changes line breaks into spaces and nothing
// else, so the offset map still holds.
func TestApplyKeepsLength(t *testing.T) {
	for _, f := range []string{"reuters_fed.txt", "reuters_earnings.txt", "mail.txt"} {
		text, m := normalize.TextMap(readFile(t, f))
		got := Apply(text, m)
		if len(got) != len(text) {
			t.Fatalf("%s: length %d, want %d", f, len(got), len(text))
		}
		changed := 0
		for i := range got {
			if got[i] != text[i] {
				changed++
				if text[i] != '\n' || got[i] != ' ' {
					t.Errorf("%s: byte %d changed from %q to %q", f, i, text[i], got[i])
				}
			}
		}
		if changed == 0 {
			t.Errorf("%s: nothing joined", f)
		}
	}
}

func TestJoin(t *testing.T) {
	if got, want := Join("when the\nFed began"), "when the Fed began"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestStage(t *testing.T) {
	st := pipeline.NewState(pipeline.DefaultParams())
	for _, f := range []string{"reuters_fed.txt", "crawl.txt"} {
		text, m := normalize.TextMap(readFile(t, f))
		st.Docs = append(st.Docs, &pipeline.Doc{Article: pipeline.Article{ID: f}, Normalized: text, NormMap: m})
	}
	want := []string{apply(readFile(t, "reuters_fed.txt")), st.Docs[1].Normalized}
	if err := (Stage{}).Run(context.Background(), st, pipeline.NoProgress{}); err != nil {
		t.Fatal(err)
	}
	for i, d := range st.Docs {
		if d.Normalized != want[i] {
			t.Errorf("%s: got %q, want %q", d.ID, d.Normalized, want[i])
		}
	}
}

// FuzzApply: whatever the text, Apply keeps its length, turns line breaks
// into spaces and nothing else, never joins across a blank line, and
// leaves text without line breaks alone.
func FuzzApply(f *testing.F) {
	for _, name := range []string{"reuters_fed.txt", "reuters_earnings.txt", "mail.txt", "crawl.txt"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Add("a b c\nd e f\ng h\n\n  i j\nk l\n")
	f.Fuzz(func(t *testing.T, orig string) {
		if !utf8.ValidString(orig) {
			return // the loader hands on valid UTF-8 only
		}
		text, m := normalize.TextMap(orig)
		got := Apply(text, m)
		if len(got) != len(text) {
			t.Fatalf("length %d, want %d", len(got), len(text))
		}
		for i := range got {
			if got[i] == text[i] {
				continue
			}
			if text[i] != '\n' || got[i] != ' ' {
				t.Fatalf("byte %d: %q became %q", i, text[i], got[i])
			}
			if i == 0 || i+1 == len(text) || text[i-1] == '\n' || text[i+1] == '\n' {
				t.Fatalf("joined a blank line at byte %d of %q", i, text)
			}
		}
		if !strings.Contains(text, "\n") && got != text {
			t.Fatalf("a single line changed: %q", got)
		}
	})
}
