# Tests of `ompsweep compare`: synthetic runs files with a known 10% shift
# at one thread count, the verdicts, ratio, interval and p-value there,
# --threshold, --fail-on-regression exit codes, n = 1 per side, unmatched
# blocks, --by host, pooled sides, the 0.1 layout, the warnings, and bad
# input (exit 2, one line, nothing written).
. tests/lib.sh

HEADER=run_id,timestamp,host,workload,variant,schedule,bind,places,size,ranks,threads,repeat,seconds,work,rate,checksum,verified

# gen_runs FILE HOST N SHIFT_AT_2 JITTER_STEP JITTER_OFFSET [CHECKSUM] [THREADS]:
# N runs per thread count (1 2 4 by default) of one bogosort block; times
# 0.1/threads s times (1 + 0.002 ((i * STEP) mod 11 - 5) + OFFSET), and
# SHIFT_AT_2 times that at 2 threads.
gen_runs() {
    awk -v host="$2" -v n="$3" -v shift2="$4" -v step="$5" -v off="$6" \
        -v sum="${7:-0x00000000000000aa}" -v threads="${8:-1 2 4}" -v header="$HEADER" '
        BEGIN {
            print header
            nt = split(threads, ts, " ")
            for (k = 1; k <= nt; k++) {
                t = ts[k]
                for (i = 1; i <= n; i++) {
                    s = 0.1 / t * (1 + 0.002 * ((i * step) % 11 - 5) + off)
                    if (t == 2) s *= shift2
                    printf "r1,2026-11-29T00:00:00Z,%s,bogosort,rows,dynamic,,,100x8,1,%d,%d,%.9g,1000,1,%s,true\n", host, t, i, s, sum
                }
            }
        }' >"$1"
}

# cell FILE THREADS COLUMN: the value of COLUMN in the row of that thread count.
cell() {
    awk -v want="$2" -v name="$3" "$(cat bench/csv.awk)"'
        { n = csv_split($0, f) }
        NR == 1 { for (i = 1; i <= n; i++) c[f[i]] = i; next }
        f[c["threads"]] == want && f[c["workload"]] != "geomean" { print f[c[name]] }' "$1"
}

mkdir -p "$TMP/base" "$TMP/new"
gen_runs "$TMP/base/runs.csv" vm 11 1.0 7 0
gen_runs "$TMP/new/runs.csv" vm 11 1.10 3 0.001

test_known_shift() {
    "$OMPSWEEP" compare "$TMP/base" "$TMP/new/runs.csv" -o "$TMP/out" >"$TMP/stdout" 2>"$TMP/err"
    check "exit 0 (got $?)" [ $? -eq 0 ]
    csv="$TMP/out/compare.csv"
    check "1 thread: same" [ "$(cell "$csv" 1 verdict)" = same ]
    check "2 threads: slower" [ "$(cell "$csv" 2 verdict)" = slower ]
    check "4 threads: same" [ "$(cell "$csv" 4 verdict)" = same ]
    ratio=$(cell "$csv" 2 ratio) lo=$(cell "$csv" 2 ratio_ci_low) hi=$(cell "$csv" 2 ratio_ci_high)
    check "ratio ~1.10 (got $ratio)" awk -v r="$ratio" 'BEGIN { exit !(r > 1.095 && r < 1.105) }'
    check "CI [$lo, $hi] holds 1.10" awk -v l="$lo" -v h="$hi" 'BEGIN { exit !(l < 1.10 && h > 1.10 && l > 1.05 && h < 1.15) }'
    # every new time above every base time: the exact p is 2 / C(22, 11)
    p=$(cell "$csv" 2 p_value)
    check "exact p = 2/705432 (got $p)" awk -v p="$p" 'BEGIN { exit !(p > 2.8351e-6 && p < 2.8353e-6) }'
    check "test exact" [ "$(cell "$csv" 2 test)" = exact ]
    p1=$(cell "$csv" 1 p_value)
    check "1 thread not significant (p $p1)" awk -v p="$p1" 'BEGIN { exit !(p >= 0.05) }'
    check "efficiency at 2 threads from each side's 1-thread median" \
        awk -v e="$(cell "$csv" 2 efficiency_new)" 'BEGIN { exit !(e > 0.90 && e < 0.92) }'
    check "the issue's columns" head -n 1 "$csv" | grep -q \
        '^workload,variant,schedule,bind,places,size,ranks,threads,.*n_base,n_new,median_base,median_new,ratio,ratio_ci_low,ratio_ci_high,p_value,.*verdict,efficiency_base,efficiency_new'
    check "geomean row" grep -q '^geomean,' "$csv"
    check "table marks the slower block" grep -Eq '^ +1 +2 .* slower \*' "$TMP/stdout"
    check "table geomean line" grep -q '^geomean over 3 matched blocks' "$TMP/stdout"
    check "no temporary file left" [ "$(ls "$TMP/out")" = compare.csv ]
    check "no warning (got $(cat "$TMP/err"))" [ ! -s "$TMP/err" ]
}

