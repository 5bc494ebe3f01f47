/* sweep: runs one workload over the configured thread counts: untimed reset
 * and warmup, timed repeats of the kernel alone (omp_get_wtime), a runs.csv
 * row per repeat, and the check that every run produced the same checksum.
 * Cells an earlier run with the same configuration measured are skipped
 * (--resume), and a pending SIGINT/SIGTERM stops it after the current kernel. */
#ifndef OMPSWEEP_STUDY_RUN_SWEEP_H
#define OMPSWEEP_STUDY_RUN_SWEEP_H

#include <stddef.h>

#include "study/record/affinity.h"
#include "study/record/csv.h"
#include "study/run/resume.h"
#include "base/status.h"
#include "study/run/workload.h"

struct sweep {
    const struct sweep_options *opt;
    struct runs_file *runs;
    const char *run_id;
    const char *host;
    const char *bind, *places;   /* OMP_PROC_BIND/OMP_PLACES in force ("" unset) */
    const struct resume *resume; /* cells measured before, or NULL */
    struct affinity_log *affinity; /* where each thread count's threads ran */
    double started;              /* omp_get_wtime() at the start, for ETAs */
    double offset;    /* seconds the study ran before this process (a child) */
    int later_parts;  /* children of the study still to come after this one */
    int cells_total;  /* (block, repeat) cells of this process's sweep */
    int cells_passed; /* ... gone through, measured or resumed */
    int runs_done;   /* timed runs this invocation measured */
    int mismatches;  /* runs whose checksum or check failed */
    int interrupted; /* the signal that stopped the sweep, or 0 */
    int failed;      /* a run failed outright (exec): its status, or 0 */
    errmsg_t failure; /* and why */
    bool failed_in_warmup; /* ... in a warm-up run (nothing recorded for it) */
    struct runs_file *metrics; /* metrics.csv, or NULL when no run has metrics */
    struct warnings *warnings; /* what the workloads advise after the sweep, or NULL */
    char mismatch[ERRMSG_MAX]; /* the first unverified run's difference, or "" */
    char *result_text;   /* the first run's result text (malloc'd), or NULL */
    bool result_text_cut;
};

/* Sweep every variant of one workload over the schedules (once when a
 * variant has a fixed schedule) and thread counts, in the configured order:
 * `blocked` runs every repeat of a block before the next, `interleaved`
 * repeat r of every block before repeat r + 1, `random` a seeded shuffle
 * of all (block, repeat) cells. Each block's warmups precede its first
 * timed run. With strong scaling `prepared` holds the kind->variants(opts) workloads
 * set up before any output was opened; with weak scaling it is NULL and
 * the sweep sets up one per (variant, thread count) with kind's `create`. Every
 * run of a workload instance must reproduce its first checksum. Returns
 * STATUS_OK (see s->mismatches and s->interrupted for the outcome), or
 * STATUS_IO/STATUS_NOMEM/STATUS_USAGE. */
int sweep_workload(struct sweep *s, const struct workload_kind *kind, const void *opts,
                   struct workload *prepared, errmsg_t *err);

/* Strong scaling: set every variant of the workload up in prepared[0 ..
 * kind->variants(opts)) (at most SWEEP_MAX_VALUES), and add each one's
 * warning to `w` (NULL: none); weak scaling: nothing, sweep_workload sets
 * one up per cell. Instances are made here and there only. */
int sweep_prepare(const struct workload_kind *kind, const void *opts,
                  const struct sweep_options *opt, struct workload *prepared,
                  struct warnings *w, errmsg_t *err);

/* Blocks one workload variant will sweep (for progress and ETAs). */
int sweep_blocks(const struct sweep_options *opt, const struct workload *w);

#endif
