/* models_table: the scaling models of every block of a summary (the rows
 * summary_same_block groups), fitted to the run times the summary was
 * computed from; the words that explain a missing or limited fit; and the
 * tables models.csv and model_curves.csv (docs/output.md, docs/models.md). */
#ifndef OMPSWEEP_STUDY_ANALYZE_MODELS_TABLE_H
#define OMPSWEEP_STUDY_ANALYZE_MODELS_TABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/status.h"
#include "study/analyze/models.h"
#include "study/analyze/stats.h"
#include "study/analyze/summary.h"

/* The layout of models.csv and model_curves.csv, in their schema column. */
enum { MODELS_TABLE_SCHEMA = 1, MODELS_NOTE_MAX = 512 };

/* Every block's bootstrap draws from rng_stream(MODELS_TABLE_SEED, hash of
 * the block's key without the run id): a block has the same intervals in a
 * study's table, on its stdout and in a summarize of its runs file. */
#define MODELS_TABLE_SEED 0x6d6f64656c73ULL

/* One block of a summary and its fits. */
struct models_entry {
    struct summary_row key; /* the block's first row: its key columns */
    size_t first, count;    /* the block's rows in the summary */
    bool verified;          /* every row of the block verified */
    struct models_block fit;
};

struct models_table {
    struct models_entry *blocks; /* in the summary's block order */
    size_t n;
};

/* Fit every block of rows[0..n), the rows summary_acc_finish gave `acc`
 * last (their run times come from it). *out is freed with
 * models_table_free, also after an error. STATUS_OK or STATUS_NOMEM. */
int models_table_build(const struct summary_acc *acc, const struct summary_row *rows,
                       size_t n, struct models_table *out, errmsg_t *err);

void models_table_free(struct models_table *t);

/* Why a fit is missing or limited, in words ("slower with more threads
 * (speedup 0.93 at 2 cores): no serial fraction"), notes joined by "; ";
 * "" when there is nothing to say. */
void models_table_note(const struct models_entry *e, const struct models_fit *f,
                       char *buf, size_t cap);

/* DIR/models.csv (one row per block and law) and DIR/model_curves.csv
 * (the fitted curves with their bands), each written to a temporary file
 * and renamed, so a reader or a crash sees the old table or the new one.
 * STATUS_IO naming the file. */
int models_table_write(const char *dir, const struct models_table *t, errmsg_t *err);

/* The same for every block of rows[0..n) (the rows summary_acc_finish gave
 * `acc` last), fitted and written one block at a time: memory does not
 * grow with the blocks of a long runs.csv. STATUS_IO, STATUS_NOMEM. */
int models_table_write_fitting(const char *dir, const struct summary_acc *acc,
                               const struct summary_row *rows, size_t n, errmsg_t *err);

#endif
