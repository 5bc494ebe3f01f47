# End-to-end tests of the measurement features: summarize across jobs,
# SIGTERM/SIGINT during a sweep, --resume, warnings, metadata.json.
. tests/lib.sh

FAST="--rows 300 --cols 7"

# Every data row of a runs file has 18 fields, a verified value and a status.
well_formed() {
    awk -F, 'NR > 1 && (NF < 18 || ($(NF - 1) != "true" && $(NF - 1) != "false") ||
                        ($NF != "ok" && $NF != "failed" && $NF != "timeout")) { bad = 1 }
             END { exit bad }' "$1"
}

test_summarize_two_jobs() {
    OMP_NUM_THREADS=1 "$OMPSWEEP" bogosort $FAST -r 3 -q -o "$TMP/j1" >/dev/null 2>&1
    OMP_NUM_THREADS=2 "$OMPSWEEP" bogosort $FAST -r 3 -q -o "$TMP/j2" >/dev/null 2>&1
    "$OMPSWEEP" summarize "$TMP/j1/runs.csv" "$TMP/j2/runs.csv" -o "$TMP/merged" >"$TMP/out" 2>&1
    check "exit 0" [ $? -eq 0 ]
    check "one block with threads 1 and 2" [ "$(awk '$1 == 1 && ($2 == 1 || $2 == 2)' "$TMP/out" | wc -l)" -eq 2 ]
    speedup=$(awk '$1 == 1 && $2 == 2 { print $8 }' "$TMP/out")
    # A number, whatever its size: timings are not asserted in tests.
    check "speedup of 2 over 1 printed (got '$speedup')" awk -v s="$speedup" 'BEGIN { exit !(s ~ /^[0-9]+\.[0-9][0-9]$/ && s + 0 > 0) }'
    check "merged summary has 2 rows" [ "$(data_rows "$TMP/merged/summary.csv")" -eq 2 ]
    check "merged speedup column filled" [ -n "$(column "$TMP/merged/summary.csv" speedup | tail -n 1)" ]
}

test_summarize_rejects_foreign() {
    printf 'a,b\n1,2\n' >"$TMP/foreign.csv"
    "$OMPSWEEP" summarize "$TMP/foreign.csv" >/dev/null 2>"$TMP/err"
    check "exit 2" [ $? -eq 2 ]
    check "message" grep -q "foreign.csv:1: not an ompsweep runs file" "$TMP/err"
    "$OMPSWEEP" summarize "$TMP/missing.csv" >/dev/null 2>&1
    check "missing file: exit 2" [ $? -eq 2 ]
}

# Start a long sweep, wait for its first rows, send SIG, expect CODE.
interrupt_sweep() {
    sig=$1; code=$2; dir=$3
    "$OMPSWEEP" bogosort $FAST -t 1,2 -r 40 -q -o "$dir" >/dev/null 2>"$TMP/err" &
    pid=$!
    i=0
    while [ "$(data_rows "$dir/runs.csv")" -lt 3 ] && [ $i -lt 200 ]; do
        sleep 0.05; i=$((i + 1))
    done
    kill -"$sig" $pid
    wait $pid
    rc=$?
    check "exit $code after SIG$sig (got $rc)" [ $rc -eq "$code" ]
    check "stderr says interrupted" grep -q "interrupted; rows written so far" "$TMP/err"
    check "runs.csv well formed" well_formed "$dir/runs.csv"
    check "fewer rows than the full sweep" [ "$(data_rows "$dir/runs.csv")" -lt 80 ]
    check "runs.csv still summarizes" "$OMPSWEEP" summarize "$dir/runs.csv" >/dev/null
    check "metadata says interrupted" grep -q '"interrupted": true' "$dir/metadata.json"
    check "metadata has the exit status" grep -q "\"exit_status\": $code" "$dir/metadata.json"
}

test_sigterm_then_resume() {
    d="$TMP/kill"
    interrupt_sweep TERM 143 "$d"
    before=$(data_rows "$d/runs.csv")
    "$OMPSWEEP" bogosort $FAST -t 1,2 -r 40 -q --resume -o "$d" >/dev/null 2>&1
    check "resume exit 0" [ $? -eq 0 ]
    check "exactly 80 rows after resume" [ "$(data_rows "$d/runs.csv")" -eq 80 ]
    check "no cell measured twice" [ "$(awk -F, 'NR > 1 { print $11 "," $12 }' "$d/runs.csv" | sort | uniq -d | wc -l)" -eq 0 ]
    check "one run id" [ "$(column "$d/runs.csv" run_id | sort -u | wc -l)" -eq 1 ]
    check "resume added rows" [ "$before" -lt 80 ]
    check "one checksum" [ "$(column "$d/runs.csv" checksum | sort -u | wc -l)" -eq 1 ]
}

test_sigint() {
    interrupt_sweep INT 130 "$TMP/int"
}

