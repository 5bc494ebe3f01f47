/* torn: the repair of an append-only table (runs.csv, elbow.csv, any table
 * csv_append_line writes) whose last line has no newline: the trace of a
 * writer that was killed or ran out of space in mid-row. Appending after it
 * would glue the next row onto the torn one, and every reader would refuse
 * the file from then on. */
#ifndef OMPSWEEP_STUDY_RECORD_TORN_H
#define OMPSWEEP_STUDY_RECORD_TORN_H

#include <stdbool.h>

#include "base/status.h"

enum { TORN_WARNING_TEXT = 256 };

/* Whether `line` (NUL-terminated, without a newline) is a whole record of
 * the table, for tables whose last column cannot be cut short and still
 * look whole (runs.csv: its status or verified word). */
typedef bool (*torn_whole_fn)(const char *line, void *ctx);

/* With the table `path` open as `fd` (read and write) and locked
 * exclusively: when its last byte is not a newline, the bytes after its
 * last complete record (a newline outside quotes) are
 * - a whole record that lacks only its newline (as `whole` says; never
 *   without it): the newline is added;
 * - else a torn record: copied to "PATH.torn-YYYYmmddTHHMMSSZ-PID",
 *   synced, then cut from the table, which keeps every complete record.
 * A table that is one line without its newline (the header) gets the
 * newline. Nothing is changed when the copy cannot be made (the disk is
 * still full) or when the quotes before the torn line do not balance (the
 * file is damaged further up): STATUS_IO with what to do by hand.
 * STATUS_OK otherwise; a repair leaves a warning for torn_next_warning. */
int torn_repair(int fd, const char *path, torn_whole_fn whole, void *ctx,
                errmsg_t *err);

/* Keep a warning about a torn line for torn_next_warning (a reader that
 * left one out). */
void torn_keep_warning(const char *text);

/* The next repair warning not yet taken, or NULL: "PATH: the last line was
 * torn (...); moved to NAME". Valid until the next call. The harness
 * reports it (warnings_add); only rank 0's appending thread repairs, so
 * the list needs no lock. */
const char *torn_next_warning(void);

#endif
