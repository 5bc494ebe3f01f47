/* summary: see summary.h. */
#include "study/analyze/summary.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/slots.h"
#include "study/analyze/models.h"
#include "study/record/output.h"

/* The timed runs of one summary row, gathered as the rows stream by. */
struct group {
    struct run_row key; /* the first row: every key field */
    double *seconds;
    size_t n, cap;
    bool verified;
    bool has_checksum; /* checksum: that of its first completed run */
    uint64_t checksum;
    uint64_t hash;
};

/* Sort context: qsort has no user pointer, so the flag travels in the keys. */
struct keyed {
    const struct run_row *row;
    bool by_run;
};

/* Groups in a hash table by key (open addressing), so that memory grows
 * with the groups and their values, not with the rows' text. */
struct summary_acc {
    bool by_run;
    struct group *groups;
    size_t ngroups, cap_groups;
    struct slots index; /* of groups, by hash */
    const struct group **order; /* after finish: the group of each row */
};

enum { ACC_FIRST_GROUPS = 64, ACC_FIRST_VALUES = 8 };

bool summary_is_weak(const char *variant)
{
    size_t n = strlen(variant), m = strlen(SUMMARY_WEAK_SUFFIX);
    return n >= m && strcmp(variant + n - m, SUMMARY_WEAK_SUFFIX) == 0;
}

static int compare_int(int a, int b) { return (a > b) - (a < b); }

/* Blocks: (run_id, workload, variant, schedule, bind, places) plus the size under strong
 * scaling; a weak-scaling block spans sizes, one per thread count. Within a
 * block rows go by cores (ranks x threads), ranks, threads, then size, so a
 * block merged from MPI jobs scales over total cores. */
static int compare_keyed(const void *pa, const void *pb)
{
    const struct run_row *a = ((const struct keyed *)pa)->row;
    const struct run_row *b = ((const struct keyed *)pb)->row;
    bool weak = summary_is_weak(a->variant);
    int c = ((const struct keyed *)pa)->by_run ? strcmp(a->run_id, b->run_id) : 0;
    if (c == 0) c = strcmp(a->workload, b->workload);
    if (c == 0) c = strcmp(a->variant, b->variant);
    if (c == 0) c = strcmp(a->schedule, b->schedule);
    if (c == 0) c = strcmp(a->bind, b->bind);
    if (c == 0) c = strcmp(a->places, b->places);
    if (c == 0 && !weak) c = strcmp(a->size, b->size);
    if (c == 0) c = compare_int(a->ranks * a->threads, b->ranks * b->threads);
    if (c == 0) c = compare_int(a->ranks, b->ranks);
    if (c == 0) c = compare_int(a->threads, b->threads);
    if (c == 0 && weak) c = strcmp(a->size, b->size);
    return c;
}

static void copy_key(char *dst, const char *src)
{
    snprintf(dst, STATS_KEY_MAX, "%s", src);
}

static void copy_places(char *dst, const char *src)
{
    snprintf(dst, STATS_PLACES_MAX, "%s", src);
}

static void fill_group(struct summary_row *s, struct group *g, bool by_run)
{
    const struct run_row *r = &g->key;
    copy_key(s->run_id, by_run ? r->run_id : "");
    copy_key(s->workload, r->workload);
    copy_key(s->variant, r->variant);
    copy_key(s->schedule, r->schedule);
    copy_key(s->bind, r->bind);
    copy_places(s->places, r->places);
    copy_key(s->size, r->size);
    s->ranks = r->ranks;
    s->threads = r->threads;
    s->verified = g->verified && g->n > 0;
    if (g->n > 0)
        stats_compute(g->seconds, g->n, &s->t);
    else /* no run completed: nothing to time */
        s->t = (struct timing_stats){.n = 0, .median = NAN, .min = NAN, .max = NAN,
                                     .mean = NAN, .stddev = NAN, .cv = NAN,
                                     .ci_low = NAN, .ci_high = NAN};
}

/* A serial fraction outside [0, 1] (a slowdown gives more than 1, a
 * superlinear speedup less than 0) is no fraction: the cell stays empty and
 * the stdout report says why. */
static double fraction_or_nan(double f)
{
    return f >= 0.0 && f <= 1.0 ? f : NAN;
}

/* Scaling metrics of the rows [b, e) of one block against its row of one
 * rank and one thread, with p = ranks x threads cores:
 * strong scaling: speedup T1/Tp, efficiency speedup/p, Karp-Flatt, and
 * Amdahl's f fitted to the speedups as models.csv fits it (empty when the
 * speedups fall below 1);
 * weak scaling: efficiency T(1, n)/T(p, p n), scaled speedup p x that. */
