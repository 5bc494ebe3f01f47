/* rng: splitmix64 seeding, xoshiro256** streams and unbiased bounded integers.
 *
 * Every independent unit of work (a bogosort row, a k-means restart) draws from
 * its own stream rng_stream(seed, index), so results never depend on which
 * thread ran the unit or in what order. */
#ifndef OMPSWEEP_BASE_RNG_H
#define OMPSWEEP_BASE_RNG_H

#include <stdint.h>

/* 128-bit products for multiply-shift; __extension__ keeps -Wpedantic quiet. */
__extension__ typedef unsigned __int128 rng_u128;

typedef struct rng {
    uint64_t s[4];
} rng_t;

/* Advance a splitmix64 state and return its next output. */
uint64_t rng_splitmix64(uint64_t *state);

/* Seed a xoshiro256** generator from one 64-bit value (via splitmix64). */
void rng_seed(rng_t *rng, uint64_t seed);

/* The generator for unit of work `index` of a run seeded with `seed`.
 * Streams for different indices are seeded from well-mixed distinct values. */
rng_t rng_stream(uint64_t seed, uint64_t index);

static inline uint64_t rng_rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

/* Next 64 random bits (xoshiro256**). Inline: it sits in the hot loops. */
static inline uint64_t rng_next(rng_t *rng)
{
    uint64_t *s = rng->s;
    const uint64_t result = rng_rotl(s[1] * 5, 7) * 9;
    const uint64_t t = s[1] << 17;

    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rng_rotl(s[3], 45);
    return result;
}

/* Uniform integer in [0, bound), bound >= 1, without bias (Lemire's
 * multiply-shift with rejection). */
uint64_t rng_bounded(rng_t *rng, uint64_t bound);

/* Fill out[0..k) with independent uniform integers out[i] in [0, bounds[i])
 * from as few 64-bit draws as possible: one draw serves a whole batch whose
 * bounds multiply to at most `product` <= 2^64 - 1 (batched multiply-shift with
 * rejection, unbiased). `product` must equal the product of bounds[0..k). */
void rng_bounded_batch(rng_t *rng, const uint64_t *bounds, int k,
                       uint64_t product, uint64_t *out);

/* Uniform double in [0, 1) with 53 random bits. */
static inline double rng_uniform(rng_t *rng)
{
    return (double)(rng_next(rng) >> 11) * 0x1.0p-53;
}

#endif
