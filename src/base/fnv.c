/* fnv: see fnv.h. */
#include "base/fnv.h"

uint64_t fnv1a_from(uint64_t h, const char *text)
{
    for (const unsigned char *p = (const unsigned char *)text; *p != '\0'; p++)
        h = (h ^ *p) * 0x100000001b3ULL;
    return h;
}

uint64_t fnv1a(const char *text) { return fnv1a_from(0xcbf29ce484222325ULL, text); }

uint64_t fnv1a_item(uint64_t h, const char *label, const char *text)
{
    return fnv1a_from(fnv1a_from(fnv1a_from(h, label), text), "\x1f");
}
