/* elbow: the second workload. For every k in k_min..k_max, cross-validated
 * StandardScaler -> PCA -> KMeans(k) scored by the silhouette of each held-out
 * fold (scikit-learn 1.2's GridSearchCV over the source notebook's pipeline),
 * then rules that pick the elbow k.
 *
 * Determinism: restart r of fold f at k draws from rng_stream(seed, index)
 * with index = ((k - k_min) * folds + f) * n_init + r; the best restart is
 * chosen in restart order and fold results are reduced in fold order, so
 * every score is bit-identical at any thread count, schedule and strategy.
 * Preprocessing depends only on the fold: it runs once per fold, not per k.
 * So do the held-out rows: once every k's model of a fold has predicted its
 * labels, the fold is scored for all k at once (silhouette_scores: each
 * pair distance computed once, not once per k), serially, so the scores
 * do not depend on the thread count either.
 *
 * Across MPI ranks the (k, fold) cells are dealt out before the run by their
 * estimated cost (largest first, each to the least-loaded rank); a rank runs
 * every restart of its cells, so the restart rule and the results stay those
 * of a single process. The held-out labels then go to every rank and fold
 * f is scored by rank f % ranks; elbow_gather collects it all on rank 0. */
#ifndef OMPSWEEP_ELBOW_ELBOW_H
#define OMPSWEEP_ELBOW_ELBOW_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "elbow/kmeans.h"
#include "elbow/rules.h"
#include "base/status.h"

enum { ELBOW_MAX_RANKS = 65536 };

/* How the work is spread over threads: `over-k` = parallel for over the
 * cluster range (as the source notebook), `tasks` = one task per fold's
 * preprocessing and per (k, fold, restart) fit. */
enum elbow_strategy { ELBOW_OVER_K, ELBOW_TASKS, ELBOW_STRATEGY_COUNT };

/* Names of the strategies, as on the command line and in runs.csv. */
extern const char *const elbow_strategy_names[ELBOW_STRATEGY_COUNT];

struct elbow_params {
    int k_min, k_max, folds, n_init, max_iter;
    int pca;         /* components kept, 0 = no PCA */
    double tol;      /* relative, scaled by the mean feature variance */
    bool scale;      /* standard scaler before PCA */
    uint64_t seed;
    enum elbow_strategy strategy;
    int max_threads; /* largest thread count the kernel will run with */
    int rank, nranks; /* this process among the MPI ranks; nranks 0 = 1 */
    /* NULL, or a flag (base/cancel.h) polled throughout elbow_run: once it
     * is set the run stops within a second or so, e->status becomes
     * CANCEL_STATUS and the results are incomplete. */
    const atomic_int *cancel;
};

/* One k of the curve (fold means; std with ddof 0, as GridSearchCV). */
struct elbow_point {
    int k;
    double silhouette_mean, silhouette_std, inertia_mean, n_iter_mean;
    double seconds; /* thread-seconds spent on this k's fits and scores */
};

struct elbow_fold;
struct elbow_slot;
struct elbow_pool;
struct elbow_thread;

struct elbow {
    struct elbow_params p;
    const double *x; /* n x d input, not owned */
    size_t n;
    int d, dim, nk;  /* dim: features after PCA */
    struct elbow_fold *folds;
    struct elbow_thread *threads; /* per-thread workspaces */
    struct elbow_slot *slots;     /* per (k, fold, restart): tasks only */
    struct elbow_pool *pool;      /* the slots' result buffers: tasks only */
    int *restarts_done;           /* per (k, fold): tasks only */
    double *silhouette, *inertia, *seconds; /* per (k, fold); seconds: fits */
    double *score_seconds; /* per (k, fold): its share of the fold's score */
    int *n_iter;
    size_t max_test;  /* held-out rows of the largest fold */
    int *test_labels; /* per (k, fold): max_test predicted labels */
    int *cells_done;  /* per fold: cells fitted (tasks, one rank) */
    int *share;       /* share_labels' buffers: more than one rank */
    int *owner;      /* per (k, fold): the rank that computes it */
    bool *need_fold; /* folds this rank preprocesses */
    double **scratch;   /* preprocessing scratch pool: n_scratch buffers, */
    int n_scratch;      /* the first scratch_free of them free (a stack) */
    int scratch_free;
    uint64_t lloyd_iterations; /* all restarts of the last run */
    int status;                /* STATUS_OK, or why the last run failed */
};

/* Fold f of n samples split into `folds` (KFold without shuffling): the
 * test rows are [*begin, *begin + *size); the first n % folds folds are one
 * sample larger. */
void elbow_fold_bounds(size_t n, int folds, int f, size_t *begin, size_t *size);

/* Check the parameters against the data and allocate every workspace.
 * STATUS_USAGE (with the option named) or STATUS_NOMEM. */
int elbow_init(struct elbow *e, const double *x, size_t n, int d,
               const struct elbow_params *p, errmsg_t *err);

/* The kernel: preprocessing per fold, all fits and scores, with the current
 * OpenMP thread count and runtime schedule. Sets e->status. */
void elbow_run(struct elbow *e);

/* Collective: bring every rank's (k, fold) results to rank 0 in cell order
 * and the total Lloyd iterations to every rank. Without MPI it does nothing.
 * Returns STATUS_OK or STATUS_NOMEM. */
int elbow_gather(struct elbow *e);

/* The curve of the last run: e->nk points, k ascending. */
void elbow_curve(const struct elbow *e, struct elbow_point *out);

/* 64-bit checksum over every (k, fold) score, inertia and iteration count. */
uint64_t elbow_checksum(const struct elbow *e);

/* True when the last run succeeded and produced finite inertias. */
bool elbow_verify(const struct elbow *e);

/* The k chosen by each rule (RULE_COUNT entries; 0 when undefined). */
void elbow_choose(const struct elbow_point *curve, int nk, int *chosen);

/* The expected kernel time of one run at one thread, for an estimate up
 * front: preprocessing (n d^2 / 2 multiply-adds and 9 d^3 eigensolver
 * operations a fold, or n^2 d / 2 and 9 n^3 from the Gram matrix when
 * n < d), k-means (seeding, ELBOW_NOMINAL_ITERATIONS Lloyd iterations a
 * fit) and the silhouette's pairs, at the nominal rates below. A rough
 * figure (the iterations depend on the data): good to a factor of a few. */
double elbow_expected_seconds(const struct elbow *e);

/* Nominal rates of one thread, after make micro on a 2 GHz AMD EPYC
 * (Zen 1) core (docs/performance-elbow.md): covariance multiply-adds,
 * eigensolver operations, k-means sample-centre pairs (seeding 7e8/s,
 * Lloyd 1.2-1.6e9/s), silhouette pairs (all k at once, about 3e9
 * labelings a second, so about 3e8 pairs/s for 13 k). */
#define ELBOW_NOMINAL_MULADDS 4.0e9
#define ELBOW_NOMINAL_EIGEN_OPS 1.0e9
#define ELBOW_NOMINAL_PAIRS 1.0e9
#define ELBOW_NOMINAL_SIL_PAIRS 3.0e8
#define ELBOW_NOMINAL_ITERATIONS 10

void elbow_free(struct elbow *e);

#endif
