/* affinity: see affinity.h. */
#include "study/affinity.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/openmp.h"
#include "study/envinfo.h"

static const char *const BIND_POLICIES[] = {"primary", "master", "close", "spread"};
static const char *const ABSTRACT_PLACES[] = {"threads", "cores", "sockets",
                                              "ll_caches", "numa_domains"};
enum { PLACES_COUNT_MAX = 1 << 20 };

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

/* "0-3,8" style text of the CPUs the calling thread may run on. */
static void capture_one(char *out)
{
    size_t n = omp_capture_affinity(out, AFFINITY_CPUS_MAX, "%A");
    if (n >= AFFINITY_CPUS_MAX)
        snprintf(out + AFFINITY_CPUS_MAX - 4, 4, "...");
}

/* cpus[t * AFFINITY_CPUS_MAX]: thread t's CPU list. */
static void capture(int threads, char *cpus)
{
    for (int t = 0; t < threads; t++)
        cpus[(size_t)t * AFFINITY_CPUS_MAX] = '\0';
#pragma omp parallel num_threads(threads) default(none) shared(threads, cpus)
    {
        int t = omp_get_thread_num();
        if (t < threads)
            capture_one(cpus + (size_t)t * AFFINITY_CPUS_MAX);
    }
}

static bool logged(const struct affinity_log *log, const char *bind,
                   const char *places, int threads)
{
    for (int i = 0; i < log->n; i++)
        if (log->rec[i].threads == threads && strcmp(log->rec[i].bind, bind) == 0 &&
            strcmp(log->rec[i].places, places) == 0)
            return true;
    return false;
}

int affinity_log_add(struct affinity_log *log, const char *bind,
                     const char *places, int threads, const char *cpus,
                     errmsg_t *err)
{
    if (log->n == log->cap) {
        int cap = log->cap ? 2 * log->cap : 8;
        struct affinity_record *grown = realloc(log->rec, (size_t)cap * sizeof *grown);
        if (grown == NULL)
            return errmsg_set(err, STATUS_NOMEM, "affinity: out of memory");
        log->rec = grown;
        log->cap = cap;
    }
    struct affinity_record *r = &log->rec[log->n];
    r->cpus = strdup(cpus);
    if (r->cpus == NULL)
        return errmsg_set(err, STATUS_NOMEM, "affinity: out of memory");
    snprintf(r->bind, sizeof r->bind, "%s", bind);
    snprintf(r->places, sizeof r->places, "%s", places);
    r->threads = threads;
    log->n++;
    return STATUS_OK;
}

int affinity_log_capture(struct affinity_log *log, const char *bind,
                         const char *places, int threads, errmsg_t *err)
{
    if (logged(log, bind, places, threads))
        return STATUS_OK;
    size_t cap = (size_t)threads * AFFINITY_CPUS_MAX;
    char *cpus = malloc(cap), *joined = malloc(cap + 1);
    int rc = STATUS_OK;
    if (cpus == NULL || joined == NULL)
        rc = errmsg_set(err, STATUS_NOMEM, "affinity: out of memory");
    else {
        capture(threads, cpus);
        size_t len = 0;
        for (int t = 0; t < threads; t++)
            len += (size_t)sprintf(joined + len, "%s;", cpus + (size_t)t * AFFINITY_CPUS_MAX);
        rc = affinity_log_add(log, bind, places, threads, joined, err);
    }
    free(cpus);
    free(joined);
    return rc;
}

void affinity_log_free(struct affinity_log *log)
{
    for (int i = 0; i < log->n; i++)
        free(log->rec[i].cpus);
    free(log->rec);
    log->rec = NULL;
    log->n = log->cap = 0;
}
