/* tables: summaries computed from runs files as their rows stream by, so
 * that memory grows with the groups and their values, not with the files:
 * the whole history (summary.csv), one run's own table, and the pooled
 * files of `ompsweep summarize`. Runs that did not complete count as
 * cells.h says: never timed, unverified until their cell is measured again. */
#ifndef OMPSWEEP_STUDY_ANALYZE_TABLES_H
#define OMPSWEEP_STUDY_ANALYZE_TABLES_H

#include <stddef.h>

#include "base/status.h"
#include "study/analyze/models_table.h"
#include "study/analyze/splits.h"
#include "study/analyze/stats.h"
#include "study/record/warnings.h"

/* What a study shows after its sweep. */
struct tables_study {
    struct summary_row *all;  /* every run of the file, by run id */
    size_t nall;
    struct summary_row *own;  /* the rows of run_id alone */
    size_t nown;
    struct summary_acc *all_runs;   /* the run times of `all`, for
                                       models_table_write_fitting */
    struct models_table own_models; /* the models of each block of `own` */
    struct splits_table own_splits; /* the best split per core count of `own` */
    int mismatches; /* runs of run_id that failed their check, or whose
                       checksum differs from the first of their workload and
                       size: every schedule, binding, partition and strategy
                       must compute the same result */
    int unfinished; /* runs of run_id that did not complete (status) and
                       whose cell no later run completed */
};

/* Read `runs_path` once and fill *t (free with tables_study_free). Errors
 * as csv_runs_each, STATUS_NOMEM. Build the splits of `all` (splits.csv)
 * with splits_build(t->all_runs, t->all, t->nall, ...). */
int tables_study(const char *runs_path, const char *run_id, struct tables_study *t,
                 errmsg_t *err);

void tables_study_free(struct tables_study *t);

/* The rows of every input pooled and grouped without run id, so that
 * 1-thread and N-thread rows of separate jobs make one speedup table.
 * An input is a runs file or a directory: its runs.csv, or when it has
 * none the runs.csv of each subdirectory (the task directories of an array
 * job), as compare reads them. A file given twice (by any path: the same
 * device and inode) is read once. Warnings (into w) for that, for a block
 * that pools runs of different configuration keys (the KEY of their run
 * ids: other options, seed or workloads, so perhaps another setup) and for
 * runs that appear more than once (a copy of a file given too). Caller
 * frees *out. Unless `models` is NULL, also the blocks' scaling models
 * (caller frees with models_table_free, also after an error), and unless
 * `splits` is NULL their best splits (splits_free; they point into *out).
 * Errors as csv_runs_each; STATUS_USAGE for a directory without a
 * runs.csv. */
int tables_pool(char *const *inputs, int ninputs, struct warnings *w,
                struct summary_row **out, size_t *count, struct models_table *models,
                struct splits_table *splits, errmsg_t *err);

#endif
