/* envinfo: see envinfo.h. */
#include "study/record/envinfo.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/openmp.h"

extern char **environ; /* POSIX; <unistd.h> declares it only with _GNU_SOURCE */

#ifndef OMPSWEEP_VERSION
#define OMPSWEEP_VERSION "unknown"
#endif
#ifndef OMPSWEEP_GIT_COMMIT
#define OMPSWEEP_GIT_COMMIT "unknown"
#endif
#ifndef OMPSWEEP_CFLAGS
#define OMPSWEEP_CFLAGS "unknown"
#endif
/* The compiler says whether it optimized, whatever flags were passed. */
#ifdef __OPTIMIZE__
#define OMPSWEEP_OPTIMIZED 1
#else
#define OMPSWEEP_OPTIMIZED 0
#endif
#ifndef OMPSWEEP_SANITIZE
#define OMPSWEEP_SANITIZE 0
#endif

static const char SYS_CPU[] = "/sys/devices/system/cpu";
static const char CPUINFO[] = "/proc/cpuinfo";
static const char OMP_PREFIX[] = "OMP_";
static const char AFFINITY_FORMAT[] = "thread %n affinity %A";

enum {
    PATH_CAP = 256,        /* a /sys path */
    LINE_CAP = 512,        /* a /proc/cpuinfo line (longer ones are cut) */
    NUMBER_CAP = 64,       /* a /sys file holding one number */
    CACHE_FIELD_CAP = 16,  /* "Instruction", "32768K" */
    CORE_SET_INITIAL = 64,
    AFFINITY_PROBE = 256,  /* first guess at one thread's affinity text */
    TICK_SAMPLES = 20,     /* STREAM's checktick uses 20 */
    /* omp_proc_bind_master (OpenMP 4.0) became omp_proc_bind_primary in 5.1;
     * libgomp deprecates the old name and libomp 14 lacks the new one. */
    PROC_BIND_PRIMARY = 2
};

static const long TICK_SPIN_MAX = 100000000L; /* readings before giving up */

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
    char stamp[32], unique[64];
    format_utc(stamp, sizeof stamp, true);
    int len = snprintf(unique, sizeof unique, "%s-%ld", stamp, (long)getpid());
    /* room for the tag besides "-UNIQUE" and the terminator */
    long room = (long)cap - len - 2;
    if (tag != NULL && tag[0] != '\0' && room > 0)
        snprintf(buf, cap, "%.*s-%s", (int)room, tag, unique);
    else
        snprintf(buf, cap, "%s", unique);
}

void envinfo_version(char *buf, size_t cap)
{
    char compiler[ENVINFO_TEXT_MAX];
    envinfo_compiler(compiler, sizeof compiler);
    snprintf(buf, cap, "ompsweep %s (commit %s, %s, flags: %s)", OMPSWEEP_VERSION,
             OMPSWEEP_GIT_COMMIT, compiler, OMPSWEEP_CFLAGS);
}

/* ---- build ------------------------------------------------------------ */

const char *envinfo_version_number(void) { return OMPSWEEP_VERSION; }
const char *envinfo_git_commit(void) { return OMPSWEEP_GIT_COMMIT; }
const char *envinfo_cflags(void) { return OMPSWEEP_CFLAGS; }
bool envinfo_optimized(void) { return OMPSWEEP_OPTIMIZED != 0; }
bool envinfo_sanitized(void) { return OMPSWEEP_SANITIZE != 0; }

void envinfo_compiler(char *buf, size_t cap)
{
    /* clang also defines __GNUC__, so it is tested first. */
#if defined(__clang__)
    snprintf(buf, cap, "clang %d.%d.%d", __clang_major__, __clang_minor__,
             __clang_patchlevel__);
#elif defined(__GNUC__)
    snprintf(buf, cap, "gcc %d.%d.%d", __GNUC__, __GNUC_MINOR__,
             __GNUC_PATCHLEVEL__);
#else
    snprintf(buf, cap, "unknown");
#endif
}

/* ---- CPU -------------------------------------------------------------- */

