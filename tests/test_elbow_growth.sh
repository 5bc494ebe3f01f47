# bench/elbow_growth.sh's arithmetic, on stand-ins for ompsweep that record
# fixed times: the new one n^2 / 10^9 s (so the exponent is 2.00), the old
# one 3 n^1.5 / 10^6 s at k_max 14 and twice that at k_max 20.
. tests/lib.sh

# make_fake NAME FORMULA [CHECKSUM]: a stand-in whose seconds are an awk
# expression of n and k.
make_fake() {
    fake="$TMP/$1"
    cat >"$fake" <<FAKE
#!/bin/sh
# elbow -t 1 -r 1 -w 0 -q --samples N --k-max K -o DIR [options]
n=\${10} k=\${12} dir=\${14}
s=\$(awk -v n="\$n" -v k="\$k" 'BEGIN { printf "%.9f", $2 }')
mkdir -p "\$dir"
echo run_id,timestamp,host,workload,variant,schedule,size,ranks,threads,repeat,seconds,work,rate,checksum,verified >"\$dir/runs.csv"
echo "r\$\$,t,h,elbow,over-k,dynamic,\${n}x100,1,1,1,\$s,1,1,${3:-0x1},true" >>"\$dir/runs.csv"
FAKE
    chmod +x "$fake"
}

test_table_and_exponents() {
    make_fake new 'n * n / 1e9'
    make_fake old '3 * n ^ 1.5 / 1e6 * (k == 20 ? 2 : 1)'
    OMPSWEEP="$TMP/new" sh bench/elbow_growth.sh --old "$TMP/old" --rounds 2 \
        --samples 1000,4000,10000 --k-max 14,20 --out "$TMP/out" >"$TMP/stdout" 2>"$TMP/stderr"
    check "exit 0 (stderr: $(head -c 200 "$TMP/stderr"))" [ $? -eq 0 ]
    check "n=4000 k_max=14: 0.016 s new, 0.759 s old, ratio 47.43" \
        grep -qx '| 14 | 4000 | 0.016 | 0.759 | 47.43 |' "$TMP/stdout"
    check "k_max 20: the old side twice as slow" \
        grep -qx '| 20 | 10000 | 0.100 | 6.000 | 60.00 |' "$TMP/stdout"
    check "exponents at k_max 14 (got: $(grep 'k_max 14' "$TMP/stdout"))" \
        grep -qx 'exponent of n (t = a n^b), k_max 14: new 2.00, old 1.50' "$TMP/stdout"
    check "12 runs a side" [ "$(data_rows "$TMP/out/elbow_growth.csv")" -eq 24 ]
    check "the table kept" cmp -s "$TMP/stdout" "$TMP/out/elbow_growth.md"
}

test_new_alone() {
    make_fake new 'n / 1e6'
    OMPSWEEP="$TMP/new" sh bench/elbow_growth.sh --rounds 1 --samples 1000,8000 \
        --out "$TMP/alone" >"$TMP/stdout" 2>/dev/null
    check "exit 0" [ $? -eq 0 ]
    check "exponent 1.00 (got: $(tail -n 1 "$TMP/stdout"))" \
        [ "$(tail -n 1 "$TMP/stdout")" = 'exponent of n (t = a n^b), k_max 14: new 1.00' ]
}

test_checksum_drift_fails() {
    make_fake new 'n / 1e6' '0x$$'
    OMPSWEEP="$TMP/new" sh bench/elbow_growth.sh --rounds 2 --samples 1000 \
        --out "$TMP/drift" >/dev/null 2>"$TMP/stderr"
    check "exit 1" [ $? -eq 1 ]
    check "names the drift" grep -q 'checksums differ across rounds' "$TMP/stderr"
}

test_bad_usage() {
    OMPSWEEP="$TMP/none" sh bench/elbow_growth.sh --out "$TMP/x" >/dev/null 2>"$TMP/stderr"
    check "missing binary: exit 2" [ $? -eq 2 ]
    sh bench/elbow_growth.sh --samples 10,,20 >/dev/null 2>"$TMP/stderr"
    check "bad list: exit 2" [ $? -eq 2 ]
    check "names the option" grep -q -- '--samples' "$TMP/stderr"
    check "nothing written" [ ! -e "$TMP/x" ]
}

run_test test_table_and_exponents
run_test test_new_alone
run_test test_checksum_drift_fails
run_test test_bad_usage
finish
