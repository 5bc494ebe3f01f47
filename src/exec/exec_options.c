/* exec_options: see exec_options.h. */
#include "exec/exec_options.h"

#include <ctype.h>
#include <float.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/fnv.h"
#include "base/openmp.h"
#include "exec/exec_workload.h"
#include "study/record/csv.h"

#define TIMEOUT_MAX 31536000.0 /* a year, in seconds */

enum {
    OPT_NAME = 1, OPT_SIZE, OPT_RESULT, OPT_TIME, OPT_WORK, OPT_TIMEOUT, OPT_SHOW_OUTPUT,
    OPT_OK_EXIT, OPT_METRIC, OPT_METRIC_BETTER, OPT_RESULT_TOLERANCE, OPT_ENV, OPT_CHDIR,
    OPT_PROGRAM_VERSION, OPT_RANKS, OPT_LAUNCHER, OPT_CORES
};

const struct option exec_long_options[] = {
    {"name", required_argument, NULL, OPT_NAME},
    {"size", required_argument, NULL, OPT_SIZE},
    {"result", required_argument, NULL, OPT_RESULT},
    {"time", required_argument, NULL, OPT_TIME},
    {"work", required_argument, NULL, OPT_WORK},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"show-output", no_argument, NULL, OPT_SHOW_OUTPUT},
    {"ok-exit", required_argument, NULL, OPT_OK_EXIT},
    {"metric", required_argument, NULL, OPT_METRIC},
    {"metric-better", required_argument, NULL, OPT_METRIC_BETTER},
    {"result-tolerance", required_argument, NULL, OPT_RESULT_TOLERANCE},
    {"env", required_argument, NULL, OPT_ENV},
    {"chdir", required_argument, NULL, OPT_CHDIR},
    {"program-version", required_argument, NULL, OPT_PROGRAM_VERSION},
    {"ranks", required_argument, NULL, OPT_RANKS},
    {"launcher", required_argument, NULL, OPT_LAUNCHER},
    {"cores", required_argument, NULL, OPT_CORES},
    {NULL, 0, NULL, 0}
};

const char exec_synopsis[] = "ompsweep exec [options] -- PROGRAM [ARG...]";

const char exec_usage[] =
"exec (each run: PROGRAM with OMP_NUM_THREADS and the swept OMP_SCHEDULE,\n"
"OMP_PROC_BIND/OMP_PLACES set, {threads} and {ranks} in ARGs replaced):\n"
"      --result REGEX     checksum of every match (of the first group, if any)\n"
"                         in stdout; runs must agree (default: not compared);\n"
"                         repeatable, all patterns count\n"
"      --result-tolerance REL[,ABS]  numbers of the --result text agree within\n"
"                         REL (relative) or ABS; the text between them exactly\n"
"      --time REGEX       seconds the program prints (default: wall clock from\n"
"                         start to exit)\n"
"      --work REGEX|N     work count the program prints, or a constant\n"
"                         (default 1)\n"
"      --metric NAME=REGEX  a number the program prints, kept per run in\n"
"                         metrics.csv and summarized; repeatable\n"
"      --metric-better NAME=WHICH  WHICH: higher (default) or lower is better\n"
"      --ok-exit LIST     exit statuses besides 0 that are success: 1,3 or 1-4\n"
"      --env NAME=VALUE   set in the program's environment ({threads} and\n"
"                         {ranks} allowed);\n"
"                         repeatable\n"
"      --chdir DIR        run the program in DIR\n"
"      --program-version CMD  shell command whose output names the program's\n"
"                         version in metadata.json\n"
"      --timeout SEC      end a run (SIGTERM, then SIGKILL) and fail the study\n"
"      --launcher WHICH   run PROGRAM as MPI ranks: mpirun, mpiexec or srun (the\n"
"                         variables reach every rank, each rank gets its own\n"
"                         cores), or a command with {ranks} and {threads}\n"
"      --ranks LIST       rank counts to sweep with --launcher (1,2,4  1-8  max;\n"
"                         default 1): every ranks x threads cell\n"
"      --cores LIST       only cells with ranks x threads in LIST (a fixed node);\n"
"                         -t and --ranks default to every divisor\n"
"      --name NAME        variant column (default: PROGRAM's file name)\n"
"      --size TEXT        size column (default: the ARGs, paths by file name)\n"
"      --show-output      copy PROGRAM's stdout and stderr to stderr\n"
"\n";

void exec_options_init(void *opts)
{
    memset(opts, 0, sizeof(struct exec_options));
}

