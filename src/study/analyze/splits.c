/* splits: see splits.h. */
#include "study/analyze/splits.h"

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "study/record/csv.h"
#include "study/record/output.h"
#include "study/analyze/report.h"

static const double CI_LEVEL = 0.95;
enum { TEST_MIN_N = 2, CELL_TEXT = 32 };

static const char HEADER[] =
    "schema,run_id,workload,variant,schedule,bind,places,size,cores,splits,cells,"
    "best_ranks,best_threads,best_n,best_median,best_speedup,best_efficiency,"
    "runner_ranks,runner_threads,runner_n,runner_median,ratio,ratio_ci_low,"
    "ratio_ci_high,p_value,test,alpha,verdict,verified,all,note";

static int cores_of(const struct summary_row *r) { return r->ranks * r->threads; }

const char *splits_verdict_name(enum split_verdict v)
{
    static const char *const names[] = {"best", "tie", "untested", "only", "none"};
    return names[v];
}

/* Append "; " (unless first) and a formatted note. */
__attribute__((format(printf, 2, 3)))
static void add_note(struct split_row *s, const char *fmt, ...)
{
    size_t len = strlen(s->note);
    if (len > 0 && len + 2 < sizeof s->note) {
        memcpy(s->note + len, "; ", 3);
        len += 2;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->note + len, sizeof s->note - len, fmt, ap);
    va_end(ap);
}

/* Whether rows[b..e) (one block, by cores) splits a core count two ways. */
static bool has_splits(const struct summary_row *rows, size_t b, size_t e)
{
    for (size_t i = b + 1; i < e; i++)
        if (cores_of(&rows[i]) == cores_of(&rows[i - 1]))
            return true;
    return false;
}

/* The verified cells of rows[b..e) with a completed run, fastest median
 * first (an equal median: fewer ranks first), into order; their count. */
static size_t rank_cells(const struct summary_row *rows, size_t b, size_t e, size_t *order)
{
    size_t m = 0;
    for (size_t i = b; i < e; i++) {
        if (!rows[i].verified || rows[i].t.n == 0)
            continue;
        size_t j = m++;
        for (; j > 0 && rows[order[j - 1]].t.median > rows[i].t.median; j--)
            order[j] = order[j - 1];
        order[j] = i;
    }
    return m;
}

/* "2x1:1 1x2:1.018": each ranked cell's median over the best's. */
static void all_text(struct split_row *s, const struct summary_row *rows,
                     const size_t *order, size_t m)
{
    size_t used = 0;
    for (size_t i = 0; i < m && used < sizeof s->all; i++) {
        const struct summary_row *r = &rows[order[i]];
        used += (size_t)snprintf(s->all + used, sizeof s->all - used, "%s%dx%d:%.4g",
                                 i ? " " : "", r->ranks, r->threads,
                                 r->t.median / s->best->t.median);
    }
}

/* The test and the interval of the best two. */
static int test_best_two(const struct summary_acc *acc, const struct summary_row *rows,
                         size_t best, size_t runner, struct split_row *s, errmsg_t *err)
{
    size_t nb, nr;
    const double *tb = summary_acc_times(acc, best, &nb);
    const double *tr = summary_acc_times(acc, runner, &nr);
    if (rows[best].t.median > 0.0)
        s->ratio = rows[runner].t.median / rows[best].t.median;
    if (nb < TEST_MIN_N || nr < TEST_MIN_N) {
        s->verdict = SPLIT_UNTESTED;
        add_note(s, "n=1: no test");
        return STATUS_OK;
    }
    struct ranktest_result t;
    int rc = ranktest_mann_whitney(tb, nb, tr, nr, RANKTEST_AUTO, &t, err);
    if (rc != STATUS_OK)
        return rc;
    s->p_value = t.p;
    s->method = t.method;
    s->verdict = t.p < SPLITS_ALPHA && s->ratio >= 1.0 + SPLITS_THRESHOLD ? SPLIT_BEST
                                                                          : SPLIT_TIE;
    if (nb < STATS_CI_MIN_N || nr < STATS_CI_MIN_N) {
        add_note(s, "fewer than %d runs: no interval", STATS_CI_MIN_N);
        return STATUS_OK;
    }
    return ranktest_ratio_ci(tb, nb, tr, nr, CI_LEVEL, &s->ci_low, &s->ci_high, err);
}

/* One core count: rows[b..e) of the block whose first row is `key`. */
static int split_count(const struct summary_acc *acc, const struct summary_row *rows,
                       size_t key, size_t b, size_t e, size_t *order, struct split_row *s,
                       errmsg_t *err)
{
    *s = (struct split_row){.key = &rows[key], .cores = cores_of(&rows[b]),
                            .cells = (int)(e - b), .ratio = NAN, .ci_low = NAN,
                            .ci_high = NAN, .p_value = NAN, .method = RANKTEST_AUTO,
                            .verdict = SPLIT_NONE};
    size_t m = rank_cells(rows, b, e, order);
    s->splits = (int)m;
    for (size_t i = b; i < e; i++)
        if (!rows[i].verified)
            add_note(s, "%dx%d unverified: not ranked", rows[i].ranks, rows[i].threads);
    if (m == 0) {
        add_note(s, "no verified split");
        return STATUS_OK;
    }
    s->best = &rows[order[0]];
    all_text(s, rows, order, m);
    if (m == 1) {
        s->verdict = SPLIT_ONLY;
        return STATUS_OK;
    }
    s->runner = &rows[order[1]];
    return test_best_two(acc, rows, order[0], order[1], s, err);
}

