/* config: command line and environment -> struct config; see config.h. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/openmp.h"
#include "exec/exec_workload.h"
#include "registry.h"
#include "study/record/affinity.h"
#include "study/record/envinfo.h"

/* Accepted ranges, in one place so the messages and --help agree. */
#define ROWS_MAX 1000000000L
#define COLS_MAX 16L /* 16! shuffles per row on average is already years */
#define SAMPLES_MAX 100000000L
#define FEATURES_MAX 100000L
#define REPEATS_MAX 1000000L
#define ITER_MAX 1000000L
#define CHUNK_MAX 1000000000L
#define ALPHA_MIN 1e-12 /* compare --alpha */
#define ALPHA_MAX 0.5
#define PERCENT_MAX 1e6 /* compare --threshold, --fail-on-regression */
/* Matrices of the full problem size each workload holds at once. */
#define BOGOSORT_COPIES 3
#define ELBOW_COPIES 3
/* Room for "bogosort|elbow|all" and the workloads to come. */
#define CONFIG_CHOICES_TEXT 256
#define OPTION_LIST_TEXT 512 /* "--a, --b or --c": the options a start names */
#define TIMEOUT_MAX 31536000.0 /* a year, in seconds */
#define EXEC_USAGE "ompsweep exec [options] -- PROGRAM [ARG...]"

/* Long-only options get ids above the char range. */
enum option_id {
    OPT_ROWS = 256, OPT_COLS, OPT_MAX_VALUE, OPT_PARTITION, OPT_SCHEDULE,
    OPT_SCALING, OPT_RESUME, OPT_TAG, OPT_SAMPLES, OPT_FEATURES, OPT_CENTERS,
    OPT_CLUSTER_STD, OPT_K_MIN, OPT_K_MAX, OPT_FOLDS, OPT_N_INIT,
    OPT_MAX_ITER, OPT_TOL, OPT_PCA, OPT_NO_SCALE, OPT_DATA, OPT_SAVE_DATA,
    OPT_LABEL_COLUMN, OPT_PARALLEL, OPT_RULE, OPT_HELP, OPT_VERSION, OPT_BIND,
    OPT_PLACES, OPT_ORDER, OPT_ALPHA, OPT_THRESHOLD, OPT_FAIL_ON_REGRESSION, OPT_BY,
    OPT_NAME, OPT_SIZE, OPT_RESULT, OPT_TIME, OPT_WORK, OPT_TIMEOUT, OPT_SHOW_OUTPUT,
    OPT_OK_EXIT, OPT_METRIC, OPT_METRIC_BETTER, OPT_RESULT_TOLERANCE, OPT_ENV, OPT_CHDIR,
    OPT_PROGRAM_VERSION, OPT_RANKS, OPT_LAUNCHER, OPT_CORES
};

static const struct option config_options[] = {
    {"threads", required_argument, NULL, 't'},
    {"repeats", required_argument, NULL, 'r'},
    {"warmup", required_argument, NULL, 'w'},
    {"seed", required_argument, NULL, 's'},
    {"output", required_argument, NULL, 'o'},
    {"quiet", no_argument, NULL, 'q'},
    {"tag", required_argument, NULL, OPT_TAG},
    {"schedule", required_argument, NULL, OPT_SCHEDULE},
    {"bind", required_argument, NULL, OPT_BIND},
    {"places", required_argument, NULL, OPT_PLACES},
    {"scaling", required_argument, NULL, OPT_SCALING},
    {"order", required_argument, NULL, OPT_ORDER},
    {"resume", no_argument, NULL, OPT_RESUME},
    {"rows", required_argument, NULL, OPT_ROWS},
    {"cols", required_argument, NULL, OPT_COLS},
    {"max-value", required_argument, NULL, OPT_MAX_VALUE},
    {"partition", required_argument, NULL, OPT_PARTITION},
    {"samples", required_argument, NULL, OPT_SAMPLES},
    {"features", required_argument, NULL, OPT_FEATURES},
    {"centers", required_argument, NULL, OPT_CENTERS},
    {"cluster-std", required_argument, NULL, OPT_CLUSTER_STD},
    {"k-min", required_argument, NULL, OPT_K_MIN},
    {"k-max", required_argument, NULL, OPT_K_MAX},
    {"folds", required_argument, NULL, OPT_FOLDS},
    {"n-init", required_argument, NULL, OPT_N_INIT},
    {"max-iter", required_argument, NULL, OPT_MAX_ITER},
    {"tol", required_argument, NULL, OPT_TOL},
    {"pca", required_argument, NULL, OPT_PCA},
    {"no-scale", no_argument, NULL, OPT_NO_SCALE},
    {"data", required_argument, NULL, OPT_DATA},
    {"save-data", required_argument, NULL, OPT_SAVE_DATA},
    {"label-column", required_argument, NULL, OPT_LABEL_COLUMN},
    {"parallel", required_argument, NULL, OPT_PARALLEL},
    {"rule", required_argument, NULL, OPT_RULE},
    {"alpha", required_argument, NULL, OPT_ALPHA},
    {"threshold", required_argument, NULL, OPT_THRESHOLD},
    {"fail-on-regression", required_argument, NULL, OPT_FAIL_ON_REGRESSION},
    {"by", required_argument, NULL, OPT_BY},
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
    {"help", no_argument, NULL, OPT_HELP},
    {"version", no_argument, NULL, OPT_VERSION},
    {NULL, 0, NULL, 0}
};
static const char config_short_options[] = ":t:r:w:s:o:qh";

static const char *const scaling_names[] = {"strong", "weak"};
static const char *const order_names[ORDER_COUNT] = {"interleaved", "random", "blocked"};
static const char *const schedule_names[] = {"static", "dynamic", "guided"};

const char *config_scaling_name(enum scaling s) { return scaling_names[s]; }
const char *config_order_name(enum order o) { return order_names[o]; }

static void config_defaults(struct config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->action = ACTION_RUN;
    cfg->repeats = 5;
    cfg->warmup = 1;
    cfg->seed = 42;
    cfg->output_dir = "results";

    cfg->scaling = SCALING_STRONG;
    cfg->rows = 1000;
    cfg->cols = 8;
    cfg->max_value = 100;

    cfg->samples = 10000;
    cfg->features = 100;
    cfg->centers = 7;
    cfg->cluster_std = 1.0;
    cfg->k_min = 2;
    cfg->k_max = 14;
    cfg->folds = 5;
    cfg->n_init = 10;
    cfg->max_iter = 300;
    cfg->tol = 1e-4;
    cfg->pca = 2;
    cfg->label_column = -1;

    cfg->rule = RULE_MAXDELTA;

    cfg->compare.alpha = 0.05;
    cfg->compare.threshold = 0.01;
    cfg->compare.fail_above = -1.0; /* never */
}

/* Integer in [min, max]; the whole text must be a base-10 number. */
static int parse_long(const char *opt, const char *text, long min, long max,
                      long *out, errmsg_t *err)
{
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    /* digits, or a '-' for a clearer "out of range"; no spaces, no '+' */
    if (end == text || *end != '\0' || isspace((unsigned char)text[0]) || text[0] == '+')
        return errmsg_set(err, STATUS_USAGE,
                          "%s: '%s' is not an integer (accepted %ld..%ld)",
                          opt, text, min, max);
    if (errno == ERANGE || v < min || v > max)
        return errmsg_set(err, STATUS_USAGE,
                          "%s: '%s' is out of range (accepted %ld..%ld)", opt,
                          text, min, max);
    *out = v;
    return STATUS_OK;
}

static int parse_int(const char *opt, const char *text, long min, long max,
                     int *out, errmsg_t *err)
{
    long v;
    int rc = parse_long(opt, text, min, max, &v, err);
    if (rc == STATUS_OK)
        *out = (int)v;
    return rc;
}

static int parse_size(const char *opt, const char *text, long min, long max,
                      size_t *out, errmsg_t *err)
{
    long v;
    int rc = parse_long(opt, text, min, max, &v, err);
    if (rc == STATUS_OK)
        *out = (size_t)v;
    return rc;
}

