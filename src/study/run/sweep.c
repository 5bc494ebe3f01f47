/* sweep: see sweep.h. */
#include "study/run/sweep.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/openmp.h"
#include "base/par.h"
#include "base/rng.h"
#include "study/record/envinfo.h"
#include "study/record/metadata.h"
#include "study/analyze/metrics.h"
#include "study/record/warnings.h"
#include "base/signals.h"

enum { PROGRESS_TEXT = 512 };
/* rng_stream index of the random order: apart from any workload's. */
static const uint64_t SWEEP_ORDER_STREAM = 0x6f72646572ULL;

/* The checksum every run of one block must reproduce. */
struct reference {
    uint64_t checksum;
    bool known;
};

/* One block: a workload variant under one schedule at one rank and
 * thread count. */
struct block {
    struct workload *w;
    const struct schedule *schedule;
    int ranks;   /* launched by the workload, or this job's (par_size()) */
    int threads;
    struct reference *ref; /* shared by the blocks of one workload instance */
    int todo;              /* repeats not measured yet */
    bool warmed;           /* its warmup runs are done */
};

/* The blocks of one workload, in blocked order (variants, schedules,
 * ranks, threads innermost), and what they need. */
struct plan {
    struct block *blocks;
    int n;
    struct workload *instances; /* nvariants x cells under weak scaling */
    int ninstances;
    bool owned;                 /* instances were created here */
    struct reference *refs;     /* one per instance */
};

static const char *schedule_column(const struct block *b)
{
    return b->w->fixed_schedule != NULL ? b->w->fixed_schedule : b->schedule->text;
}

static void set_threads(const struct block *b)
{
    omp_set_num_threads(b->threads);
    omp_set_schedule((omp_sched_t)b->schedule->kind, b->schedule->chunk);
    if (b->w->set_ranks != NULL)
        b->w->set_ranks(b->w->state, b->ranks);
}

/* Rank counts of the sweep: --ranks when the workload starts its own
 * (exec --launcher), else this job's one. */
static int rank_counts(const struct sweep_options *opt)
{
    return opt->nranks > 0 ? opt->nranks : 1;
}

static int rank_count(const struct sweep_options *opt, int i)
{
    return opt->nranks > 0 ? opt->ranks[i] : par_size();
}

/* The (ranks, threads) cells swept, --cores applied. */
static int cells_swept(const struct sweep_options *opt)
{
    int n = 0;
    for (int r = 0; r < rank_counts(opt); r++)
        for (int t = 0; t < opt->nthreads; t++)
            n += sweep_cell_selected(opt, rank_count(opt, r), opt->threads[t]);
    return n;
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
    row->ranks = b->ranks;
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
    if (rc == STATUS_SIGINT || rc == STATUS_SIGTERM) {
        /* the study stops here, even after its last cell */
        if (s->interrupted == 0)
            s->interrupted = rc == STATUS_SIGINT ? SIGINT : SIGTERM;
        return RUN_CUT;
    }
    s->failed = rc;
    s->failure = why;
    return RUN_FAILED;
}

/* The first run's text (bounded) for metadata.json. */
static void keep_result_text(struct sweep *s, const struct workload_result *res)
{
    if (res->text == NULL || s->result_text != NULL)
        return;
    size_t n = strlen(res->text);
    s->result_text_cut = res->text_cut || n > METADATA_RESULT_TEXT;
    n = n > METADATA_RESULT_TEXT ? METADATA_RESULT_TEXT : n;
    s->result_text = malloc(n + 1);
    if (s->result_text != NULL) {
        memcpy(s->result_text, res->text, n);
        s->result_text[n] = '\0';
    }
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
    enum run_fate fate = run_fate(s, w);
    if (fate == RUN_CUT)
        return STATUS_OK; /* a run cut short measured nothing */
    w->check(w->state, &res);
    if (res.timed)
        seconds = res.seconds;
    row->status = res.status == RUN_STATUS_OK && fate == RUN_FAILED ? RUN_STATUS_FAILED
                                                                     : res.status;
    if (!ref->known && row->status == RUN_STATUS_OK) { /* a failed run computed nothing */
        ref->checksum = res.checksum;
        ref->known = true;
    }
    envinfo_utc_now(row->timestamp, sizeof row->timestamp);
    row->seconds = seconds;
    row->work = res.work;
    row->rate = row->seconds > 0 ? (double)res.work / row->seconds : 0.0;
    row->checksum = res.checksum;
    row->verified = row->status == RUN_STATUS_OK && res.verified &&
                    res.checksum == ref->checksum;
    if (!row->verified)
        s->mismatches++;
    if (!row->verified && res.why != NULL && s->mismatch[0] == '\0')
        snprintf(s->mismatch, sizeof s->mismatch, "%s", res.why);
    keep_result_text(s, &res);
    s->runs_done++;
    int rc = par_root() ? csv_runs_append(s->runs, row, err) : STATUS_OK;
    /* the metrics of a wrong result are no figures */
    if (rc == STATUS_OK && par_root() && row->verified && res.nmetrics > 0 && s->metrics)
        rc = metrics_append(s->metrics, row, res.metrics, res.nmetrics, err);
    return rc;
}

