# ompsweep exec: how each run's process starts and ends (src/exec/exec_proc.c).
# The program starts clean (stdin /dev/null, no other descriptor, no
# signal blocked, on every CPU of the places); whatever it leaves in its
# process group is killed, after an exit, a timeout or a signal; ompsweep's
# own OpenMP threads do not spin while it runs. Marks: sleep durations
# holding this shell's pid, so that other tests' sleeps never count.
. tests/lib.sh

# shown ARGS...: run one `ompsweep exec --show-output` and print what the
# program wrote (ompsweep's own lines left out).
shown() {
    "$OMPSWEEP" exec -t 1 -r 1 -w 0 -q --show-output -o "$TMP/shown" "$@" \
        2>&1 >/dev/null | grep -v '^ompsweep: '
    rm -rf "$TMP/shown"
}

# left COMMAND: how many processes whose whole command line is COMMAND
# are left (ompsweep's and the shell's own lines only contain it).
left() {
    ps -eo args | grep -cxF -- "$1"
}

# wait_running COMMAND COUNT: wait up to 10 s for COUNT such processes.
wait_running() {
    for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
        [ "$(left "$1")" -ge "$2" ] && return 0
        sleep 0.5
    done
    return 1
}

test_starts_clean() {
    check "stdin is /dev/null" [ "$(shown -- readlink /proc/self/fd/0)" = /dev/null ]
    fds=$(shown -- sh -c 'ls /proc/$$/fd; true' | tr '\n' ' ')
    check "only descriptors 0 1 2 (got: $fds)" [ "$fds" = "0 1 2 " ]
    blocked=$(shown -- grep '^SigBlk' /proc/self/status | cut -f2)
    check "no signal blocked (SigBlk $blocked)" [ "$blocked" = 0000000000000000 ]
    ignored=$(shown -- grep '^SigIgn' /proc/self/status | cut -f2)
    int_term=$(((1 << 1) | (1 << 14))) # bits of SIGINT and SIGTERM
    check "SIGINT and SIGTERM not ignored (SigIgn $ignored)" \
        [ $((0x${ignored:-ffff} & int_term)) -eq 0 ]
    check "found on PATH" [ "$(shown -- echo found)" = found ]
}

# With binding on, the runtime pins ompsweep's main thread to one place at
# start-up; the program must start on the CPUs of all places.
test_cpu_mask() {
    mine=$(grep '^Cpus_allowed_list' /proc/self/status | cut -f2)
    got=$(OMP_PROC_BIND=true OMP_PLACES=threads shown -- grep '^Cpus_allowed_list' \
        /proc/self/status | cut -f2)
    check "every CPU of the places: $got (ours $mine)" [ "$got" = "$mine" ]
    # LLVM's libomp (the TSAN=1 build) pins the main thread to a place under
    # OMP_PLACES even without binding, after a parallel region of 2 threads,
    # when OMP_PROC_BIND comes first in the environment (libomp 14 reads the
    # variables in their order; the other order turns the places off)
    got=$(env OMP_PROC_BIND=false OMP_PLACES=threads "$OMPSWEEP" exec -t 2 -r 1 -w 0 -q \
        --show-output -o "$TMP/shown2" -- grep '^Cpus_allowed_list' /proc/self/status \
        2>&1 >/dev/null | grep '^Cpus_allowed_list' | cut -f2)
    check "unbound with places, 2 threads: every CPU: $got (ours $mine)" [ "$got" = "$mine" ]
    [ "$(nproc)" -gt 1 ] || echo "  (one CPU: the mask cannot differ here)"
}

# The program exits at once, leaving a child that holds its output pipes
# and one that has closed them: both are killed, the study goes on.
test_leftovers_killed() {
    a="sleep 1001.$$" b="sleep 1002.$$"
    start=$(date +%s)
    "$OMPSWEEP" exec -t 1 -r 2 -w 0 -q -o "$TMP/left" --size probe -- sh -c \
        "$a & (exec >/dev/null 2>&1; $b) & echo started" >/dev/null 2>"$TMP/stderr"
    check "exit 0 ($(tail -n 1 "$TMP/stderr"))" [ $? -eq 0 ]
    check "well before the leftovers' end" [ $(($(date +%s) - start)) -lt 30 ]
    check "2 rows" [ "$(data_rows "$TMP/left/runs.csv")" -eq 2 ]
    check "no leftover holding the pipes ($(left "$a"))" [ "$(left "$a")" -eq 0 ]
    check "no leftover without them ($(left "$b"))" [ "$(left "$b")" -eq 0 ]
}

