# Tests of bench/plots.sh: the ten plot files from a tiny sweep, the latest
# run chosen, weak scaling labelled, RUN_ID, the elbow plot skipped without
# elbow.csv, the models plot without models.csv, unverified blocks marked,
# and exit 2 with one message for a missing gnuplot, a missing or
# malformed summary.csv.
. tests/lib.sh

PLOTS=bench/plots.sh
TINY="--rows 50 --cols 5 --samples 300 --features 4 --k-max 5 -t 1,2 -r 2 -w 0 -q"
if command -v gnuplot >/dev/null 2>&1; then HAVE_GNUPLOT=1; else HAVE_GNUPLOT=0; fi

# rendering: true with gnuplot; else says that the test skips its plots.
rendering() {
    [ "$HAVE_GNUPLOT" -eq 1 ] && return 0
    echo "  skipped the rendering: gnuplot not installed (Debian: gnuplot-nox)"
    return 1
}

# first_run_id FILE: the run id of the first data row (ids hold no comma here).
first_run_id() { sed -n 2p "$1" | cut -d, -f1; }

# One data directory for the tests: a strong run of both workloads (with a
# quoted schedule) and, appended after it, a weak-scaling run of bogosort.
DATA="$TMP/data"
"$OMPSWEEP" all $TINY --schedule dynamic,2 -o "$DATA" >/dev/null 2>&1
sleep 1 # the run ids carry the start time to the second
"$OMPSWEEP" bogosort $TINY --scaling weak -o "$DATA" >/dev/null 2>&1
STRONG_ID=$(first_run_id "$DATA/elbow.csv")
WEAK_ID=$(grep '+weak' "$DATA/summary.csv" | head -n 1 | cut -d, -f1)

test_sweep_data() {
    check "strong run id" [ -n "$STRONG_ID" ]
    check "weak run id" [ -n "$WEAK_ID" ]
    check "two runs in summary.csv" [ "$(column "$DATA/summary.csv" run_id | sort -u | wc -l)" -eq 2 ]
    check "quoted schedule in summary.csv" grep -q '"dynamic,2"' "$DATA/summary.csv"
}

# is_png FILE: starts with the 8-byte PNG signature.
is_png() {
    [ "$(od -An -tx1 -N8 "$1" | tr -d ' \n')" = 89504e470d0a1a0a ]
}

test_render() {
    rendering || return
    d="$TMP/render"
    cp -R "$DATA" "$d"
    sh "$PLOTS" "$d" >"$TMP/out" 2>"$TMP/err"
    rc=$?
    check "exit 0 (got $rc: $(cat "$TMP/err"))" [ $rc -eq 0 ]
    check "nothing on stderr" [ ! -s "$TMP/err" ]
    check "10 paths on stdout" [ "$(wc -l <"$TMP/out")" -eq 10 ]
    for name in time speedup efficiency models elbow; do
        check "$name.png is a PNG" is_png "$d/plots/$name.png"
        check "$name.svg is an SVG" grep -q '<svg' "$d/plots/$name.svg"
        check "$name.png listed" grep -qxF "$d/plots/$name.png" "$TMP/out"
    done
    check "only the 10 files" [ "$(ls "$d/plots" | wc -l)" -eq 10 ]
    # Latest run: the weak one, labelled as such; the elbow plot shows the
    # only elbow run.
    check "time plot of the latest run" grep -qF "run $WEAK_ID" "$d/plots/time.svg"
    check "not of the older run" [ -z "$(grep -F "run $STRONG_ID" "$d/plots/time.svg")" ]
    check "weak block labelled" grep -q "bogosort/rows+weak .*(weak scaling)" "$d/plots/speedup.svg"
    check "scaled speedup axis" grep -q "scaled speedup" "$d/plots/speedup.svg"
    check "weak efficiency axis" grep -q "weak efficiency" "$d/plots/efficiency.svg"
    check "elbow of the elbow run" grep -qF "run $STRONG_ID" "$d/plots/elbow.svg"
    for rule in maxdelta max kneedle; do
        check "elbow names rule $rule" grep -q "[ >]${rule}[ ,:]" "$d/plots/elbow.svg"
    done
    check "inertia on the right axis" grep -q "inertia (right axis)" "$d/plots/elbow.svg"
    check "models plot of the latest run" grep -qF "run $WEAK_ID" "$d/plots/models.svg"
    check "models plot: Gustafson's alpha, or why not" grep -Eq "gustafson  alpha |gustafson: slower with more threads" "$d/plots/models.svg"
    check "nothing unverified, no mark" [ -z "$(grep UNVERIFIED "$d/plots/speedup.svg")" ]
}

