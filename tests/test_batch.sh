# The Slurm and PBS templates of bench/: syntax (bash -n), then each run
# locally with the scheduler's variables faked and tests/shim/srun standing in
# for srun, on tiny problems. Every Slurm template runs under the shim's two
# modes: srun as in Slurm 22.05-23.02 (one CPU per task unless srun itself
# gets --cpus-per-task) and as in the current releases; every run must get
# the CPUs per task the job asked for, none may be oversubscribed, and none
# may count cores or SMT other than those of its CPUs.
. tests/lib.sh
. tests/topology.sh

BIN=$(cd "$(dirname "$OMPSWEEP")" && pwd)/$(basename "$OMPSWEEP")
TINY="--rows 40 --cols 5 --samples 300 --features 4 --k-max 5 -r 2 -w 0 -q"
SHIM_PATH="$PWD/tests/shim:$PATH"
SHIM_MODES="22.05 current"
SHIM_MODE=current # the srun the templates meet, set per pass below
ASKED=2           # SLURM_CPUS_PER_TASK of the fake jobs

# Run a template with the fake scheduler environment given as NAME=value;
# the shim logs each srun command line to $TMP/srun.log.
run_template() {
    script=$1; shift
    env PATH="$SHIM_PATH" SHIM_SLURM_VERSION="$SHIM_MODE" SHIM_SRUN_LOG="$TMP/srun.log" \
        OMPSWEEP="$BIN" OMPSWEEP_ARGS="$TINY" "$@" bash "$script" >"$TMP/job.out" 2>&1
}

# check_cpus DIR: every invocation recorded in DIR/metadata.json saw the
# CPUs the job asked for, and none warned of oversubscription; their cores
# and SMT are those of the CPUs the shim's srun bound the step to.
check_cpus() {
    meta="$1/metadata.json"
    seen=$(grep -o '"logical_cpus": [0-9]*' "$meta" | sort -u | tr '\n' ' ')
    check "srun ($SHIM_MODE) gave every run $ASKED CPUs (got: $seen)" \
        [ "$seen" = "\"logical_cpus\": $ASKED " ]
    check "no oversubscription under srun $SHIM_MODE ($(grep -m 1 oversubscribed "$meta"))" \
        [ "$(grep -c oversubscribed "$meta")" -eq 0 ]
    check_topology "$1" "$(first_cpus $ASKED)" $ASKED
}

# check_topology DIR CPUS THREADS: every invocation in DIR counted the
# physical cores sysfs gives the CPU list CPUS, SMT only when two of them
# share a core, and warned of SMT only when THREADS really share cores.
# The templates bind close over cores: libgomp pins the initial thread, and
# counting over its mask once gave "physical_cores": 1, "smt": true and a
# false SMT warning on 2 cores without SMT.
check_topology() {
    meta="$1/metadata.json"
    logical=$(cpulist_expand "$2" | wc -l)
    cores=$(cores_of "$2")
    smt=false
    [ "$logical" -gt "$cores" ] && smt=true
    seen=$(grep -o '"physical_cores": [0-9]*\|"smt": [a-z]*' "$meta" | sort -u | tr '\n' ' ')
    check "cores and SMT of CPUs $2 (got: $seen)" \
        [ "$seen" = "\"physical_cores\": $cores \"smt\": $smt " ]
    warnings=$(grep -c 'threads share cores through SMT' "$meta")
    if [ "$smt" = true ] && [ "$3" -gt "$cores" ] && [ "$3" -le "$logical" ]; then
        check "$3 threads on $cores cores: SMT warned" [ "$warnings" -gt 0 ]
    else
        check "no false SMT warning ($(grep -m 1 'through SMT' "$meta"))" [ "$warnings" -eq 0 ]
    fi
}