# A process that leaves the program's process group (setsid: its own group
# and session, as MPI launchers give their ranks) is found all the same:
# ompsweep adopts what the program leaves behind and ends it.
test_leftovers_elsewhere_killed() {
    a="sleep 1007.$$"
    "$OMPSWEEP" exec -t 1 -r 1 -w 0 -q -o "$TMP/away" --size probe -- sh -c \
        "setsid $a & sleep 0.2; echo started" >/dev/null 2>"$TMP/stderr"
    check "exit 0 ($(tail -n 1 "$TMP/stderr"))" [ $? -eq 0 ]
    check "no leftover in a group of its own ($(left "$a"))" [ "$(left "$a")" -eq 0 ]
}

test_timeout_kills_group() {
    a="sleep 1003.$$" b="sleep 1004.$$"
    "$OMPSWEEP" exec -t 1 -r 1 -w 0 -q -o "$TMP/to" --timeout 0.5 --size probe -- sh -c \
        "$a & $b; wait" >/dev/null 2>"$TMP/stderr"
    check "exit 1" [ $? -eq 1 ]
    check "says timed out" grep -q 'timed out after 0.5 s' "$TMP/stderr"
    check "background job killed" [ "$(left "$a")" -eq 0 ]
    check "foreground job killed" [ "$(left "$b")" -eq 0 ]
}

test_sigint_forwarded() {
    a="sleep 1005.$$" b="sleep 1006.$$"
    "$OMPSWEEP" exec -t 1 -r 3 -w 0 -q -o "$TMP/int" --size probe -- sh -c "$a & $b; wait" \
        >/dev/null 2>&1 &
    pid=$!
    check "program running" wait_running "$b" 1
    kill -INT $pid
    wait $pid
    check "exit 130" [ $? -eq 130 ]
    check "nothing of the program left" [ "$(($(left "$a") + $(left "$b")))" -eq 0 ]
    check "no row for the cut run" [ "$(data_rows "$TMP/int/runs.csv")" -eq 0 ]
}

# An idle OpenMP thread spins after a parallel region: libgomp's for about
# 20 ms or, under OMP_WAIT_POLICY=active, until the next region; LLVM's for
# 200 ms. ompsweep's (started for the affinity record of the 2-thread
# block) must not while the program runs: the program adds up the CPU
# ticks that every thread of its parent but the main one uses in 0.5 s
# (a spinning one takes tens, a sleeping one none).
spin_ticks() {
    probe='ticks() {
            n=0
            for d in /proc/$PPID/task/*; do
                [ "${d##*/}" = "$PPID" ] && continue
                set -- $(cut -d")" -f2 "$d/stat")
                n=$((n + ${12} + ${13}))
            done
            echo $n
        }
        a=$(ticks); sleep 0.5; echo "ticks: $(($(ticks) - a))"'
    "$OMPSWEEP" exec -t 2 -r 1 -w 0 -q --show-output -o "$TMP/quiet$1" --size probe -- sh -c "$probe" \
        2>&1 >/dev/null | sed -n 's/^ticks: //p'
}

test_own_threads_quiet() {
    got=$(spin_ticks 1)
    check "ompsweep's threads idle beside the program (${got:-no} ticks)" [ "${got:-9}" -le 2 ]
    if ldd "$OMPSWEEP" 2>/dev/null | grep -q 'libi\{0,1\}omp'; then
        echo "  (LLVM's runtime: OMP_WAIT_POLICY=active spins whatever ompsweep does; skipped)"
        return 0
    fi
    got=$(OMP_WAIT_POLICY=active spin_ticks 2)
    check "and under OMP_WAIT_POLICY=active (${got:-no} ticks)" [ "${got:-9}" -le 2 ]
}

run_test test_starts_clean
run_test test_cpu_mask
run_test test_leftovers_killed
run_test test_leftovers_elsewhere_killed
run_test test_timeout_kills_group
run_test test_sigint_forwarded
run_test test_own_threads_quiet
finish
