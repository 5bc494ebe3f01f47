/* affinity: the OMP_PROC_BIND and OMP_PLACES values a study sweeps. The
 * OpenMP runtime reads both once, at start-up, and silently ignores a value
 * it cannot parse, so ompsweep checks their syntax itself before any work,
 * compares what the runtime then did with what was asked, and records where
 * each thread of a block actually ran. */
#ifndef OMPSWEEP_STUDY_AFFINITY_H
#define OMPSWEEP_STUDY_AFFINITY_H

#include <stdbool.h>
#include <stddef.h>

#include "base/status.h"

enum {
    AFFINITY_TEXT_MAX = 256, /* one --bind or --places value */
    AFFINITY_CPUS_MAX = 128  /* one thread's CPU set as text: "0-3,8" */
};

/* Check an OMP_PROC_BIND value: `true`, `false`, or a comma list of
 * `primary`, `master`, `close`, `spread` (one per nesting level).
 * STATUS_USAGE naming `opt` when it is not one. */
int affinity_check_bind(const char *opt, const char *value, errmsg_t *err);

/* Check an OMP_PLACES value: an abstract name (`threads`, `cores`,
 * `sockets`, `ll_caches`, `numa_domains`) optionally with `(n)`, n >= 1, or
 * an explicit list such as `{0},{1}`, `{0:4}:2:4` or `{0,1},!{1}`. On
 * success *count is the number of places it names (0 for an abstract name
 * without a count: the runtime decides). STATUS_USAGE naming `opt`. */
int affinity_check_places(const char *opt, const char *value, int *count,
                          errmsg_t *err);

/* After start-up: did the runtime take OMP_PROC_BIND and OMP_PLACES as
 * given? `bind`/`places` may be NULL or "" (not asked). Writes one line
 * into why (cap bytes) and returns false when the runtime fell back. */
bool affinity_runtime_matches(const char *bind, const char *places, char *why,
                              size_t cap);

/* Where the threads of one (bind, places, threads) block ran. */
struct affinity_record {
    char bind[AFFINITY_TEXT_MAX], places[AFFINITY_TEXT_MAX];
    int threads;
    char *cpus; /* `threads` CPU lists ("0-3,8"), each ended by ';' */
};

struct affinity_log {
    struct affinity_record *rec;
    int n, cap;
};

/* Record where `threads` threads of a parallel region run under the
 * current runtime settings, once per (bind, places, threads). STATUS_OK or
 * STATUS_NOMEM. */
int affinity_log_capture(struct affinity_log *log, const char *bind,
                         const char *places, int threads, errmsg_t *err);

/* Add a record measured elsewhere (a child process); `cpus` as in struct
 * affinity_record. STATUS_OK or STATUS_NOMEM. */
int affinity_log_add(struct affinity_log *log, const char *bind,
                     const char *places, int threads, const char *cpus,
                     errmsg_t *err);

void affinity_log_free(struct affinity_log *log);

#endif
