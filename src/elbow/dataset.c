/* dataset: see dataset.h. */
#include "elbow/dataset.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

enum {
    SHOWN_FIELD_CHARS = 40, /* longer fields are cut in messages */
    INITIAL_ROWS = 1024,
    INITIAL_VALUES = 1 << 17, /* doubles reserved before the rows grow */
    INITIAL_FIELDS = 64,
    TEMP_NAME_TRIES = 100,  /* temp names taken by other writers */
    TEMP_SUFFIX_MAX = 48,   /* room for ".tmp.<pid>.<try>" */
    NEW_FILE_MODE = 0666    /* narrowed by the umask, like fopen */
};

static const char utf8_bom[] = "\xEF\xBB\xBF";

/* One field of the current line: trimmed, NUL-terminated in the line. */
struct field {
    const char *text;
    size_t len;
    size_t column; /* 1-based byte column of its first non-blank character */
};

struct loader {
    const char *path;
    long label_column;
    size_t line_no;
    size_t header_line;     /* 0: no header */
    size_t first_data_line; /* 0: no data row yet */
    size_t nfields;         /* fields per row, from the first data row */
    size_t cap_rows;
    bool seen_first;        /* the first non-blank line was looked at */
    struct field *fields;   /* the current line's fields */
    size_t nline_fields, cap_fields;
    struct dataset *ds;
    errmsg_t *err;
};

void dataset_free(struct dataset *ds)
{
    free(ds->x);
    free(ds->labels);
    ds->x = NULL;
    ds->labels = NULL;
    ds->n = 0;
    ds->d = 0;
}

static bool is_blank(char c) { return c == ' ' || c == '\t'; }

/* Length without the line end ("\n", "\r\n" or none at end of file). */
static size_t strip_eol(const char *s, size_t len)
{
    if (len > 0 && s[len - 1] == '\n')
        len--;
    if (len > 0 && s[len - 1] == '\r')
        len--;
    return len;
}

static bool is_blank_line(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!is_blank(s[i]))
            return false;
    return true;
}

static int nomem(const struct loader *ld)
{
    return errmsg_set(ld->err, STATUS_NOMEM, "%s:%zu: out of memory",
                      ld->path, ld->line_no);
}

static int push_field(struct loader *ld, char *s, size_t start, size_t end)
{
    if (ld->nline_fields == ld->cap_fields) {
        const size_t cap = ld->cap_fields ? 2 * ld->cap_fields : INITIAL_FIELDS;
        struct field *v = realloc(ld->fields, cap * sizeof *v);
        if (v == NULL)
            return nomem(ld);
        ld->fields = v;
        ld->cap_fields = cap;
    }
    const size_t field_start = start;
    while (start < end && is_blank(s[start]))
        start++;
    while (end > start && is_blank(s[end - 1]))
        end--;
    s[end] = '\0'; /* a comma, a blank or the line end: already scanned */
    /* An empty field is reported where it begins. */
    const size_t column = (start < end ? start : field_start) + 1;
    ld->fields[ld->nline_fields++] =
        (struct field){s + start, end - start, column};
    return STATUS_OK;
}

/* Split s[0..len) at commas into ld->fields. */
static int split_fields(struct loader *ld, char *s, size_t len)
{
    ld->nline_fields = 0;
    size_t start = 0;
    for (;;) {
        size_t comma = start;
        while (comma < len && s[comma] != ',')
            comma++;
        const int rc = push_field(ld, s, start, comma);
        if (rc != STATUS_OK || comma >= len)
            return rc;
        start = comma + 1;
    }
}

/* Whole field parses as a double (finite or not). */
static bool parse_double(const struct field *f, double *out)
{
    char *end;
    *out = strtod(f->text, &end);
    return f->len > 0 && end == f->text + f->len;
}

static bool line_is_header(const struct loader *ld)
{
    double v;
    for (size_t i = 0; i < ld->nline_fields; i++)
        if (ld->fields[i].len > 0 && !parse_double(&ld->fields[i], &v))
            return true;
    return false;
}

/* "FILE:LINE:COL: field N: "text" what": the field text cut to fit. */
static int field_error(const struct loader *ld, size_t index, const char *what)
{
    const struct field *f = &ld->fields[index];
    const bool cut = f->len > SHOWN_FIELD_CHARS;
    return errmsg_set(ld->err, STATUS_USAGE, "%s:%zu:%zu: field %zu: \"%.*s%s\" %s",
                      ld->path, ld->line_no, f->column, index + 1,
                      cut ? SHOWN_FIELD_CHARS : (int)f->len, f->text,
                      cut ? "..." : "", what);
}

static int empty_field_error(const struct loader *ld, size_t index)
{
    return errmsg_set(ld->err, STATUS_USAGE, "%s:%zu:%zu: field %zu is empty",
                      ld->path, ld->line_no, ld->fields[index].column,
                      index + 1);
}

static int parse_value(const struct loader *ld, size_t index, double *out)
{
    if (ld->fields[index].len == 0)
        return empty_field_error(ld, index);
    if (!parse_double(&ld->fields[index], out))
        return field_error(ld, index, "is not a number");
    if (!isfinite(*out)) /* nan, inf, or too large: 1e999 */
        return field_error(ld, index, "is not a finite number");
    return STATUS_OK;
}

