/* preprocess: standard scaler and PCA; see preprocess.h. */
#include "elbow/preprocess.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/cancel.h"
#include "elbow/detmath.h"

/* Never contract a * b + c into an fma behind the code's back (clang does
 * by default, gcc in ISO C mode does not): the scalar and vector paths
 * then round alike under either compiler. */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif

#if defined(__AVX__)
#include <immintrin.h>
#endif

/* Covariance register blocking: COV_BLOCK_ROWS samples times COV_BLOCK_COLS
 * covariance rows per pass, so each load feeds several products and the
 * d x d triangle is swept n / COV_BLOCK_ROWS times, not n times. */
enum { COV_BLOCK_ROWS = 8, COV_BLOCK_COLS = 4 }; /* cov_rows4 unrolls 4 */
/* Implicit QL converges in 1-2 sweeps per eigenvalue; this only stops NaN. */
enum { QL_MAX_SWEEPS = 60 };
/* A Gram eigenvalue below NULL_VARIANCE n eps times the trace is rounding
 * noise of a zero one. */
enum { NULL_VARIANCE = 64 };
/* Samples projected together (independent sums) by project_rows: groups
 * of 4 (a vector) side by side. */
enum { PROJ_GROUPS = 2, PROJ_SAMPLES = 4 * PROJ_GROUPS };

/* ---------------------------------------------------------------- scaler */

/* Rows of X taken in order from up to two ranges [begin, end): a whole
 * matrix, or the training rows of a split (around its test block). */
struct row_ranges {
    struct {
        size_t begin, end;
    } part[2];
};

static struct row_ranges all_rows(size_t n)
{
    return (struct row_ranges){{{0, n}, {n, n}}};
}

static struct row_ranges train_rows(const struct preprocess_split *sp)
{
    return (struct row_ranges){{{0, sp->test_begin},
                                {sp->test_begin + sp->n_test, sp->n}}};
}

static struct row_ranges test_rows(const struct preprocess_split *sp)
{
    size_t end = sp->test_begin + sp->n_test;
    return (struct row_ranges){{{sp->test_begin, end}, {end, end}}};
}

/* Column means of the rows of X (d columns) in rr, n of them. */
static void column_mean(const double *X, struct row_ranges rr, size_t n,
                        int d, double *mean, const atomic_int *cancel)
{
    for (int f = 0; f < d; f++)
        mean[f] = 0.0;
    for (int part = 0; part < 2; part++)
        for (size_t i = rr.part[part].begin;
             i < rr.part[part].end && !cancel_requested(cancel); i++)
            for (int f = 0; f < d; f++)
                mean[f] += X[i * (size_t)d + f];
    for (int f = 0; f < d; f++)
        mean[f] /= (double)n;
}

/* Corrected two-pass mean and population variance of each column
 * (Chan, Golub & LeVeque), as scikit-learn's _incremental_mean_and_var
 * computes them on a first fit. `corr` is scratch of length d. */
static void column_mean_var(const double *X, struct row_ranges rr, size_t n,
                            int d, double *mean, double *var, double *corr,
                            const atomic_int *cancel)
{
    column_mean(X, rr, n, d, mean, cancel);
    for (int f = 0; f < d; f++)
        var[f] = corr[f] = 0.0;
    for (int part = 0; part < 2; part++)
        for (size_t i = rr.part[part].begin;
             i < rr.part[part].end && !cancel_requested(cancel); i++)
            for (int f = 0; f < d; f++) {
                double t = X[i * (size_t)d + f] - mean[f];
                corr[f] += t;
                var[f] += t * t;
            }
    for (int f = 0; f < d; f++)
        var[f] = (var[f] - corr[f] * corr[f] / (double)n) / (double)n;
}

/* The scaler fitted on the n rows of X in rr. */
static int scaler_fit_rows(struct preprocess_scaler *s, const double *X,
                           struct row_ranges rr, size_t n, int d,
                           const atomic_int *cancel, errmsg_t *err)
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
    column_mean_var(X, rr, n, d, s->mean, s->var, s->scale, cancel);

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

int preprocess_scaler_fit(struct preprocess_scaler *s, const double *X,
                          size_t n, int d, errmsg_t *err)
{
    return scaler_fit_rows(s, X, all_rows(n), n, d, NULL, err);
}

/* Rows of X in rr, scaled by s (copied if s is NULL), into out in order;
 * their column sums added to sum unless it is NULL. */
static void scale_rows(const double *X, struct row_ranges rr, int d,
                       const struct preprocess_scaler *s, double *out,
                       double *sum, const atomic_int *cancel)
{
    const size_t du = (size_t)d;
    for (int part = 0; part < 2; part++)
        for (size_t i = rr.part[part].begin;
             i < rr.part[part].end && !cancel_requested(cancel);
             i++, out += du) {
            const double *x = X + i * du;
            if (s != NULL)
                for (size_t f = 0; f < du; f++)
                    out[f] = (x[f] - s->mean[f]) / s->scale[f];
            else
                memcpy(out, x, du * sizeof *out);
            for (size_t f = 0; sum != NULL && f < du; f++)
                sum[f] += out[f];
        }
}

