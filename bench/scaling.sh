#!/bin/sh
# Thread-scaling benchmark that resists drift on a shared machine: runs
# WORKLOAD at 1 thread and at T threads alternately (1, T, 1, T, ...) for
# ROUNDS rounds of 1 timed repeat each, then merges all rows with
# `ompsweep summarize`, so slow changes in machine speed hit both counts alike.
#
# Each round also runs T independent 1-thread processes at the same time
# (the co-run). They share nothing but the machine, so how much each slows
# down is the machine's own limit on T-thread efficiency (shared caches,
# memory bandwidth, clock, the host's other tenants): the last line prints
# it next to the measured efficiency, both from the same rounds. CORUN=0
# leaves the co-run out.
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

one() { # DIR THREADS [options]: one timed repeat into DIR/runs.csv
    dir=$1 t=$2
    shift 2
    "$ompsweep" "$workload" -t "$t" -r 1 -w 1 -q -o "$dir" "$@" >/dev/null \
        2>>"$out/warnings.log"
}

# Median `seconds` of the 1-thread rows of the runs files given.
median_1thread() {
    awk -F, 'FNR > 1 && $9 == 1 { print $11 }' "$@" | sort -g |
        awk '{ v[NR] = $1 } END { if (NR == 0) exit 1
              print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'
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
    alone=$(median_1thread "$out/runs.csv")
    together=$(median_1thread "$out"/corun*/runs.csv)
    awk -v a="$alone" -v t="$together" -v p="$threads" 'BEGIN {
        printf "co-run: %d 1-thread processes at once, median %.6f s each vs %.6f s alone: efficiency ceiling %.2f\n", p, t, a, a / t }'
fi
[ -n "$keep" ] || rm -rf "$out"