test_threshold_and_regression_exit() {
    "$OMPSWEEP" compare "$TMP/base" "$TMP/new" --threshold 15 -o "$TMP/t15" >/dev/null 2>&1
    check "--threshold 15: the 10% block is same" [ "$(cell "$TMP/t15/compare.csv" 2 verdict)" = same ]
    "$OMPSWEEP" compare "$TMP/base" "$TMP/new" --fail-on-regression 5 >/dev/null 2>"$TMP/err"
    rc=$?
    check "--fail-on-regression 5: exit 1 (got $rc)" [ $rc -eq 1 ]
    check "one line naming the option" [ "$(cat "$TMP/err")" = \
        "ompsweep: compare: 1 block(s) significantly slower by more than 5% (--fail-on-regression)" ]
    "$OMPSWEEP" compare "$TMP/base" "$TMP/new" --fail-on-regression 20 >/dev/null 2>&1
    check "--fail-on-regression 20: exit 0" [ $? -eq 0 ]
    "$OMPSWEEP" compare "$TMP/new" "$TMP/base" --fail-on-regression 5 -o "$TMP/rev" >/dev/null 2>&1
    check "reversed: faster, exit 0" [ $? -eq 0 ]
    check "reversed: verdict faster" [ "$(cell "$TMP/rev/compare.csv" 2 verdict)" = faster ]
    "$OMPSWEEP" compare "$TMP/base" "$TMP/new" --alpha 0.000001 -o "$TMP/a6" >/dev/null 2>&1
    check "--alpha 1e-6: not significant" [ "$(cell "$TMP/a6/compare.csv" 2 verdict)" = same ]
}

test_one_run_per_side() {
    gen_runs "$TMP/one_a.csv" vm 1 1.0 7 0
    gen_runs "$TMP/one_b.csv" vm 1 1.5 3 0.3
    "$OMPSWEEP" compare "$TMP/one_a.csv" "$TMP/one_b.csv" -o "$TMP/one" >"$TMP/stdout" 2>"$TMP/err"
    check "exit 0" [ $? -eq 0 ]
    check "verdict same" [ "$(cell "$TMP/one/compare.csv" 2 verdict)" = same ]
    check "no p-value" [ -z "$(cell "$TMP/one/compare.csv" 2 p_value)" ]
    check "note n=1" cell "$TMP/one/compare.csv" 2 note | grep -q 'n=1: no test'
    check "warning: no CI" grep -q 'fewer than 6 values on a side' "$TMP/err"
    check "ratio still given" awk -v r="$(cell "$TMP/one/compare.csv" 2 ratio)" 'BEGIN { exit !(r > 1.9 && r < 2.0) }'
}