static int parse_seed(const char *text, uint64_t *out, errmsg_t *err)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (!isdigit((unsigned char)text[0]) || *end != '\0')
        return errmsg_set(err, STATUS_USAGE,
                          "--seed: '%s' is not a non-negative integer "
                          "(accepted 0..18446744073709551615)", text);
    if (errno == ERANGE)
        return errmsg_set(err, STATUS_USAGE,
                          "--seed: '%s' is out of range "
                          "(accepted 0..18446744073709551615)", text);
    *out = (uint64_t)v;
    return STATUS_OK;
}

/* Finite double in the open/closed range given by the caller's check. */
static int parse_double(const char *opt, const char *text, double min,
                        double max, double *out, errmsg_t *err)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end != '\0' || isspace((unsigned char)text[0]) ||
        !isfinite(v))
        return errmsg_set(err, STATUS_USAGE,
                          "%s: '%s' is not a finite number (accepted %g..%g)",
                          opt, text, min, max);
    if (errno == ERANGE || v < min || v > max)
        return errmsg_set(err, STATUS_USAGE,
                          "%s: '%s' is out of range (accepted %g..%g)", opt,
                          text, min, max);
    *out = v;
    return STATUS_OK;
}

/* Index of `text` in names[0..n), or -1. */
static int lookup_name(const char *text, const char *const *names, int n)
{
    for (int i = 0; i < n; i++)
        if (strcmp(text, names[i]) == 0)
            return i;
    return -1;
}

static int parse_choice(const char *opt, const char *text,
                        const char *const *names, int n, int *out,
                        errmsg_t *err)
{
    int i = lookup_name(text, names, n);
    if (i < 0) {
        char accepted[128] = "";
        for (int j = 0; j < n; j++) {
            strcat(accepted, names[j]);
            if (j + 1 < n)
                strcat(accepted, "|");
        }
        return errmsg_set(err, STATUS_USAGE, "%s: unknown value '%s' (accepted %s)",
                          opt, text, accepted);
    }
    *out = i;
    return STATUS_OK;
}

int config_parse_schedule(const char *text, struct schedule *out, errmsg_t *err)
{
    char kind[CONFIG_SCHEDULE_TEXT];
    const char *comma = strchr(text, ',');
    size_t len = comma ? (size_t)(comma - text) : strlen(text);
    if (len >= sizeof kind)
        len = sizeof kind - 1;
    memcpy(kind, text, len);
    kind[len] = '\0';
    int idx = 0;
    int rc = parse_choice("--schedule", kind, schedule_names, 3, &idx, err);
    if (rc != STATUS_OK)
        return rc;
    out->kind = (enum schedule_kind)(idx + 1);
    out->chunk = 0;
    if (comma != NULL) {
        rc = parse_int("--schedule chunk", comma + 1, 1, CHUNK_MAX, &out->chunk, err);
        if (rc != STATUS_OK)
            return rc;
    }
    /* Written as parsed ("dynamic,04" -> "dynamic,4"): a long spelling
     * must not be cut to another chunk size in the CSVs. */
    if (comma != NULL)
        snprintf(out->text, sizeof out->text, "%s,%d", schedule_names[idx], out->chunk);
    else
        snprintf(out->text, sizeof out->text, "%s", schedule_names[idx]);
    return STATUS_OK;
}

/* One list entry: N, A-B or A-B:S, or "max". Marks the counts in `seen`. */
static int parse_thread_item(const char *opt, const char *item, int nprocs,
                             bool *seen, errmsg_t *err)
{
    long lo, hi, step = 1;
    char buf[64];
    if (strcmp(item, "max") == 0) {
        seen[nprocs < CONFIG_MAX_THREADS ? nprocs : CONFIG_MAX_THREADS] = true;
        return STATUS_OK;
    }
    if (strlen(item) >= sizeof buf || item[0] == '\0')
        return errmsg_set(err, STATUS_USAGE, "%s: bad entry '%s' "
                          "(expected N, A-B, A-B:STEP or max)", opt, item);
    strcpy(buf, item);
    char *colon = strchr(buf, ':');
    char *dash = strchr(buf, '-');
    if (colon != NULL)
        *colon = '\0';
    if (dash == buf) /* a leading '-' is a negative number, not a range */
        dash = strchr(buf + 1, '-');
    if (dash != NULL)
        *dash = '\0';
    if ((colon != NULL && dash == NULL) ||
        parse_long(opt, buf, 1, CONFIG_MAX_THREADS, &lo, err) != STATUS_OK ||
        (dash != NULL &&
         parse_long(opt, dash + 1, 1, CONFIG_MAX_THREADS, &hi, err) != STATUS_OK) ||
        (colon != NULL &&
         parse_long(opt, colon + 1, 1, CONFIG_MAX_THREADS, &step, err) != STATUS_OK))
        return errmsg_set(err, STATUS_USAGE, "%s: bad entry '%s' (expected N, "
                          "A-B or A-B:STEP with counts 1..%d, or max)", opt,
                          item, CONFIG_MAX_THREADS);
    if (dash == NULL)
        hi = lo;
    if (hi < lo)
        return errmsg_set(err, STATUS_USAGE, "%s: range '%s' is empty "
                          "(start > end)", opt, item);
    for (long t = lo; t <= hi; t += step)
        seen[t] = true;
    return STATUS_OK;
}

static int parse_threads_named(const char *opt, const char *text, int nprocs,
                               int *out, int *count, errmsg_t *err)
{
    bool seen[CONFIG_MAX_THREADS + 1] = {false};
    char *copy = strdup(text);
    if (copy == NULL)
        return errmsg_set(err, STATUS_NOMEM, "out of memory");
    int rc = STATUS_OK;
    char *p = copy;
    for (;;) {
        char *comma = strchr(p, ',');
        if (comma != NULL)
            *comma = '\0';
        rc = parse_thread_item(opt, p, nprocs, seen, err);
        if (rc != STATUS_OK || comma == NULL)
            break;
        p = comma + 1;
    }
    free(copy);
    if (rc != STATUS_OK)
        return rc;
    *count = 0;
    for (int t = 1; t <= CONFIG_MAX_THREADS; t++) {
        if (!seen[t])
            continue;
        if (*count == CONFIG_MAX_THREAD_COUNTS)
            return errmsg_set(err, STATUS_USAGE, "%s: more than %d thread "
                              "counts in '%s'", opt, CONFIG_MAX_THREAD_COUNTS, text);
        out[(*count)++] = t;
    }
    return STATUS_OK;
}

int config_parse_threads(const char *text, int nprocs, int *out, int *count,
                         errmsg_t *err)
{
    return parse_threads_named("--threads", text, nprocs, out, count, err);
}

#define NUM_THREADS_VAR "OMP_NUM_THREADS"

/* OMP_NUM_THREADS's value when hide_num_threads took it out of the
 * environment, else NULL. Set once, before main. */
static const char *hidden_num_threads;

/* Whether `text` is a list of thread counts this program accepts (each
 * 1..CONFIG_MAX_THREADS, in digits). Free of library calls: it runs
 * before the C library and the sanitizers' runtimes are set up. */
__attribute__((no_sanitize("address", "thread", "undefined")))
static bool num_threads_ok(const char *text)
{
    for (const char *p = text;; p++) {
        long v = 0;
        const char *start = p;
        for (; *p >= '0' && *p <= '9' && v <= CONFIG_MAX_THREADS; p++)
            v = 10 * v + (*p - '0');
        if (p == start || v < 1 || v > CONFIG_MAX_THREADS || (*p != ',' && *p != '\0'))
            return false;
        if (*p == '\0')
            return true;
    }
}

/* libgomp parses OMP_NUM_THREADS when it is loaded, before main, and
 * prints its own line for a value it cannot use ("Invalid value for
 * environment variable OMP_NUM_THREADS"); our error would come second. The
 * executable's .preinit_array runs before every shared library's
 * initialiser (glibc's loader), so there a value that env_threads refuses
 * anyway, or an empty one (unset, to us), leaves the environment: the
 * runtime never sees it and ours is the one line. Elsewhere (no
 * preinit_array) env_threads reads the variable as before. */
