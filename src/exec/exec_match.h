/* exec_match: what ompsweep reads from the program's stdout, line by line:
 * the checksum of every --result match, and the numbers --time and --work
 * name. Patterns are POSIX extended regular expressions matched within one
 * line; the first parenthesised group, when there is one, is the part
 * taken, else the whole match. */
#ifndef OMPSWEEP_EXEC_EXEC_MATCH_H
#define OMPSWEEP_EXEC_EXEC_MATCH_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/status.h"

enum { EXEC_NUMBER_TEXT = 64 };

/* One compiled pattern; `option` names it in messages. */
struct exec_pattern {
    const char *option;
    bool active;
    regex_t re;
};

/* What one run's output gave. */
struct exec_scan {
    uint64_t hash;   /* of every --result match, in order */
    size_t nresult;  /* --result matches */
    bool has_time, has_work;
    char time[EXEC_NUMBER_TEXT], work[EXEC_NUMBER_TEXT]; /* the last match of each */
};

/* Compile `text` (NULL: p->active false). STATUS_USAGE naming the option
 * and regerror's reason for a bad pattern. */
int exec_pattern_compile(struct exec_pattern *p, const char *option,
                         const char *text, errmsg_t *err);
void exec_pattern_free(struct exec_pattern *p);

void exec_scan_start(struct exec_scan *s);

/* Feed one line to the three patterns. */
void exec_scan_line(struct exec_scan *s, const struct exec_pattern *result,
                    const struct exec_pattern *time, const struct exec_pattern *work,
                    const char *line);

/* The number `text` (a --time or --work match) into *out; false when it is
 * not a finite number >= 0. */
bool exec_number(const char *text, double *out);

#endif
