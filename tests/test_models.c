/* Tests of the scaling models: exact laws recovered to rounding, the words
 * for slowdowns and too few counts, AICc, reproducible intervals, and on
 * synthetic truth (run times drawn from a known law with seeded lognormal
 * noise) the 95% bootstrap intervals covering the true parameters and
 * predictions at about their nominal rate over many seeds. The coverage
 * figures are printed; docs/models.md quotes them. */
#include <math.h>
#include <stdlib.h>

#include "base/rng.h"
#include "harness.h"
#include "study/analyze/models.h"
#include "study/analyze/models_table.h"
#include "study/analyze/summary.h"

enum {
    SEEDS = 200,      /* synthetic studies per coverage test */
    MAX_COUNTS = 16,
    MAX_RUNS = 64
};

static const double PI = 3.14159265358979323846;
static const double T1 = 2.0;     /* seconds at 1 core */
static const double NOISE = 0.03; /* lognormal sigma of a run time: about 3% */
/* Nominal 95%: over SEEDS studies a rate between these is "about nominal"
 * (binomial 2.5% and 99.5% quantiles are 92% and 98.5% for 200 at 95%;
 * the percentile bootstrap of medians runs a little short). */
static const double COVER_MIN = 0.88, COVER_MAX = 0.99;

static double normal(rng_t *rng)
{
    double u1 = 1.0 - rng_uniform(rng), u2 = rng_uniform(rng);
    return sqrt(-2.0 * log(u1)) * cos(2.0 * PI * u2);
}

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static const double POW2[] = {1, 2, 4, 8, 16, 32, 64, 128};

/* A synthetic block: `runs` times per count drawn as T1 / S(p) x exp(NOISE z). */
struct synth {
    double times[MAX_COUNTS][MAX_RUNS];
    struct models_count counts[MAX_COUNTS];
    size_t m;
};

static void synth_make(struct synth *b, enum models_law law, const double *truth,
                       const double *cores, size_t m, size_t runs, uint64_t seed)
{
    rng_t rng = rng_stream(seed, 0);
    b->m = m;
    for (size_t i = 0; i < m; i++) {
        double s = models_speedup(law, truth, cores[i]);
        if (law == MODELS_GUSTAFSON)
            s /= cores[i]; /* weak scaling: T(p, p n) = T1 p / S(p) */
        for (size_t r = 0; r < runs; r++)
            b->times[i][r] = T1 / s * exp(NOISE * normal(&rng));
        qsort(b->times[i], runs, sizeof(double), compare_double);
        b->counts[i] = (struct models_count){cores[i], b->times[i], runs};
    }
}

/* synth_make, then the block's fits with the production replicates. */
static void synth_fit(struct synth *b, enum models_law law, const double *truth,
                      size_t m, size_t runs, uint64_t seed, struct models_block *out)
{
    errmsg_t err;
    synth_make(b, law, truth, POW2, m, runs, seed);
    CHECK(models_fit_block(b->counts, b->m, law == MODELS_GUSTAFSON, MODELS_REPLICATES,
                           42, seed, out, &err) == STATUS_OK);
}

static bool covers(const struct models_value *v, double truth)
{
    return v->low <= truth && truth <= v->high;
}

