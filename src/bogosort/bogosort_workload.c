/* bogosort_workload: the bogosort kernel as a workload of the sweep. Reads
 * struct config, hands the kernel its own parameters, and gathers the rows
 * of every MPI rank before the check. */
#include "bogosort/bogosort_workload.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/par.h"
#include "bogosort/bogosort.h"

static void bogosort_reset_hook(void *state) { bogosort_reset(state); }
static void bogosort_run_hook(void *state) { bogosort_run(state); }

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
    workload_result_share(out);
}

static void bogosort_destroy_hook(void *state)
{
    bogosort_free(state);
    free(state);
}

int bogosort_workload_variants(const struct config *cfg) { return cfg->npartitions; }

int bogosort_workload_create(const struct config *cfg, int variant, size_t scale,
                             struct workload *w, errmsg_t *err)
{
    enum bogosort_partition partition = cfg->partitions[variant];
    struct bogosort *b = malloc(sizeof *b);
    if (b == NULL)
        return errmsg_set(err, STATUS_NOMEM, "bogosort: out of memory");
    int rc = bogosort_init(b, cfg->rows * scale, cfg->cols, cfg->max_value,
                           cfg->seed, partition, err);
    if (rc == STATUS_OK)
        bogosort_share(b, par_rank(), par_size());
    if (rc != STATUS_OK) {
        free(b);
        return rc;
    }
    w->name = "bogosort";
    snprintf(w->variant, sizeof w->variant, "%s", bogosort_partition_names[partition]);
    /* chunks ignores --schedule: one static block per thread. */
    w->fixed_schedule = partition == BOGOSORT_CHUNKS ? "block" : NULL;
    snprintf(w->size, sizeof w->size, "%zux%zu", b->rows, b->cols);
    w->state = b;
    w->reset = bogosort_reset_hook;
    w->run = bogosort_run_hook;
    w->check = bogosort_check_hook;
    w->report = NULL;
    w->destroy = bogosort_destroy_hook;
    return STATUS_OK;
}
