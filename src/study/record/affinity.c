/* affinity: see affinity.h. */
#include "study/record/affinity.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/openmp.h"
#include "study/record/envinfo.h"
#include "study/record/warnings.h"

static const char *const BIND_POLICIES[] = {"primary", "master", "close", "spread"};
static const char *const ABSTRACT_PLACES[] = {"threads", "cores", "sockets",
                                              "ll_caches", "numa_domains"};
enum {
    PLACES_COUNT_MAX = 1 << 20,
    BINDING_WORDS = 32 /* "OMP_PROC_BIND=" " OMP_PLACES=" around two values */
};

static bool in_list(const char *word, size_t len, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(list[i]) == len && strncmp(word, list[i], len) == 0)
            return true;
    return false;
}

int affinity_check_bind(const char *opt, const char *value, errmsg_t *err)
{
    if (strcmp(value, "true") == 0 || strcmp(value, "false") == 0)
        return STATUS_OK;
    const char *p = value;
    for (;;) {
        size_t len = strcspn(p, ",");
        if (!in_list(p, len, BIND_POLICIES, sizeof BIND_POLICIES / sizeof *BIND_POLICIES))
            return errmsg_set(err, STATUS_USAGE, "%s: '%s' is not an OMP_PROC_BIND "
                              "value (accepted true, false, or a comma list of "
                              "primary, close, spread)", opt, value);
        if (p[len] == '\0')
            return STATUS_OK;
        p += len + 1;
    }
}

/* A recursive-descent reader of the OMP_PLACES grammar. */
struct reader {
    const char *p;
    bool ok;
};

/* An unsigned (or, with `sign`, signed) decimal number. */
static long read_number(struct reader *r, bool sign)
{
    const char *start = r->p;
    if (sign && (*r->p == '-' || *r->p == '+'))
        r->p++;
    if (!isdigit((unsigned char)*r->p)) {
        r->ok = false;
        return 0;
    }
    char *end;
    long v = strtol(start, &end, 10);
    r->p = end;
    if (v > PLACES_COUNT_MAX || v < -PLACES_COUNT_MAX)
        r->ok = false;
    return v;
}

/* ":len[:stride]" after a resource or a place; returns len (1 if absent). */
static long read_interval(struct reader *r)
{
    if (*r->p != ':')
        return 1;
    r->p++;
    long len = read_number(r, false);
    if (len < 1)
        r->ok = false;
    if (*r->p == ':') {
        r->p++;
        read_number(r, true);
    }
    return len;
}

/* "{res[,res...]}" with res = [!]num[:len[:stride]]. */
static void read_place(struct reader *r)
{
    if (*r->p != '{') {
        r->ok = false;
        return;
    }
    r->p++;
    do {
        if (*r->p == ',')
            r->p++;
        bool excluded = *r->p == '!';
        r->p += excluded;
        read_number(r, false);
        if (!excluded)
            read_interval(r);
    } while (r->ok && *r->p == ',');
    if (*r->p != '}')
        r->ok = false;
    else
        r->p++;
}

/* The explicit list; *count places, or 0 when an exclusion makes it unknown. */
static void read_place_list(struct reader *r, int *count)
{
    long total = 0;
    bool known = true;
    do {
        if (*r->p == ',')
            r->p++;
        bool excluded = *r->p == '!';
        r->p += excluded;
        read_place(r);
        long len = excluded ? 0 : read_interval(r);
        known = known && !excluded;
        total += len;
    } while (r->ok && *r->p == ',');
    if (*r->p != '\0' || total > PLACES_COUNT_MAX)
        r->ok = false;
    *count = known ? (int)total : 0;
}

static bool read_abstract(const char *value, int *count)
{
    size_t len = strcspn(value, "(");
    if (!in_list(value, len, ABSTRACT_PLACES, sizeof ABSTRACT_PLACES / sizeof *ABSTRACT_PLACES))
        return false;
    *count = 0;
    if (value[len] == '\0')
        return true;
    struct reader r = {value + len + 1, true};
    long n = read_number(&r, false);
    if (!r.ok || n < 1 || strcmp(r.p, ")") != 0)
        return false;
    *count = (int)n;
    return true;
}

