/* Tests for src/elbow/preprocess.c: StandardScaler and PCA against fixtures
 * written by scikit-learn (tests/fixtures/gen_pipeline_fixtures.py), plus
 * structural checks of the eigensolver on a larger random matrix. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "elbow/preprocess.h"
#include "base/rng.h"

static const char FIXTURE[] = "tests/fixtures/pipeline_preprocess.txt";
static const double REL_TOL = 1e-12;

/* Section `name` of this file's fixture (see harness_fixture). */
static double *fx_read(const char *name, size_t *rows, size_t *cols)
{
    return harness_fixture(FIXTURE, name, rows, cols);
}

/* |a - b| <= tol * max(|b|, 1) for every element. */
static int count_far(const double *a, const double *b, size_t count,
                     double tol)
{
    int bad = 0;
    for (size_t i = 0; i < count; i++)
        if (!(fabs(a[i] - b[i]) <= tol * fmax(fabs(b[i]), 1.0)))
            bad++;
    return bad;
}

static void test_scaler_matches_sklearn(void)
{
    size_t n, d, r, c;
    double *X = fx_read("X", &n, &d);
    double *mean = fx_read("scaler.mean", &r, &c);
    double *var = fx_read("scaler.var", &r, &c);
    double *scale = fx_read("scaler.scale", &r, &c);
    double *want = fx_read("scaler.transform", &r, &c);
    double *out = malloc(n * d * sizeof *out);
    struct preprocess_scaler s;
    if (!X || !mean || !var || !scale || !want || !out)
        goto done;
    CHECK(preprocess_scaler_fit(&s, X, n, (int)d, NULL) == STATUS_OK);
    CHECK(count_far(s.mean, mean, d, REL_TOL) == 0);
    CHECK(count_far(s.var, var, d, REL_TOL) == 0);
    CHECK(count_far(s.scale, scale, d, REL_TOL) == 0);
    CHECK(s.scale[2] == 1.0); /* the constant column */
    preprocess_scaler_apply(&s, X, n, out);
    CHECK(count_far(out, want, n * d, REL_TOL) == 0);
    preprocess_scaler_apply(&s, X, n, X); /* in place */
    CHECK(memcmp(out, X, n * d * sizeof *X) == 0);
    preprocess_scaler_free(&s);
    CHECK(s.mean == NULL);
    preprocess_scaler_free(&s); /* safe twice */
done:
    free(X), free(mean), free(var), free(scale), free(want), free(out);
}

/* Compare one PCA fit (prefix "pca<nc>.") with the fixture. Components may
 * differ in sign only; ours follow sklearn's svd_flip, so the signs agree
 * too. The transform is compared after applying the same sign. */
static void check_pca(int nc)
{
    char name[64];
    size_t n, d, r, c, m;
    double *Xs = fx_read("scaler.transform", &n, &d);
    double *X_new = fx_read("X_new", &m, &c);
    double *want[6];
    static const char *const keys[6] = {"mean", "components",
        "explained_variance", "explained_variance_ratio", "transform",
        "transform_new"};
    for (int i = 0; i < 6; i++) {
        snprintf(name, sizeof name, "pca%d.%s", nc, keys[i]);
        want[i] = fx_read(name, &r, &c);
    }
    struct preprocess_scaler s;
    struct preprocess_pca p;
    double *out = malloc(n * (size_t)nc * sizeof *out);
    if (!Xs || !X_new || !want[0] || !want[1] || !want[2] || !want[3] ||
        !want[4] || !want[5] || !out)
        goto done;
    CHECK(preprocess_pca_fit(&p, Xs, n, (int)d, nc, NULL) == STATUS_OK);
    CHECK(count_far(p.mean, want[0], d, REL_TOL) == 0);
    CHECK(count_far(p.explained_variance, want[2], (size_t)nc, REL_TOL) == 0);
    CHECK(count_far(p.explained_variance_ratio, want[3], (size_t)nc,
                    REL_TOL) == 0);
    for (int k = 0; k < nc; k++) {
        double *v = p.components + (size_t)k * d, *w = want[1] + (size_t)k * d;
        double sign = v[0] * w[0] < 0.0 ? -1.0 : 1.0;
        CHECK_MSG(sign > 0.0, "component %d has the opposite sign", k);
        for (size_t f = 0; f < d; f++)
            CHECK_NEAR(sign * v[f], w[f], REL_TOL);
    }
    preprocess_pca_apply(&p, Xs, n, out);
    CHECK(count_far(out, want[4], n * (size_t)nc, REL_TOL) == 0);
    /* New points go through the scaler fitted on the raw training data. */
    double *X = fx_read("X", &n, &d);
    if (X != NULL && preprocess_scaler_fit(&s, X, n, (int)d, NULL) == 0) {
        preprocess_scaler_apply(&s, X_new, m, X_new);
        preprocess_pca_apply(&p, X_new, m, out);
        CHECK(count_far(out, want[5], m * (size_t)nc, REL_TOL) == 0);
        preprocess_scaler_free(&s);
    }
    free(X);
    preprocess_pca_free(&p);
done:
    for (int i = 0; i < 6; i++)
        free(want[i]);
    free(Xs), free(X_new), free(out);
}

