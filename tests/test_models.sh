# Scaling models end to end, through `ompsweep exec --time`: the program
# tests/exec/scaling_law.c prints a run time drawn from a known law (the
# USL or Amdahl's) with seeded 3% noise, so 1..128 "threads" are measured
# in milliseconds. The fitted parameters' 95% intervals must hold the
# truth, AICc must pick the law that made the data, the USL's peak and
# retrograde flag must show; a slowdown reads as words, not as a fraction
# above 1; summarize rewrites models.csv the same way, atomically.
. tests/lib.sh

CC=${CC:-cc}
LAW="$TMP/scaling_law"
"$CC" -O2 -o "$LAW" tests/exec/scaling_law.c -lm || exit 1
POW2="1,2,4,8,16,32,64,128"

# law_study DIR THREADS REPEATS LAW-ARGS...: an exec study of the law. The
# size names the law alone (not the temporary counter file), so that the
# block's key, and with it the bootstrap's stream, is the same on every run.
law_study() {
    d=$1 threads=$2 repeats=$3; shift 3
    "$OMPSWEEP" exec -t "$threads" -r "$repeats" -w 0 -q --time 'time: (.*)' -o "$d" \
        --size "$*" -- "$LAW" "$@" "$TMP/counter-${d##*/}" >"$d.out" 2>"$d.err"
}

# field FILE MODEL NAME: column NAME of MODEL's row of models.csv.
field() { column_where "$1/models.csv" model "$2" "$3"; }

# holds FILE MODEL PARAM TRUTH: PARAM_low <= TRUTH <= PARAM_high.
holds() {
    lo=$(field "$1" "$2" "$3_low") hi=$(field "$1" "$2" "$3_high")
    awk -v lo="$lo" -v hi="$hi" -v t="$4" 'BEGIN { exit !(lo != "" && lo <= t && t <= hi) }'
}

# USL truth: sigma 0.03, kappa 5e-4, peak sqrt(0.97 / 5e-4) = 44.05 cores.
test_usl_truth() {
    d="$TMP/usl"
    law_study "$d" "$POW2" 11 usl 0.03 0.0005 2.0 0.03 1
    check "exit 0 ($(cat "$d.err"))" [ $? -eq 0 ]
    check "sigma 0.03 within [$(field "$d" usl sigma_low), $(field "$d" usl sigma_high)]" \
        holds "$d" usl sigma 0.03
    check "kappa 5e-4 within [$(field "$d" usl kappa_low), $(field "$d" usl kappa_high)]" \
        holds "$d" usl kappa 0.0005
    check "peak 44.05 within [$(field "$d" usl peak_cores_low), $(field "$d" usl peak_cores_high)]" \
        holds "$d" usl peak_cores 44.05
    check "AICc chose the USL" [ "$(field "$d" usl chosen)" = true ]
    check "not Amdahl" [ "$(field "$d" amdahl chosen)" = false ]
    check "retrograde" [ "$(field "$d" usl retrograde)" = true ]
    check "8 core counts, 11 runs, 500 replicates" \
        [ "$(field "$d" usl counts),$(field "$d" usl min_runs),$(field "$d" usl replicates)" = 8,11,500 ]
    check "predictions at 256, 512, 1024 cores" \
        [ "$(field "$d" usl cores_2x),$(field "$d" usl cores_4x),$(field "$d" usl cores_8x)" = 256,512,1024 ]
    check "stdout: the retrograde peak" grep -q "retrograde: the speedup peaks at 4[0-9] cores" "$d.out"
    check "stdout: AICc's choice on the USL line" grep -q "^  usl .*<- AICc's choice" "$d.out"
    check "schema 1 in every row" [ "$(column "$d/models.csv" schema | sort -u)" = 1 ]
    check "curves: 41 points per law" [ "$(data_rows "$d/model_curves.csv")" -eq 82 ]
    check "summary.csv keeps its 0.2 header" \
        [ "$(head -n 1 "$d/summary.csv")" = "run_id,workload,variant,schedule,bind,places,size,ranks,threads,n,median,min,max,mean,stddev,cv,ci_low,ci_high,speedup,efficiency,karp_flatt,amdahl_serial,verified" ]
}

# Amdahl truth: f 0.05; the USL nests it (kappa 0), AICc keeps Amdahl.
test_amdahl_truth() {
    d="$TMP/amdahl"
    law_study "$d" "1,2,4,8,16,32,64" 11 amdahl 0.05 2.0 0.03 1
    check "exit 0 ($(cat "$d.err"))" [ $? -eq 0 ]
    check "f 0.05 within [$(field "$d" amdahl serial_low), $(field "$d" amdahl serial_high)]" \
        holds "$d" amdahl serial 0.05
    check "AICc chose Amdahl" [ "$(field "$d" amdahl chosen)" = true ]
    check "not retrograde" [ "$(field "$d" usl retrograde)" = false ]
    check "kappa's interval starts at 0" [ "$(field "$d" usl kappa_low)" = 0 ]
    f=$(field "$d" amdahl serial)
    check "summary.csv's amdahl_serial is models.csv's f ($f)" \
        [ "$(column "$d/summary.csv" amdahl_serial | sort -u)" = "$f" ]
}

