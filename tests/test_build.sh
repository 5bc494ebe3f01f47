# The build as package managers call it: `make CFLAGS=-O2` (Spack,
# EasyBuild and ReFrame pass flags on the command line) must still compile
# the OpenMP pragmas, ARCH= must build portable code and ARCH=x86-64-v2 a
# given target, --version must show the flags used, and a compiler run
# without its OpenMP flag must stop with our #error. Builds run in a copy of
# the sources, so the tree's own build directories stay as they are.
. tests/lib.sh

copy_tree() {
    mkdir -p "$1"
    cp -r Makefile src "$1"/
}

# parallel_ran BINARY DIR: a 2-thread study recorded two threads in the
# affinity of its block: the parallel regions exist and ran with 2 threads.
parallel_ran() {
    "$1" bogosort --rows 50 -t 2 -r 1 -w 0 -q -o "$2" >/dev/null 2>&1 &&
        python3 -c 'import json, sys
m = json.load(open(sys.argv[1]))[-1]
sys.exit(0 if [len(b["cpus"]) for b in m["block_affinity"]] == [2] else 1)' "$2/metadata.json"
}

# build DIR MAKE-ARGS...: the binary's path on stdout, or nothing.
build() {
    d=$1; shift
    copy_tree "$d"
    make -s -C "$d" "$@" binary >"$d/log" 2>&1 || { cat "$d/log" >&2; return 1; }
    ls "$d"/build/*/ompsweep
}

test_cflags_keep_openmp() {
    build_checks_here || return 0
    bin=$(build "$TMP/gcc" CFLAGS=-O2 ARCH=)
    check "make CFLAGS=-O2 ARCH= builds" [ -x "$bin" ]
    [ -x "$bin" ] || return 0
    check "the OpenMP runtime is called" sh -c "nm '$bin' | grep -q 'GOMP_parallel'"
    check "two threads ran" parallel_ran "$bin" "$TMP/gcc-run"
    v=$("$bin" --version)
    check "--version shows -O2 and -fopenmp ($v)" sh -c "echo '$v' | grep -q -- '-fopenmp.*-O2'"
    check "ARCH= builds without -march ($v)" sh -c "! echo '$v' | grep -q -- -march"
}

# openmp_compiler_works CC: make CC=CC compiles and links an OpenMP
# program that runs. `command -v` is not enough, and neither is running CC
# from the shell: GNU make runs a simple command itself, and its PATH
# search stops at the first entry of that name, a directory included.
# Spack's build environment puts lib/spack/env first on PATH, which holds
# a directory named clang: there the shell finds /usr/bin/clang but make
# fails with "clang: Permission denied".
openmp_compiler_works() {
    d=$TMP/probe-$1
    mkdir -p "$d"
    printf '%s\n' '#include <omp.h>' \
        'int main(void) { int n = 0;' \
        '#pragma omp parallel reduction(+:n)' \
        'n += 1;' \
        'return n > 0 && omp_get_max_threads() > 0 ? 0 : 1; }' >"$d/probe.c"
    printf 'probe: probe.c\n\t$(CC) -fopenmp -o probe probe.c\n' >"$d/Makefile"
    # Its own make, not a sub-make of the test's (no jobserver notes in the log).
    env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$d" CC="$1" >"$d/log" 2>&1 && "$d/probe"
}

test_clang_and_arch() {
    build_checks_here || return 0
    if [ "$(uname -m)" != x86_64 ]; then
        echo "  (skipped: needs x86_64)"
        return 0
    fi
    if ! openmp_compiler_works clang; then
        echo "  (skipped: clang cannot build an OpenMP program here: $(head -n 1 "$TMP/probe-clang/log" 2>/dev/null))"
        return 0
    fi
    bin=$(build "$TMP/clang" CC=clang CFLAGS=-O2 ARCH=x86-64-v2)
    check "make CC=clang CFLAGS=-O2 ARCH=x86-64-v2 builds" [ -x "$bin" ]
    [ -x "$bin" ] || return 0
    check "the OpenMP runtime is called" sh -c "nm '$bin' | grep -q '__kmpc_fork_call'"
    check "two threads ran" parallel_ran "$bin" "$TMP/clang-run"
    v=$("$bin" --version)
    check "--version shows -march=x86-64-v2 and -O2 ($v)" \
        sh -c "echo '$v' | grep -q -- '-march=x86-64-v2.*-O2'"
}

test_no_openmp_stops() {
    cc -std=c11 -Isrc -D_GNU_SOURCE -c src/study/run/sweep.c -o "$TMP/sweep.o" 2>"$TMP/err"
    check "compiling without the OpenMP flag fails" [ $? -ne 0 ]
    check "with our message" grep -q "ompsweep needs OpenMP" "$TMP/err"
}

run_test test_cflags_keep_openmp
run_test test_clang_and_arch
run_test test_no_openmp_stops
finish
