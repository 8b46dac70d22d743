/* profiler/intern.h — strings interned under a key of a few machine words, in a bounded table
 * that readers search without a lock (call sites: native addresses and Python frames). */
#ifndef BS_PROFILER_INTERN_H
#define BS_PROFILER_INTERN_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#define BS_INTERN_SLOTS 8192 /* power of two; at most half are used */
#define BS_INTERN_KEY 4

typedef struct bs_intern {
    pthread_mutex_t mu;
    int used;
    struct {
        _Atomic uintptr_t hash; /* published last (release); 0 = empty slot */
        uintptr_t key[BS_INTERN_KEY];
        const char *text;
    } slot[BS_INTERN_SLOTS];
} bs_intern;

#define BS_INTERN_INIT                                                                             \
    {                                                                                              \
        .mu = PTHREAD_MUTEX_INITIALIZER                                                            \
    }

/* The string stored under key, or NULL. Safe without the lock, from any thread. */
const char *bs_intern_find(const bs_intern *t, const uintptr_t key[BS_INTERN_KEY]);

/* Store a copy of text under key (unless another thread just did) and return the stored
 * string, valid for the life of the process; "(other)" once the table is full. */
const char *bs_intern_add(bs_intern *t, const uintptr_t key[BS_INTERN_KEY], const char *text);

#endif
