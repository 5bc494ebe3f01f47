/* sweep_options: see sweep_options.h. */
#include "study/run/sweep_options.h"

const char *const sweep_scaling_names[SCALING_COUNT] = {"strong", "weak"};
const char *const sweep_order_names[ORDER_COUNT] = {"interleaved", "random", "blocked"};

const char *sweep_scaling_name(enum scaling s) { return sweep_scaling_names[s]; }
const char *sweep_order_name(enum order o) { return sweep_order_names[o]; }

bool sweep_cell_selected(const struct sweep_options *o, int ranks, int threads)
{
    for (int i = 0; i < o->ncores; i++)
        if ((long)ranks * threads == o->cores[i])
            return true;
    return o->ncores == 0;
}
