/* csv: the runs table (append-only, one write(2) per row under an exclusive
 * lock, see filelock.h), the summary table
 * (rewritten atomically) and a reader for runs files. All files are RFC 4180:
 * header row, '.' decimal point, fields holding a comma or quote are quoted.
 * Every append first repairs a torn last line (see csv_append_line). */
#ifndef OMPSWEEP_STUDY_RECORD_CSV_H
#define OMPSWEEP_STUDY_RECORD_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "study/record/filelock.h"
#include "base/status.h"

/* runs.csv layouts. Schema 1 (0.1): run_id,timestamp,host,workload,variant,
 * schedule,size,ranks,threads,repeat,seconds,work,rate,checksum,verified.
 * Schema 2 (0.2) adds bind,places after schedule; schema 3 (0.3) adds
 * status at the end. All are read; rows of schema 1 read with empty bind
 * and places, rows of schemas 1 and 2 with the status their verified
 * column implies (see enum run_status). */
enum csv_schema {
    CSV_SCHEMA_1 = 1, CSV_SCHEMA_2 = 2, CSV_SCHEMA_3 = 3,
    CSV_SCHEMA_CURRENT = CSV_SCHEMA_3
};

enum {
    CSV_RUNS_COLUMNS_1 = 15,
    CSV_RUNS_COLUMNS_2 = 17,
    CSV_RUNS_COLUMNS = 18,
    CSV_ID_MAX = 96,   /* run_id, host */
    CSV_PLACES_MAX = 256, /* an explicit OMP_PLACES list */
    CSV_KEY_MAX = 48,  /* workload, variant, schedule, size, timestamp */
    CSV_ROW_MAX = 1024,   /* one formatted runs row */
    CSV_HEADER_MAX = 1024 /* longest header line */
};

/* How a timed run ended: the status column (schema 3). Whoever makes a
 * row sets it: the sweep from the workload's outcome hook and
 * workload_result.status (exec tells a timeout from a failure there).
 * A run cut short by SIGINT/SIGTERM gets no row at all: it measured
 * nothing, and --resume measures its cell again.
 * - RUN_STATUS_OK: the run went to its end; seconds is a measurement and
 *   verified says whether its result was right (a wrong result is a
 *   result: it is kept and counted, and --resume does not measure it again).
 * - RUN_STATUS_FAILED: it did not complete (exec: a non-zero exit, a
 *   signal, no match for --result/--time/--work); verified is false.
 * - RUN_STATUS_TIMEOUT: exec's --timeout stopped it; verified is false.
 * Readers (summary, compare, resume) never use the time of a run that did
 * not complete; such a run leaves its group unverified until a run of the
 * same cell (run id, block, ranks, threads, repeat) completes: --resume
 * measures that cell again, and the failed row stays in the file for the
 * record (see study/analyze/cells.h). Rows of schemas 1 and 2 carry no status:
 * they read as RUN_STATUS_OK when verified, else RUN_STATUS_FAILED, since
 * 0.1 and 0.2 recorded a failed run as verified=false and their --resume
 * measured every unverified cell again. */
enum run_status {
    RUN_STATUS_OK = 0,
    RUN_STATUS_FAILED,
    RUN_STATUS_TIMEOUT,
    RUN_STATUS_COUNT
};

/* The status column's word for s: "ok", "failed", "timeout". */
const char *csv_status_name(enum run_status s);

/* One timed run: a row of runs.csv. */
struct run_row {
    char run_id[CSV_ID_MAX];
    char timestamp[CSV_KEY_MAX]; /* ISO 8601 UTC */
    char host[CSV_ID_MAX];
    char workload[CSV_KEY_MAX];
    char variant[CSV_KEY_MAX];
    char schedule[CSV_KEY_MAX];
    char bind[CSV_KEY_MAX];      /* OMP_PROC_BIND in force, "" when unset */
    char places[CSV_PLACES_MAX]; /* OMP_PLACES in force, "" when unset */
    char size[CSV_KEY_MAX];
    int ranks;   /* MPI processes; 1 without MPI */
    int threads; /* OpenMP threads per rank */
    int repeat;
    double seconds;
    uint64_t work;
    double rate;
    uint64_t checksum;
    bool verified;
    enum run_status status; /* how the run ended; RUN_STATUS_OK when zeroed */
};

/* An open append-only table (runs.csv, elbow.csv), O_APPEND. */
struct runs_file {
    int fd;
    const char *path;
    enum csv_schema schema; /* the layout rows are appended in */
    bool runs;              /* a runs file (csv_runs_open), not another table */
    enum filelock_kind lock; /* how it locks, found at open */
};

