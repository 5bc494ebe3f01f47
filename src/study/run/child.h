/* child: one (bind, places) combination of a study runs in a re-executed
 * ompsweep, because the OpenMP runtime reads OMP_PROC_BIND and OMP_PLACES
 * once, at start-up. The parent sets both, names the run id, and reads back
 * over a pipe what only the child can see: where its threads ran and
 * whether the runtime took the settings. Each child appends its rows to the
 * same runs.csv; the parent writes summary.csv and metadata.json once. */
#ifndef OMPSWEEP_STUDY_RUN_CHILD_H
#define OMPSWEEP_STUDY_RUN_CHILD_H

#include <stdbool.h>

#include "base/status.h"
#include "study/record/affinity.h"
#include "study/record/csv.h"
#include "study/record/warnings.h"

/* What a process learns from its environment about being a child. */
struct child_role {
    bool active;             /* this process is a child */
    char run_id[CSV_ID_MAX]; /* the parent's run id */
    int index;               /* 0 for the first combination */
    int count;               /* combinations in all */
    double elapsed;          /* seconds the study ran before this child */
    int fd;                  /* the pipe to the parent */
};

/* Fill *role from the variables the parent set (role->active false when
 * there are none). */
void child_role(struct child_role *role);

/* What the parent asks of one child. bind/places NULL: as inherited. */
struct child_request {
    char *const *argv; /* the command line as typed */
    const char *run_id;
    int index, count;  /* this combination's number, of count */
    double elapsed;    /* seconds the study has run so far (for ETAs) */
    const char *bind, *places;
};

/* Run one child to its end and collect its messages into *warnings (kept
 * without printing: the child printed them) and *affinity. A SIGINT or
 * SIGTERM that reaches the parent meanwhile is passed to the child, which
 * is always reaped. *status: the child's exit status (128 + signal when a
 * signal ended it). Returns STATUS_IO when it cannot be started,
 * STATUS_NOMEM, else STATUS_OK. */
int child_run(const struct child_request *req, struct warnings *warnings,
              struct affinity_log *affinity, int *status, errmsg_t *err);

/* In a child: send its warnings and affinity records to the parent. */
void child_send(const struct child_role *role, const struct warnings *warnings,
                  const struct affinity_log *affinity);

#endif
