/* config: the one input struct, filled once from the command line and the
 * environment, validated, then passed read-only to every phase. */
#ifndef OMPSWEEP_CONFIG_H
#define OMPSWEEP_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <stdio.h>

#include "base/status.h"
#include "bogosort/bogosort.h"
#include "elbow/elbow.h"
#include "elbow/rules.h"
#include "study/analyze/compare.h"

enum {
    CONFIG_MAX_THREAD_COUNTS = 256, /* entries in one sweep */
    CONFIG_MAX_THREADS = 4096,      /* largest thread count accepted */
    CONFIG_SCHEDULE_TEXT = 32,
    CONFIG_MAX_VALUES = 16, /* values of one repeatable sweep option */
    CONFIG_EXIT_CODES = 256, /* exit statuses a program can return */
    CONFIG_METRIC_NAME = 32  /* longest --metric name + 1 */
};

enum config_action {
    ACTION_RUN, ACTION_SUMMARIZE, ACTION_HELP, ACTION_VERSION, ACTION_COMPARE
};

enum scaling { SCALING_STRONG, SCALING_WEAK };
/* The order of the timed runs of a sweep (see study/run/sweep.h). */
enum order { ORDER_INTERLEAVED, ORDER_RANDOM, ORDER_BLOCKED, ORDER_COUNT };
/* Mirrors omp_sched_t so that headers need not include omp.h. */
enum schedule_kind { SCHEDULE_STATIC = 1, SCHEDULE_DYNAMIC = 2, SCHEDULE_GUIDED = 3 };

struct schedule {
    enum schedule_kind kind;
    int chunk;                       /* 0 = the runtime's default */
    char text[CONFIG_SCHEDULE_TEXT]; /* as written to the CSVs: "dynamic,4" */
};

/* One --metric: a number the program prints, and which way is better. */
struct exec_metric {
    char name[CONFIG_METRIC_NAME];
    const char *pattern;
    bool lower_better; /* --metric-better NAME=lower (default higher) */
};

struct config {
    enum config_action action;
    unsigned workloads; /* bit set over the registry's rows */
    int threads[CONFIG_MAX_THREAD_COUNTS]; /* ascending, no duplicates */
    int nthreads;
    int repeats, warmup;
    uint64_t seed;
    const char *output_dir;
    bool output_given; /* -o was on the command line */
    const char *tag; /* NULL when not given */
    /* Sweep dimensions beyond threads, each value once, in the order given.
     * binds/places: 0 values = the environment's OMP_PROC_BIND/OMP_PLACES;
     * given values run in re-executed children (see study/run/child.h). */
    struct schedule schedules[CONFIG_MAX_VALUES];
    int nschedules;
    const char *binds[CONFIG_MAX_VALUES];
    int nbinds;
    const char *places[CONFIG_MAX_VALUES];
    int nplaces;
    enum scaling scaling;
    enum order order;
    bool quiet, resume;

    /* bogosort */
    size_t rows, cols;
    int max_value;
    enum bogosort_partition partitions[BOGOSORT_PARTITION_COUNT];
    int npartitions;

    /* elbow */
    size_t samples, features;
    int centers;
    double cluster_std;
    int k_min, k_max, folds, n_init, max_iter, pca;
    double tol;
    bool no_scale;
    const char *data_file;      /* --data, NULL = generate blobs */
    const char *save_data_file; /* --save-data, NULL = don't */
    long label_column;          /* -1 = none */
    enum elbow_strategy strategies[ELBOW_STRATEGY_COUNT]; /* --parallel */
    int nstrategies;
    enum elbow_rule rule;

    /* exec: the program and its arguments (after "--"), NULL otherwise */
    char **command;
    int ncommand;
    const char *exec_name, *exec_size;  /* --name, --size; NULL: defaults */
    const char *exec_results[CONFIG_MAX_VALUES]; /* --result patterns, in order */
    int nexec_results;
    const char *exec_time, *exec_work; /* patterns (--work: or a number); NULL: none */
    double exec_timeout;                /* --timeout seconds, 0 = none */
    bool exec_show_output;
    struct exec_metric exec_metrics[CONFIG_MAX_VALUES]; /* --metric, in order */
    int nexec_metrics;
    const char *exec_better[CONFIG_MAX_VALUES]; /* --metric-better NAME=WHICH, as given */
    int nexec_better;
    unsigned char exec_ok_exit[CONFIG_EXIT_CODES / 8]; /* bit set: --ok-exit (and 0) */
    const char *exec_ok_exit_text;      /* --ok-exit as given; NULL: 0 only */
    bool exec_tolerance;                /* --result-tolerance given: */
    double exec_tol_rel, exec_tol_abs;
    const char *exec_env[CONFIG_MAX_VALUES]; /* --env NAME=VALUE, in order */
    int nexec_env;
    const char *exec_chdir;             /* --chdir DIR, NULL: ompsweep's */
    const char *exec_program_version;   /* --program-version CMD, NULL: none */
    bool schedules_given;               /* --schedule was on the command line */
    /* exec through an MPI launcher (see exec/exec_launcher.h): the cells are
     * ranks x threads; without --launcher nranks is 0 and every row has the
     * ranks of this job (1 without MPI) */
    const char *exec_launcher;          /* --launcher as given, NULL: none */
    int ranks[CONFIG_MAX_THREAD_COUNTS]; /* --ranks, ascending, no duplicates */
    int nranks;
    int cores[CONFIG_MAX_THREAD_COUNTS]; /* --cores: only cells with ranks x
                                            threads in it; ncores 0: all */
    int ncores;

    /* summarize: the runs files named after the subcommand */
    char **inputs;
    int ninputs;

    /* compare: BASE, NEW and its options (output_dir set from -o) */
    struct compare_options compare;
    const char *compare_option; /* the last compare-only option given */
    const char *study_option;   /* the first option only a study takes, or NULL */
};

/* Fill *cfg from argv and the environment (OMP_NUM_THREADS). Returns
 * STATUS_OK, or STATUS_USAGE with a one-line message in *err naming the
 * option and the accepted values. cfg points into argv; argv must outlive it. */
int config_parse(int argc, char **argv, struct config *cfg, errmsg_t *err);

/* Parse a thread list ("1,2,4", "1-8", "1-16:2", "max", or a comma-separated
 * mix) into ascending unique counts. `max` means `nprocs`. */
int config_parse_threads(const char *text, int nprocs, int *out, int *count,
                         errmsg_t *err);

/* Parse "static|dynamic|guided[,CHUNK]". */
int config_parse_schedule(const char *text, struct schedule *out, errmsg_t *err);

enum { CONFIG_KEY_LEN = 9 }; /* 8 hex digits and the terminator */

/* 8 hex digits naming the options that change what a cell computes (seed,
 * sizes, workload options, scaling, data path), but not the values swept
 * (threads, schedules, bindings, places, partitions, strategies: runs.csv
 * names them in each row), repeats, warmup, output or tag: two invocations
 * with the same key measure the same cells, which is what --resume relies
 * on, and a resumed study may add values to a sweep. */
void config_key(const struct config *cfg, char *buf, size_t cap);

/* Whether the cell of `ranks` x `threads` is swept: always, unless --cores
 * names core counts and ranks x threads is none of them. */
bool config_cell_selected(const struct config *cfg, int ranks, int threads);

/* Print the --help text (workloads from the registry). */
void config_usage(FILE *out);

/* Names used in CSV columns and messages. */
const char *config_scaling_name(enum scaling s);
const char *config_order_name(enum order o);

#endif