/* The header line of runs.csv in a schema, without the newline. */
const char *csv_runs_header(enum csv_schema schema);

/* Open `path` for appending, creating it with the current header if missing
 * or empty. A file of schema 2 is continued in that layout (a row that did
 * not complete is written verified=false, as 0.2 wrote it, and reads back
 * as RUN_STATUS_FAILED: a timeout is then recorded as a failure). A file of
 * schema 1 is continued in its layout when
 * `legacy_ok` (no row will carry bind or places), else refused with
 * STATUS_USAGE and a line saying what to do; a file with any other header is
 * refused (STATUS_USAGE) and left untouched; other failures return
 * STATUS_IO. The header check and write run under the file's lock, so
 * concurrent processes write exactly one header. A file system without
 * locks is no error (see filelock_unlocked). */
int csv_runs_open(struct runs_file *f, const char *path, bool legacy_ok,
                  errmsg_t *err);

/* The same for any append-only table with the given header (elbow.csv). */
int csv_append_open(struct runs_file *f, const char *path, const char *header,
                    errmsg_t *err);

/* Append one complete line (ending in '\n') with a single write(2), under
 * the lock. Before any append, and at open, a table whose last line has no
 * newline (a writer killed, or out of space, in mid-row) is repaired under
 * the lock by torn_repair (see torn.h), so that a new row is never glued
 * onto a torn one; a repair that cannot be made fails the append with
 * STATUS_IO and the command that makes it by hand. */
int csv_append_line(struct runs_file *f, const char *line, errmsg_t *err);

/* Append one row with a single write(2) under the lock, so concurrent
 * appenders, on NFS too, never interleave or overwrite each other's rows and
 * a signal never splits a row (a short write, when the disk fills up, is
 * STATUS_IO, and the next append repairs the torn row it left). The row is
 * written in the file's layout (f->schema). */
int csv_runs_append(struct runs_file *f, const struct run_row *row,
                    errmsg_t *err);

/* Hold the table's lock around other work that concurrent jobs sharing the
 * directory must not interleave (the metadata.json update); STATUS_IO as
 * filelock_acquire. Nothing else may open and close the table meanwhile. */
int csv_runs_lock(struct runs_file *f, errmsg_t *err);
void csv_runs_unlock(struct runs_file *f);

/* Close; reports a failed close as STATUS_IO. */
int csv_runs_close(struct runs_file *f, errmsg_t *err);

/* Called with each row of a runs file, in file order; a status other than
 * STATUS_OK stops the reading and is returned. */
typedef int (*csv_row_fn)(void *ctx, const struct run_row *row, errmsg_t *err);

/* Stream the rows of a runs file of any schema through fn, one record
 * in memory at a time. Malformed files give STATUS_USAGE with
 * "FILE:LINE[:COLUMN]: reason" (LINE physical, also after quoted line
 * breaks); a read error STATUS_IO. A malformed last record at the very end
 * of the file without a newline (a torn row: a writer killed, out of
 * space, or writing right now) is left out instead, with a warning for
 * torn_next_warning (torn.h); a study appending there repairs it. */
int csv_runs_each(const char *path, csv_row_fn fn, void *ctx, errmsg_t *err);

/* Called with each data record of a CSV file: its n fields and the
 * physical line where it starts. */
typedef int (*csv_record_fn)(void *ctx, char **fields, int n, size_t line,
                             errmsg_t *err);

/* Stream the records of a CSV file whose header line is `header` (other
 * tables: metrics.csv) through fn, one record in memory at a time; blank
 * lines are skipped. STATUS_USAGE "FILE:1: ..." for another header,
 * "FILE:LINE: ..." for a malformed record; STATUS_IO for a read error. */
int csv_records_each(const char *path, const char *header, csv_record_fn fn, void *ctx,
                     errmsg_t *err);

/* Read every row of a runs file of any schema into a new array (caller
 * frees *rows), as csv_runs_each. */
int csv_runs_read(const char *path, struct run_row **rows, size_t *count,
                  errmsg_t *err);

/* Copy `value` into dst as one CSV field, quoted when needed. Returns the
 * length written, or -1 if it does not fit. */
int csv_field(char *dst, size_t cap, const char *value);

/* Write `text` as one field (after a comma unless `first`), quoted when
 * needed; and a number with 9 significant digits after a comma, an empty
 * cell for NAN (pandas and R read it as missing). For tables written with
 * stdio and committed atomically. */
void csv_put_text(FILE *out, const char *text, bool first);
void csv_put_number(FILE *out, double v);

#endif
