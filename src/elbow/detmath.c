/* detmath: deterministic log and hypot; see detmath.h.
 *
 * log(x) = e ln 2 + log F + log(1 + f / F), where x = 2^e m, m in
 * [0.75, 1.5), F = j / 512 the grid point nearest m and f = m - F (exact:
 * both are multiples of 2^-53 and |f| <= 2^-10). The last term is
 * 2 atanh(u) = 2u (1 + v/3 + v^2/5 + ...), u = f / (2F + f), v = u^2
 * <= 2^-21.1, so few terms reach 2^-100. With m in [0.75, 1.5), x near 1
 * always has e = 0 and F = 1 (no cancellation), and elsewhere
 * |log x| >= 2^-10.6 while |log(1 + f/F)| <= 2^-9.5: the terms never
 * cancel by more than a factor 2.4, which the error bounds include.
 *
 * Ziv's strategy: a fast evaluation (u and the sum's leading parts exact,
 * the series in double; relative error below 2^-71, tested against 2^-68),
 * and where its value could round either way, a double-double one (error
 * below 2^-100, tested against 2^-97). Within 2^-26 of 1 a series in
 * x - 1 whose leading terms are exact (log_near_one) instead. The table
 * log F and ln 2 come from gen_detmath_table.py (60-digit decimal
 * arithmetic). */
#include "elbow/detmath.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "elbow/detmath_table.h"

#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif
/* -ffast-math reassociates sums, flushes subnormals and assumes no NaN:
 * the error-free transformations below (and the pipeline's NaN scores)
 * would silently break. */
#if defined(__FAST_MATH__)
#error "ompsweep must not be built with -ffast-math (results would differ between builds)"
#endif

/* Veltkamp's splitting constant 2^27 + 1: a double into two halves of 26
 * bits whose products are exact. */
#define SPLITTER 134217729.0
/* Rounding-test bounds of the two evaluations (relative, 8x the bounds of
 * the analysis), and the scaling of subnormal inputs. */
#define FAST_ERROR 0x1p-68
#define ACCURATE_ERROR 0x1p-97
#define SUBNORMAL_SCALE 0x1p54
/* log_near_one serves |x - 1| below this: its dropped term f^6/6 is below
 * 2^-130 |f| there, and its rounding errors below 2^-103 |f|. */
#define NEAR_ONE 0x1p-26
enum { SUBNORMAL_SHIFT = 54, EXP_BIAS = 1023, MANT_BITS = 52 };
/* hypot: a larger operand beyond these bounds scales both first, so that
 * the squares neither overflow nor lose the smaller one to underflow. */
#define HYPOT_BIG 0x1p500
#define HYPOT_SMALL 0x1p-500
#define HYPOT_DOWN 0x1p-600
#define HYPOT_UP 0x1p600

/* A double-double: the unevaluated sum hi + lo, |lo| <= ulp(hi) / 2. */
struct dd {
    double hi, lo;
};

/* ------------------------------------------ error-free transformations */

static inline struct dd two_sum(double a, double b)
{
    double s = a + b, bb = s - a;
    return (struct dd){s, (a - (s - bb)) + (b - bb)};
}

/* two_sum for |a| >= |b| (or a == 0). */
static inline struct dd fast_two_sum(double a, double b)
{
    double s = a + b;
    return (struct dd){s, b - (s - a)};
}

static inline struct dd split(double a)
{
    double c = SPLITTER * a, hi = c - (c - a);
    return (struct dd){hi, a - hi};
}

/* Dekker's exact product: a * b = p.hi + p.lo exactly (no fma needed). */
static inline struct dd two_prod(double a, double b)
{
    double p = a * b;
    struct dd x = split(a), y = split(b);
    double err = ((x.hi * y.hi - p) + x.hi * y.lo + x.lo * y.hi) + x.lo * y.lo;
    return (struct dd){p, err};
}

static inline struct dd dd_add(struct dd a, struct dd b)
{
    struct dd s = two_sum(a.hi, b.hi), t = two_sum(a.lo, b.lo);
    s = fast_two_sum(s.hi, s.lo + t.hi);
    return fast_two_sum(s.hi, s.lo + t.lo);
}

