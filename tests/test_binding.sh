# The CPUs, cores and SMT in metadata.json, and the sharing warnings, under
# every binding a batch script sets: OMP_PROC_BIND close, spread and true,
# with OMP_PLACES cores, threads or unset, none at all, and taskset -c 0.
# Libgomp pins the initial thread to its first place; the counts must still
# cover every CPU the threads may use. Expected values come from sysfs
# (tests/topology.sh), so the same checks hold on machines with SMT.
. tests/lib.sh
. tests/topology.sh

SMALL="bogosort --rows 20 --cols 4 -r 1 -w 0 -q"
SMT_WARNING="threads share cores through SMT"

# meta EXPR DIR: EXPR of the last metadata.json object m in DIR; cpus(TEXT)
# is the set of the CPU list TEXT.
meta() {
    python3 -c 'import json, sys
def cpus(text):
    return {c for part in text.split(",") if part
            for c in range(int(part.split("-")[0]), int(part.split("-")[-1]) + 1)}
m = json.load(open(sys.argv[2] + "/metadata.json"))[-1]
print(eval(sys.argv[1]))' "$1" "$2"
}

# member DIR NAME: the value of member NAME of the one study in DIR, as
# written (one member per line).
member() {
    sed -n "s/^    \"$2\": \(.*\),\$/\1/p" "$1/metadata.json"
}

# expect DIR CPUS SMT OVERSUBSCRIBED: the study in DIR counted the CPUs of
# the list CPUS and their cores as sysfs has them, and warned SMT times of
# threads sharing cores through SMT and OVERSUBSCRIBED times of more
# threads than CPUs.
expect() {
    want_cpus=$(cpulist_expand "$2" | wc -l)
    want_cores=$(cores_of "$2")
    want_smt=false
    [ "$want_cpus" -gt "$want_cores" ] && want_smt=true
    got="$(member "$1" logical_cpus) $(member "$1" physical_cores) $(member "$1" smt)"
    got="$got $(member "$1" usable_cpus) $(grep -c "$SMT_WARNING" "$1/metadata.json")"
    got="$got $(grep -c oversubscribed "$1/metadata.json")"
    want="$want_cpus $want_cores $want_smt \"$2\" $3 $4"
    check "$label: logical, cores, smt, usable, SMT and oversubscription warnings: $want (got $got)" \
        [ "$got" = "$want" ]
}

# One study of 1 and N threads (N: the CPUs of the mask, at least 2)
# under each OMP_PROC_BIND x OMP_PLACES; all of the mask is usable.
test_bindings() {
    cpus=$(mask_cpus)
    n=$(cpulist_expand "$cpus" | wc -l)
    [ "$n" -ge 2 ] || n=2
    smt_expected=0
    [ "$n" -gt "$(cores_of "$cpus")" ] && smt_expected=1
    for bind in - close spread true; do
        for places in - cores threads; do
            label="bind=$bind places=$places"
            d="$TMP/b-$bind-$places"
            set --
            [ "$bind" = - ] || set -- "$@" OMP_PROC_BIND=$bind
            [ "$places" = - ] || set -- "$@" OMP_PLACES=$places
            env -u OMP_PROC_BIND -u OMP_PLACES "$@" "$OMPSWEEP" $SMALL -t "1,$n" \
                -o "$d" >/dev/null 2>"$TMP/err"
            check "$label: exit 0 ($(tail -n 1 "$TMP/err"))" [ $? -eq 0 ]
            expect "$d" "$cpus" $smt_expected 0
        done
    done
}

# taskset -c 0: one CPU, one core, no SMT; 2 threads are oversubscribed,
# said once, bound or not.
test_taskset() {
    for binding in "" "OMP_PROC_BIND=close OMP_PLACES=cores"; do
        label="taskset -c 0 ${binding:-unbound}"
        d="$TMP/ts-${binding:+bound}"
        env -u OMP_PROC_BIND -u OMP_PLACES $binding taskset -c 0 "$OMPSWEEP" $SMALL \
            -t 1,2 -o "$d" >/dev/null 2>"$TMP/err"
        check "$label: exit 0" [ $? -eq 0 ]
        expect "$d" 0 0 1
        check "$label: one line on stderr ($(grep -c oversubscribed "$TMP/err"))" \
            [ "$(grep -c oversubscribed "$TMP/err")" -eq 1 ]
    done
}

