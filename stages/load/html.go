package load

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	readability "codeberg.org/readeck/go-readability/v2"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"
	textencoding "golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"

	"github.com/dedupe/dedupe/pipeline"
)

// maxPage returns how many bytes of an .html file Dir reads, 0 for no
// limit: a page holds markup, styles and scripts besides its text, so 8
// times the text cap plus 4 MiB (36 MiB for the pipeline's 4 MiB).
func maxPage(opt Options) int64 {
	if opt.MaxArticleBytes <= 0 {
		return 0
	}
	return 8*int64(opt.MaxArticleBytes) + 4<<20
}

// readHTML reads an .html or .htm file: one article, the page's readable
// text as readability finds it, one paragraph a line.
func readHTML(in *input, rel string, opt Options) (pipeline.Article, error) {
	b, err := readPage(in, opt)
	if err != nil {
		return pipeline.Article{}, err
	}
	src, err := decodeHTML(b, in.enc)
	if err != nil {
		return pipeline.Article{}, err
	}
	doc, err := html.Parse(strings.NewReader(src))
	if err != nil { // a strings.Reader does not fail
		return pipeline.Article{}, fmt.Errorf("%w: %v", ErrUnreadable, err)
	}
	page := scanPage(doc) // before doc changes
	dropChrome(doc)
	art, err := extract(doc)
	if err != nil {
		return pipeline.Article{}, err
	}
	text := paragraphs(art.Node)
	if blank(text) {
		return pipeline.Article{}, ErrNoArticle
	}
	if err := checkText(text, opt); err != nil {
		return pipeline.Article{}, err
	}
	a := pipeline.Article{
		ID:         strings.TrimSuffix(rel, path.Ext(rel)),
		SourcePath: rel,
		Title:      firstOf(oneLine(art.Title()), page.meta["og:title"], page.title),
		URL:        page.url(),
		Text:       text,
	}
	if a.Title == "" {
		a.Title, a.TitleFromText = FirstLine(text), true
	}
	a.Source = firstOf(page.meta["og:site_name"], oneLine(art.SiteName()), pipeline.Host(a.URL))
	for _, s := range page.published() {
		if t, err := parseTime(strings.TrimSpace(s)); err == nil {
			a.PublishedAt = t
			break
		}
	}
	return a, nil
}

// readPage reads the bytes of an .html file after its byte order mark, at
// most maxPage.
func readPage(in *input, opt Options) ([]byte, error) {
	limit := maxPage(opt)
	if limit > 0 && in.enc.utf16() {
		limit *= 2
	}
	tooLarge := func(more string, n int64) error {
		return fmt.Errorf("%w: HTML file of %s%d bytes, limit %d (for %d bytes of text)", ErrTooLarge, more, n, limit, opt.MaxArticleBytes)
	}
	if limit > 0 && in.size-int64(in.enc.bomLen()) > limit {
		return nil, tooLarge("", in.size)
	}
	var buf bytes.Buffer
	var r io.Reader = in.r
	if limit > 0 {
		buf.Grow(int(min(in.size, limit)) + 1)
		r = io.LimitReader(in.r, limit+1)
	}
	if _, err := buf.ReadFrom(r); err != nil {
		return nil, fmt.Errorf("%w: %s", ErrUnreadable, cause(err))
	}
	if limit > 0 && int64(buf.Len()) > limit { // the file grew since Stat
		return nil, tooLarge("more than ", limit+int64(in.enc.bomLen()))
	}
	return buf.Bytes(), nil
}

