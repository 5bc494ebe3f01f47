/* An OpenMP program whose floating-point reduction depends on the thread
 * count (each thread adds its own block, then the partial sums are added):
 * the exec tests expect ompsweep to catch the difference. Usage: sum_fp N */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 1000000;
    double sum = 0.0;
#pragma omp parallel for schedule(static) reduction(+ : sum)
    for (long i = 0; i < n; i++)
        sum += 1.0 / (double)(i + 1) * ((i % 2) ? -1e8 : 1e8);
    printf("result: %.17g\n", sum);
    return 0;
}
