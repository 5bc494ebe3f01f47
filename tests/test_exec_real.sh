# ompsweep exec on programs that print the way real proxy applications do:
# tests/exec/xsbench_like.c (thousands separators, its own runtime, exit 1
# off its reference size with the reason on stdout), stream_like.c (four
# bandwidth lines and a validation line), lulesh_like.c (an energy that
# every thread count reproduces and a symmetry figure that it does not,
# the time with two significant digits). Also --env, --chdir, --ok-exit,
# --metric, --result-tolerance and the coarse --time warning.
. tests/lib.sh

CC=${CC:-cc}
for p in xsbench_like stream_like lulesh_like sum_int drift; do
    "$CC" -O2 -fopenmp -o "$TMP/$p" "tests/exec/$p.c" -lm || exit 1
done
XSB="$TMP/xsbench_like" STREAM="$TMP/stream_like" LULESH="$TMP/lulesh_like"

# value FILE COLUMN KEYCOLUMN KEY...: COLUMN of the rows whose KEYCOLUMNs are
# the KEYs (pairs), one per line.
value() {
    file=$1 want=$2; shift 2
    awk -v want="$want" -v keys="$*" "$(cat bench/csv.awk)"'
        BEGIN { nk = split(keys, k, " ") }
        { n = csv_split($0, f) }
        NR == 1 { for (i = 1; i <= n; i++) c[f[i]] = i; next }
        { ok = 1; for (j = 1; j < nk; j += 2) if (f[c[k[j]]] != k[j + 1]) ok = 0
          if (ok) print f[c[want]] }' "$file"
}

test_xsbench_off_reference() {
    "$OMPSWEEP" exec -t 1 -r 1 -w 0 -q -o "$TMP/x0" -- "$XSB" -l 20000 >/dev/null 2>"$TMP/err"
    check "exit 1 without --ok-exit" [ $? -eq 1 ]
    check "the reason from stdout ($(cat "$TMP/err"))" grep -q \
        'exited with status 1 at threads=1; stderr empty; stdout: Lookups: *20,000 | Lookups/s: *[0-9,]* | Verification checksum: [0-9]* (WARNING - INVALID CHECKSUM!) (rows so far' "$TMP/err"
    "$OMPSWEEP" exec -t 1,2 -r 2 -w 0 -q -o "$TMP/x1" --ok-exit 1 \
        --result 'Verification checksum: ([0-9]+)' --time 'Runtime: +([0-9.]+) seconds' \
        --work 'Lookups: +([0-9,]+)' --metric 'lookups_per_s=Lookups/s: +([0-9,]+)' \
        -- "$XSB" -l 20000 >"$TMP/out" 2>"$TMP/err"
    check "--ok-exit 1: exit 0 ($(tail -n 1 "$TMP/err"))" [ $? -eq 0 ]
    check "4 rows verified" [ "$(value "$TMP/x1/runs.csv" verified | grep -c true)" -eq 4 ]
    check "one checksum over the thread counts" [ "$(column "$TMP/x1/runs.csv" checksum | sort -u | wc -l)" -eq 1 ]
    check "work: 20,000 read as 20000" [ "$(column "$TMP/x1/runs.csv" work | sort -u)" = 20000 ]
    check "seconds: the printed runtime, 3 decimals" \
        [ "$(column "$TMP/x1/runs.csv" seconds | grep -cE '^[0-9]+(\.[0-9]{1,3})?$')" -eq 4 ]
    check "the metric without its commas" \
        [ "$(value "$TMP/x1/metrics.csv" value metric lookups_per_s | grep -cE '^[0-9]+$')" -eq 4 ]
    check "metrics table on stdout" grep -q 'metric=lookups_per_s (higher is better)' "$TMP/out"
    expect_usage_error "--ok-exit: '256' is out of range (accepted 0..255)" exec --ok-exit 1,256 -- "$XSB"
    expect_usage_error "--ok-exit: 'x' is not an integer (accepted 0..255)" exec --ok-exit x -- "$XSB"
    expect_usage_error "--ok-exit: '1' is out of range (accepted 3..255)" exec --ok-exit 3-1 -- "$XSB"
}

