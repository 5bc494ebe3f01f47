# The bad-input matrix: every case must exit 2 with exactly one stderr line
# naming the option or file:line:column, print nothing on stdout, and leave
# an existing output directory byte-for-byte as it was (and create none).
. tests/lib.sh

OUT="$TMP/out"
DATA="$TMP/data"
CASES=0
# Tiny workload sizes, so a case that wrongly runs finishes quickly.
T="--rows 20 --cols 4 --samples 200 --features 3 --k-max 4 -r 1 -w 0 -q"

# bad EXPECTED_MESSAGE ARGS...: run against the populated $OUT.
bad() {
    CASES=$((CASES + 1))
    USAGE_OUT=$OUT expect_usage_error "$@"
}

setup() {
    "$OMPSWEEP" all $T -t 1 -o "$OUT" >/dev/null 2>&1 || echo "setup run failed" >&2
    mkdir -p "$DATA"
    : >"$DATA/empty.csv"
    printf 'a,b\n1,2\n3\n' >"$DATA/ragged.csv"
    printf 'a,b\n1,2\n3,x\n' >"$DATA/nonnum.csv"
    printf '1,2\nNaN,3\n' >"$DATA/nan.csv"
    printf '1,2\n3,inf\n' >"$DATA/inf.csv"
    printf '1,2\n3,1e999\n' >"$DATA/huge.csv"
    printf '1,2\n3,\n' >"$DATA/emptyfield.csv"
    printf 'a,b,c\n' >"$DATA/header.csv"
    { printf 'a,b\n1,2\n'; head -c 1048576 /dev/zero | tr '\0' '7'; printf ',x\n'; } >"$DATA/long.csv"
    printf '1,2\n3,4\n5,6\n7,8\n' >"$DATA/ok.csv"
}

test_numbers() {
    bad "--rows: 'abc' is not an integer (accepted 1..1000000000)" bogosort --rows abc
    bad "--rows: '-5' is out of range (accepted 1..1000000000)" bogosort --rows -5
    bad "--rows: '0' is out of range (accepted 1..1000000000)" bogosort --rows 0
    bad "--rows: '99999999999999999999' is out of range (accepted 1..1000000000)" bogosort --rows 99999999999999999999
    bad "--cols: '17' is out of range (accepted 1..16)" bogosort --cols 17
    bad "--cols: '0' is out of range (accepted 1..16)" bogosort --cols 0
    bad "--max-value: '-1' is out of range (accepted 0..2147483646)" bogosort --max-value -1
    bad "--repeats: '0' is out of range (accepted 1..1000000)" bogosort --repeats 0
    bad "--repeats: '1.5' is not an integer (accepted 1..1000000)" bogosort --repeats 1.5
    bad "--warmup: '-1' is out of range (accepted 0..1000000)" bogosort --warmup -1
    bad "--seed: '-1' is not a non-negative integer (accepted 0..18446744073709551615)" bogosort --seed -1
    bad "--seed: '18446744073709551616' is out of range (accepted 0..18446744073709551615)" bogosort --seed 18446744073709551616
    bad "--samples: '2' is out of range (accepted 3..100000000)" elbow --samples 2
    bad "--features: '0' is out of range (accepted 1..100000)" elbow --features 0
    bad "--centers: '0' is out of range (accepted 1..100000000)" elbow --centers 0
    bad "--cluster-std: '-1' is out of range (accepted 0..1e+06)" elbow --cluster-std -1
    bad "--cluster-std: 'inf' is not a finite number (accepted 0..1e+06)" elbow --cluster-std inf
    bad "--tol: '2' is out of range (accepted 0..1)" elbow --tol 2
    bad "--bind: 'sideways' is not an OMP_PROC_BIND value (accepted true, false, or a comma list of primary, close, spread)" bogosort --bind sideways
    bad "--places: '{0' is not an OMP_PLACES value (accepted threads, cores, sockets, ll_caches, numa_domains, optionally with (N), N >= 1, or a list such as {0},{1} or {0:4}:2:4)" bogosort --places '{0'
    bad "--places: 'cores(0)' is not an OMP_PLACES value (accepted threads, cores, sockets, ll_caches, numa_domains, optionally with (N), N >= 1, or a list such as {0},{1} or {0:4}:2:4)" bogosort --places 'cores(0)'
    bad "--partition: unknown value 'blocks' (accepted chunks|rows)" bogosort --partition rows,blocks
    bad "--n-init: '0' is out of range (accepted 1..1000000)" elbow --n-init 0
    bad "--max-iter: '0' is out of range (accepted 1..1000000)" elbow --max-iter 0
}