__attribute__((no_sanitize("address", "thread", "undefined")))
static void hide_num_threads(int argc, char **argv, char **envp)
{
    (void)argc, (void)argv;
    static const char name[] = NUM_THREADS_VAR "=";
    for (char **e = envp; envp != NULL && *e != NULL; e++) {
        size_t i = 0;
        while (name[i] != '\0' && (*e)[i] == name[i])
            i++;
        if (name[i] != '\0')
            continue;
        if (num_threads_ok(*e + i))
            return;
        hidden_num_threads = *e + i;
        for (char **p = e; *p != NULL; p++)
            p[0] = p[1];
        return;
    }
}
__attribute__((used, section(".preinit_array")))
static void (*const config_preinit)(int, char **, char **) = hide_num_threads;

/* The first level of OMP_NUM_THREADS in *out, 0 when unset or empty; every
 * level must be a count 1..CONFIG_MAX_THREADS. Checked before any OpenMP
 * call, with or without --threads: some runtimes misbehave when they start
 * up with a malformed value (LLVM's libomp 14 can abort or exhaust memory
 * on OMP_NUM_THREADS=zero), and ours is the clearer error. */
static int env_threads(long *out, errmsg_t *err)
{
    const char *env = hidden_num_threads != NULL ? hidden_num_threads
                                                 : getenv(NUM_THREADS_VAR);
    *out = 0;
    if (env == NULL || env[0] == '\0')
        return STATUS_OK;
    int level = 1;
    char item[32], name[sizeof NUM_THREADS_VAR + 32];
    bool nested = strchr(env, ',') != NULL;
    for (const char *p = env;; ) {
        size_t len = strcspn(p, ",");
        snprintf(item, sizeof item, "%.*s", (int)(len < sizeof item ? len : sizeof item - 1), p);
        /* "OMP_NUM_THREADS level 2" when a nested level is wrong */
        if (nested)
            snprintf(name, sizeof name, NUM_THREADS_VAR " level %d", level++);
        else
            snprintf(name, sizeof name, "%s", NUM_THREADS_VAR);
        long v;
        int rc = parse_long(name, item, 1, CONFIG_MAX_THREADS, &v, err);
        if (rc != STATUS_OK)
            return rc;
        if (p == env)
            *out = v;
        if (p[len] == '\0')
            return STATUS_OK;
        p += len + 1;
    }
}

/* Without --threads: the one count env_threads found, else powers of two
 * up to the number of processors, plus that number. */
static void default_threads(struct config *cfg, long env)
{
    if (env > 0) {
        cfg->threads[0] = (int)env;
        cfg->nthreads = 1;
        return;
    }
    int nprocs = omp_get_num_procs();
    if (nprocs > CONFIG_MAX_THREADS)
        nprocs = CONFIG_MAX_THREADS;
    cfg->nthreads = 0;
    for (int t = 1; t < nprocs; t *= 2)
        cfg->threads[cfg->nthreads++] = t;
    cfg->threads[cfg->nthreads++] = nprocs;
}

/* A comma list of choices ("chunks,rows"), each kept once in the order
 * given; out has room for every choice. A later option replaces the list. */
static int parse_choice_list(const char *opt, const char *text,
                             const char *const *names, int n, int *out,
                             int *count, errmsg_t *err)
{
    char item[CONFIG_SCHEDULE_TEXT];
    *count = 0;
    for (const char *p = text;;) {
        size_t len = strcspn(p, ",");
        snprintf(item, sizeof item, "%.*s", (int)(len < sizeof item ? len : sizeof item - 1), p);
        int v, rc = parse_choice(opt, item, names, n, &v, err);
        if (rc != STATUS_OK)
            return rc;
        bool seen = false;
        for (int i = 0; i < *count; i++)
            seen = seen || out[i] == v;
        if (!seen)
            out[(*count)++] = v;
        if (p[len] == '\0')
            return STATUS_OK;
        p += len + 1;
    }
}

/* Room for one more value of a repeatable option, else a usage error. */
static int check_room(const char *opt, int count, errmsg_t *err)
{
    if (count >= CONFIG_MAX_VALUES)
        return errmsg_set(err, STATUS_USAGE, "%s: more than %d values",
                          opt, CONFIG_MAX_VALUES);
    return STATUS_OK;
}

static int add_schedule(struct config *cfg, const char *arg, errmsg_t *err)
{
    struct schedule s;
    cfg->schedules_given = true;
    int rc = config_parse_schedule(arg, &s, err);
    for (int i = 0; rc == STATUS_OK && i < cfg->nschedules; i++)
        if (strcmp(cfg->schedules[i].text, s.text) == 0)
            return STATUS_OK; /* given twice: swept once */
    if (rc == STATUS_OK)
        rc = check_room("--schedule", cfg->nschedules, err);
    if (rc == STATUS_OK)
        cfg->schedules[cfg->nschedules++] = s;
    return rc;
}

/* Keep `value` in list[*count] unless it is there already. */
static int add_text(const char *opt, const char **list, int *count,
                    const char *value, errmsg_t *err)
{
    for (int i = 0; i < *count; i++)
        if (strcmp(list[i], value) == 0)
            return STATUS_OK;
    int rc = check_room(opt, *count, err);
    if (rc == STATUS_OK)
        list[(*count)++] = value;
    return rc;
}

static int add_bind(struct config *cfg, const char *arg, errmsg_t *err)
{
    int rc = affinity_check_bind("--bind", arg, err);
    return rc == STATUS_OK ? add_text("--bind", cfg->binds, &cfg->nbinds, arg, err) : rc;
}

static int add_places(struct config *cfg, const char *arg, errmsg_t *err)
{
    int count;
    int rc = affinity_check_places("--places", arg, &count, err);
    return rc == STATUS_OK ? add_text("--places", cfg->places, &cfg->nplaces, arg, err)
                           : rc;
}

enum { OPTION_NOT_MINE = -1 };

static int apply_common_option(struct config *cfg, int id, const char *arg,
                               bool *threads_given, errmsg_t *err)
{
    int v = 0, rc;
    switch (id) {
    case 't':
        *threads_given = true;
        return parse_threads_named("--threads", arg, omp_get_num_procs(),
                                   cfg->threads, &cfg->nthreads, err);
    case 'r': return parse_int("--repeats", arg, 1, REPEATS_MAX, &cfg->repeats, err);
    case 'w': return parse_int("--warmup", arg, 0, REPEATS_MAX, &cfg->warmup, err);
    case 's': return parse_seed(arg, &cfg->seed, err);
    case 'o':
        if (arg[0] == '\0')
            return errmsg_set(err, STATUS_USAGE, "--output: empty directory name");
        cfg->output_dir = arg;
        cfg->output_given = true;
        return STATUS_OK;
    case 'q': cfg->quiet = true; return STATUS_OK;
    case OPT_TAG:
        for (const char *p = arg; *p != '\0'; p++)
            if (iscntrl((unsigned char)*p))
                return errmsg_set(err, STATUS_USAGE, "--tag: control characters "
                                  "are not allowed");
        if (strlen(arg) > ENVINFO_TAG_MAX) /* the run id keeps its unique part */
            return errmsg_set(err, STATUS_USAGE, "--tag: at most %d characters "
                              "(got %zu): the run id also holds a time stamp, the "
                              "process id and the configuration key",
                              ENVINFO_TAG_MAX, strlen(arg));
        cfg->tag = arg;
        return STATUS_OK;
    case OPT_SCHEDULE: return add_schedule(cfg, arg, err);
    case OPT_BIND: return add_bind(cfg, arg, err);
    case OPT_PLACES: return add_places(cfg, arg, err);
    case OPT_SCALING:
        rc = parse_choice("--scaling", arg, scaling_names, 2, &v, err);
        cfg->scaling = (enum scaling)v;
        return rc;
    case OPT_ORDER:
        rc = parse_choice("--order", arg, order_names, ORDER_COUNT, &v, err);
        cfg->order = (enum order)v;
        return rc;
    case OPT_RESUME: cfg->resume = true; return STATUS_OK;
    case OPT_HELP: cfg->action = ACTION_HELP; return STATUS_OK;
    case OPT_VERSION: cfg->action = ACTION_VERSION; return STATUS_OK;
    default: return OPTION_NOT_MINE;
    }
}

