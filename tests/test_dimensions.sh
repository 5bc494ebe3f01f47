# Sweep dimensions beyond threads: repeated --schedule, --bind and --places
# (each combination in a re-executed child), --partition/--parallel lists,
# and runs files of the 0.1 layout (schema 1).
. tests/lib.sh

B="--rows 40 --cols 6 -r 2 -w 0 -q"
E="--samples 300 --features 4 --centers 3 --k-max 4 -r 1 -w 0 -q"
FIXTURE=tests/fixtures/v0.1/runs.csv

# json EXPR FILE: a value of the last metadata.json object, via python3.
json() {
    python3 -c 'import json, sys; m = json.load(open(sys.argv[2]))[-1]; print(eval(sys.argv[1]))' "$1" "$2"
}

# The done-when study of the dimensions: 2 binds x 2 places x 2 thread
# counts are 8 blocks of one run id, bind/places in every row.
test_bind_places_cross_product() {
    d="$TMP/bp"
    "$OMPSWEEP" bogosort $B -t 1,2 --bind close --bind spread --places cores \
        --places threads -o "$d" >"$TMP/out" 2>"$TMP/err"
    check "exit 0 (got $?)" [ $? -eq 0 ]
    check "one run id" [ "$(column "$d/runs.csv" run_id | sort -u | wc -l)" -eq 1 ]
    check "16 rows" [ "$(data_rows "$d/runs.csv")" -eq 16 ]
    check "8 summary blocks" [ "$(data_rows "$d/summary.csv")" -eq 8 ]
    pairs=$(awk -v b="$(column "$d/summary.csv" bind | tr '\n' ' ')" \
                -v p="$(column "$d/summary.csv" places | tr '\n' ' ')" 'BEGIN {
        nb = split(b, x, " "); split(p, y, " ")
        for (i = 1; i <= nb; i++) print x[i] "/" y[i] }' | sort -u | tr '\n' ' ')
    check "every combination (got $pairs)" \
        [ "$pairs" = "close/cores close/threads spread/cores spread/threads " ]
    check "4 block headers on stdout" [ "$(grep -c '^bogosort .*bind=.*places=' "$TMP/out")" -eq 4 ]
    check "metadata: one object" [ "$(json 'len(m["command_line"]) > 0' "$d/metadata.json")" = True ]
    check "metadata: 8 affinity records" \
        [ "$(json 'len(m["block_affinity"])' "$d/metadata.json")" -eq 8 ]
    check "summarize keeps them apart" \
        [ "$("$OMPSWEEP" summarize "$d/runs.csv" | grep -c 'bind=')" -eq 4 ]
}

# What the runtime did, not the time: close on one place puts both threads
# on CPU 0; two one-CPU places put them on CPUs 0 and 1.
test_affinity_recorded() {
    d="$TMP/aff"
    "$OMPSWEEP" bogosort $B -t 2 --bind close --places '{0}' --places '{0},{1}' \
        -o "$d" 2>/dev/null >/dev/null
    check "exit 0" [ $? -eq 0 ]
    got=$(json '[(r["places"], r["cpus"]) for r in m["block_affinity"]]' "$d/metadata.json")
    check "affinity as asked (got $got)" \
        [ "$got" = "[('{0}', ['0', '0']), ('{0},{1}', ['0', '1'])]" ]
    check "places column" [ "$(column "$d/runs.csv" places | sort -u | tr '\n' ' ')" = "{0} {0},{1} " ]
}

# More places than CPUs: the runtime drops the empty ones or the whole value
# (libgomp, past CPU 63); either way a warning says so.
test_runtime_fallback_warned() {
    d="$TMP/fb"
    "$OMPSWEEP" bogosort $B -t 1 --places '{0}:600:1' -o "$d" >/dev/null 2>"$TMP/err"
    check "exit 0" [ $? -eq 0 ]
    check "warning on stderr" grep -q "warning: OMP_PLACES={0}:600:1: the OpenMP runtime" "$TMP/err"
    check "warning in metadata" [ "$(json 'sum(w.startswith("OMP_PLACES={0}:600:1: the OpenMP runtime") for w in m["warnings"])' "$d/metadata.json")" -eq 1 ]
}

# Repeated --schedule and both partitions: chunks ignores the schedule and
# runs once, as "block".
test_schedules_and_partitions() {
    d="$TMP/sp"
    "$OMPSWEEP" bogosort $B -t 1,2 --schedule static --schedule guided,2 \
        --schedule static --partition chunks,rows -o "$d" >/dev/null 2>&1
    check "exit 0" [ $? -eq 0 ]
    got=$(awk -v v="$(column "$d/summary.csv" variant | tr '\n' ' ')" \
              -v s="$(column "$d/summary.csv" schedule | tr '\n' ' ')" 'BEGIN {
        n = split(v, x, " "); split(s, y, " ")
        for (i = 1; i <= n; i++) print x[i] "/" y[i] }' | sort | uniq -c | awk '{ print $1 ":" $2 }' | tr '\n' ' ')
    check "blocks (got $got)" [ "$got" = "2:chunks/block 2:rows/guided,2 2:rows/static " ]
    check "one checksum" [ "$(column "$d/runs.csv" checksum | sort -u | wc -l)" -eq 1 ]
}

