/* fake_workload: a counting workload that lives in tests/ alone, to show
 * that a workload is its own files plus one registry row, and to watch the
 * sweep from the inside: every hook call goes to a log the tests read
 * (which variant, how many threads the sweep set, untimed or timed). Its
 * options: --fake-n N (the size, the checksum), --fake-variants N,
 * --fake-wrong R (the R-th timed run of the study computes another
 * checksum), --fake-fail R (the R-th run, warm-ups counted, fails). */
#ifndef OMPSWEEP_TESTS_FAKE_WORKLOAD_H
#define OMPSWEEP_TESTS_FAKE_WORKLOAD_H

#include "study/run/workload.h"

enum { FAKE_LOG_MAX = 512 };

/* One hook call. */
struct fake_event {
    char hook;   /* 'c' create, 'r' reset, 'x' run, 'k' check, 'd' destroy */
    int variant;
    int threads; /* omp_get_max_threads() at a run: what the sweep set */
};

struct fake_log {
    struct fake_event events[FAKE_LOG_MAX];
    int n;
    int runs; /* 'x' events */
};

extern struct fake_log fake_log;
extern const struct workload_kind fake_kind;

/* Forget every event (before a study). */
void fake_log_clear(void);

/* The events of `hook` as "variant:threads" words, space-separated. */
void fake_log_text(char hook, char *buf, size_t cap);

#endif
