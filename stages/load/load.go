package load

import (
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/dedupe/dedupe/pipeline"
)

// Options control Dir.
type Options struct {
	// MaxArticleBytes rejects any article whose text is longer, in bytes of
	// UTF-8, and bounds what Dir reads of one file or line (see the package
	// comment). 0 means no limit: a file or line is then read whole, however
	// large. The pipeline sets pipeline.Params.MaxArticleBytes (4 MiB).
	MaxArticleBytes int

	// Workers is how many files are read at once; 0 or 1 reads one at a
	// time. The result does not depend on it.
	Workers int

	// Fields names the keys of the article records in .jsonl, .jsonl.gz
	// and .json files. The zero value reads "id", "text", "title", "url",
	// "source" and "published_at".
	Fields Fields

	// Prepare, when set, is called on each article as soon as it is read,
	// wrapped in a pipeline.Doc, from up to Workers goroutines at once, and
	// Result.Docs holds the documents as Prepare left them. A caller reduces
	// each article there (normalises, segments, shingles it), so the raw
	// text of the corpus is never held at once: Dir keeps at most a few
	// articles per worker waiting. An error from Prepare stops Dir and is
	// returned.
	Prepare func(d *pipeline.Doc) error

	// Only, when set, restricts Dir to the files it names, and within each
	// to the lines (JSONL) or elements (JSON arrays) it holds, 0 for a file
	// of one article; other lines and elements are skipped without being
	// parsed as articles. A file named with a nil set of lines is read
	// whole (a caller that knows an article's file but not its line).
	// Dir then reports no duplicate ids, and
	// a caller re-reading articles it has seen (to fetch the text of some
	// sentences, say) checks it got each one.
	Only map[string]map[int]bool

	// BytesTotal, when set, is called once, after the folder is listed and
	// before any file is read, with the total size in bytes of the files
	// Dir is to read: the regular files below the folder (those Options.Only
	// names, when set), whatever their type, as listed (a .jsonl.gz file
	// counts its compressed size). Hidden files and symbolic links, which
	// Dir does not open, count nothing.
	BytesTotal func(total int64)

	// BytesRead, when set, is called with the bytes read from the files as
	// they are read (compressed bytes for a .jsonl.gz file), from up to
	// Workers goroutines at once. When Dir is done with a file it reports
	// what it did not read of its listed size (a file rejected after its
	// first bytes, or cut short), and never more than that size (a file
	// that grew), so the bytes reported add up to BytesTotal's exactly: a
	// progress bar reaches its end.
	BytesRead func(n int64)

	// open, when set, replaces opening a file by its "/"-separated path
	// relative to the input folder; tests use it to make files vanish or
	// fail. By default Dir opens files through an os.Root on the folder.
	open func(name string) (fs.File, error)
}

// Fields names the keys of a JSON article record, each one a string
// value. An empty name stands for the default given after each field. Keys
// are matched exactly, as ParseJSONLine matches the defaults: a record
// with a key given twice, or one that differs from a configured name only
// in case, is rejected; other keys are ignored. The six names must differ
// from each other, even in case, or Dir fails.
type Fields struct {
	ID          string // "id": required, not blank; trimmed
	Text        string // "text": required
	Title       string // "title"; trimmed, the first line of the text if blank
	URL         string // "url"
	Source      string // "source": the outlet
	PublishedAt string // "published_at": see ParseTime
}

// keys are the JSON keys of the six fields, in the order of Fields.
type keys [6]string

// Positions in keys.
const (
	keyID = iota
	keyText
	keyTitle
	keyURL
	keySource
	keyPublishedAt
)

var (
	defaultKeys = keys{"id", "text", "title", "url", "source", "published_at"}
	fieldNames  = keys{"ID", "Text", "Title", "URL", "Source", "PublishedAt"}
)

// keys returns the names of f with the defaults filled in, or an error if
// two of them are equal up to case.
func (f Fields) keys() (keys, error) {
	k := keys{f.ID, f.Text, f.Title, f.URL, f.Source, f.PublishedAt}
	for i := range k {
		if k[i] == "" {
			k[i] = defaultKeys[i]
		}
	}
	for i := range k {
		for j := range i {
			if strings.EqualFold(k[i], k[j]) {
				return k, fmt.Errorf("load: Fields.%s %q and Fields.%s %q name the same key", fieldNames[j], k[j], fieldNames[i], k[i])
			}
		}
	}
	return k, nil
}

