#!/bin/sh
# ompsweep exec beside hyperfine on the same program, in one run:
#  1. per-run overhead of each: a program that does nothing (/bin/true);
#  2. medians of a real OpenMP program (tests/exec/sum_int.c) at 1 and 2
#     threads, which should agree within a few percent.
# Needs hyperfine (apt-get install -y hyperfine). Usage: bench/exec_vs_hyperfine.sh [RUNS]
set -eu
runs=${1:-30}
bin=${OMPSWEEP:-./ompsweep}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ompsweep-exec-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
command -v hyperfine >/dev/null || { echo "needs hyperfine" >&2; exit 2; }
${CC:-cc} -O2 -fopenmp -o "$tmp/sum_int" tests/exec/sum_int.c
true_bin=/bin/true

median_ms() { # median of the seconds column of a runs.csv, in ms
    tail -n +2 "$1" | awk -F, -v t="$2" '$11 == t { print $13 }' | sort -g |
        awk '{ v[NR] = $1 } END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2;
                                printf "%.3f", 1000 * m }'
}
hf_median_ms() { # median from hyperfine's JSON export
    python3 -c 'import json,sys; print("%.3f" % (1000 * json.load(open(sys.argv[1]))["results"][0]["median"]))' "$1"
}

echo "overhead: $true_bin, $runs runs each"
"$bin" exec -t 1 -r "$runs" -w 3 -q -o "$tmp/o1" -- "$true_bin" >/dev/null 2>&1
hyperfine -N -w 3 -r "$runs" --export-json "$tmp/h1.json" "$true_bin" >/dev/null 2>&1
printf '  ompsweep exec  median %s ms\n' "$(median_ms "$tmp/o1/runs.csv" 1)"
printf '  hyperfine -N   median %s ms\n' "$(hf_median_ms "$tmp/h1.json")"

n=${SIZE:-400000}
for t in 1 2; do
    echo "sum_int $n at $t thread(s), $runs runs each, one after the other"
    "$bin" exec -t $t -r "$runs" -w 2 -q -o "$tmp/s$t" -- "$tmp/sum_int" $n >/dev/null 2>&1
    OMP_NUM_THREADS=$t hyperfine -N -w 2 -r "$runs" --export-json "$tmp/h$t.json" \
        "$tmp/sum_int $n" >/dev/null 2>&1
    a=$(median_ms "$tmp/s$t/runs.csv" $t)
    b=$(hf_median_ms "$tmp/h$t.json")
    printf '  ompsweep exec  median %s ms\n  hyperfine -N   median %s ms  (ratio %s)\n' \
        "$a" "$b" "$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.3f", a / b }')"
done