static inline struct dd dd_mul(struct dd a, struct dd b)
{
    struct dd p = two_prod(a.hi, b.hi);
    return fast_two_sum(p.hi, p.lo + (a.hi * b.lo + a.lo * b.hi));
}

/* ---------------------------------------------------------------- log */

/* x = 2^e m, m in [0.75, 1.5); F = j / 2^DETMATH_TABLE_BITS nearest m. */
struct log_arg {
    int e, j;
    double f;  /* m - F, exact */
    struct dd u; /* f / (2F + f) */
};

static struct log_arg log_reduce(double x)
{
    struct log_arg a;
    uint64_t bits;
    int adjust = 0;
    memcpy(&bits, &x, sizeof bits);
    if ((bits >> MANT_BITS) == 0) { /* subnormal: into the normal range */
        x *= SUBNORMAL_SCALE;
        memcpy(&bits, &x, sizeof bits);
        adjust = SUBNORMAL_SHIFT;
    }
    a.e = (int)(bits >> MANT_BITS) - EXP_BIAS - adjust;
    bits = (bits & (((uint64_t)1 << MANT_BITS) - 1)) |
           ((uint64_t)EXP_BIAS << MANT_BITS);
    double m;
    memcpy(&m, &bits, sizeof m); /* [1, 2) */
    if (m >= 1.5) {
        m *= 0.5;
        a.e += 1;
    }
    const double scale = (double)(1 << DETMATH_TABLE_BITS);
    a.j = (int)(m * scale + 0.5); /* exact: m * scale has ulp <= 2^-43 */
    const double F = a.j / scale;
    a.f = m - F;
    /* u = f / D, D = 2F + f as a double-double, with one division: u_hi
     * = f (1 / D_hi) is within 2 ulp of f / D_hi, and the residual
     * f - u_hi D is formed exactly (f - p.hi by Sterbenz), so u_lo
     * carries the rest to 2^-104 relative. */
    const struct dd D = fast_two_sum(2.0 * F, a.f);
    const double inv = 1.0 / D.hi;
    a.u.hi = a.f * inv;
    const struct dd p = two_prod(a.u.hi, D.hi);
    a.u.lo = (((a.f - p.hi) - p.lo) - a.u.hi * D.lo) * inv;
    return a;
}

/* Whether x = 1 + f with |f| < NEAR_ONE (then e = 0 and F = 1). */
static int near_one(const struct log_arg *a)
{
    return a->e == 0 && a->j == 1 << DETMATH_TABLE_BITS && fabs(a->f) < NEAR_ONE;
}

static const double *log_table(int j)
{
    return detmath_log_table[j - DETMATH_J_MIN];
}

/* The value of r = hi + lo (normalised) if every value within err of it
 * rounds to the same double; else sets *ok = 0. */
static double rounded(struct dd r, double err, int *ok)
{
    double up = r.hi + (r.lo + err), down = r.hi + (r.lo - err);
    *ok = up == down;
    return up;
}

/* The fast evaluation: e ln 2 (ln 2 cut to 42 bits, so e * hi is exact),
 * log F and 2u summed with two_sum, their low parts and the series tail
 * 2u (v/3 + v^2/5 + v^3/7 + v^4/9) in double. */
static struct dd log_fast(const struct log_arg *a)
{
    const double *t = log_table(a->j);
    const double ed = a->e, u = a->u.hi, v = u * u;
    const double series =
        v * (DETMATH_INV3_HI + v * (0.2 + v * (1.0 / 7 + v * (1.0 / 9))));
    const double twou = 2.0 * u;
    struct dd s1 = two_sum(ed * DETMATH_LN2_HI42, t[0]);
    struct dd s2 = two_sum(s1.hi, twou);
    double lo = s1.lo + s2.lo + ed * DETMATH_LN2_LO42 + t[1] +
                2.0 * a->u.lo + twou * series;
    return fast_two_sum(s2.hi, lo);
}

/* The accurate evaluation: all in double-double but the series' last
 * terms, v (1/7 + v/9 + v^2/11 + v^3/13) in double. */
