/* exec_proc: one run of the user's program as a child process: ompsweep's
 * own OpenMP threads quiet, vfork, its own process group, execve (no
 * shell), stdout read line by line as it comes, the tail of stderr kept
 * for messages, an optional timeout, and SIGINT/SIGTERM of ompsweep passed
 * on to the program's process group. The program is always reaped before
 * exec_proc_run returns. */
#ifndef OMPSWEEP_EXEC_EXEC_PROC_H
#define OMPSWEEP_EXEC_EXEC_PROC_H

#include <sched.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/status.h"

enum {
    EXEC_LINE_MAX = 1 << 16,   /* longer stdout lines reach the matchers in pieces */
    EXEC_TAIL_BYTES = 2048     /* of stderr and stdout, kept for the failure message */
};

/* Called for every line of the program's stdout (without its newline,
 * NUL-terminated). */
typedef void (*exec_line_fn)(void *ctx, const char *line, size_t len);

struct exec_spawn {
    const char *path;     /* the executable, resolved */
    char *const *argv;    /* argv[0] as the user typed it */
    char *const *envp;
    const cpu_set_t *cpus; /* the CPU mask the program starts with; NULL: inherit */
    const char *dir;      /* the working directory of the program; NULL: ours */
    double timeout;       /* seconds, 0 = none */
    bool show_output;     /* copy the program's stdout and stderr to our stderr */
    exec_line_fn on_line;
    void *ctx;
};

struct exec_outcome {
    double seconds;   /* wall clock from vfork to its end (CLOCK_MONOTONIC) */
    int exit_code;    /* when it exited */
    int signal;       /* the signal that ended it, 0 when it exited */
    bool timed_out;   /* ended by --timeout */
    int interrupted;  /* our SIGINT/SIGTERM passed on to it, or 0 */
    char tail[EXEC_TAIL_BYTES + 1]; /* the end of its stderr */
    char out_tail[EXEC_TAIL_BYTES + 1]; /* the end of its stdout */
};

/* Run the program to its end, after exec_proc_quiet_runtime. Call it
 * outside any parallel region. Returns STATUS_OK (whatever the program's
 * fate; see *out) or STATUS_IO when it could not be started. */
int exec_proc_run(const struct exec_spawn *sp, struct exec_outcome *out, errmsg_t *err);

/* Make ompsweep's own idle OpenMP threads stop spinning, so that none
 * competes with the program for a CPU: they sleep as soon as a parallel
 * region ends (LLVM's and Intel's runtimes) or end until the next one
 * (libgomp). Call it outside any parallel region, once before the first
 * (a block's affinity record) and again before each run. */
void exec_proc_quiet_runtime(void);

/* The path execve needs for `program`: as given when it holds a '/', else
 * the first executable match on PATH. STATUS_USAGE naming it when there is
 * no such executable file. */
int exec_proc_resolve(const char *program, char *path, size_t cap, errmsg_t *err);

#endif
