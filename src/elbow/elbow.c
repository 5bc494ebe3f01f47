/* elbow: folds, the pipeline per (k, fold), both parallel strategies and the
 * per-k curve; see elbow.h. The numeric kernels live in preprocess.c,
 * kmeans.c and silhouette.c; this file only schedules them. */
#include "elbow/elbow.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/openmp.h"
#include "base/par.h"
#include "elbow/detmath.h"
#include "elbow/preprocess.h"
#include "elbow/rules.h"
#include "elbow/silhouette.h"

const char *const elbow_strategy_names[ELBOW_STRATEGY_COUNT] = {"over-k", "tasks"};

static const uint64_t CHECKSUM_MULT = 0xff51afd7ed558ccdULL;

/* One cross-validation fold: the test block [test_begin, test_end) of the
 * input, the rest for training, both after scaling and PCA. */
struct elbow_fold {
    size_t test_begin, n_train, n_test;
    double *train, *test; /* n_train x dim, n_test x dim */
    struct kmeans_data kd;
    double tol_abs;
};

/* One restart's result, kept for the tasks strategy's ordered reduction;
 * res comes from the result pool and goes back once the cell is scored. */
struct elbow_slot {
    struct kmeans_result *res;
    double seconds;
    int n_iter;
};

/* The tasks strategy's result buffers. A restart takes one as it starts and
 * its cell gives them all back once scored, so only the restarts of open
 * cells hold centres and labels, not one per restart of the run (650 by
 * default; at 10^6 samples that would be 2 GB of labels). How many cells
 * are open at once depends on the runtime's task order: libgomp runs new
 * tasks at once when its queue is long, leaving cells half done, and
 * peaked at 97 buffers at 2 threads and 247 at 4 (default elbow). Made on
 * demand, up to one per restart. */
struct elbow_pool {
    struct kmeans_result *items; /* capacity; the first `made` allocated */
    size_t *free;                /* indices of the free ones, a stack */
    size_t capacity, made, nfree;
    int k_max, dim;
    size_t n; /* label capacity */
};

/* What one thread needs for a fit; indexed by thread number. */
struct elbow_thread {
    struct kmeans_work work;
    struct kmeans_result cand, best;
};

static size_t cell_index(const struct elbow *e, int ki, int f)
{
    return (size_t)ki * (size_t)e->p.folds + (size_t)f;
}

/* The held-out labels the chosen model of a cell predicts. */
static int *cell_labels(const struct elbow *e, size_t c)
{
    return e->test_labels + c * e->max_test;
}

/* The rank that scores fold f (all its k at once): round robin. */
static int fold_scorer(const struct elbow *e, int f)
{
    return f % e->p.nranks;
}

static uint64_t slot_index(const struct elbow *e, int ki, int f, int r)
{
    return (uint64_t)cell_index(e, ki, f) * (uint64_t)e->p.n_init + (uint64_t)r;
}

/* The first failure wins; later ones are usually its consequences. */
static void record_failure(struct elbow *e, int rc)
{
    if (rc == STATUS_OK)
        return;
#pragma omp critical(elbow_status)
    if (e->status == STATUS_OK)
        e->status = rc;
}

void elbow_fold_bounds(size_t n, int folds, int f, size_t *begin, size_t *size)
{
    size_t base = n / (size_t)folds, extra = n % (size_t)folds, uf = (size_t)f;
    *begin = uf * base + (uf < extra ? uf : extra);
    *size = base + (uf < extra ? 1 : 0);
}

static void release_fold(struct elbow_fold *fo)
{
    free(fo->train);
    free(fo->test);
    kmeans_data_free(&fo->kd);
    fo->train = fo->test = NULL;
}

/* A free preprocessing scratch from the pool (a stack). No more than
 * min(threads, folds) folds are ever preprocessed at once, and the pool has
 * that many, so it runs dry only when the thread count exceeds max_threads.
 * Every taken buffer is given back, so between runs all n_scratch are in
 * e->scratch. */
static double *scratch_take(struct elbow *e)
{
    double *s = NULL;
#pragma omp critical(elbow_scratch)
    if (e->scratch_free > 0)
        s = e->scratch[--e->scratch_free];
    return s;
}

static void scratch_give(struct elbow *e, double *s)
{
#pragma omp critical(elbow_scratch)
    e->scratch[e->scratch_free++] = s;
}

/* Scaler and PCA fitted on the fold's training rows, applied to both
 * parts, then the training rows prepared for k-means. */
