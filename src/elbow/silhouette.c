/* silhouette: exact, streamed silhouette coefficient; see
 * silhouette.h. */
#include "elbow/silhouette.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/cancel.h"

/* Never contract a * b + c into an fma behind the code's back (clang does
 * by default, gcc in ISO C mode does not): the scalar and vector paths
 * then round alike under either compiler. */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif

#if defined(__AVX__) || defined(__SSE2__)
#include <immintrin.h>
#endif

/* Distances per tile: the tile (4 KiB) stays in L1 between the passes that
 * fill it, take its square roots and sum it. */
enum { TILE = 512 };
/* Independent partial sums in segment reductions (vectorisable, fixed
 * order). */
enum { SUM_LANES = 4 };
/* Zeros after the sorted coordinates: segment_d2 computes the last
 * m % SUM_LANES distances of a segment as one vector, reading up to
 * SUM_LANES - 1 values past it. */
enum { XS_PAD = SUM_LANES };
/* silhouette_scores: keys of one refinement step of the joint groups
 * (groups x k) and group sums (groups x n doubles, 64 MB) at most, and the
 * fewest samples a group on average (see groups_cap). */
enum { GROUP_KEYS_MAX = 1 << 20, GROUP_SUMS_MAX = 1 << 23, SEGMENT_MIN = 16 };

/* Samples sorted by cluster, and the per-(cluster, sample) distance sums. */
struct sil {
    size_t n, d;
    int m;          /* non-empty clusters, in label order */
    double *xs;     /* d x n, feature-major, sorted by cluster */
    size_t *start;  /* m + 1: first sorted position of each cluster */
    size_t *size;   /* m: members of each cluster */
    int *cl;        /* n: cluster of each sorted position */
    size_t *orig;   /* n: original index of each sorted position */
    double *sums;   /* symmetric pass: m x n, sums[c * n + p]; else m */
    int symmetric;  /* 1: each pair once, credited to both samples */
    const atomic_int *cancel; /* polled every row of the passes */
};

/* ------------------------------------------------------------- kernels */

/* v[t] = sqrt(v[t]), and col[t] += v[t] when col is not NULL. libm's sqrt
 * keeps errno and so never vectorises without -fno-math-errno; the
 * intrinsics give the same correctly rounded values, so every path agrees
 * bit for bit. */
static void sqrt_add(double *restrict v, double *restrict col, size_t m)
{
    size_t t = 0;
#if defined(__AVX__)
    for (; t + 4 <= m; t += 4) {
        __m256d r = _mm256_sqrt_pd(_mm256_loadu_pd(v + t));
        _mm256_storeu_pd(v + t, r);
        if (col != NULL)
            _mm256_storeu_pd(col + t, _mm256_add_pd(_mm256_loadu_pd(col + t), r));
    }
#elif defined(__SSE2__)
    for (; t + 2 <= m; t += 2) {
        __m128d r = _mm_sqrt_pd(_mm_loadu_pd(v + t));
        _mm_storeu_pd(v + t, r);
        if (col != NULL)
            _mm_storeu_pd(col + t, _mm_add_pd(_mm_loadu_pd(col + t), r));
    }
#endif
    for (; t < m; t++) {
        v[t] = sqrt(v[t]);
        if (col != NULL)
            col[t] += v[t];
    }
}

/* Sum of v[0..m) in SUM_LANES interleaved partial sums, then pairwise. */
static double sum_lanes(const double *v, size_t m)
{
    double acc[SUM_LANES] = {0.0};
    size_t t = 0;
    for (; t + SUM_LANES <= m; t += SUM_LANES)
        for (size_t l = 0; l < SUM_LANES; l++)
            acc[l] += v[t + l];
    double s = (acc[0] + acc[1]) + (acc[2] + acc[3]);
    for (; t < m; t++)
        s += v[t];
    return s;
}

/* buf[t] = |x_p - x_{j0+t}| for t < m (sorted positions); col[t] += buf[t]
 * too when col is not NULL. */
