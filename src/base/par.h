/* par: the distributed layer. With `make MPI=1` (OMPSWEEP_MPI) it wraps MPI:
 * ranks split the work, rank 0 writes every file and prints. Without MPI
 * every function is a cheap stand-in for a single rank, so callers need no
 * #ifdefs. Threads never call MPI (MPI_THREAD_FUNNELED). */
#ifndef OMPSWEEP_BASE_PAR_H
#define OMPSWEEP_BASE_PAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { PAR_VERSION_MAX = 256 };

/* MPI_Init_thread(FUNNELED). Returns 0, or -1 when MPI cannot give it. */
int par_init(int *argc, char ***argv);
void par_finalize(void);

/* End every rank at once with `status` as exit code (MPI_Abort). */
_Noreturn void par_abort(int status);

/* True in a build with MPI (make MPI=1), whatever the number of ranks. */
bool par_mpi_build(void);

int par_rank(void);
int par_size(void);
bool par_root(void); /* rank 0: the one that writes and prints */

/* Distinct host names among the ranks (1 without MPI). */
int par_nodes(void);

/* The MPI library's version string, or "none". */
void par_library_version(char *buf, size_t cap);

void par_barrier(void);

/* Maximum of v over all ranks, on every rank. */
double par_max_double(double v);

/* Logical OR of flag over all ranks, on every rank (agreeing to stop). */
bool par_any(bool flag);

/* Logical AND of flag over all ranks, on every rank. */
bool par_all(bool flag);

/* Sum of v over all ranks, on every rank. */
uint64_t par_sum_u64(uint64_t v);

/* Concatenate every rank's `bytes` bytes at `mine` on rank 0, in rank order,
 * into `all` (rank 0 only; `all` must hold the sum of every rank's bytes).
 * `counts` and `displs` are computed here. Returns 0 or -1. */
int par_gather_bytes(const void *mine, size_t bytes, void *all, size_t total);

/* Copy `bytes` bytes from rank 0 to every rank. */
void par_broadcast(void *buf, size_t bytes);

#endif
