/* slots: see slots.h. */
#include "base/slots.h"

#include <stdlib.h>

enum { SLOTS_FIRST = 64 };

int slots_reserve(struct slots *s, size_t count,
                  uint64_t (*hash_of)(const void *ctx, size_t i), const void *ctx)
{
    if (2 * count <= s->n)
        return STATUS_OK;
    size_t n = s->n ? 2 * s->n : SLOTS_FIRST;
    while (2 * count > n)
        n *= 2;
    size_t *slot = calloc(n, sizeof *slot);
    if (slot == NULL)
        return STATUS_NOMEM;
    for (size_t e = 0; e + 1 < count; e++) {
        size_t i = hash_of(ctx, e) & (n - 1);
        while (slot[i] != 0)
            i = (i + 1) & (n - 1);
        slot[i] = e + 1;
    }
    free(s->slot);
    s->slot = slot;
    s->n = n;
    return STATUS_OK;
}

size_t *slots_find(const struct slots *s, uint64_t h,
                   bool (*match)(const void *ctx, size_t i), const void *ctx)
{
    size_t i = h & (s->n - 1);
    for (; s->slot[i] != 0; i = (i + 1) & (s->n - 1))
        if (match(ctx, s->slot[i] - 1))
            return &s->slot[i];
    return &s->slot[i];
}

void slots_free(struct slots *s)
{
    free(s->slot);
    s->slot = NULL;
    s->n = 0;
}