static void tile_distances(const struct sil *S, size_t p, size_t j0, size_t m,
                           double *restrict buf, double *restrict col)
{
    const size_t n = S->n;
    if (S->d == 2) { /* one pass */
        const double *restrict x = S->xs + j0, *restrict y = S->xs + n + j0;
        const double px = S->xs[p], py = S->xs[n + p];
        for (size_t t = 0; t < m; t++)
            buf[t] = (x[t] - px) * (x[t] - px) + (y[t] - py) * (y[t] - py);
    } else {
        for (size_t f = 0; f < S->d; f++) {
            const double *restrict xf = S->xs + f * n + j0;
            const double pf = S->xs[f * n + p];
            for (size_t t = 0; t < m; t++)
                buf[t] = (f == 0 ? 0.0 : buf[t]) + (xf[t] - pf) * (xf[t] - pf);
        }
    }
    sqrt_add(buf, col, m);
}

/* Add the tile's distances, cluster segment by segment, to row[c]. */
static void add_segments(const struct sil *S, const double *buf, size_t j0,
                         size_t m, double *row, size_t row_stride)
{
    size_t pos = j0, end = j0 + m;
    for (int c = S->cl[j0]; pos < end; c++) {
        size_t stop = S->start[c + 1] < end ? S->start[c + 1] : end;
        row[(size_t)c * row_stride] += sum_lanes(buf + (pos - j0), stop - pos);
        pos = stop;
    }
}

#if defined(__AVX__)
/* |(x, y) - (px, py)| for 4 samples: sub, mul, add, sqrt, as the scalar
 * code. */
static inline __m256d dist4(const double *x, const double *y, __m256d px,
                            __m256d py)
{
    __m256d dx = _mm256_sub_pd(_mm256_loadu_pd(x), px);
    __m256d dy = _mm256_sub_pd(_mm256_loadu_pd(y), py);
    return _mm256_sqrt_pd(
        _mm256_add_pd(_mm256_mul_pd(dx, dx), _mm256_mul_pd(dy, dy)));
}
#endif

/* d == 2, one cluster segment of the row of sorted position p: returns
 * the sum of the distances |x_p - x_j| over j in [j0, j0 + m), in
 * sum_lanes' order, and adds each to col[j - j0]. May read up to
 * SUM_LANES - 1 coordinates past the segment (see XS_PAD). */
static double segment_d2(const struct sil *S, size_t p, size_t j0, size_t m,
                         double *restrict col)
{
    const double *restrict x = S->xs + j0, *restrict y = S->xs + S->n + j0;
    const double px = S->xs[p], py = S->xs[S->n + p];
    double s, tail[SUM_LANES];
    size_t t = 0;
#if defined(__AVX__)
    const __m256d vx = _mm256_set1_pd(px), vy = _mm256_set1_pd(py);
    __m256d acc = _mm256_setzero_pd();
    for (; t + SUM_LANES <= m; t += SUM_LANES) {
        __m256d dv = dist4(x + t, y + t, vx, vy);
        _mm256_storeu_pd(col + t, _mm256_add_pd(_mm256_loadu_pd(col + t), dv));
        acc = _mm256_add_pd(acc, dv);
    }
    if (t < m) /* the last m % SUM_LANES distances, as one vector */
        _mm256_storeu_pd(tail, dist4(x + t, y + t, vx, vy));
    double lane[SUM_LANES];
    _mm256_storeu_pd(lane, acc);
    s = (lane[0] + lane[1]) + (lane[2] + lane[3]);
#else
    double acc[SUM_LANES] = {0.0};
    for (; t + SUM_LANES <= m; t += SUM_LANES)
        for (size_t l = 0; l < SUM_LANES; l++) {
            double dx = x[t + l] - px, dy = y[t + l] - py;
            double dist = sqrt(dx * dx + dy * dy);
            col[t + l] += dist;
            acc[l] += dist;
        }
    for (size_t l = 0; t + l < m; l++) {
        double dx = x[t + l] - px, dy = y[t + l] - py;
        tail[l] = sqrt(dx * dx + dy * dy);
    }
    s = (acc[0] + acc[1]) + (acc[2] + acc[3]);
#endif
    for (size_t l = 0; t + l < m; l++) {
        col[t + l] += tail[l];
        s += tail[l];
    }
    return s;
}

/* d == 2: add_segments(tile_distances(...)) in one pass, each cluster
 * segment of the tile [j0, j0 + m) summed as it is computed. */
static void fused_segments(struct sil *S, size_t p, size_t j0, size_t m,
                           double *col)
{
    const size_t n = S->n, end = j0 + m;
    for (size_t pos = j0, c = (size_t)S->cl[j0]; pos < end; c++) {
        size_t stop = S->start[c + 1] < end ? S->start[c + 1] : end;
        S->sums[c * n + p] += segment_d2(S, p, pos, stop - pos, col + pos);
        pos = stop;
    }
}

