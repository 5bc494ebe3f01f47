#!/bin/sh
# Runs every unit-test binary and every shell test, adds up their
# "RESULT <passed> <failed>" lines and closes with "N passed, N failed".
# Exits non-zero when any test failed or a test program crashed.
set -u
: "${OMPSWEEP:=./ompsweep}" "${TEST_BIN_DIR:?}"
export OMPSWEEP
passed=0
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

run_one() {
    name=$1; shift
    echo "== $name"
    "$@" >"$log" 2>&1
    rc=$?
    cat "$log"
    result=$(grep '^RESULT ' "$log" | tail -n 1)
    if [ -z "$result" ]; then
        echo "FAIL $name crashed or printed no RESULT line (exit $rc)"
        failed=$((failed + 1))
        return
    fi
    set -- $result
    passed=$((passed + $2))
    failed=$((failed + $3))
    if [ "$rc" -ne 0 ] && [ "$3" -eq 0 ]; then
        echo "FAIL $name exited $rc"
        failed=$((failed + 1))
    fi
}

for bin in "$TEST_BIN_DIR"/test_*; do
    case $bin in *.o|*.d) continue ;; esac
    [ -x "$bin" ] && run_one "$(basename "$bin")" "$bin"
done
for script in tests/test_*.sh; do
    [ -f "$script" ] && run_one "$(basename "$script")" sh "$script"
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
