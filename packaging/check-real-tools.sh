#!/bin/sh
# The package recipes under the real tools, offline, each run from its
# source tree (none of them is a Debian package):
#
#   SPACK_ROOT=~/src/spack REFRAME_ROOT=~/src/reframe \
#   EASYBUILD_ROOT=~/src/easybuild-framework packaging/check-real-tools.sh
#
# A tool runs only when its variable names a source tree; the others are
# reported as skipped. make test checks the same recipes under small
# stand-ins (tests/packaging/); this script is the check that the stand-ins
# tell the truth. docs/install.md has the versions and a passing run.
#
#   SPACK_ROOT      a Spack checkout (run with v0.23.0). Its concretizer
#                   needs clingo's Python module importable (PYTHONPATH):
#                   bootstrapping is disabled, nothing is downloaded.
#   REFRAME_ROOT    a ReFrame checkout (run with v4.10.1), on Debian's
#                   python3-jsonschema, -yaml, -requests, -lxml, -semver,
#                   -tabulate, -fasteners, -jinja2, -argcomplete,
#                   -clustershell; archspec from ARCHSPEC_PATH, or Spack's
#                   vendored copy when SPACK_ROOT is given.
#   EASYBUILD_ROOT  an easybuild-framework checkout (run with 5.2.1), with
#                   EASYBLOCKS_ROOT the easybuild-easyblocks one (default:
#                   beside it); needs Lmod (Debian: lmod).
#   WORK            scratch directory (default: a new one under /tmp). It is
#                   kept: the logs of every step are in $WORK/logs.
#   PYTHON          the Python the tools run on (default /usr/bin/python3).
#
# The sources are a clone of the committed HEAD (uncommitted changes are
# not in it): `make recipe-checksums` there makes the tarball and writes its
# sha256 into the recipes, so Spack and EasyBuild verify the checksum for
# real. Closes with "N passed, N failed, N skipped"; exit 1 if a step failed.
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PY=${PYTHON:-/usr/bin/python3}
WORK=${WORK:-$(mktemp -d "${TMPDIR:-/tmp}/ompsweep-tools.XXXXXX")}
LOGS=$WORK/logs
SRC=$WORK/src
LMOD_INIT=/usr/share/lmod/lmod/init/bash
BASH_COMPLETION=/usr/share/bash-completion/bash_completion
PASSED=0
FAILED=0
SKIPPED=0
mkdir -p "$LOGS"

say() { printf '%s\n' "$*"; }

# step NAME COMMAND...: run COMMAND, its output in $LOGS/NAME.log; report.
step() {
    name=$1; shift
    log="$LOGS/$name.log"
    start=$(date +%s)
    if "$@" >"$log" 2>&1; then
        PASSED=$((PASSED + 1))
        say "ok   $name ($(( $(date +%s) - start )) s)"
        return 0
    fi
    FAILED=$((FAILED + 1))
    say "FAIL $name ($(( $(date +%s) - start )) s): last lines of $log:"
    tail -n 15 "$log" | sed 's/^/    /'
    return 1
}

skip() {
    SKIPPED=$((SKIPPED + 1))
    say "skip $1: $2"
}

# expect FILE PATTERN: FILE has a line matching the extended regex PATTERN
# (printed either way, so the log shows what was compared).
expect() {
    if grep -Eq -- "$2" "$1"; then
        say "found /$2/ in $1"
    else
        say "missing /$2/ in $1:"; cat "$1"
        return 1
    fi
}

# user_session OUT SETUP: in bash with a clean environment, run SETUP (a
# command that puts ompsweep in the environment, as a user would), then
# print what the user sees into OUT: which ompsweep, man -w ompsweep,
# XDG_DATA_DIRS, and what bash-completion's loader finds.
user_session() {
    out=$1; setup=$2
    env -i HOME="$WORK" PATH=/usr/bin:/bin TERM=dumb bash -c "
        $setup
        echo \"which \$(command -v ompsweep)\"
        command -v man >/dev/null && echo \"man \$(man -w ompsweep 2>&1)\"
        echo \"xdg \${XDG_DATA_DIRS-}\"
        if [ -f '$BASH_COMPLETION' ]; then
            . '$BASH_COMPLETION'
            __load_completion ompsweep && echo \"completion \$(complete -p ompsweep)\"
        fi
        true" >"$out" 2>&1
    cat "$out"
    expect "$out" '^which /.*/bin/ompsweep$' &&
        expect "$out" '^xdg /.*/share(:|$)' &&
        { [ ! -f "$BASH_COMPLETION" ] || expect "$out" '^completion complete -F _ompsweep ompsweep$'; } &&
        { ! grep -q '^man ' "$out" || expect "$out" '^man /.*/share/man/man1/ompsweep\.1$'; }
}

# --- the sources: a clone of HEAD, its tarball, recipes with its sha256 ---
prepare_sources() {
    rm -rf "$SRC" &&
        git clone -q "$ROOT" "$SRC" &&
        git -C "$SRC" checkout -q "$(git -C "$ROOT" rev-parse HEAD)" &&
        make -s -C "$SRC" recipe-checksums
}