test_threads_and_choices() {
    bad "--threads: bad entry '0' (expected N, A-B or A-B:STEP with counts 1..4096, or max)" bogosort -t 0
    bad "--threads: range '4-2' is empty (start > end)" bogosort -t 4-2
    bad "--threads: bad entry '' (expected N, A-B, A-B:STEP or max)" bogosort -t ""
    bad "--threads: bad entry '' (expected N, A-B, A-B:STEP or max)" bogosort -t 1,,2
    bad "--threads: bad entry '1-8:0' (expected N, A-B or A-B:STEP with counts 1..4096, or max)" bogosort -t 1-8:0
    bad "--threads: bad entry '5000' (expected N, A-B or A-B:STEP with counts 1..4096, or max)" bogosort -t 5000
    bad "--schedule: unknown value 'auto' (accepted static|dynamic|guided)" bogosort --schedule auto
    bad "--schedule chunk: '0' is out of range (accepted 1..1000000000)" bogosort --schedule dynamic,0
    bad "--partition: unknown value 'diagonal' (accepted chunks|rows)" bogosort --partition diagonal
    bad "--parallel: unknown value 'gpu' (accepted over-k|tasks)" elbow --parallel gpu
    bad "--rule: unknown value 'best' (accepted maxdelta|max|kneedle)" elbow --rule best
    bad "--scaling: unknown value 'medium' (accepted strong|weak)" bogosort --scaling medium
    bad "unknown workload 'sort' (accepted bogosort|elbow|exec|all)" sort
    bad "missing WORKLOAD (bogosort|elbow|exec|all; see --help)" -t 1
    bad "--bogus: unknown option (see --help)" bogosort --bogus
    bad "-x: unknown option (see --help)" bogosort -x
    bad "--tag: control characters are not allowed" bogosort --tag "$(printf 'a\tb')"
}

# Long options by their whole names only: a start that getopt_long would
# take ("--th" for --threads) breaks the day another option starts so too.
test_option_prefixes() {
    bad "--th: unknown option; did you mean --threads or --threshold?" bogosort --th 2
    bad "--thr: unknown option; did you mean --threads or --threshold?" bogosort --thr=2
    bad "--threa: unknown option; did you mean --threads?" bogosort --threa 2
    bad "--threa: unknown option; did you mean --threads?" bogosort --threa=2
    bad "--re: unknown option; did you mean --repeats, --resume, --result or --result-tolerance?" bogosort --re 3
    bad "--k: unknown option; did you mean --k-min or --k-max?" elbow --k=3
    bad "--b: unknown option; did you mean --bind or --by?" bogosort --b close
    bad "--qui: unknown option; did you mean --quiet?" bogosort --qui
    bad "--qui: unknown option; did you mean --quiet?" bogosort --qui=1
    bad "--ro: unknown option; did you mean --rows?" bogosort --ro
    bad "--resu: unknown option; did you mean --resume, --result or --result-tolerance?" bogosort --resu
    bad "--fail: unknown option; did you mean --fail-on-regression?" compare a b --fail 5
    bad "--quiet: takes no value" bogosort --quiet=1
    bad "--rows: missing value" bogosort --rows
    # Whole names, with a value that looks like a start: accepted.
    "$OMPSWEEP" bogosort $T -t 1 --tag=--th --rows 5 -o "$TMP/prefix" >/dev/null 2>&1
    check "--tag=--th --rows 5: exit 0" [ $? -eq 0 ]
    "$OMPSWEEP" bogosort $T -t 1 --tag --th --max-value=9 -o "$TMP/prefix" >/dev/null 2>&1
    check "--tag --th --max-value=9: exit 0" [ $? -eq 0 ]
    check "the tag kept whole" [ "$(column "$TMP/prefix/runs.csv" run_id | grep -c -- '--th')" -ge 1 ]
}

