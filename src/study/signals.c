/* signals: see signals.h. */
#include "study/signals.h"

#include <signal.h>
#include <string.h>

enum { SIGNAL_EXIT_BASE = 128 };

static volatile sig_atomic_t signals_caught;

static void on_signal(int sig)
{
    if (signals_caught == 0)
        signals_caught = sig;
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

int signals_pending(void) { return signals_caught; }

int signals_exit_status(int sig) { return SIGNAL_EXIT_BASE + sig; }
