#!/usr/bin/env bash
# Accuracy on one face group of the synthetic generator (docs/synthetic-groups.md):
# for each kind (credit card, ID card, business certificate, passport) and
# level (clean, photo, hard), N documents drawn in GROUP's faces and templates, read by
# `docrec eval` in this process with two workers. Prints one markdown row per
# kind and level: documents with every key field exact (docrec eval's
# `document`), for ID cards and certificates also those with every key
# exact (`allKeys`), the wrong answers a
# client cannot catch (cards: numbers wrong with every group's conf >= 0.9;
# ID cards and certificates: values wrong with conf >= 0.9, as a share of
# the values answered) and the median latency.
#
# Usage: benches/held-out.sh GROUP [N] [SEED]
#   GROUP  development, validation or test (test: only for a closing note)
#   N      documents per kind and level (default 40)
#   SEED   the first set's seed (default 23000; kind k, level l use
#          SEED + 10k + l, as docs/accuracy.md records)
# Environment: DOCREC (the binary, default target/release/docrec, built when
# missing), OUT (where the sets go, default a temporary folder, removed).
set -euo pipefail
cd "$(dirname "$0")/.."

group=${1:?usage: benches/held-out.sh GROUP [N] [SEED]}
n=${2:-40}
seed=${3:-23000}
docrec=${DOCREC:-target/release/docrec}
[ -x "$docrec" ] || cargo build --release -p docrec-server
out=${OUT:-$(mktemp -d)}
[ -n "${OUT:-}" ] || trap 'rm -rf "$out"' EXIT
export OMP_THREAD_LIMIT=1

# The first value of a JSON key in a report (one level per set, so the
# level's value and the whole set's are the same).
first() { grep -o "\"$1\": [0-9.e-]*" "$2" | head -n 1 | sed 's/.*: //'; }
percent() { awk -v v="$1" 'BEGIN { printf "%.1f%%", 100 * v }'; }

echo "| kind | level | documents | key fields exact | all keys exact | wrong, conf >= 0.9 | p50 |"
echo "|---|---|---|---|---|---|---|"
k=0
for kind in credit-card id-card business passport; do
  l=1
  for level in clean photo hard; do
    set_seed=$((seed + 10 * k + l))
    dir="$out/$group-$kind-$level"
    "$docrec" synth "$kind" --n "$n" --out "$dir" --seed "$set_seed" --levels "$level" \
      --group "$group" >/dev/null 2>&1
    "$docrec" eval "$dir" --workers 2 --json >"$dir/report.json"
    document=$(percent "$(first document "$dir/report.json")")
    case $kind in
      credit-card)
        all_keys="(the same)"
        wrong=$(percent "$(first wrongNumberConfAtLeast09 "$dir/report.json")") ;;
      *)
        all_keys=$(percent "$(first allKeys "$dir/report.json")")
        wrong=$(percent "$(first wrongValueConfAtLeast09 "$dir/report.json")") ;;
    esac
    p50=$(awk -v v="$(first latencyMsP50 "$dir/report.json")" 'BEGIN { printf "%d ms", v }')
    echo "| $kind | $level | $n (seed $set_seed) | $document | $all_keys | $wrong | $p50 |"
    l=$((l + 1))
  done
  k=$((k + 1))
done
