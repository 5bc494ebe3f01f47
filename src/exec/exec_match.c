/* exec_match: see exec_match.h. */
#include "exec/exec_match.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const uint64_t FNV_OFFSET = 0xcbf29ce484222325ULL;
static const uint64_t FNV_PRIME = 0x100000001b3ULL;
/* Between two matches, so that "ab","c" and "a","bc" differ. */
static const unsigned char MATCH_SEPARATOR = 0x1f;
/* Stands for a number in a hash of the text around the numbers. */
static const unsigned char NUMBER_MARK = 0x1e;
enum { GROUP_DIGITS = 3, LEAD_DIGITS_MAX = 3 };

int exec_pattern_compile(struct exec_pattern *p, const char *option,
                         const char *text, errmsg_t *err)
{
    memset(p, 0, sizeof *p);
    p->option = option;
    p->text = text;
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

void exec_scan_start(struct exec_scan *s, char *text, bool mask_numbers)
{
    memset(s, 0, sizeof *s);
    s->hash = FNV_OFFSET;
    s->text = text;
    s->text[0] = '\0';
    s->mask_numbers = mask_numbers;
}

static bool digit_at(const char *s, size_t n, size_t i)
{
    return i < n && isdigit((unsigned char)s[i]);
}

/* Length of the number that starts at s[i] (0: none): [sign] digits with
 * optional thousands groups (",ddd"), [.digits], [e[sign]digits]. A sign
 * belongs to the number only where `sign_ok`. */
static size_t number_span(const char *s, size_t n, size_t i, bool sign_ok)
{
    size_t start = i, lead = 0, frac = 0;
    if (sign_ok && i < n && (s[i] == '+' || s[i] == '-'))
        i++;
    while (digit_at(s, n, i))
        i++, lead++;
    while (lead >= 1 && lead <= LEAD_DIGITS_MAX && i < n && s[i] == ',' &&
           digit_at(s, n, i + 1) && digit_at(s, n, i + 2) && digit_at(s, n, i + 3) &&
           !digit_at(s, n, i + 1 + GROUP_DIGITS))
        i += 1 + GROUP_DIGITS;
    if (i < n && s[i] == '.' && digit_at(s, n, i + 1))
        for (i++; digit_at(s, n, i); i++)
            frac++;
    if (lead == 0 && frac == 0)
        return 0;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        size_t j = i + 1;
        if (j < n && (s[j] == '+' || s[j] == '-'))
            j++;
        if (digit_at(s, n, j)) {
            while (digit_at(s, n, j))
                j++;
            i = j;
        }
    }
    return i - start;
}

/* A sign starts a number only where no word or number runs into it. */
static bool sign_allowed(const char *s, size_t i)
{
    return i == 0 || !(isalnum((unsigned char)s[i - 1]) || s[i - 1] == '.');
}

static size_t number_at(const char *s, size_t n, size_t i)
{
    return number_span(s, n, i, sign_allowed(s, i));
}

/* The value of the number s[0..len), thousands separators dropped. */
static double number_value(const char *s, size_t len)
{
    char buf[EXEC_NUMBER_TEXT];
    size_t k = 0;
    for (size_t i = 0; i < len && k + 1 < sizeof buf; i++)
        if (s[i] != ',')
            buf[k++] = s[i];
    buf[k] = '\0';
    return strtod(buf, NULL);
}

bool exec_number(const char *text, double *out)
{
    size_t n = strlen(text), i = 0;
    while (i < n && isspace((unsigned char)text[i]))
        i++;
    size_t len = number_span(text, n, i, true);
    size_t end = i + len;
    while (end < n && isspace((unsigned char)text[end]))
        end++;
    if (len == 0 || end != n || len >= EXEC_NUMBER_TEXT)
        return false;
    double v = number_value(text + i, len);
    if (!isfinite(v))
        return false;
    *out = v;
    return true;
}

double exec_number_resolution(const char *text)
{
    double v;
    if (!exec_number(text, &v))
        return 0.0;
    const char *dot = strchr(text, '.'), *e = strpbrk(text, "eE");
    int frac = 0;
    if (dot != NULL)
        for (const char *p = dot + 1; isdigit((unsigned char)*p); p++)
            frac++;
    int exponent = e != NULL ? atoi(e + 1) : 0;
    return pow(10.0, exponent - frac);
}

static uint64_t hash_bytes(uint64_t h, const char *text, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)text[i]) * FNV_PRIME;
    return h;
}

/* The text with each number hashed as NUMBER_MARK. */
static uint64_t hash_masked(uint64_t h, const char *text, size_t n)
{
    for (size_t i = 0; i < n;) {
        size_t len = number_at(text, n, i);
        if (len > 0) {
            h = (h ^ NUMBER_MARK) * FNV_PRIME;
            i += len;
        } else {
            h = (h ^ (unsigned char)text[i++]) * FNV_PRIME;
        }
    }
    return h;
}