test_run_id_and_no_elbow() {
    rendering || return
    d="$TMP/byid"
    cp -R "$DATA" "$d"
    RUN_ID=$STRONG_ID sh "$PLOTS" "$d" >/dev/null 2>"$TMP/err"
    check "RUN_ID: exit 0" [ $? -eq 0 ]
    check "RUN_ID: that run plotted" grep -qF "run $STRONG_ID" "$d/plots/speedup.svg"
    check "RUN_ID: its quoted schedule" grep -q "dynamic,2" "$d/plots/speedup.svg"
    # A loaded machine may run these tiny sizes slower on 2 threads: then
    # words, never a fraction above 1.
    check "RUN_ID: strong scaling, Amdahl fit or why not" \
        grep -Eq "Amdahl fit f = 0|slower with more threads: no Amdahl fit" "$d/plots/speedup.svg"
    check "RUN_ID: no Amdahl f above 1" [ -z "$(grep -E "Amdahl fit f = [1-9]" "$d/plots/speedup.svg")" ]
    sh "$PLOTS" --run "$WEAK_ID" "$d" >/dev/null 2>"$TMP/err"
    check "--run without elbow rows: exit 0" [ $? -eq 0 ]
    check "--run without elbow rows: note" grep -q "^plots.sh: note: .*elbow.csv: no rows for run id" "$TMP/err"
    check "--run without elbow rows: no stale elbow plot" [ ! -e "$d/plots/elbow.png" ]
    rm -f "$d/elbow.csv" "$d/elbow_choice.csv"
    rm -rf "$d/plots"
    sh "$PLOTS" "$d" >"$TMP/out" 2>"$TMP/err"
    check "no elbow.csv: exit 0" [ $? -eq 0 ]
    check "no elbow.csv: one note" [ "$(cat "$TMP/err")" = "plots.sh: note: $d/elbow.csv: not found, no elbow plot" ]
    check "no elbow.csv: 8 files" [ "$(ls "$d/plots" | wc -l)" -eq 8 ]
    check "no elbow.csv: no elbow plot" [ ! -e "$d/plots/elbow.svg" ]
    RUN_ID=$STRONG_ID sh "$PLOTS" "$d" >/dev/null 2>&1
    check "RUN_ID: models plot of that run" grep -qF "run $STRONG_ID" "$d/plots/models.svg"
    check "RUN_ID: Amdahl's f or why not" grep -Eq "amdahl  f |amdahl: slower with more threads" "$d/plots/models.svg"
    check "RUN_ID: why no USL" grep -q "usl: no USL fit: 2 core counts" "$d/plots/models.svg"
    rm -f "$d/models.csv"
    sh "$PLOTS" "$d" >"$TMP/out" 2>"$TMP/err"
    check "no models.csv: exit 0" [ $? -eq 0 ]
    check "no models.csv: its note" grep -q "^plots.sh: note: $d/models.csv or $d/model_curves.csv: not found, no models plot" "$TMP/err"
    check "no models.csv: no stale models plot" [ ! -e "$d/plots/models.svg" ]
    check "no models.csv: 6 files" [ "$(ls "$d/plots" | wc -l)" -eq 6 ]
}

# An unverified block (a failed or timed-out run, differing results) is
# marked in every plot: its title and a cross on each unverified point.
test_unverified_marked() {
    rendering || return
    d="$TMP/unverified"
    cp -R "$DATA" "$d"
    awk -v id="$WEAK_ID" 'BEGIN { FS = OFS = "," } NR > 1 && $1 == id && $9 == 2 { $NF = "false" } { print }' \
        "$DATA/summary.csv" >"$d/summary.csv"
    check "one row unverified" [ "$(grep -c ',false$' "$d/summary.csv")" -eq 1 ]
    sh "$PLOTS" "$d" >/dev/null 2>"$TMP/err"
    check "exit 0 ($(cat "$TMP/err"))" [ $? -eq 0 ]
    for name in time speedup efficiency models; do
        check "$name: block marked" grep -q "(weak scaling)  \[UNVERIFIED\]" "$d/plots/$name.svg"
        check "$name: the cross explained" grep -q "X: unverified runs (failed, timed out or differing results)" "$d/plots/$name.svg"
    done
}

