/* bogosort_workload: the bogosort kernel as a workload of the sweep. Reads
 * its options (bogosort_options.h), hands the kernel its own parameters,
 * and gathers the rows
 * of every MPI rank before the check. */
#include "bogosort/bogosort_workload.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/par.h"
#include "bogosort/bogosort.h"
#include "bogosort/bogosort_options.h"
#include "base/signals.h"

enum { ESTIMATE_TEXT = 256, DURATION_TEXT = 32 };

/* The kernel and the warning of its expected run time, if any. */
struct bogosort_state {
    struct bogosort b; /* first: the hooks' state is the kernel's */
    char warning[ESTIMATE_TEXT];
};

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

/* The study's expected kernel time: every variant, thread count, warmup
 * and repeat, a run at t threads taking the longer of total / t and the
 * longest row (rows are not split), at the nominal rate. */
static double study_seconds(const struct sweep_options *sw, int nvariants,
                            const struct bogosort *b, double total, double longest)
{
    double rate = b->cols > BOGOSORT_TABLE_COLS ? BOGOSORT_NOMINAL_RATE_WIDE
                                                : BOGOSORT_NOMINAL_RATE;
    double seconds = 0.0;
    for (int t = 0; t < sw->nthreads; t++) {
        double run = total / sw->threads[t];
        seconds += (sw->warmup + sw->repeats) * (run > longest ? run : longest);
    }
    return seconds * nvariants / rate;
}

/* A warning when the study is expected to take over a minute. */
static void estimate(const struct sweep_options *sw, int nvariants,
                     struct bogosort_state *s)
{
    double longest, total = bogosort_expected_shuffles(&s->b, &longest);
    double seconds = study_seconds(sw, nvariants, &s->b, total, longest);
    if (seconds <= WORKLOAD_WARN_SECONDS)
        return;
    char text[DURATION_TEXT];
    workload_duration_text(seconds, text, sizeof text);
    snprintf(s->warning, sizeof s->warning,
             "bogosort %zux%zu: about %.3g shuffles a run (a row of %zu values "
             "takes %zu!/(m1! m2! ...) on average), so about %s of kernel time "
             "at %.3g shuffles/s a thread; SIGINT or SIGTERM stops it",
             s->b.rows, s->b.cols, total, s->b.cols, s->b.cols, text,
             s->b.cols > BOGOSORT_TABLE_COLS ? BOGOSORT_NOMINAL_RATE_WIDE
                                             : BOGOSORT_NOMINAL_RATE);
}

/* One variant per --partition value. */
static int bogosort_workload_variants(const void *opts)
{
    return ((const struct bogosort_options *)opts)->npartitions;
}

/* Generate the input (untimed) with `scale` times the rows, partitioned as
 * --partition's value number `variant`. */
static int bogosort_workload_create(const void *opts, const struct sweep_options *sw,
                                    int variant, size_t scale, struct workload *w,
                                    errmsg_t *err)
{
    const struct bogosort_options *o = opts;
    enum bogosort_partition partition = o->partitions[variant];
    struct bogosort_state *s = calloc(1, sizeof *s);
    if (s == NULL)
        return errmsg_set(err, STATUS_NOMEM, "bogosort: out of memory");
    struct bogosort *b = &s->b;
    int rc = bogosort_init(b, o->rows * scale, o->cols, o->max_value, sw->seed,
                           partition, err);
    if (rc == STATUS_OK)
        bogosort_share(b, par_rank(), par_size());
    if (rc != STATUS_OK) {
        free(s);
        return rc;
    }
    b->cancel = signals_flag();
    if (variant == 0) /* one estimate for the whole study */
        estimate(sw, o->npartitions, s);
    w->name = "bogosort";
    snprintf(w->variant, sizeof w->variant, "%s", bogosort_partition_names[partition]);
    /* chunks ignores --schedule: one static block per thread. */
    w->fixed_schedule = partition == BOGOSORT_CHUNKS ? "block" : NULL;
    snprintf(w->size, sizeof w->size, "%zux%zu", b->rows, b->cols);
    w->state = s;
    w->reset = bogosort_reset_hook;
    w->run = bogosort_run_hook;
    w->outcome = workload_cut_outcome;
    w->check = bogosort_check_hook;
    w->warning = s->warning[0] != '\0' ? s->warning : NULL;
    w->destroy = bogosort_destroy_hook;
    return STATUS_OK;
}

const struct workload_kind bogosort_kind = {
    .name = "bogosort",
    .summary = "bogosort every row of a random integer matrix",
    .usage = bogosort_usage,
    .options = bogosort_long_options,
    .options_size = sizeof(struct bogosort_options),
    .options_init = bogosort_options_init,
    .option = bogosort_options_apply,
    .validate = bogosort_options_validate,
    .key = bogosort_options_key,
    .key_always = true,
    .variants = bogosort_workload_variants,
    .create = bogosort_workload_create,
};
