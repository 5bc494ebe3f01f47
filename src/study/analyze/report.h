/* report: the short human-readable tables printed on stdout. */
#ifndef OMPSWEEP_STUDY_ANALYZE_REPORT_H
#define OMPSWEEP_STUDY_ANALYZE_REPORT_H

#include <stdio.h>

#include "study/analyze/models_table.h"
#include "study/analyze/stats.h"

/* One aligned table per block (workload, variant, schedule, size): threads,
 * median with its 95% CI, min, max, speedup, efficiency; then, in words,
 * the Karp-Flatt cells left empty and the block's scaling models from
 * `models` (built from the same rows; NULL: none). */
void report_table(FILE *out, const struct summary_row *rows, size_t n,
                  const struct models_table *models);

/* "\nWORKLOAD  variant=V  schedule=S[  bind=B][  places=P]": the start of
 * a block's title in every table (an empty schedule, the runtime's
 * default, as "-"). */
void report_block_title(FILE *out, const struct summary_row *r);

/* One number right-aligned in `width` columns after a space: 'f' with
 * `digits` decimals or 'g' with `digits` significant ones; "-" for NAN. */
void report_number(FILE *out, double v, int width, int digits, char conversion);

#endif