test_unmatched_and_by_host() {
    gen_runs "$TMP/only.csv" vm 11 1.0 3 0 0x00000000000000aa "1 2"
    "$OMPSWEEP" compare "$TMP/base" "$TMP/only.csv" -o "$TMP/um" >"$TMP/stdout" 2>/dev/null
    check "only in BASE listed" grep -A1 '^only in BASE:' "$TMP/stdout" | grep -q 'threads=4'
    check "compare.csv: only-base" [ "$(cell "$TMP/um/compare.csv" 4 verdict)" = only-base ]
    gen_runs "$TMP/h2.csv" other 11 1.0 3 0
    "$OMPSWEEP" compare "$TMP/base" "$TMP/h2.csv" >"$TMP/stdout" 2>"$TMP/err"
    check "hosts ignored by default: 3 matched" grep -q '^geomean over 3 matched' "$TMP/stdout"
    "$OMPSWEEP" compare "$TMP/base" "$TMP/h2.csv" --by host -o "$TMP/bh" >"$TMP/stdout" 2>"$TMP/err"
    check "--by host: nothing matched is an error (exit 2)" [ $? -eq 2 ]
    check "--by host: says why" grep -q 'no block is in both BASE and NEW (BASE: bogosort rows dynamic size=100x8 ranks=1 threads=1 vm; NEW: bogosort rows dynamic size=100x8 ranks=1 threads=1 other): blocks match on workload, variant, schedule, bind, places, size, ranks and threads and host (--by host)' "$TMP/err"
    check "--by host: no compare.csv" [ ! -e "$TMP/bh/compare.csv" ]
}

test_pooled_sides() {
    mkdir -p "$TMP/array/task-1" "$TMP/array/task-2"
    gen_runs "$TMP/array/task-1/runs.csv" vm 6 1.0 7 0
    gen_runs "$TMP/array/task-2/runs.csv" vm 5 1.0 5 0.0005
    "$OMPSWEEP" compare "$TMP/array" "$TMP/base/runs.csv,$TMP/new" -o "$TMP/pool" >/dev/null 2>&1
    check "exit 0" [ $? -eq 0 ]
    check "task directories pooled: n_base 11" [ "$(cell "$TMP/pool/compare.csv" 1 n_base)" = 11 ]
    check "comma list pooled: n_new 22" [ "$(cell "$TMP/pool/compare.csv" 1 n_new)" = 22 ]
}

test_v01_layout() {
    fixture=tests/fixtures/v0.1/runs.csv
    # the same rows in the 0.2 layout (empty bind and places)
    awk -F, -v OFS=, 'NR == 1 { print "'"$HEADER"'"; next }
                      { $6 = $6 ",,"; print }' "$fixture" >"$TMP/v02.csv"
    "$OMPSWEEP" compare "$fixture" "$TMP/v02.csv" -o "$TMP/v01" >"$TMP/stdout" 2>"$TMP/err"
    check "exit 0 (got $?: $(cat "$TMP/err"))" [ $? -eq 0 ]
    blocks=$(tail -n +2 "$fixture" | cut -d, -f9 | sort -u | wc -l)
    check "every block matched" grep -q "^geomean over $blocks matched blocks" "$TMP/stdout"
    check "all same, ratio 1" [ "$(for t in 1 2; do cell "$TMP/v01/compare.csv" $t ratio; \
        cell "$TMP/v01/compare.csv" $t verdict; done | tr '\n' ' ')" = "1 same 1 same " ]
}

test_warnings() {
    gen_runs "$TMP/sum.csv" vm 11 1.0 3 0.001 0x00000000000000bb
    "$OMPSWEEP" compare "$TMP/base/runs.csv" "$TMP/sum.csv" >/dev/null 2>"$TMP/err"
    check "checksum warning per block" [ "$(grep -c 'checksums differ between BASE and NEW' "$TMP/err")" -eq 3 ]
    mkdir -p "$TMP/ma" "$TMP/mb"
    cp "$TMP/base/runs.csv" "$TMP/ma/" && cp "$TMP/new/runs.csv" "$TMP/mb/"
    printf '[\n  {\n    "compiler": "gcc 12.2.0",\n    "cflags": "-O3",\n    "cpu_model": "CPU A"\n  }\n]\n' >"$TMP/ma/metadata.json"
    printf '[\n  {\n    "compiler": "gcc 12.2.0",\n    "cflags": "-O0",\n    "cpu_model": "CPU A"\n  }\n]\n' >"$TMP/mb/metadata.json"
    "$OMPSWEEP" compare "$TMP/ma" "$TMP/mb" >/dev/null 2>"$TMP/err"
    check "flags differ: warned" grep -q "cflags differs: BASE '-O3', NEW '-O0'" "$TMP/err"
    check "same cpu and compiler: no warning" [ "$(grep -c 'differs' "$TMP/err")" -eq 1 ]
}

