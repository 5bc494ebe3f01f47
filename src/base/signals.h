/* signals: SIGINT/SIGTERM set a flag; kernels that poll it (bogosort,
 * elbow: base/cancel.h) stop within a second and their run is dropped,
 * others end their run; the sweep then stops, keeps every row written and
 * exits 130/143. The flag is the one global of the program. */
#ifndef OMPSWEEP_BASE_SIGNALS_H
#define OMPSWEEP_BASE_SIGNALS_H

#include <stdatomic.h>

/* Install the handlers. Returns 0, or -1 if sigaction failed. */
int signals_install(void);

/* The signal that asked us to stop (SIGINT or SIGTERM), or 0. */
int signals_pending(void);

/* The flag itself, for kernels to poll (base/cancel.h): non-zero once a
 * signal came. */
const atomic_int *signals_flag(void);

/* The exit status for a pending signal: 128 + its number. */
int signals_exit_status(int sig);

#endif
