/* envinfo: see envinfo.h. */
#include "envinfo.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifndef OMPSWEEP_VERSION
#define OMPSWEEP_VERSION "unknown"
#endif
#ifndef OMPSWEEP_GIT_COMMIT
#define OMPSWEEP_GIT_COMMIT "unknown"
#endif
#ifndef OMPSWEEP_CFLAGS
#define OMPSWEEP_CFLAGS "unknown"
#endif

/* ISO 8601 UTC, extended ("2026-11-24T23:05:01Z") or basic (for ids). */
static void format_utc(char *buf, size_t cap, bool basic)
{
    time_t now = time(NULL);
    struct tm tm;
    size_t n = 0;
    if (gmtime_r(&now, &tm) != NULL)
        n = basic ? strftime(buf, cap, "%Y%m%dT%H%M%SZ", &tm)
                  : strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (n == 0)
        snprintf(buf, cap, "unknown");
}

void envinfo_utc_now(char *buf, size_t cap)
{
    format_utc(buf, cap, false);
}

void envinfo_hostname(char *buf, size_t cap)
{
    if (gethostname(buf, cap) != 0 || buf[0] == '\0')
        snprintf(buf, cap, "unknown");
    buf[cap - 1] = '\0';
}

void envinfo_run_id(char *buf, size_t cap, const char *tag)
{
    char stamp[32];
    format_utc(stamp, sizeof stamp, true);
    if (tag != NULL && tag[0] != '\0')
        snprintf(buf, cap, "%s-%s-%ld", tag, stamp, (long)getpid());
    else
        snprintf(buf, cap, "%s-%ld", stamp, (long)getpid());
}

static const char *compiler_name(void)
{
#if defined(__clang__)
    return "clang " __clang_version__;
#elif defined(__GNUC__)
    return "gcc " __VERSION__;
#else
    return "unknown compiler";
#endif
}

void envinfo_version(char *buf, size_t cap)
{
    snprintf(buf, cap, "ompsweep %s (commit %s, %s, flags: %s)", OMPSWEEP_VERSION,
             OMPSWEEP_GIT_COMMIT, compiler_name(), OMPSWEEP_CFLAGS);
}