/* One line of a text file without its newline; the rest of a line longer
 * than the buffer is skipped (cpuinfo "flags" lines run to kilobytes). */
static bool read_text_line(FILE *in, char *buf, size_t cap)
{
    if (fgets(buf, (int)cap, in) == NULL)
        return false;
    size_t len = strcspn(buf, "\n");
    if (buf[len] != '\n') {
        int c;
        while ((c = getc(in)) != EOF && c != '\n')
            ;
    }
    buf[len] = '\0';
    return true;
}

/* The first line of a small /sys file; false when missing or empty. */
static bool read_first_line(const char *path, char *buf, size_t cap)
{
    FILE *in = fopen(path, "r");
    if (in == NULL)
        return false;
    bool ok = read_text_line(in, buf, cap);
    fclose(in);
    return ok && buf[0] != '\0';
}

static bool read_long(const char *path, long *out)
{
    char line[NUMBER_CAP], *end;
    if (!read_first_line(path, line, sizeof line))
        return false;
    errno = 0;
    *out = strtol(line, &end, 10);
    return errno == 0 && end != line && *end == '\0';
}

/* ---- CPU lists ("0-3,8") ---------------------------------------------- */

/* One number of a CPU list at *p, advancing it; -1 when none or too big. */
static long cpulist_number(const char **p)
{
    if (!isdigit((unsigned char)**p))
        return -1;
    char *end;
    errno = 0;
    long v = strtol(*p, &end, 10);
    *p = end;
    return errno == 0 && v < CPU_SETSIZE ? v : -1;
}

bool envinfo_cpulist_parse(const char *text, cpu_set_t *set)
{
    CPU_ZERO(set);
    const char *p = text;
    while (*p != '\0') {
        long lo = cpulist_number(&p), hi = lo;
        if (*p == '-') {
            p++;
            hi = cpulist_number(&p);
        }
        if (lo < 0 || hi < lo || (*p != ',' && *p != '\0'))
            return false;
        for (long c = lo; c <= hi; c++)
            CPU_SET((int)c, set);
        if (*p == ',' && *++p == '\0')
            return false; /* a trailing comma */
    }
    return true;
}

int envinfo_cpulist_write(FILE *out, const cpu_set_t *set)
{
    int written = 0;
    for (int c = 0; c < CPU_SETSIZE; c++) {
        if (!CPU_ISSET(c, set))
            continue;
        int last = c;
        while (last + 1 < CPU_SETSIZE && CPU_ISSET(last + 1, set))
            last++;
        int n = last == c ? fprintf(out, "%s%d", written ? "," : "", c)
                          : fprintf(out, "%s%d-%d", written ? "," : "", c, last);
        written += n > 0 ? n : 0;
        c = last;
    }
    return written;
}

/* ---- topology --------------------------------------------------------- */

/* Distinct (package, core) pairs of /proc/cpuinfo, each with the first
 * processor that has it (records come in processor order, so the lowest). */
struct core_pairs {
    long (*pair)[3]; /* package, core, first processor */
    int n, cap;
};

/* The first processor of (package, core), added with `proc` when new; -1
 * when out of memory. */
static long core_pairs_first(struct core_pairs *s, long package, long core, long proc)
{
    for (int i = 0; i < s->n; i++)
        if (s->pair[i][0] == package && s->pair[i][1] == core)
            return s->pair[i][2];
    if (s->n == s->cap) {
        int cap = s->cap > 0 ? 2 * s->cap : CORE_SET_INITIAL;
        long(*grown)[3] = realloc(s->pair, (size_t)cap * sizeof *grown);
        if (grown == NULL)
            return -1;
        s->pair = grown;
        s->cap = cap;
    }
    s->pair[s->n][0] = package;
    s->pair[s->n][1] = core;
    s->pair[s->n][2] = proc;
    s->n++;
    return proc;
}

/* State of one pass over /proc/cpuinfo, one record per processor. */
struct cpuinfo_scan {
    const cpu_set_t *cpus;       /* whose cores to fill, NULL: none */
    struct envinfo_topology *topo;
    struct core_pairs cores;
    long proc, package, core; /* of the current record; -1 = not seen */
    char *model;              /* NULL: not asked */
    size_t model_cap;
    bool have_model;
};