int affinity_check_places(const char *opt, const char *value, int *count,
                          errmsg_t *err)
{
    if (strlen(value) >= AFFINITY_TEXT_MAX)
        return errmsg_set(err, STATUS_USAGE, "%s: value longer than %d characters",
                          opt, AFFINITY_TEXT_MAX - 1);
    if (isalpha((unsigned char)value[0])) {
        if (read_abstract(value, count))
            return STATUS_OK;
    } else {
        struct reader r = {value, true};
        read_place_list(&r, count);
        if (r.ok)
            return STATUS_OK;
    }
    return errmsg_set(err, STATUS_USAGE, "%s: '%s' is not an OMP_PLACES value "
                      "(accepted threads, cores, sockets, ll_caches, numa_domains, "
                      "optionally with (N), N >= 1, or a list such as {0},{1} or "
                      "{0:4}:2:4)", opt, value);
}

/* The runtime's name for the first policy of a bind list ("master" is the
 * older name of "primary"). */
static void first_policy(const char *bind, char *out, size_t cap)
{
    size_t len = strcspn(bind, ",");
    snprintf(out, cap, "%.*s", (int)len, bind);
    if (strcmp(out, "master") == 0)
        snprintf(out, cap, "primary");
}

bool affinity_runtime_matches(const char *bind, const char *places, char *why,
                              size_t cap)
{
    if (bind != NULL && bind[0] != '\0') {
        char want[AFFINITY_TEXT_MAX];
        first_policy(bind, want, sizeof want);
        const char *got = envinfo_proc_bind();
        if (strcmp(want, got) != 0) {
            snprintf(why, cap, "OMP_PROC_BIND=%s: the OpenMP runtime binds with "
                     "'%s' instead", bind, got);
            return false;
        }
    }
    int count;
    errmsg_t err;
    if (places == NULL || places[0] == '\0' ||
        affinity_check_places("OMP_PLACES", places, &count, &err) != STATUS_OK)
        return true;
    int got = omp_get_num_places();
    if (got == 0)
        snprintf(why, cap, "OMP_PLACES=%s: the OpenMP runtime ignored it (no "
                 "places)", places);
    else if (count > 0 && got != count)
        snprintf(why, cap, "OMP_PLACES=%s: the OpenMP runtime has %d place(s), "
                 "asked for %d", places, got, count);
    return got != 0 && (count == 0 || got == count);
}

/* ---- capture ---------------------------------------------------------- */

/* Each thread of a team of `threads` fills team[its number]; `nums` holds
 * `nplaces` ints per thread for its partition. Returns the team size. */
static int capture_team(int threads, struct affinity_thread *team, int *nums,
                        int nplaces)
{
    int got = 0;
#pragma omp parallel num_threads(threads) default(none) \
    shared(threads, team, nums, nplaces, got)
    {
        int t = omp_get_thread_num();
        struct affinity_thread *me = &team[t]; /* this thread's own slot */
        me->thread = t;
        me->place = omp_get_place_num();
        me->cpu = sched_getcpu();
        if (sched_getaffinity(0, sizeof me->cpus, &me->cpus) != 0)
            CPU_ZERO(&me->cpus);
        int np = omp_get_partition_num_places();
        int *mine = nums + (size_t)t * (size_t)nplaces;
        if (np > 0 && np <= nplaces) {
            omp_get_partition_place_nums(mine);
            for (int i = 0; i < np; i++)
                if (mine[i] >= 0 && mine[i] < CPU_SETSIZE)
                    CPU_SET(mine[i], &me->partition);
        }
        if (t == 0)
            got = omp_get_num_threads();
    }
    return got;
}

/* The CPUs of each thread's place, from the runtime's place list. */
static void fill_place_cpus(struct affinity_record *r, const struct envinfo_places *pl)
{
    for (int t = 0; t < r->team; t++) {
        struct affinity_thread *th = &r->thread[t];
        CPU_ZERO(&th->place_cpus);
        if (th->place < 0 || th->place >= pl->count)
            continue;
        for (int i = pl->first[th->place]; i < pl->first[th->place + 1]; i++)
            if (pl->procs[i] >= 0 && pl->procs[i] < CPU_SETSIZE)
                CPU_SET(pl->procs[i], &th->place_cpus);
    }
}