/* Each pair p < j once: d(p, j) goes to sums[cl(j)][p] (segment sums) and
 * to sums[cl(p)][j] (a contiguous, vectorised add). */
static void pass_symmetric(struct sil *S)
{
    const size_t n = S->n;
    double buf[TILE];
    for (size_t p = 0; p + 1 < n && !cancel_requested(S->cancel); p++) {
        double *col = S->sums + (size_t)S->cl[p] * n;
        for (size_t j0 = p + 1; j0 < n; j0 += TILE) {
            size_t m = n - j0 < TILE ? n - j0 : TILE;
            if (S->d == 2) {
                fused_segments(S, p, j0, m, col);
                continue;
            }
            tile_distances(S, p, j0, m, buf, col + j0);
            add_segments(S, buf, j0, m, S->sums + p, n);
        }
    }
}

/* s of one sample from its distance sums to each of m clusters
 * (row[c * stride]) and the cluster sizes; sklearn's arithmetic:
 * a = sum / (size - 1), b = min of sum / size. */
static double value_of(const double *row, size_t stride, int own,
                       const size_t *size, int m)
{
    if (size[own] == 1)
        return 0.0; /* sklearn: 0/0 -> NaN -> nan_to_num -> 0 */
    double a = row[(size_t)own * stride] / (double)(size[own] - 1);
    double b = HUGE_VAL;
    for (int c = 0; c < m; c++) {
        if (c == own)
            continue;
        double mean = row[(size_t)c * stride] / (double)size[c];
        b = mean < b ? mean : b;
    }
    double top = a > b ? a : b;
    return top > 0.0 ? (b - a) / top : 0.0;
}

/* s_p from the sums of sample p to each cluster of S (row[c * stride]).
 * S->size holds the cluster sizes. */
static double sample_value(const struct sil *S, size_t p, const double *row,
                           size_t stride)
{
    return value_of(row, stride, S->cl[p], S->size, S->m);
}

/* More clusters than SILHOUETTE_SYM_MAX_CLUSTERS: each sample's full row of
 * distances (itself included, adding 0) into m running sums. */
static void pass_streaming(struct sil *S, double *s)
{
    const size_t n = S->n;
    double buf[TILE];
    for (size_t p = 0; p < n && !cancel_requested(S->cancel); p++) {
        memset(S->sums, 0, (size_t)S->m * sizeof *S->sums);
        for (size_t j0 = 0; j0 < n; j0 += TILE) {
            size_t m = n - j0 < TILE ? n - j0 : TILE;
            tile_distances(S, p, j0, m, buf, NULL);
            add_segments(S, buf, j0, m, S->sums, 1);
        }
        s[S->orig[p]] = sample_value(S, p, S->sums, 1);
    }
}

/* ------------------------------------------------------------ set-up */

/* Count labels into count[k]; check range and the number of clusters. */
static int count_labels(const int *labels, size_t n, int k, size_t *count,
                        int *m, errmsg_t *err)
{
    for (int c = 0; c < k; c++)
        count[c] = 0;
    for (size_t i = 0; i < n; i++) {
        if (labels[i] < 0 || labels[i] >= k) {
            *m = -1; /* tells a range error from a count error */
            return errmsg_set(err, STATUS_USAGE,
                              "silhouette: label %d of sample %zu is outside "
                              "0..%d", labels[i], i, k - 1);
        }
        count[labels[i]]++;
    }
    *m = 0;
    for (int c = 0; c < k; c++)
        *m += count[c] > 0;
    if (*m < 2 || (size_t)*m > n - 1)
        return errmsg_set(err, STATUS_USAGE,
                          "silhouette: %d distinct labels for %zu samples; "
                          "needs 2..n-1", *m, n);
    return STATUS_OK;
}

static void sil_free(struct sil *S)
{
    free(S->xs);
    free(S->start);
    free(S->size);
    free(S->cl);
    free(S->orig);
    free(S->sums);
    memset(S, 0, sizeof *S);
}

