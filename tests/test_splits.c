/* Tests of the best split per core count (study/analyze/splits.c) on runs built
 * here: which cell is best and which the runner-up, the ratio and the
 * Mann-Whitney p-value (against ranktest directly and, for separated
 * samples, the exact value 2 / C(m + n, m)), each verdict, unverified cells
 * left out of the ranking, blocks without splits left out, and splits.csv. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "study/analyze/splits.h"
#include "study/analyze/summary.h"

enum { MAX_RUNS = 256 };

struct runs {
    struct run_row rows[MAX_RUNS];
    size_t n;
};

/* n runs of the cell ranks x threads of block `size`: base * (1 + k / 1000). */
static void add_cell(struct runs *r, const char *size, int ranks, int threads, int n,
                     double base, bool verified)
{
    for (int k = 0; k < n && r->n < MAX_RUNS; k++) {
        struct run_row *row = &r->rows[r->n++];
        memset(row, 0, sizeof *row);
        snprintf(row->run_id, sizeof row->run_id, "run1");
        snprintf(row->workload, sizeof row->workload, "exec");
        snprintf(row->variant, sizeof row->variant, "hybrid");
        snprintf(row->size, sizeof row->size, "%s", size);
        row->ranks = ranks;
        row->threads = threads;
        row->repeat = k + 1;
        row->seconds = base * (1.0 + k / 1000.0);
        row->checksum = 7;
        row->verified = verified;
    }
}

/* The summary of r (grouped without run id) and its splits. */
struct built {
    struct summary_acc *acc;
    struct summary_row *rows;
    size_t n;
    struct splits_table t;
};

static void build(const struct runs *r, struct built *b)
{
    errmsg_t err;
    memset(b, 0, sizeof *b);
    CHECK(summary_acc_new(&b->acc, false, &err) == STATUS_OK);
    for (size_t i = 0; i < r->n; i++)
        CHECK(summary_acc_add(b->acc, &r->rows[i], &err) == STATUS_OK);
    CHECK(summary_acc_finish(b->acc, &b->rows, &b->n, &err) == STATUS_OK);
    CHECK(splits_build(b->acc, b->rows, b->n, &b->t, &err) == STATUS_OK);
}

static void unbuild(struct built *b)
{
    splits_free(&b->t);
    free(b->rows);
    summary_acc_free(b->acc);
}

static const struct split_row *at_cores(const struct built *b, int cores)
{
    for (size_t i = 0; i < b->t.n; i++)
        if (b->t.rows[i].cores == cores)
            return &b->t.rows[i];
    return NULL;
}

/* 1x1, then 2 cores split as 2x1 (fastest), 1x2 (5% slower): 6 runs each,
 * every 2x1 run faster than every 1x2 run. */
static void test_best_split(void)
{
    struct runs r = {.n = 0};
    add_cell(&r, "s", 1, 1, 6, 2.0, true);
    add_cell(&r, "s", 1, 2, 6, 1.05, true);
    add_cell(&r, "s", 2, 1, 6, 1.0, true);
    struct built b;
    build(&r, &b);
    CHECK(b.t.n == 2);
    const struct split_row *one = at_cores(&b, 1), *two = at_cores(&b, 2);
    CHECK(one != NULL && one->verdict == SPLIT_ONLY && one->splits == 1);
    CHECK(one != NULL && one->runner == NULL && isnan(one->p_value));
    if (two == NULL) {
        CHECK(two != NULL);
        unbuild(&b);
        return;
    }
    CHECK(two->best->ranks == 2 && two->best->threads == 1);
    CHECK(two->runner->ranks == 1 && two->runner->threads == 2);
    CHECK_NEAR(two->ratio, 1.05, 1e-12);
    /* 6 against 6, completely separated: 2 / C(12, 6) */
    CHECK_NEAR(two->p_value, 2.0 / 924.0, 1e-12);
    CHECK(two->method == RANKTEST_EXACT);
    CHECK(two->verdict == SPLIT_BEST);
    CHECK(two->ci_low >= 1.0 && two->ci_low <= 1.05 && two->ci_high >= 1.05);
    CHECK_STR(two->all, "2x1:1 1x2:1.05");
    CHECK_NEAR(two->best->speedup, 2.0, 1e-12);
    unbuild(&b);
}

/* The same medians 0.5% apart: significant, but under the 1% threshold. */
static void test_tie_under_threshold(void)
{
    struct runs r = {.n = 0};
    add_cell(&r, "s", 1, 2, 6, 1.005, true);
    add_cell(&r, "s", 2, 1, 6, 1.0, true);
    struct built b;
    build(&r, &b);
    CHECK(b.t.n == 1 && b.t.rows[0].verdict == SPLIT_TIE);
    CHECK(b.t.n == 1 && b.t.rows[0].p_value < SPLITS_ALPHA);
    unbuild(&b);
}

