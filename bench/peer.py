#!/usr/bin/python3
"""Python peer of ompsweep: the source post's two workloads, written with
joblib and scikit-learn, timed and printed as CSV rows in the columns of
ompsweep's runs.csv.

  bogosort  a ROWS x COLS matrix of random integers; np.array_split gives one
            block of rows per joblib worker; each worker bogosorts its rows in
            plain Python (random.shuffle until ascending), counting shuffles.
            Row i draws from its own random.Random seeded with (seed, i), so
            shuffle counts do not depend on the number of workers.
  elbow     make_blobs data; for every k a Pipeline StandardScaler -> PCA(2)
            -> KMeans(k) whose score is the silhouette of the held-out fold,
            cross-validated by GridSearchCV(param_grid={}, cv=FOLDS); the
            k-score is best_score_; the k values run in parallel over joblib
            workers; chosen k by the post's rule k[argmax(diff(score)) + 1]
            ("maxdelta") and by the best score ("max").

Only the parallel part is timed (not the data generation). The joblib worker
pool is started and its imports done before the timed repeats, as ompsweep
starts its OpenMP threads in a warmup. Every process (the main one, which
does the work when --workers 1, and each worker) is limited to one native
thread, so W workers use W cores.

Output: a header and one row per repeat on stdout:
  run_id,timestamp,host,workload,variant,schedule,size,threads,repeat,
  seconds,work,rate,checksum,verified
elbow rows add chosen_k_maxdelta,chosen_k_max; --curve FILE writes
k,silhouette_mean,silhouette_std of the last repeat. Progress on stderr.

Run with Debian's /usr/bin/python3 (python3-sklearn, python3-joblib).
"""
import os

# One native thread per process, set before numpy loads its thread pools;
# the joblib workers inherit these variables.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
             "BLIS_NUM_THREADS", "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import csv  # noqa: E402
import hashlib  # noqa: E402
import importlib  # noqa: E402
import math  # noqa: E402
import random  # noqa: E402
import socket  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from datetime import datetime, timezone  # noqa: E402

import numpy as np  # noqa: E402
from joblib import Parallel, delayed, parallel_backend  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

RUNS_COLUMNS = ["run_id", "timestamp", "host", "workload", "variant", "schedule",
                "size", "threads", "repeat", "seconds", "work", "rate",
                "checksum", "verified"]
ELBOW_EXTRA_COLUMNS = ["chosen_k_maxdelta", "chosen_k_max"]


# ---------------------------------------------------------------- bogosort

def is_ascending(values):
    """True when every value is <= the next one."""
    for i in range(1, len(values)):
        if values[i - 1] > values[i]:
            return False
    return True


def bogosort(values, rng):
    """Shuffle the list in place until it is ascending; return the shuffles."""
    shuffles = 0
    while not is_ascending(values):
        rng.shuffle(values)
        shuffles += 1
    return shuffles


def row_rng(seed, row):
    """The random stream of one matrix row: the same at any worker count."""
    return random.Random(f"ompsweep-peer:{seed}:{row}")


def sort_block(block, first_row, seed):
    """Bogosort each row of a block (a worker's share); rows and counts."""
    with threadpool_limits(limits=1):
        rows, counts = [], []
        for offset, row in enumerate(block):
            values = row.tolist()
            counts.append(bogosort(values, row_rng(seed, first_row + offset)))
            rows.append(values)
        return rows, counts


def bogosort_matrix(parallel, matrix, workers, seed):
    """One timed run: split the rows, sort the blocks in parallel, merge."""
    blocks = np.array_split(matrix, workers)
    starts = np.cumsum([0] + [len(b) for b in blocks[:-1]])
    parts = parallel(delayed(sort_block)(block, int(start), seed)
                     for block, start in zip(blocks, starts))
    rows = [r for part_rows, _ in parts for r in part_rows]
    shuffles = sum(sum(counts) for _, counts in parts)
    return rows, shuffles


def bogosort_verified(matrix, rows):
    """Every output row is its input row in ascending order."""
    return len(rows) == len(matrix) and all(
        out == sorted(row.tolist()) for row, out in zip(matrix, rows))


def matrix_digest(rows):
    """64-bit digest of the sorted matrix (independent of the shuffles)."""
    data = np.asarray(rows, dtype=np.int64).tobytes()
    return "0x" + hashlib.blake2b(data, digest_size=8).hexdigest()


