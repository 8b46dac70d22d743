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
} P = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER,
       PTHREAD_COND_INITIALIZER, 0, 0, 0, 0, NULL, NULL, {0}};

static void *worker(void *idp)
{
    const int id = (int)(long)idp; /* 1 .. POOL_MAX-1; part 0 is the caller's */
    pthread_mutex_lock(&P.mu);
    unsigned long seen = P.born[id]; /* a job posted before we got here is still ours */
    for (;;) {
        while (P.gen == seen)
            pthread_cond_wait(&P.go, &P.mu);
        seen = P.gen;
        if (id >= P.count)
            continue;
        bs_task_fn fn = P.fn;
        void *arg = P.arg;
        int count = P.count;
        pthread_mutex_unlock(&P.mu);
        fn(arg, id, count);
        pthread_mutex_lock(&P.mu);
        if (--P.pending == 0)
            pthread_cond_signal(&P.done);
    }
    return NULL;
}

/* Start workers until `want` parts can run; returns how many parts can. Under P.mu. */
static int grow(int want)
{
    while (P.workers + 1 < want && P.workers + 1 < POOL_MAX) {
        pthread_t t;
        pthread_attr_t at;
        pthread_attr_init(&at);
        pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
        P.born[P.workers + 1] = P.gen;
        int rc = pthread_create(&t, &at, worker, (void *)(long)(P.workers + 1));
        pthread_attr_destroy(&at);
        if (rc != 0)
            break;
        P.workers++;
    }
    return want < P.workers + 1 ? want : P.workers + 1;
}

int bs_pool_run(int count, bs_task_fn fn, void *arg)
{
    if (count <= 1 || pthread_mutex_trylock(&P.busy) != 0) {
        fn(arg, 0, 1);
        return 1;
    }
    pthread_mutex_lock(&P.mu);
    count = grow(count);
    if (count > 1) {
        P.fn = fn;
        P.arg = arg;
        P.count = count;
        P.pending = count - 1;
        P.gen++;
        pthread_cond_broadcast(&P.go);
    }
    pthread_mutex_unlock(&P.mu);
    fn(arg, 0, count);
    if (count > 1) {
        pthread_mutex_lock(&P.mu);
        while (P.pending > 0)
            pthread_cond_wait(&P.done, &P.mu);
        pthread_mutex_unlock(&P.mu);
    }
    pthread_mutex_unlock(&P.busy);
    return count;
}

static void pool_child(void)
{
    /* the workers did not survive the fork; whatever state the locks were in, start over */
    pthread_mutex_init(&P.busy, NULL);
    pthread_mutex_init(&P.mu, NULL);
    pthread_cond_init(&P.go, NULL);
    pthread_cond_init(&P.done, NULL);
    P.workers = 0;
    P.count = P.pending = 0;
}

__attribute__((constructor)) static void pool_load(void) { pthread_atfork(NULL, NULL, pool_child); }
