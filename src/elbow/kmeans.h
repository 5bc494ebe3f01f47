/* kmeans: k-means clustering as scikit-learn 1.2's KMeans(algorithm="lloyd")
 * does it: greedy k-means++ seeding, Lloyd iterations with empty-cluster
 * relocation, strict (labels unchanged) or tolerance convergence, and n_init
 * restarts keeping the lowest inertia. Serial, deterministic kernels: the
 * random choices come from the caller's rng_t, so a restart gives the same
 * result whichever thread runs it. No I/O, no timing, no threads.
 *
 * Typical use (one training matrix, many k and restarts):
 *     struct kmeans_data kd;   kmeans_data_init(&kd, X, n, d, &err);
 *     struct kmeans_work w;    kmeans_work_init(&w, n, kmax, d, &err);
 *     double tol_abs = kmeans_tol_abs(&kd, 1e-4);
 *     kmeans_single(&kd, k, 300, tol_abs, &rng, &w, &res, &err);  (per restart)
 * kd is read-only after init and may be shared by threads; a workspace
 * belongs to one thread at a time.
 *
 * Like scikit-learn, the data are centred (mean subtracted) once for
 * accuracy; centres passed in and returned are in the caller's coordinates.
 * Matrices are row-major doubles; labels are ints in [0, k). */
#ifndef OMPSWEEP_ELBOW_KMEANS_H
#define OMPSWEEP_ELBOW_KMEANS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/rng.h"
#include "base/status.h"

/* scikit-learn's defaults. */
#define KMEANS_DEFAULT_TOL 1e-4
enum { KMEANS_DEFAULT_MAX_ITER = 300, KMEANS_DEFAULT_N_INIT = 10 };

/* A training matrix prepared once: centred, stored feature-major. */
struct kmeans_data {
    size_t n;        /* samples */
    int d;           /* features */
    double *mean;    /* d: subtracted from every sample */
    double *xs;      /* d x n, feature-major: xs[f * n + i] = X[i][f] - mean[f] */
    double var_mean; /* mean over features of the population variance */
};

/* Scratch for one fit: serves any data with at most n samples, d features
 * and kmax clusters (so one per thread covers folds of unequal size).
 * Owned by the caller, reused across fits, never shared between concurrent
 * fits. */
struct kmeans_work {
    size_t n;
    int kmax, d;
    double *dist;     /* n: relocation distances */
    double *seed_buf; /* k-means++: each candidate's closest squared
                         distances, 4 candidates interleaved per group */
    double *ck;       /* k-means++: checkpoints of each candidate's
                         cumulative sums, every 64 samples */
    size_t *cand;     /* k-means++ candidates (local trials), padded */
    double *centers, *centers_new, *cmul; /* kmax x d: centred centres,
                                             next ones, -2 x centres */
    double *cnorm, *weight;               /* kmax */
    double *sets;                         /* partial centre sums */
    /* NULL (kmeans_work_init's), or a flag (base/cancel.h) that the fits
     * poll every seeding block and Lloyd block; once it is set they stop
     * and return CANCEL_STATUS, their result incomplete. */
    const atomic_int *cancel;
};

/* One fit's output. The caller owns both arrays. */
struct kmeans_result {
    double *centers; /* k x d, caller's coordinates */
    int *labels;     /* n */
    double inertia;  /* sum of squared distances to the assigned centre */
    int n_iter;      /* Lloyd iterations run, counted as scikit-learn does */
};

/* Copy and centre X (n x d) into kd. Errors: STATUS_USAGE (n < 1 or
 * d < 1), STATUS_NOMEM; kd is then empty. kmeans_data_free releases it. */
int kmeans_data_init(struct kmeans_data *kd, const double *X, size_t n, int d,
                     errmsg_t *err);
void kmeans_data_free(struct kmeans_data *kd);

