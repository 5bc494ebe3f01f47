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
enum { PERM_LANE_BITS = 4, PERM_LANE_MASK = 0xf };
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

/* Fisher-Yates swaps encoded by digit d (see bogosort.h). */
static void apply_digit(int *row, size_t cols, uint64_t d)
{
    for (size_t i = cols - 1; i >= 1; i--) {
        size_t j = (size_t)(d % (i + 1));
        d /= i + 1;
        int tmp = row[i];
        row[i] = row[j];
        row[j] = tmp;
    }
}

/* Hands out digits: one 64-bit draw per plan->per_draw shuffles. */
struct digit_source {
    uint64_t pending;
    int left;
};

static inline uint64_t next_digit(struct digit_source *src, uint64_t digits,
                                  uint64_t bound, int per_draw, rng_t *rng)
{
    if (src->left == 0) {
        src->pending = rng_bounded(rng, bound);
        src->left = per_draw;
    }
    uint64_t d = src->pending % digits;
    src->pending /= digits;
    src->left--;
    return d;
}

uint64_t bogosort_row(int *row, const struct bogosort_plan *plan, rng_t *rng)
{
    struct digit_source src = {0, 0};
    uint64_t count = 0;
    while (!row_sorted(row, plan->cols)) {
        apply_digit(row, plan->cols,
                    next_digit(&src, plan->digits, plan->bound, plan->per_draw, rng));
        count++;
    }
    return count;
}

/* perms[d] packs the permutation of digit d: lane k of the shuffled row
 * takes lane (perms[d] >> 4k) & 15 of the row before. */
static void build_perm_table(uint32_t *perms, size_t cols, uint64_t digits)
{
    for (uint64_t d = 0; d < digits; d++) {
        int lanes[BOGOSORT_TABLE_COLS];
        for (int k = 0; k < BOGOSORT_TABLE_COLS; k++)
            lanes[k] = k; /* lanes past cols stay put */
        apply_digit(lanes, cols, d);
        uint32_t packed = 0;
        for (int k = 0; k < BOGOSORT_TABLE_COLS; k++)
            packed |= (uint32_t)lanes[k] << (PERM_LANE_BITS * k);
        perms[d] = packed;
    }
}

/* Rows padded to 8 lanes with INT_MAX: padding never breaks sortedness and
 * the table leaves padded lanes in place. */
#ifdef __AVX2__
static inline uint64_t sort_lanes(int *lanes, const uint32_t *perms,
                                  uint64_t digits, uint64_t bound,
                                  int per_draw, rng_t *rng)
{
    const __m256i prev_idx = _mm256_setr_epi32(0, 0, 1, 2, 3, 4, 5, 6);
    const __m256i shifts = _mm256_setr_epi32(0, 4, 8, 12, 16, 20, 24, 28);
    const __m256i lane_mask = _mm256_set1_epi32(PERM_LANE_MASK);
    struct digit_source src = {0, 0};
    uint64_t count = 0;
    __m256i v = _mm256_loadu_si256((const __m256i *)lanes);
    for (;;) {
        __m256i prev = _mm256_permutevar8x32_epi32(v, prev_idx);
        __m256i descents = _mm256_cmpgt_epi32(prev, v);
        if (_mm256_testz_si256(descents, descents))
            break;
        uint32_t packed = perms[next_digit(&src, digits, bound, per_draw, rng)];
        __m256i idx = _mm256_and_si256(
            _mm256_srlv_epi32(_mm256_set1_epi32((int)packed), shifts), lane_mask);
        v = _mm256_permutevar8x32_epi32(v, idx);
        count++;
    }
    _mm256_storeu_si256((__m256i *)lanes, v);
    return count;
}
#else
static inline uint64_t sort_lanes(int *lanes, const uint32_t *perms,
                                  uint64_t digits, uint64_t bound,
                                  int per_draw, rng_t *rng)
{
    struct digit_source src = {0, 0};
    uint64_t count = 0;
    while (!row_sorted(lanes, BOGOSORT_TABLE_COLS)) {
        uint32_t packed = perms[next_digit(&src, digits, bound, per_draw, rng)];
        int next[BOGOSORT_TABLE_COLS];
        for (int k = 0; k < BOGOSORT_TABLE_COLS; k++)
            next[k] = lanes[(packed >> (PERM_LANE_BITS * k)) & PERM_LANE_MASK];
        memcpy(lanes, next, sizeof next);
        count++;
    }
    return count;
}
#endif

