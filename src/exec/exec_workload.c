/* exec_workload: see exec_workload.h. */
#include "exec/exec_workload.h"

#include <limits.h>
#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/openmp.h"
#include "base/par.h"
#include "exec/exec_match.h"
#include "exec/exec_proc.h"
#include "study/signals.h"

extern char **environ;

enum {
    TAIL_LINES = 3,      /* of the program's stderr in a failure message */
    ENV_TEXT = 64,       /* "OMP_NUM_THREADS=N", "OMP_SCHEDULE=kind,chunk" */
    OWN_ENV_VARS = 2
};
static const char ENV_THREADS[] = "OMP_NUM_THREADS=";
static const char ENV_SCHEDULE[] = "OMP_SCHEDULE=";
static const char NOT_COMPARED[] = "outputs not compared (no --result)";

struct exec_state {
    const struct config *cfg;
    char path[PATH_MAX];
    struct exec_pattern result, time, work;
    char **env; /* environ without our variables, then ours, then NULL */
    char threads_var[ENV_TEXT], schedule_var[ENV_TEXT];
    char **argv;
    cpu_set_t cpus;
    bool has_cpus;
    int threads;
    struct exec_scan scan;
    struct exec_outcome outcome;
    int verdict; /* STATUS_OK, or why this run counts as failed */
    errmsg_t why;
};

/* text with every {threads} replaced by count; malloc'd, NULL when out of
 * memory. */
static char *substitute(const char *text, long count)
{
    static const char key[] = EXEC_THREADS_PLACEHOLDER;
    char number[32];
    size_t n = 0, klen = sizeof key - 1;
    int nlen = snprintf(number, sizeof number, "%ld", count);
    for (const char *p = strstr(text, key); p != NULL; p = strstr(p + klen, key))
        n++;
    char *out = malloc(strlen(text) + n * (size_t)nlen + 1), *o = out;
    if (out == NULL)
        return NULL;
    for (const char *p = text; *p != '\0';) {
        if (strncmp(p, key, klen) == 0) {
            memcpy(o, number, (size_t)nlen);
            o += nlen, p += klen;
        } else {
            *o++ = *p++;
        }
    }
    *o = '\0';
    return out;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash != NULL ? slash + 1 : path;
}

int exec_workload_variants(const struct config *cfg)
{
    (void)cfg;
    return 1;
}

static int compile_patterns(struct exec_state *st, const struct config *cfg,
                            errmsg_t *err)
{
    int rc = exec_pattern_compile(&st->result, "--result", cfg->exec_result, err);
    if (rc == STATUS_OK)
        rc = exec_pattern_compile(&st->time, "--time", cfg->exec_time, err);
    if (rc == STATUS_OK)
        rc = exec_pattern_compile(&st->work, "--work", cfg->exec_work, err);
    return rc;
}

static void free_patterns(struct exec_state *st)
{
    exec_pattern_free(&st->result);
    exec_pattern_free(&st->time);
    exec_pattern_free(&st->work);
}

int exec_workload_check(const struct config *cfg, errmsg_t *err)
{
    if (par_mpi_build())
        return errmsg_set(err, STATUS_USAGE, "exec: not available in an MPI build "
                          "(fork under MPI is unsafe); use ompsweep built without MPI=1");
    struct exec_state st;
    memset(&st, 0, sizeof st);
    int rc = exec_proc_resolve(cfg->command[0], st.path, sizeof st.path, err);
    if (rc == STATUS_OK)
        rc = compile_patterns(&st, cfg, err);
    free_patterns(&st);
    return rc;
}

/* Our environment without OMP_NUM_THREADS and OMP_SCHEDULE, which each run
 * sets; OMP_PROC_BIND and OMP_PLACES pass through as swept. */
static int build_env(struct exec_state *st)
{
    size_t n = 0, kept = 0;
    while (environ[n] != NULL)
        n++;
    st->env = malloc((n + OWN_ENV_VARS + 1) * sizeof *st->env);
    if (st->env == NULL)
        return STATUS_NOMEM;
    for (size_t i = 0; i < n; i++)
        if (strncmp(environ[i], ENV_THREADS, sizeof ENV_THREADS - 1) != 0 &&
            strncmp(environ[i], ENV_SCHEDULE, sizeof ENV_SCHEDULE - 1) != 0)
            st->env[kept++] = environ[i];
    st->env[kept++] = st->threads_var;
    st->env[kept++] = st->schedule_var;
    st->env[kept] = NULL;
    return STATUS_OK;
}

/* The runtime bound this process to one place at start-up when binding is
 * on; the program starts instead on every CPU of the places, as it would
 * have started without ompsweep. */
