/* models: see models.h. */
#include "study/analyze/models.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/rng.h"

enum {
    ONE_PARAM_GRID = 64, /* grid steps over [0, 1] before Gauss-Newton */
    NEWTON_STEPS = 60,
    HALVINGS = 40,
    LM_STEPS = 200,
    /* Per law and replicate: the parameters, the horizons' speedups, the
     * peak and its speedup, the curve. */
    V_PARAM = 0,
    V_HORIZON = V_PARAM + MODELS_PARAMS_MAX,
    V_PEAK = V_HORIZON + MODELS_HORIZONS,
    V_PEAK_SPEEDUP = V_PEAK + 1,
    V_CURVE = V_PEAK_SPEEDUP + 1,
    VALUES = V_CURVE + MODELS_CURVE_POINTS
};

static const double LM_LAMBDA_START = 1e-3, LM_LAMBDA_MIN = 1e-12, LM_LAMBDA_MAX = 1e12;
static const double LM_FACTOR = 10.0;
static const double CONVERGED = 1e-15; /* relative RSS decrease that ends a fit */
static const double STEP_TOL = 1e-10;  /* relative step that ends a fit */
static const double LEVEL = 0.95;      /* of the bootstrap intervals */
static const double HORIZON_FACTOR[MODELS_HORIZONS] = {2.0, 4.0, 8.0};

const char *models_law_name(enum models_law law)
{
    switch (law) {
    case MODELS_AMDAHL:
        return "amdahl";
    case MODELS_USL:
        return "usl";
    case MODELS_GUSTAFSON:
        return "gustafson";
    }
    return "unknown";
}

size_t models_law_params(enum models_law law)
{
    return law == MODELS_USL ? 2 : 1;
}

double models_speedup(enum models_law law, const double *param, double p)
{
    switch (law) {
    case MODELS_AMDAHL:
        return p / (1.0 + param[0] * (p - 1.0));
    case MODELS_USL:
        return p / (1.0 + param[0] * (p - 1.0) + param[1] * p * (p - 1.0));
    case MODELS_GUSTAFSON:
        return p - param[0] * (p - 1.0);
    }
    return NAN;
}

static bool usable(double p, double s)
{
    return p > 1.0 && isfinite(p) && isfinite(s) && s > 0.0;
}

static size_t count_usable(const double *p, const double *s, size_t m)
{
    size_t k = 0;
    for (size_t i = 0; i < m; i++)
        k += usable(p[i], s[i]);
    return k;
}

static double clamp(double x, double lo, double hi)
{
    return x < lo ? lo : x > hi ? hi : x;
}

static double rss_of(enum models_law law, const double *param, const double *p,
                     const double *s, size_t m)
{
    double rss = 0.0;
    for (size_t i = 0; i < m; i++) {
        if (!usable(p[i], s[i]))
            continue;
        double r = s[i] - models_speedup(law, param, p[i]);
        rss += r * r;
    }
    return rss;
}

/* d S / d param of a one-parameter law at p. */
static double one_param_slope(enum models_law law, double x, double p)
{
    if (law == MODELS_GUSTAFSON)
        return -(p - 1.0);
    double d = 1.0 + x * (p - 1.0);
    return -p * (p - 1.0) / (d * d);
}

/* J^T r and J^T J of a one-parameter law at x (Gauss-Newton). */
static void one_param_normal(enum models_law law, const double *p, const double *s,
                             size_t m, double x, double *jtr, double *jtj)
{
    *jtr = *jtj = 0.0;
    for (size_t i = 0; i < m; i++) {
        if (!usable(p[i], s[i]))
            continue;
        double j = one_param_slope(law, x, p[i]);
        double param[MODELS_PARAMS_MAX] = {x, 0.0};
        *jtr += j * (s[i] - models_speedup(law, param, p[i]));
        *jtj += j * j;
    }
}

