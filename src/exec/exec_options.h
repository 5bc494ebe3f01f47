/* exec_options: exec's command-line options (what to read from the
 * program's output, how to run it, through which launcher): their
 * defaults, parsing, checks, help text and part of the configuration key,
 * reached through exec_kind. The program and its arguments are the words
 * after "--". */
#ifndef OMPSWEEP_EXEC_EXEC_OPTIONS_H
#define OMPSWEEP_EXEC_EXEC_OPTIONS_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/optparse.h"
#include "base/status.h"
#include "study/run/sweep_options.h"


enum {
    EXEC_MAX_VALUES = OPTPARSE_VALUES_MAX, /* values of one repeatable option */
    EXEC_EXIT_CODES = 256, /* exit statuses a program can return */
    EXEC_METRIC_NAME = 32  /* longest --metric name + 1 */
};

/* One --metric: a number the program prints, and which way is better. */
struct exec_metric {
    char name[EXEC_METRIC_NAME];
    const char *pattern;
    bool lower_better; /* --metric-better NAME=lower (default higher) */
};

struct exec_options {
    char **command; /* the program and its arguments (after "--") */
    int ncommand;
    const char *name, *size;  /* --name, --size; NULL: defaults */
    const char *results[EXEC_MAX_VALUES]; /* --result patterns, in order */
    int nresults;
    const char *time, *work; /* patterns (--work: or a number); NULL: none */
    double timeout;          /* --timeout seconds, 0 = none */
    bool show_output;
    struct exec_metric metrics[EXEC_MAX_VALUES]; /* --metric, in order */
    int nmetrics;
    const char *better[EXEC_MAX_VALUES]; /* --metric-better NAME=WHICH, as given */
    int nbetter;
    unsigned char ok_exit[EXEC_EXIT_CODES / 8]; /* bit set: --ok-exit (and 0) */
    const char *ok_exit_text;      /* --ok-exit as given; NULL: 0 only */
    bool tolerance;                /* --result-tolerance given: */
    double tol_rel, tol_abs;
    const char *env[EXEC_MAX_VALUES]; /* --env NAME=VALUE, in order */
    int nenv;
    const char *chdir;             /* --chdir DIR, NULL: ompsweep's */
    const char *program_version;   /* --program-version CMD, NULL: none */
    /* exec through an MPI launcher (see exec/exec_launcher.h): the cells
     * are ranks x threads (validate hands the lists to the sweep) */
    const char *launcher;          /* --launcher as given, NULL: none */
    int ranks[SWEEP_MAX_THREAD_COUNTS]; /* --ranks, ascending, no duplicates */
    int nranks;
    int cores[SWEEP_MAX_THREAD_COUNTS]; /* --cores */
    int ncores;
};

extern const struct option exec_long_options[];
extern const char exec_usage[];
extern const char exec_synopsis[];

void exec_options_init(void *opts);
int exec_options_apply(void *opts, int id, const char *arg, errmsg_t *err);
void exec_options_command(void *opts, char **argv, int argc);
/* Also resolves the program and compiles the patterns (exec_workload_check):
 * bad input is refused before any output is touched. */
int exec_options_validate(void *opts, struct sweep_options *sw, bool selected,
                          errmsg_t *err);
void exec_options_key(const void *opts, const struct sweep_options *sw, char *buf,
                      size_t cap);
int exec_options_metrics(const void *opts);

#endif
