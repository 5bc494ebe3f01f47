/* sweep_options: what the harness needs to know of a study, filled by the
 * command line (config.c) and read by the sweep, the study and the
 * workloads: thread counts, repeats, schedules, bindings, order, scaling,
 * and the ranks x threads cells of a workload that starts its own ranks.
 * Nothing here belongs to one workload. */
#ifndef OMPSWEEP_STUDY_RUN_SWEEP_OPTIONS_H
#define OMPSWEEP_STUDY_RUN_SWEEP_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "base/optparse.h"

enum {
    SWEEP_MAX_THREAD_COUNTS = OPTPARSE_COUNTS_MAX, /* entries in one sweep */
    SWEEP_MAX_THREADS = OPTPARSE_COUNT_MAX,        /* largest thread count accepted */
    SWEEP_SCHEDULE_TEXT = 32,
    SWEEP_MAX_VALUES = OPTPARSE_VALUES_MAX /* values of one repeatable sweep option */
};

enum scaling { SCALING_STRONG, SCALING_WEAK, SCALING_COUNT };
/* The order of the timed runs of a sweep (see study/run/sweep.h). */
enum order { ORDER_INTERLEAVED, ORDER_RANDOM, ORDER_BLOCKED, ORDER_COUNT };
/* Mirrors omp_sched_t so that headers need not include omp.h. */
enum schedule_kind { SCHEDULE_STATIC = 1, SCHEDULE_DYNAMIC = 2, SCHEDULE_GUIDED = 3 };

struct schedule {
    enum schedule_kind kind;
    int chunk;                      /* 0 = the runtime's default */
    char text[SWEEP_SCHEDULE_TEXT]; /* as written to the CSVs: "dynamic,4" */
};

struct sweep_options {
    int threads[SWEEP_MAX_THREAD_COUNTS]; /* ascending, no duplicates */
    int nthreads;
    bool threads_given; /* -t was on the command line (else the defaults) */
    int repeats, warmup;
    uint64_t seed;
    const char *output_dir;
    bool output_given; /* -o was on the command line */
    const char *tag;   /* NULL when not given */
    /* Sweep dimensions beyond threads, each value once, in the order given.
     * binds/places: 0 values = the environment's OMP_PROC_BIND/OMP_PLACES;
     * given values run in re-executed children (see study/run/child.h). */
    struct schedule schedules[SWEEP_MAX_VALUES];
    int nschedules;
    bool schedules_given; /* --schedule was on the command line */
    const char *binds[SWEEP_MAX_VALUES];
    int nbinds;
    const char *places[SWEEP_MAX_VALUES];
    int nplaces;
    enum scaling scaling;
    enum order order;
    bool quiet, resume;
    /* A workload that starts its own ranks (exec --launcher) sweeps ranks
     * x threads: nranks 0 otherwise, and every row has the ranks of this
     * job (1 without MPI). */
    int ranks[SWEEP_MAX_THREAD_COUNTS]; /* ascending, no duplicates */
    int nranks;
    int cores[SWEEP_MAX_THREAD_COUNTS]; /* only cells with ranks x threads in
                                           it; ncores 0: all */
    int ncores;
};

/* Whether the cell of `ranks` x `threads` is swept: always, unless cores
 * names core counts and ranks x threads is none of them. */
bool sweep_cell_selected(const struct sweep_options *o, int ranks, int threads);

/* Names used on the command line, in CSV columns and in messages. */
extern const char *const sweep_scaling_names[SCALING_COUNT];
extern const char *const sweep_order_names[ORDER_COUNT];
const char *sweep_scaling_name(enum scaling s);
const char *sweep_order_name(enum order o);

#endif