test_stream_bandwidths() {
    set -- --metric 'Copy=^Copy: +([0-9.]+)' --metric 'Scale=^Scale: +([0-9.]+)' \
        --metric 'Add=^Add: +([0-9.]+)' --metric 'Triad=^Triad: +([0-9.]+)' \
        --result 'Solution (Validates)'
    "$OMPSWEEP" exec -t 1,2 -r 3 -w 0 -q -o "$TMP/st" "$@" -- "$STREAM" 20000 >"$TMP/out" 2>&1
    check "exit 0" [ $? -eq 0 ]
    check "metrics.csv: 4 metrics x 6 runs" [ "$(data_rows "$TMP/st/metrics.csv")" -eq 24 ]
    check "all higher is better" [ "$(column "$TMP/st/metrics.csv" better | sort -u)" = higher ]
    check "the four kernels" [ "$(column "$TMP/st/metrics.csv" metric | sort -u | tr '\n' ' ')" = "Add Copy Scale Triad " ]
    sum="$TMP/st/metrics_summary.csv"
    check "summary: 8 rows (4 metrics x 2 counts)" [ "$(data_rows "$sum")" -eq 8 ]
    check "speedup 1 at 1 thread" [ "$(value "$sum" speedup threads 1 | sort -u)" = 1 ]
    # speedup of a rate: the 2-thread median over the 1-thread one
    m1=$(value "$sum" median threads 1 metric Triad) m2=$(value "$sum" median threads 2 metric Triad)
    s2=$(value "$sum" speedup threads 2 metric Triad)
    check "Triad speedup = M2/M1 ($s2, $m2 / $m1)" awk -v s="$s2" -v a="$m1" -v b="$m2" \
        'BEGIN { exit !(s > 0 && (s - b / a) ^ 2 < 1e-12 * s * s) }'
    check "table per metric" [ "$(grep -c 'metric=.* (higher is better)' "$TMP/out")" -eq 4 ]
    # lower is better: the speedup turns round
    "$OMPSWEEP" exec -t 1,2 -r 3 -w 0 -q -o "$TMP/st2" --metric 'Copy_s=^Copy: +[0-9.]+ +[0-9.]+ +([0-9.]+)' \
        --metric-better Copy_s=lower -- "$STREAM" 20000 >/dev/null 2>&1
    sum="$TMP/st2/metrics_summary.csv"
    m1=$(value "$sum" median threads 1) m2=$(value "$sum" median threads 2) s2=$(value "$sum" speedup threads 2)
    check "lower is better: speedup = M1/M2 ($s2)" awk -v s="$s2" -v a="$m1" -v b="$m2" \
        'BEGIN { exit !(s > 0 && (s - a / b) ^ 2 < 1e-12 * s * s) }'
    check "better column: lower" [ "$(column "$TMP/st2/metrics.csv" better | sort -u)" = lower ]
    "$OMPSWEEP" exec -t 1 -r 1 -w 0 -q -o "$TMP/st3" "$@" -- "$STREAM" 2000 broken >/dev/null 2>"$TMP/err"
    check "failed validation: exit 1" [ $? -eq 1 ]
    check "says the validation line is missing" grep -q "exec: --result: 'Solution (Validates)' matched nothing in the output" "$TMP/err"
}

test_metrics_read_back() {
    "$OMPSWEEP" summarize "$TMP/st/runs.csv" -o "$TMP/sumout" >"$TMP/out" 2>&1
    check "summarize: exit 0" [ $? -eq 0 ]
    check "summarize: the metric tables" [ "$(grep -c 'metric=.* (higher is better)' "$TMP/out")" -eq 4 ]
    check "summarize -o: metrics_summary.csv" [ "$(data_rows "$TMP/sumout/metrics_summary.csv")" -eq 8 ]
    if command -v gnuplot >/dev/null; then
        bench/plots.sh "$TMP/st" >"$TMP/plots" 2>&1
        check "plots: exit 0 ($(tail -n 1 "$TMP/plots"))" [ $? -eq 0 ]
        for m in Copy Scale Add Triad; do
            check "plots: metric_$m.png and .svg" test -s "$TMP/st/plots/metric_$m.png" \
                -a -s "$TMP/st/plots/metric_$m.svg"
        done
        check "plots: labelled with the direction" grep -q 'Triad (higher is better)' \
            "$TMP/st/plots/metric_Triad.svg"
    else
        echo "  (skipped the metric plots: gnuplot not installed; Debian: gnuplot-nox)"
    fi
    "$OMPSWEEP" compare "$TMP/st" "$TMP/st" -o "$TMP/cmp" >"$TMP/out" 2>&1
    check "compare: exit 0" [ $? -eq 0 ]
    check "compare: metrics section" grep -q '^metrics (ratio = new / base' "$TMP/out"
    check "compare_metrics.csv: 8 rows, all same" \
        [ "$(column "$TMP/cmp/compare_metrics.csv" verdict | sort | uniq -c | tr -s ' ')" = " 8 same" ]
    check "ratio 1 against itself" [ "$(column "$TMP/cmp/compare_metrics.csv" ratio | sort -u)" = 1 ]
    # Triad 100 + repeat in BASE, 0.8 times that in NEW: worse (p = 0.1 at
    # n = 3 each), and a regression under --fail-on-regression 10
    mkdir -p "$TMP/better" "$TMP/worse"
    for side in better worse; do
        cp "$TMP/st/runs.csv" "$TMP/$side/"
        awk -F, -v f="$([ $side = better ] && echo 1 || echo 0.8)" 'NR == 1 { print; next }
            $12 == "Triad" { $14 = f * (100 + $11) } { print }' OFS=, \
            "$TMP/st/metrics.csv" >"$TMP/$side/metrics.csv"
    done
    "$OMPSWEEP" compare "$TMP/better" "$TMP/worse" -o "$TMP/cmp2" --alpha 0.2 >"$TMP/out" 2>"$TMP/err"
    check "a worse metric alone: exit 0" [ $? -eq 0 ]
    check "Triad worse" [ "$(value "$TMP/cmp2/compare_metrics.csv" verdict metric Triad | sort -u)" = worse ]
    "$OMPSWEEP" compare "$TMP/better" "$TMP/worse" --alpha 0.2 --fail-on-regression 10 >/dev/null 2>"$TMP/err"
    check "--fail-on-regression 10: exit 1" [ $? -eq 1 ]
    check "names the metrics ($(cat "$TMP/err"))" grep -q 'compare: 2 metric(s) significantly worse by more than 10%' "$TMP/err"
    "$OMPSWEEP" compare "$TMP/better" "$TMP/worse" --alpha 0.2 --fail-on-regression 30 >/dev/null 2>&1
    check "--fail-on-regression 30: exit 0" [ $? -eq 0 ]
}