static void add_scaling(struct summary_row *rows, size_t b, size_t e)
{
    double base = NAN, x[SUMMARY_MAX_FIT] = {0}, y[SUMMARY_MAX_FIT] = {0};
    bool weak = summary_is_weak(rows[b].variant);
    size_t m = 0;
    for (size_t i = b; i < e; i++)
        if (rows[i].threads == 1 && rows[i].ranks == 1)
            base = rows[i].t.median;
    for (size_t i = b; i < e; i++) {
        struct summary_row *s = &rows[i];
        int p = s->ranks * s->threads;
        double ratio = base / s->t.median;
        s->efficiency = weak ? ratio : ratio / p;
        s->speedup = weak ? ratio * p : ratio;
        s->karp_flatt = weak ? NAN : fraction_or_nan(stats_karp_flatt(s->speedup, p));
        if (!weak && p > 1 && m < SUMMARY_MAX_FIT && s->t.n > 0) {
            x[m] = p;
            y[m++] = s->speedup;
        }
    }
    double param[MODELS_PARAMS_MAX];
    bool at_bound;
    enum models_state state = models_fit_points(MODELS_AMDAHL, x, y, m, param, &at_bound);
    double serial = state == MODELS_FITTED ? param[0] : NAN;
    for (size_t i = b; i < e; i++)
        rows[i].amdahl_serial = serial;
}

bool summary_same_block(const struct summary_row *a, const struct summary_row *b)
{
    return strcmp(a->run_id, b->run_id) == 0 &&
           strcmp(a->workload, b->workload) == 0 &&
           strcmp(a->variant, b->variant) == 0 &&
           strcmp(a->schedule, b->schedule) == 0 &&
           strcmp(a->bind, b->bind) == 0 && strcmp(a->places, b->places) == 0 &&
           (summary_is_weak(a->variant) || strcmp(a->size, b->size) == 0);
}

/* FNV-1a over the group key: the fields that compare_keyed compares. */
static uint64_t key_hash(const struct run_row *r, bool by_run)
{
    const char *texts[] = {by_run ? r->run_id : "", r->workload, r->variant,
                           r->schedule, r->bind, r->places, r->size};
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        for (const unsigned char *p = (const unsigned char *)texts[i]; *p; p++)
            h = (h ^ *p) * 0x100000001b3ULL;
        h = (h ^ 0x1f) * 0x100000001b3ULL;
    }
    return (h ^ (uint64_t)r->ranks * 0x9e3779b97f4a7c15ULL) * 0x100000001b3ULL ^
           (uint64_t)r->threads;
}

static bool same_key(const struct summary_acc *acc, const struct run_row *a,
                     const struct run_row *b)
{
    struct keyed ka = {a, acc->by_run}, kb = {b, acc->by_run};
    return compare_keyed(&ka, &kb) == 0;
}

static uint64_t group_hash(const void *ctx, size_t i)
{
    return ((const struct summary_acc *)ctx)->groups[i].hash;
}

/* What a probe for a row's group looks for. */
struct probe {
    const struct summary_acc *acc;
    const struct run_row *row;
    uint64_t hash;
};

static bool is_group_of(const void *ctx, size_t i)
{
    const struct probe *p = ctx;
    const struct group *g = &p->acc->groups[i];
    return g->hash == p->hash && same_key(p->acc, &g->key, p->row);
}

/* The group of `row`, created when new; NULL when out of memory. */
static struct group *find_group(struct summary_acc *acc, const struct run_row *row,
                                errmsg_t *err)
{
    if (slots_reserve(&acc->index, acc->ngroups + 1, group_hash, acc) != STATUS_OK) {
        errmsg_set(err, STATUS_NOMEM, "summary: out of memory");
        return NULL;
    }
    uint64_t h = key_hash(row, acc->by_run);
    struct probe probe = {acc, row, h};
    size_t *slot = slots_find(&acc->index, h, is_group_of, &probe);
    if (*slot != 0)
        return &acc->groups[*slot - 1];
    if (acc->ngroups == acc->cap_groups) {
        size_t cap = acc->cap_groups ? 2 * acc->cap_groups : ACC_FIRST_GROUPS;
        struct group *grown = realloc(acc->groups, cap * sizeof *grown);
        if (grown == NULL) {
            errmsg_set(err, STATUS_NOMEM, "summary: out of memory");
            return NULL;
        }
        acc->groups = grown;
        acc->cap_groups = cap;
    }
    struct group *g = &acc->groups[acc->ngroups];
    *g = (struct group){.key = *row, .verified = true, .hash = h};
    *slot = ++acc->ngroups;
    return g;
}

int summary_acc_new(struct summary_acc **acc, bool by_run, errmsg_t *err)
{
    *acc = calloc(1, sizeof **acc);
    if (*acc == NULL)
        return errmsg_set(err, STATUS_NOMEM, "summary: out of memory");
    (*acc)->by_run = by_run;
    return STATUS_OK;
}

