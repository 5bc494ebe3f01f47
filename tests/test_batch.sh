# The Slurm and PBS templates of bench/: syntax (bash -n), then each run
# locally with the scheduler's variables faked and tests/shim/srun standing in
# for srun, on tiny problems.
. tests/lib.sh

BIN=$(cd "$(dirname "$OMPSWEEP")" && pwd)/$(basename "$OMPSWEEP")
TINY="--rows 40 --cols 5 --samples 300 --features 4 --k-max 5 -r 2 -w 0 -q"
SHIM_PATH="$PWD/tests/shim:$PATH"

# Run a template with the fake scheduler environment given as NAME=value.
run_template() {
    script=$1; shift
    env PATH="$SHIM_PATH" OMPSWEEP="$BIN" OMPSWEEP_ARGS="$TINY" "$@" \
        bash "$script" >"$TMP/job.out" 2>&1
}

test_syntax() {
    for f in bench/slurm/*.sbatch bench/pbs/*.pbs; do
        check "bash -n $f" bash -n "$f"
    done
}

test_slurm_sweep() {
    out="$TMP/s1"
    run_template bench/slurm/sweep.sbatch SLURM_SUBMIT_DIR="$PWD" \
        SLURM_CPUS_PER_TASK=2 SLURM_JOB_ID=4242 OUT="$out"
    rc=$?
    check "exit 0 ($(tail -n 1 "$TMP/job.out"))" [ $rc -eq 0 ]
    check "2 workloads x 2 counts x 2 repeats" [ "$(data_rows "$out/runs.csv")" -eq 8 ]
    check "threads 1 and 2" [ "$(column "$out/runs.csv" threads | sort -u | tr '\n' ' ')" = "1 2 " ]
    check "job id in metadata" grep -q '"slurm_job_id": "4242"' "$out/metadata.json"
    check "placement recorded" grep -q '"OMP_PLACES": "cores"' "$out/metadata.json"
}

test_slurm_loop() {
    out="$TMP/s2"
    run_template bench/slurm/omp_loop.sbatch SLURM_SUBMIT_DIR="$PWD" \
        SLURM_CPUS_PER_TASK=2 SLURM_JOB_ID=4243 OUT="$out"
    check "exit 0" [ $? -eq 0 ]
    check "8 rows" [ "$(data_rows "$out/runs.csv")" -eq 8 ]
    check "one run id per count" [ "$(column "$out/runs.csv" run_id | sort -u | wc -l)" -eq 2 ]
    check "merged speedup for 2 threads" [ -n "$(awk -F, '$7 == 2 { print $17 }' "$out/merged/summary.csv" | head -n 1)" ]
}

# By default each array task writes its own directory OUT/task-N, and the
# merge job pools them.
test_slurm_array() {
    out="$TMP/s3"
    for task in 0 1; do # concurrently, as array tasks would
        run_template bench/slurm/array.sbatch SLURM_SUBMIT_DIR="$PWD" \
            SLURM_ARRAY_JOB_ID=77 SLURM_ARRAY_TASK_ID=$task COUNTS="1 2" OUT="$out" &
    done
    wait
    check "4 rows in task-0" [ "$(data_rows "$out/task-0/runs.csv")" -eq 4 ]
    check "4 rows in task-1" [ "$(data_rows "$out/task-1/runs.csv")" -eq 4 ]
    check "task-1 ran 2 threads" [ "$(column "$out/task-1/runs.csv" threads | sort -u)" = 2 ]
    check "task-0 metadata" [ -s "$out/task-0/metadata.json" ]
    check "task-1 metadata" [ -s "$out/task-1/metadata.json" ]
    check "no shared runs.csv" [ ! -e "$out/runs.csv" ]
    run_template bench/slurm/merge.sbatch SLURM_SUBMIT_DIR="$PWD" OUT="$out"
    check "merge exit 0" [ $? -eq 0 ]
    check "merged rows for both counts" [ "$(data_rows "$out/merged/summary.csv")" -eq 4 ]
    check "merged speedup for 2 threads" [ -n "$(awk -F, '$7 == 2 { print $17 }' "$out/merged/summary.csv" | head -n 1)" ]
    run_template bench/slurm/merge.sbatch SLURM_SUBMIT_DIR="$PWD" OUT="$TMP/empty"
    check "merge of nothing: exit 2" [ $? -eq 2 ]
    run_template bench/slurm/array.sbatch SLURM_SUBMIT_DIR="$PWD" COUNTS="1 2" OUT="$out"
    check "array template refuses to run outside an array" [ $? -ne 0 ]
}

# SHARED=1: every task appends to one runs.csv (under the row lock).
test_slurm_array_shared() {
    out="$TMP/s3shared"
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
# so this checks the flow (ranks loop, shared runs.csv, merge), not MPI.
test_slurm_multinode() {
    out="$TMP/s4"
    run_template bench/slurm/multinode.sbatch SLURM_SUBMIT_DIR="$PWD" \
        SLURM_NTASKS=2 SLURM_CPUS_PER_TASK=2 SLURM_JOB_ID=4244 OUT="$out"
    check "exit 0" [ $? -eq 0 ]
    check "2 rank counts x 2 workloads x 2 threads x 2 repeats" [ "$(data_rows "$out/runs.csv")" -eq 16 ]
    check "merged summary" [ -s "$out/merged/summary.csv" ]
}

test_pbs() {
    out="$TMP/p1"
    run_template bench/pbs/sweep.pbs PBS_O_WORKDIR="$PWD" NCPUS=2 PBS_JOBID=99.server OUT="$out"
    check "sweep exit 0" [ $? -eq 0 ]
    check "sweep rows" [ "$(data_rows "$out/runs.csv")" -eq 8 ]
    check "PBS job id in metadata" grep -q '"pbs_jobid": "99.server"' "$out/metadata.json"
    run_template bench/pbs/omp_loop.pbs PBS_O_WORKDIR="$PWD" NCPUS=2 OUT="$TMP/p2"
    check "loop rows" [ "$(data_rows "$TMP/p2/runs.csv")" -eq 8 ]
    check "loop merged" [ -s "$TMP/p2/merged/summary.csv" ]
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

run_test test_syntax
run_test test_slurm_sweep
run_test test_slurm_loop
run_test test_slurm_array
run_test test_slurm_array_shared
run_test test_slurm_multinode
run_test test_pbs
finish
