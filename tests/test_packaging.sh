# The package recipes under packaging/, checked without Spack, ReFrame,
# EasyBuild or Apptainer (none is in Debian): small stand-ins for their
# APIs (tests/packaging/) load each recipe, the make commands it produces
# run for real into temporary prefixes, and the installed files, the
# recipes' own sanity checks and stand-alone tests are checked. Also make
# dist and make recipe-checksums, and the Lmod modulefile under Debian's
# Lmod. Needs Debian's /usr/bin/python3; the +mpi build runs when mpicc
# exists, the Lmod test when lmod is installed. The stand-ins follow what
# the real tools did under packaging/check-real-tools.sh (docs/install.md).
. tests/lib.sh

PY="/usr/bin/python3 -I -B"
ROOT=$PWD
# The ReFrame check runs ompsweep in its stage directory.
BIN=$(cd "$(dirname "$OMPSWEEP")" && pwd)/$(basename "$OMPSWEEP")
EB=packaging/easybuild/ompsweep-0.2.0-GCC-12.2.0.eb
# The recipes' make commands run as a package manager runs them, not under
# the knobs of the make that runs this test.
unset MAKEFLAGS MFLAGS MAKELEVEL
# As root (CI), OpenMPI wants both of these, even for one process.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# Lmod's shell set-up and bash-completion's loader (Debian: lmod,
# bash-completion), where installed.
LMOD_INIT=/usr/share/lmod/lmod/init/bash
BASH_COMPLETION=/usr/share/bash-completion/bash_completion

usable() {
    build_checks_here || return 1
    [ -x /usr/bin/python3 ] && return 0
    echo "  (skipped: /usr/bin/python3 not installed)"
    return 1
}

# A copy of the working tree (tracked and new files, no build outputs), as
# a package manager's stage holds an unpacked source tarball.
SRC="$TMP/src"
copy_tree() {
    [ -d "$SRC" ] && return 0
    mkdir -p "$SRC"
    if git rev-parse --git-dir >/dev/null 2>&1; then
        git ls-files -co --exclude-standard | tar -cf - -T - | tar -xf - -C "$SRC"
    else
        tar -cf - --exclude=./build --exclude=./ompsweep . | tar -xf - -C "$SRC"
    fi
}

# line FILE PREFIX: the rest of the line of FILE that starts with PREFIX.
line() { sed -n "s|^$2 ||p" "$1" | head -n 1; }

test_spack_recipe() {
    usable || return 0
    $PY tests/packaging/spack_driver.py describe "$ROOT" >"$TMP/spack" 2>"$TMP/err"
    check "recipe loads ($(tail -n 1 "$TMP/err"))" [ $? -eq 0 ]
    d="$TMP/spack"
    check "variant mpi, off by default" grep -qx "directive variant mpi default=False" "$d"
    check "mpi only with +mpi" grep -qx "directive depends_on mpi when=+mpi" "$d"
    check "develop version from git main" grep -qx "directive version develop branch=main" "$d"
    check "a release version with a real sha256" \
        grep -qE "^directive version [0-9]+\.[0-9]+\.[0-9]+ sha256=[0-9a-f]{64}$" "$d"
    check "stand-alone tests" [ "$(line "$d" tests)" = "test_tiny_study test_version" ]
    check "sanity paths" [ "$(grep -c '^sanity ' "$d")" -eq 3 ]
    # spack load: completions under share/, the system's kept.
    check "run env, XDG_DATA_DIRS unset ($(line "$d" 'run_env unset'))" \
        [ "$(line "$d" 'run_env unset')" = "prepend_path:XDG_DATA_DIRS=/PREFIX/share append_path:XDG_DATA_DIRS=/usr/local/share append_path:XDG_DATA_DIRS=/usr/share" ]
    check "run env, XDG_DATA_DIRS set ($(line "$d" 'run_env set'))" \
        [ "$(line "$d" 'run_env set')" = "prepend_path:XDG_DATA_DIRS=/PREFIX/share" ]
    common="OPENMP_FLAGS=-fopenmp ARCH="
    check "~mpi build: wrapper CC, compiler's OpenMP flag, no -march" \
        [ "$(line "$d" '~mpi build')" = "CC=/spack/env/gcc/gcc $common" ]
    check "~mpi install: same knobs, PREFIX" \
        [ "$(line "$d" '~mpi install')" = "CC=/spack/env/gcc/gcc $common PREFIX=/PREFIX install" ]
    check "~mpi check: make test, same knobs" \
        [ "$(line "$d" '~mpi check')" = "test CC=/spack/env/gcc/gcc $common" ]
    check "+mpi build: mpicc and MPI=1" \
        [ "$(line "$d" '+mpi build')" = "CC=/MPI/bin/mpicc $common MPI=1" ]
    check "+mpi install" \
        [ "$(line "$d" '+mpi install')" = "CC=/MPI/bin/mpicc $common MPI=1 PREFIX=/PREFIX install" ]
}

