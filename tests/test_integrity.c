/* Tests of what keeps results files whole and honest: torn last lines
 * repaired before an append (runs.csv and any other appended table) and
 * left out by readers, the status column (schema 3) and the inference for
 * older layouts, runs that did not complete (never timed, superseded once
 * their cell completed), resume's view of them, and run ids that keep
 * their unique part. */
#include <math.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "study/analyze/cells.h"
#include "study/record/csv.h"
#include "study/record/envinfo.h"
#include "study/run/resume.h"
#include "study/analyze/summary.h"
#include "study/analyze/tables.h"
#include "study/record/torn.h"

static const char ELBOW_HEADER[] = "run_id,k,silhouette_mean,seconds";

static void temp_path(char *buf, size_t cap, const char *name)
{
    snprintf(buf, cap, "/tmp/ompsweep-integrity-%ld-%s", (long)getpid(), name);
    unlink(buf);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
}

/* The whole file as a string (caller frees), "" when missing. */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *text = calloc(1 << 16, 1);
    if (f != NULL && text != NULL) {
        size_t n = fread(text, 1, (1 << 16) - 1, f);
        text[n] = '\0';
    }
    if (f != NULL)
        fclose(f);
    return text;
}

/* The torn-* file beside `path` (exactly one expected), into side. */
static int find_side(const char *path, char *side, size_t cap)
{
    char pattern[512], cmd[600];
    snprintf(pattern, sizeof pattern, "%s.torn-*", path);
    snprintf(cmd, sizeof cmd, "ls %s 2>/dev/null", pattern);
    FILE *p = popen(cmd, "r");
    int n = 0;
    char line[512];
    while (p != NULL && fgets(line, sizeof line, p) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        snprintf(side, cap, "%s", line);
        n++;
    }
    if (p != NULL)
        pclose(p);
    return n;
}

static void remove_sides(const char *path)
{
    char side[512];
    while (find_side(path, side, sizeof side) > 0)
        unlink(side);
}

static struct run_row make_row(const char *run, int threads, int repeat, double s)
{
    struct run_row r = {0};
    snprintf(r.run_id, sizeof r.run_id, "%s", run);
    snprintf(r.timestamp, sizeof r.timestamp, "2026-01-01T00:00:00Z");
    snprintf(r.host, sizeof r.host, "node1");
    snprintf(r.workload, sizeof r.workload, "exec");
    snprintf(r.variant, sizeof r.variant, "prog");
    snprintf(r.schedule, sizeof r.schedule, "dynamic");
    snprintf(r.size, sizeof r.size, "-");
    r.ranks = 1;
    r.threads = threads;
    r.repeat = repeat;
    r.seconds = s;
    r.work = 1;
    r.rate = 1 / s;
    r.checksum = 0x42;
    r.verified = true;
    return r;
}

static struct run_row failed_row(const char *run, int threads, int repeat, double s,
                                 enum run_status status)
{
    struct run_row r = make_row(run, threads, repeat, s);
    r.verified = false;
    r.status = status;
    r.checksum = 0;
    return r;
}

/* All warnings kept so far, so that each test starts with none. */
static int drain_warnings(char *last, size_t cap)
{
    int n = 0;
    for (const char *w = torn_next_warning(); w != NULL; w = torn_next_warning(), n++)
        if (last != NULL)
            snprintf(last, cap, "%s", w);
    return n;
}

/* The repro of a full disk: a row cut 60 bytes short. The next open moves
 * the torn part aside (byte for byte), keeps every complete row, and the
 * next row starts on a line of its own. */
