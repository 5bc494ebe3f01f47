/* exec_match: see exec_match.h. */
#include "exec/exec_match.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const uint64_t FNV_OFFSET = 0xcbf29ce484222325ULL;
static const uint64_t FNV_PRIME = 0x100000001b3ULL;
/* Between two matches, so that "ab","c" and "a","bc" differ. */
static const unsigned char MATCH_SEPARATOR = 0x1f;

int exec_pattern_compile(struct exec_pattern *p, const char *option,
                         const char *text, errmsg_t *err)
{
    memset(p, 0, sizeof *p);
    p->option = option;
    if (text == NULL)
        return STATUS_OK;
    int code = regcomp(&p->re, text, REG_EXTENDED);
    if (code != 0) {
        char why[128];
        regerror(code, &p->re, why, sizeof why);
        return errmsg_set(err, STATUS_USAGE, "%s: bad regular expression '%s' (%s)",
                          option, text, why);
    }
    p->active = true;
    return STATUS_OK;
}

void exec_pattern_free(struct exec_pattern *p)
{
    if (p->active)
        regfree(&p->re);
    p->active = false;
}

void exec_scan_start(struct exec_scan *s)
{
    memset(s, 0, sizeof *s);
    s->hash = FNV_OFFSET;
}

static uint64_t hash_bytes(uint64_t h, const char *text, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)text[i]) * FNV_PRIME;
    return (h ^ MATCH_SEPARATOR) * FNV_PRIME;
}

/* The taken part of one match: group 1 when the pattern has groups. */
static regmatch_t taken(const struct exec_pattern *p, const regmatch_t *m)
{
    return p->re.re_nsub > 0 && m[1].rm_so >= 0 ? m[1] : m[0];
}

/* Every --result match of the line, left to right. */
static void scan_result(struct exec_scan *s, const struct exec_pattern *p,
                        const char *line)
{
    regmatch_t m[2];
    const char *end = line + strlen(line);
    int flags = 0;
    for (const char *at = line; at <= end; flags = REG_NOTBOL) {
        if (regexec(&p->re, at, 2, m, flags) != 0)
            break;
        regmatch_t t = taken(p, m);
        s->hash = hash_bytes(s->hash, at + t.rm_so, (size_t)(t.rm_eo - t.rm_so));
        s->nresult++;
        if (m[0].rm_eo > 0)
            at += m[0].rm_eo;
        else if (at == end)
            break;
        else
            at++; /* an empty match moves on by one character */
    }
}

/* The last match of the line (if any) into text. */
static bool scan_last(const struct exec_pattern *p, const char *line, char *text,
                      size_t cap)
{
    regmatch_t m[2];
    if (regexec(&p->re, line, 2, m, 0) != 0)
        return false;
    regmatch_t t = taken(p, m);
    snprintf(text, cap, "%.*s", (int)(t.rm_eo - t.rm_so), line + t.rm_so);
    return true;
}

void exec_scan_line(struct exec_scan *s, const struct exec_pattern *result,
                    const struct exec_pattern *time, const struct exec_pattern *work,
                    const char *line)
{
    if (result->active)
        scan_result(s, result, line);
    if (time->active && scan_last(time, line, s->time, sizeof s->time))
        s->has_time = true;
    if (work->active && scan_last(work, line, s->work, sizeof s->work))
        s->has_work = true;
}

bool exec_number(const char *text, double *out)
{
    char *end;
    double v = strtod(text, &end);
    while (end != text && (*end == ' ' || *end == '\t'))
        end++;
    if (end == text || *end != '\0' || !isfinite(v) || v < 0)
        return false;
    *out = v;
    return true;
}
