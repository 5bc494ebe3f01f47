/* models_table: see models_table.h. */
#include "study/analyze/models_table.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "study/record/csv.h"
#include "study/record/output.h"

enum { MAX_COUNTS_START = 16 };

static const uint64_t FNV_OFFSET = 0xcbf29ce484222325ULL, FNV_PRIME = 0x100000001b3ULL;

/* FNV-1a over the block's key without the run id (and without the size
 * of a weak block, which spans sizes). */
static uint64_t block_stream(const struct summary_row *r)
{
    const char *texts[] = {r->workload, r->variant, r->schedule, r->bind, r->places,
                           summary_is_weak(r->variant) ? "" : r->size};
    uint64_t h = FNV_OFFSET;
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        for (const unsigned char *p = (const unsigned char *)texts[i]; *p; p++)
            h = (h ^ *p) * FNV_PRIME;
        h = (h ^ 0x1f) * FNV_PRIME; /* a unit separator between fields */
    }
    return h;
}

static int fit_entry(const struct summary_acc *acc, const struct summary_row *rows,
                     struct models_entry *e, struct models_count **counts,
                     size_t *cap, errmsg_t *err)
{
    if (e->count > *cap) {
        struct models_count *grown = realloc(*counts, e->count * sizeof *grown);
        if (grown == NULL)
            return errmsg_set(err, STATUS_NOMEM, "models: out of memory");
        *counts = grown;
        *cap = e->count;
    }
    e->verified = true;
    for (size_t i = 0; i < e->count; i++) {
        const struct summary_row *r = &rows[e->first + i];
        struct models_count *c = &(*counts)[i];
        c->cores = (double)r->ranks * r->threads;
        c->times = summary_acc_times(acc, e->first + i, &c->n);
        e->verified = e->verified && r->verified;
    }
    return models_fit_block(*counts, e->count, summary_is_weak(e->key.variant),
                            MODELS_REPLICATES, MODELS_TABLE_SEED,
                            block_stream(&e->key), &e->fit, err);
}

/* Called with each block's fits, in the summary's order; the entry is
 * reused for the next block. */
typedef int (*entry_fn)(void *ctx, const struct models_entry *e, errmsg_t *err);

/* Fit the blocks of rows[0..n) one at a time, so that memory does not grow
 * with the blocks. */
static int each_block(const struct summary_acc *acc, const struct summary_row *rows,
                      size_t n, entry_fn fn, void *ctx, errmsg_t *err)
{
    size_t cap = MAX_COUNTS_START;
    struct models_count *counts = malloc(cap * sizeof *counts);
    struct models_entry *entry = malloc(sizeof *entry);
    int rc = counts != NULL && entry != NULL
                 ? STATUS_OK : errmsg_set(err, STATUS_NOMEM, "models: out of memory");
    for (size_t b = 0; b < n && rc == STATUS_OK;) {
        size_t e = b + 1;
        while (e < n && summary_same_block(&rows[b], &rows[e]))
            e++;
        entry->key = rows[b];
        entry->first = b;
        entry->count = e - b;
        rc = fit_entry(acc, rows, entry, &counts, &cap, err);
        if (rc == STATUS_OK)
            rc = fn(ctx, entry, err);
        b = e;
    }
    free(counts);
    free(entry);
    return rc;
}

static int keep_entry(void *ctx, const struct models_entry *e, errmsg_t *err)
{
    struct models_table *t = ctx;
    if ((t->n & (t->n - 1)) == 0) { /* a power of two (or 0): double the room */
        struct models_entry *grown = realloc(t->blocks, (t->n ? 2 * t->n : 1) * sizeof *grown);
        if (grown == NULL)
            return errmsg_set(err, STATUS_NOMEM, "models: out of memory");
        t->blocks = grown;
    }
    t->blocks[t->n++] = *e;
    return STATUS_OK;
}

int models_table_build(const struct summary_acc *acc, const struct summary_row *rows,
                       size_t n, struct models_table *out, errmsg_t *err)
{
    memset(out, 0, sizeof *out);
    return each_block(acc, rows, n, keep_entry, out, err);
}

void models_table_free(struct models_table *t)
{
    free(t->blocks);
    t->blocks = NULL;
    t->n = 0;
}

/* Notes -------------------------------------------------------------------- */

/* Append "; " (unless first) and a formatted note to buf. */
__attribute__((format(printf, 3, 4)))
static void add_note(char *buf, size_t cap, const char *fmt, ...)
{
    size_t len = strlen(buf);
    if (len > 0 && len + 2 < cap) {
        memcpy(buf + len, "; ", 3);
        len += 2;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + len, cap - len, fmt, ap);
    va_end(ap);
}

/* AICc needs more points than parameters + 2 (the noise variance counts). */
static size_t aicc_points(enum models_law law)
{
    return models_law_params(law) + 3;
}

