/* elbow_workload: the elbow search as a workload of the sweep. Loads or
 * generates the data (untimed), hands the kernel its own parameters, and
 * writes elbow.csv after the sweep. */
#include "elbow/elbow_workload.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/par.h"
#include "elbow/blobs.h"
#include "elbow/dataset.h"
#include "elbow/elbow.h"
#include "elbow/elbow_options.h"
#include "elbow/elbow_output.h"
#include "base/signals.h"

enum { FEATURES_LIMIT = 100000 }; /* as --features */
enum { ESTIMATE_TEXT = 256, DURATION_TEXT = 32 };

struct elbow_state {
    struct elbow e;
    struct dataset data;
    enum elbow_rule rule; /* the one elbow_choice.csv reports as chosen_k */
    char warning[ESTIMATE_TEXT]; /* the expected run time, if long */
};

static void elbow_reset_hook(void *state) { (void)state; /* input is read-only */ }
static void elbow_run_hook(void *state) { elbow_run(&((struct elbow_state *)state)->e); }

static void elbow_check_hook(void *state, struct workload_result *out)
{
    struct elbow *e = &((struct elbow_state *)state)->e;
    bool gathered = elbow_gather(e) == STATUS_OK;
    out->verified = gathered && par_any(e->status != STATUS_OK) == false &&
                    elbow_verify(e);
    out->checksum = elbow_checksum(e);
    out->work = e->lloyd_iterations;
    workload_result_share(out);
}

static int elbow_results_hook(void *state, const char *output_dir, const char *run_id,
                              errmsg_t *err)
{
    struct elbow_state *s = state;
    return elbow_output_write(&s->e, output_dir, s->rule, run_id, err);
}

static void elbow_destroy_hook(void *state)
{
    struct elbow_state *s = state;
    elbow_free(&s->e);
    dataset_free(&s->data);
    free(s);
}

/* The data: a --data file, or make_blobs with the seed. */
static int elbow_data(const struct elbow_options *o, uint64_t seed, size_t scale,
                      struct dataset *data, errmsg_t *err)
{
    memset(data, 0, sizeof *data);
    if (o->data_file != NULL)
        return dataset_load_csv(o->data_file, o->label_column, data, err);
    struct blobs_params bp = {o->samples * scale, o->features, o->centers,
                              o->cluster_std, seed};
    int rc = blobs_make(&bp, &data->x, &data->labels, err);
    if (rc == STATUS_OK) {
        data->n = bp.n_samples;
        data->d = bp.n_features;
    }
    return rc;
}

static struct elbow_params elbow_params_of(const struct elbow_options *o,
                                           const struct sweep_options *sw,
                                           enum elbow_strategy strategy)
{
    struct elbow_params p = {
        .k_min = o->k_min, .k_max = o->k_max, .folds = o->folds,
        .n_init = o->n_init, .max_iter = o->max_iter, .pca = o->pca,
        .tol = o->tol, .scale = !o->no_scale, .seed = sw->seed,
        .strategy = strategy, .max_threads = sw->threads[sw->nthreads - 1],
        .rank = par_rank(), .nranks = par_size(), .cancel = signals_flag()};
    return p;
}

/* A warning when the study is expected to take over a minute: every
 * variant, thread count (taken to scale perfectly), warmup and repeat. */
static void estimate(const struct sweep_options *sw, int nvariants, struct elbow_state *s)
{
    double run = elbow_expected_seconds(&s->e), seconds = 0.0;
    for (int t = 0; t < sw->nthreads; t++)
        seconds += (sw->warmup + sw->repeats) * run / sw->threads[t];
    seconds *= nvariants;
    if (seconds <= WORKLOAD_WARN_SECONDS)
        return;
    char one[DURATION_TEXT], all[DURATION_TEXT];
    workload_duration_text(run, one, sizeof one);
    workload_duration_text(seconds, all, sizeof all);
    snprintf(s->warning, sizeof s->warning,
             "elbow %zux%zu: expected about %s a run at 1 thread and %s of "
             "kernel time in all (a rough estimate); SIGINT or SIGTERM stops it",
             s->data.n, s->data.d, one, all);
}

static void elbow_describe(enum elbow_strategy strategy, const struct elbow_state *s,
                           struct workload *w)
{
    w->name = "elbow";
    snprintf(w->variant, sizeof w->variant, "%s", elbow_strategy_names[strategy]);
    /* tasks are scheduled by the runtime's task queue, not by a loop schedule */
    w->fixed_schedule = strategy == ELBOW_TASKS ? "task" : NULL;
    snprintf(w->size, sizeof w->size, "%zux%zu", s->data.n, s->data.d);
    w->state = (void *)s;
    w->reset = elbow_reset_hook;
    w->run = elbow_run_hook;
    w->outcome = workload_cut_outcome;
    w->check = elbow_check_hook;
    w->warning = s->warning[0] != '\0' ? s->warning : NULL;
    w->results = elbow_results_hook;
    w->destroy = elbow_destroy_hook;
}

/* One variant per --parallel value. */
static int elbow_workload_variants(const void *opts)
{
    return ((const struct elbow_options *)opts)->nstrategies;
}

/* Load or generate the data (untimed) with `scale` times the samples and
 * allocate every workspace, for --parallel's value number `variant`. */
static int elbow_workload_create(const void *opts, const struct sweep_options *sw,
                                 int variant, size_t scale, struct workload *w,
                                 errmsg_t *err)
{
    const struct elbow_options *o = opts;
    enum elbow_strategy strategy = o->strategies[variant];
    struct elbow_state *s = calloc(1, sizeof *s);
    if (s == NULL)
        return errmsg_set(err, STATUS_NOMEM, "elbow: out of memory");
    s->rule = o->rule;
    int rc = elbow_data(o, sw->seed, scale, &s->data, err);
    if (rc == STATUS_OK && s->data.d > (size_t)FEATURES_LIMIT)
        rc = errmsg_set(err, STATUS_USAGE, "%s: %zu features exceed the limit of %d",
                        o->data_file, s->data.d, FEATURES_LIMIT);
    if (rc == STATUS_OK && o->save_data_file != NULL)
        rc = dataset_save_csv(o->save_data_file, &s->data, err);
    if (rc == STATUS_OK) {
        struct elbow_params p = elbow_params_of(o, sw, strategy);
        rc = elbow_init(&s->e, s->data.x, s->data.n, (int)s->data.d, &p, err);
    }
    if (rc != STATUS_OK) {
        dataset_free(&s->data);
        free(s);
        return rc;
    }
    if (variant == 0) /* one estimate for the whole study */
        estimate(sw, o->nstrategies, s);
    elbow_describe(strategy, s, w);
    return STATUS_OK;
}

const struct workload_kind elbow_kind = {
    .name = "elbow",
    .summary = "k-means + silhouette elbow search over a cluster range",
    .usage = elbow_usage,
    .options = elbow_long_options,
    .options_size = sizeof(struct elbow_options),
    .options_init = elbow_options_init,
    .option = elbow_options_apply,
    .validate = elbow_options_validate,
    .key = elbow_options_key,
    .key_always = true,
    .variants = elbow_workload_variants,
    .create = elbow_workload_create,
};
