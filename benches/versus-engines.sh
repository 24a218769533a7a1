#!/usr/bin/env bash
# docrec through its API beside the engines a user might pick instead, on
# the same documents in the same run (issue 24's measure):
#   - docrec: `docrec serve` (SQLite, two engines) on a loopback port,
#     `docrec bench --url` one request at a time and then two in flight;
#     ID cards go through the v2 envelope, so the client's RSA and AES work
#     is in docrec's figures;
#   - RapidOCR (PP-OCR on ONNX Runtime, from PyPI, in a virtual environment
#     this script makes), warm, in process;
#   - `tesseract FILE - -l kor+eng`, one CLI pass per file.
# All with OMP_THREAD_LIMIT=1. N synthetic documents per kind and level
# (clean, photo, hard; the validation group's faces), the same seeds every
# run. Prints a Markdown table of p50 / p95 / mean milliseconds per kind,
# how many times faster docrec's p50 is than each engine's, docrec's share
# of documents settled at their first look, and its throughput with two
# requests in flight over one.
#
#   bash benches/versus-engines.sh [N=16]
#
# Needs a release build (cargo build --release -p docrec-server), python3
# with venv, and the network to PyPI the first time (the environment is
# kept in target/bench-venv). Run it on an idle machine.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-16}
bin=./target/release/docrec
venv=target/bench-venv
work=$(mktemp -d)
server=
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT
export OMP_THREAD_LIMIT=1

if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet rapidocr_onnxruntime==1.4.4
fi

. benches/through-api.sh
docs="$work/documents"
write_api_documents "$bin" "$docs"
bench_through_api "$bin" "$docs" "$work/docrec"

"$venv/bin/python" benches/other-engines.py "$work/others.json" \
  credit-card="$docs/credit-card" id-card="$docs/id-card" business="$docs/business"

python3 - "$work/docrec/report/report.json" "$work/others.json" <<'EOF'
import json, sys

docrec = json.load(open(sys.argv[1]))
others = json.load(open(sys.argv[2]))
one = next(r for r in docrec["runs"] if r["workers"] == 1)
two = next(r for r in docrec["runs"] if r["workers"] == 2)


def stats(ms):
    ms = sorted(ms)
    at = lambda q: ms[min(len(ms) - 1, round(q * (len(ms) - 1)))]
    return at(0.50), at(0.95), sum(ms) / len(ms)


def cell(ms):
    p50, p95, mean = stats(ms)
    return f"{p50:.0f} / {p95:.0f} / {mean:.0f}"


print("| kind | docs | docrec p50 / p95 / mean (ms) | RapidOCR | tesseract CLI | "
      "RapidOCR p50 ÷ docrec p50 | CLI p50 ÷ docrec p50 | docrec first look | "
      "docrec docs/s 2 ÷ 1 |")
print("|---|---|---|---|---|---|---|---|---|")
for kind in ["credit-card", "id-card", "business"]:
    ours = one["kinds"][kind]
    rapid, cli = others[kind]["rapidocr"], others[kind]["tesseract-cli"]
    p50 = stats(ours["latenciesMs"])[0]
    share = ours.get("firstLookShare")
    share = "?" if share is None else f"{share * 100:.0f}%"
    print(f"| {kind} | {ours['documents']} | {cell(ours['latenciesMs'])} | "
          f"{cell(rapid)} | {cell(cli)} | {stats(rapid)[0] / p50:.2f} | "
          f"{stats(cli)[0] / p50:.2f} | {share} | "
          f"{two['documentsPerSecond'] / one['documentsPerSecond']:.2f} |")
EOF