// Result is what Dir found.
type Result struct {
	Articles []pipeline.Article // when Options.Prepare is nil
	Docs     []*pipeline.Doc    // when Options.Prepare is set
	// Rejects lists at most MaxRejectsPerFile rejects of a file, then one
	// row that counts the file's others.
	Rejects []pipeline.Reject
	// Rejected counts every reject, listed or not; Unlisted those left
	// out of Rejects.
	Rejected, Unlisted int
}

// MaxRejectsPerFile bounds the rejects listed for one file, so that a file
// of millions of bad lines cannot fill memory with their rows; the rest
// are counted.
const MaxRejectsPerFile = 100

// Errors that describe why a file or article was rejected. A
// pipeline.Reject's Reason is the text of an error wrapping one of them, or
// one of the JSONL field errors of ParseJSONLine.
var (
	ErrSymlink     = errors.New("symbolic link: not followed")
	ErrNotRegular  = errors.New("not a regular file")
	ErrBadName     = errors.New("file name is not valid UTF-8")
	ErrUnreadable  = errors.New("unreadable")
	ErrVanished    = errors.New("vanished")
	ErrBinary      = errors.New("binary file")
	ErrUnsupported = errors.New("unsupported file type (want .txt, .jsonl, .jsonl.gz, .json, .html or .htm)")
	ErrEncoding    = errors.New("unsupported encoding")
	ErrNotUTF8     = errors.New("not valid UTF-8")
	ErrUTF16       = errors.New("invalid UTF-16")
	ErrTooLarge    = errors.New("article too large")
	ErrEmpty       = errors.New("no text")
	ErrSyntax      = errors.New("malformed JSON")
	ErrGzip        = errors.New("corrupt gzip")
	ErrCharset     = errors.New("not valid in the declared charset")
	ErrNoArticle   = errors.New("no article text found")
)

// errUnreadableFolder is ErrUnreadable for a folder.
var errUnreadableFolder = fmt.Errorf("%w folder", ErrUnreadable)

// Dir reads every supported file below root. It returns an error only when
// opt.Fields names a key twice, root is not a readable folder or ctx is
// cancelled; everything else it cannot use is in Result.Rejects.
func Dir(ctx context.Context, root string, opt Options) (Result, error) {
	var res Result
	k, err := opt.Fields.keys()
	if err != nil {
		return res, err
	}
	target, entries, err := listInput(root, opt.BytesTotal != nil || opt.BytesRead != nil)
	if err != nil {
		return res, err
	}
	if opt.Only != nil {
		entries = slices.DeleteFunc(entries, func(e entry) bool {
			_, named := opt.Only[e.rel]
			return !named
		})
	}
	if opt.BytesTotal != nil {
		var total int64
		for _, e := range entries {
			total += e.size
		}
		opt.BytesTotal(total)
	}
	open := opt.open
	if open == nil {
		r, err := os.OpenRoot(target)
		if err != nil {
			return res, fmt.Errorf("input %s: %w", root, err)
		}
		defer r.Close()
		open = func(name string) (fs.File, error) { return r.Open(filepath.FromSlash(name)) }
	}
	workers := max(1, opt.Workers)
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	// Articles to prepare go through a short queue to workers goroutines
	// of their own, so that one large file is prepared on every core while
	// the readers, blocked when the queue is full, hold few raw texts.
	var prep *preparer
	if opt.Prepare != nil {
		prep = newPreparer(ctx, cancel, opt.Prepare, workers)
	}
	// Files are read in parallel, each into its own list of events, then
	// replayed in path order: ids are checked for duplicates, and rejects
	// listed, exactly as a sequential read would.
	perFile := make([]*sink, len(entries))
	err = pipeline.ForEach(ctx, len(entries), workers, nil, func(i int) error {
		s := &sink{prep: prep, only: opt.Only[entries[i].rel]}
		perFile[i] = s
		if e := entries[i]; e.err != nil {
			s.reject(e.rel, 0, e.err)
			return nil
		}
		return readFile(ctx, open, entries[i], opt, &k, s)
	})
	if prep != nil {
		prep.close()
	}
	if cause := context.Cause(ctx); cause != nil {
		return res, cause // Prepare failed, or ctx was cancelled
	}
	if err != nil {
		return res, err
	}
	all := &sink{res: &res}
	if opt.Only == nil {
		all.seen = map[string]string{}
	}
	for i, s := range perFile {
		all.rejected, all.unlisted = s.rejected, s.unlisted
		for _, ev := range s.events {
			if ev.reject != nil {
				all.res.Rejects = append(all.res.Rejects, *ev.reject)
			} else {
				all.doc(ev.doc, prep != nil)
			}
		}
		if all.unlisted > 0 {
			all.res.Rejects = append(all.res.Rejects, pipeline.Reject{Path: entries[i].rel,
				Reason: fmt.Sprintf("%d more rejected lines, not listed: only the first %d rejects of a file are", all.unlisted, MaxRejectsPerFile)})
			all.res.Unlisted += all.unlisted
		}
		all.res.Rejected += all.rejected
		perFile[i] = nil
	}
	return res, nil
}