# --- Spack ------------------------------------------------------------------
spack_run() { "$SPACK_ROOT/bin/spack" "$@"; }

spack_setup() {
    export SPACK_PYTHON="$PY" SPACK_USER_CONFIG_PATH="$WORK/spack/config" \
        SPACK_USER_CACHE_PATH="$WORK/spack/cache"
    "$PY" -c 'import clingo; print("clingo", clingo.__version__, clingo.__file__)' || {
        echo "clingo's Python module is not importable: put it on PYTHONPATH"
        return 1
    }
    spack_run --version &&
        spack_run bootstrap disable --scope user &&
        spack_run config --scope user add "config:install_tree:root:$WORK/spack/opt" &&
        spack_run compiler find --scope user &&
        spack_run external find --scope user gmake openmpi || return 1
    # A source mirror as Spack lays it out: the tarball under its sha256.
    sum=$(sha256sum "$TARBALL" | cut -d' ' -f1)
    dir="$WORK/spack/mirror/_source-cache/archive/$(printf %.2s "$sum")"
    mkdir -p "$dir" && cp "$TARBALL" "$dir/$sum.tar.gz" &&
        spack_run mirror add --scope user local "file://$WORK/spack/mirror" &&
        spack_run repo add --scope user "$SRC/packaging/spack" &&
        spack_run config get mirrors
}

# spack load in a shell without XDG_DATA_DIRS (the recipe then keeps the
# default directories after ours); the session applies what it printed.
# -v: the output of make test (the recipe's check) into the log; Spack
# keeps only the install-time tests' log in the prefix.
spack_install_test_root() {
    spack_run install -v --test=root ompsweep~mpi &&
        expect "$LOGS/spack-install-test-root.log" '^[0-9]+ passed, 0 failed'
}

spack_load_session() {
    (unset XDG_DATA_DIRS; spack_run load --sh ompsweep~mpi) >"$WORK/spack/load.sh" &&
        cat "$WORK/spack/load.sh" &&
        user_session "$WORK/spack/session.txt" ". '$WORK/spack/load.sh'"
}

check_spack() {
    if [ -z "${SPACK_ROOT:-}" ]; then
        skip spack "SPACK_ROOT not set"
        return
    fi
    step spack-setup spack_setup || return
    step spack-install-test-root spack_install_test_root
    step spack-test-run spack_run test run ompsweep~mpi
    step spack-load-completion spack_load_session
    if command -v mpicc >/dev/null; then
        step spack-install-mpi spack_run install ompsweep+mpi ^openmpi
    else
        skip spack-install-mpi "no mpicc (Debian: libopenmpi-dev)"
    fi
}

# --- ReFrame ----------------------------------------------------------------
reframe_run() {
    archspec=${ARCHSPEC_PATH:-${SPACK_ROOT:+$SPACK_ROOT/lib/spack/external}}
    PYTHONPATH="$REFRAME_ROOT${archspec:+:$archspec}${PYTHONPATH:+:$PYTHONPATH}" \
        "$PY" -c 'import sys; from reframe.frontend.cli import main
sys.argv[0] = "reframe"; main()' "$@"
}

reframe_settings() {
    mkdir -p "$WORK/reframe"
    cat >"$WORK/reframe/settings.py" <<'EOF'
# One "generic" system: this machine, local scheduler and launcher, GCC.
site_configuration = {
    'systems': [{
        'name': 'generic', 'descr': 'this machine', 'hostnames': ['.*'],
        'partitions': [{'name': 'default', 'scheduler': 'local',
                        'launcher': 'local', 'environs': ['gnu']}],
    }],
    'environments': [{'name': 'gnu', 'cc': 'gcc', 'features': ['openmp'],
                      'extras': {'omp_flag': '-fopenmp'}}],
}
EOF
    reframe_run --version
}

# reframe_check NAME OPTION...: the check from the clone (its sourcesdir is
# the clone, the committed reference/ run included), 2 threads, 1 repeat.
reframe_check() {
    run=$1; shift
    reframe_run -C "$WORK/reframe/settings.py" -c "$SRC/packaging/reframe/ompsweep_check.py" \
        --prefix "$WORK/reframe/$run" --report-file "$WORK/reframe/$run.json" \
        --keep-stage-files -r -S num_threads=2 -S repeats=1 --performance-report "$@"
}

# A run into the committed reference/ of the sources, which holds the rows
# of other runs: the check passes on the rows of its own run id.
reframe_beside_other_runs() {
    reframe_check beside -S output_dir=reference -S "extra_opts=--rows 200 --schedule dynamic,4" ||
        return 1
    csv=$(find "$WORK/reframe/beside/stage" -path '*/reference/summary.csv' | head -n 1)
    ids=$(cut -d, -f1 "$csv" | grep -v '^run_id$' | sort -u | wc -l)
    echo "$csv: rows of $ids run ids"
    [ "$ids" -ge 2 ]
}