static void scan_end_record(struct cpuinfo_scan *s)
{
    if (s->cpus != NULL && s->proc >= 0 && s->package >= 0 && s->core >= 0 &&
        s->proc < CPU_SETSIZE) {
        /* every record, so that a core's first processor is the lowest */
        long first = core_pairs_first(&s->cores, s->package, s->core, s->proc);
        int c = (int)s->proc;
        if (CPU_ISSET(c, s->cpus) && s->topo->core[c] < 0)
            s->topo->core[c] = (int)first; /* stays -1 without memory */
    }
    s->proc = s->package = s->core = -1;
}

static void scan_field(struct cpuinfo_scan *s, const char *key, const char *value)
{
    if (strcmp(key, "processor") == 0)
        s->proc = strtol(value, NULL, 10);
    else if (strcmp(key, "physical id") == 0)
        s->package = strtol(value, NULL, 10);
    else if (strcmp(key, "core id") == 0)
        s->core = strtol(value, NULL, 10);
    else if (s->model != NULL && strcmp(key, "model name") == 0 && !s->have_model &&
             value[0] != '\0') {
        snprintf(s->model, s->model_cap, "%s", value);
        s->have_model = true;
    }
}

/* One pass over a /proc/cpuinfo-style file: the first "model name" into
 * s->model (left as is when absent), the cores of s->cpus into s->topo. */
static void scan_cpuinfo(const char *path, struct cpuinfo_scan *s)
{
    FILE *in = fopen(path, "r");
    if (in == NULL)
        return;
    s->proc = s->package = s->core = -1;
    char line[LINE_CAP];
    while (read_text_line(in, line, sizeof line)) {
        char *colon = strchr(line, ':');
        if (colon == NULL) { /* a blank line ends a processor's record */
            scan_end_record(s);
            continue;
        }
        char *key_end = colon;
        while (key_end > line && (key_end[-1] == ' ' || key_end[-1] == '\t'))
            key_end--;
        *key_end = '\0';
        scan_field(s, line, colon + 1 + strspn(colon + 1, " \t"));
    }
    scan_end_record(s);
    fclose(in);
    free(s->cores.pair);
    s->cores = (struct core_pairs){0};
}

/* The lowest CPU of CPU c's core from sysfs: the kernel lists the CPUs of
 * one core in core_cpus_list (since Linux 5.x) and thread_siblings_list
 * (older name, still there); -1 when neither is readable. */
static int sysfs_core(const char *sys_cpu, int c)
{
    static const char *const names[] = {"core_cpus_list", "thread_siblings_list"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        char path[PATH_CAP], line[LINE_CAP];
        cpu_set_t siblings;
        snprintf(path, sizeof path, "%s/cpu%d/topology/%s", sys_cpu, c, names[i]);
        if (read_first_line(path, line, sizeof line) &&
            envinfo_cpulist_parse(line, &siblings) && CPU_COUNT(&siblings) > 0) {
            for (int s = 0; s < CPU_SETSIZE; s++)
                if (CPU_ISSET(s, &siblings))
                    return s;
        }
    }
    return -1;
}

void envinfo_topology_read(struct envinfo_topology *topo, const cpu_set_t *cpus,
                           const char *sys_cpu, const char *cpuinfo)
{
    bool missing = false;
    for (int c = 0; c < CPU_SETSIZE; c++) {
        topo->core[c] = -1;
        if (CPU_ISSET(c, cpus) && sys_cpu != NULL)
            topo->core[c] = sysfs_core(sys_cpu, c);
        missing = missing || (CPU_ISSET(c, cpus) && topo->core[c] < 0);
    }
    if (missing && cpuinfo != NULL) {
        struct cpuinfo_scan s = {.cpus = cpus, .topo = topo};
        scan_cpuinfo(cpuinfo, &s);
    }
}

void envinfo_topology(struct envinfo_topology *topo, const cpu_set_t *cpus)
{
    envinfo_topology_read(topo, cpus, SYS_CPU, CPUINFO);
}

