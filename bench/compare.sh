#!/bin/sh
# ompsweep next to its Python peer (bench/peer.py: the source post's joblib
# code, our own implementation), same sizes and worker counts, in one run.
#
#   bogosort  ompsweep on ROWS x COLS (--partition chunks, the peer's
#             np.array_split blocks, and rows, ompsweep's default); the peer
#             on PEER_ROWS rows only (plain Python needs ~0.1-0.3 s a row),
#             its time scaled per row to ROWS.
#   elbow     the same make_blobs data and k range on both sides; ompsweep
#             --parallel over-k (as the post) and tasks; chosen k (maxdelta).
#   hyperfine whole-process time of one 1-thread ompsweep run per workload
#             against the kernel seconds ompsweep records in runs.csv: the
#             difference is start-up and set-up overhead.
# Both sides are sampled in rounds that take turns (see below), one timed
# run per process, so load bursts on a shared host spread over both.
#
# Writes OUT/comparison.csv, OUT/comparison.md (printed too) and
# OUT/hyperfine.csv; ompsweep's own tables go to a temporary directory, so
# OUT/runs.csv and the other result tables are never touched.
#
# usage: bench/compare.sh [options]      (run from the repository root)
# Exit: 0 done; 1 a side failed its verification (tables still written);
#       2 bad usage or a missing prerequisite (./ompsweep, Python packages).
set -eu

me=bench/compare.sh
usage() {
    cat <<EOF
usage: $me [options]      (from the repository root, after make)

  --workers LIST         worker counts, comma-separated      [\$WORKERS, 1,2]
  --repeats N            ompsweep rounds: 1 timed run each   [\$REPEATS, 5]
  --peer-rows N          bogosort rows the peer sorts        [\$PEER_ROWS, 20]
  --peer-repeats N       peer bogosort timed runs            [\$PEER_REPEATS, 3]
  --peer-elbow-repeats N peer elbow timed runs               [\$PEER_ELBOW_REPEATS, 3]
  --rows N --cols N --max-value N          bogosort matrix   [1000, 8, 100]
  --samples N --features N --centers N     elbow data        [10000, 100, 7]
  --k-min N --k-max N    cluster range                       [2, 14]
  --seed N               seed of both sides                  [42]
  --no-tasks             skip ompsweep --parallel tasks
  --no-hyperfine         skip the whole-process timing
  --out DIR              where the tables go                 [\$OUT, results]
  -h, --help             this text

Environment: OMPSWEEP (default ./ompsweep), PYTHON (default /usr/bin/python3,
which has Debian's python3-sklearn and python3-joblib).
EOF
}

die() { echo "$me: $*" >&2; exit 2; }
say() { echo "$me: $*" >&2; }

ompsweep=${OMPSWEEP:-./ompsweep}
peer_py=$(dirname "$0")/peer.py
if [ -z "${PYTHON:-}" ]; then
    if [ -x /usr/bin/python3 ]; then PYTHON=/usr/bin/python3; else PYTHON=python3; fi
fi
workers=${WORKERS:-1,2}
repeats=${REPEATS:-5}
peer_rows=${PEER_ROWS:-20}
peer_repeats=${PEER_REPEATS:-3}
peer_elbow_repeats=${PEER_ELBOW_REPEATS:-3}
rows=1000 cols=8 max_value=100
samples=10000 features=100 centers=7 k_min=2 k_max=14 seed=42
tasks=yes use_hyperfine=yes
out=${OUT:-results}

while [ $# -gt 0 ]; do
    case $1 in
        -h|--help) usage; exit 0 ;;
        --no-tasks) tasks=no; shift; continue ;;
        --no-hyperfine) use_hyperfine=no; shift; continue ;;
        --workers|--repeats|--peer-rows|--peer-repeats|--peer-elbow-repeats|--rows|\
        --cols|--max-value|--samples|--features|--centers|--k-min|--k-max|--seed|--out)
            [ $# -ge 2 ] || die "$1: missing value (see --help)" ;;
        *) die "$1: unknown option (see --help)" ;;
    esac
    case $1 in
        --workers) workers=$2 ;;
        --repeats) repeats=$2 ;;
        --peer-rows) peer_rows=$2 ;;
        --peer-repeats) peer_repeats=$2 ;;
        --peer-elbow-repeats) peer_elbow_repeats=$2 ;;
        --rows) rows=$2 ;;
        --cols) cols=$2 ;;
        --max-value) max_value=$2 ;;
        --samples) samples=$2 ;;
        --features) features=$2 ;;
        --centers) centers=$2 ;;
        --k-min) k_min=$2 ;;
        --k-max) k_max=$2 ;;
        --seed) seed=$2 ;;
        --out) out=$2 ;;
    esac
    shift 2
