/* csv: runs and summary tables; see csv.h. */
#include "study/record/csv.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "study/record/output.h"
#include "study/record/torn.h"

static const char RUNS_HEADER_1[] =
    "run_id,timestamp,host,workload,variant,schedule,size,ranks,threads,repeat,"
    "seconds,work,rate,checksum,verified";
static const char RUNS_HEADER_2[] =
    "run_id,timestamp,host,workload,variant,schedule,bind,places,size,ranks,"
    "threads,repeat,seconds,work,rate,checksum,verified";
static const char RUNS_HEADER[] =
    "run_id,timestamp,host,workload,variant,schedule,bind,places,size,ranks,"
    "threads,repeat,seconds,work,rate,checksum,verified,status";
static const char *const STATUS_NAMES[RUN_STATUS_COUNT] = {"ok", "failed", "timeout"};

const char *csv_runs_header(enum csv_schema schema)
{
    switch (schema) {
    case CSV_SCHEMA_1: return RUNS_HEADER_1;
    case CSV_SCHEMA_2: return RUNS_HEADER_2;
    default: return RUNS_HEADER;
    }
}

const char *csv_status_name(enum run_status s)
{
    return s >= 0 && s < RUN_STATUS_COUNT ? STATUS_NAMES[s] : "?";
}

int csv_field(char *dst, size_t cap, const char *value)
{
    bool quote = strpbrk(value, ",\"\r\n") != NULL;
    size_t k = 0;
    if (quote && k < cap)
        dst[k++] = '"';
    for (const char *p = value; *p != '\0'; p++) {
        if (*p == '"' && k < cap)
            dst[k++] = '"';
        if (k < cap)
            dst[k++] = *p;
    }
    if (quote && k < cap)
        dst[k++] = '"';
    if (k >= cap)
        return -1;
    dst[k] = '\0';
    return (int)k;
}

void csv_put_text(FILE *out, const char *text, bool first)
{
    char field[2 * CSV_PLACES_MAX + 3];
    fprintf(out, "%s%s", first ? "" : ",",
            csv_field(field, sizeof field, text) >= 0 ? field : "");
}

void csv_put_number(FILE *out, double v)
{
    if (isnan(v))
        fputs(",", out);
    else
        fprintf(out, ",%.9g", v);
}

/* Write all of buf with one write(2); a short write is an error. */
static int write_once(int fd, const char *buf, size_t len, const char *path,
                      errmsg_t *err)
{
    ssize_t w = write(fd, buf, len);
    if (w < 0 || (size_t)w != len)
        return errmsg_set(err, STATUS_IO, "%s: write failed: %s", path,
                          w < 0 ? strerror(errno) : "short write");
    return STATUS_OK;
}

/* The schema whose runs header `line` is, or 0. */
static int runs_header_schema(const char *line)
{
    for (int s = CSV_SCHEMA_1; s <= CSV_SCHEMA_CURRENT; s++)
        if (strcmp(line, csv_runs_header((enum csv_schema)s)) == 0)
            return s;
    return 0;
}

/* Compare the first line of the file open as `fd` with `header`, or for a
 * runs file (`schema` not NULL) with any schema's: *schema tells which.
 * It is read through the locked descriptor: opening the file again and
 * closing that would drop an fcntl lock (see filelock.h). */
static int check_header(int fd, const char *path, const char *header,
                        enum csv_schema *schema, errmsg_t *err)
{
    char line[CSV_HEADER_MAX];
    ssize_t n = pread(fd, line, sizeof line - 1, 0);
    if (n < 0)
        return errmsg_set(err, STATUS_IO, "%s: cannot read: %s", path, strerror(errno));
    line[n] = '\0';
    line[strcspn(line, "\r\n")] = '\0';
    int found = schema != NULL ? runs_header_schema(line) : 0;
    bool ok = found != 0 || strcmp(line, header) == 0;
    if (found != 0)
        *schema = (enum csv_schema)found;
    if (!ok)
        return errmsg_set(err, STATUS_USAGE, "%s:1: header is not ompsweep's "
                          "header for this file; refusing to append", path);
    return STATUS_OK;
}

/* Under the lock: write the header into an empty file (one made by another
 * program), else check it (*schema: the runs layout found). */
