/* Tests of detmath: log correctly rounded on the inputs of a fixture made
 * with 40-digit decimal arithmetic (tests/fixtures/gen_detmath_fixtures.py),
 * through the fast path and the accurate one alone; special values;
 * hypot against long double arithmetic. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/rng.h"
#include "elbow/detmath.h"
#include "harness.h"

#define FIXTURE "tests/fixtures/detmath_log.txt"
#define FNV_OFFSET 0xcbf29ce484222325ull
#define FNV_PRIME 0x100000001b3ull
#define EXP_MASK 0x7ff0000000000000ull
#define SIGN_CLEAR 0x7fffffffffffffffull
enum { FIXTURE_LINE = 256, UNIFORM_SHIFT = 11, HYPOT_DRAWS = 100000 };

static uint64_t bits_of(double v)
{
    uint64_t u;
    memcpy(&u, &v, sizeof u);
    return u;
}

static double from_bits(uint64_t u)
{
    double v;
    memcpy(&v, &u, sizeof v);
    return v;
}

static uint64_t fnv_double(uint64_t h, double v)
{
    const uint64_t u = bits_of(v);
    for (int b = 0; b < 8; b++)
        h = (h ^ ((u >> (8 * b)) & 0xff)) * FNV_PRIME;
    return h;
}

/* Next fixture line that is not a comment, or NULL at the end. */
static char *next_line(FILE *f, char *line)
{
    while (fgets(line, FIXTURE_LINE, f) != NULL)
        if (line[0] != '#')
            return line;
    return NULL;
}

static FILE *open_fixture(void)
{
    FILE *f = fopen(FIXTURE, "r");
    CHECK_MSG(f != NULL, "cannot open %s", FIXTURE);
    return f;
}

/* The stream of the fixture script: uniform doubles in (0, 1), then
 * doubles of uniformly random bits (positive, finite, non-zero). */
static double stream_next(uint64_t *state, unsigned long i, unsigned long uniform)
{
    for (;;) {
        const uint64_t z = rng_splitmix64(state);
        if (i < uniform) {
            const double x = (double)(z >> UNIFORM_SHIFT) * 0x1p-53;
            if (x > 0.0)
                return x;
        } else {
            const uint64_t b = z & SIGN_CLEAR;
            if (b != 0 && (b & EXP_MASK) != EXP_MASK)
                return from_bits(b);
        }
    }
}

/* 250000 inputs: the logs' hash, by both paths, equals the fixture's. */
static void test_log_stream(void)
{
    char line[FIXTURE_LINE];
    FILE *f = open_fixture();
    if (f == NULL)
        return;
    unsigned long long seed = 0, want = 0;
    unsigned long uniform = 0, wide = 0;
    CHECK(next_line(f, line) != NULL &&
          sscanf(line, "stream %llu %lu %lu %llx", &seed, &uniform, &wide,
                 &want) == 4);
    fclose(f);
    uint64_t state = seed, fast = FNV_OFFSET, accurate = FNV_OFFSET;
    for (unsigned long i = 0; i < uniform + wide; i++) {
        const double x = stream_next(&state, i, uniform);
        fast = fnv_double(fast, detmath_log(x));
        accurate = fnv_double(accurate, detmath_log_accurate(x));
    }
    CHECK_MSG(fast == want, "detmath_log: hash 0x%016llx, want 0x%016llx",
              (unsigned long long)fast, want);
    CHECK_MSG(accurate == want, "detmath_log_accurate: hash 0x%016llx",
              (unsigned long long)accurate);
}

