package write

import (
	"cmp"
	"slices"
	"strings"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/dedupe/dedupe/pipeline"
)

// The links tables say why articles were joined: links.parquet has one row
// per article pair the matching linked (pipeline.Edge), kept by the
// clustering or cut; link_passages.parquet one row per verified sentence
// pair behind those links (pipeline.Match). A corpus of 20,000 articles has
// some 150,000 such sentence pairs, so both tables are built and encoded
// batchRows rows at a time, never as one record.

// batchRows is the number of rows built into one record, the row-group
// length of the Parquet writer: a batch is one row group.
const batchRows = 64 << 10

// LinksSchema is the schema of links.parquet.
func LinksSchema() *arrow.Schema {
	s, b, i, f := arrow.BinaryTypes.String, arrow.FixedWidthTypes.Boolean, arrow.PrimitiveTypes.Int32, arrow.PrimitiveTypes.Float64
	return arrow.NewSchema([]arrow.Field{
		field("article_a", s, false, "one article of the pair: the smaller article id"),
		field("article_b", s, false, "the other article: the larger article id"),
		field("cluster_a", s, false, "cluster of article_a"),
		field("cluster_b", s, false, "cluster of article_b; equal to cluster_a when the link was kept"),
		field("passages", i, false, "verified sentence pairs the two share: the rows of link_passages for this pair"),
		field("evidence", f, false, "sum of the passages' rarity-weighted evidence (each shared rare shingle counts 1/(articles holding it - 1)); the pair links on passages when it reaches min_evidence"),
		field("copy_jaccard", f, false, "whole-document word-shingle Jaccard when the pair is a copy (at least copy_threshold), else 0"),
		field("kept", b, false, "true when the clustering followed this link, false when it cut it"),
		field("cut_reason", s, false, "why the clustering cut the link; empty when kept"),
	}, nil)
}

// LinkPassagesSchema is the schema of link_passages.parquet.
func LinkPassagesSchema() *arrow.Schema {
	s, i, f := arrow.BinaryTypes.String, arrow.PrimitiveTypes.Int32, arrow.PrimitiveTypes.Float64
	return arrow.NewSchema([]arrow.Field{
		field("article_a", s, false, "article_a of the link in links.parquet (the smaller article id)"),
		field("sentence_a", i, false, "position of article_a's sentence in the article, from 0"),
		field("start_a", i, false, "start of article_a's sentence in its original text, in code points from 0 (as start_char in additions.parquet)"),
		field("end_a", i, false, "end of article_a's sentence in its original text, in code points, end exclusive"),
		field("article_b", s, false, "article_b of the link (the larger article id)"),
		field("sentence_b", i, false, "position of article_b's sentence in the article, from 0"),
		field("start_b", i, false, "start of article_b's sentence in its original text, in code points from 0"),
		field("end_b", i, false, "end of article_b's sentence in its original text, in code points, end exclusive"),
		field("shared", i, false, "word shingles the two sentences share"),
		field("evidence", f, false, "the shared rare shingles weighted by rarity: this pair's part of the link's evidence"),
		field("containment", f, false, "shared shingles over the smaller sentence's shingles"),
		field("jaccard", f, false, "shared shingles over the union of the two sentences' shingles"),
	}, nil)
}

// linkOrder holds what both links tables need: each document's rank by
// article id, and its cluster's id.
type linkOrder struct {
	rank    []int32 // rank[doc]: position of the document's ID in byte order
	cluster []string
}

func newLinkOrder(st *pipeline.State) linkOrder {
	o := linkOrder{rank: make([]int32, len(st.Docs)), cluster: make([]string, len(st.Docs))}
	byID := make([]int32, len(st.Docs))
	for i := range byID {
		byID[i] = int32(i)
	}
	slices.SortFunc(byID, func(a, b int32) int { return strings.Compare(st.Docs[a].ID, st.Docs[b].ID) })
	for r, d := range byID {
		o.rank[d] = int32(r)
	}
	for _, c := range st.Clusters {
		for _, m := range c.Members {
			o.cluster[m] = c.ID
		}
	}
	return o
}

// ends returns the pair's documents smaller article id first, and whether
// that swapped them.
func (o linkOrder) ends(a, b int32) (lo, hi int32, swapped bool) {
	if o.rank[a] > o.rank[b] {
		return b, a, true
	}
	return a, b, false
}

