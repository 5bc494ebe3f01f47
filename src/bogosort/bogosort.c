/* bogosort: kernel, input generation and verification; see bogosort.h. */
#include "bogosort/bogosort.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#if defined(__AVX2__) || defined(__SSSE3__)
#include <immintrin.h>
#endif

#include "base/openmp.h"

const char *const bogosort_partition_names[BOGOSORT_PARTITION_COUNT] = {"chunks", "rows"};

/* Input rows draw from streams in a separate domain from the shuffles. */
#define BOGOSORT_INPUT_DOMAIN (1ULL << 63)
#define BOGOSORT_DRAW_LIMIT (1ULL << 48) /* keeps rejections below 2^-16 */
enum { PERM_LANE_BITS = 8, BYTE_ROW_MAX = UINT8_MAX, FACT8 = 40320 };
/* Cancellation (base/cancel.h): the flag is polled before every row, and
 * within the rows wider than the table every CANCEL_POLL shuffles (about
 * 35 ms at their rate; one compare a word, lost in their cost). Table rows
 * are not polled within: one takes 8! / (m1! m2! ...) <= 40320 shuffles
 * on average, about 0.1 ms, and it runs past 10^8 shuffles (a quarter of
 * a second) with probability below e^-2400; a poll each word there cost
 * 7% of the shuffle rate (make micro). */
#define CANCEL_POLL ((uint64_t)1 << 20)
static const uint64_t CHECKSUM_MULT = 0x9e3779b97f4a7c15ULL;

struct bogosort_plan bogosort_plan_for(size_t cols)
{
    struct bogosort_plan p = {cols, 1, 1, 0};
    for (size_t c = 2; c <= cols; c++)
        p.digits *= c;
    /* A row of one value is always sorted; one digit per draw is enough. */
    while (p.digits > 1 && p.bound <= BOGOSORT_DRAW_LIMIT / p.digits) {
        p.bound *= p.digits;
        p.per_draw++;
    }
    if (p.per_draw == 0) {
        p.bound = p.digits;
        p.per_draw = 1;
    }
    return p;
}

static bool row_sorted(const int *row, size_t cols)
{
    for (size_t i = 1; i < cols; i++)
        if (row[i - 1] > row[i])
            return false;
    return true;
}

static void insertion_sort(int *v, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        int x = v[i];
        size_t j = i;
        for (; j > 0 && v[j - 1] > x; j--)
            v[j] = v[j - 1];
        v[j] = x;
    }
}

/* Fisher-Yates swaps encoded by digit d in [0, c!) (see bogosort.h):
 * j_i = floor(d / i!) mod (i + 1), for i = c-1 down to 1. */
static void apply_digit(int *row, size_t cols, uint64_t d)
{
    uint64_t weight = 1;
    for (size_t i = 2; i < cols; i++)
        weight *= i;
    for (size_t i = cols - 1; i >= 1; i--) {
        size_t j = (size_t)(d / weight);
        d %= weight;
        weight /= i;
        int tmp = row[i];
        row[i] = row[j];
        row[j] = tmp;
    }
}

/* The reference: plain arithmetic, one shuffle of a fresh copy of the
 * input per digit. rng_bounded(rng, (c!)^s) gives s digits, the most
 * significant first. */
uint64_t bogosort_row(int *row, const struct bogosort_plan *plan, rng_t *rng)
{
    int pristine[BOGOSORT_MAX_COLS];
    size_t cols = plan->cols;
    if (row_sorted(row, cols))
        return 0;
    memcpy(pristine, row, cols * sizeof *row);
    for (uint64_t count = 0;;) {
        uint64_t word = rng_bounded(rng, plan->bound);
        uint64_t weight = plan->bound / plan->digits;
        for (int s = 0; s < plan->per_draw; s++, weight /= plan->digits) {
            memcpy(row, pristine, cols * sizeof *row);
            apply_digit(row, cols, word / weight);
            word %= weight;
            count++;
            if (row_sorted(row, cols))
                return count;
        }
    }
}