/* Repeats of this block that an earlier, resumed run has not measured. */
static int repeats_to_do(const struct sweep *s, const struct block *b)
{
    int todo = 0;
    for (int r = 1; r <= s->opt->repeats; r++) {
        struct run_row cell;
        start_row(s, b, r, &cell);
        if (s->resume == NULL || !resume_has(s->resume, &cell))
            todo++;
        if (s->resume != NULL && !b->ref->known)
            b->ref->known = resume_checksum(s->resume, &cell, &b->ref->checksum);
    }
    return todo;
}

static bool resumed(const struct sweep *s, const struct block *b, int repeat)
{
    struct run_row cell;
    if (s->resume == NULL)
        return false;
    start_row(s, b, repeat, &cell);
    return resume_has(s->resume, &cell);
}

/* " bind=close places=cores" of a bind/places child, else "". */
static void affinity_text(const struct sweep *s, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s%s%s%s", s->bind[0] ? " bind=" : "", s->bind,
             s->places[0] ? " places=" : "", s->places);
}

/* "bogosort rows dynamic bind=close 1000x8 threads=2" */
static void block_text(const struct sweep *s, const struct block *b, char *buf,
                       size_t cap)
{
    const struct workload *w = b->w;
    char aff[PROGRESS_TEXT / 2];
    affinity_text(s, aff, sizeof aff);
    char ranks[32] = "";
    if (s->opt->nranks > 0)
        snprintf(ranks, sizeof ranks, " ranks=%d", b->ranks);
    snprintf(buf, cap, "%s %s %s%s %s%s threads=%d", w->name, w->variant,
             schedule_column(b), aff, w->size, ranks, b->threads);
}

/* One progress line on stderr with the elapsed time and an estimate of the
 * rest from the timed runs so far. */
static void progress(const struct sweep *s, const char *what, const char *note)
{
    if (s->opt->quiet || !par_root())
        return;
    double elapsed = omp_get_wtime() - s->started;
    int left = s->cells_total - s->cells_passed;
    double eta = s->runs_done > 0 ? elapsed / s->runs_done * (left > 0 ? left : 0) : 0.0;
    /* a child of a bind/places study: the later children take as long */
    eta += s->later_parts * (elapsed + eta);
    fprintf(stderr, "ompsweep: %s, elapsed %.1f s, ETA %.1f s%s%s\n", what,
            s->offset + elapsed, eta, note != NULL ? "; " : "", note != NULL ? note : "");
}

/* Repeat `r` of block b, unless an earlier run measured it. A block's
 * first run is preceded by its warmups (and the affinity capture); a
 * switch of block sets the thread count and schedule. */
static int run_cell(struct sweep *s, struct block *b, int r, struct block **current,
                    errmsg_t *err)
{
    s->cells_passed++;
    if (resumed(s, b, r))
        return STATUS_OK;
    if (*current != b) {
        set_threads(b);
        *current = b;
    }
    if (!b->warmed) {
        b->warmed = true;
        if (s->affinity != NULL) {
            int rc = affinity_log_capture(s->affinity, s->bind, s->places,
                                          b->threads, err);
            if (rc != STATUS_OK)
                return rc;
        }
        for (int i = 0; i < s->opt->warmup; i++) {
            b->w->reset(b->w->state);
            b->w->run(b->w->state);
            if (run_fate(s, b->w) != RUN_DONE) {
                s->failed_in_warmup = s->failed != 0;
                return STATUS_OK; /* cut short or failed: the loops stop */
            }
        }
    }
    struct run_row row;
    start_row(s, b, r, &row);
    return timed_run(s, b->w, &row, b->ref, err);
}

/* Every repeat of one block before the next block. */
static int run_blocked(struct sweep *s, struct plan *p, errmsg_t *err)
{
    struct block *current = NULL;
    char text[PROGRESS_TEXT];
    for (int i = 0; i < p->n; i++) {
        struct block *b = &p->blocks[i];
        for (int r = 1; r <= s->opt->repeats; r++) {
            if (stop_requested(s))
                return STATUS_OK;
            int rc = run_cell(s, b, r, &current, err);
            if (rc != STATUS_OK)
                return rc;
        }
        block_text(s, b, text, sizeof text);
        size_t len = strlen(text);
        snprintf(text + len, sizeof text - len, ": %d/%d repeats%s", b->todo,
                 s->opt->repeats, b->todo < s->opt->repeats ? " (rest resumed)" : "");
        progress(s, text, b->w->note);
    }
    return STATUS_OK;
}

