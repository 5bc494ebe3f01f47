/* compare_metrics: see compare_metrics.h. */
#include "study/analyze/compare_metrics.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "study/record/csv.h"
#include "study/analyze/metrics.h"
#include "study/record/output.h"
#include "study/analyze/ranktest.h"
#include "study/analyze/report.h"

static const char HEADER[] =
    "workload,variant,schedule,bind,places,size,ranks,threads,group,metric,better,"
    "n_base,n_new,median_base,median_new,ratio,p_value,verdict";
enum { TEST_MIN_N = 2 };

enum metric_verdict { M_SAME, M_BETTER, M_WORSE };

/* One matched block and metric. */
struct metric_pair {
    const struct metric_summary *base, *next;
    double ratio, p;
    enum metric_verdict verdict;
};

static const char *verdict_name(enum metric_verdict v)
{
    static const char *const names[] = {"same", "better", "worse"};
    return names[v];
}

/* One side's metrics.csv files (beside its runs files) into acc; *found:
 * how many there were. */
static int load(struct metrics_acc *acc, const struct compare_side *s, enum compare_by by,
                int *found, errmsg_t *err)
{
    char path[OUTPUT_PATH_MAX];
    int rc = STATUS_OK;
    for (int i = 0; rc == STATUS_OK && i < s->nfiles; i++) {
        metrics_path_beside(s->paths[i], path, sizeof path);
        if (access(path, F_OK) == 0 && ++*found)
            rc = metrics_acc_file(acc, path, NULL, by == COMPARE_BY_HOST, err);
    }
    return rc;
}

static int judge(const struct compare_options *opt, struct metric_pair *m, errmsg_t *err)
{
    const struct metric_summary *a = m->base, *b = m->next;
    m->ratio = a->s.t.median != 0.0 ? b->s.t.median / a->s.t.median : NAN;
    m->p = NAN;
    m->verdict = M_SAME;
    if (a->s.t.n >= TEST_MIN_N && b->s.t.n >= TEST_MIN_N) {
        struct ranktest_result t;
        int rc = ranktest_mann_whitney(a->values, a->s.t.n, b->values, b->s.t.n,
                                       RANKTEST_AUTO, &t, err);
        if (rc != STATUS_OK)
            return rc;
        m->p = t.p;
    }
    if (isnan(m->p) || isnan(m->ratio) || m->p >= opt->alpha ||
        fabs(m->ratio - 1.0) < opt->threshold)
        return STATUS_OK;
    bool up = m->ratio > 1.0;
    m->verdict = up != a->lower_better ? M_BETTER : M_WORSE;
    return STATUS_OK;
}

/* Merge the two sorted lists: the pairs of matched rows. */
static int pair_up(const struct compare_options *opt, const struct metric_summary *a,
                   size_t na, const struct metric_summary *b, size_t nb,
                   struct metric_pair *pairs, size_t *n, errmsg_t *err)
{
    size_t i = 0, j = 0;
    *n = 0;
    while (i < na && j < nb) {
        int c = metrics_cmp(&a[i], &b[j]);
        if (c < 0) {
            i++;
        } else if (c > 0) {
            j++;
        } else {
            pairs[*n] = (struct metric_pair){&a[i++], &b[j++], NAN, NAN, M_SAME};
            int rc = judge(opt, &pairs[(*n)++], err);
            if (rc != STATUS_OK)
                return rc;
        }
    }
    return STATUS_OK;
}

static void report(FILE *out, const struct metric_pair *pairs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const struct metric_summary *a = pairs[i].base;
        const struct summary_row *s = &a->s;
        if (i == 0 || !metrics_same_block(pairs[i - 1].base, a)) {
            report_block_title(out, s);
            fprintf(out, "  size=%s  metric=%s (%s is better)%s%s\n", s->size, a->metric,
                    a->lower_better ? "lower" : "higher", s->run_id[0] ? "  " : "", s->run_id);
            fprintf(out, "%5s %7s %6s %5s %12s %12s %7s %9s %s\n", "ranks", "threads",
                    "n_base", "n_new", "median_base", "median_new", "ratio", "p_value",
                    "verdict");
        }
        fprintf(out, "%5d %7d %6zu %5zu", s->ranks, s->threads, s->t.n, pairs[i].next->s.t.n);
        report_number(out, s->t.median, 12, 6, 'g');
        report_number(out, pairs[i].next->s.t.median, 12, 6, 'g');
        report_number(out, pairs[i].ratio, 7, 3, 'f');
        report_number(out, pairs[i].p, 9, 2, 'g');
        fprintf(out, " %s%s\n", verdict_name(pairs[i].verdict),
                pairs[i].verdict != M_SAME ? " *" : "");
    }
}

