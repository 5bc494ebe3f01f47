/* Tests of the bogosort kernel: pinned shuffle counts, the fast paths
 * against the reference, shuffle counts against the geometric law,
 * identical checksums at any thread count, schedule and partition, and
 * verification catching wrong rows. */
#include <math.h>
#include <omp.h>
#include <stdlib.h>

#include "bogosort/bogosort.h"
#include "harness.h"

static void test_plan(void)
{
    struct bogosort_plan p = bogosort_plan_for(8);
    CHECK(p.digits == 40320 && p.per_draw == 3);
    CHECK(p.bound == 40320ULL * 40320ULL * 40320ULL);
    p = bogosort_plan_for(1);
    CHECK(p.digits == 1 && p.per_draw == 1);
    p = bogosort_plan_for(16);
    CHECK(p.digits == 20922789888000ULL && p.per_draw == 1);
}

/* Pinned: the shuffle count of one seeded row. Changing the random stream,
 * the digit order or decoding, or what a digit is applied to changes it. */
static void test_row_pinned(void)
{
    int row[8] = {5, 3, 9, 1, 7, 2, 8, 6};
    const int sorted[8] = {1, 2, 3, 5, 6, 7, 8, 9};
    struct bogosort_plan plan = bogosort_plan_for(8);
    rng_t rng = rng_stream(42, 0);
    uint64_t count = bogosort_row(row, &plan, &rng);
    CHECK_MSG(count == 2588, "count = %llu", (unsigned long long)count);
    for (int i = 0; i < 8; i++)
        CHECK(row[i] == sorted[i]);
}

static void test_sorted_row_needs_no_shuffle(void)
{
    int row[4] = {1, 1, 2, 3};
    struct bogosort_plan plan = bogosort_plan_for(4);
    rng_t rng = rng_stream(1, 1);
    CHECK(bogosort_row(row, &plan, &rng) == 0);
}

static uint64_t run_checksum(size_t rows, size_t cols, enum bogosort_partition part,
                             int threads, int kind, int chunk, uint64_t *work)
{
    struct bogosort b;
    errmsg_t err;
    uint64_t checksum = 0;
    if (bogosort_init(&b, rows, cols, 100, 42, part, &err) != STATUS_OK)
        return 0;
    omp_set_num_threads(threads);
    omp_set_schedule((omp_sched_t)kind, chunk);
    bogosort_run(&b);
    CHECK(bogosort_verify(&b, &checksum, work));
    bogosort_free(&b);
    return checksum;
}

/* The kernel (table, byte shuffles for values up to 255 and 32-bit lanes
 * for larger ones where built, scalar otherwise; peeled swap indices for
 * rows wider than 8) must reproduce the reference bogosort_row exactly,
 * row by row, for every width. */
static void test_kernel_matches_reference(void)
{
    static const int MAX_VALUES[] = {1, 100, 255, 256, 100000};
    for (size_t v = 0; v < sizeof MAX_VALUES / sizeof MAX_VALUES[0]; v++) {
        for (size_t cols = 1; cols <= 9; cols++) {
            size_t rows = cols <= 8 ? 40 : 3;
            struct bogosort b;
            errmsg_t err;
            CHECK(bogosort_init(&b, rows, cols, MAX_VALUES[v], 7,
                                BOGOSORT_ROWS, &err) == STATUS_OK);
            bogosort_run(&b);
            for (size_t i = 0; i < rows; i++) {
                int row[BOGOSORT_MAX_COLS];
                for (size_t c = 0; c < cols; c++)
                    row[c] = b.input[i * cols + c];
                rng_t rng = rng_stream(7, i);
                uint64_t count = bogosort_row(row, &b.plan, &rng);
                CHECK_MSG(count == b.shuffles[i], "max %d cols %zu row %zu",
                          MAX_VALUES[v], cols, i);
                for (size_t c = 0; c < cols; c++)
                    CHECK(row[c] == b.matrix[i * cols + c]);
            }
            bogosort_free(&b);
        }
    }
}

/* ---------------------------------------------- counts vs the geometric law */

enum { CHI_BINS = 10, CHI_MIN_ROWS = 1000 };

