/* kmeans: greedy k-means++ and Lloyd, after scikit-learn 1.2; see
 * include/kmeans.h.
 *
 * Data live feature-major (xs[f * n + i]) so the hot loops run over samples
 * with unit stride and vectorise; d == 2 (the PCA output) has fused kernels.
 * Distances for the assignment step use scikit-learn's ||c||^2 - 2 x.c on
 * centred data (same argmin, one multiply-add per feature); k-means++,
 * relocation, inertia and predict use the exact squared difference. */
#include "kmeans.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Samples per assignment block: the block's running minima stay in L1. */
enum { ASSIGN_BLOCK = 256 };
/* Independent partial sums in reductions: lets the loops vectorise while
 * keeping one fixed summation order. */
enum { SUM_LANES = 4 };
/* Labels up to this many are compared through a stack map. */
enum { SAME_MAP_MAX = 256 };
/* d == 2 centre sums: interleaved partial sets of (weight, sum x, sum y). */
enum { ACC_SETS = 4, ACC_FIELDS = 3 };

/* --------------------------------------------------------------- helpers */

static int n_local_trials(int k)
{
    return 2 + (int)log((double)k); /* Arthur & Vassilvitskii; sklearn's */
}

/* Sum of v[0..n) in SUM_LANES interleaved partial sums, then pairwise. */
static double sum_lanes(const double *v, size_t n)
{
    double acc[SUM_LANES] = {0.0};
    size_t i = 0;
    for (; i + SUM_LANES <= n; i += SUM_LANES)
        for (size_t l = 0; l < SUM_LANES; l++)
            acc[l] += v[i + l];
    double s = (acc[0] + acc[1]) + (acc[2] + acc[3]);
    for (; i < n; i++)
        s += v[i];
    return s;
}

/* Validate k and the workspace (large enough) against the data. */
static int check_fit_args(const struct kmeans_data *kd, int k,
                          const struct kmeans_work *w, errmsg_t *err)
{
    if (w->n < kd->n || w->d < kd->d)
        return errmsg_set(err, STATUS_USAGE,
                          "k-means: workspace is for n<=%zu d<=%d, data has "
                          "n=%zu d=%d", w->n, w->d, kd->n, kd->d);
    if (k < 1 || (size_t)k > kd->n || k > w->kmax)
        return errmsg_set(err, STATUS_USAGE,
                          "k-means: k=%d must be in 1..%zu (samples) and "
                          "<= %d (workspace)", k, kd->n, w->kmax);
    return STATUS_OK;
}

/* check_fit_args plus the iteration cap. */
static int check_run_args(const struct kmeans_data *kd, int k, int max_iter,
                          const struct kmeans_work *w, errmsg_t *err)
{
    if (max_iter < 1)
        return errmsg_set(err, STATUS_USAGE, "k-means: max_iter=%d < 1",
                          max_iter);
    return check_fit_args(kd, k, w, err);
}

/* ------------------------------------------------------- data, workspace */

double kmeans_tolerance(const double *X, size_t n, int d, double tol)
{
    if (tol == 0.0 || n == 0 || d < 1)
        return 0.0;
    const size_t du = (size_t)d;
    double total = 0.0;
    for (size_t f = 0; f < du; f++) {
        double mean = 0.0, var = 0.0;
        for (size_t i = 0; i < n; i++)
            mean += X[i * du + f];
        mean /= (double)n;
        for (size_t i = 0; i < n; i++) {
            double t = X[i * du + f] - mean;
            var += t * t;
        }
        total += var / (double)n;
    }
    return total / (double)d * tol;
}

double kmeans_tol_abs(const struct kmeans_data *kd, double tol)
{
    return tol == 0.0 ? 0.0 : kd->var_mean * tol;
}

