/* Tests for the CSV loader and writer (src/elbow/dataset.c): valid inputs, exact
 * round trips, and every error path with its exact message. */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elbow/dataset.h"
#include "harness.h"

enum { TMP_DIR_LEN = 256, PATH_LEN = 512, MSG_LEN = 1024 };

#define DATA_DIR "tests/fixtures/data"

static char tmp_dir[TMP_DIR_LEN]; /* made in main, removed at the end */

static void tmp_path(char *out, const char *name)
{
    snprintf(out, PATH_LEN, "%s/%s", tmp_dir, name);
}

/* Write text to a temporary CSV named name; returns false on failure. */
static int write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        return 0;
    const int ok = fputs(text, f) != EOF;
    return fclose(f) == 0 && ok;
}

/* Load text from a temporary file; *path gets the file's name. */
static int load_text(const char *text, long label_column, struct dataset *ds,
                     errmsg_t *err, char *path)
{
    tmp_path(path, "case.csv");
    CHECK(write_text(path, text));
    return dataset_load_csv(path, label_column, ds, err);
}

static uint64_t bits_of(double v)
{
    uint64_t u;
    memcpy(&u, &v, sizeof u);
    return u;
}

/* Loading text must fail with STATUS_USAGE and exactly "<path><suffix>". */
static void check_error_text(const char *text, long label_column,
                             const char *suffix)
{
    struct dataset ds;
    errmsg_t err;
    char path[PATH_LEN], want[MSG_LEN];
    CHECK(load_text(text, label_column, &ds, &err, path) == STATUS_USAGE);
    snprintf(want, sizeof want, "%s%s", path, suffix);
    CHECK_STR(err.text, want);
    CHECK(strchr(err.text, '\n') == NULL);
    CHECK(ds.x == NULL && ds.labels == NULL && ds.n == 0);
}

static void test_load_plain(void)
{
    struct dataset ds;
    errmsg_t err;
    CHECK(dataset_load_csv(DATA_DIR "/plain.csv", DATASET_NO_LABEL, &ds, &err) ==
          STATUS_OK);
    CHECK(ds.n == 3 && ds.d == 2 && ds.labels == NULL);
    const double want[] = {1.5, -2, 3, 400, -0.25, 0.125};
    for (size_t i = 0; i < 6 && ds.n * ds.d == 6; i++)
        CHECK(ds.x[i] == want[i]);
    dataset_free(&ds);
    CHECK(ds.x == NULL && ds.n == 0);
}

/* Header, blanks around fields, blank lines inside and at the end. */
static void test_load_header_and_labels(void)
{
    struct dataset ds;
    errmsg_t err;
    CHECK(dataset_load_csv(DATA_DIR "/labeled.csv", 2, &ds, &err) == STATUS_OK);
    CHECK(ds.n == 3 && ds.d == 2 && ds.labels != NULL);
    const double want[] = {1, 2, 4, 5, 7.25, 8};
    const int labels[] = {3, -1, 0};
    for (size_t i = 0; i < 6 && ds.n == 3; i++)
        CHECK(ds.x[i] == want[i]);
    for (size_t i = 0; i < 3 && ds.n == 3; i++)
        CHECK(ds.labels[i] == labels[i]);
    dataset_free(&ds);
    /* Without a label column the last column is a feature. */
    CHECK(dataset_load_csv(DATA_DIR "/labeled.csv", DATASET_NO_LABEL, &ds,
                           &err) == STATUS_OK);
    CHECK(ds.n == 3 && ds.d == 3 && ds.labels == NULL);
    CHECK(ds.n == 3 && ds.x[2] == 3 && ds.x[5] == -1);
    dataset_free(&ds);
}

static void test_load_label_first_column(void)
{
    struct dataset ds;
    errmsg_t err;
    CHECK(dataset_load_csv(DATA_DIR "/label_first.csv", 0, &ds, &err) ==
          STATUS_OK);
    CHECK(ds.n == 2 && ds.d == 2);
    CHECK(ds.n == 2 && ds.x[0] == 0.5 && ds.x[1] == 0.25 && ds.x[2] == 1e-3 &&
          ds.x[3] == -7);
    CHECK(ds.n == 2 && ds.labels[0] == 2 && ds.labels[1] == 0);
    dataset_free(&ds);
}

