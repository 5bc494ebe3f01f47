#!/usr/bin/python3
"""Run the elbow search of the source notebook with scikit-learn and with
ompsweep on the same data, and print both silhouette curves and times side
by side.

The scikit-learn side is the notebook's pipeline, as bench/peer.py runs it:
StandardScaler -> PCA(2) -> KMeans(k), scored by GridSearchCV(cv=5) where
each fold's score is the silhouette of the held-out fold. The data
is make_blobs(random_state=SEED); ompsweep generates the same matrix bit for
bit. scikit-learn runs single-threaded (its OpenMP and BLAS pools limited to
one thread) so the times compare one core with one core.

usage: bench/elbow_vs_sklearn.py [--samples N] [--k-max K] [--threads T] ...
"""
import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time

# Limit native thread pools before numpy loads them.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

from sklearn.datasets import make_blobs  # noqa: E402

from peer import add_elbow_problem_args, choose_k, k_score  # noqa: E402  (bench/peer.py: the same pipeline)


def sklearn_curve(X, ks, folds, seed):
    """The mean held-out silhouette for each k, as the notebook's GridSearchCV."""
    return [k_score(X, k, folds, n_init=10, seed=seed, refit=False)[0] for k in ks]


def ompsweep_curve(args, outdir):
    cmd = [args.ompsweep, "elbow", "-t", str(args.threads), "-r", "1", "-w", "0",
           "-q", "-o", outdir, "--samples", str(args.samples), "--features",
           str(args.features), "--centers", str(args.centers), "--k-min",
           str(args.k_min), "--k-max", str(args.k_max), "--folds", str(args.folds),
           "--seed", str(args.seed), "--parallel", args.parallel]
    env = dict(os.environ, OMP_NUM_THREADS=str(args.threads))
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=env)
    with open(os.path.join(outdir, "elbow.csv")) as f:
        curve = [float(r["silhouette_mean"]) for r in csv.DictReader(f)]
    with open(os.path.join(outdir, "runs.csv")) as f:
        seconds = float(next(csv.DictReader(f))["seconds"])
    return curve, seconds


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_elbow_problem_args(ap)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--threads", type=int, default=1, help="ompsweep threads")
    ap.add_argument("--parallel", default="over-k", choices=["over-k", "tasks"])
    ap.add_argument("--ompsweep", default="./ompsweep")
    args = ap.parse_args()

    X, _ = make_blobs(n_samples=args.samples, n_features=args.features,
                      centers=args.centers, random_state=args.seed)
    ks = list(range(args.k_min, args.k_max + 1))
    start = time.perf_counter()
    sk = sklearn_curve(X, ks, args.folds, args.seed)
    sk_seconds = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as outdir:
        om, om_seconds = ompsweep_curve(args, outdir)

    print("k,sklearn_silhouette,ompsweep_silhouette,abs_diff")
    for k, a, b in zip(ks, sk, om):
        print(f"{k},{a:.6f},{b:.6f},{abs(a - b):.6f}")
    (sk_delta, sk_max), (om_delta, om_max) = choose_k(ks, sk), choose_k(ks, om)
    print(f"# maxdelta k: sklearn {sk_delta}, ompsweep {om_delta}")
    print(f"# max k:      sklearn {sk_max}, ompsweep {om_max}")
    print(f"# seconds: sklearn (1 thread) {sk_seconds:.3f}, ompsweep "
          f"({args.threads} thread(s), {args.parallel}) {om_seconds:.4f}, "
          f"ratio {sk_seconds / om_seconds:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
