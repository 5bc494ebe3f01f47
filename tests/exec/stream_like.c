/* stream_like: a small STREAM for the exec tests, printing its table the
 * way STREAM does: one line per kernel (Copy, Scale, Add, Triad) with the
 * best rate in MB/s and the average, minimum and maximum time, then the
 * validation line. The rates are measured (the tests check their form, not
 * their values). With a second argument "broken" the validation fails;
 * like STREAM it then still exits 0, so only --result can catch it.
 * Usage: stream_like [N [broken]] (N doubles per array, default 400000) */
#include <float.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { DEFAULT_N = 400000, NTIMES = 6, KERNELS = 4 };
static const double SCALAR = 3.0;

static void kernel(int k, double *a, double *b, double *c, long n)
{
#pragma omp parallel for schedule(static) default(none) shared(k, a, b, c, n, SCALAR)
    for (long j = 0; j < n; j++) {
        switch (k) {
        case 0: c[j] = a[j]; break;
        case 1: b[j] = SCALAR * c[j]; break;
        case 2: c[j] = a[j] + b[j]; break;
        default: a[j] = b[j] + SCALAR * c[j]; break;
        }
    }
}

int main(int argc, char **argv)
{
    static const char *const names[KERNELS] = {"Copy:      ", "Scale:     ",
                                               "Add:       ", "Triad:     "};
    static const double words[KERNELS] = {2, 2, 3, 3};
    long n = argc > 1 ? atol(argv[1]) : DEFAULT_N;
    int broken = argc > 2 && strcmp(argv[2], "broken") == 0;
    double *a = malloc((size_t)n * sizeof *a), *b = malloc((size_t)n * sizeof *b);
    double *c = malloc((size_t)n * sizeof *c);
    if (a == NULL || b == NULL || c == NULL)
        return 1;
#pragma omp parallel for schedule(static)
    for (long j = 0; j < n; j++)
        a[j] = 1.0, b[j] = 2.0, c[j] = 0.0;
    double t[KERNELS][NTIMES];
    for (int r = 0; r < NTIMES; r++)
        for (int k = 0; k < KERNELS; k++) {
            double t0 = omp_get_wtime();
            kernel(k, a, b, c, n);
            t[k][r] = omp_get_wtime() - t0;
        }
    printf("Number of Threads counted = %d\n", omp_get_max_threads());
    printf("-------------------------------------------------------------\n");
    printf("Function    Best Rate MB/s  Avg time     Min time     Max time\n");
    for (int k = 0; k < KERNELS; k++) {
        double lo = FLT_MAX, hi = 0, sum = 0;
        for (int r = 1; r < NTIMES; r++) { /* the first run is discarded */
            lo = t[k][r] < lo ? t[k][r] : lo;
            hi = t[k][r] > hi ? t[k][r] : hi;
            sum += t[k][r];
        }
        double mb = 1.0e-6 * words[k] * sizeof(double) * (double)n;
        printf("%s%12.1f  %11.6f  %11.6f  %11.6f\n", names[k], mb / lo,
               sum / (NTIMES - 1), lo, hi);
    }
    printf("-------------------------------------------------------------\n");
    double ea = 1.0, eb = 2.0, ec = 0.0;
    for (int r = 0; r < NTIMES; r++)
        ec = ea, eb = SCALAR * ec, ec = ea + eb, ea = eb + SCALAR * ec;
    if (broken)
        a[n / 2] += 1.0;
    double err = 0;
    for (long j = 0; j < n; j++)
        err += fabs(a[j] - ea) + fabs(b[j] - eb) + fabs(c[j] - ec);
    if (err / (double)n / ea < 1e-13)
        printf("Solution Validates: avg error less than 1.000000e-13 on all three arrays\n");
    else
        printf("Failed Validation on array a[], AvgRelAbsErr > epsilon (1.000000e-13)\n");
    printf("-------------------------------------------------------------\n");
    free(a), free(b), free(c);
    return 0;
}
