/* compare: see compare.h. Each side's runs are grouped as summarize groups
 * them (summary_build, with the host or run id standing in for the run id
 * under --by), so medians and efficiencies agree with summary.csv; the raw
 * times of each group feed the rank test and the interval. */
#include "study/analyze/compare.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "study/analyze/compare_input.h"
#include "study/analyze/compare_metrics.h"
#include "study/analyze/compare_report.h"
#include "study/analyze/summary.h"
#include "study/record/warnings.h"

static const double CI_LEVEL = 0.95;
enum { TEST_MIN_N = 2 }; /* fewer values per side: no test */

/* One block of one side: its summary row and its raw times. */
struct block {
    const struct summary_row *s;
    double *t;          /* n run times */
    size_t n;
    uint64_t checksum;  /* of the first run */
    bool mixed;         /* its runs disagree on the checksum */
};

struct side_blocks {
    struct summary_row *sum;
    struct block *b;
    double *times;
    size_t n;
};

/* The matching key; tag is the host or run id under --by, else "". */
struct key {
    const char *workload, *variant, *schedule, *bind, *places, *size, *tag;
    int ranks, threads;
};

static struct key run_key(const struct run_row *r)
{
    return (struct key){r->workload, r->variant, r->schedule, r->bind, r->places,
                        r->size, r->run_id, r->ranks, r->threads};
}

static struct key summary_key(const struct summary_row *s)
{
    return (struct key){s->workload, s->variant, s->schedule, s->bind, s->places,
                        s->size, s->run_id, s->ranks, s->threads};
}

static int int_cmp(int a, int b) { return (a > b) - (a < b); }

static int key_cmp(const struct key *a, const struct key *b)
{
    int c = strcmp(a->workload, b->workload);
    if (c == 0) c = strcmp(a->variant, b->variant);
    if (c == 0) c = strcmp(a->schedule, b->schedule);
    if (c == 0) c = strcmp(a->bind, b->bind);
    if (c == 0) c = strcmp(a->places, b->places);
    if (c == 0) c = strcmp(a->size, b->size);
    if (c == 0) c = strcmp(a->tag, b->tag);
    if (c == 0) c = int_cmp(a->ranks, b->ranks);
    if (c == 0) c = int_cmp(a->threads, b->threads);
    return c;
}

static int run_cmp(const void *pa, const void *pb)
{
    struct key a = run_key(pa), b = run_key(pb);
    return key_cmp(&a, &b);
}

static int summary_cmp(const void *pa, const void *pb)
{
    struct key a = summary_key(pa), b = summary_key(pb);
    return key_cmp(&a, &b);
}

/* The run id column carries what --by keeps apart (nothing by default). */
static void tag_rows(struct compare_side *s, enum compare_by by)
{
    for (size_t i = 0; i < s->n; i++) {
        struct run_row *r = &s->rows[i];
        if (by == COMPARE_BY_HOST)
            snprintf(r->run_id, sizeof r->run_id, "%s", r->host);
        else if (by == COMPARE_BY_NONE)
            r->run_id[0] = '\0';
    }
}

/* Runs sorted by key: group g of them is summary row g (sorted alike). */
static void fill_blocks(const struct compare_side *s, struct side_blocks *sb)
{
    size_t g = 0;
    for (size_t i = 0; i < s->n; g++) {
        size_t j = i + 1;
        while (j < s->n && run_cmp(&s->rows[i], &s->rows[j]) == 0)
            j++;
        struct block *b = &sb->b[g];
        *b = (struct block){&sb->sum[g], sb->times + i, 0, 0, false};
        for (size_t k = i; k < j; k++) {
            if (s->rows[k].status != RUN_STATUS_OK)
                continue; /* a run that did not complete was not timed */
            if (b->n == 0)
                b->checksum = s->rows[k].checksum;
            b->t[b->n++] = s->rows[k].seconds;
            b->mixed = b->mixed || s->rows[k].checksum != b->checksum;
        }
        i = j;
    }
}

static int build_side(struct compare_side *s, enum compare_by by, struct side_blocks *sb,
                      errmsg_t *err)
{
    memset(sb, 0, sizeof *sb);
    tag_rows(s, by);
    qsort(s->rows, s->n, sizeof *s->rows, run_cmp);
    int rc = summary_build(s->rows, s->n, true, &sb->sum, &sb->n, err);
    if (rc != STATUS_OK)
        return rc;
    qsort(sb->sum, sb->n, sizeof *sb->sum, summary_cmp);
    sb->b = calloc(sb->n ? sb->n : 1, sizeof *sb->b);
    sb->times = malloc((s->n ? s->n : 1) * sizeof *sb->times);
    if (sb->b == NULL || sb->times == NULL)
        return errmsg_set(err, STATUS_NOMEM, "compare: out of memory");
    fill_blocks(s, sb);
    return STATUS_OK;
}

static void free_side(struct side_blocks *sb)
{
    free(sb->sum), free(sb->b), free(sb->times);
}

static void add_note(struct compare_row *r, const char *text)
{
    size_t used = strlen(r->note);
    snprintf(r->note + used, sizeof r->note - used, "%s%s", used ? "; " : "", text);
}

