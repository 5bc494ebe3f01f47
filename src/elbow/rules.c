/* rules: see rules.h. */
#include "elbow/rules.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

const char *const rules_names[RULE_COUNT] = {"maxdelta", "max", "kneedle"};

static const double KNEEDLE_SENSITIVITY = 1.0;

static int first_argmax(const double *v, int n)
{
    int best = 0;
    for (int i = 0; i < n; i++) {
        if (isnan(v[i]))
            return -1;
        if (v[i] > v[best])
            best = i;
    }
    return best;
}

int rules_max(const double *score, int n)
{
    return n >= 1 ? first_argmax(score, n) : -1;
}

int rules_maxdelta(const double *score, int n)
{
    if (n < 2)
        return -1;
    double *delta = malloc((size_t)(n - 1) * sizeof *delta);
    if (delta == NULL)
        return -1;
    for (int i = 0; i + 1 < n; i++)
        delta[i] = score[i + 1] - score[i];
    int i = first_argmax(delta, n - 1);
    free(delta);
    return i < 0 ? -1 : i + 1;
}

/* Min-max normalisation; false for a flat or non-finite curve. */
static bool normalise(const double *v, int n, double *out)
{
    double lo = v[0], hi = v[0];
    for (int i = 0; i < n; i++) {
        if (!isfinite(v[i]))
            return false;
        lo = fmin(lo, v[i]);
        hi = fmax(hi, v[i]);
    }
    if (!(hi > lo))
        return false;
    for (int i = 0; i < n; i++)
        out[i] = (v[i] - lo) / (hi - lo);
    return true;
}

/* Local extremum with clipped neighbours, as scipy's argrelextrema
 * (order 1, mode "clip"): an end point is compared with itself. */
static bool is_extremum(const double *d, int n, int i, bool maximum)
{
    double left = d[i > 0 ? i - 1 : 0], right = d[i + 1 < n ? i + 1 : n - 1];
    return maximum ? d[i] >= left && d[i] >= right : d[i] <= left && d[i] <= right;
}

/* Walk the difference curve from its first maximum; a maximum sets the
 * threshold, a minimum resets it to 0; the knee is the last maximum before
 * the curve falls below the threshold. */
static int find_knee(const double *diff, int n, double step)
{
    int first = -1;
    for (int i = 0; i < n && first < 0; i++)
        if (is_extremum(diff, n, i, true))
            first = i;
    if (first < 0)
        return -1;
    double threshold = 0.0;
    int knee = -1;
    for (int i = first; i + 1 < n; i++) {
        if (is_extremum(diff, n, i, true)) {
            threshold = diff[i] - KNEEDLE_SENSITIVITY * step;
            knee = i;
        }
        if (is_extremum(diff, n, i, false))
            threshold = 0.0;
        if (diff[i + 1] < threshold)
            return knee;
    }
    return -1;
}

int rules_kneedle(const double *x, const double *y, int n)
{
    if (n < 3)
        return -1;
    double *xn = malloc((size_t)n * sizeof *xn), *yn = malloc((size_t)n * sizeof *yn);
    int knee = -1;
    if (xn != NULL && yn != NULL && normalise(x, n, xn) && normalise(y, n, yn)) {
        /* Convex decreasing -> concave increasing: y' = 1 - y. */
        for (int i = 0; i < n; i++)
            yn[i] = (1.0 - yn[i]) - xn[i];
        double step = fabs((xn[n - 1] - xn[0]) / (n - 1)); /* mean of diff(x) */
        knee = find_knee(yn, n, step);
    }
    free(xn);
    free(yn);
    return knee;
}
