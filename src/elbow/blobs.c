/* blobs: see blobs.h. */
#include "elbow/blobs.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "elbow/nprandom.h"

/* Marks a row already moved to its place while applying the permutation. */
#define ROW_DONE SIZE_MAX

static int check_params(const struct blobs_params *p, errmsg_t *err)
{
    if (p->n_samples < 1)
        return errmsg_set(err, STATUS_USAGE, "--samples must be at least 1");
    if (p->n_features < 1)
        return errmsg_set(err, STATUS_USAGE, "--features must be at least 1");
    if (p->centers < 1)
        return errmsg_set(err, STATUS_USAGE,
                          "--centers must be at least 1 (got %d)", p->centers);
    if (!isfinite(p->cluster_std) || p->cluster_std < 0.0)
        return errmsg_set(err, STATUS_USAGE,
                          "--cluster-std must be a finite number >= 0 (got %g)",
                          p->cluster_std);
    if (p->seed >= BLOBS_SEED_LIMIT)
        return errmsg_set(err, STATUS_USAGE,
                          "--seed must be < %llu for make_blobs (numpy's "
                          "RandomState limit; got %llu)",
                          (unsigned long long)BLOBS_SEED_LIMIT,
                          (unsigned long long)p->seed);
    return STATUS_OK;
}

/* rows * cols doubles in bytes, or 0 when that overflows size_t. */
static size_t matrix_bytes(size_t rows, size_t cols)
{
    if (cols != 0 && rows > SIZE_MAX / cols)
        return 0;
    const size_t count = rows * cols;
    if (count > SIZE_MAX / sizeof(double))
        return 0;
    return count * sizeof(double);
}

/* Sample rows of center c: one normal(center[j], std) per value, row-major,
 * as numpy broadcasts normal(loc=centers[c], scale=std, size=(count, d)). */
static void draw_cluster(struct nprandom *rng, const double *center, size_t d,
                         double std, size_t count, double *x)
{
    for (size_t i = 0; i < count; i++)
        for (size_t j = 0; j < d; j++)
            x[i * d + j] = nprandom_normal(rng, center[j], std);
}

/* Unshuffled samples: cluster c gets n / C rows, plus one for c < n % C. */
static void draw_samples(struct nprandom *rng, const struct blobs_params *p,
                         const double *centers, double *x, int *labels)
{
    const size_t d = p->n_features;
    const size_t ncent = (size_t)p->centers;
    const size_t base = p->n_samples / ncent;
    const size_t extra = p->n_samples % ncent;
    size_t row = 0;
    for (size_t c = 0; c < ncent; c++) {
        const size_t count = base + (c < extra ? 1 : 0);
        draw_cluster(rng, centers + c * d, d, p->cluster_std, count,
                     x + row * d);
        for (size_t i = 0; i < count; i++)
            labels[row + i] = (int)c;
        row += count;
    }
}

/* Make row i hold old row idx[i], in place, one cycle at a time; tmp holds
 * d doubles. Marks idx entries as it goes (idx is consumed). */
static void permute_rows(double *x, int *labels, size_t *idx, size_t n,
                         size_t d, double *tmp)
{
    const size_t row_bytes = d * sizeof(double);
    for (size_t start = 0; start < n; start++) {
        if (idx[start] == ROW_DONE)
            continue;
        memcpy(tmp, x + start * d, row_bytes);
        const int tmp_label = labels[start];
        size_t i = start;
        for (;;) {
            const size_t from = idx[i];
            idx[i] = ROW_DONE;
            if (from == start) {
                memcpy(x + i * d, tmp, row_bytes);
                labels[i] = tmp_label;
                break;
            }
            memcpy(x + i * d, x + from * d, row_bytes);
            labels[i] = labels[from];
            i = from;
        }
    }
}

/* scikit-learn's shuffle: idx = arange(n); rng.shuffle(idx); X = X[idx]. */
static void shuffle_rows(struct nprandom *rng, double *x, int *labels,
                         size_t *idx, size_t n, size_t d, double *tmp)
{
    for (size_t i = 0; i < n; i++)
        idx[i] = i;
    nprandom_shuffle_index(rng, idx, n);
    permute_rows(x, labels, idx, n, d, tmp);
}

/* Work space besides the outputs: centers, row order and one spare row. */
struct scratch {
    double *centers, *tmp;
    size_t *idx;
};

static void scratch_free(struct scratch *s)
{
    free(s->centers);
    free(s->tmp);
    free(s->idx);
}

static void generate(const struct blobs_params *p, struct scratch *s,
                     double *x, int *labels)
{
    struct nprandom rng;
    nprandom_seed(&rng, (uint32_t)p->seed);
    const size_t ncenter_values = (size_t)p->centers * p->n_features;
    for (size_t i = 0; i < ncenter_values; i++)
        s->centers[i] = nprandom_uniform(&rng, BLOBS_CENTER_LOW,
                                         BLOBS_CENTER_HIGH);
    draw_samples(&rng, p, s->centers, x, labels);
    shuffle_rows(&rng, x, labels, s->idx, p->n_samples, p->n_features, s->tmp);
}

int blobs_make(const struct blobs_params *p, double **x_out, int **labels_out,
               errmsg_t *err)
{
    *x_out = NULL;
    *labels_out = NULL;
    int rc = check_params(p, err);
    if (rc != STATUS_OK)
        return rc;
    const size_t n = p->n_samples, d = p->n_features;
    const size_t x_bytes = matrix_bytes(n, d);
    const size_t center_bytes = matrix_bytes((size_t)p->centers, d);
    if (x_bytes == 0 || center_bytes == 0)
        return errmsg_set(err, STATUS_USAGE,
                          "make_blobs: %zu samples x %zu features (or %d "
                          "centers) is too large: the size overflows",
                          n, d, p->centers);
    /* n <= x_bytes / sizeof(double), so these byte counts cannot overflow. */
    struct scratch s = {malloc(center_bytes), malloc(d * sizeof(double)),
                        malloc(n * sizeof(size_t))};
    double *x = malloc(x_bytes);
    int *labels = malloc(n * sizeof(int));
    if (s.centers == NULL || s.tmp == NULL || s.idx == NULL || x == NULL ||
        labels == NULL) {
        scratch_free(&s);
        free(x);
        free(labels);
        return errmsg_set(err, STATUS_NOMEM,
                          "make_blobs: out of memory for %zu x %zu values", n,
                          d);
    }
    generate(p, &s, x, labels);
    scratch_free(&s);
    *x_out = x;
    *labels_out = labels;
    return STATUS_OK;
}
