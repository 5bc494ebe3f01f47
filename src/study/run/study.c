/* study: one invocation's measurements; see study.h. */
#include "study/run/study.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/openmp.h"
#include "base/par.h"
#include "base/signals.h"
#include "study/analyze/metrics.h"
#include "study/analyze/report.h"
#include "study/analyze/splits.h"
#include "study/analyze/summary.h"
#include "study/analyze/tables.h"
#include "study/record/affinity.h"
#include "study/record/csv.h"
#include "study/record/envinfo.h"
#include "study/record/filelock.h"
#include "study/record/metadata.h"
#include "study/record/output.h"
#include "study/record/warnings.h"
#include "study/run/child.h"
#include "study/run/resume.h"
#include "study/run/sweep.h"

enum { STUDY_KEY_LEN = 9 }; /* the configuration key: 8 hex digits and the end */

static const double CV_WARN = 0.05; /* coefficient of variation worth a warning */
/* STREAM asks for runs of at least 20 clock ticks; we ask for 100 (1%). */
enum { TIMER_TICKS_MIN = 100 };

/* Whether a selected workload's runs report metrics (metrics.csv). */
static bool has_metrics(const struct study_request *req)
{
    for (int i = 0; i < req->nworkloads; i++)
        if (req->workloads[i].kind->metrics != NULL &&
            req->workloads[i].kind->metrics(req->workloads[i].opts) > 0)
            return true;
    return false;
}

/* Everything one invocation of a study holds. */
struct study {
    const struct study_request *req;
    const struct sweep_options *sw;
    int argc;
    char **argv;
    struct workload w[STUDY_MAX_WORKLOADS][SWEEP_MAX_VALUES]; /* per variant */
    char runs_path[OUTPUT_PATH_MAX], summary_path[OUTPUT_PATH_MAX];
    char metadata_path[OUTPUT_PATH_MAX];
    char run_id[CSV_ID_MAX], host[CSV_ID_MAX];
    char start_time[CSV_KEY_MAX];
    struct runs_file runs;
    struct runs_file metrics; /* metrics.csv, open when the study has metrics */
    char metrics_path[OUTPUT_PATH_MAX], metrics_summary_path[OUTPUT_PATH_MAX];
    struct metadata_program program; /* exec: the program, for metadata.json */
    bool has_program;
    struct resume resume;
    struct warnings warnings;
    struct sweep sweep;
    struct affinity_log affinity;
    struct child_role role; /* this process runs one (bind, places) of a parent */
    bool parent;            /* this process runs its (bind, places) in children */
    const char *bind, *places; /* OMP_PROC_BIND/OMP_PLACES in force, "" unset */
    bool agreed; /* the failure, if any, is known to every rank */
    bool lock_warned; /* the unlocked-appends warning was given */
    int nodes;   /* distinct hosts of the MPI ranks */
    char mpi_library[PAR_VERSION_MAX];
};

/* Blocks of this process's sweep, for ETAs. */
static int count_blocks(const struct study *st)
{
    int n = 0;
    for (int i = 0; i < st->req->nworkloads; i++) {
        const struct study_workload *sel = &st->req->workloads[i];
        for (int v = 0; v < sel->kind->variants(sel->opts); v++)
            n += sweep_blocks(st->sw, &st->w[i][v]);
    }
    return n;
}

/* Strong scaling sets every workload variant up before any file is
 * touched, so bad input (a bad --data file) leaves the output directory as
 * it was. */
static int setup_workloads(struct study *st, errmsg_t *err)
{
    for (int i = 0; i < st->req->nworkloads; i++) {
        const struct workload_kind *k = st->req->workloads[i].kind;
        const void *opts = st->req->workloads[i].opts;
        /* what metadata.json says of a program run in our place (the parent
         * of bind/places children writes it) */
        if (k->describe != NULL && !st->role.active && par_root()) {
            int rc = k->describe(opts, &st->program, err);
            if (rc != STATUS_OK)
                return rc;
            st->has_program = true;
        }
        int rc = sweep_prepare(k, opts, st->sw, st->w[i],
                               par_root() ? &st->warnings : NULL, err);
        if (rc != STATUS_OK)
            return rc;
    }
    return STATUS_OK;
}

static void destroy_workloads(struct study *st)
{
    for (int i = 0; i < STUDY_MAX_WORKLOADS; i++)
        for (int v = 0; v < SWEEP_MAX_VALUES; v++)
            workload_destroy(&st->w[i][v]);
}

