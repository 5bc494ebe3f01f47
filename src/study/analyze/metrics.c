/* metrics: see metrics.h. */
#include "study/analyze/metrics.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/fnv.h"
#include "base/slots.h"
#include "study/analyze/report.h"
#include "study/analyze/summary.h"
#include "study/record/output.h"

static const char METRICS_HEADER[] =
    "run_id,host,workload,variant,schedule,bind,places,size,ranks,threads,repeat,"
    "metric,better,value";
static const char METRICS_SUMMARY_HEADER[] =
    "run_id,workload,variant,schedule,bind,places,size,ranks,threads,metric,better,n,"
    "median,min,max,mean,stddev,cv,ci_low,ci_high,speedup,efficiency";

/* Columns of metrics.csv schema 1. */
enum metric_column {
    M_RUN_ID, M_HOST, M_WORKLOAD, M_VARIANT, M_SCHEDULE, M_BIND, M_PLACES, M_SIZE,
    M_RANKS, M_THREADS, M_REPEAT, M_METRIC, M_BETTER, M_VALUE, M_COLUMNS
};

enum { FIRST_GROUPS = 64, FIRST_VALUES = 8, KEY_TEXT = 1024, VALUE_TEXT = 32,
       DIGITS_SHORT = 6, DIGITS_EXACT = 17 };
/* Whole numbers below this (2^53: every integer exact) are written as such. */
static const double METRIC_WHOLE_MAX = 9007199254740992.0;

int metrics_open(struct runs_file *f, const char *path, errmsg_t *err)
{
    return csv_append_open(f, path, METRICS_HEADER, err);
}

static bool put_field(char **at, size_t *left, const char *value)
{
    if (*left < 2)
        return false;
    int n = csv_field(*at, *left - 1, value);
    if (n < 0)
        return false;
    (*at)[n] = ',';
    *at += n + 1, *left -= (size_t)n + 1;
    return true;
}

/* v with the fewest digits (up to 17) that read back as v: 7224.8 stays
 * 7224.8, not 7224.8000000000002; a whole number as programs print it
 * (10820660, not 1.082066e+07). */
static void shortest(double v, char *buf, size_t cap)
{
    if (v == floor(v) && fabs(v) < METRIC_WHOLE_MAX) {
        snprintf(buf, cap, "%.0f", v);
        return;
    }
    for (int digits = DIGITS_SHORT; digits <= DIGITS_EXACT; digits++) {
        snprintf(buf, cap, "%.*g", digits, v);
        if (strtod(buf, NULL) == v)
            return;
    }
}

int metrics_append(struct runs_file *f, const struct run_row *row,
                   const struct metric_value *m, int n, errmsg_t *err)
{
    size_t cap = (size_t)n * CSV_ROW_MAX + 1, left = cap;
    char *buf = malloc(cap), *at = buf;
    bool ok = buf != NULL;
    for (int i = 0; ok && i < n; i++) {
        const char *keys[] = {row->run_id, row->host, row->workload, row->variant,
                              row->schedule, row->bind, row->places, row->size};
        for (size_t k = 0; ok && k < sizeof keys / sizeof *keys; k++)
            ok = put_field(&at, &left, keys[k]);
        int w = ok ? snprintf(at, left, "%d,%d,%d,", row->ranks, row->threads, row->repeat) : -1;
        ok = w > 0 && (size_t)w < left;
        at += ok ? w : 0, left -= ok ? (size_t)w : 0;
        ok = ok && put_field(&at, &left, m[i].name);
        char value[VALUE_TEXT];
        shortest(m[i].value, value, sizeof value);
        w = ok ? snprintf(at, left, "%s,%s\n", m[i].lower_better ? "lower" : "higher",
                          value) : -1;
        ok = w > 0 && (size_t)w < left;
        at += ok ? w : 0, left -= ok ? (size_t)w : 0;
    }
    int rc = ok ? csv_append_line(f, buf, err)
                : errmsg_set(err, buf == NULL ? STATUS_NOMEM : STATUS_IO,
                             "%s: a metrics row does not fit", f->path);
    free(buf);
    return rc;
}

/* One group: a block's metric, its values. */
struct group {
    struct metric_summary out;
    char key[KEY_TEXT];
    uint64_t hash;
    double *values;
    size_t n, cap;
};

struct metrics_acc {
    bool by_run;
    struct group *groups;
    size_t ngroups, cap;
    struct slots index; /* of groups, by hash */
    struct metric_summary *rows; /* of finish */
};

int metrics_acc_new(struct metrics_acc **acc, bool by_run, errmsg_t *err)
{
    *acc = calloc(1, sizeof **acc);
    if (*acc == NULL)
        return errmsg_set(err, STATUS_NOMEM, "metrics: out of memory");
    (*acc)->by_run = by_run;
    return STATUS_OK;
}