/* Pearson's statistic of shuffle counts (all >= 1) against the geometric law
 * P(K = k) = p (1 - p)^(k-1), over CHI_BINS bins of about equal probability.
 * *df receives the degrees of freedom. */
static double chi_square_geometric(const uint64_t *counts, size_t n, double p,
                                   int *df)
{
    uint64_t upper[CHI_BINS]; /* bin b holds counts in (upper[b-1], upper[b]] */
    double prob[CHI_BINS], seen[CHI_BINS] = {0}, below = 0.0;
    int bins = 0;
    for (int b = 1; b <= CHI_BINS; b++) {
        double k = b == CHI_BINS ? INFINITY
                                 : ceil(log(1.0 - (double)b / CHI_BINS) / log1p(-p));
        double cdf = isinf(k) ? 1.0 : 1.0 - pow(1.0 - p, k);
        if (cdf <= below)
            continue; /* too coarse for this bin: merged into the next */
        upper[bins] = isinf(k) ? UINT64_MAX : (uint64_t)k;
        prob[bins++] = cdf - below;
        below = cdf;
    }
    for (size_t i = 0; i < n; i++) {
        int b = 0;
        while (counts[i] > upper[b])
            b++;
        seen[b] += 1.0;
    }
    double stat = 0.0;
    for (int b = 0; b < bins; b++) {
        double expect = prob[b] * (double)n;
        stat += (seen[b] - expect) * (seen[b] - expect) / expect;
    }
    *df = bins - 1;
    return stat;
}

/* The 99.9% quantile of chi-square with df degrees of freedom (Wilson and
 * Hilferty's cube-root normal approximation, ample for df >= 3). */
static double chi_square_critical(int df)
{
    const double z999 = 3.0902;
    double h = 2.0 / (9.0 * df);
    return df * pow(1.0 - h + z999 * sqrt(h), 3.0);
}

/* prod over distinct values of (multiplicity!): the number of arrangements
 * of the row that are sorted. */
static uint64_t sorted_arrangements(const int *row, size_t cols)
{
    uint64_t ways = 1;
    for (size_t i = 0; i < cols; i++) {
        uint64_t before = 0;
        for (size_t j = 0; j < i; j++)
            before += row[j] == row[i];
        ways *= before + 1;
    }
    return ways;
}

/* Rows of the kernel whose input has `ways` sorted arrangements and is not
 * sorted: their counts must follow the geometric law with p = ways / c!,
 * and a law 25% off must be rejected (the test has power). */
static void check_geometric(const struct bogosort *b, uint64_t ways)
{
    uint64_t *counts = malloc(b->rows * sizeof *counts);
    size_t n = 0;
    for (size_t i = 0; i < b->rows; i++) {
        const int *in = b->input + i * b->cols;
        if (sorted_arrangements(in, b->cols) != ways)
            continue;
        bool sorted = true;
        for (size_t c = 1; c < b->cols; c++)
            sorted &= in[c - 1] <= in[c];
        if (sorted)
            CHECK(b->shuffles[i] == 0);
        else
            counts[n++] = b->shuffles[i];
    }
    CHECK_MSG(n >= CHI_MIN_ROWS, "%zu rows with %llu sorted arrangements", n,
              (unsigned long long)ways);
    double p = (double)ways / (double)b->plan.digits;
    int df;
    double stat = chi_square_geometric(counts, n, p, &df);
    CHECK_MSG(stat < chi_square_critical(df), "p = %g: chi2 = %.1f, df %d", p,
              stat, df);
    stat = chi_square_geometric(counts, n, 1.25 * p, &df);
    CHECK_MSG(stat > chi_square_critical(df), "1.25 p = %g: chi2 = %.1f, df %d",
              1.25 * p, stat, df);
    free(counts);
}

/* Distinct values: p = 1/c!. Values 0..2 in rows of 6: the groups with
 * multiplicities {2,2,2} (p = 8/720) and {3,2,1} (p = 12/720). Widths 5 and
 * 6 go through the byte path; the lanes path reproduces it (test above). */
