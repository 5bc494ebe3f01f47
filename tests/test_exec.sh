# ompsweep exec: the user's own program as the workload. The programs are
# tests/exec/*.c, compiled here: sum_int (an integer sum, the same at every
# thread count) and sum_fp (a floating-point sum that is not).
. tests/lib.sh

CC=${CC:-cc}
"$CC" -O2 -fopenmp -o "$TMP/sum_int" tests/exec/sum_int.c || exit 1
"$CC" -O2 -fopenmp -o "$TMP/sum_fp" tests/exec/sum_fp.c || exit 1
INT="$TMP/sum_int"
RESULT='checksum: (.*)'

# rows_where FILE COLUMN VALUE: rows of FILE whose COLUMN is VALUE.
rows_where() { column "$1" "$2" | grep -cx -- "$3"; }

test_deterministic() {
    out="$TMP/det"
    "$OMPSWEEP" exec -t 1,2 -r 3 -w 0 -q -o "$out" --result "$RESULT" -- "$INT" 20000 \
        >"$TMP/stdout" 2>"$TMP/stderr"
    check "exit 0 ($(tail -n 1 "$TMP/stderr"))" [ $? -eq 0 ]
    check "6 rows" [ "$(data_rows "$out/runs.csv")" -eq 6 ]
    check "workload exec" [ "$(rows_where "$out/runs.csv" workload exec)" -eq 6 ]
    check "variant: the program's name" [ "$(rows_where "$out/runs.csv" variant sum_int)" -eq 6 ]
    check "size: the arguments" [ "$(rows_where "$out/runs.csv" size 20000)" -eq 6 ]
    check "all verified" [ "$(rows_where "$out/runs.csv" verified true)" -eq 6 ]
    check "one non-zero checksum" [ "$(column "$out/runs.csv" checksum | sort -u)" != 0x0000000000000000 ]
    check "one checksum" [ "$(column "$out/runs.csv" checksum | sort -u | wc -l)" -eq 1 ]
    speedup=$(awk -F, '$9 == 2 { print $19 }' "$out/summary.csv")
    check "speedup recorded for 2 threads ($speedup)" [ -n "$speedup" ]
    check "metadata names the command" grep -q '"exec",' "$out/metadata.json"
    check "table on stdout" grep -q 'variant=sum_int' "$TMP/stdout"
    "$OMPSWEEP" summarize "$out/runs.csv" >"$TMP/sum" 2>&1
    check "summarize reads it" grep -q 'exec  variant=sum_int' "$TMP/sum"
}

test_fp_caught() {
    out="$TMP/fp"
    "$OMPSWEEP" exec -t 1,2 -r 2 -w 0 -q -o "$out" --result 'result: (.*)' -- \
        "$TMP/sum_fp" 1000000 >/dev/null 2>"$TMP/stderr"
    check "exit 1" [ $? -eq 1 ]
    check "1-thread rows verified" [ "$(awk -F, '$11 == 1 && $17 == "true"' "$out/runs.csv" | wc -l)" -eq 2 ]
    check "2-thread rows not verified" [ "$(awk -F, '$11 == 2 && $17 == "false"' "$out/runs.csv" | wc -l)" -eq 2 ]
    check "two checksums" [ "$(column "$out/runs.csv" checksum | sort -u | wc -l)" -eq 2 ]
    check "says so" grep -q 'verification FAILED' "$TMP/stderr"
}

