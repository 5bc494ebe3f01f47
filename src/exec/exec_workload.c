/* exec_workload: see exec_workload.h. */
#include "exec/exec_workload.h"

#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/openmp.h"
#include "base/par.h"
#include "exec/exec_match.h"
#include "exec/exec_launcher.h"
#include "exec/exec_names.h"
#include "exec/exec_proc.h"
#include "exec/exec_program.h"
#include "exec/exec_reference.h"
#include "exec/exec_spread.h"
#include "study/record/envinfo.h"
#include "base/signals.h"
#include "study/record/warnings.h"

extern char **environ;

enum {
    TAIL_LINES = 3,      /* of the program's stderr (or stdout) in a failure message */
    TAIL_TEXT = 512,
    ENV_TEXT = 64,       /* "OMP_NUM_THREADS=N", "OMP_SCHEDULE=kind,chunk" */
    OWN_ENV_VARS = 2,
    NUMBER_TIME = 0,     /* the number patterns: --time, --work, the metrics */
    NUMBER_WORK = 1,
    NUMBER_METRICS = 2
};
_Static_assert((int)EXEC_MAX_VALUES <= (int)EXEC_RESULTS_MAX, "a --result per scan slot");
_Static_assert((int)NUMBER_METRICS + (int)EXEC_MAX_VALUES <= (int)EXEC_NUMBERS_MAX,
               "a --metric per scan slot");

static const char ENV_THREADS[] = "OMP_NUM_THREADS=";
static const char ENV_SCHEDULE[] = "OMP_SCHEDULE=";
static const char NOT_COMPARED[] = "outputs not compared (no --result)";

struct exec_state {
    const struct exec_options *o;
    const struct sweep_options *sw;
    char path[PATH_MAX];     /* absolute under --chdir */
    struct exec_pattern results[EXEC_MAX_VALUES];
    struct exec_pattern numbers[EXEC_NUMBERS_MAX];
    bool work_constant;      /* --work N */
    double work_value;
    char **env;  /* environ without the variables each run sets, then those */
    size_t env_own;          /* index of the first of our entries */
    char *env_values[EXEC_MAX_VALUES]; /* --env with {threads} replaced, this run */
    char threads_var[ENV_TEXT], schedule_var[2 * ENV_TEXT];
    char schedule[ENV_TEXT]; /* OMP_SCHEDULE of this run, "" when inherited */
    char **argv;
    cpu_set_t cpus;
    bool has_cpus;
    int threads;
    int ranks;               /* of this block; 1 without --launcher */
    bool launched;           /* --launcher: the program runs as MPI ranks */
    struct exec_launcher launcher;
    int ncpus, ncores;       /* the CPUs of `cpus` and their cores */
    char **vars;             /* the variables the launcher passes on, this run */
    int nvars;
    char **run_argv;         /* the launcher's command line, this run */
    char cell[EXEC_CELL_TEXT]; /* "threads=2", "ranks=2 threads=1" */
    char *text;              /* the scan's result text */
    struct exec_scan scan;
    struct exec_outcome outcome;
    struct exec_reference ref;
    struct exec_spread spread;
    struct metric_value metrics[EXEC_MAX_VALUES];
    char differs[ERRMSG_MAX]; /* how this run's result differs from the first */
    int within, checked;      /* runs only within --result-tolerance, of all */
    char first_within[ERRMSG_MAX]; /* the first of them: how */
    int verdict; /* STATUS_OK, or why this run counts as failed */
    errmsg_t why;
};

/* One variant: the program. */
static int exec_workload_variants(const void *opts)
{
    (void)opts;
    return 1;
}

static const struct exec_tolerance *tolerance(const struct exec_options *o,
                                              struct exec_tolerance *t)
{
    *t = (struct exec_tolerance){o->tol_rel, o->tol_abs};
    return o->tolerance ? t : NULL;
}

static int compile_patterns(struct exec_state *st, const struct exec_options *o,
                            errmsg_t *err)
{
    int rc = STATUS_OK;
    for (int i = 0; rc == STATUS_OK && i < o->nresults; i++)
        rc = exec_pattern_compile(&st->results[i], "--result", o->results[i], err);
    st->work_constant = o->work != NULL && exec_number(o->work, &st->work_value);
    if (st->work_constant && st->work_value < 0)
        return errmsg_set(err, STATUS_USAGE, "--work: '%s' is below 0", o->work);
    if (rc == STATUS_OK)
        rc = exec_pattern_compile(&st->numbers[NUMBER_TIME], "--time", o->time, err);
    if (rc == STATUS_OK)
        rc = exec_pattern_compile(&st->numbers[NUMBER_WORK], "--work",
                                  st->work_constant ? NULL : o->work, err);
    for (int i = 0; rc == STATUS_OK && i < o->nmetrics; i++)
        rc = exec_pattern_compile(&st->numbers[NUMBER_METRICS + i], "--metric",
                                  o->metrics[i].pattern, err);
    return rc;
}

