/* ranktest: see ranktest.h. The conventions (average ranks for ties, the
 * tie term sum(t^3 - t), the continuity correction of 0.5 towards the mean,
 * p = 2 x the upper tail of max(U1, U2), clipped to 1) are those of
 * scipy.stats.mannwhitneyu, so that a reader can check any p-value there. */
#include "study/analyze/ranktest.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct tagged {
    double v;
    size_t i; /* position in x (i < nx) or nx + position in y */
};

static int compare_tagged(const void *pa, const void *pb)
{
    double a = ((const struct tagged *)pa)->v, b = ((const struct tagged *)pb)->v;
    return (a > b) - (a < b);
}

static int compare_double(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return (a > b) - (a < b);
}

/* Rank sum of x (average ranks for ties) and the tie term sum(t^3 - t)
 * over the groups of t equal values of the pooled sample. */
static int rank_sum(const double *x, size_t nx, const double *y, size_t ny,
                    double *r1, double *tie_term, errmsg_t *err)
{
    size_t n = nx + ny;
    *r1 = *tie_term = 0.0;
    struct tagged *t = malloc(n * sizeof *t);
    if (t == NULL)
        return errmsg_set(err, STATUS_NOMEM, "ranktest: out of memory");
    for (size_t i = 0; i < n; i++)
        t[i] = (struct tagged){i < nx ? x[i] : y[i - nx], i};
    qsort(t, n, sizeof *t, compare_tagged);
    for (size_t b = 0; b < n;) {
        size_t e = b + 1;
        while (e < n && t[e].v == t[b].v)
            e++;
        double rank = 0.5 * (double)(b + 1 + e); /* mean of ranks b+1..e */
        double g = (double)(e - b);
        *tie_term += g * g * g - g;
        for (size_t k = b; k < e; k++)
            if (t[k].i < nx)
                *r1 += rank;
        b = e;
    }
    free(t);
    return STATUS_OK;
}

/* Counts of the arrangements of m x's and n y's by U, k = 0..m*n, into
 * f[0..m*n] (the Gaussian binomial coefficient's coefficients), by the
 * recurrence f(i, j, k) = f(i-1, j, k-j) + f(i, j-1, k) over i. Doubles:
 * C(100, 50) ~ 1e29 is far beyond 64-bit integers. */
static int exact_counts(size_t m, size_t n, double *f, errmsg_t *err)
{
    size_t width = m * n + 1;
    double *row = calloc((n + 1) * width, sizeof *row); /* row[j] = f(i, j, .) */
    if (row == NULL)
        return errmsg_set(err, STATUS_NOMEM, "ranktest: out of memory");
    for (size_t j = 0; j <= n; j++)
        row[j * width] = 1.0; /* i = 0: only U = 0 */
    for (size_t i = 1; i <= m; i++)
        for (size_t j = 1; j <= n; j++) {
            double *cur = row + j * width, *left = cur - width;
            /* Descending k: cur[k - j] still holds f(i-1, j, .). */
            for (size_t k = i * j + 1; k-- > 0;)
                cur[k] = (k >= j ? cur[k - j] : 0.0) + left[k];
        }
    memcpy(f, row + n * width, width * sizeof *f);
    free(row);
    return STATUS_OK;
}

/* P(U <= k) for k = 0..m*n into cdf[] (exact null distribution). */
static int exact_cdf(size_t m, size_t n, double *cdf, errmsg_t *err)
{
    size_t width = m * n + 1;
    int rc = exact_counts(m, n, cdf, err);
    if (rc != STATUS_OK)
        return rc;
    double total = 0.0;
    for (size_t k = 0; k < width; k++)
        total += cdf[k];
    double run = 0.0;
    for (size_t k = 0; k < width; k++) {
        run += cdf[k] / total;
        cdf[k] = run;
    }
    return STATUS_OK;
}

static double normal_sf(double z) { return 0.5 * erfc(z / M_SQRT2); }

static double asymptotic_p(double u, size_t nx, size_t ny, double tie_term)
{
    double n1 = (double)nx, n2 = (double)ny, n = n1 + n2;
    double s = sqrt(n1 * n2 / 12.0 * ((n + 1.0) - tie_term / (n * (n - 1.0))));
    double num = u - n1 * n2 / 2.0 - 0.5;
    if (!(s > 0.0)) /* every value equal: no evidence either way */
        return 1.0;
    double p = 2.0 * normal_sf(num / s);
    return p > 1.0 ? 1.0 : p;
}