/* Projected Gauss-Newton with step halving from x within [0, 1]. */
static double refine_one_param(enum models_law law, const double *p, const double *s,
                               size_t m, double x)
{
    double rss = rss_of(law, (double[MODELS_PARAMS_MAX]){x, 0.0}, p, s, m);
    for (int it = 0; it < NEWTON_STEPS; it++) {
        double jtr, jtj;
        one_param_normal(law, p, s, m, x, &jtr, &jtj);
        if (!(jtj > 0.0))
            break;
        double step = jtr / jtj, cand = x, cand_rss = INFINITY;
        for (int h = 0; h < HALVINGS && !(cand_rss <= rss); h++, step /= 2) {
            cand = clamp(x + step, 0.0, 1.0);
            cand_rss = rss_of(law, (double[MODELS_PARAMS_MAX]){cand, 0.0}, p, s, m);
        }
        if (!(cand_rss <= rss) || cand == x)
            break;
        x = cand, rss = cand_rss;
    }
    return x;
}

/* The best grid point of [0, 1], refined: the grid keeps a local minimum
 * from trapping the fit, the refinement gives full precision. */
static double fit_one_param(enum models_law law, const double *p, const double *s,
                            size_t m)
{
    double x = 0.0, rss = INFINITY;
    for (int g = 0; g <= ONE_PARAM_GRID; g++) {
        double v[MODELS_PARAMS_MAX] = {(double)g / ONE_PARAM_GRID, 0.0};
        double r = rss_of(law, v, p, s, m);
        if (r < rss)
            x = v[0], rss = r;
    }
    return refine_one_param(law, p, s, m, x);
}

/* Normal equations of the USL at th: a = J^T J (a00, a01, a11), b = J^T r. */
static void usl_normal(const double *p, const double *s, size_t m, const double *th,
                       double a[3], double b[2])
{
    a[0] = a[1] = a[2] = b[0] = b[1] = 0.0;
    for (size_t i = 0; i < m; i++) {
        if (!usable(p[i], s[i]))
            continue;
        double q = p[i] * (p[i] - 1.0);
        double d = 1.0 + th[0] * (p[i] - 1.0) + th[1] * q;
        double j0 = -q / (d * d), j1 = -p[i] * q / (d * d);
        double r = s[i] - p[i] / d;
        a[0] += j0 * j0, a[1] += j0 * j1, a[2] += j1 * j1;
        b[0] += j0 * r, b[1] += j1 * r;
    }
}

/* One Levenberg-Marquardt step direction within the box sigma in [0, 1],
 * kappa >= 0: a parameter at a bound that the step would push out is held
 * there, and the other one moves alone. */
static void usl_step(const double *th, const double a[3], const double b[2],
                     double lambda, double d[2])
{
    bool hold0 = (th[0] <= 0.0 && b[0] < 0.0) || (th[0] >= 1.0 && b[0] > 0.0);
    bool hold1 = th[1] <= 0.0 && b[1] < 0.0;
    double m00 = a[0] * (1.0 + lambda), m11 = a[2] * (1.0 + lambda);
    d[0] = d[1] = 0.0;
    if (!hold0 && !hold1) {
        double det = m00 * m11 - a[1] * a[1];
        if (det > 0.0) {
            d[0] = (b[0] * m11 - a[1] * b[1]) / det;
            d[1] = (m00 * b[1] - a[1] * b[0]) / det;
        }
    } else if (!hold0 && m00 > 0.0) {
        d[0] = b[0] / m00;
    } else if (!hold1 && m11 > 0.0) {
        d[1] = b[1] / m11;
    }
}

static bool negligible(double step, double x)
{
    return fabs(step) <= STEP_TOL * (fabs(x) + STEP_TOL);
}

/* Bounded Levenberg-Marquardt on the speedup residuals from th; returns
 * the RSS reached. */
