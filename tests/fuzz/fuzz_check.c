/* fuzz_check: see fuzz_check.h. */
#include "fuzz_check.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void fuzz_fail(const char *file, int line, const char *cond, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s:%d: invariant failed: %s: ", file, line, cond);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}

void fuzz_check_message(const errmsg_t *err)
{
    size_t len = strnlen(err->text, sizeof err->text);
    FUZZ_ASSERT(len < sizeof err->text, "message not terminated");
    FUZZ_ASSERT(len > 0, "empty error message");
    for (size_t i = 0; i < len; i++)
        FUZZ_ASSERT(!iscntrl((unsigned char)err->text[i]),
                    "message is not one printable line (byte 0x%02x at %zu): \"%s\"",
                    (unsigned char)err->text[i], i, err->text);
}

char *fuzz_strndup(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (s == NULL)
        abort();
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}