static void test_pca2_matches_sklearn(void) { check_pca(2); }
static void test_pca3_matches_sklearn(void) { check_pca(3); }

static void test_pca_errors(void)
{
    double X[6] = {1, 2, 3, 4, 5, 7};
    struct preprocess_pca p;
    errmsg_t err;
    CHECK(preprocess_pca_fit(&p, X, 3, 2, 0, &err) == STATUS_USAGE);
    CHECK(strstr(err.text, "components") != NULL);
    CHECK(preprocess_pca_fit(&p, X, 3, 2, 3, &err) == STATUS_USAGE);
    CHECK(preprocess_pca_fit(&p, X, 1, 2, 1, &err) == STATUS_USAGE);
    CHECK(p.mean == NULL);
    X[3] = NAN;
    CHECK(preprocess_pca_fit(&p, X, 3, 2, 1, &err) == STATUS_USAGE);
    CHECK(strstr(err.text, "converge") != NULL);
    struct preprocess_scaler s;
    CHECK(preprocess_scaler_fit(&s, X, 0, 2, &err) == STATUS_USAGE);
}

/* n x d data with a few strong directions; fills X (caller frees). */
static double *random_matrix(size_t n, int d, uint64_t seed)
{
    double *X = malloc(n * (size_t)d * sizeof *X);
    rng_t rng = rng_stream(seed, 0);
    for (size_t i = 0; X != NULL && i < n; i++) {
        double t0 = rng_uniform(&rng) - 0.5, t1 = rng_uniform(&rng) - 0.5;
        for (int f = 0; f < d; f++)
            X[i * (size_t)d + f] = 8.0 * t0 * sin(f + 1.0) +
                                   3.0 * t1 * cos(0.5 * f) +
                                   0.3 * (rng_uniform(&rng) - 0.5) + f;
    }
    return X;
}

/* On n=2000, d=60: components orthonormal and C v = lambda v. */
static void test_pca_eigenpairs(void)
{
    const size_t n = 2000;
    const int d = 60, nc = 4;
    double *X = random_matrix(n, d, 3);
    struct preprocess_pca p;
    if (X == NULL || preprocess_pca_fit(&p, X, n, d, nc, NULL) != STATUS_OK) {
        CHECK(0);
        free(X);
        return;
    }
    for (int a = 0; a < nc; a++) {
        const double *va = p.components + (size_t)a * d;
        if (a > 0)
            CHECK(p.explained_variance[a] <= p.explained_variance[a - 1]);
        for (int b = 0; b < nc; b++) {
            double dot = 0.0;
            for (int f = 0; f < d; f++)
                dot += va[f] * p.components[(size_t)b * d + f];
            CHECK_NEAR(dot, a == b ? 1.0 : 0.0, 1e-12);
        }
        /* Residual of C v - lambda v with C computed naively. */
        double res = 0.0;
        for (int f = 0; f < d; f++) {
            double cv = 0.0;
            for (size_t i = 0; i < n; i++) {
                const double *x = X + i * (size_t)d;
                double proj = 0.0;
                for (int g = 0; g < d; g++)
                    proj += (x[g] - p.mean[g]) * va[g];
                cv += (x[f] - p.mean[f]) * proj;
            }
            cv /= (double)(n - 1);
            res = fmax(res, fabs(cv - p.explained_variance[a] * va[f]));
        }
        CHECK_MSG(res <= 1e-10 * p.explained_variance[0], "residual %g", res);
    }
    preprocess_pca_free(&p);
    free(X);
}

