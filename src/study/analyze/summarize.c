/* summarize: `ompsweep summarize`; see summarize.h. */
#include "study/analyze/summarize.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "study/analyze/metrics.h"
#include "study/analyze/models_table.h"
#include "study/analyze/report.h"
#include "study/analyze/splits.h"
#include "study/analyze/summary.h"
#include "study/analyze/tables.h"
#include "study/record/output.h"
#include "study/record/warnings.h"

/* The metrics.csv beside each runs file, pooled like the runs: the table
 * on stdout, and metrics_summary.csv with -o. Runs files without one are
 * no error (built-in workloads have no metrics). */
static int summarize_metrics(char **inputs, int ninputs, const char *output_dir,
                             errmsg_t *err)
{
    struct metrics_acc *acc;
    const struct metric_summary *rows;
    size_t n;
    int found = 0;
    char path[OUTPUT_PATH_MAX];
    int rc = metrics_acc_new(&acc, false, err);
    for (int i = 0; rc == STATUS_OK && i < ninputs; i++) {
        metrics_path_beside(inputs[i], path, sizeof path);
        if (access(path, F_OK) == 0 && ++found)
            rc = metrics_acc_file(acc, path, NULL, false, err);
    }
    if (rc == STATUS_OK && found > 0 && (rc = metrics_acc_finish(acc, &rows, &n, err)) == STATUS_OK) {
        metrics_report(stdout, rows, n);
        if (output_dir != NULL &&
            (rc = output_path(path, sizeof path, output_dir, METRICS_SUMMARY_FILE,
                              err)) == STATUS_OK &&
            (rc = output_prepare(output_dir, err)) == STATUS_OK)
            rc = metrics_summary_write(path, rows, n, err);
    }
    metrics_acc_free(acc);
    return rc;
}

int summarize_main(char **inputs, int ninputs, const char *output_dir, errmsg_t *err)
{
    struct summary_row *sum = NULL;
    struct models_table models;
    struct splits_table splits = {0};
    size_t nsum = 0;
    char path[OUTPUT_PATH_MAX];
    struct warnings *w = malloc(sizeof *w);
    if (w == NULL)
        return errmsg_set(err, STATUS_NOMEM, "out of memory");
    warnings_init(w);
    int rc = tables_pool(inputs, ninputs, w, &sum, &nsum, &models, &splits, err);
    warnings_add_torn(w);
    free(w);
    if (rc == STATUS_OK) {
        report_table(stdout, sum, nsum, &models);
        splits_report(stdout, &splits);
    }
    if (rc == STATUS_OK)
        rc = summarize_metrics(inputs, ninputs, output_dir, err);
    if (rc == STATUS_OK && output_dir != NULL) {
        rc = output_path(path, sizeof path, output_dir, "summary.csv", err);
        if (rc == STATUS_OK)
            rc = output_prepare(output_dir, err);
        if (rc == STATUS_OK)
            rc = summary_write(path, sum, nsum, err);
        if (rc == STATUS_OK)
            rc = models_table_write(output_dir, &models, err);
        if (rc == STATUS_OK)
            rc = splits_write(output_dir, &splits, err);
    }
    models_table_free(&models);
    splits_free(&splits);
    free(sum);
    return rc;
}
