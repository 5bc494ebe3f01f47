/* silhouette: the exact silhouette coefficient with Euclidean distances, as
 * scikit-learn 1.2's silhouette_samples / silhouette_score compute it:
 *   a_i = mean distance from i to the other members of its cluster,
 *   b_i = smallest mean distance from i to the members of another cluster,
 *   s_i = (b_i - a_i) / max(a_i, b_i), and s_i = 0 when i is alone in its
 *         cluster (or when a_i = b_i = 0);
 *   score = mean of s_i.
 * Labels are ints in [0, k); values that no sample uses are ignored, as
 * scikit-learn re-encodes the labels present.
 *
 * The n x n distance matrix is never built: samples are sorted by cluster
 * into a feature-major copy and distances are streamed in small tiles, so
 * each (sample, cluster) sum is a contiguous, vectorised reduction. With
 * at most SILHOUETTE_SYM_MAX_CLUSTERS clusters each pair is computed once
 * and credited to both samples (memory O(n (d + clusters))); with more,
 * every pair is computed twice and memory stays O(n d + k). Serial and
 * deterministic: the summation order is fixed by the input alone. */
#ifndef OMPSWEEP_ELBOW_SILHOUETTE_H
#define OMPSWEEP_ELBOW_SILHOUETTE_H

#include <stdatomic.h>
#include <stddef.h>

#include "base/status.h"

/* Above this many non-empty clusters the per-pair symmetric pass would need
 * too many per-sample sums; the streaming pass takes over. */
enum { SILHOUETTE_SYM_MAX_CLUSTERS = 64 };

/* s[i] (n values) for X (n x d, row-major) and labels (n ints in [0, k)).
 * Errors, with s untouched: STATUS_USAGE when d < 1, k < 1, a label is
 * outside [0, k), or the number of distinct labels is not in 2..n-1
 * (scikit-learn raises ValueError there); STATUS_NOMEM. */
int silhouette_samples(const double *X, size_t n, int d, const int *labels,
                       int k, double *s, errmsg_t *err);

/* *score = mean of silhouette_samples, summed in sample order. On error
 * returns the same codes and sets *score to NaN. */
int silhouette_score(const double *X, size_t n, int d, const int *labels,
                     int k, double *score, errmsg_t *err);

/* The scores of nl labelings of the same samples (labels[l]: n ints in
 * [0, k[l])), as silhouette_score gives each up to rounding, with every
 * pair distance computed once for all of them: the samples are split into
 * the joint groups of the labelings (equal labels in every one), the
 * symmetric pass sums each sample's distances per group, and a cluster's
 * sum is the sum of its groups' sums, in group order. A pair distance
 * costs one subtraction per feature and a square root, so with few
 * features this is close to nl times cheaper. The groups are kept coarse
 * enough to be cheap: at least 16 samples a group on average (or
 * SILHOUETTE_SYM_MAX_CLUSTERS groups) and their sums within 64 MB; the
 * labelings go, in order, into runs that stay within that, one pass over
 * the pairs a run, and a labeling past it alone is scored by
 * silhouette_score. One labeling with at most SILHOUETTE_SYM_MAX_CLUSTERS
 * clusters gives silhouette_score's bits. Deterministic: the runs and the
 * order of every sum depend on the input alone.
 * scores[l] is NaN for a labeling whose distinct labels are not 2..n-1.
 * cancel: NULL, or a flag (base/cancel.h) polled every row of the pair
 * passes; once it is set the pass stops and CANCEL_STATUS is returned.
 * Errors, scores all NaN: STATUS_USAGE (d < 1, a k[l] < 1, a label outside
 * its range), STATUS_NOMEM. */
int silhouette_scores(const double *X, size_t n, int d, int nl,
                      const int *const *labels, const int *k, double *scores,
                      const atomic_int *cancel, errmsg_t *err);

#endif
