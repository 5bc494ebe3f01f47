/* registry: the table of workloads; see registry.h. */
#include "registry.h"

#include <stdio.h>
#include <string.h>

#include "bogosort/bogosort_workload.h"
#include "elbow/elbow_workload.h"
#include "exec/exec_workload.h"

static const char REGISTRY_ALL[] = "all";

static const struct workload_kind *const builtin_rows[REGISTRY_COUNT] = {
    [REGISTRY_BOGOSORT] = &bogosort_kind,
    [REGISTRY_ELBOW] = &elbow_kind,
    [REGISTRY_EXEC] = &exec_kind,
};

const struct registry registry_builtin = {builtin_rows, REGISTRY_COUNT};

unsigned registry_lookup(const struct registry *r, const char *name)
{
    if (strcmp(name, REGISTRY_ALL) == 0) {
        unsigned all = 0;
        for (int i = 0; i < r->n; i++)
            all |= r->rows[i]->command != NULL ? 0u : 1u << i;
        return all;
    }
    for (int i = 0; i < r->n; i++)
        if (strcmp(name, r->rows[i]->name) == 0)
            return 1u << i;
    return 0;
}

void registry_choices(const struct registry *r, char *buf, size_t cap)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int i = 0; i <= r->n && len < cap; i++) {
        const char *name = i < r->n ? r->rows[i]->name : REGISTRY_ALL;
        int n = snprintf(buf + len, cap - len, "%s%s", i > 0 ? "|" : "", name);
        if (n < 0)
            break;
        len += (size_t)n;
    }
}
