/* exec_names: see exec_names.h. */
#include "exec/exec_names.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "study/record/csv.h"
#include "study/run/workload.h"

enum { NUMBER_TEXT = 32 };

char *exec_replace(const char *text, const char *key, long value)
{
    char number[NUMBER_TEXT];
    size_t n = 0, klen = strlen(key);
    int nlen = snprintf(number, sizeof number, "%ld", value);
    for (const char *p = strstr(text, key); p != NULL; p = strstr(p + klen, key))
        n++;
    char *out = malloc(strlen(text) + n * (size_t)nlen + 1), *o = out;
    if (out == NULL)
        return NULL;
    for (const char *p = text; *p != '\0';) {
        if (strncmp(p, key, klen) == 0) {
            memcpy(o, number, (size_t)nlen);
            o += nlen, p += klen;
        } else {
            *o++ = *p++;
        }
    }
    *o = '\0';
    return out;
}

char *exec_substitute(const char *text, long count)
{
    return exec_replace(text, EXEC_THREADS_PLACEHOLDER, count);
}

char *exec_substitute_cell(const char *text, long ranks, long threads)
{
    char *r = exec_replace(text, EXEC_RANKS_PLACEHOLDER, ranks);
    char *out = r != NULL ? exec_replace(r, EXEC_THREADS_PLACEHOLDER, threads) : NULL;
    free(r);
    return out;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash != NULL ? slash + 1 : path;
}

/* Whether `path` names a file or directory (relative ones from --chdir's
 * directory when there is one). */
static bool exists(const struct exec_options *opt, const char *path, size_t len)
{
    char full[2 * 4096];
    struct stat st;
    if (opt->chdir != NULL && path[0] != '/')
        snprintf(full, sizeof full, "%s/%.*s", opt->chdir, (int)len, path);
    else
        snprintf(full, sizeof full, "%.*s", (int)len, path);
    return stat(full, &st) == 0;
}

/* One word of the arguments into out: a path (after an '=', if any) to
 * something that exists becomes its last component. */
static size_t put_word(const struct exec_options *opt, const char *w, size_t len, char *out)
{
    const char *eq = memchr(w, '=', len), *path = eq != NULL ? eq + 1 : w;
    size_t plen = len - (size_t)(path - w), end = plen;
    while (end > 1 && path[end - 1] == '/')
        end--; /* "dir/" names dir */
    size_t last = end;
    while (last > 0 && path[last - 1] != '/')
        last--;
    bool shorten = memchr(path, '/', end) != NULL && last < end && exists(opt, path, plen);
    size_t head = shorten ? (size_t)(path - w) : len;
    memcpy(out, w, head);
    if (shorten)
        memcpy(out + head, path + last, end - last);
    return head + (shorten ? end - last : 0);
}

/* The default size: the arguments, paths shortened; malloc'd ("-" when
 * there are none), NULL when out of memory. */
static char *default_size(const struct exec_options *opt)
{
    size_t cap = 2;
    for (int i = 1; i < opt->ncommand; i++)
        cap += strlen(opt->command[i]) + 1;
    char *out = malloc(cap), *o = out;
    if (out == NULL)
        return NULL;
    for (int i = 1; i < opt->ncommand; i++) {
        if (i > 1)
            *o++ = ' ';
        for (const char *p = opt->command[i]; *p != '\0';) {
            size_t len = strcspn(p, " ");
            o += put_word(opt, p, len, o);
            p += len;
            if (*p == ' ')
                *o++ = *p++;
        }
    }
    if (o == out)
        *o++ = '-';
    *o = '\0';
    return out;
}

/* A column value that does not fit: the message names what fixes it. */
static int too_long(const char *column, const char *value, const char *suffix,
                    size_t most, const char *fix, errmsg_t *err)
{
    return errmsg_set(err, STATUS_USAGE, "exec: the %s column would be '%s%s' (%zu "
                      "characters, at most %zu): %s", column, value, suffix,
                      strlen(value) + strlen(suffix), most, fix);
}

int exec_names_check(const struct exec_options *opt, enum scaling scaling, errmsg_t *err)
{
    size_t most = CSV_KEY_MAX - 1;
    const char *weak = scaling == SCALING_WEAK ? WORKLOAD_WEAK_SUFFIX : "";
    const char *name = opt->name != NULL ? opt->name : base_name(opt->command[0]);
    if (strlen(name) + strlen(weak) > most)
        return too_long("variant", name, weak, most, opt->name != NULL
                        ? "shorten --name NAME" : "name it with --name NAME", err);
    if (opt->size != NULL)
        return STATUS_OK; /* parse_label checked it; {threads} only shortens it */
    char *size = default_size(opt);
    if (size == NULL)
        return errmsg_set(err, STATUS_NOMEM, "exec: out of memory");
    int rc = strlen(size) > most ? too_long("size", size, "", most, "name it with --size "
                                            "TEXT", err) : STATUS_OK;
    free(size);
    return rc;
}

int exec_names_fill(const struct exec_options *opt, enum scaling scaling, size_t scale,
                    char *variant, size_t vcap, char *size, size_t scap, errmsg_t *err)
{
    int rc = exec_names_check(opt, scaling, err);
    if (rc != STATUS_OK)
        return rc;
    snprintf(variant, vcap, "%s",
             opt->name != NULL ? opt->name : base_name(opt->command[0]));
    char *text = opt->size == NULL ? default_size(opt) : strdup(opt->size);
    /* Weak scaling: each count's own problem ("--n 2000"), as bogosort's
     * rows. Strong: one problem at every count, so the pattern stays
     * ("-t {threads}"): the count would split the block and lose its
     * speedup. */
    if (text != NULL && scaling == SCALING_WEAK) {
        char *scaled = exec_substitute(text, (long)scale);
        free(text);
        text = scaled;
    }
    if (text == NULL)
        return errmsg_set(err, STATUS_NOMEM, "exec: out of memory");
    snprintf(size, scap, "%s", text);
    free(text);
    return STATUS_OK;
}