# A slowdown at 2 threads: words instead of fractions above 1.
test_slower_words() {
    d="$TMP/slower"
    law_study "$d" 1,2 5 usl 0.5 0.3 2.0 0.01 1
    check "exit 0 ($(cat "$d.err"))" [ $? -eq 0 ]
    check "Amdahl: the words" grep -qx "  amdahl     slower with more threads (speedup 0.9[0-9] at 2 cores): no serial fraction" "$d.out"
    check "USL: why not" grep -qx "  usl        no USL fit: 2 core counts, it needs at least 3" "$d.out"
    check "Karp-Flatt: the words" grep -qx "  karp-flatt at 2 cores left empty: slower than 1 thread (speedup 0.9[0-9])" "$d.out"
    check "amdahl_serial empty" [ -z "$(column "$d/summary.csv" amdahl_serial | sort -u)" ]
    check "karp_flatt empty" [ -z "$(column "$d/summary.csv" karp_flatt | sort -u)" ]
    check "models.csv: slower" [ "$(field "$d" amdahl state)" = slower ]
    check "models.csv: too few counts" [ "$(field "$d" usl state)" = too_few_counts ]
    check "models.csv: no f" [ -z "$(field "$d" amdahl serial)" ]
    check "models.csv: the note" [ "$(field "$d" usl note)" = "no USL fit: 2 core counts, it needs at least 3" ]
    check "no curves without a fit" [ "$(data_rows "$d/model_curves.csv")" -eq 0 ]
}

# One run per count: fits without intervals, said so.
test_one_run() {
    d="$TMP/one"
    law_study "$d" 1,2,4 1 amdahl 0.1 1.0 0.01 3
    check "exit 0" [ $? -eq 0 ]
    check "no replicates" [ "$(field "$d" amdahl replicates)" = 0 ]
    check "f without interval" [ -n "$(field "$d" amdahl serial)" ] && [ -z "$(field "$d" amdahl serial_low)" ]
    check "the note" grep -q "1 run per count: no intervals (they need 3 at least)" "$d.out"
}

# One job of an OMP_NUM_THREADS loop: one count, no 1-core run: one line.
test_single_count() {
    d="$TMP/single"
    law_study "$d" 4 3 amdahl 0.1 1.0 0.01 4
    check "exit 0" [ $? -eq 0 ]
    check "one line, the way out" [ "$(grep -c "^models" "$d.out")" -eq 1 ]
    check "its words" grep -qx "models: none: no run at 1 core (1 rank x 1 thread): no speedup to fit (ompsweep summarize pools the runs files of separate jobs)" "$d.out"
    check "both laws: no baseline" [ "$(column "$d/models.csv" state | sort -u)" = no_baseline ]
}

# summarize: the same fits (no run id), byte for byte on every call.
test_summarize() {
    d="$TMP/usl" s1="$TMP/sum1" s2="$TMP/sum2"
    "$OMPSWEEP" summarize "$d/runs.csv" -o "$s1" >"$TMP/sum.out" 2>&1
    check "exit 0" [ $? -eq 0 ]
    "$OMPSWEEP" summarize "$d/runs.csv" -o "$s2" >/dev/null 2>&1
    check "models.csv reproducible" cmp -s "$s1/models.csv" "$s2/models.csv"
    check "model_curves.csv reproducible" cmp -s "$s1/model_curves.csv" "$s2/model_curves.csv"
    strip() { awk -F, 'BEGIN { OFS = "," } { $2 = "" } { print }' "$1"; }
    check "the study's fits (but the run id)" [ "$(strip "$d/models.csv")" = "$(strip "$s1/models.csv")" ]
    check "stdout: the fits" grep -q "^  usl .*<- AICc's choice" "$TMP/sum.out"
}

# The rename: a summarize stopped just before it leaves the old models.csv.
test_atomic() {
    s="$TMP/sum1"
    cp "$s/models.csv" "$TMP/old-models.csv"
    OMPSWEEP_TEST_STOP=models.csv "$OMPSWEEP" summarize "$TMP/slower/runs.csv" -o "$s" \
        >/dev/null 2>&1 &
    pid=$!
    tries=0
    while [ "$(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null)" != T ] && [ $tries -lt 500 ]; do
        sleep 0.02
        tries=$((tries + 1))
    done
    check "stopped before the rename" [ "$(cut -d' ' -f3 "/proc/$pid/stat")" = T ]
    check "the old models.csv in place" cmp -s "$s/models.csv" "$TMP/old-models.csv"
    check "the new one beside it" [ -n "$(find "$s" -name 'models.csv.tmp.*')" ]
    kill -CONT $pid
    wait $pid
    check "exit 0 after the rename" [ $? -eq 0 ]
    check "the new table" [ "$(field "$s" amdahl state)" = slower ]
    check "no temporary file left" [ -z "$(find "$s" -name '*.tmp.*')" ]
}

# Weak scaling: Gustafson's serial fraction.
test_weak() {
    d="$TMP/weak"
    "$OMPSWEEP" bogosort --rows 40 --cols 5 -t 1,2 -r 3 -w 0 -q --scaling weak -o "$d" \
        >"$TMP/weak.out" 2>&1
    check "exit 0" [ $? -eq 0 ]
    check "one law: gustafson" [ "$(column "$d/models.csv" model)" = gustafson ]
    check "weak" [ "$(column "$d/models.csv" scaling)" = weak ]
    check "stdout: alpha, or why not" grep -Eq "^  gustafson +(alpha |slower with more threads)" "$TMP/weak.out"
}

run_test test_usl_truth
run_test test_amdahl_truth
run_test test_slower_words
run_test test_one_run
run_test test_single_count
run_test test_summarize
run_test test_atomic
run_test test_weak
finish