/* Noise-free laws are recovered to rounding. */
static void test_exact_laws(void)
{
    double p[7], s[7], param[2];
    bool at_bound;
    const double amdahl[2] = {0.1, 0}, usl[2] = {0.05, 0.002}, gus[2] = {0.2, 0};
    for (int i = 0; i < 7; i++)
        p[i] = POW2[i + 1], s[i] = models_speedup(MODELS_AMDAHL, amdahl, p[i]);
    CHECK(models_fit_points(MODELS_AMDAHL, p, s, 7, param, &at_bound) == MODELS_FITTED);
    CHECK_NEAR(param[0], 0.1, 1e-12);
    CHECK(!at_bound);
    /* The USL with kappa = 0 is Amdahl's law. */
    CHECK(models_fit_points(MODELS_USL, p, s, 7, param, &at_bound) == MODELS_FITTED);
    CHECK_NEAR(param[0], 0.1, 1e-9);
    CHECK_NEAR(param[1], 0.0, 1e-12);
    for (int i = 0; i < 7; i++)
        s[i] = models_speedup(MODELS_USL, usl, p[i]);
    CHECK(models_fit_points(MODELS_USL, p, s, 7, param, &at_bound) == MODELS_FITTED);
    CHECK_NEAR(param[0], 0.05, 1e-9);
    CHECK_NEAR(param[1], 0.002, 1e-12);
    /* Two points determine the two USL parameters. */
    CHECK(models_fit_points(MODELS_USL, p + 1, s + 1, 2, param, &at_bound) == MODELS_FITTED);
    CHECK_NEAR(param[0], 0.05, 1e-9);
    CHECK_NEAR(param[1], 0.002, 1e-11);
    for (int i = 0; i < 7; i++)
        s[i] = models_speedup(MODELS_GUSTAFSON, gus, p[i]);
    CHECK(models_fit_points(MODELS_GUSTAFSON, p, s, 7, param, &at_bound) == MODELS_FITTED);
    CHECK_NEAR(param[0], 0.2, 1e-12);
    CHECK_NEAR(models_speedup(MODELS_USL, usl, 1.0), 1.0, 0);
}

/* Slower with threads: no serial fraction; superlinear: held at 0; too
 * few points for the USL. */
static void test_out_of_range(void)
{
    double p[2] = {2, 4}, slow[2] = {0.93, 0.81}, fast[2] = {2.2, 4.5}, param[2];
    bool at_bound;
    CHECK(models_fit_points(MODELS_AMDAHL, p, slow, 2, param, &at_bound) == MODELS_SLOWER);
    CHECK(param[0] == 1.0 && !at_bound);
    CHECK(models_fit_points(MODELS_GUSTAFSON, p, slow, 2, param, &at_bound) == MODELS_SLOWER);
    CHECK(models_fit_points(MODELS_AMDAHL, p, fast, 2, param, &at_bound) == MODELS_FITTED);
    CHECK(param[0] == 0.0 && at_bound);
    /* The USL describes a slowdown by its coherency term. */
    CHECK(models_fit_points(MODELS_USL, p, slow, 2, param, &at_bound) == MODELS_FITTED);
    CHECK(param[1] > 0.0);
    CHECK_NEAR(models_speedup(MODELS_USL, param, 2), 0.93, 1e-9);
    CHECK(models_fit_points(MODELS_USL, p, slow, 1, param, &at_bound) == MODELS_TOO_FEW);
    CHECK(isnan(param[0]) && isnan(param[1]));
    CHECK(models_fit_points(MODELS_AMDAHL, p, slow, 0, param, &at_bound) == MODELS_TOO_FEW);
    /* Non-finite points are skipped. */
    double bad[2] = {NAN, 1.6};
    CHECK(models_fit_points(MODELS_AMDAHL, p, bad, 2, param, &at_bound) == MODELS_FITTED);
    CHECK_NEAR(param[0], (4 / 1.6 - 1) / 3, 1e-12);
}

static void test_aicc(void)
{
    /* n ln(RSS/n) + 2K + 2K(K+1)/(n-K-1), K = k + 1 */
    CHECK_NEAR(models_aicc(7, 1, 0.07), 7 * log(0.01) + 4 + 12.0 / 4, 1e-12);
    CHECK_NEAR(models_aicc(7, 2, 0.07), 7 * log(0.01) + 6 + 24.0 / 3, 1e-12);
    CHECK(isnan(models_aicc(3, 1, 0.1)) && !isnan(models_aicc(4, 1, 0.1)));
    CHECK(isnan(models_aicc(4, 2, 0.1)) && !isnan(models_aicc(5, 2, 0.1)));
    CHECK(isfinite(models_aicc(5, 2, 0.0)));
}

/* The same runs, seed and stream give the same intervals; another stream
 * other draws. */
