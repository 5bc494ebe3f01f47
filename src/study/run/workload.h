/* workload: the interface between the sweep and a workload. The sweep only
 * calls these hooks; it never knows what a workload computes. */
#ifndef OMPSWEEP_STUDY_RUN_WORKLOAD_H
#define OMPSWEEP_STUDY_RUN_WORKLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "study/run/sweep_options.h"
#include "study/analyze/metrics.h"
#include "study/analyze/summary.h"
#include "study/record/csv.h"
#include "base/status.h"

/* Variants measured under --scaling weak end with this suffix, the one
 * summaries read (the sweep adds it; a workload that names its own size
 * needs it too). */
#define WORKLOAD_WEAK_SUFFIX SUMMARY_WEAK_SUFFIX

struct metadata_program;
struct option; /* getopt.h's long option */
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
     * sweep crosses sweep_options.ranks with the thread counts; called with a
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
    /* Optional, after the sweep: the workload's own results files in the
     * output directory (elbow.csv) and their report on stdout. NULL when it
     * has none. */
    int (*results)(void *state, const char *output_dir, const char *run_id,
                   errmsg_t *err);
    /* Optional, after the sweep: warnings about the measurement that only
     * the workload can see (exec: a --time printed too coarsely). */
    void (*advise)(void *state, struct warnings *w);
    void (*destroy)(void *state);
};

/* Set *w up for variant `variant` (0 .. its count of variants - 1, e.g. an
 * index into --partition's list) of the workload's options `opts`, with
 * the problem size multiplied by `scale` (weak scaling; 1 otherwise).
 * Input generation, loading and allocation happen here, untimed. On error
 * nothing is left allocated. */
typedef int (*workload_create_fn)(const void *opts, const struct sweep_options *sw,
                                  int variant, size_t scale, struct workload *w,
                                  errmsg_t *err);

/* How many variants the options ask of a workload (>= 1). */
typedef int (*workload_variants_fn)(const void *opts);

/* What a workload is to the rest of the program: its name, its own options
 * (parsed, validated and hashed into the configuration key by the
 * workload itself) and how its instances are made. One of these per
 * workload, in its folder; the registry (src/registry.c) lists them. */
struct workload_kind {
    const char *name;     /* as typed on the command line and in runs.csv */
    const char *summary;  /* its line in --help's list of workloads */
    const char *synopsis; /* a command workload's usage line, else NULL */
    const char *usage;    /* its section of --help: its options */
    /* Its long options, ended by an entry without a name; `val` is the
     * workload's own id, handed back to `option`. */
    const struct option *options;
    size_t options_size;              /* bytes of its options struct */
    void (*options_init)(void *opts); /* the defaults */
    /* One option with its value (NULL for a flag), as the command line
     * gives it: STATUS_OK, STATUS_USAGE with *err naming the option. */
    int (*option)(void *opts, int id, const char *arg, errmsg_t *err);
    /* A command workload (exec): takes the words after "--", runs alone
     * and is not part of `all`. NULL for the others. */
    void (*command)(void *opts, char **argv, int argc);
    /* Once every option is known (a study only): check what they say
     * together and fill the defaults of lists not given. Called for every
     * workload, `selected` or not, so that it can refuse its own options
     * without its workload; it may fill sw's ranks and cores. */
    int (*validate)(void *opts, struct sweep_options *sw, bool selected, errmsg_t *err);
    /* Its part of the configuration key (config.h): the options that change
     * what a run computes, as text into buf. */
    void (*key)(const void *opts, const struct sweep_options *sw, char *buf, size_t cap);
    bool key_always; /* its part enters every key, selected or not (0.1's keys) */
    /* Optional: how many metrics its runs report (metrics.csv); NULL: none. */
    int (*metrics)(const void *opts);
    /* Optional: the program it runs in ompsweep's place, for metadata.json
     * (untimed, before the sweep). NULL for the built-in workloads. */
    int (*describe)(const void *opts, struct metadata_program *out, errmsg_t *err);
    workload_variants_fn variants;
    workload_create_fn create;
};

/* Call kind's `create` and mark weak-scaling variants (SUMMARY_WEAK_SUFFIX). */
int workload_create(const struct workload_kind *kind, const void *opts,
                    const struct sweep_options *sw, int variant, size_t scale,
                    struct workload *w, errmsg_t *err);

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