static int apply_bogosort_option(struct config *cfg, int id, const char *arg,
                                 errmsg_t *err)
{
    switch (id) {
    case OPT_ROWS: return parse_size("--rows", arg, 1, ROWS_MAX, &cfg->rows, err);
    case OPT_COLS: return parse_size("--cols", arg, 1, COLS_MAX, &cfg->cols, err);
    case OPT_MAX_VALUE:
        return parse_int("--max-value", arg, 0, INT_MAX - 1, &cfg->max_value, err);
    case OPT_PARTITION:
        return parse_choice_list("--partition", arg, bogosort_partition_names,
                                 BOGOSORT_PARTITION_COUNT, (int *)cfg->partitions,
                                 &cfg->npartitions, err);
    default: return OPTION_NOT_MINE;
    }
}

static int apply_elbow_choice(struct config *cfg, int id, const char *arg,
                              errmsg_t *err)
{
    int v = 0, rc;
    switch (id) {
    case OPT_PARALLEL:
        return parse_choice_list("--parallel", arg, elbow_strategy_names,
                                 ELBOW_STRATEGY_COUNT, (int *)cfg->strategies,
                                 &cfg->nstrategies, err);
    case OPT_RULE:
        rc = parse_choice("--rule", arg, rules_names, RULE_COUNT, &v, err);
        cfg->rule = (enum elbow_rule)v;
        return rc;
    case OPT_NO_SCALE: cfg->no_scale = true; return STATUS_OK;
    case OPT_DATA: cfg->data_file = arg; return STATUS_OK;
    case OPT_SAVE_DATA: cfg->save_data_file = arg; return STATUS_OK;
    case OPT_LABEL_COLUMN:
        return parse_long("--label-column", arg, 0, FEATURES_MAX, &cfg->label_column, err);
    default: return OPTION_NOT_MINE;
    }
}

static int apply_elbow_option(struct config *cfg, int id, const char *arg,
                              errmsg_t *err)
{
    switch (id) {
    case OPT_SAMPLES: return parse_size("--samples", arg, 3, SAMPLES_MAX, &cfg->samples, err);
    case OPT_FEATURES: return parse_size("--features", arg, 1, FEATURES_MAX, &cfg->features, err);
    case OPT_CENTERS: return parse_int("--centers", arg, 1, SAMPLES_MAX, &cfg->centers, err);
    case OPT_CLUSTER_STD:
        return parse_double("--cluster-std", arg, 0.0, 1e6, &cfg->cluster_std, err);
    case OPT_K_MIN: return parse_int("--k-min", arg, 2, SAMPLES_MAX, &cfg->k_min, err);
    case OPT_K_MAX: return parse_int("--k-max", arg, 2, SAMPLES_MAX, &cfg->k_max, err);
    case OPT_FOLDS: return parse_int("--folds", arg, 2, SAMPLES_MAX, &cfg->folds, err);
    case OPT_N_INIT: return parse_int("--n-init", arg, 1, REPEATS_MAX, &cfg->n_init, err);
    case OPT_MAX_ITER: return parse_int("--max-iter", arg, 1, ITER_MAX, &cfg->max_iter, err);
    case OPT_TOL: return parse_double("--tol", arg, 0.0, 1.0, &cfg->tol, err);
    case OPT_PCA: return parse_int("--pca", arg, 0, FEATURES_MAX, &cfg->pca, err);
    default: return apply_elbow_choice(cfg, id, arg, err);
    }
}

/* The long name of an option id, for messages. */
static const char *option_name(int id)
{
    for (const struct option *o = config_options; o->name != NULL; o++)
        if (o->val == id)
            return o->name;
    return "?";
}

