#!/bin/sh
# The order of the timed runs, measured: N studies of the default bogosort
# at 1 and 2 threads in each order (--order interleaved, random, blocked),
# the orders taking turns so that a drift of the machine lands on all of
# them. Prints, per order, the 2-thread efficiency of each study (median
# of the 2-thread runs over the median of the 1-thread runs, halved) with
# its median, spread (max - min) and interquartile range, and the median
# 1- and 2-thread run times, whose ratio between orders is the cost of
# switching thread counts between runs (interleaved switches at every run,
# blocked once per block).
#
#     bench/order.sh [N] [extra ompsweep options]     (N default 20)
#
# Writes its studies under ${OUT:-results/tmp-order}; needs ./ompsweep.
set -eu
n=${1:-20}
[ $# -gt 0 ] && shift
out=${OUT:-results/tmp-order}
bin=${OMPSWEEP:-./ompsweep}
rm -rf "$out"
mkdir -p "$out"
i=1
while [ "$i" -le "$n" ]; do
    for order in interleaved random blocked; do
        "$bin" bogosort -t 1,2 -r 11 -q --order "$order" --seed "$i" "$@" \
            -o "$out/$order-$i" >/dev/null
    done
    i=$((i + 1))
done

# median of the numbers on stdin
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

printf '%-12s %8s %8s %8s %8s %12s %12s\n' order eff_med eff_min eff_max eff_iqr t1_median t2_median
for order in interleaved random blocked; do
    for d in "$out/$order"-*; do
        awk -F, 'NR > 1 { print $11, $13 }' "$d/runs.csv" >"$d/t"
        t1=$(awk '$1 == 1 { print $2 }' "$d/t" | median)
        t2=$(awk '$1 == 2 { print $2 }' "$d/t" | median)
        echo "$t1 $t2" | awk '{ printf "%.6f %.6f %.4f\n", $1, $2, $1 / $2 / 2 }'
    done >"$out/$order.txt"
    awk '{ print $3 }' "$out/$order.txt" | sort -g >"$out/$order.eff"
    awk -v o="$order" -v m="$(median <"$out/$order.eff")" \
        -v t1="$(awk '{ print $1 }' "$out/$order.txt" | median)" \
        -v t2="$(awk '{ print $2 }' "$out/$order.txt" | median)" '
        { v[NR] = $1 }
        END { q1 = v[int((NR + 3) / 4)]; q3 = v[int((3 * NR + 3) / 4)]
              printf "%-12s %8.3f %8.3f %8.3f %8.3f %12.6f %12.6f\n", o, m, v[1], v[NR], q3 - q1, t1, t2 }' \
        "$out/$order.eff"
done
