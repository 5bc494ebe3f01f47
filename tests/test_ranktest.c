/* Tests of ranktest against scipy.stats.mannwhitneyu: p-values of both
 * methods, the automatic choice, and the Hodges-Lehmann interval, on the
 * cases of tests/fixtures/gen_compare_fixtures.py, to 1e-9. */
#include <math.h>
#include <stdlib.h>

#include "harness.h"
#include "study/analyze/ranktest.h"

static const char FIXTURE[] = "tests/fixtures/compare_ranktest.txt";
static const double TOL = 1e-9;

enum { E_U1, E_METHOD, E_PAUTO, E_PEXACT, E_PASYM, E_HL, E_LO, E_HI, E_COUNT };

/* Equal to TOL, or both NAN. */
static bool near_or_nan(double a, double b)
{
    return (isnan(a) && isnan(b)) || fabs(a - b) <= TOL;
}

static void check_case(int i)
{
    char name[32];
    size_t nx, ny, ne, one;
    snprintf(name, sizeof name, "%d.x", i);
    double *x = harness_fixture(FIXTURE, name, &one, &nx);
    snprintf(name, sizeof name, "%d.y", i);
    double *y = harness_fixture(FIXTURE, name, &one, &ny);
    snprintf(name, sizeof name, "%d.expect", i);
    double *e = harness_fixture(FIXTURE, name, &one, &ne);
    if (x == NULL || y == NULL || e == NULL || ne != E_COUNT) {
        CHECK_MSG(false, "case %d unreadable", i);
        free(x), free(y), free(e);
        return;
    }
    struct ranktest_result r;
    errmsg_t err;
    CHECK(ranktest_mann_whitney(x, nx, y, ny, RANKTEST_AUTO, &r, &err) == STATUS_OK);
    CHECK_MSG(r.u1 == e[E_U1], "case %d: U1 %g vs %g", i, r.u1, e[E_U1]);
    CHECK_MSG((double)r.method == e[E_METHOD], "case %d: method %d", i, (int)r.method);
    CHECK_MSG(near_or_nan(r.p, e[E_PAUTO]), "case %d: auto p %.17g vs %.17g", i,
              r.p, e[E_PAUTO]);
    CHECK(ranktest_mann_whitney(x, nx, y, ny, RANKTEST_ASYMPTOTIC, &r, &err) == STATUS_OK);
    CHECK_MSG(near_or_nan(r.p, e[E_PASYM]), "case %d: asymptotic p %.17g vs %.17g",
              i, r.p, e[E_PASYM]);
    if (!isnan(e[E_PEXACT])) {
        CHECK(ranktest_mann_whitney(x, nx, y, ny, RANKTEST_EXACT, &r, &err) == STATUS_OK);
        CHECK_MSG(near_or_nan(r.p, e[E_PEXACT]), "case %d: exact p %.17g vs %.17g",
                  i, r.p, e[E_PEXACT]);
    }
    double est, lo, hi;
    CHECK(ranktest_shift_ci(x, nx, y, ny, 0.95, &est, &lo, &hi, &err) == STATUS_OK);
    CHECK_MSG(near_or_nan(est, e[E_HL]), "case %d: HL %.17g vs %.17g", i, est, e[E_HL]);
    CHECK_MSG(near_or_nan(lo, e[E_LO]) && near_or_nan(hi, e[E_HI]),
              "case %d: CI [%.17g, %.17g] vs [%.17g, %.17g]", i, lo, hi, e[E_LO], e[E_HI]);
    free(x), free(y), free(e);
}

static void test_against_scipy(void)
{
    size_t one, n;
    double *count = harness_fixture(FIXTURE, "cases", &one, &n);
    if (count == NULL)
        return;
    CHECK(count[0] >= 13); /* the fixture was read, every case of it */
    for (int i = 0; i < (int)count[0]; i++)
        check_case(i);
    free(count);
}

/* Both methods are used by the automatic choice, each where it should be. */
static void test_auto_choice(void)
{
    double x[51], y[51];
    for (int i = 0; i < 51; i++)
        x[i] = i, y[i] = i + 0.5;
    struct ranktest_result r;
    errmsg_t err;
    CHECK(ranktest_mann_whitney(x, 50, y, 50, RANKTEST_AUTO, &r, &err) == STATUS_OK);
    CHECK(r.method == RANKTEST_EXACT);
    CHECK(ranktest_mann_whitney(x, 51, y, 50, RANKTEST_AUTO, &r, &err) == STATUS_OK);
    CHECK(r.method == RANKTEST_ASYMPTOTIC);
    y[3] = x[7]; /* one tie */
    CHECK(ranktest_mann_whitney(x, 10, y, 10, RANKTEST_AUTO, &r, &err) == STATUS_OK);
    CHECK(r.method == RANKTEST_ASYMPTOTIC);
}

/* A shift of every value by a constant is estimated exactly, and the
 * interval holds it; far-apart samples give the smallest exact p. */
static void test_pure_shift(void)
{
    double x[8] = {1.0, 1.3, 1.1, 1.7, 1.2, 1.5, 1.05, 1.45}, y[8];
    for (int i = 0; i < 8; i++)
        y[i] = x[i] + 10.0;
    double est, lo, hi;
    errmsg_t err;
    CHECK(ranktest_shift_ci(x, 8, y, 8, 0.95, &est, &lo, &hi, &err) == STATUS_OK);
    CHECK_NEAR(est, 10.0, 1e-12);
    CHECK(lo <= 10.0 && hi >= 10.0 && lo < hi);
    struct ranktest_result r;
    CHECK(ranktest_mann_whitney(x, 8, y, 8, RANKTEST_AUTO, &r, &err) == STATUS_OK);
    CHECK_NEAR(r.p, 2.0 / 12870.0, 1e-15); /* 2 / C(16, 8) */
    CHECK(r.u1 == 0.0);
}

int main(void)
{
    RUN(test_against_scipy);
    RUN(test_auto_choice);
    RUN(test_pure_shift);
    return harness_report();
}
