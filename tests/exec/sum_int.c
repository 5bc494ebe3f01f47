/* A deterministic OpenMP program for the exec tests: an integer sum (the
 * same at every thread count), what reached it (threads, environment,
 * arguments), and its own timer. Usage: sum_int N [ARG...] */
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static const char *env_or_dash(const char *name)
{
    const char *v = getenv(name);
    return v != NULL ? v : "-";
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 1000;
    uint64_t sum = 0;
    double t0 = omp_get_wtime();
#pragma omp parallel for schedule(runtime) reduction(+ : sum)
    for (long i = 0; i < n; i++) {
        uint64_t x = (uint64_t)i * 2654435761u;
        for (int k = 0; k < 100; k++) /* enough work to be worth threads */
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        sum += x >> 32;
    }
    double t1 = omp_get_wtime();
    printf("threads: %d\n", omp_get_max_threads());
    printf("env: OMP_NUM_THREADS=%s OMP_SCHEDULE=%s OMP_PROC_BIND=%s\n",
           env_or_dash("OMP_NUM_THREADS"), env_or_dash("OMP_SCHEDULE"),
           env_or_dash("OMP_PROC_BIND"));
    for (int i = 1; i < argc; i++)
        printf("arg %d: %s\n", i, argv[i]);
    printf("kernel seconds: %.6f\n", t1 - t0);
    printf("items: %ld\n", n);
    printf("checksum: %llu\n", (unsigned long long)sum);
    return 0;
}
