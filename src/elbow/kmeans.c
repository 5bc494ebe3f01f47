/* kmeans: greedy k-means++ and Lloyd, after scikit-learn 1.2; see
 * include/kmeans.h.
 *
 * Data live feature-major (xs[f * n + i]) so the hot loops run over samples
 * with unit stride and vectorise; d == 2 (the PCA output) has fused kernels.
 * Distances for the assignment step use scikit-learn's ||c||^2 - 2 x.c on
 * centred data (same argmin, one multiply-add per feature); k-means++,
 * relocation, inertia and predict use the exact squared difference. */
#include "elbow/kmeans.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Never contract a * b + c into an fma behind the code's back (clang does
 * by default, gcc in ISO C mode does not): the scalar and vector paths
 * then round alike under either compiler. */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif

#if defined(__AVX__)
#include <immintrin.h>
#endif

/* Samples per assignment block: the block's running minima stay in L1. */
enum { ASSIGN_BLOCK = 256 };
/* Independent partial sums in reductions: lets the loops vectorise while
 * keeping one fixed summation order. */
enum { SUM_LANES = 4 };
/* Labels up to this many are compared through a stack map. */
enum { SAME_MAP_MAX = 256 };
/* d == 2 centre sums: ACC_SETS interleaved partial sets (sample i goes to
 * set i % ACC_SETS) of (sum x, sum y, weight, unused): one vector add per
 * sample. */
enum { ACC_SETS = 4, ACC_FIELDS = 4 };
/* k-means++: candidates per pass (one lane each of an AVX vector of
 * doubles), and samples per checkpoint of the cumulative sums. */
enum { SEED_LANES = 4, SEED_BLOCK = 64 };
/* Candidate groups at most: 2 + ln k candidates stay below
 * SEED_LANES * SEED_GROUPS_MAX for any int k. */
enum { SEED_GROUPS_MAX = 8 };

/* --------------------------------------------------------------- helpers */

static int n_local_trials(int k)
{
    return 2 + (int)log((double)k); /* Arthur & Vassilvitskii; sklearn's */
}

/* k-means++ checkpoints per candidate for n samples. */
static size_t seed_blocks(size_t n)
{
    return (n + SEED_BLOCK - 1) / SEED_BLOCK;
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

int kmeans_data_alloc(struct kmeans_data *kd, size_t n, int d, errmsg_t *err)
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
    return STATUS_OK;
}

void kmeans_data_set(struct kmeans_data *kd, const double *X)
{
    const size_t n = kd->n, du = (size_t)kd->d;
    for (size_t f = 0; f < du; f++)
        kd->mean[f] = 0.0;
    for (size_t i = 0; i < n; i++)
        for (size_t f = 0; f < du; f++)
            kd->mean[f] += X[i * du + f];
    for (size_t f = 0; f < du; f++)
        kd->mean[f] /= (double)n;
    for (size_t f = 0; f < du; f++)
        for (size_t i = 0; i < n; i++)
            kd->xs[f * n + i] = X[i * du + f] - kd->mean[f];
    kd->var_mean = kmeans_tolerance(X, n, kd->d, 1.0);
}