void exec_options_command(void *opts, char **argv, int argc)
{
    struct exec_options *o = opts;
    o->command = argv;
    o->ncommand = argc;
}

/* A --name or --size text: it becomes a CSV key. */
static int parse_label(const char *opt, const char *arg, const char **out,
                       errmsg_t *err)
{
    if (arg[0] == '\0' || strlen(arg) >= CSV_KEY_MAX)
        return errmsg_set(err, STATUS_USAGE, "%s: '%s' must have 1..%d characters",
                          opt, arg, CSV_KEY_MAX - 1);
    for (const char *p = arg; *p != '\0'; p++)
        if (iscntrl((unsigned char)*p))
            return errmsg_set(err, STATUS_USAGE, "%s: control characters are not "
                              "allowed", opt);
    *out = arg;
    return STATUS_OK;
}

/* --time and --work name one number each: a second one is a mistake (the
 * first would silently lose), and --metric reads the others. */
static int set_once(const char *opt, const char **slot, const char *arg,
                    const char *what, errmsg_t *err)
{
    if (*slot != NULL)
        return errmsg_set(err, STATUS_USAGE, "%s: given twice ('%s' and '%s'): %s; "
                          "read other numbers with --metric NAME=REGEX", opt, *slot,
                          arg, what);
    *slot = arg;
    return STATUS_OK;
}

/* --ok-exit LIST: exit statuses besides 0 that count as success
 * ("1", "1,3", "2-5"). */
static int parse_ok_exit(struct exec_options *o, const char *arg, errmsg_t *err)
{
    char item[32];
    for (const char *p = arg;;) {
        size_t len = strcspn(p, ",");
        snprintf(item, sizeof item, "%.*s", (int)(len < sizeof item ? len : sizeof item - 1), p);
        char *dash = strchr(item + 1, '-');
        long lo, hi;
        if (dash != NULL)
            *dash = '\0';
        int rc = optparse_long("--ok-exit", item, 0, EXEC_EXIT_CODES - 1, &lo, err);
        if (rc == STATUS_OK)
            rc = dash != NULL ? optparse_long("--ok-exit", dash + 1, lo, EXEC_EXIT_CODES - 1,
                                           &hi, err)
                              : (hi = lo, STATUS_OK);
        if (rc != STATUS_OK)
            return rc;
        for (long c = lo; c <= hi; c++)
            o->ok_exit[c / 8] |= (unsigned char)(1u << (c % 8));
        if (p[len] == '\0')
            break;
        p += len + 1;
    }
    o->ok_exit_text = arg;
    return STATUS_OK;
}

static bool metric_char(char c)
{
    return isalnum((unsigned char)c) || strchr("_.%/-", c) != NULL;
}

/* "NAME=REST": NAME into name (a metric or variable name: starts with a
 * letter, then `valid` characters), *rest after the '='. */
static int split_named(const char *opt, const char *arg, bool (*valid)(char), char *name,
                       size_t cap, const char **rest, errmsg_t *err)
{
    const char *eq = strchr(arg, '=');
    size_t len = eq != NULL ? (size_t)(eq - arg) : 0;
    bool ok = eq != NULL && len > 0 && len < cap && isalpha((unsigned char)arg[0]);
    for (size_t i = 0; ok && i < len; i++)
        ok = valid(arg[i]);
    if (!ok)
        return errmsg_set(err, STATUS_USAGE, "%s: '%s' is not NAME=VALUE (NAME: a letter, "
                          "then letters, digits or %s; at most %zu characters)", opt, arg,
                          valid == metric_char ? "_.%/-" : "_", cap - 1);
    memcpy(name, arg, len);
    name[len] = '\0';
    *rest = eq + 1;
    return STATUS_OK;
}

static int add_metric(struct exec_options *o, const char *arg, errmsg_t *err)
{
    struct exec_metric m = {.lower_better = false};
    int rc = split_named("--metric", arg, metric_char, m.name, sizeof m.name, &m.pattern, err);
    if (rc == STATUS_OK && m.pattern[0] == '\0')
        rc = errmsg_set(err, STATUS_USAGE, "--metric: '%s' has an empty pattern", arg);
    for (int i = 0; rc == STATUS_OK && i < o->nmetrics; i++)
        if (strcmp(o->metrics[i].name, m.name) == 0)
            rc = errmsg_set(err, STATUS_USAGE, "--metric: '%s' given twice", m.name);
    if (rc == STATUS_OK)
        rc = optparse_room("--metric", o->nmetrics, err);
    if (rc == STATUS_OK)
        o->metrics[o->nmetrics++] = m;
    return rc;
}

