/* drift: a program whose speed drifts, for tests/test_order.sh. Every call
 * reads a counter from the file named by argv[1], adds one and writes it
 * back, then reports the time its kernel "took" at the current thread
 * count: (1 + 0.1 k) / threads seconds for call k (from 0). The machine is
 * thus 10% slower at every call, and perfect scaling would give a speedup
 * equal to the thread count. The time is computed, not measured, so the
 * test asserts on recorded values, not on the machine's luck. */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>

static const double DRIFT_PER_CALL = 0.1;

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: drift COUNTER_FILE\n");
        return 2;
    }
    long k = 0;
    FILE *f = fopen(argv[1], "r");
    if (f != NULL) {
        if (fscanf(f, "%ld", &k) != 1)
            k = 0;
        fclose(f);
    }
    f = fopen(argv[1], "w");
    if (f == NULL || fprintf(f, "%ld\n", k + 1) < 0 || fclose(f) != 0) {
        fprintf(stderr, "drift: cannot write %s\n", argv[1]);
        return 1;
    }
    int threads = omp_get_max_threads();
    printf("threads: %d\n", threads);
    printf("time: %.9f\n", (1.0 + DRIFT_PER_CALL * (double)k) / threads);
    return 0;
}