test_metric_usage() {
    expect_usage_error "--metric-better: no --metric named 'Copy'" exec --metric-better Copy=lower -- "$STREAM"
    expect_usage_error "--metric-better: unknown value 'up' (accepted higher|lower)" \
        exec --metric 'Copy=x' --metric-better Copy=up -- "$STREAM"
    expect_usage_error "--metric: 'Copy' given twice" exec --metric 'Copy=a' --metric 'Copy=b' -- "$STREAM"
    expect_usage_error "--metric: 'a b=x' is not NAME=VALUE (NAME: a letter, then letters, digits or _.%/-; at most 31 characters)" \
        exec --metric 'a b=x' -- "$STREAM"
    expect_usage_error "--metric: bad regular expression '(' (Unmatched ( or \\()" exec --metric 'a=(' -- "$STREAM"
}

test_lulesh_tolerance() {
    r='MaxAbsDiff += *(.*)'
    "$OMPSWEEP" exec -t 1,2 -r 2 -w 0 -q -o "$TMP/lu0" --result "$r" -- "$LULESH" >/dev/null 2>"$TMP/err"
    check "digit for digit: exit 1" [ $? -eq 1 ]
    check "the first differing value of both runs ($(tail -n 1 "$TMP/err"))" grep -q \
        "verification FAILED: .*; at threads=2 the --result text has '[0-9.e+-]*' where the first run (threads=1) has '[0-9.e+-]*'$" "$TMP/err"
    "$OMPSWEEP" exec -t 1,2 -r 2 -w 0 -q -o "$TMP/lu1" --result 'Energy += *(.*)' --result "$r" \
        --result-tolerance 1e-3 -- "$LULESH" >/dev/null 2>"$TMP/err"
    check "within 1e-3: exit 0 ($(tail -n 1 "$TMP/err"))" [ $? -eq 0 ]
    check "all verified" [ "$(column "$TMP/lu1/runs.csv" verified | sort -u)" = true ]
    check "and says so" grep -q 'warning: exec: 2 of 4 runs verified within --result-tolerance, not digit for digit; first: at threads=2 .* (within --result-tolerance 0.001,0)' "$TMP/err"
    check "metadata keeps the first run's text" grep -q '"result_text": "3.029970e+05\\n[0-9.e+-]*\\n"' "$TMP/lu1/metadata.json"
    "$OMPSWEEP" exec -t 1,2 -r 1 -w 0 -q -o "$TMP/lu2" --result "$r" --result-tolerance 1e-9 \
        -- "$LULESH" >/dev/null 2>"$TMP/err"
    check "beyond 1e-9: exit 1" [ $? -eq 1 ]
    check "names the tolerance" grep -q '(beyond --result-tolerance 1e-09,0)$' "$TMP/err"
    expect_usage_error "--result-tolerance: needs --result REGEX (the text whose numbers are compared)" \
        exec --result-tolerance 1e-6 -- "$LULESH"
    expect_usage_error "--result-tolerance: '2' is out of range (accepted 0..1)" \
        exec --result x --result-tolerance 2 -- "$LULESH"
    expect_usage_error "--result-tolerance ABS: '-1' is out of range (accepted 0..1.79769e+308)" \
        exec --result x --result-tolerance 0,-1 -- "$LULESH"
}

