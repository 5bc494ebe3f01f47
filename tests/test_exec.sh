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
    "$OMPSWEEP" exec -t 1,2 -r 2 -w 0 -q -o "$out" --size fail -- sh -c \
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
    "$OMPSWEEP" exec -t 1 -r 3 -w 0 -q -o "$TMP/sig" --size two-sleeps -- sh -c \
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
        "exec: not available in an MPI build (fork under MPI is unsafe); use ompsweep built without MPI=1, which runs MPI programs through --launcher" \
        exec -- "$INT"
}

# Defect: a repeated --result kept only the last pattern. Every --result is
# hashed (in the order of the output); --time and --work take one pattern.
test_repeated_result() {
    for a in 1 2; do
        "$OMPSWEEP" exec -t 1 -r 1 -w 0 -q -o "$TMP/rr$a" --result 'a=(.*)' --result 'b=(.*)' \
            -- sh -c "echo a=$a; echo b=2" >/dev/null 2>&1
        check "exit 0 (a=$a)" [ $? -eq 0 ]
    done
    check "the first pattern counts too: a=1 and a=2 differ" \
        [ "$(column "$TMP/rr1/runs.csv" checksum)" != "$(column "$TMP/rr2/runs.csv" checksum)" ]
    expect_usage_error "--time: given twice ('t=(.*)' and 'u=(.*)'): one pattern gives the run's seconds; read other numbers with --metric NAME=REGEX" \
        exec --time 't=(.*)' --time 'u=(.*)' -- "$INT"
    expect_usage_error "--work: given twice ('1' and '2'): one pattern or number gives the run's work; read other numbers with --metric NAME=REGEX" \
        exec --work 1 --work 2 -- "$INT"
}

# Defect: two builds of one program behind a wrapper never matched in
# compare (the default size held the program's path), and compare said
# nothing and exited 0. The default size gives paths by their last
# component; compare refuses zero matched blocks.
test_builds_match_in_compare() {
    for b in O2 O3; do
        mkdir -p "$TMP/$b" && "$CC" "-$b" -fopenmp -o "$TMP/$b/sum_int" tests/exec/sum_int.c
        "$OMPSWEEP" exec -t 1 -r 2 -w 0 -q -o "$TMP/cmp$b" --result "$RESULT" \
            -- env "$TMP/$b/sum_int" 3000 >/dev/null 2>&1
        check "exit 0 ($b)" [ $? -eq 0 ]
    done
    check "size without the path ($(column "$TMP/cmpO2/runs.csv" size | head -n 1))" \
        [ "$(column "$TMP/cmpO2/runs.csv" size | sort -u)" = "sum_int 3000" ]
    "$OMPSWEEP" compare "$TMP/cmpO2" "$TMP/cmpO3" --fail-on-regression 5 >"$TMP/stdout" 2>"$TMP/stderr"
    rc=$?
    check "compare matches the builds (exit $rc, $(head -c 300 "$TMP/stderr"))" [ $rc -ne 2 ]
    check "one matched block" grep -q 'geomean over 1 matched blocks' "$TMP/stdout"
    "$OMPSWEEP" exec -t 1 -r 2 -w 0 -q -o "$TMP/cmpX" --size other -- "$INT" 3000 >/dev/null 2>&1
    FRESH=0 expect_usage_error "compare: no block is in both BASE and NEW (BASE: exec env - size=sum_int 3000 ranks=1 threads=1; NEW: exec sum_int - size=other ranks=1 threads=1): blocks match on workload, variant, schedule, bind, places, size, ranks and threads; give both studies the same --name and --size" \
        compare "$TMP/cmpO2" "$TMP/cmpX" --fail-on-regression 5
}