static void test_counts_follow_geometric_law(void)
{
    struct bogosort b;
    errmsg_t err;
    CHECK(bogosort_init(&b, 20000, 5, 1000000, 11, BOGOSORT_ROWS, &err) == STATUS_OK);
    bogosort_run(&b);
    check_geometric(&b, 1);
    bogosort_free(&b);
    CHECK(bogosort_init(&b, 20000, 6, 2, 12, BOGOSORT_ROWS, &err) == STATUS_OK);
    bogosort_run(&b);
    check_geometric(&b, 8);
    check_geometric(&b, 12);
    bogosort_free(&b);
}

static void test_checksum_thread_independent(void)
{
    uint64_t w1, w2, w3, w4;
    uint64_t ref = run_checksum(200, 7, BOGOSORT_ROWS, 1, omp_sched_dynamic, 0, &w1);
    CHECK(ref != 0);
    CHECK(run_checksum(200, 7, BOGOSORT_ROWS, 2, omp_sched_dynamic, 0, &w2) == ref);
    CHECK(run_checksum(200, 7, BOGOSORT_CHUNKS, 2, omp_sched_static, 0, &w3) == ref);
    CHECK(run_checksum(200, 7, BOGOSORT_CHUNKS, 3, omp_sched_static, 0, &w4) == ref);
    CHECK(w1 == w2 && w2 == w3 && w3 == w4 && w1 > 0);
}

static void test_checksum_schedule_independent(void)
{
    const int kinds[] = {omp_sched_static, omp_sched_dynamic, omp_sched_guided};
    uint64_t w, ref = run_checksum(100, 8, BOGOSORT_ROWS, 1, omp_sched_static, 0, &w);
    for (int k = 0; k < 3; k++)
        for (int chunk = 0; chunk <= 7; chunk += 7)
            CHECK(run_checksum(100, 8, BOGOSORT_ROWS, 2, kinds[k], chunk, &w) == ref);
}

static void test_checksum_depends_on_seed_data(void)
{
    uint64_t w;
    CHECK(run_checksum(50, 6, BOGOSORT_ROWS, 1, omp_sched_dynamic, 0, &w) !=
          run_checksum(51, 6, BOGOSORT_ROWS, 1, omp_sched_dynamic, 0, &w));
}

static void test_chunks_like_array_split(void)
{
    size_t b, e, sizes[3];
    for (size_t t = 0; t < 3; t++) {
        bogosort_chunk(10, 3, t, &b, &e);
        sizes[t] = e - b;
    }
    CHECK(sizes[0] == 4 && sizes[1] == 3 && sizes[2] == 3);
    bogosort_chunk(10, 3, 2, &b, &e);
    CHECK(b == 7 && e == 10);
    bogosort_chunk(2, 4, 3, &b, &e); /* more threads than rows: empty */
    CHECK(b == e);
}

static void test_verify_catches_errors(void)
{
    struct bogosort b;
    errmsg_t err;
    uint64_t checksum, work;
    CHECK(bogosort_init(&b, 20, 5, 100, 3, BOGOSORT_ROWS, &err) == STATUS_OK);
    bogosort_run(&b);
    CHECK(bogosort_verify(&b, &checksum, &work));
    int *row = b.matrix + 4 * 5;
    int saved = row[0];
    row[0] = row[4] + 1; /* unsorted */
    CHECK(!bogosort_verify(&b, &checksum, &work));
    row[0] = saved - 1;  /* still sorted, but not a permutation of the input */
    CHECK(!bogosort_verify(&b, &checksum, &work));
    bogosort_free(&b);
}

static void test_init_rejects_bad_sizes(void)
{
    struct bogosort b;
    errmsg_t err;
    CHECK(bogosort_init(&b, 10, 17, 100, 1, BOGOSORT_ROWS, &err) == STATUS_USAGE);
    CHECK(bogosort_init(&b, 0, 8, 100, 1, BOGOSORT_ROWS, &err) == STATUS_USAGE);
}

int main(void)
{
    RUN(test_plan);
    RUN(test_row_pinned);
    RUN(test_sorted_row_needs_no_shuffle);
    RUN(test_kernel_matches_reference);
    RUN(test_counts_follow_geometric_law);
    RUN(test_checksum_thread_independent);
    RUN(test_checksum_schedule_independent);
    RUN(test_checksum_depends_on_seed_data);
    RUN(test_chunks_like_array_split);
    RUN(test_verify_catches_errors);
    RUN(test_init_rejects_bad_sizes);
    return harness_report();
}
