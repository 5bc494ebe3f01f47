/* study: one invocation's measurements, from the output files to the exit
 * status. Sets the selected workloads up (untimed, before any file is
 * touched), opens runs.csv, picks the run id (--resume continues the last
 * one of the same configuration key), sweeps every workload in this
 * process or, for --bind/--places, in one re-executed child per
 * combination, then writes the tables (summary.csv, models, splits,
 * metrics, each workload's own), the warnings and metadata.json. The
 * workloads arrive as kinds and options: the study never knows which. */
#ifndef OMPSWEEP_STUDY_RUN_STUDY_H
#define OMPSWEEP_STUDY_RUN_STUDY_H

#include <stdbool.h>

#include "base/status.h"
#include "study/run/sweep_options.h"
#include "study/run/workload.h"

enum { STUDY_MAX_WORKLOADS = 8 };

/* One selected workload: what it is and its options. */
struct study_workload {
    const struct workload_kind *kind;
    const void *opts;
};

struct study_request {
    const struct sweep_options *sweep;
    struct study_workload workloads[STUDY_MAX_WORKLOADS]; /* in run order */
    int nworkloads;
    const char *key; /* the configuration key: the run id ends in it */
    int argc;        /* the command line as typed, for metadata.json and */
    char **argv;     /* the children of a --bind/--places sweep */
};

/* Run the study. Returns its exit status (STATUS_OK, STATUS_VERIFY when a
 * run's result differed or failed, 128 + signal when interrupted, or the
 * error of setup or output with *err); *agreed is false when the failure
 * may be one MPI rank's alone (the caller then aborts the job). */
int study_run(const struct study_request *req, bool *agreed, errmsg_t *err);

#endif
