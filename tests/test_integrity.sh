# Data integrity end to end: a torn last line (a killed writer, a full
# disk) is repaired before the next append and never glued; a failed or
# timed-out run is recorded with its status, never timed, and superseded
# once --resume measured its cell again; 0.1 and 0.2 files stay usable;
# long tags keep run ids unique; summarize says when it pools different
# setups or one file twice; writes to stdout are checked.
. tests/lib.sh

T="bogosort --rows 20 --cols 4 -t 1,2 -w 0 -q"
MNT="$TMP/mnt"

# A stand-in program for exec: prints a result (and its own time), and
# fails at 2 threads (exit 3) while the file "$TMP/broken" exists.
cat >"$TMP/prog" <<EOF
#!/bin/sh
if [ "\$OMP_NUM_THREADS" = 2 ] && [ -e "$TMP/broken" ]; then
    echo "out of memory" >&2
    exit 3
fi
echo "result 42"
echo "kernel seconds: 0.0\$OMP_NUM_THREADS"
EOF
chmod +x "$TMP/prog"
PROG_ARGS="exec -t 1,2 -r 3 -w 0 -q --result result.(.*)"

# every_row_whole FILE: all data rows (blank lines aside) have the 18
# fields of schema 3.
every_row_whole() {
    [ "$(awk -F, 'NR > 1 && NF > 0 && NF != 18' "$1" | wc -l)" -eq 0 ]
}

# The issue's repro: a study, its last 60 bytes cut, the same study again.
test_torn_tail_repaired() {
    d="$TMP/torn"
    "$OMPSWEEP" $T -r 3 -o "$d" >/dev/null 2>&1
    size=$(wc -c <"$d/runs.csv")
    head -c -60 "$d/runs.csv" >"$TMP/x" && mv "$TMP/x" "$d/runs.csv"
    keep=$(( $(grep -c '' "$d/runs.csv") - 1 )) # complete lines
    torn=$(( size - 60 - $(head -n "$keep" "$d/runs.csv" | wc -c) ))
    "$OMPSWEEP" summarize "$d" >/dev/null 2>"$TMP/err"
    check "summarize before the repair: exit 0" [ $? -eq 0 ]
    check "summarize leaves the torn line out, says so" \
        grep -q "runs.csv:7: the last line is incomplete (no newline" "$TMP/err"
    "$OMPSWEEP" $T -r 3 -o "$d" >/dev/null 2>"$TMP/err"
    check "the same study again: exit 0 (got $?)" [ $? -eq 0 ]
    side=$(ls "$d" | grep '^runs\.csv\.torn-')
    check "one side file" [ "$(echo "$side" | grep -c .)" -eq 1 ]
    check "warning names it" grep -q "moved to $side" "$TMP/err"
    check "side file: the $torn torn bytes" [ "$(wc -c <"$d/$side")" -eq "$torn" ]
    check "rows: the complete ones and the new ones" \
        [ "$(data_rows "$d/runs.csv")" -eq $((keep - 1 + 6)) ]
    check "every row whole" every_row_whole "$d/runs.csv"
    "$OMPSWEEP" $T -r 3 --resume -o "$d" >/dev/null 2>&1
    check "--resume reads it" [ $? -eq 0 ]
    "$OMPSWEEP" summarize "$d/runs.csv" >/dev/null 2>"$TMP/err"
    check "summarize reads it, no warning" [ $? -eq 0 ] && [ ! -s "$TMP/err" ]
}

# A tmpfs of our own (needs root, as in CI); 1 when not possible.
mount_tmpfs() {
    mkdir -p "$MNT"
    mount -t tmpfs -o "size=$1" tmpfs "$MNT" 2>/dev/null
}

