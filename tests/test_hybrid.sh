# ompsweep exec --launcher: the user's hybrid MPI + OpenMP program over
# ranks x threads cells. With OpenMPI (mpicc, mpirun): tests/exec/hybrid.c
# through the real mpirun (what reached each rank, the splits table, a
# split-dependent sum caught, SIGTERM and --timeout leaving no rank behind).
# Without MPI: stand-in launchers that print what Open MPI, MPICH and Intel
# MPI print for --version and log their command lines.
. tests/lib.sh
. tests/topology.sh

# As root (CI), Open MPI wants both of these; on 2 cores it needs the
# oversubscribed cells the presets run unbound.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
CC=${CC:-cc}
"$CC" -O2 -fopenmp -o "$TMP/sum_int" tests/exec/sum_int.c || exit 1
INT="$TMP/sum_int"
HYBRID="$TMP/hybrid"
MPI_READY=0
if command -v mpicc >/dev/null && command -v mpirun >/dev/null &&
    mpicc -O2 -fopenmp -o "$HYBRID" tests/exec/hybrid.c 2>"$TMP/mpicc.err"; then
    MPI_READY=1
fi
# What the test program reports, as metrics.
METRICS="--metric ranks=^ranks:.([0-9]+) --metric threads_min=^threads:.min.([0-9]+)
    --metric threads_max=^threads:.min.[0-9]+.max.([0-9]+)
    --metric cpus_min=^cpus:.min.([0-9]+) --metric cpus_max=^cpus:.min.[0-9]+.max.([0-9]+)"
USABLE=$(cpulist_expand "$(mask_cpus)" | wc -l)

have_mpi() {
    [ "$MPI_READY" = 1 ] && return 0
    echo "  (skipped: no mpicc/mpirun to build and run tests/exec/hybrid.c; install openmpi-bin libopenmpi-dev)"
    return 1
}

# metric FILE RANKS THREADS NAME: the distinct values of one metric in a cell.
metric() {
    awk -F, -v r="$2" -v t="$3" -v m="$4" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
        $c["ranks"] == r && $c["threads"] == t && $c["metric"] == m { print $c["value"] }' \
        "$1" | sort -u | tr '\n' ' '
}

# field FILE CORES NAME: a column of the splits.csv row of a core count.
field() { column_where "$1" cores "$2" "$3"; }

# cells FILE: "RANKSxTHREADS" of every row, sorted and counted.
cells() {
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
        { print $c["ranks"] "x" $c["threads"] }' "$1" | sort | uniq -c |
        awk '{ printf "%s:%s ", $2, $1 }'
}

# descendants PID: every process below PID.
descendants() {
    ps -eo pid=,ppid= | awk -v root="$1" '{ up[$1] = $2 }
        END { for (p in up) { q = p; while ((q in up) && q != root && q > 1) q = up[q]
              if (q == root && p != root) print p } }'
}

# wait_ranks PID N: until N processes of the test program run below PID.
wait_ranks() {
    for _ in $(seq 150); do
        n=$(descendants "$1" | xargs -r ps -o comm= -p 2>/dev/null | grep -c '^hybrid$')
        [ "$n" -ge "$2" ] && return 0
        sleep 0.1
    done
    return 1
}

# alive PID...: the PIDs of the list that still exist.
alive() {
    for p in "$@"; do kill -0 "$p" 2>/dev/null && echo "$p"; done
}

# The cores a cell's ranks get from the mpirun preset: their threads each
# when the cell fits the CPUs, else every CPU (unbound).
expected_cpus() {
    if [ $(($1 * $2)) -le "$USABLE" ]; then echo "$2 "; else echo "$USABLE "; fi
}

# The exact two-sided p-values of 2 runs against 2 without ties.
exact_p_of_two() {
    case $1 in 0.333333333 | 0.666666667 | 1) return 0 ;; esac
    return 1
}

