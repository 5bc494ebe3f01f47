/* Tests for src/elbow/silhouette.c against scikit-learn fixtures
 * (tests/fixtures/gen_pipeline_fixtures.py), a brute-force reference, and
 * the error cases. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "base/rng.h"
#include "elbow/silhouette.h"

static const char FIXTURE[] = "tests/fixtures/pipeline_silhouette.txt";
static const double TOL = 1e-12;

/* Section `name` of this file's fixture (see harness_fixture). */
static double *fx_read(const char *name, size_t *rows, size_t *cols)
{
    return harness_fixture(FIXTURE, name, rows, cols);
}

static double *fx_field(const char *name, const char *field, size_t *rows,
                        size_t *cols)
{
    char key[64];
    snprintf(key, sizeof key, "%s.%s", name, field);
    return fx_read(key, rows, cols);
}

/* silhouette_samples and silhouette_score match sklearn on fixture case
 * `name`. */
static void check_case(const char *name)
{
    size_t n, d, r, c;
    double *X = fx_field(name, "X", &n, &d);
    double *lab = fx_field(name, "labels", &r, &c);
    double *k = fx_field(name, "k", &r, &c);
    double *want = fx_field(name, "samples", &r, &c);
    double *score = fx_field(name, "score", &r, &c);
    int *labels = malloc(n * sizeof *labels);
    double *s = malloc(n * sizeof *s), got;
    if (!X || !lab || !k || !want || !score || !labels || !s)
        goto done;
    for (size_t i = 0; i < n; i++)
        labels[i] = (int)lab[i];
    CHECK(silhouette_samples(X, n, (int)d, labels, (int)k[0], s, NULL) ==
          STATUS_OK);
    int far = 0;
    for (size_t i = 0; i < n; i++)
        far += !(fabs(s[i] - want[i]) <= TOL);
    CHECK_MSG(far == 0, "%s: %d samples differ", name, far);
    CHECK(silhouette_score(X, n, (int)d, labels, (int)k[0], &got, NULL) ==
          STATUS_OK);
    CHECK_NEAR(got, score[0], TOL);
done:
    free(X), free(lab), free(k), free(want), free(score), free(labels),
        free(s);
}

static void test_d2_matches_sklearn(void) { check_case("d2"); }
static void test_d5_matches_sklearn(void) { check_case("d5"); }
static void test_many_clusters_matches_sklearn(void) { check_case("many"); }

/* Straight from the definition, O(n^2) time. */
static double brute_sample(const double *X, size_t n, int d,
                           const int *labels, int k, size_t i)
{
    double sum[64] = {0.0};
    size_t size[64] = {0};
    for (size_t j = 0; j < n; j++) {
        double s = 0.0;
        for (int f = 0; f < d; f++) {
            double t = X[i * (size_t)d + f] - X[j * (size_t)d + f];
            s += t * t;
        }
        sum[labels[j]] += sqrt(s);
        size[labels[j]]++;
    }
    if (size[labels[i]] == 1)
        return 0.0;
    double a = sum[labels[i]] / (double)(size[labels[i]] - 1), b = HUGE_VAL;
    for (int c = 0; c < k; c++)
        if (c != labels[i] && size[c] > 0)
            b = fmin(b, sum[c] / (double)size[c]);
    return fmax(a, b) > 0.0 ? (b - a) / fmax(a, b) : 0.0;
}

/* Random data, labels with gaps, sizes not multiples of the tile: every
 * s_i as the definition gives it; and the result does not depend on the
 * order of the samples beyond rounding. */