void metrics_acc_free(struct metrics_acc *acc)
{
    if (acc == NULL)
        return;
    for (size_t i = 0; i < acc->ngroups; i++)
        free(acc->groups[i].values);
    slots_free(&acc->index);
    free(acc->groups), free(acc->rows), free(acc);
}

static uint64_t group_hash(const void *ctx, size_t i)
{
    return ((const struct metrics_acc *)ctx)->groups[i].hash;
}

/* What a probe for a key's group looks for. */
struct probe {
    const struct metrics_acc *acc;
    const char *key;
    uint64_t hash;
};

static bool is_group_of(const void *ctx, size_t i)
{
    const struct probe *p = ctx;
    const struct group *g = &p->acc->groups[i];
    return g->hash == p->hash && strcmp(g->key, p->key) == 0;
}

/* The group of `key`, made from `proto` when new; NULL when out of memory. */
static struct group *find_group(struct metrics_acc *acc, const char *key,
                                const struct metric_summary *proto, errmsg_t *err)
{
    if (slots_reserve(&acc->index, acc->ngroups + 1, group_hash, acc) != STATUS_OK) {
        errmsg_set(err, STATUS_NOMEM, "metrics: out of memory");
        return NULL;
    }
    uint64_t h = fnv1a(key);
    struct probe probe = {acc, key, h};
    size_t *slot = slots_find(&acc->index, h, is_group_of, &probe);
    if (*slot != 0)
        return &acc->groups[*slot - 1];
    if (acc->ngroups == acc->cap) {
        size_t cap = acc->cap ? 2 * acc->cap : FIRST_GROUPS;
        struct group *grown = realloc(acc->groups, cap * sizeof *grown);
        if (grown == NULL) {
            errmsg_set(err, STATUS_NOMEM, "metrics: out of memory");
            return NULL;
        }
        acc->groups = grown;
        acc->cap = cap;
    }
    struct group *g = &acc->groups[acc->ngroups];
    *g = (struct group){.out = *proto, .hash = h};
    snprintf(g->key, sizeof g->key, "%s", key);
    *slot = ++acc->ngroups;
    return g;
}

static int add_value(struct metrics_acc *acc, const char *key,
                     const struct metric_summary *proto, double v, errmsg_t *err)
{
    struct group *g = find_group(acc, key, proto, err);
    if (g == NULL)
        return STATUS_NOMEM;
    if (g->n == g->cap) {
        size_t cap = g->cap ? 2 * g->cap : FIRST_VALUES;
        double *grown = realloc(g->values, cap * sizeof *grown);
        if (grown == NULL)
            return errmsg_set(err, STATUS_NOMEM, "metrics: out of memory");
        g->values = grown;
        g->cap = cap;
    }
    g->values[g->n++] = v;
    return STATUS_OK;
}

static bool to_int(const char *s, int min, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (*s == '\0' || *end != '\0' || errno != 0 || v < min || v > INT32_MAX)
        return false;
    *out = (int)v;
    return true;
}

static bool to_text(char *dst, size_t cap, const char *src)
{
    return (size_t)snprintf(dst, cap, "%s", src) < cap;
}

/* One record into *m and its value; the bad column (0-based) or -1. */
static int parse_metric(char **f, struct metric_summary *m, int *repeat, double *value)
{
    struct summary_row *s = &m->s;
    char *const texts[] = {s->run_id, s->workload, s->variant, s->schedule, s->bind,
                           s->places, s->size, m->metric};
    const size_t caps[] = {sizeof s->run_id, sizeof s->workload, sizeof s->variant,
                           sizeof s->schedule, sizeof s->bind, sizeof s->places,
                           sizeof s->size, sizeof m->metric};
    const int cols[] = {M_RUN_ID, M_WORKLOAD, M_VARIANT, M_SCHEDULE, M_BIND, M_PLACES,
                        M_SIZE, M_METRIC};
    for (size_t i = 0; i < sizeof cols / sizeof *cols; i++)
        if (!to_text(texts[i], caps[i], f[cols[i]]))
            return cols[i];
    if (!to_int(f[M_RANKS], 1, &s->ranks)) return M_RANKS;
    if (!to_int(f[M_THREADS], 1, &s->threads)) return M_THREADS;
    if (!to_int(f[M_REPEAT], 0, repeat)) return M_REPEAT;
    if (strcmp(f[M_BETTER], "higher") != 0 && strcmp(f[M_BETTER], "lower") != 0)
        return M_BETTER;
    m->lower_better = strcmp(f[M_BETTER], "lower") == 0;
    char *end;
    *value = strtod(f[M_VALUE], &end);
    if (f[M_VALUE][0] == '\0' || *end != '\0' || !isfinite(*value))
        return M_VALUE;
    return -1;
}

