/* ranktest: the two-sample Mann-Whitney U test and the Hodges-Lehmann shift
 * estimate with its distribution-free confidence interval. Pure functions
 * of their inputs, no I/O. The p-values follow scipy.stats.mannwhitneyu
 * (alternative='two-sided', use_continuity=True) for the method chosen;
 * tests/fixtures/gen_compare_fixtures.py holds the reference values. */
#ifndef OMPSWEEP_STUDY_ANALYZE_RANKTEST_H
#define OMPSWEEP_STUDY_ANALYZE_RANKTEST_H

#include <stdbool.h>
#include <stddef.h>

#include "base/status.h"

enum {
    RANKTEST_EXACT_MAX = 50 /* largest sample given the exact distribution */
};

enum ranktest_method {
    RANKTEST_AUTO,      /* exact when both n <= RANKTEST_EXACT_MAX and no ties */
    RANKTEST_EXACT,     /* the exact null distribution of U (ties ignored) */
    RANKTEST_ASYMPTOTIC /* normal, tie and continuity corrections */
};

struct ranktest_result {
    double u1;                   /* U of the first sample (x) */
    double p;                    /* two-sided p-value, in [0, 1] */
    enum ranktest_method method; /* the one used: EXACT or ASYMPTOTIC */
};

/* Two-sided Mann-Whitney U test of x[0..nx) against y[0..ny) (nx, ny >= 1,
 * finite values). STATUS_OK, or STATUS_NOMEM. */
int ranktest_mann_whitney(const double *x, size_t nx, const double *y, size_t ny,
                          enum ranktest_method method, struct ranktest_result *out,
                          errmsg_t *err);

/* Hodges-Lehmann estimate of the shift of y against x (the median of the
 * nx*ny differences y[j] - x[i]) and its confidence interval of coverage
 * >= level: [D(c+1), D(nx*ny-c)] of the sorted differences, c the largest
 * count with P(U <= c) <= (1 - level)/2 under the null (exact when both
 * n <= RANKTEST_EXACT_MAX, else normal with continuity correction). The
 * bounds are NAN when no such c exists (samples too small for the level).
 * STATUS_OK, or STATUS_NOMEM. */
int ranktest_shift_ci(const double *x, size_t nx, const double *y, size_t ny,
                      double level, double *estimate, double *lo, double *hi,
                      errmsg_t *err);

/* The interval of coverage >= level of the ratio of y's times to x's (y
 * over x): exp of ranktest_shift_ci over the log-times, so that it holds
 * when the two differ by a factor. NAN bounds when a time is not above 0
 * or the samples are too small for the level. STATUS_OK, or STATUS_NOMEM. */
int ranktest_ratio_ci(const double *x, size_t nx, const double *y, size_t ny,
                      double level, double *lo, double *hi, errmsg_t *err);

#endif