static void free_patterns(struct exec_state *st)
{
    for (int i = 0; i < EXEC_MAX_VALUES; i++)
        exec_pattern_free(&st->results[i]);
    for (int i = 0; i < EXEC_NUMBERS_MAX; i++)
        exec_pattern_free(&st->numbers[i]);
}

int exec_workload_check(const struct exec_options *o, const struct sweep_options *sw,
                        errmsg_t *err)
{
    if (par_mpi_build())
        return errmsg_set(err, STATUS_USAGE, "exec: not available in an MPI build "
                          "(fork under MPI is unsafe); use ompsweep built without MPI=1, "
                          "which runs MPI programs through --launcher");
    struct exec_state *st = calloc(1, sizeof *st);
    if (st == NULL)
        return errmsg_set(err, STATUS_NOMEM, "exec: out of memory");
    struct stat dir;
    int rc = exec_proc_resolve(o->command[0], st->path, sizeof st->path, err);
    if (rc == STATUS_OK)
        rc = compile_patterns(st, o, err);
    if (rc == STATUS_OK && o->chdir != NULL &&
        (stat(o->chdir, &dir) != 0 || !S_ISDIR(dir.st_mode)))
        rc = errmsg_set(err, STATUS_USAGE, "--chdir: '%s' is not a directory",
                        o->chdir);
    if (rc == STATUS_OK)
        rc = exec_names_check(o, sw->scaling, err);
    if (rc == STATUS_OK && o->launcher != NULL)
        rc = exec_launcher_init(&st->launcher, o->launcher, err);
    exec_launcher_free(&st->launcher);
    free_patterns(st);
    free(st);
    return rc;
}

/* Whether environ entry e is one of the variables each run sets itself. */
static bool set_by_us(const struct exec_options *o, bool schedules_given, const char *e)
{
    if (strncmp(e, ENV_THREADS, sizeof ENV_THREADS - 1) == 0)
        return true;
    if (schedules_given && strncmp(e, ENV_SCHEDULE, sizeof ENV_SCHEDULE - 1) == 0)
        return true;
    for (int i = 0; i < o->nenv; i++) {
        size_t n = strcspn(o->env[i], "=") + 1; /* "NAME=" */
        if (strncmp(e, o->env[i], n) == 0)
            return true;
    }
    return false;
}

/* Our environment without the variables each run sets (OMP_NUM_THREADS;
 * OMP_SCHEDULE under --schedule; --env's), then room for those. Without
 * --schedule the program gets the environment's OMP_SCHEDULE, or none. */
static int build_env(struct exec_state *st)
{
    const struct exec_options *o = st->o;
    size_t n = 0, kept = 0;
    while (environ[n] != NULL)
        n++;
    st->env = malloc((n + OWN_ENV_VARS + (size_t)o->nenv + 1) * sizeof *st->env);
    st->vars = malloc((n + OWN_ENV_VARS + (size_t)o->nenv + 1) * sizeof *st->vars);
    if (st->env == NULL || st->vars == NULL)
        return STATUS_NOMEM;
    for (size_t i = 0; i < n; i++)
        if (!set_by_us(o, st->sw->schedules_given, environ[i]))
            st->env[kept++] = environ[i];
    st->env[kept++] = st->threads_var;
    if (st->sw->schedules_given)
        st->env[kept++] = st->schedule_var;
    st->env_own = kept;
    for (int i = 0; i < o->nenv; i++)
        st->env[kept++] = (char *)o->env[i];
    st->env[kept] = NULL;
    return STATUS_OK;
}

/* The program starts on the CPUs ompsweep's threads may use (see
 * envinfo_usable_cpus), as it would have started without ompsweep: the
 * runtime may have pinned ompsweep's main thread to one place at start-up
 * (libgomp when it binds; LLVM's libomp under OMP_PLACES even with
 * OMP_PROC_BIND=false), and the program would inherit that one place.
 * Their count and cores lay a launcher's ranks out. */