int kmeans_data_init(struct kmeans_data *kd, const double *X, size_t n, int d,
                     errmsg_t *err)
{
    memset(kd, 0, sizeof *kd);
    if (n < 1 || d < 1)
        return errmsg_set(err, STATUS_USAGE,
                          "k-means: need at least one sample and one feature");
    const size_t du = (size_t)d;
    kd->mean = calloc(du, sizeof *kd->mean);
    kd->xs = malloc(n * du * sizeof *kd->xs);
    if (kd->mean == NULL || kd->xs == NULL) {
        kmeans_data_free(kd);
        return errmsg_set(err, STATUS_NOMEM,
                          "k-means: out of memory (n=%zu d=%d)", n, d);
    }
    kd->n = n;
    kd->d = d;
    for (size_t i = 0; i < n; i++)
        for (size_t f = 0; f < du; f++)
            kd->mean[f] += X[i * du + f];
    for (size_t f = 0; f < du; f++)
        kd->mean[f] /= (double)n;
    for (size_t f = 0; f < du; f++)
        for (size_t i = 0; i < n; i++)
            kd->xs[f * n + i] = X[i * du + f] - kd->mean[f];
    kd->var_mean = kmeans_tolerance(X, n, d, 1.0);
    return STATUS_OK;
}

void kmeans_data_free(struct kmeans_data *kd)
{
    free(kd->mean);
    free(kd->xs);
    memset(kd, 0, sizeof *kd);
}

int kmeans_work_init(struct kmeans_work *w, size_t n, int kmax, int d,
                     errmsg_t *err)
{
    memset(w, 0, sizeof *w);
    if (kmax < 1 || d < 1)
        return errmsg_set(err, STATUS_USAGE,
                          "k-means: workspace needs kmax >= 1 and d >= 1");
    const size_t kd = (size_t)kmax * (size_t)d, nn = n ? n : 1;
    w->dist = malloc(nn * sizeof *w->dist);
    w->trial = malloc(nn * sizeof *w->trial);
    w->best = malloc(nn * sizeof *w->best);
    w->cand = malloc((size_t)n_local_trials(kmax) * sizeof *w->cand);
    /* One block: centers | centers_new | cmul | cnorm | weight | sets. */
    w->centers = malloc((3 * kd + 2 * (size_t)kmax +
                         ACC_SETS * ACC_FIELDS * (size_t)kmax) *
                        sizeof *w->centers);
    if (!w->dist || !w->trial || !w->best || !w->cand || !w->centers) {
        kmeans_work_free(w);
        return errmsg_set(err, STATUS_NOMEM,
                          "k-means: out of memory (n=%zu k=%d)", n, kmax);
    }
    w->n = n;
    w->kmax = kmax;
    w->d = d;
    w->centers_new = w->centers + kd;
    w->cmul = w->centers_new + kd;
    w->cnorm = w->cmul + kd;
    w->weight = w->cnorm + kmax;
    w->sets = w->weight + kmax;
    return STATUS_OK;
}

void kmeans_work_free(struct kmeans_work *w)
{
    free(w->dist);
    free(w->trial);
    free(w->best);
    free(w->cand);
    free(w->centers);
    memset(w, 0, sizeof *w);
}

/* ------------------------------------------------------------- k-means++ */

/* d == 2: out[i] = min(closest[i], |x_i - x_c|^2); returns sum(out). */
static double potential_d2(const double *x, const double *y, size_t n,
                           size_t c, const double *closest, double *out)
{
    const double px = x[c], py = y[c];
    double acc[SUM_LANES] = {0.0};
    size_t i = 0;
    for (; i + SUM_LANES <= n; i += SUM_LANES)
        for (size_t l = 0; l < SUM_LANES; l++) {
            double dx = x[i + l] - px, dy = y[i + l] - py;
            double t = dx * dx + dy * dy;
            t = t < closest[i + l] ? t : closest[i + l];
            out[i + l] = t;
            acc[l] += t;
        }
    double s = (acc[0] + acc[1]) + (acc[2] + acc[3]);
    for (; i < n; i++) {
        double dx = x[i] - px, dy = y[i] - py;
        double t = dx * dx + dy * dy;
        t = t < closest[i] ? t : closest[i];
        out[i] = t;
        s += t;
    }
    return s;
}

/* out[i] = min(closest[i], |x_i - x_c|^2) for every sample, i.e. the
 * closest squared distances if sample c became a centre; returns their sum
 * (the potential). out must not alias closest. */