static int prepare_fold(struct elbow *e, struct elbow_fold *fo)
{
    errmsg_t err;
    double *scratch = scratch_take(e);
    if (scratch == NULL)
        return STATUS_USAGE; /* more threads than elbow_init was told */
    const struct preprocess_split sp = {e->x, e->n, fo->test_begin,
                                        fo->n_test, e->d, e->p.cancel};
    int rc = preprocess_fold(&sp, e->p.scale, e->p.pca, scratch, fo->train,
                             fo->test, &err);
    scratch_give(e, scratch);
    if (rc != STATUS_OK)
        return rc;
    kmeans_data_set(&fo->kd, fo->train);
    fo->tol_abs = kmeans_tol_abs(&fo->kd, e->p.tol);
    return STATUS_OK;
}

static void prepare_folds(struct elbow *e)
{
    int folds = e->p.folds;
#pragma omp parallel for default(none) shared(e, folds) schedule(dynamic, 1)
    for (int f = 0; f < folds; f++)
        if (e->need_fold[f])
            record_failure(e, prepare_fold(e, &e->folds[f]));
}

static bool mine(const struct elbow *e, int ki, int f)
{
    return e->owner[cell_index(e, ki, f)] == e->p.rank;
}

static int fit_restart(const struct elbow *e, int ki, int f, int r,
                       struct kmeans_work *w, struct kmeans_result *res)
{
    const struct elbow_fold *fo = &e->folds[f];
    rng_t rng = rng_stream(e->p.seed, slot_index(e, ki, f, r));
    errmsg_t err;
    return kmeans_single(&fo->kd, e->p.k_min + ki, e->p.max_iter, fo->tol_abs,
                         &rng, w, res, &err);
}

/* The chosen model of a cell: its inertia, iterations and its predictions
 * for the held-out fold, which score_fold scores. */
static void finish_cell(struct elbow *e, int ki, int f,
                        const struct kmeans_result *best)
{
    const struct elbow_fold *fo = &e->folds[f];
    size_t c = cell_index(e, ki, f);
    kmeans_predict(best->centers, e->p.k_min + ki, e->dim, fo->test, fo->n_test,
                   cell_labels(e, c));
    e->inertia[c] = best->inertia;
    e->n_iter[c] = best->n_iter;
}

/* Silhouette of the held-out fold under every k's predictions at once: the
 * pair distances do not depend on k, so silhouette_scores computes each
 * once for all k. Each k is charged an equal share of the time. Fewer than
 * 2 predicted clusters: the score is NaN, as scikit-learn's
 * cross-validation records it. */
static void score_fold(struct elbow *e, int f)
{
    const struct elbow_fold *fo = &e->folds[f];
    const int nk = e->nk;
    double t0 = omp_get_wtime();
    const int **labels = malloc((size_t)nk * sizeof *labels);
    int *k = malloc((size_t)nk * sizeof *k);
    double *scores = malloc((size_t)nk * sizeof *scores);
    int rc = STATUS_NOMEM;
    if (labels != NULL && k != NULL && scores != NULL) {
        for (int ki = 0; ki < nk; ki++) {
            labels[ki] = cell_labels(e, cell_index(e, ki, f));
            k[ki] = e->p.k_min + ki;
        }
        errmsg_t err;
        rc = silhouette_scores(fo->test, fo->n_test, e->dim, nk, labels, k,
                               scores, e->p.cancel, &err);
    }
    double share = (omp_get_wtime() - t0) / nk;
    for (int ki = 0; ki < nk; ki++) {
        size_t c = cell_index(e, ki, f);
        e->silhouette[c] = rc == STATUS_OK ? scores[ki] : NAN;
        e->score_seconds[c] = share;
    }
    free(labels);
    free(k);
    free(scores);
    record_failure(e, rc);
}

/* over-k, and any strategy across ranks: the folds this rank scores, once
 * every fit is done. */
static void score_folds(struct elbow *e)
{
    int folds = e->p.folds;
#pragma omp parallel for default(none) shared(e, folds) schedule(dynamic, 1)
    for (int f = 0; f < folds; f++)
        if (e->need_fold[f] && fold_scorer(e, f) == e->p.rank)
            score_fold(e, f);
}

static bool replaces(const struct elbow *e, int ki, int f,
                     const struct kmeans_result *cand,
                     const struct kmeans_result *best)
{
    return kmeans_is_better(cand->inertia, cand->labels, best->inertia,
                            best->labels, e->folds[f].n_train, e->p.k_min + ki);
}

/* over-k: one (k, fold) cell on one thread, restarts in order. */
static uint64_t run_cell(struct elbow *e, int ki, int f, struct elbow_thread *t)
{
    double t0 = omp_get_wtime();
    uint64_t iterations = 0;
    for (int r = 0; r < e->p.n_init; r++) {
        int rc = fit_restart(e, ki, f, r, &t->work, &t->cand);
        if (rc != STATUS_OK) {
            record_failure(e, rc);
            return iterations;
        }
        iterations += (uint64_t)t->cand.n_iter;
        if (r == 0 || replaces(e, ki, f, &t->cand, &t->best)) {
            struct kmeans_result swap = t->best;
            t->best = t->cand;
            t->cand = swap;
        }
    }
    finish_cell(e, ki, f, &t->best);
    e->seconds[cell_index(e, ki, f)] = omp_get_wtime() - t0;
    return iterations;
}