static void usable_cpus(struct exec_state *st)
{
    struct envinfo_topology *topo = malloc(sizeof *topo);
    envinfo_usable_cpus(&st->cpus);
    st->ncpus = CPU_COUNT(&st->cpus);
    st->has_cpus = st->ncpus > 0;
    if (topo != NULL)
        envinfo_topology(topo, &st->cpus);
    st->ncores = topo != NULL ? envinfo_topology_cores(topo, &st->cpus) : 0;
    if (st->ncores <= 0) /* unknown topology: each CPU a core */
        st->ncores = st->ncpus;
    free(topo);
}

/* OMP_NUM_THREADS (and OMP_SCHEDULE under --schedule) as the sweep set
 * them for this block. */
static void set_block_env(struct exec_state *st)
{
    static const char *const kinds[] = {"static", "static", "dynamic", "guided", "auto"};
    omp_sched_t kind;
    int chunk;
    omp_get_schedule(&kind, &chunk);
    unsigned k = (unsigned)kind & ~(unsigned)omp_sched_monotonic;
    const char *name = k < sizeof kinds / sizeof kinds[0] ? kinds[k] : "static";
    st->threads = omp_get_max_threads();
    snprintf(st->threads_var, sizeof st->threads_var, "%s%d", ENV_THREADS, st->threads);
    if (st->launched)
        snprintf(st->cell, sizeof st->cell, "ranks=%d threads=%d", st->ranks, st->threads);
    else
        snprintf(st->cell, sizeof st->cell, "threads=%d", st->threads);
    if (!st->sw->schedules_given)
        st->schedule[0] = '\0';
    else if (chunk > 0)
        snprintf(st->schedule, sizeof st->schedule, "%s,%d", name, chunk);
    else
        snprintf(st->schedule, sizeof st->schedule, "%s", name);
    snprintf(st->schedule_var, sizeof st->schedule_var, "%s%s", ENV_SCHEDULE, st->schedule);
}

static void on_line(void *ctx, const char *line, size_t len)
{
    struct exec_state *st = ctx;
    (void)len;
    exec_scan_line(&st->scan, st->results, st->o->nresults, st->numbers,
                   EXEC_NUMBERS_MAX, line);
}

static bool says_something(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (isalnum((unsigned char)s[i]))
            return true;
    return false;
}

/* The last TAIL_LINES lines of a stream's tail that say something (rules
 * of '=' or '-' left out), " | "-joined, into buf. */
static void last_lines(const char *tail, char *buf, size_t cap)
{
    size_t starts[TAIL_LINES], ends[TAIL_LINES], end = strlen(tail);
    int n = 0;
    while (end > 0 && n < TAIL_LINES) {
        size_t start = end;
        while (start > 0 && tail[start - 1] != '\n')
            start--;
        size_t e = end;
        while (e > start && (tail[e - 1] == '\r' || tail[e - 1] == '\n'))
            e--;
        if (says_something(tail + start, e - start))
            starts[n] = start, ends[n++] = e;
        end = start > 0 ? start - 1 : 0;
    }
    size_t used = 0;
    buf[0] = '\0';
    for (int i = n - 1; i >= 0 && used < cap; i--)
        used += (size_t)snprintf(buf + used, cap - used, "%s%.*s", i < n - 1 ? " | " : "",
                                 (int)(ends[i] - starts[i]), tail + starts[i]);
}

/* What the program said before it ended: its stderr, else its stdout
 * (XSBench gives its reason there). */
static void last_words(const struct exec_outcome *o, char *buf, size_t cap)
{
    char text[TAIL_TEXT];
    last_lines(o->tail, text, sizeof text);
    if (text[0] != '\0') {
        snprintf(buf, cap, "; stderr: %s", text);
        return;
    }
    last_lines(o->out_tail, text, sizeof text);
    snprintf(buf, cap, "; stderr empty%s%s", text[0] ? "; stdout: " : "", text);
}

static bool exit_ok(const struct exec_options *o, int code)
{
    return code == 0 || (code > 0 && code < EXEC_EXIT_CODES &&
                         (o->ok_exit[code / 8] >> (code % 8) & 1u) != 0);
}

/* Why the run ended badly, from its status alone; false when it exited 0
 * (or with an --ok-exit status). */
