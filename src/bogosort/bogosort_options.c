/* bogosort_options: see bogosort_options.h. */
#include "bogosort/bogosort_options.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>

#include "base/optparse.h"

#define ROWS_MAX 1000000000L
#define COLS_MAX 16L /* 16! shuffles per row on average is already years */
/* Matrices of the full problem size the workload holds at once. */
#define BOGOSORT_COPIES 3

enum { OPT_ROWS = 1, OPT_COLS, OPT_MAX_VALUE, OPT_PARTITION };

const struct option bogosort_long_options[] = {
    {"rows", required_argument, NULL, OPT_ROWS},
    {"cols", required_argument, NULL, OPT_COLS},
    {"max-value", required_argument, NULL, OPT_MAX_VALUE},
    {"partition", required_argument, NULL, OPT_PARTITION},
    {NULL, 0, NULL, 0}
};

const char bogosort_usage[] =
"bogosort:\n"
"      --rows N           matrix rows (default 1000)\n"
"      --cols N           values per row, 1..16 (default 8)\n"
"      --max-value N      values drawn from 0..N (default 100)\n"
"      --partition chunks|rows  one block per thread, or per-row scheduling\n"
"                         with --schedule (default rows); chunks,rows sweeps both\n"
"\n";

void bogosort_options_init(void *opts)
{
    *(struct bogosort_options *)opts = (struct bogosort_options){
        .rows = 1000, .cols = 8, .max_value = 100};
}

int bogosort_options_apply(void *opts, int id, const char *arg, errmsg_t *err)
{
    struct bogosort_options *o = opts;
    switch (id) {
    case OPT_ROWS: return optparse_size("--rows", arg, 1, ROWS_MAX, &o->rows, err);
    case OPT_COLS: return optparse_size("--cols", arg, 1, COLS_MAX, &o->cols, err);
    case OPT_MAX_VALUE:
        return optparse_int("--max-value", arg, 0, INT_MAX - 1, &o->max_value, err);
    case OPT_PARTITION:
        return optparse_choice_list("--partition", arg, bogosort_partition_names,
                                    BOGOSORT_PARTITION_COUNT, (int *)o->partitions,
                                    &o->npartitions, err);
    default: return OPTPARSE_NOT_MINE;
    }
}

int bogosort_options_validate(void *opts, struct sweep_options *sw, bool selected,
                              errmsg_t *err)
{
    struct bogosort_options *o = opts;
    if (o->npartitions == 0)
        o->partitions[o->npartitions++] = BOGOSORT_ROWS;
    if (!selected)
        return STATUS_OK;
    /* Weak scaling multiplies the row count by the largest thread count. */
    size_t scale = sw->scaling == SCALING_WEAK ? (size_t)sw->threads[sw->nthreads - 1] : 1;
    return optparse_fits("--rows x --cols", o->rows * scale, o->cols, sizeof(int),
                         BOGOSORT_COPIES, err);
}

/* 0.1's key text has the first schedule and the scaling after bogosort's
 * options: they stay there, so that its keys stay valid. */
void bogosort_options_key(const void *opts, const struct sweep_options *sw, char *buf,
                          size_t cap)
{
    const struct bogosort_options *o = opts;
    snprintf(buf, cap, "rows=%zu;cols=%zu;max=%d;part=%d;sched=%s;scal=%d", o->rows,
             o->cols, o->max_value, (int)o->partitions[0], sw->schedules[0].text,
             (int)sw->scaling);
}