static void test_reproducible(void)
{
    static struct synth b;
    const double truth[2] = {0.05, 0.001};
    synth_make(&b, MODELS_USL, truth, POW2, 6, 7, 1);
    struct models_block x, y, z;
    errmsg_t err;
    CHECK(models_fit_block(b.counts, b.m, false, 200, 7, 3, &x, &err) == STATUS_OK);
    CHECK(models_fit_block(b.counts, b.m, false, 200, 7, 3, &y, &err) == STATUS_OK);
    CHECK(models_fit_block(b.counts, b.m, false, 200, 7, 4, &z, &err) == STATUS_OK);
    CHECK(x.replicates == 200 && x.nfits == 2 && x.counts == 6 && x.max_cores == 32);
    CHECK(x.fit[1].param[1].low == y.fit[1].param[1].low);
    CHECK(x.fit[1].speedup[2].high == y.fit[1].speedup[2].high);
    CHECK(x.fit[1].param[0].est == z.fit[1].param[0].est);
    CHECK(x.fit[1].param[0].low != z.fit[1].param[0].low);
    CHECK(x.fit[0].horizon[0] == 64 && x.fit[0].horizon[2] == 256);
    CHECK_NEAR(x.fit[1].curve_cores[MODELS_CURVE_POINTS - 1], 256, 1e-9);
    CHECK(x.fit[1].curve_cores[0] == 1.0);
    CHECK_NEAR(x.fit[0].efficiency[1].est, x.fit[0].speedup[1].est / 128, 1e-15);
}

/* No baseline, one run per count, two counts: states and no intervals. */
static void test_block_limits(void)
{
    static struct synth b;
    const double truth[2] = {0.1, 0};
    struct models_block out;
    errmsg_t err;
    synth_make(&b, MODELS_AMDAHL, truth, POW2 + 1, 3, 5, 2);
    CHECK(models_fit_block(b.counts, b.m, false, 100, 1, 1, &out, &err) == STATUS_OK);
    CHECK(out.fit[0].state == MODELS_NO_BASELINE && out.fit[1].state == MODELS_NO_BASELINE);
    CHECK(!out.fit[0].chosen && !out.fit[1].chosen);
    synth_make(&b, MODELS_AMDAHL, truth, POW2, 2, 5, 2);
    CHECK(models_fit_block(b.counts, b.m, false, 100, 1, 1, &out, &err) == STATUS_OK);
    CHECK(out.fit[0].state == MODELS_FITTED && out.fit[1].state == MODELS_TOO_FEW);
    CHECK(out.counts == 2 && out.fit[0].points == 1 && isnan(out.fit[0].aicc));
    CHECK(!isnan(out.fit[0].param[0].low));
    synth_make(&b, MODELS_AMDAHL, truth, POW2, 5, 1, 2);
    CHECK(models_fit_block(b.counts, b.m, false, 100, 1, 1, &out, &err) == STATUS_OK);
    CHECK(out.replicates == 0 && out.min_runs == 1);
    CHECK(!isnan(out.fit[0].param[0].est) && isnan(out.fit[0].param[0].low));
    CHECK(!out.fit[1].retrograde);
}

/* Degenerate times: zero at 1 core (no speedup), zero at p (an infinite
 * speedup, skipped), all equal (speedup 1 everywhere: f = 1, sigma = 1). */
static void test_degenerate(void)
{
    const double zero[3] = {0, 0, 0}, one[3] = {1, 1, 1};
    struct models_count c[3] = {{1, zero, 3}, {2, one, 3}, {4, one, 3}};
    struct models_block out;
    errmsg_t err;
    CHECK(models_fit_block(c, 3, false, 50, 1, 1, &out, &err) == STATUS_OK);
    CHECK(out.fit[0].state == MODELS_TOO_FEW && out.fit[1].state == MODELS_TOO_FEW);
    struct models_entry e = {.verified = true, .fit = out};
    char note[MODELS_NOTE_MAX];
    models_table_note(&e, &e.fit.fit[0], note, sizeof note);
    CHECK_STR(note, "no usable speedup (zero or non-finite times): nothing to fit");
    c[0].times = one, c[2].times = zero;
    CHECK(models_fit_block(c, 3, false, 50, 1, 1, &out, &err) == STATUS_OK);
    CHECK(out.fit[0].state == MODELS_FITTED && out.fit[0].points == 1);
    CHECK(out.fit[1].state == MODELS_TOO_FEW);
    c[2].times = one;
    CHECK(models_fit_block(c, 3, false, 50, 1, 1, &out, &err) == STATUS_OK);
    CHECK(out.fit[0].state == MODELS_FITTED && out.fit[0].param[0].est == 1.0);
    CHECK(out.fit[0].param[0].low == 1.0 && out.fit[0].param[0].high == 1.0);
    CHECK(isnan(out.fit[0].r2)); /* TSS 0 */
    CHECK_NEAR(models_speedup(MODELS_USL, (double[]){out.fit[1].param[0].est,
                                                     out.fit[1].param[1].est}, 4), 1, 1e-9);
    CHECK(models_fit_block(c, 0, false, 50, 1, 1, &out, &err) == STATUS_OK);
    CHECK(out.counts == 0 && out.fit[0].state == MODELS_NO_BASELINE);
}

