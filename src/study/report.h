/* report: the short human-readable tables printed on stdout. */
#ifndef OMPSWEEP_STUDY_REPORT_H
#define OMPSWEEP_STUDY_REPORT_H

#include <stdio.h>

#include "study/stats.h"

/* One aligned table per block (workload, variant, schedule, size): threads,
 * median with its 95% CI, min, max, speedup, efficiency. */
void report_table(FILE *out, const struct summary_row *rows, size_t n);

#endif
