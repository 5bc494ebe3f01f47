/* exec_program: what a study records about the program it runs, so that
 * two builds of it can be told apart (metadata.json "program"): the
 * resolved path, size, modification time and SHA-256 of the executable,
 * the OpenMP runtime its ELF dynamic section names (libgomp, libomp,
 * libiomp5, ...), and the output of --program-version CMD. */
#ifndef OMPSWEEP_EXEC_EXEC_PROGRAM_H
#define OMPSWEEP_EXEC_EXEC_PROGRAM_H

#include <stddef.h>

#include "base/status.h"
#include "study/record/metadata.h"

/* Fill *out for the program of exec's options `opts` (untimed; runs --program-version's command
 * with /bin/sh -c in --chdir's directory). STATUS_USAGE when the program
 * cannot be read or the version command fails, naming it. */
int exec_program_describe(const void *opts, struct metadata_program *out,
                          errmsg_t *err);

/* The DT_NEEDED entries of the ELF file `path` that name an OpenMP
 * runtime, space-separated, into out ("" when it links none). Returns
 * false when `path` is no readable 64-bit ELF file. */
bool exec_program_openmp_runtime(const char *path, char *out, size_t cap);

#endif
