/* harness: see tests/harness.h. */
#include "harness.h"

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
