# valgrind memcheck on one small run of each workload (and summarize): no
# invalid access, no definite or indirect leak. The OpenMP runtime keeps its
# worker threads' stacks to the end ("possibly lost"); that is not ours.
# It runs OMPSWEEP_VALGRIND when set: a portable build (make test builds one),
# since valgrind stops at the AVX-512 instructions of -march=native.
. tests/lib.sh
OMPSWEEP=${OMPSWEEP_VALGRIND:-$OMPSWEEP}

memcheck() {
    valgrind --leak-check=full --errors-for-leak-kinds=definite,indirect \
        --error-exitcode=99 -q "$@" >/dev/null 2>"$TMP/vg"
}

usable() {
    if ! command -v valgrind >/dev/null; then
        echo "  (skipped: valgrind not installed)"
        return 1
    fi
    if "$OMPSWEEP" --version | grep -q -- -fsanitize; then
        echo "  (skipped: sanitizer build; ASan and valgrind do not mix)"
        return 1
    fi
}

test_bogosort_memcheck() {
    usable || return 0
    memcheck "$OMPSWEEP" bogosort --rows 30 --cols 5 -t 1,2 -r 2 -w 0 -q -o "$TMP/b"
    rc=$?
    check "memcheck clean (exit $rc): $(grep -m1 '==' "$TMP/vg")" [ $rc -eq 0 ]
}

test_elbow_memcheck() {
    usable || return 0
    for p in over-k tasks; do
        memcheck "$OMPSWEEP" elbow --samples 300 --features 5 --k-max 5 -t 1,2 -r 1 \
            -w 0 -q --parallel $p -o "$TMP/e"
        rc=$?
        check "memcheck clean for $p (exit $rc): $(grep -m1 '==' "$TMP/vg")" [ $rc -eq 0 ]
    done
    memcheck "$OMPSWEEP" summarize "$TMP/e/runs.csv"
    check "summarize clean" [ $? -eq 0 ]
}

run_test test_bogosort_memcheck
run_test test_elbow_memcheck
finish
