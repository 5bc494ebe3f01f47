/* workload: adapters from each kernel module to the sweep's interface. */
#include "workload.h"

#include <stdio.h>
#include <stdlib.h>

#include "bogosort.h"

static void bogosort_reset_hook(void *state) { bogosort_reset(state); }
static void bogosort_run_hook(void *state) { bogosort_run(state); }

static void bogosort_check_hook(void *state, struct workload_result *out)
{
    out->verified = bogosort_verify(state, &out->checksum, &out->work);
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

int workload_create(unsigned which, const struct config *cfg, size_t scale,
                    struct workload *w, errmsg_t *err)
{
    switch (which) {
    case WORKLOAD_BOGOSORT: return create_bogosort(cfg, scale, w, err);
    default:
        return errmsg_set(err, STATUS_USAGE, "workload %u is not built", which);
    }
}

void workload_destroy(struct workload *w)
{
    if (w->destroy != NULL && w->state != NULL)
        w->destroy(w->state);
    w->state = NULL;
}
