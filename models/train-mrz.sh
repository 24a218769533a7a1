#!/usr/bin/env bash
# Trains models/mrz.traineddata: a Tesseract LSTM model that reads the
# machine-readable zone of a passport's data page or an ID card (ICAO Doc
# 9303: lines of 30, 36 or 44 of `A-Z`, `0-9` and `<`, printed in OCR-B).
# From scratch, on synthetic line images (see
# crates/docrec-recognize/examples/mrz_lines.rs), for the reasons given in
# train-card-digits.sh: Debian's eng is an integer model that cannot be
# fine-tuned. Why a model at all: eng reads a run of fillers as `ssss`,
# `cccc` or `K`, or drops some (nine `<` read of 26), so a line's fields
# cannot be found by position; and it reads `O` and `0` by English context.
#
# Inputs (Debian packages, nothing downloaded): tesseract-ocr 5.3.0 and its
# training tools, tesseract-ocr-eng (only for the stock comparison),
# fonts-ocr-b and the card-digit faces of the face group the lines are
# drawn in (crates/docrec-synth/src/fonts.rs), cargo.
#
# Steps (each skipped when its output exists, so a run can be resumed):
#   1. build  `cargo build --release -p docrec-recognize --example mrz_lines`
#   2. lines  WORK/train  PAGES_TRAIN development-group pages, seed SEED_TRAIN
#             WORK/eval   PAGES_EVAL validation-group pages, seed SEED_EVAL
#             (held out: card-digit faces nothing was trained on)
#             then `tesseract NAME.png NAME --psm 13 lstm.train` per line
#   3. lang   the starter traineddata (train-lib.sh: starter)
#   4. train  lstmtraining from scratch, in steps of ITER_STEP: stage A on
#             every train line up to ITER_A, then stage B on the scan and
#             photo lines only up to ITER_B (as train-id-serial.sh: a hard
#             photo's zone is often blurred past reading)
#   5. stop   lstmtraining --stop_training -> models/mrz.traineddata
#   6. eval   lstmeval on the held-out lines, then the tesseract CLI
#             (--psm 13, as the recognizer reads a zone's line) with mrz and
#             stock eng -> WORK/compare.txt
# Fine-tuning (`finetune` = ft-lines, ft-train, ft-eval; train-lib.sh), as
# train-id-serial.sh, but on every degradation, hard photos included (the
# model trained without them in stage B misread a blurred but legible
# zone, doubling characters: `88` as `BB5B`):
#   ft-lines  WORK_FT/ft-train  FT_PAGES development-group pages, seed
#             FT_SEED; WORK_FT/held-dev and held-val FT_EVAL_PAGES pages of
#             the development and validation groups (held out)
#   ft-train  the committed model continued up to FT_ITER iterations
#             -> WORK_FT/tuned-ITER/mrz.traineddata
#   ft-eval [ITER]  lstmeval and the CLI (--psm 13) with the committed and
#             tuned models and stock eng -> WORK_FT/compare-ITER.txt
#   ft-install [ITER]  copies the tuned model to models/ (by hand, only
#             when it is better on held-val and no worse on held-dev)
#
# Usage: models/train-mrz.sh
#   [all|lines|train|stop|eval|finetune|ft-lines|ft-train|ft-eval|ft-install]
#   (default all)
# Environment (defaults in brackets):
#   WORK [/work/train-data/mrz]
#   PAGES_TRAIN [2000] SEED_TRAIN [1] PAGES_EVAL [100] SEED_EVAL [90210]
#   ITER_A [30000] ITER_B [45000] ITER_STEP [10000] LEARNING_RATE [0.0005]
#   NET_SPEC (below) CARGO_TARGET_DIR [target]
#   WORK_FT [/work/train-data/mrz-ft] FT_PAGES [1500] FT_SEED [11]
#   FT_EVAL_PAGES [60] FT_SEED_DEV [90211] FT_SEED_VAL [90212]
#   FT_ITER [20000] FT_STEP [10000] FT_LEARNING_RATE [] (keep the model's)
#   FT_FACES [card] FT_TRAIN_KEEP [1] (below)
#
# Every heavy step runs under `nice -n 19` with OMP_THREAD_LIMIT=1, one
# process at a time (the machine is shared).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MODELS="$ROOT/models"
WORK="${WORK:-/work/train-data/mrz}"
PAGES_TRAIN="${PAGES_TRAIN:-2000}"
SEED_TRAIN="${SEED_TRAIN:-1}"
PAGES_EVAL="${PAGES_EVAL:-100}"
SEED_EVAL="${SEED_EVAL:-90210}"
ITER_A="${ITER_A:-30000}"
ITER_B="${ITER_B:-45000}"
ITER_STEP="${ITER_STEP:-10000}"
LEARNING_RATE="${LEARNING_RATE:-0.0005}"
# As carddigits and idserial: a 3x3 convolution (32 maps), 3x3 max-pool, an
# LSTM summarising each column, a bidirectional LSTM along the line, softmax.
NET_SPEC="${NET_SPEC:-[1,36,0,1 Ct3,3,32 Mp3,3 Lfys48 Lbx96 O1c###]}"
WORK_FT="${WORK_FT:-/work/train-data/mrz-ft}"
FT_CARDS="${FT_PAGES:-1500}"
FT_SEED="${FT_SEED:-11}"
FT_EVAL_CARDS="${FT_EVAL_PAGES:-60}"
FT_SEED_DEV="${FT_SEED_DEV:-90211}"
FT_SEED_VAL="${FT_SEED_VAL:-90212}"
FT_ITER="${FT_ITER:-20000}"
FT_STEP="${FT_STEP:-10000}"
FT_LEARNING_RATE="${FT_LEARNING_RATE:-}"
# Which fine-tuning lines are trained on: every degradation, hard photos
# included (1), or `$3 != "hard"` (awk over lines.tsv) to leave them out.
FT_TRAIN_KEEP="${FT_TRAIN_KEEP:-1}"
# The faces fine-tuning lines are drawn in (mrz_lines' FACES): `card`
# (OCR-B four times in five, else card-digit faces) or `mono` (OCR-B three
# times in five, else card-digit and MRZ faces).
FT_FACES="${FT_FACES:-card}"
LANG_NAME=mrz
CHARSET='ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<'
GT_SETS="train"
SCORE_GROUP='$3'  # degradation
# shellcheck source=models/train-lib.sh
. "$MODELS/train-lib.sh"