static struct elbow_thread *my_thread(struct elbow *e)
{
    int tid = omp_get_thread_num();
    if (tid >= e->p.max_threads) {
        record_failure(e, STATUS_USAGE);
        return NULL;
    }
    return &e->threads[tid];
}

static void run_over_k(struct elbow *e)
{
    int nk = e->nk, folds = e->p.folds;
    uint64_t iterations = 0;
#pragma omp parallel for default(none) shared(e, nk, folds) \
    reduction(+ : iterations) schedule(runtime)
    for (int idx = 0; idx < nk; idx++) {
        int ki = nk - 1 - idx; /* largest k first: the costliest start early */
        struct elbow_thread *t = my_thread(e);
        for (int f = 0; f < folds && t != NULL; f++)
            if (mine(e, ki, f))
                iterations += run_cell(e, ki, f, t);
    }
    e->lloyd_iterations = iterations;
}

static int result_alloc(struct kmeans_result *r, int k, int dim, size_t n)
{
    r->centers = malloc((size_t)k * (size_t)dim * sizeof *r->centers);
    r->labels = malloc((n ? n : 1) * sizeof *r->labels);
    return r->centers != NULL && r->labels != NULL ? STATUS_OK : STATUS_NOMEM;
}

static void result_free(struct kmeans_result *r)
{
    free(r->centers);
    free(r->labels);
    r->centers = NULL;
    r->labels = NULL;
}

/* A free result buffer, made if none is free; NULL when out of memory. */
static struct kmeans_result *pool_take(struct elbow_pool *p)
{
    struct kmeans_result *r = NULL;
#pragma omp critical(elbow_pool)
    {
        if (p->nfree > 0) {
            r = &p->items[p->free[--p->nfree]];
        } else if (p->made < p->capacity) {
            if (result_alloc(&p->items[p->made], p->k_max, p->dim, p->n) == STATUS_OK)
                r = &p->items[p->made++];
            else
                result_free(&p->items[p->made]);
        }
    }
    return r;
}

static void pool_give(struct elbow_pool *p, struct kmeans_result *r)
{
#pragma omp critical(elbow_pool)
    p->free[p->nfree++] = (size_t)(r - p->items);
}

/* Every made buffer free again: a failed run may have left some taken. */
static void pool_reset(struct elbow_pool *p)
{
    for (size_t i = 0; i < p->made; i++)
        p->free[i] = p->made - 1 - i;
    p->nfree = p->made;
}

/* tasks: the best restart in restart order (as over-k picks it), then its
 * held-out predictions; the cell's buffers go back to the pool. On one
 * rank the fold's last cell to finish scores the fold (acq_rel: it sees
 * every other cell's labels); across ranks score_folds does, after the
 * labels have travelled. */
static void reduce_and_finish(struct elbow *e, int ki, int f)
{
    struct elbow_slot *slots = &e->slots[slot_index(e, ki, f, 0)];
    const struct kmeans_result *best = slots[0].res;
    double seconds = slots[0].seconds, t0 = omp_get_wtime();
    for (int r = 1; r < e->p.n_init; r++) {
        seconds += slots[r].seconds;
        if (replaces(e, ki, f, slots[r].res, best))
            best = slots[r].res;
    }
    finish_cell(e, ki, f, best);
    e->seconds[cell_index(e, ki, f)] = seconds + (omp_get_wtime() - t0);
    for (int r = 0; r < e->p.n_init; r++) {
        pool_give(e->pool, slots[r].res);
        slots[r].res = NULL;
    }
    if (e->p.nranks > 1)
        return;
    int done;
#pragma omp atomic capture acq_rel
    done = ++e->cells_done[f];
    if (done == e->nk)
        score_fold(e, f);
}

/* tasks: one restart into its own slot. The restart that completes its
 * cell, whichever it is, reduces the cell at once: no barrier between the
 * fits and the scores, and the result does not depend on which restart
 * finished last. */
