/* tables: see tables.h. */
#include "study/analyze/tables.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "study/analyze/cells.h"
#include "study/record/csv.h"
#include "study/record/output.h"
#include "study/analyze/summary.h"

enum {
    CHECKSUM_KEYS_MAX = 256, /* (workload, size) pairs compared */
    RUN_KEY_DIGITS = 8,      /* the KEY at the end of a run id */
    KEYS_PER_BLOCK = 4,      /* configuration keys named per block */
    BLOCK_LABEL = 5 * CSV_KEY_MAX + CSV_PLACES_MAX + 32 /* a block in a warning */
};

/* The first checksum of each (workload, size) of the run. */
struct first_checksum {
    char workload[CSV_KEY_MAX], size[CSV_KEY_MAX];
    uint64_t checksum;
};

struct study_reader {
    const char *run_id;
    struct summary_acc *all, *own;
    struct cells cells;
    struct first_checksum firsts[CHECKSUM_KEYS_MAX];
    int nfirsts;
    int mismatches, unfinished;
};

/* Whether `row` agrees with the first row of its workload and size. */
static bool agrees(struct study_reader *s, const struct run_row *row)
{
    for (int i = 0; i < s->nfirsts; i++)
        if (strcmp(s->firsts[i].workload, row->workload) == 0 &&
            strcmp(s->firsts[i].size, row->size) == 0)
            return s->firsts[i].checksum == row->checksum;
    if (s->nfirsts < CHECKSUM_KEYS_MAX) {
        struct first_checksum *f = &s->firsts[s->nfirsts++];
        snprintf(f->workload, sizeof f->workload, "%s", row->workload);
        snprintf(f->size, sizeof f->size, "%s", row->size);
        f->checksum = row->checksum;
    }
    return true;
}

/* A row that counts: into both tables, and checked when it is this run's. */
static int study_count(struct study_reader *s, const struct run_row *row,
                       errmsg_t *err)
{
    int rc = summary_acc_add(s->all, row, err);
    if (rc != STATUS_OK || strcmp(row->run_id, s->run_id) != 0)
        return rc;
    if (row->status != RUN_STATUS_OK)
        s->unfinished++;
    else if (!agrees(s, row) || !row->verified)
        s->mismatches++;
    return summary_acc_add(s->own, row, err);
}

static int study_row(void *ctx, const struct run_row *row, errmsg_t *err)
{
    struct study_reader *s = ctx;
    bool now;
    int rc = cells_add(&s->cells, row, &now, err);
    return rc == STATUS_OK && now ? study_count(s, row, err) : rc;
}

/* After the file: the runs that did not complete and were not measured
 * again count (unverified, untimed). */
static int study_unfinished(struct study_reader *s, errmsg_t *err)
{
    int rc = STATUS_OK;
    cells_finish(&s->cells, NULL);
    for (size_t i = 0; i < s->cells.nunfinished && rc == STATUS_OK; i++)
        if (!cells_superseded(&s->cells, &s->cells.unfinished[i]))
            rc = study_count(s, &s->cells.unfinished[i], err);
    return rc;
}

int tables_study(const char *runs_path, const char *run_id, struct tables_study *t,
                 errmsg_t *err)
{
    memset(t, 0, sizeof *t);
    struct study_reader *s = calloc(1, sizeof *s);
    if (s == NULL)
        return errmsg_set(err, STATUS_NOMEM, "out of memory");
    s->run_id = run_id;
    int rc = summary_acc_new(&s->all, true, err);
    if (rc == STATUS_OK)
        rc = summary_acc_new(&s->own, false, err);
    if (rc == STATUS_OK)
        rc = csv_runs_each(runs_path, study_row, s, err);
    if (rc == STATUS_OK)
        rc = study_unfinished(s, err);
    if (rc == STATUS_OK)
        rc = summary_acc_finish(s->all, &t->all, &t->nall, err);
    t->all_runs = s->all; /* kept for the models, freed by tables_study_free */
    if (rc == STATUS_OK)
        rc = summary_acc_finish(s->own, &t->own, &t->nown, err);
    if (rc == STATUS_OK)
        rc = models_table_build(s->own, t->own, t->nown, &t->own_models, err);
    if (rc == STATUS_OK)
        rc = splits_build(s->own, t->own, t->nown, &t->own_splits, err);
    t->mismatches = s->mismatches;
    t->unfinished = s->unfinished;
    summary_acc_free(s->own);
    cells_free(&s->cells);
    free(s);
    if (rc != STATUS_OK)
        tables_study_free(t);
    return rc;
}

void tables_study_free(struct tables_study *t)
{
    free(t->all);
    free(t->own);
    summary_acc_free(t->all_runs);
    t->all_runs = NULL;
    models_table_free(&t->own_models);
    splits_free(&t->own_splits);
    t->all = t->own = NULL;
    t->nall = t->nown = 0;
}

