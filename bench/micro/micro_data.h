/* micro_data: the default elbow's first fold, as its kernels see it: blobs
 * (10000 x 100, 7 centres, seed 42), test rows 0..1999 and training rows
 * 2000..9999, standard-scaled on the training rows, then PCA(2) fitted on
 * them. Built through the public APIs of blobs.c and preprocess.c. */
#ifndef OMPSWEEP_MICRO_DATA_H
#define OMPSWEEP_MICRO_DATA_H

#include <stdlib.h>
#include <string.h>

#include "elbow/blobs.h"
#include "elbow/preprocess.h"

enum { MICRO_SAMPLES = 10000, MICRO_FEATURES = 100, MICRO_CENTERS = 7,
       MICRO_TEST = 2000, MICRO_DIM = 2 };

struct micro_fold {
    size_t n_train, n_test, d;
    double *scaled; /* n_train x d, standard-scaled training rows */
    double *train;  /* n_train x MICRO_DIM, after PCA */
    double *test;   /* n_test x MICRO_DIM, after PCA */
};

static inline void micro_fold_free(struct micro_fold *f)
{
    free(f->scaled);
    free(f->train);
    free(f->test);
    memset(f, 0, sizeof *f);
}

/* Returns 0, or -1 with nothing allocated. */
static inline int micro_fold_make(struct micro_fold *f)
{
    struct blobs_params p = {MICRO_SAMPLES, MICRO_FEATURES, MICRO_CENTERS,
                             1.0, 42};
    struct preprocess_scaler sc;
    struct preprocess_pca pca;
    double *x, *test;
    int *labels;
    errmsg_t err;
    memset(f, 0, sizeof *f);
    if (blobs_make(&p, &x, &labels, &err) != STATUS_OK)
        return -1;
    free(labels);
    f->n_test = MICRO_TEST;
    f->n_train = MICRO_SAMPLES - MICRO_TEST;
    f->d = MICRO_FEATURES;
    f->scaled = malloc(f->n_train * f->d * sizeof *f->scaled);
    f->train = malloc(f->n_train * MICRO_DIM * sizeof *f->train);
    f->test = malloc(f->n_test * MICRO_DIM * sizeof *f->test);
    test = x; /* rows 0..MICRO_TEST-1, scaled in place */
    if (f->scaled == NULL || f->train == NULL || f->test == NULL ||
        preprocess_scaler_fit(&sc, x + f->n_test * f->d, f->n_train,
                              (int)f->d, &err) != STATUS_OK) {
        free(x);
        micro_fold_free(f);
        return -1;
    }
    preprocess_scaler_apply(&sc, x + f->n_test * f->d, f->n_train, f->scaled);
    preprocess_scaler_apply(&sc, test, f->n_test, test);
    preprocess_scaler_free(&sc);
    if (preprocess_pca_fit(&pca, f->scaled, f->n_train, (int)f->d, MICRO_DIM,
                           &err) != STATUS_OK) {
        free(x);
        micro_fold_free(f);
        return -1;
    }
    preprocess_pca_apply(&pca, f->scaled, f->n_train, f->train);
    preprocess_pca_apply(&pca, test, f->n_test, f->test);
    preprocess_pca_free(&pca);
    free(x);
    return 0;
}

#endif
