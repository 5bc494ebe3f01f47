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
#include "elbow/elbow_output.h"
#include "base/signals.h"

enum { FEATURES_LIMIT = 100000 }; /* as --features */
enum { ESTIMATE_TEXT = 256, DURATION_TEXT = 32 };

struct elbow_state {
    struct elbow e;
    struct dataset data;
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

static int elbow_report_hook(void *state, const struct config *cfg,
                             const char *run_id, errmsg_t *err)
{
    return elbow_output_write(&((struct elbow_state *)state)->e, cfg, run_id, err);
}

static void elbow_destroy_hook(void *state)
{
    struct elbow_state *s = state;
    elbow_free(&s->e);
    dataset_free(&s->data);
    free(s);
}

/* The data: a --data file, or make_blobs with the seed. */
static int elbow_data(const struct config *cfg, size_t scale, struct dataset *data,
                      errmsg_t *err)
{
    memset(data, 0, sizeof *data);
    if (cfg->data_file != NULL)
        return dataset_load_csv(cfg->data_file, cfg->label_column, data, err);
    struct blobs_params bp = {cfg->samples * scale, cfg->features, cfg->centers,
                              cfg->cluster_std, cfg->seed};
    int rc = blobs_make(&bp, &data->x, &data->labels, err);
    if (rc == STATUS_OK) {
        data->n = bp.n_samples;
        data->d = bp.n_features;
    }
    return rc;
}

static struct elbow_params elbow_params_of(const struct config *cfg,
                                           enum elbow_strategy strategy)
{
    struct elbow_params p = {
        .k_min = cfg->k_min, .k_max = cfg->k_max, .folds = cfg->folds,
        .n_init = cfg->n_init, .max_iter = cfg->max_iter, .pca = cfg->pca,
        .tol = cfg->tol, .scale = !cfg->no_scale, .seed = cfg->seed,
        .strategy = strategy, .max_threads = cfg->threads[cfg->nthreads - 1],
        .rank = par_rank(), .nranks = par_size(), .cancel = signals_flag()};
    return p;
}

/* A warning when the study is expected to take over a minute: every
 * variant, thread count (taken to scale perfectly), warmup and repeat. */
static void estimate(const struct config *cfg, struct elbow_state *s)
{
    double run = elbow_expected_seconds(&s->e), seconds = 0.0;
    for (int t = 0; t < cfg->nthreads; t++)
        seconds += (cfg->warmup + cfg->repeats) * run / cfg->threads[t];
    seconds *= cfg->nstrategies;
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
    w->report = elbow_report_hook;
    w->destroy = elbow_destroy_hook;
}

int elbow_workload_variants(const struct config *cfg) { return cfg->nstrategies; }

int elbow_workload_create(const struct config *cfg, int variant, size_t scale,
                          struct workload *w, errmsg_t *err)
{
    enum elbow_strategy strategy = cfg->strategies[variant];
    struct elbow_state *s = calloc(1, sizeof *s);
    if (s == NULL)
        return errmsg_set(err, STATUS_NOMEM, "elbow: out of memory");
    int rc = elbow_data(cfg, scale, &s->data, err);
    if (rc == STATUS_OK && s->data.d > (size_t)FEATURES_LIMIT)
        rc = errmsg_set(err, STATUS_USAGE, "%s: %zu features exceed the limit of %d",
                        cfg->data_file, s->data.d, FEATURES_LIMIT);
    if (rc == STATUS_OK && cfg->save_data_file != NULL)
        rc = dataset_save_csv(cfg->save_data_file, &s->data, err);
    if (rc == STATUS_OK) {
        struct elbow_params p = elbow_params_of(cfg, strategy);
        rc = elbow_init(&s->e, s->data.x, s->data.n, (int)s->data.d, &p, err);
    }
    if (rc != STATUS_OK) {
        dataset_free(&s->data);
        free(s);
        return rc;
    }
    if (variant == 0) /* one estimate for the whole study */
        estimate(cfg, s);
    elbow_describe(strategy, s, w);
    return STATUS_OK;
}
