// Package history lets nightly runs remember: tonight's articles are
// matched against the articles of past nights, join the clusters those
// nights made, and carry those clusters' ids, so that an analyst can follow
// a story across nights (`dedupe run --history DIR`).
//
// This is slice 1: correct and simple, not yet cheap. What it does not do
// yet is said at the end.
//
// # What the store holds
//
// A history is a folder:
//
//	DIR/VERSION                         "dedupe-history 1": the format
//	DIR/manifest.json                   the nights kept, and each one's partition
//	DIR/parts/2026-12-01-123456/        one night's partition:
//	    articles.parquet                  its articles
//	    merges.parquet                    the cluster ids it absorbed
//
// articles.parquet has one row per article the night kept, in the order the
// run read them: what the load stage read (id, source_path, line, title and
// whether it came from the text, url, source, published_at, and the
// original text, as read), and what the night decided (cluster_id, and the
// first_seen night of that cluster). merges.parquet has one row per cluster
// id absorbed that night: night, surviving_id, absorbed_id, as the run's
// merges table.
//
// The original text is kept, not its hashes: re-read through the same
// per-article stages (normalize, unwrap, segment, boilerplate, shingle),
// which look at one article only, it gives back exactly the sentences,
// shingles and offsets of its night. Tonight's additions against an earlier
// night's canonical need the canonical's sentences, and matching needs
// their shingles, so a history article is rebuilt as a pipeline.Doc like
// any of tonight's, without reading the night's input again.
//
// # Nights
//
// A run names its night with --night YYYY-MM-DD, by default today's date in
// UTC; a cron job that runs in the morning over yesterday's crawl passes
// yesterday's date. The run reads every kept night older than tonight,
// writes tonight's partition, and then:
//
//   - re-running a night (the same input, the same history before it)
//     replaces that night's partition: the nights after it are not read,
//     tonight's own earlier partition is not read, so the tables are
//     byte-identical;
//   - a night older than the newest stored one is refused unless --force
//     (which then reads only the nights before it and keeps those after);
//   - nights at least --history-days (default 30) older than tonight are
//     dropped, a partition at a time.
//
// An article id must be unique across the nights kept, as it must within
// one run: an article of tonight whose id a kept night already holds is
// rejected as a duplicate (rejects.parquet says which night), as load
// rejects a second article of one id. Ids that are paths repeated every
// night ("a.txt") therefore need a folder per night in the id (JSONL ids, or
// an input folder whose paths carry the date).
//
// # Cluster ids
//
// Matching runs over the history and tonight together, with the stages of
// a run without history: document frequencies, chrome repeated across
// outlets and stock text are counted over both. Each resulting cluster then
// takes an id (Assign):
//
//   - a cluster none of whose members is in the history keeps its
//     content-derived id (see package cluster), and first_seen is tonight;
//   - otherwise it carries the id its history members were stored with
//     (resolved through the recorded merges): the id first seen on the
//     oldest night survives, a tie going to the smaller id, and
//     joined_existing is true when one of tonight's articles is in it;
//   - an old id goes to one cluster only. When tonight's clustering has
//     spread one old id's articles over several clusters, the cluster
//     holding most of them takes it (a tie to the smaller content id), and
//     each other cluster its next-oldest id not taken, or, failing that, its
//     content id;
//   - every other old id among a cluster's history members, taken by no
//     cluster, was absorbed into the surviving one: a row of merges.parquet
//     (night, surviving_id, absorbed_id), stored with the night, so that a
//     later night resolves the absorbed id to the survivor.
//
// The stored articles keep the cluster id of their own night: a later
// night's clustering does not rewrite an earlier partition, and reaches
// them through the merges only.
//
// # The tables
//
// The tables list tonight's articles only. clusters.parquet gains two
// columns: first_seen (the night the cluster's id was first given) and
// joined_existing (true when the cluster carries an id from the history);
// cluster_size counts every member, history included; canonical_id may
// name an article of an earlier night, and additions are against it.
// links.parquet and link_passages.parquet keep the links with at least one
// of tonight's articles. A run with a history writes a sixth table,
// merges.parquet. A run without --history writes what it wrote before,
// byte for byte.
//
// # Safety
//
// The new partition is written and synced into a fresh folder under
// DIR/parts before the tables are swapped into --out; once they are, one
// rename of manifest.json makes it part of the history and drops the old
// nights. A run killed before that rename leaves the history as it was (its
// unlisted folder is removed by the next run); killed between the tables'
// swap and that rename, it leaves new tables and the previous history, and
// re-running the night makes them agree. One run at a time uses a history
// (flock on .DIR.lock beside it). A history whose VERSION names another
// format is refused, as is a folder that holds files but no VERSION.
//
// # Why Parquet partitions
//
// A night is written once and, in slice 1, read whole: a sequential,
// columnar read, zstd-compressed, with arrow-go, which the tables already
// use (no new module), readable by DuckDB for inspection, and dropped as one
// folder. A key-value store (Pebble, bbolt) earns its keep on point lookups
// by shingle or signature, which slice 1 does not make; that choice is
// slice 2's to measure.
//
// # What slice 1 does not do yet
//
//   - Cost: every kept night's articles are re-processed each night (their
//     text normalised, segmented and shingled again, and matched anew), so a
//     night costs as much as one run over all the kept nights together, not
//     the 1.5 times a night alone.
//   - Memory: the whole kept history is in memory for the run, as tonight
//     is; the issue wants tonight plus what the lookups touch.
//   - Document frequencies come from the history only as far as the kept
//     articles are re-read; nothing is persisted per shingle yet.
//   - Slice 2 persists shingles, signatures and document frequencies per
//     night, looks history articles up through the LSH bands instead of
//     re-processing them, and is measured against the 7-night
//     equivalence test and its 1.5x cost target.
package history