done

# Every numeric setting: a whole number (ompsweep and peer.py check ranges).
for pair in "repeats=$repeats" "peer-rows=$peer_rows" "peer-repeats=$peer_repeats" \
        "peer-elbow-repeats=$peer_elbow_repeats" "rows=$rows" "cols=$cols" \
        "max-value=$max_value" "samples=$samples" "features=$features" \
        "centers=$centers" "k-min=$k_min" "k-max=$k_max" "seed=$seed"; do
    case ${pair#*=} in
        ''|*[!0-9]*) die "--${pair%%=*}: '${pair#*=}' is not a whole number" ;;
    esac
done
[ "$peer_rows" -ge 1 ] && [ "$peer_rows" -le "$rows" ] ||
    die "--peer-rows: '$peer_rows' must be 1..$rows (the rows ompsweep sorts)"
worker_list=$(echo "$workers" | tr ',' ' ')
[ -n "$worker_list" ] || die "--workers: empty list"
for w in $worker_list; do
    case $w in ''|*[!0-9]*|0) die "--workers: '$w' is not a positive whole number" ;; esac
done

# Prerequisites, before any work.
[ -f "$ompsweep" ] && [ -x "$ompsweep" ] ||
    die "$ompsweep not found or not executable: run 'make' first (or set OMPSWEEP)"
command -v "$PYTHON" >/dev/null 2>&1 ||
    die "Python '$PYTHON' not found: install Debian's python3-sklearn and python3-joblib (apt-get install python3-sklearn python3-joblib), or set PYTHON"
missing=$("$PYTHON" -c '
import importlib.util
debian = {"numpy": "python3-numpy", "sklearn": "python3-sklearn",
          "joblib": "python3-joblib", "threadpoolctl": "python3-threadpoolctl"}
print(" ".join(p for m, p in debian.items() if importlib.util.find_spec(m) is None))
' 2>/dev/null) || missing="python3-numpy python3-sklearn python3-joblib python3-threadpoolctl"
[ -z "$missing" ] ||
    die "$PYTHON lacks the peer's packages: install Debian's $missing (apt-get install $missing), or set PYTHON to a Python that has them"
hyperfine_note=""
if [ "$use_hyperfine" = yes ] && ! command -v hyperfine >/dev/null 2>&1; then
    use_hyperfine=no
    hyperfine_note="hyperfine is not installed (Debian package hyperfine): whole-process timing skipped"
    say "note: $hyperfine_note"
fi

mkdir -p "$out" 2>/dev/null && [ -w "$out" ] || die "--out: cannot write to '$out'"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ompsweep-compare.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# om DIR ARGS...: ompsweep into a temporary directory; exit 1 (verification
# failed) is recorded in its runs.csv and reported later, anything else stops.
om() {
    dir=$1; shift
    rc=0
    "$ompsweep" "$@" -q -o "$tmp/$dir" >/dev/null 2>"$tmp/stderr" || rc=$?
    if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
        cat "$tmp/stderr" >&2
        die "ompsweep $* failed (exit $rc)"
    fi
    grep -v 'confidence interval of the median needs' "$tmp/stderr" >&2 || true
}

peer() {
    file=$1; shift
    "$PYTHON" "$peer_py" "$@" >"$tmp/$file" || {
        rc=$?
        [ "$rc" -eq 1 ] || die "bench/peer.py $* failed (exit $rc)"
    }
}

bogo="--rows $rows --cols $cols --max-value $max_value --seed $seed"
elbow="--samples $samples --features $features --centers $centers --k-min $k_min --k-max $k_max --seed $seed"
# Other processes on the machine take cores from the W > 1 runs: note the
# load before measuring.
load=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo unknown)
case $load in
    0.[0-4]*|unknown) ;;
    *) say "warning: load average $load before measuring: other processes compete for the cores" ;;
