# Locks on runs.csv, elbow.csv and metadata.json (see docs/filesystems.md):
# flock, else fcntl record locks, else unlocked with one warning. The file
# systems without locks are faked with the LD_PRELOAD shims of tests/shim/;
# /proc/locks shows which kind of lock a blocked process waits for.
. tests/lib.sh

T="--rows 8 --cols 3 -t 1 -w 0 -q"
TINY_ALL="--rows 8 --cols 3 --samples 60 --features 3 --k-max 3 -t 1 -r 2 -w 0 -q"
WARNING="appends are not locked on this file system; give concurrent jobs separate output directories"
ENOLCK=37 ENOSYS=38 EOPNOTSUPP=95 EIO=5

# The shims, built here so that `make test` needs nothing more than cc.
build_shims() {
    cc -shared -fPIC -o "$TMP/noflock.so" tests/shim/noflock.c &&
        cc -shared -fPIC -o "$TMP/nofcntllock.so" tests/shim/nofcntllock.c -ldl
}
if ! build_shims; then
    echo "FAIL cannot build the shims of tests/shim/"
    echo "RESULT 0 1"
    exit 1
fi
NOFLOCK="$TMP/noflock.so"
NOLOCKS="$TMP/noflock.so:$TMP/nofcntllock.so"
# A sanitizer build wants its runtime first; the shims only wrap two calls.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
export ASAN_OPTIONS

# preloaded SHIMS ARGS...: ompsweep with the shims, stdout dropped.
preloaded() {
    shims=$1; shift
    LD_PRELOAD="$shims" "$OMPSWEEP" "$@" >/dev/null
}

# warnings_in FILE: how many times the lock warning is in FILE.
warnings_in() {
    cat "$1" 2>/dev/null | grep -c "$WARNING"
}

# json_ok FILE: FILE parses as JSON (true without python3, saying so).
json_ok() {
    if ! command -v python3 >/dev/null 2>&1; then
        echo "  (no python3: JSON not parsed)"
        return 0
    fi
    python3 -m json.tool "$1" >/dev/null
}

# Where flock says "not supported" (three ways), fcntl locks take over,
# silently: no warning on stderr or in metadata.json.
test_flock_unsupported() {
    for e in $ENOLCK $EOPNOTSUPP $ENOSYS; do
        d="$TMP/fl$e"
        SHIM_LOCK_ERRNO=$e preloaded "$NOFLOCK" bogosort $T -r 3 -o "$d" 2>"$TMP/err"
        check "errno $e: exit 0 (got $?: $(head -c 200 "$TMP/err"))" [ $? -eq 0 ]
        check "errno $e: 3 rows" [ "$(data_rows "$d/runs.csv")" -eq 3 ]
        check "errno $e: no warning" [ "$(warnings_in "$TMP/err")" -eq 0 ]
        check "errno $e: none in metadata" [ "$(warnings_in "$d/metadata.json")" -eq 0 ]
    done
}

# Neither flock nor fcntl: the study (both workloads: runs.csv and the
# elbow tables) completes, warning once on stderr and once in metadata.json.
test_no_locks_warns_once() {
    d="$TMP/none"
    preloaded "$NOLOCKS" all $TINY_ALL -o "$d" 2>"$TMP/err"
    check "exit 0 (got $?: $(head -c 200 "$TMP/err"))" [ $? -eq 0 ]
    check "2 workloads x 2 repeats" [ "$(data_rows "$d/runs.csv")" -eq 4 ]
    check "elbow curve written" [ "$(data_rows "$d/elbow.csv")" -ge 2 ]
    check "one warning line on stderr" [ "$(warnings_in "$TMP/err")" -eq 1 ]
    check "its exact text" grep -qx "ompsweep: warning: $WARNING" "$TMP/err"
    check "once in metadata.json" [ "$(warnings_in "$d/metadata.json")" -eq 1 ]
    check "metadata.json parses" json_ok "$d/metadata.json"
    # Appending again to the same files, unlocked: header kept, rows added.
    preloaded "$NOLOCKS" bogosort $T -r 2 -o "$d" 2>/dev/null
    check "second run appends" [ "$(data_rows "$d/runs.csv")" -eq 6 ]
    check "one header" [ "$(grep -c '^run_id,' "$d/runs.csv")" -eq 1 ]
    check "two metadata objects, one warning each" [ "$(warnings_in "$d/metadata.json")" -eq 2 ]
}

# A lock error that is not "unsupported" (an I/O error) is still an error.
test_other_lock_error() {
    d="$TMP/eio"
    SHIM_LOCK_ERRNO=$EIO preloaded "$NOFLOCK" bogosort $T -r 2 -o "$d" 2>"$TMP/err"
    check "exit 3 (got $?)" [ $? -eq 3 ]
    check "message (got: $(cat "$TMP/err"))" \
        [ "$(cat "$TMP/err")" = "ompsweep: $d/runs.csv: cannot lock: Input/output error" ]
    check "no rows" [ "$(data_rows "$d/runs.csv")" -eq 0 ]
}

