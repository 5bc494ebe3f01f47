/* report: see report.h. */
#include "study/analyze/report.h"

#include <math.h>
#include <string.h>

#include "study/analyze/summary.h"

enum { VALUE_TEXT = 96 };

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
    report_number(out, v, width, precision, 'f');
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

static void row_line(FILE *out, const struct summary_row *r)
{
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

/* "0.0498 [0.0471, 0.0527]", or the estimate alone without an interval. */
static const char *value_text(char *buf, const struct models_value *v)
{
    if (isnan(v->low))
        snprintf(buf, VALUE_TEXT, "%.3g", v->est);
    else
        snprintf(buf, VALUE_TEXT, "%.3g [%.3g, %.3g]", v->est, v->low, v->high);
    return buf;
}

/* Karp-Flatt cells left empty, in words: the fraction is outside [0, 1]
 * where the speedup is below 1 or above the core count. */
static void karp_flatt_words(FILE *out, const struct summary_row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const struct summary_row *r = &rows[i];
        int p = r->ranks * r->threads;
        if (p <= 1 || summary_is_weak(r->variant) || isnan(r->speedup) ||
            !isnan(r->karp_flatt))
            continue;
        fprintf(out, "  karp-flatt at %d cores left empty: %s (speedup %.2f)\n", p,
                r->speedup < 1.0 ? "slower than 1 thread" : "faster than linear",
                r->speedup);
    }
}

/* The USL's peak; without one (kappa 0) where the speedup levels off. */
static void peak_line(FILE *out, const struct models_fit *f)
{
    char a[VALUE_TEXT], b[VALUE_TEXT];
    if (isfinite(f->peak_cores.est)) {
        fprintf(out, "  %-10s peak at %s cores, speedup %s\n", "",
                value_text(a, &f->peak_cores), value_text(b, &f->peak_speedup));
        return;
    }
    fprintf(out, "  %-10s no peak (kappa 0): the speedup levels off toward 1/sigma = %.3g",
            "", f->peak_speedup.est);
    if (isfinite(f->peak_cores.low))
        fprintf(out, "; a peak, if any, lies beyond %.3g cores", f->peak_cores.low);
    fputc('\n', out);
}

static void fit_line(FILE *out, const struct models_entry *e, const struct models_fit *f)
{
    char a[VALUE_TEXT], b[VALUE_TEXT], note[MODELS_NOTE_MAX];
    models_table_note(e, f, note, sizeof note);
    fprintf(out, "  %-10s", models_law_name(f->law));
    if (f->state != MODELS_FITTED) {
        fprintf(out, " %s\n", note);
        return;
    }
    if (f->law == MODELS_USL)
        fprintf(out, " sigma %s  kappa %s", value_text(a, &f->param[0]),
                value_text(b, &f->param[1]));
    else
        fprintf(out, " %s %s", f->law == MODELS_AMDAHL ? "f" : "alpha",
                value_text(a, &f->param[0]));
    fprintf(out, "  R^2 %.4g  AICc %.4g%s\n", f->r2, f->aicc,
            f->chosen ? "  <- AICc's choice" : "");
    fprintf(out, "  %-10s %s at", "", e->fit.weak ? "scaled speedup" : "speedup");
    for (int h = 0; h < MODELS_HORIZONS; h++)
        fprintf(out, "%s %g%s %s", h ? "," : "", f->horizon[h], h ? ":" : " cores",
                value_text(a, &f->speedup[h]));
    fputc('\n', out);
    if (f->law == MODELS_USL)
        peak_line(out, f);
    if (note[0] != '\0')
        fprintf(out, "  %-10s %s\n", "", note);
}

static void models_lines(FILE *out, const struct models_entry *e)
{
    const struct models_block *b = &e->fit;
    char note[MODELS_NOTE_MAX];
    /* One job of a batch loop measures one count: one line, and the way out. */
    if (b->nfits > 0 && (b->fit[0].state == MODELS_NO_BASELINE || b->counts <= 1)) {
        models_table_note(e, &b->fit[0], note, sizeof note);
        fprintf(out, "models: none: %s (ompsweep summarize pools the runs files of "
                "separate jobs)\n", note);
        return;
    }
    fprintf(out, "models fitted to the %s", b->weak ? "scaled speedups" : "speedups");
    if (b->replicates > 0)
        fprintf(out, " (95%% intervals from %d bootstrap replicates of the runs)",
                b->replicates);
    fprintf(out, ":\n");
    for (size_t l = 0; l < b->nfits; l++)
        fit_line(out, e, &b->fit[l]);
}

void report_table(FILE *out, const struct summary_row *rows, size_t n,
                  const struct models_table *models)
{
    size_t block = 0;
    for (size_t b = 0; b < n;) {
        size_t e = b + 1;
        while (e < n && summary_same_block(&rows[b], &rows[e]))
            e++;
        block_header(out, &rows[b]);
        for (size_t i = b; i < e; i++)
            row_line(out, &rows[i]);
        karp_flatt_words(out, rows + b, e - b);
        if (models != NULL && block < models->n && models->blocks[block].first == b)
            models_lines(out, &models->blocks[block]);
        block++;
        b = e;
    }
}
