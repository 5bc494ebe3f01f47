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

/* One block: a workload variant under one schedule at one thread count. */
struct block {
    struct workload *w;
    const struct schedule *schedule;
    int threads;
};

static const char *schedule_column(const struct block *b)
{
    return b->w->fixed_schedule != NULL ? b->w->fixed_schedule : b->schedule->text;
}

static void set_threads(const struct block *b)
{
    omp_set_num_threads(b->threads);
    omp_set_schedule((omp_sched_t)b->schedule->kind, b->schedule->chunk);
}

static void start_row(const struct sweep *s, const struct block *b, int repeat,
                      struct run_row *row)
{
    const struct workload *w = b->w;
    memset(row, 0, sizeof *row);
    snprintf(row->run_id, sizeof row->run_id, "%s", s->run_id);
    snprintf(row->host, sizeof row->host, "%s", s->host);
    snprintf(row->workload, sizeof row->workload, "%s", w->name);
    snprintf(row->variant, sizeof row->variant, "%s", w->variant);
    snprintf(row->schedule, sizeof row->schedule, "%s", schedule_column(b));
    snprintf(row->bind, sizeof row->bind, "%s", s->bind);
    snprintf(row->places, sizeof row->places, "%s", s->places);
    snprintf(row->size, sizeof row->size, "%s", w->size);
    row->ranks = par_size();
    row->threads = b->threads;
    row->repeat = repeat;
}

/* Every rank asks the others whether a signal came, so all stop together
 * (a rank leaving early would hang the others in the next collective). */
static bool stop_requested(struct sweep *s)
{
    if (s->failed != 0)
        return true;
    int mine = signals_pending();
    if (!par_any(mine != 0))
        return false;
    s->interrupted = mine != 0 ? mine : SIGTERM;
    return true;
}

enum run_fate { RUN_DONE, RUN_CUT, RUN_FAILED };

/* How the last run ended, for workloads whose runs can fail (exec): a
 * failure stops the sweep, its message kept for the exit status. */
static enum run_fate run_fate(struct sweep *s, struct workload *w)
{
    errmsg_t why;
    int rc = w->outcome != NULL ? w->outcome(w->state, &why) : STATUS_OK;
    if (rc == STATUS_OK)
        return RUN_DONE;
    if (rc == STATUS_SIGINT || rc == STATUS_SIGTERM)
        return RUN_CUT;
    s->failed = rc;
    s->failure = why;
    return RUN_FAILED;
}

/* One timed repeat: reset, time the kernel alone between two barriers (the
 * time of the slowest rank counts), then check and record. */
static int timed_run(struct sweep *s, struct workload *w, struct run_row *row,
                     struct reference *ref, errmsg_t *err)
{
    struct workload_result res = {0};
    w->reset(w->state);
    par_barrier();
    double t0 = omp_get_wtime();
    w->run(w->state);
    double t1 = omp_get_wtime();
    par_barrier();
    double seconds = par_max_double(t1 - t0);
    if (run_fate(s, w) == RUN_CUT)
        return STATUS_OK; /* a run cut short measured nothing */
    w->check(w->state, &res);
    if (res.timed)
        seconds = res.seconds;
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
static int repeats_to_do(const struct sweep *s, const struct block *b,
                         struct reference *ref)
{
    int todo = 0;
    for (int r = 1; r <= s->cfg->repeats; r++) {
        struct run_row cell;
        start_row(s, b, r, &cell);
        if (s->resume == NULL || !resume_has(s->resume, &cell))
            todo++;
        if (s->resume != NULL && !ref->known)
            ref->known = resume_checksum(s->resume, &cell, &ref->checksum);
    }
    return todo;
}

static void progress(struct sweep *s, const struct block *b, int todo)
{
    const struct workload *w = b->w;
    s->blocks_done++;
    if (s->cfg->quiet || !par_root())
        return;
    double elapsed = omp_get_wtime() - s->started;
    double eta = elapsed / s->blocks_done * (s->blocks_total - s->blocks_done);
    fprintf(stderr, "ompsweep: %s %s %s%s%s%s%s %s threads=%d: %d/%d repeats%s, "
            "elapsed %.1f s, ETA %.1f s%s%s\n", w->name, w->variant, schedule_column(b),
            s->bind[0] ? " bind=" : "", s->bind, s->places[0] ? " places=" : "",
            s->places, w->size, b->threads, todo, s->cfg->repeats,
            todo < s->cfg->repeats ? " (rest resumed)" : "", elapsed, eta,
            w->note != NULL ? "; " : "", w->note != NULL ? w->note : "");
}

/* Warmups and the missing repeats of one block. */
static int sweep_block(struct sweep *s, const struct block *b,
                       struct reference *ref, errmsg_t *err)
{
    const struct config *cfg = s->cfg;
    struct workload *w = b->w;
    int todo = repeats_to_do(s, b, ref), done = 0;
    set_threads(b);
    if (todo > 0 && s->affinity != NULL) {
        int rc = affinity_log_capture(s->affinity, s->bind, s->places, b->threads, err);
        if (rc != STATUS_OK)
            return rc;
    }
    for (int i = 0; i < cfg->warmup && todo > 0 && !stop_requested(s); i++) {
        w->reset(w->state);
        w->run(w->state);
        if (run_fate(s, w) != RUN_DONE)
            break;
    }
    for (int r = 1; r <= cfg->repeats && !stop_requested(s); r++) {
        struct run_row row;
        start_row(s, b, r, &row);
        if (s->resume != NULL && resume_has(s->resume, &row))
            continue;
        int rc = timed_run(s, w, &row, ref, err);
        if (rc != STATUS_OK)
            return rc;
        done++;
    }
    progress(s, b, done);
    return STATUS_OK;
}

/* One schedule: the thread counts, innermost. *fixed: the workload ignores
 * the schedule (its blocks stand for every schedule). */
static int sweep_schedule(struct sweep *s, workload_create_fn create, int variant,
                          struct workload *prepared, const struct schedule *schedule,
                          struct reference *ref, bool *fixed, errmsg_t *err)
{
    const struct config *cfg = s->cfg;
    int rc = STATUS_OK;
    for (int i = 0; i < cfg->nthreads && rc == STATUS_OK; i++) {
        struct workload local, *w = prepared;
        if (w == NULL) { /* weak scaling: the size grows with the threads */
            rc = workload_create(create, cfg, variant, (size_t)cfg->threads[i],
                                 &local, err);
            if (rc != STATUS_OK)
                break;
            w = &local;
            ref->known = false;
        }
        struct block b = {w, schedule, cfg->threads[i]};
        rc = sweep_block(s, &b, ref, err);
        *fixed = w->fixed_schedule != NULL;
        if (w == &local)
            workload_destroy(&local);
        if (s->interrupted || stop_requested(s))
            break;
    }
    return rc;
}

int sweep_workload(struct sweep *s, workload_create_fn create, int variant,
                   struct workload *prepared, errmsg_t *err)
{
    const struct config *cfg = s->cfg;
    struct reference ref = {0, false};
    bool fixed = false;
    int rc = STATUS_OK;
    for (int k = 0; k < cfg->nschedules && !fixed && rc == STATUS_OK &&
                    !s->interrupted && !s->failed; k++)
        rc = sweep_schedule(s, create, variant, prepared, &cfg->schedules[k], &ref,
                            &fixed, err);
    return rc;
}

int sweep_blocks(const struct config *cfg, const struct workload *w)
{
    bool fixed = w != NULL && w->fixed_schedule != NULL;
    return (fixed ? 1 : cfg->nschedules) * cfg->nthreads;
}
