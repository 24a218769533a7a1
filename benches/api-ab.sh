#!/usr/bin/env bash
# Two (or more) docrec binaries through the API, in turn, on the same
# documents: the 48 of `benches/versus-engines.sh 16` (16 per kind, clean,
# photo and hard, validation-group faces, the same seeds). Each binary is
# started as `docrec serve` (SQLite, two engines, loopback) and measured by
# `docrec bench --url --workers 1,2`; prints per binary the wall seconds at
# one and two requests in flight, their throughput ratio, and each kind's
# p50 and mean in milliseconds. Run it on an idle machine, and again with
# the binaries in the other order: the machine's speed drifts.
#
#   bash benches/api-ab.sh OLD_BINARY NEW_BINARY [...]
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { echo "usage: benches/api-ab.sh BINARY..." >&2; exit 2; }
client=./target/release/docrec
[ -x "$client" ] || cargo build --release -p docrec-server
work=$(mktemp -d)
server=
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT
export OMP_THREAD_LIMIT=1

docs="$work/documents"
"$client" synth credit-card --n 16 --out "$docs/credit-card" --seed 31000 \
  --levels clean,photo,hard --group validation >/dev/null 2>&1
"$client" synth id-card --n 16 --out "$docs/id-card" --seed 32000 \
  --levels clean,photo,hard --group validation >/dev/null 2>&1
"$client" synth business --n 16 --out "$docs/business" --seed 33000 \
  --levels clean,photo,hard --group validation >/dev/null 2>&1

app_key=ab
secret=ab-secret-0123456789abcdefghijklmnopqrstuv
for bin in "$@"; do
  run="$work/run"
  rm -rf "$run"
  port=$((20000 + RANDOM % 20000))
  DOCREC_LISTEN="127.0.0.1:$port" DOCREC_DATA_DIR="$run/data" \
    DOCREC_BOOTSTRAP_APPKEY=$app_key DOCREC_BOOTSTRAP_SECRETKEY=$secret \
    DOCREC_WORKERS=2 DOCREC_LOG=warn "$bin" serve >"$work/server.log" 2>&1 &
  server=$!
  for _ in $(seq 300); do
    curl -sf "http://127.0.0.1:$port/ready" >/dev/null && break
    sleep 0.1
  done
  DOCREC_BENCH_APPKEY=$app_key DOCREC_BENCH_SECRETKEY=$secret \
    "$client" bench "$docs" --url "http://127.0.0.1:$port" --workers 1,2 \
    --out "$run/report" >/dev/null 2>&1
  kill "$server"
  wait "$server" 2>/dev/null || true
  server=
  python3 - "$bin" "$run/report/report.json" <<'PY'
import json, sys

runs = json.load(open(sys.argv[2]))["runs"]
one = next(r for r in runs if r["workers"] == 1)
two = next(r for r in runs if r["workers"] == 2)
kinds = " ".join(
    f"{kind} p50 {k['p50Ms']:.0f} mean {k['meanMs']:.0f}"
    for kind, k in one["kinds"].items()
)
ratio = two["documentsPerSecond"] / one["documentsPerSecond"]
print(f"{sys.argv[1]}: wall {one['wallSeconds']:.1f} s at 1, "
      f"{two['wallSeconds']:.1f} s at 2 ({ratio:.2f}x); {kinds}")
PY
done
