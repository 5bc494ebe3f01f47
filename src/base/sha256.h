/* sha256: SHA-256 (FIPS 180-4) of a byte stream, for recording which
 * executable a study ran. Streaming: init, any number of updates, final. */
#ifndef OMPSWEEP_BASE_SHA256_H
#define OMPSWEEP_BASE_SHA256_H

#include <stddef.h>
#include <stdint.h>

enum {
    SHA256_BLOCK = 64,
    SHA256_DIGEST = 32,
    SHA256_HEX = 2 * SHA256_DIGEST + 1 /* hex digits and the terminator */
};

struct sha256 {
    uint32_t h[8];
    uint64_t bytes;                /* hashed so far */
    unsigned char block[SHA256_BLOCK];
    size_t used;                   /* bytes waiting in block */
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t n);

/* The digest as 64 lower-case hex digits into hex (SHA256_HEX bytes). */
void sha256_final_hex(struct sha256 *s, char *hex);

#endif