static int header_locked(struct runs_file *f, const char *header,
                         enum csv_schema *schema, errmsg_t *err)
{
    struct stat st;
    if (fstat(f->fd, &st) != 0)
        return errmsg_set(err, STATUS_IO, "%s: cannot stat: %s", f->path,
                          strerror(errno));
    if (st.st_size > 0)
        return check_header(f->fd, f->path, header, schema, err);
    char line[CSV_HEADER_MAX];
    snprintf(line, sizeof line, "%s\n", header);
    return write_once(f->fd, line, strlen(line), f->path, err);
}

/* A missing table is born with its header: written to a temporary file and
 * linked into place (atomic, on NFS too), so a process killed at any moment
 * never leaves an empty table for --resume to trip on. A table already there
 * (another job won the race: EEXIST) is fine, and any failure is left to the
 * open that follows, whose message names the table. */
static void create_with_header(const char *path, const char *header)
{
    char tmp[OUTPUT_PATH_MAX + OUTPUT_TMP_EXTRA], line[CSV_HEADER_MAX];
    struct stat st;
    if (lstat(path, &st) == 0 || errno != ENOENT ||
        output_tmp_path(tmp, sizeof tmp, path, NULL) != STATUS_OK)
        return;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0)
        return;
    int len = snprintf(line, sizeof line, "%s\n", header);
    bool ok = write(fd, line, (size_t)len) == len;
    ok = close(fd) == 0 && ok;
    if (ok)
        (void)link(tmp, path);
    unlink(tmp);
}

/* Whether rows may be appended to a runs file of `schema`: one of 0.1 only
 * when no row will fill bind or places. */
static int layout_fits(const struct runs_file *f, bool legacy_ok, errmsg_t *err)
{
    if (f->schema != CSV_SCHEMA_1 || legacy_ok)
        return STATUS_OK;
    return errmsg_set(err, STATUS_USAGE, "%s:1: written by ompsweep 0.1, without "
                      "the bind and places columns this study fills; write to "
                      "another --output directory (summarize and compare read "
                      "both layouts)", f->path);
}

/* Under the lock: a torn last line goes aside before anything is appended
 * (see torn.h). Where the file cannot be locked, a line without its newline
 * may be another job's row in flight: it is left alone. */
static bool whole_run(const char *line, void *ctx);

static int repair_locked(struct runs_file *f, errmsg_t *err)
{
    if (f->lock == FILELOCK_NONE)
        return STATUS_OK;
    return torn_repair(f->fd, f->path, f->runs ? whole_run : NULL, f, err);
}

/* Open for appending; under the lock, write `header` into an empty file,
 * else check it (runs files, `legacy_ok` not NULL: any schema, refused as
 * layout_fits says), then repair a torn last line. */
static int append_open(struct runs_file *f, const char *path, const char *header,
                       const bool *legacy_ok, errmsg_t *err)
{
    f->path = path;
    f->runs = legacy_ok != NULL;
    f->schema = CSV_SCHEMA_CURRENT;
    f->lock = FILELOCK_UNTRIED;
    output_remove_stale(path); /* a header's temporary of a killed writer */
    create_with_header(path, header);
    /* Read and write: the header is checked through this descriptor. */
    f->fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (f->fd < 0)
        return errmsg_set(err, STATUS_IO, "%s: cannot open for appending: %s",
                          path, strerror(errno));
    int rc = csv_runs_lock(f, err);
    if (rc == STATUS_OK) {
        rc = header_locked(f, header, legacy_ok != NULL ? &f->schema : NULL, err);
        if (rc == STATUS_OK && legacy_ok != NULL)
            rc = layout_fits(f, *legacy_ok, err);
        if (rc == STATUS_OK)
            rc = repair_locked(f, err);
        csv_runs_unlock(f);
    }
    if (rc != STATUS_OK) {
        close(f->fd);
        f->fd = -1;
    }
    return rc;
}

int csv_append_open(struct runs_file *f, const char *path, const char *header,
                    errmsg_t *err)
{
    return append_open(f, path, header, NULL, err);
}

int csv_runs_lock(struct runs_file *f, errmsg_t *err)
{
    return filelock_acquire(f->fd, &f->lock, f->path, err);
}

void csv_runs_unlock(struct runs_file *f)
{
    filelock_release(f->fd, f->lock);
}

/* One write(2) under the lock: on NFS the lock also makes the client take
 * the current end of file and flush the row before the next node appends. */
