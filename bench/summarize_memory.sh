#!/bin/sh
# summarize on a large runs.csv: peak memory (max RSS) and time of this
# build against another binary, side by side. The file is made from a real
# run's rows, repeated under ROWS/4 run ids x 2 thread counts x 2 repeats.
#
#     bench/summarize_memory.sh [ROWS] [OTHER_BINARY]   (ROWS default 1000000)
#
# Needs GNU time (/usr/bin/time, Debian package `time`).
set -eu
rows=${1:-1000000}
other=${2:-}
bin=${OMPSWEEP:-./ompsweep}
dir=${OUT:-results/tmp-summarize}
rm -rf "$dir"
mkdir -p "$dir"
"$bin" bogosort --rows 50 -t 1,2 -r 2 -w 0 -q -o "$dir/seed" >/dev/null 2>&1
big="$dir/runs.csv"
awk -F, -v OFS=, -v n="$rows" 'NR == 1 { print; nf = NF; next }
    NR > 1 { r[NR - 1] = $0; m = NR - 1 }
    END { for (i = 0; i < n; i++) { split(r[i % m + 1], f, ",");
          f[1] = sprintf("run%06d", int(i / m)); line = f[1]
          for (j = 2; j <= nf; j++) line = line "," f[j]; print line } }' \
    "$dir/seed/runs.csv" >"$big"
echo "$(wc -l <"$big") lines, $(du -m "$big" | cut -f1) MB"
measure() {
    /usr/bin/time -f '%M %e' "$1" summarize "$big" >/dev/null 2>"$dir/time" || true
    tail -n 1 "$dir/time" | awk -v who="$2" '{ printf "%-10s peak %7.1f MB  %6.2f s\n", who, $1 / 1024, $2 }'
}
measure "$bin" this
[ -z "$other" ] || measure "$other" other
