/* fuzz_csv: the input is a file's contents, read by the three file readers:
 * dataset_load_csv (without labels and with labels in column 0),
 * csv_runs_read and metadata_check. The loaders take a path, so the input
 * goes to one temporary file per process, rewritten for every input.
 *
 * Invariants: a data set that loads has n >= 1, d >= 1 and finite values;
 * loading with labels in column 0 succeeds only when loading without labels
 * does, with the same rows (the labels as column 0). A runs file that reads
 * has ranks and threads >= 1, finite seconds >= 0 and rate, a workload.
 * metadata_check accepts exactly the inputs whose first and last non-space
 * bytes are '[' and ']'. Failures leave nothing allocated and give one-line
 * messages that start with the path, with a line number inside the file (and
 * for the data set loader a byte column inside that line). */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "study/record/csv.h"
#include "elbow/dataset.h"
#include "fuzz_check.h"
#include "study/record/metadata.h"

enum { MAX_INPUT = 1 << 16, PATH_CAP = 64 };

static char path[PATH_CAP];

static void remove_temp(void) { unlink(path); }

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *dir = getenv("TMPDIR");
    snprintf(path, sizeof path, "%s/fuzz_csv.%ld.csv",
             dir != NULL && strlen(dir) < PATH_CAP / 2 ? dir : "/tmp", (long)getpid());
    atexit(remove_temp);
    return 0;
}

static void write_input(const uint8_t *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(data, 1, size, f) != size || fclose(f) != 0) {
        perror(path);
        abort();
    }
}

static size_t count_lines(const uint8_t *data, size_t size)
{
    size_t lines = 1;
    for (size_t i = 0; i < size; i++)
        lines += data[i] == '\n';
    return lines;
}

/* Length of physical line `line` (1-based) of the input, without its '\n'. */
static size_t line_length(const uint8_t *data, size_t size, unsigned long line)
{
    size_t start = 0;
    for (unsigned long l = 1; l < line && start < size; start++)
        l += data[start] == '\n';
    size_t end = start;
    while (end < size && data[end] != '\n')
        end++;
    return end - start;
}

/* One line, "PATH:" first; a "PATH:LINE" position names a line of the file.
 * For the data set loader, "PATH:LINE:COLUMN" is a byte column within that
 * line or just past its end. */
static void check_error(const errmsg_t *err, const uint8_t *data, size_t size,
                        bool byte_column)
{
    fuzz_check_message(err);
    size_t plen = strlen(path);
    FUZZ_ASSERT(strncmp(err->text, path, plen) == 0 && err->text[plen] == ':',
                "message does not start with the path: \"%s\"", err->text);
    char *end;
    const char *pos = err->text + plen + 1;
    unsigned long line = strtoul(pos, &end, 10);
    if (end == pos || *end != ':')
        return;
    FUZZ_ASSERT(line >= 1 && line <= count_lines(data, size),
                "line %lu of a %zu-line file: \"%s\"", line,
                count_lines(data, size), err->text);
    pos = end + 1;
    unsigned long column = strtoul(pos, &end, 10);
    if (!byte_column || end == pos || *end != ':')
        return;
    FUZZ_ASSERT(column >= 1 && column <= line_length(data, size, line) + 1,
                "column %lu of a %zu-byte line: \"%s\"", column,
                line_length(data, size, line), err->text);
}

static void check_dataset(const struct dataset *ds, long label_column)
{
    FUZZ_ASSERT(ds->n >= 1 && ds->d >= 1 && ds->x != NULL, "n %zu d %zu", ds->n, ds->d);
    FUZZ_ASSERT((ds->labels != NULL) == (label_column >= 0), "labels");
    for (size_t i = 0; i < ds->n * ds->d; i++)
        FUZZ_ASSERT(isfinite(ds->x[i]), "x[%zu] = %g", i, ds->x[i]);
}

/* The labelled load is the plain load with column 0 taken out. */
static void check_same_rows(const struct dataset *plain, const struct dataset *lab)
{
    FUZZ_ASSERT(plain->n == lab->n && plain->d == lab->d + 1,
                "plain %zu x %zu, labelled %zu x %zu", plain->n, plain->d,
                lab->n, lab->d);
    for (size_t i = 0; i < lab->n; i++) {
        const double *row = plain->x + i * plain->d;
        FUZZ_ASSERT(row[0] == (double)lab->labels[i], "label of row %zu", i);
        for (size_t j = 0; j < lab->d; j++)
            FUZZ_ASSERT(row[j + 1] == lab->x[i * lab->d + j], "x[%zu][%zu]", i, j);
    }
}