/* --metric-better NAME=higher|lower, once every --metric is known. */
static int apply_better(struct exec_options *o, const char *arg, errmsg_t *err)
{
    static const char *const which[] = {"higher", "lower"};
    char name[EXEC_METRIC_NAME];
    const char *rest = NULL;
    int v = 0;
    int rc = split_named("--metric-better", arg, metric_char, name, sizeof name, &rest, err);
    if (rc == STATUS_OK)
        rc = optparse_choice("--metric-better", rest, which, 2, &v, err);
    for (int i = 0; rc == STATUS_OK && i < o->nmetrics; i++)
        if (strcmp(o->metrics[i].name, name) == 0) {
            o->metrics[i].lower_better = v == 1;
            return STATUS_OK;
        }
    return rc != STATUS_OK ? rc : errmsg_set(err, STATUS_USAGE, "--metric-better: "
                                             "no --metric named '%s'", name);
}

/* --result-tolerance REL[,ABS]. */
static int parse_tolerance(struct exec_options *o, const char *arg, errmsg_t *err)
{
    char rel[64];
    const char *comma = strchr(arg, ',');
    size_t len = comma != NULL ? (size_t)(comma - arg) : strlen(arg);
    snprintf(rel, sizeof rel, "%.*s", (int)(len < sizeof rel ? len : sizeof rel - 1), arg);
    int rc = optparse_double("--result-tolerance", rel, 0.0, 1.0, &o->tol_rel, err);
    o->tol_abs = 0.0;
    if (rc == STATUS_OK && comma != NULL)
        rc = optparse_double("--result-tolerance ABS", comma + 1, 0.0, DBL_MAX,
                          &o->tol_abs, err);
    o->tolerance = rc == STATUS_OK;
    return rc;
}

static bool env_char(char c) { return isalnum((unsigned char)c) || c == '_'; }

/* Variables a sweep option sets for every run (OMP_SCHEDULE: --schedule,
 * checked once all options are known). */
static const char *const env_swept[][2] = {
    {"OMP_NUM_THREADS", "-t/--threads"}, {"OMP_PROC_BIND", "--bind"},
    {"OMP_PLACES", "--places"}};

static int add_env(struct exec_options *o, const char *arg, errmsg_t *err)
{
    char name[SWEEP_SCHEDULE_TEXT * 4];
    const char *value = NULL;
    int rc = split_named("--env", arg, env_char, name, sizeof name, &value, err);
    for (size_t i = 0; rc == STATUS_OK && i < sizeof env_swept / sizeof *env_swept; i++)
        if (strcmp(name, env_swept[i][0]) == 0)
            rc = errmsg_set(err, STATUS_USAGE, "--env: %s is set by %s (a column of "
                            "runs.csv)", name, env_swept[i][1]);
    for (int i = 0; rc == STATUS_OK && i < o->nenv; i++)
        if (strncmp(o->env[i], arg, (size_t)(value - arg)) == 0)
            rc = errmsg_set(err, STATUS_USAGE, "--env: %s given twice", name);
    if (rc == STATUS_OK)
        rc = optparse_room("--env", o->nenv, err);
    if (rc == STATUS_OK)
        o->env[o->nenv++] = arg;
    return rc;
}

static int add_result(struct exec_options *o, const char *arg, errmsg_t *err)
{
    int rc = optparse_room("--result", o->nresults, err);
    if (rc == STATUS_OK)
        o->results[o->nresults++] = arg;
    return rc;
}
static int apply_exec_extra(struct exec_options *o, int id, const char *arg, errmsg_t *err)
{
    switch (id) {
    case OPT_OK_EXIT: return parse_ok_exit(o, arg, err);
    case OPT_METRIC: return add_metric(o, arg, err);
    case OPT_METRIC_BETTER:
        if (optparse_room("--metric-better", o->nbetter, err) != STATUS_OK)
            return STATUS_USAGE;
        o->better[o->nbetter++] = arg;
        return STATUS_OK;
    case OPT_RESULT_TOLERANCE: return parse_tolerance(o, arg, err);
    case OPT_ENV: return add_env(o, arg, err);
    case OPT_CHDIR: return optparse_nonempty("--chdir", arg, &o->chdir, err);
    case OPT_PROGRAM_VERSION:
        return optparse_nonempty("--program-version", arg, &o->program_version, err);
    case OPT_RANKS:
        return optparse_counts("--ranks", arg, omp_get_num_procs(), o->ranks,
                               &o->nranks, err);
    case OPT_LAUNCHER: return optparse_nonempty("--launcher", arg, &o->launcher, err);
    case OPT_CORES:
        return optparse_counts("--cores", arg, omp_get_num_procs(), o->cores,
                               &o->ncores, err);
    default: return OPTPARSE_NOT_MINE;
    }
}

