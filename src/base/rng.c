/* rng: seeding, streams and bounded integers; see rng.h. */
#include "base/rng.h"

/* splitmix64 constants (Steele, Lea, Flood 2014). */
enum { RNG_STREAM_WARMUP = 4 };
static const uint64_t RNG_GOLDEN = 0x9e3779b97f4a7c15ULL;

uint64_t rng_splitmix64(uint64_t *state)
{
    uint64_t z = (*state += RNG_GOLDEN);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void rng_seed(rng_t *rng, uint64_t seed)
{
    uint64_t sm = seed;
    for (int i = 0; i < 4; i++)
        rng->s[i] = rng_splitmix64(&sm);
}

rng_t rng_stream(uint64_t seed, uint64_t index)
{
    /* Mix seed and index separately before combining so that neighbouring
     * (seed, index) pairs land far apart; then let splitmix64 fill the state. */
    uint64_t a = seed, b = index ^ 0x5851f42d4c957f2dULL;
    uint64_t mixed = rng_splitmix64(&a) ^ rng_rotl(rng_splitmix64(&b), 32);
    rng_t rng;
    rng_seed(&rng, mixed);
    /* Discard a few outputs: xoshiro's first outputs from nearby states are
     * weakly correlated in the low bits. */
    for (int i = 0; i < RNG_STREAM_WARMUP; i++)
        (void)rng_next(&rng);
    return rng;
}

uint64_t rng_bounded(rng_t *rng, uint64_t bound)
{
    rng_u128 m = (rng_u128)rng_next(rng) * bound;
    uint64_t low = (uint64_t)m;
    if (low < bound) {
        uint64_t threshold = -bound % bound; /* 2^64 mod bound */
        while (low < threshold) {
            m = (rng_u128)rng_next(rng) * bound;
            low = (uint64_t)m;
        }
    }
    return (uint64_t)(m >> 64);
}

void rng_bounded_batch(rng_t *rng, const uint64_t *bounds, int k,
                       uint64_t product, uint64_t *out)
{
    /* Each multiply peels one index off the high half; the low half carries
     * the remaining randomness. Rejecting a leftover below 2^64 mod product
     * makes every index tuple exactly equally likely. */
    uint64_t threshold = 0;
    int have_threshold = 0;
    for (;;) {
        uint64_t r = rng_next(rng);
        for (int i = 0; i < k; i++) {
            rng_u128 m = (rng_u128)r * bounds[i];
            out[i] = (uint64_t)(m >> 64);
            r = (uint64_t)m;
        }
        if (r >= product)
            return;
        if (!have_threshold) {
            threshold = -product % product;
            have_threshold = 1;
        }
        if (r >= threshold)
            return;
    }
}
