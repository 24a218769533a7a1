# Sourced by versus-engines.sh and api-ab.sh: the documents they read
# through the API and one run of docrec through its API on them.
#
# write_api_documents BIN DIR
#   16 synthetic documents per kind (clean, photo and hard in turn,
#   validation-group faces, seeds 31000, 32000 and 33000) in DIR/KIND.
# bench_through_api BIN DOCS OUT
#   `BIN serve` (SQLite in OUT/data, two engines, a loopback port), then
#   `BIN bench DOCS --url … --workers 1,2` writing OUT/report; the server
#   is stopped again. Its PID is in `server` while it runs, for the
#   caller's trap.

write_api_documents() {
  local bin=$1 dir=$2 kind seed=31000
  for kind in credit-card id-card business; do
    "$bin" synth "$kind" --n 16 --out "$dir/$kind" --seed "$seed" \
      --levels clean,photo,hard --group validation >/dev/null 2>&1
    seed=$((seed + 1000))
  done
}

bench_through_api() {
  local bin=$1 docs=$2 out=$3
  local port=$((20000 + RANDOM % 20000))
  local app_key=bench secret=bench-secret-0123456789abcdefghijklmnopq
  mkdir -p "$out"
  DOCREC_LISTEN="127.0.0.1:$port" DOCREC_DATA_DIR="$out/data" \
    DOCREC_BOOTSTRAP_APPKEY=$app_key DOCREC_BOOTSTRAP_SECRETKEY=$secret \
    DOCREC_WORKERS=2 DOCREC_LOG=warn "$bin" serve >"$out/server.log" 2>&1 &
  server=$!
  for _ in $(seq 300); do
    curl -sf "http://127.0.0.1:$port/ready" >/dev/null && break
    sleep 0.1
  done
  DOCREC_BENCH_APPKEY=$app_key DOCREC_BENCH_SECRETKEY=$secret \
    "$bin" bench "$docs" --url "http://127.0.0.1:$port" --workers 1,2 \
    --out "$out/report" >"$out/bench.txt" 2>&1
  kill "$server"
  wait "$server" 2>/dev/null || true
  server=
}
