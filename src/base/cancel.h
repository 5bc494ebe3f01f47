/* cancel: the flag a long kernel polls so that a run can be stopped
 * (SIGINT, SIGTERM) without waiting for its end. The harness owns the flag
 * (base/signals.c sets it from the signal handler: a lock-free atomic, as
 * C11 allows there) and hands kernels a pointer to it through their
 * parameters; kernels only read it, and never learn why it was set.
 *
 * A kernel polls at points where the work since the last poll is bounded
 * (a row, a block of samples, an iteration: well under a second at any
 * accepted size), stops soon after the flag becomes non-zero, and leaves
 * its results incomplete: the adapter then reports the run as cut, and the
 * sweep records nothing of it. A NULL flag is never set. */
#ifndef OMPSWEEP_BASE_CANCEL_H
#define OMPSWEEP_BASE_CANCEL_H

#include <stdatomic.h>
#include <stdbool.h>

#include "base/status.h"

/* What a kernel function returns when it stopped on the flag (its outputs
 * are incomplete). The adapter, which knows the signal, reports 128 + it. */
enum { CANCEL_STATUS = STATUS_SIGTERM };

/* Whether the run was asked to stop: one relaxed load, cheap enough to
 * poll in a loop over rows or blocks. */
static inline bool cancel_requested(const atomic_int *flag)
{
    return flag != NULL && atomic_load_explicit(flag, memory_order_relaxed) != 0;
}

#endif
