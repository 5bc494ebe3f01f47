/* preprocess: standard scaler and PCA; see include/preprocess.h. */
#include "preprocess.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Covariance register blocking: COV_BLOCK_ROWS samples times COV_BLOCK_COLS
 * covariance rows per pass, so each load feeds several products and the
 * d x d triangle is swept n / COV_BLOCK_ROWS times, not n times. */
enum { COV_BLOCK_ROWS = 8, COV_BLOCK_COLS = 4 }; /* cov_rows4 unrolls 4 */
/* Implicit QL converges in 1-2 sweeps per eigenvalue; this only stops NaN. */
enum { QL_MAX_SWEEPS = 60 };

/* ---------------------------------------------------------------- scaler */

/* Column means of X (n x d). */
static void column_mean(const double *X, size_t n, int d, double *mean)
{
    for (int f = 0; f < d; f++)
        mean[f] = 0.0;
    for (size_t i = 0; i < n; i++)
        for (int f = 0; f < d; f++)
            mean[f] += X[i * (size_t)d + f];
    for (int f = 0; f < d; f++)
        mean[f] /= (double)n;
}

/* Corrected two-pass mean and population variance of each column
 * (Chan, Golub & LeVeque), as scikit-learn's _incremental_mean_and_var
 * computes them on a first fit. `corr` is scratch of length d. */
static void column_mean_var(const double *X, size_t n, int d, double *mean,
                            double *var, double *corr)
{
    column_mean(X, n, d, mean);
    for (int f = 0; f < d; f++)
        var[f] = corr[f] = 0.0;
    for (size_t i = 0; i < n; i++)
        for (int f = 0; f < d; f++) {
            double t = X[i * (size_t)d + f] - mean[f];
            corr[f] += t;
            var[f] += t * t;
        }
    for (int f = 0; f < d; f++)
        var[f] = (var[f] - corr[f] * corr[f] / (double)n) / (double)n;
}

int preprocess_scaler_fit(struct preprocess_scaler *s, const double *X,
                          size_t n, int d, errmsg_t *err)
{
    memset(s, 0, sizeof *s);
    if (n < 1 || d < 1)
        return errmsg_set(err, STATUS_USAGE,
                          "scaler: need at least one sample and one feature");
    /* One block: mean | var | scale; mean owns it. */
    double *block = malloc(3 * (size_t)d * sizeof *block);
    if (block == NULL)
        return errmsg_set(err, STATUS_NOMEM, "scaler: out of memory (d=%d)", d);
    s->d = d;
    s->mean = block;
    s->var = block + d;
    s->scale = block + 2 * (size_t)d;
    column_mean_var(X, n, d, s->mean, s->var, s->scale);

    const double nd = (double)n;
    for (int f = 0; f < d; f++) {
        /* Error bound of the two-pass algorithm: below it the variance is
         * indistinguishable from that of a constant column. */
        double m = nd * fabs(s->mean[f]) * DBL_EPSILON;
        double bound = nd * DBL_EPSILON * s->var[f] + m * m;
        s->scale[f] = s->var[f] <= bound ? 1.0 : sqrt(s->var[f]);
    }
    return STATUS_OK;
}

void preprocess_scaler_apply(const struct preprocess_scaler *s,
                             const double *X, size_t n, double *out)
{
    const size_t d = (size_t)s->d;
    for (size_t i = 0; i < n; i++)
        for (size_t f = 0; f < d; f++)
            out[i * d + f] = (X[i * d + f] - s->mean[f]) / s->scale[f];
}

void preprocess_scaler_free(struct preprocess_scaler *s)
{
    free(s->mean);
    memset(s, 0, sizeof *s);
}

/* ------------------------------------------------------------ covariance */

/* a * b + c, fused where the target has a fast fma (results then differ
 * from the unfused build only in the last bit, never between runs). */
static inline double mul_add(double a, double b, double c)
{
#ifdef FP_FAST_FMA
    return fma(a, b, c);
#else
    return a * b + c;
#endif
}

/* Rows i..i+COV_BLOCK_COLS-1 of the upper triangle, j >= i, updated with
 * the centred block blk (COV_BLOCK_ROWS x d). Each blk load feeds
 * COV_BLOCK_COLS products; the few entries left of the diagonal that the
 * later rows also receive lie in the lower triangle, which is ignored. */
