# Shared steps of the scripts that train docrec's Tesseract LSTM models
# (train-card-digits.sh, train-id-serial.sh). Sourced, not run.
#
# The sourcing script sets, before calling these:
#   WORK        its data and checkpoint folder
#   LANG_NAME   the model's name (carddigits, idserial)
#   CHARSET     every character the model may output (added to the ground
#               truth, so that the unicharset has them all)
#   GT_SETS     the sets (folders under WORK) whose ground truth makes the
#               unicharset
#   NET_SPEC    the network, with c### for the softmax size
#   ROOT        the repository
#   MODELS      the folder the model is written to
#   LEARNING_RATE
#   SCORE_GROUP an awk expression over lines.tsv's columns that names a
#               line's group in score's per-group counts (e.g. $2 "/" $3)
# and, for the fine-tuning steps (ft_*, below):
#   WORK_FT     their data, checkpoints and models
#   FT_CARDS FT_SEED            development-group training cards and seed
#   FT_EVAL_CARDS FT_SEED_DEV FT_SEED_VAL
#               held-out cards: development group (a fresh seed) and
#               validation group
#   FT_TRAIN_KEEP  an awk condition over lines.tsv's columns: the training
#               lines that get an lstmf and go into the list (default: all)
#   FT_ITER FT_STEP  train up to FT_ITER iterations, in steps of FT_STEP
#   FT_LEARNING_RATE  empty: keep the committed model's rate; else reset to it
#   ft_render SET CARDS SEED GROUP (a function): draws WORK_FT/SET
#   ft_score_all (a function): the score rows for one held-out set

# Every heavy step runs under `nice -n 19` with OMP_THREAD_LIMIT=1, one
# process at a time (the machine is shared).
export OMP_THREAD_LIMIT=1
NICE=(nice -n 19)
STOCK_TESSDATA="${STOCK_TESSDATA:-/usr/share/tesseract-ocr/5/tessdata}"

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# build_example PACKAGE EXAMPLE: builds the line generator, one job at a
# time -> BIN, its path. CARGO_ROOT (default: this repository) is the source
# tree it is built from: e.g. a `git archive HEAD` copy, when the working
# tree holds someone's unfinished edits.
build_example() {
    local target="${CARGO_TARGET_DIR:-$ROOT/target}"
    BIN="$target/release/examples/$2"
    log "build $2"
    (cd "${CARGO_ROOT:-$ROOT}" && CARGO_TARGET_DIR="$target" "${NICE[@]}" \
        cargo build --release -j 1 -p "$1" --example "$2")
}

