/* fake_workload: see fake_workload.h. */
#include "fake_workload.h"

#include <getopt.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/optparse.h"

struct fake_options {
    long n;
    int variants, wrong, fail;
};

struct fake_state {
    const struct fake_options *o;
    int variant;
    int calls; /* runs of this instance */
};

enum { OPT_N = 1, OPT_VARIANTS, OPT_WRONG, OPT_FAIL };

static const struct option fake_long_options[] = {
    {"fake-n", required_argument, NULL, OPT_N},
    {"fake-variants", required_argument, NULL, OPT_VARIANTS},
    {"fake-wrong", required_argument, NULL, OPT_WRONG},
    {"fake-fail", required_argument, NULL, OPT_FAIL},
    {NULL, 0, NULL, 0}
};

struct fake_log fake_log;
static int timed_runs; /* of the study, warm-ups excluded (by check calls) */
static int all_runs;

void fake_log_clear(void)
{
    memset(&fake_log, 0, sizeof fake_log);
    timed_runs = all_runs = 0;
}

static void note(char hook, int variant, int threads)
{
    if (fake_log.n < FAKE_LOG_MAX)
        fake_log.events[fake_log.n++] = (struct fake_event){hook, variant, threads};
}

void fake_log_text(char hook, char *buf, size_t cap)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < fake_log.n && used < cap; i++)
        if (fake_log.events[i].hook == hook)
            used += (size_t)snprintf(buf + used, cap - used, "%s%d:%d", used ? " " : "",
                                     fake_log.events[i].variant, fake_log.events[i].threads);
}

static void fake_init(void *opts)
{
    *(struct fake_options *)opts = (struct fake_options){.n = 7, .variants = 1};
}

static int fake_option(void *opts, int id, const char *arg, errmsg_t *err)
{
    struct fake_options *o = opts;
    switch (id) {
    case OPT_N: return optparse_long("--fake-n", arg, 1, 1000, &o->n, err);
    case OPT_VARIANTS: return optparse_int("--fake-variants", arg, 1, 3, &o->variants, err);
    case OPT_WRONG: return optparse_int("--fake-wrong", arg, 1, 1000, &o->wrong, err);
    case OPT_FAIL: return optparse_int("--fake-fail", arg, 1, 1000, &o->fail, err);
    default: return OPTPARSE_NOT_MINE;
    }
}

static int fake_validate(void *opts, struct sweep_options *sw, bool selected, errmsg_t *err)
{
    const struct fake_options *o = opts;
    (void)sw;
    if (!selected && o->wrong > 0)
        return errmsg_set(err, STATUS_USAGE, "--fake-wrong: only for fake");
    return STATUS_OK;
}

static void fake_key(const void *opts, const struct sweep_options *sw, char *buf, size_t cap)
{
    (void)sw;
    snprintf(buf, cap, "fake=%ld", ((const struct fake_options *)opts)->n);
}

static int fake_variants(const void *opts) { return ((const struct fake_options *)opts)->variants; }

static void fake_reset(void *state) { note('r', ((struct fake_state *)state)->variant, 0); }

static void fake_run(void *state)
{
    struct fake_state *s = state;
    s->calls++;
    all_runs++;
    fake_log.runs++;
    note('x', s->variant, omp_get_max_threads());
}

static int fake_outcome(void *state, errmsg_t *err)
{
    const struct fake_state *s = state;
    if (s->o->fail > 0 && all_runs == s->o->fail)
        return errmsg_set(err, STATUS_VERIFY, "fake: run %d failed", all_runs);
    return STATUS_OK;
}

static void fake_check(void *state, struct workload_result *out)
{
    struct fake_state *s = state;
    timed_runs++;
    note('k', s->variant, 0);
    out->work = (uint64_t)s->o->n;
    out->checksum = (uint64_t)s->o->n + (s->o->wrong == timed_runs ? 1 : 0);
    out->verified = true;
}

static void fake_destroy(void *state)
{
    note('d', ((struct fake_state *)state)->variant, 0);
    free(state);
}

static int fake_create(const void *opts, const struct sweep_options *sw, int variant,
                       size_t scale, struct workload *w, errmsg_t *err)
{
    (void)sw;
    struct fake_state *s = calloc(1, sizeof *s);
    if (s == NULL)
        return errmsg_set(err, STATUS_NOMEM, "fake: out of memory");
    *s = (struct fake_state){.o = opts, .variant = variant};
    note('c', variant, 0);
    w->name = "fake";
    snprintf(w->variant, sizeof w->variant, "v%d", variant);
    snprintf(w->size, sizeof w->size, "%zu", (size_t)s->o->n * scale);
    w->state = s;
    w->reset = fake_reset;
    w->run = fake_run;
    w->outcome = fake_outcome;
    w->check = fake_check;
    w->destroy = fake_destroy;
    return STATUS_OK;
}

const struct workload_kind fake_kind = {
    .name = "fake",
    .summary = "a counting workload of the tests",
    .usage = "fake:\n      --fake-n N         its size (default 7)\n\n",
    .options = fake_long_options,
    .options_size = sizeof(struct fake_options),
    .options_init = fake_init,
    .option = fake_option,
    .validate = fake_validate,
    .key = fake_key,
    .variants = fake_variants,
    .create = fake_create,
};