static double usl_refine(const double *p, const double *s, size_t m, double th[2])
{
    double rss = rss_of(MODELS_USL, th, p, s, m), lambda = LM_LAMBDA_START;
    for (int it = 0; it < LM_STEPS && lambda < LM_LAMBDA_MAX; it++) {
        double a[3], b[2], d[2];
        usl_normal(p, s, m, th, a, b);
        usl_step(th, a, b, lambda, d);
        if (negligible(d[0], th[0]) && negligible(d[1], th[1]))
            break;
        double cand[2] = {clamp(th[0] + d[0], 0.0, 1.0), fmax(th[1] + d[1], 0.0)};
        double cand_rss = rss_of(MODELS_USL, cand, p, s, m);
        if (cand_rss < rss) {
            bool done = rss - cand_rss <= CONVERGED * rss;
            th[0] = cand[0], th[1] = cand[1], rss = cand_rss;
            lambda = fmax(lambda / LM_FACTOR, LM_LAMBDA_MIN);
            if (done)
                break;
        } else {
            lambda *= LM_FACTOR;
        }
    }
    return rss;
}

/* Linear start: p / s - 1 = sigma (p - 1) + kappa p (p - 1) by least
 * squares, clamped into the box. */
static void usl_linear_start(const double *p, const double *s, size_t m, double th[2])
{
    double s11 = 0, s12 = 0, s22 = 0, t1 = 0, t2 = 0;
    for (size_t i = 0; i < m; i++) {
        if (!usable(p[i], s[i]))
            continue;
        double x1 = p[i] - 1.0, x2 = p[i] * (p[i] - 1.0), y = p[i] / s[i] - 1.0;
        s11 += x1 * x1, s12 += x1 * x2, s22 += x2 * x2, t1 += x1 * y, t2 += x2 * y;
    }
    double det = s11 * s22 - s12 * s12;
    th[0] = det > 0 ? (t1 * s22 - s12 * t2) / det : 0.0;
    th[1] = det > 0 ? (s11 * t2 - s12 * t1) / det : 0.0;
    th[0] = clamp(th[0], 0.0, 1.0);
    th[1] = fmax(th[1], 0.0);
}

/* The USL from three starts (linear, Amdahl's f with kappa 0, sigma 0 with
 * kappa alone), keeping the lowest RSS. */
static void fit_usl(const double *p, const double *s, size_t m, double *param)
{
    double starts[3][2];
    usl_linear_start(p, s, m, starts[0]);
    starts[1][0] = fit_one_param(MODELS_AMDAHL, p, s, m);
    starts[1][1] = 0.0;
    starts[2][0] = 0.0;
    starts[2][1] = starts[0][1];
    double best = INFINITY;
    for (int k = 0; k < 3; k++) {
        double rss = usl_refine(p, s, m, starts[k]);
        if (rss < best)
            best = rss, param[0] = starts[k][0], param[1] = starts[k][1];
    }
}

/* The state of a one-parameter fit at x: at a bound, the sign of J^T r
 * says whether the optimum lies beyond it. */
static enum models_state one_param_state(enum models_law law, const double *p,
                                         const double *s, size_t m, double x,
                                         bool *at_bound)
{
    double jtr, jtj;
    one_param_normal(law, p, s, m, x, &jtr, &jtj);
    *at_bound = x <= 0.0 && jtr < 0.0;
    return x >= 1.0 && jtr > 0.0 ? MODELS_SLOWER : MODELS_FITTED;
}

enum models_state models_fit_points(enum models_law law, const double *p,
                                    const double *s, size_t m, double *param,
                                    bool *at_bound)
{
    param[0] = param[1] = NAN;
    *at_bound = false;
    if (count_usable(p, s, m) < models_law_params(law))
        return MODELS_TOO_FEW;
    if (law == MODELS_USL) {
        fit_usl(p, s, m, param);
        return MODELS_FITTED;
    }
    param[0] = fit_one_param(law, p, s, m);
    return one_param_state(law, p, s, m, param[0], at_bound);
}

/* A bootstrap refit: the replicate's points lie near the estimate's, so
 * the search starts there instead of on a grid or from several starts
 * (the coverage figures of tests/test_models.c are the same either way). */
