/* config: command line and environment -> struct config; see config.h.
 * The common options (the sweep's, summarize's and compare's) are parsed
 * here; every workload's own options by the workload (its kind's `option`
 * hook), from one getopt_long table built of them all. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/fnv.h"
#include "base/openmp.h"
#include "base/optparse.h"
#include "study/record/affinity.h"
#include "study/record/envinfo.h"

/* Accepted ranges, in one place so the messages and --help agree. */
#define REPEATS_MAX 1000000L
#define CHUNK_MAX 1000000000L
#define ALPHA_MIN 1e-12 /* compare --alpha */
#define ALPHA_MAX 0.5
#define PERCENT_MAX 1e6 /* compare --threshold, --fail-on-regression */
/* Room for "bogosort|elbow|exec|all" and the workloads to come. */
#define CONFIG_CHOICES_TEXT 256
#define OPTION_LIST_TEXT 512 /* "--a, --b or --c": the options a start names */

/* Long-only options get ids above the char range; a workload's option
 * `val` becomes OPT_WORKLOAD + row * OPT_WORKLOAD_ROW + val. */
enum option_id {
    OPT_SCHEDULE = 256, OPT_SCALING, OPT_RESUME, OPT_TAG, OPT_HELP, OPT_VERSION, OPT_BIND,
    OPT_PLACES, OPT_ORDER, OPT_ALPHA, OPT_THRESHOLD, OPT_FAIL_ON_REGRESSION, OPT_BY
};
enum { OPT_WORKLOAD = 1024, OPT_WORKLOAD_ROW = 256 };

/* The long options, in --help's order: the sweep's, the built-in
 * workloads', compare's, a command workload's, and the last ones. */
static const struct option sweep_long_options[] = {
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
    {NULL, 0, NULL, 0}
};
static const struct option compare_long_options[] = {
    {"alpha", required_argument, NULL, OPT_ALPHA},
    {"threshold", required_argument, NULL, OPT_THRESHOLD},
    {"fail-on-regression", required_argument, NULL, OPT_FAIL_ON_REGRESSION},
    {"by", required_argument, NULL, OPT_BY},
    {NULL, 0, NULL, 0}
};
static const struct option last_long_options[] = {
    {"help", no_argument, NULL, OPT_HELP},
    {"version", no_argument, NULL, OPT_VERSION},
    {NULL, 0, NULL, 0}
};
static const char config_short_options[] = ":t:r:w:s:o:qh";

static const char *const schedule_names[] = {"static", "dynamic", "guided"};

/* Append `table` to cfg's getopt_long table; a workload's (row >= 0) with
 * its ids moved to the row's range. */
static int add_options(struct config *cfg, int *n, const struct option *table, int row,
                       errmsg_t *err)
{
    for (const struct option *o = table; o != NULL && o->name != NULL; o++) {
        if (*n == CONFIG_MAX_OPTIONS || (row >= 0 && (o->val <= 0 || o->val >= OPT_WORKLOAD_ROW)))
            return errmsg_set(err, STATUS_USAGE, "--%s: more than %d long options, or "
                              "a workload's id outside 1..%d", o->name, CONFIG_MAX_OPTIONS,
                              OPT_WORKLOAD_ROW - 1);
        cfg->long_options[*n] = *o;
        if (row >= 0)
            cfg->long_options[*n].val = OPT_WORKLOAD + row * OPT_WORKLOAD_ROW + o->val;
        (*n)++;
    }
    return STATUS_OK;
}

/* The long options of the sweep, of every workload and of compare, in
 * --help's order. */
static int build_options(struct config *cfg, errmsg_t *err)
{
    const struct registry *reg = cfg->registry;
    int n = 0, rc = add_options(cfg, &n, sweep_long_options, -1, err);
    for (int r = 0; rc == STATUS_OK && r < reg->n; r++)
        if (reg->rows[r]->command == NULL)
            rc = add_options(cfg, &n, reg->rows[r]->options, r, err);
    if (rc == STATUS_OK)
        rc = add_options(cfg, &n, compare_long_options, -1, err);
    for (int r = 0; rc == STATUS_OK && r < reg->n; r++)
        if (reg->rows[r]->command != NULL)
            rc = add_options(cfg, &n, reg->rows[r]->options, r, err);
    return rc == STATUS_OK ? add_options(cfg, &n, last_long_options, -1, err) : rc;
}

