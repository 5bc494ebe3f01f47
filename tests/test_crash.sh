# Crash consistency: a study is killed with SIGKILL at 50 moments and
# resumed each time. 40 kills come after a random delay; the last 10 are
# aimed at a rename: OMPSWEEP_TEST_STOP stops the process just before
# summary.csv or metadata.json is replaced (the new file written, the lock
# on runs.csv held for metadata.json), and the kill lands there. After every
# kill runs.csv holds one header and whole rows, summary.csv and
# metadata.json parse; the last --resume leaves each (threads, repeat) cell
# exactly once under one run id. CRASH_SEED=N replays a sequence of delays.
. tests/lib.sh

KILLS=50
AIMED=10
REPEATS=10
STUDY="bogosort --rows 500 --cols 6 -t 1,2 -r $REPEATS -w 0 -q --resume"
SEED=${CRASH_SEED:-$(date +%s)}

if ! command -v python3 >/dev/null 2>&1; then
    echo "  (skipped: the file checks take python3)"
    finish
    exit
fi

# check_files DIR HEADER: the invariants that must hold at any moment.
cat >"$TMP/check.py" <<'EOF'
import csv, json, os, sys
d, header = sys.argv[1], sys.argv[2]
def fail(msg):
    sys.exit(msg)
p = os.path.join(d, "runs.csv")
if os.path.exists(p):
    data = open(p, encoding="utf-8").read()
    if not data.endswith("\n"):
        fail("runs.csv: empty or a torn last row")
    lines = data.split("\n")[:-1]
    if lines[0] != header:
        fail("runs.csv: first line is not the header")
    for n, row in enumerate(csv.reader(lines[1:]), 2):
        if len(row) != 18 or row[0] == "run_id" or row[16] != "true" or row[17] != "ok":
            fail("runs.csv:%d: not a whole row: %r" % (n, row))
        int(row[10]), int(row[11]), float(row[12])
p = os.path.join(d, "summary.csv")
if os.path.exists(p):
    rows = list(csv.reader(open(p, encoding="utf-8")))
    if not rows or rows[0][0] != "run_id" or any(len(r) != len(rows[0]) for r in rows):
        fail("summary.csv: ragged or headless")
p = os.path.join(d, "metadata.json")
if os.path.exists(p):
    doc = json.load(open(p, encoding="utf-8"))
    if not isinstance(doc, list) or any("run_id" not in o for o in doc):
        fail("metadata.json: not an array of runs")
EOF
# The interpreter itself, not a version manager's wrapper script: it runs
# after every kill.
PY=$(python3 -c 'import sys; print(sys.executable)')
check_files() {
    "$PY" -I "$TMP/check.py" "$1" "$2"
}

# now_ms: wall-clock milliseconds.
now_ms() {
    echo $(($(date +%s%N) / 1000000))
}

# wait_stopped PID: the process is stopped (state T in /proc/PID/stat); waits up
# to 10 s, 1 if it never stops.
wait_stopped() {
    tries=0
    while [ $tries -lt 500 ]; do
        [ "$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null)" = T ] && return 0
        sleep 0.02
        tries=$((tries + 1))
    done
    return 1
}