static void refit(enum models_law law, const double *p, const double *s, size_t m,
                  const double *start, double *param)
{
    if (law != MODELS_USL) {
        param[0] = refine_one_param(law, p, s, m, start[0]);
        return;
    }
    param[0] = start[0], param[1] = start[1];
    usl_refine(p, s, m, param);
}

double models_aicc(size_t n, size_t k, double rss)
{
    double kk = (double)k + 1.0, nn = (double)n; /* + 1: the noise variance */
    if (nn <= kk + 1.0 || !(rss >= 0.0))
        return NAN;
    /* A perfect fit has RSS 0; rounding leaves about DBL_EPSILON^2 per point. */
    double floor = nn * DBL_EPSILON * DBL_EPSILON;
    return nn * log(fmax(rss, floor) / nn) + 2.0 * kk + 2.0 * kk * (kk + 1.0) / (nn - kk - 1.0);
}

/* Block fitting ---------------------------------------------------------- */

/* A block's points at the estimate and per replicate, and the scratch the
 * bootstrap needs. */
struct work {
    const struct models_count *counts;
    size_t ncounts, base;   /* base: the 1-core count */
    size_t npoints;
    size_t *src;            /* the count of each point */
    double *p, *s;          /* cores and speedups of the points */
    double base_median;
    unsigned *hits;         /* resampling histogram */
    double *reps;           /* [law][value][replicate] */
    int replicates;
    bool weak;
};

static double sorted_median(const double *x, size_t n)
{
    return n % 2 ? x[n / 2] : 0.5 * (x[n / 2 - 1] + x[n / 2]);
}

/* The median of n draws with replacement from sorted x: a histogram of
 * the drawn indices, walked in order, needs no sort. */
static double resampled_median(rng_t *rng, const double *x, size_t n, unsigned *hits)
{
    memset(hits, 0, n * sizeof *hits);
    for (size_t k = 0; k < n; k++)
        hits[rng_bounded(rng, n)]++;
    size_t lo = (n - 1) / 2, hi = n / 2, seen = 0;
    double a = NAN, b = NAN;
    for (size_t i = 0; i < n && isnan(b); i++) {
        seen += hits[i];
        if (isnan(a) && seen > lo)
            a = x[i];
        if (seen > hi)
            b = x[i];
    }
    return 0.5 * (a + b);
}

static double point_speedup(const struct work *w, double base, double median, double p)
{
    return (w->weak ? p : 1.0) * base / median;
}

static void init_fit(struct models_fit *f, enum models_law law, double max_cores)
{
    const struct models_value none = {NAN, NAN, NAN};
    memset(f, 0, sizeof *f);
    f->law = law;
    f->r2 = f->aicc = f->delta_aicc = NAN;
    f->param[0] = f->param[1] = f->peak_cores = f->peak_speedup = none;
    for (int h = 0; h < MODELS_HORIZONS; h++) {
        f->horizon[h] = HORIZON_FACTOR[h] * max_cores;
        f->speedup[h] = f->efficiency[h] = none;
    }
    double top = log(HORIZON_FACTOR[MODELS_HORIZONS - 1] * fmax(max_cores, 1.0));
    for (int c = 0; c < MODELS_CURVE_POINTS; c++) {
        f->curve_cores[c] = exp(top * c / (MODELS_CURVE_POINTS - 1));
        f->curve[c] = none;
    }
}

/* The USL's peak p* = sqrt((1 - sigma) / kappa) (at least 1 core) and the
 * speedup there; without coherency cost (kappa = 0) no peak: the speedup
 * approaches 1 / sigma. */
static void usl_peak(const double *param, double *cores, double *speedup)
{
    if (param[1] > 0.0) {
        *cores = fmax(1.0, sqrt((1.0 - param[0]) / param[1]));
        *speedup = models_speedup(MODELS_USL, param, *cores);
    } else {
        *cores = INFINITY;
        *speedup = param[0] > 0.0 ? 1.0 / param[0] : INFINITY;
    }
}