static void test_torn_runs_moved_aside(void)
{
    char path[256], side[512], warning[TORN_WARNING_TEXT], text[2048];
    temp_path(path, sizeof path, "torn-runs.csv");
    remove_sides(path);
    drain_warnings(NULL, 0);
    struct runs_file f;
    errmsg_t err;
    struct run_row a = make_row("r", 1, 1, 0.5), b = make_row("r", 1, 2, 0.25), *out;
    CHECK(csv_runs_open(&f, path, true, &err) == STATUS_OK);
    CHECK(csv_runs_append(&f, &a, &err) == STATUS_OK);
    CHECK(csv_runs_append(&f, &b, &err) == STATUS_OK);
    CHECK(csv_runs_close(&f, &err) == STATUS_OK);
    char *whole = slurp(path);
    size_t len = strlen(whole), first_end = strchr(strchr(whole, '\n') + 1, '\n') + 1 - whole;
    CHECK(len > first_end + 60);
    CHECK(truncate(path, (off_t)(len - 60)) == 0);
    CHECK(csv_runs_open(&f, path, true, &err) == STATUS_OK);
    CHECK(find_side(path, side, sizeof side) == 1);
    char *moved = slurp(side), *kept = slurp(path);
    CHECK(strlen(moved) == len - 60 - first_end);
    CHECK(strncmp(moved, whole + first_end, strlen(moved)) == 0); /* byte for byte */
    CHECK(strlen(kept) == first_end && strncmp(kept, whole, first_end) == 0);
    CHECK(drain_warnings(warning, sizeof warning) == 1);
    const char *name = strrchr(side, '/') + 1;
    snprintf(text, sizeof text, "%s: the last line was torn (%zu bytes without a newline: "
             "a writer killed or out of space); moved to %s", path, len - 60 - first_end, name);
    CHECK_STR(warning, text);
    CHECK(csv_runs_append(&f, &b, &err) == STATUS_OK);
    CHECK(csv_runs_close(&f, &err) == STATUS_OK);
    size_t n;
    CHECK(csv_runs_read(path, &out, &n, &err) == STATUS_OK && n == 2);
    if (n == 2)
        CHECK(out[0].repeat == 1 && out[1].repeat == 2 && out[1].seconds == 0.25);
    free(out), free(whole), free(moved), free(kept);
    unlink(side);
    unlink(path);
}

/* A row that lost only its newline is a whole row: it stays, newline added;
 * a lone header without its newline gets one, silently. */
static void test_torn_whole_row_kept(void)
{
    char path[256], warning[TORN_WARNING_TEXT], side[512], text[1024];
    temp_path(path, sizeof path, "nonl-runs.csv");
    remove_sides(path);
    drain_warnings(NULL, 0);
    snprintf(text, sizeof text, "%s\nr,t,h,exec,p,dynamic,,,-,1,1,1,0.5,1,2,0x42,true,ok",
             csv_runs_header(CSV_SCHEMA_3));
    write_file(path, text);
    struct runs_file f;
    errmsg_t err;
    CHECK(csv_runs_open(&f, path, true, &err) == STATUS_OK);
    CHECK(csv_runs_close(&f, &err) == STATUS_OK);
    CHECK(find_side(path, side, sizeof side) == 0);
    char *kept = slurp(path);
    CHECK(strlen(kept) == strlen(text) + 1 && kept[strlen(text)] == '\n');
    CHECK(drain_warnings(warning, sizeof warning) == 1);
    CHECK(strstr(warning, "the last row lacked its newline") != NULL);
    free(kept);
    /* "...,true,o": the status cut short is no whole row */
    text[strlen(text) - 1] = '\0';
    write_file(path, text);
    CHECK(csv_runs_open(&f, path, true, &err) == STATUS_OK);
    CHECK(csv_runs_close(&f, &err) == STATUS_OK);
    CHECK(find_side(path, side, sizeof side) == 1);
    remove_sides(path);
    drain_warnings(NULL, 0);
    write_file(path, csv_runs_header(CSV_SCHEMA_3));
    CHECK(csv_runs_open(&f, path, true, &err) == STATUS_OK);
    CHECK(csv_runs_close(&f, &err) == STATUS_OK);
    kept = slurp(path);
    CHECK(strcmp(kept + strlen(kept) - 7, "status\n") == 0);
    CHECK(drain_warnings(NULL, 0) == 0);
    free(kept);
    unlink(path);
}

