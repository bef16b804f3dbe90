// Package load reads a folder tree of articles into pipeline.Articles.
//
// Supported files:
//
//   - .txt: one article per file. The id is the path relative to the input
//     folder without its extension; the title is the first non-empty line.
//   - .jsonl: one article per line, an object with "id" and "text" (strings)
//     and optional "title", "url", "source" and "published_at".
//
// Files are visited in lexical path order, so ids and output order do not
// depend on the file system. A file or line that cannot be used becomes a
// pipeline.Reject naming the path (and line) and the reason; the run goes on.
package load

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dedupe/dedupe/pipeline"
)

// Options control Dir.
type Options struct {
	// MaxArticleBytes rejects any article whose text is longer.
	MaxArticleBytes int
}

// Result is what Dir found.
type Result struct {
	Articles []pipeline.Article
	Rejects  []pipeline.Reject
}

// Dir reads every supported file below root.
func Dir(ctx context.Context, root string, opt Options) (Result, error) {
	var res Result
	info, err := os.Stat(root)
	if err != nil {
		return res, fmt.Errorf("input %s: %w", root, err)
	}
	if !info.IsDir() {
		return res, fmt.Errorf("input %s: not a folder", root)
	}
	var paths []string
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			rel, _ := filepath.Rel(root, path)
			res.Rejects = append(res.Rejects, pipeline.Reject{Path: filepath.ToSlash(rel), Reason: err.Error()})
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if path != root && strings.HasPrefix(d.Name(), ".") {
				return fs.SkipDir
			}
			return nil
		}
		if strings.HasPrefix(d.Name(), ".") {
			return nil
		}
		paths = append(paths, path)
		return nil
	})
	if err != nil {
		return res, fmt.Errorf("walk %s: %w", root, err)
	}
	sort.Strings(paths)
	seen := map[string]string{} // id -> where it was first seen
	for _, path := range paths {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		var arts []pipeline.Article
		var rejects []pipeline.Reject
		switch strings.ToLower(filepath.Ext(path)) {
		case ".txt":
			a, err := readText(path, rel, opt)
			if err != nil {
				rejects = append(rejects, pipeline.Reject{Path: rel, Reason: err.Error()})
			} else {
				arts = append(arts, a)
			}
		case ".jsonl":
			arts, rejects = readJSONL(path, rel, opt)
		default:
			rejects = append(rejects, pipeline.Reject{Path: rel, Reason: "unsupported file type (want .txt or .jsonl)"})
		}
		res.Rejects = append(res.Rejects, rejects...)
		for _, a := range arts {
			if first, dup := seen[a.ID]; dup {
				res.Rejects = append(res.Rejects, pipeline.Reject{Path: rel, Line: a.Line,
					Reason: fmt.Sprintf("duplicate id %q (first seen in %s)", a.ID, first)})
				continue
			}
			seen[a.ID] = where(rel, a.Line)
			res.Articles = append(res.Articles, a)
		}
	}
	return res, nil
}

func where(path string, line int) string {
	if line > 0 {
		return fmt.Sprintf("%s:%d", path, line)
	}
	return path
}

// Errors that describe why an article was rejected.
var (
	ErrEmpty    = errors.New("no text")
	ErrTooLarge = errors.New("article too large")
	ErrNotUTF8  = errors.New("not valid UTF-8")
)

func checkText(text string, opt Options) error {
	if opt.MaxArticleBytes > 0 && len(text) > opt.MaxArticleBytes {
		return fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, len(text), opt.MaxArticleBytes)
	}
	if !utf8.ValidString(text) {
		return ErrNotUTF8
	}
	if strings.TrimSpace(text) == "" {
		return ErrEmpty
	}
	return nil
}

func readText(path, rel string, opt Options) (pipeline.Article, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return pipeline.Article{}, err
	}
	b = bytes.TrimPrefix(b, []byte("\ufeff"))
	text := string(b)
	if err := checkText(text, opt); err != nil {
		return pipeline.Article{}, err
	}
	return pipeline.Article{
		ID:            strings.TrimSuffix(rel, filepath.Ext(rel)),
		SourcePath:    rel,
		Title:         FirstLine(text),
		TitleFromText: true,
		Text:          text,
	}, nil
}