static void cov_rows4(double *restrict cov, const double *restrict blk,
                      size_t d, size_t i)
{
    double a[COV_BLOCK_COLS][COV_BLOCK_ROWS];
    for (size_t c = 0; c < COV_BLOCK_COLS; c++)
        for (size_t r = 0; r < COV_BLOCK_ROWS; r++)
            a[c][r] = blk[r * d + i + c];
    double *c0 = cov + i * d, *c1 = c0 + d, *c2 = c1 + d, *c3 = c2 + d;
    for (size_t j = i; j < d; j++) {
        double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
        for (size_t r = 0; r < COV_BLOCK_ROWS; r++) {
            double b = blk[r * d + j];
            s0 = mul_add(a[0][r], b, s0);
            s1 = mul_add(a[1][r], b, s1);
            s2 = mul_add(a[2][r], b, s2);
            s3 = mul_add(a[3][r], b, s3);
        }
        c0[j] += s0;
        c1[j] += s1;
        c2[j] += s2;
        c3[j] += s3;
    }
}

/* Row i of the upper triangle (j >= i), for the rows left over. */
static void cov_row1(double *cov, const double *blk, size_t d, size_t i)
{
    for (size_t j = i; j < d; j++) {
        double acc = 0.0;
        for (size_t r = 0; r < COV_BLOCK_ROWS; r++)
            acc = mul_add(blk[r * d + i], blk[r * d + j], acc);
        cov[i * d + j] += acc;
    }
}

/* Upper triangle of cov (d x d) = X_c^T X_c, X_c = X - mean. Samples go in
 * blocks of COV_BLOCK_ROWS, centred into blk (zero-padded past n, which adds
 * exact zeros); the inner loops over j are contiguous and vectorise. */
static void covariance_upper(const double *X, const double *mean, size_t n,
                             int d, double *cov, double *blk)
{
    const size_t du = (size_t)d;
    memset(cov, 0, du * du * sizeof *cov);
    for (size_t r0 = 0; r0 < n; r0 += COV_BLOCK_ROWS) {
        for (size_t r = 0; r < COV_BLOCK_ROWS; r++)
            for (size_t f = 0; f < du; f++)
                blk[r * du + f] =
                    r0 + r < n ? X[(r0 + r) * du + f] - mean[f] : 0.0;
        size_t i = 0;
        for (; i + COV_BLOCK_COLS <= du; i += COV_BLOCK_COLS)
            cov_rows4(cov, blk, du, i);
        for (; i < du; i++)
            cov_row1(cov, blk, du, i);
    }
}

/* ------------------------------------------------- symmetric eigensolver */

/* Householder reduction of the symmetric z (n x n, row-major, lower triangle
 * used) to tridiagonal form: diagonal in diag, subdiagonal in off[1..n-1].
 * Leaves the reflectors in z and h_i in diag for accumulate_reflectors. */
static void householder_reduce(double *z, int n, double *diag, double *off)
{
#define Z(i, j) z[(size_t)(i) * (size_t)n + (size_t)(j)]
    for (int i = n - 1; i > 0; i--) {
        int l = i - 1;
        double h = 0.0, scale = 0.0;
        for (int k = 0; k < i && l > 0; k++)
            scale += fabs(Z(i, k));
        if (l == 0 || scale == 0.0) {
            off[i] = Z(i, l);
            diag[i] = 0.0;
            continue;
        }
        for (int k = 0; k < i; k++) {
            Z(i, k) /= scale;
            h += Z(i, k) * Z(i, k);
        }
        double f = Z(i, l);
        double g = f >= 0.0 ? -sqrt(h) : sqrt(h);
        off[i] = scale * g;
        h -= f * g;
        Z(i, l) = f - g;
        f = 0.0;
        for (int j = 0; j < i; j++) {
            Z(j, i) = Z(i, j) / h;
            g = 0.0;
            for (int k = 0; k <= j; k++)
                g += Z(j, k) * Z(i, k);
            for (int k = j + 1; k < i; k++)
                g += Z(k, j) * Z(i, k);
            off[j] = g / h;
            f += off[j] * Z(i, j);
        }
        double hh = f / (h + h);
        for (int j = 0; j < i; j++) {
            f = Z(i, j);
            off[j] = g = off[j] - hh * f;
            for (int k = 0; k <= j; k++)
                Z(j, k) -= f * off[k] + g * Z(i, k);
        }
        diag[i] = h;
    }
#undef Z
}

