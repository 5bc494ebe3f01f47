/* elbow_output: the elbow tables (elbow.csv, elbow_choice.csv) and the curve
 * printed on stdout after the sweep. */
#ifndef OMPSWEEP_ELBOW_ELBOW_OUTPUT_H
#define OMPSWEEP_ELBOW_ELBOW_OUTPUT_H

#include "elbow/elbow.h"
#include "elbow/rules.h"
#include "base/status.h"

/* Append the curve of the last run (one row per k) to DIR/elbow.csv and
 * the k chosen by every rule to DIR/elbow_choice.csv, both tagged with
 * run_id (`rule` gives chosen_k), then print them. STATUS_IO, STATUS_USAGE (foreign header) or
 * STATUS_NOMEM on failure. */
int elbow_output_write(const struct elbow *e, const char *output_dir,
                       enum elbow_rule rule, const char *run_id, errmsg_t *err);

#endif
