/* config: the command line and the environment, parsed once into what
 * each part of the program reads: the action, the workloads selected, the
 * harness's struct sweep_options, each workload's own options (opaque
 * here: the workload parses them, see study/run/workload.h), the inputs
 * of summarize and the options of compare. Validated, then read-only. */
#ifndef OMPSWEEP_CONFIG_H
#define OMPSWEEP_CONFIG_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "base/status.h"
#include "registry.h"
#include "study/analyze/compare.h"
#include "study/run/study.h"
#include "study/run/sweep_options.h"

enum {
    CONFIG_MAX_WORKLOADS = STUDY_MAX_WORKLOADS, /* rows of a registry */
    CONFIG_OPTIONS_SPACE = 8192,   /* bytes of every workload's options */
    CONFIG_MAX_OPTIONS = 128,      /* long options, the workloads' included */
    CONFIG_MAX_THREAD_COUNTS = SWEEP_MAX_THREAD_COUNTS,
    CONFIG_MAX_THREADS = SWEEP_MAX_THREADS,
    CONFIG_MAX_VALUES = SWEEP_MAX_VALUES
};

enum config_action {
    ACTION_RUN, ACTION_SUMMARIZE, ACTION_HELP, ACTION_VERSION, ACTION_COMPARE
};

/* Points into itself (options into space): not to be copied. */
struct config {
    enum config_action action;
    const struct registry *registry; /* the workloads it was parsed against */
    unsigned workloads;              /* bit set over the registry's rows */
    struct sweep_options sweep;
    /* Each row's options (kind->options_size bytes in space, set up by
     * kind->options_init, then the command line). */
    void *options[CONFIG_MAX_WORKLOADS];
    union {
        max_align_t align;
        unsigned char bytes[CONFIG_OPTIONS_SPACE];
    } space;
    struct option long_options[CONFIG_MAX_OPTIONS + 1]; /* getopt_long's table */
    /* The words after "--" of a command line naming a command workload
     * (exec) before it, handed to it; NULL otherwise. */
    char **command;
    int ncommand;

    /* summarize: the runs files named after the subcommand */
    char **inputs;
    int ninputs;

    /* compare: BASE, NEW and its options (output_dir set from -o) */
    struct compare_options compare;
    const char *compare_option; /* the last compare-only option given */
    const char *study_option;   /* the first option only a study takes, or NULL */
};

/* Fill *cfg from argv and the environment (OMP_NUM_THREADS), against the
 * program's workloads (registry_builtin). Returns STATUS_OK, or
 * STATUS_USAGE with a one-line message in *err naming the option and the
 * accepted values. cfg points into argv; argv must outlive it. */
int config_parse(int argc, char **argv, struct config *cfg, errmsg_t *err);

/* As config_parse, against the workloads of `reg` (a test's own table). */
int config_parse_with(const struct registry *reg, int argc, char **argv,
                      struct config *cfg, errmsg_t *err);

/* Parse a thread list ("1,2,4", "1-8", "1-16:2", "max", or a comma-separated
 * mix) into ascending unique counts. `max` means `nprocs`. */
int config_parse_threads(const char *text, int nprocs, int *out, int *count,
                         errmsg_t *err);

/* Parse "static|dynamic|guided[,CHUNK]". */
int config_parse_schedule(const char *text, struct schedule *out, errmsg_t *err);

enum { CONFIG_KEY_LEN = 9 }; /* 8 hex digits and the terminator */

/* 8 hex digits naming the options that change what a cell computes (seed,
 * scaling, the first schedule, and each workload's part: its sizes and
 * options, see workload_kind.key), but not the values swept (threads,
 * schedules, bindings, places, partitions, strategies: runs.csv names them
 * in each row), repeats, warmup, output or tag: two invocations with the
 * same key measure the same cells, which is what --resume relies on, and a
 * resumed study may add values to a sweep. */
void config_key(const struct config *cfg, char *buf, size_t cap);

/* The options of the workload named `name` (NULL when the registry has
 * none), for the workload's own code and tests. */
const void *config_workload_options(const struct config *cfg, const char *name);

/* The study of cfg's selected workloads, in the registry's order: *req
 * points into cfg, `key` (config_key's) and argv (as typed). */
void config_study_request(const struct config *cfg, const char *key, int argc,
                          char **argv, struct study_request *req);

/* Print the --help text of the workloads of `reg`. */
void config_usage(const struct registry *reg, FILE *out);

#endif