GRID="$TMP/grid"
test_grid_through_mpirun() {
    have_mpi || return 0
    # shellcheck disable=SC2086 # METRICS is a list of options
    "$OMPSWEEP" exec --ranks 1,2 --launcher mpirun -t 1,2 -r 2 -w 0 -o "$GRID" \
        --result 'checksum: (.*)' $METRICS -- "$HYBRID" 20000 >"$TMP/stdout" 2>"$TMP/stderr"
    rc=$?
    check "exit 0 ($rc: $(tail -n 1 "$TMP/stderr"))" [ $rc -eq 0 ]
    check "2 runs of each cell ($(cells "$GRID/runs.csv"))" \
        [ "$(cells "$GRID/runs.csv")" = "1x1:2 1x2:2 2x1:2 2x2:2 " ]
    check "all verified" [ "$(column "$GRID/runs.csv" verified | sort -u)" = true ]
    check "one checksum" [ "$(column "$GRID/runs.csv" checksum | sort -u | wc -l)" -eq 1 ]
    check "interleaved: repeat 1 of every cell first" \
        [ "$(column "$GRID/runs.csv" repeat | tr '\n' ' ')" = "1 1 1 1 2 2 2 2 " ]
    for cell in 1x1 1x2 2x1 2x2; do
        r=${cell%x*} t=${cell#*x}
        check "$cell: $r ranks started" [ "$(metric "$GRID/metrics.csv" "$r" "$t" ranks)" = "$r " ]
        check "$cell: OMP_NUM_THREADS=$t reached every rank" \
            [ "$(metric "$GRID/metrics.csv" "$r" "$t" threads_min)$(metric "$GRID/metrics.csv" "$r" "$t" threads_max)" = "$t $t " ]
        # 1x2 under mpirun's own default ran both threads on one core
        check "$cell: every rank had $(expected_cpus "$r" "$t")CPUs (got $(metric "$GRID/metrics.csv" "$r" "$t" cpus_min))" \
            [ "$(metric "$GRID/metrics.csv" "$r" "$t" cpus_min)" = "$(expected_cpus "$r" "$t")" ]
    done
    if [ "$USABLE" -lt 4 ]; then
        check "2x2 warned as oversubscribed" grep -q \
            "warning: 1 cell(s) (2x2) run more ranks x threads than the $USABLE logical CPUs" "$TMP/stderr"
    fi
    check "speedup of 2x1 against 1x1" [ -n "$(awk -F, '$8 == 2 && $9 == 1 { print $19 }' "$GRID/summary.csv")" ]
    check "splits.csv: cores 1, 2 and 4" [ "$(column "$GRID/splits.csv" cores | tr '\n' ' ')" = "1 2 4 " ]
    best="$(field "$GRID/splits.csv" 2 best_ranks)x$(field "$GRID/splits.csv" 2 best_threads)"
    runner="$(field "$GRID/splits.csv" 2 runner_ranks)x$(field "$GRID/splits.csv" 2 runner_threads)"
    check "2 cores: best and runner-up are 2x1 and 1x2 ($best, $runner)" \
        [ "$(printf '%s\n' "$best" "$runner" | sort | tr '\n' ' ')" = "1x2 2x1 " ]
    # 2 runs against 2 (no ties): the exact p-value is 1/3, 2/3 or 1
    p=$(field "$GRID/splits.csv" 2 p_value)
    check "2 cores: an exact p-value of 2 runs a side ($p)" exact_p_of_two "$p"
    check "2 cores: two runs a side cannot show a difference: tie" \
        [ "$(field "$GRID/splits.csv" 2 verdict)" = tie ]
    check "2 cores: ratio of the medians at least 1" \
        awk -v r="$(field "$GRID/splits.csv" 2 ratio)" 'BEGIN { exit !(r >= 1) }'
    check "1 core: one split" [ "$(field "$GRID/splits.csv" 1 verdict)" = only ]
    check "the table on stdout" grep -q '^best split per core count' "$TMP/stdout"
    check "its 2-core line" grep -q "^    2      2 .* tie " "$TMP/stdout"
    "$OMPSWEEP" summarize "$GRID" -o "$TMP/pooled" >"$TMP/sum" 2>&1
    check "summarize: the same splits" [ "$(cut -d, -f3- "$TMP/pooled/splits.csv")" = \
        "$(cut -d, -f3- "$GRID/splits.csv")" ]
    check "summarize: the table" grep -q '^best split per core count' "$TMP/sum"
}

# The same command again with --resume: every cell is measured already.
test_resume_knows_the_cells() {
    have_mpi || return 0
    # shellcheck disable=SC2086
    "$OMPSWEEP" exec --ranks 1,2 --launcher mpirun -t 1,2 -r 2 -w 0 -o "$GRID" --resume \
        --result 'checksum: (.*)' $METRICS -- "$HYBRID" 20000 >/dev/null 2>"$TMP/stderr"
    check "exit 0 ($(tail -n 1 "$TMP/stderr"))" [ $? -eq 0 ]
    check "nothing measured again" [ "$(data_rows "$GRID/runs.csv")" -eq 8 ]
    check "one run id" [ "$(column "$GRID/runs.csv" run_id | sort -u | wc -l)" -eq 1 ]
}

# A floating-point sum whose rounding follows the split fails verification.
test_split_dependent_sum_fails() {
    have_mpi || return 0
    out="$TMP/fp"
    "$OMPSWEEP" exec --ranks 1,2 --launcher mpirun -t 1,2 --cores 1,2 -r 1 -w 0 -q -o "$out" \
        --result 'result: (.*)' -- "$HYBRID" 200000 fp >/dev/null 2>"$TMP/stderr"
    check "exit 1" [ $? -eq 1 ]
    check "cells 1x1, 1x2, 2x1 ($(cells "$out/runs.csv"))" \
        [ "$(cells "$out/runs.csv")" = "1x1:1 1x2:1 2x1:1 " ]
    check "verification FAILED, naming the cell" \
        grep -q "verification FAILED.*at ranks=[12] threads=[12] the --result text has" "$TMP/stderr"
    check "1x1 verified, the others not" [ "$(column "$out/runs.csv" verified | tr '\n' ' ')" = "true false false " ]
    check "2 cores: no verified split" [ "$(field "$out/splits.csv" 2 verdict)" = none ]
    check "2 cores: the note says why" grep -q '1x2 unverified: not ranked; 2x1 unverified' "$out/splits.csv"
}

# SIGTERM to ompsweep reaches every rank (Open MPI puts each rank in a
# process group of its own); nothing is left running, no row is written.
test_sigterm_leaves_no_rank() {
    have_mpi || return 0
    out="$TMP/term"
    "$OMPSWEEP" exec --ranks 2 --launcher mpirun -t 1 -r 1 -w 0 -q -o "$out" \
        -- "$HYBRID" 1000 sleep 30 >/dev/null 2>"$TMP/stderr" &
    pid=$!
    wait_ranks $pid 2
    check "2 ranks started" [ $? -eq 0 ]
    tree=$(descendants $pid)
    kill -TERM $pid
    wait $pid
    rc=$?
    check "exit 143 (got $rc)" [ $rc -eq 143 ]
    # shellcheck disable=SC2086 # a list of PIDs
    check "no process of the run left ($(alive $tree | tr '\n' ' '))" [ -z "$(alive $tree)" ]
    check "the cut run not recorded" [ "$(data_rows "$out/runs.csv")" -eq 0 ]
}

# --timeout with ranks that ignore SIGTERM: SIGKILL two seconds later
# reaches them, also after mpirun itself has gone.
test_timeout_kills_every_rank() {
    have_mpi || return 0
    out="$TMP/timeout"
    "$OMPSWEEP" exec --ranks 2 --launcher mpirun -t 1 -r 1 -w 0 -q -o "$out" --timeout 1 \
        -- "$HYBRID" 1000 stubborn 30 >/dev/null 2>"$TMP/stderr" &
    pid=$!
    wait_ranks $pid 2
    tree=$(descendants $pid)
    wait $pid
    rc=$?
    check "exit 1 (got $rc)" [ $rc -eq 1 ]
    check "says timed out" grep -q 'timed out after 1 s (--timeout) at ranks=2 threads=1' "$TMP/stderr"
    check "status timeout" [ "$(column "$out/runs.csv" status)" = timeout ]
    # shellcheck disable=SC2086
    check "no process of the run left ($(alive $tree | tr '\n' ' '))" [ -z "$(alive $tree)" ]
}

# Stand-in launchers: --version prints what the real one prints; a run logs
# its words ([word] each) and runs the program with its arguments.
make_launcher() {
    mkdir -p "$TMP/fake/$1"
    cat >"$TMP/fake/$1/mpirun" <<EOF
#!/bin/sh
if [ "\$1" = --version ]; then printf '%s\n' "$2"; exit 0; fi
printf '[%s]' "\$@" >>"$TMP/fake/$1.log"; echo >>"$TMP/fake/$1.log"
while [ \$# -gt 0 ] && [ "\$1" != "$INT" ]; do shift; done
exec "\$@"
EOF
    chmod +x "$TMP/fake/$1/mpirun"
}
make_launcher ompi "mpirun (Open MPI) 4.1.4"
make_launcher mpich "HYDRA build details:
    Version:                                 4.0.2"
make_launcher intel "Intel(R) MPI Library for Linux* OS, Version 2021.10 Build 20230619 (id: c2e19c2f3e)"
make_launcher other "mpirun 1.0 (homemade)"
ONE_CPU=$(first_cpus 1)

# stand_in NAME ARGS...: ompsweep on one CPU with the stand-in NAME as mpirun.
stand_in() {
    name=$1; shift
    rm -f "$TMP/fake/$name.log"
    env PATH="$TMP/fake/$name:$PATH" taskset -c "$ONE_CPU" "$OMPSWEEP" exec \
        --launcher mpirun "$@" >"$TMP/stdout" 2>"$TMP/stderr"
}

FAKE_ARGS="--ranks 1,2 -t 1,2 -r 1 -w 0 -q --schedule static --env MY_VAR={ranks}x{threads}
    --result checksum:.(.*) --metric threads=^threads:.([0-9]+)"

test_open_mpi_words() {
    # shellcheck disable=SC2086
    stand_in ompi $FAKE_ARGS -o "$TMP/ompi" -- "$INT" 1000 'n={ranks}'
    check "exit 0 ($(tail -n 1 "$TMP/stderr"))" [ $? -eq 0 ]
    log="$TMP/fake/ompi.log"
    check "4 runs" [ "$(wc -l <"$log")" -eq 4 ]
    check "1x1 on its own core" grep -q '^\[-np\]\[1\]\[--map-by\]\[slot:PE=1\]\[--bind-to\]\[core\]' "$log"
    check "2x1 oversubscribed on one CPU: unbound" \
        grep -q '^\[-np\]\[2\]\[--oversubscribe\]\[--bind-to\]\[none\]' "$log"
    check "-x for each variable, every run" \
        [ "$(grep -c '\[-x\]\[OMP_NUM_THREADS\].*\[-x\]\[OMP_SCHEDULE\]\[-x\]\[MY_VAR\]' "$log")" -eq 4 ]
    check "the program by its path, {ranks} in its arguments" \
        [ "$(grep -c "\[$INT\]\[1000\]\[n=[12]\]\$" "$log")" -eq 4 ]
    check "OMP_NUM_THREADS reached the program" [ "$(metric "$TMP/ompi/metrics.csv" 2 2 threads)" = "2 " ]
    check "ranks column" [ "$(cells "$TMP/ompi/runs.csv")" = "1x1:1 1x2:1 2x1:1 2x2:1 " ]
    check "metadata: the launcher" grep -q '"launcher": "mpirun",' "$TMP/ompi/metadata.json"
    check "metadata: which MPI" grep -q '"launcher_kind": "openmpi",' "$TMP/ompi/metadata.json"
    check "metadata: its version line" grep -q '"launcher_version": "mpirun (Open MPI) 4.1.4",' "$TMP/ompi/metadata.json"
    check "3 cells oversubscribed on 1 CPU" grep -q 'warning: 3 cell(s) (1x2, 2x1, 2x2) run more ranks x threads than the 1 logical CPUs' "$TMP/stderr"
}

test_hydra_words() {
    # shellcheck disable=SC2086
    stand_in mpich $FAKE_ARGS -o "$TMP/mpich" -- "$INT" 1000
    check "MPICH: exit 0 ($(tail -n 1 "$TMP/stderr"))" [ $? -eq 0 ]
    log="$TMP/fake/mpich.log"
    check "MPICH: 1x1 bound to a core" grep -q '^\[-n\]\[1\]\[-bind-to\]\[core:1\]' "$log"
    check "MPICH: 2x2 unbound" grep -q '^\[-n\]\[2\]\[-bind-to\]\[none\]' "$log"
    check "MPICH: -genv NAME VALUE" grep -q '\[-genv\]\[OMP_NUM_THREADS\]\[2\]\[-genv\]\[OMP_SCHEDULE\]\[static\]\[-genv\]\[MY_VAR\]\[2x2\]' "$log"
    # shellcheck disable=SC2086
    stand_in intel $FAKE_ARGS -o "$TMP/intel" -- "$INT" 1000
    check "Intel MPI: exit 0 ($(tail -n 1 "$TMP/stderr"))" [ $? -eq 0 ]
    log="$TMP/fake/intel.log"
    check "Intel MPI: 1x1 pinned to an OMP_NUM_THREADS domain" \
        grep -q '^\[-n\]\[1\]\[-genv\]\[I_MPI_PIN_DOMAIN\]\[omp\]' "$log"
    check "Intel MPI: 2x1 unpinned" grep -q '^\[-n\]\[2\]\[-genv\]\[I_MPI_PIN\]\[off\]' "$log"
    stand_in other -t 1 -o "$TMP/other" -- "$INT" 1000
    check "another MPI: exit 2" [ $? -eq 2 ]
    check "another MPI: what it said, and what to do" [ "$(cat "$TMP/stderr")" = \
        "ompsweep: --launcher mpirun: 'mpirun --version' names neither Open MPI, MPICH nor Intel MPI (it said: 'mpirun 1.0 (homemade)'); give the command with {ranks} instead, e.g. --launcher 'mpirun -np {ranks}'" ]
    check "another MPI: nothing created" [ ! -e "$TMP/other" ]
}

# A command of one's own: its words as written, placeholders replaced,
# nothing added.
test_custom_command() {
    rm -f "$TMP/fake/ompi.log"
    "$OMPSWEEP" exec --launcher "$TMP/fake/ompi/mpirun --np={ranks} 'two words' -t {threads}" \
        --ranks 2 -t 1,2 -r 1 -w 0 -q -o "$TMP/custom" -- "$INT" 1000 >/dev/null 2>"$TMP/stderr"
    check "exit 0 ($(tail -n 1 "$TMP/stderr"))" [ $? -eq 0 ]
    check "its words" [ "$(cat "$TMP/fake/ompi.log")" = "[--np=2][two words][-t][1][$INT][1000]
[--np=2][two words][-t][2][$INT][1000]" ]
}

# --cores N alone: every split of N.
test_cores_alone() {
    stand_in ompi --cores 2 -r 1 -w 0 -q -o "$TMP/cores" -- "$INT" 1000
    check "exit 0 ($(tail -n 1 "$TMP/stderr"))" [ $? -eq 0 ]
    check "cells 1x2 and 2x1 ($(cells "$TMP/cores/runs.csv"))" \
        [ "$(cells "$TMP/cores/runs.csv")" = "1x2:1 2x1:1 " ]
}

# The launcher is part of the configuration key, the rank counts are not
# (like the thread counts: rows name them, and --resume may add some).
test_key() {
    out="$TMP/key"
    stand_in ompi --ranks 1 -t 1 -r 1 -w 0 -q -o "$out" -- "$INT" 1000
    stand_in ompi --ranks 1,2 -t 1 -r 1 -w 0 -q -o "$out" --resume -- "$INT" 1000
    check "another rank count: the same study ($(column "$out/runs.csv" run_id | sort -u | wc -l) run ids)" \
        [ "$(data_rows "$out/runs.csv"):$(column "$out/runs.csv" run_id | sort -u | wc -l)" = 2:1 ]
    "$OMPSWEEP" exec -t 1 -r 1 -w 0 -q -o "$out" --resume -- "$INT" 1000 >/dev/null 2>&1
    check "without a launcher: another study" [ "$(column "$out/runs.csv" run_id | sort -u | wc -l)" -eq 2 ]
    "$OMPSWEEP" exec --launcher "$TMP/fake/ompi/mpirun -n {ranks}" -t 1 -r 1 -w 0 -q -o "$out" \
        --resume -- "$INT" 1000 >/dev/null 2>&1
    check "another launcher: another study" [ "$(column "$out/runs.csv" run_id | sort -u | wc -l)" -eq 3 ]
}

test_bad_input() {
    expect_usage_error "--ranks: needs --launcher mpirun|mpiexec|srun|'COMMAND with {ranks}' (what starts the ranks)" \
        exec --ranks 2 -- "$INT"
    expect_usage_error "--ranks: only for exec (your own program through an MPI launcher; the built-in workloads take their ranks from mpirun in the MPI build, see docs/mpi.md)" \
        bogosort --ranks 2
    expect_usage_error "--launcher: 'sh -np 2' is no preset (mpirun, mpiexec, srun) and has no {ranks}: every rank count would start the same command" \
        exec --launcher 'sh -np 2' -- "$INT"
    expect_usage_error "--launcher: '/nonexistent/mpirun' is not an executable file" \
        exec --launcher /nonexistent/mpirun -- "$INT"
    expect_usage_error "--launcher: 'sh '-n {ranks}' has an unterminated ' quote" \
        exec --launcher "sh '-n {ranks}" -- "$INT"
    expect_usage_error "--cores: no cell of ranks 1,2 x threads 1,2 has 3 cores (ranks x threads)" \
        exec --launcher "sh {ranks}" --ranks 1,2 -t 1,2 --cores 3 -- "$INT"
    expect_usage_error "--ranks: bad entry '0' (expected N, A-B or A-B:STEP with counts 1..4096, or max)" \
        exec --launcher "sh {ranks}" --ranks 0 -- "$INT"
}

run_test test_grid_through_mpirun
run_test test_resume_knows_the_cells
run_test test_split_dependent_sum_fails
run_test test_sigterm_leaves_no_rank
run_test test_timeout_kills_every_rank
run_test test_open_mpi_words
run_test test_hydra_words
run_test test_custom_command
run_test test_cores_alone
run_test test_key
run_test test_bad_input
finish
