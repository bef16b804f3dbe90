// Package load reads a folder tree of articles into pipeline.Articles.
//
// Dir visits the files below the input folder in path order, so ids and
// output order do not depend on the file system nor on Options.Workers,
// and reads these kinds, told by the extension in any case:
//
//   - .txt: one article per file. The id is the path relative to the input
//     folder, "/"-separated, without its extension; the title is the first
//     non-empty line.
//   - .html, .htm: one saved web page per file, one article: its readable
//     text (see "HTML pages" below). The id is made as for .txt.
//   - .jsonl: one article per line, a JSON object with "id" and "text"
//     (strings, required) and optional "title", "url", "source" and
//     "published_at" (strings; see ParseTime). Keys are case-sensitive, a
//     null value is the same as an absent key, and other keys are ignored.
//     Blank lines are skipped but counted.
//   - .jsonl.gz: the same, gzip-compressed (one or more gzip members, as
//     cat joins them). Lines are numbered as in the uncompressed stream.
//   - .json: one JSON array of such objects. The "line" of an element, in
//     Article.Line and Reject.Line, is its position in the array, from 1.
//     The array is streamed, one element at a time.
//
// Options.Fields renames the six keys of the JSON formats; for example
// Fields{ID: "guid", Text: "body"} reads {"guid":"x1","body":"Body."}.
// The rules stay the same for the names given: exact match, a key given
// twice rejected, a key that differs from one of them only in case
// rejected, other keys (including "id" and "text" then) ignored.
//
// For example, the folder
//
//	wire/a.txt   Headline⏎⏎Body.
//	feed.jsonl   {"id":"x1","text":"Body.","published_at":"Wed, 01 May 2024 12:30:00 EDT"}⏎
//	             {"ID":"x2","text":"Body."}⏎
//	photo.txt    (a JPEG image)
//
// gives the articles feed.jsonl:1 (id "x1", published 2024-05-01T16:30:00Z)
// and wire/a.txt (id "wire/a", title "Headline"), and two rejects:
// feed.jsonl:2 `key "ID": keys are case-sensitive, want "id"` and photo.txt
// "binary file (JPEG image)".
//
// # HTML pages
//
// A page is decoded (see Encodings), parsed with golang.org/x/net/html,
// and stripped of the elements whose class or id names page furniture:
// advertising ("ad", "advert", "sponsored"...), cookie notices ("cookie",
// "consent", "gdpr"), newsletter and subscription boxes ("newsletter",
// "subscribe", "signup", "promo"), share buttons ("social", "sharing"),
// "Read also" and "Most read" boxes ("related", "read-also",
// "most-read"...), comments, breadcrumbs, paywalls and pop-ups, matched
// as whole words of the name ("ad-slot", not "header"), unless the element
// holds a third or more of the page's text. Readability
// (codeberg.org/readeck/go-readability/v2, a port of Firefox's Reader
// View) then finds the article's main content, and Dir writes its text one
// paragraph a line, a blank line between paragraphs, as the sentence
// splitter expects: p, h1-h6, li, blockquote, pre, div, table rows and the
// other block elements each start a line, and so do br and the line breaks
// of pre; other white space becomes single spaces. Scripts, styles,
// comments, nav, aside, forms, media and hidden elements (hidden,
// aria-hidden="true", display:none) give no text. So
//
//	<nav><a href="/">Home</a></nav>
//	<article><h1>Flood</h1><p>The river  rose.</p>
//	<div class="newsletter">Sign up!</div><p>Roads<br>closed.</p></article>
//
// gives the text "Flood\n\nThe river rose.\n\nRoads\n\nclosed.", and the
// title "Flood", its first line, as the page names no title. From the
// page's markup, before readability changes it:
//
//   - title: readability's (JSON-LD headline, og:title... or the <title>
//     cleaned of the site's name), else og:title, else <title>, else the
//     first line of the text, which the boilerplate stage then replaces
//     with the text's headline line, or with "" when it finds none;
//   - url: <link rel="canonical">, resolved against og:url if relative;
//     else og:url;
//   - source: og:site_name, else the JSON-LD publisher's name, else the
//     host name of url;
//   - published_at: the first of these that ParseTime reads, in this
//     order: <meta property="article:published_time">, JSON-LD
//     datePublished (of the block's objects and of their @graph), a
//     <time> or <meta> marked itemprop="datePublished" (or <time
//     pubdate>), the first <time datetime> inside <article> or <main> (a
//     masthead's date is outside). A value ParseTime cannot read is
//     skipped, never a reason to reject the page.
//
// Why this library: it is the maintained Go port of Readability.js (in
// step with its 0.6.0 release), kept by the team of the read-later app
// Readeck, which runs it on its users' pages, with tagged releases; the
// module it forked, github.com/go-shiori/go-readability, is deprecated in
// its go.mod in favour of it and has no tagged release. Its API suits a
// loader: ParseAndMutate takes a DOM that Dir decoded itself (its own
// reader guesses the charset statistically), and Article.Node gives the
// content as a DOM to write out with paragraph breaks (its text rendering
// keeps list items and divs on single line breaks). It is MIT-licensed,
// pure Go, and brings four small modules: andybalholm/cascadia (BSD, CSS
// selectors), go-shiori/dom, gogs/chardet and itlightning/dateparse (MIT;
// the last two serve functions Dir does not call), besides golang.org/x/net,
// which the module already had.
//
// # Encodings
//
// UTF-8, with or without a byte order mark (dropped), and UTF-16 LE or BE
// with a byte order mark are decoded. A .txt file without a byte order mark
// that is not valid UTF-8 but looks like 8-bit text is decoded as
// Windows-1252, the usual encoding of such files (and a superset of the
// printable Latin-1): it must hold no NUL, no control byte but white space
// and ^Z, none of the five bytes Windows-1252 leaves undefined, and no
// valid multi-byte UTF-8 sequence (which would mean damaged UTF-8 or mixed
// encodings). Another 8-bit encoding (Windows-1251, MacRoman...) cannot be
// told from it, and comes out as mojibake. Everything else is rejected: no
// article holds invalid UTF-8, nor a U+FFFD that was not in the input. In a
// .jsonl or .jsonl.gz file each line, and in a .json file each element,
// must be valid UTF-8; a byte order mark at the start of any JSONL line is
// dropped (files joined with cat).
//
// An HTML page is decoded as a browser would, through
// golang.org/x/net/html/charset: a byte order mark decides; else the
// charset the page declares in its first 1024 bytes (<meta charset> or
// <meta http-equiv="Content-Type">, with the WHATWG labels: "iso-8859-1"
// is Windows-1252, "shift_jis", "gbk", "windows-1251"... are decoded);
// else it is read as a .txt file is. One exception: a page whose bytes are
// valid UTF-8 with some non-ASCII character is read as UTF-8 whatever it
// declares, since a page re-encoded to UTF-8 often keeps its old
// declaration while text in another encoding is almost never valid UTF-8
// by chance. A page that declares UTF-8 and is not, or holds bytes that
// mean no character in its charset, is rejected.
//
// # Files that are not read
//
// Hidden files and folders (name starting with ".") are skipped, without a
// reject. The input folder itself may be a symbolic link. Symbolic links are never followed, neither to folders (no loops,
// no escape from the input folder) nor to files (no article read twice
// under two ids): each is rejected. Files are opened through an os.Root, so
// even a path swapped for a link after the folder was listed cannot lead
// outside the input folder.
//
// # Limits
//
// Options.MaxArticleBytes caps an article's text. Dir checks a .txt file's
// size before reading it, and reads a JSONL line or a .json element only up
// to 6 times the cap plus 1 MiB (JSON escapes such as \u00e9 take up to 6
// bytes per byte of text); past that it discards the line's bytes up to
// the next newline and goes on with the next line, while in a .json file,
// where no line break marks the next element, it stops. An .html file is
// read only up to 8 times the cap plus 4 MiB (36 MiB for the pipeline's
// 4 MiB), for its markup, styles and scripts. So one file, line or element
// never takes more than a few times the cap in memory, however large it
// is (an HTML page's DOM takes some times its size).
//
// # Rejects
//
// A file, line or element that cannot be used becomes a pipeline.Reject
// with its path (relative, "/"-separated), its line (from 1; 0 for a whole
// file) and a reason, and the run goes on. Only an input folder that is
// missing or cannot be listed, Options.Fields naming one key twice, or a
// cancelled context, stops Dir. The reasons:
//
// For a whole file or folder (line 0):
//
//   - "symbolic link: not followed": any symbolic link, to a file, a folder,
//     nothing, or itself.
//   - "not a regular file (named pipe)", also "(socket)", "(device)",
//     "(folder)", "(irregular)": nothing Dir could read without hanging,
//     or a file replaced since the folder was listed.
//   - "file name is not valid UTF-8": the path is reported with U+FFFD for
//     the bad bytes.
//   - "unreadable folder: CAUSE": a folder that could not be listed, such as
//     "permission denied"; what could be listed is still read.
//   - "unreadable: CAUSE": a file that could not be opened or read, such as
//     "permission denied" or "input/output error".
//   - "vanished: removed after the folder was listed": a file or folder
//     deleted or renamed while Dir ran.
//   - "binary file (KIND)": a known magic number (KIND is "PNG image",
//     "PDF document", "gzip archive"...) or "contains NUL bytes", whatever
//     the file's extension (for .jsonl.gz, in the uncompressed data; a
//     .jsonl.gz file that is not gzip but a known binary format gets this
//     too). "binary file (text holds a NUL character)": an article of a
//     .jsonl, .jsonl.gz or .json file whose text holds "\u0000", as a .txt
//     file holding a NUL byte would; normalisation would drop it silently.
//   - "N more rejected lines, not listed: only the first 100 rejects of a
//     file are" (line 0): a file's rejects past MaxRejectsPerFile are
//     counted, not listed, so millions of bad lines cannot fill memory.
//   - "unsupported file type (want .txt, .jsonl, .jsonl.gz, .json, .html or
//     .htm)": any other extension, such as .xml, .md or .json.gz.
//   - "unsupported encoding: UTF-32" and "unsupported encoding: UTF-16
//     without a byte order mark".
//   - "not valid UTF-8: byte 0xXX at offset N, ...": a .txt or .html file
//     that is not UTF-8 and not 8-bit text (or has a UTF-8 byte order
//     mark), or an .html file that declares UTF-8 and is not ("(the page
//     declares utf-8)").
//   - "not valid in the declared charset (NAME)": an .html file holding
//     bytes that mean no character in the charset it declares, or
//     declaring one that maps to the WHATWG "replacement" encoding
//     (ISO-2022-KR, HZ-GB-2312...).
//   - "invalid UTF-16: odd number of bytes", "invalid UTF-16: unpaired
//     surrogate at byte N": a .txt or .html file with a UTF-16 byte order
//     mark. In a .jsonl, .jsonl.gz or .json file these come with the line
//     or element where they occur, and the rest of the file is not read.
//   - "article too large: file of N bytes, limit M": a .txt file whose size
//     alone is over the cap (for UTF-16, twice the cap); it is not read.
//     "article too large: HTML file of N bytes, limit L (for M bytes of
//     text)": the same for an .html file over its own limit.
//   - "article too large: N bytes, limit M": a .txt file whose text, once
//     decoded, or an .html file whose extracted text, is over the cap.
//   - "no text": a .txt file that is empty or holds only white space and
//     invisible characters; "no text: empty file" and "no text: only blank
//     lines" for a .jsonl or .jsonl.gz file (counted uncompressed); "no
//     text: empty file", "no text: only white space" and "no text: empty
//     array" for a .json file.
//   - "no article text found": an .html file in which readability finds no
//     text, such as an empty page or one of only menus and scripts; "no
//     article text found: extraction failed: PANIC" if the library panics
//     on the page.
//   - For a .jsonl.gz file: "corrupt gzip: not gzip data" (no gzip magic
//     number), "corrupt gzip: invalid header", "corrupt gzip: truncated"
//     (not even a whole header).
//   - For a .json file: "malformed JSON: want an array, got object" (or
//     string, number...: the file must be one array), "malformed JSON:
//     DETAIL" before the array opens, and, after its elements (which are
//     kept), "malformed JSON: unexpected end of file" (no closing bracket),
//     "malformed JSON: DETAIL" and "malformed JSON: data after the array".
//
// For one line of a .jsonl or .jsonl.gz file, or one element of a .json
// file (see ParseJSONLine; F and K are the names Options.Fields gives):
//
//   - "not valid UTF-8: byte 0xXX at column N" (a line), "... at offset N"
//     (an element: N counts from the start of the file).
//   - "article too large: line of more than N bytes (limit M bytes of
//     text)": the line was not kept in memory; the next line is read.
//     "article too large: element of more than N bytes (limit M bytes of
//     text) (rest of file not read)": the same for a .json element.
//   - "article too large: N bytes, limit M": the text is over the cap.
//   - "malformed JSON: DETAIL": not JSON (DETAIL from encoding/json), "want
//     an object, got array" (or null, string...), "data after the object".
//     In a .json file, an element that is not JSON ends the reading: the
//     reason ends with "(rest of file not read)".
//   - `duplicate key "K"`.
//   - `key "K": keys are case-sensitive, want "k"`: "ID", "Text", "Title"...
//     are not the fields they resemble.
//   - `missing "id"` (absent, null or blank) and `missing "text"` (absent or
//     null), with the names Options.Fields gives.
//   - `"F": want a string, got number` (or boolean, array, object) for any of
//     the six fields.
//   - `"F": unpaired surrogate \udXXX`: an escape that is no character.
//   - `published_at "S": WHY`: see ParseTime; `K "S": WHY` when
//     Options.Fields renames published_at to K.
//   - "no text": the text is empty or only white space and invisible
//     characters.
//   - "unreadable: CAUSE (rest of file not read)": a read error.
//   - "corrupt gzip: truncated (rest of file not read)": a .jsonl.gz file
//     cut short; the lines before are kept. "corrupt gzip: data after the
//     end of a member is not gzip (rest of file not read)": the same for
//     junk after a complete member.
//   - "corrupt gzip: checksum mismatch (lines from here on not used)" and
//     "corrupt gzip: invalid compressed data (lines from here on not
//     used)": a gzip member's data is damaged, and where the damage begins
//     is unknown (a flipped byte often decompresses to plausible lines
//     until the checksum at the member's end fails). The reject is at the
//     first line not wholly within earlier members; that line and all
//     after it are dropped, those of earlier members are kept.
//
// For any: `duplicate id "X" (first seen in PATH[:LINE])`: the first
// article with an id wins, in path and line order.
package load