static int append_locked(struct runs_file *f, const char *buf, size_t len,
                         errmsg_t *err)
{
    int rc = csv_runs_lock(f, err);
    if (rc != STATUS_OK)
        return rc;
    rc = repair_locked(f, err);
    if (rc == STATUS_OK)
        rc = write_once(f->fd, buf, len, f->path, err);
    csv_runs_unlock(f);
    return rc;
}

int csv_append_line(struct runs_file *f, const char *line, errmsg_t *err)
{
    return append_locked(f, line, strlen(line), err);
}

int csv_runs_open(struct runs_file *f, const char *path, bool legacy_ok,
                  errmsg_t *err)
{
    return append_open(f, path, RUNS_HEADER, &legacy_ok, err);
}

/* The quoted text fields of a row, up to and including size. */
struct run_fields {
    char id[2 * CSV_ID_MAX + 3], host[2 * CSV_ID_MAX + 3];
    char variant[2 * CSV_KEY_MAX + 3], schedule[2 * CSV_KEY_MAX + 3];
    char bind[2 * CSV_KEY_MAX + 3], places[2 * CSV_PLACES_MAX + 3];
    char size[2 * CSV_KEY_MAX + 3];
};

static bool quote_fields(const struct run_row *r, struct run_fields *q)
{
    return csv_field(q->id, sizeof q->id, r->run_id) >= 0 &&
           csv_field(q->host, sizeof q->host, r->host) >= 0 &&
           csv_field(q->variant, sizeof q->variant, r->variant) >= 0 &&
           csv_field(q->schedule, sizeof q->schedule, r->schedule) >= 0 &&
           csv_field(q->bind, sizeof q->bind, r->bind) >= 0 &&
           csv_field(q->places, sizeof q->places, r->places) >= 0 &&
           csv_field(q->size, sizeof q->size, r->size) >= 0;
}

static int format_run(char *buf, size_t cap, const struct run_row *r,
                      enum csv_schema schema)
{
    struct run_fields q;
    char dims[sizeof q.schedule + sizeof q.bind + sizeof q.places], end[32];
    if (!quote_fields(r, &q))
        return -1;
    if (schema == CSV_SCHEMA_1)
        snprintf(dims, sizeof dims, "%s", q.schedule);
    else
        snprintf(dims, sizeof dims, "%s,%s,%s", q.schedule, q.bind, q.places);
    /* Older layouts say "not verified" for a run that did not complete, as
     * 0.1 and 0.2 did; it reads back as RUN_STATUS_FAILED. */
    bool verified = r->verified && r->status == RUN_STATUS_OK;
    snprintf(end, sizeof end, "%s%s%s", verified ? "true" : "false",
             schema == CSV_SCHEMA_3 ? "," : "",
             schema == CSV_SCHEMA_3 ? csv_status_name(r->status) : "");
    return snprintf(buf, cap,
                    "%s,%s,%s,%s,%s,%s,%s,%d,%d,%d,%.9g,%" PRIu64 ",%.9g,0x%016" PRIx64 ",%s\n",
                    q.id, r->timestamp, q.host, r->workload, q.variant, dims,
                    q.size, r->ranks, r->threads, r->repeat, r->seconds, r->work, r->rate,
                    r->checksum, end);
}

int csv_runs_append(struct runs_file *f, const struct run_row *row, errmsg_t *err)
{
    char buf[CSV_ROW_MAX];
    int len = format_run(buf, sizeof buf, row, f->schema);
    if (len < 0 || (size_t)len >= sizeof buf)
        return errmsg_set(err, STATUS_IO, "%s: row too long", f->path);
    return append_locked(f, buf, (size_t)len, err);
}

int csv_runs_close(struct runs_file *f, errmsg_t *err)
{
    if (f->fd < 0)
        return STATUS_OK;
    int rc = close(f->fd);
    f->fd = -1;
    if (rc != 0)
        return errmsg_set(err, STATUS_IO, "%s: close failed: %s", f->path,
                          strerror(errno));
    return STATUS_OK;
}

/* Reading ---------------------------------------------------------------- */

enum { READ_FIELDS_MAX = 32, READ_RECORD_MAX = 4096 };

struct cursor {
    const char *p, *end;
    size_t line;      /* physical line where the current record starts */
    size_t next_line; /* ... and where the next one starts */
};

/* Decode one RFC 4180 record into NUL-separated fields in `scratch`.
 * Returns the field count, 0 at end of input, -1 when malformed. */
