/* output: the output directory and the paths of the files in it. */
#ifndef OMPSWEEP_STUDY_RECORD_OUTPUT_H
#define OMPSWEEP_STUDY_RECORD_OUTPUT_H

#include <stddef.h>
#include <stdio.h>

#include "base/status.h"

enum {
    OUTPUT_PATH_MAX = 4096,
    OUTPUT_TMP_EXTRA = 300 /* what output_tmp_path adds to a path, at most */
};

/* Create `dir` and its parents if missing (mode 0755) and check it is a
 * writable directory. STATUS_IO with a message otherwise. */
int output_prepare(const char *dir, errmsg_t *err);

/* dir + "/" + name into buf; STATUS_USAGE if it does not fit. */
int output_path(char *buf, size_t cap, const char *dir, const char *name,
                errmsg_t *err);

/* The temporary name beside `path` that output_replace renames over it:
 * "PATH.tmp.HOST.PID". The host keeps apart two jobs on different nodes
 * with the same process id writing into one shared directory. Calls
 * output_remove_stale(path) first. */
int output_tmp_path(char *buf, size_t cap, const char *path, errmsg_t *err);

/* Remove path's temporary files (output_tmp_path) of this host's dead
 * processes: a writer killed between writing one and its rename leaves it,
 * and nothing else would. Other hosts' (their processes cannot be asked)
 * and live processes' (a writer at work, or a process id used again) stay.
 * Best effort: errors are ignored. */
void output_remove_stale(const char *path);

/* Called with each file output_runs_files finds; a status other than
 * STATUS_OK stops the walk and is returned. */
typedef int (*output_file_fn)(void *ctx, const char *path, errmsg_t *err);

/* The runs files a directory stands for (summarize, compare): DIR/runs.csv,
 * or when it has none DIR/ * /runs.csv (the task-N directories of an array
 * job), in name order, each passed to fn. STATUS_USAGE "DIR: no runs.csv in
 * this directory or its subdirectories" when there is none. */
int output_runs_files(const char *dir, output_file_fn fn, void *ctx, errmsg_t *err);

/* rename(tmp, path): readers and a killed process see the old file or the
 * new one, never a mix. For the crash tests, the environment variable
 * OMPSWEEP_TEST_STOP naming path's last component ("summary.csv") stops the
 * process with SIGSTOP just before the rename. Returns rename's result. */
int output_replace(const char *tmp, const char *path);

/* A table written atomically: DIR/NAME's path, its temporary beside it,
 * and the stream open on that temporary. */
struct output_table {
    char path[OUTPUT_PATH_MAX];
    char tmp[OUTPUT_PATH_MAX + OUTPUT_TMP_EXTRA];
    FILE *out;
};

/* Prepare `dir` (output_prepare), name the table and open its temporary
 * for writing; finish with output_commit(t->out, t->tmp, t->path, err).
 * STATUS_IO (STATUS_USAGE for a path too long) with a message otherwise. */
int output_table_open(struct output_table *t, const char *dir, const char *name,
                      errmsg_t *err);

/* Finish a table written through `out` to `tmp` (output_tmp_path of
 * `path`): flush and close it and rename it over `path`. On any failure
 * `tmp` is removed and the old `path` stays: STATUS_IO naming `path`. */
int output_commit(FILE *out, const char *tmp, const char *path, errmsg_t *err);

#endif
