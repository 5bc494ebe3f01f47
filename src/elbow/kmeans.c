/* kmeans: greedy k-means++ and Lloyd, after scikit-learn 1.2; see
 * kmeans.h.
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
/* k-means++: samples per checkpoint of the cumulative sums, partial sums
 * in a block (one lane each of a 512-bit vector), candidates per pass
 * over the data (their distances share the loads), and the most
 * candidates a step has: 2 + ln k < 24 for any int k. */
enum { SEED_BLOCK = 256, SEED_PARTS = 8, SEED_GROUP = 4, SEED_TRIALS_MAX = 24 };

/* Alignment of the sample and seeding arrays: a cache line, one 512-bit
 * vector. A vector that straddles two lines costs two accesses, and
 * glibc's malloc puts large blocks 16 bytes past a page. */
enum { LINE_BYTES = 64, LINE_DOUBLES = LINE_BYTES / sizeof(double) };

/* --------------------------------------------------------------- helpers */

static void *alloc_lines(size_t bytes)
{
    return aligned_alloc(LINE_BYTES, (bytes + LINE_BYTES - 1) / LINE_BYTES *
                                         LINE_BYTES);
}

/* Doubles between two k-means++ buffers of n values: whole lines. */
static size_t seed_stride(size_t n)
{
    return (n + LINE_DOUBLES - 1) / LINE_DOUBLES * LINE_DOUBLES;
}

