/* workload: the interface between the sweep and a workload. The sweep only
 * calls these hooks; it never knows what a workload computes. */
#ifndef OMPSWEEP_STUDY_WORKLOAD_H
#define OMPSWEEP_STUDY_WORKLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "study/analyze/metrics.h"
#include "study/record/csv.h"
#include "base/status.h"

struct warnings;

/* What one timed run produced, established after the timer stopped. */
struct workload_result {
    uint64_t work;     /* shuffles, Lloyd iterations */
    uint64_t checksum; /* identical at every thread count for the same input */
    bool verified;     /* the workload's own correctness check passed */
    bool timed;        /* the workload timed the run itself (exec): */
    double seconds;    /* then this replaces the sweep's timer */
    /* Optional (NULL/0 otherwise), valid until the next run: */
    const struct metric_value *metrics; /* metrics.csv values of a verified run */
    int nmetrics;
    const char *why;   /* the workload's own check failed: the first difference */
    const char *text;  /* what the run computed as text (exec: the --result matches) */
    bool text_cut;     /* ... of which only the beginning is in text */
    /* How the run ended, for the status column (see enum run_status in
     * csv.h): RUN_STATUS_OK (the zero value) for a run that went to its
     * end; a workload whose runs can fail sets RUN_STATUS_FAILED or
     * RUN_STATUS_TIMEOUT. A run whose outcome hook failed is recorded as
     * RUN_STATUS_FAILED when this says RUN_STATUS_OK. */
    enum run_status status;
};

struct workload {
    const char *name;
    char variant[CSV_KEY_MAX];
    /* The schedule column when the kernel ignores the loop schedule
     * ("block", "task"): then one block stands for every --schedule. NULL
     * when the kernel follows the runtime schedule the sweep sets. */
    const char *fixed_schedule;
    char size[CSV_KEY_MAX];
    void *state;
    void (*reset)(void *state); /* untimed: restore the input */
    /* Optional: the workload starts its own ranks (exec --launcher), and the
     * sweep crosses config.ranks with the thread counts; called with a
     * block's rank count before its runs. NULL: the ranks are this job's
     * (par_size()), one count for every block. */
    void (*set_ranks)(void *state, int ranks);
    void (*run)(void *state);   /* timed: the kernel alone */
    /* Optional, after every run (warmups too): STATUS_OK when the run went
     * to its end; 128 + signal when a SIGINT/SIGTERM cut it short (its time
     * is dropped); any other status, with *err, when it failed outright
     * (exec: the program's exit status), which stops the sweep. NULL: runs
     * cannot fail. */
    int (*outcome)(void *state, errmsg_t *err);
    void (*check)(void *state, struct workload_result *out); /* untimed */
    const char *note; /* appended to progress lines, or NULL */
    /* Optional: a warning found at creation (an expected run time over a
     * minute), which the caller prints and keeps; NULL when none. Owned by
     * the state. */
    const char *warning;
    /* Optional, after the sweep: write workload-specific tables and print
     * their summary (elbow.csv). NULL when there is nothing to report. */
    int (*report)(void *state, const struct config *cfg, const char *run_id,
                  errmsg_t *err);
    /* Optional, after the sweep: warnings about the measurement that only
     * the workload can see (exec: a --time printed too coarsely). */
    void (*advise)(void *state, struct warnings *w);
    void (*destroy)(void *state);
};

/* What each workload provides (see registry.h): set *w up for variant
 * `variant` (0 .. its count of variants - 1, e.g. an index into
 * --partition's list) of the configuration, with the problem size
 * multiplied by `scale` (weak scaling; 1 otherwise). Input generation,
 * loading and allocation happen here, untimed. On error nothing is left
 * allocated. */
typedef int (*workload_create_fn)(const struct config *cfg, int variant,
                                  size_t scale, struct workload *w, errmsg_t *err);

/* How many variants the configuration asks of a workload (>= 1). */
typedef int (*workload_variants_fn)(const struct config *cfg);

/* Call `create` and mark weak-scaling variants (SUMMARY_WEAK_SUFFIX). */
int workload_create(workload_create_fn create, const struct config *cfg,
                    int variant, size_t scale, struct workload *w, errmsg_t *err);

void workload_destroy(struct workload *w);

/* Seconds as a person reads them ("3.2 minutes", "6.1 days"), for the
 * expected run times of warnings. */
void workload_duration_text(double seconds, char *buf, size_t cap);

/* Whether a study's expected kernel time is worth a warning up front. */
#define WORKLOAD_WARN_SECONDS 60.0

/* For an outcome hook of a kernel that polls the cancel flag: 128 + the
 * signal when one came (on any rank, so that all drop the run), else
 * STATUS_OK. */
int workload_cut_outcome(void *state, errmsg_t *err);

/* For check hooks under MPI: rank 0 learned the result; every rank gets it,
 * so that all agree. Does nothing in a single process. */
void workload_result_share(struct workload_result *out);

#endif