# A job killed outright (SIGKILL) leaves a prefix; --resume completes it.
test_resume_after_kill() {
    d="$TMP/prefix"
    "$OMPSWEEP" bogosort $FAST -t 1,2 -r 3 -q -o "$d" >/dev/null 2>&1
    head -n 3 "$d/runs.csv" >"$TMP/cut" && cp "$TMP/cut" "$d/runs.csv"
    "$OMPSWEEP" bogosort $FAST -t 1,2 -r 3 -q --resume -o "$d" >/dev/null 2>&1
    check "exit 0" [ $? -eq 0 ]
    check "6 rows" [ "$(data_rows "$d/runs.csv")" -eq 6 ]
    check "repeats 1..3 at each count" [ "$(awk -F, 'NR > 1 { print $11 ":" $12 }' "$d/runs.csv" | sort | tr '\n' ' ')" = "1:1 1:2 1:3 2:1 2:2 2:3 " ]
    "$OMPSWEEP" bogosort $FAST -t 1,2 -r 3 -q --resume -o "$d" >/dev/null 2>&1
    check "nothing left to do" [ "$(data_rows "$d/runs.csv")" -eq 6 ]
    "$OMPSWEEP" bogosort $FAST -t 1,2 -r 3 -q --resume --seed 7 -o "$d" >/dev/null 2>&1
    check "another configuration starts afresh" [ "$(data_rows "$d/runs.csv")" -eq 12 ]
}

test_warnings() {
    "$OMPSWEEP" bogosort $FAST -t 1 -r 3 -q -o "$TMP/w" >/dev/null 2>"$TMP/err"
    check "few repeats warned even with -q" grep -q "^ompsweep: warning: 3 repeats: the 95% confidence interval" "$TMP/err"
    many=$(( $(nproc) + 1 ))
    "$OMPSWEEP" bogosort --rows 20 --cols 4 -t $many -r 1 -q -o "$TMP/w" >/dev/null 2>"$TMP/err"
    check "one repeat, in the singular ($(grep 'repeat' "$TMP/err"))" \
        grep -q "^ompsweep: warning: 1 repeat: the 95% confidence interval" "$TMP/err"
    check "oversubscription warned" grep -q "^ompsweep: warning: $many threads exceed the .* logical CPUs" "$TMP/err"
}

test_metadata_fields() {
    d="$TMP/meta"
    "$OMPSWEEP" bogosort $FAST -t 1,2 -r 2 -q --tag "lab,1" -o "$d" >/dev/null 2>&1
    "$OMPSWEEP" bogosort $FAST -t 1 -r 2 -q -o "$d" >/dev/null 2>&1
    check "two objects" [ "$(grep -c '"run_id":' "$d/metadata.json")" -eq 2 ]
    check "starts as an array" [ "$(head -c 1 "$d/metadata.json")" = "[" ]
    for field in version git_commit compiler cflags cpu_model logical_cpus \
        physical_cores smt caches omp_env omp_proc_bind omp_places \
        omp_max_threads affinity slurm_job_id pbs_jobid command_line \
        start_time end_time warnings interrupted; do
        check "field $field" grep -q "\"$field\":" "$d/metadata.json"
    done
    check "run id of the tagged run" grep -q '"run_id": "lab,1-' "$d/metadata.json"
    check "tag quoted in runs.csv" grep -q '^"lab,1-' "$d/runs.csv"
    printf 'not json' >"$TMP/meta/metadata.json"
    "$OMPSWEEP" bogosort $FAST -t 1 -r 1 -q -o "$d" >/dev/null 2>"$TMP/err"
    check "foreign metadata refused with exit 2" [ $? -eq 2 ]
    check "foreign metadata untouched" [ "$(cat "$d/metadata.json")" = "not json" ]
    check "no rows added" [ "$(data_rows "$d/runs.csv")" -eq 6 ]
}

run_test test_metadata_fields
run_test test_summarize_two_jobs
run_test test_summarize_rejects_foreign
run_test test_sigterm_then_resume
# summarize streams: 200000 rows (24 MB of CSV) in 8 groups must not
# take memory in proportion to the file (reading it whole took ~180 MB).
test_summarize_streams() {
    if [ ! -x /usr/bin/time ]; then
        echo "  (skipped: GNU time not installed)"
        return 0
    fi
    "$OMPSWEEP" bogosort $FAST -t 1,2 -r 2 -q -o "$TMP/seed" >/dev/null 2>&1
    awk -F, 'NR == 1 { print; next } { r[NR - 1] = $0; m = NR - 1 }
        END { for (i = 0; i < 200000; i++) { line = r[i % m + 1]
              sub(/^[^,]*/, "run" (i % 4), line); print line } }'         "$TMP/seed/runs.csv" >"$TMP/big.csv"
    /usr/bin/time -f '%M' "$OMPSWEEP" summarize "$TMP/big.csv" -o "$TMP/bigsum" \
        >"$TMP/out" 2>"$TMP/rss"
    check "summarize exit 0" [ $? -eq 0 ]
    kb=$(tail -n 1 "$TMP/rss")
    check "peak memory ${kb} KB under 40 MB" [ "$kb" -lt 40960 ]
    check "n = 100000 per pooled thread count" \
        [ "$(column "$TMP/bigsum/summary.csv" n | tr '\n' ' ')" = "100000 100000 " ]
}

run_test test_summarize_streams
run_test test_sigint
run_test test_resume_after_kill
run_test test_warnings
finish
