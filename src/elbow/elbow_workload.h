/* elbow_workload: the adapter between the sweep and the elbow kernel: the
 * data options (--data or make_blobs) and the k-means/cross-validation
 * options become a struct elbow and the workload hooks. */
#ifndef OMPSWEEP_ELBOW_ELBOW_WORKLOAD_H
#define OMPSWEEP_ELBOW_ELBOW_WORKLOAD_H

#include <stddef.h>

#include "base/status.h"
#include "config.h"
#include "study/run/workload.h"

/* A workload_variants_fn: one variant per --parallel value. */
int elbow_workload_variants(const struct config *cfg);

/* A workload_create_fn: load or generate the data (untimed) with `scale`
 * times the samples, allocate every workspace, for --parallel's value number
 * `variant`. STATUS_USAGE (bad data or options), STATUS_IO or STATUS_NOMEM
 * with *err set, nothing allocated. */
int elbow_workload_create(const struct config *cfg, int variant, size_t scale,
                          struct workload *w, errmsg_t *err);

#endif