# The fine-tuning lines, in FT_FACES.
ft_render() {
    "${NICE[@]}" "$BIN" "$1" "$2" "$3" "$FT_FACES" --group "$4"
}

lines() {
    build_example docrec-recognize mrz_lines
    mkdir -p "$WORK"
    local set pages seed group
    for spec in "train $PAGES_TRAIN $SEED_TRAIN development" "eval $PAGES_EVAL $SEED_EVAL validation"; do
        read -r set pages seed group <<< "$spec"
        if [ ! -f "$WORK/$set/lines.tsv" ]; then
            log "render $set lines ($pages $group pages, seed $seed)"
            "${NICE[@]}" "$BIN" "$WORK/$set" "$pages" "$seed" --group "$group"
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
    log "tesseract CLI on held-out lines (mrz, eng)"
    {
        score mrz "$MODELS" "$LANG_NAME" --psm 13
        score eng "$STOCK_TESSDATA" eng
    } | tee "$WORK/compare.txt"
}

case "${1:-all}" in
    lines) lines ;;
    train) train ;;
    stop) stop ;;
    eval) evaluate ;;
    all) lines; train; stop; evaluate ;;
    ft-lines) build_example docrec-recognize mrz_lines; ft_lines ;;
    ft-train) ft_train ;;
    ft-eval) ft_eval "${2:-}" ;;
    ft-install) ft_install "${2:-}" ;;
    finetune) build_example docrec-recognize mrz_lines; ft_lines; ft_train; ft_eval ;;
    *) echo "usage: $0 [all|lines|train|stop|eval|finetune|ft-lines|ft-train|ft-eval|ft-install]" >&2; exit 2 ;;
esac
