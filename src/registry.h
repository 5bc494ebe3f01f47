/* registry: the table of workloads. WORKLOAD parsing, the `all` set, the
 * long options and the --help text all come from it, so adding a workload
 * is its own folder under src/ (its options, its kernel, its adapter with
 * a struct workload_kind) and one row here. It is the one place that
 * names every workload; the harness (src/study/) only sees the workload
 * interface (study/run/workload.h). */
#ifndef OMPSWEEP_REGISTRY_H
#define OMPSWEEP_REGISTRY_H

#include <stddef.h>

#include "study/run/workload.h"

/* A table of workloads, in the order a study runs them. */
struct registry {
    const struct workload_kind *const *rows;
    int n;
};

/* The program's own table, and the row index of each of its workloads. */
enum registry_id { REGISTRY_BOGOSORT, REGISTRY_ELBOW, REGISTRY_EXEC, REGISTRY_COUNT };
extern const struct registry registry_builtin;

/* Workload selections are bit sets over a table's rows. */
enum workload_bits {
    WORKLOAD_BOGOSORT = 1u << REGISTRY_BOGOSORT,
    WORKLOAD_ELBOW = 1u << REGISTRY_ELBOW,
    WORKLOAD_EXEC = 1u << REGISTRY_EXEC,
    WORKLOAD_ALL = (1u << REGISTRY_COUNT) - 1
};

/* The bit set that `name` selects (`all`: every workload that is not a
 * command), or 0 when no row has that name. */
unsigned registry_lookup(const struct registry *r, const char *name);

/* "bogosort|elbow|exec|all" into buf (truncated to cap), for messages. */
void registry_choices(const struct registry *r, char *buf, size_t cap);

#endif