static int n_local_trials(int k)
{
    return 2 + (int)detmath_log((double)k); /* Arthur & Vassilvitskii; sklearn's */
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
    kd->xs = alloc_lines(n * du * sizeof *kd->xs);
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
    /* a buffer per candidate, and one for the previous step's winner */
    const size_t bufs = (size_t)n_local_trials(kmax) + 1;
    w->dist = malloc(nn * sizeof *w->dist);
    w->seed_buf = alloc_lines(bufs * seed_stride(nn) * sizeof *w->seed_buf);
    w->ck = malloc(bufs * seed_blocks(nn) * sizeof *w->ck);
    w->cand = malloc(bufs * sizeof *w->cand);
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

/* Each step of the seeding evaluates its candidates over the data: for
 * each, the closest squared distances if it became a centre (a buffer of
 * n values of its own) and their cumulative sums, checkpointed every
 * SEED_BLOCK samples; the last checkpoint is its potential. A block's sum
 * is SEED_PARTS interleaved partial sums (sample i0 + t into part
 * t % SEED_PARTS), combined pairwise, then the block's last
 * len % SEED_PARTS samples in order; the checkpoints add the block sums in
 * order. The only serial chain is one addition a block: a running sum
 * over every sample (numpy's cumsum) held each pass to one add latency a
 * sample, while the distances of 8 samples to a candidate take a few
 * vector operations. Candidates go SEED_GROUP at a time through the data,
 * sharing the loads of the samples and of the closest distances. The next
 * step's inverse-CDF draws use the winner's buffer and checkpoints; its
 * buffer is also the next step's closest distances. */

/* One step's candidates and where they write: buf[t] (n values) and
 * ck[t] (one per block) for candidate t; closest: NULL before the first
 * centre (+infinity). */
struct seed_step {
    const double *closest;
    const size_t *cand;
    double *const *buf, *const *ck;
    double *pot;
    int count;
    const atomic_int *cancel; /* polled every SEED_BLOCK samples */
};

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

/* The minimum of sample i's distance to candidate c and its closest. */
static inline double seed_min(const struct kmeans_data *kd, const double *closest,
                              size_t i, size_t c)
{
    double t = sample_sq_dist(kd, i, c);
    double cl = closest != NULL ? closest[i] : HUGE_VAL;
    return t < cl ? t : cl;
}

/* A block's sum from its partial sums, then its tail m[0..tail) in order. */
static double seed_block_sum(const double *part, const double *m, size_t tail)
{
    double s = ((part[0] + part[1]) + (part[2] + part[3])) +
               ((part[4] + part[5]) + (part[6] + part[7]));
    for (size_t t = 0; t < tail; t++)
        s += m[t];
    return s;
}

/* Candidates [t0, t1) of a step over block [i0, end): minima into their
 * buffers, block sums into cum[t]. Plain C, any d. */
static void seed_block_any(const struct kmeans_data *kd, const struct seed_step *st,
                           int t0, int t1, size_t i0, size_t end, double *cum)
{
    const size_t end8 = i0 + (end - i0) / SEED_PARTS * SEED_PARTS;
    for (int t = t0; t < t1; t++) {
        double part[SEED_PARTS] = {0.0}, *buf = st->buf[t];
        for (size_t i = i0; i < end; i++) {
            buf[i] = seed_min(kd, st->closest, i, st->cand[t]);
            if (i < end8)
                part[(i - i0) % SEED_PARTS] += buf[i];
        }
        cum[t] += seed_block_sum(part, buf + end8, end - end8);
    }
}

#if defined(__AVX512F__)
/* d == 2 with AVX-512: seed_block_any's arithmetic, 8 samples a vector
 * (the lanes are the partial sums), g <= SEED_GROUP candidates sharing the
 * loads; g is a constant where seed_block_d2 calls it, so the vectors stay
 * in registers. */
static inline void seed_block_d2g(const struct kmeans_data *kd,
                                  const struct seed_step *st, int t0, int g,
                                  size_t i0, size_t end, double *cum)
{
    const size_t n = kd->n, end8 = i0 + (end - i0) / SEED_PARTS * SEED_PARTS;
    const double *x = kd->xs, *y = kd->xs + n;
    const double *closest = st->closest;
    double *out[SEED_GROUP]; /* local: a store through one cannot move them */
    __m512d cx[SEED_GROUP], cy[SEED_GROUP], part[SEED_GROUP];
    for (int q = 0; q < g; q++) {
        out[q] = st->buf[t0 + q];
        cx[q] = _mm512_set1_pd(x[st->cand[t0 + q]]);
        cy[q] = _mm512_set1_pd(y[st->cand[t0 + q]]);
        part[q] = _mm512_setzero_pd();
    }
    const __m512d inf = _mm512_set1_pd(HUGE_VAL);
    for (size_t i = i0; i < end8; i += SEED_PARTS) {
        __m512d xv = _mm512_loadu_pd(x + i), yv = _mm512_loadu_pd(y + i);
        __m512d cl = closest != NULL ? _mm512_loadu_pd(closest + i) : inf;
        for (int q = 0; q < g; q++) {
            __m512d dx = _mm512_sub_pd(xv, cx[q]), dy = _mm512_sub_pd(yv, cy[q]);
            __m512d m = _mm512_min_pd(_mm512_add_pd(_mm512_mul_pd(dx, dx),
                                                    _mm512_mul_pd(dy, dy)), cl);
            _mm512_storeu_pd(out[q] + i, m);
            part[q] = _mm512_add_pd(part[q], m);
        }
    }
    for (int q = 0; q < g; q++) {
        double p[SEED_PARTS], *buf = st->buf[t0 + q];
        _mm512_storeu_pd(p, part[q]);
        for (size_t i = end8; i < end; i++)
            buf[i] = seed_min(kd, st->closest, i, st->cand[t0 + q]);
        cum[t0 + q] += seed_block_sum(p, buf + end8, end - end8);
    }
}

#else
/* d == 2 on any other target: the same operations in plain C, the
 * SEED_PARTS lanes of each partial sum written out, so that the compiler
 * vectorises them at its own width (2 or 4 doubles) while every lane
 * still adds the same samples in the same order: the bits of
 * seed_block_any and of the AVX-512 version. g as there. */
static inline void seed_block_d2g(const struct kmeans_data *kd,
                                  const struct seed_step *st, int t0, int g,
                                  size_t i0, size_t end, double *cum)
{
    const size_t n = kd->n, end8 = i0 + (end - i0) / SEED_PARTS * SEED_PARTS;
    const double *restrict x = kd->xs, *restrict y = kd->xs + n;
    const double *restrict closest = st->closest;
    double cx[SEED_GROUP], cy[SEED_GROUP], part[SEED_GROUP][SEED_PARTS];
    for (int q = 0; q < g; q++) {
        cx[q] = x[st->cand[t0 + q]];
        cy[q] = y[st->cand[t0 + q]];
        for (int l = 0; l < SEED_PARTS; l++)
            part[q][l] = 0.0;
    }
    for (size_t i = i0; i < end8; i += SEED_PARTS) {
        double cl[SEED_PARTS];
        for (int l = 0; l < SEED_PARTS; l++)
            cl[l] = closest != NULL ? closest[i + l] : HUGE_VAL;
        for (int q = 0; q < g; q++) {
            double *restrict out = st->buf[t0 + q] + i;
            for (int l = 0; l < SEED_PARTS; l++) {
                double dx = x[i + l] - cx[q], dy = y[i + l] - cy[q];
                double s = dx * dx + dy * dy;
                double m = s < cl[l] ? s : cl[l];
                out[l] = m;
                part[q][l] += m;
            }
        }
    }
    for (int q = 0; q < g; q++) {
        double *buf = st->buf[t0 + q];
        for (size_t i = end8; i < end; i++)
            buf[i] = seed_min(kd, st->closest, i, st->cand[t0 + q]);
        cum[t0 + q] += seed_block_sum(part[q], buf + end8, end - end8);
    }
}
#endif

/* d == 2: candidates [t0, t1) of a step over block [i0, end), up to
 * SEED_GROUP at a time, each group size compiled on its own. */
static void seed_block_d2(const struct kmeans_data *kd, const struct seed_step *st,
                          int t0, int t1, size_t i0, size_t end, double *cum)
{
    switch (t1 - t0) {
    case 1: seed_block_d2g(kd, st, t0, 1, i0, end, cum); break;
    case 2: seed_block_d2g(kd, st, t0, 2, i0, end, cum); break;
    case 3: seed_block_d2g(kd, st, t0, 3, i0, end, cum); break;
    default: seed_block_d2g(kd, st, t0, SEED_GROUP, i0, end, cum); break;
    }
}

/* A step's pass: every candidate's minima, checkpoints and potential. */
static void seed_pass(const struct kmeans_data *kd, const struct seed_step *st)
{
    const size_t n = kd->n;
    double cum[SEED_TRIALS_MAX] = {0.0};
    for (size_t i0 = 0; i0 < n && !cancel_requested(st->cancel); i0 += SEED_BLOCK) {
        size_t end = n - i0 < SEED_BLOCK ? n : i0 + SEED_BLOCK;
        for (int t0 = 0; t0 < st->count; t0 += SEED_GROUP) {
            int t1 = st->count - t0 < SEED_GROUP ? st->count : t0 + SEED_GROUP;
            if (kd->d == 2) {
                seed_block_d2(kd, st, t0, t1, i0, end, cum);
                continue;
            }
            seed_block_any(kd, st, t0, t1, i0, end, cum);
        }
        for (int t = 0; t < st->count; t++)
            st->ck[t][i0 / SEED_BLOCK] = cum[t];
    }
    for (int t = 0; t < st->count; t++)
        st->pot[t] = cum[t];
}

/* First sample whose cumulative closest distance (buf, its checkpoints ck)
 * is >= r, as numpy's searchsorted (side left), clipped to the last sample
 * as scikit-learn does against rounding: a binary search over the
 * checkpoints for the first block that reaches r, then a running sum
 * inside it from the previous checkpoint; when that sum falls short of r
 * by rounding (it adds in another order than the block sum), the block's
 * last sample. */
static size_t seed_search(size_t n, const double *buf, const double *ck,
                          double r)
{
    const size_t nb = seed_blocks(n);
    size_t lo = 0, hi = nb;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ck[mid] < r)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == nb)
        return n - 1;
    const size_t i0 = lo * SEED_BLOCK;
    const size_t end = n - i0 < SEED_BLOCK ? n : i0 + SEED_BLOCK;
    double cum = lo == 0 ? 0.0 : ck[lo - 1];
    for (size_t i = i0; i < end; i++) {
        cum += buf[i];
        if (cum >= r)
            return i;
    }
    return end - 1;
}

