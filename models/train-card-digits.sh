#!/usr/bin/env bash
# Trains models/carddigits.traineddata: a Tesseract LSTM model that reads the
# number line and the MM/YY expiry of a payment card (charset `0-9`, `/` and
# space), from scratch, on synthetic line images drawn by docrec-synth.
#
# Why from scratch: Debian's eng.traineddata is an integer ("fast") model, and
# `lstmtraining --continue_from` refuses it ("is an integer (fast) model,
# cannot continue training"); the float tessdata_best models are not packaged.
# MODE finetune (the ft-* steps) continues the committed float model on
# lines of the development face group instead, and measures it on held-out
# lines of the validation and development groups.
#
# Inputs (Debian packages, nothing downloaded):
#   tesseract-ocr (tesseract, unicharset_extractor, combine_lang_model,
#   lstmtraining, lstmeval, combine_tessdata; 5.3.0), tesseract-ocr-eng (only
#   for the stock comparison), the fonts of docrec-synth's face groups
#   (docs/synthetic-groups.md; crates/docrec-synth/src/fonts.rs names each
#   face's package: fonts-ocr-a, fonts-ocr-b, fonts-dejavu-core,
#   fonts-liberation2, fonts-freefont-ttf, fonts-noto-cjk, fonts-baekmuk,
#   fonts-unfonts-core, fonts-nanum, ...), cargo.
#
# card_lines draws its cards in one face group (--group, default
# development), with credit_card::render: number and expiry in the group's
# CardNumber faces. The committed model was trained (steps 1-7) before the
# groups existed, on cards in OCR-A, OCR-B, DejaVu Sans Mono Bold, Liberation
# Mono Bold, FreeMono Bold and DejaVu Sans Bold (all development families
# now); the from-scratch steps now draw the development group.
#
# Steps (each skipped when its output exists, so a run can be resumed):
#   1. build  `cargo build --release -p docrec-synth --example card_lines`
#   2. lines  card_lines writes NAME.png + .gt.txt + .box per line:
#             WORK/train-whole  CARDS_TRAIN cards, seed SEED_WHOLE, line box =
#                               the whole (padded) image
#             WORK/train        CARDS_TRAIN cards, seed SEED_TRAIN, line box =
#                               the printed characters (70%) or whole image
#             WORK/train-c      CARDS_MORE cards, seed SEED_C, boxes as train
#             WORK/train-d      CARDS_MORE cards, seed SEED_D, line box =
#                               the whole image, as train-whole
#             WORK/eval         CARDS_EVAL cards, seed SEED_EVAL, as train:
#                               held out (other cards, numbers, renderings)
#             WORK/train-e      CARDS_MORE cards, seed SEED_E, boxes as train
#                               (stage D: only its embossed lines and a
#                               random third of its flat lines are used)
#   3. lstmf  `tesseract NAME.png NAME --psm 13 lstm.train` for every line
#             (it cuts the .box line box, plus 4 px, out of the image);
#             WORK/list.train-bcd = the lines of train, train-c and train-d,
#             shuffled (`shuf --random-source=<(yes)`, so always the same way);
#             for train-e only the chosen lines (WORK/train-e/chosen.txt) get
#             an lstmf; WORK/list.train-bcde = list.train-bcd plus those,
#             shuffled the same way
#   4. lang   unicharset_extractor on the ground truth, then
#             combine_lang_model (with an empty radical-stroke.txt, which
#             Debian does not ship and a digits charset does not need)
#             -> the starter WORK/lang/carddigits/carddigits.traineddata
#   5. train  lstmtraining from scratch, NET_SPEC, no eval list
#             (lstmtraining would evaluate in a second thread):
#             stage A on train-whole up to ITER_A iterations (padded lines:
#             the digits are learnt), then stage B continues on train up to
#             ITER_B in all (tight cuts like tesseract's own --psm 7 cut;
#             stage A alone drops the first digit of many such cuts), then
#             stage C continues on list.train-bcd up to ITER_C in all, in
#             steps of ITER_STEP (each step resumes from the checkpoint; a
#             stage already past its count is skipped), then stage D
#             continues on list.train-bcde up to ITER_D, in the same steps
#             (more embossed lines: the weakest case)
#   6. stop   lstmtraining --stop_training [--convert_to_int]
#             -> models/carddigits.traineddata
#   7. eval   lstmeval on the held-out lines, then the tesseract CLI
#             (--psm 7) on the same lines with carddigits, stock eng, and
#             stock eng limited to the same characters; exact-line and
#             character error rates -> WORK/compare.txt
# Fine-tuning (`finetune` = ft-lines, ft-train, ft-eval; train-lib.sh):
#   ft-lines  WORK_FT/ft-train  FT_CARDS development-group cards, seed
#                               FT_SEED, boxes as train
#             WORK_FT/held-dev  FT_EVAL_CARDS development cards, seed
#                               FT_SEED_DEV (held out)
#             WORK_FT/held-val  FT_EVAL_CARDS validation cards, seed
#                               FT_SEED_VAL (held out)
#   ft-train  models/carddigits.traineddata copied to WORK_FT/base,
#             `combine_tessdata -e` of its LSTM, then lstmtraining
#             --continue_from it (--old_traineddata; learning rate reset to
#             FT_LEARNING_RATE, 0.0001: the model's own 0.0005 read held-out
#             development lines worse at 40k than at 20k) up to FT_ITER
#             iterations in steps of FT_STEP
#             -> WORK_FT/tuned-ITER/carddigits.traineddata (float). Rerun
#             with a larger FT_ITER to go on.
#   ft-eval [ITER]  lstmeval, then the CLI (--psm 7, as the recognizer
#             reads) with the committed model and the tuned one, and stock
#             eng on held-val and held-dev
#             -> WORK_FT/compare-ITER.txt
#   ft-install [ITER]  copies the tuned model to models/ (by hand, only
#             when it is better on held-val and no worse on held-dev)

