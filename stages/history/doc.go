// Package history lets nightly runs remember: tonight's articles are
// matched against the articles of past nights, join the clusters those
// nights made, and carry those clusters' ids, so that an analyst can follow
// a story across nights (`dedupe run --history DIR`).
//
// Slice 1 made it correct and simple; slice 2 stores what the per-article
// stages make of each article instead of its text; slice 3 loads only the
// stored articles tonight's touch; slice 4 stores what the repeats and
// spread stages count, probes with the sentences that will be indexed,
// loads the stored clusters touched, and reads only the rows it loads;
// slice 5 probes only the stored articles the window lets link to
// tonight's. What it does not do yet is said at the end.
//
// # What the store holds
//
// A history is a folder:
//
//	DIR/VERSION                         "dedupe-history 3": the format
//	DIR/manifest.json                   the nights kept, each one's partition and --shingle
//	DIR/parts/2026-12-01-123456/        one night's partition:
//	    articles.parquet                  its articles
//	    merges.parquet                    the cluster ids it absorbed
//	    keys.bin                          its articles' band keys, sorted
//	    df.bin                            its shingles' document frequencies
//	    repeats.bin                       its sentence keys' holders, by outlet and cluster
//
// articles.parquet has one row per article the night kept, in the order the
// run read them: what the load stage read (id, source_path, line, title and
// whether it came from the text, url, source, published_at), the article's
// record (sentences, a binary column: see AppendRecord), and what the night
// decided (cluster_id, and the first_seen night of that cluster).
// merges.parquet has one row per cluster id absorbed that night: night,
// surviving_id, absorbed_id, as the run's merges table.
//
// The record is what the per-article stages (normalize, unwrap, segment,
// boilerplate, shingle), which look at one article only, made of it: each
// sentence's key, offsets, paragraph, words, terminated and chrome flags,
// structural boilerplate reason, figures, shingle set and the subset
// holding no name, and the counts of the sentences dropped as structural
// boilerplate; the title is stored as the boilerplate stage left it. A
// history article is rebuilt from it (Rebuild) as the pipeline.Doc those
// stages gave on its night, field for field (TestRecordRebuildsDoc), and
// goes through the corpus stages with tonight's. The text is not kept:
// the tables list tonight's articles only, so the additions, and the text
// the excerpt stage reads again, are tonight's; a canonical of an earlier
// night is compared through its sentences' shingles. Shingles depend on
// --shingle, so a partition records it, and a night run with another
// value is refused.
//
// keys.bin holds, sorted by key, each band key of each article with the
// article's row in articles.parquet (12 bytes a key; see Keyer.DocKeys):
// the keys of the MinHash signature of each content, terminated sentence
// over its name-free shingles, in the passage channel's bands, and of the
// whole document's shingles, in the copy channel's. df.bin holds, sorted,
// each shingle the night's articles hold and in how many (8 bytes a
// shingle). repeats.bin holds, sorted, for each sentence key the night's
// articles hold, and each outlet and cluster id among those articles, how
// many of them hold it and whether one held it as content when the spread
// stage had run (24 bytes an entry; see Repeat). A partition of slice 2,
// without keys, and one of format 2, without repeats, is read whole.
//
// Format 1 (slice 1) stored the original text and put it through the
// per-article stages again every night; a format-1 history is refused with
// the formats named (start a new history folder). Format 2 (slices 2 and
// 3) lacks repeats.bin: such a history is read, its partitions whole,
// and says format 3 from its next commit (see Format).
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
// # What a night loads
//
// A night first reads each kept night's index: the id, cluster id and
// publication time of every row (three columns of articles.parquet), and
// its merges. Tonight's articles whose id a night holds are rejected
// (see Nights), and the others are keyed as they were stored (Capture).
// They probe with the keys of their whole documents (the copy channel's)
// and of the sentences the rarity stage will leave indexable: their
// document frequencies are known before any article is loaded, tonight's
// counts (counted once, and kept for Rarity) plus each night's df.bin, as
// Rarity will count them (Night.probe). A sentence that will not be
// indexed links nothing tonight, and its keys, over shingles many
// unrelated articles hold, touched most of the history (slice 3: 12,769
// of 20,000 stored articles loaded; 6,053 with this filter).
//
// The pipeline never links two articles that both have a publication
// time and were published further apart than the window (--window,
// default 2d; verify.Apart), so a key a stored article shares with
// tonight's counts only when one of tonight's articles holding that key
// was published within the window of it, or either has no time (see
// Probe); with --window 0 every key counts. The test is per pair, the
// stored article against the times of the articles probing with the
// key, not against tonight's whole span: on the 120,000 below, the span
// loaded 3,974 stored articles and the pairs 2,637 (on nights of 10,000
// spanning 9 days, against 9 of them: 1,230 and 744), at no measurable
// cost (a binary search over a key's few holders, not among a CPU
// profile's 400 costliest entries), and an undated
// article tonight makes its own keys reach the whole history, not every
// key. A night none of whose articles is within the window of tonight's
// span (and none without a time, and tonight has none without one) is
// not probed: its keys.bin is not read (Probe.Reaches, on the times of
// its index; nothing is recorded for it, so a history written before
// this is read the same way).
//
// For each night probed, its keys.bin is merged with tonight's sorted
// keys, one pass over each; a key that more than DenseKey (1,000)
// articles of one night hold, in or out of the window, is not followed
// (at 100, slice 3's equivalence F1 fell from 0.9929 to 0.9872). Every
// stored article of the stored clusters (ids followed through the
// merges, over all the nights read) of which one article shares
// TouchKeys (3) keys or more with tonight's is then rebuilt and goes
// through the corpus stages with tonight's: its whole cluster, whatever
// its members' times, so that the cluster stage sees the story it
// belongs to, and can tell a stock passage tonight shares with one of its
// articles for a bridge (with the touched articles alone the equivalence
// test fell to F1 0.9861). The others are read for their id (the
// duplicate check) and cluster id only: they count in their cluster's
// cluster_size (pipeline.Cluster.Unloaded).
//
// The rarity stage (Rarity) takes a shingle's document frequency as its
// count among tonight's articles plus each night's stored count, so it is
// the whole history's, as is the common-phrase limit. The probe reads
// each night's df.bin once for every shingle tonight's articles hold and
// keeps the counts, and the rarity stage reads the files again only for
// the shingles of the loaded articles none of tonight's holds (222,441
// of the 1,447,810 it asks for, 10,000 against 29 nights), which walks a
// night's file in a third of the probe's time (BenchmarkStoredDF: 8-9 ms
// against 22-25 ms; probeDF, rarityDF; a night read whole is counted by
// its df.bin for the probe, and by its loaded articles for the rarity
// stage, as before). The repeats stage
// (RepeatsStage) likewise counts a sentence key's holders (its KeyDF,
// and its holders by outlet) over tonight and each night's repeats.bin,
// and the spread stage (SpreadStage) the clusters of the holders that
// held it as content, a stored article in the cluster id it was stored
// with, followed through the merges.
//
// What this makes approximate, against a run over every kept article:
//
//   - the keys are taken over a sentence's name-free shingles before the
//     rarity filter (which depends on the corpus), where the lsh stage
//     keys the filtered ones: a pair the run would find through a
//     sentence whose unfiltered signatures share no band is not loaded;
//   - which of tonight's sentences are indexable is judged before the
//     repeats stage, on the per-article stages' content flags;
//   - a stored article that shares fewer than TouchKeys keys with
//     tonight's, in a cluster no other touched article is in, is not
//     loaded, nor is one linked to tonight's only through another stored
//     cluster, nor one published further than the window from tonight's
//     articles sharing its keys (it cannot be linked to them, but a run
//     over every article would have seen it beside them: the equivalence
//     test gives F1 0.9933 with the window as without);
//   - a stored article that holds a sentence key but was not loaded
//     counts in the key's holders and its outlet's, but its own sentences
//     are not known: the shared-lead rule (boilerplate.SharedLeadsSeeing),
//     which keeps an edge sentence as content when its holders of one
//     outlet are the same story, takes it for another story (one of the
//     same story would share tonight's rarer sentences, and be loaded);
//   - the spread stage counts a stored article in the cluster its night
//     gave it (through the merges), with the content its night decided,
//     not as tonight would re-decide either;
//   - the canonical is chosen among the loaded members;
//   - a cluster holding history articles only is not in the tables, and
//     takes no id and records no merge: tonight's clustering of some of
//     their articles, without the others, is no reason to merge their
//     ids (in the equivalence test, loading only the touched articles
//     made 12 merges instead of 2, and F1 fell to 0.9786, with that rule
//     0.9872 and 4 merges; slice 2, loading every article, made 2).
//
// # Cluster ids
//
// Matching runs over tonight and the history articles loaded, with the
// stages of a run without history. Each resulting cluster holding one of
// tonight's articles then takes an id (Assign):
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
// DIR/parts before the tables are swapped into --out, each file as soon as
// what it holds is known, beside the stages that follow: keys.bin and
// df.bin once the probe has run (Source), the rest once the spread stage
// has (Save); Write waits for all of it. Once the tables are swapped in,
// one rename of manifest.json makes the partition part of the history and
// drops the old nights. A run killed before that rename leaves the history
// as it was (its unlisted folder is removed by the next run, or by the
// run itself when it fails or is cancelled: Night.Close); killed between
// the tables' swap and that rename, it leaves new tables and the previous
// history, and re-running the night makes them agree. One run at a time uses a history
// (flock on .DIR.lock beside it). A history whose VERSION names another
// format is refused, as is a folder that holds files but no VERSION.
//
// # Why Parquet partitions, and flat files for the lookups
//
// A night is written once and read by columns and row groups: its
// articles, zstd-compressed, with arrow-go, which the tables already use
// (no new module), readable by DuckDB for inspection, and dropped as one
// folder. A night reads the article ids, cluster ids and publication times
// of every row (three small columns), and the records of the rows it loads
// only, a row group of GroupRows (1,000) at a time (ReadIndex, ReadRows). The lookups are
// merge joins of sorted runs, tonight's keys against a night's, tonight's
// shingles and sentence keys against a night's counts: each a sequential
// pass over a flat file of fixed-size entries, which a key-value store
// (Pebble, bbolt) would do no faster and would add a module and a second
// way of dropping a night.
//
// # What it does not do yet
//
// Measured on the bench corpus (seed 1, Brown text, about 3,400 articles
// a day) split in publication order into nights of 10,000 (each spans
// about 3 days), on the 2 shared cores of the bench machine (README,
// "Running it nightly", has the commands), runs interleaved, hence the
// ranges; "before" is slice 4, which probed every stored article:
//
//	10,000 tonight against   stored   loaded  night          alone        peak RSS (alone)
//	11 nights (before)       110,000  48,504  29.4-47.5 s    6.0-11.3 s   1.51-1.60 GiB (329-365 MiB)
//	11 nights                110,000   2,637  10.5-16.3 s                 622-670 MiB
//	 3 nights                 30,000   2,780  14.6-15.4 s    9.1-9.8 s    669-671 MiB (316-322 MiB)
//	 9 nights                 90,000   2,645  15.6-17.5 s                 649-686 MiB
//	29 nights                290,000   2,617  15.4-16.0 s                 662-670 MiB
//
// On nights of 9 days (the bench's 100,000 of seed 1, 1,100 articles a
// day), 10,000 against 9 nights loads 744 of 90,000 (before: 38,430):
// 7.9-11.7 s against 4.4-4.6 s alone (before: 17.9-18.5 s), peak RSS
// 606-618 MiB (before: 1.27-1.28 GiB; alone 318-329 MiB).
//
// The last three are one night (the 31st) against the 3, 9 and 29
// nights before it. Tonight's articles span 3 days, so the window (2d)
// reaches the night before only, and its keys.bin alone is read; the
// per-pair test loads 2,637 where tonight's span would load 3,974.
// Against slice 4 the tables of the 11-night case differ in 6 of the
// 10,000 rows' cluster id and size (the same 558 join the history), and
// with --window 1000d, when no stored article is outside the window, they
// are byte-identical. The equivalence test gives F1 0.9933, as before
// (its nights are a day each). The store takes 5,260 bytes an article
// at 10,000 a night (articles.parquet 1,519, keys.bin 1,986, df.bin
// 1,288, repeats.bin 465).
//
//   - Cost: a night costs 1.5-1.9x the night alone in wall time, run by
//     run (CPU 10.4-12.7 s against 6.3-6.7 s, 1.6-2.0x). The 1.5x is not reached.
//     Most of the difference does not depend on the history: keying
//     tonight's sentences (hist-record, 1.0-1.8 s), writing the partition
//     (hist-save, 1.2-2.1 s), the probe's counts and sort, and the corpus
//     stages over the 2,600-2,800 articles loaded (26-28% of tonight). What
//     grows with the history is its per-night reads, below: from 3 to 29
//     nights the night's CPU grew by 1.9-2.0 s (run by run), about 0.07 s
//     a stored night of 10,000 (a CPU profile against 11 nights puts the
//     reads below at 0.05 s a night). Since, tonight's share does less
//     twice and waits less: df.bin is walked in full once (see Rarity
//     above), the minhash stage keeps the document signatures Capture
//     made for the keys, the partition is encoded and synced beside the
//     tables (Save, Write), and the nights' indexes, loaded rows and
//     repeats files, tonight's counts and the probe's sorts run on the
//     workers. The sentences' signatures are not shared: of tonight's
//     97,294 indexed sentences (10,000 against 29 nights), 19,933 keep
//     after the rarity stage the shingles they were keyed on, and keeping
//     the 130,615 keyed sentences' signatures for them would hold 33 MB.
//   - Reading: every night read costs its index (three columns of
//     articles.parquet, 5-8 ms at 10,000 rows; the publication times add
//     nothing measurable, so they are not recorded anywhere else), its
//     df.bin twice, the second time for few shingles (see Rarity above:
//     1,288 bytes an article; the nights shared among the workers) and its
//     repeats.bin once (465 bytes an article): 3,041 bytes an article
//     read, about 30 MB a night of 10,000, whether or not it is in the
//     window, because document frequencies and the repeats and spread
//     stages count the whole history. keys.bin (1,986 bytes an article)
//     is read only for the nights in the window. Memory no longer follows
//     the history but for the index's cluster ids and times (about 40
//     bytes a stored article).
//   - 30 nights of 50,000 (1.5 M): not run (a night of 50,000 took
//     66-202 s to add). 50,000 tonight (15 days of the bench corpus)
//     against 5 nights of 50,000 loads 2,467 of the 250,000 and takes
//     87.5-110.7 s against 64.2-74.1 s alone (CPU 62.3-63.6 s against
//     43.1-44.5 s, 1.4-1.5x), peak RSS 2.67-2.68 GiB against 1.25-1.32
//     GiB: tonight's keys, counts and partition, not the history. In its
//     CPU profile the reads each stored night adds (its index, df.bin
//     twice, repeats.bin) take 0.9 s over the 5 nights, about 0.2 s a
//     night, so 30 nights would add about 5 s more: the night would cost
//     about 1.5-1.6x the night alone's CPU. (Runs against 1 night and 5, one
//     each, took 57.2 s and 65.6 s of CPU: more than those reads, on the
//     shared machine.) What costs is tonight's share, in the profile:
//     the probe 6.3 s (counting tonight's shingles, judging the indexable
//     sentences, ordering the keys), writing the partition 3.6 s, keying
//     tonight's sentences 2.8 s, and the repeats and rarity stages' maps
//     and sorts over tonight's keys and shingles; the probe's count of
//     tonight's shingles now serves the rarity stage too. Sharing more of
//     that work with the stages (the rarity stage sorts the same
//     shingles, the minhash stage signs the sentences again) is the next
//     lever.
//   - Real crawls: a night of a crawl spans a day or so, and its
//     stragglers (articles published days before they are crawled) widen
//     the window's reach only for their own keys (per pair). Undated
//     articles reach the whole history with theirs; a crawl of many
//     undated articles would probe every night's keys.bin again.
package history