test_ranges_and_sizes() {
    bad "--k-min: '1' is out of range (accepted 2..100000000)" elbow --k-min 1
    bad "--k-max: 4 is below --k-min 5" elbow --k-min 5 --k-max 4
    bad "--k-max: 14 must be below --samples 10" elbow --samples 10
    bad "--folds: '1' is out of range (accepted 2..100000000)" elbow --folds 1
    bad "--folds: 11 exceeds --samples 10" elbow --samples 10 --k-max 3 --folds 11
    bad "--pca: 101 exceeds --features 100" elbow --pca 101
    bad "--k-max: 9 exceeds the 8 training samples of the largest fold's complement" elbow --samples 10 --k-max 9
    bad "--seed must be < 4294967296 for make_blobs (numpy's RandomState limit; got 4294967296)" elbow --seed 4294967296 $T
    rc_msg=$("$OMPSWEEP" elbow --samples 100000000 --features 100000 -o "$TMP/x" 2>&1)
    bad "${rc_msg#ompsweep: }" elbow --samples 100000000 --features 100000
    rc_msg=$("$OMPSWEEP" bogosort --rows 1000000000 --cols 16 --scaling weak -t 4096 -o "$TMP/x" 2>&1)
    bad "${rc_msg#ompsweep: }" bogosort --rows 1000000000 --cols 16 --scaling weak -t 4096
    bad "--scaling weak: needs generated data; it cannot grow a --data file" elbow --data "$DATA/ok.csv" --scaling weak
    bad "--label-column: needs --data FILE.csv (generated data has no label column)" elbow --label-column 0
    bad "--label-column: needs --data FILE.csv (generated data has no label column)" all --label-column 3 $T
}

test_data_files() {
    d=$DATA
    bad "$d/empty.csv: no data rows (empty file)" elbow --data "$d/empty.csv" --k-max 2
    bad "$d/ragged.csv:3:2: expected 2 fields (as on line 2), got 1" elbow --data "$d/ragged.csv" --k-max 2
    bad "$d/nonnum.csv:3:3: field 2: \"x\" is not a number" elbow --data "$d/nonnum.csv" --k-max 2
    bad "$d/nan.csv:2:1: field 1: \"NaN\" is not a finite number" elbow --data "$d/nan.csv" --k-max 2
    bad "$d/inf.csv:2:3: field 2: \"inf\" is not a finite number" elbow --data "$d/inf.csv" --k-max 2
    bad "$d/huge.csv:2:3: field 2: \"1e999\" is not a finite number" elbow --data "$d/huge.csv" --k-max 2
    bad "$d/emptyfield.csv:2:3: field 2 is empty" elbow --data "$d/emptyfield.csv" --k-max 2
    bad "$d/header.csv: no data rows (only the header on line 1)" elbow --data "$d/header.csv" --k-max 2
    bad "$d/long.csv:3:1: field 1: \"7777777777777777777777777777777777777777...\" is not a finite number" elbow --data "$d/long.csv" --k-max 2
    bad "$d: cannot read: Is a directory" elbow --data "$d"
    bad "$d/none.csv: cannot read: No such file or directory" elbow --data "$d/none.csv"
    bad "$d/ok.csv:1:1: label column 5 is out of range: the first data row has 2 fields (columns 0 to 1)" elbow --data "$d/ok.csv" --label-column 5 --k-max 2
    bad "--k-max: 4 must be below the 4 samples of the data" elbow --data "$d/ok.csv" --k-max 4 --folds 2
}

test_existing_files() {
    FRESH=0
    cp "$OUT/runs.csv" "$TMP/runs.keep"
    printf 'run_id,when\nx,y\n' >"$OUT/runs.csv"
    bad "$OUT/runs.csv:1: header is not ompsweep's header for this file; refusing to append" bogosort $T
    cp "$TMP/runs.keep" "$OUT/runs.csv"
    cp "$OUT/metadata.json" "$TMP/meta.keep"
    printf '{"not": "an array"}' >"$OUT/metadata.json"
    bad "$OUT/metadata.json: not a JSON array written by ompsweep; refusing to overwrite" bogosort $T
    cp "$TMP/meta.keep" "$OUT/metadata.json"
    FRESH=1
}