/* Over SEEDS synthetic Amdahl studies (f = 0.05, 1..64 cores, 11 runs):
 * the coverage of f and of the predicted speedups, how often AICc picks
 * Amdahl over the USL (which nests it), and no retrograde flag. */
static void test_coverage_amdahl(void)
{
    static struct synth b;
    const double truth[2] = {0.05, 0};
    int cover_f = 0, cover_pred = 0, chosen = 0, retro = 0;
    double sum_f = 0, width = 0;
    for (int seed = 0; seed < SEEDS; seed++) {
        struct models_block out;
        synth_fit(&b, MODELS_AMDAHL, truth, 7, 11, 1000 + (uint64_t)seed, &out);
        const struct models_fit *a = &out.fit[0];
        cover_f += covers(&a->param[0], truth[0]);
        cover_pred += covers(&a->speedup[2], models_speedup(MODELS_AMDAHL, truth, 512));
        chosen += a->chosen;
        retro += out.fit[1].retrograde;
        sum_f += a->param[0].est;
        width += a->param[0].high - a->param[0].low;
    }
    printf("  amdahl f=0.05, 1-64 cores, 11 runs, %.0f%% noise, %d seeds: mean f %.4f, "
           "mean interval width %.4f, f covered %d, speedup at 512 covered %d, "
           "AICc chose amdahl %d, retrograde %d\n", 100 * NOISE, SEEDS, sum_f / SEEDS,
           width / SEEDS, cover_f, cover_pred, chosen, retro);
    CHECK(cover_f >= COVER_MIN * SEEDS && cover_f <= COVER_MAX * SEEDS);
    CHECK(cover_pred >= COVER_MIN * SEEDS && cover_pred <= COVER_MAX * SEEDS);
    CHECK_NEAR(sum_f / SEEDS, truth[0], 0.002);
    CHECK(chosen >= 0.6 * SEEDS);
    CHECK(retro <= 0.05 * SEEDS);
}

/* Over SEEDS synthetic USL studies (sigma = 0.03, kappa = 5e-4: peak at
 * 44 cores; 1..128 cores, 11 runs): coverage of sigma, kappa, the peak and
 * the predicted speedups; retrograde and the AICc choice of the USL. */
static void test_coverage_usl(void)
{
    static struct synth b;
    const double truth[2] = {0.03, 5e-4};
    double peak = sqrt((1 - truth[0]) / truth[1]);
    int cover_s = 0, cover_k = 0, cover_peak = 0, cover_pred = 0, chosen = 0, retro = 0;
    double sum_s = 0, sum_k = 0;
    for (int seed = 0; seed < SEEDS; seed++) {
        struct models_block out;
        synth_fit(&b, MODELS_USL, truth, 8, 11, 5000 + (uint64_t)seed, &out);
        const struct models_fit *u = &out.fit[1];
        cover_s += covers(&u->param[0], truth[0]);
        cover_k += covers(&u->param[1], truth[1]);
        cover_peak += covers(&u->peak_cores, peak);
        cover_pred += covers(&u->speedup[0], models_speedup(MODELS_USL, truth, 256));
        chosen += u->chosen;
        retro += u->retrograde;
        sum_s += u->param[0].est;
        sum_k += u->param[1].est;
    }
    printf("  usl sigma=0.03 kappa=5e-4, 1-128 cores, 11 runs, %d seeds: mean sigma "
           "%.4f, mean kappa %.3g, covered: sigma %d, kappa %d, peak %d, speedup at "
           "256 %d; AICc chose usl %d, retrograde %d\n", SEEDS, sum_s / SEEDS,
           sum_k / SEEDS, cover_s, cover_k, cover_peak, cover_pred, chosen, retro);
    CHECK(cover_s >= COVER_MIN * SEEDS && cover_s <= COVER_MAX * SEEDS);
    CHECK(cover_k >= COVER_MIN * SEEDS && cover_k <= COVER_MAX * SEEDS);
    CHECK(cover_peak >= COVER_MIN * SEEDS && cover_peak <= COVER_MAX * SEEDS);
    CHECK(cover_pred >= COVER_MIN * SEEDS && cover_pred <= COVER_MAX * SEEDS);
    CHECK_NEAR(sum_s / SEEDS, truth[0], 0.003);
    CHECK_NEAR(sum_k / SEEDS, truth[1], 5e-5);
    CHECK(chosen >= 0.95 * SEEDS && retro >= 0.95 * SEEDS);
}