static int exact_p(double u, size_t nx, size_t ny, double *p, errmsg_t *err)
{
    size_t mn = nx * ny;
    double *cdf = malloc((mn + 1) * sizeof *cdf);
    if (cdf == NULL)
        return errmsg_set(err, STATUS_NOMEM, "ranktest: out of memory");
    int rc = exact_cdf(nx, ny, cdf, err);
    if (rc == STATUS_OK) {
        /* sf(U) = P(U' >= U) = P(U' <= mn - U) by symmetry. U is an
         * integer here, or half of one with ties (truncated as scipy). */
        long k = (long)mn - (long)u;
        double v = k < 0 ? 0.0 : 2.0 * cdf[k];
        *p = v > 1.0 ? 1.0 : v;
    }
    free(cdf);
    return rc;
}

int ranktest_mann_whitney(const double *x, size_t nx, const double *y, size_t ny,
                          enum ranktest_method method, struct ranktest_result *out,
                          errmsg_t *err)
{
    double r1, tie_term;
    int rc = rank_sum(x, nx, y, ny, &r1, &tie_term, err);
    if (rc != STATUS_OK)
        return rc;
    double n1 = (double)nx;
    out->u1 = r1 - n1 * (n1 + 1.0) / 2.0;
    double u2 = n1 * (double)ny - out->u1;
    double u = out->u1 > u2 ? out->u1 : u2;
    if (method == RANKTEST_AUTO)
        method = nx <= RANKTEST_EXACT_MAX && ny <= RANKTEST_EXACT_MAX &&
                         tie_term == 0.0 /* no ties */
                     ? RANKTEST_EXACT : RANKTEST_ASYMPTOTIC;
    out->method = method;
    if (method == RANKTEST_ASYMPTOTIC) {
        out->p = asymptotic_p(u, nx, ny, tie_term);
        return STATUS_OK;
    }
    return exact_p(u, nx, ny, &out->p, err);
}

/* The largest c with P(U <= c) <= tail, or -1 when there is none. */
static int critical_count(size_t nx, size_t ny, double tail, long *c, errmsg_t *err)
{
    size_t mn = nx * ny;
    *c = -1;
    if (nx > RANKTEST_EXACT_MAX || ny > RANKTEST_EXACT_MAX) {
        double n = (double)(nx + ny), mean = (double)mn / 2.0;
        double sigma = sqrt((double)mn * (n + 1.0) / 12.0);
        /* P(U <= k) ~ Phi((k + 0.5 - mean) / sigma), continuity-corrected */
        while ((size_t)(*c + 1) <= mn &&
               normal_sf(-((double)(*c + 1) + 0.5 - mean) / sigma) <= tail)
            (*c)++;
        return STATUS_OK;
    }
    double *cdf = malloc((mn + 1) * sizeof *cdf);
    if (cdf == NULL)
        return errmsg_set(err, STATUS_NOMEM, "ranktest: out of memory");
    int rc = exact_cdf(nx, ny, cdf, err);
    while (rc == STATUS_OK && (size_t)(*c + 1) <= mn && cdf[*c + 1] <= tail)
        (*c)++;
    free(cdf);
    return rc;
}

int ranktest_shift_ci(const double *x, size_t nx, const double *y, size_t ny,
                      double level, double *estimate, double *lo, double *hi,
                      errmsg_t *err)
{
    size_t mn = nx * ny;
    double *d = malloc(mn * sizeof *d);
    if (d == NULL)
        return errmsg_set(err, STATUS_NOMEM, "ranktest: out of memory");
    for (size_t i = 0; i < nx; i++)
        for (size_t j = 0; j < ny; j++)
            d[i * ny + j] = y[j] - x[i];
    qsort(d, mn, sizeof *d, compare_double);
    *estimate = mn % 2 ? d[mn / 2] : 0.5 * (d[mn / 2 - 1] + d[mn / 2]);
    long c;
    int rc = critical_count(nx, ny, (1.0 - level) / 2.0, &c, err);
    *lo = *hi = NAN;
    if (rc == STATUS_OK && c >= 0) {
        *lo = d[c];
        *hi = d[mn - 1 - (size_t)c];
    }
    free(d);
    return rc;
}

int ranktest_ratio_ci(const double *x, size_t nx, const double *y, size_t ny,
                      double level, double *lo, double *hi, errmsg_t *err)
{
    double *logs = malloc((nx + ny) * sizeof *logs), est;
    *lo = *hi = NAN;
    if (logs == NULL)
        return errmsg_set(err, STATUS_NOMEM, "ranktest: out of memory");
    bool positive = true;
    for (size_t i = 0; i < nx + ny; i++) {
        double t = i < nx ? x[i] : y[i - nx];
        positive = positive && t > 0.0;
        logs[i] = positive ? log(t) : 0.0;
    }
    int rc = positive ? ranktest_shift_ci(logs, nx, logs + nx, ny, level, &est, lo, hi, err)
                      : STATUS_OK;
    if (positive && rc == STATUS_OK) {
        *lo = exp(*lo);
        *hi = exp(*hi);
    }
    free(logs);
    return rc;
}
