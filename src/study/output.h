/* output: the output directory and the paths of the files in it. */
#ifndef OMPSWEEP_STUDY_OUTPUT_H
#define OMPSWEEP_STUDY_OUTPUT_H

#include <stddef.h>

#include "base/status.h"

enum { OUTPUT_PATH_MAX = 4096 };

/* Create `dir` and its parents if missing (mode 0755) and check it is a
 * writable directory. STATUS_IO with a message otherwise. */
int output_prepare(const char *dir, errmsg_t *err);

/* dir + "/" + name into buf; STATUS_USAGE if it does not fit. */
int output_path(char *buf, size_t cap, const char *dir, const char *name,
                errmsg_t *err);

#endif
