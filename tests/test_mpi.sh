# The MPI build (make MPI=1) under mpirun: 1 and 2 ranks give the same
# checksums and elbow scores as the plain build, one runs.csv header, and the
# ranks column. Runs when OpenMPI is installed (make test builds the MPI
# binary then and passes it as $OMPSWEEP_MPI).
. tests/lib.sh

# As root (CI), OpenMPI wants both of these.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
MPIRUN="mpirun --oversubscribe"
ARGS="all -t 1,2 -r 1 -w 0 -q"

usable() {
    if [ -z "${OMPSWEEP_MPI:-}" ] || ! command -v mpirun >/dev/null; then
        echo "  (skipped: no MPI build or no mpirun; install openmpi-bin libopenmpi-dev)"
        return 1
    fi
}

checksums() { awk -F, 'NR > 1 { print $4, $16 }' "$1" | sort -u; }

test_same_results_as_one_process() {
    usable || return 0
    "$OMPSWEEP" $ARGS -o "$TMP/plain" >/dev/null 2>&1
    $MPIRUN -np 2 "$OMPSWEEP_MPI" $ARGS -o "$TMP/np2" >"$TMP/out" 2>"$TMP/err"
    rc=$?
    check "mpirun -np 2 exit 0 (got $rc: $(tail -n 1 "$TMP/err"))" [ $rc -eq 0 ]
    check "same checksums as one process" [ "$(checksums "$TMP/np2/runs.csv")" = "$(checksums "$TMP/plain/runs.csv")" ]
    check "one checksum per workload" [ "$(checksums "$TMP/np2/runs.csv" | wc -l)" -eq 2 ]
    check "one header" [ "$(grep -c '^run_id,' "$TMP/np2/runs.csv")" -eq 1 ]
    check "4 rows" [ "$(data_rows "$TMP/np2/runs.csv")" -eq 4 ]
    check "ranks = 2" [ "$(column "$TMP/np2/runs.csv" ranks | sort -u)" = 2 ]
    check "plain build: ranks = 1" [ "$(column "$TMP/plain/runs.csv" ranks | sort -u)" = 1 ]
    check "same elbow scores" [ "$(column "$TMP/np2/elbow.csv" silhouette_mean)" = "$(column "$TMP/plain/elbow.csv" silhouette_mean)" ]
    check "one table on stdout (rank 0 prints)" [ "$(grep -c '^ompsweep run ' "$TMP/out")" -eq 1 ]
    check "metadata records the ranks" grep -q '"ranks": 2' "$TMP/np2/metadata.json"
}

test_one_rank() {
    usable || return 0
    $MPIRUN -np 1 "$OMPSWEEP_MPI" bogosort -t 1 -r 1 -w 0 -q -o "$TMP/np1" >/dev/null 2>&1
    check "exit 0" [ $? -eq 0 ]
    check "ranks = 1" [ "$(column "$TMP/np1/runs.csv" ranks)" = 1 ]
    check "default checksum" [ "$(column "$TMP/np1/runs.csv" checksum)" = 0xd650bb4ad9894eeb ]
}

test_bad_input_under_mpi() {
    usable || return 0
    $MPIRUN -np 2 "$OMPSWEEP_MPI" bogosort --rows -5 -o "$TMP/bad" >/dev/null 2>"$TMP/err"
    rc=$?
    check "exit 2 (got $rc)" [ $rc -eq 2 ]
    check "one message (rank 0 only)" [ "$(grep -c '^ompsweep: --rows' "$TMP/err")" -eq 1 ]
    check "nothing created" [ ! -e "$TMP/bad" ]
}

# Binding sweeps re-execute ompsweep, which an MPI job cannot do safely:
# refused before any work, in one line.
test_bind_refused_under_mpi() {
    usable || return 0
    $MPIRUN -np 2 "$OMPSWEEP_MPI" bogosort --bind close -o "$TMP/bind" >/dev/null 2>"$TMP/err"
    rc=$?
    check "exit 2 (got $rc)" [ $rc -eq 2 ]
    check "one message" [ "$(grep -c '^ompsweep: --bind/--places: not available in an MPI build' "$TMP/err")" -eq 1 ]
    check "nothing created" [ ! -e "$TMP/bind" ]
}

run_test test_same_results_as_one_process
run_test test_bind_refused_under_mpi
run_test test_one_rank
run_test test_bad_input_under_mpi
finish