static double potential_with(const struct kmeans_data *kd, size_t c,
                             const double *closest, double *out)
{
    const size_t n = kd->n, d = (size_t)kd->d;
    if (d == 2)
        return potential_d2(kd->xs, kd->xs + n, n, c, closest, out);
    for (size_t i = 0; i < n; i++)
        out[i] = 0.0;
    for (size_t f = 0; f < d; f++) {
        const double *xf = kd->xs + f * n, p = xf[c];
        for (size_t i = 0; i < n; i++)
            out[i] += (xf[i] - p) * (xf[i] - p);
    }
    for (size_t i = 0; i < n; i++)
        out[i] = out[i] < closest[i] ? out[i] : closest[i];
    return sum_lanes(out, n);
}

/* First index with cum[i] >= r (numpy searchsorted, side left), clipped to
 * the last index as scikit-learn does against rounding. */
static size_t search_cumsum(const double *cum, size_t n, double r)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cum[mid] < r)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n ? lo : n - 1;
}

/* Centred coordinates of sample i into c (d values). */
static void copy_sample(const struct kmeans_data *kd, size_t i, double *c)
{
    for (size_t f = 0; f < (size_t)kd->d; f++)
        c[f] = kd->xs[f * kd->n + i];
}

/* Greedy k-means++ into cc (k x d, centred); indices optional. */
static void seed_centres(const struct kmeans_data *kd, int k, rng_t *rng,
                         struct kmeans_work *w, double *cc, int *indices)
{
    const size_t n = kd->n, d = (size_t)kd->d;
    const int trials = n_local_trials(k);
    double *dist = w->dist, *trial = w->trial, *best = w->best, *tmp;
    size_t chosen = (size_t)rng_bounded(rng, n);
    for (size_t i = 0; i < n; i++)
        dist[i] = HUGE_VAL;
    (void)potential_with(kd, chosen, dist, trial);
    tmp = dist, dist = trial, trial = tmp;
    for (int c = 0;; c++) {
        copy_sample(kd, chosen, cc + (size_t)c * d);
        if (indices != NULL)
            indices[c] = (int)chosen;
        if (c + 1 == k)
            return;
        /* Inverse CDF: cumulative sums (in best until it is reused). The
         * draws scale their own total, not the separately summed potential
         * sklearn uses, so they land inside without clipping. */
        double total = 0.0;
        for (size_t i = 0; i < n; i++)
            best[i] = total += dist[i];
        for (int t = 0; t < trials; t++)
            w->cand[t] = search_cumsum(best, n, rng_uniform(rng) * total);
        double best_pot = 0.0;
        for (int t = 0; t < trials; t++) {
            double pot = potential_with(kd, w->cand[t], dist, trial);
            if (t == 0 || pot < best_pot) { /* first wins ties, as argmin */
                best_pot = pot;
                chosen = w->cand[t];
                tmp = best, best = trial, trial = tmp;
            }
        }
        tmp = dist, dist = best, best = tmp;
    }
}

/* centers (k x d, caller's coordinates) = centred cc + mean. */
static void uncentre(const struct kmeans_data *kd, const double *cc, int k,
                     double *centers)
{
    const size_t d = (size_t)kd->d;
    for (size_t j = 0; j < (size_t)k; j++)
        for (size_t f = 0; f < d; f++)
            centers[j * d + f] = cc[j * d + f] + kd->mean[f];
}

int kmeans_plusplus(const struct kmeans_data *kd, int k, rng_t *rng,
                    struct kmeans_work *w, double *centers, int *indices,
                    errmsg_t *err)
{
    int rc = check_fit_args(kd, k, w, err);
    if (rc != STATUS_OK)
        return rc;
    seed_centres(kd, k, rng, w, w->centers, indices);
    uncentre(kd, w->centers, k, centers);
    return STATUS_OK;
}

/* ----------------------------------------------------------------- Lloyd */

