#!/bin/sh
# Audit JSON Lines beyond one process: GNU parallel, then PySpark (if installed).
#
#   scripts/scale-out-example.sh [REPEAT]
#
# Builds the release binary, writes the fixture articles REPEAT times (default
# 20) as JSON Lines, and audits them with `sourcing audit --input jsonl -` as
# the map step of GNU parallel and of PySpark's RDD.pipe in local mode. Any
# engine that can pipe records through a command (Spark, Hadoop Streaming,
# Beam) scales it out the same way.
set -eu
cd "$(dirname "$0")/.."
repeat=${1:-20}
cargo build --release --quiet
bin=$PWD/target/release/sourcing
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 scripts/fixtures-to-jsonl.py "$repeat" > "$work/articles.jsonl"
# One bad line, to show it comes back as an error record and nothing stops.
echo '{"id": "broken", "body": "no text field"}' >> "$work/articles.jsonl"
records=$(wc -l < "$work/articles.jsonl")
echo "$records records in $work/articles.jsonl"

# GNU parallel: split stdin into blocks of whole lines, one sourcing per block,
# --keep-order so the output lines up with the input.
parallel --pipe --keep-order --block 1M -j 2 "$bin audit --input jsonl --jobs 1 -" \
  < "$work/articles.jsonl" > "$work/parallel.jsonl" || true
echo "GNU parallel: $(wc -l < "$work/parallel.jsonl") reports, $(grep -c '"error"' "$work/parallel.jsonl") error record(s)"
# The same records audited by one process give the same lines.
"$bin" audit --input jsonl - < "$work/articles.jsonl" > "$work/single.jsonl" || true
cmp -s "$work/parallel.jsonl" "$work/single.jsonl" && echo "GNU parallel output = single-process output"

if python3 -c 'import pyspark' 2>/dev/null; then
  python3 scripts/spark_pipe.py "$work/articles.jsonl" "$work/spark-out" "$bin"
  echo "PySpark: $(cat "$work"/spark-out/part-* | wc -l) reports"
else
  echo "PySpark not installed (pip install pyspark); skipped"
fi
