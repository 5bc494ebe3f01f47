/* compare_input: the runs of one side of `ompsweep compare`, pooled from a
 * comma-separated list of runs files and directories, and the build and
 * machine facts of the metadata.json files beside them. */
#ifndef OMPSWEEP_STUDY_ANALYZE_COMPARE_INPUT_H
#define OMPSWEEP_STUDY_ANALYZE_COMPARE_INPUT_H

#include <stddef.h>

#include "base/status.h"
#include "study/record/csv.h"

enum {
    COMPARE_FACTS = 5,       /* cpu_model, compiler, cflags, sha256, openmp_runtime */
    COMPARE_FACT_TEXT = 512  /* the distinct values of one fact, joined */
};

struct compare_side {
    const char *name; /* "BASE" or "NEW", for messages */
    struct run_row *rows;
    size_t n;
    int nfiles;
    char **paths; /* the nfiles runs files read (for the tables beside them) */
    /* Distinct values of each fact over the side's metadata.json files,
     * sorted and joined with " | "; "" when no file records it. */
    char facts[COMPARE_FACTS][COMPARE_FACT_TEXT];
};

/* The metadata.json key of fact i. */
const char *compare_fact_name(int i);

/* Load one side from `arg`: runs files and directories separated by
 * commas; a directory stands for its runs.csv, or when it has none for the
 * runs.csv of each of its subdirectories (the task-N directories of an
 * array job). Errors as csv_runs_read (STATUS_USAGE with FILE:LINE:COLUMN
 * for a file that is not a runs file, STATUS_IO for a read error), and
 * STATUS_USAGE for a directory without any runs.csv. */
int compare_side_load(struct compare_side *s, const char *name, const char *arg,
                      errmsg_t *err);

void compare_side_free(struct compare_side *s);

#endif
