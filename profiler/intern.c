/* profiler/intern.c — see intern.h. Open addressing; slots are filled once and never emptied,
 * so a reader that sees a slot's hash (acquire) sees its key and text (written before, with
 * the hash published last). Writers take the mutex. The probing is common/hashtab.h's. */
#include "intern.h"

#include <stdlib.h>
#include <string.h>

#include "common/hashtab.h"

static const char other[] = "(other)";

typedef struct lookup {
    const bs_intern *t;
    const uintptr_t *key;
    uintptr_t hash;
} lookup;

static bs_slot test(const void *ctx, size_t i)
{
    const lookup *l = ctx;
    uintptr_t have = atomic_load_explicit(&l->t->slot[i].hash, memory_order_acquire);
    if (!have)
        return BS_SLOT_EMPTY;
    return have == l->hash && memcmp(l->t->slot[i].key, l->key, sizeof l->t->slot[i].key) == 0
               ? BS_SLOT_MATCH
               : BS_SLOT_OTHER;
}

static uintptr_t hash_of(const uintptr_t key[BS_INTERN_KEY])
{
    uint64_t w[BS_INTERN_KEY];
    for (int i = 0; i < BS_INTERN_KEY; i++)
        w[i] = (uint64_t)key[i];
    return (uintptr_t)bs_hash_words(w, BS_INTERN_KEY);
}

/* The slot holding key (*found), else the empty slot where it would go; -1 when full. */
static long slot_of(const bs_intern *t, const uintptr_t key[BS_INTERN_KEY], uintptr_t h, int *found)
{
    const lookup l = {t, key, h};
    return bs_hash_probe(BS_INTERN_SLOTS, h, test, &l, found);
}

static const char *find(const bs_intern *t, const uintptr_t key[BS_INTERN_KEY], uintptr_t h)
{
    int found;
    long i = slot_of(t, key, h, &found);
    return found ? t->slot[i].text : NULL;
}

const char *bs_intern_find(const bs_intern *t, const uintptr_t key[BS_INTERN_KEY])
{
    return find(t, key, hash_of(key));
}

const char *bs_intern_add(bs_intern *t, const uintptr_t key[BS_INTERN_KEY], const char *text)
{
    const uintptr_t h = hash_of(key);
    pthread_mutex_lock(&t->mu);
    int found;
    long i = slot_of(t, key, h, &found);
    const char *out = found ? t->slot[i].text : other;
    if (!found && i >= 0 && t->used < BS_INTERN_SLOTS / 2) {
        char *copy = strdup(text);
        if (copy) {
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
