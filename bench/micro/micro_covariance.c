/* micro_covariance: the PCA fit of the default elbow's first training fold
 * (8000 x 100, standard-scaled): the covariance X_c^T X_c (upper triangle,
 * blocked) alone, then the whole fit (mean, covariance, symmetric
 * eigensolver, sign rule).
 *
 * The covariance kernel is static in src/elbow/preprocess.c, so this file
 * includes it: what is timed is exactly the code the elbow runs.
 *
 * Limit: the triangle takes n d (d + 1) / 2 multiply-adds; limit = peak
 * fused multiply-adds per second of this CPU (micro_peak_fma), i.e. the
 * covariance at full FMA throughput with no other cost. */
#include "../../src/elbow/preprocess.c"

#include "micro.h"
#include "micro_data.h"

int main(void)
{
    struct micro_fold f;
    if (micro_fold_make(&f) != 0) {
        fprintf(stderr, "micro_covariance: set-up failed\n");
        return 1;
    }
    const size_t n = f.n_train, d = f.d;
    double *mean = malloc(d * sizeof *mean);
    double *cov = malloc((d * d + cov_scratch(d)) * sizeof *cov);
    if (mean == NULL || cov == NULL)
        return 1;
    const double limit = micro_peak_fma();
    const double fmas = (double)n * (double)(d * (d + 1) / 2);
    /* a cancel flag that is never set, as the elbow passes one */
    static atomic_int never;
    column_mean(f.scaled, all_rows(n), n, (int)d, mean, &never);
    double best = HUGE_VAL;
    for (int rep = 0; rep < MICRO_REPEATS; rep++) {
        double t0 = micro_now();
        covariance(f.scaled, mean, n, (int)d, cov, cov + d * d, &never);
        double t = micro_now() - t0;
        best = t < best ? t : best;
    }
    micro_report("covariance 8000x100", "FMA/s", fmas / best, limit,
                 "peak FMA lanes/s");
    best = HUGE_VAL;
    for (int rep = 0; rep < MICRO_REPEATS; rep++) {
        struct preprocess_pca pca;
        errmsg_t err;
        double t0 = micro_now();
        if (preprocess_pca_fit(&pca, f.scaled, n, (int)d, MICRO_DIM, &err))
            return 1;
        double t = micro_now() - t0;
        micro_sink += pca.components[0];
        preprocess_pca_free(&pca);
        best = t < best ? t : best;
    }
    micro_report("PCA fit 8000x100 (whole)", "cov-FMA/s", fmas / best, limit,
                 "covariance FMAs only, at peak FMA");
    free(mean);
    free(cov);
    micro_fold_free(&f);
    return 0;
}