static bool failed_status(struct exec_state *st)
{
    const struct exec_outcome *o = &st->outcome;
    const char *prog = st->o->command[0];
    char words[2 * TAIL_TEXT], at[64];
    last_words(o, words, sizeof words);
    snprintf(at, sizeof at, "at %s", st->cell);
    if (o->timed_out)
        errmsg_set(&st->why, STATUS_VERIFY, "exec: %s timed out after %g s "
                   "(--timeout) %s%s", prog, st->o->timeout, at, words);
    else if (o->signal != 0)
        errmsg_set(&st->why, STATUS_VERIFY, "exec: %s was killed by signal %d (%s) "
                   "%s%s", prog, o->signal, strsignal(o->signal), at, words);
    else if (!exit_ok(st->o, o->exit_code))
        errmsg_set(&st->why, STATUS_VERIFY, "exec: %s exited with status %d %s%s",
                   prog, o->exit_code, at, words);
    else
        return false;
    return true;
}

/* The number pattern i found nothing, or no number (time and work: none
 * below 0): the run fails. */
static bool number_missing(const struct exec_state *st, int i, double *v)
{
    if (!st->numbers[i].active)
        return false;
    if (!st->scan.found[i] || !exec_number(st->scan.number[i], v))
        return true;
    return i < NUMBER_METRICS && *v < 0;
}

static void fail_output(struct exec_state *st, const struct exec_pattern *p, const char *text)
{
    const char *prog = st->o->command[0];
    if (text != NULL && text[0] != '\0')
        errmsg_set(&st->why, STATUS_VERIFY, "exec: %s: '%s' is not a number%s (from '%s' "
                   "in the output of %s at %s)", p->option, text,
                   p == &st->numbers[NUMBER_TIME] || p == &st->numbers[NUMBER_WORK]
                       ? " >= 0" : "", p->text, prog, st->cell);
    else
        errmsg_set(&st->why, STATUS_VERIFY, "exec: %s: '%s' matched nothing in the "
                   "output of %s at %s", p->option, p->text, prog, st->cell);
}

/* A pattern that found nothing (or no number) makes the run fail. */
static bool failed_output(struct exec_state *st)
{
    double v;
    for (int i = 0; i < st->o->nresults; i++)
        if (st->scan.matched[i] == 0) {
            fail_output(st, &st->results[i], NULL);
            return true;
        }
    for (int i = 0; i < EXEC_NUMBERS_MAX; i++)
        if (number_missing(st, i, &v)) {
            fail_output(st, &st->numbers[i], st->scan.found[i] ? st->scan.number[i] : NULL);
            return true;
        }
    return false;
}

static void judge(struct exec_state *st)
{
    if (st->outcome.interrupted != 0)
        st->verdict = signals_exit_status(st->outcome.interrupted);
    else if (failed_status(st) || failed_output(st))
        st->verdict = STATUS_VERIFY;
    else
        st->verdict = STATUS_OK;
}

/* The variables a launcher passes on to every rank: each OMP_* of the
 * run's environment, and --env's. */
static void launcher_vars(struct exec_state *st)
{
    st->nvars = 0;
    for (size_t i = 0; st->env[i] != NULL; i++)
        if (strncmp(st->env[i], "OMP_", 4) == 0 ||
            (i >= st->env_own && i < st->env_own + (size_t)st->o->nenv))
            st->vars[st->nvars++] = st->env[i];
}

/* The launcher's command line of this run, for its cell. */
static bool launch_line(struct exec_state *st)
{
    struct exec_cell cell = {st->ranks, st->threads, st->ncpus, st->ncores};
    launcher_vars(st);
    st->run_argv = exec_launcher_argv(&st->launcher, &cell, st->vars, st->nvars,
                                      st->argv, st->o->ncommand);
    return st->run_argv != NULL;
}

/* The arguments and --env values of this run, {ranks} and {threads}
 * replaced (the program by its resolved path when a launcher starts it),
 * and the launcher's command line; false when out of memory. */
static bool build_run(struct exec_state *st)
{
    const struct exec_options *o = st->o;
    for (int i = 0; i < o->ncommand; i++) {
        st->argv[i] = i > 0 ? exec_substitute_cell(o->command[i], st->ranks, st->threads)
                      : st->launched ? st->path : o->command[0];
        if (st->argv[i] == NULL)
            return false;
    }
    st->argv[o->ncommand] = NULL;
    for (int i = 0; i < o->nenv; i++) {
        st->env_values[i] = exec_substitute_cell(o->env[i], st->ranks, st->threads);
        if (st->env_values[i] == NULL)
            return false;
        st->env[st->env_own + (size_t)i] = st->env_values[i];
    }
    return !st->launched || launch_line(st);
}

