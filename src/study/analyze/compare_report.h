/* compare_report: what `ompsweep compare` shows of its rows: the table on
 * stdout, compare.csv, and the words and labels both use. It reads the
 * rows compare.c computed and calls nothing of it. */
#ifndef OMPSWEEP_STUDY_ANALYZE_COMPARE_REPORT_H
#define OMPSWEEP_STUDY_ANALYZE_COMPARE_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "base/status.h"
#include "study/analyze/compare.h"

/* The verdict's word in the table and compare.csv. */
const char *compare_verdict_name(enum compare_verdict v);

/* "bogosort rows dynamic bind=close size=1000x8 ranks=1 threads=2 n1": a
 * block in a message (the host or run id last under --by). */
void compare_label(const struct summary_row *s, char *buf, size_t cap);

/* Table on `out`: one section per block, the unmatched blocks, the
 * geometric mean. */
void compare_report(FILE *out, const struct compare_row *rows, size_t n,
                    const struct compare_geomean *g);

/* compare.csv in `dir`, written atomically. */
int compare_write_csv(const char *dir, const struct compare_row *rows, size_t n,
                      const struct compare_geomean *g, errmsg_t *err);

#endif
