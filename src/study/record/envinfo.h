/* envinfo: facts about the run and the machine: time stamps, host, run ids,
 * build, CPU topology, OpenMP settings and affinity, timer resolution and the
 * batch-job environment. Every fact is read from the process, /proc or /sys;
 * a fact that cannot be read is reported as "unknown" or 0, never as an error.
 * Nothing here prints or writes files. */
#ifndef OMPSWEEP_STUDY_RECORD_ENVINFO_H
#define OMPSWEEP_STUDY_RECORD_ENVINFO_H

#include <sched.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "base/status.h"

enum {
    ENVINFO_TEXT_MAX = 128,   /* CPU model, compiler */
    ENVINFO_CACHE_MAX = 8,    /* cache entries of one CPU (L1d, L1i, L2, L3...) */
    ENVINFO_CACHE_TEXT = 32,  /* one cache, "L1d 32K" */
    ENVINFO_PROC_BIND_MAX = 16
};

/* The current time as ISO 8601 UTC, "2026-11-24T23:05:01Z". */
void envinfo_utc_now(char *buf, size_t cap);

/* The host name (short), or "unknown". */
void envinfo_hostname(char *buf, size_t cap);

/* The longest --tag: with "-YYYYmmddTHHMMSSZ-PID-KEY" (PID up to 10
 * digits) the run id stays within CSV_ID_MAX. */
enum { ENVINFO_TAG_MAX = 48 };

/* A run id unique per invocation: [TAG-]YYYYmmddTHHMMSSZ-PID. When it does
 * not fit in cap, the tag is cut, never the time stamp and PID that make
 * the id unique (config refuses tags over ENVINFO_TAG_MAX). */
void envinfo_run_id(char *buf, size_t cap, const char *tag);

/* Version line: "ompsweep 0.1.0 (commit abc123, gcc 12.2.0, -O3 ...)". */
void envinfo_version(char *buf, size_t cap);

/* Build facts baked in by the Makefile (static strings, "unknown" when the
 * file was built without them). */
const char *envinfo_version_number(void); /* "0.1.0" */
const char *envinfo_git_commit(void);     /* short hash */
const char *envinfo_cflags(void);         /* the compiler flags of the build */
bool envinfo_optimized(void);             /* built with OPTIMIZE != 0 */
bool envinfo_sanitized(void);             /* built with SANITIZE=1 */

/* The compiler that built this file, "gcc 12.2.0" or "clang 14.0.6". */
void envinfo_compiler(char *buf, size_t cap);

/* Which CPUs count as the ones this process may use. */
enum envinfo_cpus_source {
    ENVINFO_CPUS_PLACES, /* the union of the OpenMP places */
    ENVINFO_CPUS_MASK    /* the affinity mask: the runtime has no places */
};

/* The CPUs OpenMP threads of this process may run on, into *cpus: the union
 * of the places' CPUs when the runtime has places, else the calling thread's
 * affinity mask (every configured CPU when it cannot be read). Returns where
 * the set came from. Call it outside parallel regions. */
enum envinfo_cpus_source envinfo_usable_cpus(cpu_set_t *cpus);

/* The physical core of each CPU: core[c] is the lowest-numbered CPU of the
 * core holding CPU c, so two CPUs share a core exactly when their entries are
 * equal; -1 when the topology of CPU c is unknown (or c was not asked). */
struct envinfo_topology {
    int core[CPU_SETSIZE];
};

/* The cores of the CPUs in *cpus from a sysfs CPU directory (`sys_cpu`,
 * normally /sys/devices/system/cpu: cpuN/topology/core_cpus_list, else
 * thread_siblings_list), CPUs it lacks from a /proc/cpuinfo-style file
 * (`cpuinfo`: "physical id" and "core id" of each "processor"). Either path
 * may be NULL. Entries of CPUs outside *cpus, and of those neither source
 * knows, are -1. */
void envinfo_topology_read(struct envinfo_topology *topo, const cpu_set_t *cpus,
                           const char *sys_cpu, const char *cpuinfo);

/* envinfo_topology_read from this machine's /sys and /proc. */
void envinfo_topology(struct envinfo_topology *topo, const cpu_set_t *cpus);

/* Distinct physical cores among *cpus; 0 when the topology of one of them
 * is unknown. */
