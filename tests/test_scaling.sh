# bench/scaling.sh's arithmetic, on a stand-in for ompsweep that records
# fixed times: 1 thread 0.100 s, 2 threads 0.0625 s, co-run processes
# 0.100 s and 0.200 s. Per round: efficiency 0.100 / (2 x 0.0625) = 0.80;
# ceiling 0.100 x (1/0.100 + 1/0.200) / 2 = 0.75 (a median of the co-run
# times would say 0.67). The merged table comes from the real summarize.
. tests/lib.sh

make_fake() {
    fake="$TMP/fake-ompsweep"
    cat >"$fake" <<FAKE
#!/bin/sh
# WORKLOAD -t T -r 1 -w 1 -q -o DIR [options]
[ "\$1" = summarize ] && exec "$OMPSWEEP" "\$@"
t=\$3 dir=\${10}
case \$dir in
    *corun1) s=0.100 ;;
    *corun2) s=0.200 ;;
    *) if [ "\$t" = 1 ]; then s=0.100; else s=0.0625; fi ;;
esac
mkdir -p "\$dir"
[ -f "\$dir/runs.csv" ] ||
    echo run_id,timestamp,host,workload,variant,schedule,size,ranks,threads,repeat,seconds,work,rate,checksum,verified >"\$dir/runs.csv"
echo "r\$\$,t,h,\$1,rows,dynamic,8x8,1,\$t,1,\$s,10,100,0x1,true" >>"\$dir/runs.csv"
FAKE
    chmod +x "$fake"
}

test_scaling_arithmetic() {
    make_fake
    OMPSWEEP="$fake" OUT="$TMP/out" sh bench/scaling.sh bogosort 3 2 >"$TMP/stdout" 2>"$TMP/stderr"
    check "exit 0 (stderr: $(head -c 200 "$TMP/stderr"))" [ $? -eq 0 ]
    check "the last line (got: $(tail -n 1 "$TMP/stdout"))" [ "$(tail -n 1 "$TMP/stdout")" = \
        "per round (3 rounds, co-run of 2 1-thread processes): efficiency 0.80, machine ceiling 0.75 (medians over rounds); best-of-3 efficiency 0.80" ]
    check "the merged table: 2 threads, speedup 1.60, efficiency 0.80" \
        grep -Eq '^ +1 +2 +0\.062500 .* 1\.60 +0\.80 +yes$' "$TMP/stdout"
    check "3 rounds in the runs file" [ "$(data_rows "$TMP/out/runs.csv")" -eq 6 ]
    check "3 co-run samples per process" [ "$(data_rows "$TMP/out/corun2/runs.csv")" -eq 3 ]
}

test_no_corun() {
    make_fake
    CORUN=0 OMPSWEEP="$fake" sh bench/scaling.sh bogosort 2 2 >"$TMP/stdout" 2>&1
    check "CORUN=0: no co-run line" sh -c "! grep -q 'co-run' '$TMP/stdout'"
    check "CORUN=0: still the table" grep -q 'efficiency' "$TMP/stdout"
}

run_test test_scaling_arithmetic
run_test test_no_corun
finish
