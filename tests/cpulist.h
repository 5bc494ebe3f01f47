/* cpulist: a CPU set from a Linux CPU list ("0-3,8") for the unit tests;
 * a list that does not parse fails the running test and gives the empty set. */
#ifndef OMPSWEEP_TESTS_CPULIST_H
#define OMPSWEEP_TESTS_CPULIST_H

#include <sched.h>

#include "harness.h"
#include "study/record/envinfo.h"

static inline cpu_set_t cpus_of(const char *list)
{
    cpu_set_t set;
    if (!envinfo_cpulist_parse(list, &set)) {
        CHECK_MSG(0, "cannot parse \"%s\"", list);
        CPU_ZERO(&set);
    }
    return set;
}

#endif
