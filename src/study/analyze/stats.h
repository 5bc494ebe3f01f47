/* stats: order statistics and scaling metrics over timed repeats. Pure
 * functions of their inputs, no I/O. */
#ifndef OMPSWEEP_STUDY_ANALYZE_STATS_H
#define OMPSWEEP_STUDY_ANALYZE_STATS_H

#include <stdbool.h>
#include <stddef.h>

enum {
    STATS_KEY_MAX = 96,
    STATS_PLACES_MAX = 256, /* an explicit OMP_PLACES list */
    STATS_CI_MIN_N = 6 /* fewer repeats cannot give a 95% CI of the median */
};

/* Timing statistics of one sample of n run times. Values that are not
 * defined (the CI for n < 6, stddev for n < 2) are NAN. */
struct timing_stats {
    size_t n;
    double median, min, max, mean, stddev, cv, ci_low, ci_high;
};

/* One row of summary.csv: a (run_id, workload, variant, schedule, bind,
 * places, size, ranks, threads) group. speedup/efficiency/karp_flatt are NAN when the group has
 * no 1-thread baseline, karp_flatt also for threads = 1. */
struct summary_row {
    char run_id[STATS_KEY_MAX];
    char workload[STATS_KEY_MAX];
    char variant[STATS_KEY_MAX];
    char schedule[STATS_KEY_MAX];
    char bind[STATS_KEY_MAX];
    char places[STATS_PLACES_MAX];
    char size[STATS_KEY_MAX];
    int ranks, threads; /* p = ranks x threads cores in the scaling metrics */
    struct timing_stats t;
    double speedup, efficiency, karp_flatt;
    double amdahl_serial; /* Amdahl fit over the whole block (same on each row) */
    bool verified;
};

/* Sorts `x` in place and fills *out. n >= 1. */
void stats_compute(double *x, size_t n, struct timing_stats *out);

/* 1-based ranks (lo, hi) of the order statistics bounding a confidence
 * interval of the median with coverage >= `level` (binomial, p = 1/2);
 * false when n is too small for that level. */
bool stats_median_ci_ranks(size_t n, double level, size_t *lo, size_t *hi);

/* Karp-Flatt experimentally determined serial fraction for speedup s on p
 * threads (p > 1): e = (1/s - 1/p) / (1 - 1/p). */
double stats_karp_flatt(double speedup, int p);

#endif
