#!/bin/sh
# side_by_side.sh runs dedupe and the datasketch peer back to back on one
# bench corpus and scores both against its truth (see README.md here).
#
# Usage: side_by_side.sh DIR ARTICLES SEED
#
# DIR is a corpus kept by `dedupe-bench --articles ARTICLES --seed SEED
# --recall-articles 0 --keep --dir DIR`. Needs dedupe and dedupe-bench on
# PATH, GNU time at /usr/bin/time, and PYTHON (default /usr/bin/python3)
# able to import datasketch (PYTHONPATH to a copy, or pip install).
set -eu
dir=$1 n=$2 seed=$3
py=${PYTHON:-/usr/bin/python3}
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

echo "== dedupe run ($n articles, seed $seed)"
GOGC=100 /usr/bin/time -f "%e s %U u %S sys %M KB" dedupe run --input "$dir/input" --out "$out/dedupe" --quiet
echo "== datasketch ($n articles, seed $seed)"
/usr/bin/time -f "%e s %U u %S sys %M KB" "$py" "$here/datasketch_doc.py" "$dir/input" "$out/datasketch.csv"

echo "== scores"
dedupe-bench --score "$out/dedupe/clusters.parquet" --articles "$n" --seed "$seed"
dedupe-bench --score "$out/datasketch.csv" --articles "$n" --seed "$seed"