static void place_cpus(struct exec_state *st)
{
    int nplaces = omp_get_num_places();
    CPU_ZERO(&st->cpus);
    if (omp_get_proc_bind() == omp_proc_bind_false || nplaces <= 0)
        return;
    for (int p = 0; p < nplaces; p++) {
        int n = omp_get_place_num_procs(p);
        int *ids = malloc((size_t)(n > 0 ? n : 1) * sizeof *ids);
        if (ids == NULL)
            return;
        omp_get_place_proc_ids(p, ids);
        for (int i = 0; i < n; i++)
            if (ids[i] >= 0 && ids[i] < CPU_SETSIZE)
                CPU_SET(ids[i], &st->cpus);
        free(ids);
    }
    st->has_cpus = CPU_COUNT(&st->cpus) > 0;
}

/* OMP_NUM_THREADS and OMP_SCHEDULE as the sweep set them for this block. */
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
    if (chunk > 0)
        snprintf(st->schedule_var, sizeof st->schedule_var, "%s%s,%d", ENV_SCHEDULE,
                 name, chunk);
    else
        snprintf(st->schedule_var, sizeof st->schedule_var, "%s%s", ENV_SCHEDULE, name);
}

static void on_line(void *ctx, const char *line, size_t len)
{
    struct exec_state *st = ctx;
    (void)len;
    exec_scan_line(&st->scan, &st->result, &st->time, &st->work, line);
}

/* The last TAIL_LINES lines of stderr, " | "-joined, into buf. */
static void stderr_tail(const char *tail, char *buf, size_t cap)
{
    size_t end = strlen(tail);
    while (end > 0 && (tail[end - 1] == '\n' || tail[end - 1] == '\r'))
        end--;
    size_t start = end;
    for (int lines = 0; start > 0; start--)
        if (tail[start - 1] == '\n' && ++lines == TAIL_LINES)
            break;
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = start; i < end && used + 4 < cap; i++) {
        if (tail[i] == '\n')
            used += (size_t)snprintf(buf + used, cap - used, " | ");
        else
            buf[used++] = tail[i], buf[used] = '\0';
    }
}

/* Why the run ended badly, from its status alone; false when it exited 0. */
static bool failed_status(struct exec_state *st)
{
    const struct exec_outcome *o = &st->outcome;
    const char *prog = st->cfg->command[0];
    char tail[EXEC_TAIL_BYTES + 1], at[64];
    stderr_tail(o->tail, tail, sizeof tail);
    snprintf(at, sizeof at, "at threads=%d", st->threads);
    const char *sep = tail[0] != '\0' ? "; stderr: " : "; stderr empty";
    if (o->timed_out)
        errmsg_set(&st->why, STATUS_VERIFY, "exec: %s timed out after %g s "
                   "(--timeout) %s%s%s", prog, st->cfg->exec_timeout, at, sep, tail);
    else if (o->signal != 0)
        errmsg_set(&st->why, STATUS_VERIFY, "exec: %s was killed by signal %d (%s) "
                   "%s%s%s", prog, o->signal, strsignal(o->signal), at, sep, tail);
    else if (o->exit_code != 0)
        errmsg_set(&st->why, STATUS_VERIFY, "exec: %s exited with status %d %s%s%s",
                   prog, o->exit_code, at, sep, tail);
    else
        return false;
    return true;
}