# Usage: models/train-card-digits.sh
#   [all|lines|train|eval|finetune|ft-lines|ft-train|ft-eval|ft-install]
#   (default all)
# Environment (defaults in brackets):
#   WORK [/work/train-data/carddigits]   generated data and checkpoints
#   CARDS_TRAIN [2000] SEED_WHOLE [1] SEED_TRAIN [2]
#   CARDS_EVAL [240] SEED_EVAL [90210]
#   CARDS_MORE [3000] SEED_C [3] SEED_D [4] SEED_E [5]
#   ITER_A [57800] ITER_B [75000] ITER_C [160000] ITER_D [240000]
#   ITER_STEP [20000]
#   LEARNING_RATE [0.0005]: the rate of the first stage; later stages
#   resume from its checkpoint and keep its rate (see run_stage)
#   NET_SPEC (below)
#   CARGO_TARGET_DIR [target]  INT_MODEL [0]: 1 ships the integer model
#   (140 KB instead of 1 MB; measured on the stage-C model: 86.0% instead
#   of 88.7% exact lines)
#   WORK_FT [/work/train-data/carddigits-ft] FT_CARDS [2000] FT_SEED [11]
#   FT_EVAL_CARDS [240] FT_SEED_DEV [90211] FT_SEED_VAL [90212]
#   FT_ITER [20000] FT_STEP [10000] FT_LEARNING_RATE [0.0001] (set it empty
#   to keep the model's own rate)
#
# Niceness: every heavy step runs under `nice -n 19` with OMP_THREAD_LIMIT=1,
# one process at a time (the machine is shared).
#
# Time on the shared 2-core machine (other builds running), one core used:
# rendering ~2.5 min per 2000 cards, lstmf ~2.5 min per set, stage A ~25 min
# (57,800 iterations; the error stays near 70% for ~7000 iterations, then
# falls), stage B ~6.5 min (17,200 iterations), rendering and lstmf for
# train-c and train-d ~12 min, stage C ~32 min (85,000 iterations),
# rendering and lstmf for train-e ~5 min, stage D ~33 min (80,000
# iterations), eval ~4 min: ~2.2 h in all. Fine-tuning: ft-lines ~7 min
# (2000 cards rendered in 3.2 min, lstmf 2.8 min, held-out sets 1.3 min),
# ft-train ~7.5 min per 20,000 iterations, ft-eval ~4.6 min the first time
# (three readers, 793 lines), ~1 min for each later tuned model.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MODELS="$ROOT/models"
WORK="${WORK:-/work/train-data/carddigits}"
CARDS_TRAIN="${CARDS_TRAIN:-2000}"
SEED_WHOLE="${SEED_WHOLE:-1}"
SEED_TRAIN="${SEED_TRAIN:-2}"
CARDS_EVAL="${CARDS_EVAL:-240}"
SEED_EVAL="${SEED_EVAL:-90210}"
ITER_A="${ITER_A:-57800}"
ITER_B="${ITER_B:-75000}"
CARDS_MORE="${CARDS_MORE:-3000}"
SEED_C="${SEED_C:-3}"
SEED_D="${SEED_D:-4}"
SEED_E="${SEED_E:-5}"
ITER_C="${ITER_C:-160000}"
ITER_D="${ITER_D:-240000}"
ITER_STEP="${ITER_STEP:-20000}"
LEARNING_RATE="${LEARNING_RATE:-0.0005}"
# A 3x3 convolution (32 maps), 3x3 max-pool, an LSTM summarising each column,
# a bidirectional LSTM along the line, softmax: ~130k weights.
NET_SPEC="${NET_SPEC:-[1,36,0,1 Ct3,3,32 Mp3,3 Lfys48 Lbx96 O1c###]}"
INT_MODEL="${INT_MODEL:-0}"
WORK_FT="${WORK_FT:-/work/train-data/carddigits-ft}"
FT_CARDS="${FT_CARDS:-2000}"
FT_SEED="${FT_SEED:-11}"
FT_EVAL_CARDS="${FT_EVAL_CARDS:-240}"
FT_SEED_DEV="${FT_SEED_DEV:-90211}"
FT_SEED_VAL="${FT_SEED_VAL:-90212}"
FT_ITER="${FT_ITER:-20000}"
FT_STEP="${FT_STEP:-10000}"
FT_LEARNING_RATE="${FT_LEARNING_RATE-0.0001}"
LANG_NAME=carddigits
CHARSET='0123456789/ '
GT_SETS="train-whole train"
SCORE_GROUP='$2 "/" $3'  # kind/style
# shellcheck source=models/train-lib.sh
. "$MODELS/train-lib.sh"

