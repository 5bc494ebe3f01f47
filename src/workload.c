/* workload: adapters from each kernel module to the sweep's interface. */
#include "workload.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blobs.h"
#include "bogosort.h"
#include "dataset.h"
#include "elbow.h"
#include "elbow_output.h"
#include "par.h"
#include "summary.h"

enum { FEATURES_LIMIT = 100000 }; /* as --features */

static void bogosort_reset_hook(void *state) { bogosort_reset(state); }
static void bogosort_run_hook(void *state) { bogosort_run(state); }

/* Rank 0 learns the result and tells the others, so every rank agrees. */
static void share_result(struct workload_result *out)
{
    par_broadcast(out, sizeof *out);
}

/* Bring every rank's block of sorted rows and shuffle counts to rank 0
 * (blocks are contiguous and in rank order). False on failure. */
static bool gather_rows(struct bogosort *b)
{
    size_t cols = b->cols, n = b->share_end - b->share_begin;
    int *rows = malloc(b->rows * cols * sizeof *rows);
    uint64_t *shuffles = malloc(b->rows * sizeof *shuffles);
    bool ok = rows != NULL && shuffles != NULL &&
              par_gather_bytes(b->matrix + b->share_begin * cols, n * cols * sizeof *rows,
                               rows, b->rows * cols * sizeof *rows) == 0 &&
              par_gather_bytes(b->shuffles + b->share_begin, n * sizeof *shuffles,
                               shuffles, b->rows * sizeof *shuffles) == 0;
    if (ok && par_root()) {
        memcpy(b->matrix, rows, b->rows * cols * sizeof *rows);
        memcpy(b->shuffles, shuffles, b->rows * sizeof *shuffles);
    }
    free(rows);
    free(shuffles);
    return ok;
}

static void bogosort_check_hook(void *state, struct workload_result *out)
{
    struct bogosort *b = state;
    bool gathered = par_size() == 1 || gather_rows(b);
    out->verified = gathered && bogosort_verify(b, &out->checksum, &out->work);
    if (par_size() > 1)
        share_result(out);
}

static void bogosort_destroy_hook(void *state)
{
    bogosort_free(state);
    free(state);
}

static int create_bogosort(const struct config *cfg, size_t scale,
                           struct workload *w, errmsg_t *err)
{
    struct bogosort *b = malloc(sizeof *b);
    if (b == NULL)
        return errmsg_set(err, STATUS_NOMEM, "bogosort: out of memory");
    int rc = bogosort_init(b, cfg->rows * scale, cfg->cols, cfg->max_value,
                           cfg->seed, cfg->partition, err);
    if (rc == STATUS_OK)
        bogosort_share(b, par_rank(), par_size());
    if (rc != STATUS_OK) {
        free(b);
        return rc;
    }
    w->name = "bogosort";
    snprintf(w->variant, sizeof w->variant, "%s", config_partition_name(cfg->partition));
    /* chunks ignores --schedule: one static block per thread. */
    snprintf(w->schedule, sizeof w->schedule, "%s",
             cfg->partition == PARTITION_CHUNKS ? "block" : cfg->schedule.text);
    snprintf(w->size, sizeof w->size, "%zux%zu", b->rows, b->cols);
    w->state = b;
    w->reset = bogosort_reset_hook;
    w->run = bogosort_run_hook;
    w->check = bogosort_check_hook;
    w->report = NULL;
    w->destroy = bogosort_destroy_hook;
    return STATUS_OK;
}

/* elbow ------------------------------------------------------------------ */

struct elbow_state {
    struct elbow e;
    struct dataset data;
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
    if (par_size() > 1)
        share_result(out);
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

static struct elbow_params elbow_params_of(const struct config *cfg)
{
    struct elbow_params p = {
        .k_min = cfg->k_min, .k_max = cfg->k_max, .folds = cfg->folds,
        .n_init = cfg->n_init, .max_iter = cfg->max_iter, .pca = cfg->pca,
        .tol = cfg->tol, .scale = !cfg->no_scale, .seed = cfg->seed,
        .parallel = cfg->parallel, .max_threads = cfg->threads[cfg->nthreads - 1],
        .rank = par_rank(), .nranks = par_size()};
    return p;
}

static void elbow_describe(const struct config *cfg, const struct elbow_state *s,
                           struct workload *w)
{
    w->name = "elbow";
    snprintf(w->variant, sizeof w->variant, "%s", config_parallel_name(cfg->parallel));
    /* tasks are scheduled by the runtime's task queue, not by a loop schedule */
    snprintf(w->schedule, sizeof w->schedule, "%s",
             cfg->parallel == ELBOW_TASKS ? "task" : cfg->schedule.text);
    snprintf(w->size, sizeof w->size, "%zux%zu", s->data.n, s->data.d);
    w->state = (void *)s;
    w->reset = elbow_reset_hook;
    w->run = elbow_run_hook;
    w->check = elbow_check_hook;
    w->report = elbow_report_hook;
    w->destroy = elbow_destroy_hook;
}

static int create_elbow(const struct config *cfg, size_t scale,
                        struct workload *w, errmsg_t *err)
{
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
        struct elbow_params p = elbow_params_of(cfg);
        rc = elbow_init(&s->e, s->data.x, s->data.n, (int)s->data.d, &p, err);
    }
    if (rc != STATUS_OK) {
        dataset_free(&s->data);
        free(s);
        return rc;
    }
    elbow_describe(cfg, s, w);
    return STATUS_OK;
}

int workload_create(unsigned which, const struct config *cfg, size_t scale,
                    struct workload *w, errmsg_t *err)
{
    int rc;
    switch (which) {
    case WORKLOAD_BOGOSORT: rc = create_bogosort(cfg, scale, w, err); break;
    case WORKLOAD_ELBOW: rc = create_elbow(cfg, scale, w, err); break;
    default:
        return errmsg_set(err, STATUS_USAGE, "workload %u is not built", which);
    }
    /* Weak-scaling rows carry the suffix so that summaries span sizes. */
    if (rc == STATUS_OK && cfg->scaling == SCALING_WEAK)
        strncat(w->variant, SUMMARY_WEAK_SUFFIX,
                sizeof w->variant - strlen(w->variant) - 1);
    return rc;
}

void workload_destroy(struct workload *w)
{
    if (w->destroy != NULL && w->state != NULL)
        w->destroy(w->state);
    w->state = NULL;
}