static int write_csv(const char *dir, const struct metric_pair *pairs, size_t n,
                     errmsg_t *err)
{
    struct output_table t;
    int rc = output_table_open(&t, dir, "compare_metrics.csv", err);
    if (rc != STATUS_OK)
        return rc;
    FILE *out = t.out;
    fprintf(out, "%s\n", HEADER);
    for (size_t i = 0; i < n; i++) {
        const struct metric_summary *a = pairs[i].base, *b = pairs[i].next;
        const struct summary_row *s = &a->s;
        const char *const keys[] = {s->workload, s->variant, s->schedule, s->bind, s->places,
                                    s->size};
        for (size_t k = 0; k < sizeof keys / sizeof *keys; k++)
            csv_put_text(out, keys[k], k == 0);
        fprintf(out, ",%d,%d", s->ranks, s->threads);
        csv_put_text(out, s->run_id, false);
        csv_put_text(out, a->metric, false);
        fprintf(out, ",%s,%zu,%zu", a->lower_better ? "lower" : "higher", s->t.n, b->s.t.n);
        csv_put_number(out, s->t.median);
        csv_put_number(out, b->s.t.median);
        csv_put_number(out, pairs[i].ratio);
        csv_put_number(out, pairs[i].p);
        fprintf(out, ",%s\n", verdict_name(pairs[i].verdict));
    }
    return output_commit(out, t.tmp, t.path, err);
}

/* Worse by more than --fail-on-regression, in the metric's direction. */
static int regressions(const struct compare_options *opt, const struct metric_pair *pairs,
                       size_t n, errmsg_t *err)
{
    int bad = 0;
    for (size_t i = 0; opt->fail_above >= 0.0 && i < n; i++)
        bad += pairs[i].verdict == M_WORSE && fabs(pairs[i].ratio - 1.0) > opt->fail_above;
    if (bad == 0)
        return STATUS_OK;
    return errmsg_set(err, STATUS_VERIFY, "compare: %d metric(s) significantly worse by "
                      "more than %g%% (--fail-on-regression)", bad, 100.0 * opt->fail_above);
}

static int compare_loaded(const struct compare_options *opt, struct metrics_acc *aa,
                          struct metrics_acc *ab, errmsg_t *err)
{
    const struct metric_summary *ra, *rb;
    size_t na, nb, n = 0;
    int rc = metrics_acc_finish(aa, &ra, &na, err);
    if (rc == STATUS_OK)
        rc = metrics_acc_finish(ab, &rb, &nb, err);
    struct metric_pair *pairs = rc == STATUS_OK ? calloc(na + 1, sizeof *pairs) : NULL;
    if (rc == STATUS_OK && pairs == NULL)
        rc = errmsg_set(err, STATUS_NOMEM, "compare: out of memory");
    if (rc == STATUS_OK)
        rc = pair_up(opt, ra, na, rb, nb, pairs, &n, err);
    if (rc == STATUS_OK && n > 0) {
        fprintf(stdout, "\nmetrics (ratio = new / base; * = significant):\n");
        report(stdout, pairs, n);
        fflush(stdout);
        if (opt->output_dir != NULL)
            rc = write_csv(opt->output_dir, pairs, n, err);
    }
    if (rc == STATUS_OK)
        rc = regressions(opt, pairs, n, err);
    free(pairs);
    return rc;
}

int compare_metrics(const struct compare_options *opt, const struct compare_side *a,
                    const struct compare_side *b, errmsg_t *err)
{
    struct metrics_acc *aa = NULL, *ab = NULL;
    int found_a = 0, found_b = 0;
    bool by_run = opt->by != COMPARE_BY_NONE;
    int rc = metrics_acc_new(&aa, by_run, err);
    if (rc == STATUS_OK)
        rc = metrics_acc_new(&ab, by_run, err);
    if (rc == STATUS_OK)
        rc = load(aa, a, opt->by, &found_a, err);
    if (rc == STATUS_OK)
        rc = load(ab, b, opt->by, &found_b, err);
    if (rc == STATUS_OK && found_a > 0 && found_b > 0)
        rc = compare_loaded(opt, aa, ab, err);
    metrics_acc_free(aa);
    metrics_acc_free(ab);
    return rc;
}
