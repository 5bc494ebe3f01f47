/* compare_report: the table of `ompsweep compare` and compare.csv; see
 * compare_report.h. */
#include "study/analyze/compare_report.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "study/record/csv.h"
#include "study/record/output.h"
#include "study/analyze/report.h"
#include "study/analyze/summary.h"

static const char COMPARE_HEADER[] =
    "workload,variant,schedule,bind,places,size,ranks,threads,group,n_base,n_new,"
    "median_base,median_new,ratio,ratio_ci_low,ratio_ci_high,p_value,test,verdict,"
    "efficiency_base,efficiency_new,note";

/* The summary row of either side (a lone block has one). */
const char *compare_verdict_name(enum compare_verdict v)
{
    static const char *const names[] = {"same", "faster", "slower", "only-base", "only-new"};
    return names[v];
}

void compare_label(const struct summary_row *s, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s %s %s%s%s%s%s size=%s ranks=%d threads=%d%s%s", s->workload,
             s->variant, s->schedule[0] ? s->schedule : "-", s->bind[0] ? " bind=" : "", s->bind,
             s->places[0] ? " places=" : "", s->places, s->size, s->ranks, s->threads,
             s->run_id[0] ? " " : "", s->run_id);
}

static const struct summary_row *either(const struct compare_row *r)
{
    return r->base != NULL ? r->base : r->next;
}

static bool significant(const struct compare_row *r)
{
    return r->verdict == VERDICT_FASTER || r->verdict == VERDICT_SLOWER;
}

static bool same_section(const struct summary_row *a, const struct summary_row *b)
{
    return strcmp(a->workload, b->workload) == 0 && strcmp(a->variant, b->variant) == 0 &&
           strcmp(a->schedule, b->schedule) == 0 && strcmp(a->bind, b->bind) == 0 &&
           strcmp(a->places, b->places) == 0 && strcmp(a->size, b->size) == 0 &&
           strcmp(a->run_id, b->run_id) == 0;
}

static void section_header(FILE *out, const struct summary_row *s)
{
    report_block_title(out, s);
    fprintf(out, "  size=%s%s%s\n", s->size, s->run_id[0] ? "  " : "", s->run_id);
    fprintf(out, "%5s %7s %6s %5s %11s %11s %7s %7s %7s %9s %-8s %8s %7s\n", "ranks",
            "threads", "n_base", "n_new", "median_base", "median_new", "ratio", "ci_low",
            "ci_high", "p_value", " verdict", "eff_base", "eff_new");
}

static void matched_line(FILE *out, const struct compare_row *r)
{
    const struct summary_row *a = r->base, *b = r->next;
    fprintf(out, "%5d %7d %6zu %5zu", a->ranks, a->threads, a->t.n, b->t.n);
    report_number(out, a->t.median, 11, 6, 'f');
    report_number(out, b->t.median, 11, 6, 'f');
    report_number(out, r->ratio, 7, 3, 'f');
    report_number(out, r->ci_low, 7, 3, 'f');
    report_number(out, r->ci_high, 7, 3, 'f');
    report_number(out, r->p_value, 9, 2, 'g');
    fprintf(out, " %-6s %s", compare_verdict_name(r->verdict), significant(r) ? "*" : " ");
    report_number(out, a->efficiency, 8, 2, 'f');
    report_number(out, b->efficiency, 7, 2, 'f');
    fprintf(out, "%s%s\n", r->note[0] ? "  " : "", r->note);
}

static void lone_lines(FILE *out, const struct compare_row *rows, size_t n,
                       enum compare_verdict which, const char *title)
{
    char text[1024]; /* a label of the longest keys fits */
    bool first = true;
    for (size_t i = 0; i < n; i++) {
        if (rows[i].verdict != which)
            continue;
        if (first)
            fprintf(out, "\n%s:\n", title);
        first = false;
        const struct summary_row *s = either(&rows[i]);
        compare_label(s, text, sizeof text);
        fprintf(out, "  %s  (n=%zu, median %.6f s)\n", text, s->t.n, s->t.median);
    }
}

