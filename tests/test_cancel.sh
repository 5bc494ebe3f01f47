# A signal ends a long kernel, not only the sweep between runs: bogosort of
# a 16-wide row (hours) and an elbow of several minutes stop soon after
# SIGINT/SIGTERM, exit 130/143, and record no row of the cut run. Sizes
# expected to take over a minute are announced with an estimate first. And
# PCA(2) of wide data (60 x 5000) goes through the Gram matrix: seconds,
# where the d x d eigensolve took over ten minutes.
. tests/lib.sh

# The cut must come within this many seconds of the signal (the kernels
# poll well under one; the rest is slack for a loaded machine).
CUT_BOUND=30

# cut_run SIG CODE DIR ARGS...: start a study, wait for its estimate
# warning (set-up done, the kernel about to run) and one more second, send
# SIG; the study must end with CODE within CUT_BOUND seconds, with no row
# in runs.csv. Its stderr is DIR.err.
cut_run() {
    sig=$1; code=$2; dir=$3; shift 3
    rm -f "$dir.err"
    "$OMPSWEEP" "$@" -t 1 -r 1 -w 0 -q -o "$dir" >/dev/null 2>"$dir.err" &
    pid=$!
    i=0
    while ! grep -q 'stops it' "$dir.err" && [ $i -lt 600 ]; do
        sleep 0.1; i=$((i + 1))
    done
    check "the estimate came first: $(head -c 300 "$dir.err")" grep -q 'stops it' "$dir.err"
    sleep 1
    kill -"$sig" $pid
    i=0
    while kill -0 $pid 2>/dev/null && [ $i -lt $((CUT_BOUND * 10)) ]; do
        sleep 0.1; i=$((i + 1))
    done
    ended=true
    if kill -0 $pid 2>/dev/null; then
        ended=false
        kill -KILL $pid
    fi
    wait $pid
    rc=$?
    check "the kernel ended within ${CUT_BOUND} s of SIG$sig" $ended
    check "exit $code after SIG$sig (got $rc)" [ $rc -eq "$code" ]
    check "stderr says interrupted" grep -q "interrupted; rows written so far" "$dir.err"
    check "no row for the cut run" [ "$(data_rows "$dir/runs.csv")" -eq 0 ]
    check "metadata says interrupted" grep -q '"interrupted": true' "$dir/metadata.json"
}

test_bogosort_wide_row_sigint() {
    cut_run INT 130 "$TMP/bogo" bogosort --rows 1 --cols 16
    check "the estimate counts shuffles" \
        grep -q 'bogosort 1x16: about .* shuffles a run' "$TMP/bogo.err"
}

test_bogosort_wide_row_sigterm() {
    cut_run TERM 143 "$TMP/bogo-term" bogosort --rows 2 --cols 16 --partition chunks
}

test_elbow_sigterm() {
    cut_run TERM 143 "$TMP/elbow" elbow --samples 400000 --features 4 --k-max 30
    check "the estimate is the elbow's" grep -q 'elbow 400000x4: expected about' "$TMP/elbow.err"
}

test_elbow_tasks_sigint() {
    cut_run INT 130 "$TMP/tasks" elbow --samples 400000 --features 4 --k-max 30 \
        --parallel tasks
}

# No estimate for what takes seconds: the defaults, a 9-wide bogosort.
test_no_estimate_for_short_studies() {
    "$OMPSWEEP" bogosort elbow -t 1 -r 1 -w 0 -q -o "$TMP/short" >/dev/null 2>"$TMP/err"
    check "defaults run" [ $? -eq 0 ]
    check "no estimate: $(cat "$TMP/err")" sh -c "! grep -q 'stops it' '$TMP/err'"
}

# 60 x 5000, three blobs: finishes (PCA by the 60 x 60 Gram matrix) and
# finds the three.
test_wide_data_elbow() {
    awk 'BEGIN {
        srand(7); d = 5000
        for (f = 0; f < d; f++) printf "%sx%d", f ? "," : "", f; print ""
        for (c = 0; c < 3; c++) for (f = 0; f < d; f++) centre[c, f] = 20 * rand() - 10
        for (i = 0; i < 60; i++) {
            c = i % 3
            for (f = 0; f < d; f++) printf "%s%.6f", f ? "," : "", centre[c, f] + rand() - 0.5
            print ""
        }
    }' >"$TMP/wide.csv"
    "$OMPSWEEP" elbow --data "$TMP/wide.csv" --k-max 6 -t 1 -r 1 -w 0 -q \
        -o "$TMP/wide" >"$TMP/out" 2>"$TMP/err" &
    pid=$!
    i=0
    while kill -0 $pid 2>/dev/null && [ $i -lt 1200 ]; do
        sleep 0.1; i=$((i + 1))
    done
    kill -0 $pid 2>/dev/null && kill -KILL $pid
    wait $pid
    rc=$?
    check "60 x 5000 done in under 2 minutes, exit 0 (got $rc)" [ $rc -eq 0 ]
    check "one row" [ "$(data_rows "$TMP/wide/runs.csv")" -eq 1 ]
    column "$TMP/wide/elbow_choice.csv" rule >"$TMP/rules"
    column "$TMP/wide/elbow_choice.csv" chosen_k | paste -d ' ' "$TMP/rules" - >"$TMP/chosen"
    check "k = 3 by the best silhouette ($(tr '\n' ' ' <"$TMP/chosen"))" \
        grep -qx 'max 3' "$TMP/chosen"
}

run_test test_bogosort_wide_row_sigint
run_test test_bogosort_wide_row_sigterm
run_test test_elbow_sigterm
run_test test_elbow_tasks_sigint
run_test test_no_estimate_for_short_studies
run_test test_wide_data_elbow
finish
