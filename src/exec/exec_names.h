/* exec_names: the variant and size columns of exec's rows, and the
 * {threads} placeholder. The variant is the program's file name (--name);
 * the size is --size, else the program's arguments with every word that
 * names an existing file or directory by a path written as its last
 * component, so that two builds or checkouts of one program (./O2/xsbench,
 * ./O3/xsbench) make the same blocks. A column that would not fit is
 * refused, never cut (a cut size merges different commands into one
 * block). */
#ifndef OMPSWEEP_EXEC_EXEC_NAMES_H
#define OMPSWEEP_EXEC_EXEC_NAMES_H

#include <stddef.h>

#include "base/status.h"
#include "exec/exec_options.h"

/* The placeholder replaced by the thread count in the program's arguments. */
#define EXEC_THREADS_PLACEHOLDER "{threads}"
/* ... and by the rank count of the cell (--launcher). */
#define EXEC_RANKS_PLACEHOLDER "{ranks}"

/* text with every `key` replaced by the number `value`; malloc'd, NULL
 * when out of memory. */
char *exec_replace(const char *text, const char *key, long value);

/* text with every {threads} replaced by count (exec_replace). */
char *exec_substitute(const char *text, long count);

/* text with every {ranks} and {threads} replaced: an argument or --env
 * value of one ranks x threads cell. */
char *exec_substitute_cell(const char *text, long ranks, long threads);

/* STATUS_USAGE, naming --name or --size, when a column would not fit. */
int exec_names_check(const struct exec_options *opt, enum scaling scaling, errmsg_t *err);

/* The variant (without the weak-scaling suffix, which workload_create
 * adds) and the size (under weak scaling {threads} in --size or in the
 * default size becomes `scale`; under strong scaling it stays, the block
 * being one problem at every count). Errors as exec_names_check;
 * STATUS_NOMEM. */
int exec_names_fill(const struct exec_options *opt, enum scaling scaling, size_t scale,
                    char *variant, size_t vcap, char *size, size_t scap, errmsg_t *err);

#endif
