/* report: see report.h. */
#include "study/report.h"

#include <math.h>
#include <string.h>

#include "study/summary.h"

void report_number(FILE *out, double v, int width, int digits, char conversion)
{
    if (isnan(v))
        fprintf(out, " %*s", width, "-");
    else if (conversion == 'g')
        fprintf(out, " %*.*g", width, digits, v);
    else
        fprintf(out, " %*.*f", width, digits, v);
}

/* A number in a fixed-width column, or "-" when undefined. */
static void cell(FILE *out, double v, int width, int precision)
{
    if (isnan(v))
        fprintf(out, " %*s", width, "-");
    else
        fprintf(out, " %*.*f", width, precision, v);
}

void report_block_title(FILE *out, const struct summary_row *r)
{
    /* an empty schedule: the runtime's default (exec without --schedule) */
    fprintf(out, "\n%s  variant=%s  schedule=%s", r->workload, r->variant,
            r->schedule[0] ? r->schedule : "-");
    if (r->bind[0] != '\0')
        fprintf(out, "  bind=%s", r->bind);
    if (r->places[0] != '\0')
        fprintf(out, "  places=%s", r->places);
}

static void block_header(FILE *out, const struct summary_row *r)
{
    bool weak = summary_is_weak(r->variant);
    report_block_title(out, r);
    fprintf(out, "  size=%s%s%s\n", weak ? "grows with threads" : r->size,
            r->run_id[0] ? "  run=" : "", r->run_id);
    fprintf(out, "%5s %7s %10s %10s %10s %10s %10s %8s %10s %8s\n", "ranks", "threads",
            "median_s", "ci_low", "ci_high", "min_s", "max_s", "speedup",
            "efficiency", "verified");
}

void report_table(FILE *out, const struct summary_row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const struct summary_row *r = &rows[i];
        if (i == 0 || !summary_same_block(&rows[i - 1], r))
            block_header(out, r);
        fprintf(out, "%5d %7d", r->ranks, r->threads);
        cell(out, r->t.median, 10, 6);
        cell(out, r->t.ci_low, 10, 6);
        cell(out, r->t.ci_high, 10, 6);
        cell(out, r->t.min, 10, 6);
        cell(out, r->t.max, 10, 6);
        cell(out, r->speedup, 8, 2);
        cell(out, r->efficiency, 10, 2);
        fprintf(out, " %8s", r->verified ? "yes" : "NO");
        if (summary_is_weak(r->variant))
            fprintf(out, "  %s", r->size);
        fputc('\n', out);
    }
}
