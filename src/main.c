/* ompsweep: parse -> set up workloads (untimed) -> sweep thread counts ->
 * verify -> write tables -> exit status.
 *
 * Where things live (each folder is a layer; a layer includes only the
 * ones above it in this list, which tests/check_layers.sh enforces):
 *   src/base/          status codes, parsers of option values, RNG, hashes,
 *                      signals and the cancel flag, MPI wrappers (par)
 *   src/study/record/  the files and facts of a study: runs.csv and its
 *                      locks and repairs, output paths, metadata.json,
 *                      machine facts (envinfo), affinity, warnings
 *   src/study/analyze/ statistics of the runs: summaries, tables, models,
 *                      splits, metrics, rank tests, compare, summarize,
 *                      and the reports printed on stdout
 *   src/study/run/     running a study: the workload interface, the
 *                      sweep, resume, the children of --bind/--places,
 *                      and the study from set-up to metadata (study.c)
 *   src/bogosort/, src/elbow/, src/exec/
 *                      one folder per workload: its kernel (free of I/O
 *                      and timing), its options (*_options.c) and its
 *                      adapter to the sweep (*_workload.c)
 *   src/registry.c     the table of workloads: one row each
 *   src/config.c       the command line: the common options, the
 *                      workloads' through their rows, and --help
 *   src/main.c         this file: the phases below */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/par.h"
#include "base/status.h"
#include "config.h"
#include "registry.h"
#include "study/analyze/compare.h"
#include "study/analyze/summarize.h"
#include "study/record/envinfo.h"
#include "study/record/warnings.h"
#include "study/run/study.h"

enum { VERSION_TEXT = 1024 };

static int fail(int rc, const errmsg_t *err)
{
    fprintf(stderr, "ompsweep: %s\n", err->text);
    return rc;
}

/* The study of the selected workloads, in the registry's order. */
static int run_study(const struct config *cfg, int argc, char **argv, bool *agreed,
                     errmsg_t *err)
{
    char key[CONFIG_KEY_LEN];
    config_key(cfg, key, sizeof key);
    struct study_request *req = calloc(1, sizeof *req);
    if (req == NULL)
        return errmsg_set(err, STATUS_NOMEM, "out of memory");
    config_study_request(cfg, key, argc, argv, req);
    int rc = study_run(req, agreed, err);
    free(req);
    return rc;
}

/* `compare`: its table, and the repairs of torn runs files it read. */
static int run_compare(const struct config *cfg, errmsg_t *err)
{
    struct warnings *w = malloc(sizeof *w);
    if (w == NULL)
        return errmsg_set(err, STATUS_NOMEM, "out of memory");
    warnings_init(w);
    int rc = compare_main(&cfg->compare, err);
    warnings_add_torn(w);
    free(w);
    return rc;
}

/* Help, version, summarize, compare or a study. Only rank 0 prints what
 * every rank knows; a failure of one rank alone is printed there and ends
 * the job. */
static int dispatch(const struct config *cfg, int argc, char **argv, bool *agreed,
                    errmsg_t *err)
{
    *agreed = true;
    switch (cfg->action) {
    case ACTION_HELP:
        if (par_root())
            config_usage(cfg->registry, stdout);
        return STATUS_OK;
    case ACTION_VERSION: {
        char version[VERSION_TEXT];
        envinfo_version(version, sizeof version);
        if (par_root())
            puts(version);
        return STATUS_OK;
    }
    case ACTION_SUMMARIZE:
        return par_root() ? summarize_main(cfg->inputs, cfg->ninputs,
                                           cfg->sweep.output_given ? cfg->sweep.output_dir
                                                                   : NULL, err)
                          : STATUS_OK;
    case ACTION_COMPARE:
        return par_root() ? run_compare(cfg, err) : STATUS_OK;
    default:
        return run_study(cfg, argc, argv, agreed, err);
    }
}

/* Everything printed on stdout must have reached it: a full disk or a
 * closed pipe is an I/O error (exit 3), not a silent success. */
static int close_stdout(int rc, errmsg_t *err)
{
    bool failed = ferror(stdout) != 0;
    errno = 0;
    failed = fflush(stdout) != 0 || failed;
    int e = errno;
    failed = fclose(stdout) != 0 || failed;
    e = e != 0 ? e : errno;
    if (!failed || rc != STATUS_OK)
        return rc;
    if (e != 0)
        return errmsg_set(err, STATUS_IO, "stdout: write failed: %s", strerror(e));
    return errmsg_set(err, STATUS_IO, "stdout: write failed");
}

int main(int argc, char **argv)
{
    errmsg_t err;
    bool agreed = true;
    if (par_init(&argc, &argv) != 0) {
        fprintf(stderr, "ompsweep: MPI_Init_thread: MPI_THREAD_FUNNELED unavailable\n");
        return STATUS_IO;
    }
    /* getopt_long reorders argv; metadata.json keeps the command as typed. */
    char **typed = malloc((size_t)(argc + 1) * sizeof *typed);
    struct config *cfg = malloc(sizeof *cfg);
    if (typed == NULL || cfg == NULL)
        return STATUS_NOMEM;
    memcpy(typed, argv, (size_t)(argc + 1) * sizeof *typed);
    int rc = config_parse(argc, argv, cfg, &err);
    if (rc == STATUS_OK)
        rc = dispatch(cfg, argc, typed, &agreed, &err);
    rc = close_stdout(rc, &err);
    if (rc != STATUS_OK && !agreed && par_size() > 1) {
        fail(rc, &err);
        par_abort(rc);
    }
    if (rc != STATUS_OK && par_root())
        fail(rc, &err);
    free(cfg);
    free(typed);
    par_finalize();
    return rc;
}