test_environment_reaches_program() {
    out="$TMP/env"
    "$OMPSWEEP" exec -t 1,2 -r 1 -w 0 -o "$out" --schedule static,3 --show-output \
        --name my-run --size big -- "$INT" 100 'n={threads}' x{threads}y{threads} \
        >"$TMP/stdout" 2>"$TMP/stderr"
    check "exit 0" [ $? -eq 0 ]
    for t in 1 2; do
        check "OMP_NUM_THREADS=$t, OMP_SCHEDULE" grep -qx \
            "env: OMP_NUM_THREADS=$t OMP_SCHEDULE=static,3 OMP_PROC_BIND=-" "$TMP/stderr"
        check "the runtime took $t threads" grep -qx "threads: $t" "$TMP/stderr"
        check "{threads} in an argument" grep -qx "arg 2: n=$t" "$TMP/stderr"
        check "{threads} twice in one argument" grep -qx "arg 3: x${t}y${t}" "$TMP/stderr"
    done
    check "progress says outputs are not compared" \
        [ "$(grep -c 'outputs not compared (no --result)' "$TMP/stderr")" -ge 1 ]
    check "program output kept off stdout" [ "$(grep -c '^arg' "$TMP/stdout")" -eq 0 ]
    check "--name is the variant" [ "$(rows_where "$out/runs.csv" variant my-run)" -eq 2 ]
    check "--size is the size" [ "$(rows_where "$out/runs.csv" size big)" -eq 2 ]
    check "schedule column" [ "$(rows_where "$out/runs.csv" schedule static,3)" -eq 2 ]
    "$OMPSWEEP" exec -t 2 -r 1 -w 0 -q -o "$TMP/env2" -- "$INT" 100 >/dev/null 2>"$TMP/stderr"
    check "output hidden without --show-output" [ "$(grep -c '^threads: \|^env: ' "$TMP/stderr")" -eq 0 ]
}

test_time_and_work() {
    out="$TMP/tw"
    "$OMPSWEEP" exec -t 1 -r 2 -w 0 -q -o "$out" --time 'kernel seconds: ([0-9.]+)' \
        --work 'items: ([0-9]+)' -- "$INT" 4321 >/dev/null 2>&1
    check "exit 0" [ $? -eq 0 ]
    check "work from --work" [ "$(rows_where "$out/runs.csv" work 4321)" -eq 2 ]
    check "seconds: the printed value, 6 decimals" \
        [ "$(column "$out/runs.csv" seconds | grep -cE '^[0-9]+\.[0-9]{1,6}$')" -eq 2 ]
    "$OMPSWEEP" exec -t 1 -r 1 -w 0 -q -o "$TMP/tw2" --time 'no such line' -- "$INT" 10 \
        >/dev/null 2>"$TMP/stderr"
    check "--time without a match fails: exit 1" [ $? -eq 1 ]
    check "and says so" grep -q "exec: --time: 'no such line' matched nothing" "$TMP/stderr"
}

test_failing_program() {
    out="$TMP/fail"
    "$OMPSWEEP" exec -t 1,2 -r 2 -w 0 -q -o "$out" -- sh -c \
        'echo first >&2; echo second >&2; echo third >&2; echo fourth >&2; exit 3' \
        >/dev/null 2>"$TMP/stderr"
    check "exit 1" [ $? -eq 1 ]
    check "one message with the status and the last stderr lines ($(cat "$TMP/stderr"))" \
        grep -q "^ompsweep: exec: sh exited with status 3 at threads=1; stderr: second | third | fourth" "$TMP/stderr"
    check "the failed run recorded unverified, nothing after it" \
        [ "$(data_rows "$out/runs.csv"):$(rows_where "$out/runs.csv" verified false)" = 1:1 ]
    check "metadata written" grep -q '"exit_status": 1' "$out/metadata.json"
    "$OMPSWEEP" exec -t 1 -r 1 -q -o "$TMP/fail2" -- sh -c 'kill -SEGV $$' >/dev/null 2>"$TMP/stderr"
    check "death by signal: exit 1" [ $? -eq 1 ]
    check "names the signal ($(cat "$TMP/stderr"))" grep -q 'killed by signal 11' "$TMP/stderr"
}

test_bad_usage() {
    printf 'not a program\n' >"$TMP/plain"
    expect_usage_error "exec: '$TMP/missing' is not an executable file" exec -- "$TMP/missing"
    expect_usage_error "exec: '$TMP/plain' is not an executable file" exec -- "$TMP/plain"
    expect_usage_error "exec: 'no-such-program-zz' is not an executable file on PATH" \
        exec -- no-such-program-zz
    expect_usage_error "--result: bad regular expression 'a(' (Unmatched ( or \\()" \
        exec --result 'a(' -- "$INT"
    expect_usage_error "exec: missing '-- PROGRAM' (usage: ompsweep exec [options] -- PROGRAM [ARG...])" \
        exec "$INT"
    expect_usage_error "exec: runs alone, not with other workloads (usage: ompsweep exec [options] -- PROGRAM [ARG...])" \
        exec bogosort -- "$INT"
    expect_usage_error "--timeout: '0' is out of range (accepted 0.001..3.1536e+07)" \
        exec --timeout 0 -- "$INT"
}