/* Fill r->thread (r->threads slots, calloc'ed) and r->team. */
static int capture(struct affinity_record *r, errmsg_t *err)
{
    struct envinfo_places pl;
    int rc = envinfo_places(&pl, err);
    if (rc != STATUS_OK)
        return rc;
    int nplaces = pl.count > 0 ? pl.count : 1;
    int *nums = malloc((size_t)r->threads * (size_t)nplaces * sizeof *nums);
    if (nums == NULL)
        rc = errmsg_set(err, STATUS_NOMEM, "affinity: out of memory");
    else {
        r->team = capture_team(r->threads, r->thread, nums, nplaces);
        fill_place_cpus(r, &pl);
    }
    free(nums);
    envinfo_places_free(&pl);
    return rc;
}

/* ---- sharing ---------------------------------------------------------- */

/* Threads matched to distinct resources (CPUs or cores, numbered below
 * CPU_SETSIZE); thread t may take those in sets[t]. Kuhn's augmenting
 * paths, each thread first trying a free resource, which settles unbound
 * and one-place-per-thread teams without a search. */
struct matching {
    const cpu_set_t *sets;
    int owner[CPU_SETSIZE]; /* the thread holding resource i, or -1 */
    bool seen[CPU_SETSIZE]; /* resources visited by the current search */
};

static bool take_free(struct matching *m, int t)
{
    for (int i = 0; i < CPU_SETSIZE; i++)
        if (CPU_ISSET(i, &m->sets[t]) && m->owner[i] < 0) {
            m->owner[i] = t;
            return true;
        }
    return false;
}

static bool augment(struct matching *m, int t)
{
    for (int i = 0; i < CPU_SETSIZE; i++) {
        if (!CPU_ISSET(i, &m->sets[t]) || m->seen[i])
            continue;
        m->seen[i] = true;
        if (m->owner[i] < 0 || augment(m, m->owner[i])) {
            m->owner[i] = t;
            return true;
        }
    }
    return false;
}

/* The largest number of the n threads that get a resource of their own. */
static int max_matching(const cpu_set_t *sets, int n)
{
    struct matching *m = malloc(sizeof *m);
    if (m == NULL)
        return n; /* no memory: claim no sharing rather than a false one */
    m->sets = sets;
    for (int i = 0; i < CPU_SETSIZE; i++)
        m->owner[i] = -1;
    int matched = 0;
    for (int t = 0; t < n; t++) {
        memset(m->seen, 0, sizeof m->seen);
        matched += take_free(m, t) || augment(m, t);
    }
    free(m);
    return matched;
}

void affinity_sharing(const struct affinity_record *r,
                      const struct envinfo_topology *topo,
                      struct affinity_sharing *out)
{
    int n = r->team;
    out->own_cpus = out->own_cores = n;
    cpu_set_t *sets = n > 0 ? calloc((size_t)n, sizeof *sets) : NULL;
    if (sets == NULL)
        return;
    for (int t = 0; t < n; t++)
        sets[t] = r->thread[t].cpus;
    out->own_cpus = max_matching(sets, n);
    bool known = true;
    for (int t = 0; t < n && known; t++) { /* each thread's CPUs as cores */
        CPU_ZERO(&sets[t]);
        for (int c = 0; c < CPU_SETSIZE && known; c++) {
            if (!CPU_ISSET(c, &r->thread[t].cpus))
                continue;
            known = topo->core[c] >= 0 && topo->core[c] < CPU_SETSIZE;
            if (known)
                CPU_SET(topo->core[c], &sets[t]);
        }
    }
    out->own_cores = known ? max_matching(sets, n) : -1;
    free(sets);
}

/* "OMP_PROC_BIND=close OMP_PLACES=cores", or "no binding". */
static void binding_text(const struct affinity_record *r, char *buf, size_t cap)
{
    if (r->bind[0] == '\0' && r->places[0] == '\0')
        snprintf(buf, cap, "no binding");
    else
        snprintf(buf, cap, "%s%s%s%s%s", r->bind[0] ? "OMP_PROC_BIND=" : "", r->bind,
                 r->bind[0] && r->places[0] ? " " : "",
                 r->places[0] ? "OMP_PLACES=" : "", r->places);
}

