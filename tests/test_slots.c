/* Tests of the open-addressing index (base/slots.h): every entry found
 * again across growth, collisions included, and new keys reported empty. */
#include <stdlib.h>

#include "base/slots.h"
#include "harness.h"

enum { ENTRIES = 5000 };

static uint64_t keys[ENTRIES];

static uint64_t hash_of(const void *ctx, size_t i)
{
    (void)ctx;
    return keys[i] % 97; /* many collisions on purpose */
}

static bool is_key(const void *ctx, size_t i) { return keys[i] == *(const uint64_t *)ctx; }

static void test_growth_and_collisions(void)
{
    struct slots s = {0};
    size_t n = 0;
    for (uint64_t k = 1; k <= ENTRIES; k++) {
        CHECK(slots_reserve(&s, n + 1, hash_of, NULL) == STATUS_OK);
        size_t *slot = slots_find(&s, k % 97, is_key, &k);
        CHECK(*slot == 0); /* new */
        keys[n] = k;
        *slot = ++n;
    }
    CHECK(s.n >= 2 * ENTRIES && (s.n & (s.n - 1)) == 0);
    for (uint64_t k = 1; k <= ENTRIES; k++) {
        size_t *slot = slots_find(&s, k % 97, is_key, &k);
        CHECK_MSG(*slot == k, "key %llu at %zu", (unsigned long long)k, *slot);
    }
    uint64_t absent = ENTRIES + 1;
    CHECK(*slots_find(&s, absent % 97, is_key, &absent) == 0);
    slots_free(&s);
    CHECK(s.slot == NULL && s.n == 0);
}

int main(void)
{
    RUN(test_growth_and_collisions);
    return harness_report();
}
