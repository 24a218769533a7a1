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

. benches/through-api.sh
docs="$work/documents"
write_api_documents "$client" "$docs"
for bin in "$@"; do
  rm -rf "$work/run"
  bench_through_api "$bin" "$docs" "$work/run"
  python3 - "$bin" "$work/run/report/report.json" <<'PY'
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