#if defined(__SSSE3__)
/* Rows of values in 0..INT8_MAX, the default: the row as the low 8 bytes
 * of an SSE register, one byte shuffle per bogo-shuffle. The row state is
 * a serial chain through every shuffle, and a byte shuffle has a latency of
 * 1 cycle where the cross-lane 32-bit permute of sort_lanes has several;
 * the permutations and the sortedness test are the same. Padding lanes
 * hold INT8_MAX, and the high 8 bytes are ignored. */
static inline uint64_t sort_bytes(int *lanes, const uint32_t *perms,
                                  uint64_t digits, uint64_t bound,
                                  int per_draw, rng_t *rng)
{
    const __m128i nibble = _mm_set1_epi8(PERM_LANE_MASK);
    int8_t bytes[16] = {0};
    for (int k = 0; k < BOGOSORT_TABLE_COLS; k++)
        bytes[k] = (int8_t)lanes[k];
    __m128i v = _mm_loadu_si128((const __m128i *)bytes);
    struct digit_source src = {0, 0};
    uint64_t count = 0;
    for (;;) {
        __m128i prev = _mm_slli_epi64(v, 8); /* byte k + 1 <- byte k */
        if ((_mm_movemask_epi8(_mm_cmpgt_epi8(prev, v)) & 0xff) == 0)
            break;
        __m128i m = _mm_cvtsi32_si128(
            (int)perms[next_digit(&src, digits, bound, per_draw, rng)]);
        __m128i idx = _mm_unpacklo_epi8( /* nibble k -> byte k */
            _mm_and_si128(m, nibble),
            _mm_and_si128(_mm_srli_epi16(m, PERM_LANE_BITS), nibble));
        v = _mm_shuffle_epi8(v, idx);
        count++;
    }
    _mm_storeu_si128((__m128i *)bytes, v);
    for (int k = 0; k < BOGOSORT_TABLE_COLS; k++)
        lanes[k] = bytes[k];
    return count;
}
#endif

/* Table path. The default 8-wide row gets its own call so the digit
 * arithmetic divides by compile-time constants. */
static uint64_t sort_row_table(int *row, const struct bogosort *b, rng_t *rng)
{
    enum { FACT8 = 40320 };
    int lanes[BOGOSORT_TABLE_COLS];
    uint64_t count;
#if defined(__SSSE3__)
    if (b->max_value <= INT8_MAX) {
        for (size_t k = 0; k < BOGOSORT_TABLE_COLS; k++)
            lanes[k] = k < b->cols ? row[k] : INT8_MAX;
        if (b->cols == BOGOSORT_TABLE_COLS)
            count = sort_bytes(lanes, b->perms, FACT8,
                               (uint64_t)FACT8 * FACT8 * FACT8, 3, rng);
        else
            count = sort_bytes(lanes, b->perms, b->plan.digits,
                               b->plan.bound, b->plan.per_draw, rng);
        memcpy(row, lanes, b->cols * sizeof *row);
        return count;
    }
#endif
    for (size_t k = 0; k < BOGOSORT_TABLE_COLS; k++)
        lanes[k] = k < b->cols ? row[k] : INT_MAX;
    if (b->cols == BOGOSORT_TABLE_COLS)
        count = sort_lanes(lanes, b->perms, FACT8,
                           (uint64_t)FACT8 * FACT8 * FACT8, 3, rng);
    else
        count = sort_lanes(lanes, b->perms, b->plan.digits, b->plan.bound,
                           b->plan.per_draw, rng);
    memcpy(row, lanes, b->cols * sizeof *row);
    return count;
}

/* Sort row i on a private copy: rows share cache lines, and writing them in
 * place from several threads would serialise on those lines. */
static void sort_one(struct bogosort *b, size_t i)
{
    int local[BOGOSORT_MAX_COLS];
    int *row = b->matrix + i * b->cols;
    memcpy(local, row, b->cols * sizeof *local);
    rng_t rng = rng_stream(b->seed, i);
    b->shuffles[i] = b->perms != NULL ? sort_row_table(local, b, &rng)
                                      : bogosort_row(local, &b->plan, &rng);
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
