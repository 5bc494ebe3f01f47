#!/bin/sh
# Thread-scaling benchmark that resists drift on a shared machine: runs
# WORKLOAD at 1 thread and at T threads alternately (1, T, 1, T, ...) for
# ROUNDS rounds of 1 timed repeat each, then merges all rows with
# `ompsweep summarize`, so slow changes in machine speed hit both counts alike.
#
# usage: bench/scaling.sh WORKLOAD [ROUNDS] [T] [ompsweep options...]
#   e.g. bench/scaling.sh bogosort 15 2
#        bench/scaling.sh elbow 11 2 --parallel tasks
# Output: the merged table on stdout; the runs file (and warnings.log, the
# per-run warnings) in $OUT (default a
# temporary directory, removed at the end).
set -eu
workload=${1:?usage: bench/scaling.sh WORKLOAD [ROUNDS] [T] [options...]}
rounds=${2:-15}
threads=${3:-2}
shift $(( $# < 3 ? $# : 3 ))
ompsweep=${OMPSWEEP:-./ompsweep}
keep=${OUT:-}
out=${OUT:-$(mktemp -d)}
i=0
while [ "$i" -lt "$rounds" ]; do
    for t in 1 "$threads"; do
        "$ompsweep" "$workload" -t "$t" -r 1 -w 1 -q -o "$out" "$@" >/dev/null 2>>"$out/warnings.log"
    done
    i=$((i + 1))
done
"$ompsweep" summarize "$out/runs.csv"
[ -n "$keep" ] || rm -rf "$out"
