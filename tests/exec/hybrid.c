/* A small hybrid MPI + OpenMP program for the hybrid tests: the items
 * 0..N-1 are split over the ranks in contiguous blocks and over each rank's
 * threads, and the result is reduced across threads and ranks.
 *
 *   hybrid N int      an integer checksum (sums modulo 2^64: exact, the
 *                     same for every ranks x threads split)
 *   hybrid N fp       a floating-point sum whose rounding follows the
 *                     split (each thread, then each rank, adds its own
 *                     block): another split prints other digits
 *   hybrid N sleep S  the int checksum, then every rank sleeps S seconds
 *                     (for the signal and timeout tests)
 *   hybrid N stubborn S  the same, every rank ignoring SIGTERM (only
 *                     SIGKILL ends it)
 *
 * It also prints what reached it, for the tests to read as metrics: the
 * ranks, the threads of each rank (the smallest and largest of any rank),
 * the CPUs its threads may run on, the union of their affinity masks
 * (smallest and largest of any rank: a rank pinned to one core by its
 * launcher shows 1 however many threads it runs)
 * and OMP_SCHEDULE of rank 0. Build: mpicc -O2 -fopenmp hybrid.c */
#define _GNU_SOURCE
#include <mpi.h>
#include <omp.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { ROUNDS = 64 }; /* work per item: enough to be worth threads */

static uint64_t item(long i)
{
    uint64_t x = (uint64_t)i * 0x9e3779b97f4a7c15ULL;
    for (int k = 0; k < ROUNDS; k++)
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    return x >> 17;
}

static double fp_item(long i)
{
    return (i % 2 ? -1e8 : 1e8) / (double)(i + 1) + (double)(item(i) & 0xff) * 1e-9;
}

static void block_of(long n, int rank, int ranks, long *lo, long *hi)
{
    long q = n / ranks, r = n % ranks;
    *lo = rank * q + (rank < r ? rank : r);
    *hi = *lo + q + (rank < r ? 1 : 0);
}

/* The CPUs any thread of this rank may run on. */
static long rank_cpus(void)
{
    cpu_set_t all;
    CPU_ZERO(&all);
#pragma omp parallel default(none) shared(all)
    {
        cpu_set_t mine;
        if (sched_getaffinity(0, sizeof mine, &mine) == 0) {
#pragma omp critical
            CPU_OR(&all, &all, &mine);
        }
    }
    return CPU_COUNT(&all);
}

static void report_min_max(const char *what, long mine, int rank)
{
    long lo, hi;
    MPI_Reduce(&mine, &lo, 1, MPI_LONG, MPI_MIN, 0, MPI_COMM_WORLD);
    MPI_Reduce(&mine, &hi, 1, MPI_LONG, MPI_MAX, 0, MPI_COMM_WORLD);
    if (rank == 0)
        printf("%s: min %ld max %ld\n", what, lo, hi);
}

int main(int argc, char **argv)
{
    int provided, rank, ranks;
    MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &ranks);
    long n = argc > 1 ? atol(argv[1]) : 100000, lo, hi;
    const char *mode = argc > 2 ? argv[2] : "int";
    block_of(n, rank, ranks, &lo, &hi);
    double t0 = MPI_Wtime();
    if (strcmp(mode, "fp") == 0) {
        double mine = 0.0, sum = 0.0;
#pragma omp parallel for schedule(static) reduction(+ : mine)
        for (long i = lo; i < hi; i++)
            mine += fp_item(i);
        MPI_Reduce(&mine, &sum, 1, MPI_DOUBLE, MPI_SUM, 0, MPI_COMM_WORLD);
        if (rank == 0)
            printf("result: %.17g\n", sum);
    } else {
        uint64_t mine = 0, sum = 0;
#pragma omp parallel for schedule(runtime) reduction(+ : mine)
        for (long i = lo; i < hi; i++)
            mine += item(i);
        MPI_Reduce(&mine, &sum, 1, MPI_UINT64_T, MPI_SUM, 0, MPI_COMM_WORLD);
        if (rank == 0)
            printf("checksum: %llu\n", (unsigned long long)sum);
    }
    double t1 = MPI_Wtime();
    report_min_max("threads", omp_get_max_threads(), rank);
    report_min_max("cpus", rank_cpus(), rank);
    if (rank == 0) {
        const char *sched = getenv("OMP_SCHEDULE");
        printf("ranks: %d\n", ranks);
        printf("schedule: %s\n", sched != NULL ? sched : "-");
        printf("kernel seconds: %.6f\n", t1 - t0);
        fflush(stdout);
    }
    if (strcmp(mode, "stubborn") == 0)
        signal(SIGTERM, SIG_IGN);
    if ((strcmp(mode, "sleep") == 0 || strcmp(mode, "stubborn") == 0) && argc > 3)
        sleep((unsigned)atoi(argv[3]));
    MPI_Finalize();
    return 0;
}
