package load

import (
	"bytes"
	"context"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"

	"github.com/dedupe/dedupe/pipeline"
)

var update = flag.Bool("update", false, "rewrite testdata/html/*.golden with the text Dir extracts")

// pagesDir holds saved pages with the chrome of real news sites.
const pagesDir = "../../testdata/html"

// TestHTMLPages reads the saved pages: their metadata exactly, their text
// against testdata/html/ID.golden, and none of their chrome.
func TestHTMLPages(t *testing.T) {
	res, err := Dir(context.Background(), pagesDir, Options{MaxArticleBytes: 4 << 20})
	if err != nil {
		t.Fatal(err)
	}
	checkRejects(t, res.Rejects, nil)
	want := []brief{
		{
			ID: "harbour-ledger-port-strike", Path: "harbour-ledger-port-strike.html",
			Title:     "Dock workers walk out at Easthaven as pay talks stall",
			URL:       "https://www.harbourledger.example/business/2024/03/12/easthaven-dock-strike", // canonical, not og:url
			Source:    "The Harbour Ledger",                                                          // og:site_name
			Published: "2024-03-12T06:45:00Z",                                                        // article:published_time
		},
		{
			ID: "northfield-courier-library", Path: "northfield-courier-library.html", // UTF-8 with a byte order mark
			Title:     "Central library reopens after two-year renovation",                   // not the <title>, which is the site's
			URL:       "https://northfieldcourier.example/community/central-library-reopens", // og:url
			Source:    "Northfield Courier",
			Published: "2024-09-14T08:30:00Z", // JSON-LD @graph: article:published_time "14/09/2024 09:30" is unreadable
		},
		{
			ID: "riverside-gazette-flood", Path: "riverside-gazette-flood.htm", // Windows-1252, declared as iso-8859-1
			Title:     "Millbrook River crests below levee tops after three days of rain",        // <title> less " - Riverside Gazette"
			URL:       "https://www.riversidegazette.example/news/2024/04/millbrook-river-crest", // relative canonical, resolved
			Source:    "riversidegazette.example",                                                // no og:site_name: the host, without www. (pipeline.Host)
			Published: "2024-04-03T20:20:00Z",                                                    // <time> in the article, not the masthead's date
		},
	}
	// Text that must come out, and chrome that must not.
	body := map[string][]string{
		"harbour-ledger-port-strike": {
			"Cargo handling at the port of Easthaven came to a halt on Tuesday",
			"Ships diverted",
			"“Nobody wants to lose three days' wages,” he said.",
			"A second 72-hour stoppage has been pencilled in for later this month if no agreement is reached.",
		},
		"northfield-courier-library": {
			"Northfield’s central library reopened to the public on Saturday morning",
			"What has changed",
			"A lift and a ramped entrance on Market Street.",
			"People told us they wanted the old building back, not a new one,",
			"Opening hours from this week are:\n\nMonday to Friday, 9am to 7pm\n\nSaturday, 9am to 5pm",
			"New members can join at the front desk with proof of address.",
		},
		"riverside-gazette-flood": {
			"about two feet below the top of the town’s levees",
			"“We were watching the gauges every hour through the night,” said county emergency manager Rosa Delgado.",
			"Café Row",
			"which the weather service said should not cause the river to rise again.",
		},
	}
	chrome := []string{
		// menus and mastheads
		"Opinion", "Sign in", "Local News", "Obituaries", "Classifieds", "My account", "E-edition", "What's on", "Friday, April 5",
		// cookie notices
		"cookie", "Cookie", "Accept all", "Manage preferences", "143 partners", "I agree",
		// newsletter and subscription boxes
		"Morning Manifest", "Sign up", "newsletter", "Never miss a story", "delivered to your door",
		// "Read also", "Most read", related links, share buttons, comments
		"Read also", "Freight rates ease", "Most read", "Lighthouse restoration", "Related stories", "County finishes annual levee inspection",
		"Corn Exchange to host winter market", "Trending", "Share", "Facebook", "Comments", "comment", "Log in",
		// advertising
		"Advertisement", "Dunmore Hardware",
		// footers
		"All rights reserved", "Privacy", "Copyright", "Vale Media Group", "Advertise with us",
		// scripts and styles
		"gtag", "dataLayer", "function", "_gaq", "cookie-banner{", "$(",
		// captions of the site's images are the page's, not chrome; the
		// weather box is
		"Today: Cloudy",
	}
	if len(res.Articles) != len(want) {
		t.Fatalf("got %d articles, want %d", len(res.Articles), len(want))
	}
	for i, a := range res.Articles {
		t.Run(a.ID, func(t *testing.T) {
			got := briefOf(a)
			got.Text = ""
			if got != want[i] {
				t.Errorf("got  %+v\nwant %+v", got, want[i])
			}
			for _, s := range body[a.ID] {
				if !strings.Contains(a.Text, s) {
					t.Errorf("text lacks %q", s)
				}
			}
			for _, s := range chrome {
				if strings.Contains(a.Text, s) {
					t.Errorf("text holds chrome %q", s)
				}
			}
			for line := range strings.SplitSeq(a.Text, "\n\n") {
				if line == "" || strings.TrimSpace(line) != line || strings.Contains(line, "\n") || strings.Contains(line, "  ") {
					t.Errorf("paragraph %q: want one line, trimmed, single spaces", line)
				}
			}
			golden := filepath.Join("testdata", "html", a.ID+".golden")
			if *update {
				if err := os.WriteFile(golden, []byte(a.Text+"\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			wantText, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to write it)", err)
			}
			if a.Text+"\n" != string(wantText) {
				t.Errorf("text differs from %s:\ngot\n%s\nwant\n%s", golden, a.Text, wantText)
			}
		})
	}
}

// webPage wraps an article body in a page with a title and metadata.
func webPage(head, body string) string {
	return "<!DOCTYPE html><html><head>" + head + "</head><body>" + body + "</body></html>"
}

const storyBody = `<article><p>The bridge reopened to traffic on Monday after repairs.</p><p>Crews worked through the weekend.</p></article>`

const storyText = "The bridge reopened to traffic on Monday after repairs.\n\nCrews worked through the weekend."

// story is the brief of an .html article with storyBody.
func story(id, title string) brief {
	return brief{ID: id, Path: id + ".html", Title: title, Text: storyText}
}

// with returns b with changes made by f.
func with(b brief, f func(*brief)) brief {
	f(&b)
	return b
}

func TestDirHTML(t *testing.T) {
	tests := []dirCase{
		{
			name: "package comment example",
			files: map[string]string{"flood.html": `<nav><a href="/">Home</a></nav>
<article><h1>Flood</h1><p>The river  rose.</p>
<div class="newsletter">Sign up!</div><p>Roads<br>closed.</p></article>`},
			want: []brief{{ID: "flood", Path: "flood.html", Title: "Flood", FromText: true, Text: "Flood\n\nThe river rose.\n\nRoads\n\nclosed."}},
		},
		{
			name: "id and extension case",
			files: map[string]string{
				"a/b.HTM":  webPage("<title>Bridge reopens</title>", storyBody),
				"c.Html":   webPage("<title>Bridge reopens</title>", storyBody),
				"d.html.x": "x",
			},
			want: []brief{
				with(story("a/b", "Bridge reopens"), func(b *brief) { b.Path = "a/b.HTM" }),
				with(story("c", "Bridge reopens"), func(b *brief) { b.Path = "c.Html" }),
			},
			rejects: []pipeline.Reject{{Path: "d.html.x", Reason: "unsupported file type"}},
		},
		{
			name: "titles",
			files: map[string]string{
				"og.html":    webPage(`<title>Home | The Site</title><meta property="og:title" content="  Bridge   reopens ">`, storyBody),
				"ld.html":    webPage(`<title>x</title><script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle","headline":"From JSON-LD"}</script>`, storyBody),
				"title.html": webPage(`<title>Bridge reopens after repairs</title>`, storyBody),
				"none.html":  webPage(``, storyBody),
			},
			want: []brief{
				story("ld", "From JSON-LD"),
				with(story("none", "The bridge reopened to traffic on Monday after repairs."), func(b *brief) { b.FromText = true }),
				story("og", "Bridge reopens"),
				story("title", "Bridge reopens after repairs"),
			},
		},
		{
			name: "url and source",
			files: map[string]string{
				"canonical.html": webPage(`<title>T</title><link rel="canonical" href="https://news.example/a"><meta property="og:url" content="https://news.example/a?utm=x"><meta property="og:site_name" content="The News">`, storyBody),
				"relative.html":  webPage(`<title>T</title><link rel="Canonical" href="/b"><meta property="og:url" content="https://News.Example:8443/x/y?z">`, storyBody),
				"og.html":        webPage(`<title>T</title><meta property="og:url" content="https://www.news.example/c">`, storyBody),
				"alone.html":     webPage(`<title>T</title><link rel="canonical" href="/d">`, storyBody),
				"ld.html":        webPage(`<title>T</title><script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle","publisher":{"@type":"Organization","name":"Publisher Name"}}</script>`, storyBody),
			},
			want: []brief{
				with(story("alone", "T"), func(b *brief) { b.URL = "/d" }),
				with(story("canonical", "T"), func(b *brief) { b.URL, b.Source = "https://news.example/a", "The News" }),
				with(story("ld", "T"), func(b *brief) { b.Source = "Publisher Name" }),
				with(story("og", "T"), func(b *brief) { b.URL, b.Source = "https://www.news.example/c", "news.example" }),
				with(story("relative", "T"), func(b *brief) { b.URL, b.Source = "https://News.Example:8443/b", "news.example" }),
			},
		},
		{
			name: "published_at",
			files: map[string]string{
				"meta.html":     webPage(`<title>T</title><meta property="article:published_time" content="Wed, 01 May 2024 12:30:00 EDT">`, storyBody),
				"fallback.html": webPage(`<title>T</title><meta property="article:published_time" content="yesterday"><script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"WebSite"},{"@type":"NewsArticle","datePublished":"2024-05-02T08:00:00Z"}]}</script>`, storyBody),
				"itemprop.html": webPage(`<title>T</title><meta itemprop="datePublished" content="2024-05-03">`, storyBody),
				"pubdate.html":  webPage(`<title>T</title>`, `<time datetime="2024-01-01">masthead</time><p><time pubdate datetime="2024-05-04T10:00:00+02:00">4 May</time></p>`+storyBody),
				"article.html":  webPage(`<title>T</title>`, `<header><time datetime="2024-01-01">masthead</time></header><article><p>By staff, <time datetime="2024-05-05 09:00:00">5 May</time></p><p>The bridge reopened to traffic on Monday after repairs.</p><p>Crews worked through the weekend.</p></article>`),
				"outside.html":  webPage(`<title>T</title>`, `<header><time datetime="2024-01-01">masthead</time></header>`+storyBody),
				"bad.html":      webPage(`<title>T</title><meta property="article:published_time" content="12/05/2024"><script type="application/ld+json">{"datePublished": 5}</script><script type="application/ld+json">not json</script>`, storyBody),
			},
			want: []brief{
				with(story("article", "T"), func(b *brief) {
					b.Published = "2024-05-05T09:00:00Z"
					b.Text = "By staff, 5 May\n\n" + storyText
				}),
				story("bad", "T"), // no date, and no reject
				with(story("fallback", "T"), func(b *brief) { b.Published = "2024-05-02T08:00:00Z" }),
				with(story("itemprop", "T"), func(b *brief) { b.Published = "2024-05-03T00:00:00Z" }),
				with(story("meta", "T"), func(b *brief) { b.Published = "2024-05-01T16:30:00Z" }),
				story("outside", "T"),
				with(story("pubdate", "T"), func(b *brief) { b.Published = "2024-05-04T08:00:00Z" }),
			},
		},
		{
			name: "charsets",
			files: map[string]string{
				"cp1251.html":  webPage(`<meta charset="windows-1251"><title>T</title>`, `<p>`+cp1251("Река поднялась на два метра.")+`</p>`),
				"latin1.html":  webPage(`<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1"><title>T</title>`, "<p>\x93Caf\xe9\x94 \x96 it\x92s open.</p>"),
				"sjis.html":    webPage(`<meta charset="shift_jis"><title>T</title>`, `<p>`+sjis("橋が再開した。")+`</p>`),
				"undecl.html":  webPage(`<title>T</title>`, "<p>Caf\xe9 au lait.</p>"),
				"utf8.html":    webPage(`<meta charset="iso-8859-1"><title>T</title>`, "<p>Caf\u00e9 au lait, re-encoded.</p>"),
				"bom.html":     "\ufeff" + webPage(`<meta charset="windows-1252"><title>T</title>`, "<p>Caf\u00e9 with a byte order mark.</p>"),
				"utf16.html":   utf16Of(webPage(`<title>T</title>`, "<p>Caf\u00e9 in UTF-16 \U0001F600.</p>"), false),
				"entity.html":  webPage(`<title>T</title>`, "<p>Fish &amp; chips &eacute;&#x2014;&nbsp;done&#0;.</p>"),
				"baddecl.html": webPage(`<meta charset="utf-8"><title>T</title>`, "<p>Caf\xe9 au lait.</p>"),
				"badsjis.html": webPage(`<meta charset="shift_jis"><title>T</title>`, "<p>\x85\x40 is no character.</p>"),
				"kr.html":      webPage(`<meta charset="iso-2022-kr"><title>T</title>`, "<p>Hello.</p>"),
				"mixed.html":   webPage(`<title>T</title>`, "<p>Caf\xc3\xa9 and caf\xe9.</p>"),
				"nul.html":     webPage(`<meta charset="windows-1252"><title>T</title>`, strings.Repeat("<p>x</p>", 100)+"<p>\x00</p>"),
			},
			want: []brief{
				{ID: "bom", Path: "bom.html", Title: "T", Text: "Café with a byte order mark."},
				{ID: "cp1251", Path: "cp1251.html", Title: "T", Text: "Река поднялась на два метра."},
				{ID: "entity", Path: "entity.html", Title: "T", Text: "Fish & chips é— done\ufffd."},
				{ID: "latin1", Path: "latin1.html", Title: "T", Text: "“Café” – it’s open."},
				{ID: "sjis", Path: "sjis.html", Title: "T", Text: "橋が再開した。"},
				{ID: "undecl", Path: "undecl.html", Title: "T", Text: "Café au lait."},
				{ID: "utf16", Path: "utf16.html", Title: "T", Text: "Café in UTF-16 \U0001F600."},
				{ID: "utf8", Path: "utf8.html", Title: "T", Text: "Café au lait, re-encoded."},
			},
			rejects: []pipeline.Reject{
				{Path: "baddecl.html", Reason: "not valid UTF-8: byte 0xe9 at offset 84 (the page declares utf-8)"},
				{Path: "badsjis.html", Reason: "not valid in the declared charset (shift_jis)"},
				{Path: "kr.html", Reason: "not valid in the declared charset (replacement)"},
				{Path: "mixed.html", Reason: "not valid UTF-8: byte 0xe9"},
				{Path: "nul.html", Reason: "binary file (contains NUL bytes)"},
			},
		},
		{
			name: "no article text",
			files: map[string]string{
				"empty.html":   "",
				"blank.html":   " \n\t",
				"chrome.html":  webPage(`<title>Home</title><script>var x = "Lots of text in a script.";</script><style>p{}</style>`, `<nav><a href="/">Home</a> <a href="/news">News</a></nav><!-- a comment --><footer class="footer"></footer>`),
				"hidden.html":  webPage(`<title>T</title>`, `<p hidden>Hidden.</p><div style="display: none">Not shown.</div>`),
				"binary.html":  "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
				"dup.html":     webPage(`<title>T</title>`, storyBody),
				"dup.txt":      "Same id.",
				"textual.html": "Plain text saved as .html.",
			},
			want: []brief{
				story("dup", "T"),
				{ID: "textual", Path: "textual.html", Title: "Plain text saved as .html.", FromText: true, Text: "Plain text saved as .html."},
			},
			rejects: []pipeline.Reject{
				{Path: "binary.html", Reason: "binary file (PNG image)"},
				{Path: "blank.html", Reason: "no article text found"},
				{Path: "chrome.html", Reason: "no article text found"},
				{Path: "dup.txt", Reason: `duplicate id "dup" (first seen in dup.html)`},
				{Path: "empty.html", Reason: "no article text found"},
				{Path: "hidden.html", Reason: "no article text found"},
			},
		},
		{
			name: "sizes",
			files: map[string]string{
				"fit.html":  webPage(`<title>T</title>`, `<p>0123456789</p>`),
				"long.html": webPage(`<title>T</title>`, `<p>0123456789A</p>`),
				"huge.html": "",
			},
			open: func(dir, name string) (fs.File, error) {
				if name == "huge.html" {
					return &fakeFile{r: &repeat{c: 'x', nl: 80}, size: 5 << 20}, nil
				}
				return nil, nil
			},
			opt:  Options{MaxArticleBytes: 10},
			want: []brief{{ID: "fit", Path: "fit.html", Title: "T", Text: "0123456789"}},
			rejects: []pipeline.Reject{
				{Path: "huge.html", Reason: "article too large: HTML file of 5242880 bytes, limit 4194384 (for 10 bytes of text)"},
				{Path: "long.html", Reason: "article too large: 11 bytes, limit 10"},
			},
		},
	}
	runDirCases(t, tests)
}

func cp1251(s string) string {
	b, err := charmap.Windows1251.NewEncoder().String(s)
	if err != nil {
		panic(err)
	}
	return b
}

func sjis(s string) string {
	b, err := japanese.ShiftJIS.NewEncoder().String(s)
	if err != nil {
		panic(err)
	}
	return b
}

func TestParagraphs(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"paragraphs", "<p>One.</p><p>Two.</p>", "One.\n\nTwo."},
		{"headings and lists", "<h1>Head</h1><h2>Sub</h2><ul><li>a</li><li>b <i>c</i></li></ul><ol><li>d</li></ol>", "Head\n\nSub\n\na\n\nb c\n\nd"},
		{"line breaks", "<p>one<br>two<br/><br>three</p>", "one\n\ntwo\n\nthree"},
		{"blockquote", "<p>He said:</p><blockquote>Quoted <p>and a paragraph</p> after</blockquote>", "He said:\n\nQuoted\n\nand a paragraph\n\nafter"},
		{"inline elements join words", "<p>a<b>b</b>c <a href=x>link</a>, <span>end</span>.</p>", "abc link, end."},
		{"white space", "<p>\n  one \t two\u00a0 three\r\n</p>  <p>   </p>", "one two three"},
		{"text outside blocks", "before<div>inside</div>after", "before\n\ninside\n\nafter"},
		{"pre keeps its lines", "<pre>line 1\n  line  2\n\nline 3</pre>", "line 1\n\nline 2\n\nline 3"},
		{"tables", "<table><tr><th>Port</th><th>Ships</th></tr><tr><td>Easthaven</td><td>12</td></tr></table>", "Port Ships\n\nEasthaven 12"},
		{"entities", "<p>Fish &amp; chips &eacute;&nbsp;&lt;b&gt;</p>", "Fish & chips é <b>"},
		{"left out", "<p>kept</p><script>s()</script><style>p{}</style><noscript>n</noscript><nav>menu</nav><aside>box</aside><form><label>l</label><button>b</button></form><!-- comment --><template>t</template><iframe>i</iframe><svg><text>s</text></svg>", "kept"},
		{"hidden", `<p>kept</p><p hidden>h</p><p aria-hidden="true">a</p><p aria-hidden="false">shown</p><div style="color:red; DISPLAY : none">d</div><span style="visibility:hidden">v</span>`, "kept\n\nshown"},
		{"nothing", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := html.Parse(strings.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if got := paragraphs(doc); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	if got := paragraphs(nil); got != "" {
		t.Errorf("nil: got %q, want %q", got, "")
	}
}

func TestDropChrome(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"words of class and id", `<p>Body text long enough to weigh more than the boxes around it, by far, many times over.</p>` +
			`<div class="ad-slot">A</div><div class="top_ad">B</div><div id="Newsletter-Box">C</div><div class="read-also related-posts">D</div>` +
			`<div class="cookieBanner cookie">E</div><div id="comments">F</div><div class="sign-up-form">G</div><ul class="social">H</ul>`,
			"Body text long enough to weigh more than the boxes around it, by far, many times over."},
		{"parts of words do not match", `<div class="header">A</div><div class="lead">B</div><div class="shadow">C</div><div class="download">D</div><div class="share-price">E</div><div class="unrelated">F</div>`,
			"A\n\nB\n\nC\n\nD\n\nE\n\nF"},
		{"not an element holding a third of the text", `<div class="post social-share-enabled"><p>The whole story is in here.</p><div class="newsletter">Join</div></div>`,
			"The whole story is in here."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := html.Parse(strings.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			dropChrome(doc)
			if got := paragraphs(doc); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestLDDatePublished(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{`{"@type":"NewsArticle","datePublished":"2024-05-01"}`, []string{"2024-05-01"}},
		{`[{"@type":"WebPage"},{"@type":"NewsArticle","datePublished":"a"},{"datePublished":"b"}]`, []string{"a", "b"}},
		{`{"@context":"https://schema.org","@graph":[{"@type":"WebSite"},{"datePublished":"g"}]}`, []string{"g"}},
		{` <![CDATA[{"datePublished":"c"}]]> `, []string{"c"}},
		{`{"mainEntity":{"datePublished":"nested"}}`, nil},
		{`{"datePublished":5}`, nil},
		{`not json`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := ldDatePublished(tt.in); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// FuzzReadHTML: whatever the page, Dir's HTML reader does not panic, and
// an article it returns has the shape the pipeline expects.
func FuzzReadHTML(f *testing.F) {
	// Small seeds: the fuzzer spends up to a minute minimising each new
	// input, and would spend its 10 s in CI on a saved page.
	for _, s := range []string{
		webPage(`<meta charset="iso-8859-1"><title>Flood - Gazette</title><link rel="canonical" href="/a"><meta property="og:url" content="https://g.example/x">`+
			`<meta property="article:published_time" content="2024-05-01"><script type="application/ld+json">{"@graph":[{"datePublished":"2024-05-02"}]}</script>`,
			`<nav><a href="/">Home</a></nav><div class="cookie-banner">Cookies</div><article><h1>Flood</h1><time datetime="2024-05-03">x</time>`+
				"<p>The river rose \x93two\x94 feet.</p><div class=\"newsletter\">Sign up</div><p>Roads<br>closed.</p><aside class=\"related\">Read also</aside></article><footer>(c)</footer>"),
		"", "<p>x</p>", webPage(`<title>T</title>`, storyBody), "<pre>a\n\nb</pre><table><td>c",
		`<meta charset="shift_jis"><p>` + sjis("橋") + "\x85\x40</p>", `<meta charset="iso-2022-kr"><p>x</p>`,
		"\ufeff<p>BOM</p>", utf16Of("<p>UTF-16</p>", true), "<p>&#xd800;&#0;</p>", "<p>caf\xe9</p>",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		in, err := sniffInput(bytes.NewReader(raw), int64(len(raw)), false)
		if err != nil {
			return
		}
		a, err := readHTML(in, "f.html", Options{MaxArticleBytes: 1 << 16})
		if err != nil {
			return
		}
		if blank(a.Text) || a.ID != "f" {
			t.Errorf("got id %q, text %q", a.ID, a.Text)
		}
		for line := range strings.SplitSeq(a.Text, "\n\n") {
			if line == "" || strings.TrimSpace(line) != line || strings.Contains(line, "\n") {
				t.Errorf("got paragraph %q, want one trimmed line", line)
			}
		}
		for _, s := range []string{a.Text, a.Title, a.URL, a.Source} {
			if !utf8.ValidString(s) {
				t.Errorf("got %q, want valid UTF-8", s)
			}
		}
		// U+FFFD only from the page: written out, or a character reference
		// to no character.
		if strings.ContainsRune(a.Text+a.Title+a.URL+a.Source, utf8.RuneError) &&
			!bytes.Contains(raw, []byte("\ufffd")) && !bytes.Contains(raw, []byte("&#")) &&
			!bytes.Contains(raw, []byte("\xff\xfd")) && !bytes.Contains(raw, []byte("\xfd\xff")) {
			t.Errorf("got U+FFFD from %q", raw)
		}
		if a.TitleFromText != (a.Title == FirstLine(a.Text)) && a.TitleFromText {
			t.Errorf("got title %q from text, want the first line", a.Title)
		}
		if !a.PublishedAt.IsZero() && a.PublishedAt.Location() != time.UTC {
			t.Errorf("got location %v, want UTC", a.PublishedAt.Location())
		}
	})
}

// TestOneOutletOneName: an HTML page without og:site_name and a JSONL
// article with the same URL name the same outlet.
func TestOneOutletOneName(t *testing.T) {
	dir := t.TempDir()
	const u = "https://www.example.org/news/1"
	page := `<html><head><title>T</title><link rel="canonical" href="` + u + `"></head><body><article><p>` + strings.Repeat("The harbour strike entered its third day on Tuesday. ", 20) + `</p></article></body></html>`
	if err := os.WriteFile(filepath.Join(dir, "a.html"), []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "b.jsonl"), []byte(`{"id":"b","text":"The harbour strike entered its third day.","url":"`+u+`"}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := Dir(context.Background(), dir, Options{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Articles) != 2 {
		t.Fatalf("%d articles, rejects %v", len(res.Articles), res.Rejects)
	}
	a, b := res.Articles[0].Publisher(), res.Articles[1].Publisher()
	if a != "example.org" || b != "example.org" {
		t.Errorf("outlets %q (HTML) and %q (JSONL), want both %q", a, b, "example.org")
	}
}