// listed reports whether the links tables list e: every edge, except in a
// run with a history an edge between two articles of earlier nights, which
// those nights listed.
func listed(st *pipeline.State, e pipeline.Edge) bool {
	return st.Docs[e.A].Past == nil || st.Docs[e.B].Past == nil
}

// LinkBatches builds links.parquet's rows in records of at most batchRows
// rows, ordered by article_a then article_b, and hands each to emit; the
// record is released once emit returns.
func LinkBatches(st *pipeline.State, emit func(arrow.Record) error) error {
	o := newLinkOrder(st)
	// Each row's sort key is computed once: a comparison that looked the
	// ranks up again cost more than the rest of the table (1.6 million
	// link_passages rows at 100,000 articles).
	keys := make([]rowKey, 0, len(st.Edges))
	for i, e := range st.Edges {
		if listed(st, e) {
			lo, hi, _ := o.ends(e.A, e.B)
			keys = append(keys, rowKey{pair: pairKey(o.rank[lo], o.rank[hi]), row: int32(i)})
		}
	}
	order := sortRows(keys)
	return inBatches(LinksSchema(), len(order), emit, func(b *array.RecordBuilder, row int) {
		e := &st.Edges[order[row]]
		lo, hi, _ := o.ends(e.A, e.B)
		b.Field(0).(*array.StringBuilder).Append(st.Docs[lo].ID)
		b.Field(1).(*array.StringBuilder).Append(st.Docs[hi].ID)
		b.Field(2).(*array.StringBuilder).Append(o.cluster[lo])
		b.Field(3).(*array.StringBuilder).Append(o.cluster[hi])
		b.Field(4).(*array.Int32Builder).Append(e.Passages)
		b.Field(5).(*array.Float64Builder).Append(e.Evidence)
		b.Field(6).(*array.Float64Builder).Append(e.DocJaccard)
		b.Field(7).(*array.BooleanBuilder).Append(e.Cut == pipeline.CutNone)
		b.Field(8).(*array.StringBuilder).Append(e.Cut.String())
	})
}

// LinkPassageBatches builds link_passages.parquet's rows as LinkBatches
// does: the matches behind an edge of st.Edges (a match between articles
// whose evidence stayed under the minimum links nothing, and is left out),
// ordered by article_a, article_b, sentence_a, sentence_b.
func LinkPassageBatches(st *pipeline.State, emit func(arrow.Record) error) error {
	o := newLinkOrder(st)
	// The linked pairs, sorted here rather than trusting the order of
	// st.Edges, which the clustering may rearrange.
	// A set, where a binary search of the sorted pairs took a fifth of the
	// table's build (1.6 million matches, 280,000 pairs at 100,000
	// articles).
	pairs := make(map[uint64]struct{}, len(st.Edges))
	for _, e := range st.Edges {
		if listed(st, e) {
			pairs[pairKey(min(e.A, e.B), max(e.A, e.B))] = struct{}{}
		}
	}
	linked := func(m *pipeline.Match) bool {
		_, ok := pairs[pairKey(min(m.A.Doc, m.B.Doc), max(m.A.Doc, m.B.Doc))]
		return ok
	}
	// sides returns a match's two sentences, article_a's first.
	sides := func(m *pipeline.Match) (a, b pipeline.SentenceRef) {
		if _, _, swapped := o.ends(m.A.Doc, m.B.Doc); swapped {
			return m.B, m.A
		}
		return m.A, m.B
	}
	sent := func(r pipeline.SentenceRef) *pipeline.Sentence { return &st.Docs[r.Doc].Sentences[r.Sentence] }
	keys := make([]rowKey, 0, len(st.Matches))
	for i := range st.Matches {
		m := &st.Matches[i]
		if linked(m) {
			a, b := sides(m)
			keys = append(keys, rowKey{pair: pairKey(o.rank[a.Doc], o.rank[b.Doc]), sentences: pairKey(sent(a).Index, sent(b).Index), row: int32(i)})
		}
	}
	order := sortRows(keys)
	return inBatches(LinkPassagesSchema(), len(order), emit, func(b *array.RecordBuilder, row int) {
		m := &st.Matches[order[row]]
		ra, rb := sides(m)
		sa, sb := sent(ra), sent(rb)
		b.Field(0).(*array.StringBuilder).Append(st.Docs[ra.Doc].ID)
		b.Field(1).(*array.Int32Builder).Append(sa.Index)
		b.Field(2).(*array.Int32Builder).Append(sa.Start)
		b.Field(3).(*array.Int32Builder).Append(sa.End)
		b.Field(4).(*array.StringBuilder).Append(st.Docs[rb.Doc].ID)
		b.Field(5).(*array.Int32Builder).Append(sb.Index)
		b.Field(6).(*array.Int32Builder).Append(sb.Start)
		b.Field(7).(*array.Int32Builder).Append(sb.End)
		b.Field(8).(*array.Int32Builder).Append(m.Shared)
		b.Field(9).(*array.Float64Builder).Append(m.Evidence)
		b.Field(10).(*array.Float64Builder).Append(m.Containment)
		b.Field(11).(*array.Float64Builder).Append(m.Jaccard)
	})
}