/* Who runs what: a child of a --bind/--places sweep, the parent of one, or
 * a plain study; and the bind/places columns of this process's rows. */
static int assign_role(struct study *st, errmsg_t *err)
{
    const char *bind = getenv("OMP_PROC_BIND"), *places = getenv("OMP_PLACES");
    child_role(&st->role);
    st->parent = !st->role.active && (st->sw->nbinds > 0 || st->sw->nplaces > 0);
    st->bind = bind != NULL ? bind : "";
    st->places = places != NULL ? places : "";
    if (st->parent && par_mpi_build())
        return errmsg_set(err, STATUS_USAGE, "--bind/--places: not available in an "
                          "MPI build; set OMP_PROC_BIND/OMP_PLACES for mpirun instead");
    return STATUS_OK;
}

/* Rank 0's files: the output directory, metadata.json (checked before any
 * work) and runs.csv (header checked). */
static int open_files(struct study *st, errmsg_t *err)
{
    /* A runs file of 0.1 is continued only by rows without bind/places. */
    bool legacy_ok = !st->parent && st->bind[0] == '\0' && st->places[0] == '\0';
    int rc = output_prepare(st->sw->output_dir, err);
    if (rc == STATUS_OK)
        rc = metadata_check(st->metadata_path, err);
    if (rc == STATUS_OK)
        rc = csv_runs_open(&st->runs, st->runs_path, legacy_ok, err);
    if (rc == STATUS_OK && has_metrics(st->req))
        rc = metrics_open(&st->metrics, st->metrics_path, err);
    return rc;
}

/* The run id: a new one, or with --resume the last one of the same
 * configuration; rank 0 decides and tells the other ranks. */
static int choose_run_id(struct study *st, errmsg_t *err)
{
    int rc = STATUS_OK;
    const char *given = st->role.active ? st->role.run_id : NULL;
    if (st->sw->resume && par_root())
        rc = resume_load(&st->resume, st->runs_path, st->req->key, given, err);
    if (given != NULL)
        snprintf(st->run_id, sizeof st->run_id, "%s", given);
    else if (rc == STATUS_OK && st->resume.run_id[0] != '\0')
        snprintf(st->run_id, sizeof st->run_id, "%s", st->resume.run_id);
    else if (rc == STATUS_OK) {
        char base[CSV_ID_MAX - STUDY_KEY_LEN - 1]; /* room for "-KEY" */
        envinfo_run_id(base, sizeof base, st->sw->tag);
        snprintf(st->run_id, sizeof st->run_id, "%s-%s", base, st->req->key);
    }
    par_broadcast(&rc, sizeof rc);
    if (rc == STATUS_OK && st->sw->resume && resume_share(&st->resume) != STATUS_OK)
        rc = errmsg_set(err, STATUS_NOMEM, "out of memory");
    par_broadcast(st->run_id, sizeof st->run_id);
    return rc;
}

static int open_outputs(struct study *st, errmsg_t *err)
{
    const char *dir = st->sw->output_dir;
    int rc = output_path(st->runs_path, sizeof st->runs_path, dir, "runs.csv", err);
    if (rc == STATUS_OK)
        rc = output_path(st->summary_path, sizeof st->summary_path, dir,
                         "summary.csv", err);
    if (rc == STATUS_OK)
        rc = output_path(st->metadata_path, sizeof st->metadata_path, dir,
                         "metadata.json", err);
    if (rc == STATUS_OK)
        rc = output_path(st->metrics_path, sizeof st->metrics_path, dir, METRICS_FILE, err);
    if (rc == STATUS_OK)
        rc = output_path(st->metrics_summary_path, sizeof st->metrics_summary_path, dir,
                         METRICS_SUMMARY_FILE, err);
    if (rc == STATUS_OK && par_root())
        rc = open_files(st, err);
    par_broadcast(&rc, sizeof rc); /* every rank follows rank 0's verdict */
    return rc == STATUS_OK ? choose_run_id(st, err) : rc;
}

/* "bogosort rows dynamic bind=close threads=2": a block in a warning. */
static void block_label(const struct summary_row *r, char *buf, size_t cap)
{
    char ranks[32] = "";
    if (r->ranks > 1)
        snprintf(ranks, sizeof ranks, " ranks=%d", r->ranks);
    snprintf(buf, cap, "%s %s %s%s%s%s%s%s threads=%d", r->workload, r->variant,
             r->schedule[0] ? r->schedule : "-", r->bind[0] ? " bind=" : "", r->bind,
             r->places[0] ? " places=" : "", r->places, ranks, r->threads);
}