# A run that cannot succeed (no rows): sanity must fail, naming the reason.
reframe_failing_run() {
    if reframe_check failing -S "extra_opts=--rows 0"; then
        echo "the check passed a run that failed"
        return 1
    fi
    expect "$WORK/reframe/failing.json" 'not enough matches of pattern|sanity'
}

check_reframe() {
    if [ -z "${REFRAME_ROOT:-}" ]; then
        skip reframe "REFRAME_ROOT not set"
        return
    fi
    step reframe-setup reframe_settings || return
    step reframe-check reframe_check own -S "extra_opts=--rows 200"
    step reframe-check-beside-other-runs reframe_beside_other_runs
    step reframe-check-fails-bad-run reframe_failing_run
}

# --- EasyBuild --------------------------------------------------------------
eb_run() {
    blocks=${EASYBLOCKS_ROOT:-$(dirname "$EASYBUILD_ROOT")/easybuild-easyblocks}
    root_ok=
    [ "$(id -u)" -eq 0 ] && root_ok=--allow-use-as-root-and-accept-consequences
    # EasyBuild refuses EASYBUILD_* variables that are not its options.
    env -u EASYBUILD_ROOT \
        PYTHONPATH="$EASYBUILD_ROOT:$blocks${PYTHONPATH:+:$PYTHONPATH}" \
        EASYBUILD_PREFIX="$WORK/easybuild" EASYBUILD_MODULES_TOOL=Lmod \
        EASYBUILD_SOURCEPATH="$WORK/easybuild/sources" \
        EASYBUILD_TMPDIR="$WORK/easybuild/tmp" \
        LMOD_CMD=${LMOD_CMD:-/usr/share/lmod/lmod/libexec/lmod} \
        "$PY" -m easybuild.main $root_ok "$@"
}

eb_setup() {
    mkdir -p "$WORK/easybuild/sources" "$WORK/easybuild/tmp" "$WORK/easybuild/toolchains/GCC" &&
        cp "$TARBALL" "$WORK/easybuild/sources/" &&
        eb_run --version
}

# The easyconfig with toolchain = SYSTEM, in a copy named as EasyBuild
# expects; the checksum is verified.
eb_system() {
    ec="$WORK/easybuild/ompsweep-$VERSION.eb"
    sed "s/^toolchain = .*/toolchain = SYSTEM/" "$SRC/$EASYCONFIG" >"$ec" &&
        eb_run "$ec" &&
        expect "$(ls "$WORK/easybuild/software/ompsweep/$VERSION/easybuild/"easybuild-ompsweep-*.log)" \
            'Checksum verification for .* passed'
}

# The easyconfig as committed: its GCC 12.2.0 toolchain is Debian's gcc
# 12.2.0, made known to EasyBuild by a module of that name.
eb_gcc() {
    cat >"$WORK/easybuild/toolchains/GCC/12.2.0.lua" <<'EOF'
-- The system's gcc 12.2.0 as EasyBuild's GCC/12.2.0 toolchain.
setenv("EBROOTGCC", "/usr")
setenv("EBVERSIONGCC", "12.2.0")
EOF
    MODULEPATH="$WORK/easybuild/toolchains" eb_run "$SRC/$EASYCONFIG"
}

eb_module_session() {
    user_session "$WORK/easybuild/load.txt" \
        ". '$LMOD_INIT'; module use '$WORK/easybuild/modules/all'; module load ompsweep/$VERSION"
}

check_easybuild() {
    if [ -z "${EASYBUILD_ROOT:-}" ]; then
        skip easybuild "EASYBUILD_ROOT not set"
        return
    fi
    if [ ! -f "$LMOD_INIT" ]; then
        skip easybuild "no Lmod (Debian: lmod)"
        return
    fi
    step easybuild-setup eb_setup || return
    step easybuild-system-toolchain eb_system
    step easybuild-module-load eb_module_session
    if [ "$(gcc -dumpfullversion 2>/dev/null)" = 12.2.0 ]; then
        step easybuild-gcc-12.2.0-toolchain eb_gcc
    else
        skip easybuild-gcc-12.2.0-toolchain "gcc is not 12.2.0"
    fi
}

say "work directory: $WORK"
step sources prepare_sources || { say "0 passed, 1 failed, 0 skipped"; exit 1; }
VERSION=$(sed -n 's/^VERSION *:*= *//p' "$SRC/Makefile")
TARBALL="$SRC/ompsweep-$VERSION.tar.gz"
EASYCONFIG=$(cd "$SRC" && ls packaging/easybuild/ompsweep-"$VERSION"-GCC-*.eb | head -n 1)
say "tarball: $TARBALL sha256 $(sha256sum "$TARBALL" | cut -d' ' -f1)"
check_spack
check_reframe
check_easybuild
say "$PASSED passed, $FAILED failed, $SKIPPED skipped"
[ "$FAILED" -eq 0 ]