def run_bogosort(args, writer, run_id):
    rng = np.random.RandomState(args.seed)
    matrix = rng.randint(0, args.max_value + 1, size=(args.rows, args.cols))
    size = f"{args.rows}x{args.cols}"
    with parallel_backend("loky", inner_max_num_threads=1), \
            Parallel(n_jobs=args.workers) as parallel:
        start_pool(parallel, args.workers, False)
        for repeat in range(1, args.repeats + 1):
            t0 = time.perf_counter()
            rows, shuffles = bogosort_matrix(parallel, matrix, args.workers, args.seed)
            seconds = time.perf_counter() - t0
            ok = bogosort_verified(matrix, rows)
            progress(f"bogosort joblib-chunks {size} workers={args.workers}: "
                     f"repeat {repeat}/{args.repeats} {seconds:.3f} s")
            writer.writerow(runs_row(run_id, "bogosort", "joblib-chunks", size,
                                     args.workers, repeat, seconds, shuffles,
                                     matrix_digest(rows), ok))
            sys.stdout.flush()
            if not ok:
                return 1
    return 0


# ------------------------------------------------------------------- elbow

def make_silhouette_kmeans():
    """The class of the KMeans step with a silhouette score method. Built on
    demand, inside the process that uses it, so that the bogosort subcommand
    never imports scikit-learn."""
    from sklearn.base import BaseEstimator
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    class SilhouetteKMeans(BaseEstimator):
        """KMeans(k); score = silhouette of X under the fitted model's labels."""

        def __init__(self, n_clusters=2, n_init=10, random_state=None):
            self.n_clusters = n_clusters
            self.n_init = n_init
            self.random_state = random_state

        def fit(self, X, y=None):
            self.model_ = KMeans(n_clusters=self.n_clusters, n_init=self.n_init,
                                 random_state=self.random_state).fit(X)
            return self

        def score(self, X, y=None):
            return silhouette_score(X, self.model_.predict(X))

    return SilhouetteKMeans


def k_score(X, k, folds, n_init, seed, refit):
    """Cross-validated silhouette of k clusters: (mean, std) over the folds."""
    from sklearn.decomposition import PCA
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    with threadpool_limits(limits=1), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # folds whose score fails become NaN
        pipeline = Pipeline([
            ("scale", StandardScaler()),
            ("pca", PCA(n_components=2, random_state=seed)),
            ("kmeans", make_silhouette_kmeans()(n_clusters=k, n_init=n_init,
                                                random_state=seed)),
        ])
        search = GridSearchCV(pipeline, param_grid={}, cv=folds, n_jobs=1,
                              refit=refit)
        search.fit(X)
        return float(search.best_score_), float(search.cv_results_["std_test_score"][0])


def choose_k(ks, scores):
    """(maxdelta, max): the post's k[argmax(diff(score)) + 1] and argmax."""
    if len(ks) < 2:
        return ks[0], ks[0]
    return ks[int(np.argmax(np.diff(scores))) + 1], ks[int(np.argmax(scores))]


def elbow_search(parallel, X, ks, args):
    """One timed run: every k in parallel, then the rules."""
    results = parallel(delayed(k_score)(X, k, args.folds, args.n_init, args.seed,
                                        args.refit) for k in ks)
    scores = [mean for mean, _ in results]
    return results, choose_k(ks, scores)


def write_curve(path, ks, results):
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["k", "silhouette_mean", "silhouette_std"])
        for k, (mean, std) in zip(ks, results):
            w.writerow([k, repr(mean), repr(std)])


def run_elbow(args, writer, run_id):
    from sklearn.datasets import make_blobs

    X, _ = make_blobs(n_samples=args.samples, n_features=args.features,
                      centers=args.centers, cluster_std=args.cluster_std,
                      random_state=args.seed)
    ks = list(range(args.k_min, args.k_max + 1))
    size = f"{args.samples}x{args.features}"
    status = 0
    with parallel_backend("loky", inner_max_num_threads=1), \
            Parallel(n_jobs=args.workers) as parallel:
        start_pool(parallel, args.workers, True)
        for repeat in range(1, args.repeats + 1):
            t0 = time.perf_counter()
            results, (k_delta, k_max) = elbow_search(parallel, X, ks, args)
            seconds = time.perf_counter() - t0
            ok = all(math.isfinite(mean) for mean, _ in results)
            progress(f"elbow joblib-over-k {size} workers={args.workers}: "
                     f"repeat {repeat}/{args.repeats} {seconds:.3f} s, "
                     f"k maxdelta={k_delta} max={k_max}")
            row = runs_row(run_id, "elbow", "joblib-over-k", size, args.workers,
                           repeat, seconds, None, "", ok)
            writer.writerow(row + [k_delta, k_max])
            sys.stdout.flush()
            if not ok:
                status = 1
    if args.curve:
        write_curve(args.curve, ks, results)
    return status