static void test_load_crlf_and_bom(void)
{
    struct dataset ds;
    errmsg_t err;
    char path[PATH_LEN];
    CHECK(load_text("\xEF\xBB\xBFx,y\r\n1,2\r\n3 ,4\r\n\r\n", -1, &ds, &err,
                    path) == STATUS_OK);
    CHECK(ds.n == 2 && ds.d == 2);
    CHECK(ds.n == 2 && ds.x[0] == 1 && ds.x[1] == 2 && ds.x[2] == 3 &&
          ds.x[3] == 4);
    dataset_free(&ds);
    /* No final newline, CRLF, no header. */
    CHECK(load_text("5,6\r\n7,8", -1, &ds, &err, path) == STATUS_OK);
    CHECK(ds.n == 2 && ds.x[3] == 8);
    dataset_free(&ds);
}

/* A header whose first name is 1 MB long, then a data row of 1.2 MB. */
static void test_load_long_lines(void)
{
    enum { NAME_LEN = 1 << 20, FIELDS = 300000 };
    char *text = malloc(NAME_LEN + 4 * (size_t)FIELDS + 64);
    CHECK(text != NULL);
    if (text == NULL)
        return;
    memset(text, 'a', NAME_LEN);
    size_t pos = NAME_LEN;
    for (size_t i = 1; i < FIELDS; i++)
        pos += (size_t)sprintf(text + pos, ",x");
    text[pos++] = '\n';
    for (size_t i = 0; i < FIELDS; i++)
        pos += (size_t)sprintf(text + pos, i == 0 ? "%d" : ",%d", (int)(i % 10));
    strcpy(text + pos, "\n");
    struct dataset ds;
    errmsg_t err;
    char path[PATH_LEN];
    CHECK(load_text(text, -1, &ds, &err, path) == STATUS_OK);
    CHECK(ds.n == 1 && ds.d == FIELDS);
    CHECK(ds.n == 1 && ds.x[FIELDS - 1] == (FIELDS - 1) % 10);
    dataset_free(&ds);
    free(text);
}

static const double tricky_values[] = {
    0.1, -0.0, 1.0 / 3.0, M_PI, 1e308, -1e-308, DBL_MIN, DBL_TRUE_MIN,
    DBL_MAX, -DBL_EPSILON, 123456789.123456789, 2.5e-5};

static void check_round_trip(int with_labels)
{
    enum { N = 4, D = 3 };
    double x[N * D];
    int labels[N] = {0, -7, 2147483647, -2147483647 - 1};
    for (size_t i = 0; i < N * D; i++)
        x[i] = tricky_values[i];
    struct dataset ds = {N, D, x, with_labels ? labels : NULL}, back;
    errmsg_t err;
    char path[PATH_LEN];
    tmp_path(path, "round_trip.csv");
    CHECK(dataset_save_csv(path, &ds, &err) == STATUS_OK);
    CHECK(dataset_load_csv(path, with_labels ? D : DATASET_NO_LABEL, &back,
                           &err) == STATUS_OK);
    CHECK(back.n == N && back.d == D);
    for (size_t i = 0; i < N * D && back.n == N; i++)
        CHECK_MSG(bits_of(back.x[i]) == bits_of(x[i]), "[%zu] %a vs %a", i,
                  back.x[i], x[i]);
    CHECK((back.labels != NULL) == with_labels);
    for (size_t i = 0; i < N && back.labels != NULL; i++)
        CHECK(back.labels[i] == labels[i]);
    dataset_free(&back);
}

static void test_round_trip_exact(void)
{
    check_round_trip(1);
    check_round_trip(0);
}

static void test_save_header(void)
{
    double x[] = {1.5, -2};
    int labels[] = {3};
    const struct dataset ds = {1, 2, x, labels};
    errmsg_t err;
    char path[PATH_LEN], buf[128] = "";
    tmp_path(path, "header.csv");
    CHECK(dataset_save_csv(path, &ds, &err) == STATUS_OK);
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    if (f != NULL) {
        const size_t got = fread(buf, 1, sizeof buf - 1, f);
        buf[got] = '\0';
        fclose(f);
    }
    CHECK_STR(buf, "x0,x1,label\n1.5,-2,3\n");
}

