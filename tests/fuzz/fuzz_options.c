/* fuzz_options: the input is a command line, one argument per NUL- or
 * newline-separated token, after argv[0] = "ompsweep". config_parse runs
 * twice, on two copies of the arguments, the first overwritten before the
 * second parse; both must give the same answer (getopt keeps state between
 * calls). On success the config must hold documented values only; on
 * failure the message must be one line. The first token also goes to
 * config_parse_schedule. */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bogosort/bogosort_options.h"
#include "config.h"
#include "elbow/elbow_options.h"
#include "exec/exec_options.h"

/* Each workload's own options, as its code sees them. */
#define BOGO(c) ((const struct bogosort_options *)config_workload_options((c), "bogosort"))
#define ELBOW(c) ((const struct elbow_options *)config_workload_options((c), "elbow"))
#define EXEC(c) ((const struct exec_options *)config_workload_options((c), "exec"))
#include "registry.h"
#include "fuzz_check.h"

enum {
    MAX_INPUT = 4096,
    MAX_ARGS = 64,      /* tokens taken from the input */
    SCHEDULE_CHUNK_MAX = 1000000000,
    COLS_MAX = 16
};

struct argv_copy {
    int argc;
    char *argv[MAX_ARGS + 2]; /* argv[0], the tokens, NULL */
    char *owned[MAX_ARGS + 1]; /* what to free: getopt permutes argv */
};

/* Split data at '\0' and '\n' into separately allocated arguments. */
static void split_args(const uint8_t *data, size_t size, struct argv_copy *a)
{
    a->argc = 0;
    a->owned[a->argc] = a->argv[a->argc] = fuzz_strndup((const uint8_t *)"ompsweep", 8);
    a->argc++;
    /* A trailing separator does not add an empty argument. */
    for (size_t start = 0; start < size && a->argc <= MAX_ARGS;) {
        size_t end = start;
        while (end < size && data[end] != '\0' && data[end] != '\n')
            end++;
        a->owned[a->argc] = a->argv[a->argc] = fuzz_strndup(data + start, end - start);
        a->argc++;
        start = end + 1;
    }
    a->argv[a->argc] = NULL;
}

static void free_args(struct argv_copy *a)
{
    for (int i = 0; i < a->argc; i++)
        free(a->owned[i]);
}

static void check_schedule(const struct schedule *s)
{
    FUZZ_ASSERT(s->kind >= SCHEDULE_STATIC && s->kind <= SCHEDULE_GUIDED,
                "schedule kind %d", (int)s->kind);
    FUZZ_ASSERT(s->chunk >= 0 && s->chunk <= SCHEDULE_CHUNK_MAX, "chunk %d", s->chunk);
    size_t len = strnlen(s->text, sizeof s->text);
    FUZZ_ASSERT(len > 0 && len < sizeof s->text, "schedule text length %zu", len);
    /* The text goes to the CSVs: read back, it must mean the same schedule. */
    struct schedule again;
    errmsg_t err;
    FUZZ_ASSERT(config_parse_schedule(s->text, &again, &err) == STATUS_OK,
                "schedule text '%s' does not parse: %s", s->text, err.text);
    FUZZ_ASSERT(again.kind == s->kind && again.chunk == s->chunk,
                "schedule text '%s' reads back as %d,%d, not %d,%d", s->text,
                (int)again.kind, again.chunk, (int)s->kind, s->chunk);
}

static void check_threads(const struct config *c)
{
    FUZZ_ASSERT(c->sweep.nthreads >= 1 && c->sweep.nthreads <= CONFIG_MAX_THREAD_COUNTS,
                "nthreads %d", c->sweep.nthreads);
    for (int i = 0; i < c->sweep.nthreads; i++) {
        FUZZ_ASSERT(c->sweep.threads[i] >= 1 && c->sweep.threads[i] <= CONFIG_MAX_THREADS,
                    "threads[%d] = %d", i, c->sweep.threads[i]);
        FUZZ_ASSERT(i == 0 || c->sweep.threads[i - 1] < c->sweep.threads[i],
                    "threads not ascending at %d", i);
    }
}

