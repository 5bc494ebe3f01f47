/* bogosort_workload: the adapter between the sweep and the bogosort kernel:
 * its options (bogosort_options.h) and --schedule become a struct bogosort
 * and the workload hooks. */
#ifndef OMPSWEEP_BOGOSORT_BOGOSORT_WORKLOAD_H
#define OMPSWEEP_BOGOSORT_BOGOSORT_WORKLOAD_H

#include "study/run/workload.h"

/* bogosort's registry row: one variant per --partition value; create
 * generates the input (untimed) with `scale` times the rows. */
extern const struct workload_kind bogosort_kind;

#endif