static int next_record(struct cursor *c, char *scratch, char **fields)
{
    if (c->p >= c->end)
        return 0;
    size_t k = 0;
    int n = 0;
    fields[n++] = scratch;
    bool quoted = false;
    c->line = c->next_line;
    for (; c->p < c->end; c->p++) {
        char ch = *c->p;
        if (k + 2 >= READ_RECORD_MAX)
            return -1;
        if (quoted) {
            if (ch == '"' && c->p + 1 < c->end && c->p[1] == '"')
                scratch[k++] = '"', c->p++;
            else if (ch == '"')
                quoted = false;
            else
                scratch[k++] = ch;
            c->next_line += ch == '\n'; /* a line break inside a value */
        } else if (ch == '"') {
            quoted = true;
        } else if (ch == ',') {
            if (n == READ_FIELDS_MAX)
                return -1;
            scratch[k++] = '\0';
            fields[n++] = scratch + k;
        } else if (ch == '\n') {
            c->p++;
            c->next_line++;
            break;
        } else if (ch != '\r') {
            scratch[k++] = ch;
        }
    }
    scratch[k] = '\0';
    return quoted ? -1 : n;
}

static bool parse_u64(const char *s, int base, uint64_t *out)
{
    char *end;
    errno = 0;
    if (*s == '\0' || *s == '-')
        return false;
    *out = strtoull(s, &end, base);
    return *end == '\0' && errno == 0;
}

static bool parse_int_field(const char *s, int *out)
{
    uint64_t v;
    if (!parse_u64(s, 10, &v) || v > INT32_MAX)
        return false;
    *out = (int)v;
    return true;
}

static bool parse_double_field(const char *s, double *out)
{
    char *end;
    *out = strtod(s, &end);
    return *s != '\0' && *end == '\0' && isfinite(*out);
}

static bool copy_text(char *dst, size_t cap, const char *src)
{
    return (size_t)snprintf(dst, cap, "%s", src) < cap;
}

/* Columns of the current schema; schema 1 lacks RUN_BIND and RUN_PLACES,
 * schemas 1 and 2 lack RUN_STATUS. */
enum run_column {
    RUN_ID, RUN_TIMESTAMP, RUN_HOST, RUN_WORKLOAD, RUN_VARIANT, RUN_SCHEDULE,
    RUN_BIND, RUN_PLACES, RUN_SIZE, RUN_RANKS, RUN_THREADS, RUN_REPEAT,
    RUN_SECONDS, RUN_WORK, RUN_RATE, RUN_CHECKSUM, RUN_VERIFIED, RUN_STATUS
};

static int parse_text_fields(char **f, struct run_row *r)
{
    if (!copy_text(r->run_id, sizeof r->run_id, f[RUN_ID])) return RUN_ID;
    if (!copy_text(r->timestamp, sizeof r->timestamp, f[RUN_TIMESTAMP])) return RUN_TIMESTAMP;
    if (!copy_text(r->host, sizeof r->host, f[RUN_HOST])) return RUN_HOST;
    if (!copy_text(r->workload, sizeof r->workload, f[RUN_WORKLOAD]) || !*f[RUN_WORKLOAD])
        return RUN_WORKLOAD;
    if (!copy_text(r->variant, sizeof r->variant, f[RUN_VARIANT])) return RUN_VARIANT;
    if (!copy_text(r->schedule, sizeof r->schedule, f[RUN_SCHEDULE])) return RUN_SCHEDULE;
    if (!copy_text(r->bind, sizeof r->bind, f[RUN_BIND])) return RUN_BIND;
    if (!copy_text(r->places, sizeof r->places, f[RUN_PLACES])) return RUN_PLACES;
    if (!copy_text(r->size, sizeof r->size, f[RUN_SIZE])) return RUN_SIZE;
    return -1;
}

/* The status column, or for a layout without one (`f` NULL) the status
 * its verified column implies (see enum run_status). */
static bool parse_status(const char *f, struct run_row *r)
{
    if (f == NULL) {
        r->status = r->verified ? RUN_STATUS_OK : RUN_STATUS_FAILED;
        return true;
    }
    for (int s = 0; s < RUN_STATUS_COUNT; s++)
        if (strcmp(f, STATUS_NAMES[s]) == 0) {
            r->status = (enum run_status)s;
            return true;
        }
    return false;
}

/* One data record in the current schema's column order -> run_row (f[i]
 * NULL for a column the file's layout lacks); the column of the first bad
 * value, or -1. */
