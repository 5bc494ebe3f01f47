/* registry: the table of workloads. WORKLOAD parsing, the `all` set and the
 * --help list all come from it, so adding a workload is one row here and
 * its own folder under src/. It is the one place that names every workload;
 * the harness (src/study/) only sees the workload interface. */
#ifndef OMPSWEEP_REGISTRY_H
#define OMPSWEEP_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>

#include "study/record/metadata.h"
#include "study/run/workload.h"

/* Row indices of the table, in the order a study runs them. */
enum registry_id { REGISTRY_BOGOSORT, REGISTRY_ELBOW, REGISTRY_EXEC, REGISTRY_COUNT };

/* Workload selections are bit sets over the table's rows. */
enum workload_bits {
    WORKLOAD_BOGOSORT = 1u << REGISTRY_BOGOSORT,
    WORKLOAD_ELBOW = 1u << REGISTRY_ELBOW,
    WORKLOAD_EXEC = 1u << REGISTRY_EXEC,
    WORKLOAD_ALL = (1u << REGISTRY_COUNT) - 1
};

struct registry_entry {
    const char *name;    /* as typed on the command line and in runs.csv */
    const char *summary; /* one line for --help */
    workload_variants_fn variants;
    workload_create_fn create;
    /* Runs a command given after "--" (exec): alone, and not part of `all`. */
    bool command;
    /* Optional: the program it runs in ompsweep's place, for metadata.json
     * (untimed, before the sweep). NULL for the built-in workloads. */
    int (*describe)(const struct config *cfg, struct metadata_program *out, errmsg_t *err);
};

extern const struct registry_entry registry[REGISTRY_COUNT];

/* The bit set that `name` selects (`all`: every built-in workload), or 0 when no
 * workload has that name. */
unsigned registry_lookup(const char *name);

/* "bogosort|elbow|all" into buf (truncated to cap), for messages. */
void registry_choices(char *buf, size_t cap);

#endif