/* The core counts of the block rows[b..e), appended to *t. */
static int split_block(const struct summary_acc *acc, const struct summary_row *rows,
                       size_t b, size_t e, struct splits_table *t, errmsg_t *err)
{
    size_t *order = malloc((e - b) * sizeof *order);
    int rc = order != NULL ? STATUS_OK : errmsg_set(err, STATUS_NOMEM, "splits: out of memory");
    for (size_t c = b; c < e && rc == STATUS_OK;) {
        size_t d = c + 1;
        while (d < e && cores_of(&rows[d]) == cores_of(&rows[c]))
            d++;
        rc = split_count(acc, rows, b, c, d, order, &t->rows[t->n++], err);
        c = d;
    }
    free(order);
    return rc;
}

int splits_build(const struct summary_acc *acc, const struct summary_row *rows, size_t n,
                 struct splits_table *out, errmsg_t *err)
{
    memset(out, 0, sizeof *out);
    out->rows = malloc((n > 0 ? n : 1) * sizeof *out->rows); /* at most a row per cell */
    if (out->rows == NULL)
        return errmsg_set(err, STATUS_NOMEM, "splits: out of memory");
    int rc = STATUS_OK;
    for (size_t b = 0; b < n && rc == STATUS_OK;) {
        size_t e = b + 1;
        while (e < n && summary_same_block(&rows[b], &rows[e]))
            e++;
        if (has_splits(rows, b, e))
            rc = split_block(acc, rows, b, e, out, err);
        b = e;
    }
    return rc;
}

void splits_free(struct splits_table *t)
{
    free(t->rows);
    t->rows = NULL;
    t->n = 0;
}

/* "2x1", or "-" for no cell. */
static const char *cell_text(const struct summary_row *r, char *buf)
{
    if (r == NULL)
        return "-";
    snprintf(buf, CELL_TEXT, "%dx%d", r->ranks, r->threads);
    return buf;
}

static void report_line(FILE *out, const struct split_row *s)
{
    char a[CELL_TEXT], b[CELL_TEXT];
    fprintf(out, "%5d %6d %9s", s->cores, s->splits, cell_text(s->best, a));
    report_number(out, s->best != NULL ? s->best->t.median : NAN, 10, 6, 'f');
    fprintf(out, " %9s", cell_text(s->runner, b));
    report_number(out, s->runner != NULL ? s->runner->t.median : NAN, 10, 6, 'f');
    report_number(out, s->ratio, 7, 3, 'f');
    report_number(out, s->ci_low, 7, 3, 'f');
    report_number(out, s->ci_high, 7, 3, 'f');
    report_number(out, s->p_value, 9, 2, 'g');
    fprintf(out, "  %-8s  %s%s%s\n", splits_verdict_name(s->verdict), s->all,
            s->note[0] ? "  " : "", s->note);
}

void splits_report(FILE *out, const struct splits_table *t)
{
    for (size_t i = 0; i < t->n; i++) {
        const struct split_row *s = &t->rows[i];
        if (i == 0 || s->key != t->rows[i - 1].key) {
            report_block_title(out, s->key);
            fprintf(out, "  size=%s%s%s\n", s->key->size, s->key->run_id[0] ? "  run=" : "",
                    s->key->run_id);
            fprintf(out, "best split per core count (verified cells by median time; "
                    "the best two by Mann-Whitney, alpha %g):\n", SPLITS_ALPHA);
            fprintf(out, "%5s %6s %9s %10s %9s %10s %7s %7s %7s %9s  %-8s  %s\n", "cores",
                    "splits", "best", "median_s", "runner-up", "median_s", "ratio",
                    "ci_low", "ci_high", "p_value", "verdict", "time/best");
        }
        report_line(out, s);
    }
}

static void put_cell(FILE *out, const struct summary_row *r)
{
    if (r == NULL) {
        fputs(",,,,", out); /* ranks, threads, n, median */
        return;
    }
    fprintf(out, ",%d,%d,%zu", r->ranks, r->threads, r->t.n);
    csv_put_number(out, r->t.median);
}

static void put_row(FILE *out, const struct split_row *s)
{
    const struct summary_row *k = s->key;
    fprintf(out, "%d", SPLITS_SCHEMA);
    const char *keys[] = {k->run_id, k->workload, k->variant, k->schedule, k->bind,
                          k->places, k->size};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        csv_put_text(out, keys[i], false);
    fprintf(out, ",%d,%d,%d", s->cores, s->splits, s->cells);
    put_cell(out, s->best);
    csv_put_number(out, s->best != NULL ? s->best->speedup : NAN);
    csv_put_number(out, s->best != NULL ? s->best->efficiency : NAN);
    put_cell(out, s->runner);
    csv_put_number(out, s->ratio);
    csv_put_number(out, s->ci_low);
    csv_put_number(out, s->ci_high);
    csv_put_number(out, s->p_value);
    csv_put_text(out, isnan(s->p_value) ? ""
                      : s->method == RANKTEST_EXACT ? "exact" : "asymptotic", false);
    csv_put_number(out, SPLITS_ALPHA);
    csv_put_text(out, splits_verdict_name(s->verdict), false);
    csv_put_text(out, s->splits == s->cells ? "true" : "false", false);
    csv_put_text(out, s->all, false);
    csv_put_text(out, s->note, false);
    fputc('\n', out);
}

int splits_write(const char *dir, const struct splits_table *t, errmsg_t *err)
{
    if (t->n == 0)
        return STATUS_OK;
    struct output_table tab;
    int rc = output_table_open(&tab, dir, SPLITS_FILE, err);
    if (rc != STATUS_OK)
        return rc;
    fprintf(tab.out, "%s\n", HEADER);
    for (size_t i = 0; i < t->n; i++)
        put_row(tab.out, &t->rows[i]);
    return output_commit(tab.out, tab.tmp, tab.path, err);
}