int exec_options_apply(void *opts, int id, const char *arg, errmsg_t *err)
{
    struct exec_options *o = opts;
    switch (id) {
    case OPT_NAME: return parse_label("--name", arg, &o->name, err);
    case OPT_SIZE: return parse_label("--size", arg, &o->size, err);
    case OPT_RESULT: return add_result(o, arg, err);
    case OPT_TIME:
        return set_once("--time", &o->time, arg, "one pattern gives the run's "
                        "seconds", err);
    case OPT_WORK:
        return set_once("--work", &o->work, arg, "one pattern or number gives "
                        "the run's work", err);
    case OPT_TIMEOUT:
        return optparse_double("--timeout", arg, 0.001, TIMEOUT_MAX, &o->timeout, err);
    case OPT_SHOW_OUTPUT: o->show_output = true; return STATUS_OK;
    default: return apply_exec_extra(o, id, arg, err);
    }
}

/* What the exec options say together, once all are known. */
static int validate_exec(struct exec_options *o, const struct sweep_options *sw,
                         errmsg_t *err)
{
    for (int i = 0; i < o->nbetter; i++) {
        int rc = apply_better(o, o->better[i], err);
        if (rc != STATUS_OK)
            return rc;
    }
    for (int i = 0; sw->schedules_given && i < o->nenv; i++)
        if (strncmp(o->env[i], "OMP_SCHEDULE=", 13) == 0)
            return errmsg_set(err, STATUS_USAGE, "--env: OMP_SCHEDULE is set by "
                              "--schedule (a column of runs.csv)");
    if (o->tolerance && o->nresults == 0)
        return errmsg_set(err, STATUS_USAGE, "--result-tolerance: needs --result REGEX "
                          "(the text whose numbers are compared)");
    return STATUS_OK;
}

/* The first hybrid option given (--ranks, --launcher, --cores), or NULL. */
static const char *hybrid_option(const struct exec_options *o)
{
    return o->nranks > 0 ? "--ranks" : o->launcher != NULL ? "--launcher"
           : o->ncores > 0 ? "--cores" : NULL;
}

/* Every divisor of the --cores counts, ascending: the ranks and threads of
 * a fixed-node study when their lists are not given. */
static int core_divisors(const struct exec_options *o, int *out, int *count, errmsg_t *err)
{
    *count = 0;
    for (int d = 1; d <= o->cores[o->ncores - 1]; d++) {
        bool divides = false;
        for (int i = 0; i < o->ncores; i++)
            divides = divides || o->cores[i] % d == 0;
        if (divides && *count == SWEEP_MAX_THREAD_COUNTS)
            return errmsg_set(err, STATUS_USAGE, "--cores: more than %d divisors; give "
                              "--ranks and --threads", SWEEP_MAX_THREAD_COUNTS);
        if (divides)
            out[(*count)++] = d;
    }
    return STATUS_OK;
}

/* "1,2,4" of a count list. */
static void list_text(const int *v, int n, char *buf, size_t cap)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < n && used < cap; i++)
        used += (size_t)snprintf(buf + used, cap - used, "%s%d", i ? "," : "", v[i]);
}

/* --ranks, --launcher and --cores: exec's alone; the lists they imply,
 * which become the sweep's cells (sw's ranks and cores). */