int envinfo_topology_cores(const struct envinfo_topology *topo, const cpu_set_t *cpus)
{
    cpu_set_t cores; /* a set of core numbers: each core's lowest CPU */
    CPU_ZERO(&cores);
    for (int c = 0; c < CPU_SETSIZE; c++) {
        if (!CPU_ISSET(c, cpus))
            continue;
        if (topo->core[c] < 0 || topo->core[c] >= CPU_SETSIZE)
            return 0;
        CPU_SET(topo->core[c], &cores);
    }
    return CPU_COUNT(&cores);
}

/* ---- the usable CPUs ---------------------------------------------------- */

/* The calling thread's affinity mask; every configured CPU when it cannot
 * be read. */
static void affinity_mask(cpu_set_t *mask)
{
    CPU_ZERO(mask);
    if (sched_getaffinity(0, sizeof *mask, mask) == 0 && CPU_COUNT(mask) > 0)
        return;
    long n = sysconf(_SC_NPROCESSORS_CONF);
    for (long c = 0; c < n && c < CPU_SETSIZE; c++)
        CPU_SET((int)c, mask);
}

/* The union of the OpenMP places' CPUs; false when out of memory. */
static bool places_union(cpu_set_t *cpus)
{
    CPU_ZERO(cpus);
    for (int p = 0; p < omp_get_num_places(); p++) {
        int n = omp_get_place_num_procs(p);
        int *ids = malloc((size_t)(n > 0 ? n : 1) * sizeof *ids);
        if (ids == NULL)
            return false;
        omp_get_place_proc_ids(p, ids);
        for (int i = 0; i < n; i++)
            if (ids[i] >= 0 && ids[i] < CPU_SETSIZE)
                CPU_SET(ids[i], cpus);
        free(ids);
    }
    return true;
}

/* Which set is right on a cluster node. The affinity mask the process
 * started with is what its launcher gave it: srun --cpu-bind, taskset,
 * numactl, mpirun's binding, and the kernel keeps it inside the cgroup's
 * cpuset (a Slurm step's cgroup, a container's --cpuset-cpus). The cgroup
 * itself is wrong: it holds every task of a step on the node, so an MPI rank
 * would count its neighbours' CPUs, and it never sees taskset. But a runtime
 * that binds pins the initial thread to its first place, so this thread's
 * mask may by now be one place. The runtime built its places from the
 * start-up mask and dropped the CPUs outside it, so their union is that
 * mask, or the part OMP_PLACES picked ("cores(1)"), and bound threads never
 * leave it. libgomp has places only when it binds; LLVM's libomp always has
 * them (one place of every CPU when unbound) and binds to OMP_PLACES even
 * under OMP_PROC_BIND=false: so the places decide, not the bind policy. */
enum envinfo_cpus_source envinfo_usable_cpus(cpu_set_t *cpus)
{
    if (omp_get_num_places() > 0 && places_union(cpus) && CPU_COUNT(cpus) > 0)
        return ENVINFO_CPUS_PLACES;
    affinity_mask(cpus);
    return ENVINFO_CPUS_MASK;
}

static int first_cpu(const cpu_set_t *mask)
{
    for (int c = 0; c < CPU_SETSIZE; c++)
        if (CPU_ISSET(c, mask))
            return c;
    return 0;
}

/* "L1d 32K", "L2 512K", ... from sysfs; the index directories are numbered
 * without gaps, so the first missing one ends the list. */
static void read_caches(int cpu, struct envinfo_cpu *out)
{
    out->ncaches = 0;
    for (int i = 0; i < ENVINFO_CACHE_MAX; i++) {
        char path[PATH_CAP], type[CACHE_FIELD_CAP], size[CACHE_FIELD_CAP];
        long level;
        snprintf(path, sizeof path, "%s/cpu%d/cache/index%d/level", SYS_CPU, cpu, i);
        if (!read_long(path, &level))
            break;
        snprintf(path, sizeof path, "%s/cpu%d/cache/index%d/type", SYS_CPU, cpu, i);
        if (!read_first_line(path, type, sizeof type))
            continue;
        snprintf(path, sizeof path, "%s/cpu%d/cache/index%d/size", SYS_CPU, cpu, i);
        if (!read_first_line(path, size, sizeof size))
            continue;
        const char *suffix = strcmp(type, "Data") == 0          ? "d"
                             : strcmp(type, "Instruction") == 0 ? "i"
                                                                : "";
        snprintf(out->caches[out->ncaches++], ENVINFO_CACHE_TEXT, "L%d%s %s",
                 (int)level, suffix, size);
    }
}

