/* exec_launcher: the user's program started as MPI ranks (--launcher), one
 * command line per ranks x threads cell. The presets know their launcher:
 * `mpirun` and `mpiexec` (Open MPI, MPICH or Intel MPI, told apart by
 * `LAUNCHER --version`) and `srun`; they pass the run's OpenMP variables
 * and --env's on to every rank and give each rank `threads` CPUs of its own
 * (see docs/hybrid.md for why). A custom command is split into words like a
 * shell would (quotes, backslashes; no expansions) and gets {ranks} and
 * {threads} replaced, nothing added. */
#ifndef OMPSWEEP_EXEC_EXEC_LAUNCHER_H
#define OMPSWEEP_EXEC_EXEC_LAUNCHER_H

#include <limits.h>
#include <stdbool.h>

#include "base/status.h"

enum exec_launcher_kind {
    EXEC_LAUNCHER_OPENMPI, /* mpirun/mpiexec of Open MPI */
    EXEC_LAUNCHER_MPICH,   /* mpiexec/mpirun of MPICH's Hydra */
    EXEC_LAUNCHER_INTEL,   /* Intel MPI's Hydra */
    EXEC_LAUNCHER_SRUN,    /* Slurm */
    EXEC_LAUNCHER_CUSTOM   /* the user's command */
};

enum {
    EXEC_LAUNCHER_WORDS = 64, /* words of a custom command */
    EXEC_LAUNCHER_VERSION = 160
};

struct exec_launcher {
    enum exec_launcher_kind kind;
    char path[PATH_MAX];  /* the launcher's executable, resolved */
    char *words[EXEC_LAUNCHER_WORDS]; /* the command's words (malloc'd) */
    int nwords;
    char version[EXEC_LAUNCHER_VERSION]; /* a preset's --version line */
};

/* One cell and the CPUs it may use: those ompsweep may use (the launcher
 * starts on them), counted as CPUs and as physical cores. */
struct exec_cell {
    int ranks, threads;
    int cpus, cores;
};

/* How a cell's ranks x threads sit on the CPUs. */
enum exec_fit {
    EXEC_FIT_CORES,   /* a core per thread */
    EXEC_FIT_CPUS,    /* a CPU per thread, some sharing a core (SMT) */
    EXEC_FIT_OVER     /* more threads than CPUs: oversubscribed */
};

enum exec_fit exec_cell_fit(const struct exec_cell *c);

/* Parse --launcher's value: a preset (mpirun, mpiexec, srun, or a path to
 * one of them: /opt/ompi/bin/mpirun, mpiexec.hydra), else a command that
 * holds {ranks}; resolve its executable on PATH and, for mpirun/mpiexec,
 * ask it which MPI it is (an untimed run of `LAUNCHER --version`).
 * STATUS_USAGE naming --launcher when it cannot be used. Free with
 * exec_launcher_free, also after an error. */
int exec_launcher_init(struct exec_launcher *l, const char *spec, errmsg_t *err);
void exec_launcher_free(struct exec_launcher *l);

/* "Open MPI's launcher", "srun", "the --launcher command": for messages. */
const char *exec_launcher_name(const struct exec_launcher *l);

/* "openmpi", "mpich", "intel", "srun", "custom": for metadata.json. */
const char *exec_launcher_kind_name(enum exec_launcher_kind kind);

/* The command line of one run of cell c: the launcher's words, then the
 * variables of `vars` ("NAME=VALUE", passed on by name to every rank by the
 * presets), then the program and its arguments args[0..nargs) (args[0]
 * the program's path). A NULL-terminated malloc'd array of malloc'd
 * strings; NULL when out of memory. */
char **exec_launcher_argv(const struct exec_launcher *l, const struct exec_cell *c,
                          char *const *vars, int nvars, char *const *args, int nargs);

void exec_launcher_argv_free(char **argv);

#endif