# An explicit place list is what the threads may use: OMP_PLACES={0} makes
# one CPU of any machine.
test_explicit_place() {
    label="OMP_PLACES={0}"
    d="$TMP/one-place"
    env OMP_PROC_BIND=close OMP_PLACES='{0}' "$OMPSWEEP" $SMALL -t 1 -o "$d" \
        >/dev/null 2>"$TMP/err"
    check "$label: exit 0" [ $? -eq 0 ]
    expect "$d" 0 0 0
    check "$label: from the places" [ "$(member "$d" usable_cpus_from)" = '"omp_places"' ]
}

# Thread number -> place -> CPUs of each block: under close over cores the
# threads of 2 take places 0 and 1, each may run on its place's CPUs alone
# and ran on one of them; unbound threads have no place.
test_team_recorded() {
    command -v python3 >/dev/null || { echo "  skipped: no python3"; return; }
    [ "$(cores_of "$(mask_cpus)")" -ge 2 ] || { echo "  skipped: fewer than 2 cores"; return; }
    d="$TMP/team"
    "$OMPSWEEP" $SMALL -t 2 --bind close --places cores -o "$d" >/dev/null 2>&1
    check "exit 0" [ $? -eq 0 ]
    got=$(meta '[(t["thread"], t["place"], t["cpus"] == t["place_cpus"],
        t["cpu"] in cpus(t["cpus"])) for b in m["block_affinity"] for t in b["team"]]' "$d")
    check "close/cores team (got $got)" [ "$got" = "[(0, 0, True, True), (1, 1, True, True)]" ]
    check "0.2 readers: cpus per thread" \
        [ "$(meta '[b["cpus"] == [t["cpus"] for t in b["team"]] for b in m["block_affinity"]]' "$d")" = "[True]" ]
    env -u OMP_PROC_BIND -u OMP_PLACES "$OMPSWEEP" $SMALL -t 2 -o "$TMP/free" >/dev/null 2>&1
    # libgomp: no place; libomp: one place of every CPU
    got=$(meta '[(t["thread"], t["cpus"], t["place"] is None and t["place_cpus"] is None
        or t["place_cpus"] == t["cpus"]) for t in m["block_affinity"][0]["team"]]' "$TMP/free")
    cpus=$(mask_cpus)
    check "unbound team (got $got)" [ "$got" = "[(0, '$cpus', True), (1, '$cpus', True)]" ]
    check "top-level affinity by thread number" \
        [ "$(meta 'm["affinity"][1].startswith("thread 1 affinity ")' "$TMP/free")" = True ]
}

# Threads the binding puts on one CPU share it however many CPUs there are:
# primary puts every thread in the first place. Close over cores does not.
test_sharing_warned() {
    command -v python3 >/dev/null || { echo "  skipped: no python3"; return; }
    [ "$(cores_of "$(mask_cpus)")" -ge 2 ] || { echo "  skipped: fewer than 2 cores"; return; }
    d="$TMP/primary"
    "$OMPSWEEP" $SMALL -t 1,2 --bind primary --bind close --places cores -o "$d" \
        >/dev/null 2>"$TMP/err"
    check "exit 0" [ $? -eq 0 ]
    want="2 threads under OMP_PROC_BIND=primary OMP_PLACES=cores: no more than 1 can have a CPU to itself: oversubscribed, times will not scale"
    check "primary warned on stderr ($(grep 'threads under' "$TMP/err"))" \
        [ "$(grep -c 'threads under' "$TMP/err")" -eq 1 ]
    check "primary warned in stderr exactly" grep -qxF "ompsweep: warning: $want" "$TMP/err"
    check "primary warned in metadata, close not" [ "$(meta '[w for w in m["warnings"]
        if "threads under" in w]' "$d")" = "['$want']" ]
}

run_test test_bindings
run_test test_taskset
run_test test_explicit_place
run_test test_team_recorded
run_test test_sharing_warned
finish
