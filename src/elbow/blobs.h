/* blobs: the elbow workload's synthetic data set, bit-identical to
 *     sklearn.datasets.make_blobs(n_samples, n_features, centers=C,
 *                                 cluster_std=s, center_box=(-10, 10),
 *                                 shuffle=True, random_state=seed)
 * of scikit-learn 1.2 on numpy's legacy RandomState (see nprandom.h).
 *
 * Draw order, as scikit-learn makes them: C x d centers uniform in the box;
 * n // C samples per center with the first n % C centers one larger; for each
 * center in turn, its samples as normal(center, s) in row-major order; then
 * one shuffle of the row order.
 *
 * Seeds: numpy accepts only 0 <= seed < 2^32, and the --seed option is 64-bit,
 * so a larger seed is rejected (STATUS_USAGE) rather than silently reduced. */
#ifndef OMPSWEEP_ELBOW_BLOBS_H
#define OMPSWEEP_ELBOW_BLOBS_H

#include <stddef.h>
#include <stdint.h>

#include "base/status.h"

#define BLOBS_CENTER_LOW (-10.0) /* make_blobs' default center_box */
#define BLOBS_CENTER_HIGH 10.0
#define BLOBS_SEED_LIMIT ((uint64_t)1 << 32) /* seeds must be below 2^32 */

struct blobs_params {
    size_t n_samples;  /* >= 1 */
    size_t n_features; /* >= 1 */
    int centers;       /* >= 1; more centers than samples leaves some empty */
    double cluster_std; /* finite, >= 0 */
    uint64_t seed;     /* < BLOBS_SEED_LIMIT */
};

/* Generate the data set. On success *x_out holds n_samples x n_features
 * doubles (row-major) and *labels_out n_samples center indices in
 * [0, centers); the caller frees both with free(). On failure both are set to
 * NULL and the return is STATUS_USAGE (a parameter out of range, or a size
 * whose byte count overflows) or STATUS_NOMEM, with a message in *err. */
int blobs_make(const struct blobs_params *p, double **x_out, int **labels_out,
               errmsg_t *err);

#endif