/* Repeat r of every block before repeat r + 1: a drift of the machine's
 * speed then lands on every block alike. */
static int run_interleaved(struct sweep *s, struct plan *p, errmsg_t *err)
{
    struct block *current = NULL;
    char text[PROGRESS_TEXT];
    for (int r = 1; r <= s->opt->repeats; r++) {
        for (int i = 0; i < p->n; i++) {
            if (stop_requested(s))
                return STATUS_OK;
            int rc = run_cell(s, &p->blocks[i], r, &current, err);
            if (rc != STATUS_OK)
                return rc;
        }
        char aff[PROGRESS_TEXT / 2];
        affinity_text(s, aff, sizeof aff);
        snprintf(text, sizeof text, "%s%s: round %d/%d of %d block(s)",
                 p->blocks[0].w->name, aff, r, s->opt->repeats, p->n);
        progress(s, text, p->blocks[0].w->note);
    }
    return STATUS_OK;
}

/* Every (block, repeat) in an order shuffled by a stream of the seed, the
 * same on every rank and in every run with that seed. */
static int run_random(struct sweep *s, struct plan *p, errmsg_t *err)
{
    int total = p->n * s->opt->repeats;
    int *order = malloc((size_t)total * sizeof *order);
    if (order == NULL)
        return errmsg_set(err, STATUS_NOMEM, "sweep: out of memory");
    for (int i = 0; i < total; i++)
        order[i] = i;
    rng_t rng = rng_stream(s->opt->seed, SWEEP_ORDER_STREAM);
    for (int i = total - 1; i > 0; i--) {
        int j = (int)rng_bounded(&rng, (uint64_t)i + 1), t = order[i];
        order[i] = order[j], order[j] = t;
    }
    struct block *current = NULL;
    char text[PROGRESS_TEXT];
    int rc = STATUS_OK;
    for (int i = 0; i < total && rc == STATUS_OK && !stop_requested(s); i++) {
        rc = run_cell(s, &p->blocks[order[i] % p->n], order[i] / p->n + 1, &current, err);
        if ((i + 1) % p->n == 0) {
            char aff[PROGRESS_TEXT / 2];
            affinity_text(s, aff, sizeof aff);
            snprintf(text, sizeof text, "%s%s: %d/%d runs in random order",
                     p->blocks[0].w->name, aff, i + 1, total);
            progress(s, text, p->blocks[0].w->note);
        }
    }
    free(order);
    return rc;
}

static void plan_free(struct plan *p)
{
    for (int i = 0; p->owned && i < p->ninstances; i++)
        workload_destroy(&p->instances[i]);
    if (p->owned)
        free(p->instances);
    free(p->refs);
    free(p->blocks);
    memset(p, 0, sizeof *p);
}

/* The instances: the prepared ones, or under weak scaling one per
 * (variant, rank count, thread count) of size ranks x threads, all alive
 * at once so that any order can run (memory: about twice the largest
 * problem). */
static int plan_instances(struct sweep *s, const struct workload_kind *kind,
                          const void *opts, int nvariants, struct workload *prepared,
                          struct plan *p, errmsg_t *err)
{
    const struct sweep_options *opt = s->opt;
    int cells = rank_counts(opt) * opt->nthreads;
    p->owned = prepared == NULL;
    p->ninstances = p->owned ? nvariants * cells : nvariants;
    p->instances = p->owned ? calloc((size_t)p->ninstances, sizeof *p->instances)
                            : prepared;
    p->refs = calloc((size_t)p->ninstances, sizeof *p->refs);
    if (p->instances == NULL || p->refs == NULL)
        return errmsg_set(err, STATUS_NOMEM, "sweep: out of memory");
    for (int i = 0; p->owned && i < p->ninstances; i++) {
        int v = i / cells, r = i % cells / opt->nthreads, t = i % opt->nthreads;
        if (!sweep_cell_selected(opt, rank_count(opt, r), opt->threads[t]))
            continue; /* not swept: no instance */
        size_t scale = (size_t)opt->threads[t] * (size_t)(opt->nranks > 0 ? opt->ranks[r] : 1);
        int rc = workload_create(kind, opts, opt, v, scale, &p->instances[i], err);
        if (rc != STATUS_OK)
            return rc;
    }
    return STATUS_OK;
}

/* Schedules a workload is swept over: one when it ignores the schedule. */
static int schedules_swept(const struct sweep_options *opt, const struct workload *w)
{
    return w != NULL && w->fixed_schedule != NULL ? 1 : opt->nschedules;
}

