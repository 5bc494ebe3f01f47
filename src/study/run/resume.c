/* resume: see resume.h. */
#include "study/run/resume.h"

#include "base/par.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool has_key(const char *run_id, const char *key)
{
    size_t n = strlen(run_id), m = strlen(key);
    return n > m && run_id[n - m - 1] == '-' && strcmp(run_id + n - m, key) == 0;
}

int resume_load(struct resume *r, const char *runs_path, const char *key,
                const char *run_id, errmsg_t *err)
{
    memset(r, 0, sizeof *r);
    if (access(runs_path, F_OK) != 0)
        return STATUS_OK;
    struct run_row *rows;
    size_t n;
    int rc = csv_runs_read(runs_path, &rows, &n, err);
    if (rc != STATUS_OK)
        return rc;
    if (run_id != NULL)
        snprintf(r->run_id, sizeof r->run_id, "%s", run_id);
    for (size_t i = 0; i < n && run_id == NULL; i++) /* the last match wins */
        if (has_key(rows[i].run_id, key))
            snprintf(r->run_id, sizeof r->run_id, "%s", rows[i].run_id);
    for (size_t i = 0; i < n && r->run_id[0] != '\0'; i++)
        if (rows[i].status == RUN_STATUS_OK && strcmp(rows[i].run_id, r->run_id) == 0)
            rows[r->n++] = rows[i]; /* compact in place */
    r->rows = rows;
    return STATUS_OK;
}

static bool same_block(const struct run_row *a, const struct run_row *b)
{
    return strcmp(a->workload, b->workload) == 0 &&
           strcmp(a->variant, b->variant) == 0 &&
           strcmp(a->schedule, b->schedule) == 0 && strcmp(a->bind, b->bind) == 0 &&
           strcmp(a->places, b->places) == 0 && strcmp(a->size, b->size) == 0;
}

bool resume_has(const struct resume *r, const struct run_row *cell)
{
    for (size_t i = 0; i < r->n; i++)
        if (same_block(&r->rows[i], cell) && r->rows[i].ranks == cell->ranks &&
            r->rows[i].threads == cell->threads && r->rows[i].repeat == cell->repeat)
            return true;
    return false;
}

bool resume_checksum(const struct resume *r, const struct run_row *cell,
                     uint64_t *checksum)
{
    for (size_t i = 0; i < r->n; i++)
        if (r->rows[i].verified && same_block(&r->rows[i], cell)) {
            *checksum = r->rows[i].checksum;
            return true;
        }
    return false;
}

int resume_share(struct resume *r)
{
    if (par_size() == 1)
        return STATUS_OK;
    uint64_t n = r->n;
    par_broadcast(&n, sizeof n);
    par_broadcast(r->run_id, sizeof r->run_id);
    if (!par_root()) {
        free(r->rows);
        r->rows = malloc((n ? n : 1) * sizeof *r->rows);
        r->n = r->rows != NULL ? (size_t)n : 0;
    }
    bool ok = par_all(r->rows != NULL);
    if (ok && n > 0)
        par_broadcast(r->rows, (size_t)n * sizeof *r->rows);
    return ok ? STATUS_OK : STATUS_NOMEM;
}

void resume_free(struct resume *r)
{
    free(r->rows);
    memset(r, 0, sizeof *r);
}
