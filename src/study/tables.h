/* tables: summaries computed from runs files as their rows stream by, so
 * that memory grows with the groups and their values, not with the files:
 * the whole history (summary.csv), one run's own table, and the pooled
 * files of `ompsweep summarize`. */
#ifndef OMPSWEEP_STUDY_TABLES_H
#define OMPSWEEP_STUDY_TABLES_H

#include <stddef.h>

#include "base/status.h"
#include "study/models_table.h"
#include "study/stats.h"

/* What a study shows after its sweep. */
struct tables_study {
    struct summary_row *all;  /* every run of the file, by run id */
    size_t nall;
    struct summary_row *own;  /* the rows of run_id alone */
    size_t nown;
    struct summary_acc *all_runs;   /* the run times of `all`, for
                                       models_table_write_fitting */
    struct models_table own_models; /* the models of each block of `own` */
    int mismatches; /* runs of run_id that failed their check, or whose
                       checksum differs from the first of their workload and
                       size: every schedule, binding, partition and strategy
                       must compute the same result */
};

/* Read `runs_path` once and fill *t (free with tables_study_free). Errors
 * as csv_runs_each, STATUS_NOMEM. */
int tables_study(const char *runs_path, const char *run_id, struct tables_study *t,
                 errmsg_t *err);

void tables_study_free(struct tables_study *t);

/* The rows of every file pooled and grouped without run id, so that
 * 1-thread and N-thread rows of separate jobs make one speedup table, and
 * (unless `models` is NULL) their scaling models. Caller frees *out and
 * models_table_free(models), also after an error. */
int tables_pool(char *const *paths, int npaths, struct summary_row **out,
                size_t *count, struct models_table *models, errmsg_t *err);

#endif
