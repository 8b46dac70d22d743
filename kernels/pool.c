/* kernels/pool.c — persistent worker threads: created on first use, parked on a condition
 * variable between jobs, never created per call. One job at a time: a caller that finds the
 * pool busy runs its work alone instead of queueing (no deadlock when host threads call at
 * once, no more runnable threads than the pool size). After fork() the child has no workers;
 * its pool starts empty and grows again on first use. */
#include "pool.h"

#include <pthread.h>

#define POOL_MAX 256

static struct {
    pthread_mutex_t busy; /* held by the caller whose job runs */
    pthread_mutex_t mu;
    pthread_cond_t go, done;
    int workers;          /* started */
    unsigned long gen;    /* job number */
    int count, pending;
    bs_task_fn fn;
    void *arg;
    unsigned long born[POOL_MAX]; /* the job number when each worker was started */
} pool = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER,
       PTHREAD_COND_INITIALIZER, 0, 0, 0, 0, NULL, NULL, {0}};

static void *worker(void *idp)
{
    const int id = (int)(long)idp; /* 1 .. POOL_MAX-1; part 0 is the caller's */
    pthread_mutex_lock(&pool.mu);
    unsigned long seen = pool.born[id]; /* a job posted before we got here is still ours */
    for (;;) {
        while (pool.gen == seen)
            pthread_cond_wait(&pool.go, &pool.mu);
        seen = pool.gen;
        if (id >= pool.count)
            continue;
        bs_task_fn fn = pool.fn;
        void *arg = pool.arg;
        int count = pool.count;
        pthread_mutex_unlock(&pool.mu);
        fn(arg, id, count);
        pthread_mutex_lock(&pool.mu);
        if (--pool.pending == 0)
            pthread_cond_signal(&pool.done);
    }
    return NULL;
}

/* Start workers until `want` parts can run; returns how many parts can. Under pool.mu. */
static int grow(int want)
{
    while (pool.workers + 1 < want && pool.workers + 1 < POOL_MAX) {
        pthread_t t;
        pthread_attr_t at;
        pthread_attr_init(&at);
        pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
        pool.born[pool.workers + 1] = pool.gen;
        int rc = pthread_create(&t, &at, worker, (void *)(long)(pool.workers + 1));
        pthread_attr_destroy(&at);
        if (rc != 0)
            break;
        pool.workers++;
    }
    return want < pool.workers + 1 ? want : pool.workers + 1;
}

int bs_pool_run(int count, bs_task_fn fn, void *arg)
{
    if (count <= 1 || pthread_mutex_trylock(&pool.busy) != 0) {
        fn(arg, 0, 1);
        return 1;
    }
    pthread_mutex_lock(&pool.mu);
    count = grow(count);
    if (count > 1) {
        pool.fn = fn;
        pool.arg = arg;
        pool.count = count;
        pool.pending = count - 1;
        pool.gen++;
        pthread_cond_broadcast(&pool.go);
    }
    pthread_mutex_unlock(&pool.mu);
    fn(arg, 0, count);
    if (count > 1) {
        pthread_mutex_lock(&pool.mu);
        while (pool.pending > 0)
            pthread_cond_wait(&pool.done, &pool.mu);
        pthread_mutex_unlock(&pool.mu);
    }
    pthread_mutex_unlock(&pool.busy);
    return count;
}

static void pool_child(void)
{
    /* the workers did not survive the fork; whatever state the locks were in, start over */
    pthread_mutex_init(&pool.busy, NULL);
    pthread_mutex_init(&pool.mu, NULL);
    pthread_cond_init(&pool.go, NULL);
    pthread_cond_init(&pool.done, NULL);
    pool.workers = 0;
    pool.count = pool.pending = 0;
}

__attribute__((constructor)) static void pool_load(void) { pthread_atfork(NULL, NULL, pool_child); }
