/* status: exit codes and the error-message buffer every fallible function
 * fills instead of printing or exiting. The caller decides what to do. */
#ifndef OMPSWEEP_BASE_STATUS_H
#define OMPSWEEP_BASE_STATUS_H

#include <stddef.h>

/* Process exit codes (the command-line contract). */
enum status {
    STATUS_OK = 0,
    STATUS_VERIFY = 1,    /* results differ between thread counts, or wrong */
    STATUS_USAGE = 2,     /* bad option, bad value or bad input file */
    STATUS_IO = 3,        /* cannot create, write or flush an output file */
    STATUS_NOMEM = 4,     /* an allocation failed */
    STATUS_SIGINT = 130,  /* interrupted; rows written so far stay valid */
    STATUS_SIGTERM = 143
};

enum { ERRMSG_MAX = 512 };

/* One error message: a single line, no trailing newline. */
typedef struct errmsg {
    char text[ERRMSG_MAX];
} errmsg_t;

/* printf into e->text (truncated to fit; control characters become '?' so
 * the message stays one line). Returns `code`, so a failing
 * function can write `return errmsg_set(err, STATUS_USAGE, "...", ...);`. */
int errmsg_set(errmsg_t *e, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
