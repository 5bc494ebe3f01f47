/* lulesh_like: a stand-in that prints the way LULESH 2.0 does at the end of
 * a run, for the exec tests: a "Final Origin Energy" that is the same at
 * every thread count, a symmetry check ("MaxAbsDiff") whose last digits
 * depend on the thread count (a floating-point reduction), the elapsed
 * time with two significant digits as LULESH prints it, and a figure of
 * merit. Usage: lulesh_like [-s SIZE] [-i ITERATIONS] */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { DEFAULT_SIZE = 30, DEFAULT_ITERATIONS = 20 };

int main(int argc, char **argv)
{
    long size = DEFAULT_SIZE, iterations = DEFAULT_ITERATIONS;
    for (int i = 1; i + 1 < argc; i++) {
        if (strcmp(argv[i], "-s") == 0)
            size = atol(argv[++i]);
        else if (strcmp(argv[i], "-i") == 0)
            iterations = atol(argv[++i]);
    }
    long elements = size * size * size;
    double start = omp_get_wtime(), energy = 0.0, forward = 0.0;
    for (long it = 0; it < iterations; it++) {
        /* every element on its own: exact at any thread count */
#pragma omp parallel for schedule(static) reduction(max : energy)
        for (long e = 0; e < elements; e++) {
            double v = 1.0e5 + (double)((e * 7919 + it) % 1000);
            energy = v > energy ? v : energy;
        }
        /* a sum whose rounding depends on how the threads split it */
        forward = 0.0;
#pragma omp parallel for schedule(static) reduction(+ : forward)
        for (long e = 0; e < elements; e++)
            forward += 1.0e-3 / (double)(e + 1) * ((e % 3) ? 1.0 : -1.0);
    }
    double serial = 0.0;
    for (long e = elements - 1; e >= 0; e--)
        serial += 1.0e-3 / (double)(e + 1) * ((e % 3) ? 1.0 : -1.0);
    double elapsed = omp_get_wtime() - start;
    double max_abs_diff = fabs(forward - serial) * 1.0e3 + 1.0e-11;
    printf("Run completed:\n");
    printf("   Problem size        =  %ld\n", size);
    printf("   MPI tasks           =  1\n");
    printf("   Iteration count     =  %ld\n", iterations);
    printf("   Final Origin Energy =  %12.6e\n", energy * 3.0);
    printf("   Testing Plane 0 of Energy Array on rank 0:\n");
    printf("        MaxAbsDiff   = %12.6e\n", max_abs_diff);
    printf("\nElapsed time         = %10.2g (s)\n", elapsed);
    double grind = elapsed * 1e6 / (double)iterations / (double)elements;
    printf("Grind time (us/z/c)  = %10.8g (per dom)  (%10.8g overall)\n", grind, elapsed);
    printf("FOM                  = %10.8g (z/s)\n\n", 1000.0 / grind);
    return 0;
}
