/* models: scaling laws fitted to the speedups of one block, with 95%
 * intervals from a bootstrap over the repeats, R^2, AICc and predictions
 * beyond the measured core counts. Pure functions of their inputs: no I/O,
 * no globals; the bootstrap draws from the rng stream it is given, so the
 * same runs give the same intervals. The formulas are in docs/models.md.
 *
 *   Amdahl      S(p) = p / (1 + f (p - 1))                    f in [0, 1]
 *   USL         S(p) = p / (1 + sigma (p - 1) + kappa p (p - 1))
 *               sigma in [0, 1], kappa >= 0, peak p* = sqrt((1 - sigma) / kappa)
 *   Gustafson   S(p) = p - alpha (p - 1)  (scaled speedup)    alpha in [0, 1]
 *
 * Strong-scaling blocks get Amdahl and the USL, weak-scaling blocks
 * Gustafson. Every law has S(1) = 1, so the fits use the core counts
 * above 1 only. */
#ifndef OMPSWEEP_STUDY_ANALYZE_MODELS_H
#define OMPSWEEP_STUDY_ANALYZE_MODELS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/status.h"

enum models_law { MODELS_AMDAHL, MODELS_USL, MODELS_GUSTAFSON };

/* What became of a law's fit. */
enum models_state {
    MODELS_FITTED,
    MODELS_NO_BASELINE, /* no run at 1 core: no speedup */
    MODELS_TOO_FEW,     /* fewer core counts than the law needs */
    MODELS_SLOWER       /* speedups below 1: no serial fraction describes them */
};

enum {
    MODELS_PARAMS_MAX = 2,
    MODELS_HORIZONS = 3,       /* predictions at 2x, 4x and 8x the largest count */
    MODELS_CURVE_POINTS = 41,  /* the fitted curve from 1 core to 8x the largest */
    MODELS_REPLICATES = 500,   /* bootstrap replicates */
    MODELS_LAWS_MAX = 2,       /* laws fitted per block */
    /* Runs per count the intervals need: with 2 the bootstrap of a median
     * has 3 values to draw from and covers the truth about 2 times in 3. */
    MODELS_MIN_RUNS = 3
};

/* A retrograde peak lies inside the measured range or at most this factor
 * beyond its largest count. */
#define MODELS_RETROGRADE_NEAR 2.0

/* One core count of a block: cores = ranks x threads and its run times in
 * ascending order (as stats_compute leaves them). */
struct models_count {
    double cores;
    const double *times;
    size_t n;
};

/* An estimate with its 95% bootstrap percentile interval; NAN where not
 * defined, INFINITY for an unbounded peak. */
struct models_value {
    double est, low, high;
};

/* One law fitted to one block. */
struct models_fit {
    enum models_law law;
    enum models_state state;
    size_t points;   /* core counts above 1 that were fitted */
    /* Amdahl: f; USL: sigma, kappa; Gustafson: alpha. */
    struct models_value param[MODELS_PARAMS_MAX];
    bool at_bound;   /* superlinear speedups: f (alpha) held at its bound 0 */
    double r2;       /* 1 - RSS / TSS over the fitted points */
    double aicc;     /* NAN when the points are too few for it */
    double delta_aicc; /* AICc minus the block's lowest */
    bool chosen;     /* the lowest AICc of the block */
    double horizon[MODELS_HORIZONS]; /* cores: 2x, 4x and 8x the largest */
    struct models_value speedup[MODELS_HORIZONS], efficiency[MODELS_HORIZONS];
    struct models_value peak_cores, peak_speedup; /* USL only */
    bool retrograde; /* USL: kappa > 0 significantly, peak near the data */
    double curve_cores[MODELS_CURVE_POINTS];
    struct models_value curve[MODELS_CURVE_POINTS];
};

/* Every law fitted to one block, and the facts the words on stdout need. */
struct models_block {
    bool weak;
    size_t counts;     /* core counts, the 1-core baseline included */
    double max_cores;
    size_t min_runs;   /* the fewest runs of any count */
    int replicates;    /* bootstrap replicates drawn; 0: no intervals */
    double worst_speedup, worst_cores; /* the lowest measured speedup */
    double best_excess, best_cores;    /* the largest speedup / cores */
    size_t nfits;
    struct models_fit fit[MODELS_LAWS_MAX];
};

/* "amdahl", "usl" or "gustafson". */
const char *models_law_name(enum models_law law);

/* Number of parameters of a law (1 or 2). */
size_t models_law_params(enum models_law law);

/* The law's speedup at `cores` under `param`. */
double models_speedup(enum models_law law, const double *param, double cores);

/* Least squares on the speedups s[i] at cores p[i] > 1 (m points),
 * within the parameters' bounds. Fills param (the constrained optimum,
 * also when SLOWER) and *at_bound (the optimum lies below 0). Returns
 * MODELS_FITTED, MODELS_TOO_FEW (m below the law's parameters) or
 * MODELS_SLOWER (Amdahl and Gustafson: the optimum lies above 1, i.e. the
 * speedups fall below 1). Non-finite points are skipped. */
enum models_state models_fit_points(enum models_law law, const double *p,
                                    const double *s, size_t m, double *param,
                                    bool *at_bound);

/* AICc of a least-squares fit of k parameters (plus the noise variance) to
 * n points with residual sum of squares rss; NAN when n <= k + 2. */
double models_aicc(size_t n, size_t k, double rss);

/* Fit the block's laws (weak: Gustafson; else Amdahl and USL) to the m
 * counts, one of which should be the baseline at 1 core, with `replicates`
 * bootstrap replicates drawn from rng_stream(seed, stream) (0: no
 * intervals; they need MODELS_MIN_RUNS runs per count). STATUS_OK or
 * STATUS_NOMEM. */
int models_fit_block(const struct models_count *counts, size_t m, bool weak,
                     int replicates, uint64_t seed, uint64_t stream,
                     struct models_block *out, errmsg_t *err);

#endif