/* Pooling --------------------------------------------------------------- */

/* The configuration keys seen in one pooled block. */
struct block_keys {
    uint64_t hash;
    char label[BLOCK_LABEL]; /* "bogosort rows dynamic 1000x8" */
    char keys[KEYS_PER_BLOCK][RUN_KEY_DIGITS + 1];
    int nkeys;  /* distinct keys kept */
    bool more;  /* ... and there were more */
    bool has_checksum, mixed; /* a completed run's checksum; another seen */
    uint64_t checksum, other; /* the first one, and the first that differs */
};

/* A file already read: its identity and the name it was first given. */
struct seen_file {
    dev_t dev;
    ino_t ino;
    char *path;
};

struct pool {
    struct summary_acc *acc;
    struct cells cells;
    struct warnings *w;
    struct block_keys *blocks;
    size_t nblocks, cap_blocks, last;
    struct seen_file *seen;
    size_t nseen, cap_seen;
};

/* The KEY of a run id "...-KEY" (8 hex digits), or false. */
static bool run_key(const char *run_id, char *key)
{
    const char *dash = strrchr(run_id, '-');
    if (dash == NULL || strlen(dash + 1) != RUN_KEY_DIGITS ||
        strspn(dash + 1, "0123456789abcdef") != RUN_KEY_DIGITS)
        return false;
    memcpy(key, dash + 1, RUN_KEY_DIGITS + 1);
    return true;
}

/* FNV-1a over the fields that make a pooled block (summary_same_block
 * without the run id). */
static uint64_t block_hash(const struct run_row *r)
{
    bool weak = summary_is_weak(r->variant);
    const char *texts[] = {r->workload, r->variant, r->schedule, r->bind, r->places,
                           weak ? "" : r->size};
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        for (const unsigned char *p = (const unsigned char *)texts[i]; *p; p++)
            h = (h ^ *p) * 0x100000001b3ULL;
        h = (h ^ 0x1f) * 0x100000001b3ULL;
    }
    return h;
}

/* The keys entry of the row's block, created when new; NULL without memory. */
static struct block_keys *find_block(struct pool *p, const struct run_row *r)
{
    uint64_t h = block_hash(r);
    if (p->last < p->nblocks && p->blocks[p->last].hash == h)
        return &p->blocks[p->last];
    for (size_t i = 0; i < p->nblocks; i++)
        if (p->blocks[i].hash == h)
            return &p->blocks[p->last = i];
    if (p->nblocks == p->cap_blocks) {
        size_t cap = p->cap_blocks ? 2 * p->cap_blocks : 16;
        struct block_keys *grown = realloc(p->blocks, cap * sizeof *grown);
        if (grown == NULL)
            return NULL;
        p->blocks = grown;
        p->cap_blocks = cap;
    }
    struct block_keys *b = &p->blocks[p->last = p->nblocks++];
    memset(b, 0, sizeof *b);
    b->hash = h;
    snprintf(b->label, sizeof b->label, "%s %s %s%s%s%s%s %s", r->workload, r->variant,
             r->schedule[0] ? r->schedule : "-", r->bind[0] ? " bind=" : "", r->bind, r->places[0] ? " places=" : "",
             r->places, summary_is_weak(r->variant) ? "(weak)" : r->size);
    return b;
}

/* Runs of one block computed one result at every thread count, the
 * workloads being deterministic: a completed run with another checksum
 * (rows of two versions or builds pooled) is remembered for a warning. */
static void note_checksum(struct block_keys *b, const struct run_row *r)
{
    if (r->status != RUN_STATUS_OK)
        return; /* no result */
    if (!b->has_checksum) {
        b->checksum = r->checksum;
        b->has_checksum = true;
    } else if (r->checksum != b->checksum && !b->mixed) {
        b->other = r->checksum;
        b->mixed = true;
    }
}

static int note_key(struct pool *p, const struct run_row *r, errmsg_t *err)
{
    char key[RUN_KEY_DIGITS + 1];
    struct block_keys *b = find_block(p, r);
    if (b == NULL)
        return errmsg_set(err, STATUS_NOMEM, "summarize: out of memory");
    note_checksum(b, r);
    if (!run_key(r->run_id, key))
        return STATUS_OK; /* not an ompsweep run id: nothing to compare */
    for (int i = 0; i < b->nkeys; i++)
        if (strcmp(b->keys[i], key) == 0)
            return STATUS_OK;
    if (b->nkeys < KEYS_PER_BLOCK)
        memcpy(b->keys[b->nkeys++], key, sizeof key);
    else
        b->more = true;
    return STATUS_OK;
}

