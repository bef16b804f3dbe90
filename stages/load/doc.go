// Package load reads a folder tree of articles into pipeline.Articles.
//
// Dir visits the files below the input folder in path order, so ids and
// output order do not depend on the file system, and reads two kinds:
//
//   - .txt (any case): one article per file. The id is the path relative to
//     the input folder, "/"-separated, without its extension; the title is
//     the first non-empty line.
//   - .jsonl: one article per line, a JSON object with "id" and "text"
//     (strings, required) and optional "title", "url", "source" and
//     "published_at" (strings; see ParseTime). Keys are case-sensitive, a
//     null value is the same as an absent key, and other keys are ignored.
//     Blank lines are skipped but counted.
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
// .jsonl file each line must be valid UTF-8; a byte order mark at the start
// of any line is dropped (files joined with cat).
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
// size before reading it, and reads a JSONL line only up to 6 times the cap
// plus 1 MiB (JSON escapes such as \u00e9 take up to 6 bytes per byte of
// text); past that it discards the line's bytes up to the next newline and
// goes on with the next line. So one file or line never takes more than a
// few times the cap in memory, however large it is.
//
// # Rejects
//
// A file or line that cannot be used becomes a pipeline.Reject with its path
// (relative, "/"-separated), its line (from 1; 0 for a whole file) and a
// reason, and the run goes on. Only an input folder that is missing or
// cannot be listed, or a cancelled context, stops Dir. The reasons:
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
//     the file's extension.
//   - "unsupported file type (want .txt or .jsonl)": any other extension.
//   - "unsupported encoding: UTF-32" and "unsupported encoding: UTF-16
//     without a byte order mark".
//   - "not valid UTF-8: byte 0xXX at offset N, ...": a .txt file that is
//     not UTF-8 and not 8-bit text (or has a UTF-8 byte order mark).
//   - "invalid UTF-16: odd number of bytes", "invalid UTF-16: unpaired
//     surrogate at byte N": a .txt file with a UTF-16 byte order mark. In a
//     .jsonl file these come with the line where they occur, and the rest of
//     the file is not read.
//   - "article too large: file of N bytes, limit M": a .txt file whose size
//     alone is over the cap (for UTF-16, twice the cap); it is not read.
//   - "article too large: N bytes, limit M": a .txt file whose text, once
//     decoded, is over the cap.
//   - "no text": a .txt file that is empty or holds only white space and
//     invisible characters; "no text: empty file" and "no text: only blank
//     lines" for a .jsonl file.
//
// For one line of a .jsonl file (see ParseJSONLine):
//
//   - "not valid UTF-8: byte 0xXX at column N".
//   - "article too large: line of more than N bytes (limit M bytes of
//     text)": the line was not kept in memory; the next line is read.
//   - "article too large: N bytes, limit M": the text is over the cap.
//   - "malformed JSON: DETAIL": not JSON (DETAIL from encoding/json), "want
//     an object, got array" (or null, string...), "data after the object".
//   - `duplicate key "K"`.
//   - `key "K": keys are case-sensitive, want "k"`: "ID", "Text", "Title"...
//     are not the fields they resemble.
//   - `missing "id"` (absent, null or blank) and `missing "text"` (absent or
//     null).
//   - `"F": want a string, got number` (or boolean, array, object) for any of
//     the six fields.
//   - `"F": unpaired surrogate \udXXX`: an escape that is no character.
//   - `published_at "S": WHY`: see ParseTime.
//   - "no text": the text is empty or only white space and invisible
//     characters.
//   - "unreadable: CAUSE (rest of file not read)": a read error.
//
// For either: `duplicate id "X" (first seen in PATH[:LINE])`: the first
// article with an id wins, in path and line order.
package load
