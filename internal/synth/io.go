package synth

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"io"
	"strconv"
	"time"
)

// jsonArticle is the on-disk form of an Article: the input a deduplicator
// sees, with no ground truth.
type jsonArticle struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Text        string `json:"text"`
	URL         string `json:"url"`
	Source      string `json:"source"`
	PublishedAt string `json:"published_at"`
}

// WriteJSONL writes arts as JSON Lines: one object per line with the keys
// id, title, text, url, source and published_at (RFC 3339). Ground truth
// fields are not written; see WriteTruth.
func WriteJSONL(w io.Writer, arts []Article) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for i := range arts {
		a := &arts[i]
		if err := enc.Encode(jsonArticle{
			ID:          a.ID,
			Title:       a.Title,
			Text:        a.Text,
			URL:         a.URL,
			Source:      a.Source,
			PublishedAt: a.PublishedAt.Format(time.RFC3339),
		}); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// WriteTruth writes the ground truth as CSV with the header "id,story" and
// one row per article: its ID and its Story number.
func WriteTruth(w io.Writer, arts []Article) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	cw := csv.NewWriter(bw)
	if err := cw.Write([]string{"id", "story"}); err != nil {
		return err
	}
	for i := range arts {
		if err := cw.Write([]string{arts[i].ID, strconv.Itoa(arts[i].Story)}); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}
