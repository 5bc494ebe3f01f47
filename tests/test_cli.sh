# End-to-end tests of the ompsweep binary: files written, appends, thread
# selection, exit codes and messages for bad input and unwritable output.
. tests/lib.sh

SMALL="--rows 60 --cols 6"

test_two_thread_counts() {
    d="$TMP/d1"
    "$OMPSWEEP" bogosort $SMALL --threads 1,2 --repeats 3 -q -o "$d" >"$TMP/out" 2>"$TMP/err"
    check "exit 0" [ $? -eq 0 ]
    check "6 data rows" [ "$(data_rows "$d/runs.csv")" -eq 6 ]
    check "all verified" [ "$(column "$d/runs.csv" verified | sort -u)" = true ]
    check "one checksum" [ "$(column "$d/runs.csv" checksum | sort -u | wc -l)" -eq 1 ]
    check "threads 1 and 2" [ "$(column "$d/runs.csv" threads | sort -u | tr '\n' ' ')" = "1 2 " ]
    check "summary has 2 rows" [ "$(data_rows "$d/summary.csv")" -eq 2 ]
    check "runs header" [ "$(head -n 1 "$d/runs.csv")" = \
        "run_id,timestamp,host,workload,variant,schedule,bind,places,size,ranks,threads,repeat,seconds,work,rate,checksum,verified,status" ]
    check "summary header" [ "$(head -n 1 "$d/summary.csv")" = \
        "run_id,workload,variant,schedule,bind,places,size,ranks,threads,n,median,min,max,mean,stddev,cv,ci_low,ci_high,speedup,efficiency,karp_flatt,amdahl_serial,verified" ]
    check "2-thread speedup recorded" [ -n "$(column "$d/summary.csv" speedup | tail -n 1)" ]
    check "quiet: no progress, only warnings" [ -z "$(grep -v '^ompsweep: warning: ' "$TMP/err")" ]
    check "stdout table" grep -q "bogosort  variant=rows  schedule=dynamic  size=60x6" "$TMP/out"
    "$OMPSWEEP" bogosort $SMALL --threads 1,2 --repeats 3 -q -o "$d" >/dev/null 2>&1
    check "append: 12 rows" [ "$(data_rows "$d/runs.csv")" -eq 12 ]
    check "one header" [ "$(grep -c '^run_id,' "$d/runs.csv")" -eq 1 ]
    check "two run ids" [ "$(column "$d/runs.csv" run_id | sort -u | wc -l)" -eq 2 ]
    check "summary: 4 rows" [ "$(data_rows "$d/summary.csv")" -eq 4 ]
}

test_omp_num_threads_only() {
    d="$TMP/d2"
    OMP_NUM_THREADS=2 "$OMPSWEEP" bogosort $SMALL -r 1 -q -o "$d" >/dev/null 2>&1
    check "exit 0" [ $? -eq 0 ]
    check "threads = 2 only" [ "$(column "$d/runs.csv" threads | sort -u)" = 2 ]
}

test_partitions_same_checksum() {
    d="$TMP/d3"
    for p in rows chunks; do
        for s in static dynamic,3 guided; do
            "$OMPSWEEP" bogosort $SMALL -t 1-2 -r 1 -w 0 -q --partition $p \
                --schedule $s -o "$d" >/dev/null 2>&1
            check "exit 0 for $p $s" [ $? -eq 0 ]
        done
    done
    check "one checksum over partitions and schedules" \
        [ "$(column "$d/runs.csv" checksum | sort -u | wc -l)" -eq 1 ]
    check "chunks recorded as block" grep -q ',chunks,block,' "$d/runs.csv"
    check "schedule with comma quoted" grep -q ',rows,"dynamic,3",' "$d/runs.csv"
}

test_progress_on_stderr() {
    "$OMPSWEEP" bogosort $SMALL -t 1 -r 2 -o "$TMP/d4" >/dev/null 2>"$TMP/err"
    check "a line per round" [ "$(grep -c "^ompsweep: bogosort: round [12]/2 of 1 block(s), elapsed" "$TMP/err")" -eq 2 ]
    "$OMPSWEEP" bogosort $SMALL -t 1 -r 2 --order blocked -o "$TMP/d4b" >/dev/null 2>"$TMP/err"
    check "blocked: a line per block" grep -q "^ompsweep: bogosort rows dynamic 60x6 threads=1: 2/2 repeats" "$TMP/err"
}

test_bad_values() {
    expect_usage_error "--rows: '-5' is out of range (accepted 1..1000000000)" bogosort --rows -5
    expect_usage_error "--rows: 'ten' is not an integer (accepted 1..1000000000)" bogosort --rows ten
    expect_usage_error "--repeats: '0' is out of range (accepted 1..1000000)" bogosort -r 0
    expect_usage_error "--threads: range '4-2' is empty (start > end)" bogosort -t 4-2
    expect_usage_error "--schedule: unknown value 'runtime' (accepted static|dynamic|guided)" bogosort --schedule runtime
    expect_usage_error "unknown workload 'quicksort' (accepted bogosort|elbow|exec|all)" quicksort
    expect_usage_error "--rows: missing value" bogosort --rows
    expect_usage_error "--frobnicate: unknown option (see --help)" bogosort --frobnicate
}

test_unwritable_output() {
    "$OMPSWEEP" bogosort $SMALL -r 1 -q -o /dev/null/sub >/dev/null 2>"$TMP/err"
    rc=$?
    check "exit 3 for /dev/null/sub (got $rc)" [ $rc -eq 3 ]
    check "message names --output" grep -q "^ompsweep: --output: cannot create '/dev/null'\|^ompsweep: --output: '/dev/null' exists and is not a directory" "$TMP/err"
    : >"$TMP/afile"
    "$OMPSWEEP" bogosort $SMALL -r 1 -q -o "$TMP/afile" >/dev/null 2>&1
    check "exit 3 when output is a file" [ $? -eq 3 ]
    check "file untouched" [ ! -s "$TMP/afile" ]
}

test_foreign_runs_refused() {
    d="$TMP/d5"
    mkdir -p "$d"
    printf 'a,b\n1,2\n' >"$d/runs.csv"
    "$OMPSWEEP" bogosort $SMALL -r 1 -q -o "$d" >/dev/null 2>"$TMP/err"
    check "exit 2" [ $? -eq 2 ]
    check "message" grep -q "runs.csv:1: header is not ompsweep's header for this file" "$TMP/err"
    check "file unchanged" [ "$(cat "$d/runs.csv")" = "$(printf 'a,b\n1,2')" ]
    check "no summary written" [ ! -e "$d/summary.csv" ]
}

test_help_and_version() {
    "$OMPSWEEP" --help >"$TMP/out"
    check "help exit 0" [ $? -eq 0 ]
    check "help shows usage" grep -q "^usage: ompsweep" "$TMP/out"
    "$OMPSWEEP" --version >"$TMP/out"
    check "version" grep -q "^ompsweep [0-9]" "$TMP/out"
}

run_test test_two_thread_counts
run_test test_omp_num_threads_only
run_test test_partitions_same_checksum
run_test test_progress_on_stderr
run_test test_bad_values
run_test test_unwritable_output
run_test test_foreign_runs_refused
run_test test_help_and_version
finish
