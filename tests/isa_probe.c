/* isa_probe: the checksums of ompsweep's default bogosort and elbow, from
 * the kernels alone (no harness). `make test` builds it for other targets
 * and compilers (x86-64, -v2, -v3, native, gcc and clang) into their build
 * directories, which costs the kernels' objects only, and
 * tests/test_isa.sh compares every build's checksums with each other and
 * with ompsweep's own: the parameters below are ompsweep's defaults, and
 * the native probe must print what `ompsweep elbow` and `ompsweep
 * bogosort` record.
 *
 * Usage: isa_probe THREADS. Prints "bogosort rows 0x..." (the default
 * partition), then "elbow over-k 0x..." and "elbow tasks 0x...", and
 * "elbow-wide over-k 0x...": make_blobs of 60 x 2000 (3 centres), whose
 * PCA goes through the Gram matrix (fewer samples than features). Exit 1
 * on an error or a failed verification. */
#include <stdio.h>
#include <stdlib.h>

#include "base/openmp.h"
#include "bogosort/bogosort.h"
#include "elbow/blobs.h"
#include "elbow/elbow.h"

/* ompsweep's defaults (src/config.c, config_defaults). */
enum { SEED = 42, ROWS = 1000, COLS = 8, MAX_VALUE = 100, SAMPLES = 10000,
       FEATURES = 100, CENTERS = 7, K_MIN = 2, K_MAX = 14, FOLDS = 5,
       N_INIT = 10, MAX_ITER = 300, PCA = 2 };
#define CLUSTER_STD 1.0
#define TOL 1e-4

static int probe_bogosort(void)
{
    struct bogosort b;
    errmsg_t err;
    uint64_t checksum, work;
    if (bogosort_init(&b, ROWS, COLS, MAX_VALUE, SEED, BOGOSORT_ROWS, &err) !=
        STATUS_OK) {
        fprintf(stderr, "isa_probe: %s\n", err.text);
        return 1;
    }
    bogosort_run(&b);
    bool ok = bogosort_verify(&b, &checksum, &work);
    printf("bogosort %s 0x%016llx\n", bogosort_partition_names[BOGOSORT_ROWS],
           (unsigned long long)checksum);
    bogosort_free(&b);
    return ok ? 0 : 1;
}

/* The wide problem: fewer samples than features. */
enum { WIDE_SAMPLES = 60, WIDE_FEATURES = 2000, WIDE_CENTERS = 3, WIDE_K_MAX = 5 };

static int probe_elbow(const char *name, const double *x, size_t n, int d,
                       int k_max, enum elbow_strategy strategy, int threads)
{
    const struct elbow_params p = {
        .k_min = K_MIN, .k_max = k_max, .folds = FOLDS, .n_init = N_INIT,
        .max_iter = MAX_ITER, .pca = PCA, .tol = TOL, .scale = true,
        .seed = SEED, .strategy = strategy, .max_threads = threads,
        .rank = 0, .nranks = 1, .cancel = NULL};
    struct elbow e;
    errmsg_t err;
    if (elbow_init(&e, x, n, d, &p, &err) != STATUS_OK) {
        fprintf(stderr, "isa_probe: %s\n", err.text);
        return 1;
    }
    elbow_run(&e);
    bool ok = elbow_verify(&e);
    printf("%s %s 0x%016llx\n", name, elbow_strategy_names[strategy],
           (unsigned long long)elbow_checksum(&e));
    elbow_free(&e);
    return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
    int threads = argc == 2 ? atoi(argv[1]) : 0;
    if (threads < 1) {
        fprintf(stderr, "usage: isa_probe THREADS\n");
        return 2;
    }
    omp_set_num_threads(threads);
    const struct blobs_params bp = {SAMPLES, FEATURES, CENTERS, CLUSTER_STD, SEED};
    const struct blobs_params wp = {WIDE_SAMPLES, WIDE_FEATURES, WIDE_CENTERS,
                                    CLUSTER_STD, SEED};
    double *x = NULL, *wide = NULL;
    int *labels = NULL, *wide_labels = NULL;
    errmsg_t err;
    if (blobs_make(&bp, &x, &labels, &err) != STATUS_OK ||
        blobs_make(&wp, &wide, &wide_labels, &err) != STATUS_OK) {
        fprintf(stderr, "isa_probe: %s\n", err.text);
        return 1;
    }
    int rc = probe_bogosort();
    rc |= probe_elbow("elbow", x, SAMPLES, FEATURES, K_MAX, ELBOW_OVER_K, threads);
    rc |= probe_elbow("elbow", x, SAMPLES, FEATURES, K_MAX, ELBOW_TASKS, threads);
    rc |= probe_elbow("elbow-wide", wide, WIDE_SAMPLES, WIDE_FEATURES, WIDE_K_MAX,
                      ELBOW_OVER_K, threads);
    free(x), free(labels), free(wide), free(wide_labels);
    return rc;
}