static int sil_alloc(struct sil *S, size_t n, size_t d, int m, int symmetric)
{
    S->n = n;
    S->d = d;
    S->m = m;
    S->symmetric = symmetric;
    S->xs = malloc((n * d + XS_PAD) * sizeof *S->xs);
    S->start = malloc(((size_t)m + 1) * sizeof *S->start);
    S->size = malloc(((size_t)m + 1) * sizeof *S->size);
    S->cl = malloc(n * sizeof *S->cl);
    S->orig = malloc(n * sizeof *S->orig);
    S->sums = calloc((size_t)m * (S->symmetric ? n : 1), sizeof *S->sums);
    if (!S->xs || !S->start || !S->size || !S->cl || !S->orig || !S->sums)
        return -1;
    memset(S->xs + n * d, 0, XS_PAD * sizeof *S->xs);
    return 0;
}

/* Stable counting sort of the samples by label into S (label order =
 * cluster order, empty labels skipped). count[k] is turned into the label
 * -> next sorted position map. */
static void sort_by_cluster(struct sil *S, const double *X, const int *labels,
                            int k, size_t *count)
{
    const size_t n = S->n, d = S->d;
    size_t pos = 0;
    int c = 0;
    for (int l = 0; l < k; l++) {
        if (count[l] == 0)
            continue;
        S->start[c] = pos;
        S->size[c] = count[l];
        for (size_t p = pos; p < pos + count[l]; p++)
            S->cl[p] = c;
        size_t size = count[l];
        count[l] = pos;
        pos += size;
        c++;
    }
    S->start[c] = pos;
    for (size_t i = 0; i < n; i++) {
        size_t p = count[labels[i]]++;
        S->orig[p] = i;
        for (size_t f = 0; f < d; f++)
            S->xs[f * n + p] = X[i * d + f];
    }
}

/* ---------------------------------------------------------------- API */

/* silhouette_samples, polling `cancel` every row of the pass: then
 * CANCEL_STATUS, s incomplete. */
static int samples_polled(const double *X, size_t n, int d, const int *labels,
                          int k, double *s, const atomic_int *cancel,
                          errmsg_t *err)
{
    if (d < 1 || k < 1)
        return errmsg_set(err, STATUS_USAGE,
                          "silhouette: need d >= 1 and k >= 1 (d=%d k=%d)", d,
                          k);
    size_t *count = malloc((size_t)k * sizeof *count);
    struct sil S = {0};
    int m = 0, rc;
    if (count == NULL)
        return errmsg_set(err, STATUS_NOMEM, "silhouette: out of memory");
    rc = count_labels(labels, n, k, count, &m, err);
    if (rc == STATUS_OK &&
        sil_alloc(&S, n, (size_t)d, m, m <= SILHOUETTE_SYM_MAX_CLUSTERS) != 0)
        rc = errmsg_set(err, STATUS_NOMEM,
                        "silhouette: out of memory (n=%zu clusters=%d)", n, m);
    if (rc == STATUS_OK) {
        S.cancel = cancel;
        sort_by_cluster(&S, X, labels, k, count);
        if (S.symmetric) {
            pass_symmetric(&S);
            for (size_t p = 0; p < n; p++)
                s[S.orig[p]] = sample_value(&S, p, S.sums + p, n);
        } else {
            pass_streaming(&S, s);
        }
    }
    sil_free(&S);
    free(count);
    if (rc == STATUS_OK && cancel_requested(cancel))
        rc = errmsg_set(err, CANCEL_STATUS, "silhouette: stopped");
    return rc;
}

int silhouette_samples(const double *X, size_t n, int d, const int *labels,
                       int k, double *s, errmsg_t *err)
{
    return samples_polled(X, n, d, labels, k, s, NULL, err);
}

/* silhouette_score, polling `cancel` (see samples_polled). */
static int score_polled(const double *X, size_t n, int d, const int *labels,
                        int k, double *score, const atomic_int *cancel,
                        errmsg_t *err)
{
    *score = NAN;
    double *s = malloc((n ? n : 1) * sizeof *s);
    if (s == NULL)
        return errmsg_set(err, STATUS_NOMEM, "silhouette: out of memory");
    int rc = samples_polled(X, n, d, labels, k, s, cancel, err);
    if (rc == STATUS_OK) {
        double total = 0.0;
        for (size_t i = 0; i < n; i++)
            total += s[i];
        *score = total / (double)n;
    }
    free(s);
    return rc;
}

int silhouette_score(const double *X, size_t n, int d, const int *labels,
                     int k, double *score, errmsg_t *err)
{
    return score_polled(X, n, d, labels, k, score, NULL, err);
}

/* ---------------------------------------------- several labelings at once */

