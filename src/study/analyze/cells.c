/* cells: see cells.h. */
#include "study/analyze/cells.h"

#include <stdlib.h>
#include <string.h>

enum { CELLS_FIRST = 64 };

static const uint64_t FNV_OFFSET = 0xcbf29ce484222325ULL, FNV_PRIME = 0x100000001b3ULL;

static uint64_t hash_text(uint64_t h, const char *text)
{
    for (const unsigned char *p = (const unsigned char *)text; *p != '\0'; p++)
        h = (h ^ *p) * FNV_PRIME;
    return (h ^ 0x1f) * FNV_PRIME; /* a separator: "ab","c" differs from "a","bc" */
}

static uint64_t hash_int(uint64_t h, int v)
{
    for (int i = 0; i < 4; i++)
        h = (h ^ (((unsigned)v >> (8 * i)) & 0xffu)) * FNV_PRIME;
    return h;
}

/* FNV-1a over every field of the cell: two cells share a hash with a
 * chance of about 2^-64 per pair. */
static uint64_t cell_hash(const struct run_row *r)
{
    const char *texts[] = {r->run_id, r->workload, r->variant, r->schedule,
                           r->bind, r->places, r->size};
    uint64_t h = FNV_OFFSET;
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
        h = hash_text(h, texts[i]);
    return hash_int(hash_int(hash_int(h, r->ranks), r->threads), r->repeat);
}

/* Grow *items (of `size` bytes each) to hold one more. */
static bool reserve(void **items, size_t n, size_t *cap, size_t size)
{
    if (n < *cap)
        return true;
    size_t grown = *cap ? 2 * *cap : CELLS_FIRST;
    void *p = realloc(*items, grown * size);
    if (p == NULL)
        return false;
    *items = p;
    *cap = grown;
    return true;
}

int cells_add(struct cells *c, const struct run_row *row, bool *now, errmsg_t *err)
{
    *now = row->status == RUN_STATUS_OK;
    bool ok = *now ? reserve((void **)&c->done, c->ndone, &c->cap_done, sizeof *c->done)
                   : reserve((void **)&c->unfinished, c->nunfinished,
                             &c->cap_unfinished, sizeof *c->unfinished);
    if (!ok)
        return errmsg_set(err, STATUS_NOMEM, "%s: out of memory", row->run_id);
    if (*now)
        c->done[c->ndone++] = cell_hash(row);
    else
        c->unfinished[c->nunfinished++] = *row;
    return STATUS_OK;
}

static int compare_u64(const void *pa, const void *pb)
{
    uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;
    return (a > b) - (a < b);
}

void cells_finish(struct cells *c, size_t *duplicates)
{
    /* sorted for the look-ups and to find duplicates; neither asked, the
     * common case of a study's own tables, it needs no sort */
    if (c->ndone > 1 && (duplicates != NULL || c->nunfinished > 0))
        qsort(c->done, c->ndone, sizeof *c->done, compare_u64);
    size_t dups = 0;
    for (size_t i = 1; duplicates != NULL && i < c->ndone; i++)
        dups += c->done[i] == c->done[i - 1];
    if (duplicates != NULL)
        *duplicates = dups;
}

bool cells_superseded(const struct cells *c, const struct run_row *row)
{
    uint64_t h = cell_hash(row);
    return c->ndone > 0 && bsearch(&h, c->done, c->ndone, sizeof h, compare_u64) != NULL;
}

void cells_free(struct cells *c)
{
    free(c->done);
    free(c->unfinished);
    memset(c, 0, sizeof *c);
}

int cells_filter(struct run_row *rows, size_t *n, errmsg_t *err)
{
    struct cells c = {0};
    bool now;
    int rc = STATUS_OK;
    for (size_t i = 0; i < *n && rc == STATUS_OK; i++)
        rc = cells_add(&c, &rows[i], &now, err);
    cells_finish(&c, NULL);
    size_t kept = 0;
    for (size_t i = 0; i < *n && rc == STATUS_OK; i++)
        if (rows[i].status == RUN_STATUS_OK || !cells_superseded(&c, &rows[i]))
            rows[kept++] = rows[i];
    if (rc == STATUS_OK)
        *n = kept;
    cells_free(&c);
    return rc;
}
