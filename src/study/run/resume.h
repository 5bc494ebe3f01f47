/* resume: what an earlier, interrupted invocation with the same
 * configuration already measured. Run ids end in "-KEY" (config_key), so the
 * runs file alone tells which rows belong to the same configuration, even
 * after the job was killed before it could write anything else. */
#ifndef OMPSWEEP_STUDY_RUN_RESUME_H
#define OMPSWEEP_STUDY_RUN_RESUME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "study/record/csv.h"
#include "base/status.h"

struct resume {
    char run_id[CSV_ID_MAX]; /* the run to continue; "" when there is none */
    struct run_row *rows;    /* its rows of runs that completed */
    size_t n;
};

/* Find the last run in `runs_path` whose id ends in "-KEY" (or, when
 * `run_id` is not NULL, that run: a child of a bind/places sweep continues
 * its parent's) and keep its rows of runs that completed (status ok, see
 * csv.h): a run that failed or timed out is measured again, one that
 * completed with a wrong result is not (that result stands). Rows of 0.1
 * and 0.2 files without verified=true read as failed, so their cells are
 * measured again, as those versions did. A missing file means nothing to
 * resume. Errors as csv_runs_read. */
int resume_load(struct resume *r, const char *runs_path, const char *key,
                const char *run_id, errmsg_t *err);

/* True when the cell (workload, variant, schedule, bind, places, size,
 * ranks, threads, repeat) of `cell` was already measured to completion. */
bool resume_has(const struct resume *r, const struct run_row *cell);

/* The checksum of any verified row of the block of `cell` (all keys but
 * threads and repeat), so new runs are checked against the old ones. */
bool resume_checksum(const struct resume *r, const struct run_row *cell,
                     uint64_t *checksum);

/* Collective: copy rank 0's resume state to every rank (only rank 0 reads
 * the files), so all ranks skip the same cells. STATUS_OK or STATUS_NOMEM. */
int resume_share(struct resume *r);

void resume_free(struct resume *r);

#endif