/* Overlapping samples: no significant difference. */
static void test_tie_overlapping(void)
{
    struct runs r = {.n = 0};
    add_cell(&r, "s", 1, 2, 3, 1.0, true);
    add_cell(&r, "s", 2, 1, 3, 1.0015, true); /* 1.0015..1.0035 against 1..1.002 */
    struct built b;
    build(&r, &b);
    const struct split_row *s = b.t.n == 1 ? &b.t.rows[0] : NULL;
    CHECK(s != NULL);
    if (s != NULL) {
        CHECK(s->verdict == SPLIT_TIE && s->p_value > SPLITS_ALPHA);
        CHECK(isnan(s->ci_low)); /* fewer than 6 runs: no interval */
        CHECK(strstr(s->note, "no interval") != NULL);
    }
    unbuild(&b);
}

/* One run a side: no test. An unverified cell (faster, but wrong) is not
 * ranked; with one verified split left the verdict is `only`. */
static void test_untested_and_unverified(void)
{
    struct runs r = {.n = 0};
    add_cell(&r, "a", 1, 2, 1, 1.1, true);
    add_cell(&r, "a", 2, 1, 1, 1.0, true);
    add_cell(&r, "b", 1, 2, 3, 1.1, true);
    add_cell(&r, "b", 2, 1, 3, 0.5, false);
    struct built b;
    build(&r, &b);
    CHECK(b.t.n == 2);
    for (size_t i = 0; i < b.t.n; i++) {
        const struct split_row *s = &b.t.rows[i];
        if (strcmp(s->key->size, "a") == 0) {
            CHECK(s->verdict == SPLIT_UNTESTED && isnan(s->p_value));
            CHECK_NEAR(s->ratio, 1.1, 1e-12);
        } else {
            CHECK(s->verdict == SPLIT_ONLY && s->splits == 1 && s->cells == 2);
            CHECK(s->best->ranks == 1);
            CHECK(strstr(s->note, "2x1 unverified: not ranked") != NULL);
        }
    }
    unbuild(&b);
}

/* A threads-only block has no core count split two ways: no rows. */
static void test_no_splits(void)
{
    struct runs r = {.n = 0};
    add_cell(&r, "s", 1, 1, 3, 1.0, true);
    add_cell(&r, "s", 1, 2, 3, 0.6, true);
    struct built b;
    build(&r, &b);
    CHECK(b.t.n == 0);
    char dir[] = "/tmp/ompsweep-splits-XXXXXX";
    errmsg_t err;
    CHECK(mkdtemp(dir) != NULL);
    CHECK(splits_write(dir, &b.t, &err) == STATUS_OK);
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, SPLITS_FILE);
    CHECK(access(path, F_OK) != 0); /* nothing to write: no file */
    rmdir(dir);
    unbuild(&b);
}

static void test_csv(void)
{
    struct runs r = {.n = 0};
    add_cell(&r, "s", 1, 2, 6, 1.05, true);
    add_cell(&r, "s", 2, 1, 6, 1.0, true);
    struct built b;
    build(&r, &b);
    char dir[] = "/tmp/ompsweep-splits-XXXXXX", path[128], line[1024];
    errmsg_t err;
    CHECK(mkdtemp(dir) != NULL);
    CHECK(splits_write(dir, &b.t, &err) == STATUS_OK);
    snprintf(path, sizeof path, "%s/%s", dir, SPLITS_FILE);
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    if (f != NULL) {
        CHECK(fgets(line, sizeof line, f) != NULL);
        CHECK(strncmp(line, "schema,run_id,workload,variant,schedule,bind,places,size,cores,", 63) == 0);
        CHECK(fgets(line, sizeof line, f) != NULL);
        CHECK_MSG(strncmp(line, "1,,exec,hybrid,,,,s,2,2,2,2,1,6,1.0025,", 39) == 0, "%s", line);
        CHECK(strstr(line, ",exact,0.05,best,true,2x1:1 1x2:1.05,") != NULL);
        CHECK(fgets(line, sizeof line, f) == NULL);
        fclose(f);
    }
    unlink(path);
    rmdir(dir);
    unbuild(&b);
}

int main(void)
{
    RUN(test_best_split);
    RUN(test_tie_under_threshold);
    RUN(test_tie_overlapping);
    RUN(test_untested_and_unverified);
    RUN(test_no_splits);
    RUN(test_csv);
    return harness_report();
}