/* The reference for preprocess_fold: copy the training and test rows out,
 * then the separate fit and apply functions. */
static int fold_reference(const struct preprocess_split *sp, bool scale,
                          int ncomp, double *train_out, double *test_out)
{
    const size_t d = (size_t)sp->d, nt = sp->n - sp->n_test, head = sp->test_begin;
    double *tr = malloc(nt * d * sizeof *tr), *te = malloc(sp->n_test * d * sizeof *te);
    int rc = tr != NULL && te != NULL ? STATUS_OK : STATUS_NOMEM;
    if (rc == STATUS_OK) {
        memcpy(tr, sp->X, head * d * sizeof *tr);
        memcpy(tr + head * d, sp->X + (head + sp->n_test) * d,
               (nt - head) * d * sizeof *tr);
        memcpy(te, sp->X + head * d, sp->n_test * d * sizeof *te);
    }
    struct preprocess_scaler s;
    if (rc == STATUS_OK && scale &&
        (rc = preprocess_scaler_fit(&s, tr, nt, sp->d, NULL)) == STATUS_OK) {
        preprocess_scaler_apply(&s, tr, nt, tr);
        preprocess_scaler_apply(&s, te, sp->n_test, te);
        preprocess_scaler_free(&s);
    }
    struct preprocess_pca p;
    if (rc == STATUS_OK && ncomp > 0 &&
        (rc = preprocess_pca_fit(&p, tr, nt, sp->d, ncomp, NULL)) == STATUS_OK) {
        preprocess_pca_apply(&p, tr, nt, train_out);
        preprocess_pca_apply(&p, te, sp->n_test, test_out);
        preprocess_pca_free(&p);
    } else if (rc == STATUS_OK && ncomp == 0) {
        memcpy(train_out, tr, nt * d * sizeof *tr);
        memcpy(test_out, te, sp->n_test * d * sizeof *te);
    }
    free(tr);
    free(te);
    return rc;
}

static const char WIDE_FIXTURE[] = "tests/fixtures/pipeline_pca_wide.txt";

/* |a - b| <= tol * max(|b|, 1), element by element, for two fits: means,
 * variances, components and the projections of X (n x d). */
static void check_same_pca(const struct preprocess_pca *a,
                           const struct preprocess_pca *b, const double *X,
                           size_t n, double tol)
{
    const size_t d = (size_t)a->d, nc = (size_t)a->ncomp;
    double *pa = malloc(n * nc * sizeof *pa), *pb = malloc(n * nc * sizeof *pb);
    CHECK(pa != NULL && pb != NULL);
    if (pa != NULL && pb != NULL) {
        CHECK(memcmp(a->mean, b->mean, d * sizeof *a->mean) == 0);
        CHECK(count_far(a->explained_variance, b->explained_variance, nc, tol) == 0);
        CHECK(count_far(a->explained_variance_ratio, b->explained_variance_ratio,
                        nc, tol) == 0);
        CHECK(count_far(a->components, b->components, nc * d, tol) == 0);
        preprocess_pca_apply(a, X, n, pa);
        preprocess_pca_apply(b, X, n, pb);
        CHECK(count_far(pa, pb, n * nc, tol) == 0);
    }
    free(pa);
    free(pb);
}

/* Fewer samples than features (24 x 120): PCA(2) through the Gram matrix
 * matches scikit-learn and the d x d covariance's answer within 1e-12. */