# A summary.csv of 0.2 with the fraction it wrote for a slowdown (259):
# no "Amdahl fit f = 259", words instead.
test_old_fraction() {
    rendering || return
    d="$TMP/old-fraction"
    mkdir -p "$d"
    cat >"$d/summary.csv" <<'EOF'
run_id,workload,variant,schedule,bind,places,size,ranks,threads,n,median,min,max,mean,stddev,cv,ci_low,ci_high,speedup,efficiency,karp_flatt,amdahl_serial,verified
20261120T000000Z-1-x,exec,prog,dynamic,,,a,1,1,3,0.0077,0.0076,0.0078,0.0077,0.0001,0.01,,,1,1,,259,true
20261120T000000Z-1-x,exec,prog,dynamic,,,a,1,2,3,2.0,2.0,2.0,2.0,0,0,,,0.00385,0.0019,518,259,false
EOF
    sh "$PLOTS" "$d" >/dev/null 2>"$TMP/err"
    check "exit 0 ($(cat "$TMP/err"))" [ $? -eq 0 ]
    check "no fraction above 1" [ -z "$(grep "Amdahl fit f = 259" "$d/plots/speedup.svg")" ]
    check "the words" grep -q "(slower with more threads: no Amdahl fit)" "$d/plots/speedup.svg"
    check "the timed-out row marked" grep -q "prog  dynamic  a  \[UNVERIFIED\]" "$d/plots/speedup.svg"
    check "a note: no models.csv" grep -q "models.csv.*not found, no models plot" "$TMP/err"
}

# Known laws through exec (tests/exec/scaling_law.c): the fitted curves and
# their words in the plots; a slowdown has no Amdahl fit, and says so.
test_law_plots() {
    rendering || return
    law="$TMP/scaling_law"
    ${CC:-cc} -O2 -o "$law" tests/exec/scaling_law.c -lm || return
    d="$TMP/law"
    "$OMPSWEEP" exec -t 1,2,4,8,16,32,64,128 -r 7 -w 0 -q --time 'time: (.*)' --size usl -o "$d" \
        -- "$law" usl 0.03 0.0005 2.0 0.03 1 "$TMP/law-counter" >/dev/null 2>&1
    sh "$PLOTS" "$d" >/dev/null 2>"$TMP/err"
    check "exit 0 ($(cat "$TMP/err"))" [ $? -eq 0 ]
    check "the USL's choice and peak" grep -q "usl  sigma 0.0[23].*AICc choice, RETROGRADE: peak 4[0-9] cores" "$d/plots/models.svg"
    check "the band of each law" [ "$(grep -c "fill-opacity" "$d/plots/models.svg")" -ge 2 ]
    d="$TMP/law-slow"
    "$OMPSWEEP" exec -t 1,2 -r 3 -w 0 -q --time 'time: (.*)' --size slow -o "$d" \
        -- "$law" usl 0.5 0.3 2.0 0.01 1 "$TMP/slow-counter" >/dev/null 2>&1
    sh "$PLOTS" "$d" >/dev/null 2>"$TMP/err"
    check "slowdown: exit 0 ($(cat "$TMP/err"))" [ $? -eq 0 ]
    check "slowdown: no Amdahl fit, in words" grep -q "(slower with more threads: no Amdahl fit)" "$d/plots/speedup.svg"
    check "slowdown: the models plot says why" grep -q "amdahl: slower with more threads (speedup 0.9[0-9] at 2 cores): no serial fraction" "$d/plots/models.svg"
}

# The tools plots.sh runs, without gnuplot.
test_no_gnuplot() {
    bin="$TMP/bin"
    mkdir -p "$bin"
    for tool in awk mktemp mkdir mv rm cat; do
        p=$(command -v "$tool") && ln -sf "$p" "$bin/$tool"
    done
    check "no gnuplot in the test PATH" [ ! -e "$bin/gnuplot" ]
    d="$TMP/nognuplot"
    cp -R "$DATA" "$d"
    PATH="$bin" /bin/sh "$PLOTS" "$d" >"$TMP/out" 2>"$TMP/err"
    rc=$?
    check "exit 2 without gnuplot (got $rc)" [ $rc -eq 2 ]
    check "the message (got: $(cat "$TMP/err"))" \
        [ "$(cat "$TMP/err")" = "plots.sh: gnuplot not found: install Debian's gnuplot-nox" ]
    check "nothing on stdout" [ ! -s "$TMP/out" ]
    check "no plots directory" [ ! -e "$d/plots" ]
    rm -f "$d/elbow.csv"
    PATH="$bin" /bin/sh "$PLOTS" "$d" >/dev/null 2>"$TMP/err"
    check "no elbow.csv either: exit 2" [ $? -eq 2 ]
    check "no elbow.csv either: only the gnuplot message" \
        [ "$(cat "$TMP/err")" = "plots.sh: gnuplot not found: install Debian's gnuplot-nox" ]
}