// decodeHTML returns the text of an .html file's bytes after the byte
// order mark. A byte order mark decides the encoding (as in a browser);
// else the charset the page declares in its first 1024 bytes (<meta
// charset>, or <meta http-equiv="Content-Type">), unless the page is valid
// UTF-8 with some non-ASCII character: a page re-encoded to UTF-8 often
// keeps its old declaration, while text in another encoding is almost
// never valid UTF-8 by chance. A page that declares nothing is read as a
// .txt file is: UTF-8, or else Windows-1252.
func decodeHTML(b []byte, enc encoding) (string, error) {
	if enc != encPlain {
		return decode(b, enc)
	}
	e, name, _ := charset.DetermineEncoding(b, "")
	// DetermineEncoding returns these two, unwrapped, only as guesses when
	// the page declares nothing; a declared charset comes wrapped.
	if e == textencoding.Nop || e == charmap.Windows1252 {
		return decode(b, encPlain)
	}
	if bytes.IndexByte(b, 0) >= 0 {
		return "", errNUL
	}
	if name == "utf-8" || utf8.Valid(b) && !ascii(b) {
		if i := invalidUTF8(b); i >= 0 {
			return "", fmt.Errorf("%w: byte 0x%02x at offset %d (the page declares utf-8)", ErrNotUTF8, b[i], i)
		}
		return string(b), nil
	}
	out, err := e.NewDecoder().Bytes(b)
	if err != nil || bytes.ContainsRune(out, utf8.RuneError) { // a byte sequence with no character
		return "", fmt.Errorf("%w (%s)", ErrCharset, name)
	}
	return string(out), nil
}

// ascii reports whether b is all ASCII.
func ascii(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// extract runs readability on doc, which it changes. A panic in the
// library on an odd page is that page's reject, not the run's end.
func extract(doc *html.Node) (art readability.Article, err error) {
	defer func() {
		if r := recover(); r != nil {
			art, err = readability.Article{}, fmt.Errorf("%w: extraction failed: %v", ErrNoArticle, r)
		}
	}()
	p := readability.NewParser()
	return p.ParseAndMutate(doc, nil)
}

// chromeWords are class and id words of page furniture that readability
// leaves inside the article: advertising, cookie notices, newsletter and
// subscription boxes, share buttons, "Read also" and "Most read" boxes,
// comments. A word matches whole words of a class or id (ad matches
// "ad-slot" and "top_ad", not "lead" or "header").
var chromeWords = []string{
	"ad", "ads", "advert", "adverts", "advertisement", "advertising", "sponsored",
	"cookie", "cookies", "consent", "gdpr",
	"newsletter", "newsletters", "subscribe", "subscription", "signup", "sign-up", "promo",
	"social", "sharing", "share-tools", "share-buttons", "share-bar", "sharebar",
	"related", "read-also", "also-read", "see-also", "most-read", "more-stories", "recommended",
	"comments", "breadcrumbs", "paywall", "popup", "outbrain", "taboola",
}

// dropChrome removes from doc the elements whose class or id holds one of
// chromeWords, unless one holds a third or more of the page's text (a
// WordPress <body class="... social-share ..."> holds the article).
func dropChrome(doc *html.Node) {
	total := visibleLen(doc)
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; {
			next := c.NextSibling
			if c.Type == html.ElementNode && chrome(c) && 3*visibleLen(c) < total {
				n.RemoveChild(c)
			} else {
				walk(c)
			}
			c = next
		}
	}
	walk(doc)
}

// chrome reports whether n's class or id holds one of chromeWords.
func chrome(n *html.Node) bool {
	names := strings.ToLower(attr(n, "class") + " " + attr(n, "id"))
	if names == " " {
		return false
	}
	words := "-" + strings.Join(strings.FieldsFunc(names, func(r rune) bool {
		return !('a' <= r && r <= 'z' || '0' <= r && r <= '9')
	}), "-") + "-"
	for _, w := range chromeWords {
		if strings.Contains(words, "-"+w+"-") {
			return true
		}
	}
	return false
}

// visibleLen returns the number of bytes of text below n, but for what
// paragraphs leaves out.
func visibleLen(n *html.Node) int {
	switch {
	case n.Type == html.TextNode:
		return len(strings.TrimSpace(n.Data))
	case n.Type == html.ElementNode && skipped[n.DataAtom]:
		return 0
	}
	total := 0
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		total += visibleLen(c)
	}
	return total
}

// page is what Dir reads of a page's own markup, besides its text.
type page struct {
	title     string            // of <title>, on one line
	meta      map[string]string // content of the first <meta> of each property or name, lower-cased
	canonical string            // href of the first <link rel="canonical">
	ldDates   []string          // JSON-LD datePublished, in page order
	marked    []string          // <time pubdate>, <time itemprop="datePublished">, <meta itemprop="datePublished">
	inArticle []string          // <time datetime> inside <article> or <main>
}