static void free_run(struct exec_state *st)
{
    for (int i = 1; i < st->o->ncommand; i++) {
        free(st->argv[i]);
        st->argv[i] = NULL;
    }
    for (int i = 0; i < st->o->nenv; i++) {
        free(st->env_values[i]);
        st->env_values[i] = NULL;
    }
    exec_launcher_argv_free(st->run_argv);
    st->run_argv = NULL;
}

static void exec_reset_hook(void *state) { (void)state; }

/* The block's rank count, for the launcher (set before its runs). */
static void exec_ranks_hook(void *state, int ranks)
{
    struct exec_state *st = state;
    st->ranks = ranks;
}

/* Timed by the sweep, but the time recorded is the program's own: fork to
 * reap, or --time's number (see exec_check_hook). */
static void exec_run_hook(void *state)
{
    struct exec_state *st = state;
    set_block_env(st);
    exec_scan_start(&st->scan, st->text, st->o->tolerance);
    memset(&st->outcome, 0, sizeof st->outcome);
    if (signals_pending() != 0) { /* stopping: do not start another run */
        st->outcome.interrupted = signals_pending();
        judge(st);
        return;
    }
    struct exec_spawn sp = {
        .path = st->path, .argv = st->argv, .envp = st->env,
        .cpus = st->has_cpus ? &st->cpus : NULL, .dir = st->o->chdir,
        .timeout = st->o->timeout, .show_output = st->o->show_output,
        .on_line = on_line, .ctx = st};
    bool built = build_run(st);
    if (st->launched) {
        sp.path = st->launcher.path;
        sp.argv = st->run_argv;
    }
    if (!built)
        st->verdict = errmsg_set(&st->why, STATUS_NOMEM, "exec: out of memory");
    else if ((st->verdict = exec_proc_run(&sp, &st->outcome, &st->why)) == STATUS_OK)
        judge(st);
    free_run(st);
}

static int exec_outcome_hook(void *state, errmsg_t *err)
{
    struct exec_state *st = state;
    if (st->verdict != STATUS_OK)
        *err = st->why;
    return st->verdict;
}

/* Seconds, work and metrics of a verified run. */
static void read_numbers(struct exec_state *st, struct workload_result *out)
{
    const struct exec_options *o = st->o;
    double v = 1.0;
    if (st->numbers[NUMBER_TIME].active && exec_number(st->scan.number[NUMBER_TIME], &v)) {
        out->seconds = v;
        exec_spread_add(&st->spread, st->launched ? st->ranks : 0, st->threads, st->schedule, v,
                        exec_number_resolution(st->scan.number[NUMBER_TIME]));
    }
    v = st->work_constant ? st->work_value : 1.0;
    if (st->numbers[NUMBER_WORK].active)
        exec_number(st->scan.number[NUMBER_WORK], &v);
    out->work = v < 1.8e19 ? (uint64_t)floor(v + 0.5) : UINT64_MAX;
    for (int i = 0; i < o->nmetrics; i++) {
        st->metrics[i] = (struct metric_value){o->metrics[i].name, 0.0,
                                                  o->metrics[i].lower_better};
        exec_number(st->scan.number[NUMBER_METRICS + i], &st->metrics[i].value);
    }
    out->metrics = o->nmetrics > 0 ? st->metrics : NULL;
    out->nmetrics = o->nmetrics;
}

static void exec_check_hook(void *state, struct workload_result *out)
{
    struct exec_state *st = state;
    struct exec_tolerance tol;
    out->verified = st->verdict == STATUS_OK;
    out->status = st->outcome.timed_out ? RUN_STATUS_TIMEOUT
                  : out->verified   ? RUN_STATUS_OK : RUN_STATUS_FAILED;
    out->checksum = st->o->nresults > 0 ? st->scan.hash : 0;
    out->timed = true;
    out->seconds = st->outcome.seconds;
    out->work = 1;
    if (out->verified && st->o->nresults > 0) {
        out->text = st->scan.text;
        out->text_cut = st->scan.cut;
        enum exec_agreement a = exec_reference_check(&st->ref, &st->scan, st->cell,
                                                     tolerance(st->o, &tol), st->differs,
                                                     sizeof st->differs);
        st->checked++;
        if (a == EXEC_WITHIN && st->within++ == 0)
            snprintf(st->first_within, sizeof st->first_within, "%s", st->differs);
        out->verified = a != EXEC_DIFFERENT;
        out->why = out->verified ? NULL : st->differs;
    }
    if (out->verified)
        read_numbers(st, out);
}

