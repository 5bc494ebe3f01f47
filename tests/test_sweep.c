/* Tests of the sweep and the study, watched from inside a counting
 * workload (fake_workload.h): the order of warm-ups and timed runs, the
 * thread count each run gets, variants, weak scaling, --resume, the
 * checksum comparison and failures, and the rows runs.csv keeps. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fake_study.h"
#include "harness.h"
#include "study/record/csv.h"

static char dir[64];

/* A fresh output directory for each study. */
static const char *fresh_dir(void)
{
    snprintf(dir, sizeof dir, "/tmp/ompsweep-sweep-XXXXXX");
    CHECK(mkdtemp(dir) != NULL);
    return dir;
}

static void remove_dir(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0);
}

/* runs.csv of the current directory; *n rows. */
static struct run_row *runs(size_t *n)
{
    char path[128];
    struct run_row *rows = NULL;
    errmsg_t err;
    snprintf(path, sizeof path, "%s/runs.csv", dir);
    *n = 0;
    CHECK_MSG(csv_runs_read(path, &rows, n, &err) == STATUS_OK, "%s", err.text);
    return rows;
}

static void expect_log(char hook, const char *want)
{
    char got[1024];
    fake_log_text(hook, got, sizeof got);
    CHECK_STR(got, want);
}

/* blocked: every repeat of a block, after its warm-up, before the next
 * block; the sweep sets each block's thread count. */
static void test_blocked_order(void)
{
    errmsg_t err;
    int rc = fake_study(fresh_dir(), FAKE_ARGS("fake", "-t", "1,2", "-r", "3", "-w", "1",
                                               "--order", "blocked"), &err);
    CHECK_MSG(rc == STATUS_OK, "%s", err.text);
    expect_log('x', "0:1 0:1 0:1 0:1 0:2 0:2 0:2 0:2");
    expect_log('k', "0:0 0:0 0:0 0:0 0:0 0:0"); /* checked: timed runs only */
    size_t n;
    struct run_row *r = runs(&n);
    CHECK(n == 6);
    for (size_t i = 0; i < n && n == 6; i++) {
        CHECK(r[i].threads == (i < 3 ? 1 : 2) && r[i].repeat == (int)(i % 3) + 1);
        CHECK(r[i].verified && r[i].checksum == 7 && r[i].status == RUN_STATUS_OK);
        CHECK_STR(r[i].workload, "fake");
        CHECK_STR(r[i].variant, "v0");
        CHECK_STR(r[i].size, "7");
    }
    free(r);
    remove_dir();
}

/* interleaved (the default): repeat r of every block before r + 1; each
 * block's warm-up before its first timed run. */
static void test_interleaved_order(void)
{
    errmsg_t err;
    int rc = fake_study(fresh_dir(), FAKE_ARGS("fake", "-t", "1,2", "-r", "3", "-w", "1"),
                        &err);
    CHECK_MSG(rc == STATUS_OK, "%s", err.text);
    expect_log('x', "0:1 0:1 0:2 0:2 0:1 0:2 0:1 0:2");
    remove_dir();
}

/* Strong scaling sets each variant up once, before the sweep; weak
 * scaling one instance per thread count, of that many times the size. */
static void test_variants_and_scaling(void)
{
    errmsg_t err;
    int rc = fake_study(fresh_dir(), FAKE_ARGS("fake", "--fake-variants", "2", "-t", "1",
                                               "-r", "2", "-w", "0", "--order", "blocked"),
                        &err);
    CHECK_MSG(rc == STATUS_OK, "%s", err.text);
    expect_log('c', "0:0 1:0");
    expect_log('x', "0:1 0:1 1:1 1:1");
    expect_log('d', "0:0 1:0");
    remove_dir();
    rc = fake_study(fresh_dir(), FAKE_ARGS("fake", "--scaling", "weak", "-t", "1,2", "-r",
                                           "1", "-w", "0"), &err);
    CHECK_MSG(rc == STATUS_OK, "%s", err.text);
    expect_log('c', "0:0 0:0");
    size_t n;
    struct run_row *r = runs(&n);
    CHECK(n == 2);
    if (n == 2) {
        CHECK_STR(r[0].size, "7");
        CHECK_STR(r[1].size, "14");
        CHECK_STR(r[1].variant, "v0+weak");
    }
    free(r);
    remove_dir();
}