static int parse_label(const struct loader *ld, size_t index, int *out)
{
    const struct field *f = &ld->fields[index];
    if (f->len == 0)
        return empty_field_error(ld, index);
    char *end;
    errno = 0;
    const long v = strtol(f->text, &end, 10);
    if (end != f->text + f->len)
        return field_error(ld, index, "is not an integer label");
    if (errno == ERANGE || v < INT_MIN || v > INT_MAX)
        return field_error(ld, index, "is out of range for a label");
    *out = (int)v;
    return STATUS_OK;
}

/* The first data row fixes the field count and the feature count. */
static int start_data(struct loader *ld)
{
    const size_t nf = ld->nline_fields;
    ld->first_data_line = ld->line_no;
    ld->nfields = nf;
    if (ld->label_column >= 0 && (size_t)ld->label_column >= nf)
        return errmsg_set(ld->err, STATUS_USAGE,
                          "%s:%zu:1: label column %ld is out of range: the "
                          "first data row has %zu field%s (columns 0 to %zu)",
                          ld->path, ld->line_no, ld->label_column, nf,
                          nf == 1 ? "" : "s", nf - 1);
    ld->ds->d = nf - (ld->label_column >= 0 ? 1 : 0);
    if (ld->ds->d == 0)
        return errmsg_set(ld->err, STATUS_USAGE,
                          "%s:%zu:1: no feature columns: the only column is "
                          "the label column", ld->path, ld->line_no);
    return STATUS_OK;
}

static int ragged_error(const struct loader *ld, size_t line_len)
{
    const size_t got = ld->nline_fields;
    /* Point at the first extra field, or just past the short line. */
    const size_t column =
        got > ld->nfields ? ld->fields[ld->nfields].column : line_len + 1;
    return errmsg_set(ld->err, STATUS_USAGE,
                      "%s:%zu:%zu: expected %zu fields (as on line %zu), got %zu",
                      ld->path, ld->line_no, column, ld->nfields,
                      ld->first_data_line, got);
}

/* Room for one more row. */
static int reserve_row(struct loader *ld)
{
    struct dataset *ds = ld->ds;
    if (ds->n < ld->cap_rows)
        return STATUS_OK;
    /* Start small for wide rows: a 1-row file of a million fields must not
     * reserve 1024 rows of them. */
    size_t first = INITIAL_ROWS;
    if (first > INITIAL_VALUES / ds->d)
        first = INITIAL_VALUES / ds->d > 0 ? INITIAL_VALUES / ds->d : 1;
    const size_t cap = ld->cap_rows ? 2 * ld->cap_rows : first;
    if (cap < ld->cap_rows || cap > SIZE_MAX / sizeof(double) / ds->d)
        return nomem(ld);
    double *x = realloc(ds->x, cap * ds->d * sizeof *x);
    if (x == NULL)
        return nomem(ld);
    ds->x = x;
    if (ld->label_column >= 0) {
        int *labels = realloc(ds->labels, cap * sizeof *labels);
        if (labels == NULL)
            return nomem(ld);
        ds->labels = labels;
    }
    ld->cap_rows = cap;
    return STATUS_OK;
}

static int store_row(struct loader *ld)
{
    struct dataset *ds = ld->ds;
    int rc = reserve_row(ld);
    if (rc != STATUS_OK)
        return rc;
    double *row = ds->x + ds->n * ds->d;
    size_t j = 0;
    for (size_t i = 0; rc == STATUS_OK && i < ld->nline_fields; i++) {
        if ((long)i == ld->label_column)
            rc = parse_label(ld, i, &ds->labels[ds->n]);
        else
            rc = parse_value(ld, i, &row[j++]);
    }
    if (rc == STATUS_OK)
        ds->n++;
    return rc;
}

static int handle_line(struct loader *ld, char *s, size_t len)
{
    if (ld->line_no == 1 && len >= 3 && memcmp(s, utf8_bom, 3) == 0) {
        s += 3;
        len -= 3;
    }
    len = strip_eol(s, len);
    if (is_blank_line(s, len))
        return STATUS_OK;
    int rc = split_fields(ld, s, len);
    if (rc != STATUS_OK)
        return rc;
    if (!ld->seen_first) {
        ld->seen_first = true;
        if (line_is_header(ld)) {
            ld->header_line = ld->line_no;
            return STATUS_OK;
        }
    }
    if (ld->first_data_line == 0)
        rc = start_data(ld);
    else if (ld->nline_fields != ld->nfields)
        rc = ragged_error(ld, len);
    return rc != STATUS_OK ? rc : store_row(ld);
}

static int read_error(const struct loader *ld, int errnum)
{
    if (errnum == ENOMEM)
        return nomem(ld);
    return errmsg_set(ld->err, STATUS_USAGE, "%s: cannot read: %s", ld->path,
                      strerror(errnum ? errnum : EIO));
}

