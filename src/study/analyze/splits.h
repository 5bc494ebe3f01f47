/* splits: the best split of each core count. For a block of a summary
 * (summary_same_block) whose cells split one core count p = ranks x
 * threads in more than one way (1 x 4, 2 x 2, 4 x 1), each core count's
 * verified cells are ranked by their median time; the fastest is the best
 * split, the second the runner-up, and the two-sided Mann-Whitney test of
 * their run times (ranktest.h, as `compare` uses it) says whether the best
 * is really faster: the verdict. The table goes to stdout and, rebuilt
 * from the whole runs file, to splits.csv (docs/hybrid.md, docs/output.md). */
#ifndef OMPSWEEP_STUDY_ANALYZE_SPLITS_H
#define OMPSWEEP_STUDY_ANALYZE_SPLITS_H

#include <stddef.h>
#include <stdio.h>

#include "base/status.h"
#include "study/analyze/ranktest.h"
#include "study/analyze/stats.h"
#include "study/analyze/summary.h"

/* The layout of splits.csv, in its schema column. */
enum { SPLITS_SCHEMA = 1, SPLITS_NOTE_MAX = 256, SPLITS_ALL_MAX = 512 };

#define SPLITS_FILE "splits.csv"

/* The verdict's significance level and the smallest difference called a
 * difference (as compare's defaults: --alpha 0.05, --threshold 1). */
#define SPLITS_ALPHA 0.05
#define SPLITS_THRESHOLD 0.01

enum split_verdict {
    SPLIT_BEST,     /* the best split is significantly faster than the runner-up */
    SPLIT_TIE,      /* the best two do not differ significantly (or by < 1%) */
    SPLIT_UNTESTED, /* a side has fewer than 2 runs: no test */
    SPLIT_ONLY,     /* one split was measured (and verified) at this count */
    SPLIT_NONE      /* no verified split with a completed run */
};

/* One core count of one block. */
struct split_row {
    const struct summary_row *key;     /* the block's first summary row */
    int cores;
    int splits;                        /* verified cells ranked */
    int cells;                         /* cells at this count, unverified too */
    const struct summary_row *best, *runner; /* NULL when there is none */
    double ratio, ci_low, ci_high;     /* runner-up's median / best's, >= 1 */
    double p_value;
    enum ranktest_method method;
    enum split_verdict verdict;
    char all[SPLITS_ALL_MAX];          /* "2x1:1 1x2:1.018": each split's median / best's */
    char note[SPLITS_NOTE_MAX];
};

struct splits_table {
    struct split_row *rows; /* blocks in the summary's order, cores ascending */
    size_t n;
};

/* The splits of every block of rows[0..n) that has a core count split
 * more than one way; the run times come from `acc`, which gave these rows
 * last (summary_acc_finish). The rows point into `rows`, which must
 * outlive *out. STATUS_OK or STATUS_NOMEM; free with splits_free (also
 * after an error). */
int splits_build(const struct summary_acc *acc, const struct summary_row *rows, size_t n,
                 struct splits_table *out, errmsg_t *err);

void splits_free(struct splits_table *t);

/* "best", "tie", "untested", "only", "none". */
const char *splits_verdict_name(enum split_verdict v);

/* The "best split per core count" table of each block, after its title. */
void splits_report(FILE *out, const struct splits_table *t);

/* DIR/splits.csv, written to a temporary file and renamed; nothing is
 * written when the table is empty (no block has splits). STATUS_IO. */
int splits_write(const char *dir, const struct splits_table *t, errmsg_t *err);

#endif
