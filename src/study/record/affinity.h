/* affinity: the OMP_PROC_BIND and OMP_PLACES values a study sweeps. The
 * OpenMP runtime reads both once, at start-up, and silently ignores a value
 * it cannot parse, so ompsweep checks their syntax itself before any work,
 * compares what the runtime then did with what was asked, and records where
 * each thread of a block actually ran. */
#ifndef OMPSWEEP_STUDY_RECORD_AFFINITY_H
#define OMPSWEEP_STUDY_RECORD_AFFINITY_H

#include <sched.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "base/status.h"
#include "study/record/envinfo.h"

enum {
    AFFINITY_TEXT_MAX = 256 /* one --bind or --places value */
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

/* Where one OpenMP thread of a block was when it was captured. */
struct affinity_thread {
    int thread;           /* omp_get_thread_num() */
    int place;            /* omp_get_place_num(); -1 when not bound to a place */
    int cpu;              /* sched_getcpu() at the capture; -1 when unknown */
    cpu_set_t place_cpus; /* omp_get_place_proc_ids() of that place */
    cpu_set_t partition;  /* omp_get_partition_place_nums(): place numbers,
                             kept in a CPU set as a bit set */
    cpu_set_t cpus;       /* sched_getaffinity(): the CPUs it may run on */
};

/* Where the threads of one (bind, places, threads) block ran. */
struct affinity_record {
    char bind[AFFINITY_TEXT_MAX], places[AFFINITY_TEXT_MAX];
    int threads;                  /* the block's thread count */
    int team;                     /* threads the runtime gave: entries of `thread` */
    struct affinity_thread *thread; /* in thread-number order */
};

struct warnings;

struct affinity_log {
    struct affinity_record *rec;
    int n, cap;
    /* Where a capture reports threads that the binding makes share CPUs or
     * cores; NULL: it does not. */
    struct warnings *warnings;
    /* This process compared its largest thread count with its CPUs and
     * cores at start-up: a block sharing only because it has more threads
     * than those is not warned of again. */
    bool startup_checked;
};

/* Record where `threads` threads of a parallel region run under the
 * current runtime settings, once per (bind, places, threads), and warn
 * (see struct affinity_log) when their binding leaves fewer CPUs or cores
 * than threads. STATUS_OK or STATUS_NOMEM. */
int affinity_log_capture(struct affinity_log *log, const char *bind,
                         const char *places, int threads, errmsg_t *err);

/* Add a copy of a record measured elsewhere (a child process). STATUS_OK or
 * STATUS_NOMEM. */
int affinity_log_add(struct affinity_log *log, const struct affinity_record *r,
                     errmsg_t *err);

void affinity_log_free(struct affinity_log *log);

/* One record as one line of text (no newline, no tab inside a field unless
 * bind or places hold one), for a child's messages to its parent:
 * THREADS\tBIND\tPLACES\tTEAM with "-" for an empty bind or places and TEAM
 * the threads separated by ';', each "THREAD PLACE CPU PLACE_CPUS PARTITION
 * CPUS" (sets as CPU lists, "-" when empty). Returns false on a write error. */
bool affinity_record_write(FILE *out, const struct affinity_record *r);

/* Add the record of a line affinity_record_write wrote (the line is
 * changed). STATUS_OK, STATUS_NOMEM, or STATUS_USAGE when it is not one. */
int affinity_log_parse(struct affinity_log *log, char *line, errmsg_t *err);

/* How many threads of a record can each have a CPU, and a core, of their
 * own, given the CPUs each may run on: the largest matching of threads to
 * distinct CPUs (cores). own_cores is -1 when `topo` lacks the core of one
 * of their CPUs. Threads really share a CPU (a core) when own_cpus
 * (own_cores) is below r->team. */
struct affinity_sharing {
    int own_cpus, own_cores;
};

void affinity_sharing(const struct affinity_record *r,
                      const struct envinfo_topology *topo,
                      struct affinity_sharing *out);

#endif