# LULESH prints its time with two significant digits: a warning, not a
# silent snap of the medians; a fine timer gives none.
test_coarse_time() {
    "$OMPSWEEP" exec -t 1 -r 3 -w 0 -q -o "$TMP/ct" --size lulesh --time 'Elapsed time += *([0-9.e+-]+)' \
        -- sh -c 'echo "Elapsed time         =        3.8 (s)"' >/dev/null 2>"$TMP/err"
    check "exit 0" [ $? -eq 0 ]
    check "warns ($(cat "$TMP/err"))" grep -q "warning: --time 'Elapsed time += \*(\[0-9.e+-\]+)': the program prints its seconds to 0.1 s, coarse against their spread (max - min 0 s) at threads=1: medians snap to multiples of 0.1 s" "$TMP/err"
    check "in metadata.json" grep -q 'medians snap to multiples of 0.1 s' "$TMP/ct/metadata.json"
    "$OMPSWEEP" exec -t 1,2 -r 3 -w 0 -q -o "$TMP/ct2" --time 'time: (.*)' -- "$TMP/drift" "$TMP/counter" \
        >/dev/null 2>"$TMP/err"
    check "9 decimals that differ: no warning" [ "$(grep -c 'coarse against' "$TMP/err")" -eq 0 ]
}

test_env_and_chdir() {
    mkdir -p "$TMP/wd"
    case $OMPSWEEP in /*) omp=$OMPSWEEP ;; *) omp=$PWD/$OMPSWEEP ;; esac
    (cd "$TMP" && "$omp" exec -t 1,2 -r 1 -w 0 -o "$TMP/ev" --show-output --size envtest \
        --env 'GREETING=hello {threads}' --env OMP_WAIT_POLICY=passive --chdir wd -- \
        sh -c 'echo "greeting=$GREETING policy=$OMP_WAIT_POLICY pwd=$(pwd)"' >/dev/null 2>"$TMP/err")
    check "exit 0" [ $? -eq 0 ]
    for t in 1 2; do
        check "--env with {threads} at $t ($(grep greeting "$TMP/err" | head -n 1))" \
            grep -qx "greeting=hello $t policy=passive pwd=$TMP/wd" "$TMP/err"
    done
    (cd "$TMP" && "$omp" exec -t 1 -r 1 -w 0 -q -o "$TMP/ev2" --chdir wd -- ./sum_int 100 >/dev/null 2>&1)
    check "a relative program still found under --chdir" [ $? -eq 0 ]
    expect_usage_error "--env: OMP_NUM_THREADS is set by -t/--threads (a column of runs.csv)" \
        exec --env OMP_NUM_THREADS=4 -- "$STREAM"
    expect_usage_error "--env: OMP_PLACES is set by --places (a column of runs.csv)" \
        exec --env OMP_PLACES=cores -- "$STREAM"
    expect_usage_error "--env: OMP_SCHEDULE is set by --schedule (a column of runs.csv)" \
        exec --schedule static --env OMP_SCHEDULE=guided -- "$STREAM"
    expect_usage_error "--env: A given twice" exec --env A=1 --env A=2 -- "$STREAM"
    expect_usage_error "--env: 'A' is not NAME=VALUE (NAME: a letter, then letters, digits or _; at most 127 characters)" \
        exec --env A -- "$STREAM"
    expect_usage_error "--chdir: '$TMP/none' is not a directory" exec --chdir "$TMP/none" -- "$STREAM"
}

# Every option that changes what is measured or how it is verified is in
# the configuration key: --resume never continues another study.
test_options_in_key() {
    base="-t 1 -r 1 -w 0 -q -o $TMP/key --result checksum:.(.*)"
    # shellcheck disable=SC2086
    "$OMPSWEEP" exec $base -- "$TMP/sum_int" 500 >/dev/null 2>&1
    n=1
    for extra in "--ok-exit 3" "--metric m=items:.(.*)" "--result-tolerance 0.5" \
                 "--env X=1" "--chdir $TMP" "--result threads:.(.*)" "--work 7" "--schedule static"; do
        # shellcheck disable=SC2086
        "$OMPSWEEP" exec $base --resume $extra -- "$TMP/sum_int" 500 >/dev/null 2>&1
        n=$((n + 1))
        check "$extra: a new run id" [ "$(column "$TMP/key/runs.csv" run_id | sort -u | wc -l)" -eq $n ]
    done
    # shellcheck disable=SC2086
    "$OMPSWEEP" exec $base --resume --metric-better m=lower --metric m=items:.\(.*\) \
        --program-version 'echo 1' -- "$TMP/sum_int" 500 >/dev/null 2>&1
    check "--metric-better, --program-version: the same study" \
        [ "$(column "$TMP/key/runs.csv" run_id | sort -u | wc -l)" -eq $n ]
}

run_test test_xsbench_off_reference
run_test test_stream_bandwidths
run_test test_metrics_read_back
run_test test_metric_usage
run_test test_lulesh_tolerance
run_test test_coarse_time
run_test test_env_and_chdir
run_test test_options_in_key
finish
