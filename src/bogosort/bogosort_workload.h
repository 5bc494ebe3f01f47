/* bogosort_workload: the adapter between the sweep and the bogosort kernel:
 * --rows, --cols, --max-value, --partition and --schedule become a struct
 * bogosort and the workload hooks. */
#ifndef OMPSWEEP_BOGOSORT_BOGOSORT_WORKLOAD_H
#define OMPSWEEP_BOGOSORT_BOGOSORT_WORKLOAD_H

#include <stddef.h>

#include "base/status.h"
#include "config.h"
#include "study/workload.h"

/* A workload_create_fn: generate the input (untimed) with `scale` times the
 * rows. STATUS_USAGE or STATUS_NOMEM with *err set, nothing allocated. */
int bogosort_workload_create(const struct config *cfg, size_t scale,
                             struct workload *w, errmsg_t *err);

#endif
