/* optparse: the value parsers of command-line options; see optparse.h. */
#include "base/optparse.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Integer in [min, max]; the whole text must be a base-10 number. */
int optparse_long(const char *opt, const char *text, long min, long max,
                      long *out, errmsg_t *err)
{
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    /* digits, or a '-' for a clearer "out of range"; no spaces, no '+' */
    if (end == text || *end != '\0' || isspace((unsigned char)text[0]) || text[0] == '+')
        return errmsg_set(err, STATUS_USAGE,
                          "%s: '%s' is not an integer (accepted %ld..%ld)",
                          opt, text, min, max);
    if (errno == ERANGE || v < min || v > max)
        return errmsg_set(err, STATUS_USAGE,
                          "%s: '%s' is out of range (accepted %ld..%ld)", opt,
                          text, min, max);
    *out = v;
    return STATUS_OK;
}

int optparse_int(const char *opt, const char *text, long min, long max,
                     int *out, errmsg_t *err)
{
    long v = 0;
    int rc = optparse_long(opt, text, min, max, &v, err);
    if (rc == STATUS_OK)
        *out = (int)v;
    return rc;
}

int optparse_size(const char *opt, const char *text, long min, long max,
                      size_t *out, errmsg_t *err)
{
    long v = 0;
    int rc = optparse_long(opt, text, min, max, &v, err);
    if (rc == STATUS_OK)
        *out = (size_t)v;
    return rc;
}

/* Finite double in the open/closed range given by the caller's check. */
int optparse_double(const char *opt, const char *text, double min,
                        double max, double *out, errmsg_t *err)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end != '\0' || isspace((unsigned char)text[0]) ||
        !isfinite(v))
        return errmsg_set(err, STATUS_USAGE,
                          "%s: '%s' is not a finite number (accepted %g..%g)",
                          opt, text, min, max);
    if (errno == ERANGE || v < min || v > max)
        return errmsg_set(err, STATUS_USAGE,
                          "%s: '%s' is out of range (accepted %g..%g)", opt,
                          text, min, max);
    *out = v;
    return STATUS_OK;
}

/* Index of `text` in names[0..n), or -1. */
static int lookup_name(const char *text, const char *const *names, int n)
{
    for (int i = 0; i < n; i++)
        if (strcmp(text, names[i]) == 0)
            return i;
    return -1;
}

int optparse_choice(const char *opt, const char *text,
                        const char *const *names, int n, int *out,
                        errmsg_t *err)
{
    int i = lookup_name(text, names, n);
    if (i < 0) {
        char accepted[128] = "";
        for (int j = 0; j < n; j++) {
            strcat(accepted, names[j]);
            if (j + 1 < n)
                strcat(accepted, "|");
        }
        return errmsg_set(err, STATUS_USAGE, "%s: unknown value '%s' (accepted %s)",
                          opt, text, accepted);
    }
    *out = i;
    return STATUS_OK;
}

/* One list entry: N, A-B or A-B:S, or "max". Marks the counts in `seen`. */
static int count_item(const char *opt, const char *item, int nprocs,
                             bool *seen, errmsg_t *err)
{
    long lo, hi, step = 1;
    char buf[64];
    if (strcmp(item, "max") == 0) {
        seen[nprocs < OPTPARSE_COUNT_MAX ? nprocs : OPTPARSE_COUNT_MAX] = true;
        return STATUS_OK;
    }
    if (strlen(item) >= sizeof buf || item[0] == '\0')
        return errmsg_set(err, STATUS_USAGE, "%s: bad entry '%s' "
                          "(expected N, A-B, A-B:STEP or max)", opt, item);
    strcpy(buf, item);
    char *colon = strchr(buf, ':');
    char *dash = strchr(buf, '-');
    if (colon != NULL)
        *colon = '\0';
    if (dash == buf) /* a leading '-' is a negative number, not a range */
        dash = strchr(buf + 1, '-');
    if (dash != NULL)
        *dash = '\0';
    if ((colon != NULL && dash == NULL) ||
        optparse_long(opt, buf, 1, OPTPARSE_COUNT_MAX, &lo, err) != STATUS_OK ||
        (dash != NULL &&
         optparse_long(opt, dash + 1, 1, OPTPARSE_COUNT_MAX, &hi, err) != STATUS_OK) ||
        (colon != NULL &&
         optparse_long(opt, colon + 1, 1, OPTPARSE_COUNT_MAX, &step, err) != STATUS_OK))
        return errmsg_set(err, STATUS_USAGE, "%s: bad entry '%s' (expected N, "
                          "A-B or A-B:STEP with counts 1..%d, or max)", opt,
                          item, OPTPARSE_COUNT_MAX);
    if (dash == NULL)
        hi = lo;
    if (hi < lo)
        return errmsg_set(err, STATUS_USAGE, "%s: range '%s' is empty "
                          "(start > end)", opt, item);
    for (long t = lo; t <= hi; t += step)
        seen[t] = true;
    return STATUS_OK;
}

