/* Tests of the bogosort kernel: pinned shuffle counts, the fast table path
 * against the reference, identical checksums at any thread count, schedule
 * and partition, and verification catching wrong rows. */
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

/* Pinned: the shuffle count of one seeded row. Changing the random stream
 * or the digit decoding changes it. */
static void test_row_pinned(void)
{
    int row[8] = {5, 3, 9, 1, 7, 2, 8, 6};
    const int sorted[8] = {1, 2, 3, 5, 6, 7, 8, 9};
    struct bogosort_plan plan = bogosort_plan_for(8);
    rng_t rng = rng_stream(42, 0);
    uint64_t count = bogosort_row(row, &plan, &rng);
    CHECK_MSG(count == 56894, "count = %llu", (unsigned long long)count);
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

/* The kernel (table; byte shuffles for values up to 127, AVX2 lanes for
 * larger ones, where built) must reproduce the reference bogosort_row
 * exactly, row by row, for every width. */
static void test_kernel_matches_reference(void)
{
    static const int MAX_VALUES[] = {100, 127, 128, 100000};
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
    RUN(test_checksum_thread_independent);
    RUN(test_checksum_schedule_independent);
    RUN(test_checksum_depends_on_seed_data);
    RUN(test_chunks_like_array_split);
    RUN(test_verify_catches_errors);
    RUN(test_init_rejects_bad_sizes);
    return harness_report();
}
