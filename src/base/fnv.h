/* fnv: the 64-bit FNV-1a hash of text, for the configuration key. */
#ifndef OMPSWEEP_BASE_FNV_H
#define OMPSWEEP_BASE_FNV_H

#include <stdint.h>

/* h continued over text (its terminator excluded). */
uint64_t fnv1a_from(uint64_t h, const char *text);

/* The hash of text from FNV-1a's offset basis. */
uint64_t fnv1a(const char *text);

/* h continued over label, text and a unit separator (0x1f), so that no two
 * items run together. */
uint64_t fnv1a_item(uint64_t h, const char *label, const char *text);

#endif