/* The kernel's draws (batched ranged integers, Brackett-Rozinsky and
 * Lemire 2024): the high half of r * c! is the next digit and the low half
 * carries on, one multiplication per digit and no division. A word is
 * rejected exactly when rng_bounded(rng, bound) rejects it, when
 * r * bound mod 2^64 (the low half left after all its digits) is below
 * 2^64 mod bound; the digits are then those of the reference: the high
 * half of r * (c!)^s split most significant first. */
static inline uint64_t draw_word(rng_t *rng, uint64_t bound, uint64_t threshold)
{
    uint64_t r;
    do
        r = rng_next(rng);
    while (r * bound < threshold);
    return r;
}

static inline uint64_t peel_digit(uint64_t *r, uint64_t digits)
{
    rng_u128 m = (rng_u128)*r * digits;
    *r = (uint64_t)m;
    return (uint64_t)(m >> 64);
}

/* Rows wider than the table: peeling c, c-1, ..., 2 one after the other
 * gives the swap indices j_i of the digit that peeling c! would give (the
 * same high halves, the same low half left). */
static uint64_t sort_row_wide(int *row, const struct bogosort_plan *plan,
                              rng_t *rng, const atomic_int *cancel)
{
    int pristine[BOGOSORT_MAX_COLS], lanes[BOGOSORT_MAX_COLS];
    size_t cols = plan->cols;
    if (row_sorted(row, cols))
        return 0;
    memcpy(pristine, row, cols * sizeof *row);
    uint64_t threshold = -plan->bound % plan->bound;
    for (uint64_t count = 0, poll = CANCEL_POLL;;) {
        if (count >= poll) {
            if (cancel_requested(cancel))
                return count;
            poll += CANCEL_POLL;
        }
        uint64_t r = draw_word(rng, plan->bound, threshold);
        for (int s = 0; s < plan->per_draw; s++) {
            memcpy(lanes, pristine, cols * sizeof *lanes);
            for (size_t i = cols - 1; i >= 1; i--) {
                size_t j = (size_t)peel_digit(&r, i + 1);
                int tmp = lanes[i];
                lanes[i] = lanes[j];
                lanes[j] = tmp;
            }
            count++;
            if (row_sorted(lanes, cols)) {
                memcpy(row, lanes, cols * sizeof *row);
                return count;
            }
        }
    }
}

/* perms[d] packs the permutation of digit d: lane k of the shuffled row
 * takes lane (perms[d] >> 8k) & 0xff of the input row; a byte-shuffle
 * mask as it stands. 8 bytes x 8! = 315 KiB: it stays in L2. */
static void build_perm_table(uint64_t *perms, size_t cols, uint64_t digits)
{
    for (uint64_t d = 0; d < digits; d++) {
        int lanes[BOGOSORT_TABLE_COLS];
        for (int k = 0; k < BOGOSORT_TABLE_COLS; k++)
            lanes[k] = k; /* lanes past cols stay put */
        apply_digit(lanes, cols, d);
        uint64_t packed = 0;
        for (int k = 0; k < BOGOSORT_TABLE_COLS; k++)
            packed |= (uint64_t)lanes[k] << (PERM_LANE_BITS * k);
        perms[d] = packed;
    }
}

/* How one row is shuffled through the table. Every trial applies a fresh
 * digit to the input row, not to the previous shuffle: a uniform
 * permutation of any fixed arrangement is a uniform arrangement, and the
 * digits are independent, so each trial is sorted with the same
 * probability p = (product of the multiplicities!) / c!, independently of
 * the others, exactly as when shuffling the previous arrangement; the
 * shuffle count is geometric with parameter p either way. Trials no longer
 * form a chain through the row, and sortedness is one equality test
 * against the sorted row. Rows are padded to 8 lanes; padding stays put. */
struct table_row {
    int input[BOGOSORT_TABLE_COLS], sorted[BOGOSORT_TABLE_COLS];
    const uint64_t *perms;
};