/* Everything the intervals are taken over, for one parameter set. */
static void law_values(const struct models_fit *f, const double *param, double *v)
{
    v[V_PARAM] = param[0];
    v[V_PARAM + 1] = f->law == MODELS_USL ? param[1] : NAN;
    for (int h = 0; h < MODELS_HORIZONS; h++)
        v[V_HORIZON + h] = models_speedup(f->law, param, f->horizon[h]);
    v[V_PEAK] = v[V_PEAK_SPEEDUP] = NAN;
    if (f->law == MODELS_USL)
        usl_peak(param, &v[V_PEAK], &v[V_PEAK_SPEEDUP]);
    for (int c = 0; c < MODELS_CURVE_POINTS; c++)
        v[V_CURVE + c] = models_speedup(f->law, param, f->curve_cores[c]);
}

/* Where value j of law_values lives in a models_fit. */
static struct models_value *value_slot(struct models_fit *f, int j)
{
    if (j < V_HORIZON)
        return &f->param[j - V_PARAM];
    if (j < V_PEAK)
        return &f->speedup[j - V_HORIZON];
    if (j == V_PEAK)
        return &f->peak_cores;
    if (j == V_PEAK_SPEEDUP)
        return &f->peak_speedup;
    return &f->curve[j - V_CURVE];
}

/* The estimate: fit, R^2, AICc and every derived value. */
static void fit_estimate(struct models_fit *f, const struct work *w)
{
    double param[MODELS_PARAMS_MAX], v[VALUES];
    f->state = models_fit_points(f->law, w->p, w->s, w->npoints, param, &f->at_bound);
    f->points = count_usable(w->p, w->s, w->npoints);
    if (f->state != MODELS_FITTED)
        return;
    double rss = rss_of(f->law, param, w->p, w->s, w->npoints), mean = 0.0, tss = 0.0;
    for (size_t i = 0; i < w->npoints; i++)
        mean += usable(w->p[i], w->s[i]) ? w->s[i] / (double)f->points : 0.0;
    for (size_t i = 0; i < w->npoints; i++)
        if (usable(w->p[i], w->s[i]))
            tss += (w->s[i] - mean) * (w->s[i] - mean);
    f->r2 = tss > 0.0 ? 1.0 - rss / tss : NAN;
    f->aicc = models_aicc(f->points, models_law_params(f->law), rss);
    law_values(f, param, v);
    for (int j = 0; j < VALUES; j++)
        value_slot(f, j)->est = v[j];
}

/* The k-th smallest of v[0..n) (0-based), v reordered around it
 * (quickselect: two percentiles of each value per block need no sort). */
static double select_kth(double *v, size_t n, size_t k)
{
    size_t lo = 0, hi = n - 1;
    while (lo < hi) {
        double pivot = v[lo + (hi - lo) / 2];
        size_t i = lo, j = hi;
        while (i <= j) {
            while (v[i] < pivot)
                i++;
            while (v[j] > pivot)
                j--;
            if (i <= j) {
                double t = v[i];
                v[i] = v[j], v[j] = t;
                i++;
                if (j == 0)
                    break;
                j--;
            }
        }
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            return v[k];
    }
    return v[k];
}

/* Quantile q of v[0..n) by linear interpolation between order statistics
 * (an infinite neighbour gives infinity); v is reordered so that the
 * elements past the lower order statistic are all at least it. */
static double quantile(double *v, size_t n, double q)
{
    double h = q * (double)(n - 1);
    size_t lo = (size_t)floor(h);
    double a = select_kth(v, n, lo), t = h - (double)lo;
    if (lo + 1 >= n || t == 0.0)
        return a;
    double b = v[lo + 1]; /* the smallest above a: after the select, past lo */
    for (size_t i = lo + 2; i < n; i++)
        b = v[i] < b ? v[i] : b;
    return a == b ? a : a + t * (b - a);
}

