/* fake_study: the tests' way to run ompsweep's face and study in-process
 * on a registry that holds the program's workloads and the fake one
 * (fake_workload.h): one more row, nothing else. */
#ifndef OMPSWEEP_TESTS_FAKE_STUDY_H
#define OMPSWEEP_TESTS_FAKE_STUDY_H

#include "config.h"
#include "fake_workload.h"

extern const struct registry fake_registry;

/* Parse argv (after "ompsweep") against fake_registry into *cfg, then run
 * the study it names with its output in `dir`; the exit status, *err. */
int fake_study(const char *dir, int argc, char **argv, errmsg_t *err);

#define FAKE_ARGS(...) (int)(sizeof((char *[]){"ompsweep", __VA_ARGS__}) / sizeof(char *)), \
                       (char *[]){"ompsweep", __VA_ARGS__, NULL}

#endif
