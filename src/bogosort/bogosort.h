/* bogosort: the first workload. Every row of a rows x cols integer matrix is
 * bogosorted: while the row is not sorted, shuffle it (Fisher-Yates) and
 * count the shuffle. Row i draws from rng_stream(seed, i), so the shuffle
 * counts, and hence the checksum, are the same at any thread count.
 *
 * Random bits: a shuffle of c values is one uniform digit d in [0, c!). One
 * 64-bit draw, rng_bounded(rng, (c!)^s), yields s such digits (most
 * significant first), with s the largest count keeping (c!)^s <= 2^48 so
 * rejections stay below 2^-16. Digit d decodes to the Fisher-Yates swap
 * indices j_i = floor(d / i!) mod (i+1), applied as swap(row[i], row[j_i])
 * for i = c-1 down to 1. Each shuffle is applied to the row as it was
 * given, not to the previous shuffle: every shuffle is then a uniform
 * arrangement independent of the others, as before, so the count is
 * geometric with p = (product of the multiplicities!) / c! either way.
 *
 * The kernel draws the same digits without division (the high half of
 * r * c! is the digit, the low half carries on), and rows of up to 8
 * values look each digit's permutation up in a table of byte-shuffle
 * masks, applied as one byte shuffle when the values fit in a byte (0..255,
 * the default 0..100; SSSE3) or one lane permute (AVX2) otherwise, and
 * compared with the sorted row as one word: the results are identical to
 * bogosort_row's, only faster. */
#ifndef OMPSWEEP_BOGOSORT_BOGOSORT_H
#define OMPSWEEP_BOGOSORT_BOGOSORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/cancel.h"
#include "base/rng.h"
#include "base/status.h"

enum {
    BOGOSORT_MAX_COLS = 16,  /* 16! < 2^48: one draw serves a shuffle */
    BOGOSORT_TABLE_COLS = 8  /* rows up to this width use the permutation table */
};

/* How random digits are drawn for one row width. */
/* How rows are dealt to threads: `chunks` = one contiguous block per thread
 * (np.array_split), `rows` = per-row scheduling under the runtime schedule. */
enum bogosort_partition { BOGOSORT_CHUNKS, BOGOSORT_ROWS, BOGOSORT_PARTITION_COUNT };

/* Names of the partitions, as on the command line and in runs.csv. */
extern const char *const bogosort_partition_names[BOGOSORT_PARTITION_COUNT];

struct bogosort_plan {
    size_t cols;
    uint64_t digits;    /* c!: number of distinct shuffles */
    uint64_t bound;     /* (c!)^per_draw */
    int per_draw;       /* shuffles served by one 64-bit draw */
};

struct bogosort {
    size_t rows, cols;
    int max_value;
    uint64_t seed;
    enum bogosort_partition partition;
    int *input;         /* pristine input, rows x cols, never changed */
    int *matrix;        /* working copy the kernel sorts */
    uint64_t *shuffles; /* shuffles needed by each row */
    struct bogosort_plan plan;
    uint64_t *perms;    /* digit -> permutation as a byte-shuffle mask; NULL
                           when cols > BOGOSORT_TABLE_COLS */
    size_t share_begin, share_end; /* rows this process sorts (all by default) */
    /* NULL, or a flag that stops bogosort_run within about a millisecond of
     * becoming non-zero, the matrix then left partly sorted
     * (base/cancel.h). Set by the caller after bogosort_init. */
    const atomic_int *cancel;
};

/* Allocate and fill the input (first touch in parallel). On error returns
 * STATUS_USAGE or STATUS_NOMEM with *err set and nothing left allocated. */
int bogosort_init(struct bogosort *b, size_t rows, size_t cols, int max_value,
                  uint64_t seed, enum bogosort_partition partition, errmsg_t *err);

/* Sort only this rank's contiguous block of rows (sized as np.array_split
 * over nranks); the other rows keep their input until gathered. */
void bogosort_share(struct bogosort *b, int rank, int nranks);

/* Restore the working matrix from the pristine input (untimed). */
void bogosort_reset(struct bogosort *b);

/* The kernel: sort every row with the current OpenMP thread count; `rows`
 * partitioning follows the runtime schedule (omp_set_schedule). */
void bogosort_run(struct bogosort *b);

/* The digit plan for rows of `cols` values (1..BOGOSORT_MAX_COLS). */
struct bogosort_plan bogosort_plan_for(size_t cols);

/* Reference bogosort of one row in place, without the table: returns the
 * number of shuffles. The kernel gives the same result, faster. */
uint64_t bogosort_row(int *row, const struct bogosort_plan *plan, rng_t *rng);

/* Rows [*begin, *end) of thread t of nt under `chunks` partitioning: sizes
 * as np.array_split, the first rows % nt blocks one row longer. */
void bogosort_chunk(size_t rows, size_t nt, size_t t, size_t *begin, size_t *end);

/* Check every row is sorted and a permutation of its input. Also returns the
 * total shuffles and a checksum over shuffle counts and sorted contents. */
bool bogosort_verify(const struct bogosort *b, uint64_t *checksum,
                     uint64_t *shuffles);

/* The expected number of shuffles of one run over the rows this process
 * sorts: a row that is not sorted takes c! / (m_1! m_2! ...) shuffles on
 * average (m_i: how often each value occurs), each being sorted with that
 * probability independently of the others; *longest_row gets the largest
 * row's. For a time estimate up front. */
double bogosort_expected_shuffles(const struct bogosort *b, double *longest_row);

/* Shuffles per second of one thread, for estimates, as measured on a
 * 2 GHz AMD EPYC (Zen 1) core: 4.2-4.8e8 on rows of up to 8 values (the
 * table path), 2.7-3.4e7 on rows of 9 to 11 (the plain path). */
#define BOGOSORT_NOMINAL_RATE 4.0e8
#define BOGOSORT_NOMINAL_RATE_WIDE 3.0e7

void bogosort_free(struct bogosort *b);

#endif
