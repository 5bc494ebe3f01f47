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
 * partition), then "elbow over-k 0x..." and "elbow tasks 0x...". Exit 1
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

static int probe_elbow(const double *x, enum elbow_strategy strategy,
                       int threads)
{
    const struct elbow_params p = {
        .k_min = K_MIN, .k_max = K_MAX, .folds = FOLDS, .n_init = N_INIT,
        .max_iter = MAX_ITER, .pca = PCA, .tol = TOL, .scale = true,
        .seed = SEED, .strategy = strategy, .max_threads = threads,
        .rank = 0, .nranks = 1};
    struct elbow e;
    errmsg_t err;
    if (elbow_init(&e, x, SAMPLES, FEATURES, &p, &err) != STATUS_OK) {
        fprintf(stderr, "isa_probe: %s\n", err.text);
        return 1;
    }
    elbow_run(&e);
    bool ok = elbow_verify(&e);
    printf("elbow %s 0x%016llx\n", elbow_strategy_names[strategy],
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
    double *x;
    int *labels;
    errmsg_t err;
    if (blobs_make(&bp, &x, &labels, &err) != STATUS_OK) {
        fprintf(stderr, "isa_probe: %s\n", err.text);
        return 1;
    }
    int rc = probe_bogosort();
    rc |= probe_elbow(x, ELBOW_OVER_K, threads);
    rc |= probe_elbow(x, ELBOW_TASKS, threads);
    free(x);
    free(labels);
    return rc;
}
