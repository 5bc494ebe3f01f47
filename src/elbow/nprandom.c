/* nprandom: see nprandom.h.
 *
 * Bit-exactness needs every product and sum rounded on its own, as numpy's
 * compiled code does: a fused multiply-add would change the last bit. GCC
 * fuses by default in GNU C mode (-std=gnu11) and clang within expressions,
 * so turn contraction off for this file with each compiler's pragma. */
#include "elbow/nprandom.h"

#include <math.h>

#include "elbow/detmath.h"

#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

/* MT19937 parameters (Matsumoto & Nishimura, 1998). */
enum { MT_N = NPRANDOM_STATE_WORDS, MT_M = 397 };
#define MT_MATRIX_A 0x9908b0dfu
#define MT_UPPER_MASK 0x80000000u
#define MT_LOWER_MASK 0x7fffffffu
#define MT_SEED_MULT 1812433253u
#define MT_TEMPER_B 0x9d2c5680u
#define MT_TEMPER_C 0xefc60000u

/* random_sample joins 27 and 26 high bits of two outputs into 53 bits. */
#define SAMPLE_HIGH_SCALE 67108864.0        /* 2^26 */
#define SAMPLE_DIVISOR 9007199254740992.0   /* 2^53 */

void nprandom_seed(struct nprandom *r, uint32_t seed)
{
    uint32_t s = seed;
    for (int i = 0; i < MT_N; i++) {
        r->key[i] = s;
        s = MT_SEED_MULT * (s ^ (s >> 30)) + (uint32_t)i + 1u;
    }
    r->pos = MT_N;
    r->has_gauss = 0;
    r->gauss = 0.0;
}

static uint32_t mt_twist(uint32_t upper, uint32_t lower, uint32_t far)
{
    const uint32_t y = (upper & MT_UPPER_MASK) | (lower & MT_LOWER_MASK);
    return far ^ (y >> 1) ^ ((0u - (y & 1u)) & MT_MATRIX_A);
}

/* Regenerate all MT_N words; split into ranges so no index wraps. */
static void mt_refill(struct nprandom *r)
{
    uint32_t *k = r->key;
    int i = 0;
    for (; i < MT_N - MT_M; i++)
        k[i] = mt_twist(k[i], k[i + 1], k[i + MT_M]);
    for (; i < MT_N - 1; i++)
        k[i] = mt_twist(k[i], k[i + 1], k[i + MT_M - MT_N]);
    k[MT_N - 1] = mt_twist(k[MT_N - 1], k[0], k[MT_M - 1]);
    r->pos = 0;
}

uint32_t nprandom_next32(struct nprandom *r)
{
    if (r->pos >= MT_N)
        mt_refill(r);
    uint32_t y = r->key[r->pos++];
    y ^= y >> 11;
    y ^= (y << 7) & MT_TEMPER_B;
    y ^= (y << 15) & MT_TEMPER_C;
    y ^= y >> 18;
    return y;
}

uint64_t nprandom_next64(struct nprandom *r)
{
    const uint64_t high = nprandom_next32(r);
    return (high << 32) | nprandom_next32(r);
}

double nprandom_random_sample(struct nprandom *r)
{
    const uint32_t a = nprandom_next32(r) >> 5;
    const uint32_t b = nprandom_next32(r) >> 6;
    return ((double)a * SAMPLE_HIGH_SCALE + (double)b) / SAMPLE_DIVISOR;
}

double nprandom_uniform(struct nprandom *r, double low, double high)
{
    const double range = high - low;
    const double step = range * nprandom_random_sample(r);
    return low + step;
}

double nprandom_gauss(struct nprandom *r)
{
    if (r->has_gauss) {
        r->has_gauss = 0;
        return r->gauss;
    }
    double x1, x2, r2;
    do {
        x1 = 2.0 * nprandom_random_sample(r) - 1.0;
        x2 = 2.0 * nprandom_random_sample(r) - 1.0;
        const double x1sq = x1 * x1;
        const double x2sq = x2 * x2;
        r2 = x1sq + x2sq;
    } while (r2 >= 1.0 || r2 == 0.0);
    /* Same operation order as numpy: sqrt(-2 log(r2) / r2), with a
     * correctly rounded log of our own (libm's depends on the CPU). */
    const double f = sqrt(-2.0 * detmath_log(r2) / r2);
    r->gauss = f * x1;
    r->has_gauss = 1;
    return f * x2;
}

double nprandom_normal(struct nprandom *r, double loc, double scale)
{
    const double step = scale * nprandom_gauss(r);
    return loc + step;
}

/* Smallest all-ones mask covering max. */
static uint64_t interval_mask(uint64_t max)
{
    uint64_t mask = max;
    for (int shift = 1; shift < 64; shift <<= 1)
        mask |= mask >> shift;
    return mask;
}

uint64_t nprandom_interval(struct nprandom *r, uint64_t max)
{
    if (max == 0)
        return 0;
    const uint64_t mask = interval_mask(max);
    uint64_t value;
    if (max <= UINT32_MAX) {
        do {
            value = nprandom_next32(r) & mask;
        } while (value > max);
        return value;
    }
    do {
        value = nprandom_next64(r) & mask;
    } while (value > max);
    return value;
}

void nprandom_shuffle_index(struct nprandom *r, size_t *idx, size_t n)
{
    for (size_t i = n; i > 1; i--) {
        const size_t j = (size_t)nprandom_interval(r, (uint64_t)(i - 1));
        const size_t tmp = idx[i - 1];
        idx[i - 1] = idx[j];
        idx[j] = tmp;
    }
}
