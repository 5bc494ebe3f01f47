/* compare: `ompsweep compare BASE NEW`. Matches the blocks of two sets of
 * runs on (workload, variant, schedule, bind, places, size, ranks,
 * threads), optionally kept apart by host or run id, and per block gives
 * the ratio of the median times (new / base: above 1 is slower), a 95%
 * interval of that ratio (Hodges-Lehmann on log-times), the two-sided
 * Mann-Whitney p-value and a verdict; see docs/compare.md. */
#ifndef OMPSWEEP_STUDY_ANALYZE_COMPARE_H
#define OMPSWEEP_STUDY_ANALYZE_COMPARE_H

#include <stdbool.h>
#include <stdio.h>

#include "base/status.h"
#include "study/analyze/ranktest.h"
#include "study/analyze/stats.h"

enum compare_by { COMPARE_BY_NONE, COMPARE_BY_HOST, COMPARE_BY_RUN_ID };

enum compare_verdict {
    VERDICT_SAME, VERDICT_FASTER, VERDICT_SLOWER, VERDICT_ONLY_BASE, VERDICT_ONLY_NEW
};

enum { COMPARE_NOTE_MAX = 128 };

/* What the command line asks for (filled by config). */
struct compare_options {
    const char *base, *next; /* the BASE and NEW arguments */
    double alpha;            /* significance level of the test */
    double threshold;        /* |ratio - 1| below this is "same" (a fraction) */
    double fail_above;       /* exit 1 when significantly slower by more (a
                                fraction); negative: never */
    enum compare_by by;
    const char *output_dir;  /* where compare.csv goes; NULL: nowhere */
};

/* One line of the comparison: a matched block, or a block of one side. */
struct compare_row {
    const struct summary_row *base, *next; /* NULL on the side that lacks it */
    double ratio, ci_low, ci_high, p_value; /* NAN when undefined */
    enum ranktest_method method;            /* the test's, when p is defined */
    enum compare_verdict verdict;
    bool checksums_differ;
    char note[COMPARE_NOTE_MAX];
};

/* The geometric means over the matched blocks. */
struct compare_geomean {
    int blocks, faster, slower, same;
    double median_base, median_new, ratio;
};

/* The whole command: read, match, print the table on stdout, write
 * compare.csv, warn on stderr. STATUS_OK; STATUS_VERIFY (1) when
 * fail_above is set and a block is significantly slower by more;
 * STATUS_USAGE for bad input, STATUS_IO, STATUS_NOMEM. */
int compare_main(const struct compare_options *opt, errmsg_t *err);

#endif
