# bench/compare.sh refuses to start, with a clear message and exit 2, when
# a prerequisite is missing or an option is wrong; it writes nothing then.
# Every case stops before any measurement, so this runs in well under a
# second and needs no Python.
. tests/lib.sh

# expect_refusal PATTERN [VAR=VALUE...] -- ARGS...: exit 2, stderr matches
# PATTERN (grep -E), nothing on stdout, no --out directory.
expect_refusal() {
    pattern=$1; shift
    envs=""
    while [ "$1" != -- ]; do envs="$envs $1"; shift; done
    shift
    out="$TMP/cmp"
    rm -rf "$out"
    env $envs sh bench/compare.sh --out "$out" "$@" >"$TMP/stdout" 2>"$TMP/stderr"
    rc=$?
    check "exit 2 for [$envs] $* (got $rc)" [ "$rc" -eq 2 ]
    check "message for [$envs] $* (got: $(cat "$TMP/stderr"))" \
        grep -Eq -e "$pattern" "$TMP/stderr"
    check "no stdout for [$envs] $*" [ ! -s "$TMP/stdout" ]
    check "no output dir for [$envs] $*" [ ! -e "$out" ]
}

test_missing_ompsweep() {
    expect_refusal "^bench/compare.sh: $TMP/none not found or not executable: run 'make' first" \
        OMPSWEEP="$TMP/none" --
}

test_missing_python() {
    expect_refusal "Python '$TMP/nopython' not found: install Debian's python3-sklearn and python3-joblib" \
        OMPSWEEP="$OMPSWEEP" PYTHON="$TMP/nopython" --
}

test_python_without_packages() {
    # A "python" that can import nothing, as one without scikit-learn.
    printf '#!/bin/sh\nexit 1\n' >"$TMP/barepython"
    chmod +x "$TMP/barepython"
    expect_refusal "lacks the peer's packages: install Debian's .*python3-sklearn python3-joblib" \
        OMPSWEEP="$OMPSWEEP" PYTHON="$TMP/barepython" --
}

test_bad_options() {
    expect_refusal "--frobnicate: unknown option" OMPSWEEP="$OMPSWEEP" -- --frobnicate
    expect_refusal "--workers: 'x' is not a positive whole number" OMPSWEEP="$OMPSWEEP" -- --workers 1,x
    expect_refusal "--peer-rows: '0' must be 1..1000" OMPSWEEP="$OMPSWEEP" -- --peer-rows 0
    expect_refusal "--repeats: missing value" OMPSWEEP="$OMPSWEEP" -- --repeats
}

test_help() {
    sh bench/compare.sh --help >"$TMP/stdout" 2>&1
    check "exit 0" [ $? -eq 0 ]
    check "usage line" grep -q '^usage: bench/compare.sh' "$TMP/stdout"
}

run_test test_missing_ompsweep
run_test test_missing_python
run_test test_python_without_packages
run_test test_bad_options
run_test test_help
finish