static void state_note(const struct models_entry *e, const struct models_fit *f,
                       char *buf, size_t cap)
{
    const struct models_block *b = &e->fit;
    switch (f->state) {
    case MODELS_NO_BASELINE:
        add_note(buf, cap, "no run at 1 core (1 rank x 1 thread): no speedup to fit");
        break;
    case MODELS_TOO_FEW:
        if (f->law == MODELS_USL)
            add_note(buf, cap, "no USL fit: %zu core count%s, it needs at least 3",
                     b->counts, b->counts == 1 ? "" : "s");
        else if (b->counts <= 1)
            add_note(buf, cap, "only the 1-core run: nothing to fit");
        else
            add_note(buf, cap, "no usable speedup (zero or non-finite times): nothing to fit");
        break;
    case MODELS_SLOWER:
        add_note(buf, cap, "slower with more threads (%s %.2f at %g cores): "
                 "no serial fraction", b->weak ? "scaled speedup" : "speedup",
                 b->worst_speedup, b->worst_cores);
        break;
    case MODELS_FITTED:
        break;
    }
}

void models_table_note(const struct models_entry *e, const struct models_fit *f,
                       char *buf, size_t cap)
{
    const struct models_block *b = &e->fit;
    buf[0] = '\0';
    if (!e->verified)
        add_note(buf, cap, "UNVERIFIED: failed, timed-out or differing runs in the block");
    state_note(e, f, buf, cap);
    if (f->state != MODELS_FITTED)
        return;
    if (f->at_bound)
        add_note(buf, cap, "superlinear (%s %.2f at %g cores, above the core "
                 "count): %s held at 0", b->weak ? "scaled speedup" : "speedup",
                 b->best_excess * b->best_cores, b->best_cores,
                 f->law == MODELS_GUSTAFSON ? "alpha" : "f");
    if (b->replicates == 0)
        add_note(buf, cap, "%zu run%s per count: no intervals (they need %d at least)",
                 b->min_runs, b->min_runs == 1 ? "" : "s", MODELS_MIN_RUNS);
    if (isnan(f->aicc))
        add_note(buf, cap, "no AICc: it needs %zu core counts above 1, there %s %zu",
                 aicc_points(f->law), f->points == 1 ? "is" : "are", f->points);
    if (f->retrograde)
        add_note(buf, cap, "retrograde: the speedup peaks at %.0f cores and falls beyond",
                 f->peak_cores.est);
}

/* Writing -------------------------------------------------------------------- */

static const char MODELS_HEADER[] =
    "schema,run_id,workload,variant,schedule,bind,places,size,scaling,model,state,"
    "verified,counts,max_cores,min_runs,replicates,serial,serial_low,serial_high,"
    "sigma,sigma_low,sigma_high,kappa,kappa_low,kappa_high,r2,aicc,delta_aicc,chosen,"
    "cores_2x,speedup_2x,speedup_2x_low,speedup_2x_high,efficiency_2x,"
    "efficiency_2x_low,efficiency_2x_high,"
    "cores_4x,speedup_4x,speedup_4x_low,speedup_4x_high,efficiency_4x,"
    "efficiency_4x_low,efficiency_4x_high,"
    "cores_8x,speedup_8x,speedup_8x_low,speedup_8x_high,efficiency_8x,"
    "efficiency_8x_low,efficiency_8x_high,"
    "peak_cores,peak_cores_low,peak_cores_high,peak_speedup,peak_speedup_low,"
    "peak_speedup_high,retrograde,note";

static const char CURVES_HEADER[] =
    "schema,run_id,workload,variant,schedule,bind,places,size,model,chosen,cores,"
    "speedup,speedup_low,speedup_high";

static const char *state_name(enum models_state s)
{
    switch (s) {
    case MODELS_FITTED:
        return "fitted";
    case MODELS_NO_BASELINE:
        return "no_baseline";
    case MODELS_TOO_FEW:
        return "too_few_counts";
    case MODELS_SLOWER:
        return "slower";
    }
    return "unknown";
}

/* A number; an empty cell for NAN, "inf" for an unbounded value (pandas
 * and R read both). */
static void put_number(FILE *out, double v)
{
    if (isnan(v))
        fputs(",", out);
    else if (isinf(v))
        fputs(v > 0 ? ",inf" : ",-inf", out);
    else
        fprintf(out, ",%.9g", v);
}

static void put_value(FILE *out, const struct models_value *v)
{
    put_number(out, v->est);
    put_number(out, v->low);
    put_number(out, v->high);
}

static void put_text(FILE *out, const char *text)
{
    char field[2 * MODELS_NOTE_MAX + 3];
    if (csv_field(field, sizeof field, text) < 0)
        field[0] = '\0';
    fprintf(out, ",%s", field);
}

/* schema and the block's key columns. */
static void put_key(FILE *out, const struct summary_row *k)
{
    fprintf(out, "%d", MODELS_TABLE_SCHEMA);
    const char *texts[] = {k->run_id, k->workload, k->variant, k->schedule,
                           k->bind, k->places, k->size};
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
        put_text(out, texts[i]);
}