/* cnorm[j] = |c_j|^2 and cmul[f * k + j] = -2 c_j[f] for centred cc. */
static void prepare_centres(const double *cc, int k, int d, double *cnorm,
                            double *cmul)
{
    for (size_t j = 0; j < (size_t)k; j++) {
        double s = 0.0;
        for (size_t f = 0; f < (size_t)d; f++) {
            double c = cc[j * (size_t)d + f];
            s += c * c;
            cmul[f * (size_t)k + j] = -2.0 * c;
        }
        cnorm[j] = s;
    }
}

/* The nearest-centre loops keep the running minimum and its label in local
 * double arrays and store both selects, computed first, unconditionally:
 * gcc 12 then emits blends; written as `best[t] = closer ? v : best[t]` it
 * emits branchy masked stores, 3x slower. */

/* d == 2: lab[t] = argmin_j |c_j|^2 - 2 x_t.c_j for m samples (x, y), the
 * lowest j on ties. The loops over samples vectorise. */
static void nearest_block_d2(const double *restrict x,
                             const double *restrict y, size_t m,
                             const double *restrict cnorm,
                             const double *restrict cmul, int k,
                             int *restrict lab)
{
    double best[ASSIGN_BLOCK], labd[ASSIGN_BLOCK];
    const double *m0 = cmul, *m1 = cmul + k;
    for (size_t t = 0; t < m; t++) {
        best[t] = cnorm[0] + x[t] * m0[0] + y[t] * m1[0];
        labd[t] = 0.0;
    }
    for (int j = 1; j < k; j++) {
        const double cj = cnorm[j], aj = m0[j], bj = m1[j], jd = j;
        for (size_t t = 0; t < m; t++) {
            double v = cj + x[t] * aj + y[t] * bj, b = best[t], l = labd[t];
            int closer = v < b;
            double nb = closer ? v : b, nl = closer ? jd : l;
            best[t] = nb;
            labd[t] = nl;
        }
    }
    for (size_t t = 0; t < m; t++)
        lab[t] = (int)labd[t];
}

/* Any d: the same for samples i0..i0+m-1. */
static void nearest_block(const struct kmeans_data *kd, size_t i0, size_t m,
                          const double *cnorm, const double *cmul, int k,
                          int *restrict lab)
{
    double best[ASSIGN_BLOCK], labd[ASSIGN_BLOCK], v[ASSIGN_BLOCK];
    const size_t n = kd->n, d = (size_t)kd->d;
    for (size_t t = 0; t < m; t++) {
        best[t] = HUGE_VAL;
        labd[t] = 0.0;
    }
    for (int j = 0; j < k; j++) {
        for (size_t t = 0; t < m; t++)
            v[t] = cnorm[j];
        for (size_t f = 0; f < d; f++) {
            const double *xf = kd->xs + f * n + i0, a = cmul[f * (size_t)k + j];
            for (size_t t = 0; t < m; t++)
                v[t] += xf[t] * a;
        }
        const double jd = j;
        for (size_t t = 0; t < m; t++) {
            double b = best[t], l = labd[t];
            int closer = v[t] < b;
            double nb = closer ? v[t] : b, nl = closer ? jd : l;
            best[t] = nb;
            labd[t] = nl;
        }
    }
    for (size_t t = 0; t < m; t++)
        lab[t] = (int)labd[t];
}

/* Add samples i0..i0+m-1 to the sums (k x d) and weights of their labels.
 * d == 2 goes to ACC_SETS interleaved partial sums instead (see
 * reduce_sets), so runs of equal labels do not serialise on one address. */
static void accumulate(const struct kmeans_data *kd, size_t i0, size_t m,
                       const int *lab, int k, double *sums, double *weight,
                       double *sets)
{
    const size_t n = kd->n, d = (size_t)kd->d;
    if (d == 2) {
        const double *x = kd->xs + i0, *y = kd->xs + n + i0;
        for (size_t t = 0; t < m; t++) {
            double *a = sets + ((t % ACC_SETS) * (size_t)k + (size_t)lab[t]) *
                                   ACC_FIELDS;
            a[0] += 1.0;
            a[1] += x[t];
            a[2] += y[t];
        }
        return;
    }
    for (size_t t = 0; t < m; t++) {
        size_t l = (size_t)lab[t];
        weight[l] += 1.0;
        for (size_t f = 0; f < d; f++)
            sums[l * d + f] += kd->xs[f * n + i0 + t];
    }
}