/* --resume: nothing again of what runs.csv holds; more repeats add only
 * the missing ones (each block warmed up again in the new process). */
static void test_resume(void)
{
    errmsg_t err;
    const char *d = fresh_dir();
    int rc = fake_study(d, FAKE_ARGS("fake", "-t", "1,2", "-r", "2", "-w", "1"), &err);
    CHECK_MSG(rc == STATUS_OK, "%s", err.text);
    rc = fake_study(d, FAKE_ARGS("fake", "-t", "1,2", "-r", "2", "-w", "1", "--resume"), &err);
    CHECK_MSG(rc == STATUS_OK, "%s", err.text);
    CHECK(fake_log.runs == 0);
    rc = fake_study(d, FAKE_ARGS("fake", "-t", "1,2", "-r", "3", "-w", "1", "--resume"), &err);
    CHECK_MSG(rc == STATUS_OK, "%s", err.text);
    expect_log('x', "0:1 0:1 0:2 0:2");
    size_t n;
    struct run_row *r = runs(&n);
    CHECK(n == 6);
    for (size_t i = 1; i < n; i++)
        CHECK_STR(r[i].run_id, r[0].run_id); /* one run id: the study continued */
    if (n == 6)
        CHECK(r[4].repeat == 3 && r[5].repeat == 3);
    free(r);
    remove_dir();
}

/* A run whose checksum differs from the block's first is recorded as not
 * verified, the sweep goes on, and the study exits 1. */
static void test_checksum_mismatch(void)
{
    errmsg_t err;
    int rc = fake_study(fresh_dir(), FAKE_ARGS("fake", "--fake-wrong", "2", "-t", "1", "-r",
                                               "3", "-w", "0"), &err);
    CHECK(rc == STATUS_VERIFY);
    CHECK_MSG(strstr(err.text, "verification FAILED: 1 run(s) differ") != NULL, "%s", err.text);
    CHECK(fake_log.runs == 3);
    size_t n;
    struct run_row *r = runs(&n);
    CHECK(n == 3);
    if (n == 3)
        CHECK(r[0].verified && !r[1].verified && r[1].checksum == 8 && r[2].verified);
    free(r);
    remove_dir();
}

/* A run that fails outright stops the sweep: its row says failed, no run
 * follows, and the study exits with the workload's status and message. */
static void test_failure(void)
{
    errmsg_t err;
    int rc = fake_study(fresh_dir(), FAKE_ARGS("fake", "--fake-fail", "3", "-t", "1", "-r",
                                               "5", "-w", "1"), &err);
    CHECK(rc == STATUS_VERIFY);
    CHECK_MSG(strncmp(err.text, "fake: run 3 failed (rows so far are in", 38) == 0, "%s",
              err.text);
    CHECK(fake_log.runs == 3);
    size_t n;
    struct run_row *r = runs(&n);
    CHECK(n == 2);
    if (n == 2)
        CHECK(r[0].status == RUN_STATUS_OK && r[0].verified &&
              r[1].status == RUN_STATUS_FAILED && !r[1].verified);
    free(r);
    remove_dir();
    rc = fake_study(fresh_dir(), FAKE_ARGS("fake", "--fake-fail", "1", "-t", "1", "-r", "2",
                                           "-w", "1"), &err);
    CHECK(rc == STATUS_VERIFY);
    CHECK_MSG(strstr(err.text, "fake: run 1 failed; in a warm-up run (no run was recorded)") !=
              NULL, "%s", err.text);
    remove_dir();
}

int main(void)
{
    RUN(test_blocked_order);
    RUN(test_interleaved_order);
    RUN(test_variants_and_scaling);
    RUN(test_resume);
    RUN(test_checksum_mismatch);
    RUN(test_failure);
    return harness_report();
}
