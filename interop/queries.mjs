// Reads the Parquet tables of a dedupe run with DuckDB, a reader
// independent of dedupe's own writer, runs the example queries and prints
// their results as JSON. Used by interop_test.go; also handy by hand:
//
//   npm ci --prefix interop
//   node interop/queries.mjs out
import { DuckDBInstance } from '@duckdb/node-api';
import fs from 'node:fs';
import path from 'node:path';

const dir = process.argv[2];
if (!dir || process.argv.length > 3) {
  console.error('usage: node interop/queries.mjs OUT_FOLDER');
  process.exit(2);
}

const literal = (s) => `'${s.replaceAll("'", "''")}'`;
const table = (name) => literal(path.join(path.resolve(dir), name));

const instance = await DuckDBInstance.create(':memory:');
const db = await instance.connect();
const all = async (sql) => (await db.runAndReadAll(sql)).getRowObjectsJson();

await db.run(`CREATE VIEW clusters AS SELECT * FROM read_parquet(${table('clusters.parquet')})`);
await db.run(`CREATE VIEW additions AS SELECT * FROM read_parquet(${table('additions.parquet')})`);
await db.run(`CREATE VIEW links AS SELECT * FROM read_parquet(${table('links.parquet')})`);
await db.run(`CREATE VIEW link_passages AS SELECT * FROM read_parquet(${table('link_passages.parquet')})`);

// (1) Largest clusters: size, then cluster id, with the canonical's title.
const largestClusters = await all(`
  SELECT cluster_id, cluster_size, title AS canonical_title
  FROM clusters
  WHERE is_canonical
  ORDER BY cluster_size DESC, cluster_id
  LIMIT 10`);

// (2) The largest cluster: its canonical, then each member, with the number
// of rows each has in additions.parquet.
const largestMembers = await all(`
  WITH top AS (
    SELECT cluster_id FROM clusters WHERE is_canonical
    ORDER BY cluster_size DESC, cluster_id LIMIT 1)
  SELECT c.cluster_id, c.article_id, c.is_canonical, c.title,
         coalesce(c.source, 'unknown') AS source,
         CAST(count(a.article_id) AS INTEGER) AS additions
  FROM clusters c
  JOIN top USING (cluster_id)
  LEFT JOIN additions a ON a.cluster_id = c.cluster_id AND a.article_id = c.article_id
  GROUP BY ALL
  ORDER BY c.is_canonical DESC, c.article_id`);

// (3) Outlets that most often add content: additions per source, outlets
// without a source counted as 'unknown'; outlets that add nothing included.
const additionsBySource = await all(`
  SELECT coalesce(c.source, 'unknown') AS source,
         CAST(count(a.article_id) AS INTEGER) AS additions
  FROM clusters c
  LEFT JOIN additions a ON a.cluster_id = c.cluster_id AND a.article_id = c.article_id
  GROUP BY 1
  ORDER BY additions DESC, source`);

// Every article with its number of additions, for checks against
// clusters.added_sentences.
const additionsByArticle = await all(`
  SELECT c.article_id, CAST(count(a.article_id) AS INTEGER) AS additions
  FROM clusters c
  LEFT JOIN additions a ON a.cluster_id = c.cluster_id AND a.article_id = c.article_id
  GROUP BY 1
  ORDER BY 1`);

// (4) Every link with its sentence pairs: how many rows link_passages has
// for it and what their evidence adds up to (the link's passages and
// evidence), strongest links first.
const linksWithPassages = await all(`
  SELECT l.article_a, l.article_b, l.cluster_a, l.cluster_b, l.passages, l.evidence,
         l.copy_jaccard, l.kept, l.cut_reason,
         CAST(count(p.article_a) AS INTEGER) AS passage_rows,
         coalesce(sum(p.evidence), 0) AS passage_evidence,
         coalesce(min(p.shared), 0) AS min_shared
  FROM links l
  LEFT JOIN link_passages p ON p.article_a = l.article_a AND p.article_b = l.article_b
  GROUP BY ALL
  ORDER BY l.evidence DESC, l.article_a, l.article_b`);

// (5) A run with --history: each of tonight's articles with the night its
// cluster started and whether it joined one of an earlier night, and the
// merges table.
let nightly;
if (fs.existsSync(path.join(dir, 'merges.parquet'))) {
  await db.run(`CREATE VIEW merges AS SELECT * FROM read_parquet(${table('merges.parquet')})`);
  nightly = {
    articles: await all(`
      SELECT article_id, cluster_id, canonical_id, cluster_size, first_seen, joined_existing
      FROM clusters ORDER BY article_id`),
    merges: await all(`SELECT night, surviving_id, absorbed_id FROM merges ORDER BY surviving_id, absorbed_id`),
  };
}

const version = (await all('SELECT version() AS v'))[0].v;

console.log(JSON.stringify({
  duckdb_version: version,
  largest_clusters: largestClusters,
  largest_cluster_members: largestMembers,
  additions_by_source: additionsBySource,
  additions_by_article: additionsByArticle,
  links_with_passages: linksWithPassages,
  nightly,
}, null, 2));
db.closeSync();
instance.closeSync();
