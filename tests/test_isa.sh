# The same answer on every node: builds for other targets (x86-64,
# x86-64-v2, -v3, native) and the other compiler's native build compute
# this build's checksums, the pinned ones, for bogosort, both elbow
# strategies and an elbow of wide data (its PCA through the Gram matrix)
# at 1 and 2 threads. make test builds their probes (tests/isa_probe.c,
# the kernels alone; see ISA_KERNELS in the Makefile) and names them in
# OMPSWEEP_ISA ("compiler:target=path ..."); what it could not run is in
# OMPSWEEP_ISA_NOTES, printed here (see docs/elbow.md).
. tests/lib.sh

# Pinned: a change of the results must be deliberate and documented
# (docs/elbow.md); elbow changed last when every build came to round alike.
PINNED_BOGOSORT=0xd650bb4ad9894eeb
PINNED_ELBOW=0x0551ea64cffac650
# 60 x 2000: the PCA through the Gram matrix (fewer samples than features)
PINNED_WIDE=0x2759a38a679d5816

# expected: what every probe must print.
expected() {
    printf 'bogosort rows %s\nelbow over-k %s\nelbow tasks %s\nelbow-wide over-k %s\n' \
        "$PINNED_BOGOSORT" "$PINNED_ELBOW" "$PINNED_ELBOW" "$PINNED_WIDE"
}

probes_here() {
    build_checks_here || return 1
    if [ -z "${OMPSWEEP_ISA:-}" ]; then
        echo "  (skipped: run through make test, which builds the probes)"
        return 1
    fi
}

# The native probe prints what ompsweep itself records: the probes'
# parameters are ompsweep's defaults.
test_probe_is_ompsweep() {
    probes_here || return 0
    native=$(echo "$OMPSWEEP_ISA" | tr ' ' '\n' | sed -n 's/^[^:]*:native=//p' | head -n 1)
    d="$TMP/study"
    "$OMPSWEEP" bogosort elbow --parallel over-k,tasks -t 1,2 -r 1 -w 0 -q -o "$d" \
        >/dev/null 2>&1
    check "the study ran" [ $? -eq 0 ]
    got=$(column "$d/runs.csv" workload >"$TMP/w"; column "$d/runs.csv" variant >"$TMP/v"
          column "$d/runs.csv" checksum | paste -d ' ' "$TMP/w" "$TMP/v" - | sort -u)
    want=$("$native" 1 | grep -v '^elbow-wide' | sort -u)
    check "ompsweep's checksums ($got) are the probe's ($want)" [ "$got" = "$want" ]
}

test_builds_agree() {
    probes_here || return 0
    for entry in $OMPSWEEP_ISA; do
        name=${entry%%=*}
        bin=${entry#*=}
        check "$name: probe built ($bin)" [ -x "$bin" ]
        [ -x "$bin" ] || continue
        for t in 1 2; do
            out=$("$bin" $t)
            check "$name at $t threads: $(echo $out)" [ "$out" = "$(expected)" ]
        done
        echo "  $name: bogosort $PINNED_BOGOSORT, elbow $PINNED_ELBOW, wide elbow $PINNED_WIDE at 1 and 2 threads"
    done
}

# What could not be compared here is said, never skipped silently.
test_named_gaps() {
    probes_here || return 0
    if [ -n "${OMPSWEEP_ISA_NOTES:-}" ]; then
        echo "  not compared here: $OMPSWEEP_ISA_NOTES"
    fi
    count=$(echo "$OMPSWEEP_ISA" | wc -w)
    check "at least the portable and native builds ($count)" [ "$count" -ge 2 ]
}

run_test test_probe_is_ompsweep
run_test test_builds_agree
run_test test_named_gaps
finish
