/* Tests of stats, summary and csv: order statistics, confidence intervals,
 * scaling metrics, the runs file (append, header check, quoting, reading)
 * and the summary file. */
#include <math.h>
#include <stdlib.h>
#include <unistd.h>

#include "study/record/csv.h"
#include "harness.h"
#include "study/analyze/stats.h"
#include "study/analyze/summary.h"

static void test_median_and_spread(void)
{
    double x[] = {3, 1, 2, 10};
    struct timing_stats s;
    stats_compute(x, 4, &s);
    CHECK(s.median == 2.5 && s.min == 1 && s.max == 10 && s.mean == 4);
    CHECK_NEAR(s.stddev, sqrt(50.0 / 3.0), 1e-12); /* deviations -3 -2 -1 6 */
    CHECK(isnan(s.ci_low) && isnan(s.ci_high)); /* n < 6 */
    double one[] = {7};
    stats_compute(one, 1, &s);
    CHECK(s.median == 7 && isnan(s.stddev) && isnan(s.cv));
}

/* Known ranks of the 95% CI of the median (binomial, p = 1/2). */
static void test_ci_ranks(void)
{
    size_t lo, hi;
    CHECK(!stats_median_ci_ranks(5, 0.95, &lo, &hi));
    CHECK(stats_median_ci_ranks(6, 0.95, &lo, &hi) && lo == 1 && hi == 6);
    CHECK(stats_median_ci_ranks(10, 0.95, &lo, &hi) && lo == 2 && hi == 9);
    CHECK(stats_median_ci_ranks(20, 0.95, &lo, &hi) && lo == 6 && hi == 15);
    double x[10] = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
    struct timing_stats s;
    stats_compute(x, 10, &s);
    CHECK(s.ci_low == 2 && s.ci_high == 9 && s.median == 5.5);
}

static void test_karp_flatt(void)
{
    CHECK_NEAR(stats_karp_flatt(1.6, 2), 0.25, 1e-15);
    CHECK_NEAR(stats_karp_flatt(4.0, 4), 0.0, 1e-15);
    CHECK(isnan(stats_karp_flatt(1.0, 1)));
}

static struct run_row make_row(const char *run, int threads, int repeat, double s)
{
    struct run_row r = {0};
    snprintf(r.run_id, sizeof r.run_id, "%s", run);
    snprintf(r.timestamp, sizeof r.timestamp, "2026-01-01T00:00:00Z");
    snprintf(r.host, sizeof r.host, "node,1");
    snprintf(r.workload, sizeof r.workload, "bogosort");
    snprintf(r.variant, sizeof r.variant, "rows");
    snprintf(r.schedule, sizeof r.schedule, "dynamic,4");
    snprintf(r.size, sizeof r.size, "1000x8");
    r.ranks = 1;
    r.threads = threads;
    r.repeat = repeat;
    r.seconds = s;
    r.work = 1000;
    r.rate = 1000 / s;
    r.checksum = 0xabcdef0123456789ULL;
    r.verified = true;
    return r;
}

static void test_summary_speedup(void)
{
    struct run_row runs[] = {make_row("a", 2, 1, 0.6), make_row("a", 1, 1, 1.0),
                             make_row("a", 2, 2, 0.5), make_row("a", 1, 2, 1.2),
                             make_row("a", 2, 3, 0.7), make_row("a", 1, 3, 1.1)};
    struct summary_row *rows;
    size_t n;
    errmsg_t err;
    CHECK(summary_build(runs, 6, true, &rows, &n, &err) == STATUS_OK && n == 2);
    CHECK(rows[0].threads == 1 && rows[0].t.median == 1.1 && rows[0].speedup == 1.0);
    CHECK(rows[1].threads == 2 && rows[1].t.median == 0.6);
    CHECK_NEAR(rows[1].speedup, 1.1 / 0.6, 1e-15);
    CHECK_NEAR(rows[1].efficiency, 1.1 / 0.6 / 2, 1e-15);
    CHECK_NEAR(rows[1].karp_flatt, (0.6 / 1.1 - 0.5) / 0.5, 1e-15);
    free(rows);
}