esac
start=$(date +%s)
# One round of ompsweep's configurations: one timed run (after a warmup)
# of each, in turn.
ompsweep_round() {
    om bogo-chunks bogosort -t "$1" -r 1 -w 1 --partition chunks $bogo
    om bogo-rows bogosort -t "$1" -r 1 -w 1 --partition rows $bogo
    om elbow-over-k elbow -t "$1" -r 1 -w 1 --parallel over-k $elbow
    [ "$tasks" = no ] || om elbow-tasks elbow -t "$1" -r 1 -w 1 --parallel tasks $elbow
}

# Both sides are measured in rounds, ompsweep's configurations and the
# peer's runs in turn, each sample in a process of its own: the host's
# other tenants load it in bursts of seconds, which then land on a few
# samples of every side instead of all samples of one.
rounds=$repeats
for n in "$peer_repeats" "$peer_elbow_repeats"; do
    [ "$n" -le "$rounds" ] || rounds=$n
done
for w in $worker_list; do
    say "$w worker(s): $rounds rounds of ompsweep (bogosort ${rows}x$cols chunks and rows, elbow ${samples}x$features over-k and tasks) and the peer (bogosort $peer_rows rows, elbow)"
    i=0
    while [ "$i" -lt "$rounds" ]; do
        [ "$i" -ge "$repeats" ] || ompsweep_round "$w"
        [ "$i" -ge "$peer_repeats" ] ||
            peer "peer-bogosort-$w-$i.csv" bogosort --workers "$w" --repeats 1 \
                --rows "$peer_rows" --cols "$cols" --max-value "$max_value" --seed "$seed"
        [ "$i" -ge "$peer_elbow_repeats" ] ||
            peer "peer-elbow-$w-$i.csv" elbow --workers "$w" --repeats 1 $elbow
        i=$((i + 1))
    done
done

if [ "$use_hyperfine" = yes ]; then
    say "hyperfine: whole ompsweep processes at 1 thread"
    for wl in bogosort elbow; do
        if [ "$wl" = bogosort ]; then opts=$bogo; else opts="$elbow --parallel over-k"; fi
        cmd="'$ompsweep' $wl -t 1 -r 1 -w 0 -q -o '$tmp/hf-$wl' $opts"
        hyperfine --warmup 1 --runs 5 --style none -n "$cmd" \
            --export-csv "$tmp/hf-$wl.csv" "$cmd" >/dev/null 2>"$tmp/stderr" || {
            cat "$tmp/stderr" >&2; die "hyperfine failed on: $cmd"; }
    done
fi
say "measured in $(( $(date +%s) - start )) s; writing $out/comparison.{csv,md} and $out/hyperfine.csv"

"$PYTHON" - "$tmp" "$out" "$worker_list" "$rows" "$peer_rows" "$tasks" "$use_hyperfine" \
    "$hyperfine_note" "$repeats" "$peer_repeats" "$peer_elbow_repeats" "$load" <<'PYEOF'
"""Assembles the comparison tables from the raw outputs in the temp dir."""
import csv
import json
import os
import platform
import statistics
import sys

(tmp, out, worker_list, rows, peer_rows, tasks, use_hf, hf_note, repeats, peer_repeats,
 peer_elbow_repeats, load) = sys.argv[1:]
rows, peer_rows = int(rows), int(peer_rows)
scale = rows / peer_rows
COLUMNS = ["workload", "workers", "peer_rows", "peer_seconds", "ompsweep_seconds",
           "ratio", "peer_result", "ompsweep_result", "note"]