/* Returns the status; *ds holds the data set when it is STATUS_OK. */
static int load(long label_column, struct dataset *ds, const uint8_t *data,
                size_t size)
{
    errmsg_t err = {{0}};
    int rc = dataset_load_csv(path, label_column, ds, &err);
    FUZZ_ASSERT(rc == STATUS_OK || rc == STATUS_USAGE, "rc %d: %s", rc, err.text);
    if (rc == STATUS_OK) {
        check_dataset(ds, label_column);
        return rc;
    }
    check_error(&err, data, size, true);
    FUZZ_ASSERT(ds->n == 0 && ds->d == 0 && ds->x == NULL && ds->labels == NULL,
                "failed load left data");
    return rc;
}

static void fuzz_dataset(const uint8_t *data, size_t size)
{
    struct dataset plain, lab;
    int rc_plain = load(DATASET_NO_LABEL, &plain, data, size);
    int rc_lab = load(0, &lab, data, size);
    if (rc_lab == STATUS_OK) {
        FUZZ_ASSERT(rc_plain == STATUS_OK, "labels load but plain does not");
        check_same_rows(&plain, &lab);
    }
    dataset_free(&plain);
    dataset_free(&lab);
}

static void check_run_row(const struct run_row *r)
{
    FUZZ_ASSERT(r->ranks >= 1 && r->threads >= 1 && r->repeat >= 0,
                "ranks %d threads %d repeat %d", r->ranks, r->threads, r->repeat);
    FUZZ_ASSERT(isfinite(r->seconds) && r->seconds >= 0 && isfinite(r->rate),
                "seconds %g rate %g", r->seconds, r->rate);
    FUZZ_ASSERT(r->workload[0] != '\0', "empty workload");
    FUZZ_ASSERT(strnlen(r->run_id, sizeof r->run_id) < sizeof r->run_id &&
                strnlen(r->timestamp, sizeof r->timestamp) < sizeof r->timestamp &&
                strnlen(r->host, sizeof r->host) < sizeof r->host &&
                strnlen(r->workload, sizeof r->workload) < sizeof r->workload &&
                strnlen(r->variant, sizeof r->variant) < sizeof r->variant &&
                strnlen(r->schedule, sizeof r->schedule) < sizeof r->schedule &&
                strnlen(r->size, sizeof r->size) < sizeof r->size,
                "unterminated text field");
}

static void fuzz_runs(const uint8_t *data, size_t size)
{
    struct run_row *rows = NULL;
    size_t count = SIZE_MAX;
    errmsg_t err = {{0}};
    int rc = csv_runs_read(path, &rows, &count, &err);
    FUZZ_ASSERT(rc == STATUS_OK || rc == STATUS_USAGE, "rc %d: %s", rc, err.text);
    if (rc != STATUS_OK) {
        check_error(&err, data, size, false);
        FUZZ_ASSERT(rows == NULL, "rows left after a failure");
        return;
    }
    FUZZ_ASSERT(count < count_lines(data, size), "%zu rows", count);
    for (size_t i = 0; i < count; i++)
        check_run_row(&rows[i]);
    free(rows);
}

static bool is_space(uint8_t c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

static void fuzz_metadata(const uint8_t *data, size_t size)
{
    size_t first = 0, last = size;
    while (first < size && is_space(data[first]))
        first++;
    while (last > first && is_space(data[last - 1]))
        last--;
    const bool array = last - first >= 2 && data[first] == '[' && data[last - 1] == ']';
    errmsg_t err = {{0}};
    int rc = metadata_check(path, &err);
    FUZZ_ASSERT(rc == (array ? STATUS_OK : STATUS_USAGE), "rc %d for %s input", rc,
                array ? "an array" : "a non-array");
    if (rc != STATUS_OK)
        check_error(&err, data, size, false);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > MAX_INPUT)
        return 0;
    write_input(data, size);
    fuzz_dataset(data, size);
    fuzz_runs(data, size);
    fuzz_metadata(data, size);
    return 0;
}