static void check_elbow(const struct config *c)
{
    FUZZ_ASSERT(ELBOW(c)->samples >= 3 && ELBOW(c)->features >= 1 && ELBOW(c)->centers >= 1,
                "samples %zu features %zu centers %d", ELBOW(c)->samples, ELBOW(c)->features,
                ELBOW(c)->centers);
    FUZZ_ASSERT(ELBOW(c)->k_min >= 2 && ELBOW(c)->k_max >= ELBOW(c)->k_min, "k %d..%d", ELBOW(c)->k_min, ELBOW(c)->k_max);
    FUZZ_ASSERT(ELBOW(c)->folds >= 2 && ELBOW(c)->n_init >= 1 && ELBOW(c)->max_iter >= 1 && ELBOW(c)->pca >= 0,
                "folds %d n_init %d max_iter %d pca %d", ELBOW(c)->folds, ELBOW(c)->n_init,
                ELBOW(c)->max_iter, ELBOW(c)->pca);
    FUZZ_ASSERT(isfinite(ELBOW(c)->cluster_std) && ELBOW(c)->cluster_std >= 0.0, "cluster_std %g",
                ELBOW(c)->cluster_std);
    FUZZ_ASSERT(isfinite(ELBOW(c)->tol) && ELBOW(c)->tol >= 0.0 && ELBOW(c)->tol <= 1.0, "tol %g", ELBOW(c)->tol);
    FUZZ_ASSERT(ELBOW(c)->label_column >= -1, "label_column %ld", ELBOW(c)->label_column);
    FUZZ_ASSERT(ELBOW(c)->nstrategies >= 1 && ELBOW(c)->nstrategies <= ELBOW_STRATEGY_COUNT,
                "strategies %d", ELBOW(c)->nstrategies);
    for (int i = 0; i < ELBOW(c)->nstrategies; i++)
        FUZZ_ASSERT(ELBOW(c)->strategies[i] == ELBOW_OVER_K || ELBOW(c)->strategies[i] == ELBOW_TASKS,
                    "strategy");
    FUZZ_ASSERT(ELBOW(c)->rule >= RULE_MAXDELTA && ELBOW(c)->rule < RULE_COUNT, "rule");
    if (ELBOW(c)->data_file != NULL)
        return; /* sizes come from the file */
    FUZZ_ASSERT((size_t)ELBOW(c)->k_max < ELBOW(c)->samples && (size_t)ELBOW(c)->folds <= ELBOW(c)->samples &&
                (size_t)ELBOW(c)->pca <= ELBOW(c)->features,
                "k_max %d folds %d pca %d vs samples %zu features %zu", ELBOW(c)->k_max,
                ELBOW(c)->folds, ELBOW(c)->pca, ELBOW(c)->samples, ELBOW(c)->features);
}

/* What the exec options accept: bounded lists, NAME=VALUE entries, a
 * tolerance in range, every --metric-better naming a metric. */
static void check_exec(const struct config *c)
{
    FUZZ_ASSERT(EXEC(c)->nresults >= 0 && EXEC(c)->nresults <= CONFIG_MAX_VALUES &&
                EXEC(c)->nmetrics >= 0 && EXEC(c)->nmetrics <= CONFIG_MAX_VALUES &&
                EXEC(c)->nenv >= 0 && EXEC(c)->nenv <= CONFIG_MAX_VALUES, "exec lists");
    for (int i = 0; i < EXEC(c)->nenv; i++)
        FUZZ_ASSERT(strchr(EXEC(c)->env[i], '=') != NULL, "--env without '='");
    for (int i = 0; i < EXEC(c)->nmetrics; i++)
        FUZZ_ASSERT(EXEC(c)->metrics[i].name[0] != '\0' && EXEC(c)->metrics[i].pattern != NULL &&
                    EXEC(c)->metrics[i].pattern[0] != '\0', "metric %d", i);
    FUZZ_ASSERT(!EXEC(c)->tolerance || (EXEC(c)->tol_rel >= 0.0 && EXEC(c)->tol_rel <= 1.0 &&
                                       EXEC(c)->tol_abs >= 0.0 && isfinite(EXEC(c)->tol_abs)),
                "tolerance %g,%g", EXEC(c)->tol_rel, EXEC(c)->tol_abs);
    FUZZ_ASSERT(!EXEC(c)->tolerance || EXEC(c)->nresults > 0, "tolerance without --result");
}

static void check_run(const struct config *c)
{
    const unsigned all = WORKLOAD_BOGOSORT | WORKLOAD_ELBOW;
    /* exec runs alone, with a program; the others in any combination */
    bool exec_only = c->workloads == WORKLOAD_EXEC;
    FUZZ_ASSERT(exec_only ? EXEC(c)->command != NULL && EXEC(c)->ncommand > 0
                          : c->workloads != 0 && (c->workloads & ~all) == 0,
                "workloads %u", c->workloads);
    check_threads(c);
    FUZZ_ASSERT(c->sweep.nschedules >= 1 && c->sweep.nschedules <= CONFIG_MAX_VALUES,
                "schedules %d", c->sweep.nschedules);
    for (int i = 0; i < c->sweep.nschedules; i++)
        check_schedule(&c->sweep.schedules[i]);
    FUZZ_ASSERT(c->sweep.nbinds >= 0 && c->sweep.nbinds <= CONFIG_MAX_VALUES &&
                c->sweep.nplaces >= 0 && c->sweep.nplaces <= CONFIG_MAX_VALUES, "binds/places");
    FUZZ_ASSERT(c->sweep.repeats >= 1 && c->sweep.warmup >= 0, "repeats %d warmup %d",
                c->sweep.repeats, c->sweep.warmup);
    FUZZ_ASSERT(c->sweep.output_dir != NULL && c->sweep.output_dir[0] != '\0', "output dir");
    FUZZ_ASSERT(BOGO(c)->rows >= 1 && BOGO(c)->cols >= 1 && BOGO(c)->cols <= COLS_MAX &&
                BOGO(c)->max_value >= 0, "rows %zu cols %zu max %d", BOGO(c)->rows, BOGO(c)->cols,
                BOGO(c)->max_value);
    FUZZ_ASSERT(BOGO(c)->npartitions >= 1 && BOGO(c)->npartitions <= BOGOSORT_PARTITION_COUNT,
                "partitions %d", BOGO(c)->npartitions);
    for (int i = 0; i < BOGO(c)->npartitions; i++)
        FUZZ_ASSERT(BOGO(c)->partitions[i] == BOGOSORT_CHUNKS ||
                    BOGO(c)->partitions[i] == BOGOSORT_ROWS, "partition");
    FUZZ_ASSERT(c->sweep.scaling == SCALING_STRONG || c->sweep.scaling == SCALING_WEAK, "scaling");
    if (c->sweep.tag != NULL)
        for (const char *p = c->sweep.tag; *p != '\0'; p++)
            FUZZ_ASSERT((unsigned char)*p >= 0x20 && *p != 0x7f, "control in tag");
    check_elbow(c);
    if (exec_only)
        check_exec(c);
    char key[CONFIG_KEY_LEN];
    config_key(c, key, sizeof key);
    FUZZ_ASSERT(strlen(key) == CONFIG_KEY_LEN - 1 &&
                strspn(key, "0123456789abcdef") == CONFIG_KEY_LEN - 1, "key '%s'", key);
}

