#!/usr/bin/env bash
# README command 2: installs what docrec needs and runs the whole suite:
# formatting, clippy, unit tests and the black-box tests (a real server
# process on loopback with a temporary SQLite database), then the
# black-box tests again with each server on a fresh PostgreSQL database of
# a throwaway cluster (scripts/postgres.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
[ -f "${HOME:-}/.cargo/env" ] && . "${HOME:-}/.cargo/env"
export OMP_THREAD_LIMIT=1
cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings
cargo test --workspace

pg_dir=$(mktemp -d)
trap 'bash scripts/postgres.sh stop "$pg_dir" >/dev/null 2>&1 || true; rm -rf "$pg_dir"' EXIT
DOCREC_TEST_POSTGRES_URL=$(bash scripts/postgres.sh start "$pg_dir")
export DOCREC_TEST_POSTGRES_URL
echo "The black-box tests again, on PostgreSQL ($DOCREC_TEST_POSTGRES_URL)"
cargo test -p docrec-server --tests