/* The defaults: the sweep's, compare's, and every workload's options at
 * their own place in cfg->space. */
static int config_defaults(const struct registry *reg, struct config *cfg, errmsg_t *err)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->action = ACTION_RUN;
    cfg->registry = reg;
    struct sweep_options *sw = &cfg->sweep;
    sw->repeats = 5;
    sw->warmup = 1;
    sw->seed = 42;
    sw->output_dir = "results";
    sw->scaling = SCALING_STRONG;

    cfg->compare.alpha = 0.05;
    cfg->compare.threshold = 0.01;
    cfg->compare.fail_above = -1.0; /* never */

    if (reg->n > CONFIG_MAX_WORKLOADS)
        return errmsg_set(err, STATUS_USAGE, "registry: %d workloads, at most %d",
                          reg->n, CONFIG_MAX_WORKLOADS);
    size_t used = 0, align = _Alignof(max_align_t);
    for (int r = 0; r < reg->n; r++) {
        const struct workload_kind *k = reg->rows[r];
        if (used + k->options_size > sizeof cfg->space.bytes)
            return errmsg_set(err, STATUS_NOMEM, "%s: its options exceed the %d bytes "
                              "of CONFIG_OPTIONS_SPACE", k->name, CONFIG_OPTIONS_SPACE);
        cfg->options[r] = cfg->space.bytes + used;
        k->options_init(cfg->options[r]);
        used += (k->options_size + align - 1) / align * align;
    }
    return build_options(cfg, err);
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


