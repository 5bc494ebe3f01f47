/* xsbench_like: a stand-in that prints the way XSBench's openmp-threading
 * build does, for the exec tests: numbers with thousands separators
 * ("Lookups/s:   8,123,456"), its own runtime with 3 decimals, and a
 * verification checksum that it calls valid only at its reference size.
 * Off that size it says so on stdout ("WARNING - INVALID CHECKSUM!"),
 * prints nothing on stderr and exits 1, as XSBench does. The checksum is
 * an integer reduction: the same at every thread count.
 * Usage: xsbench_like [-l LOOKUPS] (reference: 100000) */
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { REFERENCE_LOOKUPS = 100000, HASH_MODULUS = 999983, WORK_PER_LOOKUP = 64 };

/* n with a comma between groups of three digits, then a newline. */
static void fancy_int(long n)
{
    char digits[32], out[48];
    int len = snprintf(digits, sizeof digits, "%ld", n), k = 0;
    for (int i = 0; i < len; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            out[k++] = ',';
        out[k++] = digits[i];
    }
    out[k] = '\0';
    printf("%s\n", out);
}

static void border(void)
{
    printf("================================================================================\n");
}

int main(int argc, char **argv)
{
    long lookups = REFERENCE_LOOKUPS;
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], "-l") == 0)
            lookups = atol(argv[++i]);
    border();
    printf("                                  INPUT SUMMARY\n");
    border();
    printf("Total XS Lookups:             ");
    fancy_int(lookups);
    printf("Threads:                      %d\n", omp_get_max_threads());
    double start = omp_get_wtime();
    uint64_t hash = 0;
#pragma omp parallel for schedule(static) reduction(+ : hash)
    for (long i = 0; i < lookups; i++) {
        uint64_t x = (uint64_t)i + 1;
        for (int k = 0; k < WORK_PER_LOOKUP; k++)
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        hash += (x >> 33) % HASH_MODULUS;
    }
    double runtime = omp_get_wtime() - start;
    hash %= HASH_MODULUS;
    border();
    printf("                                     RESULTS\n");
    border();
    printf("Threads:     %d\n", omp_get_max_threads());
    printf("Runtime:     %.3f seconds\n", runtime);
    printf("Lookups:     ");
    fancy_int(lookups);
    printf("Lookups/s:   ");
    fancy_int(runtime > 0 ? (long)((double)lookups / runtime) : lookups);
    int invalid = lookups != REFERENCE_LOOKUPS;
    printf("Verification checksum: %llu (%s)\n", (unsigned long long)hash,
           invalid ? "WARNING - INVALID CHECKSUM!" : "Valid");
    border();
    return invalid;
}