/* Most joint groups for n samples: at least SEGMENT_MIN samples a group
 * on average (each group is a segment of every row of the pair pass, with
 * a fixed cost), never fewer than the symmetric pass allows one
 * labeling's clusters, and their sums (groups x n doubles) within
 * GROUP_SUMS_MAX. */
static size_t groups_cap(size_t n)
{
    size_t cap = n / SEGMENT_MIN;
    if (cap < SILHOUETTE_SYM_MAX_CLUSTERS)
        cap = SILHOUETTE_SYM_MAX_CLUSTERS;
    if (cap * n > GROUP_SUMS_MAX)
        cap = GROUP_SUMS_MAX / (n ? n : 1);
    return cap;
}

/* The joint partition of usable labelings from `first` on: samples with the
 * same label in every one share a group. Refined one labeling at a time,
 * a group's new number following (old group, label) order, so groups come
 * in the lexicographic order of their label tuples (for one labeling:
 * label order, as sort_by_cluster numbers clusters). It stops before the
 * labeling that would take it past groups_cap or GROUP_KEYS_MAX keys
 * (groups x k); *end is then that labeling: [first, *end) share the
 * groups. Returns the group count; 0 with *end = first + 1 when labeling
 * `first` alone is past the caps. */
static int joint_groups(const int *const *labels, const int *k,
                        const unsigned char *use, int first, int nl, size_t n,
                        int *group, int *key, int *end)
{
    const size_t cap = groups_cap(n);
    size_t groups = 1;
    int l = first;
    for (size_t i = 0; i < n; i++)
        group[i] = 0;
    for (; l < nl; l++) {
        if (!use[l])
            continue;
        size_t keys = groups * (size_t)k[l], next = 0;
        if (keys > GROUP_KEYS_MAX)
            break;
        for (size_t q = 0; q < keys; q++)
            key[q] = 0;
        for (size_t i = 0; i < n; i++)
            key[(size_t)group[i] * (size_t)k[l] + (size_t)labels[l][i]] = 1;
        for (size_t q = 0; q < keys; q++)
            key[q] = key[q] ? (int)next++ : -1;
        if (next > cap)
            break;
        for (size_t i = 0; i < n; i++)
            group[i] = key[(size_t)group[i] * (size_t)k[l] + (size_t)labels[l][i]];
        groups = next;
    }
    *end = l > first ? l : first + 1;
    return l > first ? (int)groups : 0;
}

/* Scratch of score_from_groups, sized for the largest k. */
struct sil_multi {
    double *csum;   /* clusters x n: distance sums per cluster */
    double *s;      /* n: per-sample values, original order */
    size_t *size;   /* k: cluster sizes */
    int *index;     /* k: label -> cluster (non-empty labels, in order) */
    int *cmap;      /* groups: group -> cluster */
};

/* One labeling's score from the group sums of S: a cluster's sum is the
 * sum of its groups' sums, in group order (a lone group: its sum itself,
 * so one labeling gives silhouette_score's bits). */
static double score_from_groups(const struct sil *S, const int *labels, int k,
                                struct sil_multi *w)
{
    const size_t n = S->n;
    int m = 0;
    for (int c = 0; c < k; c++)
        w->size[c] = 0;
    for (size_t i = 0; i < n; i++)
        w->size[labels[i]]++;
    for (int c = 0; c < k; c++) {
        w->index[c] = w->size[c] > 0 ? m : -1;
        w->size[m] = w->size[c]; /* m <= c: compacted in place */
        m += w->size[c] > 0;
    }
    for (int g = 0; g < S->m; g++)
        w->cmap[g] = w->index[labels[S->orig[S->start[g]]]];
    memset(w->csum, 0, (size_t)m * n * sizeof *w->csum);
    for (int g = 0; g < S->m; g++) {
        double *restrict dst = w->csum + (size_t)w->cmap[g] * n;
        const double *restrict src = S->sums + (size_t)g * n;
        for (size_t p = 0; p < n; p++)
            dst[p] += src[p];
    }
    for (size_t p = 0; p < n; p++)
        w->s[S->orig[p]] = value_of(w->csum + p, n, w->cmap[S->cl[p]], w->size, m);
    double total = 0.0;
    for (size_t i = 0; i < n; i++) /* sample order, as silhouette_score */
        total += w->s[i];
    return total / (double)n;
}