void compare_report(FILE *out, const struct compare_row *rows, size_t n,
                    const struct compare_geomean *g)
{
    const struct summary_row *prev = NULL;
    for (size_t i = 0; i < n; i++) {
        const struct compare_row *r = &rows[i];
        if (r->base == NULL || r->next == NULL)
            continue;
        if (prev == NULL || !same_section(prev, r->base))
            section_header(out, r->base);
        prev = r->base;
        matched_line(out, r);
    }
    lone_lines(out, rows, n, VERDICT_ONLY_BASE, "only in BASE");
    lone_lines(out, rows, n, VERDICT_ONLY_NEW, "only in NEW");
    if (g->blocks > 0)
        fprintf(out, "\ngeomean over %d matched blocks: median_base %.6f  median_new "
                "%.6f  ratio %.3f  (faster %d, slower %d, same %d; * = significant)\n",
                g->blocks, g->median_base, g->median_new, g->ratio, g->faster,
                g->slower, g->same);
}

/* CSV cells --------------------------------------------------------------- */

static void put_text(FILE *out, const char *text, bool first)
{
    char field[2 * STATS_PLACES_MAX + 3];
    if (csv_field(field, sizeof field, text) < 0)
        field[0] = '\0';
    fprintf(out, first ? "%s" : ",%s", field);
}

static void put_number(FILE *out, double v)
{
    if (isnan(v))
        fputs(",", out);
    else
        fprintf(out, ",%.9g", v);
}

static void put_row(FILE *out, const struct compare_row *r)
{
    const struct summary_row *s = either(r), *a = r->base, *b = r->next;
    const char *const keys[] = {s->workload, s->variant, s->schedule, s->bind, s->places,
                                s->size};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        put_text(out, keys[i], i == 0);
    fprintf(out, ",%d,%d", s->ranks, s->threads);
    put_text(out, s->run_id, false);
    fprintf(out, a ? ",%zu" : ",", a ? a->t.n : 0);
    fprintf(out, b ? ",%zu" : ",", b ? b->t.n : 0);
    put_number(out, a ? a->t.median : NAN);
    put_number(out, b ? b->t.median : NAN);
    const double v[] = {r->ratio, r->ci_low, r->ci_high, r->p_value};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        put_number(out, v[i]);
    fprintf(out, ",%s,%s", isnan(r->p_value) ? ""
                           : r->method == RANKTEST_EXACT ? "exact" : "asymptotic",
            compare_verdict_name(r->verdict));
    put_number(out, a ? a->efficiency : NAN);
    put_number(out, b ? b->efficiency : NAN);
    put_text(out, r->note, false);
    fputc('\n', out);
}

/* The geometric-mean row: workload "geomean", the other keys empty. */
static void put_geomean(FILE *out, const struct compare_geomean *g)
{
    fprintf(out, "geomean,,,,,,,,,,");
    put_number(out, g->median_base);
    put_number(out, g->median_new);
    put_number(out, g->ratio);
    fprintf(out, ",,,,,,,,%d matched blocks: faster %d slower %d same %d\n", g->blocks,
            g->faster, g->slower, g->same);
}

int compare_write_csv(const char *dir, const struct compare_row *rows, size_t n,
                      const struct compare_geomean *g, errmsg_t *err)
{
    struct output_table t;
    int rc = output_table_open(&t, dir, "compare.csv", err);
    if (rc != STATUS_OK)
        return rc;
    fprintf(t.out, "%s\n", COMPARE_HEADER);
    for (size_t i = 0; i < n; i++)
        put_row(t.out, &rows[i]);
    if (g->blocks > 0)
        put_geomean(t.out, g);
    return output_commit(t.out, t.tmp, t.path, err);
}