/* Every appended table: elbow.csv's torn line goes aside even when it
 * looks whole (its last number may have been cut), and an append made
 * after the open (another job tore it meanwhile) repairs first too. */
static void test_torn_other_table(void)
{
    char path[256], side[512];
    temp_path(path, sizeof path, "torn-elbow.csv");
    remove_sides(path);
    drain_warnings(NULL, 0);
    struct runs_file f;
    errmsg_t err;
    CHECK(csv_append_open(&f, path, ELBOW_HEADER, &err) == STATUS_OK);
    CHECK(csv_append_line(&f, "r,2,0.5,0.25\nr,3,0.6,0.1", &err) == STATUS_OK);
    CHECK(csv_append_line(&f, "r,4,0.7,0.3\n", &err) == STATUS_OK); /* repairs first */
    CHECK(csv_runs_close(&f, &err) == STATUS_OK);
    CHECK(find_side(path, side, sizeof side) == 1);
    char *moved = slurp(side), *kept = slurp(path), expect[256];
    CHECK_STR(moved, "r,3,0.6,0.1");
    snprintf(expect, sizeof expect, "%s\nr,2,0.5,0.25\nr,4,0.7,0.3\n", ELBOW_HEADER);
    CHECK_STR(kept, expect);
    CHECK(drain_warnings(NULL, 0) == 1);
    free(moved), free(kept);
    unlink(side);
    unlink(path);
}

/* An open quote further up: not a torn row alone. Refused, file as it was. */
static void test_torn_unbalanced_refused(void)
{
    char path[256], side[512], text[1024], expect[1024];
    temp_path(path, sizeof path, "quote-runs.csv");
    remove_sides(path);
    snprintf(text, sizeof text, "%s\nr,\"t\nh,exec", csv_runs_header(CSV_SCHEMA_3));
    write_file(path, text);
    struct runs_file f;
    errmsg_t err;
    CHECK(csv_runs_open(&f, path, true, &err) == STATUS_IO);
    snprintf(expect, sizeof expect, "%s: the last line has no newline and the quotes "
             "before it do not balance; refusing to append (look at the file's end; "
             "'truncate -s %zu %s' cuts the last line)", path,
             strlen(text) - strlen("h,exec"), path);
    CHECK_STR(err.text, expect);
    char *now = slurp(path);
    CHECK_STR(now, text);
    CHECK(find_side(path, side, sizeof side) == 0);
    free(now);
    unlink(path);
}

/* Readers leave an unreadable unterminated last line out, with a warning;
 * a last line that parses is a row. A bad line before the end still fails. */
static void test_reader_leaves_torn_out(void)
{
    char path[256], text[1024], warning[TORN_WARNING_TEXT], expect[512];
    temp_path(path, sizeof path, "read-torn.csv");
    drain_warnings(NULL, 0);
    snprintf(text, sizeof text, "%s\nr,t,h,exec,p,dynamic,,,-,1,1,1,0.5,1,2,0x42,true,ok\n"
             "r,t,h,exec,p,dyn", csv_runs_header(CSV_SCHEMA_3));
    write_file(path, text);
    struct run_row *rows;
    size_t n;
    errmsg_t err;
    CHECK(csv_runs_read(path, &rows, &n, &err) == STATUS_OK && n == 1);
    free(rows);
    CHECK(drain_warnings(warning, sizeof warning) == 1);
    snprintf(expect, sizeof expect, "%s:3: the last line is incomplete (no newline: a "
             "writer killed, out of space or still writing); left out", path);
    CHECK_STR(warning, expect);
    strcat(text, "\n"); /* the same line, terminated: a malformed row */
    write_file(path, text);
    CHECK(csv_runs_read(path, &rows, &n, &err) == STATUS_USAGE);
    CHECK(strstr(err.text, ":3: expected 18 fields, found 6") != NULL);
    unlink(path);
}

