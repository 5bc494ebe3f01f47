/* ompsweep: parse -> set up workloads (untimed) -> sweep thread counts ->
 * verify -> write tables -> exit status. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "csv.h"
#include "envinfo.h"
#include "output.h"
#include "report.h"
#include "signals.h"
#include "status.h"
#include "summary.h"
#include "sweep.h"
#include "workload.h"

enum { MAIN_WORKLOADS = 2 };
static const unsigned main_workload_order[MAIN_WORKLOADS] = {WORKLOAD_BOGOSORT,
                                                             WORKLOAD_ELBOW};

static int fail(int rc, const errmsg_t *err)
{
    fprintf(stderr, "ompsweep: %s\n", err->text);
    return rc;
}

/* Strong scaling sets every workload up before any file is touched, so bad
 * input (a bad --data file) leaves the output directory as it was. */
static int setup_workloads(const struct config *cfg, struct workload *w,
                           errmsg_t *err)
{
    for (int i = 0; i < MAIN_WORKLOADS; i++) {
        memset(&w[i], 0, sizeof w[i]);
        if (!(cfg->workloads & main_workload_order[i]) || cfg->scaling == SCALING_WEAK)
            continue;
        int rc = workload_create(main_workload_order[i], cfg, 1, &w[i], err);
        if (rc != STATUS_OK)
            return rc;
    }
    return STATUS_OK;
}

/* summary.csv is derived from the whole runs.csv, so it always agrees with it. */
static int write_summary(const struct config *cfg, const char *runs_path,
                         errmsg_t *err)
{
    char path[OUTPUT_PATH_MAX];
    struct run_row *runs;
    struct summary_row *rows;
    size_t nruns, nrows;
    int rc = output_path(path, sizeof path, cfg->output_dir, "summary.csv", err);
    if (rc == STATUS_OK)
        rc = csv_runs_read(runs_path, &runs, &nruns, err);
    if (rc != STATUS_OK)
        return rc;
    rc = summary_build(runs, nruns, true, &rows, &nrows, err);
    free(runs);
    if (rc != STATUS_OK)
        return rc;
    rc = csv_summary_write(path, rows, nrows, err);
    free(rows);
    return rc;
}

static int print_this_run(const struct sweep *s, errmsg_t *err)
{
    struct summary_row *rows;
    size_t n;
    int rc = summary_build(s->rows, s->nrows, false, &rows, &n, err);
    if (rc != STATUS_OK)
        return rc;
    printf("ompsweep run %s on %s\n", s->run_id, s->host);
    report_table(stdout, rows, n);
    free(rows);
    return STATUS_OK;
}

static int sweep_all(const struct config *cfg, struct sweep *s,
                     struct workload *w, errmsg_t *err)
{
    for (int i = 0; i < MAIN_WORKLOADS && !s->interrupted; i++) {
        if (!(cfg->workloads & main_workload_order[i]))
            continue;
        struct workload *prepared = cfg->scaling == SCALING_WEAK ? NULL : &w[i];
        int rc = sweep_workload(s, main_workload_order[i], prepared, err);
        if (rc != STATUS_OK)
            return rc;
        if (prepared != NULL && prepared->report != NULL && !s->interrupted) {
            rc = prepared->report(prepared->state, cfg, s->run_id, err);
            if (rc != STATUS_OK)
                return rc;
        }
    }
    return STATUS_OK;
}

