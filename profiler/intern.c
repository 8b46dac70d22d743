/* profiler/intern.c — see intern.h. Open addressing; slots are filled once and never emptied,
 * so a reader that sees a slot's hash (acquire) sees its key and text (written before, with
 * the hash published last). Writers take the mutex. */
#include "intern.h"

#include <stdlib.h>
#include <string.h>

static const char other[] = "(other)";

static uintptr_t hash_of(const uintptr_t key[BS_INTERN_KEY])
{
    uint64_t h = 0x9E3779B97F4A7C15ull;
    for (int i = 0; i < BS_INTERN_KEY; i++)
        h = (h ^ (uint64_t)key[i]) * 0xff51afd7ed558ccdull;
    return (uintptr_t)(h ^ (h >> 31)) | 1; /* never 0 */
}

static const char *find(const bs_intern *t, const uintptr_t key[BS_INTERN_KEY], uintptr_t h)
{
    for (size_t i = h & (BS_INTERN_SLOTS - 1), n = 0; n < BS_INTERN_SLOTS;
         i = (i + 1) & (BS_INTERN_SLOTS - 1), n++) {
        uintptr_t have = atomic_load_explicit(&t->slot[i].hash, memory_order_acquire);
        if (!have)
            return NULL;
        if (have == h && memcmp(t->slot[i].key, key, sizeof t->slot[i].key) == 0)
            return t->slot[i].text;
    }
    return NULL;
}

const char *bs_intern_find(const bs_intern *t, const uintptr_t key[BS_INTERN_KEY])
{
    return find(t, key, hash_of(key));
}

const char *bs_intern_add(bs_intern *t, const uintptr_t key[BS_INTERN_KEY], const char *text)
{
    const uintptr_t h = hash_of(key);
    pthread_mutex_lock(&t->mu);
    const char *out = find(t, key, h);
    if (!out) {
        char *copy = t->used < BS_INTERN_SLOTS / 2 ? strdup(text) : NULL;
        out = other;
        if (copy) {
            size_t i = h & (BS_INTERN_SLOTS - 1);
            while (atomic_load_explicit(&t->slot[i].hash, memory_order_relaxed))
                i = (i + 1) & (BS_INTERN_SLOTS - 1);
            memcpy(t->slot[i].key, key, sizeof t->slot[i].key);
            t->slot[i].text = copy;
            atomic_store_explicit(&t->slot[i].hash, h, memory_order_release);
            t->used++;
            out = copy;
        }
    }
    pthread_mutex_unlock(&t->mu);
    return out;
}
