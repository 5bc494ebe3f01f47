/* workload: the generic side of the workload interface; see workload.h. */
#include "study/run/workload.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "base/par.h"
#include "base/signals.h"
#include "study/analyze/summary.h"

int workload_create(const struct workload_kind *kind, const void *opts,
                    const struct sweep_options *sw, int variant, size_t scale,
                    struct workload *w, errmsg_t *err)
{
    memset(w, 0, sizeof *w);
    int rc = kind->create(opts, sw, variant, scale, w, err);
    /* Weak-scaling rows carry the suffix so that summaries span sizes. */
    if (rc == STATUS_OK && sw->scaling == SCALING_WEAK)
        strncat(w->variant, WORKLOAD_WEAK_SUFFIX,
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

void workload_duration_text(double seconds, char *buf, size_t cap)
{
    static const struct {
        double seconds;
        const char *name;
    } units[] = {{365.25 * 86400.0, "years"}, {86400.0, "days"},
                 {3600.0, "hours"}, {60.0, "minutes"}};
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (seconds >= units[i].seconds) {
            snprintf(buf, cap, "%.3g %s", seconds / units[i].seconds, units[i].name);
            return;
        }
    snprintf(buf, cap, "%.3g s", seconds);
}

int workload_cut_outcome(void *state, errmsg_t *err)
{
    (void)state;
    (void)err;
    int sig = signals_pending();
    if (!par_any(sig != 0))
        return STATUS_OK;
    return signals_exit_status(sig != 0 ? sig : SIGTERM);
}
