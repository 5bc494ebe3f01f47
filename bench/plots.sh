#!/bin/sh
# bench/plots.sh [--run RUN_ID] [DIR] -- plots of ompsweep's CSV tables.
#
# Reads DIR/summary.csv, DIR/models.csv, DIR/model_curves.csv, DIR/elbow.csv
# and DIR/elbow_choice.csv (DIR defaults to results) and writes PNG and SVG
# files into DIR/plots/:
#
#   time.{png,svg}        median run time vs threads, bars from min to max
#                         (s, ms or us as fits; log scale over a wide range)
#   speedup.{png,svg}     speedup vs threads, ideal y = p, Amdahl fit
#                         1/(f + (1-f)/p) with the block's amdahl_serial (or,
#                         when the speedups fall below 1, words saying so)
#   efficiency.{png,svg}  parallel efficiency vs threads, reference y = 1
#   models.{png,svg}      the measured speedups with the fitted laws of
#                         models.csv (Amdahl dashed, USL or Gustafson solid)
#                         and their 95% bands from model_curves.csv, out to
#                         8x the largest count; each law's parameters, R^2,
#                         AICc choice and a retrograde peak in the legend
#   elbow.{png,svg}       silhouette (mean +- std over folds, left axis) and
#                         inertia (right axis) vs k, the k of each rule marked
#   splits.{png,svg}      hybrid studies (exec --launcher): for every block that
#                         splits a core count into ranks x threads in more
#                         than one way, grouped bars per core count, one bar
#                         per split: its median time over the best split's
#                         median at that core count (the best bar is 1), bars
#                         from min to max, the verdict of splits.csv above
#                         each group (DIR/splits.csv; without it no verdicts)
#   metric_NAME.{png,svg} one per metric of DIR/metrics_summary.csv (exec
#                         --metric): its median vs threads, bars from min to
#                         max, for the run the scaling plots show (NAME with
#                         characters other than letters, digits, _ . - as _)
#
# Unverified rows (verified=false in summary.csv: a failed or timed-out run,
# results that differ) get a red cross on every scaling plot and their
# block's title says [UNVERIFIED]. Without models.csv (tables older than
# 0.3) the models plot is skipped with a note.
#
# Which run: the scaling plots show every block (workload, variant, schedule,
# size) of one run id of summary.csv: by default the latest, i.e. the one
# whose run id carries the latest start time (YYYYmmddTHHMMSSZ; a later row
# wins a tie; run ids without a time, such as the pooled rows of
# `ompsweep summarize`, count as oldest). The elbow plot shows the latest
# elbow run, i.e. the last run id appended to elbow.csv. RUN_ID=ID in the
# environment or --run ID picks one run id for all plots; when that run has
# no elbow rows the elbow plot is skipped with a note.
#
# The thread axis is linear with a tick per count, or log2 when the counts
# span more than a factor 16 (then speedup is log2 too). Legends sit below
# the plots, so they never cover data.
#
# Weak-scaling blocks (variant ending in "+weak") show the scaled speedup and
# the weak efficiency T(1, n) / T(p, p n), labelled so.
#
# bench/plots.sh --compare BASE NEW: BASE's and NEW's speedup and efficiency
# on one plot each (BASE dashed, NEW solid, one colour per block), from the
# summary.csv of each (a directory holding one, or the file), the latest run
# id of each as above; written to NEW's directory as
# plots/compare_{speedup,efficiency}.{png,svg}. Pair with `ompsweep compare`,
# which says whether the differences are real.
#
# Only the CSV files are read (files copied back from a cluster will do).
# Needs gnuplot (Debian: gnuplot-nox) >= 5.2, awk (POSIX; mawk will do),
# mktemp, mkdir, mv and rm. The plots are drawn in a temporary directory and
# moved into DIR/plots/ only when all of them were drawn.
#
# Exit status: 0 plots written; 1 gnuplot failed; 2 bad usage, missing or
# malformed CSV file, gnuplot not installed; 3 DIR/plots cannot be written.
set -u
prog=plots.sh

die() {
    status=$1; shift
    printf '%s: %s\n' "$prog" "$*" >&2
    exit "$status"
}
# note: kept until the plots are drawn, so that a fatal error stays the only
# line on stderr.
notes=
note() { notes="$notes$prog: note: $*
"; }

usage() {
    cat <<'EOF'
usage: bench/plots.sh [--run RUN_ID] [DIR]
       bench/plots.sh --compare BASE NEW
Plots DIR/summary.csv, DIR/models.csv and DIR/elbow.csv (DIR defaults to
results) into DIR/plots/{time,speedup,efficiency,models,elbow}.{png,svg}.
Default run: the latest run id of summary.csv and the last run of
elbow.csv; --run ID (or RUN_ID=ID) picks one run id for all plots.
--compare draws BASE's (dashed) and NEW's (solid) speedup and efficiency
on one plot each, into NEW/plots/.
EOF
}

run_id=${RUN_ID-}
run_id_set=0
[ -n "$run_id" ] && run_id_set=1
dir=
cmp_base=
cmp_new=
while [ $# -gt 0 ]; do
    case $1 in
        -h|--help) usage; exit 0 ;;
        --compare) [ $# -ge 3 ] || die 2 "--compare: expected BASE and NEW"
                   cmp_base=$2; cmp_new=$3; shift 2 ;;
        --run) [ $# -ge 2 ] || die 2 "--run: missing value"
                run_id=$2; run_id_set=1; shift ;;
        --run=*) run_id=${1#--run=}; run_id_set=1 ;;
        --) shift; break ;;
        -*) die 2 "$1: unknown option (usage: bench/plots.sh [--run RUN_ID] [DIR])" ;;
        *) [ -z "$dir" ] || die 2 "more than one directory given ('$dir', '$1')"
           dir=$1 ;;
    esac
    shift
