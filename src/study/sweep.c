/* sweep: see sweep.h. */
#include "study/sweep.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/openmp.h"
#include "base/par.h"
#include "study/envinfo.h"
#include "study/signals.h"

/* The checksum every run of one block must reproduce. */
struct reference {
    uint64_t checksum;
    bool known;
};

static void set_threads(const struct config *cfg, int threads)
{
    omp_set_num_threads(threads);
    omp_set_schedule((omp_sched_t)cfg->schedule.kind, cfg->schedule.chunk);
}

static void start_row(const struct sweep *s, const struct workload *w,
                      int threads, int repeat, struct run_row *row)
{
    memset(row, 0, sizeof *row);
    snprintf(row->run_id, sizeof row->run_id, "%s", s->run_id);
    snprintf(row->host, sizeof row->host, "%s", s->host);
    snprintf(row->workload, sizeof row->workload, "%s", w->name);
    snprintf(row->variant, sizeof row->variant, "%s", w->variant);
    snprintf(row->schedule, sizeof row->schedule, "%s", w->schedule);
    snprintf(row->size, sizeof row->size, "%s", w->size);
    row->ranks = par_size();
    row->threads = threads;
    row->repeat = repeat;
}

/* Every rank asks the others whether a signal came, so all stop together
 * (a rank leaving early would hang the others in the next collective). */
static bool stop_requested(struct sweep *s)
{
    int mine = signals_pending();
    if (!par_any(mine != 0))
        return false;
    s->interrupted = mine != 0 ? mine : SIGTERM;
    return true;
}

/* One timed repeat: reset, time the kernel alone between two barriers (the
 * time of the slowest rank counts), then check and record. */
static int timed_run(struct sweep *s, struct workload *w, struct run_row *row,
                     struct reference *ref, errmsg_t *err)
{
    struct workload_result res;
    w->reset(w->state);
    par_barrier();
    double t0 = omp_get_wtime();
    w->run(w->state);
    double t1 = omp_get_wtime();
    par_barrier();
    double seconds = par_max_double(t1 - t0);
    w->check(w->state, &res);
    if (!ref->known) {
        ref->checksum = res.checksum;
        ref->known = true;
    }
    envinfo_utc_now(row->timestamp, sizeof row->timestamp);
    row->seconds = seconds;
    row->work = res.work;
    row->rate = row->seconds > 0 ? (double)res.work / row->seconds : 0.0;
    row->checksum = res.checksum;
    row->verified = res.verified && res.checksum == ref->checksum;
    if (!row->verified)
        s->mismatches++;
    s->runs_done++;
    return par_root() ? csv_runs_append(s->runs, row, err) : STATUS_OK;
}

/* Repeats of this block that an earlier, resumed run has not measured. */
static int repeats_to_do(const struct sweep *s, const struct workload *w,
                         int threads, struct reference *ref)
{
    int todo = 0;
    for (int r = 1; r <= s->cfg->repeats; r++) {
        struct run_row cell;
        start_row(s, w, threads, r, &cell);
        if (s->resume == NULL || !resume_has(s->resume, &cell))
            todo++;
        if (s->resume != NULL && !ref->known)
            ref->known = resume_checksum(s->resume, &cell, &ref->checksum);
    }
    return todo;
}

static void progress(struct sweep *s, const struct workload *w, int threads,
                     int todo)
{
    s->blocks_done++;
    if (s->cfg->quiet || !par_root())
        return;
    double elapsed = omp_get_wtime() - s->started;
    double eta = elapsed / s->blocks_done * (s->blocks_total - s->blocks_done);
    fprintf(stderr, "ompsweep: %s %s %s %s threads=%d: %d/%d repeats%s, "
            "elapsed %.1f s, ETA %.1f s\n", w->name, w->variant, w->schedule,
            w->size, threads, todo, s->cfg->repeats,
            todo < s->cfg->repeats ? " (rest resumed)" : "", elapsed, eta);
}

/* Warmups and the missing repeats at one thread count. */
static int sweep_block(struct sweep *s, struct workload *w, int threads,
                       struct reference *ref, errmsg_t *err)
{
    const struct config *cfg = s->cfg;
    int todo = repeats_to_do(s, w, threads, ref), done = 0;
    set_threads(cfg, threads);
    for (int i = 0; i < cfg->warmup && todo > 0 && !stop_requested(s); i++) {
        w->reset(w->state);
        w->run(w->state);
    }
    for (int r = 1; r <= cfg->repeats && !stop_requested(s); r++) {
        struct run_row row;
        start_row(s, w, threads, r, &row);
        if (s->resume != NULL && resume_has(s->resume, &row))
            continue;
        int rc = timed_run(s, w, &row, ref, err);
        if (rc != STATUS_OK)
            return rc;
        done++;
    }
    progress(s, w, threads, done);
    return STATUS_OK;
}

int sweep_workload(struct sweep *s, workload_create_fn create,
                   struct workload *prepared, errmsg_t *err)
{
    const struct config *cfg = s->cfg;
    int rc = STATUS_OK;
    struct reference ref = {0, false};
    for (int i = 0; i < cfg->nthreads && rc == STATUS_OK; i++) {
        struct workload local, *w = prepared;
        if (w == NULL) { /* weak scaling: the size grows with the threads */
            rc = workload_create(create, cfg, (size_t)cfg->threads[i], &local, err);
            if (rc != STATUS_OK)
                break;
            w = &local;
            ref.known = false;
        }
        rc = sweep_block(s, w, cfg->threads[i], &ref, err);
        if (w == &local)
            workload_destroy(&local);
        if (s->interrupted || stop_requested(s))
            break;
    }
    return rc;
}