static void test_pca_wide_gram(void)
{
    size_t n, d, r, c;
    double *Xs = harness_fixture(WIDE_FIXTURE, "scaled", &n, &d);
    double *comp = harness_fixture(WIDE_FIXTURE, "pca2.components", &r, &c);
    double *var = harness_fixture(WIDE_FIXTURE, "pca2.explained_variance", &r, &c);
    double *proj = harness_fixture(WIDE_FIXTURE, "pca2.transform", &r, &c);
    double *out = malloc(n * 2 * sizeof *out);
    struct preprocess_pca gram, cov, autop;
    CHECK(n < d);
    if (Xs && comp && var && proj && out &&
        preprocess_pca_fit_with(&gram, Xs, n, (int)d, 2, PREPROCESS_PCA_GRAM, NULL) == 0 &&
        preprocess_pca_fit_with(&cov, Xs, n, (int)d, 2, PREPROCESS_PCA_COVARIANCE, NULL) == 0 &&
        preprocess_pca_fit(&autop, Xs, n, (int)d, 2, NULL) == 0) {
        check_same_pca(&gram, &cov, Xs, n, REL_TOL);
        CHECK(memcmp(autop.components, gram.components, 2 * d * sizeof *comp) == 0);
        CHECK(count_far(gram.components, comp, 2 * d, REL_TOL) == 0);
        CHECK(count_far(gram.explained_variance, var, 2, REL_TOL) == 0);
        preprocess_pca_apply(&gram, Xs, n, out);
        CHECK(count_far(out, proj, n * 2, REL_TOL) == 0);
        preprocess_pca_free(&gram);
        preprocess_pca_free(&cov);
        preprocess_pca_free(&autop);
    } else {
        CHECK(0);
    }
    free(Xs), free(comp), free(var), free(proj), free(out);
}

/* The Gram path on tall data too (the 40 x 7 fixture, a constant column,
 * 2 and 3 components): the covariance's answer within 1e-12. */
static void test_pca_gram_on_tall_data(void)
{
    size_t n, d;
    double *Xs = fx_read("scaler.transform", &n, &d);
    for (int nc = 2; Xs != NULL && nc <= 3; nc++) {
        struct preprocess_pca gram, cov;
        if (preprocess_pca_fit_with(&gram, Xs, n, (int)d, nc, PREPROCESS_PCA_GRAM, NULL) != 0 ||
            preprocess_pca_fit_with(&cov, Xs, n, (int)d, nc, PREPROCESS_PCA_COVARIANCE, NULL) != 0) {
            CHECK(0);
            break;
        }
        check_same_pca(&gram, &cov, Xs, n, REL_TOL);
        preprocess_pca_free(&gram);
        preprocess_pca_free(&cov);
    }
    free(Xs);
}

/* More components than the data's rank (3 points span a plane): the Gram
 * path's third component is a unit vector orthogonal to the first two. */
static void test_pca_gram_past_rank(void)
{
    const double X[3 * 4] = {1, 2, 0, 5, -1, 0, 3, 2, 0, 4, 1, -1};
    struct preprocess_pca p;
    CHECK(preprocess_pca_fit_with(&p, X, 3, 4, 3, PREPROCESS_PCA_GRAM, NULL) == 0);
    for (int a = 0; a < 3; a++)
        for (int b = 0; b < 3; b++) {
            double dot = 0.0;
            for (int f = 0; f < 4; f++)
                dot += p.components[a * 4 + f] * p.components[b * 4 + f];
            CHECK_NEAR(dot, a == b ? 1.0 : 0.0, 1e-12);
        }
    CHECK(p.explained_variance[2] < 1e-12 * p.explained_variance[0]);
    preprocess_pca_free(&p);
}

/* preprocess_fold equals the separate steps bit for bit: test block first,
 * inside and last, sizes off the vector and block widths, with and without
 * the scaler and the PCA. */
