#!/usr/bin/env bash
# What authentication, rate limits and usage statistics cost a request:
# wrk against a running `docrec serve` with requests that pass
# authentication and the limits and are then refused for an empty image
# (4000004), so that no OCR runs. Starts its own server on a loopback
# port, on a temporary SQLite database, or on the PostgreSQL database of
# DATABASE_URL (with DOCREC_MASTER_KEY) when set; runs once without limits
# and once with a per-second, per-day and per-month limit too high to
# reach, and prints wrk's requests/s and latencies.
#
#   bash benches/request-path.sh [SECONDS=10]
#
# Needs a release build (cargo build --release -p docrec-server), curl and
# Debian's wrk.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
bin=./target/release/docrec
work=$(mktemp -d)
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT

export OMP_THREAD_LIMIT=1 DOCREC_LOG=warn DOCREC_DATA_DIR="$work/data"
export DOCREC_BOOTSTRAP_APPKEY=benchAppKey DOCREC_BOOTSTRAP_SECRETKEY=bench-secret-key-0123456789abcdef
port=$((20000 + RANDOM % 20000))
url="http://127.0.0.1:$port/v1.0/appkeys/$DOCREC_BOOTSTRAP_APPKEY/credit-card"

cat >"$work/empty.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "multipart/form-data; boundary=b0undary"
wrk.headers["Authorization"] = "$DOCREC_BOOTSTRAP_SECRETKEY"
wrk.body = "--b0undary\r\nContent-Disposition: form-data; name=\"image\"; filename=\"card.png\"\r\n\r\n\r\n--b0undary--\r\n"
LUA

run() {
  DOCREC_LISTEN="127.0.0.1:$port" "$bin" serve >/dev/null 2>"$work/log" &
  server=$!
  for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done
  echo "== $1"
  wrk -t2 -c8 -d"${seconds}s" -s "$work/empty.lua" --latency "$url" | grep -E "Requests/sec|  50%|  99%|Non-2xx"
  kill "$server"
  wait "$server" 2>/dev/null || true
  server=""
}

run "no limits"
"$bin" admin limits set --app-key "$DOCREC_BOOTSTRAP_APPKEY" --service credit-card \
  --per-second 1000000000 --per-day 1000000000 --per-month 1000000000 >/dev/null
run "per second, day and month limits"
