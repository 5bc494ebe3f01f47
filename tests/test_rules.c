/* Tests of the elbow rules on curves whose answers are worked out by hand. */
#include <math.h>

#include "harness.h"
#include "elbow/rules.h"

/* The source notebook's rule returns k_range[argmax(diff) + 1]. */
static void test_maxdelta(void)
{
    const double s[] = {0.40, 0.60, 0.55, 0.75, 0.70}; /* diffs .2 -.05 .2 -.05 */
    CHECK(rules_maxdelta(s, 5) == 1); /* first maximum wins */
    const double t[] = {0.5, 0.4, 0.9};
    CHECK(rules_maxdelta(t, 3) == 2);
    CHECK(rules_maxdelta(t, 1) == -1);
    const double u[] = {0.5, NAN, 0.9};
    CHECK(rules_maxdelta(u, 3) == -1);
}

static void test_max(void)
{
    const double s[] = {0.40, 0.75, 0.55, 0.75};
    CHECK(rules_max(s, 4) == 1);
    const double u[] = {0.5, NAN};
    CHECK(rules_max(u, 2) == -1);
}

/* y = 1/x on x = 1..10: the difference curve (1 - y') - x' is
 * 0, .444, .519, .500, .444, .370, ... with its maximum at x = 3; the
 * threshold .519 - 1/9 = .407 is first undercut at x = 6, so the knee is
 * x = 3 (kneed's KneeLocator(convex, decreasing) gives 3 as well). */
static void test_kneedle_hyperbola(void)
{
    double x[10], y[10];
    for (int i = 0; i < 10; i++) {
        x[i] = i + 1;
        y[i] = 1.0 / x[i];
    }
    CHECK(rules_kneedle(x, y, 10) == 2);
}

/* A sharp elbow: steep drop to k = 4, then nearly flat: difference curve
 * 0, .288, .576, .432, ...: knee at k = 4. */
static void test_kneedle_sharp(void)
{
    const double x[] = {2, 3, 4, 5, 6, 7, 8};
    const double y[] = {100, 60, 20, 18, 16, 14, 12};
    CHECK(rules_kneedle(x, y, 7) == 2);
}

static void test_kneedle_undefined(void)
{
    const double x[] = {1, 2, 3, 4};
    const double flat[] = {5, 5, 5, 5};
    CHECK(rules_kneedle(x, flat, 4) == -1);
    const double line[] = {4, 3, 2, 1}; /* straight: difference curve is 0 */
    CHECK(rules_kneedle(x, line, 4) == -1);
    CHECK(rules_kneedle(x, line, 2) == -1);
}

int main(void)
{
    RUN(test_maxdelta);
    RUN(test_max);
    RUN(test_kneedle_hyperbola);
    RUN(test_kneedle_sharp);
    RUN(test_kneedle_undefined);
    return harness_report();
}