void preprocess_scaler_apply(const struct preprocess_scaler *s,
                             const double *X, size_t n, double *out)
{
    scale_rows(X, all_rows(n), s->d, s, out, NULL, NULL);
}

void preprocess_scaler_free(struct preprocess_scaler *s)
{
    free(s->mean);
    memset(s, 0, sizeof *s);
}

/* ------------------------------------------------------------ covariance */

#if !defined(__AVX__)
/* a * b + c, two roundings on every target: a fused multiply-add would
 * give other bits where the target has one (x86-64-v3, native) than where
 * it has none (x86-64, v2), and the builds would disagree. */
static inline double mul_add(double a, double b, double c)
{
    return a * b + c;
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
                             int d, double *cov, double *blk,
                             const atomic_int *cancel)
{
    const size_t du = (size_t)d;
    memset(cov, 0, du * du * sizeof *cov);
    for (size_t r0 = 0; r0 < n && !cancel_requested(cancel); r0 += COV_BLOCK_ROWS) {
        for (size_t r = 0; r < COV_BLOCK_ROWS; r++)
            for (size_t f = 0; f < du; f++)
                blk[r * du + f] =
                    r0 + r < n ? X[(r0 + r) * du + f] - mean[f] : 0.0;
        size_t i = 0; /* a poll every COV_BLOCK_COLS rows: 32 d products */
        for (; i + COV_BLOCK_COLS <= du && !cancel_requested(cancel);
             i += COV_BLOCK_COLS)
            cov_rows4(cov, blk, du, i);
        for (; i < du; i++)
            cov_row1(cov, blk, du, i);
    }
}
#endif

#if defined(__AVX__)
/* AVX covariance, the same sums as covariance_upper. COV_PANEL_BLOCKS
 * blocks of samples are centred and packed feature-block by feature-block:
 * packed[fb][q][l] = sample q, feature COV_LANES fb + l, zero-padded past n
 * and past d, so a tile reads both its operands at fixed offsets from two
 * pointers. The padded triangle is updated tile by tile, COV_TILE_ROWS
 * rows x up to COV_TILE_VECS vectors (12 accumulators: enough independent
 * fma chains to cover the fma latency), each block's COV_BLOCK_ROWS-term
 * sums held in registers. */
enum { COV_LANES = 4, COV_PANEL_BLOCKS = 4, COV_TILE_ROWS = 4,
       COV_TILE_VECS = 3 };
enum { COV_PANEL_ROWS = COV_PANEL_BLOCKS * COV_BLOCK_ROWS,
       COV_FB_STRIDE = COV_PANEL_ROWS * COV_LANES }; /* doubles per feature block */
_Static_assert(COV_TILE_VECS == 3, "covariance_upper_avx's leftovers are 1 or 2");
_Static_assert(COV_TILE_ROWS == COV_LANES, "a tile's rows are one feature block");

/* mul_add on 4 lanes: a multiply, then an add, never fused. */
static inline __m256d vmul_add(__m256d a, __m256d b, __m256d c)
{
    return _mm256_add_pd(_mm256_mul_pd(a, b), c);
}

/* Rows COV_LANES ib.. (COV_TILE_ROWS of them) x feature blocks jb..jb+nv-1
 * of cp (stride dp) += the panel's blocks, one after the other. Per entry:
 * a chain of COV_BLOCK_ROWS mul_adds from 0, added to the entry, exactly as
 * cov_rows4. Called with a constant nv, so each width compiles on its own. */
static inline void cov_tile(double *restrict cp, size_t dp,
                            const double *restrict packed, size_t blocks,
                            size_t ib, size_t jb, int nv)
{
    const double *a = packed + ib * COV_FB_STRIDE;
    const double *b = packed + jb * COV_FB_STRIDE;
    double *c = cp + ib * COV_LANES * dp + jb * COV_LANES;
    for (size_t blk = 0; blk < blocks; blk++) {
        __m256d s[COV_TILE_ROWS][COV_TILE_VECS];
        for (int r = 0; r < COV_TILE_ROWS; r++)
            for (int v = 0; v < nv; v++)
                s[r][v] = _mm256_setzero_pd();
        for (int q = 0; q < COV_BLOCK_ROWS; q++) {
            __m256d bv[COV_TILE_VECS];
            for (int v = 0; v < nv; v++)
                bv[v] = _mm256_loadu_pd(b + v * COV_FB_STRIDE + q * COV_LANES);
            for (int r = 0; r < COV_TILE_ROWS; r++) {
                __m256d ar = _mm256_broadcast_sd(a + q * COV_LANES + r);
                for (int v = 0; v < nv; v++)
                    s[r][v] = vmul_add(ar, bv[v], s[r][v]);
            }
        }
        a += COV_BLOCK_ROWS * COV_LANES;
        b += COV_BLOCK_ROWS * COV_LANES;
        for (int r = 0; r < COV_TILE_ROWS; r++)
            for (int v = 0; v < nv; v++) {
                double *e = c + (size_t)r * dp + (size_t)v * COV_LANES;
                _mm256_storeu_pd(e, _mm256_add_pd(_mm256_loadu_pd(e), s[r][v]));
            }
    }
}