/* Grouping without run_id merges separate jobs; with it, they stay apart
 * and the job without a 1-thread run has no speedup. */
static void test_summary_merge(void)
{
    struct run_row runs[] = {make_row("job1", 1, 1, 2.0), make_row("job2", 2, 1, 1.0)};
    struct summary_row *rows;
    size_t n;
    errmsg_t err;
    CHECK(summary_build(runs, 2, false, &rows, &n, &err) == STATUS_OK && n == 2);
    CHECK(rows[1].speedup == 2.0);
    free(rows);
    CHECK(summary_build(runs, 2, true, &rows, &n, &err) == STATUS_OK && n == 2);
    CHECK(isnan(rows[1].speedup));
    free(rows);
}

/* Synthetic timings of an exact Amdahl machine with serial fraction 0.1:
 * T(p) = 0.1 + 0.9 / p; the fit must return 0.1, Karp-Flatt too. */
static void test_amdahl_fit(void)
{
    struct run_row runs[4];
    const int p[4] = {1, 2, 4, 8};
    for (int i = 0; i < 4; i++)
        runs[i] = make_row("a", p[i], 1, 0.1 + 0.9 / p[i]);
    struct summary_row *rows;
    size_t n;
    errmsg_t err;
    CHECK(summary_build(runs, 4, true, &rows, &n, &err) == STATUS_OK && n == 4);
    for (size_t i = 0; i < n; i++)
        CHECK_NEAR(rows[i].amdahl_serial, 0.1, 1e-12);
    CHECK_NEAR(rows[3].karp_flatt, 0.1, 1e-12);
    CHECK_NEAR(rows[3].speedup, 1.0 / (0.1 + 0.9 / 8), 1e-12);
    free(rows);
}

/* Weak scaling: one block spans the sizes; efficiency T(1, n)/T(p, p n). */
static void test_weak_scaling(void)
{
    struct run_row runs[3] = {make_row("w", 1, 1, 1.0), make_row("w", 2, 1, 1.25),
                              make_row("w", 4, 1, 2.0)};
    const char *sizes[3] = {"1000x8", "2000x8", "4000x8"};
    for (int i = 0; i < 3; i++) {
        snprintf(runs[i].variant, sizeof runs[i].variant, "rows+weak");
        snprintf(runs[i].size, sizeof runs[i].size, "%s", sizes[i]);
    }
    struct summary_row *rows;
    size_t n;
    errmsg_t err;
    CHECK(summary_build(runs, 3, true, &rows, &n, &err) == STATUS_OK && n == 3);
    CHECK(rows[1].threads == 2 && strcmp(rows[1].size, "2000x8") == 0);
    CHECK_NEAR(rows[1].efficiency, 0.8, 1e-15);
    CHECK_NEAR(rows[2].efficiency, 0.5, 1e-15);
    CHECK_NEAR(rows[2].speedup, 2.0, 1e-15);
    CHECK(isnan(rows[2].karp_flatt) && isnan(rows[2].amdahl_serial));
    CHECK(summary_is_weak("rows+weak") && !summary_is_weak("rows"));
    free(rows);
}

static void test_field_quoting(void)
{
    char buf[32];
    CHECK(csv_field(buf, sizeof buf, "plain") == 5);
    CHECK_STR(buf, "plain");
    csv_field(buf, sizeof buf, "dynamic,4");
    CHECK_STR(buf, "\"dynamic,4\"");
    csv_field(buf, sizeof buf, "say \"hi\"");
    CHECK_STR(buf, "\"say \"\"hi\"\"\"");
    CHECK(csv_field(buf, 4, "toolong") == -1);
}

static void temp_path(char *buf, size_t cap, const char *name)
{
    snprintf(buf, cap, "/tmp/ompsweep-test-%ld-%s", (long)getpid(), name);
    unlink(buf);
}