int kmeans_data_init(struct kmeans_data *kd, const double *X, size_t n, int d,
                     errmsg_t *err)
{
    int rc = kmeans_data_alloc(kd, n, d, err);
    if (rc == STATUS_OK)
        kmeans_data_set(kd, X);
    return rc;
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
    const size_t groups =
        ((size_t)n_local_trials(kmax) + SEED_LANES - 1) / SEED_LANES;
    w->dist = malloc(nn * sizeof *w->dist);
    w->seed_buf = malloc(groups * nn * SEED_LANES * sizeof *w->seed_buf);
    w->ck = malloc(groups * seed_blocks(nn) * SEED_LANES * sizeof *w->ck);
    w->cand = malloc(groups * SEED_LANES * sizeof *w->cand);
    /* One block: centers | centers_new | cmul | cnorm | weight | sets. */
    w->centers = malloc((3 * kd + 2 * (size_t)kmax +
                         ACC_SETS * ACC_FIELDS * (size_t)kmax) *
                        sizeof *w->centers);
    if (!w->dist || !w->seed_buf || !w->ck || !w->cand || !w->centers) {
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
    free(w->seed_buf);
    free(w->ck);
    free(w->cand);
    free(w->centers);
    memset(w, 0, sizeof *w);
}

/* ------------------------------------------------------------- k-means++ */

/* One pass over the data evaluates a group of SEED_LANES candidates at once
 * (unused lanes repeat the first): for each, the closest squared distances
 * if it became a centre (stored lane-interleaved: buf[i * SEED_LANES + l]),
 * its potential (their sum: SUM_LANES interleaved partial sums, combined
 * pairwise, then the last n % SUM_LANES in order) and the sequential
 * cumulative sums of those distances, checkpointed every SEED_BLOCK
 * samples. The next step's inverse-CDF draws need the sums of the winner
 * only; computing them for every candidate in the same pass hides their
 * serial dependency behind the distance arithmetic, and the winner's lane
 * is the next pass's closest distances. */

/* Where a pass reads the current closest squared distances: lane `lane` of
 * an interleaved buffer, or +infinity everywhere (buf NULL: no centre
 * yet). */
struct seed_closest {
    const double *buf;
    size_t lane;
};

static inline double closest_at(struct seed_closest c, size_t i)
{
    return c.buf != NULL ? c.buf[i * SEED_LANES + c.lane] : HUGE_VAL;
}

/* Squared distance of sample i to sample c, features in order (the first
 * term alone, then += the others: the same bits as 0 + the first). */
static double sample_sq_dist(const struct kmeans_data *kd, size_t i, size_t c)
{
    const size_t n = kd->n;
    double s = 0.0;
    for (size_t f = 0; f < (size_t)kd->d; f++) {
        double t = kd->xs[f * n + i] - kd->xs[f * n + c];
        s = f == 0 ? t * t : s + t * t;
    }
    return s;
}

/* What a pass accumulates per candidate: SUM_LANES interleaved partial
 * potentials, the running cumulative sum, and the minima of the last
 * n % SUM_LANES samples (added after the partial sums). */
struct seed_acc {
    double lane[SUM_LANES][SEED_LANES], cum[SEED_LANES];
    double tail[SUM_LANES][SEED_LANES];
};

/* Potentials from the lanes and the tail (n % SUM_LANES samples). */
static void seed_potentials(const struct seed_acc *a, size_t tail,
                            double *pot)
{
    for (size_t l = 0; l < SEED_LANES; l++) {
        double s = (a->lane[0][l] + a->lane[1][l]) +
                   (a->lane[2][l] + a->lane[3][l]);
        for (size_t e = 0; e < tail; e++)
            s += a->tail[e][l];
        pot[l] = s;
    }
}

/* Sample i of a pass, plain C: its minima into buf (after its closest
 * distance was read: buf may hold it) and into the sums of a. */
static void seed_sample(const struct kmeans_data *kd, struct seed_closest cl,
                        const size_t *cand, size_t i, size_t n4, double *buf,
                        struct seed_acc *a)
{
    const double closest = closest_at(cl, i);
    for (size_t l = 0; l < SEED_LANES; l++) {
        double t = sample_sq_dist(kd, i, cand[l]);
        double m = t < closest ? t : closest;
        buf[i * SEED_LANES + l] = m;
        if (i < n4)
            a->lane[i % SUM_LANES][l] += m;
        else
            a->tail[i - n4][l] = m;
        a->cum[l] += m;
    }
}

/* Any d, plain C. */
static void seed_pass_any(const struct kmeans_data *kd, struct seed_closest cl,
                          const size_t *cand, double *buf, double *pot,
                          double *ck)
{
    const size_t n = kd->n, n4 = n - n % SUM_LANES;
    struct seed_acc a = {{{0.0}}, {0.0}, {{0.0}}};
    for (size_t i = 0; i < n; i++) {
        seed_sample(kd, cl, cand, i, n4, buf, &a);
        if ((i + 1) % SEED_BLOCK == 0 || i + 1 == n)
            memcpy(ck + i / SEED_BLOCK * SEED_LANES, a.cum, sizeof a.cum);
    }
    seed_potentials(&a, n - n4, pot);
}

#if defined(__AVX__)
/* |(x, y) - (cx, cy)|^2 on 4 lanes; mul then add, as the scalar code. */
static inline __m256d sq_dist4(__m256d x, __m256d y, __m256d cx, __m256d cy)
{
    __m256d dx = _mm256_sub_pd(x, cx), dy = _mm256_sub_pd(y, cy);
    return _mm256_add_pd(_mm256_mul_pd(dx, dx), _mm256_mul_pd(dy, dy));
}

/* d == 2 with AVX: seed_pass_any's arithmetic with the candidates side by
 * side in the lanes: each sample and its closest distance are broadcast,
 * its 4 minima stored at once and added to the running sums (cum) and to
 * the partial potentials of its residue (acc[i % SUM_LANES]). */
static void seed_pass_d2(const struct kmeans_data *kd, struct seed_closest cl,
                         const size_t *cand, double *buf, double *pot,
                         double *ck)
{
    const size_t n = kd->n, n4 = n - n % SUM_LANES;
    const double *x = kd->xs, *y = kd->xs + n;
    const double inf = HUGE_VAL;
    const double *cb = cl.buf != NULL ? cl.buf + cl.lane : &inf;
    const size_t cs = cl.buf != NULL ? SEED_LANES : 0; /* stride in cb */
    const __m256d cx = _mm256_setr_pd(x[cand[0]], x[cand[1]], x[cand[2]],
                                      x[cand[3]]);
    const __m256d cy = _mm256_setr_pd(y[cand[0]], y[cand[1]], y[cand[2]],
                                      y[cand[3]]);
    __m256d acc[SUM_LANES], cum = _mm256_setzero_pd();
    for (size_t e = 0; e < SUM_LANES; e++)
        acc[e] = _mm256_setzero_pd();
    size_t i = 0;
    for (; i < n4; i += SUM_LANES) {
        for (size_t e = 0; e < SUM_LANES; e++) {
            __m256d m = _mm256_min_pd(
                sq_dist4(_mm256_broadcast_sd(x + i + e),
                         _mm256_broadcast_sd(y + i + e), cx, cy),
                _mm256_broadcast_sd(cb + (i + e) * cs));
            _mm256_storeu_pd(buf + (i + e) * SEED_LANES, m);
            acc[e] = _mm256_add_pd(acc[e], m);
            cum = _mm256_add_pd(cum, m);
        }
        if ((i + SUM_LANES) % SEED_BLOCK == 0)
            _mm256_storeu_pd(ck + (i / SEED_BLOCK) * SEED_LANES, cum);
    }
    struct seed_acc a;
    for (size_t e = 0; e < SUM_LANES; e++)
        _mm256_storeu_pd(a.lane[e], acc[e]);
    _mm256_storeu_pd(a.cum, cum);
    for (; i < n; i++) /* the last n % SUM_LANES samples */
        seed_sample(kd, cl, cand, i, n4, buf, &a);
    if (n % SEED_BLOCK != 0)
        memcpy(ck + (n / SEED_BLOCK) * SEED_LANES, a.cum, sizeof a.cum);
    seed_potentials(&a, n - n4, pot);
}
#endif

/* One pass: for each candidate cand[l], the minima of cl and its squared
 * distances into lane l of buf (which may be cl's buffer: each sample's
 * closest distance is read before its minima are stored), its potential
 * pot[l] and checkpoints ck[b * SEED_LANES + l] of the cumulative sums of
 * its minima, b = 0..ceil(n / SEED_BLOCK) - 1. */
static void seed_pass(const struct kmeans_data *kd, struct seed_closest cl,
                      const size_t *cand, double *buf, double *pot,
                      double *ck)
{
#if defined(__AVX__)
    if (kd->d == 2) {
        seed_pass_d2(kd, cl, cand, buf, pot, ck);
        return;
    }
#endif
    seed_pass_any(kd, cl, cand, buf, pot, ck);
}

/* First sample whose cumulative closest distance (lane `lane` of buf, its
 * checkpoints ck[b * SEED_LANES + lane]) is >= r, as numpy's searchsorted
 * (side left), clipped to the last sample as scikit-learn does against
 * rounding: a binary search over the checkpoints, then the sums inside one
 * block, redone with the same additions. */
static size_t seed_search(size_t n, const double *buf, size_t lane,
                          const double *ck, double r)
{
    const size_t nb = seed_blocks(n);
    size_t lo = 0, hi = nb;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ck[mid * SEED_LANES + lane] < r)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == nb)
        return n - 1;
    const size_t i0 = lo * SEED_BLOCK;
    const size_t end = n - i0 < SEED_BLOCK ? n : i0 + SEED_BLOCK;
    double cum = lo == 0 ? 0.0 : ck[(lo - 1) * SEED_LANES + lane];
    for (size_t i = i0; i < end; i++) {
        cum += buf[i * SEED_LANES + lane];
        if (cum >= r)
            return i;
    }
    return end - 1; /* not reached: the block's last sum is its checkpoint */
}

