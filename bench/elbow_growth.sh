#!/bin/sh
# How the elbow's 1-thread time grows with the sample count n and with
# k_max, for ompsweep alone or beside an older binary (--old: say the base
# commit, built in a temporary clone). Every (k_max, n) runs once per round
# on each binary in turn, one timed run (no warmup) per process, so load
# bursts on a shared host land on both sides; the table gives the median
# kernel seconds over the rounds, the old/new ratio, and per binary and
# k_max the exponent b of t = a n^b fitted by least squares on log t
# against log n (the silhouette is O(n^2) per fold, the k-means O(n)).
#
# usage: bench/elbow_growth.sh [options] [-- ompsweep elbow options...]
#   --old PATH        an older ompsweep to time beside it     [none]
#   --samples LIST    sample counts, comma-separated   [10000,40000,100000]
#   --k-max LIST      k_max values, comma-separated           [14]
#   --rounds N        rounds                                  [3]
#   --out DIR         where elbow_growth.{csv,md} go          [results]
# Environment: OMPSWEEP (default ./ompsweep).
# Exit: 0 done; 1 a run failed its verification or a binary gave
# different checksums across rounds; 2 bad usage or a binary missing.
set -eu

me=bench/elbow_growth.sh
die() { echo "$me: $*" >&2; exit 2; }
ompsweep=${OMPSWEEP:-./ompsweep}
old="" samples=10000,40000,100000 kmax=14 rounds=3 out=results
while [ $# -gt 0 ]; do
    case $1 in
        -h|--help) sed -n '2,/^set -eu/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        --) shift; break ;;
        --old|--samples|--k-max|--rounds|--out)
            [ $# -ge 2 ] || die "$1: missing value (see --help)" ;;
        *) die "$1: unknown option (see --help)" ;;
    esac
    case $1 in
        --old) old=$2 ;;
        --samples) samples=$2 ;;
        --k-max) kmax=$2 ;;
        --rounds) rounds=$2 ;;
        --out) out=$2 ;;
    esac
    shift 2
done
for list in "samples=$samples" "k-max=$kmax" "rounds=$rounds"; do
    case ${list#*=} in
        ''|,*|*,|*,,*|*[!0-9,]*) die "--${list%%=*}: '${list#*=}' is not a list of whole numbers" ;;
    esac
done
[ "$rounds" -ge 1 ] || die "--rounds: '$rounds' must be at least 1"
for bin in "$ompsweep" $old; do
    [ -f "$bin" ] && [ -x "$bin" ] || die "$bin not found or not executable"
done
mkdir -p "$out" 2>/dev/null && [ -w "$out" ] || die "--out: cannot write to '$out'"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ompsweep-growth.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# one SIDE BIN N KMAX ROUND [options]: one timed run, its row appended to
# the raw table (side,n,k_max,round,seconds,checksum,verified).
one() {
    side=$1 bin=$2 n=$3 k=$4 r=$5
    shift 5
    dir="$tmp/$side-$n-$k-$r"
    rc=0
    "$bin" elbow -t 1 -r 1 -w 0 -q --samples "$n" --k-max "$k" -o "$dir" "$@" \
        >/dev/null 2>"$tmp/stderr" || rc=$?
    if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
        cat "$tmp/stderr" >&2
        die "$bin elbow --samples $n --k-max $k failed (exit $rc)"
    fi
    awk -F, -v s="$side" -v n="$n" -v k="$k" -v r="$r" \
        'NR > 1 { print s "," n "," k "," r "," $11 "," $14 "," $15 }' \
        "$dir/runs.csv" >>"$tmp/raw.csv"
}

echo "side,n,k_max,round,seconds,checksum,verified" >"$tmp/raw.csv"
r=1
while [ "$r" -le "$rounds" ]; do
    echo "$me: round $r of $rounds" >&2
    for k in $(echo "$kmax" | tr ',' ' '); do
        for n in $(echo "$samples" | tr ',' ' '); do
            one new "$ompsweep" "$n" "$k" "$r" "$@"
            [ -z "$old" ] || one old "$old" "$n" "$k" "$r" "$@"
        done
    done
    r=$((r + 1))
done
cp "$tmp/raw.csv" "$out/elbow_growth.csv"

# Medians per (side, k_max, n); the old/new ratio; the fitted exponents.
awk -F, -v have_old="${old:+1}" -v rounds="$rounds" '
    function median(v, m,    i, j, x) {
        for (i = 2; i <= m; i++) { x = v[i]; for (j = i - 1; j > 0 && v[j] > x; j--) v[j + 1] = v[j]; v[j + 1] = x }
        return m % 2 ? v[(m + 1) / 2] : (v[m / 2] + v[m / 2 + 1]) / 2
    }
    # Least-squares slope of log t on log n over the n values of one k_max.
    function exponent(side, k,    i, x, y, sx, sy, sxx, sxy, m) {
        for (i = 1; i <= nn; i++) {
            x = log(ns[i]); y = log(med[side, k, ns[i]])
            sx += x; sy += y; sxx += x * x; sxy += x * y; m++
        }
        return m < 2 ? "-" : sprintf("%.2f", (m * sxy - sx * sy) / (m * sxx - sx * sx))
    }
    NR == 1 { next }
    {
        key = $1 SUBSEP $3 SUBSEP $2
        cnt[key]++; t[key, cnt[key]] = $5
        if ($7 != "true") bad = bad " " $1 " n=" $2 " k_max=" $3 " not verified;"
        if ((key) in sum && sum[key] != $6) bad = bad " " $1 " n=" $2 " k_max=" $3 " checksums differ across rounds;"
        sum[key] = $6
        if (!($2 in seen_n)) { seen_n[$2] = 1; ns[++nn] = $2 }
        if (!($3 in seen_k)) { seen_k[$3] = 1; ks[++nk] = $3 }
    }
    END {
        for (key in cnt) {
            for (i = 1; i <= cnt[key]; i++) v[i] = t[key, i]
            med[key] = median(v, cnt[key])
        }
        printf "Median kernel seconds of %d rounds, 1 thread, one timed run per process.\n\n", rounds
        if (have_old) {
            print "| k_max | n | new s | old s | old / new |"
            print "| ---: | ---: | ---: | ---: | ---: |"
        } else {
            print "| k_max | n | s |"
            print "| ---: | ---: | ---: |"
        }
        for (j = 1; j <= nk; j++) {
            for (i = 1; i <= nn; i++) {
                a = med["new", ks[j], ns[i]]
                if (have_old) {
                    b = med["old", ks[j], ns[i]]
                    printf "| %d | %d | %.3f | %.3f | %.2f |\n", ks[j], ns[i], a, b, b / a
                } else
                    printf "| %d | %d | %.3f |\n", ks[j], ns[i], a
            }
        }
        print ""
        for (j = 1; j <= nk; j++) {
            line = "exponent of n (t = a n^b), k_max " ks[j] ": new " exponent("new", ks[j])
            if (have_old) line = line ", old " exponent("old", ks[j])
            print line
        }
        if (bad != "") { print "FAILED:" bad > "/dev/stderr"; exit 1 }
    }' "$tmp/raw.csv" >"$tmp/table.md" || { cat "$tmp/table.md"; exit 1; }
cp "$tmp/table.md" "$out/elbow_growth.md"
cat "$tmp/table.md"