/* d == 2: weights and sums from the partial sets, in a fixed order. */
static void reduce_sets(const double *sets, int k, double *sums,
                        double *weight)
{
    const size_t ku = (size_t)k;
    for (size_t l = 0; l < ku; l++) {
        double acc[ACC_FIELDS] = {0.0};
        for (size_t s = 0; s < ACC_SETS; s++)
            for (size_t c = 0; c < ACC_FIELDS; c++)
                acc[c] += sets[(s * ku + l) * ACC_FIELDS + c];
        weight[l] = acc[0];
        sums[l * 2] = acc[1];
        sums[l * 2 + 1] = acc[2];
    }
}

/* E step: label every sample with its nearest centre (prepared by
 * prepare_centres); with sums != NULL also the M-step sums and weights
 * (sets: workspace for accumulate). Returns how many labels changed. */
static size_t assign(const struct kmeans_data *kd, int k, const double *cnorm,
                     const double *cmul, int *labels, double *sums,
                     double *weight, double *sets)
{
    const size_t n = kd->n;
    int lab[ASSIGN_BLOCK];
    size_t changed = 0;
    if (sums != NULL) {
        memset(sums, 0, (size_t)k * (size_t)kd->d * sizeof *sums);
        memset(weight, 0, (size_t)k * sizeof *weight);
        memset(sets, 0, ACC_SETS * ACC_FIELDS * (size_t)k * sizeof *sets);
    }
    for (size_t i0 = 0; i0 < n; i0 += ASSIGN_BLOCK) {
        size_t m = n - i0 < ASSIGN_BLOCK ? n - i0 : ASSIGN_BLOCK;
        if (kd->d == 2)
            nearest_block_d2(kd->xs + i0, kd->xs + n + i0, m, cnorm, cmul, k,
                             lab);
        else
            nearest_block(kd, i0, m, cnorm, cmul, k, lab);
        for (size_t t = 0; t < m; t++) {
            changed += labels[i0 + t] != lab[t];
            labels[i0 + t] = lab[t];
        }
        if (sums != NULL)
            accumulate(kd, i0, m, labels + i0, k, sums, weight, sets);
    }
    if (sums != NULL && kd->d == 2)
        reduce_sets(sets, k, sums, weight);
    return changed;
}

/* Squared distance of sample i to centred centre c. */
static double sq_dist(const struct kmeans_data *kd, size_t i, const double *c)
{
    double s = 0.0;
    for (size_t f = 0; f < (size_t)kd->d; f++) {
        double t = kd->xs[f * kd->n + i] - c[f];
        s += t * t;
    }
    return s;
}

/* scikit-learn's _relocate_empty_clusters_dense: each empty cluster, in
 * index order, takes the next sample farthest from its (old) centre, which
 * leaves its own cluster's sums. Farthest first, lowest index on ties;
 * sklearn's argpartition agrees for up to two empty clusters at once. */
static void relocate_empty(const struct kmeans_data *kd, int k,
                           const double *cc_old, double *sums, double *weight,
                           const int *labels, double *dist)
{
    const size_t n = kd->n, d = (size_t)kd->d;
    int n_empty = 0;
    for (int j = 0; j < k; j++)
        if (weight[j] == 0.0) {
            weight[j] = -1.0; /* mark: empty before any relocation */
            n_empty++;
        }
    if (n_empty == 0)
        return;
    for (size_t i = 0; i < n; i++)
        dist[i] = sq_dist(kd, i, cc_old + (size_t)labels[i] * d);
    for (size_t j = 0; j < (size_t)k; j++) {
        if (weight[j] != -1.0)
            continue;
        size_t far = 0;
        for (size_t i = 1; i < n; i++)
            if (dist[i] > dist[far])
                far = i;
        dist[far] = -1.0; /* taken */
        size_t old = (size_t)labels[far];
        for (size_t f = 0; f < d; f++) {
            double x = kd->xs[f * n + far];
            sums[old * d + f] -= x;
            sums[j * d + f] = x;
        }
        weight[j] = 1.0;
        weight[old] -= 1.0;
    }
}

