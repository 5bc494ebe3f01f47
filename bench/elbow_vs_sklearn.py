#!/usr/bin/python3
"""Run the elbow search of the source notebook with scikit-learn and with
ompsweep on the same data, and print both silhouette curves and times side
by side.

The scikit-learn side is the notebook's pipeline: StandardScaler -> PCA(2) ->
KMeans(k), scored by 5-fold cross-validation where each fold's score is the
silhouette of the held-out fold (cross_val_score with the estimator's own
score, which is what GridSearchCV(cv=5) with an empty grid computes). The data
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

import numpy as np  # noqa: E402
from sklearn.base import BaseEstimator  # noqa: E402
from sklearn.cluster import KMeans  # noqa: E402
from sklearn.datasets import make_blobs  # noqa: E402
from sklearn.decomposition import PCA  # noqa: E402
from sklearn.metrics import silhouette_score  # noqa: E402
from sklearn.model_selection import cross_val_score  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402


class ClusterScore(BaseEstimator):
    """KMeans whose score is the silhouette of the data it is given."""

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


def sklearn_curve(X, ks, folds, seed):
    scores = []
    for k in ks:
        pipe = Pipeline([("scale", StandardScaler()), ("pca", PCA(n_components=2)),
                         ("kmeans", ClusterScore(n_clusters=k, random_state=seed))])
        scores.append(cross_val_score(pipe, X, cv=folds).mean())
    return scores


def maxdelta(ks, scores):
    return ks[int(np.argmax(np.diff(scores))) + 1]


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
    ap.add_argument("--samples", type=int, default=10000)
    ap.add_argument("--features", type=int, default=100)
    ap.add_argument("--centers", type=int, default=7)
    ap.add_argument("--k-min", type=int, default=2)
    ap.add_argument("--k-max", type=int, default=14)
    ap.add_argument("--folds", type=int, default=5)
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
    print(f"# maxdelta k: sklearn {maxdelta(ks, sk)}, ompsweep {maxdelta(ks, om)}")
    print(f"# max k:      sklearn {ks[int(np.argmax(sk))]}, ompsweep {ks[int(np.argmax(om))]}")
    print(f"# seconds: sklearn (1 thread) {sk_seconds:.3f}, ompsweep "
          f"({args.threads} thread(s), {args.parallel}) {om_seconds:.4f}, "
          f"ratio {sk_seconds / om_seconds:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