# expect_compare_error MESSAGE ARGS...: exit 2, that one stderr line,
# nothing on stdout, no output directory created.
# expect_compare_error MESSAGE ARGS...: exit 2, that one line, nothing
# written (tests/lib.sh's usage-error check).
expect_compare_error() { expect_usage_error "$@"; }

test_bad_input() {
    printf 'a,b\n1,2\n' >"$TMP/foreign.csv"
    cp "$TMP/base/runs.csv" "$TMP/badval.csv"
    echo 'r1,2026-11-29T00:00:00Z,vm,bogosort,rows,dynamic,,,100x8,1,2,1,fast,1000,1,0xaa,true' >>"$TMP/badval.csv"
    line=$(wc -l <"$TMP/badval.csv")
    mkdir -p "$TMP/empty"
    expect_compare_error "$TMP/foreign.csv:1: not an ompsweep runs file (expected header '$HEADER,status')" \
        compare "$TMP/base" "$TMP/foreign.csv"
    expect_compare_error "$TMP/badval.csv:$line:13: bad seconds value 'fast'" \
        compare "$TMP/badval.csv" "$TMP/new"
    expect_compare_error "$TMP/empty: no runs.csv in this directory or its subdirectories" \
        compare "$TMP/empty" "$TMP/new"
    expect_compare_error "compare: expected BASE and NEW, got 1 argument(s) (usage: ompsweep compare BASE NEW [options])" \
        compare "$TMP/base"
    expect_compare_error "--alpha: only for compare (usage: ompsweep compare BASE NEW [options])" \
        bogosort --alpha 0.1
    expect_compare_error "--by: unknown value 'node' (accepted host|run_id)" \
        compare "$TMP/base" "$TMP/new" --by node
    expect_compare_error "--alpha: '2' is out of range (accepted 1e-12..0.5)" \
        compare "$TMP/base" "$TMP/new" --alpha 2
}

test_io_error() {
    : >"$TMP/afile"
    "$OMPSWEEP" compare "$TMP/base" "$TMP/new" -o "$TMP/afile/sub" >/dev/null 2>"$TMP/err"
    check "unwritable -o: exit 3 (got $?)" [ $? -eq 3 ]
    check "one line" [ "$(wc -l <"$TMP/err")" -eq 1 ]
}

test_plots_compare() {
    if ! command -v gnuplot >/dev/null 2>&1; then
        echo "  skipped: gnuplot not installed (Debian: gnuplot-nox)"
        return
    fi
    "$OMPSWEEP" summarize "$TMP/base/runs.csv" -o "$TMP/pa" >/dev/null 2>&1
    "$OMPSWEEP" summarize "$TMP/new/runs.csv" -o "$TMP/pb" >/dev/null 2>&1
    sh bench/plots.sh --compare "$TMP/pa" "$TMP/pb" >"$TMP/stdout" 2>"$TMP/err"
    check "exit 0 (got $?: $(cat "$TMP/err"))" [ $? -eq 0 ]
    check "4 files listed" [ "$(wc -l <"$TMP/stdout")" -eq 4 ]
    svg="$TMP/pb/plots/compare_efficiency.svg"
    check "efficiency SVG" grep -q '<svg' "$svg"
    check "both sides in the legend" grep -q 'bogosort/rows  dynamic  100x8  BASE' "$svg"
    check "NEW in the legend" grep -q 'bogosort/rows  dynamic  100x8  NEW' "$svg"
    sh bench/plots.sh --compare "$TMP/pa" "$TMP/nothing" >/dev/null 2>"$TMP/err"
    check "missing side: exit 2" [ $? -eq 2 ]
    check "missing side: one line" [ "$(wc -l <"$TMP/err")" -eq 1 ]
}

run_test test_known_shift
run_test test_threshold_and_regression_exit
run_test test_one_run_per_side
run_test test_unmatched_and_by_host
run_test test_pooled_sides
run_test test_v01_layout
run_test test_warnings
run_test test_bad_input
run_test test_io_error
run_test test_plots_compare
finish
