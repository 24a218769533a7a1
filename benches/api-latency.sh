#!/usr/bin/env bash
# One request at a time against a running `docrec serve`: the latency a
# client sees for a credit card through the API (upload, decode, OCR,
# answer). Starts its own server on a loopback port with a temporary
# SQLite database, posts N synthetic cards of one level and prints
# p50/p95/mean in milliseconds.
#
#   bash benches/api-latency.sh [N=60] [LEVEL=photo]
#
# Needs a release build (cargo build --release -p docrec-server) and curl.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-60}
level=${2:-photo}
bin=./target/release/docrec
work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT

"$bin" synth credit-card --n "$n" --out "$work/cards" --seed 4242 --levels "$level" 2>/dev/null
port=$((20000 + RANDOM % 20000))
OMP_THREAD_LIMIT=1 DOCREC_LISTEN="127.0.0.1:$port" DOCREC_DATA_DIR="$work/data" \
  DOCREC_BOOTSTRAP_APPKEY=bench DOCREC_BOOTSTRAP_SECRETKEY=bench-secret-0123456789abcdefghij \
  DOCREC_WORKERS=1 DOCREC_LOG=warn "$bin" serve >/dev/null 2>&1 &
server=$!
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$port/health" >/dev/null && break
  sleep 0.1
done

for f in "$work"/cards/card-*; do
  curl -s -o /dev/null -w '%{time_total}\n' -X POST \
    "http://127.0.0.1:$port/v1.0/appkeys/bench/credit-card" \
    -H 'Authorization: bench-secret-0123456789abcdef' -F "image=@$f"
done | sort -n | awk -v level="$level" '
  { t[NR] = $1 * 1000; sum += $1 * 1000 }
  END {
    p50 = t[int((NR + 1) * 0.50)]; p95 = t[int(NR * 0.95 + 0.999)]
    printf "%s cards through the API, one at a time: n=%d p50 %.0f ms, p95 %.0f ms, mean %.0f ms\n", level, NR, p50, p95, sum / NR
  }'