static void fit_slot(struct elbow *e, int ki, int f, int r)
{
    struct elbow_slot *s = &e->slots[slot_index(e, ki, f, r)];
    struct elbow_thread *t = my_thread(e);
    if (t == NULL) /* its failure is recorded */
        return;
    s->res = pool_take(e->pool);
    if (s->res == NULL) {
        record_failure(e, STATUS_NOMEM);
        return;
    }
    double t0 = omp_get_wtime();
    int rc = fit_restart(e, ki, f, r, &t->work, s->res);
    s->seconds = omp_get_wtime() - t0;
    s->n_iter = rc == STATUS_OK ? s->res->n_iter : 0;
    if (rc != STATUS_OK) { /* the cell is never scored; the run fails */
        record_failure(e, rc);
        return;
    }
    int done;
    int *counter = &e->restarts_done[cell_index(e, ki, f)];
    /* acq_rel: the last one sees every other restart's slot */
#pragma omp atomic capture acq_rel
    done = ++*counter;
    if (done == e->p.n_init)
        reduce_and_finish(e, ki, f);
}

/* tasks: fold f's preprocessing, then its fits as tasks of their own,
 * created largest k first. Spawning them here, rather than creating them
 * up front with depend clauses on the fold, starts them as soon as the
 * fold is ready without the runtime's dependence tracking: under load,
 * LeakSanitizer caught libgomp 12 leaving a 136-byte block from
 * GOMP_task's dependence handling unfreed (1 run in about 5 with two CPU
 * hogs beside it). */
static void prepare_and_spawn(struct elbow *e, int f)
{
    int rc = prepare_fold(e, &e->folds[f]);
    record_failure(e, rc);
    for (int ki = e->nk - 1; ki >= 0 && rc == STATUS_OK; ki--)
        for (int r = 0; r < e->p.n_init && mine(e, ki, f); r++) {
            /* e by value: this function may return before its tasks run */
#pragma omp task default(none) firstprivate(e, ki, f, r)
            fit_slot(e, ki, f, r);
        }
}

/* Fold preprocessing and fits are one task graph: a fold's fits wait only
 * for that fold, so they start as soon as it is ready instead of after the
 * slowest fold (5 folds on 2 threads would leave one thread idle for a
 * whole fold). A fit task has no scheduling point inside and a fold task
 * reaches its own (the task creations) only once its work is done, so a
 * thread's workspace and a preprocessing scratch serve one task at a time. */
static void run_tasks(struct elbow *e)
{
    int nk = e->nk, folds = e->p.folds, n_init = e->p.n_init;
    memset(e->restarts_done, 0, (size_t)nk * (size_t)folds *
                                    sizeof *e->restarts_done);
    memset(e->cells_done, 0, (size_t)folds * sizeof *e->cells_done);
    memset(e->slots, 0, (size_t)nk * (size_t)folds * (size_t)n_init *
                            sizeof *e->slots); /* runs that never happen count 0 */
    pool_reset(e->pool);
#pragma omp parallel default(none) shared(e, folds)
#pragma omp single
    for (int f = 0; f < folds; f++) {
        if (!e->need_fold[f])
            continue;
#pragma omp task default(none) firstprivate(f) shared(e)
        prepare_and_spawn(e, f);
    }
    uint64_t iterations = 0;
    for (int ki = 0; ki < nk; ki++)
        for (int f = 0; f < folds; f++)
            for (int r = 0; r < n_init && mine(e, ki, f); r++)
                iterations += (uint64_t)e->slots[slot_index(e, ki, f, r)].n_iter;
    e->lloyd_iterations = iterations;
}

/* Across ranks: every cell's held-out labels to every rank (a fold's
 * scorer needs all its cells): the owners' to rank 0 in rank order, then
 * one broadcast. Collective: every rank calls it, whatever its status. */
static void share_labels(struct elbow *e)
{
    const size_t cells = (size_t)e->nk * (size_t)e->p.folds;
    const size_t bytes = e->max_test * sizeof *e->test_labels;
    int *out = e->share, *all = e->share + cells * e->max_test;
    size_t own = 0, next = 0;
    for (size_t c = 0; c < cells; c++)
        if (e->owner[c] == e->p.rank)
            memcpy(out + own++ * e->max_test, cell_labels(e, c), bytes);
    if (par_gather_bytes(out, own * bytes, all, cells * bytes) != 0)
        record_failure(e, STATUS_NOMEM);
    for (int r = 0; par_root() && r < e->p.nranks; r++)
        for (size_t c = 0; c < cells; c++)
            if (e->owner[c] == r)
                memcpy(cell_labels(e, c), all + next++ * e->max_test, bytes);
    par_broadcast(e->test_labels, cells * bytes);
}

void elbow_run(struct elbow *e)
{
    e->status = STATUS_OK;
    e->lloyd_iterations = 0;
    if (e->p.strategy == ELBOW_TASKS) {
        run_tasks(e); /* on one rank it scores too */
    } else {
        prepare_folds(e);
        if (e->status == STATUS_OK)
            run_over_k(e);
    }
    if (e->p.nranks > 1)
        share_labels(e);
    if (e->status == STATUS_OK &&
        (e->p.strategy == ELBOW_OVER_K || e->p.nranks > 1))
        score_folds(e);
}