/* Warn when the threads of r must share CPUs or cores, unless the start-up
 * check of this process already said so for its whole CPU set. */
static void warn_sharing(const struct affinity_log *log, const struct affinity_record *r)
{
    struct envinfo_cpu cpu; /* only the usable set and its counts */
    struct envinfo_topology topo;
    cpu_set_t wanted;
    struct affinity_sharing sh;
    cpu.source = envinfo_usable_cpus(&cpu.usable);
    wanted = cpu.usable;
    for (int t = 0; t < r->team; t++)
        CPU_OR(&wanted, &wanted, &r->thread[t].cpus);
    envinfo_topology(&topo, &wanted);
    envinfo_cpu_count(&cpu, &topo);
    affinity_sharing(r, &topo, &sh);
    bool cpus_said = log->startup_checked && r->team > cpu.logical;
    bool cores_said = log->startup_checked && cpu.smt && r->team > cpu.physical_cores;
    char how[2 * AFFINITY_TEXT_MAX + BINDING_WORDS];
    binding_text(r, how, sizeof how);
    if (sh.own_cpus < r->team && !cpus_said)
        warnings_add(log->warnings, "%d threads under %s: no more than %d can have a "
                     "CPU to itself: oversubscribed, times will not scale",
                     r->team, how, sh.own_cpus);
    else if (sh.own_cpus == r->team && sh.own_cores >= 0 &&
             sh.own_cores < r->team && !cores_said)
        warnings_add(log->warnings, "%d threads under %s: no more than %d can have a "
                     "core to itself: threads share cores through SMT",
                     r->team, how, sh.own_cores);
}

/* ---- the log ---------------------------------------------------------- */

static bool logged(const struct affinity_log *log, const char *bind,
                   const char *places, int threads)
{
    for (int i = 0; i < log->n; i++)
        if (log->rec[i].threads == threads && strcmp(log->rec[i].bind, bind) == 0 &&
            strcmp(log->rec[i].places, places) == 0)
            return true;
    return false;
}

/* A new record with room for `threads` threads (none captured yet). */
static int record_init(struct affinity_record *r, const char *bind,
                       const char *places, int threads, errmsg_t *err)
{
    memset(r, 0, sizeof *r);
    r->thread = calloc((size_t)(threads > 0 ? threads : 1), sizeof *r->thread);
    if (r->thread == NULL)
        return errmsg_set(err, STATUS_NOMEM, "affinity: out of memory");
    snprintf(r->bind, sizeof r->bind, "%s", bind);
    snprintf(r->places, sizeof r->places, "%s", places);
    r->threads = threads;
    return STATUS_OK;
}

/* Append *r, whose thread array the log then owns (freed on failure). */
static int push(struct affinity_log *log, struct affinity_record *r, errmsg_t *err)
{
    if (log->n == log->cap) {
        int cap = log->cap ? 2 * log->cap : 8;
        struct affinity_record *grown = realloc(log->rec, (size_t)cap * sizeof *grown);
        if (grown == NULL) {
            free(r->thread);
            return errmsg_set(err, STATUS_NOMEM, "affinity: out of memory");
        }
        log->rec = grown;
        log->cap = cap;
    }
    log->rec[log->n++] = *r;
    return STATUS_OK;
}

int affinity_log_add(struct affinity_log *log, const struct affinity_record *r,
                     errmsg_t *err)
{
    struct affinity_record copy;
    int rc = record_init(&copy, r->bind, r->places,
                         r->team > r->threads ? r->team : r->threads, err);
    if (rc != STATUS_OK)
        return rc;
    copy.threads = r->threads;
    copy.team = r->team;
    memcpy(copy.thread, r->thread, (size_t)r->team * sizeof *r->thread);
    return push(log, &copy, err);
}

