/* openmp: the one way sources reach the OpenMP runtime. A compiler run
 * without its OpenMP flag would ignore every pragma and build a serial
 * program that still reports thread counts, so the build stops instead. */
#ifndef OMPSWEEP_BASE_OPENMP_H
#define OMPSWEEP_BASE_OPENMP_H

#ifndef _OPENMP
#error "ompsweep needs OpenMP: compile with the compiler's OpenMP flag (make OPENMP_FLAGS=...)"
#endif

#include <omp.h>

#endif