/* Centred coordinates of sample i into c (d values). */
static void copy_sample(const struct kmeans_data *kd, size_t i, double *c)
{
    for (size_t f = 0; f < (size_t)kd->d; f++)
        c[f] = kd->xs[f * kd->n + i];
}

/* The winner of a step: its group (buffer, checkpoints) and lane. */
struct seed_winner {
    size_t group, lane;
};

/* Evaluate the trials candidates in w->cand, group by group, against the
 * closest distances of the previous winner (none: cl.buf NULL); returns
 * the lowest potential, the first on ties, as argmin. The previous
 * winner's group goes last: the others still read its buffer. */
static struct seed_winner seed_trials(const struct kmeans_data *kd,
                                      int trials, struct seed_closest cl,
                                      size_t cl_group, struct kmeans_work *w)
{
    const size_t n = kd->n, groups = ((size_t)trials + SEED_LANES - 1) /
                                     SEED_LANES;
    double pot[SEED_LANES * SEED_GROUPS_MAX];
    for (size_t q = 0; q < groups; q++) {
        size_t g = (cl_group + 1 + q) % groups; /* cl_group last */
        size_t cand[SEED_LANES];
        for (size_t l = 0; l < SEED_LANES; l++) {
            size_t t = g * SEED_LANES + l;
            cand[l] = w->cand[t < (size_t)trials ? t : g * SEED_LANES];
        }
        seed_pass(kd, cl, cand, w->seed_buf + g * n * SEED_LANES,
                  pot + g * SEED_LANES, w->ck + g * seed_blocks(n) * SEED_LANES);
    }
    size_t best = 0;
    for (size_t t = 1; t < (size_t)trials; t++)
        if (pot[t] < pot[best])
            best = t;
    struct seed_winner win = {best / SEED_LANES, best % SEED_LANES};
    return win;
}