static void test_matches_brute_force(void)
{
    enum { N = 1100, D = 3, K = 9 };
    static double X[N * D], Xr[N * D], s[N], sr[N];
    static int labels[N], lr[N];
    rng_t rng = rng_stream(17, 0);
    for (size_t i = 0; i < N; i++) {
        labels[i] = (int)rng_bounded(&rng, K);
        if (labels[i] == 4)
            labels[i] = 5; /* label 4 unused */
        for (int f = 0; f < D; f++)
            X[i * D + f] = rng_uniform(&rng) * 10.0 + labels[i];
    }
    labels[N - 1] = 4; /* and now a singleton */
    CHECK(silhouette_samples(X, N, D, labels, K, s, NULL) == STATUS_OK);
    int far = 0;
    for (size_t i = 0; i < N; i++)
        far += !(fabs(s[i] - brute_sample(X, N, D, labels, K, i)) <= TOL);
    CHECK_MSG(far == 0, "%d samples differ", far);
    CHECK(s[N - 1] == 0.0);
    for (size_t i = 0; i < N; i++) { /* reversed order */
        lr[i] = labels[N - 1 - i];
        memcpy(Xr + i * D, X + (N - 1 - i) * D, D * sizeof *X);
    }
    CHECK(silhouette_samples(Xr, N, D, lr, K, sr, NULL) == STATUS_OK);
    far = 0;
    for (size_t i = 0; i < N; i++)
        far += !(fabs(sr[i] - s[N - 1 - i]) <= TOL);
    CHECK(far == 0);
}

/* The same call twice gives the same bits (fixed summation order). */
static void test_deterministic(void)
{
    enum { N = 700, D = 2, K = 5 };
    static double X[N * D];
    static int labels[N];
    rng_t rng = rng_stream(3, 3);
    for (size_t i = 0; i < N; i++) {
        labels[i] = (int)rng_bounded(&rng, K);
        X[i * D] = rng_uniform(&rng) + labels[i];
        X[i * D + 1] = rng_uniform(&rng);
    }
    double a, b;
    CHECK(silhouette_score(X, N, D, labels, K, &a, NULL) == STATUS_OK);
    CHECK(silhouette_score(X, N, D, labels, K, &b, NULL) == STATUS_OK);
    CHECK(memcmp(&a, &b, sizeof a) == 0);
    CHECK(a > -1.0 && a < 1.0);
}

static void test_errors(void)
{
    double X[8] = {0, 0, 1, 0, 0, 1, 5, 5}, score = 0.0, s[4];
    int one[4] = {2, 2, 2, 2}, all[4] = {0, 1, 2, 3}, bad[4] = {0, 1, 7, 0};
    int neg[4] = {0, -1, 1, 0}, ok[4] = {0, 0, 1, 1};
    errmsg_t err;
    CHECK(silhouette_score(X, 4, 2, one, 3, &score, &err) == STATUS_USAGE);
    CHECK(isnan(score));
    CHECK(strstr(err.text, "1 distinct labels") != NULL);
    CHECK(silhouette_score(X, 4, 2, all, 4, &score, &err) == STATUS_USAGE);
    CHECK(strstr(err.text, "4 distinct labels") != NULL);
    CHECK(silhouette_score(X, 4, 2, bad, 3, &score, &err) == STATUS_USAGE);
    CHECK(strstr(err.text, "label 7") != NULL);
    CHECK(silhouette_samples(X, 4, 2, neg, 3, s, &err) == STATUS_USAGE);
    CHECK(silhouette_samples(X, 4, 0, ok, 2, s, &err) == STATUS_USAGE);
    CHECK(silhouette_score(X, 0, 2, ok, 2, &score, &err) == STATUS_USAGE);
    CHECK(silhouette_score(X, 4, 2, ok, 2, &score, &err) == STATUS_OK);
    CHECK(score > 0.0 && score < 1.0);
    int three[3] = {0, 0, 1}; /* 2 labels for 3 samples: the minimum */
    CHECK(silhouette_score(X, 3, 2, three, 2, &score, &err) == STATUS_OK);
}

/* n samples in d dims around K blob centres; labels[l] for NL labelings
 * that cut the blobs differently (as k-means at several k does). */
enum { MN = 900, MD = 2, NL = 4 };
static double MX[MN * MD];
static int ML[NL][MN];
static const int MK[NL] = {3, 5, 8, 12};

static void multi_data(void)
{
    rng_t rng = rng_stream(29, 1);
    for (size_t i = 0; i < MN; i++) {
        int blob = (int)rng_bounded(&rng, 4);
        for (int f = 0; f < MD; f++)
            MX[i * MD + f] = rng_uniform(&rng) * 2.0 + 6.0 * ((blob >> f) & 1);
        for (int l = 0; l < NL; l++) /* a stripe of width 8 / k along x */
            ML[l][i] = (int)(MX[i * MD] / 8.5 * MK[l]) % MK[l];
    }
}