/* Weak scaling: Gustafson's alpha on scaled speedups. */
static void test_coverage_gustafson(void)
{
    static struct synth b;
    const double truth[2] = {0.1, 0};
    int cover = 0;
    for (int seed = 0; seed < SEEDS; seed++) {
        struct models_block out;
        synth_fit(&b, MODELS_GUSTAFSON, truth, 6, 11, 9000 + (uint64_t)seed, &out);
        CHECK(out.nfits == 1 && out.fit[0].law == MODELS_GUSTAFSON);
        cover += covers(&out.fit[0].param[0], truth[0]);
    }
    printf("  gustafson alpha=0.1, 1-32 cores, 11 runs, %d seeds: alpha covered %d\n",
           SEEDS, cover);
    CHECK(cover >= COVER_MIN * SEEDS && cover <= COVER_MAX * SEEDS);
}

/* Few runs per count: 5 and 3 (MODELS_MIN_RUNS) still cover about their
 * rate; 2 runs get no intervals. */
static void test_coverage_few_runs(void)
{
    static struct synth b;
    const double truth[2] = {0.05, 0};
    const size_t runs[] = {5, MODELS_MIN_RUNS};
    for (int k = 0; k < 2; k++) {
        int cover = 0;
        for (int seed = 0; seed < SEEDS; seed++) {
            struct models_block out;
            synth_fit(&b, MODELS_AMDAHL, truth, 7, runs[k], 3000 + (uint64_t)seed, &out);
            cover += covers(&out.fit[0].param[0], truth[0]);
        }
        printf("  amdahl f=0.05, 1-64 cores, %zu runs, %d seeds: f covered %d\n", runs[k],
               SEEDS, cover);
        CHECK(cover >= 0.85 * SEEDS && cover <= COVER_MAX * SEEDS);
    }
    struct models_block out;
    synth_fit(&b, MODELS_AMDAHL, truth, 7, MODELS_MIN_RUNS - 1, 1, &out);
    CHECK(out.replicates == 0 && isnan(out.fit[0].param[0].low));
}

/* A run of the summary tests' kind: one block, `threads` threads. */
static struct run_row run(int threads, int repeat, double seconds, bool verified)
{
    struct run_row r = {.ranks = 1, .threads = threads, .repeat = repeat,
                        .seconds = seconds, .work = 1, .rate = 1 / seconds,
                        .checksum = 7, .verified = verified};
    snprintf(r.run_id, sizeof r.run_id, "id");
    snprintf(r.workload, sizeof r.workload, "exec");
    snprintf(r.variant, sizeof r.variant, "prog");
    snprintf(r.schedule, sizeof r.schedule, "dynamic");
    snprintf(r.size, sizeof r.size, "x");
    return r;
}

/* summary.csv: fractions outside [0, 1] stay empty; superlinear speedups
 * hold Amdahl's f at 0. */