/* Greedy k-means++ into cc (k x d, centred); indices optional. */
static void seed_centres(const struct kmeans_data *kd, int k, rng_t *rng,
                         struct kmeans_work *w, double *cc, int *indices)
{
    const size_t n = kd->n, d = (size_t)kd->d, nb = seed_blocks(n);
    const int trials = n_local_trials(k);
    size_t chosen = (size_t)rng_bounded(rng, n);
    struct seed_closest none = {NULL, 0};
    w->cand[0] = chosen;
    struct seed_winner win = seed_trials(kd, 1, none, 0, w);
    for (int c = 0;; c++) {
        copy_sample(kd, chosen, cc + (size_t)c * d);
        if (indices != NULL)
            indices[c] = (int)chosen;
        if (c + 1 == k)
            return;
        const double *buf = w->seed_buf + win.group * n * SEED_LANES;
        const double *ck = w->ck + win.group * nb * SEED_LANES;
        double total = ck[(nb - 1) * SEED_LANES + win.lane];
        for (int t = 0; t < trials; t++)
            w->cand[t] = seed_search(n, buf, win.lane, ck,
                                     rng_uniform(rng) * total);
        struct seed_closest cl = {buf, win.lane};
        win = seed_trials(kd, trials, cl, win.group, w);
        chosen = w->cand[win.group * SEED_LANES + win.lane];
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

#if defined(__AVX__)
/* Vectors of 4 samples per register block in nearest_d2_avx. */
enum { NEAREST_VECS = 4 };

/* d == 2 with AVX: nearest_block_d2's arithmetic for the first
 * 4 * NEAREST_VECS * floor(m / (4 * NEAREST_VECS)) samples, running minima
 * and labels in registers (min_pd(v, b) is exactly `v < b ? v : b`).
 * Returns how many samples it labelled. */
static size_t nearest_d2_avx(const double *x, const double *y, size_t m,
                             const double *cnorm, const double *cmul, int k,
                             int *lab)
{
    enum { STEP = 4 * NEAREST_VECS };
    const double *m0 = cmul, *m1 = cmul + k;
    const __m256d one = _mm256_set1_pd(1.0);
    size_t t = 0;
    for (; t + STEP <= m; t += STEP) {
        __m256d xv[NEAREST_VECS], yv[NEAREST_VECS], best[NEAREST_VECS],
            lbl[NEAREST_VECS], jd = _mm256_setzero_pd();
        __m256d c = _mm256_set1_pd(cnorm[0]), a = _mm256_set1_pd(m0[0]),
                b = _mm256_set1_pd(m1[0]);
        for (int q = 0; q < NEAREST_VECS; q++) {
            xv[q] = _mm256_loadu_pd(x + t + 4 * q);
            yv[q] = _mm256_loadu_pd(y + t + 4 * q);
            best[q] = _mm256_add_pd(_mm256_add_pd(c, _mm256_mul_pd(xv[q], a)),
                                    _mm256_mul_pd(yv[q], b));
            lbl[q] = jd;
        }
        for (int j = 1; j < k; j++) {
            jd = _mm256_add_pd(jd, one);
            c = _mm256_set1_pd(cnorm[j]);
            a = _mm256_set1_pd(m0[j]);
            b = _mm256_set1_pd(m1[j]);
            for (int q = 0; q < NEAREST_VECS; q++) {
                __m256d v = _mm256_add_pd(
                    _mm256_add_pd(c, _mm256_mul_pd(xv[q], a)),
                    _mm256_mul_pd(yv[q], b));
                __m256d closer = _mm256_cmp_pd(v, best[q], _CMP_LT_OQ);
                best[q] = _mm256_min_pd(v, best[q]);
                lbl[q] = _mm256_blendv_pd(lbl[q], jd, closer);
            }
        }
        for (int q = 0; q < NEAREST_VECS; q++)
            _mm_storeu_si128((__m128i *)(lab + t + 4 * q),
                             _mm256_cvttpd_epi32(lbl[q]));
    }
    return t;
}
#endif

#if defined(__AVX512F__)
/* nearest_d2_avx on 8 samples a vector: the same operations lane by lane,
 * so the same labels, at twice the width (this CPU's 512-bit multiplies
 * and adds run 1.6-1.8x faster per lane than its 256-bit ones). */
static size_t nearest_d2_avx512(const double *x, const double *y, size_t m,
                                const double *cnorm, const double *cmul, int k,
                                int *lab)
{
    enum { STEP = 8 * NEAREST_VECS };
    const double *m0 = cmul, *m1 = cmul + k;
    const __m512d one = _mm512_set1_pd(1.0);
    size_t t = 0;
    for (; t + STEP <= m; t += STEP) {
        __m512d xv[NEAREST_VECS], yv[NEAREST_VECS], best[NEAREST_VECS],
            lbl[NEAREST_VECS], jd = _mm512_setzero_pd();
        __m512d c = _mm512_set1_pd(cnorm[0]), a = _mm512_set1_pd(m0[0]),
                b = _mm512_set1_pd(m1[0]);
        for (int q = 0; q < NEAREST_VECS; q++) {
            xv[q] = _mm512_loadu_pd(x + t + 8 * q);
            yv[q] = _mm512_loadu_pd(y + t + 8 * q);
            best[q] = _mm512_add_pd(_mm512_add_pd(c, _mm512_mul_pd(xv[q], a)),
                                    _mm512_mul_pd(yv[q], b));
            lbl[q] = jd;
        }
        for (int j = 1; j < k; j++) {
            jd = _mm512_add_pd(jd, one);
            c = _mm512_set1_pd(cnorm[j]);
            a = _mm512_set1_pd(m0[j]);
            b = _mm512_set1_pd(m1[j]);
            for (int q = 0; q < NEAREST_VECS; q++) {
                __m512d v = _mm512_add_pd(
                    _mm512_add_pd(c, _mm512_mul_pd(xv[q], a)),
                    _mm512_mul_pd(yv[q], b));
                __mmask8 closer = _mm512_cmp_pd_mask(v, best[q], _CMP_LT_OQ);
                best[q] = _mm512_min_pd(v, best[q]);
                lbl[q] = _mm512_mask_blend_pd(closer, lbl[q], jd);
            }
        }
        for (int q = 0; q < NEAREST_VECS; q++)
            _mm256_storeu_si256((__m256i *)(lab + t + 8 * q),
                                _mm512_cvttpd_epi32(lbl[q]));
    }
    return t;
}
#endif

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

#if defined(__AVX__)
/* accumulate_d2 with AVX for samples 0..n4-1 (n4 a multiple of
 * ACC_SETS): the (x, y, 1, 0) vectors of 4 samples, one to each set. */
static void accumulate_d2_avx(const double *x, const double *y,
                              const int *lab, size_t n4, int k, double *sets)
{
    const __m256d one = _mm256_setr_pd(1.0, 0.0, 1.0, 0.0);
    const size_t stride = (size_t)k * ACC_FIELDS;
    double *s0 = sets, *s1 = s0 + stride, *s2 = s1 + stride, *s3 = s2 + stride;
    for (size_t t = 0; t < n4; t += ACC_SETS) {
        __m256d xv = _mm256_loadu_pd(x + t), yv = _mm256_loadu_pd(y + t);
        __m256d lo = _mm256_unpacklo_pd(xv, yv); /* x0 y0 x2 y2 */
        __m256d hi = _mm256_unpackhi_pd(xv, yv); /* x1 y1 x3 y3 */
        double *a0 = s0 + (size_t)lab[t] * ACC_FIELDS;
        double *a1 = s1 + (size_t)lab[t + 1] * ACC_FIELDS;
        double *a2 = s2 + (size_t)lab[t + 2] * ACC_FIELDS;
        double *a3 = s3 + (size_t)lab[t + 3] * ACC_FIELDS;
        _mm256_storeu_pd(a0, _mm256_add_pd(_mm256_loadu_pd(a0),
                             _mm256_permute2f128_pd(lo, one, 0x20)));
        _mm256_storeu_pd(a1, _mm256_add_pd(_mm256_loadu_pd(a1),
                             _mm256_permute2f128_pd(hi, one, 0x20)));
        _mm256_storeu_pd(a2, _mm256_add_pd(_mm256_loadu_pd(a2),
                             _mm256_permute2f128_pd(lo, one, 0x31)));
        _mm256_storeu_pd(a3, _mm256_add_pd(_mm256_loadu_pd(a3),
                             _mm256_permute2f128_pd(hi, one, 0x31)));
    }
}
#endif

/* d == 2: every sample into the partial set i % ACC_SETS of its label, so
 * runs of equal labels do not serialise on one address (see reduce_sets). */
static void accumulate_d2(const struct kmeans_data *kd, const int *lab, int k,
                          double *sets)
{
    const size_t n = kd->n;
    const double *x = kd->xs, *y = kd->xs + n;
    size_t t = 0;
#if defined(__AVX__)
    t = n - n % ACC_SETS;
    accumulate_d2_avx(x, y, lab, t, k, sets);
#endif
    for (; t < n; t++) {
        double *a = sets + ((t % ACC_SETS) * (size_t)k + (size_t)lab[t]) *
                               ACC_FIELDS;
        a[0] += x[t];
        a[1] += y[t];
        a[2] += 1.0;
    }
}

/* Any d: every sample added to the sums (k x d) and weight of its label. */
static void accumulate(const struct kmeans_data *kd, const int *lab,
                       double *sums, double *weight)
{
    const size_t n = kd->n, d = (size_t)kd->d;
    for (size_t t = 0; t < n; t++) {
        size_t l = (size_t)lab[t];
        weight[l] += 1.0;
        for (size_t f = 0; f < d; f++)
            sums[l * d + f] += kd->xs[f * n + t];
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
        sums[l * 2] = acc[0];
        sums[l * 2 + 1] = acc[1];
        weight[l] = acc[2];
    }
}

/* E step: label every sample with its nearest centre (prepared by
 * prepare_centres). Returns how many labels changed. */
static size_t assign(const struct kmeans_data *kd, int k, const double *cnorm,
                     const double *cmul, int *labels)
{
    const size_t n = kd->n;
    int lab[ASSIGN_BLOCK];
    size_t changed = 0;
    for (size_t i0 = 0; i0 < n; i0 += ASSIGN_BLOCK) {
        size_t m = n - i0 < ASSIGN_BLOCK ? n - i0 : ASSIGN_BLOCK;
        if (kd->d == 2) {
            const double *x = kd->xs + i0, *y = kd->xs + n + i0;
            size_t t = 0;
#if defined(__AVX512F__)
            t = nearest_d2_avx512(x, y, m, cnorm, cmul, k, lab);
#endif
#if defined(__AVX__)
            t += nearest_d2_avx(x + t, y + t, m - t, cnorm, cmul, k, lab + t);
#endif
            if (t < m)
                nearest_block_d2(x + t, y + t, m - t, cnorm, cmul, k, lab + t);
        } else {
            nearest_block(kd, i0, m, cnorm, cmul, k, lab);
        }
        for (size_t t = 0; t < m; t++) {
            changed += labels[i0 + t] != lab[t];
            labels[i0 + t] = lab[t];
        }
    }
    return changed;
}

/* M-step sums: the weights and coordinate sums (k x d) of every label
 * (sets: workspace for accumulate_d2). */
static void centre_sums(const struct kmeans_data *kd, int k, const int *labels,
                        double *sums, double *weight, double *sets)
{
    memset(sums, 0, (size_t)k * (size_t)kd->d * sizeof *sums);
    memset(weight, 0, (size_t)k * sizeof *weight);
    if (kd->d != 2) {
        accumulate(kd, labels, sums, weight);
        return;
    }
    memset(sets, 0, ACC_SETS * ACC_FIELDS * (size_t)k * sizeof *sets);
    accumulate_d2(kd, labels, k, sets);
    reduce_sets(sets, k, sums, weight);
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
 * sklearn's argpartition agrees for up to two empty clusters at once.
 * Returns whether a cluster was empty. */
static bool relocate_empty(const struct kmeans_data *kd, int k,
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
        return false;
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
    return true;
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

/* Lloyd from the centred centres in w->centers; fills res.
 * When no label changed and the last M step relocated nothing, that M
 * step's sums are the ones this one would form (same labels, same order),
 * so the new centres equal the old bit for bit: it is skipped. */
static void lloyd_run(const struct kmeans_data *kd, int k, int max_iter,
                      double tol_abs, struct kmeans_work *w,
                      struct kmeans_result *res)
{
    double *cc = w->centers, *cn = w->centers_new, *tmp;
    int *labels = res->labels;
    bool strict = false, relocated = true;
    int it;
    for (size_t i = 0; i < kd->n; i++)
        labels[i] = -1;
    for (it = 0; it < max_iter; it++) {
        prepare_centres(cc, k, kd->d, w->cnorm, w->cmul);
        size_t changed = assign(kd, k, w->cnorm, w->cmul, labels);
        if (changed == 0 && !relocated) {
            strict = true; /* centres unchanged: cc stays */
            break;
        }
        centre_sums(kd, k, labels, cn, w->weight, w->sets);
        relocated = relocate_empty(kd, k, cc, cn, w->weight, labels, w->dist);
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
        (void)assign(kd, k, w->cnorm, w->cmul, labels);
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
