#!/usr/bin/env bash
# README command 1: installs what docrec needs, builds it in release mode and
# starts `docrec serve` (SQLite in ./data; the first start prints a demo
# appKey and secretKey). Any arguments replace `serve`, e.g.
#   bash scripts/serve.sh recognize credit-card card.jpg --json
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
[ -f "${HOME:-}/.cargo/env" ] && . "${HOME:-}/.cargo/env"
cargo build --release -p docrec-server
# Tesseract must not start OpenMP threads: every call is several times slower
# with them (README, "Configuration").
export OMP_THREAD_LIMIT=1
[ $# -eq 0 ] && set -- serve
exec ./target/release/docrec "$@"
