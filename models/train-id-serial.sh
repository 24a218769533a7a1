#!/usr/bin/env bash
# Trains models/idserial.traineddata: a Tesseract LSTM model that reads the
# serial (암호일련번호) of a driver's licence: five or six of `A-Z0-9`,
# printed small. From scratch, on synthetic line images (see
# crates/docrec-recognize/examples/serial_lines.rs), for the reasons given
# in train-card-digits.sh: Debian's eng is an integer model that cannot be
# fine-tuned. Why a model at all: eng reads serials by English context
# (`5` as `S` between letters, `9` as `S` or `0`), and a serial has none.
# MODE finetune (the ft-* steps) continues the committed float model on
# lines of the development face group instead, and measures it on held-out
# lines of the validation and development groups.
#
# Inputs (Debian packages, nothing downloaded): tesseract-ocr 5.3.0 and its
# training tools, tesseract-ocr-eng (only for the stock comparison), the
# fonts of the face groups the generator draws with (docs/synthetic-groups.md;
# crates/docrec-synth/src/fonts.rs names each face's package: fonts-nanum,
# fonts-dejavu-core, fonts-liberation2, fonts-freefont-ttf, fonts-baekmuk,
# fonts-unfonts-core, fonts-noto-cjk, ...), cargo.
#
# serial_lines draws its lines in one face group (--group, default
# development): per serial a Body face of the group (3 in 4; the face
# id_card::render prints a licence's serial with) or a CardText face (1 in
# 4). The committed model was trained (steps 1-6) before the groups existed,
# on eight faces: NanumGothic, NanumBarunGothic, NanumGothic Bold,
# NanumSquare, DejaVu Sans, DejaVu Sans Bold, Liberation Sans Bold, FreeSans
# Bold (FreeSans is now a validation-group family); the from-scratch steps
# now draw the development group.
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
# Fine-tuning (`finetune` = ft-lines, ft-train, ft-eval; train-lib.sh):
#   ft-lines  WORK_FT/ft-train  FT_CARDS development-group cards, seed
#                               FT_SEED; only scan and photo lines get an
#                               lstmf (as stage B)
#             WORK_FT/held-dev  FT_EVAL_CARDS development cards, seed
#                               FT_SEED_DEV (held out)
#             WORK_FT/held-val  FT_EVAL_CARDS validation cards, seed
#                               FT_SEED_VAL (held out)
#   ft-train  models/idserial.traineddata copied to WORK_FT/base,
#             `combine_tessdata -e` of its LSTM, then lstmtraining
#             --continue_from it (--old_traineddata, the model's own
#             learning rate unless FT_LEARNING_RATE) up to FT_ITER iterations
#             in steps of FT_STEP -> WORK_FT/tuned-ITER/idserial.traineddata
#             (float). Rerun with a larger FT_ITER to go on.
#   ft-eval [ITER]  lstmeval, then the CLI (--psm 13) with the committed
#             model and the tuned one, and stock eng (--psm 7, its better
#             mode on serials) on held-val and held-dev
#             -> WORK_FT/compare-ITER.txt
#   ft-install [ITER]  copies the tuned model to models/ (by hand, only
#             when it is better on held-val and no worse on held-dev)
# Times (shared 2-core machine, one core at nice 19): ft-lines ~7.5 min
# (1500 cards rendered in 2.6 min, lstmf 2.6 min, held-out sets 1 min),
# ft-train 1.8-2.7 min per 10,000 iterations (60,000: ~13 min), ft-eval
# ~5 min the first time (three readers, 960 lines), ~1.5 min per later
# tuned model. The committed model: FT_ITER=60000 (README.md).

# Usage: models/train-id-serial.sh
#   [all|lines|train|stop|eval|finetune|ft-lines|ft-train|ft-eval|ft-install]
#   (default all)
# Environment (defaults in brackets):
#   WORK [/work/train-data/idserial]
#   CARDS_TRAIN [2500] SEED_TRAIN [1] CARDS_EVAL [120] SEED_EVAL [90210]
#   ITER_A [60000] ITER_B [120000] ITER_STEP [10000] LEARNING_RATE [0.0005]
#   NET_SPEC (below) CARGO_TARGET_DIR [target]
#   WORK_FT [/work/train-data/idserial-ft] FT_CARDS [1500] FT_SEED [11]
#   FT_EVAL_CARDS [120] FT_SEED_DEV [90211] FT_SEED_VAL [90212]
#   FT_ITER [20000] FT_STEP [10000] FT_LEARNING_RATE [] (keep the model's)
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
WORK_FT="${WORK_FT:-/work/train-data/idserial-ft}"
FT_CARDS="${FT_CARDS:-1500}"
FT_SEED="${FT_SEED:-11}"
FT_EVAL_CARDS="${FT_EVAL_CARDS:-120}"
FT_SEED_DEV="${FT_SEED_DEV:-90211}"
FT_SEED_VAL="${FT_SEED_VAL:-90212}"
FT_ITER="${FT_ITER:-20000}"
FT_STEP="${FT_STEP:-10000}"
FT_LEARNING_RATE="${FT_LEARNING_RATE:-}"
FT_TRAIN_KEEP='$3 != "hard"'  # as stage B: scans and photos
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
    ft-lines) build_example docrec-recognize serial_lines; ft_lines ;;
    ft-train) ft_train ;;
    ft-eval) ft_eval "${2:-}" ;;
    ft-install) ft_install "${2:-}" ;;
    finetune) build_example docrec-recognize serial_lines; ft_lines; ft_train; ft_eval ;;
    *) echo "usage: $0 [all|lines|train|stop|eval|finetune|ft-lines|ft-train|ft-eval|ft-install]" >&2; exit 2 ;;
esac