int optparse_counts(const char *opt, const char *text, int nprocs, int *out, int *count,
                    errmsg_t *err)
{
    bool seen[OPTPARSE_COUNT_MAX + 1] = {false};
    char *copy = strdup(text);
    if (copy == NULL)
        return errmsg_set(err, STATUS_NOMEM, "out of memory");
    int rc = STATUS_OK;
    char *p = copy;
    for (;;) {
        char *comma = strchr(p, ',');
        if (comma != NULL)
            *comma = '\0';
        rc = count_item(opt, p, nprocs, seen, err);
        if (rc != STATUS_OK || comma == NULL)
            break;
        p = comma + 1;
    }
    free(copy);
    if (rc != STATUS_OK)
        return rc;
    *count = 0;
    for (int t = 1; t <= OPTPARSE_COUNT_MAX; t++) {
        if (!seen[t])
            continue;
        if (*count == OPTPARSE_COUNTS_MAX)
            return errmsg_set(err, STATUS_USAGE, "%s: more than %d thread "
                              "counts in '%s'", opt, OPTPARSE_COUNTS_MAX, text);
        out[(*count)++] = t;
    }
    return STATUS_OK;
}

/* A comma list of choices ("chunks,rows"), each kept once in the order
 * given; out has room for every choice. A later option replaces the list. */
int optparse_choice_list(const char *opt, const char *text,
                             const char *const *names, int n, int *out,
                             int *count, errmsg_t *err)
{
    char item[OPTPARSE_ITEM_MAX];
    *count = 0;
    for (const char *p = text;;) {
        size_t len = strcspn(p, ",");
        snprintf(item, sizeof item, "%.*s", (int)(len < sizeof item ? len : sizeof item - 1), p);
        int v, rc = optparse_choice(opt, item, names, n, &v, err);
        if (rc != STATUS_OK)
            return rc;
        bool seen = false;
        for (int i = 0; i < *count; i++)
            seen = seen || out[i] == v;
        if (!seen)
            out[(*count)++] = v;
        if (p[len] == '\0')
            return STATUS_OK;
        p += len + 1;
    }
}

/* Room for one more value of a repeatable option, else a usage error. */
int optparse_room(const char *opt, int count, errmsg_t *err)
{
    if (count >= OPTPARSE_VALUES_MAX)
        return errmsg_set(err, STATUS_USAGE, "%s: more than %d values",
                          opt, OPTPARSE_VALUES_MAX);
    return STATUS_OK;
}

/* Keep `value` in list[*count] unless it is there already. */
int optparse_add_text(const char *opt, const char **list, int *count,
                    const char *value, errmsg_t *err)
{
    for (int i = 0; i < *count; i++)
        if (strcmp(list[i], value) == 0)
            return STATUS_OK;
    int rc = optparse_room(opt, *count, err);
    if (rc == STATUS_OK)
        list[(*count)++] = value;
    return rc;
}

int optparse_nonempty(const char *opt, const char *arg, const char **out, errmsg_t *err)
{
    if (arg[0] == '\0')
        return errmsg_set(err, STATUS_USAGE, "%s: empty value", opt);
    *out = arg;
    return STATUS_OK;
}

/* a * b * c without overflow, else false. */
static bool size_product(size_t a, size_t b, size_t c, size_t *out)
{
    if (b != 0 && a > SIZE_MAX / b)
        return false;
    if (c != 0 && a * b > SIZE_MAX / c)
        return false;
    *out = a * b * c;
    return true;
}

/* Bytes of physical memory, or SIZE_MAX when unknown. */
static size_t physical_memory(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    if (pages <= 0 || page <= 0 || (size_t)pages > SIZE_MAX / (size_t)page)
        return SIZE_MAX;
    return (size_t)pages * (size_t)page;
}

/* Refuse, before any work, a problem that cannot fit in memory: `copies`
 * matrices of n x d elements of `elem` bytes each. */
int optparse_fits(const char *what, size_t n, size_t d, size_t elem,
                      size_t copies, errmsg_t *err)
{
    size_t bytes, limit = physical_memory();
    if (!size_product(n, d, elem, &bytes) || bytes > limit / copies)
        return errmsg_set(err, STATUS_USAGE, "%s: %zu x %zu needs more than the "
                          "%.1f GiB of memory of this machine", what, n, d,
                          (double)limit / (1024.0 * 1024.0 * 1024.0));
    return STATUS_OK;
}
