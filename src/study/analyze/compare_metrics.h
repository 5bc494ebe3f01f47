/* compare_metrics: the metrics part of `ompsweep compare`: per matched
 * block and metric (metrics.csv beside each side's runs files) the ratio
 * of the medians (new / base), the Mann-Whitney p-value and a verdict in
 * the metric's own direction: better, worse or same. A metric
 * significantly worse by more than --fail-on-regression counts as a
 * regression too. See docs/compare.md. */
#ifndef OMPSWEEP_STUDY_ANALYZE_COMPARE_METRICS_H
#define OMPSWEEP_STUDY_ANALYZE_COMPARE_METRICS_H

#include "base/status.h"
#include "study/analyze/compare.h"
#include "study/analyze/compare_input.h"

/* Read, match, print the section on stdout and write compare_metrics.csv
 * (with -o). STATUS_OK also when neither side has metrics; STATUS_VERIFY
 * for a regression under fail_above; errors as metrics_acc_file. */
int compare_metrics(const struct compare_options *opt, const struct compare_side *a,
                    const struct compare_side *b, errmsg_t *err);

#endif