# prefix VARIANT: where spack_install installs VARIANT.
prefix() { if [ "$1" = +mpi ]; then echo "$TMP/prefix-mpi"; else echo "$TMP/prefix-nompi"; fi; }

# spack_install VARIANT: the recipe's make commands into $(prefix VARIANT).
spack_install() {
    copy_tree
    $PY tests/packaging/spack_driver.py install "$ROOT" "$1" "$SRC" \
        "$(prefix "$1")" "$(prefix "$1")-test" >"$TMP/log" 2>&1
    rc=$?
    check "spack install $1 exit 0 ($(tail -n 1 "$TMP/log"))" [ $rc -eq 0 ]
    for f in bin/ompsweep share/man/man1/ompsweep.1 \
             share/bash-completion/completions/ompsweep; do
        check "$1: sanity_check_is_file $f" grep -qx "sanity ok $f" "$TMP/log"
    done
    xdg=$(line "$TMP/log" "spack load XDG_DATA_DIRS")
    check "$1: spack load: XDG_DATA_DIRS ($xdg)" \
        [ "$xdg" = "$(prefix "$1")/share:/usr/local/share:/usr/share" ]
    if [ -f "$BASH_COMPLETION" ]; then
        got=$(XDG_DATA_DIRS=$xdg bash -c '. "$1" && __load_completion ompsweep && complete -p ompsweep' \
            sh "$BASH_COMPLETION" 2>&1)
        check "$1: bash-completion finds it after spack load ($got)" \
            [ "$got" = "complete -F _ompsweep ompsweep" ]
    fi
    # The plot script: its wrapper finds it from the tree beside it, and a
    # copy of the wrapper elsewhere by the path it was installed for.
    p=$(prefix "$1")
    check "$1: share/ompsweep/plots.sh, csv.awk" [ -f "$p/share/ompsweep/plots.sh" ] &&
        [ -f "$p/share/ompsweep/csv.awk" ]
    check "$1: bin/ompsweep-plot runs it" sh -c "'$p/bin/ompsweep-plot' --help | grep -q '^usage: '"
    mkdir -p "$TMP/elsewhere" && cp "$p/bin/ompsweep-plot" "$TMP/elsewhere/"
    check "$1: a copy of ompsweep-plot elsewhere too" \
        sh -c "'$TMP/elsewhere/ompsweep-plot' --help | grep -q '^usage: '"
    check "$1: test_version passed" grep -qx "test_version passed" "$TMP/log"
    check "$1: test_tiny_study passed" grep -qx "test_tiny_study passed" "$TMP/log"
    "$(prefix "$1")/bin/ompsweep" --version >"$TMP/version"
    check "$1: built with the OpenMP flag" grep -q -- "-fopenmp" "$TMP/version"
    # With the Makefile's ARCH knob, ARCH= must leave -march to Spack.
    if grep -q '^ARCH' "$SRC/Makefile"; then
        check "$1: no -march=native" [ -z "$(grep -- -march=native "$TMP/version")" ]
    fi
}

