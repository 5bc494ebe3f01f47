/* tables: see tables.h. */
#include "study/tables.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "study/csv.h"
#include "study/summary.h"

enum { CHECKSUM_KEYS_MAX = 256 }; /* (workload, size) pairs compared */

/* The first checksum of each (workload, size) of the run. */
struct first_checksum {
    char workload[CSV_KEY_MAX], size[CSV_KEY_MAX];
    uint64_t checksum;
};

struct study_reader {
    const char *run_id;
    struct summary_acc *all, *own;
    struct first_checksum firsts[CHECKSUM_KEYS_MAX];
    int nfirsts;
    int mismatches;
};

/* Whether `row` agrees with the first row of its workload and size. */
static bool agrees(struct study_reader *s, const struct run_row *row)
{
    for (int i = 0; i < s->nfirsts; i++)
        if (strcmp(s->firsts[i].workload, row->workload) == 0 &&
            strcmp(s->firsts[i].size, row->size) == 0)
            return s->firsts[i].checksum == row->checksum;
    if (s->nfirsts < CHECKSUM_KEYS_MAX) {
        struct first_checksum *f = &s->firsts[s->nfirsts++];
        snprintf(f->workload, sizeof f->workload, "%s", row->workload);
        snprintf(f->size, sizeof f->size, "%s", row->size);
        f->checksum = row->checksum;
    }
    return true;
}

static int study_row(void *ctx, const struct run_row *row, errmsg_t *err)
{
    struct study_reader *s = ctx;
    int rc = summary_acc_add(s->all, row, err);
    if (rc != STATUS_OK || strcmp(row->run_id, s->run_id) != 0)
        return rc;
    if (!agrees(s, row) || !row->verified)
        s->mismatches++;
    return summary_acc_add(s->own, row, err);
}

int tables_study(const char *runs_path, const char *run_id, struct tables_study *t,
                 errmsg_t *err)
{
    memset(t, 0, sizeof *t);
    struct study_reader *s = calloc(1, sizeof *s);
    if (s == NULL)
        return errmsg_set(err, STATUS_NOMEM, "out of memory");
    s->run_id = run_id;
    int rc = summary_acc_new(&s->all, true, err);
    if (rc == STATUS_OK)
        rc = summary_acc_new(&s->own, false, err);
    if (rc == STATUS_OK)
        rc = csv_runs_each(runs_path, study_row, s, err);
    if (rc == STATUS_OK)
        rc = summary_acc_finish(s->all, &t->all, &t->nall, err);
    t->all_runs = s->all; /* kept for the models, freed by tables_study_free */
    if (rc == STATUS_OK)
        rc = summary_acc_finish(s->own, &t->own, &t->nown, err);
    if (rc == STATUS_OK)
        rc = models_table_build(s->own, t->own, t->nown, &t->own_models, err);
    t->mismatches = s->mismatches;
    summary_acc_free(s->own);
    free(s);
    if (rc != STATUS_OK)
        tables_study_free(t);
    return rc;
}

void tables_study_free(struct tables_study *t)
{
    free(t->all);
    free(t->own);
    summary_acc_free(t->all_runs);
    t->all_runs = NULL;
    models_table_free(&t->own_models);
    t->all = t->own = NULL;
    t->nall = t->nown = 0;
}

static int pool_row(void *ctx, const struct run_row *row, errmsg_t *err)
{
    return summary_acc_add(ctx, row, err);
}

int tables_pool(char *const *paths, int npaths, struct summary_row **out,
                size_t *count, struct models_table *models, errmsg_t *err)
{
    if (models != NULL)
        memset(models, 0, sizeof *models);
    struct summary_acc *acc;
    int rc = summary_acc_new(&acc, false, err);
    for (int i = 0; i < npaths && rc == STATUS_OK; i++)
        rc = csv_runs_each(paths[i], pool_row, acc, err);
    if (rc == STATUS_OK)
        rc = summary_acc_finish(acc, out, count, err);
    if (rc == STATUS_OK && models != NULL)
        rc = models_table_build(acc, *out, *count, models, err);
    summary_acc_free(acc);
    return rc;
}
