/* registry: the table of workloads; see registry.h. */
#include "registry.h"

#include <stdio.h>
#include <string.h>

#include "bogosort/bogosort_workload.h"
#include "elbow/elbow_workload.h"
#include "exec/exec_program.h"
#include "exec/exec_workload.h"

static const char REGISTRY_ALL[] = "all";

const struct registry_entry registry[REGISTRY_COUNT] = {
    [REGISTRY_BOGOSORT] = {"bogosort", "bogosort every row of a random integer matrix",
                           bogosort_workload_variants, bogosort_workload_create, false,
                           NULL},
    [REGISTRY_ELBOW] = {"elbow", "k-means + silhouette elbow search over a cluster range",
                        elbow_workload_variants, elbow_workload_create, false, NULL},
    [REGISTRY_EXEC] = {"exec", "your own program: ompsweep exec [options] -- PROGRAM [ARG...]",
                       exec_workload_variants, exec_workload_create, true,
                       exec_program_describe},
};

unsigned registry_lookup(const char *name)
{
    if (strcmp(name, REGISTRY_ALL) == 0) {
        unsigned all = 0;
        for (int i = 0; i < REGISTRY_COUNT; i++)
            all |= registry[i].command ? 0u : 1u << i;
        return all;
    }
    for (int i = 0; i < REGISTRY_COUNT; i++)
        if (strcmp(name, registry[i].name) == 0)
            return 1u << i;
    return 0;
}

void registry_choices(char *buf, size_t cap)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int i = 0; i <= REGISTRY_COUNT && len < cap; i++) {
        const char *name = i < REGISTRY_COUNT ? registry[i].name : REGISTRY_ALL;
        int n = snprintf(buf + len, cap - len, "%s%s", i > 0 ? "|" : "", name);
        if (n < 0)
            break;
        len += (size_t)n;
    }
}