static void test_runs_roundtrip(void)
{
    char path[256];
    temp_path(path, sizeof path, "runs.csv");
    struct runs_file f;
    errmsg_t err;
    struct run_row in[3] = {make_row("r1", 1, 1, 0.25), make_row("r1", 2, 1, 0.125),
                            make_row("r2", 1, 1, 1e-7)};
    CHECK(csv_runs_open(&f, path, false, &err) == STATUS_OK);
    for (int i = 0; i < 2; i++)
        CHECK(csv_runs_append(&f, &in[i], &err) == STATUS_OK);
    CHECK(csv_runs_close(&f, &err) == STATUS_OK);
    CHECK(csv_runs_open(&f, path, false, &err) == STATUS_OK); /* reopen: no 2nd header */
    CHECK(csv_runs_append(&f, &in[2], &err) == STATUS_OK);
    CHECK(csv_runs_close(&f, &err) == STATUS_OK);
    struct run_row *out;
    size_t n;
    CHECK(csv_runs_read(path, &out, &n, &err) == STATUS_OK && n == 3);
    for (size_t i = 0; i < n && n == 3; i++) {
        CHECK_STR(out[i].run_id, in[i].run_id);
        CHECK_STR(out[i].host, "node,1");
        CHECK_STR(out[i].schedule, "dynamic,4");
        CHECK(out[i].seconds == in[i].seconds && out[i].threads == in[i].threads);
        CHECK(out[i].checksum == in[i].checksum && out[i].verified);
    }
    free(out);
    unlink(path);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
}

/* Schemas 2 and later keep bind and places, quoted when they hold commas. */
static void test_runs_bind_places(void)
{
    char path[256];
    temp_path(path, sizeof path, "runs2.csv");
    struct runs_file f;
    errmsg_t err;
    struct run_row in = make_row("r1", 2, 1, 0.5), *out;
    snprintf(in.bind, sizeof in.bind, "spread,close");
    snprintf(in.places, sizeof in.places, "{0:4}:2:4");
    CHECK(csv_runs_open(&f, path, false, &err) == STATUS_OK && f.schema == CSV_SCHEMA_CURRENT);
    CHECK(csv_runs_append(&f, &in, &err) == STATUS_OK);
    CHECK(csv_runs_close(&f, &err) == STATUS_OK);
    FILE *fp = fopen(path, "r");
    char header[512] = "", row[512] = "";
    CHECK(fgets(header, sizeof header, fp) != NULL && fgets(row, sizeof row, fp) != NULL);
    fclose(fp);
    CHECK(strstr(header, "schedule,bind,places,size,") != NULL);
    CHECK(strstr(row, ",\"dynamic,4\",\"spread,close\",{0:4}:2:4,1000x8,") != NULL);
    size_t n;
    CHECK(csv_runs_read(path, &out, &n, &err) == STATUS_OK && n == 1);
    if (n == 1) {
        CHECK_STR(out[0].bind, "spread,close");
        CHECK_STR(out[0].places, "{0:4}:2:4");
    }
    free(out);
    unlink(path);
}

/* A 0.1 runs file: read with empty bind/places; continued in its own
 * layout when no row needs them, else refused with what to do. */
static void test_runs_schema1(void)
{
    char path[256], text[1024], expect[512];
    temp_path(path, sizeof path, "runs1.csv");
    snprintf(text, sizeof text, "%s\nr0,t,h,bogosort,rows,dynamic,8x8,1,1,1,0.1,5,"
             "50,0x1,true\n", csv_runs_header(CSV_SCHEMA_1));
    write_file(path, text);
    struct runs_file f;
    errmsg_t err;
    CHECK(csv_runs_open(&f, path, false, &err) == STATUS_USAGE);
    snprintf(expect, sizeof expect, "%s:1: written by ompsweep 0.1, without the bind "
             "and places columns this study fills; write to another --output "
             "directory (summarize and compare read both layouts)", path);
    CHECK_STR(err.text, expect);
    struct run_row in = make_row("r1", 2, 1, 0.5), *out;
    CHECK(csv_runs_open(&f, path, true, &err) == STATUS_OK && f.schema == CSV_SCHEMA_1);
    CHECK(csv_runs_append(&f, &in, &err) == STATUS_OK);
    CHECK(csv_runs_close(&f, &err) == STATUS_OK);
    size_t n;
    CHECK(csv_runs_read(path, &out, &n, &err) == STATUS_OK && n == 2);
    if (n == 2) {
        CHECK_STR(out[0].bind, "");
        CHECK_STR(out[1].places, "");
        CHECK(out[1].threads == 2 && out[1].seconds == 0.5);
        CHECK_STR(out[1].schedule, "dynamic,4");
    }
    free(out);
    unlink(path);
}

