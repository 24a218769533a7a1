#!/usr/bin/env bash
# docrec's speed per document kind beside the plain `tesseract` command
# line on the same images, measured in the same run: for credit cards,
# business certificates and ID cards, clean scans and phone photos,
# N synthetic documents each are
#   - read by `docrec eval` one at a time (p50, p95, documents per second)
#     and with two workers (documents per second);
#   - read by `tesseract IMAGE - -l LANG` one after the other, a process
#     per image as a user of the CLI would run it (p50, p95), with `eng`
#     for cards and `kor` for the Korean documents.
# Prints a Markdown table; the last column is docrec's p50 over
# tesseract's. Both run with OMP_THREAD_LIMIT=1.
#
#   bash benches/versus-tesseract.sh [N=40]
#
# Needs a release build (cargo build --release -p docrec-server) and an
# idle machine: the ID-card recognizer stops starting new views after 2 s.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-40}
bin=./target/release/docrec
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OMP_THREAD_LIMIT=1

# p50 and p95 of the millisecond values on standard input.
percentiles() {
  sort -n | awk '{ v[NR] = $1 } END {
    p50 = v[int((NR - 1) * 0.50) + 1]; p95 = v[int((NR - 1) * 0.95) + 1]
    printf "%d %d\n", p50, p95 }'
}

echo "| kind | level | documents | docrec p50 / p95 (ms) | docrec docs/s, 1 / 2 workers | tesseract CLI p50 / p95 (ms) | docrec p50 ÷ tesseract p50 |"
echo "|---|---|---|---|---|---|---|"
for kind in credit-card business id-card; do
  case $kind in
    credit-card) lang=eng ;;
    *) lang=kor ;;
  esac
  for level in clean photo; do
    dir="$work/$kind-$level"
    "$bin" synth "$kind" --n "$n" --out "$dir" --seed 9090 --levels "$level" >/dev/null 2>&1
    one=$("$bin" eval "$dir" --workers 1 2>/dev/null | grep '^latency')
    two=$("$bin" eval "$dir" --workers 2 2>/dev/null | grep '^latency')
    # "latency per document: p50 351 ms, p95 1044 ms, mean 454 ms; 2.20 documents/s ..."
    read -r p50 p95 <<<"$(sed -E 's/.*p50 ([0-9]+) ms, p95 ([0-9]+) ms.*/\1 \2/' <<<"$one")"
    rate1=$(sed -E 's/.*; ([0-9.]+) documents\/s.*/\1/' <<<"$one")
    rate2=$(sed -E 's/.*; ([0-9.]+) documents\/s.*/\1/' <<<"$two")
    times="$work/tesseract-$kind-$level.ms"
    for image in "$dir"/*.png "$dir"/*.jpg; do
      [ -e "$image" ] || continue
      start=$(date +%s%N)
      tesseract "$image" - -l "$lang" >/dev/null 2>&1
      echo $((($(date +%s%N) - start) / 1000000)) >>"$times"
    done
    read -r t50 t95 <<<"$(percentiles <"$times")"
    ratio=$(awk -v a="$p50" -v b="$t50" 'BEGIN { printf "%.2f", a / b }')
    echo "| $kind | $level | $n | $p50 / $p95 | $rate1 / $rate2 | $t50 / $t95 | $ratio |"
  done
done