/* Turn the reflectors left in z by householder_reduce into the orthogonal
 * transform Q (z = Q on return) and move the tridiagonal diagonal into diag;
 * off is shifted down so off[i] couples i and i+1. */
static void accumulate_reflectors(double *z, int n, double *diag, double *off)
{
    const size_t nu = (size_t)n;
    diag[0] = 0.0;
    off[0] = 0.0;
    for (size_t i = 0; i < nu; i++) {
        double *zi = z + i * nu;
        if (diag[i] != 0.0) {
            for (size_t j = 0; j < i; j++) {
                double g = 0.0;
                for (size_t k = 0; k < i; k++)
                    g += zi[k] * z[k * nu + j];
                for (size_t k = 0; k < i; k++)
                    z[k * nu + j] -= g * z[k * nu + i];
            }
        }
        diag[i] = zi[i];
        zi[i] = 1.0;
        for (size_t j = 0; j < i; j++)
            z[j * nu + i] = zi[j] = 0.0;
    }
    for (size_t i = 1; i < nu; i++)
        off[i - 1] = off[i];
    off[nu - 1] = 0.0;
}

/* One implicit-shift QL step on the block l..m of the tridiagonal matrix,
 * rotating the eigenvector columns of z (n x n) along. */
static void ql_step(double *z, int n, double *diag, double *off, int l, int m)
{
    double g = (diag[l + 1] - diag[l]) / (2.0 * off[l]);
    double r = hypot(g, 1.0);
    g = diag[m] - diag[l] + off[l] / (g + copysign(r, g));
    double s = 1.0, c = 1.0, p = 0.0;
    int i;
    for (i = m - 1; i >= l; i--) {
        double f = s * off[i], b = c * off[i];
        off[i + 1] = r = hypot(f, g);
        if (r == 0.0) { /* underflow: deflate and retry this block */
            diag[i + 1] -= p;
            off[m] = 0.0;
            return;
        }
        s = f / r;
        c = g / r;
        g = diag[i + 1] - p;
        r = (diag[i] - g) * s + 2.0 * c * b;
        diag[i + 1] = g + (p = s * r);
        g = c * r - b;
        for (int k = 0; k < n; k++) {
            double *zk = z + (size_t)k * (size_t)n;
            f = zk[i + 1];
            zk[i + 1] = s * zk[i] + c * f;
            zk[i] = c * zk[i] - s * f;
        }
    }
    diag[l] -= p;
    off[l] = g;
    off[m] = 0.0;
}

/* Eigen-decomposition of the tridiagonal (diag, off) with implicit QL;
 * z holds Q on entry and the eigenvectors (columns) on return.
 * Returns -1 if an eigenvalue does not converge (NaN input). */
static int tridiagonal_ql(double *z, int n, double *diag, double *off)
{
    for (int l = 0; l < n; l++) {
        for (int sweep = 0;; sweep++) {
            int m;
            for (m = l; m < n - 1; m++) {
                double dd = fabs(diag[m]) + fabs(diag[m + 1]);
                if (fabs(off[m]) <= DBL_EPSILON * dd)
                    break;
            }
            if (m == l)
                break;
            if (sweep == QL_MAX_SWEEPS || !isfinite(off[m]))
                return -1;
            ql_step(z, n, diag, off, l, m);
        }
    }
    return 0;
}

/* ------------------------------------------------------------------- PCA */

static int pca_alloc(struct preprocess_pca *p, int d, int ncomp)
{
    const size_t du = (size_t)d, nc = (size_t)ncomp;
    /* One block: mean | components | explained_variance | ratio. */
    double *block = malloc((du + nc * du + 2 * nc) * sizeof *block);
    if (block == NULL)
        return -1;
    p->d = d;
    p->ncomp = ncomp;
    p->mean = block;
    p->components = block + du;
    p->explained_variance = p->components + nc * du;
    p->explained_variance_ratio = p->explained_variance + nc;
    return 0;
}

/* Copy the ncomp eigenvectors of largest eigenvalue (columns of z) into
 * p->components, by descending eigenvalue (lower index first on ties). */