static void test_fold_matches_separate_steps(void)
{
    const size_t n = 203;
    const int d = 13;
    double *X = random_matrix(n, d, 11);
    const size_t big = n * (size_t)d;
    double *want = malloc(2 * big * sizeof *want), *got = malloc(2 * big * sizeof *got);
    double *scratch = malloc(preprocess_fold_scratch(n, d, 3) * sizeof *scratch);
    static const size_t begins[] = {0, 61, 162}, sizes[] = {41, 41, 41};
    static const int ncomps[] = {0, 3, 13};
    if (X == NULL || want == NULL || got == NULL || scratch == NULL) {
        CHECK(0);
        goto done;
    }
    CHECK(preprocess_fold_scratch(n, d, 0) == 0);
    for (int b = 0; b < 3; b++)
        for (int c = 0; c < 3; c++)
            for (int scale = 0; scale <= 1; scale++) {
                const struct preprocess_split sp = {X, n, begins[b], sizes[b], d, NULL};
                const size_t nt = n - sizes[b];
                const size_t cols = ncomps[c] > 0 ? (size_t)ncomps[c] : (size_t)d;
                double *scr = ncomps[c] == 13 ? malloc(big * sizeof *scr) : scratch;
                memset(got, 0xA5, 2 * big * sizeof *got);
                CHECK(fold_reference(&sp, scale, ncomps[c], want, want + big) == STATUS_OK);
                CHECK(preprocess_fold(&sp, scale, ncomps[c], scr, got, got + big,
                                      NULL) == STATUS_OK);
                CHECK_MSG(memcmp(got, want, nt * cols * sizeof *got) == 0,
                          "train: begin %zu, ncomp %d, scale %d", begins[b],
                          ncomps[c], scale);
                CHECK_MSG(memcmp(got + big, want + big, sizes[b] * cols *
                                 sizeof *got) == 0,
                          "test: begin %zu, ncomp %d, scale %d", begins[b],
                          ncomps[c], scale);
                if (scr != scratch)
                    free(scr);
            }
    errmsg_t err;
    const struct preprocess_split tiny = {X, 3, 1, 2, d, NULL};
    CHECK(preprocess_fold(&tiny, true, 1, scratch, got, got + big, &err) ==
          STATUS_USAGE); /* one training row: no PCA */
done:
    free(X), free(want), free(got), free(scratch);
}

/* A training row that projects to exactly 0 stays +0 when its component
 * is flipped, as in the separate steps. X and -X have the same covariance,
 * hence the same raw eigenvectors, and the first largest projection has
 * opposite signs: one of the two flips each component. */
static void test_fold_zero_projection_keeps_sign(void)
{
    static const double base[6][2] = {{0, 0}, {-3, -1}, {3, 1}, {1, -2},
                                      {-1, 2}, {5, 4}};
    double X[6 * 2], want[12], got[12], scratch[12];
    for (int sign = -1; sign <= 1; sign += 2)
        for (int scale = 0; scale <= 1; scale++) {
            for (int i = 0; i < 12; i++)
                X[i] = i < 2 ? 0.0 : sign * base[i / 2][i % 2];
            const struct preprocess_split sp = {X, 6, 5, 1, 2, NULL};
            CHECK(fold_reference(&sp, scale, 2, want, want + 10) == STATUS_OK);
            CHECK(preprocess_fold(&sp, scale, 2, scratch, got, got + 10, NULL) ==
                  STATUS_OK);
            CHECK_MSG(memcmp(got, want, sizeof got) == 0, "sign %d, scale %d",
                      sign, scale);
            CHECK(!signbit(got[0]) && !signbit(got[1]) && got[0] == 0.0);
        }
}

int main(void)
{
    RUN(test_scaler_matches_sklearn);
    RUN(test_pca2_matches_sklearn);
    RUN(test_pca3_matches_sklearn);
    RUN(test_pca_errors);
    RUN(test_pca_eigenpairs);
    RUN(test_pca_wide_gram);
    RUN(test_pca_gram_on_tall_data);
    RUN(test_pca_gram_past_rank);
    RUN(test_fold_matches_separate_steps);
    RUN(test_fold_zero_projection_keeps_sign);
    return harness_report();
}