// FirstLine returns the first non-empty line of text, trimmed.
func FirstLine(text string) string {
	for line := range strings.Lines(text) {
		if t := strings.TrimSpace(line); t != "" {
			return t
		}
	}
	return ""
}

type jsonArticle struct {
	ID          *string `json:"id"`
	Text        *string `json:"text"`
	Title       string  `json:"title"`
	URL         string  `json:"url"`
	Source      string  `json:"source"`
	PublishedAt string  `json:"published_at"`
}

func readJSONL(path, rel string, opt Options) ([]pipeline.Article, []pipeline.Reject) {
	f, err := os.Open(path)
	if err != nil {
		return nil, []pipeline.Reject{{Path: rel, Reason: err.Error()}}
	}
	defer f.Close()
	var arts []pipeline.Article
	var rejects []pipeline.Reject
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), opt.MaxArticleBytes*2+1<<20)
	line := 0
	for sc.Scan() {
		line++
		raw := bytes.TrimSpace(sc.Bytes())
		if len(raw) == 0 {
			continue
		}
		a, err := ParseJSONLine(raw)
		if err == nil {
			err = checkText(a.Text, opt)
		}
		if err != nil {
			rejects = append(rejects, pipeline.Reject{Path: rel, Line: line, Reason: err.Error()})
			continue
		}
		a.SourcePath, a.Line = rel, line
		arts = append(arts, a)
	}
	if err := sc.Err(); err != nil {
		rejects = append(rejects, pipeline.Reject{Path: rel, Line: line + 1, Reason: fmt.Sprintf("read: %v", err)})
	}
	return arts, rejects
}

// ParseJSONLine decodes one JSONL record. It fails when the line is not a
// JSON object, when id or text is missing or not a string, or when
// published_at is set but not a recognised time.
func ParseJSONLine(raw []byte) (pipeline.Article, error) {
	var j jsonArticle
	if err := json.Unmarshal(raw, &j); err != nil {
		return pipeline.Article{}, fmt.Errorf("malformed JSON: %w", err)
	}
	if j.ID == nil || strings.TrimSpace(*j.ID) == "" {
		return pipeline.Article{}, errors.New(`missing "id"`)
	}
	if j.Text == nil {
		return pipeline.Article{}, errors.New(`missing "text"`)
	}
	a := pipeline.Article{ID: strings.TrimSpace(*j.ID), Text: *j.Text, Title: strings.TrimSpace(j.Title), URL: j.URL, Source: j.Source}
	if a.Title == "" {
		a.Title, a.TitleFromText = FirstLine(a.Text), true
	}
	if j.PublishedAt != "" {
		t, err := ParseTime(j.PublishedAt)
		if err != nil {
			return pipeline.Article{}, err
		}
		a.PublishedAt = t
	}
	return a, nil
}

// ParseTime accepts RFC 3339, RFC 1123 (with or without numeric zone) and
// plain dates (2006-01-02). Times without a zone are taken as UTC.
func ParseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339Nano, time.RFC1123Z, time.RFC1123, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("published_at %q: not RFC 3339, RFC 1123 or YYYY-MM-DD", s)
}

// Stage adapts Dir to the pipeline.
type Stage struct{}

// Name implements pipeline.Stage.
func (Stage) Name() string { return "load" }

// Run implements pipeline.Stage.
func (Stage) Run(ctx context.Context, st *pipeline.State, _ pipeline.Progress) error {
	res, err := Dir(ctx, st.Params.Input, Options{MaxArticleBytes: st.Params.MaxArticleBytes})
	if err != nil {
		return err
	}
	st.Rejects = append(st.Rejects, res.Rejects...)
	st.Docs = make([]*pipeline.Doc, len(res.Articles))
	for i, a := range res.Articles {
		st.Docs[i] = &pipeline.Doc{Article: a}
	}
	st.Counts["articles_read"] = len(res.Articles)
	st.Counts["rejected"] = len(res.Rejects)
	if len(res.Articles) == 0 {
		return fmt.Errorf("no usable article in %s (%d rejected)", st.Params.Input, len(res.Rejects))
	}
	return nil
}

// Summary implements pipeline.Summarizer.
func (Stage) Summary(st *pipeline.State) string {
	return fmt.Sprintf("%d articles, %d rejected", len(st.Docs), len(st.Rejects))
}
