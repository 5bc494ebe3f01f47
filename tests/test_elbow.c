/* Tests of the elbow orchestration: KFold bounds and a small elbow curve
 * against scikit-learn, identical results at 1 and 2 threads and for both
 * strategies, and parameter checks against the data. */
#include <math.h>
#include <omp.h>
#include <stdlib.h>

#include "elbow/blobs.h"
#include "elbow/elbow.h"
#include "harness.h"

enum { CURVE_MAX = 32 };

static void test_kfold_matches_sklearn(void)
{
    FILE *in = fopen("tests/fixtures/elbow_kfold.txt", "r");
    CHECK(in != NULL);
    if (in == NULL)
        return;
    char line[256];
    int rows = 0;
    while (fgets(line, sizeof line, in) != NULL) {
        size_t n, begin, size, b, s;
        int folds, f;
        if (line[0] == '#' ||
            sscanf(line, "%zu %d %d %zu %zu", &n, &folds, &f, &begin, &size) != 5)
            continue;
        elbow_fold_bounds(n, folds, f, &b, &s);
        CHECK_MSG(b == begin && s == size, "n=%zu folds=%d f=%d", n, folds, f);
        rows++;
    }
    fclose(in);
    CHECK(rows == 5 + 3 + 5 + 7);
}

struct curve_case {
    struct blobs_params data;
    struct elbow_params p;
    double expect[CURVE_MAX];
};

static bool read_curve(struct curve_case *c)
{
    FILE *in = fopen("tests/fixtures/elbow_curve.txt", "r");
    if (in == NULL)
        return false;
    char line[256];
    int got = 0, k;
    double score;
    memset(c, 0, sizeof *c);
    while (fgets(line, sizeof line, in) != NULL) {
        if (line[0] == '#')
            continue;
        if (got == 0 && sscanf(line, "%zu %zu %d %lu %d %d %d", &c->data.n_samples,
                               &c->data.n_features, &c->data.centers,
                               (unsigned long *)&c->data.seed, &c->p.folds,
                               &c->p.k_min, &c->p.k_max) == 7)
            got = 1;
        else if (got && sscanf(line, "%d %lf", &k, &score) == 2 && k < CURVE_MAX)
            c->expect[k] = score;
    }
    fclose(in);
    c->data.cluster_std = 1.0;
    c->p.n_init = 10;
    c->p.max_iter = 300;
    c->p.tol = 1e-4;
    c->p.pca = 2;
    c->p.scale = true;
    c->p.seed = 42;
    c->p.max_threads = 2;
    return got == 1;
}

/* Run the elbow on blobs; fills the curve and returns the checksum. */
static uint64_t run_curve(const struct curve_case *c, enum elbow_strategy strategy,
                          int threads, struct elbow_point *curve)
{
    double *x;
    int *labels;
    errmsg_t err;
    struct elbow e;
    struct elbow_params p = c->p;
    p.strategy = strategy;
    if (blobs_make(&c->data, &x, &labels, &err) != STATUS_OK)
        return 0;
    uint64_t checksum = 0;
    if (elbow_init(&e, x, c->data.n_samples, (int)c->data.n_features, &p, &err) ==
        STATUS_OK) {
        omp_set_num_threads(threads);
        omp_set_schedule(omp_sched_dynamic, 1);
        elbow_run(&e);
        CHECK(elbow_verify(&e));
        elbow_curve(&e, curve);
        checksum = elbow_checksum(&e);
        CHECK(e.lloyd_iterations > 0);
        elbow_free(&e);
    }
    free(x);
    free(labels);
    return checksum;
}

/* k-means has one clear optimum up to the true number of centres; past it
 * several near-equal optima exist and any run may land on another one. */
static void test_curve_matches_sklearn(void)
{
    struct curve_case c;
    struct elbow_point curve[CURVE_MAX];
    CHECK(read_curve(&c));
    CHECK(run_curve(&c, ELBOW_OVER_K, 1, curve) != 0);
    for (int i = 0; i <= c.p.k_max - c.p.k_min; i++) {
        int k = curve[i].k;
        double tol = k <= c.data.centers ? 0.01 : 0.05;
        CHECK_MSG(fabs(curve[i].silhouette_mean - c.expect[k]) <= tol,
                  "k=%d ours %.6f sklearn %.6f", k, curve[i].silhouette_mean,
                  c.expect[k]);
    }
}

static void test_deterministic_across_threads_and_strategies(void)
{
    struct curve_case c;
    struct elbow_point a[CURVE_MAX], b[CURVE_MAX];
    CHECK(read_curve(&c));
    uint64_t ref = run_curve(&c, ELBOW_OVER_K, 1, a);
    CHECK(run_curve(&c, ELBOW_OVER_K, 2, b) == ref);
    CHECK(run_curve(&c, ELBOW_TASKS, 1, b) == ref);
    CHECK(run_curve(&c, ELBOW_TASKS, 2, b) == ref);
    for (int i = 0; i <= c.p.k_max - c.p.k_min; i++)
        CHECK(memcmp(&a[i].silhouette_mean, &b[i].silhouette_mean, sizeof(double)) == 0);
    c.p.seed = 43; /* a different seed must change the checksum */
    CHECK(run_curve(&c, ELBOW_OVER_K, 2, b) != ref);
}

static void test_choose(void)
{
    struct elbow_point curve[4] = {{2, 0.5, 0, 100, 1, 0}, {3, 0.8, 0, 30, 1, 0},
                                   {4, 0.6, 0, 25, 1, 0}, {5, 0.9, 0, 21, 1, 0}};
    int chosen[RULE_COUNT];
    elbow_choose(curve, 4, chosen);
    CHECK(chosen[RULE_MAXDELTA] == 3); /* diffs .3 -.2 .3: first wins */
    CHECK(chosen[RULE_MAX] == 5);
    CHECK(chosen[RULE_KNEEDLE] == 3);
}

static void test_params_checked_against_data(void)
{
    double x[20 * 2] = {0};
    struct elbow e;
    errmsg_t err;
    struct elbow_params p = {2, 5, 5, 1, 10, 2, 1e-4, true, 1, ELBOW_OVER_K, 1, 0, 0, NULL};
    p.k_max = 20;
    CHECK(elbow_init(&e, x, 20, 2, &p, &err) == STATUS_USAGE);
    CHECK_STR(err.text, "--k-max: 20 must be below the 20 samples of the data");
    p.k_max = 17;
    CHECK(elbow_init(&e, x, 20, 2, &p, &err) == STATUS_USAGE);
    CHECK_STR(err.text, "--k-max: 17 exceeds the 16 training samples of the "
                        "largest fold's complement");
    p.k_max = 5;
    p.folds = 21;
    CHECK(elbow_init(&e, x, 20, 2, &p, &err) == STATUS_USAGE);
    CHECK_STR(err.text, "--folds: 21 exceeds the 20 samples of the data");
    p.folds = 5;
    p.pca = 3;
    CHECK(elbow_init(&e, x, 20, 2, &p, &err) == STATUS_USAGE);
    CHECK_STR(err.text, "--pca: 3 exceeds the 2 features of the data");
    p.pca = 2;
    CHECK(elbow_init(&e, x, 20, 2, &p, &err) == STATUS_OK);
    elbow_free(&e);
}

int main(void)
{
    RUN(test_kfold_matches_sklearn);
    RUN(test_curve_matches_sklearn);
    RUN(test_deterministic_across_threads_and_strategies);
    RUN(test_choose);
    RUN(test_params_checked_against_data);
    return harness_report();
}