/* CV and timer-resolution warnings for each block of this run. */
static void result_warnings(struct study *st, const struct summary_row *rows,
                            size_t n)
{
    struct envinfo_timer timer;
    envinfo_timer(&timer);
    double tick = timer.tick > 0 ? timer.tick : timer.wtick;
    char label[WARNING_TEXT];
    for (size_t i = 0; i < n; i++) {
        const struct summary_row *r = &rows[i];
        block_label(r, label, sizeof label);
        if (r->t.cv > CV_WARN)
            warnings_add(&st->warnings, "%s: run times vary by %.1f%% (coefficient "
                         "of variation above %.0f%%)", label, 100 * r->t.cv,
                         100 * CV_WARN);
        if (r->t.min < TIMER_TICKS_MIN * tick)
            warnings_add(&st->warnings, "%s: the shortest run (%.3g s) is under %d "
                         "timer ticks of %.3g s", label, r->t.min, TIMER_TICKS_MIN, tick);
    }
}

/* metrics_summary.csv from the whole metrics.csv (when there is one); the
 * metrics table of this run on stdout. */
static int metrics_tables(struct study *st, errmsg_t *err)
{
    if (access(st->metrics_path, F_OK) != 0)
        return STATUS_OK;
    struct metrics_acc *all = NULL, *own = NULL;
    const struct metric_summary *rows;
    size_t n;
    int rc = metrics_acc_new(&all, true, err);
    if (rc == STATUS_OK)
        rc = metrics_acc_file(all, st->metrics_path, NULL, false, err);
    if (rc == STATUS_OK && (rc = metrics_acc_finish(all, &rows, &n, err)) == STATUS_OK)
        rc = metrics_summary_write(st->metrics_summary_path, rows, n, err);
    if (rc == STATUS_OK)
        rc = metrics_acc_new(&own, false, err);
    if (rc == STATUS_OK)
        rc = metrics_acc_file(own, st->metrics_path, st->run_id, false, err);
    if (rc == STATUS_OK && (rc = metrics_acc_finish(own, &rows, &n, err)) == STATUS_OK) {
        metrics_report(stdout, rows, n);
        fflush(stdout);
    }
    metrics_acc_free(all);
    metrics_acc_free(own);
    return rc;
}

/* splits.csv from every run of the file (when a block has splits). */
static int splits_of_all(struct study *st, const struct tables_study *t, errmsg_t *err)
{
    struct splits_table all;
    int rc = splits_build(t->all_runs, t->all, t->nall, &all, err);
    if (rc == STATUS_OK)
        rc = splits_write(st->sw->output_dir, &all, err);
    splits_free(&all);
    return rc;
}

/* summary.csv, models.csv and splits.csv from the whole runs.csv; the
 * table of this run, its models and its splits on stdout. */
static int finish_tables(struct study *st, errmsg_t *err)
{
    struct tables_study t;
    int rc = tables_study(st->runs_path, st->run_id, &t, err);
    if (rc == STATUS_OK)
        rc = summary_write(st->summary_path, t.all, t.nall, err);
    if (rc == STATUS_OK)
        rc = models_table_write_fitting(st->sw->output_dir, t.all_runs, t.all, t.nall,
                                        err);
    if (rc == STATUS_OK)
        rc = splits_of_all(st, &t, err);
    if (rc == STATUS_OK) {
        /* runs that did not complete and were not measured again count too */
        if (t.mismatches + t.unfinished > st->sweep.mismatches)
            st->sweep.mismatches = t.mismatches + t.unfinished;
        printf("ompsweep run %s on %s\n", st->run_id, st->host);
        report_table(stdout, t.own, t.nown, &t.own_models);
        splits_report(stdout, &t.own_splits);
        fflush(stdout);
        result_warnings(st, t.own, t.nown);
    }
    tables_study_free(&t);
    return rc == STATUS_OK ? metrics_tables(st, err) : rc;
}

static int sweep_all(struct study *st, errmsg_t *err)
{
    struct sweep *s = &st->sweep;
    /* elbow.csv: once per run, from the first variant of the first child */
    bool results = par_root() && (!st->role.active || st->role.index == 0);
    for (int i = 0; i < st->req->nworkloads && !s->interrupted && !s->failed; i++) {
        const struct study_workload *sel = &st->req->workloads[i];
        struct workload *prepared = st->sw->scaling == SCALING_WEAK ? NULL : st->w[i];
        int rc = sweep_workload(s, sel->kind, sel->opts, prepared, err);
        if (rc != STATUS_OK)
            return rc;
        if (results && prepared != NULL && prepared[0].results != NULL &&
            !s->interrupted && !s->failed && s->runs_done > 0) {
            rc = prepared[0].results(prepared[0].state, st->sw->output_dir, st->run_id,
                                     err);
            if (rc != STATUS_OK)
                return rc;
        }
    }
    return STATUS_OK;
}