# ------------------------------------------------------------------ common

def warm_worker(with_sklearn):
    """Runs in each worker before timing: does the imports of the workload."""
    if with_sklearn:
        make_silhouette_kmeans()
        for module in ("sklearn.decomposition", "sklearn.model_selection",
                       "sklearn.pipeline", "sklearn.preprocessing"):
            importlib.import_module(module)
    return os.getpid()


def start_pool(parallel, workers, with_sklearn):
    """Start the worker processes and their imports (untimed)."""
    if workers > 1:
        parallel(delayed(warm_worker)(with_sklearn) for _ in range(workers))


def progress(message):
    print(f"peer: {message}", file=sys.stderr, flush=True)


def utc_now(fmt="%Y-%m-%dT%H:%M:%SZ"):
    return datetime.now(timezone.utc).strftime(fmt)


def runs_row(run_id, workload, variant, size, workers, repeat, seconds, work,
             checksum, verified):
    rate = "" if not work else f"{work / seconds:.9g}"
    return [run_id, utc_now(), socket.gethostname(), workload, variant, "-", size,
            workers, repeat, f"{seconds:.9f}", "" if work is None else work, rate,
            checksum, "true" if verified else "false"]


def positive_int(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"'{text}' must be >= 1")
    return value


def nonnegative_int(text):
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"'{text}' must be >= 0")
    return value


def add_elbow_problem_args(parser):
    """The options that define the elbow problem (data set and k range),
    shared with bench/elbow_vs_sklearn.py."""
    parser.add_argument("--samples", type=positive_int, default=10000)
    parser.add_argument("--features", type=positive_int, default=100)
    parser.add_argument("--centers", type=positive_int, default=7)
    parser.add_argument("--k-min", type=positive_int, default=2)
    parser.add_argument("--k-max", type=positive_int, default=14)
    parser.add_argument("--folds", type=positive_int, default=5)


def parse_args(argv):
    ap = argparse.ArgumentParser(
        prog="peer.py", description=__doc__.split("\n\n")[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--workers", type=positive_int, default=1,
                        help="joblib worker processes (n_jobs)")
    common.add_argument("--seed", type=nonnegative_int, default=42)
    common.add_argument("--repeats", type=positive_int, default=1,
                        help="timed runs")
    common.add_argument("--run-id", default=None,
                        help="run_id column (default peer-TIME-PID)")
    sub = ap.add_subparsers(dest="workload", required=True)

    b = sub.add_parser("bogosort", parents=[common],
                       formatter_class=argparse.ArgumentDefaultsHelpFormatter,
                       help="bogosort every row of a random matrix")
    b.add_argument("--rows", type=positive_int, default=1000)
    b.add_argument("--cols", type=positive_int, default=8)
    b.add_argument("--max-value", type=nonnegative_int, default=100,
                   help="values drawn from 0..N")

    e = sub.add_parser("elbow", parents=[common],
                       formatter_class=argparse.ArgumentDefaultsHelpFormatter,
                       help="KMeans + silhouette elbow search")
    add_elbow_problem_args(e)
    e.add_argument("--cluster-std", type=float, default=1.0)
    e.add_argument("--n-init", type=positive_int, default=10,
                   help="k-means restarts")
    e.add_argument("--refit", action="store_true",
                   help="let GridSearchCV refit the best pipeline on all the "
                        "data after the folds, as the post's default did "
                        "(extra work that ompsweep does not do)")
    e.add_argument("--curve", metavar="FILE",
                   help="write k,silhouette_mean,silhouette_std of the last repeat")
    args = ap.parse_args(argv)
    if args.workload == "elbow":
        if args.k_min < 2 or args.k_max < args.k_min:
            ap.error("--k-min/--k-max: need 2 <= k-min <= k-max")
        if args.folds < 2 or args.folds > args.samples:
            ap.error("--folds: need 2 <= folds <= samples")
        if args.k_max >= args.samples // args.folds:
            ap.error("--k-max: must be below the held-out fold size")
    return args


def main(argv=None):
    args = parse_args(argv)
    run_id = args.run_id or f"peer-{utc_now('%Y%m%dT%H%M%SZ')}-{os.getpid()}"
    writer = csv.writer(sys.stdout, lineterminator="\n")
    with threadpool_limits(limits=1):
        if args.workload == "bogosort":
            writer.writerow(RUNS_COLUMNS)
            return run_bogosort(args, writer, run_id)
        writer.writerow(RUNS_COLUMNS + ELBOW_EXTRA_COLUMNS)
        return run_elbow(args, writer, run_id)


if __name__ == "__main__":
    sys.exit(main())