done
if [ $# -gt 0 ]; then
    [ -z "$dir" ] && [ $# -eq 1 ] || die 2 "more than one directory given"
    dir=$1
fi
[ -z "$cmp_base" ] || [ -z "$dir" ] || die 2 "--compare takes BASE and NEW only ('$dir' too)"
: "${dir:=results}"

# summary_of PATH: the summary.csv a --compare side names (dir or file).
summary_of() {
    if [ -d "$1" ]; then s=$1/summary.csv; else s=$1; fi
    [ -f "$s" ] && [ -r "$s" ] && [ -s "$s" ] || die 2 "$s: not found, unreadable or empty"
    printf '%s\n' "$s"
}
if [ -n "$cmp_base" ]; then
    cmp_base=$(summary_of "$cmp_base") || exit 2
    cmp_new=$(summary_of "$cmp_new") || exit 2
    dir=${cmp_new%/*}
    [ "$dir" = "$cmp_new" ] && dir=.
fi

[ -d "$dir" ] || die 2 "$dir: no such directory"
summary=$dir/summary.csv
elbow=$dir/elbow.csv
choice=$dir/elbow_choice.csv
[ -f "$summary" ] || die 2 "$summary: not found (run ompsweep with -o $dir first)"
[ -r "$summary" ] || die 2 "$summary: cannot be read"
[ -s "$summary" ] || die 2 "$summary: empty file"

# RFC 4180 reading for POSIX awk: csv_split from bench/csv.awk; a record may
# span lines inside quotes, CR before LF is dropped, fields are found by
# header name.
case $0 in */*) here=${0%/*} ;; *) here=. ;; esac
csv_awk=$(cat "$here/csv.awk") || die 2 "$here/csv.awk: cannot be read"
csv_awk=$csv_awk'
# csv_record(): 1 when rec holds a complete record (started on line recline).
function csv_record(    t, nq) {
    sub(/\r$/, "")
    if (pending != "") rec = pending "\n" $0
    else { rec = $0; recline = FNR }
    t = rec; nq = gsub(/"/, "", t)
    if (nq % 2) { pending = rec; return 0 }
    pending = ""
    return 1
}
function fail(msg) {
    printf "plots.sh: %s\n", msg > "/dev/stderr"
    failed = 1
    exit 2
}
function is_num(s) {
    return s ~ /^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$/
}
# num(s): the number, or NaN (gnuplot: undefined) for an empty or non-finite cell.
function num(s) { return is_num(s) ? s + 0 : "NaN" }
# header(file, names): maps the required column names to their index in col[].
function header(file, names,    n, i, want, k, f) {
    n = csv_split(rec, f)
    ncols = n
    for (i = 1; i <= n; i++) idx[f[i]] = i
    k = split(names, want, " ")
    for (i = 1; i <= k; i++) {
        if (!(want[i] in idx))
            fail(file ": not an ompsweep table: no column \"" want[i] "\" in the header")
        col[want[i]] = idx[want[i]]
    }
}
function row(file, f,    n) {
    n = csv_split(rec, f)
    if (n != ncols)
        fail(file ":" recline ": " n " fields, the header has " ncols)
    return n
}
# gq(s): s as a single-quoted gnuplot string.
function gq(s) { gsub(/\047/, "\047\047", s); return "\047" s "\047" }
# stamp(id): the last YYYYmmddTHHMMSSZ in a run id ("" when none).
function stamp(id,    s, last) {
    last = ""
    while (match(id, /[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]T[0-9][0-9][0-9][0-9][0-9][0-9]Z/)) {
        last = substr(id, RSTART, RLENGTH)
        id = substr(id, RSTART + RLENGTH)
    }
    return last
}
function run_label(id) { return id == "" ? "pooled rows (ompsweep summarize)" : "run " id }
# Shared gnuplot set-up: terminals (pngcairo when built in, else png), colours.
function gp_common(    i) {
    print "if (strstrt(GPVAL_TERMINALS, \"pngcairo\") > 0) {"
    print "    PNGTERM = \"pngcairo noenhanced font \\\"sans,11\\\"\""
    print "} else {"
    print "    PNGTERM = \"png noenhanced font \\\"sans,11\\\"\""
    print "}"
    print "SVGTERM = \"svg noenhanced font \\\"sans,14\\\" background \\\"#ffffff\\\"\""
    print "set encoding utf8"
    print "set datafile missing \"NaN\""
    print "set border lw 1"
    print "set grid xtics ytics lc rgb \"#c8c8c8\" lw 1 dt 3"
    print "set style line 100 lc rgb \"#333333\" lw 1.5 dt 2"
}
# key_width(len): a canvas wide enough for a key entry of len characters
# at the SVG font (gnuplot drops a key that does not fit).
function key_width(len, least) { return len * 8.6 + 160 > least ? int(len * 8.6 + 160) : least }
function colour(i) {
    return substr("#1f77b4#d62728#2ca02c#ff7f0e#9467bd#8c564b#e377c2#17becf#7f7f7f#bcbd22", 7 * ((i - 1) % 10) + 1, 7)
}
function ptype(i) { return substr("7 5 9 13 11 15 6 4 8 12", 2 * ((i - 1) % 10) + 1, 2) + 0 }
function dtype(i) { return int((i - 1) / 10) % 4 + 1 }
'

# The speedup bound of the over-k strategy per run, from elbow.csv: with
# one thread per k, a run cannot end before its costliest k does, so
# speedup <= (sum of the per-k seconds) / (the largest). Lines "RUN<TAB>BOUND".
bounds_awk='
!csv_record() { next }
recline == 1 { header(FILENAME, "run_id k seconds"); next }
{
    row(FILENAME, f)
    id = f[col["run_id"]]; k = f[col["k"]]
    if (!((id, k) in sec)) ks[id] = ks[id] " " k
    sec[id, k] = f[col["seconds"]] + 0 # after a resume the last row of a k counts
}
END {
    for (id in ks) {
        n = split(ks[id], kk, " "); total = 0; top = 0
        for (i = 1; i <= n; i++) { v = sec[id, kk[i]]; total += v; if (v > top) top = v }
        if (top > 0) printf "%s\t%.6g\n", id, total / top
    }
}
'

# Validates summary.csv and writes the scaling plots' gnuplot script.
scaling_awk='
# "  bind=close places=cores" for a row that ran under them, else "".
function affinity(i,   t) {
    t = ""
    if (r_b[i] != "") t = t "  bind=" r_b[i]
    if (r_p[i] != "") t = t "  places=" r_p[i]
    return t
}
BEGIN { want = ENVIRON["PLOTS_RUN_ID"]; out = ENVIRON["PLOTS_OUT"]; nrows = 0; nruns = 0 }
!csv_record() { next }
recline == 1 {
    header(FILENAME, "run_id workload variant schedule size ranks threads n median min max speedup efficiency amdahl_serial")
    next
}
{
    row(FILENAME, f)
    id = f[col["run_id"]]
    t = f[col["threads"]]
    if (t !~ /^[0-9]+$/ || t + 0 < 1)
        fail(FILENAME ":" recline ": threads \"" t "\" is not a positive integer")
    rk = f[col["ranks"]]
    if (rk !~ /^[0-9]+$/ || rk + 0 < 1)
        fail(FILENAME ":" recline ": ranks \"" rk "\" is not a positive integer")
    if (rk + 0 > 1) anyranks = 1
    t = t * rk # the x axis counts cores: MPI ranks x threads per rank
    if (f[col["n"]] == "0") next # no run of it completed (runs.csv status): no time
    split("median min max", must, " ")
    for (j = 1; j <= 3; j++)
        if (!is_num(f[col[must[j]]]))
            fail(FILENAME ":" recline ": " must[j] " \"" f[col[must[j]]] "\" is not a number")
    if (!(id in runseen)) { runseen[id] = 1; runs[++nruns] = id }
    runlast[id] = nrows + 1
    nrows++
    r_id[nrows] = id; r_t[nrows] = t + 0
    r_w[nrows] = f[col["workload"]]; r_v[nrows] = f[col["variant"]]
    r_s[nrows] = f[col["schedule"]] == "" ? "-" : f[col["schedule"]]; r_z[nrows] = f[col["size"]]
    # bind and places (summary.csv of 0.2 on; empty in older tables)
    r_b[nrows] = ("bind" in idx) ? f[idx["bind"]] : ""
    r_p[nrows] = ("places" in idx) ? f[idx["places"]] : ""
    r_n[nrows] = f[col["n"]]
    r_med[nrows] = f[col["median"]] + 0; r_min[nrows] = f[col["min"]] + 0
    r_max[nrows] = f[col["max"]] + 0
    r_sp[nrows] = num(f[col["speedup"]]); r_ef[nrows] = num(f[col["efficiency"]])
    r_f[nrows] = num(f[col["amdahl_serial"]])
    # tables of 0.2 hold fractions outside [0, 1] (259 for a slowdown): no fit
    if (r_f[nrows] != "NaN" && (r_f[nrows] < 0 || r_f[nrows] > 1)) r_f[nrows] = "NaN"
    # verified (every table since 0.1); a row without the column counts as verified
    r_ok[nrows] = !("verified" in idx) || f[idx["verified"]] != "false"
}
END {
    if (failed) exit 2
    if (pending != "") fail(FILENAME ": the last record has an unterminated quote")
    if (nrows == 0) fail(ARGV[1] ": no data rows (only a header)")
    if (ENVIRON["PLOTS_RUN_ID_SET"] == "1") {
        if (!(want in runseen)) fail(ARGV[1] ": no rows for run id \"" want "\"")
        sel = want
    } else {
        best = 0
        for (i = 1; i <= nruns; i++) {
            s = stamp(runs[i])
            if (best == 0 || s > bs || (s == bs && runlast[runs[i]] > runlast[runs[best]])) { best = i; bs = s }
        }
        sel = runs[best]
    }
    if (ENVIRON["PLOTS_SEL"] != "") { print sel > ENVIRON["PLOTS_SEL"]; close(ENVIRON["PLOTS_SEL"]) }
    # Blocks of the selected run: a weak block spans its sizes.
    nb = 0
    for (i = 1; i <= nrows; i++) {
        if (r_id[i] != sel) continue
        weak = r_v[i] ~ /\+weak$/
        key = r_w[i] SUBSEP r_v[i] SUBSEP r_s[i] SUBSEP r_b[i] SUBSEP r_p[i] SUBSEP (weak ? "" : r_z[i])
        if (!(key in bidx)) { bidx[key] = ++nb; bn[nb] = 0; bweak[nb] = weak; bf[nb] = "NaN"; bok[nb] = 1; bslow[nb] = 0 }
        b = bidx[key]
        m = ++bn[b]
        # insertion by thread count
        for (j = m; j > 1 && r_t[brow[b, j - 1]] > r_t[i]; j--) brow[b, j] = brow[b, j - 1]
        brow[b, j] = i
        if (r_f[i] != "NaN") bf[b] = r_f[i]
        if (!r_ok[i]) { bok[b] = 0; anybad = 1 }
        if (r_sp[i] != "NaN" && r_sp[i] < 1) bslow[b] = 1
    }
    pmin = 0; pmax = 0; nt = 0; ymin = 0; ymax = 0; spmin = 1; spmax = 1; efmax = 1; anyweak = 0; anystrong = 0
    for (b = 1; b <= nb; b++) {
        first = brow[b, 1]; last = brow[b, bn[b]]
        if (bweak[b]) {
            anyweak = 1
            sz = r_z[first] == r_z[last] ? r_z[first] : r_z[first] " to " r_z[last]
            title[b] = r_w[first] "/" r_v[first] "  " r_s[first] affinity(first) "  " sz "  (weak scaling)"
        } else {
            anystrong = 1
            title[b] = r_w[first] "/" r_v[first] "  " r_s[first] affinity(first) "  " r_z[first]
        }
        for (j = 1; j <= bn[b]; j++) {
            i = brow[b, j]; t = r_t[i]
            if (pmin == 0 || t < pmin) pmin = t
            if (t > pmax) pmax = t
            if (!(t in tseen)) { tseen[t] = 1; nt++ }
            if (ymin == 0 || r_min[i] < ymin) ymin = r_min[i]
            if (r_max[i] > ymax) ymax = r_max[i]
            if (r_sp[i] != "NaN" && r_sp[i] > spmax) spmax = r_sp[i]
            if (r_sp[i] != "NaN" && r_sp[i] > 0 && r_sp[i] < spmin) spmin = r_sp[i]
            if (r_ef[i] != "NaN" && r_ef[i] > efmax) efmax = r_ef[i]
        }
        bpmax[b] = r_t[last]
        if (!bok[b]) title[b] = title[b] "  [UNVERIFIED]"
    }
    if (spmax < pmax) spmax = pmax
    # over-k bound of the selected run (see bounds_awk), drawn when in range
    bounds = ENVIRON["PLOTS_BOUNDS"]
    while (bounds != "" && (getline bline < bounds) > 0) {
        split(bline, pr, "\t")
        if (pr[1] == sel) okbound = pr[2] + 0
    }
    for (b = 1; b <= nb; b++)
        if (okbound > 0 && r_w[brow[b, 1]] == "elbow" && r_v[brow[b, 1]] == "over-k")
            boundblock = b
    if (boundblock && okbound <= 1.5 * spmax && okbound > spmax) spmax = okbound

    gp_common()
    # Data: one index per block; the Amdahl curves one index per fitted block.
    print "$B << EOD"
    for (b = 1; b <= nb; b++) {
        if (b > 1) printf "\n\n"
        print "# threads median min max speedup efficiency n"
        for (j = 1; j <= bn[b]; j++) {
            i = brow[b, j]
            printf "%d %.10g %.10g %.10g %s %s %s\n", r_t[i], r_med[i], r_min[i], r_max[i], r_sp[i], r_ef[i], r_n[i] == "" ? "NaN" : r_n[i]
        }
    }
    print "EOD"
    # Unverified rows (failed, timed-out or differing runs), marked on every plot.
    print "$U << EOD"
    nbad = 0
    for (i = 1; i <= nrows; i++)
        if (r_id[i] == sel && !r_ok[i]) { printf "%d %.10g %s %s\n", r_t[i], r_med[i], r_sp[i], r_ef[i]; nbad++ }
    if (nbad == 0) print "NaN NaN NaN NaN"
    print "EOD"
    print "BADTITLE = " gq("X: unverified runs (failed, timed out or differing results): do not trust these points")
    nfit = 0
    print "$F << EOD"
    for (b = 1; b <= nb; b++) {
        if (bf[b] == "NaN" || bweak[b] || bpmax[b] < 2) continue
        fitidx[b] = nfit++
        if (nfit > 1) printf "\n\n"
        for (k = 0; k <= 200; k++) {
            p = 1 + (bpmax[b] - 1) * k / 200
            d = bf[b] + (1 - bf[b]) / p
            if (d > 0) printf "%.10g %.10g\n", p, 1 / d
        }
    }
    print "EOD"

    # Thread axis: linear with a tick at each count, log2 for wide sweeps.
    logx = pmax / pmin > 16
    if (pmin == pmax) { xlo = pmin - 1; xhi = pmax + 1; if (xlo < 0) xlo = 0 }
    else if (logx) { xlo = pmin / 1.25; xhi = pmax * 1.25 }
    else { pad = (pmax - pmin) * 0.04; xlo = pmin - pad; xhi = pmax + pad }
    tics = ""
    if (nt <= 16) {
        n = 0
        for (t in tseen) tl[++n] = t + 0
        for (a = 2; a <= n; a++) { v = tl[a]; for (c = a; c > 1 && tl[c - 1] > v; c--) tl[c] = tl[c - 1]; tl[c] = v }
        for (a = 1; a <= n; a++) tics = tics (a > 1 ? ", " : "") "\"" tl[a] "\" " tl[a]
    }
    height = 530 + 21 * (nb + 1 + anybad)  # legend below, one entry a line
    print "$I << EOD"
    printf "1 1\n%.10g %.10g\nEOD\n", xhi, xhi
    widest = 0
    for (b = 1; b <= nb; b++) {
        stitle[b] = title[b] ((b in fitidx) ? sprintf("  (Amdahl fit f = %.3g)", bf[b]) : (!bweak[b] && bslow[b] && bf[b] == "NaN") ? "  (slower with more threads: no Amdahl fit)" : "")
        if (length(stitle[b]) > widest) widest = length(stitle[b])
    }
    if (anybad && widest < 85) widest = 85 # the cross explained
    print "W = " key_width(widest, 1000) "; H = " height
    print "OUT = " gq(out)
    print "RUN = " gq(run_label(sel))
    print "set xlabel " (anyranks ? "\"cores p = MPI ranks x threads\"" : "\"threads p\"")
    if (logx) print "set logscale x 2"
    print "set xrange [" xlo ":" xhi "]"
    if (tics != "") print "set xtics (" tics ")"
    else if (logx) print "set xtics 2"
    print "set key outside below center vertical maxcols 1 spacing 1.15 width 1"
    print "set mxtics default"
    print "set bars small"

    # 1. time
    print "set title \"Run time vs threads\\n\" . RUN . \"   (median of the repeats; bars: min to max)\""
    # Unit: s, ms or µs, so that the tick labels stay short.
    if (ymax < 1e-3) { scale = 1e6; unit = "µs" }
    else if (ymax < 1) { scale = 1e3; unit = "ms" }
    else { scale = 1; unit = "s" }
    logy = ymin > 0 && ymax / ymin > 8
    print "set ylabel \"time per run [" unit "]" (logy ? "  (log scale)" : "") "\""
    if (logy) print "set logscale y"
    else print "set yrange [0:*]"
    print "set format y \"%g\""
    print "do for [fmt in \"png svg\"] {"
    print "    eval \"set terminal \" . (fmt eq \"png\" ? PNGTERM : SVGTERM) . \" size \" . W . \",\" . H"
    print "    set output OUT . \"/time.\" . fmt"
    printf "    plot"
    for (b = 1; b <= nb; b++)
        printf "%s \\\n        $B index %d using 1:($2*%g):($3*%g):($4*%g) with yerrorlines lw 2 pt %d ps 1.1 lc rgb \"%s\" dt %d title %s", (b > 1 ? "," : ""), b - 1, scale, scale, scale, ptype(b), colour(b), dtype(b), gq(title[b])
    if (anybad) printf ", \\\n        $U using 1:($2*%g) with points pt 2 ps 2.6 lw 2.5 lc rgb \"#d62728\" title BADTITLE", scale
    print ""
    print "    unset output"
    print "}"
    print "unset logscale y"

    # 2. speedup
    ylab = anystrong ? "speedup  T(1) / T(p)" : ""
    if (anyweak) ylab = ylab (anystrong ? ";  " : "") "scaled speedup  p T(1,n) / T(p,pn)  (weak)"
    print "set title \"Speedup vs threads\\n\" . RUN . \"   (black dashed: ideal y = p; thin dashed: Amdahl fit 1/(f + (1-f)/p))\""
    print "set ylabel " gq(ylab (logx ? "  (log scale)" : ""))
    if (logx) { print "set logscale y 2"; print "set yrange [" (spmin < xlo ? spmin : xlo) / 1.25 ":" spmax * 1.25 "]" }
    else print "set yrange [0:" spmax * 1.08 "]"
    print "do for [fmt in \"png svg\"] {"
    print "    eval \"set terminal \" . (fmt eq \"png\" ? PNGTERM : SVGTERM) . \" size \" . W . \",\" . H"
    print "    set output OUT . \"/speedup.\" . fmt"
    printf "    plot $I with lines ls 100 title \"ideal (y = p)\""
    for (b = 1; b <= nb; b++) {
        printf ", \\\n        $B index %d using 1:5 with linespoints lw 2 pt %d ps 1.1 lc rgb \"%s\" dt %d title %s", b - 1, ptype(b), colour(b), dtype(b), gq(stitle[b])
        if (b in fitidx)
            printf ", \\\n        $F index %d using 1:2 with lines lw 1.2 dt (8,5) lc rgb \"%s\" notitle", fitidx[b], colour(b)
        if (b == boundblock)
            printf ", \\\n        %s with lines lw 1.5 dt 3 lc rgb \"%s\" title %s", (okbound <= spmax ? sprintf("%.6g", okbound) : "NaN"), colour(b), gq(sprintf("over-k bound set by the largest k: speedup <= %.2f%s", okbound, okbound <= spmax ? "" : " (above this range)"))
    }
    if (anybad) printf ", \\\n        $U using 1:3 with points pt 2 ps 2.6 lw 2.5 lc rgb \"#d62728\" title BADTITLE"
    print ""
    print "    unset output"
    print "}"
    print "unset logscale y"

    # 3. efficiency
    ylab = anystrong ? "efficiency  speedup / p" : ""
    if (anyweak) ylab = ylab (anystrong ? ";  " : "") "weak efficiency  T(1,n) / T(p,pn)"
    print "set title \"Parallel efficiency vs threads\\n\" . RUN . \"   (dashed: ideal y = 1)\""
    print "set ylabel " gq(ylab)
    print "set yrange [0:" (efmax * 1.1 > 1.15 ? efmax * 1.1 : 1.15) "]"
    if (efmax <= 1.5) print "set ytics 0.1"
    print "do for [fmt in \"png svg\"] {"
    print "    eval \"set terminal \" . (fmt eq \"png\" ? PNGTERM : SVGTERM) . \" size \" . W . \",\" . H"
    print "    set output OUT . \"/efficiency.\" . fmt"
    printf "    plot 1 with lines ls 100 title \"ideal (y = 1)\""
    for (b = 1; b <= nb; b++)
        printf ", \\\n        $B index %d using 1:6 with linespoints lw 2 pt %d ps 1.1 lc rgb \"%s\" dt %d title %s", b - 1, ptype(b), colour(b), dtype(b), gq(title[b])
    if (anybad) printf ", \\\n        $U using 1:4 with points pt 2 ps 2.6 lw 2.5 lc rgb \"#d62728\" title BADTITLE"
    print ""
    print "    unset output"
    print "}"
}
'

# Reads summary.csv (the measured speedups), models.csv (the fits) and
# model_curves.csv (their curves and bands) and writes the models plot's
# gnuplot script for the run the scaling plots chose (PLOTS_SEL); exit 3
# (no script) when the run has no rows in models.csv.
models_awk='
function bkey(w, v, s, bd, pl, z) { return w SUBSEP v SUBSEP s SUBSEP bd SUBSEP pl SUBSEP (v ~ /\+weak$/ ? "" : z) }
function g3(x) { return is_num(x) ? sprintf("%.3g", x + 0) : x }
# "0.0498 [0.0471, 0.0527]", or the estimate alone without an interval.
function iv(v, lo, hi) { return g3(v) (lo != "" ? " [" g3(lo) ", " g3(hi) "]" : "") }
function field(name) { return (name in idx) ? f[idx[name]] : "" }
function this_key() { return bkey(f[col["workload"]], f[col["variant"]], f[col["schedule"]], field("bind"), field("places"), f[col["size"]]) }
function block(w, v, s, bd, pl, z,    k) {
    k = bkey(w, v, s, bd, pl, z)
    if (!(k in bidx)) {
        bidx[k] = ++nb
        btitle[nb] = w "/" v "  " s (bd != "" ? "  bind=" bd : "") (pl != "" ? "  places=" pl : "") "  " (v ~ /\+weak$/ ? "(weak scaling)" : z)
    }
    return bidx[k]
}
BEGIN { out = ENVIRON["PLOTS_OUT"]; if ((getline sel < ENVIRON["PLOTS_SEL"]) <= 0) sel = ""; nb = 0; nl = 0; pmax = 1; ytop = 1; yband = 0 }
FNR == 1 { pending = ""; file++; delete idx; delete col }
!csv_record() { next }
file == 1 && recline == 1 { header(FILENAME, "run_id workload variant schedule size ranks threads speedup"); next }
file == 1 {
    row(FILENAME, f)
    if (f[col["run_id"]] != sel) next
    b = block(f[col["workload"]], f[col["variant"]], f[col["schedule"]], field("bind"), field("places"), f[col["size"]])
    n = ++np[b]
    pc[b, n] = f[col["ranks"]] * f[col["threads"]]; ps[b, n] = num(f[col["speedup"]])
    pok[b, n] = field("verified") != "false"
    if (!pok[b, n]) { bbad[b] = 1; anybad = 1 }
    if (pc[b, n] > pmax) pmax = pc[b, n]
    if (ps[b, n] != "NaN" && ps[b, n] > ytop) ytop = ps[b, n]
    next
}
file == 2 && recline == 1 {
    header(FILENAME, "schema run_id workload variant schedule bind places size model state serial serial_low serial_high sigma sigma_low sigma_high kappa kappa_low kappa_high r2 chosen retrograde peak_cores note")
    next
}
file == 2 {
    row(FILENAME, f)
    if (f[col["run_id"]] != sel || !(this_key() in bidx)) next
    b = bidx[this_key()]; m = f[col["model"]]
    l = ++nl; lb[l] = b; lm[l] = m; lidx[b, m] = l
    if (f[col["state"]] != "fitted") { ltext[l] = m ": " f[col["note"]]; next }
    if (m == "usl") t = "usl  sigma " iv(f[col["sigma"]], f[col["sigma_low"]], f[col["sigma_high"]]) "  kappa " iv(f[col["kappa"]], f[col["kappa_low"]], f[col["kappa_high"]])
    else t = m "  " (m == "amdahl" ? "f " : "alpha ") iv(f[col["serial"]], f[col["serial_low"]], f[col["serial_high"]])
    t = t "  R^2 " (is_num(f[col["r2"]]) ? sprintf("%.4f", f[col["r2"]]) : "-")
    if (f[col["chosen"]] == "true") t = t ", AICc choice"
    if (f[col["retrograde"]] == "true") t = t ", RETROGRADE: peak " sprintf("%.0f", f[col["peak_cores"]]) " cores"
    ltext[l] = t
    next
}
file == 3 && recline == 1 {
    header(FILENAME, "run_id workload variant schedule bind places size model cores speedup speedup_low speedup_high")
    next
}
file == 3 {
    row(FILENAME, f)
    if (f[col["run_id"]] != sel || !(this_key() in bidx)) next
    b = bidx[this_key()]
    if (!((b, f[col["model"]]) in lidx)) next
    l = lidx[b, f[col["model"]]]; n = ++cn[l]
    cx[l, n] = f[col["cores"]] + 0; cy[l, n] = num(f[col["speedup"]])
    clo[l, n] = num(f[col["speedup_low"]]); chi[l, n] = num(f[col["speedup_high"]])
    if (cx[l, n] > xmax) xmax = cx[l, n]
    if (cy[l, n] != "NaN" && cy[l, n] > ytop) ytop = cy[l, n]
    if (chi[l, n] != "NaN" && chi[l, n] > yband) yband = chi[l, n]
}
END {
    if (failed) exit 2
    if (pending != "") fail(FILENAME ": the last record has an unterminated quote")
    if (nl == 0) exit 3
    if (xmax < pmax) xmax = pmax
    # The bands may reach far beyond the data: at most half the plot again.
    ymax = (yband > ytop ? (yband < 1.5 * ytop ? yband : 1.5 * ytop) : ytop) * 1.08
    gp_common()
    print "$P << EOD"
    for (b = 1; b <= nb; b++) {
        if (b > 1) printf "\n\n"
        if (np[b] == 0) print "NaN NaN"
        for (j = 1; j <= np[b]; j++) printf "%d %s\n", pc[b, j], ps[b, j]
    }
    print "EOD"
    print "$C << EOD"
    nc = 0
    for (l = 1; l <= nl; l++) {
        if (cn[l] == 0) continue
        cidx[l] = nc++
        if (nc > 1) printf "\n\n"
        for (j = 1; j <= cn[l]; j++) printf "%.10g %s %s %s\n", cx[l, j], cy[l, j], clo[l, j], chi[l, j]
    }
    if (nc == 0) print "NaN NaN NaN NaN"
    print "EOD"
    print "$U << EOD"
    nbad = 0
    for (b = 1; b <= nb; b++)
        for (j = 1; j <= np[b]; j++)
            if (!pok[b, j]) { printf "%d %s\n", pc[b, j], ps[b, j]; nbad++ }
    if (nbad == 0) print "NaN NaN"
    print "EOD"
    print "OUT = " gq(out)
    print "RUN = " gq(run_label(sel))
    print "set samples 200"
    print "set title \"Scaling models: speedup vs cores\\n\" . RUN . \"\\n(points: measured; lines: fitted laws; bands: 95% bootstrap intervals; right of the dotted line: predicted)\""
    print "set xlabel \"cores p (MPI ranks x threads; log scale)\""
    print "set ylabel \"speedup  (scaled speedup for weak scaling)\""
    print "set logscale x 2"
    print "set xrange [0.9:" xmax * 1.1 "]"
    print "set yrange [0:" ymax "]"
    print "set xtics 2"
    print "set arrow 1 from " pmax ", graph 0 to " pmax ", graph 1 nohead dt 3 lw 1.5 lc rgb \"#777777\""
    print "set key outside below center vertical maxcols 1 spacing 1.15 width 1"
    height = 560 + 21 * (nb + nl + 1 + anybad)
    widest = anybad ? 85 : 0
    for (b = 1; b <= nb; b++) if (length(btitle[b]) + 14 > widest) widest = length(btitle[b]) + 14
    for (l = 1; l <= nl; l++) if (length(ltext[l]) + 4 > widest) widest = length(ltext[l]) + 4
    print "do for [fmt in \"png svg\"] {"
    print "    eval \"set terminal \" . (fmt eq \"png\" ? PNGTERM : SVGTERM) . \" size " key_width(widest, 1000) "," height "\""
    print "    set output OUT . \"/models.\" . fmt"
    printf "    plot x with lines ls 100 title \"ideal (y = p)\""
    for (b = 1; b <= nb; b++) {
        for (l = 1; l <= nl; l++) {
            if (lb[l] != b || !(l in cidx)) continue
            printf ", \\\n        $C index %d using 1:3:4 with filledcurves fs transparent solid 0.18 noborder lc rgb \"%s\" notitle", cidx[l], colour(b)
        }
        printf ", \\\n        $P index %d using 1:2 with points pt %d ps 1.4 lc rgb \"%s\" title %s", b - 1, ptype(b), colour(b), gq(btitle[b] (bbad[b] ? "  [UNVERIFIED]" : ""))
        for (l = 1; l <= nl; l++) {
            if (lb[l] != b) continue
            dash = lm[l] == "amdahl" ? 2 : 1
            if (l in cidx) printf ", \\\n        $C index %d using 1:2 with lines lw 2 dt %d lc rgb \"%s\" title %s", cidx[l], dash, colour(b), gq("    " ltext[l])
            else printf ", \\\n        NaN with lines lw 2 dt %d lc rgb \"%s\" title %s", dash, colour(b), gq("    " ltext[l])
        }
    }
    if (anybad) printf ", \\\n        $U using 1:2 with points pt 2 ps 2.6 lw 2.5 lc rgb \"#d62728\" title %s", gq("X: unverified runs (failed, timed out or differing results): do not trust these points")
    print ""
    print "    unset output"
    print "}"
}
'

# Reads elbow.csv then elbow_choice.csv (optional) and writes the elbow
# plot's gnuplot script; exit 3 (no script) when the run has no elbow rows.
elbow_awk='
BEGIN { want = ENVIRON["PLOTS_RUN_ID"]; out = ENVIRON["PLOTS_OUT"]; ne = 0 }
FNR == 1 { pending = ""; file++ }
!csv_record() { next }
file == 1 && recline == 1 {
    header(FILENAME, "run_id k silhouette_mean silhouette_std inertia_mean"); next
}
file == 1 {
    row(FILENAME, f)
    k = f[col["k"]]
    if (k !~ /^[0-9]+$/) fail(FILENAME ":" recline ": k \"" k "\" is not an integer")
    ne++
    e_id[ne] = f[col["run_id"]]; e_k[ne] = k + 0
    e_s[ne] = num(f[col["silhouette_mean"]]); e_sd[ne] = num(f[col["silhouette_std"]])
    e_i[ne] = num(f[col["inertia_mean"]])
    next
}
file == 2 && recline == 1 {
    delete idx; delete col
    header(FILENAME, "run_id rule chosen_k selected"); next
}
file == 2 {
    row(FILENAME, f)
    nc++
    c_id[nc] = f[col["run_id"]]; c_rule[nc] = f[col["rule"]]
    c_k[nc] = f[col["chosen_k"]]; c_sel[nc] = f[col["selected"]]
}
END {
    if (failed) exit 2
    if (pending != "") fail(FILENAME ": the last record has an unterminated quote")
    if (ne == 0) fail(ARGV[1] ": no data rows (only a header)")
    sel = ENVIRON["PLOTS_RUN_ID_SET"] == "1" ? want : e_id[ne]
    # The rows of the run; a k seen twice (a resumed run) keeps its last row.
    nk = 0
    for (i = 1; i <= ne; i++) {
        if (e_id[i] != sel) continue
        if (!(e_k[i] in kat)) { kat[e_k[i]] = ++nk; ks[nk] = e_k[i] }
        kat_row[e_k[i]] = i
    }
    if (nk == 0) exit 3
    for (a = 2; a <= nk; a++) { v = ks[a]; for (c = a; c > 1 && ks[c - 1] > v; c--) ks[c] = ks[c - 1]; ks[c] = v }
    # Rules of the run, grouped by chosen k: one marker per k.
    nr = 0; ng = 0
    for (i = 1; i <= nc; i++) {
        if (c_id[i] != sel) continue
        if (!(c_rule[i] in rseen)) { rseen[c_rule[i]] = 1; rules[++nr] = c_rule[i] }
        rk[c_rule[i]] = c_k[i]; rsel[c_rule[i]] = c_sel[i] == "true"
    }
    if (nr == 0) printf "rules" > ENVIRON["PLOTS_NOTE"]
    for (r = 1; r <= nr; r++) {
        k = rk[rules[r]]
        name = rules[r] (rsel[rules[r]] ? " (selected)" : "")
        if (k !~ /^[0-9]+$/) { undef = undef (undef == "" ? "" : ", ") name; continue }
        if (!(k in gk)) { gk[k] = ++ng; gval[ng] = k + 0; gname[ng] = name }
        else gname[gk[k]] = gname[gk[k]] ", " name
    }
    gp_common()
    print "$E << EOD"
    print "# k silhouette_mean silhouette_std inertia_mean"
    for (a = 1; a <= nk; a++) {
        i = kat_row[ks[a]]
        printf "%d %s %s %s\n", ks[a], e_s[i], e_sd[i], e_i[i]
    }
    print "EOD"
    print "OUT = " gq(out)
    print "set title " gq("Elbow: silhouette and inertia vs number of clusters k") ". \"\\n\" . " gq("run " sel "   (silhouette: mean over the CV folds, bars: +- std)")
    print "set xlabel \"number of clusters k\""
    print "set ylabel \"silhouette score (held-out folds)\" tc rgb \"#1f77b4\""
    print "set y2label \"inertia (within-cluster sum of squares)\" tc rgb \"#d62728\""
    print "set ytics nomirror tc rgb \"#1f77b4\""
    print "set y2tics tc rgb \"#d62728\""
    print "set format y2 \"%g\""
    # Head room above the curves for the k labels of the rules.
    slo = ""; shi = ""; imax = 0
    for (a = 1; a <= nk; a++) {
        i = kat_row[ks[a]]
        if (e_i[i] != "NaN" && e_i[i] > imax) imax = e_i[i]
        if (e_s[i] == "NaN") continue
        d = e_sd[i] == "NaN" ? 0 : e_sd[i]
        if (slo == "" || e_s[i] - d < slo) slo = e_s[i] - d
        if (shi == "" || e_s[i] + d > shi) shi = e_s[i] + d
    }
    if (slo != "") {
        span = shi - slo; if (span < 0.02) span = 0.02
        print "set yrange [" slo - 0.06 * span ":" shi + 0.14 * span "]"
    }
    if (imax > 0) print "set y2range [0:" imax * 1.14 "]"
    print "set xrange [" ks[1] - 0.5 ":" ks[nk] + 0.5 "]"
    if (nk <= 30) print "set xtics 1"
    print "set bars small"
    print "set key outside below center horizontal maxcols 2 spacing 1.15"
    mark = "#2ca02c#9467bd#ff7f0e#8c564b#e377c2#17becf"
    for (g = 1; g <= ng; g++) {
        print "set arrow " g " from " gval[g] ", graph 0 to " gval[g] ", graph 1 nohead lw 2 dt " (g == 1 ? 2 : g == 2 ? 4 : 5) " lc rgb \"" substr(mark, 7 * ((g - 1) % 6) + 1, 7) "\" back"
        print "set label " g " " gq("k=" gval[g]) " at " gval[g] ", graph 1 offset 0.4,-0.9 left tc rgb \"" substr(mark, 7 * ((g - 1) % 6) + 1, 7) "\" front"
    }
    print "do for [fmt in \"png svg\"] {"
    print "    eval \"set terminal \" . (fmt eq \"png\" ? PNGTERM : SVGTERM) . \" size 1000,640\""
    print "    set output OUT . \"/elbow.\" . fmt"
    printf "    plot $E using 1:2:3 axes x1y1 with yerrorlines lw 2 pt 7 ps 1.1 lc rgb \"#1f77b4\" title \"silhouette (left axis)\""
    printf ", \\\n        $E using 1:4 axes x1y2 with linespoints lw 2 pt 5 ps 1 lc rgb \"#d62728\" title \"inertia (right axis)\""
    for (g = 1; g <= ng; g++)
        printf ", \\\n        NaN with lines lw 2 dt %d lc rgb \"%s\" title %s", (g == 1 ? 2 : g == 2 ? 4 : 5), substr(mark, 7 * ((g - 1) % 6) + 1, 7), gq(gname[g] ": k = " gval[g])
    if (undef != "")
        printf ", \\\n        NaN with lines lc rgb \"#ffffff\" title %s", gq(undef ": no k")
    print ""
    print "    unset output"
    print "}"
}
'

# Reads metrics_summary.csv and writes the metric plots' gnuplot script
# for the run id in PLOTS_SELECTED_ID, their names into PLOTS_METRIC_NAMES;
# exit 3 (no script) when that run has no metrics.
metrics_awk='
function safe(s) { gsub(/[^A-Za-z0-9_.-]/, "_", s); return s }
BEGIN { out = ENVIRON["PLOTS_OUT"]; sel = ENVIRON["PLOTS_SELECTED_ID"]; nm = 0 }
!csv_record() { next }
recline == 1 {
    header(FILENAME, "run_id workload variant schedule bind places size ranks threads metric better median min max")
    next
}
{
    row(FILENAME, f)
    if (f[col["run_id"]] != sel) next
    t = f[col["threads"]] * f[col["ranks"]]
    if (t < 1) fail(FILENAME ":" recline ": threads or ranks not a positive integer")
    if (!is_num(f[col["median"]])) fail(FILENAME ":" recline ": median is not a number")
    m = f[col["metric"]] " (" f[col["better"]] " is better)"
    if (!(m in midx)) { midx[m] = ++nm; mname[nm] = m; mfile[nm] = "metric_" safe(f[col["metric"]]) }
    k = midx[m]
    weak = f[col["variant"]] ~ /\+weak$/
    key = f[col["workload"]] "/" f[col["variant"]] "  " (f[col["schedule"]] == "" ? "-" : f[col["schedule"]]) \
        (f[col["bind"]] != "" ? "  bind=" f[col["bind"]] : "") (f[col["places"]] != "" ? "  places=" f[col["places"]] : "") \
        (weak ? "  (weak scaling)" : "  " f[col["size"]])
    if (!((k, key) in bidx)) { bidx[k, key] = ++nb[k]; btitle[k, nb[k]] = key }
    b = bidx[k, key]; n = ++bn[k, b]
    for (j = n; j > 1 && bt[k, b, j - 1] > t; j--) {
        bt[k, b, j] = bt[k, b, j - 1]; bv[k, b, j] = bv[k, b, j - 1]
    }
    bt[k, b, j] = t; bv[k, b, j] = num(f[col["median"]]) " " num(f[col["min"]]) " " num(f[col["max"]])
    if (t > pmax) pmax = t
}
END {
    if (failed) exit 2
    if (pending != "") fail(FILENAME ": the last record has an unterminated quote")
    if (nm == 0) exit 3
    gp_common()
    print "OUT = " gq(out)
    print "set xlabel \"cores p = MPI ranks x threads\""
    if (pmax <= 16) { print "set xrange [0.5:" pmax + 0.5 "]"; print "set xtics 1" }
    else { print "set logscale x 2"; print "set xrange [0.8:" pmax * 1.25 "]" }
    print "set key outside below center vertical maxcols 1 spacing 1.15 width 1"
    print "set bars small"
    for (k = 1; k <= nm; k++) {
        print "$M" k " << EOD"
        for (b = 1; b <= nb[k]; b++) {
            if (b > 1) printf "\n\n"
            for (j = 1; j <= bn[k, b]; j++) printf "%d %s\n", bt[k, b, j], bv[k, b, j]
        }
        print "EOD"
        print "set title " gq("Metric " mname[k] " vs threads") " . \"\\n\" . " gq("run " sel "   (median of the repeats; bars: min to max)")
        print "set ylabel " gq(mname[k])
        print "do for [fmt in \"png svg\"] {"
        print "    eval \"set terminal \" . (fmt eq \"png\" ? PNGTERM : SVGTERM) . \" size 1000," 530 + 21 * (nb[k] + 1) "\""
        print "    set output OUT . \"/" mfile[k] ".\" . fmt"
        printf "    plot"
        for (b = 1; b <= nb[k]; b++)
            printf "%s \\\n        $M%d index %d using 1:2:3:4 with yerrorlines lw 2 pt %d ps 1.1 lc rgb \"%s\" dt %d title %s", (b > 1 ? "," : ""), k, b - 1, ptype(b), colour(b), dtype(b), gq(btitle[k, b])
        print ""
        print "    unset output"
        print "}"
        print mfile[k] > ENVIRON["PLOTS_METRIC_NAMES"]
    }
}
'

# Reads summary.csv (every cell's median, min, max) and, when given,
# splits.csv (the verdicts) and writes the splits plot's gnuplot script for
# the run the scaling plots chose (PLOTS_SELECTED_ID); exit 3 (no script)
# when no block of that run splits a core count two ways. Grouped bars
# rather than a ranks x threads heat map: the splits of one core count stand
# side by side on one baseline, where lengths are compared at a glance (a
# heat map puts them on an anti-diagonal and asks to compare colours), and
# each bar is relative to its core count's best split, so that 1 core and
# 64 cores share one scale.
splits_awk='
function bkey(w, v, s, bd, pl, z) { return w SUBSEP v SUBSEP s SUBSEP bd SUBSEP pl SUBSEP (v ~ /\+weak$/ ? "" : z) }
function field(name) { return (name in idx) ? f[idx[name]] : "" }
function g3(x) { return is_num(x) ? sprintf("%.3g", x + 0) : x }
BEGIN { sel = ENVIRON["PLOTS_SELECTED_ID"]; out = ENVIRON["PLOTS_OUT"]; nb = 0 }
FNR == 1 { pending = ""; file++; delete idx; delete col }
!csv_record() { next }
recline == 1 {
    if (file == 1) header(FILENAME, "run_id workload variant schedule size ranks threads n median min max")
    else header(FILENAME, "run_id workload variant schedule bind places size cores best_ranks best_threads p_value verdict")
    next
}
file == 1 {
    row(FILENAME, f)
    if (f[col["run_id"]] != sel || f[col["n"]] == "0" || !is_num(f[col["median"]])) next
    k = bkey(f[col["workload"]], f[col["variant"]], f[col["schedule"]], field("bind"), field("places"), f[col["size"]])
    if (!(k in bidx)) {
        bidx[k] = ++nb
        btitle[nb] = f[col["workload"]] "/" f[col["variant"]] "  " (f[col["schedule"]] == "" ? "-" : f[col["schedule"]]) \
            (field("bind") != "" ? "  bind=" field("bind") : "") (field("places") != "" ? "  places=" field("places") : "") \
            "  " f[col["size"]]
    }
    b = bidx[k]; p = f[col["ranks"]] * f[col["threads"]]
    if (!((b, p) in nc)) { nc[b, p] = 0; np[b]++; pl[b, np[b]] = p }
    c = ++nc[b, p]
    cr[b, p, c] = f[col["ranks"]]; ct[b, p, c] = f[col["threads"]]
    cm[b, p, c] = f[col["median"]] + 0; clo[b, p, c] = f[col["min"]] + 0; chi[b, p, c] = f[col["max"]] + 0
    cok[b, p, c] = field("verified") != "false"
    next
}
{
    row(FILENAME, f)
    if (f[col["run_id"]] != sel) next
    k = bkey(f[col["workload"]], f[col["variant"]], f[col["schedule"]], f[col["bind"]], f[col["places"]], f[col["size"]])
    v = f[col["verdict"]]
    txt = v == "best" ? "best " f[col["best_ranks"]] "x" f[col["best_threads"]] ", p = " g3(f[col["p_value"]]) \
        : v == "tie" ? "tie, p = " g3(f[col["p_value"]]) : v == "only" ? "one split" \
        : v == "untested" ? "untested (1 run)" : "no verified split"
    verdict[k, f[col["cores"]] + 0] = txt
}
END {
    if (failed) exit 2
    if (pending != "") fail(FILENAME ": the last record has an unterminated quote")
    # the blocks that split a core count two ways, their core counts ascending
    nshow = 0; widest = 1
    for (b = 1; b <= nb; b++) {
        split_any = 0
        for (i = 1; i <= np[b]; i++) if (nc[b, pl[b, i]] > 1) split_any = 1
        if (!split_any) continue
        show[++nshow] = b
        for (i = 2; i <= np[b]; i++) { v = pl[b, i]; for (j = i; j > 1 && pl[b, j - 1] > v; j--) pl[b, j] = pl[b, j - 1]; pl[b, j] = v }
        for (i = 1; i <= np[b]; i++) if (nc[b, pl[b, i]] > widest) widest = nc[b, pl[b, i]]
    }
    if (nshow == 0) exit 3
    for (k in bidx) keyof[bidx[k]] = k
    gp_common()
    print "OUT = " gq(out)
    print "set style fill solid 0.85 border lc rgb \"#333333\""
    print "set ylabel \"median time / the best split at the same cores\""
    print "set key off"
    print "set bars small"
    bw = 0.8 / widest
    # the data first: gnuplot defines data blocks only at the top level
    for (s = 1; s <= nshow; s++) {
        b = show[s]; top[s] = 1; tics[s] = ""
        printf "$S%d << EOD\n", s
        for (i = 1; i <= np[b]; i++) {
            p = pl[b, i]; n = nc[b, p]; best = 0
            for (c = 1; c <= n; c++) if (cok[b, p, c] && (best == 0 || cm[b, p, c] < cm[b, p, best])) best = c
            if (best == 0) best = 1
            for (c = 1; c <= n; c++) {
                x = i + (c - (n + 1) / 2) * bw; r = cm[b, p, best]
                rgb = !cok[b, p, c] ? "0xd62728" : c == best ? "0x1f77b4" : "0xaec7e8"
                printf "%.6g %.6g %.6g %.6g %.6g %s \"%dx%d%s\"\n", x, cm[b, p, c] / r, bw * 0.9, clo[b, p, c] / r, chi[b, p, c] / r, rgb, cr[b, p, c], ct[b, p, c], cok[b, p, c] ? "" : " X"
                if (chi[b, p, c] / r > top[s]) top[s] = chi[b, p, c] / r
            }
            tics[s] = tics[s] (i > 1 ? ", " : "") "\"" p (p == 1 ? " core" : " cores") "\" " i
        }
        print "EOD"
    }
    print "do for [fmt in \"png svg\"] {"
    print "    eval \"set terminal \" . (fmt eq \"png\" ? PNGTERM : SVGTERM) . \" size 1000," 480 * nshow "\""
    print "    set output OUT . \"/splits.\" . fmt"
    print "    set multiplot layout " nshow ",1"
    for (s = 1; s <= nshow; s++) {
        b = show[s]
        print "    set title " gq("Best split per core count: " btitle[b]) " . \"\\n\" . " gq(run_label(sel) "   (bars: min to max; dark: the fastest verified split; X: unverified)")
        print "    set xrange [0.4:" np[b] + 0.6 "]"
        print "    set yrange [0:" top[s] * 1.22 "]"
        print "    set xtics (" tics[s] ")"
        print "    unset label"
        for (i = 1; i <= np[b]; i++)
            if ((keyof[b], pl[b, i]) in verdict)
                printf "    set label %d %s at %d, %.6g center\n", i, gq(verdict[keyof[b], pl[b, i]]), i, top[s] * 1.13
        printf "    plot $S%d using 1:2:3:6 with boxes lc rgb variable, \\\n", s
        printf "        $S%d using 1:2:4:5 with yerrorbars pt 0 lc rgb \"#333333\", \\\n", s
        printf "        $S%d using 1:5:7 with labels offset 0,0.8 font \",9\"\n", s
    }
    print "    unset multiplot"
    print "    unset output"
    print "}"
}
'

# --compare: BASE's and NEW's summary.csv (the latest run id of each) ->
# the gnuplot script of compare_speedup and compare_efficiency.
compare_awk='
BEGIN { out = ENVIRON["PLOTS_OUT"] }
FNR == 1 { pending = ""; file++ }
!csv_record() { next }
recline == 1 {
    delete idx; delete col
    header(FILENAME, "run_id workload variant schedule size ranks threads speedup efficiency")
    next
}
{
    row(FILENAME, f)
    t = f[col["threads"]]; rk = f[col["ranks"]]
    if (t !~ /^[0-9]+$/ || rk !~ /^[0-9]+$/ || t * rk < 1)
        fail(FILENAME ":" recline ": threads or ranks not a positive integer")
    n = ++nr[file]
    id = f[col["run_id"]]
    r_id[file, n] = id; r_t[file, n] = t * rk
    weak = f[col["variant"]] ~ /\+weak$/
    r_key[file, n] = f[col["workload"]] "/" f[col["variant"]] "  " f[col["schedule"]] \
        (("bind" in col) && f[col["bind"]] != "" ? "  bind=" f[col["bind"]] : "") \
        (("places" in col) && f[col["places"]] != "" ? "  places=" f[col["places"]] : "") \
        (weak ? "  (weak)" : "  " f[col["size"]])
    r_sp[file, n] = num(f[col["speedup"]]); r_ef[file, n] = num(f[col["efficiency"]])
    s = stamp(id)
    if (!(file in best) || s >= bs[file]) { best[file] = id; bs[file] = s }
}
END {
    if (failed) exit 2
    if (nr[1] == 0 || nr[2] == 0) fail("--compare: a summary.csv without data rows")
    nb = 0; pmax = 1; spmax = 1; efmax = 1
    for (s = 1; s <= 2; s++)
        for (i = 1; i <= nr[s]; i++) {
            if (r_id[s, i] != best[s]) continue
            k = r_key[s, i]
            if (!(k in bidx)) { bidx[k] = ++nb; bname[nb] = k }
            b = bidx[k]; m = ++bn[b, s]
            for (j = m; j > 1 && r_t[s, brow[b, s, j - 1]] > r_t[s, i]; j--) brow[b, s, j] = brow[b, s, j - 1]
            brow[b, s, j] = i
            if (r_t[s, i] > pmax) pmax = r_t[s, i]
            if (r_sp[s, i] != "NaN" && r_sp[s, i] > spmax) spmax = r_sp[s, i]
            if (r_ef[s, i] != "NaN" && r_ef[s, i] > efmax) efmax = r_ef[s, i]
        }
    gp_common()
    print "$D << EOD"
    for (b = 1; b <= nb; b++)
        for (s = 1; s <= 2; s++) {
            if (b > 1 || s > 1) printf "\n\n"
            if (bn[b, s] == 0) print "NaN NaN NaN"
            for (j = 1; j <= bn[b, s]; j++) { i = brow[b, s, j]; printf "%d %s %s\n", r_t[s, i], r_sp[s, i], r_ef[s, i] }
        }
    print "EOD"
    print "OUT = " gq(out)
    print "SUB = " gq("BASE (dashed): " ENVIRON["PLOTS_BASE"] "   NEW (solid): " ENVIRON["PLOTS_NEW"])
    print "set xlabel \"cores p (MPI ranks x threads)\""
    print "set xrange [0.8:" pmax * 1.05 "]"
    print "set key outside below center horizontal maxcols 2 spacing 1.15"
    height = 530 + 21 * (nb + 1)
    split("speedup efficiency", what, " ")
    for (w = 1; w <= 2; w++) {
        print "set title \"" (w == 1 ? "Speedup" : "Parallel efficiency") " vs threads: BASE vs NEW\\n\" . SUB"
        print "set ylabel \"" what[w] "\""
        print "set yrange [0:" (w == 1 ? spmax * 1.1 : (efmax * 1.1 > 1.15 ? efmax * 1.1 : 1.15)) "]"
        print "do for [fmt in \"png svg\"] {"
        print "    eval \"set terminal \" . (fmt eq \"png\" ? PNGTERM : SVGTERM) . \" size 1000," height "\""
        print "    set output OUT . \"/compare_" what[w] ".\" . fmt"
        printf "    plot %s with lines ls 100 title \"ideal\"", (w == 1 ? "x" : "1")
        for (b = 1; b <= nb; b++)
            for (s = 1; s <= 2; s++)
                printf ", \\\n        $D index %d using 1:%d with linespoints lw 2 pt %d ps 1.1 lc rgb \"%s\" dt %d title %s", 2 * (b - 1) + s - 1, w + 1, ptype(b), colour(b), (s == 1 ? 2 : 1), gq(bname[b] (s == 1 ? "  BASE" : "  NEW"))
        print ""
        print "    unset output"
        print "}"
    }
}
'

if [ -n "$cmp_base" ]; then
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/ompsweep-plots.XXXXXX") || die 3 "cannot create a temporary directory"
    trap 'rm -rf "$tmp"' EXIT
    mkdir "$tmp/out" || die 3 "cannot create $tmp/out"
    PLOTS_OUT="$tmp/out" PLOTS_BASE="$cmp_base" PLOTS_NEW="$cmp_new" \
        awk "$csv_awk$compare_awk" "$cmp_base" "$cmp_new" >"$tmp/compare.gp" || exit 2
    command -v gnuplot >/dev/null 2>&1 ||
        die 2 "gnuplot not found: install Debian's gnuplot-nox"
    gnuplot "$tmp/compare.gp" >"$tmp/gnuplot.log" 2>&1 ||
        { cat "$tmp/gnuplot.log" >&2; die 1 "gnuplot failed on the comparison plots"; }
    mkdir -p "$dir/plots" 2>/dev/null || die 3 "$dir/plots: cannot create the directory"
    for name in compare_speedup compare_efficiency; do
        for ext in png svg; do
            [ -s "$tmp/out/$name.$ext" ] || die 1 "gnuplot wrote no $name.$ext"
            mv -f "$tmp/out/$name.$ext" "$dir/plots/$name.$ext" ||
                die 3 "$dir/plots/$name.$ext: cannot write"
            printf '%s\n' "$dir/plots/$name.$ext"
        done
    done
    exit 0
fi

# --- validate the tables (no gnuplot needed) ---------------------------------
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ompsweep-plots.XXXXXX") || die 3 "cannot create a temporary directory"
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
export PLOTS_RUN_ID="$run_id" PLOTS_RUN_ID_SET="$run_id_set" PLOTS_OUT="$tmp/out" \
    PLOTS_NOTE="$tmp/note" PLOTS_SEL="$tmp/sel"
mkdir "$tmp/out" || die 3 "cannot create $tmp/out"

if [ -s "$elbow" ]; then
    awk "$csv_awk$bounds_awk" "$elbow" >"$tmp/bounds" || exit 2
    export PLOTS_BOUNDS="$tmp/bounds"
fi
awk "$csv_awk$scaling_awk" "$summary" >"$tmp/scaling.gp" || exit 2

# metric plots of the run the scaling plots show (exec --metric)
metrics=$dir/metrics_summary.csv
do_metrics=0
if [ -s "$metrics" ]; then
    PLOTS_SELECTED_ID=$(cat "$tmp/sel") PLOTS_METRIC_NAMES="$tmp/metric_names" \
        awk "$csv_awk$metrics_awk" "$metrics" >"$tmp/metrics.gp"
    case $? in
        0) do_metrics=1 ;;
        3) ;;
        *) exit 2 ;;
    esac
fi

# The splits plot of a hybrid study (exec --launcher).
splits=$dir/splits.csv
do_splits=0
set -- "$summary"
[ -s "$splits" ] && set -- "$summary" "$splits"
PLOTS_SELECTED_ID=$(cat "$tmp/sel") awk "$csv_awk$splits_awk" "$@" >"$tmp/splits.gp"
case $? in
    0) do_splits=1 ;;
    3) ;;
    *) exit 2 ;;
esac

# The models plot needs models.csv and model_curves.csv (ompsweep 0.3 on).
models=$dir/models.csv
curves=$dir/model_curves.csv
do_models=0
if [ ! -e "$models" ] || [ ! -e "$curves" ]; then
    note "$models or $curves: not found, no models plot"
else
    for t in "$models" "$curves"; do
        [ -f "$t" ] && [ -r "$t" ] || die 2 "$t: cannot be read"
        [ -s "$t" ] || die 2 "$t: empty file"
    done
    awk "$csv_awk$models_awk" "$summary" "$models" "$curves" >"$tmp/models.gp"
    rc=$?
    case $rc in
        0) do_models=1 ;;
        3) note "$models: no rows for the run, no models plot" ;;
        *) exit 2 ;;
    esac
fi

do_elbow=0
if [ ! -e "$elbow" ]; then
    note "$elbow: not found, no elbow plot"
else
    [ -f "$elbow" ] && [ -r "$elbow" ] || die 2 "$elbow: cannot be read"
    [ -s "$elbow" ] || die 2 "$elbow: empty file"
    if [ -e "$choice" ]; then
        [ -f "$choice" ] && [ -r "$choice" ] || die 2 "$choice: cannot be read"
        [ -s "$choice" ] || die 2 "$choice: empty file"
        set -- "$elbow" "$choice"
    else
        set -- "$elbow"
    fi
    awk "$csv_awk$elbow_awk" "$@" >"$tmp/elbow.gp"
    rc=$?
    case $rc in
        0) do_elbow=1
           if [ ! -e "$choice" ]; then
               note "$choice: not found, the elbow plot marks no rule"
           elif [ -e "$tmp/note" ]; then
               note "$choice: no rows for the run, the elbow plot marks no rule"
           fi ;;
        3) note "$elbow: no rows for run id '$run_id', no elbow plot" ;;
        *) exit 2 ;;
    esac
fi

# --- draw --------------------------------------------------------------------
command -v gnuplot >/dev/null 2>&1 ||
    die 2 "gnuplot not found: install Debian's gnuplot-nox"
printf '%s' "$notes" >&2

gnuplot "$tmp/scaling.gp" >"$tmp/gnuplot.log" 2>&1 ||
    { cat "$tmp/gnuplot.log" >&2; die 1 "gnuplot failed on the scaling plots"; }
if [ "$do_models" -eq 1 ]; then
    gnuplot "$tmp/models.gp" >"$tmp/gnuplot.log" 2>&1 ||
        { cat "$tmp/gnuplot.log" >&2; die 1 "gnuplot failed on the models plot"; }
fi
if [ "$do_elbow" -eq 1 ]; then
    gnuplot "$tmp/elbow.gp" >"$tmp/gnuplot.log" 2>&1 ||
        { cat "$tmp/gnuplot.log" >&2; die 1 "gnuplot failed on the elbow plot"; }
fi

if [ "$do_metrics" -eq 1 ]; then
    gnuplot "$tmp/metrics.gp" >"$tmp/gnuplot.log" 2>&1 ||
        { cat "$tmp/gnuplot.log" >&2; die 1 "gnuplot failed on the metric plots"; }
fi
if [ "$do_splits" -eq 1 ]; then
    gnuplot "$tmp/splits.gp" >"$tmp/gnuplot.log" 2>&1 ||
        { cat "$tmp/gnuplot.log" >&2; die 1 "gnuplot failed on the splits plot"; }
fi

set -- time speedup efficiency
[ "$do_models" -eq 1 ] && set -- "$@" models
[ "$do_elbow" -eq 1 ] && set -- "$@" elbow
[ "$do_splits" -eq 1 ] && set -- "$@" splits
[ "$do_metrics" -eq 1 ] && set -- "$@" $(cat "$tmp/metric_names")
for name in "$@"; do
    for ext in png svg; do
        [ -s "$tmp/out/$name.$ext" ] || die 1 "gnuplot wrote no $name.$ext"
    done
done
mkdir -p "$dir/plots" 2>/dev/null || die 3 "$dir/plots: cannot create the directory"
if [ "$do_elbow" -eq 0 ]; then # no stale elbow plot of another run
    rm -f "$dir/plots/elbow.png" "$dir/plots/elbow.svg"
fi
if [ "$do_models" -eq 0 ]; then # nor a stale models plot
    rm -f "$dir/plots/models.png" "$dir/plots/models.svg"
fi
if [ "$do_splits" -eq 0 ]; then # nor a stale splits plot
    rm -f "$dir/plots/splits.png" "$dir/plots/splits.svg"
fi
for name in "$@"; do
    for ext in png svg; do
        mv -f "$tmp/out/$name.$ext" "$dir/plots/$name.$ext" ||
            die 3 "$dir/plots/$name.$ext: cannot write"
        printf '%s\n' "$dir/plots/$name.$ext"
    done
done