/* Centred coordinates of sample i into c (d values). */
static void copy_sample(const struct kmeans_data *kd, size_t i, double *c)
{
    for (size_t f = 0; f < (size_t)kd->d; f++)
        c[f] = kd->xs[f * kd->n + i];
}

/* Greedy k-means++ into cc (k x d, centred); indices optional. A step's
 * candidates write to every buffer but the previous winner's, which they
 * read as the closest distances; the winner is the lowest potential, the
 * first on ties (argmin). False when the flag cut it short. */
static bool seed_centres(const struct kmeans_data *kd, int k, rng_t *rng,
                         struct kmeans_work *w, double *cc, int *indices)
{
    const size_t n = kd->n, d = (size_t)kd->d, nb = seed_blocks(n);
    const size_t stride = seed_stride(n);
    const int trials = n_local_trials(k);
    double *buf[SEED_TRIALS_MAX], *ck[SEED_TRIALS_MAX], pot[SEED_TRIALS_MAX];
    size_t chosen = (size_t)rng_bounded(rng, n), win = 0; /* buffer index */
    w->cand[0] = chosen;
    buf[0] = w->seed_buf;
    ck[0] = w->ck;
    struct seed_step st = {NULL, w->cand, buf, ck, pot, 1, w->cancel};
    seed_pass(kd, &st);
    for (int c = 0;; c++) {
        if (cancel_requested(w->cancel))
            return false;
        copy_sample(kd, chosen, cc + (size_t)c * d);
        if (indices != NULL)
            indices[c] = (int)chosen;
        if (c + 1 == k)
            return true;
        const double *closest = w->seed_buf + win * stride, *wck = w->ck + win * nb;
        double total = wck[nb - 1];
        for (int t = 0; t < trials; t++) {
            size_t b = (size_t)t < win ? (size_t)t : (size_t)t + 1;
            buf[t] = w->seed_buf + b * stride;
            ck[t] = w->ck + b * nb;
            w->cand[t] = seed_search(n, closest, wck, rng_uniform(rng) * total);
        }
        st = (struct seed_step){closest, w->cand, buf, ck, pot, trials, w->cancel};
        seed_pass(kd, &st);
        int best = 0;
        for (int t = 1; t < trials; t++)
            if (pot[t] < pot[best])
                best = t;
        chosen = w->cand[best];
        win = (size_t)best < win ? (size_t)best : (size_t)best + 1;
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
    if (!seed_centres(kd, k, rng, w, w->centers, indices))
        return errmsg_set(err, CANCEL_STATUS, "k-means: stopped");
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
 * prepare_centres). Returns how many labels changed. Stops, polling every
 * ASSIGN_BLOCK samples, when the flag is set. */
static size_t assign(const struct kmeans_data *kd, int k, const double *cnorm,
                     const double *cmul, int *labels, const atomic_int *cancel)
{
    const size_t n = kd->n;
    int lab[ASSIGN_BLOCK];
    size_t changed = 0;
    for (size_t i0 = 0; i0 < n && !cancel_requested(cancel); i0 += ASSIGN_BLOCK) {
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
        size_t changed = assign(kd, k, w->cnorm, w->cmul, labels, w->cancel);
        if (cancel_requested(w->cancel))
            break; /* the caller reports it */
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
        (void)assign(kd, k, w->cnorm, w->cmul, labels, w->cancel);
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
    return cancel_requested(w->cancel)
               ? errmsg_set(err, CANCEL_STATUS, "k-means: stopped")
               : STATUS_OK;
}

int kmeans_single(const struct kmeans_data *kd, int k, int max_iter,
                  double tol_abs, rng_t *rng, struct kmeans_work *w,
                  struct kmeans_result *res, errmsg_t *err)
{
    int rc = check_run_args(kd, k, max_iter, w, err);
    if (rc != STATUS_OK)
        return rc;
    if (seed_centres(kd, k, rng, w, w->centers, NULL))
        lloyd_run(kd, k, max_iter, tol_abs, w, res);
    return cancel_requested(w->cancel)
               ? errmsg_set(err, CANCEL_STATUS, "k-means: stopped")
               : STATUS_OK;
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