/* Digits per word and the word's rejection threshold, 2^64 mod bound. */
struct draw {
    uint64_t digits, bound, threshold;
    int per_draw;
};

#define DRAW8_BOUND ((uint64_t)FACT8 * FACT8 * FACT8)
static const struct draw DRAW8 = {FACT8, DRAW8_BOUND,
                                  -DRAW8_BOUND % DRAW8_BOUND, 3};

#if defined(__SSSE3__)
static inline uint64_t pack_bytes(const int *lanes)
{
    uint64_t v = 0;
    for (int k = 0; k < BOGOSORT_TABLE_COLS; k++)
        v |= (uint64_t)(uint8_t)lanes[k] << (PERM_LANE_BITS * k);
    return v;
}

/* Values in 0..255 (the default 0..100): the row is 8 bytes, a trial is
 * one byte shuffle and one 64-bit compare. */
static inline uint64_t sort_bytes(const struct table_row *t, struct draw w,
                                  rng_t *rng)
{
    const __m128i input = _mm_cvtsi64_si128((long long)pack_bytes(t->input));
    const uint64_t sorted = pack_bytes(t->sorted);
    for (uint64_t count = 0;;) {
        uint64_t r = draw_word(rng, w.bound, w.threshold);
        for (int s = 0; s < w.per_draw; s++) {
            const uint64_t *mask = &t->perms[peel_digit(&r, w.digits)];
            __m128i v =
                _mm_shuffle_epi8(input, _mm_loadl_epi64((const __m128i *)mask));
            count++;
            if ((uint64_t)_mm_cvtsi128_si64(v) == sorted)
                return count;
        }
    }
}
#endif

#if defined(__AVX2__)
/* Larger values: 32-bit lanes, the mask widened on load. */
static inline uint64_t sort_lanes(const struct table_row *t, struct draw w,
                                  rng_t *rng)
{
    const __m256i input = _mm256_loadu_si256((const __m256i *)t->input);
    const __m256i sorted = _mm256_loadu_si256((const __m256i *)t->sorted);
    for (uint64_t count = 0;;) {
        uint64_t r = draw_word(rng, w.bound, w.threshold);
        for (int s = 0; s < w.per_draw; s++) {
            const uint64_t *mask = &t->perms[peel_digit(&r, w.digits)];
            __m256i idx =
                _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)mask));
            __m256i diff = _mm256_xor_si256(
                _mm256_permutevar8x32_epi32(input, idx), sorted);
            count++;
            if (_mm256_testz_si256(diff, diff))
                return count;
        }
    }
}
#else
static inline uint64_t sort_lanes(const struct table_row *t, struct draw w,
                                  rng_t *rng)
{
    for (uint64_t count = 0;;) {
        uint64_t r = draw_word(rng, w.bound, w.threshold);
        for (int s = 0; s < w.per_draw; s++) {
            uint64_t mask = t->perms[peel_digit(&r, w.digits)];
            bool same = true;
            for (int k = 0; k < BOGOSORT_TABLE_COLS; k++, mask >>= PERM_LANE_BITS)
                same &= t->input[mask & 0xff] == t->sorted[k];
            count++;
            if (same)
                return count;
        }
    }
}
#endif

/* Table path. The default 8-wide row gets its own calls so the digit
 * arithmetic works with compile-time constants. */
static uint64_t sort_row_table(int *row, const struct bogosort *b, rng_t *rng)
{
    struct table_row t = {.perms = b->perms};
    for (size_t k = 0; k < BOGOSORT_TABLE_COLS; k++)
        t.input[k] = k < b->cols ? row[k] : INT_MAX;
    if (row_sorted(t.input, b->cols))
        return 0;
    memcpy(t.sorted, t.input, sizeof t.sorted);
    insertion_sort(t.sorted, b->cols);
    memcpy(row, t.sorted, b->cols * sizeof *row); /* how every row ends */
    struct draw w = {b->plan.digits, b->plan.bound,
                     -b->plan.bound % b->plan.bound, b->plan.per_draw};
    bool eight = b->cols == BOGOSORT_TABLE_COLS;
#if defined(__SSSE3__)
    if (b->max_value <= BYTE_ROW_MAX)
        return eight ? sort_bytes(&t, DRAW8, rng) : sort_bytes(&t, w, rng);
#endif
    return eight ? sort_lanes(&t, DRAW8, rng) : sort_lanes(&t, w, rng);
}