/* The instance of variant v at cell number c (rank count c / nthreads,
 * thread count c % nthreads). */
static int instance_of(const struct plan *p, const struct sweep_options *opt, int v, int c)
{
    return p->owned ? v * rank_counts(opt) * opt->nthreads + c : v;
}

/* The blocks of variant v under schedule k, one per swept cell. */
static void plan_cells(struct sweep *s, struct plan *p, int v, int k)
{
    const struct sweep_options *opt = s->opt;
    for (int c = 0; c < rank_counts(opt) * opt->nthreads; c++) {
        int ranks = rank_count(opt, c / opt->nthreads), threads = opt->threads[c % opt->nthreads];
        if (!sweep_cell_selected(opt, ranks, threads))
            continue;
        int inst = instance_of(p, opt, v, c);
        struct block *b = &p->blocks[p->n++];
        *b = (struct block){&p->instances[inst], &opt->schedules[k], ranks, threads,
                            &p->refs[inst], 0, false};
        b->todo = repeats_to_do(s, b);
    }
}

/* The first instance of variant v (weak scaling: of its first swept cell),
 * for its fixed schedule. */
static const struct workload *first_instance(const struct plan *p, const struct sweep_options *opt,
                                             int v)
{
    for (int c = 0; p->owned && c < rank_counts(opt) * opt->nthreads; c++)
        if (sweep_cell_selected(opt, rank_count(opt, c / opt->nthreads),
                                 opt->threads[c % opt->nthreads]))
            return &p->instances[instance_of(p, opt, v, c)];
    return &p->instances[instance_of(p, opt, v, 0)];
}

/* The blocks in blocked order: variants, schedules (once for a workload
 * with a fixed schedule), rank counts, thread counts innermost; cells
 * --cores leaves out are not swept. */
static int plan_build(struct sweep *s, const struct workload_kind *kind, const void *opts,
                      int nvariants, struct workload *prepared, struct plan *p,
                      errmsg_t *err)
{
    const struct sweep_options *opt = s->opt;
    memset(p, 0, sizeof *p);
    int rc = plan_instances(s, kind, opts, nvariants, prepared, p, err);
    size_t most = (size_t)nvariants * (size_t)opt->nschedules * (size_t)cells_swept(opt);
    p->blocks = rc == STATUS_OK ? calloc(most > 0 ? most : 1, sizeof *p->blocks) : NULL;
    if (rc == STATUS_OK && p->blocks == NULL)
        rc = errmsg_set(err, STATUS_NOMEM, "sweep: out of memory");
    for (int v = 0; rc == STATUS_OK && v < nvariants; v++) {
        int nk = schedules_swept(opt, first_instance(p, opt, v));
        for (int k = 0; k < nk; k++)
            plan_cells(s, p, v, k);
    }
    return rc;
}

int sweep_prepare(const struct workload_kind *kind, const void *opts,
                  const struct sweep_options *opt, struct workload *prepared,
                  struct warnings *w, errmsg_t *err)
{
    int n = kind->variants(opts);
    if (n > SWEEP_MAX_VALUES)
        return errmsg_set(err, STATUS_USAGE, "%s: more than %d variants", kind->name,
                          SWEEP_MAX_VALUES);
    for (int v = 0; opt->scaling != SCALING_WEAK && v < n; v++) {
        int rc = workload_create(kind, opts, opt, v, 1, &prepared[v], err);
        if (rc != STATUS_OK)
            return rc;
        if (prepared[v].warning != NULL && w != NULL)
            warnings_add(w, "%s", prepared[v].warning);
    }
    return STATUS_OK;
}

int sweep_workload(struct sweep *s, const struct workload_kind *kind, const void *opts,
                   struct workload *prepared, errmsg_t *err)
{
    struct plan p;
    int rc = plan_build(s, kind, opts, kind->variants(opts), prepared, &p, err);
    if (rc == STATUS_OK && p.n > 0) {
        switch (s->opt->order) {
        case ORDER_BLOCKED: rc = run_blocked(s, &p, err); break;
        case ORDER_RANDOM: rc = run_random(s, &p, err); break;
        default: rc = run_interleaved(s, &p, err); break;
        }
    }
    /* a signal that cut the last run still stops the study (exit 130/143) */
    if (rc == STATUS_OK)
        stop_requested(s);
    for (int i = 0; s->warnings != NULL && p.instances != NULL && i < p.ninstances; i++)
        if (p.instances[i].advise != NULL && p.instances[i].state != NULL)
            p.instances[i].advise(p.instances[i].state, s->warnings);
    plan_free(&p);
    return rc;
}

int sweep_blocks(const struct sweep_options *opt, const struct workload *w)
{
    return schedules_swept(opt, w) * cells_swept(opt);
}