/* What metrics_acc_file reads: the file and its filters. */
struct file_reader {
    struct metrics_acc *acc;
    const char *path, *only_run;
    bool tag_host;
};

static const char *column_name(int i)
{
    static const char *const names[M_COLUMNS] = {
        "run_id", "host", "workload", "variant", "schedule", "bind", "places", "size",
        "ranks", "threads", "repeat", "metric", "better", "value"};
    return names[i];
}

/* The group key: run id (or host) unless pooled, the block, the metric
 * and its direction, cores. Weak-scaling blocks span the sizes. */
static void group_key(const struct metrics_acc *acc, const struct metric_summary *m,
                      char *key, size_t cap)
{
    const struct summary_row *s = &m->s;
    snprintf(key, cap, "%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%d\x1f%d\x1f%d",
             acc->by_run ? s->run_id : "", s->workload, s->variant, s->schedule, s->bind,
             s->places, s->size, m->metric, m->lower_better, s->ranks, s->threads);
}

static int take_record(void *ctx, char **f, int n, size_t line, errmsg_t *err)
{
    struct file_reader *r = ctx;
    if (n != M_COLUMNS)
        return errmsg_set(err, STATUS_USAGE, "%s:%zu: expected %d fields, found %d",
                          r->path, line, M_COLUMNS, n);
    struct metric_summary m;
    memset(&m, 0, sizeof m);
    int repeat = 0;
    double value = 0.0;
    int bad = parse_metric(f, &m, &repeat, &value);
    if (bad >= 0)
        return errmsg_set(err, STATUS_USAGE, "%s:%zu:%d: bad %s value '%.40s'", r->path,
                          line, bad + 1, column_name(bad), f[bad]);
    if (r->only_run != NULL && strcmp(m.s.run_id, r->only_run) != 0)
        return STATUS_OK;
    if (r->tag_host)
        to_text(m.s.run_id, sizeof m.s.run_id, f[M_HOST]);
    if (!r->acc->by_run)
        m.s.run_id[0] = '\0';
    char key[KEY_TEXT];
    group_key(r->acc, &m, key, sizeof key);
    return add_value(r->acc, key, &m, value, err);
}

int metrics_acc_file(struct metrics_acc *acc, const char *path, const char *only_run,
                     bool tag_host, errmsg_t *err)
{
    struct file_reader r = {acc, path, only_run, tag_host};
    return csv_records_each(path, METRICS_HEADER, take_record, &r, err);
}

static int cmp_int(int a, int b) { return (a > b) - (a < b); }

/* Block (weak-scaling blocks span sizes), metric, then cores, ranks,
 * threads, then size. */
static int cmp_summary(const void *pa, const void *pb)
{
    const struct metric_summary *a = pa, *b = pb;
    bool weak = summary_is_weak(a->s.variant);
    int c = strcmp(a->s.run_id, b->s.run_id);
    if (c == 0) c = strcmp(a->s.workload, b->s.workload);
    if (c == 0) c = strcmp(a->s.variant, b->s.variant);
    if (c == 0) c = strcmp(a->s.schedule, b->s.schedule);
    if (c == 0) c = strcmp(a->s.bind, b->s.bind);
    if (c == 0) c = strcmp(a->s.places, b->s.places);
    if (c == 0 && !weak) c = strcmp(a->s.size, b->s.size);
    if (c == 0) c = strcmp(a->metric, b->metric);
    if (c == 0) c = cmp_int(a->lower_better, b->lower_better);
    if (c == 0) c = cmp_int(a->s.ranks * a->s.threads, b->s.ranks * b->s.threads);
    if (c == 0) c = cmp_int(a->s.ranks, b->s.ranks);
    if (c == 0) c = cmp_int(a->s.threads, b->s.threads);
    if (c == 0 && weak) c = strcmp(a->s.size, b->s.size);
    return c;
}

int metrics_cmp(const struct metric_summary *a, const struct metric_summary *b)
{
    return cmp_summary(a, b);
}

bool metrics_same_block(const struct metric_summary *a, const struct metric_summary *b)
{
    return summary_same_block(&a->s, &b->s) && strcmp(a->metric, b->metric) == 0 &&
           a->lower_better == b->lower_better;
}

/* Speedup of the metric against the block's row of 1 rank and 1 thread. */
static void add_speedup(struct metric_summary *rows, size_t b, size_t e)
{
    double base = NAN;
    for (size_t i = b; i < e; i++)
        if (rows[i].s.ranks == 1 && rows[i].s.threads == 1)
            base = rows[i].s.t.median;
    for (size_t i = b; i < e; i++) {
        struct summary_row *s = &rows[i].s;
        double m = s->t.median;
        s->speedup = rows[i].lower_better ? base / m : m / base;
        if (!isfinite(s->speedup))
            s->speedup = NAN;
        s->efficiency = s->speedup / (s->ranks * s->threads);
    }
}