/* The 95% interval of the ratio: exp of the Hodges-Lehmann interval of the
 * shift of log-times. */
static int ratio_interval(const struct block *a, const struct block *b,
                          struct compare_row *r, errmsg_t *err)
{
    return ranktest_ratio_ci(a->t, a->n, b->t, b->n, CI_LEVEL, &r->ci_low, &r->ci_high, err);
}

static enum compare_verdict verdict_of(const struct compare_row *r,
                                       const struct compare_options *opt)
{
    if (isnan(r->p_value) || isnan(r->ratio) || r->p_value >= opt->alpha ||
        fabs(r->ratio - 1.0) < opt->threshold)
        return VERDICT_SAME;
    return r->ratio > 1.0 ? VERDICT_SLOWER : VERDICT_FASTER;
}

static int compare_block(const struct block *a, const struct block *b,
                         const struct compare_options *opt, struct compare_row *r,
                         errmsg_t *err)
{
    *r = (struct compare_row){a->s, b->s, NAN, NAN, NAN, NAN, RANKTEST_AUTO,
                              VERDICT_SAME, false, ""};
    if (a->s->t.median > 0.0)
        r->ratio = b->s->t.median / a->s->t.median;
    r->checksums_differ = a->mixed || b->mixed ||
                          (a->n > 0 && b->n > 0 && a->checksum != b->checksum);
    if (r->checksums_differ)
        add_note(r, "checksums differ");
    int rc = STATUS_OK;
    if (a->n == 0 || b->n == 0) {
        add_note(r, "no run completed: no test");
    } else if (a->n < TEST_MIN_N || b->n < TEST_MIN_N) {
        add_note(r, "n=1: no test");
    } else {
        struct ranktest_result t;
        rc = ranktest_mann_whitney(a->t, a->n, b->t, b->n, RANKTEST_AUTO, &t, err);
        r->p_value = t.p;
        r->method = t.method;
    }
    if (a->n < STATS_CI_MIN_N || b->n < STATS_CI_MIN_N)
        add_note(r, "fewer than 6 values: no CI");
    else if (rc == STATUS_OK)
        rc = ratio_interval(a, b, r, err);
    r->verdict = verdict_of(r, opt);
    return rc;
}

static struct compare_row lone_row(const struct summary_row *s, bool base)
{
    return (struct compare_row){base ? s : NULL, base ? NULL : s, NAN, NAN, NAN, NAN,
                                RANKTEST_AUTO, base ? VERDICT_ONLY_BASE : VERDICT_ONLY_NEW,
                                false, ""};
}

/* Merge the two sorted block lists: matched blocks and each side's own. */
static int match(const struct side_blocks *a, const struct side_blocks *b,
                 const struct compare_options *opt, struct compare_row *rows,
                 size_t *n, errmsg_t *err)
{
    size_t i = 0, j = 0, m = 0;
    int rc = STATUS_OK;
    while ((i < a->n || j < b->n) && rc == STATUS_OK) {
        int c = i == a->n ? 1 : j == b->n ? -1 : summary_cmp(a->b[i].s, b->b[j].s);
        if (c < 0)
            rows[m++] = lone_row(a->b[i++].s, true);
        else if (c > 0)
            rows[m++] = lone_row(b->b[j++].s, false);
        else
            rc = compare_block(&a->b[i++], &b->b[j++], opt, &rows[m++], err);
    }
    *n = m;
    return rc;
}

static void geomean(const struct compare_row *rows, size_t n, struct compare_geomean *g)
{
    double lb = 0.0, ln = 0.0;
    *g = (struct compare_geomean){0, 0, 0, 0, NAN, NAN, NAN};
    for (size_t i = 0; i < n; i++) {
        const struct compare_row *r = &rows[i];
        if (r->base == NULL || r->next == NULL || !(r->base->t.median > 0.0) ||
            !(r->next->t.median > 0.0))
            continue;
        g->blocks++;
        g->faster += r->verdict == VERDICT_FASTER;
        g->slower += r->verdict == VERDICT_SLOWER;
        g->same += r->verdict == VERDICT_SAME;
        lb += log(r->base->t.median);
        ln += log(r->next->t.median);
    }
    if (g->blocks > 0) {
        g->median_base = exp(lb / g->blocks);
        g->median_new = exp(ln / g->blocks);
        g->ratio = g->median_new / g->median_base;
    }
}

static void row_warnings(struct warnings *w, const struct compare_row *rows, size_t n)
{
    char text[4 * WARNING_TEXT];
    int small = 0, matched = 0;
    for (size_t i = 0; i < n; i++) {
        const struct compare_row *r = &rows[i];
        if (r->base == NULL || r->next == NULL)
            continue;
        matched++;
        if (r->checksums_differ) {
            compare_label(r->base, text, sizeof text);
            warnings_add(w, "%.160s: checksums differ between BASE and NEW: they "
                         "computed different results", text);
        }
        small += r->base->t.n < STATS_CI_MIN_N || r->next->t.n < STATS_CI_MIN_N;
    }
    if (small > 0)
        warnings_add(w, "%d block(s) with fewer than %d values on a side: no "
                     "confidence interval of the ratio", small, STATS_CI_MIN_N);
}

