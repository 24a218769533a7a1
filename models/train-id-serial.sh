#!/usr/bin/env bash
# Trains models/idserial.traineddata: a Tesseract LSTM model that reads the
# serial (암호일련번호) of a driver's licence: five or six of `A-Z0-9`,
# printed small. From scratch, on synthetic line images (see
# crates/docrec-recognize/examples/serial_lines.rs), for the reasons given
# in train-card-digits.sh: Debian's eng is an integer model that cannot be
# fine-tuned. Why a model at all: eng reads serials by English context
# (`5` as `S` between letters, `9` as `S` or `0`), and a serial has none.
#
# Inputs (Debian packages, nothing downloaded): tesseract-ocr 5.3.0 and its
# training tools, tesseract-ocr-eng (only for the stock comparison), the
# fonts the generator draws with (fonts-nanum, fonts-dejavu-core,
# fonts-liberation2, fonts-freefont-ttf), cargo.
#
# Steps (each skipped when its output exists, so a run can be resumed):
#   1. build  `cargo build --release -p docrec-recognize --example serial_lines`
#   2. lines  WORK/train  CARDS_TRAIN cards (4 serials each), seed SEED_TRAIN
#             WORK/eval   CARDS_EVAL cards, seed SEED_EVAL: held out
#             then `tesseract NAME.png NAME --psm 13 lstm.train` per line
#   3. lang   the starter traineddata (train-lib.sh: starter)
#   4. train  lstmtraining from scratch, in steps of ITER_STEP (each step
#             resumes from the checkpoint): stage A on every train line up to
#             ITER_A, then stage B on the scan and photo lines only up to
#             ITER_B. A hard photo's serial is often blurred past reading
#             (a glance at the held-out failures: grey smears); stage A's
#             training error stalled near 14% with them in.
#   5. stop   lstmtraining --stop_training -> models/idserial.traineddata
#   6. eval   lstmeval on the held-out lines, then the tesseract CLI
#             (--psm 13, as the recognizer reads a serial's cut) with
#             idserial and stock eng -> WORK/compare.txt

# Usage: models/train-id-serial.sh [all|lines|train|stop|eval] (default all)
# Environment (defaults in brackets):
#   WORK [/work/train-data/idserial]
#   CARDS_TRAIN [2500] SEED_TRAIN [1] CARDS_EVAL [120] SEED_EVAL [90210]
#   ITER_A [60000] ITER_B [120000] ITER_STEP [10000] LEARNING_RATE [0.0005]
#   NET_SPEC (below) CARGO_TARGET_DIR [target]
#
# Every heavy step runs under `nice -n 19` with OMP_THREAD_LIMIT=1, one
# process at a time (the machine is shared).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MODELS="$ROOT/models"
WORK="${WORK:-/work/train-data/idserial}"
CARDS_TRAIN="${CARDS_TRAIN:-2500}"
SEED_TRAIN="${SEED_TRAIN:-1}"
CARDS_EVAL="${CARDS_EVAL:-120}"
SEED_EVAL="${SEED_EVAL:-90210}"
ITER_A="${ITER_A:-60000}"
ITER_B="${ITER_B:-120000}"
ITER_STEP="${ITER_STEP:-10000}"
LEARNING_RATE="${LEARNING_RATE:-0.0005}"
# As carddigits: a 3x3 convolution (32 maps), 3x3 max-pool, an LSTM
# summarising each column, a bidirectional LSTM along the line, softmax.
NET_SPEC="${NET_SPEC:-[1,36,0,1 Ct3,3,32 Mp3,3 Lfys48 Lbx96 O1c###]}"
LANG_NAME=idserial
CHARSET='ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
GT_SETS="train"
SCORE_GROUP='$3'  # degradation
# shellcheck source=models/train-lib.sh
. "$MODELS/train-lib.sh"

lines() {
    build_example docrec-recognize serial_lines
    mkdir -p "$WORK"
    local set cards seed
    for spec in "train $CARDS_TRAIN $SEED_TRAIN" "eval $CARDS_EVAL $SEED_EVAL"; do
        read -r set cards seed <<< "$spec"
        if [ ! -f "$WORK/$set/lines.tsv" ]; then
            log "render $set lines ($cards cards, seed $seed)"
            "${NICE[@]}" "$BIN" "$WORK/$set" "$cards" "$seed"
        fi
        log "lstmf for $set"
        for png in "$WORK/$set"/*.png; do
            local base="${png%.png}"
            [ -f "$base.lstmf" ] || "${NICE[@]}" tesseract "$png" "$base" --psm 13 lstm.train >/dev/null 2>&1 \
                || log "no lstmf for $base"
        done
        ls "$WORK/$set"/*.lstmf | shuf --random-source=<(yes) > "$WORK/list.$set"
        log "$set: $(wc -l < "$WORK/list.$set") lines"
    done
    awk -F'\t' -v dir="$WORK/train" 'NR > 1 && $3 != "hard" { print dir "/" $1 ".lstmf" }' \
        "$WORK/train/lines.tsv" | shuf --random-source=<(yes) > "$WORK/list.train-legible"
    log "train-legible (no hard photos): $(wc -l < "$WORK/list.train-legible") lines"
}

train() {
    starter
    mkdir -p "$WORK/checkpoints"
    local max
    for ((max = ITER_STEP; max < ITER_A + ITER_STEP; max += ITER_STEP)); do
        run_stage "$WORK/list.train" "$((max < ITER_A ? max : ITER_A))"
    done
    for ((max = ITER_A + ITER_STEP; max < ITER_B + ITER_STEP; max += ITER_STEP)); do
        run_stage "$WORK/list.train-legible" "$((max < ITER_B ? max : ITER_B))"
    done
}

stop() {
    starter
    stop_model
}

evaluate() {
    starter
    lstmeval_held_out
    log "tesseract CLI on held-out lines (idserial, eng)"
    {
        score idserial "$MODELS" "$LANG_NAME" --psm 13
        score eng-psm13 "$STOCK_TESSDATA" eng --psm 13
        score eng "$STOCK_TESSDATA" eng
    } | tee "$WORK/compare.txt"
}

case "${1:-all}" in
    lines) lines ;;
    train) train ;;
    stop) stop ;;
    eval) evaluate ;;
    all) lines; train; stop; evaluate ;;
    *) echo "usage: $0 [all|lines|train|stop|eval]" >&2; exit 2 ;;
esac
