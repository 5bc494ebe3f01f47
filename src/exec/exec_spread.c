/* exec_spread: see exec_spread.h. */
#include "exec/exec_spread.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "study/record/warnings.h"

enum { FIRST_CELLS = 16, STEPS_MIN = 2, LIST_TEXT = 96 };

static struct exec_spread_cell *cell_of(struct exec_spread *sp, int ranks, int threads,
                                        const char *schedule)
{
    for (size_t i = 0; i < sp->n; i++)
        if (sp->cells[i].ranks == ranks && sp->cells[i].threads == threads &&
            strcmp(sp->cells[i].schedule, schedule) == 0)
            return &sp->cells[i];
    if (sp->n == sp->cap) {
        size_t cap = sp->cap ? 2 * sp->cap : FIRST_CELLS;
        struct exec_spread_cell *grown = realloc(sp->cells, cap * sizeof *grown);
        if (grown == NULL)
            return NULL;
        sp->cells = grown;
        sp->cap = cap;
    }
    struct exec_spread_cell *c = &sp->cells[sp->n++];
    *c = (struct exec_spread_cell){.ranks = ranks, .threads = threads, .min = INFINITY,
                                   .max = -INFINITY};
    snprintf(c->schedule, sizeof c->schedule, "%s", schedule);
    return c;
}

void exec_spread_add(struct exec_spread *sp, int ranks, int threads, const char *schedule,
                     double seconds, double step)
{
    struct exec_spread_cell *c = cell_of(sp, ranks, threads, schedule);
    if (c == NULL)
        return;
    c->min = fmin(c->min, seconds);
    c->max = fmax(c->max, seconds);
    c->step = fmax(c->step, step);
    c->n++;
}

static bool coarse(const struct exec_spread_cell *c)
{
    return c->n >= 2 && c->step > 0 && c->max - c->min < STEPS_MIN * c->step * (1 - 1e-9);
}

void exec_spread_advise(const struct exec_spread *sp, const char *pattern,
                        struct warnings *w)
{
    char list[LIST_TEXT] = "";
    size_t used = 0;
    int blocks = 0;
    double step = 0, spread = 0;
    for (size_t i = 0; i < sp->n; i++) {
        const struct exec_spread_cell *c = &sp->cells[i];
        if (!coarse(c))
            continue;
        if (used + 24 < sizeof list && c->ranks > 0)
            used += (size_t)snprintf(list + used, sizeof list - used, "%s%dx%d",
                                     blocks ? "," : "", c->ranks, c->threads);
        else if (used + 24 < sizeof list)
            used += (size_t)snprintf(list + used, sizeof list - used, "%s%d",
                                     blocks ? "," : "", c->threads);
        step = fmax(step, c->step);
        spread = fmax(spread, c->max - c->min);
        blocks++;
    }
    if (blocks > 0)
        warnings_add(w, "--time '%.40s': the program prints its seconds to %g s, coarse "
                     "against their spread (max - min %g s) at %s%s: medians snap "
                     "to multiples of %g s; print more digits or leave --time out (wall "
                     "clock)", pattern, step, spread,
                     sp->cells[0].ranks > 0 ? "ranks x threads " : "threads=", list, step);
}

void exec_spread_free(struct exec_spread *sp)
{
    free(sp->cells);
    sp->cells = NULL;
    sp->n = sp->cap = 0;
}