/* Schema 3 writes and reads the status; older layouts infer it. */
static void test_status_roundtrip(void)
{
    char path[256];
    temp_path(path, sizeof path, "status.csv");
    struct runs_file f;
    errmsg_t err;
    struct run_row in[] = {make_row("r", 1, 1, 0.5),
                           failed_row("r", 2, 1, 0.01, RUN_STATUS_FAILED),
                           failed_row("r", 2, 2, 2.0, RUN_STATUS_TIMEOUT)},
                   *out;
    in[0].verified = false; /* completed with a wrong result */
    CHECK(csv_runs_open(&f, path, true, &err) == STATUS_OK && f.schema == CSV_SCHEMA_3);
    for (int i = 0; i < 3; i++)
        CHECK(csv_runs_append(&f, &in[i], &err) == STATUS_OK);
    CHECK(csv_runs_close(&f, &err) == STATUS_OK);
    char *text = slurp(path);
    CHECK(strstr(text, ",verified,status\n") != NULL);
    CHECK(strstr(text, ",0x0000000000000042,false,ok\n") != NULL);
    CHECK(strstr(text, ",false,failed\n") != NULL && strstr(text, ",false,timeout\n") != NULL);
    free(text);
    size_t n;
    CHECK(csv_runs_read(path, &out, &n, &err) == STATUS_OK && n == 3);
    if (n == 3)
        CHECK(out[0].status == RUN_STATUS_OK && !out[0].verified &&
              out[1].status == RUN_STATUS_FAILED && out[2].status == RUN_STATUS_TIMEOUT);
    free(out);
    CHECK_STR(csv_status_name(RUN_STATUS_TIMEOUT), "timeout");
    unlink(path);
}

/* A 0.2 file is continued in its own layout (17 fields): a run that did
 * not complete is written verified=false, as 0.2 wrote it, and reads back
 * as failed; its verified rows read as ok. */
static void test_schema2_continued(void)
{
    char path[256], text[1024];
    temp_path(path, sizeof path, "v02.csv");
    snprintf(text, sizeof text, "%s\nr,t,h,exec,p,dynamic,,,-,1,1,1,0.5,1,2,0x42,true\n",
             csv_runs_header(CSV_SCHEMA_2));
    write_file(path, text);
    struct runs_file f;
    errmsg_t err;
    struct run_row bad = failed_row("r", 2, 1, 2.0, RUN_STATUS_TIMEOUT), *out;
    bad.verified = true; /* even so: a run that did not complete is not verified */
    CHECK(csv_runs_open(&f, path, false, &err) == STATUS_OK && f.schema == CSV_SCHEMA_2);
    CHECK(csv_runs_append(&f, &bad, &err) == STATUS_OK);
    CHECK(csv_runs_close(&f, &err) == STATUS_OK);
    char *now = slurp(path);
    const char *tail = ",1,2,1,2,1,0.5,0x0000000000000000,false\n";
    CHECK(strncmp(now, text, strlen(text)) == 0);
    CHECK(strlen(now) > strlen(tail) && strcmp(now + strlen(now) - strlen(tail), tail) == 0);
    int commas = 0;
    for (const char *p = now + strlen(text); *p != '\0'; p++)
        commas += *p == ',';
    CHECK(commas == CSV_RUNS_COLUMNS_2 - 1);
    free(now);
    size_t n;
    CHECK(csv_runs_read(path, &out, &n, &err) == STATUS_OK && n == 2);
    if (n == 2)
        CHECK(out[0].status == RUN_STATUS_OK && out[1].status == RUN_STATUS_FAILED &&
              !out[1].verified);
    free(out);
    unlink(path);
}

