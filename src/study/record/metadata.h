/* metadata: metadata.json in the output directory. The file is a JSON array
 * with one pretty-printed object per invocation (run_id): build, machine,
 * OpenMP settings and thread affinity, batch job, command line, the run's
 * settings, warnings and outcome. `python3 -m json.tool metadata.json` reads it.
 *
 * Appending rewrites the whole file atomically: the old elements plus the new
 * object go to a temporary file in the same directory, which then replaces
 * the old file by rename(). Readers and a killed process never see a partial
 * file, and a failure leaves the old one intact.
 *
 * Locking: none here. Two processes appending at once would each rewrite the
 * file and one object would be lost, so the caller serialises appends by
 * holding the exclusive lock of runs.csv in the same directory
 * (csv_runs_lock: flock, else fcntl) while it calls metadata_append. The
 * temporary file is named after host and process, so jobs on different
 * nodes never share one even where no lock is available. */
#ifndef OMPSWEEP_STUDY_RECORD_METADATA_H
#define OMPSWEEP_STUDY_RECORD_METADATA_H

#include <stdbool.h>
#include <stdint.h>

#include "base/status.h"
#include "study/record/affinity.h"

enum {
    METADATA_PATH_MAX = 4096,
    METADATA_RESULT_TEXT = 4096, /* of the first run's result text */
    METADATA_VERSION_TEXT = 1024 /* of --program-version's output */
};

/* The program a study ran in place of ompsweep's own kernels (exec), for
 * "program" in metadata.json; ompsweep's build is then written as
 * "ompsweep_compiler"/"ompsweep_cflags" so that no key mistakes it for the
 * program's. */
struct metadata_program {
    char path[METADATA_PATH_MAX]; /* resolved: symbolic links followed */
    long long size_bytes;
    char mtime[32];               /* ISO 8601 UTC */
    char sha256[65];              /* of the executable file, hex */
    bool elf;                     /* an ELF file (not a script): */
    char openmp_runtime[256];     /* the OpenMP runtimes it links, "" none */
    bool has_version;             /* --program-version given: */
    char version[METADATA_VERSION_TEXT]; /* its output */
    bool has_launcher;            /* --launcher given: */
    char launcher[METADATA_VERSION_TEXT];      /* as given */
    char launcher_kind[16];                    /* openmpi, mpich, intel, srun, custom */
    char launcher_version[METADATA_VERSION_TEXT]; /* a preset's --version line */
    const char *result_text;      /* the first run's --result text, or NULL */
    bool result_text_cut;         /* ... of which METADATA_RESULT_TEXT bytes */
};

/* What the caller knows about the run: plain data, filled by the caller and
 * only read here. Strings may be NULL (written as null) and must be UTF-8;
 * invalid bytes are written as U+FFFD so the file stays valid JSON. Machine,
 * build and OpenMP facts are gathered by metadata_append itself. */
struct metadata_run {
    const char *run_id;
    const char *config_key; /* what identifies the configuration, as the caller keys it */
    const char *start_time; /* ISO 8601 UTC */
    const char *end_time;
    const char *output_dir;
    int argc;
    char *const *argv;  /* the command line as given, argc entries */
    const int *threads; /* the swept thread counts; affinity is captured for
                           the largest (omp_get_max_threads() when none) */
    int nthreads;
    int repeats, warmup;
    const char *order;  /* the order of the timed runs: "interleaved", ... */
    bool order_seeded;  /* the order is a shuffle seeded by `seed` */
    uint64_t seed;                 /* written as a string: JSON readers lose
                                      integers above 2^53 */
    const char *const *warnings;   /* the warnings given during the run */
    int nwarnings;
    bool interrupted;
    int exit_status;
    int ranks, nodes;        /* MPI processes and distinct hosts; 1, 1 without */
    const char *mpi_library; /* MPI_Get_library_version, or "none" */
    /* where the threads of each (bind, places, threads) block ran */
    const struct affinity_record *affinity;
    int naffinity;
    const struct metadata_program *program; /* exec's program, else NULL */
};

/* Check, before any work, that `path` may be appended to: STATUS_OK when it
 * is missing or holds a JSON array (first non-space character '[', last ']';
 * "[]" included). STATUS_USAGE "PATH: not a JSON array written by ompsweep;
 * refusing to overwrite" otherwise; STATUS_IO when it cannot be read. */
int metadata_check(const char *path, errmsg_t *err);

/* Append one object for `run` to the array in `path`, creating the file when
 * missing. Runs one OpenMP parallel region (the affinity capture). Errors:
 * STATUS_USAGE as metadata_check, with the file untouched; STATUS_IO when a
 * read, write, flush, sync, close or the rename fails (the old file stays as
 * it was and the temporary file is removed); STATUS_NOMEM. */
int metadata_append(const char *path, const struct metadata_run *run,
                    errmsg_t *err);

#endif