# Defect: XSBench gives its reason on stdout and nothing on stderr; the
# message said "stderr empty". A failed warm-up said rows were in runs.csv.
test_failure_shows_stdout() {
    "$OMPSWEEP" exec -t 1 -r 1 -w 0 -q -o "$TMP/so" --size xsbench-like -- sh -c \
        'echo "Lookups/s:   497,653"; echo "Verification checksum: 999388 (WARNING - INVALID CHECKSUM!)"; echo =========; exit 1' \
        >/dev/null 2>"$TMP/stderr"
    check "exit 1" [ $? -eq 1 ]
    check "the end of stdout, decoration left out ($(cat "$TMP/stderr"))" grep -q \
        "exited with status 1 at threads=1; stderr empty; stdout: Lookups/s:   497,653 | Verification checksum: 999388 (WARNING - INVALID CHECKSUM!) (" \
        "$TMP/stderr"
    "$OMPSWEEP" exec -t 1 -r 1 -w 1 -q -o "$TMP/wu" -- sh -c 'echo bad input >&2; exit 4' \
        >/dev/null 2>"$TMP/stderr"
    check "exit 1" [ $? -eq 1 ]
    check "a warm-up run, nothing recorded ($(cat "$TMP/stderr"))" grep -q \
        "exited with status 4 at threads=1; stderr: bad input; in a warm-up run (no run was recorded)" "$TMP/stderr"
    check "no rows" [ "$(data_rows "$TMP/wu/runs.csv")" -eq 0 ]
}

# Defect: metadata.json's compiler and cflags were ompsweep's, not the
# program's. The program's path, size, SHA-256 and OpenMP runtime are kept.
test_program_recorded() {
    have_python || return 0
    "$OMPSWEEP" exec -t 1 -r 1 -w 0 -q -o "$TMP/meta" --program-version "echo prog 1.2" \
        -- "$INT" 100 >/dev/null 2>&1
    check "exit 0" [ $? -eq 0 ]
    sum=$(sha256sum "$INT" | cut -d' ' -f1)
    size=$(wc -c <"$INT" | tr -d ' ')
    /usr/bin/python3 - "$TMP/meta/metadata.json" "$INT" "$sum" "$size" >"$TMP/py" 2>&1 <<'PY'
import json, os, sys
m = json.load(open(sys.argv[1]))[-1]
p = m["program"]
assert p["path"] == os.path.realpath(sys.argv[2]), p["path"]
assert p["sha256"] == sys.argv[3], p["sha256"]
assert p["size_bytes"] == int(sys.argv[4]), p["size_bytes"]
assert p["openmp_runtime"] == "libgomp.so.1", p["openmp_runtime"]
assert p["version"] == "prog 1.2", p["version"]
assert p["mtime"].endswith("Z"), p["mtime"]
assert "compiler" not in m and "cflags" not in m, "ompsweep's build at the top level"
assert m["ompsweep_compiler"] and m["ompsweep_cflags"]
PY
    check "metadata: program facts ($(cat "$TMP/py"))" [ $? -eq 0 ]
    "$OMPSWEEP" exec -t 1 -r 1 -q -o "$TMP/meta2" --program-version 'exit 3' -- "$INT" 100 \
        >/dev/null 2>"$TMP/stderr"
    check "--program-version failing: exit 2 ($(cat "$TMP/stderr"))" [ $? -eq 2 ]
}

# Defect: OMP_SCHEDULE=dynamic was always set. Without --schedule the
# program gets the environment's OMP_SCHEDULE (or none) and the schedule
# column is empty: the runtime's default.
test_schedule_left_alone() {
    "$OMPSWEEP" exec -t 1 -r 1 -w 0 -o "$TMP/sch" --show-output -- "$INT" 100 >/dev/null 2>"$TMP/stderr"
    check "exit 0" [ $? -eq 0 ]
    check "no OMP_SCHEDULE set ($(grep '^env:' "$TMP/stderr"))" \
        grep -qx 'env: OMP_NUM_THREADS=1 OMP_SCHEDULE=- OMP_PROC_BIND=-' "$TMP/stderr"
    check "schedule column empty" [ "$(column "$TMP/sch/runs.csv" schedule)" = "" ]
    OMP_SCHEDULE=guided,7 "$OMPSWEEP" exec -t 1 -r 1 -w 0 -o "$TMP/sch2" --show-output \
        -- "$INT" 100 >"$TMP/stdout" 2>"$TMP/stderr"
    check "the environment's OMP_SCHEDULE passes" \
        grep -qx 'env: OMP_NUM_THREADS=1 OMP_SCHEDULE=guided,7 OMP_PROC_BIND=-' "$TMP/stderr"
    check "table says schedule=-" grep -q 'schedule=-' "$TMP/stdout"
    check "another key than without OMP_SCHEDULE" [ "$(column "$TMP/sch/runs.csv" run_id | sed 's/.*-//')" != \
        "$(column "$TMP/sch2/runs.csv" run_id | sed 's/.*-//')" ]
}

