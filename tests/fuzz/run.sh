#!/bin/sh
# Runs libFuzzer harnesses one after the other and prints one line each:
#   fuzz_csv: 1234567 executions in 60 s, no crash
# Usage (from the repository root, after the fuzz.mk build):
#   sh tests/fuzz/run.sh SECONDS RSS_LIMIT_MB HARNESS...
# Exits 1 when any harness crashed, leaked, hit undefined behaviour or broke
# an invariant; its log is build/fuzz/<harness>.log, its input is saved under
# build/fuzz/artifacts/<harness>/ and the end of its log is printed.
set -u
seconds=$1
rss_mb=$2
shift 2
out=build/fuzz
src=tests/fuzz
# Abort on the first report, with stacks; leaks count as crashes.
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
failed=0

# Value of "stat::NAME: VALUE" in a log, or "?".
stat() {
    v=$(sed -n "s/^stat::$1: *//p" "$2" | tail -n 1)
    echo "${v:-?}"
}

for h in "$@"; do
    corpus=$out/corpus/$h
    artifacts=$out/artifacts/$h/
    log=$out/$h.log
    mkdir -p "$corpus" "$artifacts"
    cp "$src/corpus/$h"/* "$corpus"/
    dict=
    [ -f "$src/$h.dict" ] && dict=-dict=$src/$h.dict
    flags=  # extra libFuzzer flags of one harness, e.g. -max_len
    [ -f "$src/$h.flags" ] && flags=$(cat "$src/$h.flags")
    start=$(date +%s)
    "$out/$h" -max_total_time="$seconds" -rss_limit_mb="$rss_mb" \
        -timeout=10 -print_final_stats=1 -artifact_prefix="$artifacts" \
        $dict $flags "$corpus" >"$log" 2>&1
    rc=$?
    elapsed=$(( $(date +%s) - start ))
    execs=$(stat number_of_executed_units "$log")
    if [ "$rc" -eq 0 ]; then
        echo "$h: $execs executions in $elapsed s, no crash"
    else
        echo "$h: FAILED (exit $rc) after $execs executions in $elapsed s; log $log"
        grep -E '^(SUMMARY|==[0-9]+==ERROR|.*invariant failed|.*runtime error)' "$log" | head -n 5
        ls "$artifacts" | sed "s|^|  artifact: $artifacts|"
        failed=1
    fi
done
exit "$failed"
