/* micro: timing and limit-estimation helpers shared by the kernel
 * micro-benchmarks in bench/micro/. Each benchmark times one kernel on a
 * fixed input (best of several repetitions: the least disturbed run on a
 * shared machine), prints its rate and that rate as a fraction of an
 * estimated hardware limit, measured here by a calibration loop of the
 * instruction that bounds the kernel. Header-only: each benchmark is one
 * translation unit. */
#ifndef OMPSWEEP_MICRO_H
#define OMPSWEEP_MICRO_H

#include <stdio.h>
#include <time.h>

#if defined(__AVX__)
#include <immintrin.h>
#endif

/* Repetitions of a timed body; the minimum is reported. */
enum { MICRO_REPEATS = 15 };

static inline double micro_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Keeps a value alive without letting the compiler see its use. */
static volatile double micro_sink;

/* One result line: name, work per second, and the fraction of `limit`
 * (same unit). */
static inline void micro_report(const char *name, const char *unit, double rate,
                         double limit, const char *limit_how)
{
    printf("%-28s %10.4g %-14s %5.1f%% of %.4g (%s)\n", name, rate, unit,
           100.0 * rate / limit, limit, limit_how);
}


/* ----------------------------------------------------------- calibration */

/* Lanes per vector register in the calibration loops. */
#if defined(__AVX__)
enum { MICRO_LANES = 4 };
typedef __m256d micro_vec;
#define MICRO_SET1(v) _mm256_set1_pd(v)
#define MICRO_ADD(a, b) _mm256_add_pd(a, b)
#define MICRO_MUL(a, b) _mm256_mul_pd(a, b)
#define MICRO_SQRT(a) _mm256_sqrt_pd(a)
#define MICRO_FIRST(a) _mm256_cvtsd_f64(a)
#else
enum { MICRO_LANES = 1 };
typedef double micro_vec;
#define MICRO_SET1(v) (v)
#define MICRO_ADD(a, b) ((a) + (b))
#define MICRO_MUL(a, b) ((a) * (b))
#define MICRO_SQRT(a) __builtin_sqrt(a)
#define MICRO_FIRST(a) (a)
#endif

/* Iterations of each calibration loop (about 0.1 s each). */
enum { MICRO_CAL_ITERS = 20000000 };

/* An empty asm that claims to change v: the compiler can neither fold nor
 * hoist the loop around it, and v stays in a register. */
#define MICRO_OPAQUE(v) __asm__ volatile("" : "+x"(v))

/* Twelve independent chains (more than latency x ports, so the loops
 * measure throughput), as named variables: gcc keeps an array of vectors
 * in memory. */
#define MICRO_X12(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) \
    X(10) X(11)
enum { MICRO_CHAINS = 12 };
#define MICRO_DECL(c) micro_vec a##c = MICRO_SET1(1.0 + (c));
#define MICRO_SINK(c) micro_sink += MICRO_FIRST(a##c);

/* Best of 3 timings of `body` run MICRO_CAL_ITERS times; `per` = lanes of
 * work per iteration. Yields the rate in *out. */
#define MICRO_TIME_LOOP(out, per, body)                                   \
    do {                                                                  \
        *(out) = 0.0;                                                     \
        for (int rep_ = 0; rep_ < 3; rep_++) {                            \
            double t0_ = micro_now();                                     \
            for (long i_ = 0; i_ < MICRO_CAL_ITERS; i_++) {               \
                body                                                      \
            }                                                             \
            double r_ = (double)MICRO_CAL_ITERS * (per) /                 \
                        (micro_now() - t0_);                              \
            *(out) = r_ > *(out) ? r_ : *(out);                           \
        }                                                                 \
    } while (0)

/* Peak rate of independent vector adds and multiplies, half each, in
 * double operations (lanes) per second. */
static inline double micro_peak_addmul(void)
{
    const micro_vec s = MICRO_SET1(1.0000001), z = MICRO_SET1(1e-9);
    double rate;
    MICRO_X12(MICRO_DECL)
#define MICRO_STEP(c) a##c = (c) % 2 ? MICRO_ADD(a##c, z) : MICRO_MUL(a##c, s); \
    MICRO_OPAQUE(a##c);
    MICRO_TIME_LOOP(&rate, MICRO_CHAINS * MICRO_LANES, MICRO_X12(MICRO_STEP));
#undef MICRO_STEP
    MICRO_X12(MICRO_SINK)
    return rate;
}

/* Peak fused multiply-adds per second (lanes), independent; without FMA a
 * multiply and an add count as one. */
static inline double micro_peak_fma(void)
{
    const micro_vec s = MICRO_SET1(0.9999999), z = MICRO_SET1(1e-9);
    double rate;
    MICRO_X12(MICRO_DECL)
#if defined(__AVX__) && defined(__FMA__)
#define MICRO_STEP(c) a##c = _mm256_fmadd_pd(a##c, s, z); MICRO_OPAQUE(a##c);
#else
#define MICRO_STEP(c) a##c = MICRO_ADD(MICRO_MUL(a##c, s), z); MICRO_OPAQUE(a##c);
#endif
    MICRO_TIME_LOOP(&rate, MICRO_CHAINS * MICRO_LANES, MICRO_X12(MICRO_STEP));
#undef MICRO_STEP
    MICRO_X12(MICRO_SINK)
    return rate;
}

/* Peak square roots per second (lanes): four independent square roots of
 * opaque inputs (so none is hoisted or shared) per iteration. */
static inline double micro_peak_sqrt(void)
{
    micro_vec x0 = MICRO_SET1(1234.5678), x1 = MICRO_SET1(2.7182818),
              x2 = MICRO_SET1(0.3183099), x3 = MICRO_SET1(98765.4321);
    double rate;
#define MICRO_ROOT(x)                                                     \
    do {                                                                  \
        micro_vec r_;                                                     \
        MICRO_OPAQUE(x);                                                  \
        r_ = MICRO_SQRT(x);                                               \
        MICRO_OPAQUE(r_);                                                 \
    } while (0);
    MICRO_TIME_LOOP(&rate, 4 * MICRO_LANES, MICRO_ROOT(x0) MICRO_ROOT(x1)
                    MICRO_ROOT(x2) MICRO_ROOT(x3));
#undef MICRO_ROOT
    micro_sink += MICRO_FIRST(x0) + MICRO_FIRST(x1) + MICRO_FIRST(x2) +
                  MICRO_FIRST(x3);
    return rate;
}

/* Dependent scalar double additions per second: the bound of a sequential
 * (bit-exact) running sum. */
static inline double micro_add_chain(void)
{
    double s = 0.0, v = 1e-300, rate;
    MICRO_TIME_LOOP(&rate, 1, s += v; MICRO_OPAQUE(s););
    micro_sink += s;
    return rate;
}

#endif
