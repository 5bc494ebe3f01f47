/* sweep: see sweep.h. */
#include "sweep.h"

#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "envinfo.h"
#include "signals.h"

enum { SWEEP_ROWS_INITIAL = 64 };

static int keep_row(struct sweep *s, const struct run_row *row, errmsg_t *err)
{
    if (s->nrows == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : SWEEP_ROWS_INITIAL;
        struct run_row *grown = realloc(s->rows, cap * sizeof *grown);
        if (grown == NULL)
            return errmsg_set(err, STATUS_NOMEM, "sweep: out of memory");
        s->rows = grown;
        s->cap = cap;
    }
    s->rows[s->nrows++] = *row;
    return STATUS_OK;
}

static void set_threads(const struct config *cfg, int threads)
{
    omp_set_num_threads(threads);
    omp_set_schedule((omp_sched_t)cfg->schedule.kind, cfg->schedule.chunk);
}

static void start_row(const struct sweep *s, const struct workload *w,
                      int threads, struct run_row *row)
{
    memset(row, 0, sizeof *row);
    snprintf(row->run_id, sizeof row->run_id, "%s", s->run_id);
    snprintf(row->host, sizeof row->host, "%s", s->host);
    snprintf(row->workload, sizeof row->workload, "%s", w->name);
    snprintf(row->variant, sizeof row->variant, "%s", w->variant);
    snprintf(row->schedule, sizeof row->schedule, "%s", w->schedule);
    snprintf(row->size, sizeof row->size, "%s", w->size);
    row->threads = threads;
}

/* One timed repeat: reset, time the kernel alone, then check and record. */
static int timed_run(struct sweep *s, struct workload *w, struct run_row *row,
                     uint64_t *reference, bool *have_reference, errmsg_t *err)
{
    struct workload_result res;
    w->reset(w->state);
    double t0 = omp_get_wtime();
    w->run(w->state);
    double t1 = omp_get_wtime();
    w->check(w->state, &res);
    if (!*have_reference) {
        *reference = res.checksum;
        *have_reference = true;
    }
    envinfo_utc_now(row->timestamp, sizeof row->timestamp);
    row->seconds = t1 - t0;
    row->work = res.work;
    row->rate = row->seconds > 0 ? (double)res.work / row->seconds : 0.0;
    row->checksum = res.checksum;
    row->verified = res.verified && res.checksum == *reference;
    if (!row->verified)
        s->mismatches++;
    int rc = csv_runs_append(s->runs, row, err);
    return rc != STATUS_OK ? rc : keep_row(s, row, err);
}

static void progress(const struct sweep *s, const struct workload *w,
                     int threads, int done, double started)
{
    if (s->cfg->quiet)
        return;
    fprintf(stderr, "ompsweep: %s %s %s %s threads=%d: %d/%d repeats, "
            "elapsed %.2f s\n", w->name, w->variant, w->schedule, w->size,
            threads, done, s->cfg->repeats, omp_get_wtime() - started);
}

/* All warmups and repeats at one thread count. */
static int sweep_block(struct sweep *s, struct workload *w, int threads,
                       uint64_t *reference, bool *have_reference, errmsg_t *err)
{
    const struct config *cfg = s->cfg;
    double started = omp_get_wtime();
    set_threads(cfg, threads);
    for (int i = 0; i < cfg->warmup && !signals_pending(); i++) {
        w->reset(w->state);
        w->run(w->state);
    }
    int done = 0;
    for (int r = 1; r <= cfg->repeats && !signals_pending(); r++, done++) {
        struct run_row row;
        start_row(s, w, threads, &row);
        row.repeat = r;
        int rc = timed_run(s, w, &row, reference, have_reference, err);
        if (rc != STATUS_OK)
            return rc;
    }
    progress(s, w, threads, done, started);
    return STATUS_OK;
}

int sweep_workload(struct sweep *s, unsigned which, struct workload *prepared,
                   errmsg_t *err)
{
    const struct config *cfg = s->cfg;
    int rc = STATUS_OK;
    uint64_t reference = 0;
    bool have_reference = false;
    for (int i = 0; i < cfg->nthreads && rc == STATUS_OK; i++) {
        struct workload local, *w = prepared;
        if (w == NULL) { /* weak scaling: the size grows with the threads */
            rc = workload_create(which, cfg, (size_t)cfg->threads[i], &local, err);
            if (rc != STATUS_OK)
                break;
            w = &local;
            have_reference = false;
        }
        rc = sweep_block(s, w, cfg->threads[i], &reference, &have_reference, err);
        if (w == &local)
            workload_destroy(&local);
        if (signals_pending()) {
            s->interrupted = signals_pending();
            break;
        }
    }
    return rc;
}

void sweep_free(struct sweep *s)
{
    free(s->rows);
    s->rows = NULL;
    s->nrows = s->cap = 0;
}
