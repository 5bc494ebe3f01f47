/* micro_shuffle: the bogosort kernel on the default 1000 x 8 matrix at one
 * thread (bogosort_run, schedule static), in shuffles per second.
 *
 * Limit: each shuffle's random digit comes from the previous one by one
 * 64-bit division by 8! (a multiply-high and shifts, sequential), and each
 * permutation depends on the previous row state; the digit chain is the
 * longer of the two. limit = 1 / (latency of one dependent
 * `q = q / 40320 + 1`), measured here. */
#include <math.h>
#include <omp.h>

#include "bogosort/bogosort.h"
#include "micro.h"

enum { ROWS = 1000, COLS = 8, MAX_VALUE = 100, SEED = 42, REPEATS = 5 };

/* Dependent divisions by 8! per second: the digit chain's bound. */
static double digit_chain(void)
{
    const unsigned long long fact8 = 40320;
    unsigned long long q = 0x123456789abcdefULL;
    double rate;
    MICRO_TIME_LOOP(&rate, 1, q = q / fact8 + 0x100000000000ULL;
                    __asm__ volatile("" : "+r"(q)););
    micro_sink += (double)q;
    return rate;
}

int main(void)
{
    struct bogosort b;
    errmsg_t err;
    if (bogosort_init(&b, ROWS, COLS, MAX_VALUE, SEED, BOGOSORT_ROWS, &err) !=
        STATUS_OK) {
        fprintf(stderr, "micro_shuffle: %s\n", err.text);
        return 1;
    }
    omp_set_num_threads(1);
    omp_set_schedule(omp_sched_static, 0);
    double best = HUGE_VAL;
    uint64_t checksum = 0, shuffles = 0;
    for (int rep = 0; rep < REPEATS; rep++) {
        bogosort_reset(&b);
        double t0 = micro_now();
        bogosort_run(&b);
        double t = micro_now() - t0;
        best = t < best ? t : best;
    }
    if (!bogosort_verify(&b, &checksum, &shuffles)) {
        fprintf(stderr, "micro_shuffle: rows not sorted\n");
        return 1;
    }
    micro_report("bogosort 1000x8, 1 thread", "shuffles/s",
                 (double)shuffles / best, digit_chain(),
                 "1 dependent 64-bit division by 8! per shuffle");
    printf("%-28s 0x%016llx (%llu shuffles)\n", "  checksum",
           (unsigned long long)checksum, (unsigned long long)shuffles);
    bogosort_free(&b);
    return 0;
}