/* compare's options: percentages on the command line, fractions inside. */
static int apply_compare_option(struct config *cfg, int id, const char *arg,
                                errmsg_t *err)
{
    static const char *const by_names[] = {"host", "run_id"};
    struct compare_options *c = &cfg->compare;
    int v = 0, rc;
    switch (id) {
    case OPT_ALPHA:
        rc = parse_double("--alpha", arg, ALPHA_MIN, ALPHA_MAX, &c->alpha, err);
        break;
    case OPT_THRESHOLD:
        rc = parse_double("--threshold", arg, 0.0, PERCENT_MAX, &c->threshold, err);
        c->threshold /= 100.0;
        break;
    case OPT_FAIL_ON_REGRESSION:
        rc = parse_double("--fail-on-regression", arg, 0.0, PERCENT_MAX, &c->fail_above,
                          err);
        c->fail_above /= 100.0;
        break;
    case OPT_BY:
        rc = parse_choice("--by", arg, by_names, 2, &v, err);
        c->by = v == 0 ? COMPARE_BY_HOST : COMPARE_BY_RUN_ID;
        break;
    default: return OPTION_NOT_MINE;
    }
    cfg->compare_option = option_name(id);
    return rc;
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
static int parse_ok_exit(struct config *cfg, const char *arg, errmsg_t *err)
{
    char item[32];
    for (const char *p = arg;;) {
        size_t len = strcspn(p, ",");
        snprintf(item, sizeof item, "%.*s", (int)(len < sizeof item ? len : sizeof item - 1), p);
        char *dash = strchr(item + 1, '-');
        long lo, hi;
        if (dash != NULL)
            *dash = '\0';
        int rc = parse_long("--ok-exit", item, 0, CONFIG_EXIT_CODES - 1, &lo, err);
        if (rc == STATUS_OK)
            rc = dash != NULL ? parse_long("--ok-exit", dash + 1, lo, CONFIG_EXIT_CODES - 1,
                                           &hi, err)
                              : (hi = lo, STATUS_OK);
        if (rc != STATUS_OK)
            return rc;
        for (long c = lo; c <= hi; c++)
            cfg->exec_ok_exit[c / 8] |= (unsigned char)(1u << (c % 8));
        if (p[len] == '\0')
            break;
        p += len + 1;
    }
    cfg->exec_ok_exit_text = arg;
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

static int add_metric(struct config *cfg, const char *arg, errmsg_t *err)
{
    struct exec_metric m = {.lower_better = false};
    int rc = split_named("--metric", arg, metric_char, m.name, sizeof m.name, &m.pattern, err);
    if (rc == STATUS_OK && m.pattern[0] == '\0')
        rc = errmsg_set(err, STATUS_USAGE, "--metric: '%s' has an empty pattern", arg);
    for (int i = 0; rc == STATUS_OK && i < cfg->nexec_metrics; i++)
        if (strcmp(cfg->exec_metrics[i].name, m.name) == 0)
            rc = errmsg_set(err, STATUS_USAGE, "--metric: '%s' given twice", m.name);
    if (rc == STATUS_OK)
        rc = check_room("--metric", cfg->nexec_metrics, err);
    if (rc == STATUS_OK)
        cfg->exec_metrics[cfg->nexec_metrics++] = m;
    return rc;
}

/* --metric-better NAME=higher|lower, once every --metric is known. */
static int apply_better(struct config *cfg, const char *arg, errmsg_t *err)
{
    static const char *const which[] = {"higher", "lower"};
    char name[CONFIG_METRIC_NAME];
    const char *rest = NULL;
    int v = 0;
    int rc = split_named("--metric-better", arg, metric_char, name, sizeof name, &rest, err);
    if (rc == STATUS_OK)
        rc = parse_choice("--metric-better", rest, which, 2, &v, err);
    for (int i = 0; rc == STATUS_OK && i < cfg->nexec_metrics; i++)
        if (strcmp(cfg->exec_metrics[i].name, name) == 0) {
            cfg->exec_metrics[i].lower_better = v == 1;
            return STATUS_OK;
        }
    return rc != STATUS_OK ? rc : errmsg_set(err, STATUS_USAGE, "--metric-better: "
                                             "no --metric named '%s'", name);
}

/* --result-tolerance REL[,ABS]. */
static int parse_tolerance(struct config *cfg, const char *arg, errmsg_t *err)
{
    char rel[64];
    const char *comma = strchr(arg, ',');
    size_t len = comma != NULL ? (size_t)(comma - arg) : strlen(arg);
    snprintf(rel, sizeof rel, "%.*s", (int)(len < sizeof rel ? len : sizeof rel - 1), arg);
    int rc = parse_double("--result-tolerance", rel, 0.0, 1.0, &cfg->exec_tol_rel, err);
    cfg->exec_tol_abs = 0.0;
    if (rc == STATUS_OK && comma != NULL)
        rc = parse_double("--result-tolerance ABS", comma + 1, 0.0, DBL_MAX,
                          &cfg->exec_tol_abs, err);
    cfg->exec_tolerance = rc == STATUS_OK;
    return rc;
}

static bool env_char(char c) { return isalnum((unsigned char)c) || c == '_'; }

/* Variables a sweep option sets for every run (OMP_SCHEDULE: --schedule,
 * checked once all options are known). */
static const char *const env_swept[][2] = {
    {"OMP_NUM_THREADS", "-t/--threads"}, {"OMP_PROC_BIND", "--bind"},
    {"OMP_PLACES", "--places"}};

static int add_env(struct config *cfg, const char *arg, errmsg_t *err)
{
    char name[CONFIG_SCHEDULE_TEXT * 4];
    const char *value = NULL;
    int rc = split_named("--env", arg, env_char, name, sizeof name, &value, err);
    for (size_t i = 0; rc == STATUS_OK && i < sizeof env_swept / sizeof *env_swept; i++)
        if (strcmp(name, env_swept[i][0]) == 0)
            rc = errmsg_set(err, STATUS_USAGE, "--env: %s is set by %s (a column of "
                            "runs.csv)", name, env_swept[i][1]);
    for (int i = 0; rc == STATUS_OK && i < cfg->nexec_env; i++)
        if (strncmp(cfg->exec_env[i], arg, (size_t)(value - arg)) == 0)
            rc = errmsg_set(err, STATUS_USAGE, "--env: %s given twice", name);
    if (rc == STATUS_OK)
        rc = check_room("--env", cfg->nexec_env, err);
    if (rc == STATUS_OK)
        cfg->exec_env[cfg->nexec_env++] = arg;
    return rc;
}

static int add_result(struct config *cfg, const char *arg, errmsg_t *err)
{
    int rc = check_room("--result", cfg->nexec_results, err);
    if (rc == STATUS_OK)
        cfg->exec_results[cfg->nexec_results++] = arg;
    return rc;
}

static int nonempty(const char *opt, const char *arg, const char **out, errmsg_t *err)
{
    if (arg[0] == '\0')
        return errmsg_set(err, STATUS_USAGE, "%s: empty value", opt);
    *out = arg;
    return STATUS_OK;
}

static int apply_exec_extra(struct config *cfg, int id, const char *arg, errmsg_t *err)
{
    switch (id) {
    case OPT_OK_EXIT: return parse_ok_exit(cfg, arg, err);
    case OPT_METRIC: return add_metric(cfg, arg, err);
    case OPT_METRIC_BETTER:
        if (check_room("--metric-better", cfg->nexec_better, err) != STATUS_OK)
            return STATUS_USAGE;
        cfg->exec_better[cfg->nexec_better++] = arg;
        return STATUS_OK;
    case OPT_RESULT_TOLERANCE: return parse_tolerance(cfg, arg, err);
    case OPT_ENV: return add_env(cfg, arg, err);
    case OPT_CHDIR: return nonempty("--chdir", arg, &cfg->exec_chdir, err);
    case OPT_PROGRAM_VERSION:
        return nonempty("--program-version", arg, &cfg->exec_program_version, err);
    case OPT_RANKS:
        return parse_threads_named("--ranks", arg, omp_get_num_procs(), cfg->ranks,
                                   &cfg->nranks, err);
    case OPT_LAUNCHER: return nonempty("--launcher", arg, &cfg->exec_launcher, err);
    case OPT_CORES:
        return parse_threads_named("--cores", arg, omp_get_num_procs(), cfg->cores,
                                   &cfg->ncores, err);
    default: return OPTION_NOT_MINE;
    }
}

static int apply_exec_option(struct config *cfg, int id, const char *arg,
                             errmsg_t *err)
{
    switch (id) {
    case OPT_NAME: return parse_label("--name", arg, &cfg->exec_name, err);
    case OPT_SIZE: return parse_label("--size", arg, &cfg->exec_size, err);
    case OPT_RESULT: return add_result(cfg, arg, err);
    case OPT_TIME:
        return set_once("--time", &cfg->exec_time, arg, "one pattern gives the run's "
                        "seconds", err);
    case OPT_WORK:
        return set_once("--work", &cfg->exec_work, arg, "one pattern or number gives "
                        "the run's work", err);
    case OPT_TIMEOUT:
        return parse_double("--timeout", arg, 0.001, TIMEOUT_MAX, &cfg->exec_timeout, err);
    case OPT_SHOW_OUTPUT: cfg->exec_show_output = true; return STATUS_OK;
    default: return apply_exec_extra(cfg, id, arg, err);
    }
}

/* What the exec options say together, once all are known. */
static int validate_exec(struct config *cfg, errmsg_t *err)
{
    for (int i = 0; i < cfg->nexec_better; i++) {
        int rc = apply_better(cfg, cfg->exec_better[i], err);
        if (rc != STATUS_OK)
            return rc;
    }
    for (int i = 0; cfg->schedules_given && i < cfg->nexec_env; i++)
        if (strncmp(cfg->exec_env[i], "OMP_SCHEDULE=", 13) == 0)
            return errmsg_set(err, STATUS_USAGE, "--env: OMP_SCHEDULE is set by "
                              "--schedule (a column of runs.csv)");
    if (cfg->exec_tolerance && cfg->nexec_results == 0)
        return errmsg_set(err, STATUS_USAGE, "--result-tolerance: needs --result REGEX "
                          "(the text whose numbers are compared)");
    return STATUS_OK;
}

/* The first hybrid option given (--ranks, --launcher, --cores), or NULL. */
static const char *hybrid_option(const struct config *cfg)
{
    return cfg->nranks > 0 ? "--ranks" : cfg->exec_launcher != NULL ? "--launcher"
           : cfg->ncores > 0 ? "--cores" : NULL;
}

/* Every divisor of the --cores counts, ascending: the ranks and threads of
 * a fixed-node study when their lists are not given. */
static int core_divisors(const struct config *cfg, int *out, int *count, errmsg_t *err)
{
    *count = 0;
    for (int d = 1; d <= cfg->cores[cfg->ncores - 1]; d++) {
        bool divides = false;
        for (int i = 0; i < cfg->ncores; i++)
            divides = divides || cfg->cores[i] % d == 0;
        if (divides && *count == CONFIG_MAX_THREAD_COUNTS)
            return errmsg_set(err, STATUS_USAGE, "--cores: more than %d divisors; give "
                              "--ranks and --threads", CONFIG_MAX_THREAD_COUNTS);
        if (divides)
            out[(*count)++] = d;
    }
    return STATUS_OK;
}

bool config_cell_selected(const struct config *cfg, int ranks, int threads)
{
    for (int i = 0; i < cfg->ncores; i++)
        if ((long)ranks * threads == cfg->cores[i])
            return true;
    return cfg->ncores == 0;
}

/* "1,2,4" of a count list. */
static void list_text(const int *v, int n, char *buf, size_t cap)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < n && used < cap; i++)
        used += (size_t)snprintf(buf + used, cap - used, "%s%d", i ? "," : "", v[i]);
}

/* --ranks, --launcher and --cores: exec's alone; the lists they imply. */
static int validate_hybrid(struct config *cfg, bool threads_given, errmsg_t *err)
{
    const char *opt = hybrid_option(cfg);
    if (opt == NULL)
        return STATUS_OK;
    if (!(cfg->workloads & WORKLOAD_EXEC))
        return errmsg_set(err, STATUS_USAGE, "%s: only for exec (your own program "
                          "through an MPI launcher; the built-in workloads take their "
                          "ranks from mpirun in the MPI build, see docs/mpi.md)", opt);
    if (cfg->nranks > 0 && cfg->exec_launcher == NULL)
        return errmsg_set(err, STATUS_USAGE, "--ranks: needs --launcher mpirun|mpiexec|"
                          "srun|'COMMAND with {ranks}' (what starts the ranks)");
    int rc = cfg->ncores > 0 && !threads_given
                 ? core_divisors(cfg, cfg->threads, &cfg->nthreads, err) : STATUS_OK;
    if (rc == STATUS_OK && cfg->exec_launcher != NULL && cfg->nranks == 0) {
        if (cfg->ncores > 0)
            rc = core_divisors(cfg, cfg->ranks, &cfg->nranks, err);
        else
            cfg->ranks[cfg->nranks++] = 1;
    }
    if (rc != STATUS_OK)
        return rc;
    int rank_one = 1;
    const int *ranks = cfg->nranks > 0 ? cfg->ranks : &rank_one;
    for (int r = 0; r < (cfg->nranks > 0 ? cfg->nranks : 1); r++)
        for (int t = 0; t < cfg->nthreads; t++)
            if (config_cell_selected(cfg, ranks[r], cfg->threads[t]))
                return STATUS_OK;
    char c[256], rl[256], tl[256];
    list_text(cfg->cores, cfg->ncores, c, sizeof c);
    list_text(ranks, cfg->nranks > 0 ? cfg->nranks : 1, rl, sizeof rl);
    list_text(cfg->threads, cfg->nthreads, tl, sizeof tl);
    return errmsg_set(err, STATUS_USAGE, "--cores: no cell of ranks %.60s x threads "
                      "%.60s has %.60s cores (ranks x threads)", rl, tl, c);
}