static int parse_run(char **f, struct run_row *r)
{
    int bad = parse_text_fields(f, r);
    if (bad >= 0) return bad;
    if (!parse_int_field(f[RUN_RANKS], &r->ranks) || r->ranks < 1) return RUN_RANKS;
    if (!parse_int_field(f[RUN_THREADS], &r->threads) || r->threads < 1) return RUN_THREADS;
    if (!parse_int_field(f[RUN_REPEAT], &r->repeat)) return RUN_REPEAT;
    if (!parse_double_field(f[RUN_SECONDS], &r->seconds) || r->seconds < 0)
        return RUN_SECONDS;
    if (!parse_u64(f[RUN_WORK], 10, &r->work)) return RUN_WORK;
    if (!parse_double_field(f[RUN_RATE], &r->rate)) return RUN_RATE;
    const char *sum = f[RUN_CHECKSUM];
    if (strncmp(sum, "0x", 2) != 0 || !parse_u64(sum + 2, 16, &r->checksum))
        return RUN_CHECKSUM;
    const char *ok = f[RUN_VERIFIED];
    if (strcmp(ok, "true") != 0 && strcmp(ok, "false") != 0) return RUN_VERIFIED;
    r->verified = strcmp(ok, "true") == 0;
    return parse_status(f[RUN_STATUS], r) ? -1 : RUN_STATUS;
}

/* A record of an older layout seen through the current column order:
 * bind and places of schema 1 read as empty, the missing status as NULL. */
static void widen(int schema, char **f, char **out, char *empty)
{
    for (int i = 0, j = 0; i < CSV_RUNS_COLUMNS; i++)
        if (i == RUN_STATUS)
            out[i] = schema == CSV_SCHEMA_3 ? f[j++] : NULL;
        else
            out[i] = schema == CSV_SCHEMA_1 && (i == RUN_BIND || i == RUN_PLACES)
                         ? empty : f[j++];
}

/* Fields of a record in `schema`. */
static int schema_columns(int schema)
{
    return schema == CSV_SCHEMA_1   ? CSV_RUNS_COLUMNS_1
           : schema == CSV_SCHEMA_2 ? CSV_RUNS_COLUMNS_2
                                    : CSV_RUNS_COLUMNS;
}

/* Name of runs column i (0-based) of the current schema. */
static const char *header_name(int i)
{
    static const char *const names[CSV_RUNS_COLUMNS] = {
        "run_id", "timestamp", "host", "workload", "variant", "schedule", "bind",
        "places", "size", "ranks", "threads", "repeat", "seconds", "work", "rate",
        "checksum", "verified", "status"};
    return names[i];
}

/* The schema a header names, or 0 when it is not a runs header. */
static int header_schema(char **f, int n)
{
    char line[CSV_HEADER_MAX];
    size_t len = 0;
    for (int i = 0; i < n && len < sizeof line; i++)
        len += (size_t)snprintf(line + len, sizeof line - len, "%s%s", i ? "," : "", f[i]);
    return len < sizeof line ? runs_header_schema(line) : 0;
}

static int parse_record(const char *path, const struct cursor *c, char **f,
                        int n, int schema, struct run_row *row, errmsg_t *err)
{
    int want = schema_columns(schema);
    if (n != want)
        return errmsg_set(err, STATUS_USAGE, "%s:%zu: expected %d fields, "
                          "found %d", path, c->line, want, n);
    char empty[1] = "", *cols[CSV_RUNS_COLUMNS];
    widen(schema, f, cols, empty);
    int bad = parse_run(cols, row);
    if (bad < 0)
        return STATUS_OK;
    /* the 1-based position in the file's own layout */
    int pos = schema == CSV_SCHEMA_1 && bad > RUN_PLACES ? bad - 2 : bad;
    return errmsg_set(err, STATUS_USAGE, "%s:%zu:%d: bad %s value '%.40s'",
                      path, c->line, pos + 1, header_name(bad), cols[bad]);
}

/* torn_whole_fn of a runs file: `line` parses as a row of its layout. Its
 * last column (status, or verified) cannot be cut short and still parse. */
static bool whole_run(const char *line, void *ctx)
{
    const struct runs_file *f = ctx;
    char scratch[READ_RECORD_MAX], *fields[READ_FIELDS_MAX];
    size_t len = strlen(line);
    struct cursor c = {line, line + len, 0, 0};
    struct run_row row;
    errmsg_t ignored;
    if (len + 2 >= READ_RECORD_MAX)
        return false;
    int n = next_record(&c, scratch, fields);
    return n > 0 && c.p == c.end &&
           parse_record(f->path, &c, fields, n, (int)f->schema, &row, &ignored) == STATUS_OK;
}