// scanPage reads doc's metadata.
func scanPage(doc *html.Node) *page {
	p := &page{meta: map[string]string{}}
	var walk func(n *html.Node, inArticle bool)
	walk = func(n *html.Node, inArticle bool) {
		if n.Type == html.ElementNode && n.Namespace == "" {
			switch n.DataAtom {
			case atom.Title:
				if p.title == "" {
					p.title = oneLine(textContent(n))
				}
			case atom.Meta:
				content := strings.TrimSpace(attr(n, "content"))
				for _, name := range []string{attr(n, "property"), attr(n, "name")} {
					name = strings.ToLower(strings.TrimSpace(name))
					if _, seen := p.meta[name]; name != "" && content != "" && !seen {
						p.meta[name] = content
					}
				}
				if hasToken(attr(n, "itemprop"), "datePublished") && content != "" {
					p.marked = append(p.marked, content)
				}
			case atom.Link:
				if hasToken(attr(n, "rel"), "canonical") && p.canonical == "" {
					p.canonical = strings.TrimSpace(attr(n, "href"))
				}
			case atom.Script:
				if strings.EqualFold(strings.TrimSpace(attr(n, "type")), "application/ld+json") {
					p.ldDates = append(p.ldDates, ldDatePublished(textContent(n))...)
				}
				return
			case atom.Time:
				if dt := strings.TrimSpace(attr(n, "datetime")); dt != "" {
					if _, pubdate := attrValue(n, "pubdate"); pubdate || hasToken(attr(n, "itemprop"), "datePublished") {
						p.marked = append(p.marked, dt)
					} else if inArticle {
						p.inArticle = append(p.inArticle, dt)
					}
				}
			case atom.Article, atom.Main:
				inArticle = true
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, inArticle)
		}
	}
	walk(doc, false)
	return p
}

// url returns the page's address: its canonical link, else og:url. A
// relative canonical link is resolved against an absolute og:url.
func (p *page) url() string {
	canonical, og := p.canonical, p.meta["og:url"]
	if canonical == "" {
		return og
	}
	if c, err := url.Parse(canonical); err == nil && !c.IsAbs() {
		if base, err := url.Parse(og); err == nil && base.IsAbs() {
			return base.ResolveReference(c).String()
		}
	}
	return canonical
}

// published returns the times the page gives for its publication, best
// first: article:published_time, JSON-LD datePublished, a time marked as
// the publication time, the first <time datetime> of the article.
func (p *page) published() []string {
	var out []string
	if s := p.meta["article:published_time"]; s != "" {
		out = append(out, s)
	}
	out = append(out, p.ldDates...)
	out = append(out, p.marked...)
	return append(out, p.inArticle...)
}

// ldDatePublished returns the datePublished strings of a JSON-LD block:
// of its object, of the objects of its array, and of those of their
// "@graph" arrays, in order. A block that is not JSON gives none.
func ldDatePublished(src string) []string {
	src = strings.TrimSpace(src)
	src = strings.TrimSuffix(strings.TrimPrefix(src, "<![CDATA["), "]]>")
	var v any
	if json.Unmarshal([]byte(src), &v) != nil {
		return nil
	}
	var out []string
	var visit func(v any, depth int)
	visit = func(v any, depth int) {
		switch v := v.(type) {
		case []any:
			for _, e := range v {
				visit(e, depth)
			}
		case map[string]any:
			if s, ok := v["datePublished"].(string); ok && s != "" {
				out = append(out, s)
			}
			if depth == 0 {
				visit(v["@graph"], 1)
			}
		}
	}
	visit(v, 0)
	return out
}

// attr returns the value of n's attribute key, "" if absent.
func attr(n *html.Node, key string) string {
	v, _ := attrValue(n, key)
	return v
}

