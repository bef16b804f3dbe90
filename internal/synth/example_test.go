package synth_test

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/dedupe/dedupe/internal/synth"
)

func ExampleGenerate() {
	arts := synth.Generate(synth.Config{Articles: 500, Seed: 1})
	fmt.Println(len(arts), "articles")

	first, _, _ := strings.Cut(arts[0].Text, "\n\n")
	fmt.Println("headline is the first line:", first == arts[0].Title)

	var truth bytes.Buffer
	synth.WriteTruth(&truth, arts)
	header, _, _ := strings.Cut(truth.String(), "\n")
	fmt.Println(header)
	// Output:
	// 500 articles
	// headline is the first line: true
	// id,story
}