/* Sort row i on a private copy: rows share cache lines, and writing them in
 * place from several threads would serialise on those lines. */
static void sort_one(struct bogosort *b, size_t i)
{
    int local[BOGOSORT_MAX_COLS];
    int *row = b->matrix + i * b->cols;
    if (cancel_requested(b->cancel))
        return; /* the run is cut: leave the rest */
    memcpy(local, row, b->cols * sizeof *local);
    rng_t rng = rng_stream(b->seed, i);
    b->shuffles[i] = b->perms != NULL ? sort_row_table(local, b, &rng)
                                      : sort_row_wide(local, &b->plan, &rng, b->cancel);
    memcpy(row, local, b->cols * sizeof *local);
}

void bogosort_chunk(size_t rows, size_t nt, size_t t, size_t *begin, size_t *end)
{
    size_t base = rows / nt, extra = rows % nt;
    *begin = t * base + (t < extra ? t : extra);
    *end = *begin + base + (t < extra ? 1 : 0);
}

/* Both partitions cover this process's share [share_begin, share_end):
 * all rows unless the rows were split among MPI ranks. */
static void run_chunks(struct bogosort *b)
{
#pragma omp parallel default(none) shared(b)
    {
        size_t begin, end;
        bogosort_chunk(b->share_end - b->share_begin, (size_t)omp_get_num_threads(),
                       (size_t)omp_get_thread_num(), &begin, &end);
        for (size_t i = begin; i < end; i++)
            sort_one(b, b->share_begin + i);
    }
}

static void run_rows(struct bogosort *b)
{
    long first = (long)b->share_begin, last = (long)b->share_end;
#pragma omp parallel for default(none) shared(b, first, last) schedule(runtime)
    for (long i = first; i < last; i++)
        sort_one(b, (size_t)i);
}

void bogosort_share(struct bogosort *b, int rank, int nranks)
{
    bogosort_chunk(b->rows, (size_t)nranks, (size_t)rank, &b->share_begin,
                   &b->share_end);
}

void bogosort_run(struct bogosort *b)
{
    if (b->partition == BOGOSORT_CHUNKS)
        run_chunks(b);
    else
        run_rows(b);
}

void bogosort_reset(struct bogosort *b)
{
    long rows = (long)b->rows;
    size_t cols = b->cols;
#pragma omp parallel for default(none) shared(b, rows, cols) schedule(static)
    for (long i = 0; i < rows; i++) {
        memcpy(b->matrix + (size_t)i * cols, b->input + (size_t)i * cols,
               cols * sizeof(int));
        b->shuffles[i] = 0;
    }
}

static void fill_input(struct bogosort *b)
{
    long rows = (long)b->rows;
#pragma omp parallel for default(none) shared(b, rows) schedule(static)
    for (long i = 0; i < rows; i++) {
        rng_t rng = rng_stream(b->seed, BOGOSORT_INPUT_DOMAIN | (uint64_t)i);
        for (size_t c = 0; c < b->cols; c++)
            b->input[(size_t)i * b->cols + c] =
                (int)rng_bounded(&rng, (uint64_t)b->max_value + 1);
    }
}