static int validate_hybrid(struct exec_options *o, struct sweep_options *sw, bool selected,
                           errmsg_t *err)
{
    const char *opt = hybrid_option(o);
    if (opt == NULL)
        return STATUS_OK;
    if (!selected)
        return errmsg_set(err, STATUS_USAGE, "%s: only for exec (your own program "
                          "through an MPI launcher; the built-in workloads take their "
                          "ranks from mpirun in the MPI build, see docs/mpi.md)", opt);
    if (o->nranks > 0 && o->launcher == NULL)
        return errmsg_set(err, STATUS_USAGE, "--ranks: needs --launcher mpirun|mpiexec|"
                          "srun|'COMMAND with {ranks}' (what starts the ranks)");
    int rc = o->ncores > 0 && !sw->threads_given
                 ? core_divisors(o, sw->threads, &sw->nthreads, err) : STATUS_OK;
    if (rc == STATUS_OK && o->launcher != NULL && o->nranks == 0) {
        if (o->ncores > 0)
            rc = core_divisors(o, o->ranks, &o->nranks, err);
        else
            o->ranks[o->nranks++] = 1;
    }
    if (rc != STATUS_OK)
        return rc;
    memcpy(sw->ranks, o->ranks, sizeof sw->ranks);
    sw->nranks = o->nranks;
    memcpy(sw->cores, o->cores, sizeof sw->cores);
    sw->ncores = o->ncores;
    int rank_one = 1;
    const int *ranks = o->nranks > 0 ? o->ranks : &rank_one;
    for (int r = 0; r < (o->nranks > 0 ? o->nranks : 1); r++)
        for (int t = 0; t < sw->nthreads; t++)
            if (sweep_cell_selected(sw, ranks[r], sw->threads[t]))
                return STATUS_OK;
    char c[256], rl[256], tl[256];
    list_text(o->cores, o->ncores, c, sizeof c);
    list_text(ranks, o->nranks > 0 ? o->nranks : 1, rl, sizeof rl);
    list_text(sw->threads, sw->nthreads, tl, sizeof tl);
    return errmsg_set(err, STATUS_USAGE, "--cores: no cell of ranks %.60s x threads "
                      "%.60s has %.60s cores (ranks x threads)", rl, tl, c);
}

/* The exec options of 0.3 that change what a run measures or how it is
 * verified; each enters only when given, so that 0.2's keys stay. Without
 * --schedule the program runs with the environment's OMP_SCHEDULE. */
static uint64_t exec_key_options(const struct exec_options *o,
                                 const struct sweep_options *sw, uint64_t h)
{
    char text[128];
    for (int i = 1; i < o->nresults; i++)
        h = fnv1a_item(h, "result=", o->results[i]);
    for (int i = 0; i < o->nmetrics; i++) {
        h = fnv1a_item(h, "metric=", o->metrics[i].name);
        h = fnv1a_item(h, "=", o->metrics[i].pattern);
    }
    for (int c = 1; o->ok_exit_text != NULL && c < EXEC_EXIT_CODES; c++)
        if (o->ok_exit[c / 8] >> (c % 8) & 1u) {
            snprintf(text, sizeof text, "%d", c);
            h = fnv1a_item(h, "ok=", text);
        }
    if (o->tolerance) {
        snprintf(text, sizeof text, "%a,%a", o->tol_rel, o->tol_abs);
        h = fnv1a_item(h, "tol=", text);
    }
    for (int i = 0; i < o->nenv; i++)
        h = fnv1a_item(h, "env=", o->env[i]);
    if (o->chdir != NULL)
        h = fnv1a_item(h, "dir=", o->chdir);
    if (o->launcher != NULL) /* how the ranks start; the counts are columns */
        h = fnv1a_item(h, "launcher=", o->launcher);
    if (!sw->schedules_given) {
        const char *inherited = getenv("OMP_SCHEDULE");
        h = fnv1a_item(h, "sched=runtime:", inherited != NULL ? inherited : "");
    }
    return h;
}

/* exec's part of the key: the program, its arguments and the patterns, each
 * closed by a separator so that no two command lines run together. */
static uint64_t exec_key(const struct exec_options *o, const struct sweep_options *sw)
{
    const char *patterns[] = {o->nresults > 0 ? o->results[0] : NULL,
                              o->time, o->work};
    uint64_t h = fnv1a("exec");
    for (int i = 0; i < o->ncommand; i++)
        h = fnv1a_from(fnv1a_from(h, o->command[i]), "\x1f");
    for (int i = 0; i < 3; i++)
        h = fnv1a_from(fnv1a_from(h, patterns[i] != NULL ? patterns[i] : "\x1e"), "\x1f");
    return exec_key_options(o, sw, h);
}

int exec_options_validate(void *opts, struct sweep_options *sw, bool selected,
                          errmsg_t *err)
{
    struct exec_options *o = opts;
    int rc = validate_hybrid(o, sw, selected, err);
    if (rc != STATUS_OK || !selected)
        return rc;
    if ((rc = validate_exec(o, sw, err)) != STATUS_OK)
        return rc;
    return exec_workload_check(o, sw, err);
}

/* exec's part of 0.1's key text: appended when exec runs, so that the
 * other keys stay 0.1's. */
void exec_options_key(const void *opts, const struct sweep_options *sw, char *buf,
                      size_t cap)
{
    snprintf(buf, cap, "exec=%016llx", (unsigned long long)exec_key(opts, sw));
}

int exec_options_metrics(const void *opts)
{
    return ((const struct exec_options *)opts)->nmetrics;
}