static int run_study(const struct config *cfg, struct workload *w, errmsg_t *err)
{
    char runs_path[OUTPUT_PATH_MAX], run_id[CSV_ID_MAX], host[CSV_ID_MAX];
    struct runs_file runs = {-1, NULL};
    int rc = output_path(runs_path, sizeof runs_path, cfg->output_dir, "runs.csv", err);
    if (rc == STATUS_OK)
        rc = output_prepare(cfg->output_dir, err);
    if (rc == STATUS_OK)
        rc = csv_runs_open(&runs, runs_path, err);
    if (rc != STATUS_OK)
        return rc;
    envinfo_run_id(run_id, sizeof run_id, cfg->tag);
    envinfo_hostname(host, sizeof host);
    struct sweep s = {.cfg = cfg, .runs = &runs, .run_id = run_id, .host = host};
    rc = sweep_all(cfg, &s, w, err);
    int close_rc = csv_runs_close(&runs, rc == STATUS_OK ? err : NULL);
    if (rc == STATUS_OK)
        rc = close_rc;
    if (rc == STATUS_OK)
        rc = write_summary(cfg, runs_path, err);
    if (rc == STATUS_OK)
        rc = print_this_run(&s, err);
    if (rc == STATUS_OK && s.mismatches > 0)
        rc = errmsg_set(err, STATUS_VERIFY, "verification FAILED: %d run(s) "
                        "differ from the first run's checksum or failed their "
                        "check (see verified in %s)", s.mismatches, runs_path);
    if (rc == STATUS_OK && s.interrupted)
        rc = errmsg_set(err, signals_exit_status(s.interrupted), "interrupted; "
                        "rows written so far are in %s", runs_path);
    sweep_free(&s);
    return rc;
}

static int run_summarize(const struct config *cfg, errmsg_t *err);

int main(int argc, char **argv)
{
    struct config cfg;
    errmsg_t err;
    int rc = config_parse(argc, argv, &cfg, &err);
    if (rc != STATUS_OK)
        return fail(rc, &err);
    if (cfg.action == ACTION_HELP) {
        fputs(config_usage(), stdout);
        return STATUS_OK;
    }
    if (cfg.action == ACTION_VERSION) {
        char version[1024];
        envinfo_version(version, sizeof version);
        puts(version);
        return STATUS_OK;
    }
    if (cfg.action == ACTION_SUMMARIZE)
        rc = run_summarize(&cfg, &err);
    else {
        struct workload w[MAIN_WORKLOADS];
        rc = setup_workloads(&cfg, w, &err);
        if (rc == STATUS_OK && signals_install() != 0)
            rc = errmsg_set(&err, STATUS_IO, "cannot install signal handlers");
        if (rc == STATUS_OK)
            rc = run_study(&cfg, w, &err);
        for (int i = 0; i < MAIN_WORKLOADS; i++)
            workload_destroy(&w[i]);
    }
    return rc == STATUS_OK ? STATUS_OK : fail(rc, &err);
}

/* Rows from all files pooled and grouped without run_id, so 1-thread and
 * N-thread rows from separate jobs combine into one speedup table. */
static int run_summarize(const struct config *cfg, errmsg_t *err)
{
    struct run_row *all = NULL;
    size_t total = 0;
    int rc = STATUS_OK;
    for (int i = 0; i < cfg->ninputs && rc == STATUS_OK; i++) {
        struct run_row *rows;
        size_t n;
        rc = csv_runs_read(cfg->inputs[i], &rows, &n, err);
        if (rc != STATUS_OK)
            break;
        struct run_row *grown = realloc(all, (total + n + 1) * sizeof *all);
        if (grown == NULL)
            rc = errmsg_set(err, STATUS_NOMEM, "summarize: out of memory");
        else {
            all = grown;
            memcpy(all + total, rows, n * sizeof *rows);
            total += n;
        }
        free(rows);
    }
    struct summary_row *sum = NULL;
    size_t nsum = 0;
    if (rc == STATUS_OK)
        rc = summary_build(all, total, false, &sum, &nsum, err);
    if (rc == STATUS_OK)
        report_table(stdout, sum, nsum);
    char path[OUTPUT_PATH_MAX];
    if (rc == STATUS_OK && cfg->output_given) {
        rc = output_path(path, sizeof path, cfg->output_dir, "summary.csv", err);
        if (rc == STATUS_OK)
            rc = output_prepare(cfg->output_dir, err);
        if (rc == STATUS_OK)
            rc = csv_summary_write(path, sum, nsum, err);
    }
    free(all);
    free(sum);
    return rc;
}
