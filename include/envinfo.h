/* envinfo: facts about the run and the machine: time stamps, host, run ids. */
#ifndef OMPSWEEP_ENVINFO_H
#define OMPSWEEP_ENVINFO_H

#include <stddef.h>

/* The current time as ISO 8601 UTC, "2026-11-24T23:05:01Z". */
void envinfo_utc_now(char *buf, size_t cap);

/* The host name (short), or "unknown". */
void envinfo_hostname(char *buf, size_t cap);

/* A run id unique per invocation: [TAG-]YYYYmmddTHHMMSSZ-PID. */
void envinfo_run_id(char *buf, size_t cap, const char *tag);

/* Version line: "ompsweep 0.1.0 (commit abc123, gcc 12.2.0, -O3 ...)". */
void envinfo_version(char *buf, size_t cap);

#endif