/* Percentile interval of the n replicates in v (reordered; NANs dropped).
 * The upper quantile is sought among the values past the lower one. */
static void percentile_interval(double *v, size_t n, struct models_value *out)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(v[i]))
            v[k++] = v[i];
    if (k == 1)
        out->low = out->high = v[0];
    if (k <= 1)
        return;
    double q_low = (1.0 - LEVEL) / 2.0, q_high = (1.0 + LEVEL) / 2.0;
    out->low = quantile(v, k, q_low);
    size_t skip = (size_t)floor(q_low * (double)(k - 1)); /* all below the rest */
    out->high = quantile(v + skip, k - skip,
                         (q_high * (double)(k - 1) - (double)skip) / (double)(k - 1 - skip));
}

/* One replicate: every count's runs resampled, medians, speedups, refits. */
static void replicate(struct work *w, rng_t *rng, int r, struct models_block *out)
{
    const struct models_count *c = w->counts;
    double base = resampled_median(rng, c[w->base].times, c[w->base].n, w->hits);
    double *s = w->s + w->npoints; /* the replicate's speedups beside the estimate's */
    for (size_t i = 0; i < w->npoints; i++) {
        const struct models_count *ci = &c[w->src[i]];
        s[i] = point_speedup(w, base, resampled_median(rng, ci->times, ci->n, w->hits),
                             w->p[i]);
    }
    for (size_t l = 0; l < out->nfits; l++) {
        struct models_fit *f = &out->fit[l];
        if (f->state != MODELS_FITTED)
            continue;
        double start[MODELS_PARAMS_MAX] = {f->param[0].est, f->param[1].est};
        double param[MODELS_PARAMS_MAX] = {NAN, NAN}, v[VALUES];
        refit(f->law, w->p, s, w->npoints, start, param);
        law_values(f, param, v);
        for (int j = 0; j < VALUES; j++)
            w->reps[((size_t)l * VALUES + (size_t)j) * (size_t)w->replicates + (size_t)r] = v[j];
    }
}

static void bootstrap(struct work *w, uint64_t seed, uint64_t stream,
                      struct models_block *out)
{
    rng_t rng = rng_stream(seed, stream);
    for (int r = 0; r < w->replicates; r++)
        replicate(w, &rng, r, out);
    for (size_t l = 0; l < out->nfits; l++) {
        struct models_fit *f = &out->fit[l];
        if (f->state != MODELS_FITTED)
            continue;
        for (int j = 0; j < VALUES; j++)
            percentile_interval(w->reps + ((size_t)l * VALUES + (size_t)j) *
                                (size_t)w->replicates, (size_t)w->replicates,
                                value_slot(f, j));
    }
}

/* Efficiency from the speedups, the retrograde flag and the AICc choice. */
static void finish_block(struct models_block *out)
{
    double best = INFINITY;
    for (size_t l = 0; l < out->nfits; l++) {
        struct models_fit *f = &out->fit[l];
        for (int h = 0; h < MODELS_HORIZONS; h++) {
            const struct models_value *s = &f->speedup[h];
            f->efficiency[h] = (struct models_value){s->est / f->horizon[h],
                                                     s->low / f->horizon[h],
                                                     s->high / f->horizon[h]};
        }
        f->retrograde = f->state == MODELS_FITTED && f->law == MODELS_USL &&
                        out->replicates > 0 && f->param[1].low > 0.0 &&
                        f->peak_cores.est <= MODELS_RETROGRADE_NEAR * out->max_cores;
        if (f->state == MODELS_FITTED && isfinite(f->aicc) && f->aicc < best)
            best = f->aicc;
    }
    for (size_t l = 0; l < out->nfits; l++) {
        struct models_fit *f = &out->fit[l];
        if (f->state != MODELS_FITTED || !isfinite(f->aicc))
            continue;
        f->delta_aicc = f->aicc - best;
        f->chosen = f->aicc == best;
    }
}