/* The long option without a value whose id is `val`, or NULL. */
static const char *flag_name(int val)
{
    for (const struct option *o = config_options; o->name != NULL; o++)
        if (o->val == val && o->has_arg == no_argument)
            return o->name;
    return NULL;
}

/* The "--NAME" of `text` ("--th", "--th=4") when NAME is not a long
 * option's whole name but the start of one or more: getopt_long would take
 * a unique start for the option, and a job script relying on it breaks the
 * day an option with the same start is added. STATUS_USAGE naming the
 * options meant; STATUS_OK for a whole name, a short option or an unknown
 * name (getopt's own error then). */
static int check_whole_name(const char *text, errmsg_t *err)
{
    if (strncmp(text, "--", 2) != 0)
        return STATUS_OK;
    const char *name = text + 2;
    size_t len = strcspn(name, "=");
    int matches = 0;
    for (const struct option *o = config_options; o->name != NULL; o++) {
        if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
            return STATUS_OK;
        matches += len > 0 && strncmp(o->name, name, len) == 0;
    }
    if (matches == 0)
        return STATUS_OK;
    char list[OPTION_LIST_TEXT] = "";
    size_t used = 0;
    int i = 0;
    for (const struct option *o = config_options; o->name != NULL && used < sizeof list; o++)
        if (strncmp(o->name, name, len) == 0) {
            const char *sep = i == 0 ? "" : i == matches - 1 ? " or " : ", ";
            int w = snprintf(list + used, sizeof list - used, "%s--%s", sep, o->name);
            used += w > 0 ? (size_t)w : 0;
            i++;
        }
    return errmsg_set(err, STATUS_USAGE, "--%.*s: unknown option; did you mean %s?",
                      (int)len, name, list);
}

/* The command-line word that named the long option getopt_long just
 * returned: the one before its separate value, else the last one. */
static const char *long_option_text(char **argv)
{
    return optarg != NULL && optarg == argv[optind - 1] ? argv[optind - 2]
                                                        : argv[optind - 1];
}

/* getopt's own complaints, rephrased as one line naming the option. */
static int option_error(int c, char **argv, errmsg_t *err)
{
    const char *text = argv[optind - 1];
    if (check_whole_name(text, err) != STATUS_OK)
        return STATUS_USAGE; /* "--th", "--th=x", "--qui=1": a start, not a name */
    if (c == ':')
        return errmsg_set(err, STATUS_USAGE, "%s: missing value", text);
    /* "--quiet=1": getopt sets optopt to the flag's id, which may be no
     * character at all (OPT_RESUME). */
    const char *flag = optopt != 0 ? flag_name(optopt) : NULL;
    if (flag != NULL)
        return errmsg_set(err, STATUS_USAGE, "--%s: takes no value", flag);
    if (optopt != 0)
        return errmsg_set(err, STATUS_USAGE, "-%c: unknown option (see --help)", optopt);
    return errmsg_set(err, STATUS_USAGE, "%s: unknown option (see --help)", text);
}

static int parse_options(int argc, char **argv, struct config *cfg,
                         bool *threads_given, errmsg_t *err)
{
    /* 0, not 1: glibc then forgets its pointer into the previous argv (the
     * rest of a cluster such as "-zq" after an error), which a later call
     * with another argv would read. */
    optind = 0;
    opterr = 0;
    for (;;) {
        int idx = -1; /* stays -1 for a short option */
        int c = getopt_long(argc, argv, config_short_options, config_options, &idx);
        if (c == -1)
            break;
        if (c == '?' || c == ':')
            return option_error(c, argv, err);
        /* getopt_long also took a unique start of a name: only whole names */
        if (idx >= 0 && check_whole_name(long_option_text(argv), err) != STATUS_OK)
            return STATUS_USAGE;
        if (c == 'h')
            c = OPT_HELP;
        int rc = apply_common_option(cfg, c, optarg, threads_given, err);
        if (rc == OPTION_NOT_MINE)
            rc = apply_bogosort_option(cfg, c, optarg, err);
        if (rc == OPTION_NOT_MINE)
            rc = apply_elbow_option(cfg, c, optarg, err);
        bool compare_own = false;
        if (rc == OPTION_NOT_MINE) {
            rc = apply_compare_option(cfg, c, optarg, err);
            compare_own = rc != OPTION_NOT_MINE;
        }
        if (rc == OPTION_NOT_MINE)
            rc = apply_exec_option(cfg, c, optarg, err);
        if (rc != STATUS_OK)
            return rc;
        /* summarize and compare take -o and -q; any other option is a
         * study's, which they would ignore: remember it to refuse it */
        if (!compare_own && c != 'o' && c != 'q' && cfg->study_option == NULL)
            cfg->study_option = option_name(c);
    }
    return STATUS_OK;
}

/* "compare BASE NEW": exactly two sides. */
static int parse_compare(int argc, char **argv, struct config *cfg, errmsg_t *err)
{
    cfg->action = ACTION_COMPARE;
    if (cfg->study_option != NULL)
        return errmsg_set(err, STATUS_USAGE, "--%s: not an option of compare "
                          "(usage: ompsweep compare BASE NEW [options])",
                          cfg->study_option);
    if (argc - optind != 3)
        return errmsg_set(err, STATUS_USAGE, "compare: expected BASE and NEW, got "
                          "%d argument(s) (usage: ompsweep compare BASE NEW [options])",
                          argc - optind - 1);
    cfg->compare.base = argv[optind + 1];
    cfg->compare.next = argv[optind + 2];
    cfg->compare.output_dir = cfg->output_given ? cfg->output_dir : NULL;
    return STATUS_OK;
}

static int parse_positionals(int argc, char **argv, struct config *cfg,
                             errmsg_t *err)
{
    char choices[CONFIG_CHOICES_TEXT];
    registry_choices(choices, sizeof choices);
    if (optind < argc && strcmp(argv[optind], "compare") == 0)
        return parse_compare(argc, argv, cfg, err);
    if (cfg->compare_option != NULL)
        return errmsg_set(err, STATUS_USAGE, "--%s: only for compare "
                          "(usage: ompsweep compare BASE NEW [options])",
                          cfg->compare_option);
    if (optind < argc && strcmp(argv[optind], "summarize") == 0) {
        cfg->action = ACTION_SUMMARIZE;
        if (cfg->study_option != NULL)
            return errmsg_set(err, STATUS_USAGE, "--%s: not an option of summarize "
                              "(usage: ompsweep summarize RUNS.csv|DIR... [-o DIR])",
                              cfg->study_option);
        cfg->inputs = argv + optind + 1;
        cfg->ninputs = argc - optind - 1;
        if (cfg->ninputs == 0)
            return errmsg_set(err, STATUS_USAGE, "summarize: missing RUNS.csv "
                              "(usage: ompsweep summarize RUNS.csv...)");
        return STATUS_OK;
    }
    for (int i = optind; i < argc; i++) {
        unsigned bits = registry_lookup(argv[i]);
        if (bits == 0)
            return errmsg_set(err, STATUS_USAGE, "unknown workload '%s' "
                              "(accepted %s)", argv[i], choices);
        if (bits == WORKLOAD_EXEC && cfg->command == NULL)
            return errmsg_set(err, STATUS_USAGE, "exec: missing '-- PROGRAM' "
                              "(usage: %s)", EXEC_USAGE);
        cfg->workloads |= bits;
    }
    if (cfg->workloads == 0)
        return errmsg_set(err, STATUS_USAGE, "missing WORKLOAD "
                          "(%s; see --help)", choices);
    if ((cfg->workloads & WORKLOAD_EXEC) && cfg->workloads != WORKLOAD_EXEC)
        return errmsg_set(err, STATUS_USAGE, "exec: runs alone, not with other "
                          "workloads (usage: %s)", EXEC_USAGE);
    if ((cfg->workloads & WORKLOAD_EXEC) && cfg->ncommand == 0)
        return errmsg_set(err, STATUS_USAGE, "exec: missing PROGRAM after '--' "
                          "(usage: %s)", EXEC_USAGE);
    return STATUS_OK;
}

