/* lock_cost: what the per-row lock of runs.csv costs on one file system.
 *
 *     lock_cost DIR [ROWS [ROUNDS]]
 *
 * Appends ROWS rows of runs.csv size to DIR/lock_cost.csv, one write(2)
 * each, in three ways side by side: unlocked, under flock and under fcntl
 * record locks (through src/study/record/filelock.c, as ompsweep takes them). The
 * ways alternate over ROUNDS rounds so that drift on a shared machine hits
 * them alike; the median round of each is printed as microseconds per row
 * and as a ratio to the unlocked append. Uncontended: one process. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "study/record/filelock.h"

enum { WAYS = 3, ROUNDS_MAX = 99, ROW_BYTES = 160 };

static const char *const WAY_NAMES[WAYS] = {"unlocked", "flock", "fcntl"};
static const enum filelock_kind WAY_KINDS[WAYS] = {FILELOCK_NONE, FILELOCK_FLOCK,
                                                   FILELOCK_FCNTL};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Seconds per row for `rows` appends locked by `kind`; negative on error. */
static double append_rows(const char *path, enum filelock_kind kind, long rows)
{
    char row[ROW_BYTES];
    memset(row, 'x', sizeof row);
    row[sizeof row - 1] = '\n';
    int fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return -1;
    errmsg_t err;
    double t0 = now();
    for (long i = 0; i < rows; i++) {
        enum filelock_kind k = kind; /* forced: no flock-then-fcntl probing */
        if (filelock_acquire(fd, &k, path, &err) != STATUS_OK ||
            write(fd, row, sizeof row) != (ssize_t)sizeof row) {
            close(fd);
            return -1;
        }
        filelock_release(fd, k);
    }
    double t = now() - t0;
    close(fd);
    return t / (double)rows;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: lock_cost DIR [ROWS [ROUNDS]]\n");
        return 2;
    }
    long rows = argc > 2 ? atol(argv[2]) : 20000;
    int rounds = argc > 3 ? atoi(argv[3]) : 7;
    if (rows < 1 || rounds < 1 || rounds > ROUNDS_MAX) {
        fprintf(stderr, "lock_cost: ROWS >= 1, ROUNDS 1..%d\n", ROUNDS_MAX);
        return 2;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/lock_cost.csv", argv[1]);
    static double t[WAYS][ROUNDS_MAX];
    for (int r = 0; r < rounds; r++)
        for (int w = 0; w < WAYS; w++)
            if ((t[w][r] = append_rows(path, WAY_KINDS[w], rows)) < 0) {
                perror(path);
                return 3;
            }
    unlink(path);
    printf("%-9s %12s %9s   (%ld rows x %d rounds, median round, %s)\n", "lock",
           "us/row", "ratio", rows, rounds, argv[1]);
    double base = 0;
    for (int w = 0; w < WAYS; w++) {
        qsort(t[w], (size_t)rounds, sizeof t[w][0], by_value);
        double median = t[w][rounds / 2];
        base = w == 0 ? median : base;
        printf("%-9s %12.3f %9.2f\n", WAY_NAMES[w], 1e6 * median, median / base);
    }
    return 0;
}