int affinity_log_capture(struct affinity_log *log, const char *bind,
                         const char *places, int threads, errmsg_t *err)
{
    if (logged(log, bind, places, threads))
        return STATUS_OK;
    struct affinity_record r;
    int rc = record_init(&r, bind, places, threads, err);
    if (rc == STATUS_OK)
        rc = capture(&r, err);
    if (rc != STATUS_OK) {
        free(r.thread);
        return rc;
    }
    if (log->warnings != NULL)
        warn_sharing(log, &r);
    return push(log, &r, err);
}

void affinity_log_free(struct affinity_log *log)
{
    for (int i = 0; i < log->n; i++)
        free(log->rec[i].thread);
    free(log->rec);
    log->rec = NULL;
    log->n = log->cap = 0;
}

/* ---- a record as a line ----------------------------------------------- */

static const char *or_dash(const char *s) { return s[0] != '\0' ? s : "-"; }

static void write_set(FILE *out, const cpu_set_t *set)
{
    if (envinfo_cpulist_write(out, set) == 0)
        putc('-', out);
}

bool affinity_record_write(FILE *out, const struct affinity_record *r)
{
    fprintf(out, "%d\t%s\t%s\t", r->threads, or_dash(r->bind), or_dash(r->places));
    for (int t = 0; t < r->team; t++) {
        const struct affinity_thread *th = &r->thread[t];
        fprintf(out, "%s%d %d %d ", t > 0 ? ";" : "", th->thread, th->place, th->cpu);
        write_set(out, &th->place_cpus);
        putc(' ', out);
        write_set(out, &th->partition);
        putc(' ', out);
        write_set(out, &th->cpus);
    }
    return ferror(out) == 0;
}

/* The text up to the next `sep` (or the end), which is cut off there. */
static char *next_field(char **p, char sep)
{
    char *start = *p;
    if (start == NULL)
        return NULL;
    char *end = strchr(start, sep);
    *p = end != NULL ? end + 1 : NULL;
    if (end != NULL)
        *end = '\0';
    return start;
}

static bool parse_int(const char *text, int lo, int *out)
{
    char *end;
    errno = 0;
    long v = text != NULL ? strtol(text, &end, 10) : 0;
    if (text == NULL || errno != 0 || end == text || *end != '\0' || v < lo ||
        v > INT_MAX)
        return false;
    *out = (int)v;
    return true;
}

static bool parse_set(const char *text, cpu_set_t *set)
{
    if (text != NULL && strcmp(text, "-") == 0) {
        CPU_ZERO(set);
        return true;
    }
    return text != NULL && envinfo_cpulist_parse(text, set);
}

/* "THREAD PLACE CPU PLACE_CPUS PARTITION CPUS" */
static bool parse_thread(char *text, struct affinity_thread *th)
{
    char *p = text;
    char *f[6];
    for (int i = 0; i < 6; i++)
        f[i] = next_field(&p, ' ');
    return p == NULL && parse_int(f[0], 0, &th->thread) &&
           parse_int(f[1], -1, &th->place) && parse_int(f[2], -1, &th->cpu) &&
           parse_set(f[3], &th->place_cpus) && parse_set(f[4], &th->partition) &&
           parse_set(f[5], &th->cpus);
}

int affinity_log_parse(struct affinity_log *log, char *line, errmsg_t *err)
{
    char *p = line;
    char *threads = next_field(&p, '\t'), *bind = next_field(&p, '\t');
    char *places = next_field(&p, '\t'), *team = next_field(&p, '\t');
    int n;
    if (team == NULL || p != NULL || !parse_int(threads, 1, &n))
        return errmsg_set(err, STATUS_USAGE, "not an affinity record");
    struct affinity_record r;
    int rc = record_init(&r, strcmp(bind, "-") == 0 ? "" : bind,
                         strcmp(places, "-") == 0 ? "" : places, n, err);
    if (rc != STATUS_OK)
        return rc;
    bool ok = true;
    for (char *q = team[0] != '\0' ? team : NULL; q != NULL && ok;) {
        char *one = next_field(&q, ';');
        ok = r.team < n && parse_thread(one, &r.thread[r.team]);
        r.team += ok;
    }
    if (!ok) {
        free(r.thread);
        return errmsg_set(err, STATUS_USAGE, "not an affinity record");
    }
    return push(log, &r, err);
}