test_kill_and_resume() {
    ref="$TMP/ref" d="$TMP/crash"
    start=$(now_ms)
    "$OMPSWEEP" $STUDY -o "$ref" >/dev/null 2>&1
    mid=$(now_ms)
    "$OMPSWEEP" $STUDY -o "$ref" >/dev/null 2>&1 # nothing left: start and files
    idle=$(($(now_ms) - mid))
    header=$(head -n 1 "$ref/runs.csv")
    # Delays uniform over 0 .. 1.5 x a run with nothing left to do: kills
    # land in start-up and in the sweep, which takes many kills to finish,
    # then in the summary and metadata phases of runs with nothing left.
    echo "  seed $SEED; uninterrupted $((mid - start)) ms, nothing-to-do run $idle ms"
    awk -v seed="$SEED" -v n=$KILLS -v span="$idle" \
        'BEGIN { srand(seed); for (i = 0; i < n; i++) printf "%.3f\n", rand() * 1.5 * span / 1000 }' \
        >"$TMP/delays"
    i=0 aimed=0 landed=0 complete=
    while read -r delay; do
        i=$((i + 1))
        case $i in # the last AIMED kills, after the sweep is done
        *[13579]) stop=summary.csv ;;
        *) stop=metadata.json ;;
        esac
        [ $i -le $((KILLS - AIMED)) ] && stop=
        OMPSWEEP_TEST_STOP=$stop "$OMPSWEEP" $STUDY -o "$d" >/dev/null 2>&1 &
        pid=$!
        if [ -n "$stop" ]; then
            wait_stopped $pid && aimed=$((aimed + 1))
        else
            sleep "$delay"
        fi
        kill -KILL $pid 2>/dev/null
        wait $pid 2>/dev/null
        [ $? -eq 137 ] && landed=$((landed + 1))
        [ -z "$complete" ] && [ "$(data_rows "$d/runs.csv")" -eq $((2 * REPEATS)) ] &&
            complete=$i
        check "kill $i (${stop:-after $delay s}): files consistent" check_files "$d" "$header"
    done <"$TMP/delays"
    echo "  $landed of $KILLS kills ended a live process; all rows in after kill ${complete:-never}"
    check "all $AIMED aimed kills hit their rename (got $aimed)" [ $aimed -eq $AIMED ]
    check "a killed rename leaves its temporary file" \
        [ -n "$(find "$d" -name '*.tmp.*')" ]
    "$OMPSWEEP" $STUDY -o "$d" >/dev/null 2>&1
    check "final --resume exit 0" [ $? -eq 0 ]
    check "the next writer removed the killed writers' temporary files ($(ls "$d" | grep -c '\.tmp\.'))" \
        [ -z "$(find "$d" -name '*.tmp.*')" ]
    check "files consistent at the end" check_files "$d" "$header"
    check "one run id" [ "$(column "$d/runs.csv" run_id | sort -u | wc -l)" -eq 1 ]
    cells=$(awk -F, 'NR > 1 { print $11 "," $12 }' "$d/runs.csv" | sort -u | wc -l)
    check "every (threads, repeat) cell: $cells of $((2 * REPEATS))" [ "$cells" -eq $((2 * REPEATS)) ]
    check "each cell once" [ "$(data_rows "$d/runs.csv")" -eq $((2 * REPEATS)) ]
    check "summary: $REPEATS runs at 1 and at 2 threads" \
        [ "$(awk -F, -v n=$REPEATS 'NR > 1 && $10 == n' "$d/summary.csv" | wc -l)" -eq 2 ]
}

# The temporary files of this host's dead processes go when the next writer
# comes; another host's, a live process's and names not of ours stay.
test_stale_temporaries() {
    d="$TMP/stale"
    "$OMPSWEEP" bogosort --rows 20 -t 1 -r 1 -w 0 -q -o "$d" >/dev/null 2>&1
    h=$(hostname)
    sleep 60 &
    live=$!
    # Process ids above pid_max (4194304 at most on Linux) never run.
    for f in summary.csv.tmp.$h.4194400 metadata.json.tmp.$h.4194401 \
             models.csv.tmp.$h.4194402 runs.csv.tmp.$h.4194403; do
        echo partial >"$d/$f"
    done
    for f in summary.csv.tmp.$h.$live summary.csv.tmp.other-node.4194400 \
             summary.csv.tmp.$h.12x notes.tmp.$h.4194400; do
        echo keep >"$d/$f"
    done
    "$OMPSWEEP" bogosort --rows 20 -t 1 -r 1 -w 0 -q -o "$d" >/dev/null 2>&1
    check "next study exit 0" [ $? -eq 0 ]
    for f in summary.csv.tmp.$h.4194400 metadata.json.tmp.$h.4194401 \
             models.csv.tmp.$h.4194402 runs.csv.tmp.$h.4194403; do
        check "$f of a dead process removed" [ ! -e "$d/$f" ]
    done
    for f in summary.csv.tmp.$h.$live summary.csv.tmp.other-node.4194400 \
             summary.csv.tmp.$h.12x notes.tmp.$h.4194400; do
        check "$f kept" [ "$(cat "$d/$f" 2>/dev/null)" = keep ]
    done
    kill $live
    wait $live 2>/dev/null
    echo partial >"$d/summary.csv.tmp.$h.4194400"
    "$OMPSWEEP" summarize "$d/runs.csv" -o "$d" >/dev/null 2>&1
    check "summarize -o is a next writer too" [ ! -e "$d/summary.csv.tmp.$h.4194400" ]
}

run_test test_kill_and_resume
run_test test_stale_temporaries
finish
