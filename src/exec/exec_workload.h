/* exec_workload: the user's program (`ompsweep exec [options] -- PROGRAM
 * [ARG...]`) as a workload of the sweep. Each run is one child process
 * with OMP_NUM_THREADS (OMP_SCHEDULE under --schedule), --env and
 * {threads} in its arguments set to the block's values; --result, --time,
 * --work and --metric read its stdout. See docs/exec.md. */
#ifndef OMPSWEEP_EXEC_EXEC_WORKLOAD_H
#define OMPSWEEP_EXEC_EXEC_WORKLOAD_H

#include <stddef.h>

#include "base/status.h"
#include "config.h"
#include "study/run/workload.h"

/* A workload_variants_fn: one variant, the program. */
int exec_workload_variants(const struct config *cfg);

/* Refuse, before anything is created, what cannot run: an MPI build, a
 * missing or non-executable program, a bad pattern. STATUS_USAGE naming
 * the option or the program. */
int exec_workload_check(const struct config *cfg, errmsg_t *err);

/* A workload_create_fn: compile the patterns, resolve the program and
 * prepare its environment (untimed). Under weak scaling {threads} in --size
 * becomes `scale`. */
int exec_workload_create(const struct config *cfg, int variant, size_t scale,
                         struct workload *w, errmsg_t *err);

#endif