# A real full disk: runs.csv ends 40 bytes before a page of the tmpfs (it
# allocates whole pages), the disk is filled, and the next row is cut at the
# page: exit 3, a torn tail. With the disk still full the repair cannot copy it aside: exit 3,
# the file as it was and the fix in the message. With space again, the
# next study repairs and appends.
test_full_disk_torn_row() {
    if ! mount_tmpfs 1m; then
        echo "  (skipped: cannot mount a tmpfs here; needs root)"
        return
    fi
    d="$MNT/out"
    "$OMPSWEEP" $T -r 1 -o "$d" >/dev/null 2>&1
    size=$(wc -c <"$d/runs.csv")
    page=$(getconf PAGESIZE)
    pad=$(( (page - size % page + page - 40) % page ))
    awk -v n="$pad" 'BEGIN { while (n-- > 0) printf "\n" }' >>"$d/runs.csv" # blank lines
    dd if=/dev/zero of="$MNT/filler" bs=1k count=2048 2>/dev/null # fills it
    "$OMPSWEEP" $T -r 1 -o "$d" >/dev/null 2>"$TMP/err"
    check "full disk: exit 3 (got $?)" [ $? -eq 3 ]
    check "a short write" grep -q "runs.csv: write failed: short write" "$TMP/err"
    check "a torn tail was left" [ "$(tail -c 1 "$d/runs.csv" | od -An -c | tr -d ' ')" != '\n' ]
    cp "$d/runs.csv" "$TMP/torn.before"
    "$OMPSWEEP" $T -r 1 -o "$d" >/dev/null 2>"$TMP/err"
    check "still full: exit 3 (got $?)" [ $? -eq 3 ]
    check "says how to fix" grep -q "the last line is torn (40 bytes without a newline) and cannot be moved aside: runs.csv.torn-.*: No space left on device; refusing to append: free some space and run again, or cut it with 'truncate -s $((size + pad)) $d/runs.csv'" "$TMP/err"
    check "runs.csv as it was" cmp -s "$TMP/torn.before" "$d/runs.csv"
    check "no side file left" [ -z "$(ls "$d" | grep torn)" ]
    rm "$MNT/filler"
    "$OMPSWEEP" $T -r 1 -o "$d" >/dev/null 2>"$TMP/err"
    check "space again: exit 0" [ $? -eq 0 ]
    check "repaired: 40 bytes moved" grep -q "the last line was torn (40 bytes" "$TMP/err"
    check "4 rows, all whole" [ "$(data_rows "$d/runs.csv")" -eq 4 ]
    check "every row whole" every_row_whole "$d/runs.csv"
    umount "$MNT"
}

# elbow.csv is appended too: its torn line goes aside the same way.
test_torn_elbow_table() {
    d="$TMP/elbow"
    E="elbow --samples 60 --features 2 --centers 2 --k-min 2 --k-max 3 --folds 2 --n-init 1 -t 1 -r 1 -w 0 -q -o $d"
    "$OMPSWEEP" $E >/dev/null 2>&1
    head -c -5 "$d/elbow.csv" >"$TMP/x" && mv "$TMP/x" "$d/elbow.csv"
    "$OMPSWEEP" $E >/dev/null 2>"$TMP/err"
    check "exit 0" [ $? -eq 0 ]
    check "warning for elbow.csv" grep -q "elbow.csv: the last line was torn" "$TMP/err"
    check "side file" [ -n "$(ls "$d" | grep '^elbow\.csv\.torn-')" ]
    check "3 rows of 7 fields (one k lost to the tear, 2 new)" \
        [ "$(awk -F, 'NR > 1 && NF == 7' "$d/elbow.csv" | wc -l)" -eq 3 ]
}

# The issue's resume bug, and what is recorded when a run fails.
test_resume_after_failure() {
    d="$TMP/fail"
    : >"$TMP/broken"
    "$OMPSWEEP" $PROG_ARGS -o "$d" -- "$TMP/prog" >/dev/null 2>"$TMP/err"
    check "failing program: exit 1" [ $? -eq 1 ]
    check "the failed run is recorded, status failed" \
        [ "$(column "$d/runs.csv" status | tr '\n' ' ')" = "ok failed " ]
    check "and not verified" [ "$(column "$d/runs.csv" verified | tail -n 1)" = false ]
    check "not timed: n = 0 at 2 threads" [ "$(column "$d/summary.csv" n | tr '\n' ' ')" = "1 0 " ]
    check "no median for it" [ -z "$(column "$d/summary.csv" median | tail -n 1)" ]
    rm "$TMP/broken"
    "$OMPSWEEP" $PROG_ARGS --resume -o "$d" -- "$TMP/prog" >"$TMP/out" 2>"$TMP/err"
    check "fixed and resumed: exit 0 (got $?)" [ $? -eq 0 ]
    check "no verification failure" [ -z "$(grep FAILED "$TMP/err")" ]
    check "n = 3 at both counts" [ "$(column "$d/summary.csv" n | tr '\n' ' ')" = "3 3 " ]
    check "verified" [ "$(column "$d/summary.csv" verified | tr '\n' ' ')" = "true true " ]
    check "the failed row stays for the record" \
        [ "$(column "$d/runs.csv" status | grep -c failed)" -eq 1 ]
    check "7 rows, one run id" [ "$(data_rows "$d/runs.csv")" -eq 7 ] &&
        [ "$(column "$d/runs.csv" run_id | sort -u | wc -l)" -eq 1 ]
    "$OMPSWEEP" $PROG_ARGS --resume -o "$d" -- "$TMP/prog" >/dev/null 2>&1
    check "a later resume: exit 0, nothing measured" [ $? -eq 0 ] &&
        [ "$(data_rows "$d/runs.csv")" -eq 7 ]
    "$OMPSWEEP" summarize "$d" >"$TMP/out" 2>&1
    check "summarize: verified" [ "$(grep -c ' yes$' "$TMP/out")" -eq 2 ]
}