/* Nothing matched: a comparison of nothing would pass a CI job silently.
 * The message shows a block of each side, so that the difference shows. */
static int unmatched(const struct side_blocks *a, const struct side_blocks *b,
                     const struct compare_options *opt, errmsg_t *err)
{
    char la[4 * WARNING_TEXT] = "none", lb[4 * WARNING_TEXT] = "none";
    if (a->n > 0)
        compare_label(a->b[0].s, la, sizeof la);
    if (b->n > 0)
        compare_label(b->b[0].s, lb, sizeof lb);
    return errmsg_set(err, STATUS_USAGE, "compare: no block is in both BASE and NEW "
                      "(BASE: %s; NEW: %s): blocks match on workload, variant, schedule, "
                      "bind, places, size, ranks and threads%s; give both studies the "
                      "same --name and --size", la, lb,
                      opt->by == COMPARE_BY_HOST ? " and host (--by host)"
                      : opt->by == COMPARE_BY_RUN_ID ? " and run id (--by run_id)" : "");
}

static bool any_matched(const struct compare_row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (rows[i].base != NULL && rows[i].next != NULL)
            return true;
    return false;
}

static void fact_warnings(struct warnings *w, const struct compare_side *a,
                          const struct compare_side *b)
{
    for (int i = 0; i < COMPARE_FACTS; i++)
        if (a->facts[i][0] != '\0' && b->facts[i][0] != '\0' &&
            strcmp(a->facts[i], b->facts[i]) != 0)
            warnings_add(w, "metadata.json: %s differs: BASE '%.90s', NEW '%.90s'",
                         compare_fact_name(i), a->facts[i], b->facts[i]);
}

static int regressions(const struct compare_row *rows, size_t n,
                       const struct compare_options *opt, errmsg_t *err)
{
    int bad = 0;
    for (size_t i = 0; i < n; i++)
        bad += rows[i].verdict == VERDICT_SLOWER && rows[i].ratio - 1.0 > opt->fail_above;
    if (opt->fail_above < 0.0 || bad == 0)
        return STATUS_OK;
    return errmsg_set(err, STATUS_VERIFY, "compare: %d block(s) significantly slower "
                      "by more than %g%% (--fail-on-regression)", bad,
                      100.0 * opt->fail_above);
}

/* Both sides built: match, report, write. */
static int compare_sides(const struct compare_options *opt, const struct side_blocks *a,
                         const struct side_blocks *b, struct warnings *w, errmsg_t *err)
{
    struct compare_row *rows = calloc(a->n + b->n + 1, sizeof *rows);
    size_t n = 0;
    struct compare_geomean g;
    if (rows == NULL)
        return errmsg_set(err, STATUS_NOMEM, "compare: out of memory");
    int rc = match(a, b, opt, rows, &n, err);
    if (rc == STATUS_OK && !any_matched(rows, n))
        rc = unmatched(a, b, opt, err);
    if (rc == STATUS_OK) {
        geomean(rows, n, &g);
        if (opt->output_dir != NULL)
            rc = compare_write_csv(opt->output_dir, rows, n, &g, err);
    }
    if (rc == STATUS_OK) {
        compare_report(stdout, rows, n, &g);
        fflush(stdout);
        row_warnings(w, rows, n);
        rc = regressions(rows, n, opt, err);
    }
    free(rows);
    return rc;
}

int compare_main(const struct compare_options *opt, errmsg_t *err)
{
    struct compare_side a, b;
    struct side_blocks sa = {0}, sb = {0};
    struct warnings *w = malloc(sizeof *w);
    if (w == NULL)
        return errmsg_set(err, STATUS_NOMEM, "compare: out of memory");
    warnings_init(w);
    int rc = compare_side_load(&a, "BASE", opt->base, err);
    if (rc == STATUS_OK && (rc = compare_side_load(&b, "NEW", opt->next, err)) != STATUS_OK)
        compare_side_free(&a);
    if (rc != STATUS_OK) {
        free(w);
        return rc;
    }
    rc = build_side(&a, opt->by, &sa, err);
    if (rc == STATUS_OK)
        rc = build_side(&b, opt->by, &sb, err);
    if (rc == STATUS_OK)
        rc = compare_sides(opt, &sa, &sb, w, err);
    if (rc == STATUS_OK || rc == STATUS_VERIFY) /* not when nothing matched */
        fact_warnings(w, &a, &b);
    if (rc == STATUS_OK || rc == STATUS_VERIFY) { /* the times' regressions first */
        errmsg_t merr;
        int mrc = compare_metrics(opt, &a, &b, &merr);
        if (mrc != STATUS_OK && (rc == STATUS_OK || mrc != STATUS_VERIFY)) {
            rc = mrc;
            *err = merr;
        }
    }
    free_side(&sa), free_side(&sb);
    compare_side_free(&a), compare_side_free(&b);
    free(w);
    return rc;
}
