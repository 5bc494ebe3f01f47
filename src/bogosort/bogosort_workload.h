/* bogosort_workload: the adapter between the sweep and the bogosort kernel:
 * --rows, --cols, --max-value, --partition and --schedule become a struct
 * bogosort and the workload hooks. */
#ifndef OMPSWEEP_BOGOSORT_BOGOSORT_WORKLOAD_H
#define OMPSWEEP_BOGOSORT_BOGOSORT_WORKLOAD_H

#include <stddef.h>

#include "base/status.h"
#include "config.h"
#include "study/run/workload.h"

/* A workload_variants_fn: one variant per --partition value. */
int bogosort_workload_variants(const struct config *cfg);

/* A workload_create_fn: generate the input (untimed) with `scale` times the
 * rows, partitioned as --partition's value number `variant`. STATUS_USAGE or
 * STATUS_NOMEM with *err set, nothing allocated. */
int bogosort_workload_create(const struct config *cfg, int variant, size_t scale,
                             struct workload *w, errmsg_t *err);

#endif