/* A file read one record at a time: a record is one line, or several when
 * a quoted value holds a line break. Memory stays that of one record. */
struct reader {
    FILE *in;
    const char *path;
    char *line;       /* getline's buffer */
    size_t line_cap;
    char record[2 * READ_RECORD_MAX];
    size_t next_line; /* physical line number of the next line read */
    bool unterminated; /* the last record read ran into the end of the file */
};

/* The next record into r->record (without its final newline): 1, or 0 at
 * the end, -1 on a read error. *start: the record's first line. A record
 * that outgrows the buffer is cut: the parser then reports it as too long. */
static int reader_next(struct reader *r, size_t *start)
{
    size_t len = 0;
    bool quoted = false;
    *start = r->next_line;
    r->unterminated = false;
    for (;;) {
        errno = 0;
        ssize_t n = getline(&r->line, &r->line_cap, r->in);
        /* the file ends without a newline: where a torn row would be */
        r->unterminated = n > 0 ? r->line[n - 1] != '\n' : r->unterminated;
        if (n < 0)
            return errno != 0 && errno != EINVAL ? -1 : len > 0 || quoted;
        r->next_line++;
        for (ssize_t i = 0; i < n; i++)
            quoted ^= r->line[i] == '"';
        size_t take = (size_t)n < sizeof r->record - 1 - len ? (size_t)n
                                                             : sizeof r->record - 1 - len;
        memcpy(r->record + len, r->line, take);
        len += take;
        r->record[len] = '\0';
        if (!quoted)
            break;
    }
    if (len > 0 && r->record[len - 1] == '\n')
        r->record[--len] = '\0';
    return 1;
}

/* Split the record in r->record; the field count as next_record. */
static int reader_fields(struct reader *r, size_t start, char *scratch, char **f)
{
    size_t len = strlen(r->record);
    struct cursor c = {r->record, r->record + len, 0, start};
    if (len > 0)
        return next_record(&c, scratch, f);
    scratch[0] = '\0'; /* a blank line: one empty field */
    f[0] = scratch;
    return 1;
}

static int reader_open(struct reader *r, const char *path, errmsg_t *err)
{
    memset(r, 0, sizeof *r);
    r->path = path;
    r->next_line = 1;
    r->in = fopen(path, "rb");
    struct stat st;
    if (r->in == NULL || fstat(fileno(r->in), &st) != 0 || S_ISDIR(st.st_mode)) {
        int e = r->in == NULL ? errno : EISDIR;
        if (r->in != NULL)
            fclose(r->in);
        return errmsg_set(err, STATUS_USAGE, "%s: cannot read: %s", path, strerror(e));
    }
    return STATUS_OK;
}

static void reader_close(struct reader *r)
{
    fclose(r->in);
    free(r->line);
}

/* An unreadable last record without its newline is a torn row (a writer
 * killed or out of space) or one being written right now: it is left out,
 * with a warning, and the next append moves it aside (torn.h). */
static void leave_out_torn(const char *path, size_t line)
{
    char text[TORN_WARNING_TEXT];
    if (snprintf(text, sizeof text, "%s:%zu: the last line is incomplete (no "
                 "newline: a writer killed, out of space or still writing); left "
                 "out", path, line) < 0)
        return;
    torn_keep_warning(text);
}

/* Check the header; the file's schema in *schema. */
static int read_header(struct reader *r, int *schema, errmsg_t *err)
{
    char scratch[READ_RECORD_MAX], *f[READ_FIELDS_MAX];
    size_t start;
    int got = reader_next(r, &start);
    int n = got == 1 ? reader_fields(r, start, scratch, f) : 0;
    *schema = n > 0 ? header_schema(f, n) : 0;
    if (*schema == 0)
        return errmsg_set(err, STATUS_USAGE, "%s:1: not an ompsweep runs file "
                          "(expected header '%s')", r->path, RUNS_HEADER);
    return STATUS_OK;
}

