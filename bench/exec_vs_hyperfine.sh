#!/bin/sh
# ompsweep exec beside hyperfine -N (no shell) on the same programs, the
# tools alternated over several rounds (each round starts with the next
# tool), so that a drift of a shared machine lands on all of them alike:
#  1. the per-run cost: the timed interval of /bin/true under ompsweep exec
#     at 1 and 2 threads (ompsweep's own OpenMP team differs) and under
#     hyperfine;
#  2. a real OpenMP program (tests/exec/sum_int.c) at 1 and 2 threads,
#     OMP_SCHEDULE=static under both tools.
# Prints every round's medians, the medians of all rounds' runs pooled and
# their difference to hyperfine's, the median and range of the per-round
# differences (each measured in one stretch of time: the figure a drift
# of the machine moves least), and the load average before and after (the
# machine state it was measured in). Many short rounds (the default) suit
# a busy machine best.
#
# Usage: bench/exec_vs_hyperfine.sh [RUNS [ROUNDS]]   (defaults 10 and 20)
# Environment: OMPSWEEP the binary (./ompsweep); OLD another ompsweep build,
# alternated as a third tool (e.g. the build before a change); SIZE
# sum_int's n (400000); SUM_RUNS sum_int's runs per tool and round (3, 0
# skips part 2). Needs hyperfine (apt-get install -y hyperfine).
set -eu
runs=${1:-10}
rounds=${2:-20}
bin=${OMPSWEEP:-./ompsweep}
old=${OLD:-}
size=${SIZE:-400000}
sum_runs=${SUM_RUNS:-3}
py=${PYTHON:-/usr/bin/python3}
true_bin=/bin/true
command -v hyperfine >/dev/null || { echo "needs hyperfine" >&2; exit 2; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ompsweep-exec-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
${CC:-cc} -O2 -fopenmp -o "$tmp/sum_int" tests/exec/sum_int.c

tools="hf new"
[ -n "$old" ] && tools="hf new old"
ntools=$(echo "$tools" | wc -w)

# run_tool TOOL ROUND PART N WARMUP THREADS PROGRAM...: one tool's runs of
# one round into $tmp/PART-ROUND-TOOL.{csv,json}.
run_tool() {
    tool=$1 round=$2 part=$3 n=$4 warm=$5 threads=$6
    shift 6
    out="$tmp/$part-$round-$tool"
    case $tool in
    hf)
        for t in $(echo "$threads" | tr , ' '); do
            OMP_NUM_THREADS=$t OMP_SCHEDULE=static hyperfine -N -w "$warm" -r "$n" \
                --export-json "$out-t$t.json" "$*" >/dev/null 2>"$tmp/log" ||
                { cat "$tmp/log" >&2; exit 1; }
        done ;;
    new | old)
        b=$bin
        [ "$tool" = old ] && b=$old
        "$b" exec -t "$threads" -r "$n" -w "$warm" -q --schedule static -o "$out" \
            -- "$@" >/dev/null 2>"$tmp/log" || { cat "$tmp/log" >&2; exit 1; }
        ;;
    esac
}

# run_part PART N WARMUP THREADS PROGRAM...: ROUNDS rounds, the order of
# the tools rotated by one each round.
run_part() {
    part=$1 n=$2 warm=$3 threads=$4
    shift 4
    r=1
    while [ $r -le "$rounds" ]; do
        k=0
        while [ $k -lt "$ntools" ]; do
            i=$(((r - 1 + k) % ntools + 1))
            run_tool "$(echo "$tools" | cut -d' ' -f$i)" $r "$part" "$n" "$warm" "$threads" "$@"
            k=$((k + 1))
        done
        r=$((r + 1))
    done
}

# report PART TITLE: the table of one part from the files of its rounds.
report() {
    "$py" - "$tmp" "$1" "$rounds" "$tools" "$2" <<'EOF'
import csv, glob, json, statistics, sys
tmp, part, rounds, tools, title = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4].split(), sys.argv[5]
def times(tool, r):   # {threads: [ms]} of one tool's round
    base = "%s/%s-%d-%s" % (tmp, part, r, tool)
    out = {}
    if tool == "hf":
        for f in sorted(glob.glob(base + "-t*.json")):
            t = int(f.rsplit("-t", 1)[1][:-5])
            out[t] = [1000 * x for x in json.load(open(f))["results"][0]["times"]]
    else:
        for row in csv.DictReader(open(base + "/runs.csv")):
            out.setdefault(int(row["threads"]), []).append(1000 * float(row["seconds"]))
    return out
data = {(tool, r): times(tool, r) for tool in tools for r in range(1, rounds + 1)}
threads = sorted({t for v in data.values() for t in v})
name = {"hf": "hyperfine -N", "new": "ompsweep exec", "old": "ompsweep exec OLD"}
short = {"hf": "hyperfine", "new": "exec", "old": "exec OLD"}
cols = [(tool, t) for tool in tools for t in threads]
print(title)
print("  %-9s" % "ms" + "".join("%14s" % ("%s t=%d" % (short[c[0]], c[1])) for c in cols))
med = lambda v: statistics.median(v) if v else float("nan")
ref = lambda r, t: data[("hf", r)].get(t, [])   # hyperfine's runs of round r at t
for r in range(1, rounds + 1):
    print("  round %-3d" % r + "".join("%14.3f" % med(data[(c[0], r)].get(c[1], [])) for c in cols))
for tool, t in cols:
    allv = [x for r in range(1, rounds + 1) for x in data[(tool, r)].get(t, [])]
    base = [x for r in range(1, rounds + 1) for x in ref(r, t)]
    line = "  %-17s t=%d  median %.3f ms of %d runs" % (name[tool], t, med(allv), len(allv))
    if tool != "hf":
        d = [med(data[(tool, r)].get(t, [])) - med(ref(r, t)) for r in range(1, rounds + 1)]
        line += ";  minus hyperfine %+.3f ms; per round: median %+.3f, %+.3f .. %+.3f" % (
            med(allv) - med(base), med(d), min(d), max(d))
    print(line)
EOF
}

load() { cut -d" " -f1-4 /proc/loadavg 2>/dev/null || echo unknown; }

echo "machine: $(nproc) CPUs; load average before: $(load)"
run_part true "$runs" 3 1,2 "$true_bin"
report true "overhead: $true_bin, $runs runs per tool, thread count and round, $rounds rounds"
if [ "$sum_runs" -gt 0 ]; then
    run_part sum "$sum_runs" 1 1,2 "$tmp/sum_int" "$size"
    report sum "sum_int $size: $sum_runs runs per tool, thread count and round, $rounds rounds"
fi
echo "load average after: $(load)"