/* Every summarize input is one of the arguments. */
static void check_summarize(const struct config *c, const struct argv_copy *a)
{
    FUZZ_ASSERT(c->ninputs >= 1 && c->ninputs < a->argc, "ninputs %d", c->ninputs);
    for (int i = 0; i < c->ninputs; i++) {
        bool found = false;
        for (int j = 1; j < a->argc && !found; j++)
            found = c->inputs[i] == a->owned[j];
        FUZZ_ASSERT(found, "summarize input %d is not an argument", i);
    }
}

/* Parse the arguments; returns rc, with the message and key in *err, *key. */
static int parse_once(struct argv_copy *a, errmsg_t *err, char *key)
{
    struct config *c = malloc(sizeof *c);
    if (c == NULL)
        abort();
    memset(err, 0, sizeof *err);
    key[0] = '\0';
    int rc = config_parse(a->argc, a->argv, c, err);
    FUZZ_ASSERT(rc == STATUS_OK || rc == STATUS_USAGE, "rc %d", rc);
    if (rc != STATUS_OK)
        fuzz_check_message(err);
    else if (c->action == ACTION_RUN) {
        check_run(c);
        config_key(c, key, CONFIG_KEY_LEN);
    } else if (c->action == ACTION_SUMMARIZE)
        check_summarize(c, a);
    else if (c->action == ACTION_COMPARE)
        FUZZ_ASSERT(c->compare.base != NULL && c->compare.next != NULL,
                    "compare without BASE and NEW");
    else
        FUZZ_ASSERT(c->action == ACTION_HELP || c->action == ACTION_VERSION,
                    "action %d", (int)c->action);
    free(c);
    return rc;
}

/* Overwrite the arguments with "qqq...": a parser that still reads them
 * (getopt's pointer into an option cluster) then sees -q options. glibc's
 * getopt is not instrumented, so ASan alone would not see that read. */
static void scribble_args(struct argv_copy *a)
{
    for (int i = 0; i < a->argc; i++)
        memset(a->owned[i], 'q', strlen(a->owned[i]));
}

static void fuzz_schedule(const uint8_t *data, size_t size)
{
    size_t len = 0;
    while (len < size && data[len] != '\0' && data[len] != '\n')
        len++;
    char *text = fuzz_strndup(data, len);
    struct schedule s;
    errmsg_t err = {{0}};
    int rc = config_parse_schedule(text, &s, &err);
    FUZZ_ASSERT(rc == STATUS_OK || rc == STATUS_USAGE, "rc %d", rc);
    if (rc == STATUS_OK)
        check_schedule(&s);
    else
        fuzz_check_message(&err);
    free(text);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    unsetenv("OMP_NUM_THREADS"); /* the default sweep, not one count */
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > MAX_INPUT)
        return 0;
    struct argv_copy first, second;
    errmsg_t err1, err2;
    char key1[CONFIG_KEY_LEN], key2[CONFIG_KEY_LEN];
    split_args(data, size, &first);
    int rc1 = parse_once(&first, &err1, key1);
    scribble_args(&first);
    split_args(data, size, &second);
    int rc2 = parse_once(&second, &err2, key2);
    free_args(&first);
    free_args(&second);
    FUZZ_ASSERT(rc1 == rc2, "second parse gave %d, first %d", rc2, rc1);
    FUZZ_ASSERT(rc1 == STATUS_OK || strcmp(err1.text, err2.text) == 0,
                "second parse said \"%s\", first \"%s\"", err2.text, err1.text);
    FUZZ_ASSERT(strcmp(key1, key2) == 0, "keys %s and %s", key1, key2);
    fuzz_schedule(data, size);
    return 0;
}