static void put_model(FILE *out, const struct models_entry *e, const struct models_fit *f)
{
    const struct models_block *b = &e->fit;
    const struct models_value none = {NAN, NAN, NAN};
    bool usl = f->law == MODELS_USL;
    char note[MODELS_NOTE_MAX];
    put_key(out, &e->key);
    fprintf(out, ",%s,%s,%s,%s,%zu", b->weak ? "weak" : "strong", models_law_name(f->law),
            state_name(f->state), e->verified ? "true" : "false", b->counts);
    put_number(out, b->max_cores);
    fprintf(out, ",%zu,%d", b->min_runs, b->replicates);
    put_value(out, usl ? &none : &f->param[0]);
    put_value(out, usl ? &f->param[0] : &none);
    put_value(out, usl ? &f->param[1] : &none);
    put_number(out, f->r2);
    put_number(out, f->aicc);
    put_number(out, f->delta_aicc);
    fprintf(out, ",%s", f->chosen ? "true" : "false");
    for (int h = 0; h < MODELS_HORIZONS; h++) {
        put_number(out, f->horizon[h]);
        put_value(out, &f->speedup[h]);
        put_value(out, &f->efficiency[h]);
    }
    put_value(out, &f->peak_cores);
    put_value(out, &f->peak_speedup);
    fprintf(out, ",%s", !usl ? "" : f->retrograde ? "true" : "false");
    models_table_note(e, f, note, sizeof note);
    put_text(out, note);
    fputc('\n', out);
}

static void put_curve(FILE *out, const struct models_entry *e, const struct models_fit *f)
{
    if (f->state != MODELS_FITTED)
        return;
    for (int c = 0; c < MODELS_CURVE_POINTS; c++) {
        put_key(out, &e->key);
        fprintf(out, ",%s,%s", models_law_name(f->law), f->chosen ? "true" : "false");
        put_number(out, f->curve_cores[c]);
        put_value(out, &f->curve[c]);
        fputc('\n', out);
    }
}

/* models.csv and model_curves.csv, written side by side to temporary
 * files and renamed at the end. */
struct table_files {
    char path[2][OUTPUT_PATH_MAX], tmp[2][OUTPUT_PATH_MAX];
    FILE *out[2];
};

static int open_tables(struct table_files *f, const char *dir, errmsg_t *err)
{
    const char *names[2] = {"models.csv", "model_curves.csv"};
    const char *headers[2] = {MODELS_HEADER, CURVES_HEADER};
    for (int i = 0; i < 2; i++) {
        if (output_path(f->path[i], sizeof f->path[i], dir, names[i], err) != STATUS_OK ||
            output_tmp_path(f->tmp[i], sizeof f->tmp[i], f->path[i], err) != STATUS_OK)
            return STATUS_IO;
        f->out[i] = fopen(f->tmp[i], "w");
        if (f->out[i] == NULL)
            return errmsg_set(err, STATUS_IO, "%s: cannot create: %s", f->tmp[i],
                              strerror(errno));
        fprintf(f->out[i], "%s\n", headers[i]);
    }
    return STATUS_OK;
}

static int put_entry(void *ctx, const struct models_entry *e, errmsg_t *err)
{
    struct table_files *f = ctx;
    for (size_t l = 0; l < e->fit.nfits; l++) {
        put_model(f->out[0], e, &e->fit.fit[l]);
        put_curve(f->out[1], e, &e->fit.fit[l]);
    }
    (void)err;
    return STATUS_OK;
}

/* Rename both into place after rc == STATUS_OK; else (or when a rename
 * fails) remove what is left of the temporary files. */
static int close_tables(struct table_files *f, int rc, errmsg_t *err)
{
    for (int i = 0; i < 2; i++) {
        if (f->out[i] == NULL)
            continue;
        if (rc == STATUS_OK) {
            rc = output_commit(f->out[i], f->tmp[i], f->path[i], err);
        } else {
            fclose(f->out[i]);
            unlink(f->tmp[i]);
        }
    }
    return rc;
}

int models_table_write(const char *dir, const struct models_table *t, errmsg_t *err)
{
    struct table_files f = {0};
    int rc = open_tables(&f, dir, err);
    for (size_t i = 0; i < t->n && rc == STATUS_OK; i++)
        rc = put_entry(&f, &t->blocks[i], err);
    return close_tables(&f, rc, err);
}

int models_table_write_fitting(const char *dir, const struct summary_acc *acc,
                               const struct summary_row *rows, size_t n, errmsg_t *err)
{
    struct table_files f = {0};
    int rc = open_tables(&f, dir, err);
    if (rc == STATUS_OK)
        rc = each_block(acc, rows, n, put_entry, &f, err);
    return close_tables(&f, rc, err);
}