static void multi_free(struct sil_multi *w)
{
    free(w->csum);
    free(w->s);
    free(w->size);
    free(w->index);
    free(w->cmap);
}

/* Every pair once for all usable labelings, through their joint groups. */
static int score_joint(const double *X, size_t n, int d,
                       const int *const *labels, const int *k,
                       const unsigned char *use, int nl, const int *group,
                       int groups, double *scores, const atomic_int *cancel)
{
    int kmax = 1;
    for (int l = 0; l < nl; l++)
        kmax = use[l] && k[l] > kmax ? k[l] : kmax;
    struct sil S = {0};
    struct sil_multi w = {
        malloc((size_t)kmax * n * sizeof *w.csum), malloc(n * sizeof *w.s),
        malloc(((size_t)kmax + 1) * sizeof *w.size),
        malloc((size_t)kmax * sizeof *w.index),
        malloc((size_t)groups * sizeof *w.cmap)};
    size_t *count = calloc((size_t)groups, sizeof *count);
    int rc = STATUS_NOMEM;
    if (w.csum && w.s && w.size && w.index && w.cmap && count &&
        sil_alloc(&S, n, (size_t)d, groups, 1) == 0) {
        for (size_t i = 0; i < n; i++)
            count[group[i]]++;
        S.cancel = cancel;
        sort_by_cluster(&S, X, group, groups, count);
        pass_symmetric(&S);
        for (int l = 0; l < nl; l++)
            if (use[l])
                scores[l] = score_from_groups(&S, labels[l], k[l], &w);
        rc = STATUS_OK;
    }
    sil_free(&S);
    multi_free(&w);
    free(count);
    return rc;
}

/* Range-check every labeling; use[l] = its distinct labels are 2..n-1. */
static int check_labelings(size_t n, int d, int nl, const int *const *labels,
                           const int *k, unsigned char *use, errmsg_t *err)
{
    if (d < 1)
        return errmsg_set(err, STATUS_USAGE, "silhouette: need d >= 1 (d=%d)", d);
    for (int l = 0; l < nl; l++) {
        if (k[l] < 1)
            return errmsg_set(err, STATUS_USAGE, "silhouette: labeling %d has "
                              "k=%d < 1", l, k[l]);
        size_t *count = malloc((size_t)k[l] * sizeof *count);
        if (count == NULL)
            return errmsg_set(err, STATUS_NOMEM, "silhouette: out of memory");
        int m = 0;
        errmsg_t why;
        int rc = count_labels(labels[l], n, k[l], count, &m, &why);
        free(count);
        if (rc == STATUS_USAGE && m == -1)
            return errmsg_set(err, rc, "%s (labeling %d)", why.text, l);
        use[l] = rc == STATUS_OK;
    }
    return STATUS_OK;
}

int silhouette_scores(const double *X, size_t n, int d, int nl,
                      const int *const *labels, const int *k, double *scores,
                      const atomic_int *cancel, errmsg_t *err)
{
    for (int l = 0; l < nl; l++)
        scores[l] = NAN;
    unsigned char *use = malloc(nl > 0 ? (size_t)nl : 1);
    int *group = malloc((n ? n : 1) * sizeof *group);
    int *key = malloc(GROUP_KEYS_MAX * sizeof *key);
    int rc = use && group && key ? STATUS_OK
                                 : errmsg_set(err, STATUS_NOMEM,
                                              "silhouette: out of memory");
    if (rc == STATUS_OK)
        rc = check_labelings(n, d, nl, labels, k, use, err);
    /* Runs of labelings that share their joint groups, one pass each. */
    for (int first = 0, end; rc == STATUS_OK && first < nl; first = end) {
        int groups = joint_groups(labels, k, use, first, nl, n, group, key, &end);
        if (groups > 1)
            rc = score_joint(X, n, d, labels + first, k + first, use + first,
                             end - first, group, groups, scores + first, cancel);
        else if (groups == 0) /* too many clusters for a joint pass */
            rc = score_polled(X, n, d, labels[first], k[first],
                              &scores[first], cancel, err);
    }
    if (rc == STATUS_NOMEM)
        errmsg_set(err, rc, "silhouette: out of memory (n=%zu)", n);
    if (rc == STATUS_OK && cancel_requested(cancel))
        rc = errmsg_set(err, CANCEL_STATUS, "silhouette: stopped");
    free(use);
    free(group);
    free(key);
    return rc;
}
