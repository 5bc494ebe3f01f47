/* cells: which rows of runs files count. A cell is one timed run's place in
 * a study: (run id, workload, variant, schedule, bind, places, size, ranks,
 * threads, repeat). A run that did not complete (status failed or timeout,
 * see enum run_status) is superseded once a run of the same cell completed
 * (--resume measured it again): it then stays in runs.csv for the record
 * but is left out of statistics and verification. Until then it keeps its
 * group unverified, and its time never enters any statistic. A cell that
 * completed more than once is a duplicate (a runs file, or a copy of it,
 * pooled twice). */
#ifndef OMPSWEEP_STUDY_ANALYZE_CELLS_H
#define OMPSWEEP_STUDY_ANALYZE_CELLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "study/record/csv.h"

/* The cells seen so far: a 64-bit hash per completed run (8 bytes a row)
 * and a copy of every run that did not complete (rare). */
struct cells {
    uint64_t *done;
    size_t ndone, cap_done;
    struct run_row *unfinished;
    size_t nunfinished, cap_unfinished;
};

/* Note one row. *now is true for a completed run, which counts at once;
 * a run that did not complete is kept (*now false) until cells_finish
 * tells whether its cell completed later. STATUS_OK or STATUS_NOMEM. */
int cells_add(struct cells *c, const struct run_row *row, bool *now, errmsg_t *err);

/* After the last row: *duplicates (if not NULL) = completed runs whose
 * cell had completed before. Then cells_superseded may be asked. Sorts
 * the hashes (n log n) only when there is something to ask. */
void cells_finish(struct cells *c, size_t *duplicates);

/* Whether the kept run `row` (not completed) has a completed run of its
 * cell, after cells_finish. */
bool cells_superseded(const struct cells *c, const struct run_row *row);

void cells_free(struct cells *c);

/* The same for rows in memory: drop the superseded runs from rows[0..*n),
 * keeping the order of the others. STATUS_OK or STATUS_NOMEM. */
int cells_filter(struct run_row *rows, size_t *n, errmsg_t *err);

#endif