static struct dd log_accurate(const struct log_arg *a)
{
    const double *t = log_table(a->j);
    const struct dd u = a->u, v = dd_mul(u, u);
    const double q = 1.0 / 7 + v.hi * (1.0 / 9 + v.hi * (1.0 / 11 + v.hi * (1.0 / 13)));
    const struct dd inv3 = {DETMATH_INV3_HI, DETMATH_INV3_LO};
    const struct dd inv5 = {DETMATH_INV5_HI, DETMATH_INV5_LO};
    struct dd w = dd_add(inv5, two_prod(v.hi, q));
    struct dd p = dd_add(inv3, dd_mul(v, w));
    struct dd s = dd_mul(v, p);
    const struct dd twou = {2.0 * u.hi, 2.0 * u.lo};
    struct dd l = dd_add(twou, dd_mul(twou, s));
    struct dd eln2 = two_prod((double)a->e, DETMATH_LN2_HI);
    eln2 = fast_two_sum(eln2.hi, eln2.lo + (double)a->e * DETMATH_LN2_LO);
    return dd_add(dd_add(eln2, (struct dd){t[0], t[1]}), l);
}

/* x = 1 + f, |f| < NEAR_ONE: log(1 + f) = f - f^2/2 + f^3/3 - ...,
 * the first two terms exact (f^2 by two_prod, halved; f - f^2/2 by
 * two_sum), the rest in double. Beside 1 the hard cases have structure
 * (x = 1 +- k ulp: f - f^2/2 falls on a rounding midpoint, and the cubic
 * term, tiny, decides): here that term is added to exact parts, so its
 * sign decides as it should; through u = f / (2 + f), inexact in the last
 * bits, it could not. */
static struct dd log_near_one(double f)
{
    const struct dd sq = two_prod(f, f);
    const struct dd s = two_sum(f, -0.5 * sq.hi);
    const double tail = f * sq.hi * (DETMATH_INV3_HI + f * (-0.25 + f * 0.2));
    return fast_two_sum(s.hi, (s.lo - 0.5 * sq.lo) + tail);
}

/* NaN, infinities, zero and negative inputs; 0 for the others. */
static int log_special(double x, double *out)
{
    if (x > 0.0 && x < HUGE_VAL)
        return 0;
    if (x == 0.0)
        *out = -HUGE_VAL;
    else if (x == HUGE_VAL || x != x)
        *out = x + x;
    else
        *out = NAN;
    return 1;
}

double detmath_log(double x)
{
    double out;
    if (log_special(x, &out))
        return out;
    const struct log_arg a = log_reduce(x);
    if (near_one(&a)) {
        const struct dd r = log_near_one(a.f);
        return r.hi + r.lo;
    }
    int ok;
    struct dd r = log_fast(&a);
    double y = rounded(r, fabs(r.hi) * FAST_ERROR, &ok);
    if (ok)
        return y;
    r = log_accurate(&a);
    y = rounded(r, fabs(r.hi) * ACCURATE_ERROR, &ok);
    return ok ? y : r.hi + r.lo;
}

double detmath_log_accurate(double x)
{
    double out;
    if (log_special(x, &out))
        return out;
    const struct log_arg a = log_reduce(x);
    const struct dd r = near_one(&a) ? log_near_one(a.f) : log_accurate(&a);
    return r.hi + r.lo;
}

/* -------------------------------------------------------------- hypot */

double detmath_hypot(double a, double b)
{
    a = fabs(a);
    b = fabs(b);
    if (a == HUGE_VAL || b == HUGE_VAL)
        return HUGE_VAL;
    if (a != a || b != b)
        return a + b;
    if (a < b) {
        double t = a;
        a = b;
        b = t;
    }
    if (b == 0.0)
        return a;
    double scale = 1.0;
    if (a > HYPOT_BIG) {
        a *= HYPOT_DOWN;
        b *= HYPOT_DOWN;
        scale = HYPOT_UP;
    } else if (a < HYPOT_SMALL) {
        a *= HYPOT_UP;
        b *= HYPOT_UP;
        scale = HYPOT_DOWN;
    }
    /* s = a^2 + b^2 in double-double, then one Newton correction of
     * h = sqrt(s.hi) with the residual s - h^2 formed exactly: within
     * 0.5 ulp and a small fraction more of the exact value. */
    const struct dd s = dd_add(two_prod(a, a), two_prod(b, b));
    double h = sqrt(s.hi);
    const struct dd hh = two_prod(h, h);
    h += (((s.hi - hh.hi) - hh.lo) + s.lo) / (2.0 * h);
    return scale * h;
}