test_spack_install_no_mpi() {
    usable || return 0
    spack_install '~mpi'
}

test_spack_install_mpi() {
    usable || return 0
    if ! command -v mpicc >/dev/null; then
        echo "  (skipped +mpi: no mpicc; Debian: libopenmpi-dev)"
        return 0
    fi
    spack_install '+mpi'
    # The test study ran without mpirun; under it the binary sees 2 ranks.
    if command -v mpirun >/dev/null; then
        mpirun --oversubscribe -np 2 "$(prefix +mpi)/bin/ompsweep" bogosort --rows 20 \
            -t 1 -r 1 -w 0 -q -o "$TMP/mpi2" >/dev/null 2>&1
        check "+mpi: an MPI build (2 ranks)" [ "$(column "$TMP/mpi2/runs.csv" ranks)" = 2 ]
    fi
}

# rfm STAGE [VARIABLE=VALUE...]: the ReFrame check through the stand-in.
rfm() {
    stage=$1; shift
    $PY tests/packaging/reframe_driver.py "$ROOT" "$BIN" "$stage" "$@"
}

# own_value CSV RUN_ID THREADS COLUMN: COLUMN of the row of RUN_ID at THREADS.
own_value() {
    column "$1" run_id >"$TMP/ids"
    column "$1" threads >"$TMP/t"
    column "$1" "$4" >"$TMP/v"
    paste -d' ' "$TMP/ids" "$TMP/t" "$TMP/v" | awk -v id="$2" -v t="$3" '$1 == id && $2 == t { print $3 }'
}