/* A coarse --time, and runs verified only within --result-tolerance: they
 * are right, but not digit for digit the first run's. */
static void exec_advise_hook(void *state, struct warnings *w)
{
    struct exec_state *st = state;
    if (st->o->time != NULL)
        exec_spread_advise(&st->spread, st->o->time, w);
    if (st->within > 0)
        warnings_add(w, "exec: %d of %d runs verified within --result-tolerance, not "
                     "digit for digit; first: %.160s", st->within, st->checked,
                     st->first_within);
}

static void exec_destroy_hook(void *state)
{
    struct exec_state *st = state;
    free_patterns(st);
    exec_reference_free(&st->ref);
    exec_spread_free(&st->spread);
    exec_launcher_free(&st->launcher);
    free(st->text);
    free(st->env);
    free(st->vars);
    free(st->argv);
    free(st);
}

static int prepare(struct exec_state *st, const struct exec_options *o, errmsg_t *err)
{
    char found[PATH_MAX];
    int rc = exec_proc_resolve(o->command[0], found, sizeof found, err);
    /* under --chdir a relative path would name another file */
    if (rc == STATUS_OK && (o->chdir == NULL || realpath(found, st->path) == NULL))
        snprintf(st->path, sizeof st->path, "%s", found);
    if (rc == STATUS_OK)
        rc = compile_patterns(st, o, err);
    if (rc == STATUS_OK)
        rc = exec_reference_init(&st->ref, err);
    st->launched = o->launcher != NULL;
    st->ranks = 1;
    if (rc == STATUS_OK && st->launched)
        rc = exec_launcher_init(&st->launcher, o->launcher, err);
    if (rc != STATUS_OK)
        return rc;
    st->text = malloc(EXEC_TEXT_MAX + 1);
    st->argv = calloc((size_t)o->ncommand + 1, sizeof *st->argv);
    if (st->text == NULL || st->argv == NULL || build_env(st) != STATUS_OK)
        return errmsg_set(err, STATUS_NOMEM, "exec: out of memory");
    usable_cpus(st);
    exec_proc_quiet_runtime(); /* before the sweep's first parallel region */
    return STATUS_OK;
}

static int exec_workload_create(const void *opts, const struct sweep_options *sw,
                                int variant, size_t scale, struct workload *w,
                                errmsg_t *err)
{
    const struct exec_options *o = opts;
    (void)variant;
    struct exec_state *st = calloc(1, sizeof *st);
    if (st == NULL)
        return errmsg_set(err, STATUS_NOMEM, "exec: out of memory");
    st->o = o;
    st->sw = sw;
    int rc = prepare(st, o, err);
    if (rc == STATUS_OK)
        rc = exec_names_fill(o, sw->scaling, scale, w->variant, sizeof w->variant,
                             w->size, sizeof w->size, err);
    if (rc != STATUS_OK) {
        exec_destroy_hook(st);
        return rc;
    }
    w->name = "exec";
    /* without --schedule the program keeps the environment's OMP_SCHEDULE:
     * the column is empty, the runtime's default */
    w->fixed_schedule = sw->schedules_given ? NULL : "";
    w->note = o->nresults > 0 ? NULL : NOT_COMPARED;
    w->state = st;
    w->reset = exec_reset_hook;
    w->set_ranks = o->launcher != NULL ? exec_ranks_hook : NULL;
    w->run = exec_run_hook;
    w->outcome = exec_outcome_hook;
    w->check = exec_check_hook;
    w->advise = exec_advise_hook;
    w->destroy = exec_destroy_hook;
    return STATUS_OK;
}

const struct workload_kind exec_kind = {
    .name = "exec",
    .summary = "your own program: ompsweep exec [options] -- PROGRAM [ARG...]",
    .synopsis = exec_synopsis,
    .usage = exec_usage,
    .options = exec_long_options,
    .options_size = sizeof(struct exec_options),
    .options_init = exec_options_init,
    .option = exec_options_apply,
    .command = exec_options_command,
    .validate = exec_options_validate,
    .key = exec_options_key,
    .metrics = exec_options_metrics,
    .describe = exec_program_describe,
    .variants = exec_workload_variants,
    .create = exec_workload_create,
};
