# Shared helpers for the shell tests: a test is a function; `check` records
# a failed assertion; `run_test` reports ok/FAIL; `finish` prints RESULT.
: "${OMPSWEEP:=./ompsweep}"
TMP=$(mktemp -d /tmp/ompsweep-sh.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
PASSED=0
FAILED=0
CURRENT_FAILS=0

# check DESCRIPTION COMMAND...: the command must succeed.
check() {
    desc=$1; shift
    if ! "$@"; then
        echo "  check failed: $desc" >&2
        CURRENT_FAILS=$((CURRENT_FAILS + 1))
    fi
}

run_test() {
    CURRENT_FAILS=0
    "$1"
    if [ "$CURRENT_FAILS" -eq 0 ]; then
        PASSED=$((PASSED + 1)); echo "ok   $1"
    else
        FAILED=$((FAILED + 1)); echo "FAIL $1 ($CURRENT_FAILS checks)"
    fi
}

finish() {
    echo "RESULT $PASSED $FAILED"
    [ "$FAILED" -eq 0 ]
}

# dir_snapshot DIR: a checksum line per file under DIR ("" when missing).
dir_snapshot() {
    [ -d "$1" ] || return 0
    (cd "$1" && find . -type f | sort | xargs md5sum)
}

# expect_usage_error EXPECTED_MESSAGE ARGS...: exit 2, exactly one stderr
# line equal to "ompsweep: EXPECTED_MESSAGE", nothing on stdout. With
# USAGE_OUT set, the run writes to that (populated) directory and must leave
# it byte for byte as it was; in any case a run into a fresh directory must
# not create it (skipped with FRESH=0, when the bad state lives in USAGE_OUT).
expect_usage_error() {
    msg=$1; shift
    out=${USAGE_OUT:-$TMP/never}
    before=$(dir_snapshot "$out")
    "$OMPSWEEP" -o "$out" "$@" >"$TMP/stdout" 2>"$TMP/stderr"
    rc=$?
    check "exit 2 for: $* (got $rc)" [ "$rc" -eq 2 ]
    check "one stderr line for: $*" [ "$(wc -l <"$TMP/stderr")" -eq 1 ]
    check "message for: $* (got: $(head -c 300 "$TMP/stderr"))" \
        [ "$(cat "$TMP/stderr")" = "ompsweep: $msg" ]
    check "no stdout for: $*" [ ! -s "$TMP/stdout" ]
    check "output unchanged for: $*" [ "$(dir_snapshot "$out")" = "$before" ]
    [ "${FRESH:-1}" = 1 ] || return 0
    rm -rf "$TMP/fresh"
    "$OMPSWEEP" -o "$TMP/fresh" "$@" >/dev/null 2>&1
    check "no directory created for: $*" [ ! -e "$TMP/fresh" ]
}

# term_after SECONDS ARGS...: run ompsweep ARGS in the background, send it
# SIGTERM after SECONDS and print its exit status.
term_after() {
    delay=$1; shift
    "$OMPSWEEP" "$@" >/dev/null 2>&1 &
    pid=$!
    sleep "$delay"
    kill -TERM $pid
    wait $pid
    echo $?
}

# build_checks_here: true in the plain build. Tests of the build and the
# recipes compile their own copies; under the sanitizer builds of CI they
# would only repeat the same work, so they run once, in the plain build.
build_checks_here() {
    if "$OMPSWEEP" --version | grep -q -- -fsanitize; then
        echo "  (skipped in a sanitizer build: the build checks run in the plain one)"
        return 1
    fi
}

# data_rows FILE: lines after the header.
data_rows() {
    if [ -f "$1" ]; then tail -n +2 "$1" | grep -c .; else echo 0; fi
}

# column FILE NAME: the values of one column of an RFC 4180 file (quoted
# fields may hold commas), with bench/csv.awk's splitter.
column() {
    awk -v name="$2" "$(cat bench/csv.awk)"'
        { n = csv_split($0, f) }
        NR == 1 { for (i = 1; i <= n; i++) if (f[i] == name) col = i; next }
        { print f[col] }' "$1"
}

# column_where FILE KEY VALUE NAME: column NAME of the rows whose column KEY
# is VALUE, in an RFC 4180 file.
column_where() {
    awk -v key="$2" -v value="$3" -v name="$4" "$(cat bench/csv.awk)"'
        { n = csv_split($0, f) }
        NR == 1 { for (i = 1; i <= n; i++) col[f[i]] = i; next }
        f[col[key]] == value { print f[col[name]] }' "$1"
}
