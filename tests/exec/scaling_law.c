/* scaling_law: a program whose run time follows a known scaling law, for
 * tests/test_models.sh. It does no work and does not sleep: it prints the
 * time its kernel "took" at the thread count in OMP_NUM_THREADS,
 *
 *   time: T1 / S(p) x exp(NOISE z)    (strong scaling)
 *
 * with S Amdahl's or the USL's speedup and z a standard normal draw, so
 * 1..128 "threads" are measured in milliseconds on any machine and the
 * fitted parameters can be checked against the truth. The draws are
 * seeded: call k (counted in COUNTER_FILE, from 0) uses stream (SEED, k),
 * so a study repeats exactly.
 *
 *   scaling_law amdahl F T1 NOISE SEED COUNTER_FILE
 *   scaling_law usl SIGMA KAPPA T1 NOISE SEED COUNTER_FILE */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const double PI = 3.14159265358979323846;

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static double uniform(uint64_t *state)
{
    return (double)(splitmix64(state) >> 11) * 0x1.0p-53;
}

/* Box-Muller: one standard normal from two uniforms. */
static double normal(uint64_t *state)
{
    double u1 = 1.0 - uniform(state), u2 = uniform(state);
    return sqrt(-2.0 * log(u1)) * cos(2.0 * PI * u2);
}

/* The call number kept in `path`, incremented; -1 on failure. */
static long next_call(const char *path)
{
    long k = 0;
    FILE *f = fopen(path, "r");
    if (f != NULL) {
        if (fscanf(f, "%ld", &k) != 1)
            k = 0;
        fclose(f);
    }
    f = fopen(path, "w");
    if (f == NULL || fprintf(f, "%ld\n", k + 1) < 0 || fclose(f) != 0)
        return -1;
    return k;
}

static int usage(void)
{
    fprintf(stderr, "usage: scaling_law amdahl F T1 NOISE SEED COUNTER_FILE\n"
                    "       scaling_law usl SIGMA KAPPA T1 NOISE SEED COUNTER_FILE\n");
    return 2;
}

int main(int argc, char **argv)
{
    bool usl = argc == 8 && strcmp(argv[1], "usl") == 0;
    if (!usl && !(argc == 7 && strcmp(argv[1], "amdahl") == 0))
        return usage();
    int a = usl ? 3 : 2; /* first argument after the law's parameters */
    double sigma = atof(argv[2]), kappa = usl ? atof(argv[3]) : 0.0;
    double t1 = atof(argv[a + 1]), noise = atof(argv[a + 2]);
    uint64_t seed = strtoull(argv[a + 3], NULL, 10);
    const char *env = getenv("OMP_NUM_THREADS");
    double p = env != NULL && atoi(env) > 0 ? atoi(env) : 1;
    long k = next_call(argv[a + 4]);
    if (k < 0) {
        fprintf(stderr, "scaling_law: cannot write %s\n", argv[a + 4]);
        return 1;
    }
    uint64_t state = seed * 0x100000001b3ULL ^ (uint64_t)k * 0x9e3779b97f4a7c15ULL;
    double speedup = p / (1.0 + sigma * (p - 1.0) + kappa * p * (p - 1.0));
    printf("threads: %g\n", p);
    printf("time: %.9f\n", t1 / speedup * exp(noise * normal(&state)));
    return 0;
}