/* One cell's results as they travel between ranks: the fit's from the
 * cell's owner, the score from its fold's scorer. */
struct cell_result {
    double inertia, seconds;
    int64_t n_iter;
};
struct cell_score {
    double silhouette, seconds;
};

/* The scores, as elbow_gather's fits: packed by scorer in cell order. */
static int gather_scores(struct elbow *e)
{
    size_t cells = (size_t)e->nk * (size_t)e->p.folds, own = 0, next = 0;
    struct cell_score *out = malloc(cells * sizeof *out);
    struct cell_score *all = malloc(cells * sizeof *all);
    if (out == NULL || all == NULL) {
        free(out), free(all);
        return STATUS_NOMEM;
    }
    for (size_t c = 0; c < cells; c++)
        if (fold_scorer(e, (int)(c % (size_t)e->p.folds)) == e->p.rank)
            out[own++] = (struct cell_score){e->silhouette[c], e->score_seconds[c]};
    int rc = par_gather_bytes(out, own * sizeof *out, all, cells * sizeof *all);
    for (int r = 0; par_root() && r < e->p.nranks; r++)
        for (size_t c = 0; c < cells; c++)
            if (fold_scorer(e, (int)(c % (size_t)e->p.folds)) == r) {
                e->silhouette[c] = all[next].silhouette;
                e->score_seconds[c] = all[next++].seconds;
            }
    free(out);
    free(all);
    return rc == 0 ? STATUS_OK : STATUS_NOMEM;
}

/* Pack this rank's cells in cell order; rank 0 unpacks everyone's by
 * walking the owner map rank by rank, which is the order they arrive in. */
int elbow_gather(struct elbow *e)
{
    size_t cells = (size_t)e->nk * (size_t)e->p.folds, own = 0;
    e->lloyd_iterations = par_sum_u64(e->lloyd_iterations);
    if (e->p.nranks == 1)
        return STATUS_OK;
    if (gather_scores(e) != STATUS_OK)
        return STATUS_NOMEM;
    struct cell_result *out = malloc(cells * sizeof *out);
    struct cell_result *all = malloc(cells * sizeof *all);
    if (out == NULL || all == NULL) {
        free(out), free(all);
        return STATUS_NOMEM;
    }
    for (size_t c = 0; c < cells; c++)
        if (e->owner[c] == e->p.rank)
            out[own++] = (struct cell_result){e->inertia[c], e->seconds[c],
                                              e->n_iter[c]};
    int rc = par_gather_bytes(out, own * sizeof *out, all, cells * sizeof *all);
    size_t next = 0;
    for (int r = 0; par_root() && r < e->p.nranks; r++)
        for (size_t c = 0; c < cells; c++)
            if (e->owner[c] == r) {
                e->inertia[c] = all[next].inertia;
                e->seconds[c] = all[next].seconds;
                e->n_iter[c] = (int)all[next++].n_iter;
            }
    free(out);
    free(all);
    return rc == 0 ? STATUS_OK : STATUS_NOMEM;
}

/* Estimate ------------------------------------------------------------- */

/* Preprocessing of a fold with n training rows: the covariance or Gram
 * matrix and its eigensolve (see elbow_expected_seconds). */
static double fold_seconds(const struct elbow *e, double n)
{
    if (e->p.pca == 0)
        return 0.0;
    const double d = e->d, small = n < d ? n : d, big = n < d ? d : n;
    return small * small * big / 2.0 / ELBOW_NOMINAL_MULADDS +
           9.0 * small * small * small / ELBOW_NOMINAL_EIGEN_OPS;
}

/* The fits of one fold: every k, every restart. */
static double fits_seconds(const struct elbow *e, double n)
{
    double pairs = 0.0;
    for (int k = e->p.k_min; k <= e->p.k_max; k++) {
        double seeding = 1.0 + (k - 1.0) * (2.0 + floor(detmath_log(k)));
        pairs += e->p.n_init * n * e->dim * (seeding + ELBOW_NOMINAL_ITERATIONS * k);
    }
    return pairs / ELBOW_NOMINAL_PAIRS;
}

double elbow_expected_seconds(const struct elbow *e)
{
    double seconds = 0.0;
    for (int f = 0; f < e->p.folds; f++) {
        size_t begin, test;
        elbow_fold_bounds(e->n, e->p.folds, f, &begin, &test);
        const double train = (double)(e->n - test), held = (double)test;
        seconds += fold_seconds(e, train) + fits_seconds(e, train) +
                   held * held / 2.0 * e->dim / ELBOW_NOMINAL_SIL_PAIRS;
    }
    return seconds;
}