static void test_foreign_header_refused(void)
{
    char path[256];
    temp_path(path, sizeof path, "foreign.csv");
    write_file(path, "a,b,c\n1,2,3\n");
    struct runs_file f;
    errmsg_t err;
    CHECK(csv_runs_open(&f, path, true, &err) == STATUS_USAGE);
    char expect[512];
    snprintf(expect, sizeof expect, "%s:1: header is not ompsweep's header "
             "for this file; refusing to append", path);
    CHECK_STR(err.text, expect);
    FILE *in = fopen(path, "r");
    char buf[64] = "";
    size_t len = fread(buf, 1, sizeof buf - 1, in);
    fclose(in);
    CHECK(len == 12 && strcmp(buf, "a,b,c\n1,2,3\n") == 0); /* untouched */
    unlink(path);
}

static void test_malformed_runs(void)
{
    char path[256], expect[512];
    temp_path(path, sizeof path, "bad.csv");
    struct run_row *rows;
    size_t n;
    errmsg_t err;
    char text[1024];
    snprintf(text, sizeof text, "%s\nr,t,h,bogosort,rows,dynamic,8x8,1,two,1,0.1,5,"
             "50,0x1,true\n", csv_runs_header(CSV_SCHEMA_1));
    write_file(path, text);
    CHECK(csv_runs_read(path, &rows, &n, &err) == STATUS_USAGE);
    snprintf(expect, sizeof expect, "%s:2:9: bad threads value 'two'", path);
    CHECK_STR(err.text, expect);
    snprintf(text, sizeof text, "%s\nr,t,h\n", csv_runs_header(CSV_SCHEMA_1));
    write_file(path, text);
    CHECK(csv_runs_read(path, &rows, &n, &err) == STATUS_USAGE);
    snprintf(expect, sizeof expect, "%s:2: expected 15 fields, found 3", path);
    CHECK_STR(err.text, expect);
    snprintf(text, sizeof text, "%s\nr,t,h\n", csv_runs_header(CSV_SCHEMA_2));
    write_file(path, text);
    CHECK(csv_runs_read(path, &rows, &n, &err) == STATUS_USAGE);
    snprintf(expect, sizeof expect, "%s:2: expected 17 fields, found 3", path);
    CHECK_STR(err.text, expect);
    snprintf(text, sizeof text, "%s\nr,\"unterminated\n", csv_runs_header(CSV_SCHEMA_1));
    write_file(path, text);
    CHECK(csv_runs_read(path, &rows, &n, &err) == STATUS_USAGE);
    snprintf(expect, sizeof expect, "%s:2: unterminated quote or a record longer "
             "than 4096 bytes", path);
    CHECK_STR(err.text, expect);
    write_file(path, "x,y\n");
    CHECK(csv_runs_read(path, &rows, &n, &err) == STATUS_USAGE);
    CHECK(csv_runs_read("/nonexistent/runs.csv", &rows, &n, &err) == STATUS_USAGE);
    CHECK(csv_runs_read("/tmp", &rows, &n, &err) == STATUS_USAGE);
    unlink(path);
}

/* Pooled runs whose checksums differ (two builds with different results)
 * are no verified block, even when each run was verified on its own. */