# expect_error DIR MESSAGE: exit 2, that one line on stderr, no plots.
expect_error() {
    sh "$PLOTS" "$1" >"$TMP/out" 2>"$TMP/err"
    rc=$?
    check "exit 2 for '$2' (got $rc)" [ $rc -eq 2 ]
    check "message (got: $(cat "$TMP/err"))" [ "$(cat "$TMP/err")" = "plots.sh: $2" ]
    check "no stdout for '$2'" [ ! -s "$TMP/out" ]
    check "no plots for '$2'" [ ! -e "$1/plots" ]
}

test_bad_input() {
    d="$TMP/bad"
    mkdir -p "$d"
    expect_error "$d" "$d/summary.csv: not found (run ompsweep with -o $d first)"
    : >"$d/summary.csv"
    expect_error "$d" "$d/summary.csv: empty file"
    head -n 1 "$DATA/summary.csv" >"$d/summary.csv"
    expect_error "$d" "$d/summary.csv: no data rows (only a header)"
    cp "$DATA/summary.csv" "$d/summary.csv"
    echo 'x,"y,z"' >>"$d/summary.csv"
    n=$(wc -l <"$d/summary.csv")
    expect_error "$d" "$d/summary.csv:$n: 2 fields, the header has 23"
    { head -n 1 "$DATA/summary.csv"; grep -m 1 '+weak,dynamic,' "$DATA/summary.csv"; } |
        awk -F, 'NR == 2 { $11 = "fast" } { print }' OFS=, >"$d/summary.csv"
    expect_error "$d" "$d/summary.csv:2: median \"fast\" is not a number"
    cp "$DATA/summary.csv" "$d/summary.csv"
    awk 'NR == 1 { sub(/inertia_mean/, "inertia") } { print }' "$DATA/elbow.csv" >"$d/elbow.csv"
    expect_error "$d" "$d/elbow.csv: not an ompsweep table: no column \"inertia_mean\" in the header"
    export RUN_ID=no-such-run
    expect_error "$d" "$d/summary.csv: no rows for run id \"no-such-run\""
    unset RUN_ID
    expect_error "$TMP/missing-dir" "$TMP/missing-dir: no such directory"
}

# A bind x places study: one curve per combination, each labelled with it.
test_bind_places_labels() {
    rendering || return
    d="$TMP/bp"
    "$OMPSWEEP" bogosort --rows 50 --cols 5 -t 1,2 -r 2 -w 0 -q --bind close \
        --bind spread --places cores -o "$d" >/dev/null 2>&1
    sh "$PLOTS" "$d" >/dev/null 2>"$TMP/err"
    check "exit 0 ($(cat "$TMP/err"))" [ $? -eq 0 ]
    for b in close spread; do
        check "speedup curve for bind=$b" grep -q "bind=$b  places=cores" "$d/plots/speedup.svg"
    done
}

# A hybrid study (exec through a launcher; `env R={ranks}` stands in for
# mpirun, so no MPI is needed): the splits plot, one group per core count,
# one bar per split, the verdicts of splits.csv above them.
test_splits_plot() {
    rendering || return
    d="$TMP/hybrid"
    ${CC:-cc} -O2 -fopenmp -o "$TMP/sum_int" tests/exec/sum_int.c || return
    "$OMPSWEEP" exec --launcher 'env R={ranks}' --ranks 1,2 -t 1,2 -r 2 -w 0 -q -o "$d" \
        --result 'checksum: (.*)' -- "$TMP/sum_int" 2000 >/dev/null 2>&1
    check "study exit 0" [ $? -eq 0 ]
    sh "$PLOTS" "$d" >"$TMP/out" 2>"$TMP/err"
    check "exit 0 ($(cat "$TMP/err"))" [ $? -eq 0 ]
    check "splits.png is a PNG" is_png "$d/plots/splits.png"
    check "splits.png listed" grep -qxF "$d/plots/splits.png" "$TMP/out"
    svg="$d/plots/splits.svg"
    check "titled" grep -q 'Best split per core count: exec/sum_int' "$svg"
    for label in '1 core' '2 cores' '4 cores' 1x1 1x2 2x1 2x2; do
        check "names $label" grep -q ">$label<" "$svg"
    done
    check "the 2-core verdict of splits.csv" grep -Eq '>(tie|best 2x1|best 1x2), p = [0-9.]+<' "$svg"
    check "one split at 1 core" grep -q '>one split<' "$svg"
    rm -rf "$d/splits.csv"
    sh "$PLOTS" "$d" >/dev/null 2>&1
    check "without splits.csv: bars, no verdicts" [ -z "$(grep -E '>(tie|one split)' "$svg")" ]
}

run_test test_sweep_data
run_test test_bind_places_labels
run_test test_render
run_test test_splits_plot
run_test test_run_id_and_no_elbow
run_test test_unverified_marked
run_test test_law_plots
run_test test_old_fraction
run_test test_no_gnuplot
run_test test_bad_input
finish
