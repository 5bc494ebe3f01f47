/* preprocess: standard scaler and PCA, fitted on a training matrix and
 * applied to any matrix with the same number of features. Conventions follow
 * scikit-learn 1.2 (StandardScaler, PCA(svd_solver="full")) so results can be
 * checked against it.
 *
 * Matrices are row-major, n rows (samples) x d columns (features), doubles.
 * A fitted model owns its arrays: *_fit allocates them, *_free releases them
 * (and is safe on a zeroed or already freed model). Apply functions never
 * allocate. Everything here is serial and deterministic. */
#ifndef OMPSWEEP_ELBOW_PREPROCESS_H
#define OMPSWEEP_ELBOW_PREPROCESS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/status.h"

/* StandardScaler: x' = (x - mean) / scale. */
struct preprocess_scaler {
    int d;
    double *mean;  /* d: feature means */
    double *var;   /* d: population variances (ddof 0) */
    double *scale; /* d: sqrt(var), or 1 for (near-)constant features */
};

/* PCA model: x' = (x - mean) @ components^T. */
struct preprocess_pca {
    int d, ncomp;
    double *mean;               /* d: training mean */
    double *components;         /* ncomp x d, unit rows, by descending variance */
    double *explained_variance; /* ncomp: eigenvalues of X_c^T X_c / (n - 1) */
    double *explained_variance_ratio; /* ncomp: share of the total variance */
};

/* Fit the scaler on X (n x d). Mean and variance use the corrected two-pass
 * algorithm; a feature is constant, and gets scale 1, when
 * var <= n*eps*var + (n*|mean|*eps)^2 (scikit-learn's rule), which also
 * catches a constant column whose mean does not round exactly.
 * Errors: STATUS_USAGE (n < 1 or d < 1), STATUS_NOMEM; *s is then empty. */
int preprocess_scaler_fit(struct preprocess_scaler *s, const double *X,
                          size_t n, int d, errmsg_t *err);

/* out = (X - mean) / scale for X (n x s->d). out may equal X (in place);
 * otherwise the two must not overlap. */
void preprocess_scaler_apply(const struct preprocess_scaler *s,
                             const double *X, size_t n, double *out);

void preprocess_scaler_free(struct preprocess_scaler *s);

/* Fit a PCA with ncomp components on X (n x d): centre by the mean, form the
 * covariance X_c^T X_c / (n - 1) (upper triangle, blocked; for n < d the
 * n x n Gram matrix instead, see below), solve it exactly (Householder
 * tridiagonalisation + implicit QL) and keep the ncomp largest
 * eigenpairs. Sign convention (scikit-learn's svd_flip, u-based): each
 * component is oriented so that the training sample with the largest
 * |projection| on it projects positively (first such sample on ties).
 * Errors: STATUS_USAGE (n < 2, d < 1, ncomp outside 1..min(n, d), or the
 * eigensolver did not converge, e.g. on NaN data), STATUS_NOMEM; *p is then
 * empty. */
int preprocess_pca_fit(struct preprocess_pca *p, const double *X, size_t n,
                       int d, int ncomp, errmsg_t *err);

/* How the components are found: from the d x d covariance, or from the
 * n x n Gram matrix X_c X_c^T, which has the same nonzero eigenvalues, its
 * eigenvectors u giving the components X_c^T u / |X_c^T u| (n^2 d / 2
 * products and an n x n eigensolve instead of n d^2 / 2 and d x d). AUTO,
 * what preprocess_pca_fit and preprocess_fold use: the Gram matrix when
 * n < d. Both agree to about 1e-13 where the eigenvalues are apart
 * (tests/test_preprocess.c); components past the data's rank are
 * arbitrary unit vectors in either (the Gram path's: the first unit
 * vectors orthogonal to the others). */
enum preprocess_pca_method {
    PREPROCESS_PCA_AUTO,
    PREPROCESS_PCA_COVARIANCE,
    PREPROCESS_PCA_GRAM
};

/* preprocess_pca_fit by a given method (the tests compare them). */
int preprocess_pca_fit_with(struct preprocess_pca *p, const double *X,
                            size_t n, int d, int ncomp,
                            enum preprocess_pca_method method, errmsg_t *err);

/* out (n x p->ncomp) = (X - mean) @ components^T for X (n x p->d).
 * out must not overlap X. */
void preprocess_pca_apply(const struct preprocess_pca *p, const double *X,
                          size_t n, double *out);

void preprocess_pca_free(struct preprocess_pca *p);

/* A KFold split of X (n x d): the test rows are the block
 * [test_begin, test_begin + n_test), the training rows all others, in order.
 * cancel: NULL, or a flag (base/cancel.h) that stops preprocess_fold. */
struct preprocess_split {
    const double *X;
    size_t n, test_begin, n_test;
    int d;
    const atomic_int *cancel;
};

/* The scaler (if scale) then a PCA with ncomp components (none if 0),
 * fitted on the split's training rows and applied to both parts:
 * train_out (n - n_test rows) and test_out (n_test rows), with ncomp
 * columns (d without PCA). Bit for bit what copying the rows out and
 * calling the fit and apply functions above gives, in 6 passes over the
 * data instead of 10 and with no data-sized allocation: scratch holds
 * preprocess_fold_scratch(n, d, ncomp) doubles (NULL if that is 0).
 * Errors as those functions', and CANCEL_STATUS (base/cancel.h) when the
 * split's flag stopped it, the outputs then incomplete. */
int preprocess_fold(const struct preprocess_split *sp, bool scale, int ncomp,
                    double *scratch, double *train_out, double *test_out,
                    errmsg_t *err);
size_t preprocess_fold_scratch(size_t n, int d, int ncomp);

#endif