# wait_for_waiter PID KIND: until /proc/locks shows PID blocked ("->") on a
# lock of KIND (FLOCK or POSIX); 1 after 10 s.
wait_for_waiter() {
    i=0
    while [ $i -lt 200 ]; do
        grep -Eq -- "-> $2 +ADVISORY +WRITE +$1 " /proc/locks && return 0
        kill -0 "$1" 2>/dev/null || return 1
        sleep 0.05
        i=$((i + 1))
    done
    return 1
}

# hold_lock KIND FILE: hold a lock of KIND on FILE until $TMP/release
# appears; $TMP/held appears once it is held.
hold_lock() {
    rm -f "$TMP/held" "$TMP/release"
    if [ "$1" = FLOCK ]; then
        flock "$2" sh -c "touch '$TMP/held'; while [ ! -e '$TMP/release' ]; do sleep 0.02; done" &
    else
        python3 -c "
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR)
fcntl.lockf(fd, fcntl.LOCK_EX)
open(sys.argv[2] + '/held', 'w').close()
while not os.path.exists(sys.argv[2] + '/release'):
    time.sleep(0.02)
" "$2" "$TMP" &
    fi
    HOLDER=$!
    while [ ! -e "$TMP/held" ]; do sleep 0.02; done
}

# While another process holds the lock, ompsweep waits for it, on the kind
# of lock it uses (flock natively, fcntl under the flock shim), writes
# nothing meanwhile, and completes once the lock is released.
blocks_on() {
    kind=$1 shims=$2 d="$TMP/block$1"
    "$OMPSWEEP" bogosort $T -r 1 -o "$d" >/dev/null 2>&1 # header in place
    hold_lock "$kind" "$d/runs.csv"
    LD_PRELOAD="$shims" "$OMPSWEEP" bogosort $T -r 2 -o "$d" >/dev/null 2>&1 &
    pid=$!
    check "$kind: ompsweep waits on the lock" wait_for_waiter $pid "$kind"
    check "$kind: nothing written while waiting" [ "$(data_rows "$d/runs.csv")" -eq 1 ]
    touch "$TMP/release"
    wait $HOLDER
    wait $pid
    check "$kind: completes after the release (exit $?)" [ $? -eq 0 ]
    check "$kind: its rows follow" [ "$(data_rows "$d/runs.csv")" -eq 3 ]
}

test_waits_for_flock() { blocks_on FLOCK ""; }
test_waits_for_fcntl_lock() {
    if command -v python3 >/dev/null 2>&1; then
        blocks_on POSIX "$NOFLOCK"
    else
        echo "  (skipped: holding an fcntl lock takes python3)"
    fi
}

# APPENDERS processes x ROWS rows into one runs.csv at once, optionally
# under shims: nothing lost, nothing interleaved, one header, one metadata
# object each, no warning.
load() {
    d=$1 shims=$2 n=16 rows=50
    i=1
    while [ $i -le $n ]; do
        LD_PRELOAD="$shims" "$OMPSWEEP" bogosort $T -r $rows --tag "p$i" -o "$d" \
            >/dev/null 2>>"$TMP/load.err" &
        i=$((i + 1))
    done
    wait
    check "$n x $rows rows" [ "$(data_rows "$d/runs.csv")" -eq $((n * rows)) ]
    check "one header" [ "$(grep -c '^run_id,' "$d/runs.csv")" -eq 1 ]
    i=1
    while [ $i -le $n ]; do
        check "$rows rows of p$i, repeats 1..$rows once each" \
            [ "$(grep "^p$i-" "$d/runs.csv" | cut -d, -f12 | sort -un | wc -l)" -eq $rows ]
        i=$((i + 1))
    done
    check "every row whole (18 fields, verified, ok)" \
        [ "$(awk -F, 'NR > 1 && !(NF == 18 && $17 == "true" && $18 == "ok")' "$d/runs.csv" | wc -l)" -eq 0 ]
    check "$n metadata objects" [ "$(grep -c '"run_id":' "$d/metadata.json")" -eq $n ]
    check "metadata.json parses" json_ok "$d/metadata.json"
    check "no lock warning" [ "$(warnings_in "$TMP/load.err")" -eq 0 ]
    check "summarizes" "$OMPSWEEP" summarize "$d/runs.csv" >/dev/null
}

test_load_16_appenders_flock() { load "$TMP/load-flock" ""; }
test_load_16_appenders_fcntl() { load "$TMP/load-fcntl" "$NOFLOCK"; }

run_test test_flock_unsupported
run_test test_no_locks_warns_once
run_test test_other_lock_error
run_test test_waits_for_flock
run_test test_waits_for_fcntl_lock
run_test test_load_16_appenders_flock
run_test test_load_16_appenders_fcntl
finish
