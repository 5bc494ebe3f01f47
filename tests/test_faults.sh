# I/O faults and concurrency: a full disk and a read-only directory give
# exit 3 with a message and leave earlier rows intact; four processes
# appending to one runs.csv lose and interleave nothing.
. tests/lib.sh

T="--rows 20 --cols 4 -t 1 -w 0 -q"
MNT="$TMP/mnt"

# A small tmpfs of our own (needs root, as in CI); 1 when not possible.
mount_tmpfs() {
    mkdir -p "$MNT"
    mount -t tmpfs -o "size=$1" tmpfs "$MNT" 2>/dev/null
}

test_dev_full() {
    mkdir -p "$TMP/full"
    ln -s /dev/full "$TMP/full/runs.csv"
    "$OMPSWEEP" bogosort $T -r 1 -o "$TMP/full" >/dev/null 2>"$TMP/err"
    check "exit 3" [ $? -eq 3 ]
    check "message names the file and the cause" \
        [ "$(cat "$TMP/err")" = "ompsweep: $TMP/full/runs.csv: write failed: No space left on device" ]
}

test_disk_fills_up() {
    if ! mount_tmpfs 64k; then
        echo "  (skipped: cannot mount a tmpfs here; needs root)"
        return
    fi
    d="$MNT/out"
    "$OMPSWEEP" bogosort $T -r 3 -o "$d" >/dev/null 2>&1
    check "first run fits" [ "$(data_rows "$d/runs.csv")" -eq 3 ]
    cp "$d/runs.csv" "$TMP/runs.before"
    cp "$d/summary.csv" "$TMP/summary.before"
    dd if=/dev/zero of="$MNT/filler" bs=1k count=1024 2>/dev/null # fill it
    "$OMPSWEEP" bogosort $T -r 3 -o "$d" >/dev/null 2>"$TMP/err"
    rc=$?
    check "exit 3 on a full disk (got $rc)" [ $rc -eq 3 ]
    check "one error line besides warnings" [ "$(grep -vc '^ompsweep: warning: ' "$TMP/err")" -eq 1 ]
    check "message says no space" grep -q "write failed: No space left on device" "$TMP/err"
    size=$(wc -c <"$TMP/runs.before")
    check "earlier rows intact" cmp -s -n "$size" "$TMP/runs.before" "$d/runs.csv"
    check "summary intact" cmp -s "$TMP/summary.before" "$d/summary.csv"
    check "no stray temporary files" [ -z "$(ls "$d" | grep tmp)" ]
    umount "$MNT"
}

test_read_only_directory() {
    if mount_tmpfs 1m; then
        d="$MNT/out"
        "$OMPSWEEP" bogosort $T -r 2 -o "$d" >/dev/null 2>&1
        mount -o remount,ro "$MNT"
    else # not root: permissions are enough
        d="$TMP/ro"
        "$OMPSWEEP" bogosort $T -r 2 -o "$d" >/dev/null 2>&1
        chmod 555 "$d"
    fi
    cp "$d/runs.csv" "$TMP/ro.before"
    "$OMPSWEEP" bogosort $T -r 2 -o "$d" >/dev/null 2>"$TMP/err"
    rc=$?
    check "exit 3 (got $rc)" [ $rc -eq 3 ]
    check "message names the directory" grep -q "^ompsweep: --output: cannot write to '$d'" "$TMP/err"
    check "rows intact" cmp -s "$TMP/ro.before" "$d/runs.csv"
    "$OMPSWEEP" bogosort $T -r 2 -o "$d/sub" >/dev/null 2>"$TMP/err"
    check "cannot create a subdirectory: exit 3" [ $? -eq 3 ]
    umount "$MNT" 2>/dev/null || chmod 755 "$d"
}

# What an OMP_NUM_THREADS job array on a shared directory does: 4 processes
# x 50 rows into one runs.csv at the same time.
test_concurrent_appends() {
    d="$TMP/shared"
    for i in 1 2 3 4; do
        "$OMPSWEEP" bogosort --rows 8 --cols 3 -t 1 -r 50 -w 0 -q --tag "p$i" -o "$d" \
            >/dev/null 2>&1 &
    done
    wait
    check "200 rows" [ "$(data_rows "$d/runs.csv")" -eq 200 ]
    check "one header" [ "$(grep -c '^run_id,' "$d/runs.csv")" -eq 1 ]
    for i in 1 2 3 4; do
        check "50 rows of p$i" [ "$(grep -c "^p$i-" "$d/runs.csv")" -eq 50 ]
    done
    check "every row whole (18 fields, verified, ok)" \
        [ "$(awk -F, 'NR > 1 && !(NF == 18 && $17 == "true" && $18 == "ok")' "$d/runs.csv" | wc -l)" -eq 0 ]
    check "4 metadata objects" [ "$(grep -c '"run_id":' "$d/metadata.json")" -eq 4 ]
    check "still summarizes" "$OMPSWEEP" summarize "$d/runs.csv" >/dev/null
}

run_test test_dev_full
run_test test_disk_fills_up
run_test test_read_only_directory
run_test test_concurrent_appends
finish
