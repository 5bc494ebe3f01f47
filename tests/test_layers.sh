# The layers of src/ include only what is above them (see the map at the
# top of src/main.c and docs/architecture.md):
#   base/            base/
#   study/record/    base/, study/record/
#   study/analyze/   ... and study/analyze/
#   study/run/       ... and study/run/
#   a workload W/    kernels (every file but *_options, *_workload, *_output):
#                    base/ and W/ only; the others also study/record/ and the
#                    workload interface (study/run/workload.h, sweep_options.h);
#                    exec/ times the user's program and has no kernel: all of
#                    its files are the others
#   src/*.c, *.h     the face: anything
# so no harness file sees config.h, the registry or a workload, and no
# workload sees another or the harness's internals.
. tests/lib.sh

# violations SRC: "file: include" for every include a layer may not make.
violations() {
    (cd "$1" && find . -name '*.[ch]' | sed 's|^\./||' | sort | while read -r f; do
        dir=${f%/*}
        [ "$dir" = "$f" ] && continue # the face
        case $dir in
        base) allowed='base/' ;;
        study/record) allowed='base/ study/record/' ;;
        study/analyze) allowed='base/ study/record/ study/analyze/' ;;
        study/run) allowed='base/ study/record/ study/analyze/ study/run/' ;;
        study|study/*) allowed='-' ;; # no other folder under study/
        */*) allowed='-' ;;
        *)
            case $dir/${f##*/} in
            exec/* | *_options.[ch] | *_workload.[ch] | *_output.[ch])
                allowed="base/ $dir/ study/record/ study/run/workload.h study/run/sweep_options.h" ;;
            *) allowed="base/ $dir/" ;;
            esac ;;
        esac
        sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f" | while read -r inc; do
            ok=no
            for a in $allowed; do
                case $inc in "$a"*) ok=yes ;; esac
            done
            [ "$ok" = yes ] || echo "$f: $inc"
        done
    done)
}

test_tree_is_layered() {
    violations src >"$TMP/found"
    check "no include crosses a layer ($(head -n 5 "$TMP/found" | tr '\n' ';'))" \
        [ ! -s "$TMP/found" ]
    # the harness never names the face or a workload
    check "study/ includes no config.h or registry.h" \
        sh -c '! grep -rqE "#include \"(config|registry)\.h\"" src/study'
}

# The check itself: each kind of crossing, planted in a copy, is found.
test_crossings_are_found() {
    cp -r src "$TMP/src"
    echo '#include "study/run/sweep.h"' >>"$TMP/src/study/record/csv.c"
    echo '#include "config.h"' >>"$TMP/src/study/run/sweep.c"
    echo '#include "elbow/elbow.h"' >>"$TMP/src/bogosort/bogosort.c"
    echo '#include "study/record/csv.h"' >>"$TMP/src/elbow/kmeans.c"
    echo '#include "study/analyze/summary.h"' >>"$TMP/src/exec/exec_names.c"
    echo '#include "study/run/sweep.h"' >>"$TMP/src/bogosort/bogosort_workload.c"
    violations "$TMP/src" >"$TMP/found"
    for want in "study/record/csv.c: study/run/sweep.h" "study/run/sweep.c: config.h" \
        "bogosort/bogosort.c: elbow/elbow.h" "elbow/kmeans.c: study/record/csv.h" \
        "exec/exec_names.c: study/analyze/summary.h" \
        "bogosort/bogosort_workload.c: study/run/sweep.h"; do
        check "found: $want" grep -qxF "$want" "$TMP/found"
    done
    check "nothing else found ($(wc -l <"$TMP/found") lines)" [ "$(wc -l <"$TMP/found")" -eq 6 ]
}

run_test test_tree_is_layered
run_test test_crossings_are_found
finish
