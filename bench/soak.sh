#!/bin/sh
# Soak of the append path (not part of `make test`: about 10 s):
#
#     bench/soak.sh [DIR]        (from the repository root; DIR on NFS etc.)
#
# 1. 10 processes append 1000 rows each to one runs.csv at once: 10^4 rows,
#    whole, one header, 1000 per process; then `ompsweep summarize` reads it.
# 2. The resident memory of one study appending 10^4 rows, sampled while it
#    appends: flat means no memory held per appended row.
# 3. Peak RSS (/usr/bin/time -v) of a study and of `summarize` at 10^3 and
#    10^4 rows: what reading the whole table for the summary costs per row.
# Exits 1 when a check of step 1 fails or the append path grows (step 2).
set -eu
BIN=${OMPSWEEP:-./ompsweep}
TIME=/usr/bin/time
ROWS=10000
PROCS=10
FLAT_KB=1024 # growth of RSS while appending that still counts as flat
[ -x "$BIN" ] || make ompsweep >/dev/null
if [ $# -gt 0 ]; then
    DIR=$1
    mkdir -p "$DIR"
else
    DIR=$(mktemp -d /tmp/ompsweep-soak.XXXXXX)
    trap 'rm -rf "$DIR"' EXIT
fi
status=0
fail() {
    echo "FAIL: $*"
    status=1
}

echo "== 1. $PROCS appenders x $((ROWS / PROCS)) rows into one runs.csv"
d=$DIR/shared
rm -rf "$d"
i=1
while [ $i -le $PROCS ]; do
    "$BIN" bogosort --rows 8 --cols 3 -t 1 -r $((ROWS / PROCS)) -w 0 -q \
        --tag "s$i" -o "$d" >/dev/null 2>&1 &
    i=$((i + 1))
done
wait
rows=$(($(wc -l <"$d/runs.csv") - 1))
echo "rows $rows, headers $(grep -c '^run_id,' "$d/runs.csv")"
[ "$rows" -eq $ROWS ] || fail "expected $ROWS rows"
[ "$(grep -c '^run_id,' "$d/runs.csv")" -eq 1 ] || fail "more than one header"
[ "$(awk -F, 'NR > 1 && !(NF == 18 && $17 == "true" && $18 == "ok")' "$d/runs.csv" | wc -l)" -eq 0 ] ||
    fail "rows not whole"
i=1
while [ $i -le $PROCS ]; do
    [ "$(grep -c "^s$i-" "$d/runs.csv")" -eq $((ROWS / PROCS)) ] || fail "rows of s$i"
    i=$((i + 1))
done
[ "$(grep -c '"run_id":' "$d/metadata.json")" -eq $PROCS ] || fail "metadata objects"
"$BIN" summarize "$d/runs.csv" -o "$d/merged" >/dev/null || fail "summarize"
echo "summarize: $(($(wc -l <"$d/merged/summary.csv") - 1)) summary rows"

echo "== 2. RSS of one study while it appends $ROWS rows"
d=$DIR/one
rm -rf "$d"
"$BIN" bogosort --rows 100 --cols 6 -t 1 -r $ROWS -w 0 -q -o "$d" >/dev/null 2>&1 &
pid=$!
: >"$DIR/samples"
while kill -0 $pid 2>/dev/null; do
    rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || true)
    n=$(($( (wc -l <"$d/runs.csv") 2>/dev/null || echo 1) - 1))
    [ -n "$rss" ] && [ $n -gt 0 ] && [ $n -lt $ROWS ] && echo "$n $rss" >>"$DIR/samples"
    sleep 0.02
done
wait $pid
# The first sample at 10^3 rows or more, and the last one before the end.
awk -v lo=$((ROWS / 10)) -v flat=$FLAT_KB '
    $1 >= lo && !a { a = 1; n1 = $1; r1 = $2 }
    { n2 = $1; r2 = $2 }
    END {
        if (!a) { print "too few samples"; exit 1 }
        printf "at %d rows: %d KB; at %d rows: %d KB; growth %d KB (%s)\n",
               n1, r1, n2, r2, r2 - r1, r2 - r1 <= flat ? "flat" : "GROWS"
        exit r2 - r1 > flat
    }' "$DIR/samples" || fail "the append path holds memory per row"

# peak KIND N: peak RSS in KB of a study (KIND=study) of N rows or of
# summarize over them (KIND=summarize).
peak() {
    d=$DIR/peak$2
    if [ "$1" = study ]; then
        rm -rf "$d"
        $TIME -v "$BIN" bogosort --rows 8 --cols 3 -t 1 -r "$2" -w 0 -q -o "$d" \
            2>"$DIR/time" >/dev/null
    else
        $TIME -v "$BIN" summarize "$d/runs.csv" 2>"$DIR/time" >/dev/null
    fi
    awk '/Maximum resident set size/ { print $NF }' "$DIR/time"
}

echo "== 3. peak RSS (/usr/bin/time -v) at $((ROWS / 10)) and $ROWS rows"
if [ -x $TIME ]; then
    for kind in study summarize; do
        a=$(peak $kind $((ROWS / 10)))
        b=$(peak $kind $ROWS)
        echo "$kind: $a KB -> $b KB, $(((b - a) * 1024 / (ROWS - ROWS / 10))) bytes per added row"
    done
else
    echo "(skipped: no $TIME)"
fi
exit $status