/* The (bind, places) combinations, each in a child process; NULL stands
 * for the environment's value when the option was not given. */
static int run_children(struct study *st, errmsg_t *err)
{
    const struct sweep_options *sw = st->sw;
    int nb = sw->nbinds > 0 ? sw->nbinds : 1, np = sw->nplaces > 0 ? sw->nplaces : 1;
    double started = omp_get_wtime();
    for (int b = 0; b < nb; b++) {
        for (int p = 0; p < np; p++) {
            struct child_request req = {
                .argv = st->argv, .run_id = st->run_id, .index = b * np + p,
                .count = nb * np, .elapsed = omp_get_wtime() - started,
                .bind = sw->nbinds > 0 ? sw->binds[b] : NULL,
                .places = sw->nplaces > 0 ? sw->places[p] : NULL};
            int status, rc = child_run(&req, &st->warnings, &st->affinity, &status, err);
            if (rc != STATUS_OK)
                return rc;
            if (status == STATUS_SIGINT || status == STATUS_SIGTERM) {
                st->sweep.interrupted = status == STATUS_SIGINT ? SIGINT : SIGTERM;
                return STATUS_OK;
            }
            if (status == STATUS_VERIFY && st->sweep.mismatches == 0)
                st->sweep.mismatches = 1; /* even when it wrote no row (exec) */
            if (status != STATUS_OK && status != STATUS_VERIFY)
                return errmsg_set(err, status, "the child for bind=%s places=%s "
                                  "ended with exit status %d", req.bind ? req.bind : "-",
                                  req.places ? req.places : "-", status);
        }
    }
    return STATUS_OK;
}

/* The exit status of a finished sweep: verification, then interruption. */
static int outcome(const struct study *st, errmsg_t *err)
{
    const struct sweep *s = &st->sweep;
    bool none = s->runs_done == 0 && (s->resume == NULL || s->resume->n == 0);
    char rows[OUTPUT_PATH_MAX + 32];
    snprintf(rows, sizeof rows, none ? "no run was recorded" : "rows so far are in %s",
             st->runs_path);
    if (s->failed != 0) /* a run failed outright (exec): its own message */
        return errmsg_set(err, s->failed, "%s%s (%s)", s->failure.text,
                          s->failed_in_warmup ? "; in a warm-up run" : "", rows);
    if (s->mismatches > 0)
        return errmsg_set(err, STATUS_VERIFY, "verification FAILED: %d run(s) "
                          "differ from the first run's checksum, failed their "
                          "check or did not complete (see verified and status in "
                          "%s)%s%s", s->mismatches, st->runs_path,
                          s->mismatch[0] ? "; " : "", s->mismatch);
    if (s->interrupted)
        return errmsg_set(err, signals_exit_status(s->interrupted), "interrupted; "
                          "rows written so far are in %s (continue with --resume)",
                          st->runs_path);
    return STATUS_OK;
}

/* More threads than CPUs. A Slurm step holding fewer CPUs than its job's
 * SLURM_CPUS_PER_TASK is almost always srun of 22.05-23.02, which ignores
 * that variable: the warning then says so and gives the fix. */
static void warn_oversubscribed(struct warnings *w, int most, int logical)
{
    struct envinfo_job job;
    envinfo_job(&job);
    if (job.slurm_job_id != NULL && job.slurm_cpus_per_task > logical)
        warnings_add(w, "%d threads exceed the %d logical CPUs this Slurm step may "
                     "use, fewer than SLURM_CPUS_PER_TASK=%d: oversubscribed (srun of "
                     "Slurm 22.05-23.02 ignores that variable); pass "
                     "--cpus-per-task=%d to srun", most, logical,
                     job.slurm_cpus_per_task, job.slurm_cpus_per_task);
    else
        warnings_add(w, "%d threads exceed the %d logical CPUs OpenMP may use: "
                     "oversubscribed, times will not scale", most, logical);
}