# Both elbow strategies in one study; elbow.csv is written once.
test_parallel_list() {
    d="$TMP/par"
    "$OMPSWEEP" elbow $E -t 1,2 --parallel over-k,tasks -o "$d" >/dev/null 2>&1
    check "exit 0" [ $? -eq 0 ]
    check "both variants" [ "$(column "$d/summary.csv" variant | sort -u | tr '\n' ' ')" = "over-k tasks " ]
    check "one checksum" [ "$(column "$d/runs.csv" checksum | sort -u | wc -l)" -eq 1 ]
    check "elbow.csv once: k = 2..4" [ "$(data_rows "$d/elbow.csv")" -eq 3 ]
}

# A runs file written by 0.1.0 (tests/fixtures/gen_v0.1_fixture.sh).
test_v01_summarize() {
    "$OMPSWEEP" summarize "$FIXTURE" -o "$TMP/s01" >"$TMP/out" 2>"$TMP/err"
    check "exit 0 (got $?: $(cat "$TMP/err"))" [ $? -eq 0 ]
    check "2 summary rows" [ "$(data_rows "$TMP/s01/summary.csv")" -eq 2 ]
    check "bind/places empty" [ "$(column "$TMP/s01/summary.csv" bind | sort -u | tr -d '\n')" = "" ]
    check "n = 3 and 1" [ "$(column "$TMP/s01/summary.csv" n | tr '\n' ' ')" = "3 1 " ]
}

# --resume on it continues the same run id in the 0.1 layout and fills the
# two cells the kill left; the rows verify when this build computes 0.1's
# checksum for that input (a changed random stream fails verification).
test_v01_resume() {
    d="$TMP/r01"
    mkdir -p "$d" && cp "$FIXTURE" "$d/runs.csv"
    "$OMPSWEEP" bogosort --rows 40 --cols 6 -t 1,2 -r 3 -w 0 -q --resume -o "$d" \
        >/dev/null 2>"$TMP/err"
    rc=$?
    "$OMPSWEEP" bogosort --rows 40 --cols 6 -t 1 -r 1 -w 0 -q -o "$TMP/fresh01" >/dev/null 2>&1
    same=$( [ "$(column "$TMP/fresh01/runs.csv" checksum)" = "$(column "$FIXTURE" checksum | head -n 1)" ] && echo 0 || echo 1)
    check "exit $same (got $rc)" [ "$rc" -eq "$same" ]
    check "still schema 1" [ "$(head -n 1 "$d/runs.csv")" = "$(head -n 1 "$FIXTURE")" ]
    check "15 fields per row" [ "$(awk -F, 'NF != 15' "$d/runs.csv" | wc -l)" -eq 0 ]
    check "one run id" [ "$(column "$d/runs.csv" run_id | sort -u | wc -l)" -eq 1 ]
    check "each cell once" [ "$(awk -F, 'NR > 1 { print $9 ":" $10 }' "$d/runs.csv" | sort | tr '\n' ' ')" = \
        "1:1 1:2 1:3 2:1 2:2 2:3 " ]
}

# A study that fills bind/places does not append to a 0.1 file.
test_v01_refused_for_bind() {
    d="$TMP/ref01"
    mkdir -p "$d" && cp "$FIXTURE" "$d/runs.csv"
    USAGE_OUT=$d FRESH=0 expect_usage_error \
        "$d/runs.csv:1: written by ompsweep 0.1, without the bind and places columns this study fills; write to another --output directory (summarize and compare read both layouts)" \
        bogosort $B -t 1 --bind close
    check "file unchanged" cmp -s "$FIXTURE" "$d/runs.csv"
}

# SIGTERM to the parent reaches the child; rows stay whole and --resume
# measures the rest under the same run id, each cell once.
test_sigterm_with_children() {
    d="$TMP/sig"
    args="bogosort --rows 4000 --cols 8 -r 4 -w 0 -q -t 1,2 --bind close --bind spread -o $d"
    rc=$(term_after 0.5 $args)
    check "exit 143 (got $rc)" [ "$rc" -eq 143 ]
    check "no ompsweep left" [ -z "$(pgrep -f "ompsweep $args" 2>/dev/null)" ]
    check "whole rows" [ "$(awk -F, 'NR > 1 && NF != 18' "$d/runs.csv" | wc -l)" -eq 0 ]
    "$OMPSWEEP" $args --resume >/dev/null 2>&1
    check "resume exit 0" [ $? -eq 0 ]
    check "one run id" [ "$(column "$d/runs.csv" run_id | sort -u | wc -l)" -eq 1 ]
    check "16 cells, each once" [ "$(awk -F, 'NR > 1 { print $7 ":" $11 ":" $12 }' "$d/runs.csv" | sort -u | wc -l)" -eq 16 ] 
    check "no duplicates" [ "$(data_rows "$d/runs.csv")" -eq 16 ]
}

run_test test_bind_places_cross_product
run_test test_affinity_recorded
run_test test_runtime_fallback_warned
run_test test_schedules_and_partitions
run_test test_parallel_list
run_test test_v01_summarize
run_test test_v01_resume
run_test test_v01_refused_for_bind
run_test test_sigterm_with_children
finish
