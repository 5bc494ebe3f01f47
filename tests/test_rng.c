/* Tests of the rng module: reference outputs, stream reproducibility and
 * independence, unbiased bounded integers. */
#include <math.h>
#include <stdint.h>

#include "harness.h"
#include "base/rng.h"

enum { DRAWS = 200000 };

/* Pearson chi-square statistic of counts against a uniform expectation. */
static double chi_square(const long *counts, int cells, long total)
{
    double expect = (double)total / cells, x2 = 0.0;
    for (int i = 0; i < cells; i++)
        x2 += (counts[i] - expect) * (counts[i] - expect) / expect;
    return x2;
}

static void test_splitmix_reference(void)
{
    uint64_t state = 0;
    CHECK(rng_splitmix64(&state) == 0xe220a8397b1dcdafULL);
    CHECK(rng_splitmix64(&state) == 0x6e789e6aa1b965f4ULL);
    CHECK(rng_splitmix64(&state) == 0x06c45d188009454fULL);
}

static void test_xoshiro_reference(void)
{
    rng_t r = {{1, 2, 3, 4}};
    CHECK(rng_next(&r) == 11520ULL);
    CHECK(rng_next(&r) == 0ULL);
    CHECK(rng_next(&r) == 1509978240ULL);
    CHECK(rng_next(&r) == 1215971899390074240ULL);
}

static void test_stream_reproducible(void)
{
    rng_t a = rng_stream(42, 7), b = rng_stream(42, 7);
    for (int i = 0; i < 100; i++)
        CHECK(rng_next(&a) == rng_next(&b));
}

/* Neighbouring streams must look unrelated: XOR of paired outputs has
 * about 32 set bits on average, and no output repeats across streams. */
static void test_streams_independent(void)
{
    for (uint64_t idx = 0; idx < 4; idx++) {
        rng_t a = rng_stream(42, idx), b = rng_stream(42, idx + 1);
        rng_t c = rng_stream(43, idx);
        double bits_ab = 0, bits_ac = 0;
        for (int i = 0; i < DRAWS; i++) {
            uint64_t x = rng_next(&a);
            bits_ab += __builtin_popcountll(x ^ rng_next(&b));
            bits_ac += __builtin_popcountll(x ^ rng_next(&c));
        }
        CHECK_NEAR(bits_ab / DRAWS, 32.0, 0.05);
        CHECK_NEAR(bits_ac / DRAWS, 32.0, 0.05);
    }
}

/* chi-square, 9 degrees of freedom: 27.88 is the 0.999 quantile. */
static void test_bounded_small_uniform(void)
{
    long counts[10] = {0};
    rng_t r = rng_stream(1, 0);
    for (int i = 0; i < DRAWS; i++) {
        uint64_t v = rng_bounded(&r, 10);
        CHECK(v < 10);
        counts[v]++;
    }
    CHECK_MSG(chi_square(counts, 10, DRAWS) < 27.88, "x2 = %g",
              chi_square(counts, 10, DRAWS));
}

/* With bound 3 * 2^62, "r % bound" would put half again as many values in
 * the first third; the unbiased method keeps the thirds equal
 * (chi-square, 2 df: 13.82 is the 0.999 quantile). */
static void test_bounded_large_unbiased(void)
{
    const uint64_t bound = 3ULL << 62;
    long counts[3] = {0};
    rng_t r = rng_stream(2, 0);
    for (int i = 0; i < DRAWS; i++) {
        uint64_t v = rng_bounded(&r, bound);
        CHECK(v < bound);
        counts[v >> 62]++;
    }
    CHECK_MSG(chi_square(counts, 3, DRAWS) < 13.82, "x2 = %g",
              chi_square(counts, 3, DRAWS));
}

/* Every index of a batch is uniform on its own range (chi-square at the
 * 0.999 quantile for 7 and 1 df), and pairs are not tied together. */
static void test_batch_uniform(void)
{
    const uint64_t bounds[3] = {8, 7, 2};
    long first[8] = {0}, last[2] = {0}, pair[16] = {0};
    uint64_t out[3];
    rng_t r = rng_stream(3, 0);
    for (int i = 0; i < DRAWS; i++) {
        rng_bounded_batch(&r, bounds, 3, 112, out);
        CHECK(out[0] < 8 && out[1] < 7 && out[2] < 2);
        first[out[0]]++;
        last[out[2]]++;
        pair[out[0] * 2 + out[2]]++;
    }
    CHECK(chi_square(first, 8, DRAWS) < 24.32);
    CHECK(chi_square(last, 2, DRAWS) < 10.83);
    CHECK(chi_square(pair, 16, DRAWS) < 37.70);
}

static void test_uniform_range(void)
{
    rng_t r = rng_stream(4, 0);
    double sum = 0;
    for (int i = 0; i < DRAWS; i++) {
        double u = rng_uniform(&r);
        CHECK(u >= 0.0 && u < 1.0);
        sum += u;
    }
    CHECK_NEAR(sum / DRAWS, 0.5, 0.005);
}

int main(void)
{
    RUN(test_splitmix_reference);
    RUN(test_xoshiro_reference);
    RUN(test_stream_reproducible);
    RUN(test_streams_independent);
    RUN(test_bounded_small_uniform);
    RUN(test_bounded_large_unbiased);
    RUN(test_batch_uniform);
    RUN(test_uniform_range);
    return harness_report();
}