def read(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def read_rounds(prefix):
    """The peer's rows of every round (files PREFIX-<round>.csv), in round order."""
    rows, i = [], 0
    while os.path.exists(f"{prefix}-{i}.csv"):
        rows += read(f"{prefix}-{i}.csv")
        i += 1
    return rows


def group(runs, threads):
    """ompsweep runs of one thread count: median s, median rate, verified, run ids."""
    sel = [r for r in runs if int(r["threads"]) == threads]
    return (statistics.median(float(r["seconds"]) for r in sel),
            statistics.median(float(r["rate"]) for r in sel),
            all(r["verified"] == "true" for r in sel),
            {r["run_id"] for r in sel})


def chosen(choices, run_ids, rule):
    ks = {c["chosen_k"] for c in choices if c["run_id"] in run_ids and c["rule"] == rule}
    return ks.pop() if len(ks) == 1 else "?"


def g(x):
    return f"{x:.6g}"


table, failed, mismatch = [], False, []
for w in [int(x) for x in worker_list.split()]:
    peer = read_rounds(os.path.join(tmp, f"peer-bogosort-{w}"))
    p_sec = statistics.median(float(r["seconds"]) for r in peer)
    p_rate = statistics.median(float(r["rate"]) for r in peer)
    p_ok = all(r["verified"] == "true" for r in peer)
    failed |= not p_ok
    for part, how in (("chunks", "np.array_split blocks, as the peer"),
                      ("rows", "per-row scheduling, the default")):
        o_sec, o_rate, o_ok, _ = group(read(os.path.join(tmp, f"bogo-{part}", "runs.csv")), w)
        failed |= not o_ok
        table.append(["bogosort", w, peer_rows, g(p_sec * scale), g(o_sec),
                      g(p_sec * scale / o_sec), f"sorted={str(p_ok).lower()}",
                      f"sorted={str(o_ok).lower()}",
                      f"ompsweep --partition {part} ({how}); peer: {peer_rows} of "
                      f"{rows} rows, time x{scale:g}; shuffles/s: peer {p_rate:.3g}, "
                      f"ompsweep {o_rate:.3g} (x{o_rate / p_rate:.0f})"])
    peer = read_rounds(os.path.join(tmp, f"peer-elbow-{w}"))
    p_sec = statistics.median(float(r["seconds"]) for r in peer)
    p_ok = all(r["verified"] == "true" for r in peer)
    p_k, p_kmax = peer[-1]["chosen_k_maxdelta"], peer[-1]["chosen_k_max"]
    failed |= not p_ok
    for strategy in ("over-k", "tasks") if tasks == "yes" else ("over-k",):
        d = os.path.join(tmp, f"elbow-{strategy}")
        o_sec, _, o_ok, ids = group(read(os.path.join(d, "runs.csv")), w)
        choices = read(os.path.join(d, "elbow_choice.csv"))
        o_k, o_kmax = chosen(choices, ids, "maxdelta"), chosen(choices, ids, "max")
        failed |= not o_ok
        if o_k != p_k:
            mismatch.append(f"elbow workers={w} {strategy}: peer k={p_k}, ompsweep k={o_k}")
        how = "like the peer" if strategy == "over-k" else "a task per fit"
        table.append(["elbow", w, "", g(p_sec), g(o_sec), g(p_sec / o_sec),
                      f"chosen_k={p_k}" + ("" if p_ok else " (score not finite)"),
                      f"chosen_k={o_k}" + ("" if o_ok else " (verified=false)"),
                      f"ompsweep --parallel {strategy} ({how}); rule max: k={p_kmax} "
                      f"peer, k={o_kmax} ompsweep"])

# Whole-process timing.
hf_rows = []
if use_hf == "yes":
    for wl in ("bogosort", "elbow"):
        h = read(os.path.join(tmp, f"hf-{wl}.csv"))[0]
        kern = [float(r["seconds"]) for r in read(os.path.join(tmp, f"hf-{wl}", "runs.csv"))]
        whole, kernel = float(h["median"]), statistics.median(kern)
        hf_rows.append([wl, h["command"].replace(tmp, "TMPDIR"), len(kern) - 1, 1,
                        g(float(h["mean"])), g(whole), g(float(h["stddev"])), g(kernel),
                        g(whole - kernel), f"{100 * (whole - kernel) / whole:.1f}"])
HF_COLUMNS = ["workload", "command", "runs", "warmup", "process_mean_s", "process_median_s",
              "process_stddev_s", "kernel_median_s", "overhead_s", "overhead_pct"]

# Machine facts from ompsweep's own metadata.
meta = json.load(open(os.path.join(tmp, "bogo-rows", "metadata.json")))[-1]
try:
    import joblib
    import sklearn
    versions = (f"Python {platform.python_version()}, joblib {joblib.__version__}, "
                f"scikit-learn {sklearn.__version__}")
except ImportError:
    versions = f"Python {platform.python_version()}"
machine = (f"`{meta.get('host')}` ({meta.get('cpu_model')}, {meta.get('logical_cpus')} "
           f"logical CPUs, {meta.get('physical_cores')} physical cores)")


def write_atomic(name, text):
    path = os.path.join(out, name)
    with open(path + ".tmp", "w", newline="") as f:
        f.write(text)
    os.replace(path + ".tmp", path)


def csv_text(header, body):
    import io
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(body)
    return buf.getvalue()


def md_num(text):
    x = float(text)
    return f"{x:.0f}" if x >= 100 else f"{x:.3g}" if x >= 1 else f"{x:.4f}"


table.sort(key=lambda r: (r[0] != "bogosort", r[1]))  # stable: variants stay in order
write_atomic("comparison.csv", csv_text(COLUMNS, table))
if hf_rows:
    write_atomic("hyperfine.csv", csv_text(HF_COLUMNS, hf_rows))
elif os.path.exists(os.path.join(out, "hyperfine.csv")):
    os.remove(os.path.join(out, "hyperfine.csv"))  # stale: not measured this time
md = [f"Measured by `bench/compare.sh` on {machine}, "
      f"{meta.get('start_time', '')[:10]} (load average {load} before the run): ompsweep {meta.get('version')} "
      f"({meta.get('git_commit')}, {meta.get('compiler')}) vs `bench/peer.py` "
      f"({versions}) on the same data and worker counts (OpenMP threads = joblib "
      f"processes, one native thread each); median seconds of ompsweep's {repeats} "
      f"kernel runs and of the peer's {peer_repeats} (bogosort) / {peer_elbow_repeats} "
      f"(elbow) runs of its parallel part, one run per process, both sides taking turns "
      f"in rounds; the bogosort peer sorted {peer_rows} of the "
      f"{rows} rows and its time is scaled x{scale:g} per row (the shuffles/s ratio in "
      f"the note does not depend on which rows); ratio = peer / ompsweep.", "",
      "| workload | workers | peer rows | peer s | ompsweep s | ratio | peer result "
      "| ompsweep result | note |",
      "| --- | ---: | ---: | ---: | ---: | ---: | --- | --- | --- |"]
for r in table:
    md.append("| " + " | ".join([r[0], str(r[1]), str(r[2]) or "-", md_num(r[3]),
                                  md_num(r[4]), md_num(r[5])] + r[6:]) + " |")
md.append("")
if hf_rows:
    md += ["Whole-process time (`hyperfine --warmup 1 --runs 5`, 1 thread, 1 timed "
           "run per process, medians) against the kernel seconds the same processes "
           "recorded in runs.csv; the difference is start-up and set-up: process "
           "start, data generation, allocation, machine facts, file writing.", "",
           "| workload | process s | kernel s | overhead s | overhead |",
           "| --- | ---: | ---: | ---: | ---: |"]
    for r in hf_rows:
        md.append(f"| {r[0]} | {float(r[5]):.4f} | {float(r[7]):.4f} | "
                  f"{float(r[8]):.4f} | {r[9]}% |")
    md.append("")
elif hf_note:
    md += [f"Whole-process timing skipped: {hf_note}.", ""]
if meta.get("sanitized") or not meta.get("optimized", True):
    warn = ("WARNING: this ompsweep is a sanitizer or unoptimized build: its times "
            "are not representative (rebuild with plain `make`).")
    md[0:0] = [warn, ""]
    print(f"bench/compare.sh: {warn}", file=sys.stderr)
write_atomic("comparison.md", "\n".join(md))
sys.stdout.write("\n".join(md))
for m in mismatch:
    print(f"bench/compare.sh: note: the chosen k differs: {m}", file=sys.stderr)
if failed:
    print("bench/compare.sh: a side failed its verification (see the result columns)",
          file=sys.stderr)
sys.exit(1 if failed else 0)
PYEOF