lines() {
    build_example docrec-synth card_lines
    mkdir -p "$WORK"
    local set cards seed boxes
    for spec in "train-whole $CARDS_TRAIN $SEED_WHOLE whole" \
                "train $CARDS_TRAIN $SEED_TRAIN text" \
                "train-c $CARDS_MORE $SEED_C text" \
                "train-d $CARDS_MORE $SEED_D whole" \
                "eval $CARDS_EVAL $SEED_EVAL text"; do
        read -r set cards seed boxes <<< "$spec"
        if [ ! -f "$WORK/$set/lines.tsv" ]; then
            log "render $set lines ($cards cards, seed $seed, $boxes boxes)"
            "${NICE[@]}" "$BIN" "$WORK/$set" "$cards" "$seed" "$boxes"
        fi
        log "lstmf for $set"
        for png in "$WORK/$set"/*.png; do
            local base="${png%.png}"
            [ -f "$base.lstmf" ] || "${NICE[@]}" tesseract "$png" "$base" --psm 13 lstm.train >/dev/null 2>&1 \
                || log "no lstmf for $base"
        done
        ls "$WORK/$set"/*.lstmf > "$WORK/list.$set"
        log "$set: $(wc -l < "$WORK/list.$set") lines"
    done
    cat "$WORK/list.train" "$WORK/list.train-c" "$WORK/list.train-d" \
        | shuf --random-source=<(yes) > "$WORK/list.train-bcd"
    log "train-bcd: $(wc -l < "$WORK/list.train-bcd") lines"

    # Stage D's extra lines: every embossed line of train-e and a random
    # third of its flat lines (so that the flat ones aren't forgotten).
    local e="$WORK/train-e"
    if [ ! -f "$e/lines.tsv" ]; then
        log "render train-e lines ($CARDS_MORE cards, seed $SEED_E, text boxes)"
        "${NICE[@]}" "$BIN" "$e" "$CARDS_MORE" "$SEED_E" text
    fi
    if [ ! -f "$e/chosen.txt" ]; then
        awk -F'\t' 'NR > 1 && $3 == "embossed" { print $1 }' "$e/lines.tsv" > "$e/chosen-embossed.txt"
        awk -F'\t' 'NR > 1 && $3 != "embossed" { print $1 }' "$e/lines.tsv" > "$e/flat-all.txt"
        local nflat
        nflat="$(wc -l < "$e/flat-all.txt")"
        shuf --random-source=<(yes) "$e/flat-all.txt" > "$e/flat-shuffled.txt"
        head -n "$((nflat / 3))" "$e/flat-shuffled.txt" | sort > "$e/chosen-flat.txt"
        cat "$e/chosen-embossed.txt" "$e/chosen-flat.txt" | sort > "$e/chosen.txt"
    fi
    log "lstmf for train-e (chosen lines)"
    local name
    while read -r name; do
        [ -f "$e/$name.lstmf" ] || "${NICE[@]}" tesseract "$e/$name.png" "$e/$name" --psm 13 lstm.train >/dev/null 2>&1 \
            || log "no lstmf for $e/$name"
    done < "$e/chosen.txt"
    sed "s|^|$e/|; s|\$|.lstmf|" "$e/chosen.txt" > "$WORK/list.train-e"
    cat "$WORK/list.train-bcd" "$WORK/list.train-e" \
        | shuf --random-source=<(yes) > "$WORK/list.train-bcde"
    log "train-bcde: $(wc -l < "$WORK/list.train-bcde") lines"
}

train() {
    starter
    mkdir -p "$WORK/checkpoints"
    run_stage "$WORK/list.train-whole" "$ITER_A"
    run_stage "$WORK/list.train" "$ITER_B"
    local max
    for ((max = ITER_B + ITER_STEP; max < ITER_C + ITER_STEP; max += ITER_STEP)); do
        run_stage "$WORK/list.train-bcd" "$((max < ITER_C ? max : ITER_C))"
    done
    for ((max = ITER_C + ITER_STEP; max < ITER_D + ITER_STEP; max += ITER_STEP)); do
        run_stage "$WORK/list.train-bcde" "$((max < ITER_D ? max : ITER_D))"
    done
    local convert=()
    [ "$INT_MODEL" = 1 ] && convert=(--convert_to_int)
    stop_model "${convert[@]}"
}

evaluate() {
    starter
    lstmeval_held_out
    log "tesseract CLI on held-out lines (carddigits, eng, eng limited to 0-9 / space)"
    {
        score carddigits "$MODELS" "$LANG_NAME"
        score carddigits-psm13 "$MODELS" "$LANG_NAME" --psm 13
        score eng "$STOCK_TESSDATA" eng
        score eng-whitelist "$STOCK_TESSDATA" eng -c tessedit_char_whitelist='0123456789/ '
    } | tee "$WORK/compare.txt"
}

# Fine-tuning: the generator's group lines (train-lib.sh: ft_*).
ft_render() {
    "${NICE[@]}" "$BIN" "$1" "$2" "$3" text --group "$4"
}

ft_score_all() {
    score committed "$WORK_FT/base" "$LANG_NAME"
    score "tuned-$TUNED_ITER" "$TUNED_DIR" "$LANG_NAME"
    score eng "$STOCK_TESSDATA" eng
}

case "${1:-all}" in
    lines) lines ;;
    train) train ;;
    eval) evaluate ;;
    all) lines; train; evaluate ;;
    ft-lines) build_example docrec-synth card_lines; ft_lines ;;
    ft-train) ft_train ;;
    ft-eval) ft_eval "${2:-}" ;;
    ft-install) ft_install "${2:-}" ;;
    finetune) build_example docrec-synth card_lines; ft_lines; ft_train; ft_eval ;;
    *) echo "usage: $0 [all|lines|train|eval|finetune|ft-lines|ft-train|ft-eval|ft-install]" >&2; exit 2 ;;
esac