static int allocate(struct bogosort *b, errmsg_t *err)
{
    b->input = malloc(b->rows * b->cols * sizeof *b->input);
    b->matrix = malloc(b->rows * b->cols * sizeof *b->matrix);
    b->shuffles = malloc(b->rows * sizeof *b->shuffles);
    if (b->cols <= BOGOSORT_TABLE_COLS)
        b->perms = malloc(b->plan.digits * sizeof *b->perms);
    if (b->input == NULL || b->matrix == NULL || b->shuffles == NULL ||
        (b->cols <= BOGOSORT_TABLE_COLS && b->perms == NULL)) {
        bogosort_free(b);
        return errmsg_set(err, STATUS_NOMEM, "bogosort: out of memory for "
                          "%zu x %zu matrix", b->rows, b->cols);
    }
    return STATUS_OK;
}

int bogosort_init(struct bogosort *b, size_t rows, size_t cols, int max_value,
                  uint64_t seed, enum bogosort_partition partition, errmsg_t *err)
{
    memset(b, 0, sizeof *b);
    if (rows == 0 || cols == 0 || cols > BOGOSORT_MAX_COLS || max_value < 0 ||
        max_value == INT_MAX)
        return errmsg_set(err, STATUS_USAGE, "bogosort: bad size %zu x %zu "
                          "(cols 1..%d)", rows, cols, BOGOSORT_MAX_COLS);
    b->rows = rows;
    b->cols = cols;
    b->max_value = max_value;
    b->seed = seed;
    b->partition = partition;
    b->plan = bogosort_plan_for(cols);
    b->share_begin = 0;
    b->share_end = rows;
    int rc = allocate(b, err);
    if (rc != STATUS_OK)
        return rc;
    if (b->perms != NULL)
        build_perm_table(b->perms, cols, b->plan.digits);
    fill_input(b);
    bogosort_reset(b);
    return STATUS_OK;
}

static uint64_t mix64(uint64_t h, uint64_t v)
{
    h = (h ^ v) * CHECKSUM_MULT;
    return h ^ (h >> 29);
}

bool bogosort_verify(const struct bogosort *b, uint64_t *checksum,
                     uint64_t *shuffles)
{
    bool ok = true;
    uint64_t h = 0, total = 0;
    for (size_t i = 0; i < b->rows; i++) {
        int expect[BOGOSORT_MAX_COLS];
        const int *row = b->matrix + i * b->cols;
        memcpy(expect, b->input + i * b->cols, b->cols * sizeof *expect);
        insertion_sort(expect, b->cols);
        if (memcmp(expect, row, b->cols * sizeof *expect) != 0)
            ok = false;
        h = mix64(h, b->shuffles[i]);
        for (size_t c = 0; c < b->cols; c++)
            h = mix64(h, (uint64_t)(uint32_t)row[c]);
        total += b->shuffles[i];
    }
    *checksum = h;
    *shuffles = total;
    return ok;
}

/* c! / (m_1! m_2! ...) for a row, the inverse of the probability that a
 * shuffle of it is sorted. */
static double arrangements(const int *row, size_t cols)
{
    int v[BOGOSORT_MAX_COLS];
    memcpy(v, row, cols * sizeof *v);
    insertion_sort(v, cols);
    double n = 1.0;
    for (size_t i = 1, run = 1; i <= cols; i++) {
        n *= (double)i;
        run = i < cols && v[i] == v[i - 1] ? run + 1 : 1;
        n /= (double)run; /* divides out run! one factor at a time */
    }
    return n;
}

double bogosort_expected_shuffles(const struct bogosort *b, double *longest_row)
{
    double total = 0.0;
    *longest_row = 0.0;
    for (size_t i = b->share_begin; i < b->share_end; i++) {
        const int *row = b->input + i * b->cols;
        double e = row_sorted(row, b->cols) ? 0.0 : arrangements(row, b->cols);
        total += e;
        *longest_row = e > *longest_row ? e : *longest_row;
    }
    return total;
}

void bogosort_free(struct bogosort *b)
{
    free(b->input);
    free(b->matrix);
    free(b->shuffles);
    free(b->perms);
    b->input = b->matrix = NULL;
    b->shuffles = NULL;
    b->perms = NULL;
}
