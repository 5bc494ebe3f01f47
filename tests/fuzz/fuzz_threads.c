/* fuzz_threads: config_parse_threads on arbitrary text, with processor
 * counts from one to beyond CONFIG_MAX_THREADS. On success the counts must
 * be ascending, unique and in 1..CONFIG_MAX_THREADS, and must hold every
 * plain entry ("N" and "max") of the list; on failure the message must be
 * one line. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "fuzz_check.h"

enum { MAX_INPUT = 4096 }; /* longer lists add nothing new */

static const int nprocs_values[] = {1, 2, 7, 64, CONFIG_MAX_THREADS,
                                    CONFIG_MAX_THREADS + 1000};

static bool contains(const int *counts, int n, int t)
{
    for (int i = 0; i < n; i++)
        if (counts[i] == t)
            return true;
    return false;
}

/* A list entry that is a plain decimal count, e.g. "12": its value, else 0. */
static long plain_count(const char *item, size_t len)
{
    if (len == 0 || len > 4 || strspn(item, "0123456789") < len)
        return 0;
    return strtol(item, NULL, 10);
}

/* Every plain entry of text must be in the result. */
static void check_entries(const char *text, int nprocs, const int *counts, int n)
{
    const int max = nprocs < CONFIG_MAX_THREADS ? nprocs : CONFIG_MAX_THREADS;
    for (const char *p = text;;) {
        size_t len = strcspn(p, ",");
        long t = plain_count(p, len);
        if (len == 3 && strncmp(p, "max", 3) == 0)
            FUZZ_ASSERT(contains(counts, n, max), "'max' (%d) missing", max);
        else if (t >= 1 && t <= CONFIG_MAX_THREADS)
            FUZZ_ASSERT(contains(counts, n, (int)t), "entry %ld missing", t);
        if (p[len] == '\0')
            break;
        p += len + 1;
    }
}

static void check_counts(const int *counts, int n)
{
    FUZZ_ASSERT(n >= 1 && n <= CONFIG_MAX_THREAD_COUNTS, "count %d", n);
    for (int i = 0; i < n; i++) {
        FUZZ_ASSERT(counts[i] >= 1 && counts[i] <= CONFIG_MAX_THREADS,
                    "counts[%d] = %d", i, counts[i]);
        FUZZ_ASSERT(i == 0 || counts[i - 1] < counts[i],
                    "not ascending and unique at %d: %d, %d", i,
                    counts[i - 1], counts[i]);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > MAX_INPUT)
        return 0;
    char *text = fuzz_strndup(data, size);
    /* Exactly the documented room, on the heap, so overruns are caught. */
    int *counts = malloc(CONFIG_MAX_THREAD_COUNTS * sizeof *counts);
    if (counts == NULL)
        abort();
    for (size_t i = 0; i < sizeof nprocs_values / sizeof nprocs_values[0]; i++) {
        int n = -1;
        errmsg_t err = {{0}};
        int rc = config_parse_threads(text, nprocs_values[i], counts, &n, &err);
        FUZZ_ASSERT(rc == STATUS_OK || rc == STATUS_USAGE, "rc %d", rc);
        if (rc != STATUS_OK) {
            fuzz_check_message(&err);
            continue;
        }
        check_counts(counts, n);
        check_entries(text, nprocs_values[i], counts, n);
    }
    free(counts);
    free(text);
    return 0;
}