test_reframe_check() {
    usable || return 0
    stage="$TMP/stage"
    out="$stage/rfm_ompsweep_results"
    # The stage holds the sources, whose committed reference/ the check must
    # not read; an earlier run left its rows in the check's own directory.
    mkdir -p "$stage/reference" "$out"
    printf 'run_id,threads,verified\nold,2,true\n' >"$stage/reference/summary.csv"
    rfm "$stage" 'extra_opts=--rows 60' >"$TMP/rfm" 2>"$TMP/err"
    check "first run passes ($(tail -n 1 "$TMP/err"))" grep -qx "sanity every_row_verified True" "$TMP/rfm"
    old_id=$(sed -n 's/^ompsweep run \([^ ]*\) on .*/\1/p' "$stage/rfm_job.out")
    # A quoted schedule ("dynamic,4") in summary.csv tests the CSV reading.
    rfm "$stage" 'extra_opts=--rows 60 --schedule dynamic,4' >"$TMP/rfm" 2>"$TMP/err"
    check "check loads and runs ($(tail -n 1 "$TMP/err"))" [ $? -eq 0 ]
    r="$TMP/rfm"
    check "openmp environments, Make" \
        grep -qx "check OmpsweepBogosortCheck valid_prog_environs +openmp build_system Make" "$r"
    check "num_cpus_per_task = num_threads" [ "$(line "$r" num_cpus_per_task)" = 2 ]
    check "threads placed" [ "$(line "$r" env_vars)" = "OMP_PLACES=cores OMP_PROC_BIND=close" ]
    check "make options" [ "$(line "$r" build_options)" = "OPENMP_FLAGS=-fopenmp ARCH=" ]
    check "sweep 1,2 into its own directory" grep -qx \
        "executable_opts bogosort --threads 1,2 --repeats 1 -q -o rfm_ompsweep_results --rows 60 --schedule dynamic,4" "$r"
    check "ompsweep exit 0" [ "$(line "$r" "ompsweep exit")" = 0 ]
    check "sanity passes beside an earlier run's rows" grep -qx "sanity every_row_verified True" "$r"
    s="$out/summary.csv"
    id=$(sed -n 's/^ompsweep run \([^ ]*\) on .*/\1/p' "$stage/rfm_job.out")
    check "two runs in the file ($old_id, $id)" \
        [ "$(column "$s" run_id | sort -u | wc -l)" -eq 2 ] && [ "$old_id" != "$id" ]
    check "quoted schedule in the file" grep -q ',"dynamic,4",' "$s"
    check "committed reference/ untouched" [ "$(wc -l <"$stage/reference/summary.csv")" -eq 2 ]
    # The performance values are those of this run's 2-thread row.
    want_median=$(own_value "$s" "$id" 2 median)
    want_eff=$(own_value "$s" "$id" 2 efficiency)
    check "median_s = this run's 2-thread median ($want_median)" \
        awk -v got="$(line "$r" "perf median_s")" -v want="$want_median" \
        'BEGIN { split(got, g, " "); exit !(want != "" && g[1] + 0 == want + 0 && g[2] == "s") }'
    check "efficiency at 2 threads ($want_eff)" \
        awk -v got="$(line "$r" "perf efficiency")" -v want="$want_eff" \
        'BEGIN { split(got, g, " "); exit !(want != "" && g[1] + 0 == want + 0 && g[2] == "fraction") }'
    check "references marked site-specific" grep -q "^reference example:cpu " "$r"
    # An earlier run's row not verified: not this run's business.
    awk -v id="$old_id" 'index($0, id ",") == 1 { sub(/,true$/, ",false") } { print }' "$s" >"$TMP/x" &&
        cp "$TMP/x" "$s"
    rfm "$stage" run=no >"$r" 2>&1
    check "an earlier run's unverified row is ignored" grep -qx "sanity every_row_verified True" "$r"
    # One row of this run not verified: sanity must fail.
    awk -v id="$id" 'index($0, id ",") == 1 && !done { sub(/,true$/, ",false"); done = 1 } { print }' \
        "$s" >"$TMP/x" && cp "$TMP/x" "$s"
    rfm "$stage" run=no >"$r" 2>&1
    check "unverified row fails sanity" grep -q "^sanity failed: summary.csv: a row is not verified" "$r"
    check "no performance after failed sanity" [ -z "$(grep '^perf ' "$r")" ]
    # This run's rows gone (only the earlier run's left): sanity fails.
    awk -v id="$id" 'index($0, id ",") != 1' "$s" >"$TMP/x" && cp "$TMP/x" "$s"
    rfm "$stage" run=no >"$r" 2>&1
    check "no row of this run fails sanity" \
        grep -q "^sanity failed: summary.csv: this run has thread counts \[\], expected \[1, 2\]" "$r"
    rm "$s"
    rfm "$stage" run=no >"$r" 2>&1
    check "no summary.csv fails sanity, naming it" grep -q "^sanity failed: .*summary.csv: No such file" "$r"
    # A failed run prints no run id: sanity fails, naming the job's stdout.
    rfm "$TMP/stage2" 'extra_opts=--rows 0' >"$r" 2>&1
    check "bad run fails sanity" grep -q "^sanity failed: .*rfm_job.out" "$r"
}

