/* exec_reference: the result text of a study's first run, which every
 * later run of the same workload instance must reproduce (as written, or
 * with --result-tolerance number by number), and the message naming the
 * first value that differs. */
#ifndef OMPSWEEP_EXEC_EXEC_REFERENCE_H
#define OMPSWEEP_EXEC_EXEC_REFERENCE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/status.h"
#include "exec/exec_match.h"

enum { EXEC_CELL_TEXT = 48 }; /* "ranks=4096 threads=4096" */

struct exec_reference {
    char *text;   /* the first run's --result matches (EXEC_TEXT_MAX + 1) */
    size_t len;
    bool known, cut;
    char cell[EXEC_CELL_TEXT]; /* of the first run: "threads=1" */
};

/* STATUS_OK or STATUS_NOMEM. */
int exec_reference_init(struct exec_reference *r, errmsg_t *err);
void exec_reference_free(struct exec_reference *r);

enum exec_agreement {
    EXEC_SAME,      /* the same text, digit for digit */
    EXEC_WITHIN,    /* other digits, every number within --result-tolerance */
    EXEC_DIFFERENT
};

/* Check the run's result text (s) of the cell `cell` ("threads=2", or
 * "ranks=2 threads=1" under --launcher) against the reference; the first
 * text checked becomes it. Unless EXEC_SAME, `why` gets "at threads=2 the
 * --result text has '1.1' where the first run (threads=1) has '1.0'" (with
 * the tolerance when there is one). */
enum exec_agreement exec_reference_check(struct exec_reference *r,
                                         const struct exec_scan *s, const char *cell,
                                         const struct exec_tolerance *tol, char *why,
                                         size_t cap);

#endif