# A timed-out run: status timeout, its 0.5 s limit in no statistic.
test_timeout_not_timed() {
    d="$TMP/timeout"
    "$OMPSWEEP" exec -t 1,2 -r 2 -w 0 -q --timeout 0.5 --size sleepy -o "$d" -- \
        sh -c 'if [ "$OMP_NUM_THREADS" = 1 ]; then sleep 0.05; else sleep 5; fi' \
        >"$TMP/out" 2>"$TMP/err"
    check "exit 1" [ $? -eq 1 ]
    check "status timeout" [ "$(column "$d/runs.csv" status | tail -n 1)" = timeout ]
    check "n = 0 at 2 threads" [ "$(column "$d/summary.csv" n | tail -n 1)" = 0 ]
    check "no speedup from it" [ -z "$(column "$d/summary.csv" speedup | tail -n 1)" ]
    check "stdout: not verified, no times" grep -q '^    1       2          -  .* NO$' "$TMP/out"
}

# The 0.2 fixture: summarize, compare, resume. Its exec failure was
# measured again by 0.2's resume: the old unverified row reads as failed
# and drops out (0.2 itself said n = 4, not verified).
test_v02_files() {
    f=tests/fixtures/v0.2/runs.csv
    "$OMPSWEEP" summarize "$f" -o "$TMP/v02" >"$TMP/out" 2>"$TMP/err"
    check "summarize: exit 0" [ $? -eq 0 ]
    check "exec block n = 3, 3, verified" \
        [ "$(awk -F, '$2 == "exec" { print $10 $23 }' "$TMP/v02/summary.csv" | tr '\n' ' ')" = "3true 3true " ]
    check "bogosort: 2 runs at each count" \
        [ "$(awk -F, '$2 == "bogosort" { print $10 }' "$TMP/v02/summary.csv" | tr '\n' ' ')" = "2 2 " ]
    "$OMPSWEEP" compare "$f" "$f" >/dev/null 2>&1
    check "compare: exit 0" [ $? -eq 0 ]
    d="$TMP/v02run"
    mkdir -p "$d" && cp "$f" "$d/runs.csv"
    "$OMPSWEEP" bogosort --rows 40 --cols 6 -t 1,2 -r 3 -w 0 -q --resume -o "$d" \
        >/dev/null 2>"$TMP/err"
    check "--resume continues it: exit 0" [ $? -eq 0 ]
    check "in its own layout (header kept)" [ "$(head -n 1 "$d/runs.csv")" = "$(head -n 1 "$f")" ]
    check "2 rows added, 17 fields each" [ "$(data_rows "$d/runs.csv")" -eq 13 ] &&
        [ "$(awk -F, 'NR > 1 && NF != 17' "$d/runs.csv" | wc -l)" -eq 0 ]
    check "bogosort cells complete" \
        [ "$(awk -F, '$4 == "bogosort"' "$d/runs.csv" | wc -l)" -eq 6 ]
    "$OMPSWEEP" summarize "$d" tests/fixtures/v0.1/runs.csv >/dev/null 2>&1
    check "0.1 and 0.2 files pooled" [ $? -eq 0 ]
}