test_environment() {
    CASES=$((CASES + 1))
    OMP_NUM_THREADS=zero "$OMPSWEEP" bogosort -o "$TMP/envcase" >/dev/null 2>"$TMP/stderr"
    check "OMP_NUM_THREADS=zero: exit 2" [ $? -eq 2 ]
    check "OMP_NUM_THREADS message" [ "$(cat "$TMP/stderr")" = \
        "ompsweep: OMP_NUM_THREADS: 'zero' is not an integer (accepted 1..4096)" ]
    check "OMP_NUM_THREADS: nothing created" [ ! -e "$TMP/envcase" ]
    # With --threads too: the runtime would still start with the bad value.
    OMP_NUM_THREADS=zero "$OMPSWEEP" bogosort -t 1 -o "$TMP/envcase" >/dev/null 2>"$TMP/stderr"
    check "OMP_NUM_THREADS=zero with -t: exit 2" [ $? -eq 2 ]
    check "OMP_NUM_THREADS with -t: message" [ "$(cat "$TMP/stderr")" = \
        "ompsweep: OMP_NUM_THREADS: 'zero' is not an integer (accepted 1..4096)" ]
    # libgomp parses the variable when it is loaded and would print its own
    # line first ("Invalid value for environment variable"): ours is the one.
    for v in abc 0 2,abc 2, +2 " 2" 4:2; do
        CASES=$((CASES + 1))
        OMP_NUM_THREADS=$v "$OMPSWEEP" bogosort $T -o "$TMP/envcase" >/dev/null 2>"$TMP/stderr"
        check "OMP_NUM_THREADS='$v': exit 2" [ $? -eq 2 ]
        check "OMP_NUM_THREADS='$v': one line, ours ($(head -n 2 "$TMP/stderr" | tr '\n' '|'))" \
            [ "$(wc -l <"$TMP/stderr")" -eq 1 ] && grep -q '^ompsweep: OMP_NUM_THREADS' "$TMP/stderr"
    done
    check "the level named" [ "$(OMP_NUM_THREADS=2,abc "$OMPSWEEP" bogosort $T -o "$TMP/envcase" 2>&1)" = \
        "ompsweep: OMP_NUM_THREADS level 2: 'abc' is not an integer (accepted 1..4096)" ]
    check "OMP_NUM_THREADS: still nothing created" [ ! -e "$TMP/envcase" ]
    # Empty is unset (export OMP_NUM_THREADS=$UNSET_VAR): the default sweep,
    # and no line of the runtime's.
    OMP_NUM_THREADS= "$OMPSWEEP" bogosort $T -t 1 -o "$TMP/envempty" >/dev/null 2>"$TMP/stderr"
    check "OMP_NUM_THREADS empty: exit 0" [ $? -eq 0 ]
    check "OMP_NUM_THREADS empty: no runtime line ($(head -n 2 "$TMP/stderr" | tr '\n' '|'))" \
        [ -z "$(grep -v '^ompsweep: ' "$TMP/stderr")" ]
    # Nested levels that are counts pass, the first one counts.
    OMP_NUM_THREADS=2,1 "$OMPSWEEP" bogosort $T -o "$TMP/envnested" >/dev/null 2>"$TMP/stderr"
    check "OMP_NUM_THREADS=2,1: exit 0 ($(head -c 200 "$TMP/stderr"))" [ $? -eq 0 ]
    check "OMP_NUM_THREADS=2,1: 2 threads" [ "$(column "$TMP/envnested/runs.csv" threads | sort -u)" = 2 ]
    bad "--threads: bad entry '+2' (expected N, A-B or A-B:STEP with counts 1..4096, or max)" bogosort -t +2
    bad "--threads: bad entry '1-+2' (expected N, A-B or A-B:STEP with counts 1..4096, or max)" bogosort -t 1-+2
    bad "--rows: '+5' is not an integer (accepted 1..1000000000)" bogosort --rows +5
}

setup
run_test test_numbers
run_test test_threads_and_choices
run_test test_option_prefixes
run_test test_ranges_and_sizes
run_test test_data_files
run_test test_existing_files
run_test test_environment
echo "bad-input matrix: $CASES cases"
finish