/* exec's command is everything after the first "--" of a command line
 * naming exec before it: getopt never sees it, so the program's options
 * stay the program's. Returns the count of arguments left to getopt. */
static int split_command(int argc, char **argv, struct config *cfg)
{
    bool exec = false;
    for (int i = 1; i < argc; i++) {
        exec = exec || strcmp(argv[i], registry[REGISTRY_EXEC].name) == 0;
        if (exec && strcmp(argv[i], "--") == 0) {
            cfg->command = argv + i + 1;
            cfg->ncommand = argc - i - 1;
            return i;
        }
    }
    return argc;
}

/* a * b * c without overflow, else false. */
static bool size_product(size_t a, size_t b, size_t c, size_t *out)
{
    if (b != 0 && a > SIZE_MAX / b)
        return false;
    if (c != 0 && a * b > SIZE_MAX / c)
        return false;
    *out = a * b * c;
    return true;
}

/* Bytes of physical memory, or SIZE_MAX when unknown. */
static size_t physical_memory(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    if (pages <= 0 || page <= 0 || (size_t)pages > SIZE_MAX / (size_t)page)
        return SIZE_MAX;
    return (size_t)pages * (size_t)page;
}

/* Refuse, before any work, a problem that cannot fit in memory: `copies`
 * matrices of n x d elements of `elem` bytes each. */
static int check_fits(const char *what, size_t n, size_t d, size_t elem,
                      size_t copies, errmsg_t *err)
{
    size_t bytes, limit = physical_memory();
    if (!size_product(n, d, elem, &bytes) || bytes > limit / copies)
        return errmsg_set(err, STATUS_USAGE, "%s: %zu x %zu needs more than the "
                          "%.1f GiB of memory of this machine", what, n, d,
                          (double)limit / (1024.0 * 1024.0 * 1024.0));
    return STATUS_OK;
}

static int validate_sizes(const struct config *cfg, errmsg_t *err)
{
    /* Weak scaling multiplies the row/sample count by the largest count. */
    size_t scale = cfg->scaling == SCALING_WEAK
                       ? (size_t)cfg->threads[cfg->nthreads - 1] : 1;
    int rc = STATUS_OK;
    if (cfg->workloads & WORKLOAD_BOGOSORT)
        rc = check_fits("--rows x --cols", cfg->rows * scale, cfg->cols,
                        sizeof(int), BOGOSORT_COPIES, err);
    if (rc == STATUS_OK && (cfg->workloads & WORKLOAD_ELBOW) && cfg->data_file == NULL)
        rc = check_fits("--samples x --features", cfg->samples * scale,
                        cfg->features, sizeof(double), ELBOW_COPIES, err);
    return rc;
}

static int validate_elbow(const struct config *cfg, errmsg_t *err)
{
    if (cfg->label_column >= 0 && cfg->data_file == NULL)
        return errmsg_set(err, STATUS_USAGE, "--label-column: needs --data FILE.csv "
                          "(generated data has no label column)");
    if (cfg->k_max < cfg->k_min)
        return errmsg_set(err, STATUS_USAGE, "--k-max: %d is below --k-min %d",
                          cfg->k_max, cfg->k_min);
    if (cfg->data_file != NULL && cfg->scaling == SCALING_WEAK)
        return errmsg_set(err, STATUS_USAGE, "--scaling weak: needs generated "
                          "data; it cannot grow a --data file");
    if (cfg->data_file != NULL)
        return STATUS_OK; /* sample and feature counts come from the file */
    if ((size_t)cfg->k_max >= cfg->samples)
        return errmsg_set(err, STATUS_USAGE, "--k-max: %d must be below "
                          "--samples %zu", cfg->k_max, cfg->samples);
    if ((size_t)cfg->folds > cfg->samples)
        return errmsg_set(err, STATUS_USAGE, "--folds: %d exceeds --samples %zu",
                          cfg->folds, cfg->samples);
    if ((size_t)cfg->pca > cfg->features)
        return errmsg_set(err, STATUS_USAGE, "--pca: %d exceeds --features %zu",
                          cfg->pca, cfg->features);
    return STATUS_OK;
}

/* Each swept option not given takes its one default value. */
static void default_dimensions(struct config *cfg)
{
    if (cfg->nschedules == 0) {
        cfg->schedules[0] = (struct schedule){SCHEDULE_DYNAMIC, 0, "dynamic"};
        cfg->nschedules = 1;
    }
    if (cfg->npartitions == 0)
        cfg->partitions[cfg->npartitions++] = BOGOSORT_ROWS;
    if (cfg->nstrategies == 0)
        cfg->strategies[cfg->nstrategies++] = ELBOW_OVER_K;
}

int config_parse(int argc, char **argv, struct config *cfg, errmsg_t *err)
{
    bool threads_given = false;
    long env;
    config_defaults(cfg);
    int rc = env_threads(&env, err);
    if (rc != STATUS_OK)
        return rc;
    argc = split_command(argc, argv, cfg);
    rc = parse_options(argc, argv, cfg, &threads_given, err);
    if (rc != STATUS_OK || cfg->action == ACTION_HELP ||
        cfg->action == ACTION_VERSION)
        return rc;
    if ((rc = parse_positionals(argc, argv, cfg, err)) != STATUS_OK)
        return rc;
    if (cfg->action == ACTION_SUMMARIZE || cfg->action == ACTION_COMPARE)
        return STATUS_OK;
    if (!threads_given)
        default_threads(cfg, env);
    default_dimensions(cfg);
    if ((rc = validate_hybrid(cfg, threads_given, err)) != STATUS_OK)
        return rc;
    if ((cfg->workloads & WORKLOAD_EXEC) && ((rc = validate_exec(cfg, err)) != STATUS_OK ||
                                             (rc = exec_workload_check(cfg, err)) != STATUS_OK))
        return rc;
    if ((rc = validate_sizes(cfg, err)) != STATUS_OK)
        return rc;
    return validate_elbow(cfg, err);
}

static uint64_t fnv1a_from(uint64_t h, const char *text)
{
    for (const unsigned char *p = (const unsigned char *)text; *p != '\0'; p++)
        h = (h ^ *p) * 0x100000001b3ULL;
    return h;
}

static uint64_t fnv1a(const char *text) { return fnv1a_from(0xcbf29ce484222325ULL, text); }

static uint64_t fnv1a_item(uint64_t h, const char *label, const char *text)
{
    return fnv1a_from(fnv1a_from(fnv1a_from(h, label), text), "\x1f");
}

/* The exec options of 0.3 that change what a run measures or how it is
 * verified; each enters only when given, so that 0.2's keys stay. Without
 * --schedule the program runs with the environment's OMP_SCHEDULE. */