static int pool_row(void *ctx, const struct run_row *row, errmsg_t *err)
{
    struct pool *p = ctx;
    bool now;
    int rc = cells_add(&p->cells, row, &now, err);
    if (rc == STATUS_OK)
        rc = note_key(p, row, err);
    return rc == STATUS_OK && now ? summary_acc_add(p->acc, row, err) : rc;
}

/* Read one runs file, unless it was read already under any name. */
static int pool_file(struct pool *p, const char *path, errmsg_t *err)
{
    struct stat st;
    if (stat(path, &st) == 0) {
        for (size_t i = 0; i < p->nseen; i++)
            if (p->seen[i].dev == st.st_dev && p->seen[i].ino == st.st_ino) {
                warnings_add(p->w, "summarize: %s is the same file as %s: read once",
                             path, p->seen[i].path);
                return STATUS_OK;
            }
        if (p->nseen == p->cap_seen) {
            size_t cap = p->cap_seen ? 2 * p->cap_seen : 16;
            struct seen_file *grown = realloc(p->seen, cap * sizeof *grown);
            if (grown == NULL)
                return errmsg_set(err, STATUS_NOMEM, "summarize: out of memory");
            p->seen = grown;
            p->cap_seen = cap;
        }
        p->seen[p->nseen] = (struct seen_file){st.st_dev, st.st_ino, strdup(path)};
        if (p->seen[p->nseen++].path == NULL)
            return errmsg_set(err, STATUS_NOMEM, "summarize: out of memory");
    }
    return csv_runs_each(path, pool_row, p, err); /* a missing file: its error */
}

static int pool_found(void *ctx, const char *path, errmsg_t *err)
{
    return pool_file(ctx, path, err);
}

/* A file, or a directory: the runs files it stands for. */
static int pool_input(struct pool *p, const char *input, errmsg_t *err)
{
    struct stat st;
    if (stat(input, &st) != 0 || !S_ISDIR(st.st_mode))
        return pool_file(p, input, err);
    return output_runs_files(input, pool_found, p, err);
}

/* After the files: unfinished runs not measured again, and the warnings. */
static int pool_finish(struct pool *p, errmsg_t *err)
{
    size_t dups;
    int rc = STATUS_OK;
    cells_finish(&p->cells, &dups);
    for (size_t i = 0; i < p->cells.nunfinished && rc == STATUS_OK; i++)
        if (!cells_superseded(&p->cells, &p->cells.unfinished[i]))
            rc = summary_acc_add(p->acc, &p->cells.unfinished[i], err);
    for (size_t i = 0; i < p->nblocks; i++) {
        const struct block_keys *b = &p->blocks[i];
        if (b->nkeys > 1)
            warnings_add(p->w, "summarize: %.100s pools runs of %s%d configurations "
                         "(keys %s, %s%s): options, seed or workloads differ; check "
                         "that they measured the same setup", b->label,
                         b->more ? "more than " : "", b->nkeys, b->keys[0], b->keys[1],
                         b->nkeys > 2 ? ", ..." : "");
        if (b->mixed) /* the label cut to keep the warning within WARNING_TEXT */
            warnings_add(p->w, "summarize: %.60s: runs of different checksums pooled "
                         "(0x%016llx, 0x%016llx: other versions or builds?); a thread "
                         "count mixing them is verified=false, speedups may compare "
                         "different work", b->label, (unsigned long long)b->checksum,
                         (unsigned long long)b->other);
    }
    if (dups > 0)
        warnings_add(p->w, "summarize: %zu run(s) appear more than once (the same "
                     "run id, block, threads and repeat): a copy of a runs file "
                     "given too? They count each time", dups);
    return rc;
}

int tables_pool(char *const *inputs, int ninputs, struct warnings *w,
                struct summary_row **out, size_t *count, struct models_table *models,
                struct splits_table *splits, errmsg_t *err)
{
    struct pool p = {.w = w};
    if (models != NULL)
        memset(models, 0, sizeof *models);
    if (splits != NULL)
        memset(splits, 0, sizeof *splits);
    int rc = summary_acc_new(&p.acc, false, err);
    for (int i = 0; i < ninputs && rc == STATUS_OK; i++)
        rc = pool_input(&p, inputs[i], err);
    if (rc == STATUS_OK)
        rc = pool_finish(&p, err);
    if (rc == STATUS_OK)
        rc = summary_acc_finish(p.acc, out, count, err);
    if (rc == STATUS_OK && models != NULL)
        rc = models_table_build(p.acc, *out, *count, models, err);
    if (rc == STATUS_OK && splits != NULL)
        rc = splits_build(p.acc, *out, *count, splits, err);
    summary_acc_free(p.acc);
    cells_free(&p.cells);
    for (size_t i = 0; i < p.nseen; i++)
        free(p.seen[i].path);
    free(p.seen);
    free(p.blocks);
    return rc;
}