/* Sums to means (times the reciprocal, as sklearn). A cluster still empty
 * copies the heaviest cluster's row as it stands at that moment. */
static void average_centres(double *cc, const double *weight, int k, int d)
{
    size_t heaviest = 0;
    for (size_t j = 1; j < (size_t)k; j++)
        if (weight[j] > weight[heaviest])
            heaviest = j;
    for (size_t j = 0; j < (size_t)k; j++)
        for (size_t f = 0; f < (size_t)d; f++) {
            double *c = cc + j * (size_t)d + f;
            if (weight[j] > 0.0)
                *c *= 1.0 / weight[j];
            else
                *c = cc[heaviest * (size_t)d + f];
        }
}

/* Sum over clusters of the squared shift, as sklearn: each shift is a
 * Euclidean norm, squared again. */
static double centre_shift(const double *a, const double *b, int k, int d)
{
    double total = 0.0;
    for (size_t j = 0; j < (size_t)k; j++) {
        double s = 0.0;
        for (size_t f = 0; f < (size_t)d; f++) {
            double t = b[j * (size_t)d + f] - a[j * (size_t)d + f];
            s += t * t;
        }
        s = sqrt(s);
        total += s * s;
    }
    return total;
}

/* Sum of squared distances to the assigned centres, in sample order. */
static double inertia(const struct kmeans_data *kd, const double *cc,
                      const int *labels)
{
    double s = 0.0;
    for (size_t i = 0; i < kd->n; i++)
        s += sq_dist(kd, i, cc + (size_t)labels[i] * (size_t)kd->d);
    return s;
}

/* Lloyd from the centred centres in w->centers; fills res. */
static void lloyd_run(const struct kmeans_data *kd, int k, int max_iter,
                      double tol_abs, struct kmeans_work *w,
                      struct kmeans_result *res)
{
    double *cc = w->centers, *cn = w->centers_new, *tmp;
    int *labels = res->labels;
    bool strict = false;
    int it;
    for (size_t i = 0; i < kd->n; i++)
        labels[i] = -1;
    for (it = 0; it < max_iter; it++) {
        prepare_centres(cc, k, kd->d, w->cnorm, w->cmul);
        size_t changed = assign(kd, k, w->cnorm, w->cmul, labels, cn,
                                w->weight, w->sets);
        relocate_empty(kd, k, cc, cn, w->weight, labels, w->dist);
        average_centres(cn, w->weight, k, kd->d);
        double shift = centre_shift(cc, cn, k, kd->d);
        tmp = cc, cc = cn, cn = tmp;
        if (changed == 0) {
            strict = true;
            break;
        }
        if (shift <= tol_abs)
            break;
    }
    res->n_iter = it < max_iter ? it + 1 : max_iter;
    if (!strict) { /* labels from the final centres, as sklearn */
        prepare_centres(cc, k, kd->d, w->cnorm, w->cmul);
        (void)assign(kd, k, w->cnorm, w->cmul, labels, NULL, NULL, NULL);
    }
    res->inertia = inertia(kd, cc, labels);
    uncentre(kd, cc, k, res->centers);
}

int kmeans_lloyd(const struct kmeans_data *kd, const double *init, int k,
                 int max_iter, double tol_abs, struct kmeans_work *w,
                 struct kmeans_result *res, errmsg_t *err)
{
    int rc = check_run_args(kd, k, max_iter, w, err);
    if (rc != STATUS_OK)
        return rc;
    const size_t d = (size_t)kd->d;
    for (size_t j = 0; j < (size_t)k; j++)
        for (size_t f = 0; f < d; f++)
            w->centers[j * d + f] = init[j * d + f] - kd->mean[f];
    lloyd_run(kd, k, max_iter, tol_abs, w, res);
    return STATUS_OK;
}

int kmeans_single(const struct kmeans_data *kd, int k, int max_iter,
                  double tol_abs, rng_t *rng, struct kmeans_work *w,
                  struct kmeans_result *res, errmsg_t *err)
{
    int rc = check_run_args(kd, k, max_iter, w, err);
    if (rc != STATUS_OK)
        return rc;
    seed_centres(kd, k, rng, w, w->centers, NULL);
    lloyd_run(kd, k, max_iter, tol_abs, w, res);
    return STATUS_OK;
}

