/* exec_workload: the user's program (`ompsweep exec [options] -- PROGRAM
 * [ARG...]`) as a workload of the sweep. Each run is one child process
 * with OMP_NUM_THREADS (OMP_SCHEDULE under --schedule), --env and
 * {threads} in its arguments set to the block's values; --result, --time,
 * --work and --metric read its stdout. See docs/exec.md. */
#ifndef OMPSWEEP_EXEC_EXEC_WORKLOAD_H
#define OMPSWEEP_EXEC_EXEC_WORKLOAD_H

#include "base/status.h"
#include "exec/exec_options.h"
#include "study/run/workload.h"

/* exec's registry row: one variant, the program; create compiles the
 * patterns, resolves the program and prepares its environment (untimed);
 * under weak scaling {threads} in --size becomes `scale`. */
extern const struct workload_kind exec_kind;

/* Refuse, before anything is created, what cannot run: an MPI build, a
 * missing or non-executable program, a bad pattern. STATUS_USAGE naming
 * the option or the program. */
int exec_workload_check(const struct exec_options *o, const struct sweep_options *sw,
                        errmsg_t *err);

#endif