/* Samples r0..r0+rows-1, centred, packed (see above) for fb feature blocks
 * and zero-padded to whole sample blocks; returns the number of blocks. */
static size_t cov_pack(const double *X, const double *mean, size_t du,
                       size_t fb, size_t r0, size_t rows, double *packed)
{
    size_t blocks = (rows + COV_BLOCK_ROWS - 1) / COV_BLOCK_ROWS;
    size_t padded = blocks * COV_BLOCK_ROWS, full = du / COV_LANES;
    for (size_t r = 0; r < padded; r++) {
        double *p = packed + r * COV_LANES;
        if (r >= rows) {
            for (size_t b = 0; b < fb; b++)
                memset(p + b * COV_FB_STRIDE, 0, COV_LANES * sizeof *p);
            continue;
        }
        const double *x = X + (r0 + r) * du;
        for (size_t b = 0; b < full; b++, p += COV_FB_STRIDE)
            for (size_t l = 0; l < COV_LANES; l++)
                p[l] = x[b * COV_LANES + l] - mean[b * COV_LANES + l];
        for (size_t l = 0; full < fb && l < COV_LANES; l++) {
            size_t f = full * COV_LANES + l;
            p[l] = f < du ? x[f] - mean[f] : 0.0;
        }
    }
    return blocks;
}

/* covariance_upper with AVX; scratch holds cov_scratch(d) doubles. */
static void covariance_upper_avx(const double *X, const double *mean,
                                 size_t n, int d, double *cov,
                                 double *scratch, const atomic_int *cancel)
{
    const size_t du = (size_t)d;
    const size_t fb = (du + COV_LANES - 1) / COV_LANES, dp = fb * COV_LANES;
    double *cp = scratch, *packed = scratch + dp * dp;
    memset(cp, 0, dp * dp * sizeof *cp);
    for (size_t r0 = 0; r0 < n && !cancel_requested(cancel); r0 += COV_PANEL_ROWS) {
        size_t rows = n - r0 < COV_PANEL_ROWS ? n - r0 : COV_PANEL_ROWS;
        size_t blocks = cov_pack(X, mean, du, fb, r0, rows, packed);
        for (size_t ib = 0; ib < fb && !cancel_requested(cancel); ib++) {
            size_t jb = ib; /* the diagonal tile's entries below the
                               diagonal land in the ignored lower triangle */
            for (; jb + COV_TILE_VECS <= fb; jb += COV_TILE_VECS)
                cov_tile(cp, dp, packed, blocks, ib, jb, COV_TILE_VECS);
            switch (fb - jb) { /* constant widths: each compiles on its own */
            case 2:
                cov_tile(cp, dp, packed, blocks, ib, jb, 2);
                break;
            case 1:
                cov_tile(cp, dp, packed, blocks, ib, jb, 1);
                break;
            }
        }
    }
    for (size_t i = 0; i < du; i++)
        memcpy(cov + i * du + i, cp + i * dp + i, (du - i) * sizeof *cov);
}
#endif

/* Scratch doubles the covariance needs besides cov (d x d); at least the
 * 3d the eigensolver uses afterwards. */
static size_t cov_scratch(size_t d)
{
#if defined(__AVX__)
    const size_t dp = (d + COV_LANES - 1) / COV_LANES * COV_LANES;
    return dp * dp + COV_PANEL_ROWS * dp;
#else
    return (COV_BLOCK_ROWS > 3 ? COV_BLOCK_ROWS : 3) * d;
#endif
}

/* Upper triangle of cov = X_c^T X_c, the AVX kernel where built. Left
 * incomplete when the flag is set. */
static void covariance(const double *X, const double *mean, size_t n, int d,
                       double *cov, double *scratch, const atomic_int *cancel)
{
#if defined(__AVX__)
    covariance_upper_avx(X, mean, n, d, cov, scratch, cancel);
#else
    covariance_upper(X, mean, n, d, cov, scratch, cancel);
#endif
}

/* ------------------------------------------------- symmetric eigensolver */

/* Householder reduction of the symmetric z (n x n, row-major, lower triangle
 * used) to tridiagonal form: diagonal in diag, subdiagonal in off[1..n-1].
 * Leaves the reflectors in z and h_i in diag for accumulate_reflectors.
 * Polls the flag every row j of step i (O(i) work each). */