/* No temporary files may be left next to the target. */
static void check_no_temp_left(const char *dir_path)
{
    char cmd[PATH_LEN + 64];
    snprintf(cmd, sizeof cmd, "ls -a '%s' | grep -q '\\.tmp\\.'", dir_path);
    CHECK(system(cmd) != 0);
}

static void test_save_errors(void)
{
    double x[] = {1};
    const struct dataset ds = {1, 1, x, NULL};
    errmsg_t err;
    char path[PATH_LEN], want[MSG_LEN];
    tmp_path(path, "no_such_dir/out.csv");
    CHECK(dataset_save_csv(path, &ds, &err) == STATUS_IO);
    snprintf(want, sizeof want, "%s: cannot write: No such file or directory",
             path);
    CHECK_STR(err.text, want);
    /* The target is a directory: written, then the rename fails. */
    tmp_path(path, "a_dir");
    CHECK(mkdir(path, 0700) == 0);
    CHECK(dataset_save_csv(path, &ds, &err) == STATUS_IO);
    snprintf(want, sizeof want, "%s: cannot write: Is a directory", path);
    CHECK_STR(err.text, want);
    check_no_temp_left(tmp_dir);
    rmdir(path);
    const struct dataset empty = {0, 0, NULL, NULL};
    CHECK(dataset_save_csv(path, &empty, &err) == STATUS_USAGE);
}

/* Saving over an existing file replaces it whole. */
static void test_save_replaces(void)
{
    char path[PATH_LEN];
    tmp_path(path, "replace.csv");
    CHECK(write_text(path, "old,contents,that,are,longer\n1,2,3,4,5\n"));
    double x[] = {9};
    const struct dataset ds = {1, 1, x, NULL};
    struct dataset back;
    errmsg_t err;
    CHECK(dataset_save_csv(path, &ds, &err) == STATUS_OK);
    CHECK(dataset_load_csv(path, -1, &back, &err) == STATUS_OK);
    CHECK(back.n == 1 && back.d == 1 && back.x[0] == 9);
    dataset_free(&back);
    check_no_temp_left(tmp_dir);
}

static void test_error_cannot_read(void)
{
    struct dataset ds;
    errmsg_t err;
    CHECK(dataset_load_csv(DATA_DIR "/missing.csv", -1, &ds, &err) ==
          STATUS_USAGE);
    CHECK_STR(err.text, DATA_DIR "/missing.csv: cannot read: No such file or "
                                 "directory");
    CHECK(dataset_load_csv(DATA_DIR, -1, &ds, &err) == STATUS_USAGE);
    CHECK_STR(err.text, DATA_DIR ": cannot read: Is a directory");
    CHECK(ds.x == NULL && ds.n == 0);
}

static void test_error_no_rows(void)
{
    struct dataset ds;
    errmsg_t err;
    CHECK(dataset_load_csv(DATA_DIR "/empty.csv", -1, &ds, &err) ==
          STATUS_USAGE);
    CHECK_STR(err.text, DATA_DIR "/empty.csv: no data rows (empty file)");
    CHECK(dataset_load_csv(DATA_DIR "/header_only.csv", -1, &ds, &err) ==
          STATUS_USAGE);
    CHECK_STR(err.text, DATA_DIR "/header_only.csv: no data rows (only the "
                                 "header on line 1)");
    check_error_text("\n  \n\r\n", -1, ": no data rows (empty file)");
}

static void test_error_not_a_number(void)
{
    struct dataset ds;
    errmsg_t err;
    CHECK(dataset_load_csv(DATA_DIR "/bad_value.csv", -1, &ds, &err) ==
          STATUS_USAGE);
    CHECK_STR(err.text,
              DATA_DIR "/bad_value.csv:4:3: field 2: \"abc\" is not a number");
    CHECK(ds.x == NULL && ds.n == 0);
    check_error_text("1,2\n1,  12x \n", -1,
                     ":2:5: field 2: \"12x\" is not a number");
    check_error_text("1,2\n3,1.5.2\n", -1,
                     ":2:3: field 2: \"1.5.2\" is not a number");
    check_error_text("1,2\n3;4,5\n", -1, /* not a separator */
                     ":2:1: field 1: \"3;4\" is not a number");
}

static void test_error_long_field_is_cut(void)
{
    char text[256] = "1\n";
    memset(text + 2, 'z', 100);
    strcpy(text + 102, "\n");
    check_error_text(text, -1,
                     ":2:1: field 1: \"zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz...\" "
                     "is not a number");
}