int summary_acc_add(struct summary_acc *acc, const struct run_row *row, errmsg_t *err)
{
    struct group *g = find_group(acc, row, err);
    if (g == NULL)
        return STATUS_NOMEM;
    if (row->status != RUN_STATUS_OK) { /* no time, no result: unverified */
        g->verified = false;
        return STATUS_OK;
    }
    if (g->n == g->cap) {
        size_t cap = g->cap ? 2 * g->cap : ACC_FIRST_VALUES;
        double *grown = realloc(g->seconds, cap * sizeof *grown);
        if (grown == NULL)
            return errmsg_set(err, STATUS_NOMEM, "summary: out of memory");
        g->seconds = grown;
        g->cap = cap;
    }
    g->seconds[g->n++] = row->seconds;
    /* Runs of one group computed the same thing: a differing checksum (rows
     * pooled from builds whose results differ) is no verified result. */
    if (!g->has_checksum) {
        g->checksum = row->checksum;
        g->has_checksum = true;
    }
    g->verified = g->verified && row->verified && row->checksum == g->checksum;
    return STATUS_OK;
}

void summary_acc_free(struct summary_acc *acc)
{
    if (acc == NULL)
        return;
    for (size_t g = 0; g < acc->ngroups; g++)
        free(acc->groups[g].seconds);
    free(acc->groups);
    slots_free(&acc->index);
    free(acc->order);
    free(acc);
}

int summary_acc_finish(struct summary_acc *acc, struct summary_row **out,
                       size_t *count, errmsg_t *err)
{
    size_t m = acc->ngroups;
    struct keyed *keys = malloc((m ? m : 1) * sizeof *keys);
    struct summary_row *rows = calloc(m ? m : 1, sizeof *rows);
    if (keys == NULL || rows == NULL) {
        free(keys), free(rows);
        return errmsg_set(err, STATUS_NOMEM, "summary: out of memory");
    }
    for (size_t g = 0; g < m; g++)
        keys[g] = (struct keyed){&acc->groups[g].key, acc->by_run};
    qsort(keys, m, sizeof *keys, compare_keyed);
    free(acc->order);
    acc->order = malloc((m ? m : 1) * sizeof *acc->order);
    if (acc->order == NULL) {
        free(keys), free(rows);
        return errmsg_set(err, STATUS_NOMEM, "summary: out of memory");
    }
    for (size_t i = 0; i < m; i++) { /* key is a group's first member */
        fill_group(&rows[i], (struct group *)(void *)keys[i].row, acc->by_run);
        acc->order[i] = (const struct group *)(const void *)keys[i].row;
    }
    for (size_t b = 0; b < m;) {
        size_t e = b + 1;
        while (e < m && summary_same_block(&rows[b], &rows[e]))
            e++;
        add_scaling(rows, b, e);
        b = e;
    }
    free(keys);
    *out = rows;
    *count = m;
    return STATUS_OK;
}

const double *summary_acc_times(const struct summary_acc *acc, size_t row, size_t *n)
{
    *n = acc->order[row]->n;
    return acc->order[row]->seconds;
}

int summary_build(const struct run_row *runs, size_t n, bool by_run,
                  struct summary_row **out, size_t *count, errmsg_t *err)
{
    struct summary_acc *acc;
    int rc = summary_acc_new(&acc, by_run, err);
    for (size_t i = 0; rc == STATUS_OK && i < n; i++)
        rc = summary_acc_add(acc, &runs[i], err);
    if (rc == STATUS_OK)
        rc = summary_acc_finish(acc, out, count, err);
    summary_acc_free(acc);
    return rc;
}

/* summary.csv ------------------------------------------------------------ */

static const char SUMMARY_HEADER[] =
    "run_id,workload,variant,schedule,bind,places,size,ranks,threads,n,median,"
    "min,max,mean,stddev,cv,ci_low,ci_high,speedup,efficiency,karp_flatt,"
    "amdahl_serial,verified";

static void put_row(FILE *out, const struct summary_row *s)
{
    const char *keys[] = {s->run_id, s->workload, s->variant, s->schedule, s->bind,
                          s->places, s->size};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        csv_put_text(out, keys[i], i == 0);
    fprintf(out, ",%d,%d,%zu", s->ranks, s->threads, s->t.n);
    const double v[] = {s->t.median, s->t.min, s->t.max, s->t.mean,
                        s->t.stddev, s->t.cv, s->t.ci_low, s->t.ci_high,
                        s->speedup, s->efficiency, s->karp_flatt,
                        s->amdahl_serial};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        csv_put_number(out, v[i]);
    fprintf(out, ",%s\n", s->verified ? "true" : "false");
}

int summary_write(const char *path, const struct summary_row *rows, size_t count,
                  errmsg_t *err)
{
    char tmp[OUTPUT_PATH_MAX];
    if (output_tmp_path(tmp, sizeof tmp, path, err) != STATUS_OK)
        return STATUS_IO;
    FILE *out = fopen(tmp, "w");
    if (out == NULL)
        return errmsg_set(err, STATUS_IO, "%s: cannot create: %s", tmp, strerror(errno));
    fprintf(out, "%s\n", SUMMARY_HEADER);
    for (size_t i = 0; i < count; i++)
        put_row(out, &rows[i]);
    return output_commit(out, tmp, path, err);
}
