/* micro_shuffle: the bogosort kernel on the default 1000 x 8 matrix at one
 * thread (bogosort_run, schedule static), in shuffles per second.
 *
 * Limit: the minimal loop of one shuffle, measured here on the kernel's own
 * permutation table: per 64-bit word of xoshiro256**, three digits peeled
 * by one multiplication each, and per digit one table load, one byte
 * shuffle of a fixed row and one compare with the sorted row. Every
 * shuffle needs at least that work; what the minimal loop leaves out is
 * the row bookkeeping (the word's rejection test, per-row setup, the exit
 * when a row is sorted). */
#include <math.h>
#include <omp.h>

#if defined(__SSSE3__)
#include <immintrin.h>
#endif

#include "bogosort/bogosort.h"
#include "micro.h"

enum { ROWS = 1000, COLS = 8, MAX_VALUE = 100, SEED = 42, REPEATS = 5 };
enum { FACT8 = 40320, DIGITS_PER_WORD = 3, LIMIT_WORDS = 10000000 };

/* A row of 8 distinct bytes, reversed, and the same row sorted. */
static const uint64_t ROW_BYTES = 0x0102030405060708ULL;
static const uint64_t SORTED_BYTES = 0x0807060504030201ULL;

/* One shuffle of the minimal loop: table load, shuffle, compare. */
static inline uint64_t trial(const uint64_t *perms, uint64_t d)
{
#if defined(__SSSE3__)
    __m128i v = _mm_shuffle_epi8(_mm_cvtsi64_si128((long long)ROW_BYTES),
                                 _mm_loadl_epi64((const __m128i *)&perms[d]));
    return (uint64_t)_mm_cvtsi128_si64(v);
#else
    uint64_t out = 0, mask = perms[d];
    for (int k = 0; k < COLS; k++, mask >>= 8)
        out |= ((ROW_BYTES >> (8 * (mask & 0xff))) & 0xff) << (8 * k);
    return out;
#endif
}

/* Shuffles per second of the minimal loop (best of 3). */
static double minimal_loop(const uint64_t *perms)
{
    double best = 0.0;
    uint64_t hits = 0;
    rng_t rng = rng_stream(SEED, 0);
    for (int rep = 0; rep < 3; rep++) {
        double t0 = micro_now();
        for (long w = 0; w < LIMIT_WORDS; w++) {
            uint64_t r = rng_next(&rng);
            for (int s = 0; s < DIGITS_PER_WORD; s++) {
                rng_u128 m = (rng_u128)r * FACT8;
                r = (uint64_t)m;
                if (__builtin_expect(trial(perms, (uint64_t)(m >> 64)) ==
                                     SORTED_BYTES, 0)) {
                    hits++; /* about one in 8! */
                    __asm__ volatile("" : "+r"(hits));
                }
            }
        }
        double rate = (double)LIMIT_WORDS * DIGITS_PER_WORD / (micro_now() - t0);
        best = rate > best ? rate : best;
    }
    micro_sink += (double)hits;
    return best;
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
    static atomic_int never; /* a cancel flag never set, as ompsweep's */
    b.cancel = &never;
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
                 (double)shuffles / best, minimal_loop(b.perms),
                 "minimal loop: rng word, 3 peeled digits, load+shuffle+compare each");
    printf("%-28s 0x%016llx (%llu shuffles)\n", "  checksum",
           (unsigned long long)checksum, (unsigned long long)shuffles);
    bogosort_free(&b);
    return 0;
}