/* Curve, checksum, rules ------------------------------------------------- */

void elbow_curve(const struct elbow *e, struct elbow_point *out)
{
    double folds = (double)e->p.folds;
    for (int ki = 0; ki < e->nk; ki++) {
        struct elbow_point *pt = &out[ki];
        memset(pt, 0, sizeof *pt);
        pt->k = e->p.k_min + ki;
        for (int f = 0; f < e->p.folds; f++) { /* fold order: deterministic */
            size_t c = cell_index(e, ki, f);
            pt->silhouette_mean += e->silhouette[c];
            pt->inertia_mean += e->inertia[c];
            pt->n_iter_mean += e->n_iter[c];
            pt->seconds += e->seconds[c] + e->score_seconds[c];
        }
        pt->silhouette_mean /= folds;
        pt->inertia_mean /= folds;
        pt->n_iter_mean /= folds;
        double ss = 0.0;
        for (int f = 0; f < e->p.folds; f++) {
            double dev = e->silhouette[cell_index(e, ki, f)] - pt->silhouette_mean;
            ss += dev * dev;
        }
        pt->silhouette_std = sqrt(ss / folds);
    }
}

static uint64_t mix(uint64_t h, uint64_t v)
{
    h ^= v;
    h *= CHECKSUM_MULT;
    return h ^ (h >> 33);
}

static uint64_t bits_of(double v)
{
    uint64_t u;
    memcpy(&u, &v, sizeof u);
    return u;
}

uint64_t elbow_checksum(const struct elbow *e)
{
    uint64_t h = (uint64_t)e->nk;
    size_t cells = (size_t)e->nk * (size_t)e->p.folds;
    for (size_t c = 0; c < cells; c++) {
        h = mix(h, bits_of(e->silhouette[c]));
        h = mix(h, bits_of(e->inertia[c]));
        h = mix(h, (uint64_t)e->n_iter[c]);
    }
    return mix(h, e->lloyd_iterations);
}

bool elbow_verify(const struct elbow *e)
{
    if (e->status != STATUS_OK)
        return false;
    size_t cells = (size_t)e->nk * (size_t)e->p.folds;
    for (size_t c = 0; c < cells; c++)
        if (!isfinite(e->inertia[c]) || e->inertia[c] < 0 || e->n_iter[c] < 1)
            return false;
    return true;
}

void elbow_choose(const struct elbow_point *curve, int nk, int *chosen)
{
    double *score = malloc((size_t)nk * sizeof *score);
    double *k = malloc((size_t)nk * sizeof *k);
    double *inertia = malloc((size_t)nk * sizeof *inertia);
    for (int r = 0; r < RULE_COUNT; r++)
        chosen[r] = 0;
    if (score != NULL && k != NULL && inertia != NULL) {
        for (int i = 0; i < nk; i++) {
            score[i] = curve[i].silhouette_mean;
            k[i] = curve[i].k;
            inertia[i] = curve[i].inertia_mean;
        }
        int idx[RULE_COUNT];
        idx[RULE_MAXDELTA] = rules_maxdelta(score, nk);
        idx[RULE_MAX] = rules_max(score, nk);
        idx[RULE_KNEEDLE] = rules_kneedle(k, inertia, nk);
        for (int r = 0; r < RULE_COUNT; r++)
            chosen[r] = idx[r] >= 0 ? curve[idx[r]].k : 0;
    }
    free(score);
    free(k);
    free(inertia);
}

/* Setup ------------------------------------------------------------------ */

static int check_params(const struct elbow_params *p, size_t n, int d,
                        size_t min_train, errmsg_t *err)
{
    if ((size_t)p->folds > n)
        return errmsg_set(err, STATUS_USAGE, "--folds: %d exceeds the %zu samples "
                          "of the data", p->folds, n);
    if ((size_t)p->k_max >= n)
        return errmsg_set(err, STATUS_USAGE, "--k-max: %d must be below the %zu "
                          "samples of the data", p->k_max, n);
    if ((size_t)p->k_max > min_train)
        return errmsg_set(err, STATUS_USAGE, "--k-max: %d exceeds the %zu training "
                          "samples of the largest fold's complement", p->k_max,
                          min_train);
    if (p->pca > d)
        return errmsg_set(err, STATUS_USAGE, "--pca: %d exceeds the %d features "
                          "of the data", p->pca, d);
    if (p->max_threads < 1)
        return errmsg_set(err, STATUS_USAGE, "elbow: no threads");
    if (p->nranks < 0 || p->nranks > ELBOW_MAX_RANKS || p->rank < 0 ||
        p->rank >= (p->nranks > 0 ? p->nranks : 1))
        return errmsg_set(err, STATUS_USAGE, "elbow: %d ranks (accepted 1..%d)",
                          p->nranks, ELBOW_MAX_RANKS);
    return STATUS_OK;
}

