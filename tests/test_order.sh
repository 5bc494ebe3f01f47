# --order: interleaving keeps a drift of the machine's speed out of the
# speedup. tests/exec/drift.c gets 10% slower at every call and reports a
# computed time, so the recorded times (and the speedups) are exact: the
# true speedup at 2 threads is 2. Also: every order measures the same cells
# with the same results, random is reproducible, and resume fills the cells
# an interleaved study did not reach.
. tests/lib.sh

CC=${CC:-cc}
"$CC" -O2 -fopenmp -o "$TMP/drift" tests/exec/drift.c || exit 1

# speedup_error ORDER: |speedup at 2 threads - 2| / 2 of a drift study.
speedup_error() {
    d="$TMP/drift-$1"
    rm -f "$TMP/counter-$1"
    "$OMPSWEEP" exec -t 1,2 -r 5 -w 0 -q --order "$1" --time 'time: (.*)' \
        -o "$d" -- "$TMP/drift" "$TMP/counter-$1" >/dev/null 2>&1 || echo "study failed" >&2
    awk -F, 'NR > 1 && $9 == 2 { s = $19 } END { e = (s - 2) / 2; print (e < 0 ? -e : e) }' \
        "$d/summary.csv"
}

test_interleaving_beats_drift() {
    blocked=$(speedup_error blocked)
    interleaved=$(speedup_error interleaved)
    # blocked: 1 thread at calls 0..4, 2 threads at 5..9: medians 1.2 and
    # 1.7/2, speedup 1.41 (error 0.294); interleaved: calls 0,2,..,8 and
    # 1,3,..,9: medians 1.4 and 1.5/2, speedup 1.87 (error 0.067).
    check "blocked error 0.294 (got $blocked)" \
        awk -v e="$blocked" 'BEGIN { exit !(e > 0.293 && e < 0.295) }'
    check "interleaved error 0.067 (got $interleaved)" \
        awk -v e="$interleaved" 'BEGIN { exit !(e > 0.066 && e < 0.068) }'
    check "several times smaller (blocked $blocked, interleaved $interleaved)" \
        awk -v b="$blocked" -v i="$interleaved" 'BEGIN { exit !(b > 4 * i) }'
}

# Rows are in execution order: the repeat column of an interleaved study.
test_execution_order_recorded() {
    d="$TMP/drift-interleaved"
    check "interleaved rows: 1 1 2 2 ... by repeat" \
        [ "$(awk -F, 'NR > 1 { printf "%s:%s ", $11, $12 }' "$d/runs.csv")" = \
          "1:1 2:1 1:2 2:2 1:3 2:3 1:4 2:4 1:5 2:5 " ]
    d="$TMP/drift-blocked"
    check "blocked rows: every repeat of 1 thread first" \
        [ "$(awk -F, 'NR > 1 { printf "%s:%s ", $11, $12 }' "$d/runs.csv")" = \
          "1:1 1:2 1:3 1:4 1:5 2:1 2:2 2:3 2:4 2:5 " ]
}

# The same cells and checksums in every order; random: a seeded shuffle
# that the same seed repeats and metadata records.
test_orders_same_cells() {
    for o in interleaved random blocked; do
        "$OMPSWEEP" bogosort --rows 40 --cols 6 -t 1,2 -r 3 -w 0 -q --schedule static \
            --schedule dynamic --order $o --seed 7 -o "$TMP/o-$o" >/dev/null 2>&1
        check "$o: exit 0" [ $? -eq 0 ]
        check "$o: 12 cells" [ "$(awk -F, 'NR > 1 { print $6, $11, $12 }' "$TMP/o-$o/runs.csv" | sort -u | wc -l)" -eq 12 ]
    done
    check "one checksum in all orders" [ "$(cat "$TMP"/o-*/runs.csv | grep -v '^run_id' | cut -d, -f16 | sort -u | wc -l)" -eq 1 ]
    cells() { awk -F, 'NR > 1 { printf "%s/%s/%s ", $6, $11, $12 }' "$1/runs.csv"; }
    check "random differs from blocked" [ "$(cells "$TMP/o-random")" != "$(cells "$TMP/o-blocked")" ]
    "$OMPSWEEP" bogosort --rows 40 --cols 6 -t 1,2 -r 3 -w 0 -q --schedule static \
        --schedule dynamic --order random --seed 7 -o "$TMP/o-random2" >/dev/null 2>&1
    check "random: the same seed, the same order" [ "$(cells "$TMP/o-random")" = "$(cells "$TMP/o-random2")" ]
    check "metadata records the order" grep -q '"order": "random"' "$TMP/o-random/metadata.json"
    check "metadata records its seed" grep -q '"order_seed": "7"' "$TMP/o-random/metadata.json"
}

# An interleaved study stopped by SIGTERM resumes the cells it missed.
test_resume_interleaved() {
    d="$TMP/res"
    args="bogosort --rows 3000 -t 1,2 -r 6 -w 0 -q -o $d"
    # SIGTERM once a row is written: a signal during a run cuts it (and
    # records nothing of it), so a fixed delay could leave no row at all
    "$OMPSWEEP" $args >/dev/null 2>&1 &
    pid=$!
    i=0
    while [ "$(data_rows "$d/runs.csv")" -lt 1 ] && [ $i -lt 400 ]; do
        sleep 0.05; i=$((i + 1))
    done
    kill -TERM $pid
    wait $pid
    rc=$?
    check "interrupted: 143 (got $rc)" [ "$rc" -eq 143 ]
    before=$(data_rows "$d/runs.csv")
    check "some rows, not all ($before)" [ "$before" -gt 0 ] && [ "$before" -lt 12 ]
    "$OMPSWEEP" $args --resume >/dev/null 2>&1
    check "resume exit 0" [ $? -eq 0 ]
    check "12 cells, each once" [ "$(awk -F, 'NR > 1 { print $11, $12 }' "$d/runs.csv" | sort -u | wc -l)" -eq 12 ]
    check "12 rows" [ "$(data_rows "$d/runs.csv")" -eq 12 ]
}

run_test test_interleaving_beats_drift
run_test test_execution_order_recorded
run_test test_orders_same_cells
run_test test_resume_interleaved
finish