static void householder_reduce(double *z, int n, double *diag, double *off,
                               const atomic_int *cancel)
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
            if (cancel_requested(cancel))
                return;
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
 * off is shifted down so off[i] couples i and i+1. g: n doubles of
 * scratch. */
static void accumulate_reflectors(double *z, int n, double *diag, double *off,
                                  double *g, const atomic_int *cancel)
{
    const size_t nu = (size_t)n;
    diag[0] = 0.0;
    off[0] = 0.0;
    for (size_t i = 0; i < nu && !cancel_requested(cancel); i++) {
        double *zi = z + i * nu;
        if (diag[i] != 0.0) {
            /* g_j = sum_k zi[k] z[k][j] (k ascending), then z[k][j] -=
             * g_j z[k][i]: the classic j-outer loop reads and updates
             * columns; no g_j depends on an update (column j only), so all
             * are formed first and both loops run along rows. */
            for (size_t j = 0; j < i; j++)
                g[j] = 0.0;
            for (size_t k = 0; k < i; k++) {
                const double *zk = z + k * nu;
                for (size_t j = 0; j < i; j++)
                    g[j] += zi[k] * zk[j];
                if (cancel_requested(cancel))
                    return;
            }
            for (size_t k = 0; k < i && !cancel_requested(cancel); k++) {
                double *zk = z + k * nu;
                const double zki = zk[i];
                for (size_t j = 0; j < i; j++)
                    zk[j] -= g[j] * zki;
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

/* Columns i and i+1 of the eigenvector matrix, stored as rows u and v of
 * its transpose: (u, v) = (c u - s v, s u + c v), element by element. */
static void rotate_rows(double *restrict u, double *restrict v, int n,
                        double c, double s)
{
    for (size_t k = 0; k < (size_t)n; k++) {
        double f = v[k];
        v[k] = s * u[k] + c * f;
        u[k] = c * u[k] - s * f;
    }
}

/* One implicit-shift QL step on the block l..m of the tridiagonal matrix,
 * rotating the eigenvectors, rows of zt (n x n), along; it stops between
 * rotations (O(n) each) when the flag is set. */
static void ql_step(double *zt, int n, double *diag, double *off, int l,
                    int m, const atomic_int *cancel)
{
    double g = (diag[l + 1] - diag[l]) / (2.0 * off[l]);
    double r = detmath_hypot(g, 1.0);
    g = diag[m] - diag[l] + off[l] / (g + copysign(r, g));
    double s = 1.0, c = 1.0, p = 0.0;
    int i;
    for (i = m - 1; i >= l; i--) {
        if (cancel_requested(cancel))
            return;
        double f = s * off[i], b = c * off[i];
        off[i + 1] = r = detmath_hypot(f, g);
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
        rotate_rows(zt + (size_t)i * (size_t)n, zt + (size_t)(i + 1) * (size_t)n,
                    n, c, s);
    }
    diag[l] -= p;
    off[l] = g;
    off[m] = 0.0;
}

/* Eigen-decomposition of the tridiagonal (diag, off) with implicit QL;
 * zt holds Q transposed on entry and the eigenvectors (rows) on return:
 * the rotations then run along rows. Returns -1 if an eigenvalue does not
 * converge (NaN input), -2 when the flag stopped it. */
static int tridiagonal_ql(double *zt, int n, double *diag, double *off,
                          const atomic_int *cancel)
{
    for (int l = 0; l < n; l++) {
        for (int sweep = 0;; sweep++) {
            if (cancel_requested(cancel))
                return -2;
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
            ql_step(zt, n, diag, off, l, m, cancel);
        }
    }
    return 0;
}

/* In-place transpose of the square z (n x n). */
static void transpose(double *z, size_t n, const atomic_int *cancel)
{
    for (size_t i = 0; i < n && !cancel_requested(cancel); i++)
        for (size_t j = 0; j < i; j++) {
            double t = z[i * n + j];
            z[i * n + j] = z[j * n + i];
            z[j * n + i] = t;
        }
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

/* The eigenvalue of component c (eigval[best]), as a variance, and its
 * share of the total variance. */
static void pca_variance(struct preprocess_pca *p, int c, double eigval,
                         double total, double n_minus_1)
{
    double ev = eigval > 0.0 ? eigval / n_minus_1 : 0.0;
    p->explained_variance[c] = ev;
    p->explained_variance_ratio[c] = total > 0.0 ? ev / total : 0.0;
}

/* Indices of the ncomp largest of eigval[0..m) into best, descending (the
 * lower index first on ties); their values into val. eigval is consumed. */
static void top_eigen(double *eigval, size_t m, int ncomp, size_t *best,
                      double *val)
{
    for (int c = 0; c < ncomp; c++) {
        size_t b = 0;
        for (size_t j = 1; j < m; j++)
            if (eigval[j] > eigval[b])
                b = j;
        best[c] = b;
        val[c] = eigval[b];
        eigval[b] = -INFINITY;
    }
}

#if defined(__AVX__)
/* Sums s[4] += columns of the 4 x 4 block p (p[q] = sample q's products
 * for 4 consecutive features): transposed, then one vector add per
 * feature, so each sample still adds its terms feature by feature. */
static inline __m256d add_transposed(__m256d s, const __m256d *p)
{
    __m256d t0 = _mm256_unpacklo_pd(p[0], p[1]);
    __m256d t1 = _mm256_unpackhi_pd(p[0], p[1]);
    __m256d t2 = _mm256_unpacklo_pd(p[2], p[3]);
    __m256d t3 = _mm256_unpackhi_pd(p[2], p[3]);
    s = _mm256_add_pd(s, _mm256_permute2f128_pd(t0, t2, 0x20));
    s = _mm256_add_pd(s, _mm256_permute2f128_pd(t1, t3, 0x20));
    s = _mm256_add_pd(s, _mm256_permute2f128_pd(t0, t2, 0x31));
    return _mm256_add_pd(s, _mm256_permute2f128_pd(t1, t3, 0x31));
}

/* project_rows for a full group with AVX: the products along features,
 * PROJ_GROUPS groups of 4 samples side by side. Returns the features done
 * (a multiple of 4); s holds the PROJ_SAMPLES partial sums. */
static size_t project_avx(const double *x, size_t d, const double *mean,
                          const double *v, double *s)
{
    __m256d acc[PROJ_GROUPS];
    for (size_t g = 0; g < PROJ_GROUPS; g++)
        acc[g] = _mm256_setzero_pd();
    size_t f = 0;
    for (; f + 4 <= d; f += 4) {
        const __m256d mf = _mm256_loadu_pd(mean + f), vf = _mm256_loadu_pd(v + f);
        for (size_t g = 0; g < PROJ_GROUPS; g++) {
            __m256d p[4];
            for (size_t q = 0; q < 4; q++) {
                __m256d xq = _mm256_loadu_pd(x + (4 * g + q) * d + f);
                p[q] = _mm256_mul_pd(_mm256_sub_pd(xq, mf), vf);
            }
            acc[g] = add_transposed(acc[g], p);
        }
    }
    for (size_t g = 0; g < PROJ_GROUPS; g++)
        _mm256_storeu_pd(s + 4 * g, acc[g]);
    return f;
}
#endif

/* Projections of samples i..i+m-1 (m <= PROJ_SAMPLES) of X (stride d) on
 * v after centring by mean: out[q] = sum_f (X[i+q][f] - mean[f]) v[f],
 * f ascending. A full group runs its PROJ_SAMPLES sums side by side, so
 * they overlap instead of each waiting on its own additions. */
static void project_rows(const double *X, size_t d, size_t i, size_t m,
                         const double *mean, const double *v, double *out)
{
    const double *x = X + i * d;
    double s[PROJ_SAMPLES] = {0.0};
    size_t f0 = 0;
#if defined(__AVX__)
    if (m == PROJ_SAMPLES)
        f0 = project_avx(x, d, mean, v, s);
#endif
    for (size_t q = 0; q < m; q++)
        for (size_t f = f0; f < d; f++) {
            double t = (x[q * d + f] - mean[f]) * v[f]; /* never fused */
            s[q] += t;
        }
    memcpy(out, s, m * sizeof *out);
}

/* svd_flip (u-based): orient each component so that the training sample
 * with the largest |projection| (the first one on ties) projects
 * positively. proj holds the n training projections (n x ncomp); a column
 * is negated with its component as 0 - p, so proj stays bit for bit what
 * projecting on the oriented components gives: rounding is symmetric, and
 * a zero sum stays +0 (the sums start from +0, never giving -0). */
static void pca_orient(struct preprocess_pca *p, double *proj, size_t n)
{
    const size_t d = (size_t)p->d, nc = (size_t)p->ncomp;
    for (size_t c = 0; c < nc; c++) {
        double best = 0.0, best_abs = -1.0;
        for (size_t i = 0; i < n; i++)
            if (fabs(proj[i * nc + c]) > best_abs) {
                best_abs = fabs(proj[i * nc + c]);
                best = proj[i * nc + c];
            }
        if (!(best < 0.0))
            continue;
        for (size_t f = 0; f < d; f++)
            p->components[c * d + f] = -p->components[c * d + f];
        for (size_t i = 0; i < n; i++)
            proj[i * nc + c] = 0.0 - proj[i * nc + c];
    }
}

/* Eigenpairs of the symmetric z (m x m, upper triangle given; destroyed):
 * eigenvalues in work[0..m), eigenvectors as the rows of z. work holds 3m
 * doubles. Returns 0, -1 when an eigenvalue does not converge (NaN data),
 * -2 when the flag stopped it. */
static int sym_eigen(double *z, size_t m, double *work, const atomic_int *cancel)
{
    for (size_t i = 0; i < m && !cancel_requested(cancel); i++)
        for (size_t j = 0; j < i; j++)
            z[i * m + j] = z[j * m + i];
    double *diag = work, *off = work + m;
    householder_reduce(z, (int)m, diag, off, cancel);
    accumulate_reflectors(z, (int)m, diag, off, work + 2 * m, cancel);
    transpose(z, m, cancel);
    return cancel_requested(cancel) ? -2 : tridiagonal_ql(z, (int)m, diag, off, cancel);
}

static double trace(const double *z, size_t m)
{
    double total = 0.0;
    for (size_t i = 0; i < m; i++)
        total += z[i * m + i];
    return total;
}

/* sym_eigen's failure as a status. */
static int eigen_status(int rc, errmsg_t *err)
{
    if (rc == -2)
        return errmsg_set(err, CANCEL_STATUS, "PCA: stopped");
    return errmsg_set(err, STATUS_USAGE,
                      "PCA: eigensolver did not converge (non-finite data?)");
}

static int pca_check(size_t n, int d, int ncomp, errmsg_t *err)
{
    if (n < 2 || d < 1)
        return errmsg_set(err, STATUS_USAGE,
                          "PCA: need at least 2 samples and 1 feature");
    if (ncomp < 1 || (size_t)ncomp > n || ncomp > d)
        return errmsg_set(err, STATUS_USAGE,
                          "PCA: %d components requested; must be in 1..%zu",
                          ncomp, n < (size_t)d ? n : (size_t)d);
    return STATUS_OK;
}

/* Components and variances of X (n x d) from the d x d covariance. */
static int pca_by_covariance(struct preprocess_pca *p, const double *X,
                             size_t n, const atomic_int *cancel, errmsg_t *err)
{
    const size_t du = (size_t)p->d, nc = (size_t)p->ncomp;
    double *cov = malloc((du * du + cov_scratch(du)) * sizeof *cov);
    size_t *best = malloc(nc * sizeof *best);
    double *val = malloc(nc * sizeof *val);
    int rc = STATUS_OK;
    if (cov == NULL || best == NULL || val == NULL)
        rc = errmsg_set(err, STATUS_NOMEM, "PCA: out of memory (d=%d)", p->d);
    if (rc == STATUS_OK) {
        double *scratch = cov + du * du; /* covariance, then 3d eigen work */
        covariance(X, p->mean, n, p->d, cov, scratch, cancel);
        const double total = trace(cov, du);
        int erc = sym_eigen(cov, du, scratch, cancel);
        if (erc != 0)
            rc = eigen_status(erc, err);
        else
            top_eigen(scratch, du, p->ncomp, best, val);
        for (size_t c = 0; rc == STATUS_OK && c < nc; c++) {
            pca_variance(p, (int)c, val[c], total / (double)(n - 1), (double)(n - 1));
            memcpy(p->components + c * du, cov + best[c] * du, du * sizeof *cov);
        }
    }
    free(cov);
    free(best);
    free(val);
    return rc;
}

/* Component c when X_c^T u vanishes (more components than the data's
 * rank): of the unit vectors e_f made orthogonal to the components before
 * it, the longest (the first on ties), normalised. */
static void null_component(struct preprocess_pca *p, int c, double *v)
{
    const size_t d = (size_t)p->d;
    size_t best = 0;
    double best_norm = -1.0;
    for (size_t pass = 0; pass < 2; pass++) /* find it, then build it */
        for (size_t f = pass == 0 ? 0 : best; f < (pass == 0 ? d : best + 1); f++) {
            double norm = 0.0;
            for (size_t g = 0; g < d; g++)
                v[g] = g == f ? 1.0 : 0.0;
            for (int b = 0; b < c; b++) {
                const double *w = p->components + (size_t)b * d, dot = w[f];
                for (size_t g = 0; g < d; g++)
                    v[g] -= dot * w[g];
            }
            for (size_t g = 0; g < d; g++)
                norm += v[g] * v[g];
            if (pass == 0 && norm > best_norm)
                best = f, best_norm = norm;
        }
    double norm = sqrt(best_norm);
    for (size_t f = 0; f < d; f++)
        v[f] /= norm;
}

/* Component c = X_c^T u / |X_c^T u| from xt = X_c^T (d x n) and the unit
 * eigenvector u (n) of the Gram matrix, sums in index order. |X_c^T u|^2
 * is u's eigenvalue; one within rounding of 0 against the total (the
 * Gram matrix's trace) has no direction of its own: null_component. */
static void gram_component(struct preprocess_pca *p, int c, const double *xt,
                           size_t n, const double *u, double total)
{
    const size_t d = (size_t)p->d;
    double *v = p->components + (size_t)c * d, norm = 0.0;
    for (size_t f = 0; f < d; f++) {
        double s = 0.0;
        for (size_t i = 0; i < n; i++)
            s += xt[f * n + i] * u[i];
        v[f] = s;
        norm += s * s;
    }
    if (norm <= NULL_VARIANCE * (double)n * DBL_EPSILON * total) {
        null_component(p, c, v);
        return;
    }
    norm = sqrt(norm);
    for (size_t f = 0; f < d; f++)
        v[f] /= norm;
}

/* xt (d x n) = (X - mean)^T, the rows of X polled one by one. */
static void centre_transposed(const double *X, const double *mean, size_t n,
                              size_t d, double *xt, const atomic_int *cancel)
{
    for (size_t i = 0; i < n && !cancel_requested(cancel); i++)
        for (size_t f = 0; f < d; f++)
            xt[f * n + i] = X[i * d + f] - mean[f];
}

/* The same from the n x n Gram matrix X_c X_c^T, which has the covariance's
 * nonzero eigenvalues: n^2 d / 2 products and an n x n eigensolve instead
 * of n d^2 / 2 and d x d. The Gram matrix is the covariance kernel's sum
 * over the columns of X_c^T (mean 0), so every build forms it alike. */
static int pca_by_gram(struct preprocess_pca *p, const double *X, size_t n,
                       const atomic_int *cancel, errmsg_t *err)
{
    const size_t du = (size_t)p->d, nc = (size_t)p->ncomp;
    /* calloc: a cut centre_transposed leaves no byte undefined */
    double *xt = calloc(du * n, sizeof *xt), *zero = calloc(n, sizeof *zero);
    double *g = malloc((n * n + cov_scratch(n)) * sizeof *g);
    size_t *best = malloc(nc * sizeof *best);
    double *val = malloc(nc * sizeof *val);
    int rc = STATUS_OK;
    if (xt == NULL || zero == NULL || g == NULL || best == NULL || val == NULL)
        rc = errmsg_set(err, STATUS_NOMEM, "PCA: out of memory (n=%zu d=%d)", n, p->d);
    if (rc == STATUS_OK) {
        double *scratch = g + n * n;
        centre_transposed(X, p->mean, n, du, xt, cancel);
        covariance(xt, zero, du, (int)n, g, scratch, cancel);
        const double total = trace(g, n);
        int erc = sym_eigen(g, n, scratch, cancel);
        if (erc != 0)
            rc = eigen_status(erc, err);
        if (rc == STATUS_OK)
            top_eigen(scratch, n, p->ncomp, best, val);
        for (size_t c = 0; rc == STATUS_OK && c < nc && !cancel_requested(cancel); c++) {
            pca_variance(p, (int)c, val[c], total / (double)(n - 1), (double)(n - 1));
            gram_component(p, (int)c, xt, n, g + best[c] * n, total);
        }
    }
    free(xt);
    free(zero);
    free(g);
    free(best);
    free(val);
    return rc;
}

/* Components and variances of X (n x p->d) whose column means are in
 * p->mean, by `method`; the signs are left to the caller. On error p is
 * freed. */
static int pca_fit_centred(struct preprocess_pca *p, const double *X, size_t n,
                           enum preprocess_pca_method method,
                           const atomic_int *cancel, errmsg_t *err)
{
    bool gram = method == PREPROCESS_PCA_GRAM ||
                (method == PREPROCESS_PCA_AUTO && n < (size_t)p->d);
    int rc = gram ? pca_by_gram(p, X, n, cancel, err)
                  : pca_by_covariance(p, X, n, cancel, err);
    if (rc == STATUS_OK && cancel_requested(cancel))
        rc = errmsg_set(err, CANCEL_STATUS, "PCA: stopped");
    if (rc != STATUS_OK)
        preprocess_pca_free(p);
    return rc;
}

/* out (n x ncomp) = projections of X's rows, a poll every PROJ_SAMPLES. */
static void pca_apply_rows(const struct preprocess_pca *p, const double *X,
                           size_t n, double *out, const atomic_int *cancel)
{
    const size_t d = (size_t)p->d, nc = (size_t)p->ncomp;
    double proj[PROJ_SAMPLES];
    for (size_t i = 0; i < n && !cancel_requested(cancel); i += PROJ_SAMPLES) {
        size_t m = n - i < PROJ_SAMPLES ? n - i : PROJ_SAMPLES;
        for (size_t c = 0; c < nc; c++) {
            project_rows(X, d, i, m, p->mean, p->components + c * d, proj);
            for (size_t q = 0; q < m; q++)
                out[(i + q) * nc + c] = proj[q];
        }
    }
}

/* pca_fit_centred, then the projections of X's n rows into proj
 * (n x ncomp), by which the components are oriented (pca_orient). */
static int pca_fit_project(struct preprocess_pca *p, const double *X,
                           size_t n, double *proj,
                           enum preprocess_pca_method method,
                           const atomic_int *cancel, errmsg_t *err)
{
    int rc = pca_fit_centred(p, X, n, method, cancel, err);
    if (rc == STATUS_OK) {
        pca_apply_rows(p, X, n, proj, cancel);
        pca_orient(p, proj, n);
    }
    return rc;
}

int preprocess_pca_fit_with(struct preprocess_pca *p, const double *X,
                            size_t n, int d, int ncomp,
                            enum preprocess_pca_method method, errmsg_t *err)
{
    memset(p, 0, sizeof *p);
    int rc = pca_check(n, d, ncomp, err);
    if (rc != STATUS_OK)
        return rc;
    double *proj = malloc(n * (size_t)ncomp * sizeof *proj);
    if (proj == NULL || pca_alloc(p, d, ncomp) != 0) {
        free(proj);
        return errmsg_set(err, STATUS_NOMEM, "PCA: out of memory (d=%d)", d);
    }
    column_mean(X, all_rows(n), n, d, p->mean, NULL);
    rc = pca_fit_project(p, X, n, proj, method, NULL, err);
    free(proj);
    return rc;
}

int preprocess_pca_fit(struct preprocess_pca *p, const double *X, size_t n,
                       int d, int ncomp, errmsg_t *err)
{
    return preprocess_pca_fit_with(p, X, n, d, ncomp, PREPROCESS_PCA_AUTO, err);
}

void preprocess_pca_apply(const struct preprocess_pca *p, const double *X,
                          size_t n, double *out)
{
    pca_apply_rows(p, X, n, out, NULL);
}

void preprocess_pca_free(struct preprocess_pca *p)
{
    free(p->mean);
    memset(p, 0, sizeof *p);
}

/* ------------------------------------------------------- fold pipeline */

size_t preprocess_fold_scratch(size_t n, int d, int ncomp)
{
    return ncomp > 0 ? n * (size_t)d : 0;
}

/* PCA on the scaled rows in scratch (training rows first), whose column
 * sums are in p->mean, then both projections. */
static int fold_pca(struct preprocess_pca *p, const struct preprocess_split *sp,
                    const double *scratch, double *train_out,
                    double *test_out, errmsg_t *err)
{
    const size_t n_train = sp->n - sp->n_test;
    for (int f = 0; f < sp->d; f++)
        p->mean[f] /= (double)n_train;
    int rc = pca_fit_project(p, scratch, n_train, train_out,
                             PREPROCESS_PCA_AUTO, sp->cancel, err);
    if (rc != STATUS_OK)
        return rc;
    pca_apply_rows(p, scratch + n_train * (size_t)sp->d, sp->n_test, test_out,
                   sp->cancel);
    preprocess_pca_free(p);
    return STATUS_OK;
}

/* preprocess_fold's work; the caller checks the flag at its end. */
static int fold_steps(const struct preprocess_split *sp, bool scale, int ncomp,
                      double *scratch, double *train_out, double *test_out,
                      errmsg_t *err)
{
    const size_t n_train = sp->n - sp->n_test;
    struct preprocess_scaler s = {0};
    struct preprocess_pca p = {0};
    int rc = ncomp > 0 ? pca_check(n_train, sp->d, ncomp, err) : STATUS_OK;
    if (rc == STATUS_OK && scale)
        rc = scaler_fit_rows(&s, sp->X, train_rows(sp), n_train, sp->d,
                             sp->cancel, err);
    if (rc == STATUS_OK && ncomp > 0 && pca_alloc(&p, sp->d, ncomp) != 0)
        rc = errmsg_set(err, STATUS_NOMEM, "PCA: out of memory (d=%d)", sp->d);
    if (rc != STATUS_OK) {
        preprocess_scaler_free(&s);
        return rc;
    }
    const struct preprocess_scaler *sc = scale ? &s : NULL;
    if (ncomp == 0) {
        scale_rows(sp->X, train_rows(sp), sp->d, sc, train_out, NULL, sp->cancel);
        scale_rows(sp->X, test_rows(sp), sp->d, sc, test_out, NULL, sp->cancel);
        preprocess_scaler_free(&s);
        return STATUS_OK;
    }
    memset(p.mean, 0, (size_t)sp->d * sizeof *p.mean);
    scale_rows(sp->X, train_rows(sp), sp->d, sc, scratch, p.mean, sp->cancel);
    scale_rows(sp->X, test_rows(sp), sp->d, sc,
               scratch + n_train * (size_t)sp->d, NULL, sp->cancel);
    preprocess_scaler_free(&s);
    return fold_pca(&p, sp, scratch, train_out, test_out, err);
}

int preprocess_fold(const struct preprocess_split *sp, bool scale, int ncomp,
                    double *scratch, double *train_out, double *test_out,
                    errmsg_t *err)
{
    int rc = fold_steps(sp, scale, ncomp, scratch, train_out, test_out, err);
    if (rc == STATUS_OK && cancel_requested(sp->cancel))
        rc = errmsg_set(err, CANCEL_STATUS, "preprocessing: stopped");
    return rc;
}
