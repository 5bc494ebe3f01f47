/* fuzz_check: invariant checks shared by the libFuzzer harnesses. A failed
 * check prints what broke and aborts, which libFuzzer reports as a crash and
 * saves the input as an artifact. */
#ifndef OMPSWEEP_FUZZ_CHECK_H
#define OMPSWEEP_FUZZ_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "base/status.h"

#define FUZZ_ASSERT(cond, ...)                                               \
    do {                                                                     \
        if (!(cond))                                                         \
            fuzz_fail(__FILE__, __LINE__, #cond, __VA_ARGS__);               \
    } while (0)

void fuzz_fail(const char *file, int line, const char *cond, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 4, 5)));

/* An error message is one non-empty line for a terminal: NUL-terminated
 * inside the buffer, no '\n', '\r' or other control character (messages
 * quote the input, so the parsers must replace those). */
void fuzz_check_message(const errmsg_t *err);

/* A NUL-terminated copy of data[0..size) (malloc'ed; aborts if out of
 * memory): the harnesses hand strings to the parsers. */
char *fuzz_strndup(const uint8_t *data, size_t size);

#endif