test_easybuild_easyconfig() {
    usable || return 0
    $PY tests/packaging/easybuild_driver.py describe "$EB" >"$TMP/eb" 2>"$TMP/err"
    check "easyconfig parses ($(tail -n 1 "$TMP/err"))" [ $? -eq 0 ]
    e="$TMP/eb"
    check "ConfigureMake" [ "$(line "$e" easyblock)" = "'ConfigureMake'" ]
    check "name" [ "$(line "$e" name)" = "'ompsweep'" ]
    check "version as in the file name" [ "$(line "$e" version)" = "'0.2.0'" ]
    check "toolchain as in the file name" \
        [ "$(line "$e" toolchain)" = "{'name': 'GCC', 'version': '12.2.0'}" ]
    # The system toolchain rejects toolchainopts 'openmp' (EasyBuild 5.2);
    # the Makefile adds the OpenMP flag itself.
    check "no toolchainopts" [ -z "$(line "$e" toolchainopts)" ]
    check "no configure step" [ "$(line "$e" skipsteps)" = "['configure']" ]
    check "installopts: PREFIX=installdir" grep -q "^installopts '.*PREFIX=%(installdir)s'$" "$e"
    check "build and install get the same ARCH" \
        [ "$(line "$e" installopts)" = "'$(line "$e" buildopts | tr -d "'") PREFIX=%(installdir)s'" ]
    check "source is the make dist tarball" \
        [ "$(line "$e" sources)" = "['%(name)s-%(version)s.tar.gz']" ]
    check "sanity commands: version and a study" [ "$(grep -c 'ompsweep' "$e")" -ge 2 ]
    copy_tree
    $PY tests/packaging/easybuild_driver.py install "$EB" "$SRC" "$TMP/eb-install" \
        >"$TMP/log" 2>&1
    check "build, install, sanity checks ($(tail -n 1 "$TMP/log"))" [ $? -eq 0 ]
    check "three sanity paths" [ "$(grep -c '^sanity ok ' "$TMP/log")" -eq 3 ]
    check "sanity command: --version" grep -qx 'run ompsweep --version' "$TMP/log"
    check "sanity command: a study" grep -q '^run d=.* ompsweep bogosort ' "$TMP/log"
    check "OpenMP from the Makefile, not the toolchain" \
        sh -c "'$TMP/eb-install/bin/ompsweep' --version | grep -q -- '-fopenmp.*-O2 -ftree-vectorize'"
    # toolchain = SYSTEM: no flags from EasyBuild at all.
    rm -rf "$TMP/src/build"
    $PY tests/packaging/easybuild_driver.py install "$EB" "$SRC" "$TMP/eb-system" system \
        >"$TMP/log" 2>&1
    check "system toolchain: build, install, sanity checks ($(tail -n 1 "$TMP/log"))" [ $? -eq 0 ]
    check "system toolchain: built with OpenMP" \
        sh -c "'$TMP/eb-system/bin/ompsweep' --version | grep -q -- '-fopenmp'"
}

# Apptainer cannot run here: check the sections and run the %test script.
test_apptainer_definition() {
    def=packaging/apptainer/ompsweep.def
    check "header says it is not built here" grep -q "^# Not built by this project's tests" "$def"
    check "Debian base" grep -qE '^From: debian:[0-9]+' "$def"
    check "docker bootstrap" grep -qx 'Bootstrap: docker' "$def"
    for s in %arguments %files %post %runscript %test %labels %help; do
        check "section $s" grep -qx "$s" "$def"
    done
    section() { awk -v s="$1" '/^%/ { on = ($1 == s); next } on' "$def"; }
    section %post >"$TMP/post"
    check "%post builds and installs" \
        grep -q 'make ARCH={{ ARCH }} PREFIX=/usr/local install' "$TMP/post"
    check "VERSION as the easyconfig's" \
        [ "$(section %arguments | sed -n 's/^ *VERSION=//p')" = 0.2.0 ]
    section %files >"$TMP/files"
    check "%files takes the make dist tarball" \
        grep -qx ' *ompsweep-{{ VERSION }}\.tar\.gz /opt/ompsweep-src\.tar\.gz' "$TMP/files"
    [ -x "$TMP/prefix-nompi/bin/ompsweep" ] || return 0
    section %test >"$TMP/apptest"
    PATH="$TMP/prefix-nompi/bin:$PATH" sh "$TMP/apptest" >/dev/null 2>&1
    check "%test passes against an installed ompsweep" [ $? -eq 0 ]
}

# Lmod (Debian: lmod) loads the modulefile for a make install tree.

# lmod_session PREFIX [VAR=VALUE...]: in a clean environment (plus the
# given variables), load the module for PREFIX, print what a user sees
# (key value lines), unload it and print what is left.
lmod_session() {
    prefix=$1; shift
    mods="$TMP/modules"
    mkdir -p "$mods/ompsweep"
    sed "s|^local root = .*|local root = \"$prefix\"|" packaging/modules/ompsweep.lua \
        >"$mods/ompsweep/0.2.0.lua"
    env -i HOME="$TMP" PATH=/usr/bin:/bin "$@" bash -c '
        . "$1" >/dev/null 2>&1 || { echo "init failed"; exit 1; }
        module use "$2"
        module load ompsweep 2>&1 && echo "load ok"
        echo "which $(command -v ompsweep)"
        if command -v man >/dev/null; then
            echo "man $(man -w ompsweep 2>&1)"
            echo "man-ls $(man -w ls 2>&1)"
        fi
        echo "xdg $XDG_DATA_DIRS"
        if [ -f "$3" ]; then
            . "$3"
            __load_completion ompsweep && echo "completion $(complete -p ompsweep)"
        fi
        module unload ompsweep 2>&1 && echo "unload ok"
        echo "after-which $(command -v ompsweep)"
        echo "after-xdg $XDG_DATA_DIRS"
        echo "after-man ${MANPATH-unset}"' lmod "$LMOD_INIT" "$mods" "$BASH_COMPLETION"
}

test_lmod_modulefile() {
    if [ ! -f "$LMOD_INIT" ]; then
        echo "  (skipped: Lmod not installed; Debian: lmod)"
        return 0
    fi
    p="$TMP/prefix-nompi"
    if [ ! -x "$p/bin/ompsweep" ]; then
        echo "  (skipped: needs the make install tree of test_spack_install_no_mpi)"
        return 0
    fi
    o="$TMP/lmod"
    lmod_session "$p" >"$o" 2>&1
    check "module load ($(head -n 3 "$o" | tr '\n' ' '))" grep -qx "load ok" "$o"
    check "which ompsweep" [ "$(line "$o" which)" = "$p/bin/ompsweep" ]
    if grep -q '^man ' "$o"; then
        check "man -w ompsweep ($(line "$o" man))" \
            [ "$(line "$o" man)" = "$p/share/man/man1/ompsweep.1" ]
        check "system pages still found ($(line "$o" man-ls))" \
            [ -f "$(line "$o" man-ls)" ]
    else
        echo "  (man -w skipped: no man; Debian: man-db)"
    fi
    check "XDG_DATA_DIRS: ours, then the default ($(line "$o" xdg))" \
        [ "$(line "$o" xdg)" = "$p/share:/usr/local/share:/usr/share" ]
    if [ -f "$BASH_COMPLETION" ]; then
        check "bash-completion loads ours ($(line "$o" completion))" \
            [ "$(line "$o" completion)" = "complete -F _ompsweep ompsweep" ]
    else
        echo "  (bash-completion's loader skipped: Debian: bash-completion)"
        check "the completion file under an XDG_DATA_DIRS entry" \
            [ -f "$p/share/bash-completion/completions/ompsweep" ]
    fi
    check "module unload" grep -qx "unload ok" "$o"
    check "unloaded: not on PATH" grep -qx "after-which " "$o"
    check "unloaded: XDG_DATA_DIRS as the default ($(line "$o" after-xdg))" \
        [ "$(line "$o" after-xdg)" = "/usr/local/share:/usr/share" ]
    # Variables already set: ours first, and unload restores them exactly.
    lmod_session "$p" XDG_DATA_DIRS=/usr/share MANPATH=/usr/share/man >"$o" 2>&1
    check "set XDG_DATA_DIRS: ours prepended ($(line "$o" xdg))" \
        [ "$(line "$o" xdg)" = "$p/share:/usr/share" ]
    check "set variables restored by unload" \
        [ "$(line "$o" after-xdg) $(line "$o" after-man)" = "/usr/share /usr/share/man" ]
}

test_make_dist() {
    if ! git rev-parse --verify -q HEAD >/dev/null 2>&1; then
        echo "  (skipped: not a git checkout)"
        return 0
    fi
    git clone -q "$ROOT" "$TMP/clone" && git -C "$TMP/clone" checkout -q "$(git rev-parse HEAD)"
    version=$(sed -n 's/^VERSION *:*= *//p' "$TMP/clone/Makefile")
    make -s -C "$TMP/clone" dist >"$TMP/log" 2>&1
    check "make dist exit 0 ($(tail -n 1 "$TMP/log"))" [ $? -eq 0 ]
    tarball="$TMP/clone/ompsweep-$version.tar.gz"
    sum=$(sha256sum "$tarball" | cut -d' ' -f1)
    check "prints its sha256" grep -qx "ompsweep-$version.tar.gz: sha256 $sum" "$TMP/log"
    tar -tzf "$tarball" >"$TMP/list"
    for f in Makefile man/ompsweep.1 completion/ompsweep \
             packaging/spack/packages/ompsweep/package.py src/main.c; do
        check "tarball holds $f" grep -qx "ompsweep-$version/$f" "$TMP/list"
    done
    check "one top directory" [ "$(cut -d/ -f1 "$TMP/list" | sort -u)" = "ompsweep-$version" ]
    check "tarball holds the reference run" grep -qx "ompsweep-$version/reference/runs.csv" "$TMP/list"
    check "tarball holds no results/" [ -z "$(grep "^ompsweep-$version/results/" "$TMP/list")" ]
    make -s -C "$TMP/clone" dist >/dev/null 2>&1
    check "reproducible" [ "$(sha256sum "$tarball" | cut -d' ' -f1)" = "$sum" ]
    # A build from the tarball (no .git) names the commit it was made of,
    # also when unpacked inside another repository.
    head=$(git -C "$TMP/clone" rev-parse HEAD)
    mkdir -p "$TMP/unpacked" && tar -xzf "$tarball" -C "$TMP/unpacked"
    u="$TMP/unpacked/ompsweep-$version"
    check "the tarball's .commit holds the commit" [ "$(cat "$u/.commit")" = "$head" ]
    git init -q "$TMP/unpacked" &&
        git -C "$TMP/unpacked" -c user.name=t -c user.email=t@example.org commit -q \
            --allow-empty -m outer
    make -s -C "$u" OPTIMIZE=0 ARCH= binary >"$TMP/log" 2>&1
    check "builds from the tarball ($(tail -n 1 "$TMP/log"))" [ $? -eq 0 ]
    "$u"/build/*-o0-*/ompsweep --version >"$TMP/version" 2>&1
    check "--version names the commit ($(head -n 1 "$TMP/version"))" \
        grep -q "(commit $(echo "$head" | cut -c1-12), " "$TMP/version"
    # make recipe-checksums writes the tarball's sha256 into the recipes;
    # they then agree with the tarball that make dist builds, and the
    # recipes' comments name the commit to build it from.
    make -s -C "$TMP/clone" recipe-checksums >"$TMP/log" 2>&1
    check "make recipe-checksums exit 0 ($(tail -n 1 "$TMP/log"))" [ $? -eq 0 ]
    recipe="$TMP/clone/packaging/spack/packages/ompsweep/package.py"
    commit=$(git -C "$TMP/clone" rev-parse --short=12 HEAD)
    check "spack recipe: version $version has the tarball's sha256" \
        grep -qx "    version(\"$version\", sha256=\"$sum\")" "$recipe"
    check "spack recipe: names the commit" \
        grep -qx "    # $version: make dist of commit $commit" "$recipe"
    for eb in "$TMP/clone"/packaging/easybuild/ompsweep-"$version"-*.eb; do
        check "$(basename "$eb"): checksums" grep -qx "checksums = \['$sum'\]" "$eb"
        check "$(basename "$eb"): names the commit" \
            grep -qx "# $version: make dist of commit $commit" "$eb"
    done
    git -C "$TMP/clone" diff --numstat >"$TMP/numstat"
    check "only the checksum and commit lines changed ($(tr '\n' ' ' <"$TMP/numstat"))" \
        [ "$(awk '{ a += $1; d += $2 } END { print a + 0, d + 0 }' "$TMP/numstat")" = \
          "$(( 2 * $(wc -l <"$TMP/numstat") )) $(( 2 * $(wc -l <"$TMP/numstat") ))" ]
    # The rewritten recipes still load (the describe checks read a 64-digit sha256).
    $PY tests/packaging/spack_driver.py describe "$TMP/clone" >"$TMP/spack2" 2>&1
    check "rewritten recipe loads" grep -qx "directive version $version sha256=$sum" "$TMP/spack2"
    $PY tests/packaging/easybuild_driver.py describe "$TMP/clone/$EB" >"$TMP/eb2" 2>&1
    check "rewritten easyconfig parses" [ "$(line "$TMP/eb2" checksums)" = "['$sum']" ]
    # A version the recipes do not list yet: an error, nothing rewritten.
    cp "$recipe" "$TMP/recipe.before"
    make -s -C "$TMP/clone" recipe-checksums VERSION=9.9.9 >"$TMP/log" 2>&1
    check "unknown version fails" [ $? -ne 0 ]
    check "naming the missing line ($(tail -n 2 "$TMP/log" | head -n 1))" \
        grep -q 'recipe-checksums: .*package.py: needs one line starting "    version("9.9.9", sha256="' "$TMP/log"
    check "recipe left as it was" cmp -s "$recipe" "$TMP/recipe.before"
}

# make run, make compare and make plots write into the default output
# directory, which git ignores: a clone stays clean, and the committed
# reference run is not theirs to write.
test_results_apart() {
    if ! git rev-parse --verify -q HEAD >/dev/null 2>&1; then
        echo "  (skipped: not a git checkout)"
        return 0
    fi
    c="$TMP/clone-apart"
    git clone -q "$ROOT" "$c" && git -C "$c" checkout -q "$(git rev-parse HEAD)"
    dir=$(make -s -n -C "$c" run | sed -n "s/.*ompsweep all .*-o '\{0,1\}\([^ ']*\)'\{0,1\}$/\1/p")
    check "make run's output directory found ($dir)" [ -n "$dir" ]
    check "it is ompsweep's default, results" [ "$dir" = results ]
    check "make plots plots it" make -s -n -C "$c" plots | grep -q "bench/plots.sh '\{0,1\}$dir'\{0,1\}$"
    check "make compare writes it" make -s -n -C "$c" compare | grep -q "bench/compare.sh --out '\{0,1\}$dir'\{0,1\}$"
    check "nothing committed in $dir/" [ -z "$(git -C "$c" ls-files "$dir")" ]
    check "the reference run is committed" [ -n "$(git -C "$c" ls-files reference/runs.csv)" ]
    (cd "$c" && "$BIN" bogosort --rows 10 -t 1 -r 1 -w 0 -q -o "$dir" >/dev/null 2>&1 &&
        mkdir -p "$dir/plots" && : >"$dir/plots/time.svg")
    check "a study into it ran" [ -f "$c/$dir/runs.csv" ]
    check "the clone stays clean ($(git -C "$c" status --porcelain | head -n 3 | tr '\n' ' '))" \
        [ -z "$(git -C "$c" status --porcelain)" ]
}

run_test test_spack_recipe
run_test test_spack_install_no_mpi
run_test test_spack_install_mpi
run_test test_reframe_check
run_test test_easybuild_easyconfig
run_test test_apptainer_definition
run_test test_lmod_modulefile
run_test test_make_dist
run_test test_results_apart
finish