int envinfo_topology_cores(const struct envinfo_topology *topo, const cpu_set_t *cpus);

/* The CPUs this process may run on. */
struct envinfo_cpu {
    char model[ENVINFO_TEXT_MAX]; /* /proc/cpuinfo "model name", or "unknown" */
    cpu_set_t usable;   /* envinfo_usable_cpus() */
    enum envinfo_cpus_source source; /* ... and where it came from */
    int logical;        /* CPUs in `usable` */
    int omp_procs;      /* omp_get_num_procs() */
    int online;         /* sysconf online CPUs of the machine, 0 if unknown */
    int physical_cores; /* distinct physical cores among `usable`, 1..logical
                           (logical when the topology is unknown) */
    bool smt;           /* two CPUs of `usable` share a core (logical > cores) */
    char caches[ENVINFO_CACHE_MAX][ENVINFO_CACHE_TEXT]; /* "L1d 32K", "L3 32768K" */
    int ncaches;
};

/* logical, physical_cores and smt of *cpu, counted over cpu->usable with
 * the cores of `topo` (unknown topology: every CPU its own core). */
void envinfo_cpu_count(struct envinfo_cpu *cpu, const struct envinfo_topology *topo);

/* Fill *cpu: the usable CPUs, counted with this machine's topology; the
 * caches are those of the first usable CPU. */
void envinfo_cpu(struct envinfo_cpu *cpu);

/* A Linux CPU list ("0-3,8", as in sysfs and taskset -c) into *set; "" is
 * the empty set. False, with *set unspecified, for anything else or a CPU
 * number of CPU_SETSIZE or more. */
bool envinfo_cpulist_parse(const char *text, cpu_set_t *set);

/* *set as a Linux CPU list ("0-3,8"; nothing for the empty set). Also used
 * for sets of place numbers. Returns the characters written. */
int envinfo_cpulist_write(FILE *out, const cpu_set_t *set);

/* omp_get_proc_bind() as text: "false", "true", "primary", "close",
 * "spread" (or "unknown"). A static string. */
const char *envinfo_proc_bind(void);

/* The OpenMP place list: place p holds procs[first[p]] .. procs[first[p+1]-1].
 * count is 0 when the runtime has no places (e.g. OMP_PLACES unset). */
struct envinfo_places {
    int count;
    int *first; /* count + 1 offsets */
    int *procs;
};

/* Fill *places (free with envinfo_places_free). STATUS_NOMEM on failure,
 * leaving *places empty. */
int envinfo_places(struct envinfo_places *places, errmsg_t *err);
void envinfo_places_free(struct envinfo_places *places);

/* Run one parallel region of `nthreads` threads in which each thread writes
 * omp_capture_affinity() ("thread 0 affinity 0-3", or in the format of
 * OMP_AFFINITY_FORMAT when set) into its own slot. On success *out is a new array of *count strings, one per thread of the
 * team in thread-number order (*count < nthreads when the runtime gives fewer
 * threads); the caller frees it with envinfo_affinity_free. STATUS_NOMEM on
 * failure, with *out NULL and *count 0. */
int envinfo_affinity(int nthreads, char ***out, int *count, errmsg_t *err);
void envinfo_affinity_free(char **strings, int count);

/* Timer resolution as STREAM's checktick measures it. */
struct envinfo_timer {
    double tick;  /* smallest positive step between successive distinct
                     omp_get_wtime() readings, seconds; 0 if none was seen */
    double wtick; /* omp_get_wtick(), what the runtime claims */
};

/* Measure the timer (spins for a few microseconds). */
void envinfo_timer(struct envinfo_timer *timer);

/* Every environment variable whose name starts with OMP_, as "NAME=value",
 * sorted by name. *vars is a new array (caller frees the array, not the
 * strings, which point into the environment and stay valid until it is
 * changed). STATUS_NOMEM on failure, with *vars NULL and *count 0. */
int envinfo_omp_env(const char ***vars, int *count, errmsg_t *err);

/* Batch-system job ids: getenv() pointers, NULL when unset. */
struct envinfo_job {
    const char *slurm_job_id;
    const char *slurm_array_task_id;
    const char *pbs_jobid;
    int slurm_cpus_per_task; /* SLURM_CPUS_PER_TASK; 0 when unset or not a count */
};

void envinfo_job(struct envinfo_job *job);

#endif