int csv_runs_each(const char *path, csv_row_fn fn, void *ctx, errmsg_t *err)
{
    struct reader *r = malloc(sizeof *r);
    if (r == NULL)
        return errmsg_set(err, STATUS_NOMEM, "%s: out of memory", path);
    int schema, rc = reader_open(r, path, err);
    if (rc != STATUS_OK) {
        free(r);
        return rc;
    }
    char scratch[READ_RECORD_MAX], *f[READ_FIELDS_MAX];
    struct run_row row;
    size_t start;
    int got;
    rc = read_header(r, &schema, err);
    while (rc == STATUS_OK && (got = reader_next(r, &start)) == 1) {
        int n = reader_fields(r, start, scratch, f);
        struct cursor c = {NULL, NULL, start, start};
        if (n == 1 && f[0][0] == '\0')
            continue; /* blank line */
        if (n < 0)
            rc = errmsg_set(err, STATUS_USAGE, "%s:%zu: unterminated quote or a "
                            "record longer than %d bytes", path, start, READ_RECORD_MAX);
        else
            rc = parse_record(path, &c, f, n, schema, &row, err);
        if (rc == STATUS_USAGE && r->unterminated) {
            leave_out_torn(path, start); /* a writer killed, or still writing */
            rc = STATUS_OK;
        } else if (rc == STATUS_OK) {
            rc = fn(ctx, &row, err);
        }
    }
    if (rc == STATUS_OK && got < 0)
        rc = errmsg_set(err, STATUS_IO, "%s: read error: %s", path, strerror(errno));
    reader_close(r);
    free(r);
    return rc;
}

/* The header line of the file open in r is `header`. */
static bool header_is(struct reader *r, const char *header)
{
    size_t start;
    if (reader_next(r, &start) != 1)
        return false;
    r->record[strcspn(r->record, "\r")] = '\0';
    return strcmp(r->record, header) == 0;
}

int csv_records_each(const char *path, const char *header, csv_record_fn fn, void *ctx,
                     errmsg_t *err)
{
    struct reader *r = malloc(sizeof *r);
    char *scratch = malloc(READ_RECORD_MAX), *f[READ_FIELDS_MAX];
    int rc = r == NULL || scratch == NULL ? errmsg_set(err, STATUS_NOMEM, "%s: out of "
                                                       "memory", path)
                                          : reader_open(r, path, err);
    if (rc != STATUS_OK) {
        free(r), free(scratch);
        return rc;
    }
    if (!header_is(r, header))
        rc = errmsg_set(err, STATUS_USAGE, "%s:1: not this table of ompsweep (expected "
                        "header '%.200s')", path, header);
    size_t start;
    int got = 0;
    while (rc == STATUS_OK && (got = reader_next(r, &start)) == 1) {
        int n = reader_fields(r, start, scratch, f);
        if (n == 1 && f[0][0] == '\0')
            continue; /* blank line */
        rc = n < 0 ? errmsg_set(err, STATUS_USAGE, "%s:%zu: unterminated quote or a "
                                "record longer than %d bytes", path, start, READ_RECORD_MAX)
                   : fn(ctx, f, n, start, err);
    }
    if (rc == STATUS_OK && got < 0)
        rc = errmsg_set(err, STATUS_IO, "%s: read error: %s", path, strerror(errno));
    reader_close(r);
    free(r), free(scratch);
    return rc;
}

/* csv_runs_read's collector: rows into a growing array. */
struct row_array {
    struct run_row *rows;
    size_t n, cap;
    const char *path;
};

static int collect_row(void *ctx, const struct run_row *row, errmsg_t *err)
{
    struct row_array *a = ctx;
    if (a->n == a->cap) {
        size_t cap = a->cap ? 2 * a->cap : 64;
        struct run_row *grown = realloc(a->rows, cap * sizeof *grown);
        if (grown == NULL)
            return errmsg_set(err, STATUS_NOMEM, "%s: out of memory", a->path);
        a->rows = grown;
        a->cap = cap;
    }
    a->rows[a->n++] = *row;
    return STATUS_OK;
}

int csv_runs_read(const char *path, struct run_row **rows, size_t *count,
                  errmsg_t *err)
{
    struct row_array a = {NULL, 0, 0, path};
    int rc = csv_runs_each(path, collect_row, &a, err);
    if (rc != STATUS_OK) {
        free(a.rows);
        a.rows = NULL;
        a.n = 0;
    } else if (a.rows == NULL && (a.rows = malloc(sizeof *a.rows)) == NULL) {
        rc = errmsg_set(err, STATUS_NOMEM, "%s: out of memory", path);
    }
    *rows = a.rows;
    *count = a.n;
    return rc;
}
