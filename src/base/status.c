/* status: see status.h. */
#include "base/status.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>

int errmsg_set(errmsg_t *e, int code, const char *fmt, ...)
{
    if (e != NULL) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->text, sizeof e->text, fmt, ap);
        va_end(ap);
        /* Messages quote user text (file contents, names); a line break or
         * other control character in it would break the one-line promise. */
        for (char *p = e->text; *p != '\0'; p++)
            if (iscntrl((unsigned char)*p))
                *p = '?';
    }
    return code;
}
