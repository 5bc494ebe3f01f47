#!/bin/sh
# Thread-scaling benchmark that resists drift on a shared machine: runs
# WORKLOAD at 1 thread and at T threads alternately (1, T, 1, T, ...) for
# ROUNDS rounds of 1 timed repeat each, then merges all rows with
# `ompsweep summarize`, so slow changes in machine speed hit both counts alike.
#
# Each round also runs T independent 1-thread processes at the same time
# (the co-run). They share nothing but the machine, so their speeds say
# what the machine itself allows T threads in that round (shared caches,
# memory bandwidth, clock, the host's other tenants taking a vCPU): work
# balanced perfectly over T threads running at those speeds would take
# 1 / sum(1 / t_i) of the 1-thread time, so the round's ceiling is
# t_alone * mean(1 / t_i). The last line prints the median over rounds of
# that ceiling next to the median of the rounds' measured efficiencies, and
# the efficiency of the fastest runs (STREAM's best-of-N: what the code does
# when the host leaves it alone). CORUN=0 leaves the co-run out.
#
# usage: bench/scaling.sh WORKLOAD [ROUNDS] [T] [ompsweep options...]
#   e.g. bench/scaling.sh bogosort 15 2
#        bench/scaling.sh elbow 11 2 --parallel tasks
# Output: the merged table on stdout, then the co-run line; the runs files
# (and warnings.log, the per-run warnings) in $OUT (default a temporary
# directory, removed at the end).
set -eu
workload=${1:?usage: bench/scaling.sh WORKLOAD [ROUNDS] [T] [options...]}
rounds=${2:-15}
threads=${3:-2}
shift $(( $# < 3 ? $# : 3 ))
ompsweep=${OMPSWEEP:-./ompsweep}
corun=${CORUN:-1}
keep=${OUT:-}
out=${OUT:-$(mktemp -d)}
mkdir -p "$out" # warnings.log is opened before ompsweep creates it

one() { # DIR THREADS [options]: one timed repeat into DIR/runs.csv
    dir=$1 t=$2
    shift 2
    "$ompsweep" "$workload" -t "$t" -r 1 -w 1 -q -o "$dir" "$@" >/dev/null \
        2>>"$out/warnings.log"
}

# `seconds` of the THREADS-thread rows of a runs file, one line per round.
seconds_of() {
    awk -F, -v t="$2" 'FNR > 1 && $9 == t { print $11 }' "$1"
}

# Per round (a line: t_alone t_T t_corun...): the measured efficiency and the
# co-run ceiling; then the median of each over the rounds.
efficiency_vs_ceiling() {
    awk -v p="$threads" '
        function median(v, n,    i, j, x) {
            for (i = 2; i <= n; i++) { x = v[i]; for (j = i - 1; j > 0 && v[j] > x; j--) v[j + 1] = v[j]; v[j + 1] = x }
            return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
        }
        NF == p + 2 {
            n++; eff[n] = $1 / (p * $2); inv = 0
            if (n == 1 || $1 < best1) best1 = $1
            if (n == 1 || $2 < bestp) bestp = $2
            for (i = 3; i <= NF; i++) inv += 1 / $i
            ceil[n] = $1 * inv / p
        }
        END {
            if (n == 0) exit 1
            printf "per round (%d rounds, co-run of %d 1-thread processes): efficiency %.2f, machine ceiling %.2f (medians over rounds); best-of-%d efficiency %.2f\n", n, p, median(eff, n), median(ceil, n), n, best1 / (p * bestp)
        }'
}

i=0
while [ "$i" -lt "$rounds" ]; do
    one "$out" 1 "$@"
    one "$out" "$threads" "$@"
    if [ "$corun" = 1 ] && [ "$threads" -gt 1 ]; then
        c=1
        while [ "$c" -le "$threads" ]; do
            one "$out/corun$c" 1 "$@" &
            c=$((c + 1))
        done
        wait
    fi
    i=$((i + 1))
done
"$ompsweep" summarize "$out/runs.csv"
if [ "$corun" = 1 ] && [ "$threads" -gt 1 ]; then
    seconds_of "$out/runs.csv" 1 >"$out/alone.txt"
    seconds_of "$out/runs.csv" "$threads" >"$out/parallel.txt"
    c=1
    while [ "$c" -le "$threads" ]; do
        seconds_of "$out/corun$c/runs.csv" 1 >"$out/corun$c.txt"
        c=$((c + 1))
    done
    # shellcheck disable=SC2046 # one file name per co-run process
    paste -d' ' "$out/alone.txt" "$out/parallel.txt" $(c=1; while [ "$c" -le "$threads" ]; do
        printf '%s ' "$out/corun$c.txt"; c=$((c + 1)); done) | efficiency_vs_ceiling
fi
[ -n "$keep" ] || rm -rf "$out"
