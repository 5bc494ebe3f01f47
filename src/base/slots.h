/* slots: an open-addressing index, by 64-bit hash, over the entries of an
 * array its owner grows (the groups of a summary, of the metrics): the
 * owner keeps the entries and their hashes, the index their positions, so
 * that finding a group costs one probe sequence whatever the rows' text.
 * The load stays at or below one half. */
#ifndef OMPSWEEP_BASE_SLOTS_H
#define OMPSWEEP_BASE_SLOTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/status.h"

struct slots {
    size_t *slot; /* entry index + 1, 0 = empty */
    size_t n;     /* a power of two, or 0 before the first reserve */
};

/* Room for `count` entries: grows the index when needed, placing the
 * entries 0 .. count - 2 again by hash_of(ctx, i). STATUS_OK or
 * STATUS_NOMEM (the index as it was). */
int slots_reserve(struct slots *s, size_t count,
                  uint64_t (*hash_of)(const void *ctx, size_t i), const void *ctx);

/* The slot of hash h: the one holding the entry i for which match(ctx, i)
 * holds, or the empty one where a new entry goes (*slot == 0: store its
 * index + 1 there). Needs room (slots_reserve) for one more entry. */
size_t *slots_find(const struct slots *s, uint64_t h,
                   bool (*match)(const void *ctx, size_t i), const void *ctx);

void slots_free(struct slots *s);

#endif