static void test_pooled_checksums_differ(void)
{
    struct run_row runs[] = {make_row("a", 1, 1, 1.0), make_row("b", 1, 1, 1.1),
                             make_row("a", 2, 1, 0.5), make_row("b", 2, 1, 0.6)};
    runs[1].checksum ^= 1; /* run b, 1 thread: another result */
    struct summary_row *rows;
    size_t n;
    errmsg_t err;
    CHECK(summary_build(runs, 4, false, &rows, &n, &err) == STATUS_OK && n == 2);
    if (n == 2) {
        CHECK(rows[0].threads == 1 && !rows[0].verified);
        CHECK(rows[1].threads == 2 && rows[1].verified);
    }
    free(rows);
}

static void test_summary_file(void)
{
    char path[256];
    temp_path(path, sizeof path, "summary.csv");
    struct run_row runs[] = {make_row("a", 1, 1, 1.0), make_row("a", 2, 1, 0.5)};
    struct summary_row *rows;
    size_t n;
    errmsg_t err;
    CHECK(summary_build(runs, 2, true, &rows, &n, &err) == STATUS_OK);
    CHECK(summary_write(path, rows, n, &err) == STATUS_OK);
    free(rows);
    FILE *in = fopen(path, "r");
    char line[512];
    int lines = 0;
    while (fgets(line, sizeof line, in) != NULL)
        lines++;
    fclose(in);
    CHECK(lines == 3);
    CHECK_STR(line, "a,bogosort,rows,\"dynamic,4\",,,1000x8,1,2,1,0.5,0.5,0.5,0.5,,,,,"
                    "2,1,0,0,true\n");
    CHECK(summary_write("/nonexistent/dir/summary.csv", rows, 0, &err) == STATUS_IO);
    unlink(path);
}

/* Regression (fuzz_csv): a quoted value holding a line break was copied
 * into the message as it was, which then was two lines. And the records
 * after such a value are named by their physical line, not their count. */
static void test_malformed_runs_one_line(void)
{
    char path[256], expect[512], text[1024];
    temp_path(path, sizeof path, "bad_eol.csv");
    struct run_row *rows;
    size_t n;
    errmsg_t err;
    snprintf(text, sizeof text, "%s\nr,t,h,bogosort,rows,dynamic,8x8,1,\"1\n2\",1,"
             "0.1,5,50,0x1,true\n", csv_runs_header(CSV_SCHEMA_1));
    write_file(path, text);
    CHECK(csv_runs_read(path, &rows, &n, &err) == STATUS_USAGE);
    snprintf(expect, sizeof expect, "%s:2:9: bad threads value '1?2'", path);
    CHECK_STR(err.text, expect);
    snprintf(text, sizeof text, "%s\nr,t,\"two\nline host\",bogosort,rows,dynamic,"
             "8x8,1,1,1,0.1,5,50,0x1,true\n\nr,t,h,bogosort,rows,dynamic,8x8,1,1,1,"
             "0.1,5,50,0x1,maybe\n", csv_runs_header(CSV_SCHEMA_1));
    write_file(path, text);
    CHECK(csv_runs_read(path, &rows, &n, &err) == STATUS_USAGE);
    snprintf(expect, sizeof expect, "%s:5:15: bad verified value 'maybe'", path);
    CHECK_STR(err.text, expect);
    unlink(path);
}

int main(void)
{
    RUN(test_median_and_spread);
    RUN(test_ci_ranks);
    RUN(test_karp_flatt);
    RUN(test_summary_speedup);
    RUN(test_summary_merge);
    RUN(test_amdahl_fit);
    RUN(test_weak_scaling);
    RUN(test_field_quoting);
    RUN(test_runs_roundtrip);
    RUN(test_pooled_checksums_differ);
    RUN(test_runs_bind_places);
    RUN(test_runs_schema1);
    RUN(test_foreign_header_refused);
    RUN(test_malformed_runs);
    RUN(test_summary_file);
    RUN(test_malformed_runs_one_line);
    return harness_report();
}