# Over-long tags are refused; a tag of the longest length keeps the time
# stamp and process id whole, so two studies never share an id.
test_long_tag() {
    long=$(printf 'a%.0s' $(seq 49))
    FRESH=1 expect_usage_error "--tag: at most 48 characters (got 49): the run id also holds a time stamp, the process id and the configuration key" \
        $T -r 1 --tag "$long"
    tag=$(printf 'b%.0s' $(seq 48))
    d="$TMP/tag"
    "$OMPSWEEP" $T -r 1 --tag "$tag" -o "$d" >/dev/null 2>&1
    "$OMPSWEEP" $T -r 1 --tag "$tag" -o "$d" >/dev/null 2>&1
    check "ids whole: TAG-YYYYmmddTHHMMSSZ-PID-KEY" \
        [ "$(column "$d/runs.csv" run_id | grep -Evc "^$tag-[0-9]{8}T[0-9]{6}Z-[0-9]+-[0-9a-f]{8}$")" -eq 0 ]
    check "two run ids" [ "$(column "$d/runs.csv" run_id | sort -u | wc -l)" -eq 2 ]
    check "summary: two runs apart" [ "$(data_rows "$d/summary.csv")" -eq 4 ]
}

# summarize DIR, DIR of task directories, one file twice, study options.
test_summarize_inputs() {
    a="$TMP/sa" b="$TMP/arr"
    "$OMPSWEEP" $T -r 3 -o "$a" >/dev/null 2>&1
    OMP_NUM_THREADS=1 "$OMPSWEEP" bogosort --rows 20 --cols 4 -w 0 -q -r 2 -o "$b/task-1" >/dev/null 2>&1
    OMP_NUM_THREADS=2 "$OMPSWEEP" bogosort --rows 20 --cols 4 -w 0 -q -r 2 -o "$b/task-2" >/dev/null 2>&1
    "$OMPSWEEP" summarize "$a/runs.csv" -o "$TMP/s1" >/dev/null 2>&1
    "$OMPSWEEP" summarize "$a" -o "$TMP/s2" >/dev/null 2>"$TMP/err"
    check "DIR: exit 0, the same table" [ $? -eq 0 ] && cmp -s "$TMP/s1/summary.csv" "$TMP/s2/summary.csv"
    "$OMPSWEEP" summarize "$b" -o "$TMP/s3" >/dev/null 2>&1
    check "DIR of task directories: both counts" [ "$(column "$TMP/s3/summary.csv" threads | tr '\n' ' ')" = "1 2 " ]
    ln -s "$a/runs.csv" "$TMP/link.csv"
    "$OMPSWEEP" summarize "$a/runs.csv" "$TMP/link.csv" "$a" -o "$TMP/s4" >/dev/null 2>"$TMP/err"
    check "one file thrice: exit 0" [ $? -eq 0 ]
    check "read once: n not doubled" cmp -s "$TMP/s1/summary.csv" "$TMP/s4/summary.csv"
    check "warned twice" [ "$(grep -c "is the same file as $a/runs.csv: read once" "$TMP/err")" -eq 2 ]
    cp "$a/runs.csv" "$TMP/copy.csv"
    "$OMPSWEEP" summarize "$a" "$TMP/copy.csv" >/dev/null 2>"$TMP/err"
    check "a copy: its runs counted twice, said" grep -q "summarize: 6 run(s) appear more than once" "$TMP/err"
    expect_usage_error "--threads: not an option of summarize (usage: ompsweep summarize RUNS.csv|DIR... [-o DIR])" \
        summarize --threads 3 "$a/runs.csv"
    expect_usage_error "--repeats: not an option of summarize (usage: ompsweep summarize RUNS.csv|DIR... [-o DIR])" \
        summarize "$a/runs.csv" -r 2
    expect_usage_error "--threads: not an option of compare (usage: ompsweep compare BASE NEW [options])" \
        compare "$a" "$a" -t 2
    expect_usage_error "$TMP/nodir: no runs.csv in this directory or its subdirectories" \
        summarize "$(mkdir -p "$TMP/nodir" && echo "$TMP/nodir")"
    "$OMPSWEEP" summarize -q "$a" >/dev/null 2>&1
    check "-q is taken" [ $? -eq 0 ]
}