/* Cells of exec --launcher whose ranks x threads exceed the usable CPUs. */
static void warn_oversubscribed_cells(struct warnings *w, const struct sweep_options *sw,
                                      int logical)
{
    char list[WARNING_TEXT / 2] = "";
    size_t used = 0;
    int n = 0;
    for (int r = 0; r < sw->nranks; r++)
        for (int t = 0; t < sw->nthreads; t++) {
            long cores = (long)sw->ranks[r] * sw->threads[t];
            if (cores <= logical || !sweep_cell_selected(sw, sw->ranks[r], sw->threads[t]))
                continue;
            if (used + 24 < sizeof list)
                used += (size_t)snprintf(list + used, sizeof list - used, "%s%dx%d",
                                         n ? ", " : "", sw->ranks[r], sw->threads[t]);
            n++;
        }
    if (n > 0)
        warnings_add(w, "%d cell(s) (%s%s) run more ranks x threads than the %d logical "
                     "CPUs ompsweep may use: oversubscribed, times will not scale", n,
                     list, used + 24 >= sizeof list ? ", ..." : "", logical);
}

/* Conditions known before the sweep that make its figures suspect. */
static void startup_warnings(struct study *st)
{
    const struct sweep_options *sw = st->sw;
    struct envinfo_cpu cpu;
    envinfo_cpu(&cpu);
    int most = sw->threads[sw->nthreads - 1];
    if (most > cpu.logical)
        warn_oversubscribed(&st->warnings, most, cpu.logical);
    else if (cpu.smt && most > cpu.physical_cores)
        warnings_add(&st->warnings, "%d threads exceed the %d physical cores: "
                     "threads share cores through SMT", most, cpu.physical_cores);
    warn_oversubscribed_cells(&st->warnings, sw, cpu.logical);
    if (!envinfo_optimized())
        warnings_add(&st->warnings, "unoptimized build (OPTIMIZE=0): times are "
                     "not representative");
    if (envinfo_sanitized())
        warnings_add(&st->warnings, "sanitizer build (SANITIZE=1): times are "
                     "not representative");
    if (sw->repeats < STATS_CI_MIN_N)
        warnings_add(&st->warnings, "%d repeat%s: the 95%% confidence interval of "
                     "the median needs at least %d, its cells stay empty",
                     sw->repeats, sw->repeats == 1 ? "" : "s", STATS_CI_MIN_N);
}

/* Once per invocation, when a file of the output directory could not be
 * locked: concurrent jobs sharing it could lose rows. And any repair of a
 * table's torn last line. */
static void lock_warning(struct study *st)
{
    if (filelock_unlocked() && !st->lock_warned) {
        warnings_add(&st->warnings, "%s", filelock_unlocked_warning());
        st->lock_warned = true;
    }
    warnings_add_torn(&st->warnings);
}

/* One object per invocation in metadata.json, appended while runs.csv is
 * locked, so concurrent jobs sharing the directory never lose one. */
static int write_metadata(struct study *st, int status, errmsg_t *err)
{
    char end_time[CSV_KEY_MAX];
    envinfo_utc_now(end_time, sizeof end_time);
    lock_warning(st); /* elbow.csv may have been found unlockable meanwhile */
    const struct sweep_options *sw = st->sw;
    struct metadata_run run = {
        .run_id = st->run_id, .config_key = st->req->key, .start_time = st->start_time,
        .end_time = end_time, .output_dir = sw->output_dir, .argc = st->argc,
        .argv = st->argv, .threads = sw->threads, .nthreads = sw->nthreads,
        .repeats = sw->repeats, .warmup = sw->warmup, .seed = sw->seed,
        .order = sweep_order_name(sw->order), .order_seeded = sw->order == ORDER_RANDOM,
        .warnings = st->warnings.list, .nwarnings = st->warnings.n,
        .interrupted = st->sweep.interrupted != 0, .exit_status = status,
        .ranks = par_size(), .nodes = st->nodes, .mpi_library = st->mpi_library,
        .affinity = st->affinity.rec, .naffinity = st->affinity.n,
        .program = st->has_program ? &st->program : NULL};
    st->program.result_text = st->sweep.result_text;
    st->program.result_text_cut = st->sweep.result_text_cut;
    int rc = csv_runs_lock(&st->runs, err);
    if (rc != STATUS_OK)
        return rc;
    rc = metadata_append(st->metadata_path, &run, err);
    csv_runs_unlock(&st->runs);
    return rc;
}

/* After start-up: warn when the runtime did not take OMP_PROC_BIND or
 * OMP_PLACES as given (it ignores values it cannot use). */