static void test_error_not_finite(void)
{
    check_error_text("1,nan\n", -1, ":1:3: field 2: \"nan\" is not a finite number");
    check_error_text("x,y\n1,2\n-inf,2\n", -1,
                     ":3:1: field 1: \"-inf\" is not a finite number");
    check_error_text("1,2\nInfinity,2\n", -1,
                     ":2:1: field 1: \"Infinity\" is not a finite number");
    check_error_text("1,2\n3, 1e999\n", -1,
                     ":2:4: field 2: \"1e999\" is not a finite number");
    check_error_text("1,2\n3,NAN\n", -1,
                     ":2:3: field 2: \"NAN\" is not a finite number");
}

static void test_error_empty_field(void)
{
    check_error_text("1,,3\n", -1, ":1:3: field 2 is empty");
    check_error_text("1,2,3\n4,5,\n", -1, ":2:5: field 3 is empty");
    check_error_text("a,b\n1, \t,3\n", -1, ":2:3: field 2 is empty");
}

static void test_error_ragged(void)
{
    struct dataset ds;
    errmsg_t err;
    CHECK(dataset_load_csv(DATA_DIR "/ragged.csv", -1, &ds, &err) ==
          STATUS_USAGE);
    CHECK_STR(err.text, DATA_DIR "/ragged.csv:3:4: expected 3 fields (as on "
                                 "line 1), got 2");
    check_error_text("a,b\n\n1,2\n3,4,5\n", -1,
                     ":4:5: expected 2 fields (as on line 3), got 3");
}

static void test_error_labels(void)
{
    check_error_text("1,2\n", 2, ":1:1: label column 2 is out of range: the "
                                 "first data row has 2 fields (columns 0 to 1)");
    check_error_text("a\n1\n", 0, ":2:1: no feature columns: the only column "
                                  "is the label column");
    check_error_text("1,2.5\n", 1, ":1:3: field 2: \"2.5\" is not an integer label");
    check_error_text("1,2\n1,x\n", 1, ":2:3: field 2: \"x\" is not an integer label");
    check_error_text("1,99999999999\n", 1,
                     ":1:3: field 2: \"99999999999\" is out of range for a label");
    check_error_text("1,\n", 1, ":1:3: field 2 is empty");
    struct dataset ds;
    errmsg_t err;
    CHECK(dataset_load_csv(DATA_DIR "/plain.csv", -2, &ds, &err) == STATUS_USAGE);
}

/* Runs last: rmdir fails if any file, a stray temporary one too, is left. */
static void test_tmp_dir_left_clean(void)
{
    const char *names[] = {"case.csv", "round_trip.csv", "header.csv",
                           "replace.csv"};
    char path[PATH_LEN];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        tmp_path(path, names[i]);
        unlink(path);
    }
    CHECK_MSG(rmdir(tmp_dir) == 0, "rmdir %s: %s", tmp_dir, strerror(errno));
}

/* Regression (fuzz_csv): a carriage return inside a field was copied into
 * the message, which then did not print as one line. */
static void test_error_control_chars(void)
{
    check_error_text("a,x0\n1.5,-2\n3,4\r5\n", -1,
                     ":3:3: field 2: \"4?5\" is not a number");
}

int main(void)
{
    const char *base = getenv("TMPDIR");
    snprintf(tmp_dir, sizeof tmp_dir, "%s/test_dataset.XXXXXX",
             base != NULL && base[0] != '\0' ? base : "/tmp");
    if (mkdtemp(tmp_dir) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    RUN(test_load_plain);
    RUN(test_load_header_and_labels);
    RUN(test_load_label_first_column);
    RUN(test_load_crlf_and_bom);
    RUN(test_load_long_lines);
    RUN(test_round_trip_exact);
    RUN(test_save_header);
    RUN(test_save_errors);
    RUN(test_save_replaces);
    RUN(test_error_cannot_read);
    RUN(test_error_no_rows);
    RUN(test_error_not_a_number);
    RUN(test_error_long_field_is_cut);
    RUN(test_error_not_finite);
    RUN(test_error_empty_field);
    RUN(test_error_ragged);
    RUN(test_error_labels);
    RUN(test_error_control_chars);
    RUN(test_tmp_dir_left_clean); /* last: removes the directory */
    return harness_report();
}