test_syntax() {
    for f in bench/slurm/*.sbatch bench/pbs/*.pbs; do
        check "bash -n $f" bash -n "$f"
    done
}

test_slurm_sweep() {
    out="$TMP/s1-$SHIM_MODE"
    run_template bench/slurm/sweep.sbatch SLURM_SUBMIT_DIR="$PWD" \
        SLURM_CPUS_PER_TASK=$ASKED SLURM_JOB_ID=4242 OUT="$out"
    rc=$?
    check "exit 0 ($(tail -n 1 "$TMP/job.out"))" [ $rc -eq 0 ]
    check "2 workloads x 2 counts x 2 repeats" [ "$(data_rows "$out/runs.csv")" -eq 8 ]
    check "threads 1 and 2" [ "$(column "$out/runs.csv" threads | sort -u | tr '\n' ' ')" = "1 2 " ]
    check "job id in metadata" grep -q '"slurm_job_id": "4242"' "$out/metadata.json"
    check "placement recorded" grep -q '"OMP_PLACES": "cores"' "$out/metadata.json"
    check_cpus "$out"
}

test_slurm_loop() {
    out="$TMP/s2-$SHIM_MODE"
    run_template bench/slurm/omp_loop.sbatch SLURM_SUBMIT_DIR="$PWD" \
        SLURM_CPUS_PER_TASK=$ASKED SLURM_JOB_ID=4243 OUT="$out"
    check "exit 0" [ $? -eq 0 ]
    check "8 rows" [ "$(data_rows "$out/runs.csv")" -eq 8 ]
    check "one run id per count" [ "$(column "$out/runs.csv" run_id | sort -u | wc -l)" -eq 2 ]
    check "merged speedup for 2 threads" [ -n "$(awk -F, '$9 == 2 { print $19 }' "$out/merged/summary.csv" | head -n 1)" ]
    check_cpus "$out"
}

# By default each array task writes its own directory OUT/task-N, and the
# merge job pools them.
test_slurm_array() {
    out="$TMP/s3-$SHIM_MODE"
    for task in 0 1; do # concurrently, as array tasks would
        run_template bench/slurm/array.sbatch SLURM_SUBMIT_DIR="$PWD" SLURM_CPUS_PER_TASK=$ASKED \
            SLURM_ARRAY_JOB_ID=77 SLURM_ARRAY_TASK_ID=$task COUNTS="1 2" OUT="$out" &
    done
    wait
    check "4 rows in task-0" [ "$(data_rows "$out/task-0/runs.csv")" -eq 4 ]
    check "4 rows in task-1" [ "$(data_rows "$out/task-1/runs.csv")" -eq 4 ]
    check "task-1 ran 2 threads" [ "$(column "$out/task-1/runs.csv" threads | sort -u)" = 2 ]
    check "task-0 metadata" [ -s "$out/task-0/metadata.json" ]
    check "task-1 metadata" [ -s "$out/task-1/metadata.json" ]
    check "no shared runs.csv" [ ! -e "$out/runs.csv" ]
    check_cpus "$out/task-0"
    check_cpus "$out/task-1"
    run_template bench/slurm/merge.sbatch SLURM_SUBMIT_DIR="$PWD" OUT="$out"
    check "merge exit 0" [ $? -eq 0 ]
    check "merged rows for both counts" [ "$(data_rows "$out/merged/summary.csv")" -eq 4 ]
    check "merged speedup for 2 threads" [ -n "$(awk -F, '$9 == 2 { print $19 }' "$out/merged/summary.csv" | head -n 1)" ]
    run_template bench/slurm/merge.sbatch SLURM_SUBMIT_DIR="$PWD" OUT="$TMP/empty"
    check "merge of nothing: exit 2" [ $? -eq 2 ]
    run_template bench/slurm/array.sbatch SLURM_SUBMIT_DIR="$PWD" COUNTS="1 2" OUT="$out"
    check "array template refuses to run outside an array" [ $? -ne 0 ]
}

# SHARED=1: every task appends to one runs.csv (under the row lock).
test_slurm_array_shared() {
    out="$TMP/s3shared-$SHIM_MODE"
    for task in 0 1; do
        run_template bench/slurm/array.sbatch SLURM_SUBMIT_DIR="$PWD" SHARED=1 \
            SLURM_ARRAY_JOB_ID=78 SLURM_ARRAY_TASK_ID=$task COUNTS="1 2" OUT="$out" &
    done
    wait
    check "8 rows from 2 tasks" [ "$(data_rows "$out/runs.csv")" -eq 8 ]
    check "one header" [ "$(grep -c '^run_id,' "$out/runs.csv")" -eq 1 ]
    check "no task directories" [ ! -e "$out/task-0" ]
    run_template bench/slurm/merge.sbatch SLURM_SUBMIT_DIR="$PWD" OUT="$out"
    check "merge exit 0" [ $? -eq 0 ]
    check "merged rows for both counts" [ "$(data_rows "$out/merged/summary.csv")" -eq 4 ]
}

# Outside Slurm the shim runs each "srun --ntasks=N" as one plain process,
# so this checks the flow (ranks loop, shared runs.csv, merge), not MPI; the
# srun log shows the layout each step asked for.
test_slurm_multinode() {
    out="$TMP/s4-$SHIM_MODE"
    rm -f "$TMP/srun.log"
    run_template bench/slurm/multinode.sbatch SLURM_SUBMIT_DIR="$PWD" SLURM_NTASKS=2 \
        SLURM_JOB_NUM_NODES=1 SLURM_NTASKS_PER_NODE=2 SLURM_CPUS_PER_TASK=$ASKED \
        SLURM_JOB_ID=4244 OUT="$out"
    check "exit 0" [ $? -eq 0 ]
    check "2 rank counts x 2 workloads x 2 threads x 2 repeats" [ "$(data_rows "$out/runs.csv")" -eq 16 ]
    check "merged summary" [ -s "$out/merged/summary.csv" ]
    check "2 steps, each with 2 tasks per node" \
        [ "$(grep -c -- '--ntasks-per-node=2 ' "$TMP/srun.log")" -eq 2 ]
    check_cpus "$out"
}

test_pbs() {
    out="$TMP/p1"
    run_template bench/pbs/sweep.pbs PBS_O_WORKDIR="$PWD" NCPUS=2 PBS_JOBID=99.server OUT="$out"
    check "sweep exit 0" [ $? -eq 0 ]
    check "sweep rows" [ "$(data_rows "$out/runs.csv")" -eq 8 ]
    check "PBS job id in metadata" grep -q '"pbs_jobid": "99.server"' "$out/metadata.json"
    check_topology "$out" "$(mask_cpus)" 2
    run_template bench/pbs/omp_loop.pbs PBS_O_WORKDIR="$PWD" NCPUS=2 OUT="$TMP/p2"
    check "loop rows" [ "$(data_rows "$TMP/p2/runs.csv")" -eq 8 ]
    check "loop merged" [ -s "$TMP/p2/merged/summary.csv" ]
    check_topology "$TMP/p2" "$(mask_cpus)" 2
    for i in 0 1; do
        run_template bench/pbs/array.pbs PBS_O_WORKDIR="$PWD" PBS_ARRAY_INDEX=$i \
            COUNTS="1 2" OUT="$TMP/p3"
    done
    check "array: one directory per subjob" [ "$(data_rows "$TMP/p3/task-1/runs.csv")" -eq 4 ]
    run_template bench/pbs/merge.pbs PBS_O_WORKDIR="$PWD" OUT="$TMP/p3"
    check "array + merge" [ "$(data_rows "$TMP/p3/merged/summary.csv")" -eq 4 ]
    for i in 0 1; do
        run_template bench/pbs/array.pbs PBS_O_WORKDIR="$PWD" PBS_ARRAY_INDEX=$i \
            SHARED=1 COUNTS="1 2" OUT="$TMP/p4"
    done
    check "shared array: one runs.csv" [ "$(data_rows "$TMP/p4/runs.csv")" -eq 8 ]
    run_template bench/pbs/merge.pbs PBS_O_WORKDIR="$PWD" OUT="$TMP/p4"
    check "shared array + merge" [ "$(data_rows "$TMP/p4/merged/summary.csv")" -eq 4 ]
}

# Torque ("-l nodes=1:ppn=N") sets PBS_NUM_PPN, not NCPUS; without a cpuset
# the shell sees the whole node, so the sweep must stop at the ppn asked.
test_pbs_torque() {
    run_template bench/pbs/sweep.pbs PBS_O_WORKDIR="$PWD" PBS_NUM_PPN=1 \
        PBS_JOBID=100.torque OUT="$TMP/t1"
    check "sweep exit 0" [ $? -eq 0 ]
    check "sweep threads stop at ppn=1" [ "$(column "$TMP/t1/runs.csv" threads | sort -u)" = 1 ]
    run_template bench/pbs/omp_loop.pbs PBS_O_WORKDIR="$PWD" PBS_NUM_PPN=1 OUT="$TMP/t2"
    check "loop exit 0" [ $? -eq 0 ]
    check "loop threads stop at ppn=1" [ "$(column "$TMP/t2/runs.csv" threads | sort -u)" = 1 ]
}

# A Slurm step bound to fewer CPUs than SLURM_CPUS_PER_TASK (what srun of
# 22.05-23.02 does without --cpus-per-task): the oversubscription warning
# says why and gives the fix, in one line on stderr and in metadata.json;
# outside a Slurm job, or when the step got its CPUs, it stays the plain one.
SLURM_WHY="2 threads exceed the 1 logical CPUs this Slurm step may use, fewer than \
SLURM_CPUS_PER_TASK=2: oversubscribed (srun of Slurm 22.05-23.02 ignores that variable); \
pass --cpus-per-task=2 to srun"
PLAIN="2 threads exceed the 1 logical CPUs OpenMP may use: oversubscribed, times will not scale"

# one_cpu_run DIR ENV...: ompsweep on CPU 0 alone with 1 and 2 threads.
one_cpu_run() {
    dir=$1; shift
    env -u SLURM_JOB_ID -u SLURM_CPUS_PER_TASK -u SRUN_CPUS_PER_TASK "$@" taskset -c 0 \
        "$BIN" bogosort --rows 20 --cols 4 -t 1,2 -r 1 -q -o "$dir" >/dev/null 2>"$TMP/err"
}

test_slurm_warning() {
    one_cpu_run "$TMP/w1" SLURM_JOB_ID=4245 SLURM_CPUS_PER_TASK=2
    check "exit 0" [ $? -eq 0 ]
    check "one oversubscription line on stderr ($(grep exceed "$TMP/err"))" \
        [ "$(grep exceed "$TMP/err")" = "ompsweep: warning: $SLURM_WHY" ]
    check "the same line in metadata.json" grep -qF "\"$SLURM_WHY\"" "$TMP/w1/metadata.json"
    one_cpu_run "$TMP/w2" SLURM_CPUS_PER_TASK=2
    check "outside a Slurm job: the plain warning ($(grep exceed "$TMP/err"))" \
        [ "$(grep exceed "$TMP/err")" = "ompsweep: warning: $PLAIN" ]
    check "no Slurm advice in metadata.json" [ "$(grep -c SLURM_CPUS_PER_TASK "$TMP/w2/metadata.json")" -eq 0 ]
    one_cpu_run "$TMP/w3" SLURM_JOB_ID=4246 SLURM_CPUS_PER_TASK=1
    check "step got the CPUs the job asked: the plain warning ($(grep exceed "$TMP/err"))" \
        [ "$(grep exceed "$TMP/err")" = "ompsweep: warning: $PLAIN" ]
}

# exec.sbatch: the user's program (tests/exec/sum_int.c) swept through srun.
test_slurm_exec() {
    out="$TMP/se-$SHIM_MODE"
    prog="$TMP/sum_int"
    [ -x "$prog" ] || ${CC:-cc} -O2 -fopenmp -o "$prog" tests/exec/sum_int.c
    env PATH="$SHIM_PATH" SHIM_SLURM_VERSION="$SHIM_MODE" SHIM_SRUN_LOG="$TMP/srun.log" \
        OMPSWEEP="$BIN" OMPSWEEP_ARGS="-r 2 -w 0 -q" RESULT='checksum: (.*)' \
        SLURM_SUBMIT_DIR="$PWD" SLURM_CPUS_PER_TASK=$ASKED SLURM_JOB_ID=4250 OUT="$out" \
        bash bench/slurm/exec.sbatch "$prog" 20000 >"$TMP/job.out" 2>&1
    rc=$?
    check "exit 0 ($(tail -n 1 "$TMP/job.out"))" [ $rc -eq 0 ]
    check "2 counts x 2 repeats" [ "$(data_rows "$out/runs.csv")" -eq 4 ]
    check "workload exec" [ "$(column "$out/runs.csv" workload | sort -u)" = exec ]
    check "all verified" [ "$(column "$out/runs.csv" verified | sort -u)" = true ]
    check "one checksum" [ "$(column "$out/runs.csv" checksum | sort -u | wc -l)" -eq 1 ]
    check "bound close by the template" [ "$(column "$out/runs.csv" bind | sort -u)" = close ]
    check_cpus "$out"
}

# hybrid.sbatch: the ranks x threads cells of tests/exec/hybrid.c, each run
# an srun step; the shim starts a step's tasks as one MPI job (mpirun), each
# task on CPUs of its own. Every rank must get the cell's threads and CPUs.
HYBRID_METRICS="--metric ranks=^ranks:.([0-9]+) --metric threads=^threads:.min.([0-9]+)
    --metric cpus_min=^cpus:.min.([0-9]+) --metric cpus_max=^cpus:.min.[0-9]+.max.([0-9]+)"

# hybrid_metric DIR RANKS THREADS NAME: the values of one metric in a cell.
hybrid_metric() {
    awk -F, -v r="$2" -v t="$3" -v m="$4" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
        $c["ranks"] == r && $c["threads"] == t && $c["metric"] == m { print $c["value"] }' \
        "$1/metrics.csv" | sort -u | tr '\n' ' '
}

test_slurm_hybrid() {
    if ! command -v mpicc >/dev/null || ! command -v mpirun >/dev/null; then
        echo "  (skipped: no mpicc/mpirun for tests/exec/hybrid.c; install openmpi-bin libopenmpi-dev)"
        return 0
    fi
    prog="$TMP/hybrid"
    [ -x "$prog" ] || mpicc -O2 -fopenmp -o "$prog" tests/exec/hybrid.c || return 0
    out="$TMP/sh-$SHIM_MODE"
    rm -f "$TMP/srun.log"
    env PATH="$SHIM_PATH" SHIM_SLURM_VERSION="$SHIM_MODE" SHIM_SRUN_LOG="$TMP/srun.log" \
        SHIM_SRUN_MPI=1 OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 \
        OMPSWEEP="$BIN" OMPSWEEP_ARGS="-r 1 -w 0 -q $HYBRID_METRICS" RESULT='checksum: (.*)' \
        CORES=1,$ASKED SLURM_SUBMIT_DIR="$PWD" SLURM_CPUS_ON_NODE=$ASKED SLURM_CPUS_PER_TASK=1 \
        SLURM_JOB_ID=4251 OUT="$out" bash bench/slurm/hybrid.sbatch "$prog" 20000 >"$TMP/job.out" 2>&1
    rc=$?
    check "exit 0 ($(tail -n 1 "$TMP/job.out"))" [ $rc -eq 0 ]
    check "cells 1x1, 1x2, 2x1" [ "$(awk -F, 'NR > 1 { print $10 "x" $11 }' "$out/runs.csv" | sort | tr '\n' ' ')" = "1x1 1x2 2x1 " ]
    check "all verified" [ "$(column "$out/runs.csv" verified | sort -u)" = true ]
    check "one checksum" [ "$(column "$out/runs.csv" checksum | sort -u | wc -l)" -eq 1 ]
    check "bound close by the template" [ "$(column "$out/runs.csv" bind | sort -u)" = close ]
    check "one srun step per run, each with the cell's tasks and CPUs" [ "$(grep -c \
        -e '^srun --ntasks=1 --cpus-per-task=1 --cpu-bind=cores --export=ALL ' \
        -e '^srun --ntasks=1 --cpus-per-task=2 --cpu-bind=cores --export=ALL ' \
        -e '^srun --ntasks=2 --cpus-per-task=1 --cpu-bind=cores --export=ALL ' "$TMP/srun.log")" -eq 3 ]
    for cell in 1x1 1x2 2x1; do
        r=${cell%x*} t=${cell#*x}
        check "$cell: $r ranks of $t threads" \
            [ "$(hybrid_metric "$out" "$r" "$t" ranks)$(hybrid_metric "$out" "$r" "$t" threads)" = "$r $t " ]
        check "$cell: $t CPUs for each rank" \
            [ "$(hybrid_metric "$out" "$r" "$t" cpus_min)$(hybrid_metric "$out" "$r" "$t" cpus_max)" = "$t $t " ]
    done
    check "2 cores split two ways in splits.csv" \
        [ "$(awk -F, '$9 == 2 { print $10 }' "$out/splits.csv")" = 2 ]
    check "no oversubscription warned" [ "$(grep -c oversubscribed "$out/metadata.json")" -eq 0 ]
}

run_test test_syntax
run_test test_slurm_warning
for SHIM_MODE in $SHIM_MODES; do
    echo "-- srun as in Slurm $SHIM_MODE"
    run_test test_slurm_sweep
    run_test test_slurm_loop
    run_test test_slurm_array
    run_test test_slurm_array_shared
    run_test test_slurm_multinode
    run_test test_slurm_exec
    run_test test_slurm_hybrid
done
run_test test_pbs
run_test test_pbs_torque
finish