// Size returns the total size in bytes of the files below root that Dir
// opens, as Options.BytesTotal has it, and the share of .jsonl.gz files in
// it, which unpack to several times their size: a caller estimating the
// space a run needs weighs them. It fails only when root is not a folder
// that can be listed.
func Size(root string) (total, gzipped int64, err error) {
	_, entries, err := listInput(root, true)
	for _, e := range entries {
		total += e.size
		if formatOf(e.rel) == formatJSONLGzip {
			gzipped += e.size
		}
	}
	return total, gzipped, err
}

// listInput lists the files below the input folder root, and returns the
// folder they are in: root's target, when root is a link.
func listInput(root string, sizes bool) (string, []entry, error) {
	info, err := os.Stat(root)
	if err != nil {
		return "", nil, fmt.Errorf("input %s: %w", root, err)
	}
	if !info.IsDir() {
		return "", nil, fmt.Errorf("input %s: not a folder", root)
	}
	// The folder itself may be a link (latest -> 2024-05-01): walk its target.
	target, err := filepath.EvalSymlinks(root)
	if err != nil {
		return "", nil, fmt.Errorf("input %s: %w", root, err)
	}
	entries, err := list(target, sizes)
	if err != nil {
		return "", nil, fmt.Errorf("input %s: %w", root, err)
	}
	return target, entries, nil
}

// preparer runs Options.Prepare on its own goroutines.
type preparer struct {
	queue chan *pipeline.Doc
	wg    sync.WaitGroup
	done  <-chan struct{}
}

func newPreparer(ctx context.Context, fail context.CancelCauseFunc, prepare func(*pipeline.Doc) error, workers int) *preparer {
	p := &preparer{queue: make(chan *pipeline.Doc, 2*workers), done: ctx.Done()}
	for range workers {
		p.wg.Go(func() {
			for d := range p.queue {
				if ctx.Err() != nil {
					continue // drain: a reader may still be sending
				}
				if err := prepare(d); err != nil {
					fail(err)
				}
			}
		})
	}
	return p
}

// send queues d, or drops it when the read is being abandoned.
func (p *preparer) send(d *pipeline.Doc) {
	select {
	case p.queue <- d:
	case <-p.done:
	}
}

// close waits for every queued document to be prepared.
func (p *preparer) close() {
	close(p.queue)
	p.wg.Wait()
}

// entry is a path found below the input folder, with the reason it is
// rejected if the walk already knows one.
type entry struct {
	rel  string // "/"-separated, relative to the input folder
	err  error
	size int64 // bytes of a regular file, if the walk was asked for sizes
}

// list walks root without following symbolic links and returns its files,
// and the links, special files and folders it could not list, in path order.
// With sizes, it also finds the size of each regular file.
func list(root string, sizes bool) ([]entry, error) {
	var entries []entry
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if p == root {
			return err // the input folder itself cannot be listed
		}
		rel, relErr := filepath.Rel(root, p)
		if relErr != nil {
			return relErr
		}
		rel = filepath.ToSlash(rel)
		if strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		shown := strings.ToValidUTF8(rel, "\ufffd") // for rejects: a reason must be valid UTF-8
		switch t := d.Type(); {
		case err != nil: // only for a folder whose listing failed, in whole or part
			entries = append(entries, entry{rel: shown, err: folderError(err)})
		case t.IsDir():
		case shown != rel:
			entries = append(entries, entry{rel: shown, err: ErrBadName})
		case t&fs.ModeSymlink != 0:
			entries = append(entries, entry{rel: rel, err: ErrSymlink})
		case !t.IsRegular():
			entries = append(entries, entry{rel: rel, err: notRegular(t)})
		default:
			e := entry{rel: rel}
			if sizes {
				// A file gone since the folder was listed counts nothing:
				// reading it will say it vanished.
				if info, err := d.Info(); err == nil {
					e.size = info.Size()
				}
			}
			entries = append(entries, e)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(entries, func(a, b entry) int { return strings.Compare(a.rel, b.rel) })
	return entries, nil
}

func folderError(err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%w: removed after the folder was listed", ErrVanished)
	}
	return fmt.Errorf("%w: %s", errUnreadableFolder, cause(err))
}

func openError(err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%w: removed after the folder was listed", ErrVanished)
	}
	return fmt.Errorf("%w: %s", ErrUnreadable, cause(err))
}