static void test_summary_fractions(void)
{
    struct run_row slow[] = {run(1, 1, 1.0, true), run(2, 1, 1.08, true)};
    struct run_row fast[] = {run(1, 1, 1.0, true), run(2, 1, 0.45, true)};
    struct summary_row *rows;
    size_t n;
    errmsg_t err;
    CHECK(summary_build(slow, 2, true, &rows, &n, &err) == STATUS_OK && n == 2);
    CHECK(isnan(rows[1].karp_flatt) && isnan(rows[1].amdahl_serial));
    CHECK_NEAR(rows[1].speedup, 1 / 1.08, 1e-15);
    free(rows);
    /* A timed-out run of 2 s against 7.7 ms: 0.2 wrote f = 259. */
    struct run_row timeout[] = {run(1, 1, 0.0077, true), run(2, 1, 2.0, false)};
    CHECK(summary_build(timeout, 2, true, &rows, &n, &err) == STATUS_OK && n == 2);
    CHECK(isnan(rows[1].karp_flatt) && isnan(rows[1].amdahl_serial));
    free(rows);
    CHECK(summary_build(fast, 2, true, &rows, &n, &err) == STATUS_OK && n == 2);
    CHECK(isnan(rows[1].karp_flatt));
    CHECK(rows[1].amdahl_serial == 0.0);
    free(rows);
}

/* The table over a summary: one entry per block, its rows, verified, and
 * the words of each state. */
static void test_table_notes(void)
{
    struct run_row runs[] = {run(1, 1, 1.0, true), run(1, 2, 1.02, true),
                             run(2, 1, 1.1, true), run(2, 2, 1.12, false)};
    struct summary_acc *acc;
    struct summary_row *rows;
    struct models_table t;
    size_t n;
    errmsg_t err;
    char note[MODELS_NOTE_MAX];
    CHECK(summary_acc_new(&acc, true, &err) == STATUS_OK);
    for (int i = 0; i < 4; i++)
        CHECK(summary_acc_add(acc, &runs[i], &err) == STATUS_OK);
    CHECK(summary_acc_finish(acc, &rows, &n, &err) == STATUS_OK && n == 2);
    size_t k;
    const double *times = summary_acc_times(acc, 1, &k);
    CHECK(k == 2 && times[0] == 1.1 && times[1] == 1.12);
    CHECK(models_table_build(acc, rows, n, &t, &err) == STATUS_OK);
    CHECK(t.n == 1 && t.blocks[0].first == 0 && t.blocks[0].count == 2);
    CHECK(!t.blocks[0].verified);
    const struct models_entry *e = &t.blocks[0];
    models_table_note(e, &e->fit.fit[0], note, sizeof note);
    CHECK_STR(note, "UNVERIFIED: failed, timed-out or differing runs in the block; "
              "slower with more threads (speedup 0.91 at 2 cores): no serial fraction");
    models_table_note(e, &e->fit.fit[1], note, sizeof note);
    CHECK_STR(note, "UNVERIFIED: failed, timed-out or differing runs in the block; "
              "no USL fit: 2 core counts, it needs at least 3");
    models_table_free(&t);
    free(rows);
    /* Superlinear, one run per count, too few points for AICc. */
    struct run_row fast[] = {run(1, 1, 1.0, true), run(2, 1, 0.45, true),
                             run(4, 1, 0.25, true)};
    summary_acc_free(acc);
    CHECK(summary_acc_new(&acc, true, &err) == STATUS_OK);
    for (int i = 0; i < 3; i++)
        CHECK(summary_acc_add(acc, &fast[i], &err) == STATUS_OK);
    CHECK(summary_acc_finish(acc, &rows, &n, &err) == STATUS_OK && n == 3);
    CHECK(models_table_build(acc, rows, n, &t, &err) == STATUS_OK && t.n == 1);
    models_table_note(&t.blocks[0], &t.blocks[0].fit.fit[0], note, sizeof note);
    CHECK_STR(note, "superlinear (speedup 2.22 at 2 cores, above the core count): f held "
              "at 0; 1 run per count: no intervals (they need 3 at least); no "
              "AICc: it needs 4 core counts above 1, there are 2");
    models_table_free(&t);
    free(rows);
    summary_acc_free(acc);
}

int main(void)
{
    RUN(test_exact_laws);
    RUN(test_out_of_range);
    RUN(test_aicc);
    RUN(test_reproducible);
    RUN(test_block_limits);
    RUN(test_degenerate);
    RUN(test_coverage_amdahl);
    RUN(test_coverage_usl);
    RUN(test_coverage_gustafson);
    RUN(test_coverage_few_runs);
    RUN(test_summary_fractions);
    RUN(test_table_notes);
    return harness_report();
}