static void test_status_bad_value(void)
{
    char path[256], text[1024], expect[512];
    temp_path(path, sizeof path, "badstatus.csv");
    snprintf(text, sizeof text, "%s\nr,t,h,exec,p,dynamic,,,-,1,1,1,0.5,1,2,0x42,true,"
             "done\n", csv_runs_header(CSV_SCHEMA_3));
    write_file(path, text);
    struct run_row *rows;
    size_t n;
    errmsg_t err;
    CHECK(csv_runs_read(path, &rows, &n, &err) == STATUS_USAGE);
    snprintf(expect, sizeof expect, "%s:2:18: bad status value 'done'", path);
    CHECK_STR(err.text, expect);
    unlink(path);
}

/* The resume bug: a failed run, then its cell measured again. The old row
 * drops out of timing and verification; before the re-run it kept the
 * group unverified, and its time never counted. */
static void test_failed_superseded(void)
{
    struct run_row runs[] = {make_row("r", 1, 1, 1.0), make_row("r", 1, 2, 1.0),
                             make_row("r", 2, 1, 0.5),
                             failed_row("r", 2, 2, 2.0, RUN_STATUS_TIMEOUT),
                             make_row("r", 2, 2, 0.6)};
    struct summary_row *rows;
    size_t n = 4, m;
    errmsg_t err;
    CHECK(cells_filter(runs, &n, &err) == STATUS_OK && n == 4); /* not yet re-run */
    CHECK(summary_build(runs, n, true, &rows, &m, &err) == STATUS_OK && m == 2);
    if (m == 2) {
        CHECK(rows[1].threads == 2 && rows[1].t.n == 1 && rows[1].t.max == 0.5);
        CHECK(!rows[1].verified && rows[0].verified);
        CHECK_NEAR(rows[1].speedup, 2.0, 1e-12); /* the 2 s timeout counted nowhere */
    }
    free(rows);
    n = 5;
    CHECK(cells_filter(runs, &n, &err) == STATUS_OK && n == 4);
    CHECK(runs[3].status == RUN_STATUS_OK && runs[3].seconds == 0.6);
    CHECK(summary_build(runs, n, true, &rows, &m, &err) == STATUS_OK && m == 2);
    if (m == 2)
        CHECK(rows[1].t.n == 2 && rows[1].verified && rows[1].t.max == 0.6);
    free(rows);
}

/* A block whose every run failed: n = 0, no times, not verified, and no
 * NaN in the rest of the block (speedups, the Amdahl fit). */
static void test_block_all_failed(void)
{
    struct run_row runs[] = {make_row("r", 1, 1, 1.0), make_row("r", 2, 1, 0.5),
                             failed_row("r", 4, 1, 3.0, RUN_STATUS_FAILED)};
    struct summary_row *rows;
    size_t m;
    errmsg_t err;
    CHECK(summary_build(runs, 3, true, &rows, &m, &err) == STATUS_OK && m == 3);
    if (m == 3) {
        CHECK(rows[2].threads == 4 && rows[2].t.n == 0 && !rows[2].verified);
        CHECK(isnan(rows[2].t.median) && isnan(rows[2].t.min) && isnan(rows[2].speedup));
        CHECK_NEAR(rows[1].speedup, 2.0, 1e-12);
        CHECK(!isnan(rows[1].amdahl_serial));
    }
    free(rows);
}

/* Streamed tables (summary.csv, the study's own table) do the same, in
 * any order of the rows, and count the runs left unfinished. */
