/* workload: the generic side of the workload interface; see workload.h. */
#include "study/workload.h"

#include <string.h>

#include "base/par.h"
#include "study/summary.h"

int workload_create(workload_create_fn create, const struct config *cfg,
                    int variant, size_t scale, struct workload *w, errmsg_t *err)
{
    memset(w, 0, sizeof *w);
    int rc = create(cfg, variant, scale, w, err);
    /* Weak-scaling rows carry the suffix so that summaries span sizes. */
    if (rc == STATUS_OK && cfg->scaling == SCALING_WEAK)
        strncat(w->variant, SUMMARY_WEAK_SUFFIX,
                sizeof w->variant - strlen(w->variant) - 1);
    return rc;
}

void workload_destroy(struct workload *w)
{
    if (w->destroy != NULL && w->state != NULL)
        w->destroy(w->state);
    w->state = NULL;
}

void workload_result_share(struct workload_result *out)
{
    if (par_size() > 1)
        par_broadcast(out, sizeof *out);
}
