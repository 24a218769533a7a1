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

# Every heavy step runs under `nice -n 19` with OMP_THREAD_LIMIT=1, one
# process at a time (the machine is shared).
export OMP_THREAD_LIMIT=1
NICE=(nice -n 19)
STOCK_TESSDATA="${STOCK_TESSDATA:-/usr/share/tesseract-ocr/5/tessdata}"

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# build_example PACKAGE EXAMPLE: builds the line generator, one job at a
# time -> BIN, its path.
build_example() {
    local target="${CARGO_TARGET_DIR:-$ROOT/target}"
    BIN="$target/release/examples/$2"
    log "build $2"
    (cd "$ROOT" && CARGO_TARGET_DIR="$target" "${NICE[@]}" \
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
# line with the CLI (--psm 7 unless the extra args say otherwise) and prints
# one summary row: exact lines, lines equal once spaces are removed, the
# character error rate (edit distance / truth length), and exact lines per
# kind/style.
score() {
    local name="$1" tessdata="$2" lang="$3"
    shift 3
    local out="$WORK/compare-$name.tsv"
    : > "$out"
    for png in "$WORK"/eval/*.png; do
        local base="${png%.png}" got
        got="$("${NICE[@]}" tesseract "$png" stdout --tessdata-dir "$tessdata" -l "$lang" --psm 7 "$@" 2>/dev/null | tr '\n\f' '  ' | tr -s ' ' | sed 's/^ //; s/ $//')"
        printf '%s\t%s\t%s\n' "$(basename "$base")" "$(head -n1 "$base.gt.txt")" "$got" >> "$out"
    done
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
        }' "$WORK/eval/lines.tsv" "$out"
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
