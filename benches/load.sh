#!/usr/bin/env bash
# A load test of a running `docrec serve` with mixed document traffic:
# credit cards (v1.0), business registration certificates (v1.0) and ID
# cards (v2.0 stand-alone, envelope-encrypted), clean scans and phone
# photos, drawn by `docrec synth`. wrk (Debian's package) sends them in
# turn, first with as many connections as the server has workers (at
# capacity), then with CONNECTIONS (above it: the recognition queue fills
# and the rest is refused with 5000503; a refused connection waits the
# second its Retry-After asks for, as a well-behaved client does). For
# each run it prints wrk's
# latency percentiles, the requests per second, every result code the
# server answered and how often, and the server's peak memory (VmHWM).
#
#   bash benches/load.sh [SECONDS=30] [CONNECTIONS=32]
#
# Starts its own server on a loopback port with a temporary SQLite
# database, DOCREC_WORKERS (default: the cores) engines and the default
# queue. Needs a release build (cargo build --release -p docrec-server),
# curl, openssl and wrk.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
connections=${2:-32}
bin=$PWD/target/release/docrec
work=$(mktemp -d)
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT

export OMP_THREAD_LIMIT=1 DOCREC_LOG=warn DOCREC_DATA_DIR="$work/data"
app_key=loadAppKey
secret=load-secret-key-0123456789abcdef
export DOCREC_BOOTSTRAP_APPKEY=$app_key DOCREC_BOOTSTRAP_SECRETKEY=$secret
workers=${DOCREC_WORKERS:-$(getconf _NPROCESSORS_ONLN)}
export DOCREC_WORKERS=$workers
port=$((20000 + RANDOM % 20000))
base="http://127.0.0.1:$port"

"$bin" synth credit-card --n 12 --seed 31 --levels clean,photo --out "$work/cards" 2>/dev/null
"$bin" synth business --n 6 --seed 32 --levels clean,photo --out "$work/business" 2>/dev/null
"$bin" synth id-card --n 6 --seed 33 --levels clean,photo --out "$work/ids" 2>/dev/null

DOCREC_LISTEN="127.0.0.1:$port" "$bin" serve >/dev/null 2>"$work/log" &
server=$!
for _ in $(seq 300); do curl -fs "$base/health" >/dev/null && break; sleep 0.1; done

# One envelope key K for every ID card: wrapped once with the server's
# public key, the images encrypted with it (AES-256-CBC, IV = K[0..16]).
answer=$(curl -fs -H "Authorization: $secret" "$base/v2.0/appkeys/$app_key/public-keys/id-card")
public_key=$(sed -E 's/.*"key":"([^"]*)".*/\1/' <<<"$answer")
key_version=$(sed -E 's/.*"version":"([^"]*)".*/\1/' <<<"$answer")
base64 -d <<<"$public_key" | openssl pkey -pubin -inform DER -out "$work/public.pem"
k=$(openssl rand -hex 32)
symmetric_key=$(xxd -r -p <<<"$k" |
  openssl pkeyutl -encrypt -pubin -inkey "$work/public.pem" -pkeyopt rsa_padding_mode:pkcs1 |
  base64 -w0)

# Each request's body as a file, and its path and headers as a line of Lua.
mkdir -p "$work/bodies"
specs="$work/specs.lua"
echo "specs = {" >"$specs"
add() { # NAME PATH FILE [EXTRA HEADERS LUA]
  local body="$work/bodies/$1"
  {
    printf -- '--b0undary\r\nContent-Disposition: form-data; name="image"; filename="%s"\r\n\r\n' "$1"
    cat "$3"
    printf -- '\r\n--b0undary--\r\n'
  } >"$body"
  echo "  {path = \"$2\", file = \"$body\", headers = {[\"Authorization\"] = \"$secret\", [\"Content-Type\"] = \"multipart/form-data; boundary=b0undary\"${4:-}}}," >>"$specs"
}
for f in "$work"/cards/card-*; do
  add "$(basename "$f")" "/v1.0/appkeys/$app_key/credit-card" "$f"
done
for f in "$work"/business/business-*; do
  add "$(basename "$f")" "/v1.0/appkeys/$app_key/business" "$f"
done
for f in "$work"/ids/id-*; do
  openssl enc -aes-256-cbc -K "$k" -iv "${k:0:32}" -in "$f" -out "$f.enc"
  add "$(basename "$f")" "/v2.0/appkeys/$app_key/id-card/stand-alone" "$f.enc" \
    ", [\"X-Key-Version\"] = \"$key_version\", [\"Symmetric-Key\"] = \"$symmetric_key\""
done
echo "}" >>"$specs"

cat "$specs" - >"$work/load.lua" <<'LUA'
local requests = {}
local next_request = 0
function init(args)
  for _, spec in ipairs(specs) do
    local file = assert(io.open(spec.file, "rb"))
    local body = file:read("*a")
    file:close()
    table.insert(requests, wrk.format("POST", spec.path, spec.headers, body))
  end
  next_request = math.random(#requests)
end
function request()
  next_request = next_request % #requests + 1
  return requests[next_request]
end
codes = {}
-- A refused client waits as Retry-After says before its next request,
-- as a well-behaved client does (wrk asks delay() right after response()
-- on the same connection).
local wait_ms = 0
function response(status, headers, body)
  local code = body:match('"resultCode":(%-?%d+)') or ("HTTP " .. status)
  codes[code] = (codes[code] or 0) + 1
  local retry_after = headers["Retry-After"] or headers["retry-after"]
  wait_ms = retry_after and tonumber(retry_after) * 1000 or 0
end
function delay()
  local ms = wait_ms
  wait_ms = 0
  return ms
end
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end
function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for code, n in pairs(thread:get("codes")) do
      total[code] = (total[code] or 0) + n
    end
  end
  local seconds = summary.duration / 1e6
  io.write(string.format("answers: %d in %.1f s, %.2f per second\n",
    summary.requests, seconds, summary.requests / seconds))
  io.write("result codes:")
  for code, n in pairs(total) do
    io.write(string.format(" %s x%d", code, n))
  end
  io.write("\n")
  io.write(string.format("latency: p50 %.0f ms, p95 %.0f ms, p99 %.0f ms, max %.0f ms\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
  local e = summary.errors
  io.write(string.format("socket errors: connect %d, read %d, write %d, timeout %d\n",
    e.connect, e.read, e.write, e.timeout))
end
LUA

peak() { awk '/VmHWM/ {printf "%.0f MiB\n", $2 / 1024}' "/proc/$server/status"; }
echo "$(wc -l <"$work/specs.lua" | awk '{print $1 - 2}') documents: 12 cards, 6 certificates, 6 ID cards; $workers workers"
echo "== at capacity: $workers connections, ${seconds} s"
wrk -t1 -c"$workers" -d"${seconds}s" --timeout 60s -s "$work/load.lua" "$base" | sed -n '/^answers/,$p'
echo "peak RSS: $(peak)"
echo "== above capacity: $connections connections, ${seconds} s"
wrk -t1 -c"$connections" -d"${seconds}s" --timeout 60s -s "$work/load.lua" "$base" | sed -n '/^answers/,$p'
echo "peak RSS: $(peak)"
curl -fs "$base/health" >/dev/null && echo "the server is still healthy"