int config_parse_schedule(const char *text, struct schedule *out, errmsg_t *err)
{
    char kind[SWEEP_SCHEDULE_TEXT];
    const char *comma = strchr(text, ',');
    size_t len = comma ? (size_t)(comma - text) : strlen(text);
    if (len >= sizeof kind)
        len = sizeof kind - 1;
    memcpy(kind, text, len);
    kind[len] = '\0';
    int idx = 0;
    int rc = optparse_choice("--schedule", kind, schedule_names, 3, &idx, err);
    if (rc != STATUS_OK)
        return rc;
    out->kind = (enum schedule_kind)(idx + 1);
    out->chunk = 0;
    if (comma != NULL) {
        rc = optparse_int("--schedule chunk", comma + 1, 1, CHUNK_MAX, &out->chunk, err);
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


int config_parse_threads(const char *text, int nprocs, int *out, int *count,
                         errmsg_t *err)
{
    return optparse_counts("--threads", text, nprocs, out, count, err);
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
        int rc = optparse_long(name, item, 1, CONFIG_MAX_THREADS, &v, err);
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
static void default_threads(struct sweep_options *sw, long env)
{
    if (env > 0) {
        sw->threads[0] = (int)env;
        sw->nthreads = 1;
        return;
    }
    int nprocs = omp_get_num_procs();
    if (nprocs > CONFIG_MAX_THREADS)
        nprocs = CONFIG_MAX_THREADS;
    sw->nthreads = 0;
    for (int t = 1; t < nprocs; t *= 2)
        sw->threads[sw->nthreads++] = t;
    sw->threads[sw->nthreads++] = nprocs;
}


static int add_schedule(struct sweep_options *sw, const char *arg, errmsg_t *err)
{
    struct schedule s;
    sw->schedules_given = true;
    int rc = config_parse_schedule(arg, &s, err);
    for (int i = 0; rc == STATUS_OK && i < sw->nschedules; i++)
        if (strcmp(sw->schedules[i].text, s.text) == 0)
            return STATUS_OK; /* given twice: swept once */
    if (rc == STATUS_OK)
        rc = optparse_room("--schedule", sw->nschedules, err);
    if (rc == STATUS_OK)
        sw->schedules[sw->nschedules++] = s;
    return rc;
}


static int add_bind(struct sweep_options *sw, const char *arg, errmsg_t *err)
{
    int rc = affinity_check_bind("--bind", arg, err);
    return rc == STATUS_OK ? optparse_add_text("--bind", sw->binds, &sw->nbinds, arg, err) : rc;
}

static int add_places(struct sweep_options *sw, const char *arg, errmsg_t *err)
{
    int count;
    int rc = affinity_check_places("--places", arg, &count, err);
    return rc == STATUS_OK ? optparse_add_text("--places", sw->places, &sw->nplaces, arg, err)
                           : rc;
}

static int apply_common_option(struct config *cfg, int id, const char *arg, errmsg_t *err)
{
    struct sweep_options *sw = &cfg->sweep;
    int v = 0, rc;
    switch (id) {
    case 't':
        sw->threads_given = true;
        return optparse_counts("--threads", arg, omp_get_num_procs(),
                                   sw->threads, &sw->nthreads, err);
    case 'r': return optparse_int("--repeats", arg, 1, REPEATS_MAX, &sw->repeats, err);
    case 'w': return optparse_int("--warmup", arg, 0, REPEATS_MAX, &sw->warmup, err);
    case 's': return parse_seed(arg, &sw->seed, err);
    case 'o':
        if (arg[0] == '\0')
            return errmsg_set(err, STATUS_USAGE, "--output: empty directory name");
        sw->output_dir = arg;
        sw->output_given = true;
        return STATUS_OK;
    case 'q': sw->quiet = true; return STATUS_OK;
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
        sw->tag = arg;
        return STATUS_OK;
    case OPT_SCHEDULE: return add_schedule(sw, arg, err);
    case OPT_BIND: return add_bind(sw, arg, err);
    case OPT_PLACES: return add_places(sw, arg, err);
    case OPT_SCALING:
        rc = optparse_choice("--scaling", arg, sweep_scaling_names, SCALING_COUNT, &v, err);
        sw->scaling = (enum scaling)v;
        return rc;
    case OPT_ORDER:
        rc = optparse_choice("--order", arg, sweep_order_names, ORDER_COUNT, &v, err);
        sw->order = (enum order)v;
        return rc;
    case OPT_RESUME: sw->resume = true; return STATUS_OK;
    case OPT_HELP: cfg->action = ACTION_HELP; return STATUS_OK;
    case OPT_VERSION: cfg->action = ACTION_VERSION; return STATUS_OK;
    default: return OPTPARSE_NOT_MINE;
    }
}

/* The long name of an option id, for messages. */
static const char *option_name(const struct config *cfg, int id)
{
    for (const struct option *o = cfg->long_options; o->name != NULL; o++)
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
        rc = optparse_double("--alpha", arg, ALPHA_MIN, ALPHA_MAX, &c->alpha, err);
        break;
    case OPT_THRESHOLD:
        rc = optparse_double("--threshold", arg, 0.0, PERCENT_MAX, &c->threshold, err);
        c->threshold /= 100.0;
        break;
    case OPT_FAIL_ON_REGRESSION:
        rc = optparse_double("--fail-on-regression", arg, 0.0, PERCENT_MAX, &c->fail_above,
                          err);
        c->fail_above /= 100.0;
        break;
    case OPT_BY:
        rc = optparse_choice("--by", arg, by_names, 2, &v, err);
        c->by = v == 0 ? COMPARE_BY_HOST : COMPARE_BY_RUN_ID;
        break;
    default: return OPTPARSE_NOT_MINE;
    }
    cfg->compare_option = option_name(cfg, id);
    return rc;
}

/* A workload's own option: to its kind's handler, with its own id. */
static int apply_workload_option(struct config *cfg, int id, const char *arg, errmsg_t *err)
{
    if (id < OPT_WORKLOAD)
        return OPTPARSE_NOT_MINE;
    int row = (id - OPT_WORKLOAD) / OPT_WORKLOAD_ROW;
    const struct workload_kind *k = cfg->registry->rows[row];
    return k->option(cfg->options[row], (id - OPT_WORKLOAD) % OPT_WORKLOAD_ROW, arg, err);
}

/* The long option without a value whose id is `val`, or NULL. */
static const char *flag_name(const struct config *cfg, int val)
{
    for (const struct option *o = cfg->long_options; o->name != NULL; o++)
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
static int check_whole_name(const struct config *cfg, const char *text, errmsg_t *err)
{
    if (strncmp(text, "--", 2) != 0)
        return STATUS_OK;
    const char *name = text + 2;
    size_t len = strcspn(name, "=");
    int matches = 0;
    for (const struct option *o = cfg->long_options; o->name != NULL; o++) {
        if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
            return STATUS_OK;
        matches += len > 0 && strncmp(o->name, name, len) == 0;
    }
    if (matches == 0)
        return STATUS_OK;
    char list[OPTION_LIST_TEXT] = "";
    size_t used = 0;
    int i = 0;
    for (const struct option *o = cfg->long_options; o->name != NULL && used < sizeof list; o++)
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
static int option_error(const struct config *cfg, int c, char **argv, errmsg_t *err)
{
    const char *text = argv[optind - 1];
    if (check_whole_name(cfg, text, err) != STATUS_OK)
        return STATUS_USAGE; /* "--th", "--th=x", "--qui=1": a start, not a name */
    if (c == ':')
        return errmsg_set(err, STATUS_USAGE, "%s: missing value", text);
    /* "--quiet=1": getopt sets optopt to the flag's id, which may be no
     * character at all (OPT_RESUME). */
    const char *flag = optopt != 0 ? flag_name(cfg, optopt) : NULL;
    if (flag != NULL)
        return errmsg_set(err, STATUS_USAGE, "--%s: takes no value", flag);
    if (optopt != 0)
        return errmsg_set(err, STATUS_USAGE, "-%c: unknown option (see --help)", optopt);
    return errmsg_set(err, STATUS_USAGE, "%s: unknown option (see --help)", text);
}

static int parse_options(int argc, char **argv, struct config *cfg, errmsg_t *err)
{
    /* 0, not 1: glibc then forgets its pointer into the previous argv (the
     * rest of a cluster such as "-zq" after an error), which a later call
     * with another argv would read. */
    optind = 0;
    opterr = 0;
    for (;;) {
        int idx = -1; /* stays -1 for a short option */
        int c = getopt_long(argc, argv, config_short_options, cfg->long_options, &idx);
        if (c == -1)
            break;
        if (c == '?' || c == ':')
            return option_error(cfg, c, argv, err);
        /* getopt_long also took a unique start of a name: only whole names */
        if (idx >= 0 && check_whole_name(cfg, long_option_text(argv), err) != STATUS_OK)
            return STATUS_USAGE;
        if (c == 'h')
            c = OPT_HELP;
        int rc = apply_common_option(cfg, c, optarg, err);
        bool compare_own = false;
        if (rc == OPTPARSE_NOT_MINE) {
            rc = apply_compare_option(cfg, c, optarg, err);
            compare_own = rc != OPTPARSE_NOT_MINE;
        }
        if (rc == OPTPARSE_NOT_MINE)
            rc = apply_workload_option(cfg, c, optarg, err);
        if (rc != STATUS_OK)
            return rc;
        /* summarize and compare take -o and -q; any other option is a
         * study's, which they would ignore: remember it to refuse it */
        if (!compare_own && c != 'o' && c != 'q' && cfg->study_option == NULL)
            cfg->study_option = option_name(cfg, c);
    }
    return STATUS_OK;
}


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
    cfg->compare.output_dir = cfg->sweep.output_given ? cfg->sweep.output_dir : NULL;
    return STATUS_OK;
}

/* The row of a command workload (exec) among `bits`, or -1. */
static int command_row(const struct registry *reg, unsigned bits)
{
    for (int r = 0; r < reg->n; r++)
        if ((bits & (1u << r)) && reg->rows[r]->command != NULL)
            return r;
    return -1;
}

/* The selected workloads: a command workload needs its "-- PROGRAM" and
 * runs alone. */
static int parse_workloads(int argc, char **argv, struct config *cfg, errmsg_t *err)
{
    const struct registry *reg = cfg->registry;
    char choices[CONFIG_CHOICES_TEXT];
    registry_choices(reg, choices, sizeof choices);
    for (int i = optind; i < argc; i++) {
        unsigned bits = registry_lookup(reg, argv[i]);
        if (bits == 0)
            return errmsg_set(err, STATUS_USAGE, "unknown workload '%s' "
                              "(accepted %s)", argv[i], choices);
        int r = command_row(reg, bits);
        if (r >= 0 && cfg->command == NULL)
            return errmsg_set(err, STATUS_USAGE, "%s: missing '-- PROGRAM' "
                              "(usage: %s)", reg->rows[r]->name, reg->rows[r]->synopsis);
        cfg->workloads |= bits;
    }
    if (cfg->workloads == 0)
        return errmsg_set(err, STATUS_USAGE, "missing WORKLOAD "
                          "(%s; see --help)", choices);
    int r = command_row(reg, cfg->workloads);
    if (r < 0)
        return STATUS_OK;
    const struct workload_kind *k = reg->rows[r];
    if (cfg->workloads != 1u << r)
        return errmsg_set(err, STATUS_USAGE, "%s: runs alone, not with other "
                          "workloads (usage: %s)", k->name, k->synopsis);
    if (cfg->ncommand == 0)
        return errmsg_set(err, STATUS_USAGE, "%s: missing PROGRAM after '--' "
                          "(usage: %s)", k->name, k->synopsis);
    k->command(cfg->options[r], cfg->command, cfg->ncommand);
    return STATUS_OK;
}

static int parse_positionals(int argc, char **argv, struct config *cfg,
                             errmsg_t *err)
{
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
    return parse_workloads(argc, argv, cfg, err);
}

/* A command workload's program is everything after the first "--" of a
 * command line naming that workload before it: getopt never sees it, so
 * the program's options stay the program's. Returns the count of
 * arguments left to getopt. */
static int split_command(int argc, char **argv, struct config *cfg)
{
    bool named = false;
    for (int i = 1; i < argc; i++) {
        unsigned bits = registry_lookup(cfg->registry, argv[i]);
        named = named || (bits != 0 && command_row(cfg->registry, bits) >= 0);
        if (named && strcmp(argv[i], "--") == 0) {
            cfg->command = argv + i + 1;
            cfg->ncommand = argc - i - 1;
            return i;
        }
    }
    return argc;
}

/* Each workload's view of all the options (selected or not), in the
 * registry's order; the first error wins. */
static int validate_workloads(struct config *cfg, errmsg_t *err)
{
    const struct registry *reg = cfg->registry;
    for (int r = 0; r < reg->n; r++) {
        int rc = reg->rows[r]->validate(cfg->options[r], &cfg->sweep,
                                        (cfg->workloads & (1u << r)) != 0, err);
        if (rc != STATUS_OK)
            return rc;
    }
    return STATUS_OK;
}

int config_parse_with(const struct registry *reg, int argc, char **argv,
                      struct config *cfg, errmsg_t *err)
{
    long env;
    int rc = config_defaults(reg, cfg, err);
    if (rc == STATUS_OK)
        rc = env_threads(&env, err);
    if (rc != STATUS_OK)
        return rc;
    argc = split_command(argc, argv, cfg);
    rc = parse_options(argc, argv, cfg, err);
    if (rc != STATUS_OK || cfg->action == ACTION_HELP ||
        cfg->action == ACTION_VERSION)
        return rc;
    if ((rc = parse_positionals(argc, argv, cfg, err)) != STATUS_OK)
        return rc;
    if (cfg->action == ACTION_SUMMARIZE || cfg->action == ACTION_COMPARE)
        return STATUS_OK;
    if (!cfg->sweep.threads_given)
        default_threads(&cfg->sweep, env);
    if (cfg->sweep.nschedules == 0) /* the one default of the swept schedule */
        cfg->sweep.schedules[cfg->sweep.nschedules++] =
            (struct schedule){SCHEDULE_DYNAMIC, 0, "dynamic"};
    return validate_workloads(cfg, err);
}

int config_parse(int argc, char **argv, struct config *cfg, errmsg_t *err)
{
    return config_parse_with(&registry_builtin, argc, argv, cfg, err);
}

const void *config_workload_options(const struct config *cfg, const char *name)
{
    for (int r = 0; r < cfg->registry->n; r++)
        if (strcmp(cfg->registry->rows[r]->name, name) == 0)
            return cfg->options[r];
    return NULL;
}

void config_study_request(const struct config *cfg, const char *key, int argc,
                          char **argv, struct study_request *req)
{
    *req = (struct study_request){.sweep = &cfg->sweep, .key = key, .argc = argc,
                                  .argv = argv};
    const struct registry *reg = cfg->registry;
    for (int r = 0; r < reg->n && req->nworkloads < STUDY_MAX_WORKLOADS; r++)
        if (cfg->workloads & (1u << r))
            req->workloads[req->nworkloads++] =
                (struct study_workload){reg->rows[r], cfg->options[r]};
}

/* The text hashed is 0.1's, so that a study started by 0.1 resumes: the
 * workloads, the seed, then each built-in workload's part (bogosort's
 * carries the first schedule and the scaling) and a selected command
 * workload's, joined by ';'. The swept lists enter by their first value
 * only (rows name the rest). */
void config_key(const struct config *cfg, char *buf, size_t cap)
{
    char text[4096], part[2048];
    const struct registry *reg = cfg->registry;
    size_t used = (size_t)snprintf(text, sizeof text, "w=%u;seed=%llu", cfg->workloads,
                                   (unsigned long long)cfg->sweep.seed);
    for (int r = 0; r < reg->n && used < sizeof text; r++) {
        const struct workload_kind *k = reg->rows[r];
        if (!k->key_always && !(cfg->workloads & (1u << r)))
            continue;
        k->key(cfg->options[r], &cfg->sweep, part, sizeof part);
        used += (size_t)snprintf(text + used, sizeof text - used, ";%s", part);
    }
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

static const char USAGE_COMPARE[] =
"compare (BASE, NEW: runs files or directories; a,b pools several):\n"
"      --alpha X          significance level of the Mann-Whitney test\n"
"                         (default 0.05)\n"
"      --threshold PCT    changes under PCT% are \"same\" (default 1)\n"
"      --fail-on-regression PCT  exit 1 when a block is significantly slower\n"
"                         by more than PCT%\n"
"      --by host|run_id   keep hosts or run ids apart when matching blocks\n"
"  -o DIR                 also write DIR/compare.csv\n"
"\n";

static const char USAGE_EXIT_CODES[] =
"Exit codes: 0 ok, 1 verification failed (compare: a regression; exec: the\n"
"program failed), 2 bad usage or input, 3 I/O error, 4 out of memory, 130/143\n"
"interrupted (rows written so far stay valid).\n";

void config_usage(const struct registry *reg, FILE *out)
{
    char choices[CONFIG_CHOICES_TEXT];
    registry_choices(reg, choices, sizeof choices);
    fprintf(out, USAGE_HEAD, choices);
    for (int i = 0; i < reg->n; i++)
        fprintf(out, "  %-22s %s\n", reg->rows[i]->name, reg->rows[i]->summary);
    fputs(USAGE_OPTIONS, out);
    fputs("\n", out);
    for (int i = 0; i < reg->n; i++)
        if (reg->rows[i]->command == NULL)
            fputs(reg->rows[i]->usage, out);
    fputs(USAGE_COMPARE, out);
    for (int i = 0; i < reg->n; i++)
        if (reg->rows[i]->command != NULL)
            fputs(reg->rows[i]->usage, out);
    fputs(USAGE_EXIT_CODES, out);
}
