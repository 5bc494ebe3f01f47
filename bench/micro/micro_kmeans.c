/* micro_kmeans: the k-means kernels on the default elbow's first training
 * fold (8000 x 2 after PCA): the greedy k-means++ seeding and one Lloyd
 * step (E step with the M-step sums, relocation, means).
 *
 * The kernels are static in src/elbow/kmeans.c, so this file includes it: what is
 * timed is exactly the code the elbow runs.
 *
 * Limits. Seeding: each (sample, candidate) pair costs 7 vector
 * lane-operations (2 sub, 2 mul, add, min, and the add into a partial sum
 * of the inverse-CDF table; its running sum is one add a block of 64
 * samples): limit = peak add/mul lanes per second / 7. Lloyd step: each
 * sample-centre pair costs 7 vector
 * lane-operations (2 mul, 2 add, compare, min, blend; the M step is left
 * out): limit = peak add/mul lanes per second / 7. Both peaks are measured
 * on 512-bit vectors when the build has AVX-512 (the kernels then run on
 * them). */
#include "../../src/elbow/kmeans.c"

#include "micro.h"
#include "micro_data.h"

static const int KS[] = {3, 7, 14};
enum { N_KS = sizeof KS / sizeof KS[0] };

static void bench_seeding(const struct kmeans_data *kd, struct kmeans_work *w,
                          double *cc, double peak)
{
    for (int q = 0; q < N_KS; q++) {
        int k = KS[q];
        double best = HUGE_VAL;
        for (int rep = 0; rep < MICRO_REPEATS; rep++) {
            rng_t rng = rng_stream(42, (uint64_t)rep);
            double t0 = micro_now();
            seed_centres(kd, k, &rng, w, cc, NULL);
            double t = micro_now() - t0;
            best = t < best ? t : best;
        }
        char name[64];
        snprintf(name, sizeof name, "kmeans++ seeding k=%d", k);
        /* the first centre's pass, then 2 + ln k candidates a centre */
        double pairs = (1.0 + (k - 1.0) * n_local_trials(k)) * (double)kd->n;
        micro_report(name, "pairs/s", pairs / best, peak / 7.0,
                     "7 vector lane-ops per pair at peak add/mul");
    }
}

/* One Lloyd step from the k-means++ centres: E step, M-step sums,
 * relocation, means. */
static void lloyd_step(const struct kmeans_data *kd, int k,
                       struct kmeans_work *w, int *labels)
{
    prepare_centres(w->centers, k, kd->d, w->cnorm, w->cmul);
    (void)assign(kd, k, w->cnorm, w->cmul, labels, w->cancel);
    centre_sums(kd, k, labels, w->centers_new, w->weight, w->sets);
    (void)relocate_empty(kd, k, w->centers, w->centers_new, w->weight,
                         labels, w->dist);
    average_centres(w->centers_new, w->weight, k, kd->d);
}

#if defined(__AVX512F__)
/* micro_peak_addmul on 512-bit vectors: 12 independent chains (named
 * variables, kept in registers), half adds, half multiplies, in lanes per
 * second. */
static double peak_addmul_512(void)
{
    const __m512d s = _mm512_set1_pd(1.0000001), z = _mm512_set1_pd(1e-9);
    double rate;
#define DECL512(c) __m512d a##c = _mm512_set1_pd(1.0 + (c));
#define STEP512(c) a##c = (c) % 2 ? _mm512_add_pd(a##c, z) : _mm512_mul_pd(a##c, s); \
    __asm__ volatile("" : "+v"(a##c));
#define SINK512(c) micro_sink += _mm512_reduce_add_pd(a##c);
    MICRO_X12(DECL512)
    MICRO_TIME_LOOP(&rate, MICRO_CHAINS * 8, MICRO_X12(STEP512));
    MICRO_X12(SINK512)
#undef DECL512
#undef STEP512
#undef SINK512
    return rate;
}
#endif

static void bench_lloyd(const struct kmeans_data *kd, struct kmeans_work *w,
                        int *labels, double peak)
{
    for (int q = 0; q < N_KS; q++) {
        int k = KS[q];
        rng_t rng = rng_stream(7, (uint64_t)k);
        double seeds[2 * 64], best_e = HUGE_VAL, best = HUGE_VAL;
        seed_centres(kd, k, &rng, w, seeds, NULL);
        for (int rep = 0; rep < MICRO_REPEATS; rep++) {
            memcpy(w->centers, seeds, (size_t)k * 2 * sizeof *seeds);
            double t0 = micro_now();
            prepare_centres(w->centers, k, kd->d, w->cnorm, w->cmul);
            (void)assign(kd, k, w->cnorm, w->cmul, labels, w->cancel);
            double t1 = micro_now();
            lloyd_step(kd, k, w, labels);
            double t2 = micro_now();
            best_e = t1 - t0 < best_e ? t1 - t0 : best_e;
            best = t2 - t1 < best ? t2 - t1 : best;
        }
        char name[64];
        double pairs = (double)kd->n * k;
        snprintf(name, sizeof name, "Lloyd E step k=%d", k);
        micro_report(name, "pairs/s", pairs / best_e, peak / 7.0,
                     "7 vector lane-ops per pair at peak add/mul");
        snprintf(name, sizeof name, "Lloyd step (E+M) k=%d", k);
        micro_report(name, "pairs/s", pairs / best, peak / 7.0,
                     "the same, the M step left out of the limit");
    }
}

int main(void)
{
    struct micro_fold f;
    struct kmeans_data kd;
    struct kmeans_work w;
    errmsg_t err;
    if (micro_fold_make(&f) != 0 ||
        kmeans_data_init(&kd, f.train, f.n_train, MICRO_DIM, &err) != 0 ||
        kmeans_work_init(&w, f.n_train, KS[N_KS - 1], MICRO_DIM, &err) != 0) {
        fprintf(stderr, "micro_kmeans: set-up failed\n");
        return 1;
    }
    /* a flag that is never set, as the elbow's: the polls are timed too */
    static atomic_int never;
    w.cancel = &never;
    int *labels = malloc(f.n_train * sizeof *labels);
    double cc[64];
    if (labels == NULL)
        return 1;
#if defined(__AVX512F__)
    double peak = peak_addmul_512();
#else
    double peak = micro_peak_addmul();
#endif
    bench_seeding(&kd, &w, cc, peak);
    bench_lloyd(&kd, &w, labels, peak);
    free(labels);
    kmeans_work_free(&w);
    kmeans_data_free(&kd);
    micro_fold_free(&f);
    return 0;
}
