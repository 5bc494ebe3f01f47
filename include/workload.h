/* workload: the interface between the sweep and a workload. The sweep only
 * calls these hooks; it never knows what a workload computes. */
#ifndef OMPSWEEP_WORKLOAD_H
#define OMPSWEEP_WORKLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "csv.h"
#include "status.h"

/* What one timed run produced, established after the timer stopped. */
struct workload_result {
    uint64_t work;     /* shuffles, Lloyd iterations */
    uint64_t checksum; /* identical at every thread count for the same input */
    bool verified;     /* the workload's own correctness check passed */
};

struct workload {
    const char *name;
    char variant[CSV_KEY_MAX];
    char schedule[CSV_KEY_MAX];
    char size[CSV_KEY_MAX];
    void *state;
    void (*reset)(void *state); /* untimed: restore the input */
    void (*run)(void *state);   /* timed: the kernel alone */
    void (*check)(void *state, struct workload_result *out); /* untimed */
    /* Optional, after the sweep: write workload-specific tables and print
     * their summary (elbow.csv). NULL when there is nothing to report. */
    int (*report)(void *state, const struct config *cfg, const char *run_id,
                  errmsg_t *err);
    void (*destroy)(void *state);
};

/* Set up workload `which` (one WORKLOAD_* bit) for the configuration, with
 * the problem size multiplied by `scale` (weak scaling; 1 otherwise). Input
 * generation, loading and allocation happen here, untimed. */
int workload_create(unsigned which, const struct config *cfg, size_t scale,
                    struct workload *w, errmsg_t *err);

void workload_destroy(struct workload *w);

#endif
