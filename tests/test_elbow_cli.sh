# End-to-end tests of the elbow workload: the default study's chosen k,
# identical checksums across thread counts and strategies, elbow tables,
# --data/--save-data, and exit 2 with a clear message for bad input.
. tests/lib.sh

# The source notebook's problem: maxdelta picks 3, max picks 7.
test_default_elbow() {
    d="$TMP/e1"
    "$OMPSWEEP" elbow --threads 1,2 -r 1 -w 0 -q -o "$d" >"$TMP/out" 2>&1
    check "exit 0" [ $? -eq 0 ]
    check "k = 2..14" [ "$(column "$d/elbow.csv" k | tr '\n' ' ')" = "2 3 4 5 6 7 8 9 10 11 12 13 14 " ]
    check "maxdelta -> 3" grep -q ',maxdelta,3,true$' "$d/elbow_choice.csv"
    check "max -> 7" grep -q ',max,7,false$' "$d/elbow_choice.csv"
    check "stdout names the chosen k" grep -q "rule maxdelta  -> k = 3   (chosen_k)" "$TMP/out"
    check "stdout says rules disagree" grep -q "^note: the rules disagree" "$TMP/out"
    "$OMPSWEEP" elbow --threads 1,2 -r 1 -w 0 -q --parallel tasks -o "$d" >/dev/null 2>&1
    check "tasks exit 0" [ $? -eq 0 ]
    check "4 rows" [ "$(data_rows "$d/runs.csv")" -eq 4 ]
    check "all verified" [ "$(column "$d/runs.csv" verified | sort -u)" = true ]
    check "one checksum for both strategies" [ "$(column "$d/runs.csv" checksum | sort -u | wc -l)" -eq 1 ]
    # Pinned: a change of the results must be deliberate (and documented in
    # docs/elbow.md); it changed last when every build (x86-64, -v2, -v3,
    # native, gcc, clang) came to round alike (tests/test_isa.sh).
    check "the default checksum (got $(column "$d/runs.csv" checksum | sort -u))" \
        [ "$(column "$d/runs.csv" checksum | sort -u)" = 0x0551ea64cffac650 ]
    check "variants recorded" [ "$(column "$d/runs.csv" variant | sort -u | tr '\n' ' ')" = "over-k tasks " ]
}

test_save_and_load_data() {
    d="$TMP/e2"
    "$OMPSWEEP" elbow --samples 300 --features 4 --k-max 5 -t 1 -r 1 -w 0 -q \
        --save-data "$TMP/blobs.csv" -o "$d" >/dev/null 2>&1
    check "save exit 0" [ $? -eq 0 ]
    check "saved 300 rows" [ "$(data_rows "$TMP/blobs.csv")" -eq 300 ]
    check "saved header" [ "$(head -n 1 "$TMP/blobs.csv")" = "x0,x1,x2,x3,label" ]
    "$OMPSWEEP" elbow --data "$TMP/blobs.csv" --label-column 4 --k-max 5 -t 1 -r 1 -w 0 -q \
        -o "$d" >/dev/null 2>&1
    check "load exit 0" [ $? -eq 0 ]
    check "same checksum from the saved file" [ "$(column "$d/runs.csv" checksum | sort -u | wc -l)" -eq 1 ]
    check "same size" [ "$(column "$d/runs.csv" size | sort -u)" = 300x4 ]
}

test_bad_data_files() {
    f=tests/fixtures/data
    expect_usage_error "$f/ragged.csv:3:4: expected 3 fields (as on line 1), got 2" \
        elbow --data $f/ragged.csv --k-max 3
    expect_usage_error "$f/empty.csv: no data rows (empty file)" elbow --data $f/empty.csv
    expect_usage_error "$f/bad_value.csv:4:3: field 2: \"abc\" is not a number" \
        elbow --data $f/bad_value.csv --k-max 3
    expect_usage_error "tests: cannot read: Is a directory" elbow --data tests
    printf 'a,b\n1,2\nnan,3\n4,5\n' >"$TMP/nan.csv"
    expect_usage_error "$TMP/nan.csv:3:1: field 1: \"nan\" is not a finite number" \
        elbow --data "$TMP/nan.csv" --k-max 2
}

test_bad_k_ranges() {
    expect_usage_error "--k-max: 14 must be below --samples 10" elbow --samples 10
    expect_usage_error "--k-min: '1' is out of range (accepted 2..100000000)" elbow --k-min 1
    expect_usage_error "--folds: 11 exceeds --samples 10" elbow --samples 10 --k-max 3 --folds 11
    expect_usage_error "--k-max: 9 exceeds the 8 training samples of the largest fold's complement" \
        elbow --samples 10 --k-max 9
    expect_usage_error "--seed must be < 4294967296 for make_blobs (numpy's RandomState limit; got 4294967296)" \
        elbow --seed 4294967296
}

run_test test_default_elbow
run_test test_save_and_load_data
run_test test_bad_data_files
run_test test_bad_k_ranges
finish