void envinfo_cpu_count(struct envinfo_cpu *cpu, const struct envinfo_topology *topo)
{
    cpu->logical = CPU_COUNT(&cpu->usable);
    int cores = envinfo_topology_cores(topo, &cpu->usable);
    /* Unknown topology counts every logical CPU as a core (no SMT claimed). */
    cpu->physical_cores = cores > 0 ? cores : cpu->logical;
    cpu->smt = cpu->logical > cpu->physical_cores;
}

void envinfo_cpu(struct envinfo_cpu *cpu)
{
    memset(cpu, 0, sizeof *cpu);
    snprintf(cpu->model, sizeof cpu->model, "unknown");
    cpu->source = envinfo_usable_cpus(&cpu->usable);
    cpu->omp_procs = omp_get_num_procs();
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    cpu->online = online > 0 && online <= INT_MAX ? (int)online : 0;
    struct cpuinfo_scan s = {.model = cpu->model, .model_cap = sizeof cpu->model};
    scan_cpuinfo(CPUINFO, &s);
    struct envinfo_topology topo; /* 4 KiB: called outside parallel regions */
    envinfo_topology(&topo, &cpu->usable);
    envinfo_cpu_count(cpu, &topo);
    read_caches(first_cpu(&cpu->usable), cpu);
}

/* ---- OpenMP ----------------------------------------------------------- */

const char *envinfo_proc_bind(void)
{
    switch ((int)omp_get_proc_bind()) {
    case omp_proc_bind_false:
        return "false";
    case omp_proc_bind_true:
        return "true";
    case PROC_BIND_PRIMARY:
        return "primary";
    case omp_proc_bind_close:
        return "close";
    case omp_proc_bind_spread:
        return "spread";
    default:
        return "unknown";
    }
}

void envinfo_places_free(struct envinfo_places *places)
{
    free(places->first);
    free(places->procs);
    places->first = NULL;
    places->procs = NULL;
    places->count = 0;
}

int envinfo_places(struct envinfo_places *places, errmsg_t *err)
{
    int n = omp_get_num_places();
    if (n < 0)
        n = 0;
    size_t total = 0;
    for (int p = 0; p < n; p++)
        total += (size_t)omp_get_place_num_procs(p);
    places->count = 0;
    /* + 1: never malloc(0), whose NULL would read as a failure. */
    places->first = malloc(((size_t)n + 1) * sizeof *places->first);
    places->procs = malloc((total + 1) * sizeof *places->procs);
    if (places->first == NULL || places->procs == NULL) {
        envinfo_places_free(places);
        return errmsg_set(err, STATUS_NOMEM,
                          "out of memory for %d OpenMP places", n);
    }
    places->first[0] = 0;
    for (int p = 0; p < n; p++) {
        omp_get_place_proc_ids(p, places->procs + places->first[p]);
        places->first[p + 1] = places->first[p] + omp_get_place_num_procs(p);
    }
    places->count = n;
    return STATUS_OK;
}

/* The calling thread's affinity as a new string; NULL when out of memory.
 * A first capture into a stack buffer tells the length; a longer text is
 * captured again into a buffer of the right size. */
static char *capture_affinity(const char *format)
{
    char probe[AFFINITY_PROBE];
    size_t len = omp_capture_affinity(probe, sizeof probe, format);
    char *s = malloc(len + 1);
    if (s == NULL)
        return NULL;
    if (len < sizeof probe)
        memcpy(s, probe, len + 1);
    else
        omp_capture_affinity(s, len + 1, format);
    return s;
}