/* kmeans_data_init in two steps, for data refreshed in place: allocate for
 * n x d once, then centre any n x d matrix X into it (bit for bit what
 * kmeans_data_init gives). */
int kmeans_data_alloc(struct kmeans_data *kd, size_t n, int d, errmsg_t *err);
void kmeans_data_set(struct kmeans_data *kd, const double *X);

/* scikit-learn's tolerance scaling: mean over features of np.var(X, axis=0)
 * (ddof 0), times tol; 0 when tol is 0. X is n x d. */
double kmeans_tolerance(const double *X, size_t n, int d, double tol);

/* The same from prepared data: kd->var_mean * tol. */
double kmeans_tol_abs(const struct kmeans_data *kd, double tol);

/* Allocate a workspace for up to n samples, kmax clusters, d features.
 * Errors: STATUS_USAGE (kmax < 1), STATUS_NOMEM; w is then empty.
 * kmeans_work_free releases it (safe on an empty one). */
int kmeans_work_init(struct kmeans_work *w, size_t n, int kmax, int d,
                     errmsg_t *err);
void kmeans_work_free(struct kmeans_work *w);

/* Greedy k-means++: the first centre is a uniform sample; each next one is
 * the best, by resulting potential, of 2 + floor(ln k) candidates drawn with
 * probability proportional to the squared distance to the closest centre.
 * Writes centers (k x d, caller's coordinates) and, if indices is not NULL,
 * the chosen sample indices (k). Errors: STATUS_USAGE for k outside
 * 1..min(n, w->kmax) or a workspace too small for the data. */
int kmeans_plusplus(const struct kmeans_data *kd, int k, rng_t *rng,
                    struct kmeans_work *w, double *centers, int *indices,
                    errmsg_t *err);

/* Lloyd iterations from init (k x d, caller's coordinates), at most max_iter,
 * stopping when the labels did not change or when the sum of squared centre
 * shifts is <= tol_abs (then the labels are recomputed from the final
 * centres). Empty clusters are moved to the samples farthest from their
 * centres (farthest first, lowest index on ties). res->centers and
 * res->labels must hold k x d and n values. Errors: STATUS_USAGE (k outside
 * 1..min(n, w->kmax), max_iter < 1, workspace too small). */
int kmeans_lloyd(const struct kmeans_data *kd, const double *init, int k,
                 int max_iter, double tol_abs, struct kmeans_work *w,
                 struct kmeans_result *res, errmsg_t *err);

/* One restart: kmeans_plusplus then kmeans_lloyd. Same errors. */
int kmeans_single(const struct kmeans_data *kd, int k, int max_iter,
                  double tol_abs, rng_t *rng, struct kmeans_work *w,
                  struct kmeans_result *res, errmsg_t *err);

/* True when labels a and b (n values in [0, k)) describe the same
 * partition up to renaming (scikit-learn's _is_same_clustering). */
bool kmeans_same_clustering(const int *a, const int *b, size_t n, int k);

/* scikit-learn's restart rule: a later restart replaces the best so far only
 * if its inertia is strictly lower and its clustering differs. */
bool kmeans_is_better(double inertia, const int *labels, double best_inertia,
                      const int *best_labels, size_t n, int k);

/* n_init restarts, restart r drawing from rngs[r]; keeps the best by
 * kmeans_is_better, in restart order, into best (caller-owned arrays as for
 * kmeans_lloyd). Allocates its own workspace. Errors: as kmeans_lloyd,
 * n_init < 1, STATUS_NOMEM. */
int kmeans_fit(const struct kmeans_data *kd, int k, int n_init, int max_iter,
               double tol_abs, rng_t *rngs, struct kmeans_result *best,
               errmsg_t *err);

/* labels[i] = index of the centre (k x d) nearest to row i of X (m x d),
 * by exact squared Euclidean distance, lowest index on ties. */
void kmeans_predict(const double *centers, int k, int d, const double *X,
                    size_t m, int *labels);

#endif