/* The listed cases bit for bit, among them the inputs libm rounds wrong. */
static void test_log_cases(void)
{
    char line[FIXTURE_LINE];
    FILE *f = open_fixture();
    if (f == NULL)
        return;
    size_t count = 0, libm_wrong = 0, bad = 0, n = 0;
    (void)next_line(f, line); /* the stream */
    CHECK(next_line(f, line) != NULL &&
          sscanf(line, "cases %zu %zu", &count, &libm_wrong) == 2);
    CHECK(libm_wrong > 0 && count > libm_wrong);
    for (; n < count && next_line(f, line) != NULL; n++) {
        char *end;
        const double x = strtod(line, &end), want = strtod(end, NULL);
        const int ok = bits_of(detmath_log(x)) == bits_of(want) &&
                       bits_of(detmath_log_accurate(x)) == bits_of(want);
        if (!ok && bad++ < 5)
            fprintf(stderr, "  log(%a) = %a (accurate %a), want %a\n", x,
                    detmath_log(x), detmath_log_accurate(x), want);
    }
    fclose(f);
    CHECK(n == count);
    CHECK_MSG(bad == 0, "%zu of %zu cases wrong", bad, count);
}

static void test_log_special(void)
{
    CHECK(detmath_log(1.0) == 0.0 && !signbit(detmath_log(1.0)));
    CHECK(detmath_log(0.0) == -HUGE_VAL);
    CHECK(detmath_log(-0.0) == -HUGE_VAL);
    CHECK(detmath_log(HUGE_VAL) == HUGE_VAL);
    CHECK(isnan(detmath_log(-1.0)));
    CHECK(isnan(detmath_log(-HUGE_VAL)));
    CHECK(isnan(detmath_log(NAN)));
    CHECK(detmath_log(DBL_TRUE_MIN) < -744.4 && detmath_log(DBL_TRUE_MIN) > -744.5);
    /* k-means++'s candidate count: floor(ln k) as numpy's int(np.log(k)) */
    CHECK((int)detmath_log(7.0) == 1 && (int)detmath_log(8.0) == 2);
    CHECK((int)detmath_log(20.0) == 2 && (int)detmath_log(21.0) == 3);
}

/* Units in the last place between a and the long double b. */
static double ulps_from(double a, long double b)
{
    const double u = nextafter(fabs(a), HUGE_VAL) - fabs(a);
    return (double)(fabsl((long double)a - b) / (long double)u);
}

static void test_hypot(void)
{
    CHECK(detmath_hypot(3.0, 4.0) == 5.0);
    CHECK(detmath_hypot(-5.0, 12.0) == 13.0);
    CHECK(detmath_hypot(0.0, 0.0) == 0.0);
    CHECK(detmath_hypot(0.0, -2.5) == 2.5);
    CHECK(detmath_hypot(HUGE_VAL, NAN) == HUGE_VAL);
    CHECK(detmath_hypot(NAN, -HUGE_VAL) == HUGE_VAL);
    CHECK(isnan(detmath_hypot(NAN, 1.0)));
    CHECK(detmath_hypot(3.0 * DBL_MIN, 4.0 * DBL_MIN) == 5.0 * DBL_MIN);
    CHECK(detmath_hypot(3e300, 4e300) == 5e300);
    CHECK(detmath_hypot(DBL_MAX, 1.0) == DBL_MAX);
    CHECK(detmath_hypot(1.0, 1e-300) == 1.0);
    /* magnitudes 2^-span..2^span apart by up to 2^40, past the scaling
     * bounds (2^+-500) where long double holds their squares */
    const int span = LDBL_MAX_EXP > 1300 ? 600 : 400;
    uint64_t state = 1;
    double worst = 0.0;
    for (int i = 0; i < HYPOT_DRAWS; i++) {
        const int e = (int)(rng_splitmix64(&state) % (2 * (unsigned)span)) - span;
        const int de = (int)(rng_splitmix64(&state) % 40);
        const double a = ldexp((double)(rng_splitmix64(&state) >> 11) * 0x1p-53, e);
        const double b = ldexp((double)(rng_splitmix64(&state) >> 11) * 0x1p-53, e - de);
        const long double ref = sqrtl((long double)a * a + (long double)b * b);
        const double w = ulps_from(detmath_hypot(a, b), ref);
        worst = w > worst ? w : worst;
    }
    printf("     hypot: worst error %.3f ulp in %d draws\n", worst, HYPOT_DRAWS);
    CHECK(worst <= 0.51); /* 0.5 + the correction's rounding */
}

int main(void)
{
    RUN(test_log_stream);
    RUN(test_log_cases);
    RUN(test_log_special);
    RUN(test_hypot);
    return harness_report();
}