static uint64_t exec_key_options(const struct config *cfg, uint64_t h)
{
    char text[128];
    for (int i = 1; i < cfg->nexec_results; i++)
        h = fnv1a_item(h, "result=", cfg->exec_results[i]);
    for (int i = 0; i < cfg->nexec_metrics; i++) {
        h = fnv1a_item(h, "metric=", cfg->exec_metrics[i].name);
        h = fnv1a_item(h, "=", cfg->exec_metrics[i].pattern);
    }
    for (int c = 1; cfg->exec_ok_exit_text != NULL && c < CONFIG_EXIT_CODES; c++)
        if (cfg->exec_ok_exit[c / 8] >> (c % 8) & 1u) {
            snprintf(text, sizeof text, "%d", c);
            h = fnv1a_item(h, "ok=", text);
        }
    if (cfg->exec_tolerance) {
        snprintf(text, sizeof text, "%a,%a", cfg->exec_tol_rel, cfg->exec_tol_abs);
        h = fnv1a_item(h, "tol=", text);
    }
    for (int i = 0; i < cfg->nexec_env; i++)
        h = fnv1a_item(h, "env=", cfg->exec_env[i]);
    if (cfg->exec_chdir != NULL)
        h = fnv1a_item(h, "dir=", cfg->exec_chdir);
    if (cfg->exec_launcher != NULL) /* how the ranks start; the counts are columns */
        h = fnv1a_item(h, "launcher=", cfg->exec_launcher);
    if (!cfg->schedules_given) {
        const char *inherited = getenv("OMP_SCHEDULE");
        h = fnv1a_item(h, "sched=runtime:", inherited != NULL ? inherited : "");
    }
    return h;
}

/* exec's part of the key: the program, its arguments and the patterns, each
 * closed by a separator so that no two command lines run together. */
static uint64_t exec_key(const struct config *cfg)
{
    const char *patterns[] = {cfg->nexec_results > 0 ? cfg->exec_results[0] : NULL,
                              cfg->exec_time, cfg->exec_work};
    uint64_t h = fnv1a("exec");
    for (int i = 0; i < cfg->ncommand; i++)
        h = fnv1a_from(fnv1a_from(h, cfg->command[i]), "\x1f");
    for (int i = 0; i < 3; i++)
        h = fnv1a_from(fnv1a_from(h, patterns[i] != NULL ? patterns[i] : "\x1e"), "\x1f");
    return exec_key_options(cfg, h);
}

/* The text hashed is 0.1's, so that a study started by 0.1 resumes; the
 * swept lists enter by their first value only (rows name the rest). */
void config_key(const struct config *cfg, char *buf, size_t cap)
{
    char text[2048];
    snprintf(text, sizeof text,
             "w=%u;seed=%llu;rows=%zu;cols=%zu;max=%d;part=%d;sched=%s;scal=%d;"
             "n=%zu;d=%zu;c=%d;std=%a;k=%d-%d;folds=%d;init=%d;iter=%d;tol=%a;"
             "pca=%d;noscale=%d;data=%s;label=%ld;par=%d",
             cfg->workloads, (unsigned long long)cfg->seed, cfg->rows, cfg->cols,
             cfg->max_value, (int)cfg->partitions[0], cfg->schedules[0].text,
             (int)cfg->scaling, cfg->samples, cfg->features, cfg->centers,
             cfg->cluster_std, cfg->k_min, cfg->k_max, cfg->folds, cfg->n_init,
             cfg->max_iter, cfg->tol, cfg->pca, (int)cfg->no_scale,
             cfg->data_file ? cfg->data_file : "", cfg->label_column,
             (int)cfg->strategies[0]);
    if (cfg->workloads & WORKLOAD_EXEC) /* appended: other keys stay 0.1's */
        snprintf(text + strlen(text), sizeof text - strlen(text), ";exec=%016llx",
                 (unsigned long long)exec_key(cfg));
    snprintf(buf, cap, "%08x", (unsigned)(fnv1a(text) & 0xffffffffu));
}

static const char USAGE_HEAD[] =
"usage: ompsweep [options] WORKLOAD...      WORKLOAD: %s\n"
"       ompsweep summarize RUNS.csv|DIR...  rebuild summary tables from runs files\n"
"       ompsweep compare BASE NEW [options] did it get faster, and is it real?\n"
"       ompsweep exec [options] -- PROGRAM [ARG...]  time your own OpenMP program\n"
"\n"
"Runs each workload over a sweep of OpenMP thread counts, checks that every\n"
"count computed the same result, and writes CSV tables to the output directory.\n"
"\n"
"Workloads:\n";

static const char USAGE_OPTIONS[] =
"  all                    bogosort and elbow, in this order\n"
"\n"
"Sweep:\n"
"  -t, --threads LIST     thread counts: 1,2,4  1-8  1-16:2  max  (mixable)\n"
"                         default: OMP_NUM_THREADS if set, else 1,2,4,..,nprocs\n"
"  -r, --repeats N        timed runs per thread count (default 5)\n"
"  -w, --warmup N         untimed runs before them (default 1)\n"
"  -s, --seed N           random seed (default 42)\n"
"  -o, --output DIR       output directory, created if missing (default results)\n"
"      --tag NAME         label stored with the run (at most 48 characters)\n"
"      --schedule KIND[,CHUNK]  static | dynamic | guided (default dynamic);\n"
"                         repeat the option to sweep several\n"
"      --bind VALUE       OMP_PROC_BIND to sweep: true, false, primary, close,\n"
"                         spread or a list (spread,close); repeatable\n"
"      --places VALUE     OMP_PLACES to sweep: threads, cores, sockets,\n"
"                         ll_caches, numa_domains [(N)] or {0},{1}...;\n"
"                         repeatable (bind/places run in child processes)\n"
"      --scaling strong|weak    weak: problem size grows with threads\n"
"      --order interleaved|random|blocked  timed runs: repeat r of every\n"
"                         block before r+1 (default), a seeded shuffle, or\n"
"                         every repeat of a block before the next\n"
"      --resume           skip cells already measured in DIR/runs.csv\n"
"  -q, --quiet            no progress lines on stderr\n"
"  -h, --help             this text\n"
"      --version          version, commit and compiler\n"
"\n";

static const char USAGE_WORKLOADS[] =
"bogosort:\n"
"      --rows N           matrix rows (default 1000)\n"
"      --cols N           values per row, 1..16 (default 8)\n"
"      --max-value N      values drawn from 0..N (default 100)\n"
"      --partition chunks|rows  one block per thread, or per-row scheduling\n"
"                         with --schedule (default rows); chunks,rows sweeps both\n"
"\n"
"elbow:\n"
"      --samples N --features N --centers N --cluster-std X\n"
"                         generated blobs (default 10000, 100, 7, 1.0)\n"
"      --data FILE.csv    load a numeric CSV instead (header detected)\n"
"      --label-column N   0-based column of FILE.csv to drop (labels)\n"
"      --save-data FILE.csv  write the data set used\n"
"      --k-min N --k-max N  cluster range (default 2..14)\n"
"      --folds N          cross-validation folds (default 5)\n"
"      --n-init N         k-means restarts (default 10)\n"
"      --max-iter N       Lloyd iteration cap (default 300)\n"
"      --tol X            relative tolerance (default 1e-4)\n"
"      --pca N            PCA components, 0 = off (default 2)\n"
"      --no-scale         skip the standard scaler\n"
"      --parallel over-k|tasks  parallel for over k, or one task per fit\n"
"                         (default over-k); over-k,tasks sweeps both\n"
"      --rule maxdelta|max|kneedle  rule reported as chosen_k (default maxdelta)\n"
"\n"
"";

static const char USAGE_COMMANDS[] =
"compare (BASE, NEW: runs files or directories; a,b pools several):\n"
"      --alpha X          significance level of the Mann-Whitney test\n"
"                         (default 0.05)\n"
"      --threshold PCT    changes under PCT% are \"same\" (default 1)\n"
"      --fail-on-regression PCT  exit 1 when a block is significantly slower\n"
"                         by more than PCT%\n"
"      --by host|run_id   keep hosts or run ids apart when matching blocks\n"
"  -o DIR                 also write DIR/compare.csv\n"
"\n"

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
"\n"
"Exit codes: 0 ok, 1 verification failed (compare: a regression; exec: the\n"
"program failed), 2 bad usage or input, 3 I/O error, 4 out of memory, 130/143\n"
"interrupted (rows written so far stay valid).\n";

void config_usage(FILE *out)
{
    char choices[CONFIG_CHOICES_TEXT];
    registry_choices(choices, sizeof choices);
    fprintf(out, USAGE_HEAD, choices);
    for (int i = 0; i < REGISTRY_COUNT; i++)
        fprintf(out, "  %-22s %s\n", registry[i].name, registry[i].summary);
    fputs(USAGE_OPTIONS, out);
    fputs("\n", out);
    fputs(USAGE_WORKLOADS, out);
    fputs(USAGE_COMMANDS, out);
}