// rowKey is a row's place in a links table: the pair of article ranks,
// then for link_passages the pair of sentence positions, then the row's
// index in st.Edges or st.Matches, which no two rows share.
type rowKey struct {
	pair, sentences uint64
	row             int32
}

// pairKey packs two non-negative int32s so that the keys order as the
// pairs do, the first one first.
func pairKey(a, b int32) uint64 { return uint64(uint32(a))<<32 | uint64(uint32(b)) }

// sortRows sorts keys and returns their rows in that order.
func sortRows(keys []rowKey) []int32 {
	// Compared field by field: cmp.Or would compare all three every time.
	slices.SortFunc(keys, func(x, y rowKey) int {
		if x.pair != y.pair {
			return cmp.Compare(x.pair, y.pair)
		}
		if x.sentences != y.sentences {
			return cmp.Compare(x.sentences, y.sentences)
		}
		return cmp.Compare(x.row, y.row)
	})
	order := make([]int32, len(keys))
	for i, k := range keys {
		order[i] = k.row
	}
	return order
}

// inBatches builds n rows of schema with add, batchRows at a time, and hands
// each record to emit, in order. A table of no rows is one empty record, so
// that its file still carries the schema. A table of several records is
// built on a goroutine of its own, a record ahead of emit: building
// link_passages' rows took a fifth of its time in the write, and encoding
// the record before need not wait for it.
func inBatches(schema *arrow.Schema, n int, emit func(arrow.Record) error, add func(b *array.RecordBuilder, row int)) error {
	build := func(b *array.RecordBuilder, start int) arrow.Record {
		for row := start; row < min(n, start+batchRows); row++ {
			add(b, row)
		}
		return b.NewRecord()
	}
	if n <= batchRows {
		b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
		defer b.Release()
		rec := build(b, 0)
		defer rec.Release()
		return emit(rec)
	}
	recs := make(chan arrow.Record, 1)
	stop := make(chan struct{})
	go func() {
		defer close(recs)
		b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
		defer b.Release()
		for start := 0; start < n; start += batchRows {
			rec := build(b, start)
			select {
			case recs <- rec:
			case <-stop:
				rec.Release()
				return
			}
		}
	}()
	var err error
	for rec := range recs {
		if err == nil {
			if err = emit(rec); err != nil {
				close(stop)
			}
		}
		rec.Release()
	}
	return err
}

// LinkRecord builds links.parquet's rows as one record, for tests and
// small states.
func LinkRecord(st *pipeline.State) arrow.Record { return oneRecord(st, LinkBatches) }

// LinkPassageRecord builds link_passages.parquet's rows as one record, for
// tests and small states.
func LinkPassageRecord(st *pipeline.State) arrow.Record { return oneRecord(st, LinkPassageBatches) }

func oneRecord(st *pipeline.State, batches func(*pipeline.State, func(arrow.Record) error) error) arrow.Record {
	var recs []arrow.Record
	var schema *arrow.Schema
	_ = batches(st, func(r arrow.Record) error { // emit returns no error
		r.Retain()
		schema = r.Schema()
		recs = append(recs, r)
		return nil
	})
	if len(recs) == 1 {
		return recs[0]
	}
	cols := make([]arrow.Array, schema.NumFields())
	var rows int64
	for _, r := range recs {
		rows += r.NumRows()
	}
	for c := range cols {
		parts := make([]arrow.Array, len(recs))
		for i, r := range recs {
			parts[i] = r.Column(c)
		}
		col, err := array.Concatenate(parts, memory.DefaultAllocator)
		if err != nil {
			panic(err) // the parts share one type by construction
		}
		defer col.Release()
		cols[c] = col
	}
	for _, r := range recs {
		r.Release()
	}
	return array.NewRecord(schema, cols, rows)
}