// attrValue returns the value of n's attribute key, and whether n has it.
func attrValue(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

// hasToken reports whether the space-separated list s holds tok, in any
// case.
func hasToken(s, tok string) bool {
	for _, t := range strings.Fields(s) {
		if strings.EqualFold(t, tok) {
			return true
		}
	}
	return false
}

// textContent returns the text below n.
func textContent(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

// oneLine collapses the white space of s to single spaces, and trims it.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// firstOf returns the first of ss that is not empty.
func firstOf(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// Elements paragraphs leaves out, with all they hold: no reader sees them
// as text of the article (readability has removed most already).
var skipped = map[atom.Atom]bool{
	atom.Head: true, atom.Title: true, atom.Script: true, atom.Style: true, atom.Noscript: true,
	atom.Template: true, atom.Iframe: true, atom.Object: true, atom.Embed: true, atom.Svg: true,
	atom.Math: true, atom.Canvas: true, atom.Video: true, atom.Audio: true, atom.Nav: true,
	atom.Aside: true, atom.Form: true, atom.Button: true, atom.Select: true, atom.Textarea: true,
	atom.Input: true,
}

// Elements that begin and end a paragraph: each one's text is its own
// line.
var blocks = map[atom.Atom]bool{
	atom.P: true, atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true,
	atom.H6: true, atom.Li: true, atom.Blockquote: true, atom.Pre: true, atom.Div: true,
	atom.Ul: true, atom.Ol: true, atom.Dl: true, atom.Dt: true, atom.Dd: true, atom.Table: true,
	atom.Tr: true, atom.Caption: true, atom.Section: true, atom.Article: true, atom.Header: true,
	atom.Footer: true, atom.Main: true, atom.Figure: true, atom.Figcaption: true, atom.Hr: true,
	atom.Address: true, atom.Details: true, atom.Summary: true, atom.Dialog: true, atom.Fieldset: true,
	atom.Hgroup: true, atom.Body: true,
}

// paragraphs returns the text below n, one paragraph a line and a blank
// line between paragraphs: a block element (p, h1-h6, li, blockquote, div,
// tr...) and a line break (br, or a newline in pre) end a paragraph; other
// runs of white space become one space. Comments, hidden elements and the
// elements in skipped are left out. It returns "" for nil.
func paragraphs(n *html.Node) string {
	var w paragraphWriter
	if n != nil {
		w.node(n)
		w.end()
	}
	return w.out.String()
}

// paragraphWriter builds the text of paragraphs.
type paragraphWriter struct {
	out   strings.Builder // finished paragraphs
	line  strings.Builder // the paragraph being written
	space bool            // a space is due before the next character
	pre   int             // depth of <pre> elements
}

func (w *paragraphWriter) node(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		w.text(n.Data)
		return
	case html.ElementNode:
		if skipped[n.DataAtom] || hidden(n) {
			return
		}
	case html.DocumentNode:
	default: // comments, doctype
		return
	}
	switch n.DataAtom {
	case atom.Br:
		w.end()
		return
	case atom.Td, atom.Th:
		w.space = w.line.Len() > 0
	}
	block := blocks[n.DataAtom]
	if block {
		w.end()
	}
	if n.DataAtom == atom.Pre {
		w.pre++
		defer func() { w.pre-- }()
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.node(c)
	}
	if block {
		w.end()
	}
}

func (w *paragraphWriter) text(s string) {
	for _, r := range s {
		switch {
		case r == '\n' && w.pre > 0:
			w.end()
		case unicode.IsSpace(r):
			w.space = w.line.Len() > 0
		default:
			if w.space {
				w.line.WriteByte(' ')
				w.space = false
			}
			w.line.WriteRune(r)
		}
	}
}

// end ends the paragraph being written, if it holds anything.
func (w *paragraphWriter) end() {
	w.space = false
	if w.line.Len() == 0 {
		return
	}
	if w.out.Len() > 0 {
		w.out.WriteString("\n\n")
	}
	w.out.WriteString(w.line.String())
	w.line.Reset()
}

// hidden reports whether an element is not shown: the hidden attribute,
// aria-hidden="true", or an inline style display:none or
// visibility:hidden.
func hidden(n *html.Node) bool {
	if _, ok := attrValue(n, "hidden"); ok {
		return true
	}
	if strings.EqualFold(strings.TrimSpace(attr(n, "aria-hidden")), "true") {
		return true
	}
	style := strings.ToLower(strings.Join(strings.Fields(attr(n, "style")), ""))
	return strings.Contains(style, "display:none") || strings.Contains(style, "visibility:hidden")
}
