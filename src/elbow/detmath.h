/* detmath: the elementary functions of the elbow pipeline, with results
 * that depend on neither the CPU, the compiler, its flags nor the C
 * library.
 *
 * glibc's libm picks one of several builds of log (and exp, pow, sin, ...)
 * at load time by CPU feature (an FMA build where the CPU has FMA and AVX2,
 * an SSE2 build elsewhere), and the builds round differently in about 1 of
 * 10^4 calls: on the default data set 50 of make_blobs' 500651 log calls,
 * and 9 of its 10^6 values, differ between a node with FMA and one without.
 * Other libraries (musl, older glibc) differ again. These functions use
 * only +, -, *, / and sqrt, which IEEE 754 rounds correctly everywhere,
 * written so that no multiply-add fuses (every file of the program is
 * built with -ffp-contract=off; this module says so to clang itself too).
 *
 * Thread-safe, no state, no errno. */
#ifndef OMPSWEEP_ELBOW_DETMATH_H
#define OMPSWEEP_ELBOW_DETMATH_H

/* The natural logarithm, correctly rounded (round to nearest): a fast
 * evaluation with a relative error below 2^-68, and when its result is
 * too close to a rounding boundary to decide (about 1 call in 10^4), an
 * evaluation in double-double arithmetic with an error below 2^-97; within
 * 2^-26 of 1, a series whose leading terms are exact. Should the second
 * evaluation be undecided too (expected once in about 2^44 calls; never
 * in the tests' 250,000 random and 980 chosen inputs) its result is
 * rounded: still the same bits everywhere, then within 0.5 + 2^-44 units
 * in the last place. log(1) = +0, log(0) = -inf, log(+inf) = +inf, NaN
 * for x < 0 or x NaN. So numpy's data sets as a correctly rounded log
 * makes them (glibc's rounds wrong in about 1 call in 1500) come out bit
 * for bit. */
double detmath_log(double x);

/* The double-double evaluation alone, rounded: for the tests, which check
 * it on every input, not only on the few the fast path leaves to it. */
double detmath_log_accurate(double x);

/* sqrt(a^2 + b^2) without undue overflow or underflow, within 0.51 units
 * in the last place (a double-double sum and one Newton correction);
 * hypot(+-inf, NaN) = +inf, as C's. */
double detmath_hypot(double a, double b);

#endif