/* One taken part: into the hash and the text. */
static void take_match(struct exec_scan *s, const char *at, size_t n)
{
    s->hash = s->mask_numbers ? hash_masked(s->hash, at, n) : hash_bytes(s->hash, at, n);
    s->hash = (s->hash ^ MATCH_SEPARATOR) * FNV_PRIME;
    s->nresult++;
    if (s->cut || s->len + n + 1 > EXEC_TEXT_MAX) {
        s->cut = true;
        return;
    }
    memcpy(s->text + s->len, at, n);
    s->len += n;
    s->text[s->len++] = '\n';
    s->text[s->len] = '\0';
}

/* The taken part of one match: group 1 when the pattern has groups. */
static regmatch_t taken(const struct exec_pattern *p, const regmatch_t *m)
{
    return p->re.re_nsub > 0 && m[1].rm_so >= 0 ? m[1] : m[0];
}

/* Every match of one result pattern in the line, left to right. */
static void scan_result(struct exec_scan *s, const struct exec_pattern *p,
                        size_t *matched, const char *line)
{
    regmatch_t m[2];
    const char *end = line + strlen(line);
    int flags = 0;
    for (const char *at = line; at <= end; flags = REG_NOTBOL) {
        if (regexec(&p->re, at, 2, m, flags) != 0)
            break;
        regmatch_t t = taken(p, m);
        take_match(s, at + t.rm_so, (size_t)(t.rm_eo - t.rm_so));
        (*matched)++;
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

void exec_scan_line(struct exec_scan *s, const struct exec_pattern *results,
                    int nresults, const struct exec_pattern *numbers, int nnumbers,
                    const char *line)
{
    for (int i = 0; i < nresults && i < EXEC_RESULTS_MAX; i++)
        if (results[i].active)
            scan_result(s, &results[i], &s->matched[i], line);
    for (int i = 0; i < nnumbers && i < EXEC_NUMBERS_MAX; i++)
        if (numbers[i].active &&
            scan_last(&numbers[i], line, s->number[i], sizeof s->number[i]))
            s->found[i] = true;
}

/* Whether the numbers x and y are the same: as written, or within *tol. */
static bool same_number(const char *x, size_t xn, const char *y, size_t yn,
                        const struct exec_tolerance *tol)
{
    if (tol == NULL)
        return xn == yn && memcmp(x, y, xn) == 0;
    double a = number_value(x, xn), b = number_value(y, yn);
    double scale = fmax(fabs(a), fabs(b));
    return fabs(a - b) <= fmax(tol->abs, tol->rel * scale);
}

/* The line of s around position i, into out. */
static void line_around(const char *s, size_t n, size_t i, char *out, size_t cap)
{
    size_t b = i, e = i;
    if (i >= n) {
        snprintf(out, cap, "%s", "(no more matches)");
        return;
    }
    while (b > 0 && s[b - 1] != '\n')
        b--;
    while (e < n && s[e] != '\n')
        e++;
    snprintf(out, cap, "%.*s", (int)(e - b), s + b);
}

static bool differ(struct exec_diff *d, const char *a, size_t an, size_t i, size_t ilen,
                   const char *b, size_t bn, size_t j, size_t jlen, bool numbers)
{
    if (d == NULL)
        return false;
    d->numbers = numbers;
    if (numbers) {
        snprintf(d->a, sizeof d->a, "%.*s", (int)ilen, a + i);
        snprintf(d->b, sizeof d->b, "%.*s", (int)jlen, b + j);
    } else {
        line_around(a, an, i, d->a, sizeof d->a);
        line_around(b, bn, j, d->b, sizeof d->b);
    }
    return false;
}

bool exec_text_agree(const char *a, size_t alen, const char *b, size_t blen,
                     const struct exec_tolerance *tol, struct exec_diff *d)
{
    size_t i = 0, j = 0;
    while (i < alen && j < blen) {
        size_t na = number_at(a, alen, i), nb = number_at(b, blen, j);
        if (na > 0 && nb > 0) {
            if (!same_number(a + i, na, b + j, nb, tol))
                return differ(d, a, alen, i, na, b, blen, j, nb, true);
            i += na, j += nb;
        } else if (na > 0 || nb > 0 || a[i] != b[j]) {
            return differ(d, a, alen, i, 0, b, blen, j, 0, false);
        } else {
            i++, j++;
        }
    }
    if (i < alen || j < blen)
        return differ(d, a, alen, i < alen ? i : alen, 0, b, blen, j < blen ? j : blen, 0,
                      false);
    return true;
}
