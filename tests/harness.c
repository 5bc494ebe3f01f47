/* harness: see tests/harness.h. */
#include "harness.h"

#include <math.h>
#include <stdlib.h>

int harness_failures;
static int harness_passed_count, harness_failed_count;

void harness_run(const char *name, void (*test)(void))
{
    harness_failures = 0;
    test();
    if (harness_failures == 0) {
        harness_passed_count++;
        printf("ok   %s\n", name);
    } else {
        harness_failed_count++;
        printf("FAIL %s (%d checks)\n", name, harness_failures);
    }
    fflush(stdout);
}

int harness_report(void)
{
    printf("RESULT %d %d\n", harness_passed_count, harness_failed_count);
    return harness_failed_count == 0 ? 0 : 1;
}

double *harness_fixture(const char *path, const char *name, size_t *rows,
                        size_t *cols)
{
    FILE *f = fopen(path, "r");
    char line[256], key[128];
    double *v = NULL;
    CHECK_MSG(f != NULL, "cannot open %s", path);
    while (f != NULL && v == NULL && fgets(line, sizeof line, f) != NULL) {
        if (sscanf(line, "%127s %zu %zu", key, rows, cols) != 3 ||
            strcmp(key, name) != 0)
            continue;
        size_t count = *rows * *cols;
        v = malloc((count ? count : 1) * sizeof *v);
        for (size_t i = 0; v != NULL && i < count; i++)
            v[i] = fgets(line, sizeof line, f) ? strtod(line, NULL) : NAN;
    }
    if (f != NULL)
        fclose(f);
    CHECK_MSG(v != NULL, "fixture section %s missing from %s", name, path);
    return v;
}