/* -------------------------------------------------------------- restarts */

/* Large k: label by label, O(n k) time and no memory. */
static bool same_clustering_scan(const int *a, const int *b, size_t n, int k)
{
    for (int l = 0; l < k; l++) {
        size_t first = n;
        for (size_t i = 0; i < n; i++) {
            if (a[i] != l)
                continue;
            if (first == n)
                first = i;
            else if (b[i] != b[first])
                return false;
        }
    }
    return true;
}

bool kmeans_same_clustering(const int *a, const int *b, size_t n, int k)
{
    /* As sklearn: a -> b must be a function (one direction only). */
    int map[SAME_MAP_MAX];
    if (k > SAME_MAP_MAX)
        return same_clustering_scan(a, b, n, k);
    for (int j = 0; j < k; j++)
        map[j] = -1;
    for (size_t i = 0; i < n; i++) {
        if (map[a[i]] == -1)
            map[a[i]] = b[i];
        else if (map[a[i]] != b[i])
            return false;
    }
    return true;
}

bool kmeans_is_better(double inertia_new, const int *labels,
                      double best_inertia, const int *best_labels, size_t n,
                      int k)
{
    return inertia_new < best_inertia &&
           !kmeans_same_clustering(labels, best_labels, n, k);
}

/* Temporary result arrays for kmeans_fit. */
static int alloc_result(struct kmeans_result *r, size_t n, int k, int d)
{
    r->labels = malloc((n ? n : 1) * sizeof *r->labels);
    r->centers = malloc((size_t)k * (size_t)d * sizeof *r->centers);
    return r->labels != NULL && r->centers != NULL ? 0 : -1;
}

int kmeans_fit(const struct kmeans_data *kd, int k, int n_init, int max_iter,
               double tol_abs, rng_t *rngs, struct kmeans_result *best,
               errmsg_t *err)
{
    if (n_init < 1)
        return errmsg_set(err, STATUS_USAGE, "k-means: n_init=%d < 1", n_init);
    struct kmeans_work w;
    struct kmeans_result cur = {0};
    int rc = kmeans_work_init(&w, kd->n, k < 1 ? 1 : k, kd->d, err);
    if (rc == STATUS_OK && alloc_result(&cur, kd->n, k < 1 ? 1 : k, kd->d))
        rc = errmsg_set(err, STATUS_NOMEM, "k-means: out of memory (n=%zu)",
                        kd->n);
    if (rc == STATUS_OK)
        rc = kmeans_single(kd, k, max_iter, tol_abs, &rngs[0], &w, best, err);
    for (int r = 1; r < n_init && rc == STATUS_OK; r++) {
        rc = kmeans_single(kd, k, max_iter, tol_abs, &rngs[r], &w, &cur, err);
        if (rc != STATUS_OK ||
            !kmeans_is_better(cur.inertia, cur.labels, best->inertia,
                              best->labels, kd->n, k))
            continue;
        memcpy(best->labels, cur.labels, kd->n * sizeof *cur.labels);
        memcpy(best->centers, cur.centers,
               (size_t)k * (size_t)kd->d * sizeof *cur.centers);
        best->inertia = cur.inertia;
        best->n_iter = cur.n_iter;
    }
    free(cur.labels);
    free(cur.centers);
    kmeans_work_free(&w);
    return rc;
}

void kmeans_predict(const double *centers, int k, int d, const double *X,
                    size_t m, int *labels)
{
    const size_t du = (size_t)d;
    for (size_t i = 0; i < m; i++) {
        const double *x = X + i * du;
        double best = HUGE_VAL;
        int lab = 0;
        for (int j = 0; j < k; j++) {
            const double *c = centers + (size_t)j * du;
            double s = 0.0;
            for (size_t f = 0; f < du; f++)
                s += (x[f] - c[f]) * (x[f] - c[f]);
            if (s < best) {
                best = s;
                lab = j;
            }
        }
        labels[i] = lab;
    }
}