static int read_lines(struct loader *ld, FILE *f)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int rc = STATUS_OK;
    errno = 0;
    while (rc == STATUS_OK && (len = getline(&line, &cap, f)) >= 0) {
        ld->line_no++;
        rc = handle_line(ld, line, (size_t)len);
        errno = 0;
    }
    if (rc == STATUS_OK && !feof(f)) /* getline failed: EISDIR, EIO, ENOMEM */
        rc = read_error(ld, errno);
    free(line);
    return rc;
}

static int no_rows_error(const struct loader *ld)
{
    if (ld->header_line != 0)
        return errmsg_set(ld->err, STATUS_USAGE,
                          "%s: no data rows (only the header on line %zu)",
                          ld->path, ld->header_line);
    return errmsg_set(ld->err, STATUS_USAGE, "%s: no data rows (empty file)",
                      ld->path);
}

int dataset_load_csv(const char *path, long label_column, struct dataset *out,
                    errmsg_t *err)
{
    *out = (struct dataset){0, 0, NULL, NULL};
    if (label_column < DATASET_NO_LABEL)
        return errmsg_set(err, STATUS_USAGE,
                          "%s: label column must be >= 0, or -1 for none "
                          "(got %ld)", path, label_column);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return errmsg_set(err, STATUS_USAGE, "%s: cannot read: %s", path,
                          strerror(errno));
    struct loader ld = {.path = path, .label_column = label_column,
                        .ds = out, .err = err};
    int rc = read_lines(&ld, f);
    fclose(f); /* read-only: nothing to lose */
    if (rc == STATUS_OK && out->n == 0)
        rc = no_rows_error(&ld);
    free(ld.fields);
    if (rc != STATUS_OK)
        dataset_free(out);
    return rc;
}

/* ---- writer ---- */

/* Create a new temporary file next to path; *tmp_out is malloc'ed. Returns
 * 0, or an errno value. */
static int open_temp(const char *path, char **tmp_out, FILE **f_out)
{
    const size_t size = strlen(path) + TEMP_SUFFIX_MAX;
    char *tmp = malloc(size);
    if (tmp == NULL)
        return ENOMEM;
    int errnum = EEXIST;
    for (int attempt = 0; attempt < TEMP_NAME_TRIES && errnum == EEXIST;
         attempt++) {
        snprintf(tmp, size, "%s.tmp.%ld.%d", path, (long)getpid(), attempt);
        const int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
                            NEW_FILE_MODE);
        if (fd < 0) {
            errnum = errno;
            continue;
        }
        *f_out = fdopen(fd, "w");
        if (*f_out != NULL) {
            *tmp_out = tmp;
            return 0;
        }
        errnum = errno;
        close(fd);
        unlink(tmp);
        break;
    }
    free(tmp);
    return errnum;
}

/* Returns false on a failed write (errno says why). */
static bool write_header(FILE *f, const struct dataset *ds)
{
    for (size_t j = 0; j < ds->d; j++)
        if (fprintf(f, "%sx%zu", j > 0 ? "," : "", j) < 0)
            return false;
    if (ds->labels != NULL && fputs(",label", f) == EOF)
        return false;
    return fputc('\n', f) != EOF;
}

static bool write_rows(FILE *f, const struct dataset *ds)
{
    for (size_t i = 0; i < ds->n; i++) {
        const double *row = ds->x + i * ds->d;
        for (size_t j = 0; j < ds->d; j++)
            if (fprintf(f, "%s%.17g", j > 0 ? "," : "", row[j]) < 0)
                return false;
        if (ds->labels != NULL && fprintf(f, ",%d", ds->labels[i]) < 0)
            return false;
        if (fputc('\n', f) == EOF)
            return false;
    }
    return true;
}

/* Write, flush and close f; returns 0 or an errno value. f is closed. */
static int write_and_close(FILE *f, const struct dataset *ds)
{
    errno = 0;
    bool ok = write_header(f, ds) && write_rows(f, ds) && fflush(f) == 0;
    int errnum = ok ? 0 : (errno ? errno : EIO);
    if (fclose(f) != 0 && errnum == 0)
        errnum = errno ? errno : EIO;
    return errnum;
}

int dataset_save_csv(const char *path, const struct dataset *ds, errmsg_t *err)
{
    if (ds->d == 0 || (ds->n > 0 && ds->x == NULL))
        return errmsg_set(err, STATUS_USAGE,
                          "%s: nothing to write: the data set has no features",
                          path);
    char *tmp = NULL;
    FILE *f = NULL;
    int errnum = open_temp(path, &tmp, &f);
    if (errnum == ENOMEM)
        return errmsg_set(err, STATUS_NOMEM, "%s: out of memory", path);
    if (errnum == 0) {
        errnum = write_and_close(f, ds);
        if (errnum == 0 && rename(tmp, path) != 0)
            errnum = errno;
        if (errnum != 0)
            unlink(tmp);
    }
    free(tmp);
    if (errnum != 0)
        return errmsg_set(err, STATUS_IO, "%s: cannot write: %s", path,
                          strerror(errnum));
    return STATUS_OK;
}
