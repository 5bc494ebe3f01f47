/* signals: see signals.h. */
#include "base/signals.h"

#include <signal.h>
#include <string.h>

enum { SIGNAL_EXIT_BASE = 128 };

/* A handler may store to a lock-free atomic (C11 7.14.1.1); the kernels'
 * threads read it (base/cancel.h) without a data race. */
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "the signal flag must be lock-free");
static atomic_int signals_caught;

static void on_signal(int sig)
{
    int none = 0;
    atomic_compare_exchange_strong(&signals_caught, &none, sig);
}

int signals_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGINT, &sa, NULL) != 0 || sigaction(SIGTERM, &sa, NULL) != 0)
        return -1;
    return 0;
}

int signals_pending(void) { return atomic_load(&signals_caught); }

const atomic_int *signals_flag(void) { return &signals_caught; }

int signals_exit_status(int sig) { return SIGNAL_EXIT_BASE + sig; }