static int alloc_threads(struct elbow *e, size_t max_train, errmsg_t *err)
{
    e->threads = calloc((size_t)e->p.max_threads, sizeof *e->threads);
    if (e->threads == NULL)
        return STATUS_NOMEM;
    for (int i = 0; i < e->p.max_threads; i++) {
        struct elbow_thread *t = &e->threads[i];
        int rc = kmeans_work_init(&t->work, max_train, e->p.k_max, e->dim, err);
        t->work.cancel = e->p.cancel;
        if (rc == STATUS_OK)
            rc = result_alloc(&t->cand, e->p.k_max, e->dim, max_train);
        if (rc == STATUS_OK)
            rc = result_alloc(&t->best, e->p.k_max, e->dim, max_train);
        if (rc != STATUS_OK)
            return rc;
    }
    return STATUS_OK;
}

/* Slots and the result pool of the tasks strategy. The pool starts with
 * about the buffers a run holds at once, (folds + 2 threads) x n_init (90
 * at 2 threads; see struct elbow_pool for what runs held), so the timed
 * runs seldom make more. */
static int alloc_slots(struct elbow *e, size_t max_train)
{
    size_t nslots = (size_t)e->nk * (size_t)e->p.folds * (size_t)e->p.n_init;
    e->slots = calloc(nslots, sizeof *e->slots);
    e->restarts_done = calloc((size_t)e->nk * (size_t)e->p.folds,
                              sizeof *e->restarts_done);
    struct elbow_pool *p = e->pool = calloc(1, sizeof *e->pool);
    if (e->slots == NULL || e->restarts_done == NULL || p == NULL)
        return STATUS_NOMEM;
    *p = (struct elbow_pool){.items = calloc(nslots, sizeof *p->items),
                             .free = calloc(nslots, sizeof *p->free),
                             .capacity = nslots, .k_max = e->p.k_max,
                             .dim = e->dim, .n = max_train};
    if (p->items == NULL || p->free == NULL)
        return STATUS_NOMEM;
    size_t start = ((size_t)e->p.folds + 2 * (size_t)e->p.max_threads) *
                   (size_t)e->p.n_init;
    for (size_t i = 0; i < start && i < nslots; i++)
        if (pool_take(p) == NULL)
            return STATUS_NOMEM;
    pool_reset(p);
    return STATUS_OK;
}

static int alloc_cells(struct elbow *e)
{
    size_t cells = (size_t)e->nk * (size_t)e->p.folds;
    e->folds = calloc((size_t)e->p.folds, sizeof *e->folds);
    e->silhouette = calloc(cells, sizeof *e->silhouette);
    e->inertia = calloc(cells, sizeof *e->inertia);
    e->seconds = calloc(cells, sizeof *e->seconds);
    e->n_iter = calloc(cells, sizeof *e->n_iter);
    e->owner = calloc(cells, sizeof *e->owner);
    e->need_fold = calloc((size_t)e->p.folds, sizeof *e->need_fold);
    e->score_seconds = calloc(cells, sizeof *e->score_seconds);
    e->cells_done = calloc((size_t)e->p.folds, sizeof *e->cells_done);
    e->test_labels = malloc(cells * e->max_test * sizeof *e->test_labels);
    if (e->p.nranks > 1) /* share_labels: what a rank sends, what 0 gets */
        e->share = malloc(2 * cells * e->max_test * sizeof *e->share);
    return e->folds && e->silhouette && e->inertia && e->seconds && e->n_iter &&
                   e->owner && e->need_fold && e->score_seconds &&
                   e->cells_done && e->test_labels &&
                   (e->p.nranks == 1 || e->share)
               ? STATUS_OK : STATUS_NOMEM;
}

/* The preprocessed rows of each fold this rank needs, and the scratch pool
 * (see scratch_take): allocated once, outside the timed runs. */
static int alloc_prep(struct elbow *e)
{
    int needed = 0;
    for (int f = 0; f < e->p.folds; f++) {
        struct elbow_fold *fo = &e->folds[f];
        if (!e->need_fold[f])
            continue;
        needed++;
        fo->train = malloc(fo->n_train * (size_t)e->dim * sizeof *fo->train);
        fo->test = malloc((fo->n_test ? fo->n_test : 1) * (size_t)e->dim *
                          sizeof *fo->test);
        if (fo->train == NULL || fo->test == NULL ||
            kmeans_data_alloc(&fo->kd, fo->n_train, e->dim, NULL) != STATUS_OK)
            return STATUS_NOMEM;
    }
    e->n_scratch = needed < e->p.max_threads ? needed : e->p.max_threads;
    e->scratch = calloc((size_t)e->n_scratch + 1, sizeof *e->scratch);
    if (e->scratch == NULL)
        return STATUS_NOMEM;
    size_t doubles = preprocess_fold_scratch(e->n, e->d, e->p.pca);
    for (int i = 0; i < e->n_scratch; i++) {
        e->scratch[i] = malloc((doubles ? doubles : 1) * sizeof **e->scratch);
        if (e->scratch[i] == NULL)
            return STATUS_NOMEM;
        e->scratch_free = i + 1;
    }
    return STATUS_OK;
}