/* The points (every count above 1 core) at the medians, and the block's
 * facts; false without a baseline. */
static bool gather_points(struct work *w, struct models_block *out)
{
    const struct models_count *c = w->counts;
    bool found = false;
    out->min_runs = w->ncounts > 0 ? SIZE_MAX : 0;
    for (size_t i = 0; i < w->ncounts; i++) {
        out->max_cores = fmax(out->max_cores, c[i].cores);
        out->min_runs = c[i].n < out->min_runs ? c[i].n : out->min_runs;
        if (c[i].cores == 1.0 && c[i].n > 0 && !found)
            w->base = i, found = true;
    }
    out->counts = w->ncounts;
    if (!found)
        return false;
    w->base_median = sorted_median(c[w->base].times, c[w->base].n);
    for (size_t i = 0; i < w->ncounts; i++) {
        if (i == w->base || c[i].n == 0)
            continue;
        double p = c[i].cores, s = point_speedup(w, w->base_median,
                                                 sorted_median(c[i].times, c[i].n), p);
        w->src[w->npoints] = i, w->p[w->npoints] = p, w->s[w->npoints++] = s;
        if (usable(p, s) && !(s >= out->worst_speedup))
            out->worst_speedup = s, out->worst_cores = p;
        if (usable(p, s) && !(s / p <= out->best_excess))
            out->best_excess = s / p, out->best_cores = p;
    }
    return true;
}

static int work_alloc(struct work *w, const struct models_count *counts, size_t m,
                      int replicates, errmsg_t *err)
{
    size_t maxn = 1;
    for (size_t i = 0; i < m; i++)
        maxn = counts[i].n > maxn ? counts[i].n : maxn;
    size_t cells = (size_t)MODELS_LAWS_MAX * VALUES * (size_t)(replicates > 0 ? replicates : 1);
    w->src = malloc((m ? m : 1) * sizeof *w->src);
    w->p = malloc((m ? m : 1) * sizeof *w->p);
    w->s = malloc(2 * (m ? m : 1) * sizeof *w->s);
    w->hits = malloc(maxn * sizeof *w->hits);
    w->reps = malloc(cells * sizeof *w->reps);
    if (w->src == NULL || w->p == NULL || w->s == NULL || w->hits == NULL ||
        w->reps == NULL)
        return errmsg_set(err, STATUS_NOMEM, "models: out of memory");
    return STATUS_OK;
}

static void work_free(struct work *w)
{
    free(w->src), free(w->p), free(w->s), free(w->hits), free(w->reps);
}

int models_fit_block(const struct models_count *counts, size_t m, bool weak,
                     int replicates, uint64_t seed, uint64_t stream,
                     struct models_block *out, errmsg_t *err)
{
    struct work w = {.counts = counts, .ncounts = m, .weak = weak};
    memset(out, 0, sizeof *out);
    out->weak = weak;
    out->worst_speedup = out->worst_cores = out->best_excess = out->best_cores = NAN;
    int rc = work_alloc(&w, counts, m, replicates, err);
    if (rc != STATUS_OK) {
        work_free(&w);
        return rc;
    }
    bool based = gather_points(&w, out);
    w.replicates = based && out->min_runs >= MODELS_MIN_RUNS ? replicates : 0;
    out->replicates = w.replicates > 0 ? w.replicates : 0;
    const enum models_law strong[] = {MODELS_AMDAHL, MODELS_USL};
    out->nfits = weak ? 1 : 2;
    for (size_t l = 0; l < out->nfits; l++) {
        init_fit(&out->fit[l], weak ? MODELS_GUSTAFSON : strong[l], out->max_cores);
        if (based)
            fit_estimate(&out->fit[l], &w);
        else
            out->fit[l].state = MODELS_NO_BASELINE;
    }
    if (out->replicates > 0)
        bootstrap(&w, seed, stream, out);
    finish_block(out);
    work_free(&w);
    return STATUS_OK;
}
