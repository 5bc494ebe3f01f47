/* bogosort_options: bogosort's command-line options (--rows, --cols,
 * --max-value, --partition): their defaults, parsing, checks, help text and
 * part of the configuration key, reached through bogosort_kind. */
#ifndef OMPSWEEP_BOGOSORT_BOGOSORT_OPTIONS_H
#define OMPSWEEP_BOGOSORT_BOGOSORT_OPTIONS_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/status.h"
#include "bogosort/bogosort.h"
#include "study/run/sweep_options.h"


struct bogosort_options {
    size_t rows, cols;
    int max_value;
    enum bogosort_partition partitions[BOGOSORT_PARTITION_COUNT]; /* --partition */
    int npartitions;
};

extern const struct option bogosort_long_options[];
extern const char bogosort_usage[];

void bogosort_options_init(void *opts);
int bogosort_options_apply(void *opts, int id, const char *arg, errmsg_t *err);
int bogosort_options_validate(void *opts, struct sweep_options *sw, bool selected,
                              errmsg_t *err);
void bogosort_options_key(const void *opts, const struct sweep_options *sw, char *buf,
                          size_t cap);

#endif
