/* elbow_workload: the adapter between the sweep and the elbow kernel: its
 * options (elbow_options.h: the data, --data or make_blobs, and the
 * k-means/cross-validation options) become a struct elbow and the
 * workload hooks; elbow.csv after the sweep. */
#ifndef OMPSWEEP_ELBOW_ELBOW_WORKLOAD_H
#define OMPSWEEP_ELBOW_ELBOW_WORKLOAD_H

#include "study/run/workload.h"

/* elbow's registry row: one variant per --parallel value; create loads or
 * generates the data (untimed) with `scale` times the samples. */
extern const struct workload_kind elbow_kind;

#endif
