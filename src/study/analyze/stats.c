/* stats: see stats.h. */
#include "study/analyze/stats.h"

#include <math.h>
#include <stdlib.h>

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

bool stats_median_ci_ranks(size_t n, double level, size_t *lo, size_t *hi)
{
    /* The interval [x_(j), x_(n-j+1)] covers the median with probability
     * 1 - 2 P(B <= j-1), B ~ Binomial(n, 1/2). Take the largest such j. */
    double tail = (1.0 - level) / 2.0, cdf = 0.0, pmf = ldexp(1.0, -(int)n);
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        cdf += pmf; /* cdf = P(B <= i) */
        if (cdf > tail)
            break;
        j = i + 1;
        pmf = pmf * (double)(n - i) / (double)(i + 1);
    }
    if (j == 0)
        return false;
    *lo = j;
    *hi = n - j + 1;
    return true;
}

void stats_compute(double *x, size_t n, struct timing_stats *out)
{
    qsort(x, n, sizeof *x, compare_double);
    double sum = 0.0;
    for (size_t i = 0; i < n; i++)
        sum += x[i];
    out->n = n;
    out->min = x[0];
    out->max = x[n - 1];
    out->median = n % 2 ? x[n / 2] : 0.5 * (x[n / 2 - 1] + x[n / 2]);
    out->mean = sum / (double)n;
    double ss = 0.0;
    for (size_t i = 0; i < n; i++)
        ss += (x[i] - out->mean) * (x[i] - out->mean);
    out->stddev = n > 1 ? sqrt(ss / (double)(n - 1)) : NAN;
    out->cv = n > 1 && out->mean > 0 ? out->stddev / out->mean : NAN;
    size_t lo, hi;
    if (stats_median_ci_ranks(n, 0.95, &lo, &hi)) {
        out->ci_low = x[lo - 1];
        out->ci_high = x[hi - 1];
    } else {
        out->ci_low = out->ci_high = NAN;
    }
}

double stats_karp_flatt(double speedup, int p)
{
    if (p <= 1 || !(speedup > 0))
        return NAN;
    double inv_p = 1.0 / p;
    return (1.0 / speedup - inv_p) / (1.0 - inv_p);
}
