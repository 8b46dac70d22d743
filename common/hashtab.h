/* common/hashtab.h — the one open-addressing hash table scheme of both programs: one mixing
 * function and one linear probe. Each user keeps its own slot array (fixed and lock-free for
 * the interned call sites, fixed under the report's lock for summary-mode aggregates,
 * growing for the report tool's maps) and says, per slot, whether it is empty, the key sought,
 * or another key; the probe does the walking. Header-only and inline, so the slot test is
 * inlined into each user's loop (the intern lookup runs on every recorded call). */
#ifndef BS_COMMON_HASHTAB_H
#define BS_COMMON_HASHTAB_H

#include <stddef.h>
#include <stdint.h>

/* Mix n machine words into a hash (never 0, so 0 can mark an empty slot). */
static inline uint64_t bs_hash_words(const uint64_t *w, size_t n)
{
    uint64_t h = 0x9E3779B97F4A7C15ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ w[i]) * 0xff51afd7ed558ccdull;
    return (h ^ (h >> 31)) | 1;
}

/* The same over the bytes of a string. */
static inline uint64_t bs_hash_str(const char *s)
{
    uint64_t h = 0x9E3779B97F4A7C15ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 0xff51afd7ed558ccdull;
    return (h ^ (h >> 31)) | 1;
}

typedef enum bs_slot { BS_SLOT_OTHER, BS_SLOT_MATCH, BS_SLOT_EMPTY } bs_slot;

/* Walk the cap slots (a power of two) from hash's home slot until test(ctx, i) says MATCH or
 * EMPTY; returns that slot's index and sets *found (1 match, 0 empty). Returns -1 when every
 * slot holds another key. */
static inline long bs_hash_probe(size_t cap, uint64_t hash,
                                 bs_slot (*test)(const void *ctx, size_t i), const void *ctx,
                                 int *found)
{
    for (size_t i = (size_t)hash & (cap - 1), n = 0; n < cap; i = (i + 1) & (cap - 1), n++) {
        const bs_slot s = test(ctx, i);
        if (s != BS_SLOT_OTHER) {
            *found = s == BS_SLOT_MATCH;
            return (long)i;
        }
    }
    *found = 0;
    return -1;
}

#endif
