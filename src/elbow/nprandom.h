/* nprandom: numpy's legacy RandomState (MT19937 with its legacy seeding,
 * legacy uniform, Gaussian and shuffle), reimplemented so that make_blobs
 * gives exactly scikit-learn's data for the same seed.
 *
 * Only what make_blobs needs is here. Every function matches numpy 1.24's
 * RandomState bit for bit (tests/test_blobs.c checks this against fixtures
 * written by numpy). Gaussians call the C library's log and sqrt, as numpy
 * does, so they match where both use the same libm (glibc here). Build this
 * file without -ffp-contract=fast: fused multiply-adds change the last bit.
 * This generator is for reproducing numpy's data only: the parallel
 * workloads use rng.h streams. */
#ifndef OMPSWEEP_ELBOW_NPRANDOM_H
#define OMPSWEEP_ELBOW_NPRANDOM_H

#include <stddef.h>
#include <stdint.h>

enum { NPRANDOM_STATE_WORDS = 624 }; /* MT19937 state size */

struct nprandom {
    uint32_t key[NPRANDOM_STATE_WORDS];
    int pos;      /* next word of key to temper; STATE_WORDS = refill first */
    int has_gauss; /* the polar method makes two values; one is cached */
    double gauss;
};

/* Seed as np.random.RandomState(seed) does for an integer seed (numpy accepts
 * exactly 0 <= seed < 2^32). Clears the cached Gaussian. */
void nprandom_seed(struct nprandom *r, uint32_t seed);

/* Next raw 32-bit MT19937 output (RandomState's bit generator random_raw). */
uint32_t nprandom_next32(struct nprandom *r);

/* numpy's 64-bit draw from MT19937: two outputs, the first is the high half. */
uint64_t nprandom_next64(struct nprandom *r);

/* Uniform double in [0, 1) from two outputs with 53 random bits
 * (RandomState.random_sample). */
double nprandom_random_sample(struct nprandom *r);

/* low + (high - low) * random_sample (RandomState.uniform). */
double nprandom_uniform(struct nprandom *r, double low, double high);

/* Standard normal by the polar method; the second value of each pair is
 * cached and returned by the next call (RandomState.standard_normal). */
double nprandom_gauss(struct nprandom *r);

/* loc + scale * nprandom_gauss (RandomState.normal). */
double nprandom_normal(struct nprandom *r, double loc, double scale);

/* Uniform integer in [0, max] by bitmask rejection, as numpy's legacy shuffle
 * draws it: 32-bit outputs when max < 2^32, else 64-bit ones. */
uint64_t nprandom_interval(struct nprandom *r, uint64_t max);

/* Shuffle idx[0..n) in place exactly as RandomState.shuffle shuffles a 1-D
 * array (Fisher-Yates from the end). */
void nprandom_shuffle_index(struct nprandom *r, size_t *idx, size_t n);

#endif
