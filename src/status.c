/* status: see include/status.h. */
#include "status.h"

#include <stdarg.h>
#include <stdio.h>

int errmsg_set(errmsg_t *e, int code, const char *fmt, ...)
{
    if (e != NULL) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->text, sizeof e->text, fmt, ap);
        va_end(ap);
    }
    return code;
}
