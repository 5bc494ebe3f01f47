/* exec_match: what ompsweep reads from the program's stdout, line by line:
 * the checksum and the text of every --result match, and the last match
 * of each number pattern (--time, --work, --metric). Patterns are POSIX
 * extended regular expressions matched within one line; the first
 * parenthesised group, when there is one, is the part taken, else the
 * whole match. Numbers are read as programs print them: a sign, thousands
 * separators ("1,000,000"), a decimal point, an exponent; units and other
 * words are left to the pattern. */
#ifndef OMPSWEEP_EXEC_EXEC_MATCH_H
#define OMPSWEEP_EXEC_EXEC_MATCH_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/status.h"

enum {
    EXEC_NUMBER_TEXT = 64,     /* the text of one number match */
    EXEC_RESULTS_MAX = 16,     /* --result patterns */
    EXEC_NUMBERS_MAX = 18,     /* --time, --work and the metrics */
    EXEC_TEXT_MAX = 64 * 1024, /* result text kept for comparisons */
    EXEC_DIFF_TEXT = 64        /* one side of a difference, in messages */
};

/* One compiled pattern; `option` names it in messages. */
struct exec_pattern {
    const char *option;
    const char *text;
    bool active;
    regex_t re;
};

/* What one run's output gave. */
struct exec_scan {
    uint64_t hash;   /* of every --result match, in order */
    size_t nresult;  /* --result matches */
    size_t matched[EXEC_RESULTS_MAX]; /* ... of each pattern */
    bool mask_numbers; /* hash the numbers of a match as one placeholder */
    char *text;      /* the matches, one per line (EXEC_TEXT_MAX + 1 bytes) */
    size_t len;      /* ... bytes of it */
    bool cut;        /* the matches did not fit into text */
    bool found[EXEC_NUMBERS_MAX];
    char number[EXEC_NUMBERS_MAX][EXEC_NUMBER_TEXT]; /* last match of each */
};

/* Compile `text` (NULL: p->active false). STATUS_USAGE naming the option
 * and regerror's reason for a bad pattern. */
int exec_pattern_compile(struct exec_pattern *p, const char *option,
                         const char *text, errmsg_t *err);
void exec_pattern_free(struct exec_pattern *p);

/* Start a run: text must hold EXEC_TEXT_MAX + 1 bytes. */
void exec_scan_start(struct exec_scan *s, char *text, bool mask_numbers);

/* Feed one line: every match of each result pattern (patterns in order),
 * then the last match of each number pattern. */
void exec_scan_line(struct exec_scan *s, const struct exec_pattern *results,
                    int nresults, const struct exec_pattern *numbers, int nnumbers,
                    const char *line);

/* The number `text` (a match) into *out; false when the whole text (spaces
 * around it aside) is not one finite number. */
bool exec_number(const char *text, double *out);

/* The step of the last printed digit of the number `text`: 0.01 for
 * "12.34", 1 for "1,234", 1e-5 for "1.234e-02"; 0 when not a number. */
double exec_number_resolution(const char *text);

/* --result-tolerance: numbers agree when |x - y| <= max(abs, rel * max(|x|,
 * |y|)). */
struct exec_tolerance {
    double rel, abs;
};

/* The first place where two result texts differ. */
struct exec_diff {
    char a[EXEC_DIFF_TEXT], b[EXEC_DIFF_TEXT]; /* the value (or text) of each */
    bool numbers;    /* both are numbers (then compared within tolerance) */
};

/* Whether result texts a and b agree: the same text between the numbers,
 * and the numbers as written (tol NULL) or within *tol. When they do not,
 * *d (if not NULL) holds the first value that differs. */
bool exec_text_agree(const char *a, size_t alen, const char *b, size_t blen,
                     const struct exec_tolerance *tol, struct exec_diff *d);

#endif
