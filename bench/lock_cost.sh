#!/bin/sh
# The cost of the per-row lock of runs.csv, on the file system of DIR:
#
#     bench/lock_cost.sh [DIR [ROWS [ROUNDS]]]     (from the repository root)
#
# 1. bench/lock_cost.c: ROWS appends of one row each, unlocked, under flock
#    and under fcntl locks, alternated over ROUNDS rounds: the raw cost.
# 2. Whole studies of ROWS tiny timed runs (bogosort 8x3), as ompsweep runs
#    them: with flock (the default), with fcntl (flock failed: the
#    tests/shim/noflock.c shim) and unlocked (both failed: both shims),
#    alternated; median wall time of each and its ratio to unlocked.
# DIR defaults to a new directory under /tmp; point it at NFS, Lustre or
# GPFS to measure there (docs/filesystems.md has the figures of this repo).
set -eu
if [ $# -gt 0 ]; then
    DIR=$1
else
    DIR=$(mktemp -d /tmp/ompsweep-lock.XXXXXX)
    trap 'rm -rf "$DIR"' EXIT
fi
ROWS=${2:-2000}
ROUNDS=${3:-5}
BIN=${OMPSWEEP:-./ompsweep}
B=build/lockbench
mkdir -p "$B" "$DIR"
[ -x "$BIN" ] || make ompsweep >/dev/null

cc -O2 -std=c11 -D_GNU_SOURCE -Isrc -Wall -Wextra -o "$B/lock_cost" \
    bench/lock_cost.c src/study/record/filelock.c src/base/status.c
cc -shared -fPIC -o "$B/noflock.so" tests/shim/noflock.c
cc -shared -fPIC -o "$B/nofcntllock.so" tests/shim/nofcntllock.c -ldl

echo "== raw appends"
"$B/lock_cost" "$DIR" $((ROWS * 10)) "$ROUNDS"

# study WAY: seconds of one study of ROWS runs, locked as WAY says.
study() {
    case $1 in
    flock) pre= ;;
    fcntl) pre=$B/noflock.so ;;
    unlocked) pre=$B/noflock.so:$B/nofcntllock.so ;;
    esac
    rm -rf "$DIR/study"
    t0=$(date +%s%N)
    LD_PRELOAD=$pre "$BIN" bogosort --rows 8 --cols 3 -t 1 -r "$ROWS" -w 0 -q \
        -o "$DIR/study" >/dev/null 2>&1
    echo "$(( $(date +%s%N) - t0 ))"
}

echo "== whole studies: $ROWS timed runs each, $ROUNDS rounds"
: >"$DIR/times"
r=0
while [ $r -lt "$ROUNDS" ]; do
    for way in unlocked flock fcntl; do
        echo "$way $(study $way)" >>"$DIR/times"
    done
    r=$((r + 1))
done
for way in unlocked flock fcntl; do
    grep "^$way " "$DIR/times" | cut -d' ' -f2 | sort -n |
        awk -v w="$way" -v rows="$ROWS" '{ t[NR] = $1 }
            END { m = t[int((NR + 1) / 2)]; printf "%-9s %8.1f ms  %7.2f us/row\n", w, m / 1e6, m / 1e3 / rows }'
done | awk '{ if (NR == 1) base = $2; printf "%s  ratio %.2f\n", $0, $2 / base }'
rm -rf "$DIR/study" "$DIR/times"
