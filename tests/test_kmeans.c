/* Tests for src/elbow/kmeans.c: Lloyd from given centres against scikit-learn
 * fixtures (tests/fixtures/gen_pipeline_fixtures.py), k-means++ against a
 * plain reference and its properties, restarts, the d == 2 kernels against
 * the generic ones, and errors. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "elbow/kmeans.h"

static const char FIXTURE[] = "tests/fixtures/pipeline_kmeans.txt";
static const double CENTER_TOL = 1e-9, REL_TOL = 1e-12;

/* Section `name` of this file's fixture (see harness_fixture). */
static double *fx_read(const char *name, size_t *rows, size_t *cols)
{
    return harness_fixture(FIXTURE, name, rows, cols);
}

/* One fixture case, "<name>.<field>". */
struct kcase {
    size_t n, d, k, m;
    double *X, *C0, *labels, *centers, *X_new, *predict;
    double tol, tol_abs, inertia, n_iter;
};

static double fx_scalar(const char *name, const char *field)
{
    char key[64];
    size_t r, c;
    snprintf(key, sizeof key, "%s.%s", name, field);
    double *v = fx_read(key, &r, &c), x = v != NULL ? v[0] : NAN;
    free(v);
    return x;
}

static bool load_case(const char *name, struct kcase *kc)
{
    char key[64];
    size_t r, c;
#define LOAD(field, rows, cols)                                              \
    (snprintf(key, sizeof key, "%s.%s", name, #field),                      \
     kc->field = fx_read(key, rows, cols))
    LOAD(X, &kc->n, &kc->d);
    LOAD(C0, &kc->k, &c);
    LOAD(labels, &r, &c);
    LOAD(centers, &r, &c);
    LOAD(X_new, &kc->m, &c);
    LOAD(predict, &r, &c);
#undef LOAD
    kc->tol = fx_scalar(name, "tol");
    kc->tol_abs = fx_scalar(name, "tol_abs");
    kc->inertia = fx_scalar(name, "inertia");
    kc->n_iter = fx_scalar(name, "n_iter");
    return kc->X && kc->C0 && kc->labels && kc->centers && kc->X_new &&
           kc->predict;
}

static void free_case(struct kcase *kc)
{
    free(kc->X), free(kc->C0), free(kc->labels), free(kc->centers);
    free(kc->X_new), free(kc->predict);
}

static int count_label_diff(const int *a, const double *b, size_t n)
{
    int bad = 0;
    for (size_t i = 0; i < n; i++)
        bad += a[i] != (int)b[i];
    return bad;
}

/* Lloyd from the fixture's C0 reproduces sklearn's labels, centres,
 * inertia and n_iter; predict reproduces its labels on new points. */
static void check_case(const char *name)
{
    struct kcase kc = {0};
    struct kmeans_data kd;
    struct kmeans_work w;
    int *labels = NULL, *pred = NULL;
    double *centers = NULL;
    if (!load_case(name, &kc))
        goto done;
    const int k = (int)kc.k, d = (int)kc.d;
    labels = malloc(kc.n * sizeof *labels);
    pred = malloc(kc.m * sizeof *pred);
    centers = malloc(kc.k * kc.d * sizeof *centers);
    CHECK(kmeans_data_init(&kd, kc.X, kc.n, d, NULL) == STATUS_OK);
    CHECK(kmeans_work_init(&w, kc.n, k, d, NULL) == STATUS_OK);
    double tol_abs = kmeans_tolerance(kc.X, kc.n, d, kc.tol);
    CHECK_NEAR(tol_abs, kc.tol_abs, REL_TOL * kc.tol_abs);
    CHECK(kmeans_tol_abs(&kd, kc.tol) == tol_abs);
    struct kmeans_result res = {centers, labels, 0.0, 0};
    CHECK(kmeans_lloyd(&kd, kc.C0, k, KMEANS_DEFAULT_MAX_ITER, tol_abs, &w,
                       &res, NULL) == STATUS_OK);
    CHECK_MSG(count_label_diff(labels, kc.labels, kc.n) == 0, "%s: %d labels",
              name, count_label_diff(labels, kc.labels, kc.n));
    for (size_t i = 0; i < kc.k * kc.d; i++)
        CHECK_NEAR(centers[i], kc.centers[i], CENTER_TOL);
    CHECK_NEAR(res.inertia, kc.inertia, REL_TOL * kc.inertia);
    CHECK_MSG(res.n_iter == (int)kc.n_iter, "%s: n_iter %d, sklearn %d", name,
              res.n_iter, (int)kc.n_iter);
    kmeans_predict(centers, k, d, kc.X_new, kc.m, pred);
    CHECK(count_label_diff(pred, kc.predict, kc.m) == 0);
    kmeans_work_free(&w);
    kmeans_data_free(&kd);
done:
    free(labels), free(pred), free(centers);
    free_case(&kc);
}

static void test_lloyd_k3(void) { check_case("k3"); }
static void test_lloyd_k5(void) { check_case("k5"); }
static void test_lloyd_k7(void) { check_case("k7"); }
static void test_lloyd_tol_stop_k7(void) { check_case("tol7"); }
static void test_lloyd_tol_stop_k6(void) { check_case("tol6"); }
static void test_lloyd_one_empty_cluster(void) { check_case("empty1"); }
static void test_lloyd_two_empty_clusters(void) { check_case("empty2"); }
static void test_lloyd_d5(void) { check_case("d5"); }

/* The 2-D fixture data, prepared; NULL X on failure. */
static double *load_x2(size_t *n, size_t *d)
{
    return fx_read("k3.X", n, d);
}

static void test_plusplus_deterministic_and_on_data(void)
{
    size_t n, d;
    double *X = load_x2(&n, &d);
    struct kmeans_data kd;
    struct kmeans_work w;
    enum { K = 9 };
    double c1[K * 2], c2[K * 2];
    int i1[K], i2[K];
    if (X == NULL || kmeans_data_init(&kd, X, n, 2, NULL) != STATUS_OK ||
        kmeans_work_init(&w, n, K, 2, NULL) != STATUS_OK) {
        CHECK(0);
        free(X);
        return;
    }
    rng_t a = rng_stream(42, 7), b = rng_stream(42, 7);
    CHECK(kmeans_plusplus(&kd, K, &a, &w, c1, i1, NULL) == STATUS_OK);
    CHECK(kmeans_plusplus(&kd, K, &b, &w, c2, i2, NULL) == STATUS_OK);
    CHECK(memcmp(c1, c2, sizeof c1) == 0 && memcmp(i1, i2, sizeof i1) == 0);
    CHECK(memcmp(&a, &b, sizeof a) == 0);
    for (int j = 0; j < K; j++) {
        CHECK(i1[j] >= 0 && (size_t)i1[j] < n);
        for (int f = 0; f < 2; f++)
            CHECK_NEAR(c1[j * 2 + f], X[(size_t)i1[j] * 2 + f], 1e-13);
        for (int l = 0; l < j; l++)
            CHECK(i1[l] != i1[j]); /* a chosen point has weight 0 */
    }
    rng_t c = rng_stream(42, 8);
    CHECK(kmeans_plusplus(&kd, K, &c, &w, c2, i2, NULL) == STATUS_OK);
    CHECK(memcmp(i1, i2, sizeof i1) != 0); /* another stream, other seeds */
    kmeans_work_free(&w);
    kmeans_data_free(&kd);
    free(X);
}

/* The plain greedy k-means++ the fused kernel must reproduce bit for bit:
 * a full cumulative-sum table searched with lower_bound for the draws, and
 * each candidate's potential summed in SUM_LANES (4) interleaved partial
 * sums, combined pairwise, then the tail in order. X is row-major n x d
 * with mean exactly 0, so kmeans_data_init's centring leaves it as is. */
static void reference_plusplus(const double *X, size_t n, size_t d, int k,
                               rng_t *rng, int *indices)
{
    double *dist = malloc(n * sizeof *dist), *cum = malloc(n * sizeof *cum);
    double *trial = malloc(n * sizeof *trial), *best = malloc(n * sizeof *best);
    const int trials = 2 + (int)log((double)k);
    size_t chosen = (size_t)rng_bounded(rng, n);
    for (size_t i = 0; i < n; i++)
        dist[i] = HUGE_VAL;
    for (int c = 0;; c++) {
        indices[c] = (int)chosen;
        for (size_t i = 0; i < n; i++) {
            double s = 0.0;
            for (size_t f = 0; f < d; f++) {
                double t = X[i * d + f] - X[chosen * d + f];
                s = f == 0 ? t * t : s + t * t;
            }
            dist[i] = s < dist[i] ? s : dist[i];
        }
        if (c + 1 == k)
            break;
        double total = 0.0;
        for (size_t i = 0; i < n; i++)
            cum[i] = total += dist[i];
        size_t cand[32];
        for (int t = 0; t < trials; t++) {
            double r = rng_uniform(rng) * total;
            size_t lo = 0;
            while (lo < n && cum[lo] < r)
                lo++;
            cand[t] = lo < n ? lo : n - 1;
        }
        double best_pot = 0.0;
        for (int t = 0; t < trials; t++) {
            double acc[4] = {0.0}, pot;
            size_t i = 0;
            for (; i < n; i++) {
                double s = 0.0;
                for (size_t f = 0; f < d; f++) {
                    double u = X[i * d + f] - X[cand[t] * d + f];
                    s = f == 0 ? u * u : s + u * u;
                }
                trial[i] = s < dist[i] ? s : dist[i];
            }
            for (i = 0; i + 4 <= n; i += 4)
                for (int l = 0; l < 4; l++)
                    acc[l] += trial[i + (size_t)l];
            pot = (acc[0] + acc[1]) + (acc[2] + acc[3]);
            for (; i < n; i++)
                pot += trial[i];
            if (t == 0 || pot < best_pot) {
                best_pot = pot;
                chosen = cand[t];
                memcpy(best, trial, n * sizeof *best);
            }
        }
        memcpy(dist, best, n * sizeof *dist);
    }
    free(dist), free(cum), free(trial), free(best);
}

/* Pseudo-random data (n x d) on a coarse grid, so that equal distances
 * and ties occur, with mean exactly 0 (points come in pairs p, -p, and a
 * zero row when n is odd): kmeans_data_init then leaves them as they are. */
static double *grid_data(size_t n, size_t d, uint64_t seed)
{
    double *X = malloc(n * d * sizeof *X);
    rng_t rng = rng_stream(seed, 0);
    for (size_t i = 0; i + 1 < n; i += 2)
        for (size_t f = 0; f < d; f++) {
            X[i * d + f] = ((double)rng_bounded(&rng, 9) - 4.0) * 0.5;
            X[(i + 1) * d + f] = -X[i * d + f];
        }
    for (size_t f = 0; n % 2 == 1 && f < d; f++)
        X[(n - 1) * d + f] = 0.0;
    return X;
}

/* kmeans_plusplus (one pass per step for up to 4 candidates, sums
 * checkpointed per block) picks exactly the reference's samples: sizes
 * around the vector width and the checkpoint block, k with 2, 3, 4 and 5
 * candidates (two groups), d = 2 (the fused kernel) and d = 3. */
static void test_plusplus_matches_reference(void)
{
    static const size_t NS[] = {1, 3, 5, 63, 64, 65, 130, 257};
    static const int KS[] = {2, 3, 9, 25};
    for (size_t d = 2; d <= 3; d++)
        for (size_t a = 0; a < sizeof NS / sizeof NS[0]; a++)
            for (size_t b = 0; b < sizeof KS / sizeof KS[0]; b++) {
                size_t n = NS[a];
                int k = KS[b] < (int)n ? KS[b] : (int)n;
                double *X = grid_data(n, d, 100 * d + a), c[25 * 3];
                int got[25], want[25];
                struct kmeans_data kd;
                struct kmeans_work w;
                rng_t r1 = rng_stream(9, a * 10 + b), r2 = r1;
                if (kmeans_data_init(&kd, X, n, (int)d, NULL) != STATUS_OK ||
                    kmeans_work_init(&w, n, k, (int)d, NULL) != STATUS_OK) {
                    CHECK(0);
                    free(X);
                    return;
                }
                CHECK(kmeans_plusplus(&kd, k, &r1, &w, c, got, NULL) ==
                      STATUS_OK);
                reference_plusplus(X, n, d, k, &r2, want);
                CHECK_MSG(memcmp(got, want, (size_t)k * sizeof *got) == 0,
                          "n=%zu d=%zu k=%d", n, d, k);
                CHECK(memcmp(&r1, &r2, sizeof r1) == 0);
                kmeans_work_free(&w);
                kmeans_data_free(&kd);
                free(X);
            }
}

/* kmeans_single = kmeans_plusplus + kmeans_lloyd from its centres. */
static void test_single_is_plusplus_then_lloyd(void)
{
    size_t n, d;
    double *X = load_x2(&n, &d);
    struct kmeans_data kd;
    struct kmeans_work w;
    enum { K = 6 };
    double c0[K * 2], ca[K * 2], cb[K * 2];
    int *la = malloc(n * sizeof *la), *lb = malloc(n * sizeof *lb);
    if (X == NULL || la == NULL || lb == NULL ||
        kmeans_data_init(&kd, X, n, 2, NULL) != STATUS_OK ||
        kmeans_work_init(&w, n, K, 2, NULL) != STATUS_OK) {
        CHECK(0);
        free(X), free(la), free(lb);
        return;
    }
    double tol = kmeans_tol_abs(&kd, KMEANS_DEFAULT_TOL);
    rng_t a = rng_stream(1, 3), b = rng_stream(1, 3);
    struct kmeans_result ra = {ca, la, 0, 0}, rb = {cb, lb, 0, 0};
    CHECK(kmeans_single(&kd, K, 300, tol, &a, &w, &ra, NULL) == STATUS_OK);
    CHECK(kmeans_plusplus(&kd, K, &b, &w, c0, NULL, NULL) == STATUS_OK);
    CHECK(kmeans_lloyd(&kd, c0, K, 300, tol, &w, &rb, NULL) == STATUS_OK);
    CHECK(memcmp(la, lb, n * sizeof *la) == 0);
    CHECK(ra.n_iter == rb.n_iter);
    CHECK_NEAR(ra.inertia, rb.inertia, REL_TOL * ra.inertia);
    for (int i = 0; i < K * 2; i++)
        CHECK_NEAR(ca[i], cb[i], 1e-12);
    kmeans_work_free(&w);
    kmeans_data_free(&kd);
    free(X), free(la), free(lb);
}

/* n_init = 10 keeps the best restart: never worse than restart 0 alone,
 * equal to the best single restart, and the same every time. */
static void test_n_init_keeps_best(void)
{
    size_t n, d;
    double *X = load_x2(&n, &d);
    enum { K = 7, N_INIT = 10 };
    struct kmeans_data kd;
    double c1[K * 2], c10[K * 2], cr[K * 2];
    int *l1 = malloc(n * sizeof *l1), *l10 = malloc(n * sizeof *l10);
    int *lr = malloc(n * sizeof *lr);
    rng_t s1[N_INIT], s10[N_INIT], sr[N_INIT];
    if (X == NULL || !l1 || !l10 || !lr ||
        kmeans_data_init(&kd, X, n, 2, NULL) != STATUS_OK) {
        CHECK(0);
        free(X), free(l1), free(l10), free(lr);
        return;
    }
    for (int r = 0; r < N_INIT; r++)
        s1[r] = s10[r] = sr[r] = rng_stream(5, (uint64_t)r);
    double tol = kmeans_tol_abs(&kd, KMEANS_DEFAULT_TOL);
    struct kmeans_result r1 = {c1, l1, 0, 0}, r10 = {c10, l10, 0, 0};
    struct kmeans_result rr = {cr, lr, 0, 0};
    CHECK(kmeans_fit(&kd, K, 1, 300, tol, s1, &r1, NULL) == STATUS_OK);
    CHECK(kmeans_fit(&kd, K, N_INIT, 300, tol, s10, &r10, NULL) == STATUS_OK);
    CHECK(r10.inertia <= r1.inertia);
    double lowest = HUGE_VAL;
    for (int r = 0; r < N_INIT; r++) {
        CHECK(kmeans_fit(&kd, K, 1, 300, tol, &sr[r], &rr, NULL) == STATUS_OK);
        lowest = fmin(lowest, rr.inertia);
    }
    CHECK(r10.inertia == lowest);
    for (int r = 0; r < N_INIT; r++)
        s10[r] = rng_stream(5, (uint64_t)r);
    CHECK(kmeans_fit(&kd, K, N_INIT, 300, tol, s10, &rr, NULL) == STATUS_OK);
    CHECK(rr.inertia == r10.inertia && memcmp(lr, l10, n * sizeof *lr) == 0);
    kmeans_data_free(&kd);
    free(X), free(l1), free(l10), free(lr);
}

/* The fused d == 2 kernels and the generic ones agree: the same 2-D data
 * with a zero third feature gives the same labels and inertia. */
static void test_d2_path_matches_generic(void)
{
    size_t n, d;
    double *X = load_x2(&n, &d);
    double *X3 = malloc(n * 3 * sizeof *X3);
    enum { K = 8, N_INIT = 4 };
    struct kmeans_data k2, k3;
    double c2[K * 2], c3[K * 3];
    int *l2 = malloc(n * sizeof *l2), *l3 = malloc(n * sizeof *l3);
    rng_t s2[N_INIT], s3[N_INIT];
    if (!X || !X3 || !l2 || !l3) {
        CHECK(0);
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        X3[i * 3] = X[i * 2];
        X3[i * 3 + 1] = X[i * 2 + 1];
        X3[i * 3 + 2] = 0.0;
    }
    for (int r = 0; r < N_INIT; r++)
        s2[r] = s3[r] = rng_stream(11, (uint64_t)r);
    CHECK(kmeans_data_init(&k2, X, n, 2, NULL) == STATUS_OK);
    CHECK(kmeans_data_init(&k3, X3, n, 3, NULL) == STATUS_OK);
    double tol = kmeans_tol_abs(&k2, KMEANS_DEFAULT_TOL);
    struct kmeans_result r2 = {c2, l2, 0, 0}, r3 = {c3, l3, 0, 0};
    CHECK(kmeans_fit(&k2, K, N_INIT, 300, tol, s2, &r2, NULL) == STATUS_OK);
    CHECK(kmeans_fit(&k3, K, N_INIT, 300, tol, s3, &r3, NULL) == STATUS_OK);
    CHECK(memcmp(l2, l3, n * sizeof *l2) == 0);
    CHECK(r2.n_iter == r3.n_iter);
    CHECK_NEAR(r2.inertia, r3.inertia, REL_TOL * r2.inertia);
    for (int j = 0; j < K; j++) {
        CHECK_NEAR(c2[j * 2], c3[j * 3], 1e-12);
        CHECK_NEAR(c2[j * 2 + 1], c3[j * 3 + 1], 1e-12);
    }
    kmeans_data_free(&k2);
    kmeans_data_free(&k3);
done:
    free(X), free(X3), free(l2), free(l3);
}

static void test_same_clustering(void)
{
    int a[6] = {0, 0, 1, 1, 2, 2}, b[6] = {2, 2, 0, 0, 1, 1};
    int c[6] = {2, 2, 0, 0, 0, 0}, e[6] = {0, 1, 1, 1, 2, 2};
    CHECK(kmeans_same_clustering(a, b, 6, 3));
    CHECK(kmeans_same_clustering(a, c, 6, 3)); /* one direction, as sklearn */
    CHECK(!kmeans_same_clustering(a, e, 6, 3));
    CHECK(!kmeans_is_better(1.0, b, 2.0, a, 6, 3)); /* same partition */
    CHECK(kmeans_is_better(1.0, e, 2.0, a, 6, 3));
    CHECK(!kmeans_is_better(2.0, e, 2.0, a, 6, 3)); /* ties keep the first */
    /* Many labels take the allocation-free scan. */
    enum { N = 1000, K = 500 };
    static int p[N], q[N];
    for (int i = 0; i < N; i++) {
        p[i] = i % K;
        q[i] = K - 1 - i % K;
    }
    CHECK(kmeans_same_clustering(p, q, N, K));
    q[N - 1] = 1; /* p = K - 1 maps to 0 elsewhere */
    CHECK(!kmeans_same_clustering(p, q, N, K));
}

static void test_errors(void)
{
    double X[8] = {0, 0, 1, 0, 0, 1, 5, 5}, c[10];
    int labels[4];
    struct kmeans_data kd;
    struct kmeans_work w;
    struct kmeans_result res = {c, labels, 0, 0};
    errmsg_t err;
    rng_t rng = rng_stream(1, 1);
    CHECK(kmeans_data_init(&kd, X, 0, 2, &err) == STATUS_USAGE);
    CHECK(kmeans_work_init(&w, 4, 0, 2, &err) == STATUS_USAGE);
    CHECK(kmeans_data_init(&kd, X, 4, 2, &err) == STATUS_OK);
    CHECK(kmeans_work_init(&w, 4, 5, 2, &err) == STATUS_OK);
    CHECK(kmeans_single(&kd, 0, 300, 0.0, &rng, &w, &res, &err) ==
          STATUS_USAGE);
    CHECK(strstr(err.text, "k=0") != NULL);
    CHECK(kmeans_single(&kd, 5, 300, 0.0, &rng, &w, &res, &err) ==
          STATUS_USAGE); /* k > n */
    CHECK(kmeans_lloyd(&kd, X, 2, 0, 0.0, &w, &res, &err) == STATUS_USAGE);
    CHECK(kmeans_fit(&kd, 2, 0, 300, 0.0, &rng, &res, &err) == STATUS_USAGE);
    CHECK(kmeans_fit(&kd, 9, 1, 300, 0.0, &rng, &res, &err) == STATUS_USAGE);
    CHECK(kmeans_lloyd(&kd, X, 4, 300, 0.0, &w, &res, &err) == STATUS_OK);
    CHECK(res.inertia == 0.0); /* k = n: every sample its own centre */
    kmeans_work_free(&w);
    CHECK(kmeans_work_init(&w, 3, 2, 2, &err) == STATUS_OK);
    CHECK(kmeans_single(&kd, 2, 300, 0.0, &rng, &w, &res, &err) ==
          STATUS_USAGE); /* workspace for fewer samples */
    CHECK(strstr(err.text, "workspace") != NULL);
    kmeans_work_free(&w);
    CHECK(kmeans_work_init(&w, 9, 2, 3, &err) == STATUS_OK);
    CHECK(kmeans_single(&kd, 2, 300, 0.0, &rng, &w, &res, &err) ==
          STATUS_OK); /* a larger one serves */
    kmeans_work_free(&w);
    kmeans_work_free(&w); /* safe twice */
    kmeans_data_free(&kd);
    CHECK(kmeans_tolerance(X, 4, 2, 0.0) == 0.0);
}

int main(void)
{
    RUN(test_lloyd_k3);
    RUN(test_lloyd_k5);
    RUN(test_lloyd_k7);
    RUN(test_lloyd_tol_stop_k7);
    RUN(test_lloyd_tol_stop_k6);
    RUN(test_lloyd_one_empty_cluster);
    RUN(test_lloyd_two_empty_clusters);
    RUN(test_lloyd_d5);
    RUN(test_plusplus_deterministic_and_on_data);
    RUN(test_plusplus_matches_reference);
    RUN(test_single_is_plusplus_then_lloyd);
    RUN(test_n_init_keeps_best);
    RUN(test_d2_path_matches_generic);
    RUN(test_same_clustering);
    RUN(test_errors);
    return harness_report();
}