# No key column is cut: a default size, a name or a weak-scaling size that
# would not fit is refused, naming the option that fixes it.
test_long_keys_refused() {
    long=$(printf 'x%.0s' $(seq 1 60))
    expect_usage_error "exec: the size column would be '20000 -l 30000000 -p 1000000 -G unionized -m event' (50 characters, at most 47): name it with --size TEXT" \
        exec -- "$INT" 20000 -l 30000000 -p 1000000 -G unionized -m event
    ln -s "$INT" "$TMP/$long"
    expect_usage_error "exec: the variant column would be '$long' (60 characters, at most 47): name it with --name NAME" \
        exec -- "$TMP/$long" 100
    expect_usage_error "--size: '$long' must have 1..47 characters" exec --size "$long" -- "$INT"
    short=$(printf 'y%.0s' $(seq 1 45))
    expect_usage_error "exec: the variant column would be '$short+weak' (50 characters, at most 47): shorten --name NAME" \
        exec -t 1,2 --scaling weak --name "$short" -- "$INT"
}

have_python() {
    [ -x /usr/bin/python3 ] && return 0
    echo "  (skipped: /usr/bin/python3 not installed)"
    return 1
}

# {threads} in the size column: under weak scaling each cell's size is its
# own problem (as bogosort's rows), from the default size or --size; under
# strong scaling the pattern stays, so that the block keeps its speedup.
test_threads_in_size() {
    out="$TMP/weak-size"
    "$OMPSWEEP" exec -t 1,2 -r 1 -w 0 -q --scaling weak -o "$out" -- "$INT" '{threads}00' \
        >/dev/null 2>"$TMP/stderr"
    check "weak: exit 0 ($(tail -n 1 "$TMP/stderr"))" [ $? -eq 0 ]
    check "weak: default size per cell" [ "$(column "$out/runs.csv" size | tr '\n' ' ')" = "100 200 " ]
    check "weak: one block, scaled speedup at 2" [ -n "$(awk -F, '$9 == 2 { print $19 }' "$out/summary.csv")" ]
    out="$TMP/weak-size2"
    "$OMPSWEEP" exec -t 1,2 -r 1 -w 0 -q --scaling weak --size 'n={threads}k' -o "$out" -- \
        "$INT" '{threads}00' >/dev/null 2>&1
    check "weak: --size per cell" [ "$(column "$out/runs.csv" size | tr '\n' ' ')" = "n=1k n=2k " ]
    out="$TMP/strong-size"
    "$OMPSWEEP" exec -t 1,2 -r 1 -w 0 -q -o "$out" -- "$INT" 100 'n={threads}' >/dev/null 2>&1
    check "strong: the pattern stays" [ "$(column "$out/runs.csv" size | sort -u)" = "100 n={threads}" ]
    check "strong: one block with a speedup" \
        [ "$(awk -F, 'NR > 1 && $19 != ""' "$out/summary.csv" | wc -l)" -eq 2 ]
}

run_test test_deterministic
run_test test_threads_in_size
run_test test_fp_caught
run_test test_environment_reaches_program
run_test test_time_and_work
run_test test_failing_program
run_test test_bad_usage
run_test test_timeout
run_test test_sigterm_no_orphan
run_test test_resume
run_test test_mpi_refused
run_test test_repeated_result
run_test test_builds_match_in_compare
run_test test_failure_shows_stdout
run_test test_program_recorded
run_test test_schedule_left_alone
run_test test_long_keys_refused
finish
