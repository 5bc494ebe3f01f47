/* exec_spread: whether the seconds a program prints (--time) are fine
 * enough for the spread of its run times. A program that prints 2
 * significant digits (LULESH's "Elapsed time = 3.8 (s)") makes every run
 * of a block one of two or three values, and the median snaps to them:
 * the study warns when a block's runs spread over less than two steps of
 * the printed resolution. */
#ifndef OMPSWEEP_EXEC_EXEC_SPREAD_H
#define OMPSWEEP_EXEC_EXEC_SPREAD_H

#include <stddef.h>

#include "base/status.h"

struct warnings;

/* The printed times of one block (rank and thread count, OMP_SCHEDULE). */
struct exec_spread_cell {
    int ranks;    /* 0: no --launcher (the threads name the block) */
    int threads;
    char schedule[32];
    double min, max, step; /* step: the coarsest resolution printed */
    int n;
};

struct exec_spread {
    struct exec_spread_cell *cells;
    size_t n, cap;
};

/* One printed time and its resolution (exec_number_resolution). Out of
 * memory only loses the warning. */
void exec_spread_add(struct exec_spread *sp, int ranks, int threads, const char *schedule,
                     double seconds, double step);

/* One warning naming the blocks whose times are printed too coarsely. */
void exec_spread_advise(const struct exec_spread *sp, const char *pattern,
                        struct warnings *w);

void exec_spread_free(struct exec_spread *sp);

#endif