// cause returns what went wrong without the path, which would make reasons
// depend on where the input folder is.
func cause(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

func notRegular(t fs.FileMode) error {
	kind := "irregular"
	switch {
	case t&fs.ModeNamedPipe != 0:
		kind = "named pipe"
	case t&fs.ModeSocket != 0:
		kind = "socket"
	case t&fs.ModeDevice != 0:
		kind = "device"
	case t.IsDir():
		kind = "folder"
	}
	return fmt.Errorf("%w (%s)", ErrNotRegular, kind)
}

// sink collects what reading finds. A file's own sink (res nil) records
// events in order, handing each article to prep when there is one; the
// run's sink (res set) checks ids and fills Result.
type sink struct {
	res    *Result
	seen   map[string]string // id -> where it was first seen; nil to skip the check
	events []event
	prep   *preparer
	only   map[int]bool // lines wanted, when Options.Only is set
	// rejected counts the rejects of the file at hand, unlisted those of
	// them past MaxRejectsPerFile.
	rejected, unlisted int
}

// event is one article or one reject, in the order a file yielded them.
type event struct {
	doc    *pipeline.Doc
	reject *pipeline.Reject
}

// wants reports whether the article at line is to be read: always, unless
// Options.Only says otherwise.
func (s *sink) wants(line int) bool { return s.only == nil || s.only[line] }

func (s *sink) reject(path string, line int, err error) {
	if s.rejected++; s.rejected > MaxRejectsPerFile {
		s.unlisted++
		return
	}
	r := pipeline.Reject{Path: path, Line: line, Reason: err.Error()}
	if s.res == nil {
		s.events = append(s.events, event{reject: &r})
		return
	}
	s.res.Rejects = append(s.res.Rejects, r)
}

// article records a, read by a file's own sink.
func (s *sink) article(a pipeline.Article) {
	if !s.wants(a.Line) {
		return
	}
	a.Checksum = crc32.Checksum([]byte(a.Text), castagnoli)
	d := &pipeline.Doc{Article: a}
	s.events = append(s.events, event{doc: d})
	if s.prep != nil {
		s.prep.send(d)
	}
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// doc adds d to the run's result, unless its id was seen before.
func (s *sink) doc(d *pipeline.Doc, prepared bool) {
	if s.seen != nil {
		if first, dup := s.seen[d.ID]; dup {
			s.reject(d.SourcePath, d.Line, fmt.Errorf("duplicate id %q (first seen in %s)", d.ID, first))
			return
		}
		s.seen[d.ID] = where(d.SourcePath, d.Line)
	}
	if prepared {
		s.res.Docs = append(s.res.Docs, d)
	} else {
		s.res.Articles = append(s.res.Articles, d.Article)
	}
}

// dropAfter forgets the events of the lines after line. Only a file's own
// sink has events.
func (s *sink) dropAfter(line int) {
	s.events = slices.DeleteFunc(s.events, func(e event) bool {
		if e.reject != nil {
			return e.reject.Line > line
		}
		return e.doc.Line > line
	})
}

func where(path string, line int) string {
	if line > 0 {
		return fmt.Sprintf("%s:%d", path, line)
	}
	return path
}

// format is a kind of input file, told by its name.
type format int

const (
	formatNone      format = iota
	formatText             // .txt
	formatJSONL            // .jsonl
	formatJSONLGzip        // .jsonl.gz
	formatJSON             // .json
	formatHTML             // .html, .htm
)

// formatOf tells the format of a file from its extension, in any case.
func formatOf(rel string) format {
	name := strings.ToLower(path.Base(rel))
	if strings.HasSuffix(name, ".jsonl.gz") {
		return formatJSONLGzip
	}
	switch path.Ext(name) {
	case ".txt":
		return formatText
	case ".jsonl":
		return formatJSONL
	case ".json":
		return formatJSON
	case ".html", ".htm":
		return formatHTML
	}
	return formatNone
}

// readFile reads one listed file into s. It returns only ctx's error.
func readFile(ctx context.Context, open func(string) (fs.File, error), e entry, opt Options, k *keys, s *sink) error {
	rel := e.rel
	kind := formatOf(rel)
	supported := kind != formatNone
	f, err := open(rel)
	if opt.BytesRead != nil {
		m := &meter{left: e.size, report: opt.BytesRead}
		defer m.done()
		if err == nil {
			m.File = f
			f = m
		}
	}
	switch {
	case err != nil && !supported:
		s.reject(rel, 0, ErrUnsupported)
		return nil
	case err != nil:
		s.reject(rel, 0, openError(err))
		return nil
	}
	defer f.Close()
	if kind == formatJSONLGzip {
		return readJSONLGzip(ctx, f, rel, opt, k, s)
	}
	in, err := newInput(f)
	switch {
	case err != nil && !supported && !errors.Is(err, ErrBinary):
		s.reject(rel, 0, ErrUnsupported)
	case err != nil:
		s.reject(rel, 0, err)
	case kind == formatText, kind == formatHTML:
		read := readText
		if kind == formatHTML {
			read = readHTML
		}
		a, err := read(in, rel, opt)
		if err != nil {
			s.reject(rel, 0, err)
			return nil
		}
		s.article(a)
	case kind == formatJSONL:
		return readJSONL(ctx, in, rel, opt, k, s)
	case kind == formatJSON:
		return readJSONArray(ctx, in, rel, opt, k, s)
	default:
		s.reject(rel, 0, ErrUnsupported)
	}
	return nil
}

// meter is a file that reports the bytes read from it to
// Options.BytesRead, up to the size the walk found; done reports the rest
// of that size.
type meter struct {
	fs.File
	left   int64 // of the listed size, bytes not reported yet
	report func(n int64)
}

func (m *meter) Read(p []byte) (int, error) {
	n, err := m.File.Read(p)
	if r := min(int64(n), m.left); r > 0 {
		m.left -= r
		m.report(r)
	}
	return n, err
}

// done reports what was not read of the listed size.
func (m *meter) done() {
	if m.left > 0 {
		m.report(m.left)
		m.left = 0
	}
}

// checkText checks an article's decoded text.
func checkText(text string, opt Options) error {
	if opt.MaxArticleBytes > 0 && len(text) > opt.MaxArticleBytes {
		return fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, len(text), opt.MaxArticleBytes)
	}
	if !utf8.ValidString(text) {
		return ErrNotUTF8
	}
	if blank(text) {
		return ErrEmpty
	}
	if strings.IndexByte(text, 0) >= 0 {
		return errNULText
	}
	return nil
}

// blank reports whether text holds nothing but white space, control and
// format characters: nothing normalisation would keep but line breaks.
func blank(text string) bool {
	return strings.IndexFunc(text, func(r rune) bool {
		return !unicode.IsSpace(r) && !unicode.IsControl(r) && !unicode.Is(unicode.Cf, r)
	}) < 0
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

// Stage adapts Dir to the pipeline.
type Stage struct{}

// Name implements pipeline.Stage.
func (Stage) Name() string { return "load" }

// Run implements pipeline.Stage.
func (s Stage) Run(ctx context.Context, st *pipeline.State, p pipeline.Progress) error {
	return s.Read(ctx, st, p, nil)
}

// OptionsFor returns the Options a run with p reads its input with.
func OptionsFor(p pipeline.Params) Options {
	return Options{MaxArticleBytes: p.MaxArticleBytes, Workers: p.EffectiveWorkers(),
		Fields: Fields{ID: p.IDField, Text: p.TextField, Title: p.TitleField, URL: p.URLField, Source: p.SourceField, PublishedAt: p.PublishedAtField}}
}

// Read implements pipeline.Source. It reports its progress in bytes of
// input read, of a total known once the folder is listed (see
// Options.BytesTotal), so that a progress bar can show a percentage, a
// rate and the time left: the number of articles is not known before the
// files are read.
func (s Stage) Read(ctx context.Context, st *pipeline.State, p pipeline.Progress, prepare func(d *pipeline.Doc) error) error {
	opt := OptionsFor(st.Params)
	opt.Prepare = func(d *pipeline.Doc) error {
		if prepare != nil {
			return prepare(d)
		}
		return nil
	}
	opt.BytesTotal = func(total int64) { pipeline.StartBytes(p, s.Name(), total) }
	opt.BytesRead = func(n int64) { p.Add(int(n)) }
	res, err := Dir(ctx, st.Params.Input, opt)
	if err != nil {
		return err
	}
	st.Rejects = append(st.Rejects, res.Rejects...)
	st.Docs = res.Docs
	st.Counts["articles_read"] = len(res.Docs)
	st.Counts["rejected"] = res.Rejected
	st.Counts["rejects_unlisted"] = res.Unlisted
	if len(res.Docs) == 0 {
		return fmt.Errorf("no usable article in %s (%d rejected)", st.Params.Input, st.Counts["rejected"])
	}
	return nil
}

// Summary implements pipeline.Summarizer.
func (Stage) Summary(st *pipeline.State) string {
	return fmt.Sprintf("%d articles, %d rejected", len(st.Docs), st.Counts["rejected"])
}
