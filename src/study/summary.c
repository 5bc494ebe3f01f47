/* summary: see summary.h. */
#include "study/summary.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Sort context: qsort has no user pointer, so the flag travels in the keys. */
struct keyed {
    const struct run_row *row;
    bool by_run;
};

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

static void fill_group(struct summary_row *s, const struct keyed *g, size_t n,
                       double *scratch)
{
    const struct run_row *r = g[0].row;
    copy_key(s->run_id, g[0].by_run ? r->run_id : "");
    copy_key(s->workload, r->workload);
    copy_key(s->variant, r->variant);
    copy_key(s->schedule, r->schedule);
    copy_key(s->bind, r->bind);
    copy_places(s->places, r->places);
    copy_key(s->size, r->size);
    s->ranks = r->ranks;
    s->threads = r->threads;
    s->verified = true;
    for (size_t i = 0; i < n; i++) {
        scratch[i] = g[i].row->seconds;
        s->verified = s->verified && g[i].row->verified;
    }
    stats_compute(scratch, n, &s->t);
}

/* Scaling metrics of the rows [b, e) of one block against its row of one
 * rank and one thread, with p = ranks x threads cores:
 * strong scaling: speedup T1/Tp, efficiency speedup/p, Karp-Flatt, Amdahl;
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
        s->karp_flatt = weak ? NAN : stats_karp_flatt(s->speedup, p);
        if (!weak && p > 1 && m < SUMMARY_MAX_FIT) {
            x[m] = p;
            y[m++] = s->t.median / base;
        }
    }
    double serial = stats_amdahl_fit(x, y, m);
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

static size_t group_rows(struct keyed *keys, size_t n, struct summary_row *rows,
                         double *scratch)
{
    size_t m = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && compare_keyed(&keys[i], &keys[j]) == 0)
            j++;
        fill_group(&rows[m++], keys + i, j - i, scratch);
        i = j;
    }
    return m;
}

int summary_build(const struct run_row *runs, size_t n, bool by_run,
                  struct summary_row **out, size_t *count, errmsg_t *err)
{
    struct keyed *keys = malloc((n ? n : 1) * sizeof *keys);
    double *scratch = malloc((n ? n : 1) * sizeof *scratch);
    struct summary_row *rows = calloc(n ? n : 1, sizeof *rows);
    if (keys == NULL || scratch == NULL || rows == NULL) {
        free(keys), free(scratch), free(rows);
        return errmsg_set(err, STATUS_NOMEM, "summary: out of memory");
    }
    for (size_t i = 0; i < n; i++)
        keys[i] = (struct keyed){&runs[i], by_run};
    qsort(keys, n, sizeof *keys, compare_keyed);
    size_t m = group_rows(keys, n, rows, scratch);
    for (size_t b = 0; b < m;) {
        size_t e = b + 1;
        while (e < m && summary_same_block(&rows[b], &rows[e]))
            e++;
        add_scaling(rows, b, e);
        b = e;
    }
    free(keys);
    free(scratch);
    *out = rows;
    *count = m;
    return STATUS_OK;
}