void envinfo_affinity_free(char **strings, int count)
{
    for (int i = 0; strings != NULL && i < count; i++)
        free(strings[i]);
    free(strings);
}

int envinfo_affinity(int nthreads, char ***out, int *count, errmsg_t *err)
{
    *out = NULL;
    *count = 0;
    if (nthreads < 1)
        nthreads = 1;
    char **slot = calloc((size_t)nthreads, sizeof *slot);
    int team = 0, failed = 0;
    /* The runtimes' default formats name a thread by its native handle (a
     * pthread address in libgomp); OMP_AFFINITY_FORMAT (NULL here) wins. */
    const char *format = getenv("OMP_AFFINITY_FORMAT") != NULL ? NULL : AFFINITY_FORMAT;
    if (slot == NULL)
        return errmsg_set(err, STATUS_NOMEM, "out of memory for %d affinity strings",
                          nthreads);
#pragma omp parallel num_threads(nthreads) default(none) shared(slot, team, failed, format)
    {
        /* Each thread owns slot[its number]: no sharing, no lock. */
        char *mine = capture_affinity(format);
        slot[omp_get_thread_num()] = mine;
        if (mine == NULL) {
#pragma omp atomic write
            failed = 1;
        }
        if (omp_get_thread_num() == 0)
            team = omp_get_num_threads();
    }
    if (failed) {
        envinfo_affinity_free(slot, nthreads);
        return errmsg_set(err, STATUS_NOMEM, "out of memory for affinity strings");
    }
    *out = slot;
    *count = team;
    return STATUS_OK;
}

/* ---- timer ------------------------------------------------------------ */

void envinfo_timer(struct envinfo_timer *timer)
{
    double best = 0.0;
    for (int i = 0; i < TICK_SAMPLES; i++) {
        double t0 = omp_get_wtime(), t1 = t0;
        /* Spin to the next distinct reading; bounded for a stuck clock. */
        for (long spin = 0; t1 <= t0 && spin < TICK_SPIN_MAX; spin++)
            t1 = omp_get_wtime();
        double step = t1 - t0;
        if (step > 0.0 && (best == 0.0 || step < best))
            best = step;
    }
    timer->tick = best;
    timer->wtick = omp_get_wtick();
}

/* ---- environment ------------------------------------------------------ */

static bool is_omp_variable(const char *entry)
{
    return strncmp(entry, OMP_PREFIX, sizeof OMP_PREFIX - 1) == 0;
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int envinfo_omp_env(const char ***vars, int *count, errmsg_t *err)
{
    int n = 0;
    *vars = NULL;
    *count = 0;
    for (char **e = environ; e != NULL && *e != NULL; e++)
        n += is_omp_variable(*e);
    const char **v = malloc(((size_t)n + 1) * sizeof *v);
    if (v == NULL)
        return errmsg_set(err, STATUS_NOMEM, "out of memory for %d OMP_ variables", n);
    int k = 0;
    for (char **e = environ; e != NULL && *e != NULL && k < n; e++)
        if (is_omp_variable(*e))
            v[k++] = *e;
    /* Sorted, so that two runs in the same environment record the same list. */
    qsort(v, (size_t)k, sizeof *v, compare_strings);
    *vars = v;
    *count = k;
    return STATUS_OK;
}

/* A positive count held by environment variable `name`; 0 when it is
 * unset or anything else. */
static int env_count(const char *name)
{
    const char *text = getenv(name);
    if (text == NULL || text[0] == '\0')
        return 0;
    char *end;
    errno = 0;
    long n = strtol(text, &end, 10);
    if (errno != 0 || *end != '\0' || n < 1 || n > INT_MAX)
        return 0;
    return (int)n;
}

void envinfo_job(struct envinfo_job *job)
{
    job->slurm_job_id = getenv("SLURM_JOB_ID");
    job->slurm_array_task_id = getenv("SLURM_ARRAY_TASK_ID");
    job->pbs_jobid = getenv("PBS_JOBID");
    job->slurm_cpus_per_task = env_count("SLURM_CPUS_PER_TASK");
}
