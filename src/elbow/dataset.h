/* dataset: a numeric data set in memory, its CSV loader (--data) and writer
 * (--save-data).
 *
 * Input format: comma-separated numbers, one row per line, any line length.
 * - Optional header: when the first non-blank line has a field that is not a
 *   number it is a header and skipped. (So a first data row with a typo in it
 *   is taken for a header; the rows after it are still checked.)
 * - Blank lines (empty or spaces/tabs only) are skipped anywhere; CRLF line
 *   ends, spaces/tabs around fields and a UTF-8 byte-order mark are accepted.
 * - Every data row has the field count of the first data row. No quoting.
 * - Values: strtod syntax, the whole field consumed, finite: "nan", "inf"
 *   and values that overflow (1e999) are rejected. Labels: decimal integers
 *   that fit an int.
 *
 * Errors are STATUS_USAGE with one line "FILE:LINE:COLUMN: what is wrong",
 * where LINE is the 1-based physical line and COLUMN the 1-based byte column
 * of the offending field's first non-blank character (the column an editor
 * jumps to; the message also names the 1-based field number). Whole-file
 * errors have no position: "FILE: cannot read: reason", "FILE: no data rows
 * ...". */
#ifndef OMPSWEEP_ELBOW_DATASET_H
#define OMPSWEEP_ELBOW_DATASET_H

#include <stddef.h>

#include "base/status.h"

#define DATASET_NO_LABEL (-1L) /* label_column value: no label column */

struct dataset {
    size_t n, d;  /* rows, features */
    double *x;    /* n x d, row-major */
    int *labels;  /* n labels; NULL when the data has none */
};

/* Read a CSV file into *out (overwritten; free it with dataset_free).
 * label_column is the 0-based column holding integer labels, or
 * DATASET_NO_LABEL; the other columns, in order, are the features. Returns
 * STATUS_OK; STATUS_USAGE for an unreadable or malformed file or a label
 * column out of range; STATUS_NOMEM. On failure *out is empty. */
int dataset_load_csv(const char *path, long label_column, struct dataset *out,
                     errmsg_t *err);

/* Write ds as CSV: header "x0,...,x{d-1}" (plus ",label" when ds->labels is
 * set), values with %.17g so that loading gives back the same doubles. The
 * rows go to a temporary file in the same directory that is renamed over
 * path only when complete, so path never holds a partial file. Returns
 * STATUS_OK, STATUS_USAGE (d == 0), STATUS_NOMEM, or STATUS_IO ("PATH:
 * cannot write: reason") with the temporary file removed. */
int dataset_save_csv(const char *path, const struct dataset *ds, errmsg_t *err);

/* Free the arrays and reset *ds to empty; safe on an empty dataset. */
void dataset_free(struct dataset *ds);

#endif