int metrics_acc_finish(struct metrics_acc *acc, const struct metric_summary **out,
                       size_t *count, errmsg_t *err)
{
    size_t m = acc->ngroups;
    free(acc->rows);
    acc->rows = calloc(m ? m : 1, sizeof *acc->rows);
    if (acc->rows == NULL)
        return errmsg_set(err, STATUS_NOMEM, "metrics: out of memory");
    for (size_t g = 0; g < m; g++) {
        struct group *grp = &acc->groups[g];
        acc->rows[g] = grp->out;
        stats_compute(grp->values, grp->n, &acc->rows[g].s.t);
        acc->rows[g].values = grp->values;
        acc->rows[g].s.verified = true;
    }
    qsort(acc->rows, m, sizeof *acc->rows, cmp_summary);
    for (size_t b = 0; b < m;) {
        size_t e = b + 1;
        while (e < m && metrics_same_block(&acc->rows[b], &acc->rows[e]))
            e++;
        add_speedup(acc->rows, b, e);
        b = e;
    }
    *out = acc->rows;
    *count = m;
    return STATUS_OK;
}

void metrics_path_beside(const char *runs_path, char *buf, size_t cap)
{
    const char *slash = strrchr(runs_path, '/');
    struct stat st;
    if (stat(runs_path, &st) == 0 && S_ISDIR(st.st_mode)) /* a study's directory */
        snprintf(buf, cap, "%s/%s", runs_path, METRICS_FILE);
    else if (slash == NULL)
        snprintf(buf, cap, "%s", METRICS_FILE);
    else
        snprintf(buf, cap, "%.*s/%s", (int)(slash - runs_path), runs_path, METRICS_FILE);
}

static void put_summary(FILE *out, const struct metric_summary *m)
{
    const struct summary_row *s = &m->s;
    const char *const keys[] = {s->run_id, s->workload, s->variant, s->schedule, s->bind,
                                s->places, s->size};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        csv_put_text(out, keys[i], i == 0);
    fprintf(out, ",%d,%d", s->ranks, s->threads);
    csv_put_text(out, m->metric, false);
    fprintf(out, ",%s,%zu", m->lower_better ? "lower" : "higher", s->t.n);
    const double v[] = {s->t.median, s->t.min, s->t.max, s->t.mean, s->t.stddev,
                        s->t.cv, s->t.ci_low, s->t.ci_high, s->speedup, s->efficiency};
    for (size_t i = 0; i < sizeof v / sizeof *v; i++)
        csv_put_number(out, v[i]);
    fputc('\n', out);
}

int metrics_summary_write(const char *path, const struct metric_summary *rows, size_t n,
                          errmsg_t *err)
{
    char tmp[OUTPUT_PATH_MAX + OUTPUT_TMP_EXTRA];
    if (output_tmp_path(tmp, sizeof tmp, path, err) != STATUS_OK)
        return STATUS_IO;
    FILE *out = fopen(tmp, "w");
    if (out == NULL)
        return errmsg_set(err, STATUS_IO, "%s: cannot create: %s", tmp, strerror(errno));
    fprintf(out, "%s\n", METRICS_SUMMARY_HEADER);
    for (size_t i = 0; i < n; i++)
        put_summary(out, &rows[i]);
    return output_commit(out, tmp, path, err);
}

static void section(FILE *out, const struct metric_summary *m)
{
    const struct summary_row *s = &m->s;
    report_block_title(out, s);
    fprintf(out, "  size=%s  metric=%s (%s is better)%s%s\n",
            summary_is_weak(s->variant) ? "grows with threads" : s->size, m->metric,
            m->lower_better ? "lower" : "higher", s->run_id[0] ? "  run=" : "", s->run_id);
    fprintf(out, "%5s %7s %12s %12s %12s %12s %12s %8s %10s\n", "ranks", "threads",
            "median", "ci_low", "ci_high", "min", "max", "speedup", "efficiency");
}

void metrics_report(FILE *out, const struct metric_summary *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const struct summary_row *s = &rows[i].s;
        if (i == 0 || !metrics_same_block(&rows[i - 1], &rows[i]))
            section(out, &rows[i]);
        fprintf(out, "%5d %7d", s->ranks, s->threads);
        const double v[] = {s->t.median, s->t.ci_low, s->t.ci_high, s->t.min, s->t.max};
        for (size_t k = 0; k < sizeof v / sizeof *v; k++)
            report_number(out, v[k], 12, 6, 'g');
        report_number(out, s->speedup, 8, 2, 'f');
        report_number(out, s->efficiency, 10, 2, 'f');
        fputc('\n', out);
    }
}