/* A pattern that found nothing (or no number) makes the run fail. */
static bool failed_output(struct exec_state *st)
{
    const struct config *cfg = st->cfg;
    const char *prog = cfg->command[0];
    double v;
    const char *option = NULL, *pattern = NULL, *text = NULL;
    if (st->result.active && st->scan.nresult == 0)
        option = "--result", pattern = cfg->exec_result;
    else if (st->time.active && !(st->scan.has_time && exec_number(st->scan.time, &v)))
        option = "--time", pattern = cfg->exec_time, text = st->scan.time;
    else if (st->work.active && !(st->scan.has_work && exec_number(st->scan.work, &v)))
        option = "--work", pattern = cfg->exec_work, text = st->scan.work;
    if (option == NULL)
        return false;
    if (text != NULL && text[0] != '\0')
        errmsg_set(&st->why, STATUS_VERIFY, "exec: %s: '%s' is not a number >= 0 "
                   "(from '%s' in the output of %s at threads=%d)", option, text,
                   pattern, prog, st->threads);
    else
        errmsg_set(&st->why, STATUS_VERIFY, "exec: %s: '%s' matched nothing in the "
                   "output of %s at threads=%d", option, pattern, prog, st->threads);
    return true;
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

/* The arguments of this run, {threads} replaced; false when out of memory. */
static bool build_argv(struct exec_state *st)
{
    const struct config *cfg = st->cfg;
    for (int i = 0; i < cfg->ncommand; i++) {
        st->argv[i] = i == 0 ? cfg->command[0] : substitute(cfg->command[i], st->threads);
        if (st->argv[i] == NULL)
            return false;
    }
    st->argv[cfg->ncommand] = NULL;
    return true;
}

static void free_argv(struct exec_state *st)
{
    for (int i = 1; i < st->cfg->ncommand; i++) {
        free(st->argv[i]);
        st->argv[i] = NULL;
    }
}

static void exec_reset_hook(void *state) { (void)state; }

/* Timed by the sweep, but the time recorded is the program's own: fork to
 * reap, or --time's number (see exec_check_hook). */
static void exec_run_hook(void *state)
{
    struct exec_state *st = state;
    set_block_env(st);
    exec_scan_start(&st->scan);
    memset(&st->outcome, 0, sizeof st->outcome);
    if (signals_pending() != 0) { /* stopping: do not start another run */
        st->outcome.interrupted = signals_pending();
        judge(st);
        return;
    }
    struct exec_spawn sp = {
        .path = st->path, .argv = st->argv, .envp = st->env,
        .cpus = st->has_cpus ? &st->cpus : NULL, .timeout = st->cfg->exec_timeout,
        .show_output = st->cfg->exec_show_output, .on_line = on_line, .ctx = st};
    if (!build_argv(st))
        st->verdict = errmsg_set(&st->why, STATUS_NOMEM, "exec: out of memory");
    else if ((st->verdict = exec_proc_run(&sp, &st->outcome, &st->why)) == STATUS_OK)
        judge(st);
    free_argv(st);
}

static int exec_outcome_hook(void *state, errmsg_t *err)
{
    struct exec_state *st = state;
    if (st->verdict != STATUS_OK)
        *err = st->why;
    return st->verdict;
}

static void exec_check_hook(void *state, struct workload_result *out)
{
    struct exec_state *st = state;
    double v = 1.0;
    out->verified = st->verdict == STATUS_OK;
    out->checksum = st->result.active ? st->scan.hash : 0;
    out->timed = true;
    out->seconds = st->outcome.seconds;
    if (out->verified && st->time.active && exec_number(st->scan.time, &v))
        out->seconds = v;
    v = 1.0;
    if (out->verified && st->work.active)
        exec_number(st->scan.work, &v);
    out->work = v < 1.8e19 ? (uint64_t)floor(v + 0.5) : UINT64_MAX;
}

static void exec_destroy_hook(void *state)
{
    struct exec_state *st = state;
    free_patterns(st);
    free(st->env);
    free(st->argv);
    free(st);
}

/* The size column: --size (under weak scaling with {threads} as `scale`),
 * else the arguments, else "-". */
static int name_size(const struct config *cfg, size_t scale, struct workload *w)
{
    if (cfg->exec_size != NULL) {
        long count = cfg->scaling == SCALING_WEAK ? (long)scale : 1;
        char *text = cfg->scaling == SCALING_WEAK ? substitute(cfg->exec_size, count)
                                                  : strdup(cfg->exec_size);
        if (text == NULL)
            return STATUS_NOMEM;
        snprintf(w->size, sizeof w->size, "%s", text);
        free(text);
        return STATUS_OK;
    }
    size_t used = 0;
    w->size[0] = '\0';
    for (int i = 1; i < cfg->ncommand && used + 1 < sizeof w->size; i++) {
        int n = snprintf(w->size + used, sizeof w->size - used, "%s%s",
                         i > 1 ? " " : "", cfg->command[i]);
        used += n > 0 ? (size_t)n : 0;
    }
    if (w->size[0] == '\0')
        snprintf(w->size, sizeof w->size, "-");
    return STATUS_OK;
}

static int prepare(struct exec_state *st, const struct config *cfg, errmsg_t *err)
{
    int rc = exec_proc_resolve(cfg->command[0], st->path, sizeof st->path, err);
    if (rc == STATUS_OK)
        rc = compile_patterns(st, cfg, err);
    if (rc != STATUS_OK)
        return rc;
    st->argv = calloc((size_t)cfg->ncommand + 1, sizeof *st->argv);
    if (st->argv == NULL || build_env(st) != STATUS_OK)
        return errmsg_set(err, STATUS_NOMEM, "exec: out of memory");
    place_cpus(st);
    exec_proc_quiet_runtime(); /* before the sweep's first parallel region */
    return STATUS_OK;
}

int exec_workload_create(const struct config *cfg, int variant, size_t scale,
                         struct workload *w, errmsg_t *err)
{
    (void)variant;
    struct exec_state *st = calloc(1, sizeof *st);
    if (st == NULL)
        return errmsg_set(err, STATUS_NOMEM, "exec: out of memory");
    st->cfg = cfg;
    int rc = prepare(st, cfg, err);
    if (rc == STATUS_OK && name_size(cfg, scale, w) != STATUS_OK)
        rc = errmsg_set(err, STATUS_NOMEM, "exec: out of memory");
    if (rc != STATUS_OK) {
        exec_destroy_hook(st);
        return rc;
    }
    w->name = "exec";
    snprintf(w->variant, sizeof w->variant, "%s",
             cfg->exec_name != NULL ? cfg->exec_name : base_name(cfg->command[0]));
    w->fixed_schedule = NULL; /* OMP_SCHEDULE follows --schedule */
    w->note = st->result.active ? NULL : NOT_COMPARED;
    w->state = st;
    w->reset = exec_reset_hook;
    w->run = exec_run_hook;
    w->outcome = exec_outcome_hook;
    w->check = exec_check_hook;
    w->report = NULL;
    w->destroy = exec_destroy_hook;
    return STATUS_OK;
}
