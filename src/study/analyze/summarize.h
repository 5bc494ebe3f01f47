/* summarize: `ompsweep summarize RUNS.csv|DIR... [-o DIR]`. The rows of
 * every runs file, pooled and grouped without run_id, so that 1-thread and
 * N-thread rows from separate jobs combine into one speedup table: the
 * report on stdout (summary, models, splits, metrics) and, with an output
 * directory, summary.csv, models.csv, model_curves.csv, splits.csv and
 * metrics_summary.csv there. */
#ifndef OMPSWEEP_STUDY_ANALYZE_SUMMARIZE_H
#define OMPSWEEP_STUDY_ANALYZE_SUMMARIZE_H

#include "base/status.h"

/* output_dir: NULL when -o was not given (nothing written). */
int summarize_main(char **inputs, int ninputs, const char *output_dir, errmsg_t *err);

#endif