/* Several labelings at once: each score as silhouette_score gives it, to
 * rounding; one labeling alone: the same bits. */
static void test_scores_match_one_at_a_time(void)
{
    multi_data();
    const int *labels[NL] = {ML[0], ML[1], ML[2], ML[3]};
    double got[NL], one;
    CHECK(silhouette_scores(MX, MN, MD, NL, labels, MK, got, NULL, NULL) == STATUS_OK);
    for (int l = 0; l < NL; l++) {
        CHECK(silhouette_score(MX, MN, MD, labels[l], MK[l], &one, NULL) ==
              STATUS_OK);
        CHECK_NEAR(got[l], one, TOL);
        CHECK(silhouette_scores(MX, MN, MD, 1, &labels[l], &MK[l], got + l,
                                NULL, NULL) == STATUS_OK);
        CHECK(memcmp(&got[l], &one, sizeof one) == 0);
    }
}

/* A labeling with one cluster scores NaN and leaves the others alone; a
 * label out of range is an error naming the labeling. */
static void test_scores_undefined_and_errors(void)
{
    multi_data();
    static int flat[MN];
    const int *labels[3] = {ML[1], flat, ML[3]};
    const int k[3] = {MK[1], 1, MK[3]};
    double got[3], one;
    errmsg_t err;
    CHECK(silhouette_scores(MX, MN, MD, 3, labels, k, got, NULL, &err) == STATUS_OK);
    CHECK(isnan(got[1]));
    CHECK(silhouette_score(MX, MN, MD, ML[3], MK[3], &one, NULL) == STATUS_OK);
    CHECK_NEAR(got[2], one, TOL);
    const int small[3] = {MK[1], 1, 4}; /* ML[3] has labels up to 11 */
    CHECK(silhouette_scores(MX, MN, MD, 3, labels, small, got, NULL, &err) ==
          STATUS_USAGE);
    CHECK(strstr(err.text, "(labeling 2)") != NULL);
    CHECK(isnan(got[0]) && isnan(got[2]));
    CHECK(silhouette_scores(MX, MN, 0, 3, labels, k, got, NULL, &err) == STATUS_USAGE);
}

/* Two random labelings of 800 samples: their joint groups (about 400)
 * exceed the cap (64 here), so each is a run of its own, scored with
 * silhouette_score's bits; a third with 300 clusters is past the cap alone
 * (the streaming pass). */
static void test_scores_many_groups(void)
{
    enum { N = 800, K = 24, KC = 300 };
    static double X[N * 3];
    static int a[N], b[N], c[N];
    rng_t rng = rng_stream(31, 2);
    for (size_t i = 0; i < N; i++) {
        a[i] = (int)rng_bounded(&rng, K);
        b[i] = (int)rng_bounded(&rng, K);
        c[i] = (int)rng_bounded(&rng, KC);
        for (int f = 0; f < 3; f++)
            X[i * 3 + f] = rng_uniform(&rng);
    }
    const int *labels[3] = {a, b, c};
    const int k[3] = {K, K, KC};
    double got[3], one;
    CHECK(silhouette_scores(X, N, 3, 3, labels, k, got, NULL, NULL) == STATUS_OK);
    for (int l = 0; l < 3; l++) {
        CHECK(silhouette_score(X, N, 3, labels[l], k[l], &one, NULL) == STATUS_OK);
        CHECK(memcmp(&got[l], &one, sizeof one) == 0);
    }
}

int main(void)
{
    RUN(test_d2_matches_sklearn);
    RUN(test_d5_matches_sklearn);
    RUN(test_many_clusters_matches_sklearn);
    RUN(test_matches_brute_force);
    RUN(test_deterministic);
    RUN(test_errors);
    RUN(test_scores_match_one_at_a_time);
    RUN(test_scores_undefined_and_errors);
    RUN(test_scores_many_groups);
    return harness_report();
}