# starter: the unicharset of the ground truth plus CHARSET, then the
# starter traineddata -> STARTER.
starter() {
    local lang="$WORK/lang" set
    STARTER="$lang/$LANG_NAME/$LANG_NAME.traineddata"
    [ -f "$STARTER" ] && return
    log "unicharset and starter traineddata"
    mkdir -p "$lang/$LANG_NAME"
    # Every character the model may output, whatever the sample drew.
    { for set in $GT_SETS; do cat "$WORK/$set"/*.gt.txt; done; printf '%s\n' "$CHARSET"; } > "$lang/all-gt.txt"
    unicharset_extractor --output_unicharset "$lang/unicharset" --norm_mode 1 "$lang/all-gt.txt" >/dev/null 2>&1
    printf '# No radicals: the charset has no Han characters.\n' > "$lang/radical-stroke.txt"
    combine_lang_model --input_unicharset "$lang/unicharset" --script_dir "$lang" \
        --output_dir "$lang" --lang "$LANG_NAME" >/dev/null 2>&1
    [ -f "$STARTER" ]
}

# run_stage LIST MAX_ITERATIONS: trains (or resumes from the checkpoint) on
# LIST until the trainer's iteration count reaches MAX_ITERATIONS.
run_stage() {
    local list="$1" max="$2" ck="$WORK/checkpoints"
    local outputs
    # The softmax size combine_lang_model computed (the recoder's code range).
    outputs="$(ls "$WORK/lang/$LANG_NAME/"*.charset_size=*.txt | sed 's/.*charset_size=\([0-9]*\)\.txt/\1/')"
    local resume=() done_iter
    if [ -f "$ck/${LANG_NAME}_checkpoint" ]; then
        resume=(--continue_from "$ck/${LANG_NAME}_checkpoint")
        # "At iteration LEARNING/TRAINING/SAMPLE": skip a stage already done
        # rather than load the checkpoint for nothing.
        done_iter="$(grep -o 'At iteration [0-9]*/[0-9]*' "$ck/train.log" | tail -n1 | cut -d/ -f2 || true)"
        if [ -n "$done_iter" ] && [ "$done_iter" -ge "$max" ]; then
            log "skip $(basename "$list") up to $max: the checkpoint is at $done_iter"
            return
        fi
    fi
    log "lstmtraining on $(basename "$list") up to $max iterations"
    # With --continue_from, lstmtraining keeps the checkpoint's learning
    # rate and ignores --learning_rate unless --reset_learning_rate is given
    # too (seen here when training a stage-E model at a lower rate), so
    # LEARNING_RATE only sets the first stage's rate.
    local t0=$SECONDS
    "${NICE[@]}" lstmtraining --debug_interval 0 \
        --traineddata "$STARTER" "${resume[@]}" \
        --learning_rate "$LEARNING_RATE" \
        --net_spec "${NET_SPEC//c###/c$outputs}" \
        --model_output "$ck/$LANG_NAME" \
        --train_listfile "$list" \
        --max_iterations "$max" --target_error_rate 0.002 \
        >> "$ck/train.log" 2>&1
    # Keep only the last checkpoint (one ~3 MB file is written per new best).
    rm -f "$ck/${LANG_NAME}"_[0-9]*.checkpoint
    log "stage done in $((SECONDS - t0)) s: $(grep 'At iteration' "$ck/train.log" | tail -n1 | cut -d, -f1-5)"
}

# Edit distance between $1 and $2 (characters).
LEV_AWK='
function lev(a, b,    la, lb, i, j, d, c, x) {
    la = length(a); lb = length(b)
    for (j = 0; j <= lb; j++) d[0, j] = j
    for (i = 1; i <= la; i++) {
        d[i, 0] = i
        for (j = 1; j <= lb; j++) {
            c = (substr(a, i, 1) == substr(b, j, 1)) ? 0 : 1
            x = d[i-1, j] + 1
            if (d[i, j-1] + 1 < x) x = d[i, j-1] + 1
            if (d[i-1, j-1] + c < x) x = d[i-1, j-1] + c
            d[i, j] = x
        }
    }
    return d[la, lb]
}'

# score NAME TESSDATA LANG [extra tesseract args...]: reads every held-out
# line (SCORE_DIR, default WORK/eval) with the CLI (--psm 7 unless the extra
# args say otherwise) and prints one summary row: exact lines, lines equal
# once spaces are removed, the character error rate (edit distance / truth
# length), and exact lines per SCORE_GROUP. The readings go to
# SCORE_OUT/compare-NAME.tsv (SCORE_OUT defaults to WORK); with SCORE_REUSE=1
# a complete file from an earlier run is scored again without rereading.
score() {
    local name="$1" tessdata="$2" lang="$3"
    shift 3
    local dir="${SCORE_DIR:-$WORK/eval}"
    local out="${SCORE_OUT:-$WORK}/compare-$name.tsv"
    local pngs
    pngs="$(ls "$dir"/*.png | wc -l)"
    if [ "${SCORE_REUSE:-0}" = 1 ] && [ -f "$out" ] && [ "$(wc -l < "$out")" = "$pngs" ]; then
        log "reuse $out"
    else
        : > "$out"
        for png in "$dir"/*.png; do
            local base="${png%.png}" got
            got="$("${NICE[@]}" tesseract "$png" stdout --tessdata-dir "$tessdata" -l "$lang" --psm 7 "$@" 2>/dev/null | tr '\n\f' '  ' | tr -s ' ' | sed 's/^ //; s/ $//')"
            printf '%s\t%s\t%s\n' "$(basename "$base")" "$(head -n1 "$base.gt.txt")" "$got" >> "$out"
        done
    fi
    # Grouped by SCORE_GROUP over the columns of lines.tsv.
    awk -F'\t' -v name="$name" "$LEV_AWK"'
        NR == FNR { if (FNR > 1) group[$1] = '"$SCORE_GROUP"'; next }
        {
            truth = $2; got = $3
            t = truth; g = got; gsub(/ /, "", t); gsub(/ /, "", g)
            n++; chars += length(truth); errs += lev(truth, got)
            if (truth == got) exact++
            if (t == g) digits++
            k = group[$1]; kn[k]++; if (t == g) kd[k]++
        }
        END {
            printf "%-22s lines %4d  exact %5.1f%%  same-ignoring-spaces %5.1f%%  CER %5.2f%%", name, n, 100*exact/n, 100*digits/n, 100*errs/chars
            for (k in kn) printf "  %s %d/%d", k, kd[k], kn[k]
            printf "\n"
        }' "$dir/lines.tsv" "$out"
}

# stop_model [lstmtraining args...]: the last checkpoint as the model
# MODELS/LANG_NAME.traineddata (float weights, unless the args say
# --convert_to_int).
stop_model() {
    lstmtraining --stop_training "$@" \
        --continue_from "$WORK/checkpoints/${LANG_NAME}_checkpoint" \
        --traineddata "$STARTER" \
        --model_output "$MODELS/$LANG_NAME.traineddata" >/dev/null 2>&1
    log "wrote $MODELS/$LANG_NAME.traineddata ($(stat -c %s "$MODELS/$LANG_NAME.traineddata") bytes)"
}

# lstmeval_held_out: lstmeval of the model on the held-out lines
# (WORK/list.eval) -> WORK/lstmeval.txt
lstmeval_held_out() {
    log "lstmeval on held-out lines"
    lstmeval --model "$MODELS/$LANG_NAME.traineddata" --eval_listfile "$WORK/list.eval" 2>&1 \
        | tail -n1 | tee "$WORK/lstmeval.txt"
}

# ---- Fine-tuning the committed model (MODE finetune) ----
#
# The committed model is a float model, so lstmtraining can continue it:
# `combine_tessdata -e` takes its LSTM out, and lstmtraining continues from
# it (--continue_from, --old_traineddata) on lines of the development face
# group. The committed model is first copied to WORK_FT/base, so that it can
# still be measured after models/ gets the tuned one.

# ft_lines: development training lines, and held-out lines of the
# development group (a fresh seed) and of the validation group; an lstmf for
# each kept training line and each held-out line.
ft_lines() {
    mkdir -p "$WORK_FT"
    local set cards seed group
    for spec in "ft-train $FT_CARDS $FT_SEED development" \
                "held-dev $FT_EVAL_CARDS $FT_SEED_DEV development" \
                "held-val $FT_EVAL_CARDS $FT_SEED_VAL validation"; do
        read -r set cards seed group <<< "$spec"
        local dir="$WORK_FT/$set"
        if [ ! -f "$dir/lines.tsv" ]; then
            log "render $set ($cards cards, seed $seed, $group group)"
            ft_render "$dir" "$cards" "$seed" "$group"
        fi
        local keep=1
        [ "$set" = ft-train ] && keep="${FT_TRAIN_KEEP:-1}"
        awk -F'\t' "NR > 1 && ($keep) { print \$1 }" "$dir/lines.tsv" > "$dir/kept.txt"
        log "lstmf for $set ($(wc -l < "$dir/kept.txt") lines)"
        local name
        while read -r name; do
            [ -f "$dir/$name.lstmf" ] || "${NICE[@]}" tesseract "$dir/$name.png" "$dir/$name" --psm 13 lstm.train >/dev/null 2>&1 \
                || log "no lstmf for $dir/$name"
        done < "$dir/kept.txt"
        while read -r name; do
            [ -f "$dir/$name.lstmf" ] && printf '%s\n' "$dir/$name.lstmf"
        done < "$dir/kept.txt" | shuf --random-source=<(yes) > "$WORK_FT/list.$set"
        log "$set: $(wc -l < "$WORK_FT/list.$set") lines with an lstmf"
    done
}

# ft_base: the committed model, copied once to WORK_FT/base, and its LSTM.
ft_base() {
    BASE="$WORK_FT/base/$LANG_NAME.traineddata"
    mkdir -p "$WORK_FT/base"
    [ -f "$BASE" ] || cp "$MODELS/$LANG_NAME.traineddata" "$BASE"
    [ -f "$WORK_FT/base/$LANG_NAME.lstm" ] \
        || combine_tessdata -e "$BASE" "$WORK_FT/base/$LANG_NAME.lstm" >/dev/null 2>&1
}

# ft_train: continues the committed model on list.ft-train up to FT_ITER
# iterations, in steps of FT_STEP (each step resumes from the checkpoint,
# which lstmtraining prefers to --continue_from), then writes the float model
# WORK_FT/tuned-ITER/LANG.traineddata.
ft_train() {
    ft_base
    local ck="$WORK_FT/checkpoints" max done_iter rate=()
    mkdir -p "$ck"
    [ -n "${FT_LEARNING_RATE:-}" ] && rate=(--learning_rate "$FT_LEARNING_RATE" --reset_learning_rate)
    for ((max = FT_STEP; max < FT_ITER + FT_STEP; max += FT_STEP)); do
        max=$((max < FT_ITER ? max : FT_ITER))
        done_iter="$(grep -o 'At iteration [0-9]*/[0-9]*' "$ck/train.log" 2>/dev/null | tail -n1 | cut -d/ -f2 || true)"
        if [ -f "$ck/${LANG_NAME}_checkpoint" ] && [ -n "$done_iter" ] && [ "$done_iter" -ge "$max" ]; then
            log "skip fine-tuning up to $max: the checkpoint is at $done_iter"
            continue
        fi
        log "fine-tune on list.ft-train up to $max iterations"
        local t0=$SECONDS
        "${NICE[@]}" lstmtraining --debug_interval 0 \
            --traineddata "$BASE" --old_traineddata "$BASE" \
            --continue_from "$WORK_FT/base/$LANG_NAME.lstm" "${rate[@]}" \
            --model_output "$ck/$LANG_NAME" \
            --train_listfile "$WORK_FT/list.ft-train" \
            --max_iterations "$max" --target_error_rate 0.002 \
            >> "$ck/train.log" 2>&1
        rm -f "$ck/${LANG_NAME}"_[0-9]*.checkpoint
        log "step done in $((SECONDS - t0)) s: $(grep 'At iteration' "$ck/train.log" | tail -n1 | cut -d, -f1-5)"
    done
    done_iter="$(grep -o 'At iteration [0-9]*/[0-9]*' "$ck/train.log" | tail -n1 | cut -d/ -f2)"
    TUNED="$WORK_FT/tuned-$done_iter/$LANG_NAME.traineddata"
    mkdir -p "$(dirname "$TUNED")"
    lstmtraining --stop_training \
        --continue_from "$ck/${LANG_NAME}_checkpoint" \
        --traineddata "$BASE" \
        --model_output "$TUNED" >/dev/null 2>&1
    log "wrote $TUNED ($(stat -c %s "$TUNED") bytes)"
}

# ft_render DIR PAGES SEED GROUP: the generator's lines of GROUP (BIN, the
# script's example). A script whose example takes other arguments defines
# its own after sourcing this file, as train-card-digits.sh does.
ft_render() {
    "${NICE[@]}" "$BIN" "$1" "$2" "$3" --group "$4"
}

# ft_score_all: the committed and tuned models (read as one line, --psm 13)
# and stock eng on SCORE_DIR's lines. Overridable as ft_render is.
ft_score_all() {
    score committed "$WORK_FT/base" "$LANG_NAME" --psm 13
    score "tuned-$TUNED_ITER" "$TUNED_DIR" "$LANG_NAME" --psm 13
    score eng "$STOCK_TESSDATA" eng
}

# ft_eval [ITER]: the committed model (WORK_FT/base), the tuned model of
# ITER iterations (default: the latest) and stock eng on the held-out lines
# of the validation and development groups (ft_score_all names the rows),
# plus lstmeval -> WORK_FT/compare-ITER.txt
ft_eval() {
    ft_base
    local iter="${1:-}"
    if [ -z "$iter" ]; then
        iter="$(ls -d "$WORK_FT"/tuned-* | sed 's/.*tuned-//' | sort -n | tail -n1)"
    fi
    TUNED_DIR="$WORK_FT/tuned-$iter"
    TUNED_ITER="$iter"
    local set
    for set in held-val held-dev; do
        printf '== %s (%s lines)\n' "$set" "$(($(wc -l < "$WORK_FT/$set/lines.tsv") - 1))"
        printf 'lstmeval committed: %s\n' "$(lstmeval --model "$WORK_FT/base/$LANG_NAME.traineddata" --eval_listfile "$WORK_FT/list.$set" 2>&1 | tail -n1)"
        printf 'lstmeval tuned-%s: %s\n' "$iter" "$(lstmeval --model "$TUNED_DIR/$LANG_NAME.traineddata" --eval_listfile "$WORK_FT/list.$set" 2>&1 | tail -n1)"
        SCORE_DIR="$WORK_FT/$set" SCORE_OUT="$WORK_FT/$set" SCORE_REUSE=1 ft_score_all
    done | tee "$WORK_FT/compare-$iter.txt"
}

# ft_install [ITER]: the tuned model of ITER iterations (default: the
# latest) becomes MODELS/LANG.traineddata. Run by hand, only when ft_eval
# shows it better on the validation group and no worse on development.
ft_install() {
    local iter="${1:-}"
    if [ -z "$iter" ]; then
        iter="$(ls -d "$WORK_FT"/tuned-* | sed 's/.*tuned-//' | sort -n | tail -n1)"
    fi
    cp "$WORK_FT/tuned-$iter/$LANG_NAME.traineddata" "$MODELS/$LANG_NAME.traineddata"
    log "installed $WORK_FT/tuned-$iter/$LANG_NAME.traineddata as $MODELS/$LANG_NAME.traineddata"
}
