/* metrics: the numbers a run reports besides its time (exec's --metric:
 * STREAM's four bandwidths, XSBench's lookups/s, LULESH's FOM).
 *
 * metrics.csv, schema 1, beside runs.csv: long form, one row per verified
 * timed run and metric, appended with one write(2) per run under the
 * file's lock like runs.csv:
 *   run_id,host,workload,variant,schedule,bind,places,size,ranks,threads,
 *   repeat,metric,better,value
 * (`better`: higher or lower). metrics_summary.csv, rewritten atomically
 * after every study: per block and metric the median, its 95% interval,
 * min, max, mean, stddev, cv, and the metric's speedup against the block's
 * 1-thread median (higher is better: M_p / M_1; lower: M_1 / M_p) with its
 * efficiency speedup / p. */
#ifndef OMPSWEEP_STUDY_ANALYZE_METRICS_H
#define OMPSWEEP_STUDY_ANALYZE_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "base/status.h"
#include "study/record/csv.h"
#include "study/analyze/stats.h"

#define METRICS_FILE "metrics.csv"
#define METRICS_SUMMARY_FILE "metrics_summary.csv"

/* One number a run reported besides its time (exec's --metric). */
struct metric_value {
    const char *name;
    double value;
    bool lower_better; /* a time, not a rate */
};


/* Open DIR's metrics.csv for appending (created with its header; another
 * header is refused), as csv_append_open. */
int metrics_open(struct runs_file *f, const char *path, errmsg_t *err);

/* The metrics of the run `row` as one write. */
int metrics_append(struct runs_file *f, const struct run_row *row,
                   const struct metric_value *m, int n, errmsg_t *err);

/* One row of metrics_summary.csv: the block's keys and statistics in s
 * (its t, speedup and efficiency), the metric and its direction, and the
 * values themselves (sorted; owned by the accumulator). */
struct metric_summary {
    struct summary_row s;
    char metric[CSV_KEY_MAX];
    bool lower_better;
    const double *values;
};

/* Metric rows grouped into summaries as they stream by. */
struct metrics_acc;

/* by_run: keep run ids apart (a study's table), else pool them
 * (summarize). STATUS_OK or STATUS_NOMEM. */
int metrics_acc_new(struct metrics_acc **acc, bool by_run, errmsg_t *err);

/* Add every row of a metrics.csv; with tag_host the host replaces the
 * run id as the grouping key when by_run (compare --by host). Only rows
 * of run `only_run` when it is not NULL. Errors as csv_records_each. */
int metrics_acc_file(struct metrics_acc *acc, const char *path, const char *only_run,
                     bool tag_host, errmsg_t *err);

/* The summaries, sorted by block, metric, then cores (valid until the
 * accumulator is freed). */
int metrics_acc_finish(struct metrics_acc *acc, const struct metric_summary **out,
                       size_t *count, errmsg_t *err);

void metrics_acc_free(struct metrics_acc *acc);

/* The metrics.csv in the directory of the runs file `runs_path` (in
 * `runs_path` itself when it is a directory). */
void metrics_path_beside(const char *runs_path, char *buf, size_t cap);

/* Write metrics_summary.csv atomically. */
int metrics_summary_write(const char *path, const struct metric_summary *rows, size_t n,
                          errmsg_t *err);

/* The table on `out`: one section per block and metric. */
void metrics_report(FILE *out, const struct metric_summary *rows, size_t n);

/* The order of metrics_acc_finish's rows (a total order on their keys). */
int metrics_cmp(const struct metric_summary *a, const struct metric_summary *b);

/* True when two summaries are one block of one metric (all but threads). */
bool metrics_same_block(const struct metric_summary *a, const struct metric_summary *b);

#endif
