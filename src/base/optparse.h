/* optparse: the value parsers of command-line options, shared by the face
 * (config.c) and every workload's own options (src/WORKLOAD/WORKLOAD_options.c).
 * Each takes the option's name for its message: a failure is STATUS_USAGE
 * with one line naming the option and what it accepts. */
#ifndef OMPSWEEP_BASE_OPTPARSE_H
#define OMPSWEEP_BASE_OPTPARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/status.h"

enum {
    OPTPARSE_COUNT_MAX = 4096, /* largest count of a count list (threads, ranks) */
    OPTPARSE_COUNTS_MAX = 256, /* entries of one count list */
    OPTPARSE_VALUES_MAX = 16,  /* values of one repeatable option */
    OPTPARSE_ITEM_MAX = 32     /* longest item of a choice list */
};

/* Returned by an option handler for an option that is not its own. */
enum { OPTPARSE_NOT_MINE = -1 };

/* An integer in [min, max]; the whole text must be a base-10 number. */
int optparse_long(const char *opt, const char *text, long min, long max, long *out,
                  errmsg_t *err);
int optparse_int(const char *opt, const char *text, long min, long max, int *out,
                 errmsg_t *err);
int optparse_size(const char *opt, const char *text, long min, long max, size_t *out,
                  errmsg_t *err);

/* A finite number in [min, max]. */
int optparse_double(const char *opt, const char *text, double min, double max,
                    double *out, errmsg_t *err);

/* The index of `text` among names[0..n). */
int optparse_choice(const char *opt, const char *text, const char *const *names, int n,
                    int *out, errmsg_t *err);

/* A comma list of choices ("chunks,rows"), each kept once in the order
 * given; out has room for every choice. A later option replaces the list. */
int optparse_choice_list(const char *opt, const char *text, const char *const *names,
                         int n, int *out, int *count, errmsg_t *err);

/* A count list ("1,2,4", "1-8", "1-16:2", "max" = nprocs, or a mix) into
 * ascending unique counts 1..OPTPARSE_COUNT_MAX, at most
 * OPTPARSE_COUNTS_MAX of them. */
int optparse_counts(const char *opt, const char *text, int nprocs, int *out, int *count,
                    errmsg_t *err);

/* Room for one more value of a repeatable option (count <
 * OPTPARSE_VALUES_MAX). */
int optparse_room(const char *opt, int count, errmsg_t *err);

/* Keep `value` in list[*count] unless it is there already. */
int optparse_add_text(const char *opt, const char **list, int *count, const char *value,
                      errmsg_t *err);

/* A value that must not be empty. */
int optparse_nonempty(const char *opt, const char *arg, const char **out, errmsg_t *err);

/* Refuse, before any work, a problem that cannot fit in memory: `copies`
 * matrices of n x d elements of `elem` bytes each (`what` names the
 * options, "--rows x --cols"). */
int optparse_fits(const char *what, size_t n, size_t d, size_t elem, size_t copies,
                  errmsg_t *err);

#endif
