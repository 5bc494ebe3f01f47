/* micro_silhouette: the exact silhouette of the default elbow's first test
 * fold (2000 x 2 after PCA) under the labels of a k-means fit, through
 * silhouette_score (sorting, the symmetric pass over all pairs, the
 * per-sample values).
 *
 * Limit: every pair needs one square root (each pair is computed once,
 * credited to both samples), so pairs/s <= square roots/s of this CPU,
 * measured by micro_peak_sqrt (vector square roots when built with AVX).
 *
 * Then silhouette_scores of the same fold under every k of the default
 * elbow (2..14) at once, as the elbow scores a fold: one pass over the
 * pairs for all 13 labelings (their joint groups), so its rate in
 * labeling-pairs per second may reach 13 times the square-root rate: that
 * is its limit. */
#include <math.h>

#include "elbow/kmeans.h"
#include "micro.h"
#include "micro_data.h"
#include "elbow/silhouette.h"

static const int KS[] = {3, 7, 14};
/* A cancel flag that is never set, as the elbow passes one: its polls are
 * timed too. */
static atomic_int never;
enum { N_KS = sizeof KS / sizeof KS[0], N_INIT = 1, MAX_ITER = 300 };

/* Labels of the test fold under a k-means fit on the training fold. */
static int fold_labels(const struct micro_fold *f, int k, int *labels)
{
    struct kmeans_data kd;
    double centers[2 * 64];
    int *train_labels = malloc(f->n_train * sizeof *train_labels);
    rng_t rng = rng_stream(42, (uint64_t)k);
    errmsg_t err;
    if (train_labels == NULL ||
        kmeans_data_init(&kd, f->train, f->n_train, MICRO_DIM, &err) != 0) {
        free(train_labels);
        return -1;
    }
    struct kmeans_result res = {centers, train_labels, 0.0, 0};
    int rc = kmeans_fit(&kd, k, N_INIT, MAX_ITER,
                        kmeans_tol_abs(&kd, KMEANS_DEFAULT_TOL), &rng, &res,
                        &err);
    if (rc == 0)
        kmeans_predict(centers, k, MICRO_DIM, f->test, f->n_test, labels);
    kmeans_data_free(&kd);
    free(train_labels);
    return rc == 0 ? 0 : -1;
}

/* The default elbow's k range, all at once. */
enum { K_FIRST = 2, K_LAST = 14, N_ALL = K_LAST - K_FIRST + 1 };

static int bench_all_k(const struct micro_fold *f, double pairs, double limit)
{
    static int store[N_ALL][MICRO_TEST];
    const int *labels[N_ALL];
    int k[N_ALL];
    double scores[N_ALL], best = HUGE_VAL;
    errmsg_t err;
    for (int q = 0; q < N_ALL; q++) {
        k[q] = K_FIRST + q;
        labels[q] = store[q];
        if (fold_labels(f, k[q], store[q]) != 0)
            return -1;
    }
    for (int rep = 0; rep < MICRO_REPEATS; rep++) {
        double t0 = micro_now();
        if (silhouette_scores(f->test, f->n_test, MICRO_DIM, N_ALL, labels, k,
                              scores, &never, &err) != 0)
            return -1;
        double t = micro_now() - t0;
        best = t < best ? t : best;
    }
    micro_report("silhouette k=2..14 at once", "pairs/s", N_ALL * pairs / best,
                 N_ALL * limit, "13 labelings a square root at peak rate");
    micro_sink += scores[0];
    return 0;
}

int main(void)
{
    struct micro_fold f;
    if (micro_fold_make(&f) != 0) {
        fprintf(stderr, "micro_silhouette: set-up failed\n");
        return 1;
    }
    int *labels = malloc(f.n_test * sizeof *labels);
    if (labels == NULL)
        return 1;
    const double limit = micro_peak_sqrt();
    const double pairs = (double)f.n_test * (double)(f.n_test - 1) / 2.0;
    for (int q = 0; q < N_KS; q++) {
        int k = KS[q];
        double score = NAN, best = HUGE_VAL;
        errmsg_t err;
        if (fold_labels(&f, k, labels) != 0)
            return 1;
        for (int rep = 0; rep < MICRO_REPEATS; rep++) {
            double t0 = micro_now();
            if (silhouette_score(f.test, f.n_test, MICRO_DIM, labels, k,
                                 &score, &err) != 0)
                return 1;
            double t = micro_now() - t0;
            best = t < best ? t : best;
        }
        char name[64];
        snprintf(name, sizeof name, "silhouette k=%d", k);
        micro_report(name, "pairs/s", pairs / best, limit,
                     "1 square root per pair at peak sqrt rate");
        micro_sink += score;
    }
    free(labels);
    int rc = bench_all_k(&f, pairs, limit);
    micro_fold_free(&f);
    return rc == 0 ? 0 : 1;
}