test_timeout() {
    start=$(date +%s)
    "$OMPSWEEP" exec -t 1 -r 1 -w 0 -q -o "$TMP/to" --timeout 0.3 -- sleep 100 \
        >/dev/null 2>"$TMP/stderr"
    rc=$?
    check "exit 1" [ $rc -eq 1 ]
    check "well before the program's end" [ $(($(date +%s) - start)) -lt 20 ]
    check "says timed out" grep -q 'exec: sleep timed out after 0.3 s (--timeout)' "$TMP/stderr"
}

# SIGTERM to ompsweep reaches the whole process group of the program (a
# shell, its background job and its foreground job); nothing is left.
test_sigterm_no_orphan() {
    mark="ompsweep-exec-mark-$$"
    "$OMPSWEEP" exec -t 1 -r 3 -w 0 -q -o "$TMP/sig" -- sh -c \
        'sleep 1000 & sleep 1001; wait' "$mark" >/dev/null 2>&1 &
    pid=$!
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        [ "$(ps -eo args | grep -c '^sleep 100[01]$')" -ge 2 ] && break
        sleep 0.2
    done
    check "program running" [ "$(ps -eo args | grep -c "$mark")" -ge 2 ]
    kill -TERM $pid
    wait $pid
    check "exit 143" [ $? -eq 143 ]
    check "no process of the program left ($(ps -eo pid,args | grep "$mark" | grep -v grep))" \
        [ "$(ps -eo args | grep "$mark" | grep -vc grep)" -eq 0 ]
    check "no row for the cut run" [ "$(data_rows "$TMP/sig/runs.csv")" -eq 0 ]
}

test_resume() {
    out="$TMP/res"
    args="-t 1,2 -r 2 -w 0 -q -o $out --result checksum:.(.*)"
    "$OMPSWEEP" exec -t 1 -r 2 -w 0 -q -o "$out" --result 'checksum:.(.*)' -- "$INT" 3000 >/dev/null 2>&1
    check "first part: 2 rows" [ "$(data_rows "$out/runs.csv")" -eq 2 ]
    # shellcheck disable=SC2086
    "$OMPSWEEP" exec $args --resume -- "$INT" 3000 >/dev/null 2>&1
    check "resumed: 4 rows, one run id" \
        [ "$(data_rows "$out/runs.csv"):$(column "$out/runs.csv" run_id | sort -u | wc -l)" = 4:1 ]
    # shellcheck disable=SC2086
    "$OMPSWEEP" exec $args --resume -- "$INT" 3001 >/dev/null 2>&1
    check "other arguments: a new run id" [ "$(column "$out/runs.csv" run_id | sort -u | wc -l)" -eq 2 ]
    # shellcheck disable=SC2086
    "$OMPSWEEP" exec $args --resume --time 'kernel seconds: (.*)' -- "$INT" 3001 >/dev/null 2>&1
    check "another pattern: a new run id" [ "$(column "$out/runs.csv" run_id | sort -u | wc -l)" -eq 3 ]
}

test_mpi_refused() {
    [ -n "${OMPSWEEP_MPI:-}" ] || return 0
    OMPSWEEP="$OMPSWEEP_MPI" expect_usage_error \
        "exec: not available in an MPI build (fork under MPI is unsafe); use ompsweep built without MPI=1" \
        exec -- "$INT"
}

run_test test_deterministic
run_test test_fp_caught
run_test test_environment_reaches_program
run_test test_time_and_work
run_test test_failing_program
run_test test_bad_usage
run_test test_timeout
run_test test_sigterm_no_orphan
run_test test_resume
run_test test_mpi_refused
finish