static void test_tables_unfinished(void)
{
    char path[256];
    temp_path(path, sizeof path, "tables.csv");
    struct runs_file f;
    errmsg_t err;
    struct run_row in[] = {make_row("r", 1, 1, 1.0), make_row("r", 2, 1, 0.6),
                           failed_row("r", 2, 2, 9.0, RUN_STATUS_FAILED),
                           failed_row("r", 2, 3, 9.0, RUN_STATUS_FAILED),
                           make_row("r", 2, 2, 0.5)};
    CHECK(csv_runs_open(&f, path, true, &err) == STATUS_OK);
    for (int i = 0; i < 5; i++)
        CHECK(csv_runs_append(&f, &in[i], &err) == STATUS_OK);
    CHECK(csv_runs_close(&f, &err) == STATUS_OK);
    struct tables_study t;
    CHECK(tables_study(path, "r", &t, &err) == STATUS_OK);
    CHECK(t.nown == 2 && t.unfinished == 1 && t.mismatches == 0);
    if (t.nown == 2)
        CHECK(t.own[1].t.n == 2 && !t.own[1].verified && t.own[1].t.max == 0.6);
    tables_study_free(&t);
    unlink(path);
}

/* --resume keeps the completed runs: a failed or timed-out cell is measured
 * again, a wrong result is not; the reference checksum is a verified one. */
static void test_resume_keeps_completed(void)
{
    char path[256];
    temp_path(path, sizeof path, "resume.csv");
    struct runs_file f;
    errmsg_t err;
    struct run_row in[] = {make_row("x-0000abcd", 1, 1, 1.0),
                           failed_row("x-0000abcd", 2, 1, 9.0, RUN_STATUS_FAILED),
                           make_row("x-0000abcd", 2, 2, 0.5)};
    in[2].verified = false;
    in[2].checksum = 0x43;
    CHECK(csv_runs_open(&f, path, true, &err) == STATUS_OK);
    for (int i = 0; i < 3; i++)
        CHECK(csv_runs_append(&f, &in[i], &err) == STATUS_OK);
    CHECK(csv_runs_close(&f, &err) == STATUS_OK);
    struct resume r;
    CHECK(resume_load(&r, path, "0000abcd", NULL, &err) == STATUS_OK && r.n == 2);
    CHECK(resume_has(&r, &in[0]) && !resume_has(&r, &in[1]) && resume_has(&r, &in[2]));
    uint64_t sum = 0;
    CHECK(resume_checksum(&r, &in[1], &sum) && sum == 0x42);
    resume_free(&r);
    unlink(path);
}

/* A tag of ENVINFO_TAG_MAX characters keeps the time stamp and PID whole;
 * a buffer too small for the tag cuts the tag, never the unique part. */
static void test_run_id_unique_part(void)
{
    char tag[ENVINFO_TAG_MAX + 1], id[CSV_ID_MAX - 9], small[40], pid[16];
    memset(tag, 't', ENVINFO_TAG_MAX);
    tag[ENVINFO_TAG_MAX] = '\0';
    snprintf(pid, sizeof pid, "-%ld", (long)getpid());
    envinfo_run_id(id, sizeof id, tag);
    CHECK(strncmp(id, tag, ENVINFO_TAG_MAX) == 0 && id[ENVINFO_TAG_MAX] == '-');
    CHECK(strcmp(id + strlen(id) - strlen(pid), pid) == 0);
    CHECK(strlen(id) == ENVINFO_TAG_MAX + 1 + 16 + strlen(pid));
    envinfo_run_id(small, sizeof small, tag);
    CHECK(strcmp(small + strlen(small) - strlen(pid), pid) == 0);
    CHECK(strlen(small) == sizeof small - 1 && small[strlen(small) - strlen(pid) - 17] == '-');
}

int main(void)
{
    RUN(test_torn_runs_moved_aside);
    RUN(test_torn_whole_row_kept);
    RUN(test_torn_other_table);
    RUN(test_torn_unbalanced_refused);
    RUN(test_reader_leaves_torn_out);
    RUN(test_status_roundtrip);
    RUN(test_schema2_continued);
    RUN(test_status_bad_value);
    RUN(test_failed_superseded);
    RUN(test_block_all_failed);
    RUN(test_tables_unfinished);
    RUN(test_resume_keeps_completed);
    RUN(test_run_id_unique_part);
    return harness_report();
}
