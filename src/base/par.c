/* par: see par.h. One file, two builds: MPI and single-rank stand-ins. */
#include "base/par.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef OMPSWEEP_MPI
#include <mpi.h>

enum { PAR_HOST_MAX = 256 };

int par_init(int *argc, char ***argv)
{
    int provided;
    if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS)
        return -1;
    return provided >= MPI_THREAD_FUNNELED ? 0 : -1;
}

void par_finalize(void) { MPI_Finalize(); }

bool par_mpi_build(void) { return true; }

_Noreturn void par_abort(int status)
{
    MPI_Abort(MPI_COMM_WORLD, status);
    exit(status); /* not reached */
}

int par_rank(void)
{
    int r;
    MPI_Comm_rank(MPI_COMM_WORLD, &r);
    return r;
}

int par_size(void)
{
    int s;
    MPI_Comm_size(MPI_COMM_WORLD, &s);
    return s;
}

/* Gather host names on every rank and count the distinct ones. */
int par_nodes(void)
{
    int n = par_size(), distinct = 0;
    char mine[PAR_HOST_MAX] = {0};
    gethostname(mine, sizeof mine - 1);
    char *all = calloc((size_t)n, PAR_HOST_MAX);
    if (all == NULL)
        return 0;
    MPI_Allgather(mine, PAR_HOST_MAX, MPI_CHAR, all, PAR_HOST_MAX, MPI_CHAR,
                  MPI_COMM_WORLD);
    for (int i = 0; i < n; i++) {
        bool seen = false;
        for (int j = 0; j < i && !seen; j++)
            seen = strcmp(all + (size_t)i * PAR_HOST_MAX, all + (size_t)j * PAR_HOST_MAX) == 0;
        distinct += !seen;
    }
    free(all);
    return distinct;
}

void par_library_version(char *buf, size_t cap)
{
    char v[MPI_MAX_LIBRARY_VERSION_STRING];
    int len;
    MPI_Get_library_version(v, &len);
    v[strcspn(v, "\n")] = '\0'; /* first line only */
    snprintf(buf, cap, "%s", v);
}

void par_barrier(void) { MPI_Barrier(MPI_COMM_WORLD); }

double par_max_double(double v)
{
    double out;
    MPI_Allreduce(&v, &out, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
    return out;
}

bool par_any(bool flag)
{
    int in = flag, out;
    MPI_Allreduce(&in, &out, 1, MPI_INT, MPI_LOR, MPI_COMM_WORLD);
    return out != 0;
}

bool par_all(bool flag)
{
    int in = flag, out;
    MPI_Allreduce(&in, &out, 1, MPI_INT, MPI_LAND, MPI_COMM_WORLD);
    return out != 0;
}

uint64_t par_sum_u64(uint64_t v)
{
    uint64_t out;
    MPI_Allreduce(&v, &out, 1, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
    return out;
}

int par_gather_bytes(const void *mine, size_t bytes, void *all, size_t total)
{
    int n = par_size(), count = (int)bytes, rc;
    int *counts = malloc((size_t)n * sizeof *counts);
    int *displs = malloc((size_t)n * sizeof *displs);
    if (counts == NULL || displs == NULL || bytes > (size_t)INT32_MAX) {
        free(counts), free(displs);
        return -1;
    }
    MPI_Gather(&count, 1, MPI_INT, counts, 1, MPI_INT, 0, MPI_COMM_WORLD);
    size_t offset = 0;
    for (int i = 0; par_root() && i < n; i++) {
        displs[i] = (int)offset;
        offset += (size_t)counts[i];
    }
    rc = par_root() && offset != total ? -1 : 0;
    MPI_Gatherv(mine, count, MPI_BYTE, all, counts, displs, MPI_BYTE, 0,
                MPI_COMM_WORLD);
    free(counts);
    free(displs);
    return rc;
}

void par_broadcast(void *buf, size_t bytes)
{
    MPI_Bcast(buf, (int)bytes, MPI_BYTE, 0, MPI_COMM_WORLD);
}

#else /* one rank */

int par_init(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

void par_finalize(void) {}

bool par_mpi_build(void) { return false; }
_Noreturn void par_abort(int status) { exit(status); }
int par_rank(void) { return 0; }
int par_size(void) { return 1; }
int par_nodes(void) { return 1; }
void par_library_version(char *buf, size_t cap) { snprintf(buf, cap, "none"); }
void par_barrier(void) {}
double par_max_double(double v) { return v; }
bool par_any(bool flag) { return flag; }
bool par_all(bool flag) { return flag; }
uint64_t par_sum_u64(uint64_t v) { return v; }

int par_gather_bytes(const void *mine, size_t bytes, void *all, size_t total)
{
    if (bytes != total)
        return -1;
    if (bytes > 0 && mine != all)
        memcpy(all, mine, bytes);
    return 0;
}

void par_broadcast(void *buf, size_t bytes)
{
    (void)buf;
    (void)bytes;
}

#endif

bool par_root(void) { return par_rank() == 0; }
