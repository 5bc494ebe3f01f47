/* summary: groups timed runs into summary rows and derives speedup,
 * efficiency, the Karp-Flatt fraction and Amdahl's f against the 1-thread
 * median of the same block (fractions outside [0, 1] stay empty). */
#ifndef OMPSWEEP_STUDY_ANALYZE_SUMMARY_H
#define OMPSWEEP_STUDY_ANALYZE_SUMMARY_H

#include <stdbool.h>
#include <stddef.h>

#include "study/record/csv.h"
#include "study/analyze/stats.h"
#include "base/status.h"

/* Variants measured under --scaling weak end with this suffix. */
#define SUMMARY_WEAK_SUFFIX "+weak"

enum { SUMMARY_MAX_FIT = 512 }; /* thread counts used by the Amdahl fit */

/* True for a weak-scaling variant ("rows+weak"). */
bool summary_is_weak(const char *variant);

/* Build one summary row per (run_id, workload, variant, schedule, size,
 * threads) group, or without run_id when `by_run` is false (to merge files
 * from separate jobs). Rows come out sorted by block, then threads. Strong
 * scaling: speedup = T1 / Tp, efficiency = speedup / p, Karp-Flatt (NAN
 * outside [0, 1]) and Amdahl's f fitted to the block's speedups within
 * [0, 1] (NAN when they fall below 1: slower with threads). Weak scaling (a variant with
 * SUMMARY_WEAK_SUFFIX; one block spans the sizes): efficiency = T(1, n) /
 * T(p, p n), speedup = p x efficiency (scaled speedup), no Karp-Flatt or
 * Amdahl. Caller frees *out. Returns STATUS_OK or STATUS_NOMEM. */
int summary_build(const struct run_row *runs, size_t n, bool by_run,
                  struct summary_row **out, size_t *count, errmsg_t *err);

/* A summary built as rows stream by (summary_build's grouping and
 * metrics), holding per group one key row and the run times: memory grows
 * with the groups and values, not with the runs files. */
struct summary_acc;

int summary_acc_new(struct summary_acc **acc, bool by_run, errmsg_t *err);

/* Add one timed run to its group; the group stays verified while every
 * run is verified and has the checksum of its first run. A run that did
 * not complete (status, see csv.h) adds no time and leaves the group
 * unverified: pass it only when no run of its cell completed (cells.h). A
 * group without a completed run has n = 0 and empty statistics. STATUS_OK
 * or STATUS_NOMEM. */
int summary_acc_add(struct summary_acc *acc, const struct run_row *row, errmsg_t *err);

/* The summary rows, as summary_build gives them (caller frees *out). */
int summary_acc_finish(struct summary_acc *acc, struct summary_row **out,
                       size_t *count, errmsg_t *err);

/* The run times of row `row` of the last summary_acc_finish, ascending
 * (the values its statistics came from); valid until the next finish or
 * summary_acc_free. */
const double *summary_acc_times(const struct summary_acc *acc, size_t row, size_t *n);

void summary_acc_free(struct summary_acc *acc);

/* True when two summary rows belong to the same block (all keys but
 * threads). */
bool summary_same_block(const struct summary_row *a, const struct summary_row *b);

/* Write summary rows to `path` (summary.csv) atomically (temporary file,
 * then rename): readers never see a partial table and a failure keeps the
 * old one. */
int summary_write(const char *path, const struct summary_row *rows, size_t count,
                  errmsg_t *err);

#endif