/* Estimated cost of a cell: k-means++ and Lloyd grow with k; the score and
 * the preprocessing do not (ELBOW_FIXED_COST, in units of one cluster). */
enum { ELBOW_FIXED_COST = 4 };

/* Largest cells first, each to the least-loaded rank (lowest on ties):
 * deterministic, so every rank computes the same map. */
static int assign_cells(struct elbow *e)
{
    long *load = calloc((size_t)e->p.nranks, sizeof *load);
    if (load == NULL)
        return STATUS_NOMEM;
    for (int ki = e->nk - 1; ki >= 0; ki--)
        for (int f = 0; f < e->p.folds; f++) {
            int best = 0;
            for (int r = 1; r < e->p.nranks; r++)
                if (load[r] < load[best])
                    best = r;
            e->owner[cell_index(e, ki, f)] = best;
            load[best] += e->p.k_min + ki + ELBOW_FIXED_COST;
            if (best == e->p.rank)
                e->need_fold[f] = true;
        }
    for (int f = 0; f < e->p.folds; f++)
        if (fold_scorer(e, f) == e->p.rank)
            e->need_fold[f] = true;
    free(load);
    return STATUS_OK;
}

int elbow_init(struct elbow *e, const double *x, size_t n, int d,
               const struct elbow_params *p, errmsg_t *err)
{
    memset(e, 0, sizeof *e);
    size_t first_begin, largest;
    elbow_fold_bounds(n, p->folds, 0, &first_begin, &largest);
    int rc = check_params(p, n, d, n - largest, err);
    if (rc != STATUS_OK)
        return rc;
    e->p = *p;
    if (e->p.nranks == 0) /* one process */
        e->p.nranks = 1;
    e->x = x;
    e->n = n;
    e->d = d;
    e->dim = p->pca > 0 ? p->pca : d;
    e->nk = p->k_max - p->k_min + 1;
    size_t smallest = n / (size_t)p->folds, max_train = n - smallest;
    e->max_test = largest;
    rc = alloc_cells(e);
    if (rc == STATUS_OK)
        rc = alloc_threads(e, max_train, err);
    if (rc == STATUS_OK && p->strategy == ELBOW_TASKS)
        rc = alloc_slots(e, max_train);
    if (rc != STATUS_OK) {
        elbow_free(e);
        return rc == STATUS_NOMEM
                   ? errmsg_set(err, rc, "elbow: out of memory for %zu x %d data", n, d)
                   : rc;
    }
    for (int f = 0; f < p->folds; f++) {
        struct elbow_fold *fo = &e->folds[f];
        elbow_fold_bounds(n, p->folds, f, &fo->test_begin, &fo->n_test);
        fo->n_train = n - fo->n_test;
    }
    if (assign_cells(e) != STATUS_OK || alloc_prep(e) != STATUS_OK) {
        elbow_free(e);
        return errmsg_set(err, STATUS_NOMEM, "elbow: out of memory for %zu x %d "
                          "data", n, d);
    }
    return STATUS_OK;
}

void elbow_free(struct elbow *e)
{
    for (int f = 0; e->folds != NULL && f < e->p.folds; f++)
        release_fold(&e->folds[f]);
    for (int i = 0; e->threads != NULL && i < e->p.max_threads; i++) {
        kmeans_work_free(&e->threads[i].work);
        result_free(&e->threads[i].cand);
        result_free(&e->threads[i].best);
    }
    for (size_t i = 0; e->pool != NULL && i < e->pool->made; i++)
        result_free(&e->pool->items[i]);
    if (e->pool != NULL) {
        free(e->pool->items);
        free(e->pool->free);
    }
    free(e->pool);
    for (int i = 0; e->scratch != NULL && i < e->n_scratch; i++)
        free(e->scratch[i]);
    free(e->scratch);
    free(e->folds);
    free(e->threads);
    free(e->slots);
    free(e->restarts_done);
    free(e->silhouette);
    free(e->inertia);
    free(e->seconds);
    free(e->n_iter);
    free(e->owner);
    free(e->need_fold);
    free(e->score_seconds);
    free(e->cells_done);
    free(e->test_labels);
    free(e->share);
    memset(e, 0, sizeof *e);
}