static void runtime_warnings(struct study *st)
{
    char why[WARNING_TEXT];
    if (!affinity_runtime_matches(st->bind, st->places, why, sizeof why))
        warnings_add(&st->warnings, "%s", why);
}

/* This process's own measurements: a plain study, or a child's share. */
static int measure(struct study *st, errmsg_t *err)
{
    struct sweep *s = &st->sweep;
    *s = (struct sweep){.opt = st->sw, .runs = &st->runs, .run_id = st->run_id,
                        .host = st->host, .bind = st->bind, .places = st->places,
                        .started = omp_get_wtime(),
                        .cells_total = count_blocks(st) * st->sw->repeats,
                        .resume = st->sw->resume ? &st->resume : NULL,
                        .affinity = &st->affinity, .offset = st->role.elapsed,
                        .metrics = st->metrics.fd >= 0 ? &st->metrics : NULL,
                        .warnings = &st->warnings,
                        .later_parts = st->role.active ? st->role.count - st->role.index - 1 : 0};
    if (par_root())
        runtime_warnings(st);
    return sweep_all(st, err);
}

/* Tables, the exit status, and metadata (written even when verification
 * failed or a signal came). A child leaves all of it to its parent. */
static int finish(struct study *st, int rc, errmsg_t *err)
{
    if (st->role.active) {
        child_send(&st->role, &st->warnings, &st->affinity);
        return rc == STATUS_OK ? outcome(st, err) : rc;
    }
    if (rc == STATUS_OK && par_root())
        rc = finish_tables(st, err);
    if (rc == STATUS_OK) {
        rc = outcome(st, err); /* the same on every rank: results were shared */
        st->agreed = true;
    }
    if (par_root() && (rc == STATUS_OK || rc == STATUS_VERIFY || st->sweep.interrupted)) {
        errmsg_t merr;
        int mrc = write_metadata(st, rc, &merr);
        if (mrc != STATUS_OK) {
            *err = merr;
            rc = mrc;
        }
    }
    return rc;
}

static int run_study(struct study *st, errmsg_t *err)
{
    int rc = open_outputs(st, err);
    if (rc != STATUS_OK)
        return rc;
    st->agreed = false; /* from here on a failure may be one rank's alone */
    envinfo_hostname(st->host, sizeof st->host);
    envinfo_utc_now(st->start_time, sizeof st->start_time);
    st->nodes = par_nodes(); /* collective: every rank asks */
    par_library_version(st->mpi_library, sizeof st->mpi_library);
    if (par_root() && !st->role.active) {
        startup_warnings(st);
        lock_warning(st); /* runs.csv was locked (or not) at open */
        st->affinity.startup_checked = true;
    }
    if (par_root()) /* where threads share CPUs or cores: warned per block */
        st->affinity.warnings = &st->warnings;
    if (st->parent) {
        destroy_workloads(st); /* the children set up their own */
        rc = run_children(st, err);
    } else {
        rc = measure(st, err);
    }
    rc = finish(st, rc, err);
    int close_rc = csv_runs_close(&st->runs, rc == STATUS_OK ? err : NULL);
    if (close_rc == STATUS_OK)
        close_rc = csv_runs_close(&st->metrics, rc == STATUS_OK ? err : NULL);
    return rc == STATUS_OK ? close_rc : rc;
}

int study_run(const struct study_request *req, bool *agreed, errmsg_t *err)
{
    struct study *st = calloc(1, sizeof *st);
    if (st == NULL)
        return errmsg_set(err, STATUS_NOMEM, "out of memory");
    st->req = req;
    st->sw = req->sweep;
    st->argc = req->argc;
    st->argv = req->argv;
    st->agreed = true; /* setup fails alike on every rank */
    st->runs.fd = -1;
    st->metrics.fd = -1;
    warnings_init(&st->warnings);
    int rc = req->nworkloads <= STUDY_MAX_WORKLOADS
                 ? assign_role(st, err)
                 : errmsg_set(err, STATUS_USAGE, "more than %d workloads", STUDY_MAX_WORKLOADS);
    if (rc == STATUS_OK)
        rc = setup_workloads(st, err);
    if (rc == STATUS_OK && signals_install() != 0)
        rc = errmsg_set(err, STATUS_IO, "cannot install signal handlers");
    if (rc == STATUS_OK)
        rc = run_study(st, err);
    destroy_workloads(st);
    free(st->sweep.result_text);
    affinity_log_free(&st->affinity);
    resume_free(&st->resume);
    *agreed = st->agreed;
    free(st);
    return rc;
}
