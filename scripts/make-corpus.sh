#!/bin/sh
# Build a benchmark corpus by repeating the fixture articles of tests/fixtures/.
#
#   scripts/make-corpus.sh DIR [MEGABYTES] [FILES_PER_DIR]
#
# Writes copies of every fixture article into DIR/NNNN/ until DIR holds at least
# MEGABYTES (default 50) of article text. Each copy gets a distinct first line so
# no two files are identical. Nothing here is committed: point DIR at /tmp.
set -eu
dir=${1:?usage: make-corpus.sh DIR [MEGABYTES] [FILES_PER_DIR]}
mb=${2:-50}
per_dir=${3:-1000}
here=$(cd "$(dirname "$0")/.." && pwd)
target=$((mb * 1024 * 1024))
mkdir -p "$dir"
total=0
n=0
while [ "$total" -lt "$target" ]; do
  for f in "$here"/tests/fixtures/*.txt; do
    sub=$(printf '%s/%04d' "$dir" $((n / per_dir)))
    [ -d "$sub" ] || mkdir -p "$sub"
    out=$(printf '%s/%06d-%s' "$sub" "$n" "$(basename "$f")")
    { printf 'Copy %d of %s.\n\n' "$n" "$(basename "$f")"; cat "$f"; } > "$out"
    total=$((total + $(wc -c < "$out")))
    n=$((n + 1))
    [ "$total" -ge "$target" ] && break
  done
done
echo "$n files, $total bytes in $dir"