static void pca_pick(struct preprocess_pca *p, const double *z,
                     double *eigval, double total, double n_minus_1)
{
    const size_t d = (size_t)p->d;
    for (int c = 0; c < p->ncomp; c++) {
        size_t best = 0;
        for (size_t j = 1; j < d; j++)
            if (eigval[j] > eigval[best])
                best = j;
        double ev = eigval[best] > 0.0 ? eigval[best] / n_minus_1 : 0.0;
        p->explained_variance[c] = ev;
        p->explained_variance_ratio[c] = total > 0.0 ? ev / total : 0.0;
        for (size_t f = 0; f < d; f++)
            p->components[(size_t)c * d + f] = z[f * d + best];
        eigval[best] = -INFINITY;
    }
}

/* svd_flip (u-based): orient each component so that the training sample
 * with the largest |projection| (the first one on ties) projects positively. */
static void pca_fix_signs(struct preprocess_pca *p, const double *X, size_t n)
{
    const size_t d = (size_t)p->d;
    for (int c = 0; c < p->ncomp; c++) {
        double *v = p->components + (size_t)c * d;
        double best = 0.0, best_abs = -1.0;
        for (size_t i = 0; i < n; i++) {
            double s = 0.0;
            for (size_t f = 0; f < d; f++)
                s += (X[i * d + f] - p->mean[f]) * v[f];
            if (fabs(s) > best_abs) {
                best_abs = fabs(s);
                best = s;
            }
        }
        if (best < 0.0)
            for (size_t f = 0; f < d; f++)
                v[f] = -v[f];
    }
}

/* Eigen-decompose the covariance whose upper triangle is in cov (d x d,
 * unnormalised) and fill p's components and variances. cov is destroyed;
 * work holds 2d doubles. */
static int pca_solve(struct preprocess_pca *p, double *cov, double *work,
                     size_t n)
{
    const int d = p->d;
    const size_t du = (size_t)d;
    double total = 0.0;
    for (size_t i = 0; i < du; i++) {
        total += cov[i * du + i];
        for (size_t j = 0; j < i; j++)
            cov[i * du + j] = cov[j * du + i];
    }
    double *diag = work, *off = work + du;
    householder_reduce(cov, d, diag, off);
    accumulate_reflectors(cov, d, diag, off);
    if (tridiagonal_ql(cov, d, diag, off) != 0)
        return -1;
    const double n_minus_1 = (double)(n - 1);
    pca_pick(p, cov, diag, total / n_minus_1, n_minus_1);
    return 0;
}

int preprocess_pca_fit(struct preprocess_pca *p, const double *X, size_t n,
                       int d, int ncomp, errmsg_t *err)
{
    memset(p, 0, sizeof *p);
    if (n < 2 || d < 1)
        return errmsg_set(err, STATUS_USAGE,
                          "PCA: need at least 2 samples and 1 feature");
    if (ncomp < 1 || (size_t)ncomp > n || ncomp > d)
        return errmsg_set(err, STATUS_USAGE,
                          "PCA: %d components requested; must be in 1..%zu",
                          ncomp, n < (size_t)d ? n : (size_t)d);
    const size_t du = (size_t)d;
    double *cov = malloc((du * du + COV_BLOCK_ROWS * du) * sizeof *cov);
    if (cov == NULL || pca_alloc(p, d, ncomp) != 0) {
        free(cov);
        return errmsg_set(err, STATUS_NOMEM, "PCA: out of memory (d=%d)", d);
    }
    double *scratch = cov + du * du; /* block rows, then 2d eigen work */
    column_mean(X, n, d, p->mean);
    covariance_upper(X, p->mean, n, d, cov, scratch);
    int rc = pca_solve(p, cov, scratch, n);
    free(cov);
    if (rc != 0) {
        preprocess_pca_free(p);
        return errmsg_set(err, STATUS_USAGE,
                          "PCA: eigensolver did not converge (non-finite data?)");
    }
    pca_fix_signs(p, X, n);
    return STATUS_OK;
}

void preprocess_pca_apply(const struct preprocess_pca *p, const double *X,
                          size_t n, double *out)
{
    const size_t d = (size_t)p->d, nc = (size_t)p->ncomp;
    for (size_t i = 0; i < n; i++)
        for (size_t c = 0; c < nc; c++) {
            const double *v = p->components + c * d;
            double s = 0.0;
            for (size_t f = 0; f < d; f++)
                s += (X[i * d + f] - p->mean[f]) * v[f];
            out[i * nc + c] = s;
        }
}

void preprocess_pca_free(struct preprocess_pca *p)
{
    free(p->mean);
    memset(p, 0, sizeof *p);
}
