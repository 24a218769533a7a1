#!/usr/bin/env bash
# README command 2: installs what docrec needs and runs the whole suite:
# formatting, clippy, unit tests and the black-box tests (a real server
# process on loopback with a temporary SQLite database).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
[ -f "${HOME:-}/.cargo/env" ] && . "${HOME:-}/.cargo/env"
export OMP_THREAD_LIMIT=1
cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings
cargo test --workspace
