/* harness: a tiny unit-test harness. A test is a function; it passes when all
 * its CHECKs hold. Each test binary ends by printing "RESULT <passed> <failed>",
 * which tests/run.sh adds up into the closing "N passed, N failed" line. */
#ifndef OMPSWEEP_HARNESS_H
#define OMPSWEEP_HARNESS_H

#include <stdio.h>
#include <string.h>

extern int harness_failures; /* failed checks in the running test */

void harness_run(const char *name, void (*test)(void));
int harness_report(void); /* prints RESULT line; returns process exit code */

/* Section `name` of a fixture file written by a tests/fixtures script: a
 * line "<name> <rows> <cols>" then rows x cols values, one per line. Returns
 * a new array (caller frees), or NULL after a failed CHECK if missing. */
double *harness_fixture(const char *path, const char *name, size_t *rows,
                        size_t *cols);

#define CHECK(cond)                                                          \
    do {                                                                     \
        if (!(cond)) {                                                       \
            fprintf(stderr, "  %s:%d: CHECK failed: %s\n", __FILE__,        \
                    __LINE__, #cond);                                        \
            harness_failures++;                                              \
        }                                                                    \
    } while (0)

#define CHECK_MSG(cond, ...)                                                 \
    do {                                                                     \
        if (!(cond)) {                                                       \
            fprintf(stderr, "  %s:%d: CHECK failed: %s: ", __FILE__,        \
                    __LINE__, #cond);                                        \
            fprintf(stderr, __VA_ARGS__);                                    \
            fputc('\n', stderr);                                             \
            harness_failures++;                                              \
        }                                                                    \
    } while (0)

#define CHECK_STR(a, b) CHECK_MSG(strcmp((a), (b)) == 0, "\"%s\" != \"%s\"", (a), (b))
#define CHECK_NEAR(a, b, tol)                                                \
    CHECK_MSG(fabs((double)(a) - (double)(b)) <= (tol), "%.17g vs %.17g", \
              (double)(a), (double)(b))

#define RUN(test) harness_run(#test, test)

#endif