# Wall-clock and --time runs of one program pool into one block: warned.
test_summarize_mixed_setups() {
    "$OMPSWEEP" $PROG_ARGS -o "$TMP/wall" -- "$TMP/prog" >/dev/null 2>&1
    "$OMPSWEEP" $PROG_ARGS --time 'kernel seconds: (.*)' -o "$TMP/own" -- "$TMP/prog" >/dev/null 2>&1
    k1=$(column "$TMP/wall/runs.csv" run_id | head -n 1 | sed 's/.*-//')
    k2=$(column "$TMP/own/runs.csv" run_id | head -n 1 | sed 's/.*-//')
    check "two configuration keys" [ "$k1" != "$k2" ]
    "$OMPSWEEP" summarize "$TMP/wall" "$TMP/own" >/dev/null 2>"$TMP/err"
    check "exit 0" [ $? -eq 0 ]
    check "warned, naming both keys" grep -q "summarize: exec prog - - pools runs of 2 configurations (keys $k1, $k2)" "$TMP/err"
    "$OMPSWEEP" summarize "$TMP/wall" "$TMP/wall" >/dev/null 2>"$TMP/err"
    check "one setup: no such warning" [ -z "$(grep configurations "$TMP/err")" ]
}

# Runs of one block with different checksums (another version or build of
# the workload) pooled: said, naming both; a thread count mixing them is
# unverified.
test_summarize_mixed_checksums() {
    d="$TMP/sums"
    "$OMPSWEEP" bogosort --rows 30 --cols 5 -t 1,2 -r 2 -w 0 -q -o "$d/a" >/dev/null 2>&1
    sum=$(column "$d/a/runs.csv" checksum | sort -u)
    check "one checksum in the study" [ "$(echo "$sum" | wc -l)" -eq 1 ]
    mkdir -p "$d/b" "$d/c"
    # Another build's rows: another run id and checksum.
    sed -e "s/$sum/0x00000000000000aa/" -e 's/^[^,]*-\([0-9a-f]*\),/other-\1,/' "$d/a/runs.csv" >"$d/b/runs.csv"
    "$OMPSWEEP" summarize "$d/a" "$d/b" >/dev/null 2>"$TMP/err"
    check "exit 0" [ $? -eq 0 ]
    check "warned, naming both checksums ($(head -c 300 "$TMP/err"))" grep -q \
        "^ompsweep: warning: summarize: bogosort rows dynamic 30x5: runs of different checksums pooled ($sum, 0x00000000000000aa: other versions or builds?)" "$TMP/err"
    "$OMPSWEEP" summarize "$d/a" "$d/b" -o "$d/s" >/dev/null 2>&1
    check "both thread counts unverified" [ "$(column "$d/s/summary.csv" verified | tr '\n' ' ')" = "false false " ]
    # 1 thread from one build, 2 from the other: each count agrees, the
    # block does not.
    awk -F, 'NR == 1 || $11 == 2' "$d/b/runs.csv" >"$d/c/runs.csv"
    awk -F, 'NR == 1 || $11 == 1' "$d/a/runs.csv" >"$d/c1.csv"
    "$OMPSWEEP" summarize "$d/c1.csv" "$d/c" >/dev/null 2>"$TMP/err"
    check "across thread counts: warned" grep -q "runs of different checksums pooled" "$TMP/err"
    "$OMPSWEEP" summarize "$d/a" >/dev/null 2>"$TMP/err"
    check "one build: no such warning" [ -z "$(grep checksums "$TMP/err")" ]
}

# Output that never reached stdout is an I/O error: exit 3, one line.
test_stdout_checked() {
    "$OMPSWEEP" $T -r 1 -o "$TMP/full" >/dev/null 2>&1
    for args in "--help" "--version" "summarize $TMP/full" "compare $TMP/full $TMP/full" \
                "$T -r 1 -o $TMP/full"; do
        "$OMPSWEEP" $args >/dev/full 2>"$TMP/err"
        rc=$?
        check "$args >/dev/full: exit 3 (got $rc)" [ $rc -eq 3 ]
        check "$args: one line" [ "$(grep -vc '^ompsweep: warning: ' "$TMP/err")" -eq 1 ] &&
            grep -q '^ompsweep: stdout: write failed' "$TMP/err"
    done
    "$OMPSWEEP" --version >&- 2>"$TMP/err"
    check "closed stdout: exit 3" [ $? -eq 3 ]
    "$OMPSWEEP" --version >/dev/null
    check "a good stdout: exit 0" [ $? -eq 0 ]
}

run_test test_torn_tail_repaired
run_test test_full_disk_torn_row
run_test test_torn_elbow_table
run_test test_resume_after_failure
run_test test_timeout_not_timed
run_test test_v02_files
run_test test_long_tag
run_test test_summarize_inputs
run_test test_summarize_mixed_setups
run_test test_summarize_mixed_checksums
run_test test_stdout_checked
finish
