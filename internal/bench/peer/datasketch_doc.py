#!/usr/bin/env python3
"""Document-level near-duplicate clustering with datasketch, the peer that
issue 12 compares dedupe with.

It reads a dedupe JSONL corpus (a folder of *.jsonl files, one article per
line with at least the fields "id" and "text"), and for every article:

  - lowercases the text and splits it into words (runs of \\w characters),
  - takes the set of word 3-grams (an article of fewer than 3 words is one
    shingle of all its words),
  - builds a datasketch MinHash of 128 permutations over the UTF-8 shingles
    (sha1_hash32, datasketch's default; MinHash.generator, which reuses the
    permutations as datasketch recommends for many documents).

It inserts every MinHash into one MinHashLSH (threshold 0.5, 128
permutations, in-memory dict storage), queries each article, and unions the
article with every key the query returns (union-find, no further Jaccard
check: the LSH candidates are the links). The components are the clusters;
a cluster is named by its smallest article id, so the output is the same on
every run.

Given FILTERED as well, it writes a second clustering there, made the same
way from only the links whose MinHash-estimated Jaccard similarity is at
least the threshold (MinHash.jaccard, as datasketch's docs suggest for
filtering LSH candidates); its time is reported as "filtered" and is part
of the total.

It writes OUT as CSV, header "article_id,cluster_id", one row per article in
id order, which `dedupe-bench --score OUT` scores against the corpus truth,
and prints one JSON object with the wall time of each phase (read, minhash,
lsh_insert, lsh_query, union, write) and in total. One process, one core:
datasketch has no parallel path for this.

Usage:

    PYTHONPATH=/path/to/datasketch-copy python3 datasketch_doc.py INPUT_DIR OUT.csv [FILTERED.csv]
"""

import csv
import glob
import json
import os
import re
import sys
import time

from datasketch import MinHash, MinHashLSH

NUM_PERM = 128
THRESHOLD = 0.5
WORD = re.compile(r"\w+")


def shingles(text):
    """Return the set of word 3-grams of text, lowercased, as UTF-8 bytes."""
    words = WORD.findall(text.lower())
    if len(words) < 3:
        return {" ".join(words).encode("utf-8")}
    return {" ".join(words[i : i + 3]).encode("utf-8") for i in range(len(words) - 2)}


def read_corpus(folder):
    """Return (ids, texts) of every article in folder's *.jsonl files, in file
    then line order."""
    paths = sorted(glob.glob(os.path.join(folder, "*.jsonl")))
    if not paths:
        raise SystemExit(f"datasketch_doc: no *.jsonl files in {folder}")
    ids, texts = [], []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    rec = json.loads(line)
                    ids.append(str(rec["id"]))
                    texts.append(rec.get("text") or "")
                except (ValueError, KeyError) as err:
                    raise SystemExit(f"datasketch_doc: {path}:{n}: {err}")
    return ids, texts


def find(parent, i):
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def components(ids, links):
    """Union every (i, j) of links over len(ids) items and return each item's
    cluster name: the smallest article id of its component."""
    parent = list(range(len(ids)))
    for i, j in links:
        a, b = find(parent, i), find(parent, j)
        if a != b:
            parent[max(a, b)] = min(a, b)
    name = {}
    for i in range(len(ids)):
        r = find(parent, i)
        if r not in name or ids[i] < name[r]:
            name[r] = ids[i]
    return [name[find(parent, i)] for i in range(len(ids))]


def write_csv(path, ids, cluster):
    """Write article_id,cluster_id rows in id order to path, atomically."""
    tmp = path + ".tmp"
    with open(tmp, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["article_id", "cluster_id"])
        for i in sorted(range(len(ids)), key=ids.__getitem__):
            w.writerow([ids[i], cluster[i]])
    os.replace(tmp, path)


def main(argv):
    if len(argv) not in (3, 4):
        raise SystemExit(__doc__)
    folder, out = argv[1], argv[2]
    filtered = argv[3] if len(argv) == 4 else None
    t = {}
    begin = time.perf_counter()

    mark = time.perf_counter()
    ids, texts = read_corpus(folder)
    t["read"] = time.perf_counter() - mark

    mark = time.perf_counter()
    minhashes = list(MinHash.generator((shingles(x) for x in texts), num_perm=NUM_PERM))
    t["minhash"] = time.perf_counter() - mark

    mark = time.perf_counter()
    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    t["lsh_setup"] = time.perf_counter() - mark
    mark = time.perf_counter()
    for i, m in enumerate(minhashes):
        lsh.insert(i, m)
    t["lsh_insert"] = time.perf_counter() - mark

    mark = time.perf_counter()
    found = [lsh.query(m) for m in minhashes]
    t["lsh_query"] = time.perf_counter() - mark

    mark = time.perf_counter()
    links = [(i, j) for i, keys in enumerate(found) for j in keys if j > i]
    cluster = components(ids, links)
    t["union"] = time.perf_counter() - mark

    mark = time.perf_counter()
    write_csv(out, ids, cluster)
    t["write"] = time.perf_counter() - mark

    kept = None
    if filtered:
        mark = time.perf_counter()
        kept = [(i, j) for i, j in links if minhashes[i].jaccard(minhashes[j]) >= THRESHOLD]
        write_csv(filtered, ids, components(ids, kept))
        t["filtered"] = time.perf_counter() - mark

    t["total"] = time.perf_counter() - begin
    report = {
        "articles": len(ids),
        "clusters": len(set(cluster)),
        "candidate_links": len(links),
        "bands": lsh.b,
        "rows": lsh.r,
        "filtered_links": None if kept is None else len(kept),
        "seconds": {k: round(v, 3) for k, v in t.items()},
    }
    print(json.dumps(report))


if __name__ == "__main__":
    main(sys.argv)
