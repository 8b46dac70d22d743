/* kernels/pool.c — persistent worker threads: created on first use, never per call. A worker
 * that has just finished a job spins for a while on the job number (a wake-up from a spin
 * costs well under a microsecond, one from a sleep tens of them on a busy VM), then sleeps on
 * a condition variable; the caller, once its own part is done, spins on the count of parts
 * still running, then sleeps likewise. The sleeping sides announce themselves (sleepers,
 * waiting) so that the hot path takes no lock at all when nobody sleeps. A worker that finds
 * itself on the caller's CPU when a job comes (woken next to its waker) steps to another.
 * One job at a time: a caller that finds the pool busy runs its work alone instead of
 * queueing (no deadlock when host threads call at once, no more runnable threads than the
 * pool size). After fork() the child has no workers; its pool starts empty and grows again on
 * first use. */
#include "pool.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <time.h>

#define POOL_MAX 256
#define SPIN_NS 200000 /* how long a worker spins for the next job before it sleeps */

static struct {
    pthread_mutex_t busy; /* held by the caller whose job runs */
    pthread_mutex_t mu;   /* guards the sleeping sides and pool growth */
    pthread_cond_t go, done;
    int workers; /* started */
    /* A job, in one cache line that the caller writes and the workers read: the worker that
     * sees a new gen has the rest with it. Plain (release) stores: a locked store to a line
     * another core holds waits for it to come over (~80 ns here), and there were several. */
    _Alignas(64) atomic_ulong gen; /* job number: a new job is posted by raising it */
    _Atomic(bs_task_fn) fn;
    _Atomic(void *) arg;
    atomic_int count;
    atomic_int caller_cpu; /* the CPU the current job's caller posted it from */
    atomic_int sleepers;   /* workers asleep on go */
    /* what the workers write of a job, in a line of its own */
    _Alignas(64) atomic_int pending; /* workers that have not yet finished (or passed on) it */
    atomic_int waiting;              /* the caller asleep on done */
    _Alignas(64) unsigned long born[POOL_MAX]; /* the job number when each worker started */
    int placed;                                /* allowed holds the process's CPUs (grow) */
    cpu_set_t allowed;
} pool = {.busy = PTHREAD_MUTEX_INITIALIZER,
          .mu = PTHREAD_MUTEX_INITIALIZER,
          .go = PTHREAD_COND_INITIALIZER,
          .done = PTHREAD_COND_INITIALIZER};

static long long mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* One step of a spin that began at TSC tick t0: a pause for the first SPIN_PAUSE_TICKS (a few
 * microseconds), then a yield, so that on a machine with more runnable threads than cores
 * the thread we wait for gets the core. The pause phase is counted in ticks, not pauses: a
 * PAUSE takes about 10 cycles on older cores and 140 on Skylake and later, where 2048 of them
 * kept a caller pausing for 75 us while the worker it waited for sat on its CPU (the
 * scheduler wakes a sleeping thread next to its waker): a 68^3 sgemm on the pool took 58 us
 * instead of 2.7. */
#define SPIN_PAUSE_TICKS 8192
static inline void spin_step(unsigned long long t0)
{
    if (__builtin_ia32_rdtsc() - t0 < SPIN_PAUSE_TICKS)
        __builtin_ia32_pause();
    else
        sched_yield();
}

/* Spin until *v != old or the spin budget is spent; returns the last value read. */
static unsigned long spin_gen(unsigned long old)
{
    unsigned long g;
    long long until = 0;
    const unsigned long long t0 = __builtin_ia32_rdtsc();
    for (unsigned i = 0;; i++) {
        if ((g = atomic_load_explicit(&pool.gen, memory_order_acquire)) != old)
            return g;
        spin_step(t0);
        if ((i & 255) == 255) {
            long long now = mono_ns();
            if (!until)
                until = now + SPIN_NS;
            else if (now > until)
                return g;
        }
    }
}

/* all of the process's CPUs but `cpu` into *away; 0 when none is left */
static int away_from(cpu_set_t *away, const cpu_set_t *all, int cpu)
{
    *away = *all;
    if (cpu >= 0)
        CPU_CLR(cpu, away);
    return CPU_COUNT(away) > 0;
}

static void *worker(void *idp)
{
    const int id = (int)(long)idp; /* 1 .. POOL_MAX-1; part 0 is the caller's */
    pthread_mutex_lock(&pool.mu);
    unsigned long seen = pool.born[id]; /* a job posted before we got here is still ours */
    const int placed = pool.placed;
    cpu_set_t allowed = pool.allowed;
    pthread_mutex_unlock(&pool.mu);
    if (placed) /* started away from the caller's CPU (grow): free to go anywhere again */
        pthread_setaffinity_np(pthread_self(), sizeof allowed, &allowed);
    for (;;) {
        unsigned long g = spin_gen(seen);
        if (g == seen) { /* nothing came: sleep until a job is posted */
            pthread_mutex_lock(&pool.mu);
            atomic_fetch_add(&pool.sleepers, 1);
            while ((g = atomic_load(&pool.gen)) == seen)
                pthread_cond_wait(&pool.go, &pool.mu);
            atomic_fetch_sub(&pool.sleepers, 1);
            pthread_mutex_unlock(&pool.mu);
        }
        seen = g;
        /* every worker acknowledges every job, those not in it too, so a job's fields stay
         * put until each worker has read them */
        const int count = atomic_load_explicit(&pool.count, memory_order_relaxed);
        if (placed && id < count) {
            /* woken next to the caller (the scheduler puts a woken thread by its waker), the
             * two would take turns on one core while the other idles: step over to another
             * CPU, as at birth, then free to go anywhere again */
            const int here = sched_getcpu();
            cpu_set_t away;
            if (here >= 0 && here == atomic_load_explicit(&pool.caller_cpu, memory_order_relaxed) &&
                away_from(&away, &allowed, here) &&
                pthread_setaffinity_np(pthread_self(), sizeof away, &away) == 0)
                pthread_setaffinity_np(pthread_self(), sizeof allowed, &allowed);
        }
        if (id < count)
            atomic_load_explicit(&pool.fn, memory_order_relaxed)(
                atomic_load_explicit(&pool.arg, memory_order_relaxed), id, count);
        if (atomic_fetch_sub(&pool.pending, 1) == 1 && atomic_load(&pool.waiting)) {
            pthread_mutex_lock(&pool.mu);
            pthread_cond_signal(&pool.done);
            pthread_mutex_unlock(&pool.mu);
        }
    }
    return NULL;
}

/* Wake the workers asleep on go (under mu: a worker between announcing itself and waiting
 * holds it, and then sees the new gen). */
static void wake_workers(void)
{
    atomic_thread_fence(memory_order_seq_cst);
    pthread_mutex_lock(&pool.mu);
    pthread_cond_broadcast(&pool.go);
    pthread_mutex_unlock(&pool.mu);
}

/* Start workers until `want` parts can run; returns how many parts can. Under pool.mu.
 * A new worker starts on one of the process's CPUs other than the caller's, then widens its
 * affinity back to all of them: the scheduler keeps a thread where it woke, and a worker born
 * on the caller's CPU could share it with the caller (both busy, the other core idle) for many
 * jobs, the pool then slower than one thread. */
static int grow(int want)
{
    if (pool.workers + 1 >= want || pool.workers + 1 >= POOL_MAX) /* the usual case: no syscall */
        return want < pool.workers + 1 ? want : pool.workers + 1;
    cpu_set_t away;
    pool.placed = sched_getaffinity(0, sizeof pool.allowed, &pool.allowed) == 0;
    const int here = sched_getcpu();
    while (pool.workers + 1 < want && pool.workers + 1 < POOL_MAX) {
        pthread_t t;
        pthread_attr_t at;
        pthread_attr_init(&at);
        pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
        if (pool.placed && away_from(&away, &pool.allowed, here))
            pthread_attr_setaffinity_np(&at, sizeof away, &away);
        pool.born[pool.workers + 1] = atomic_load(&pool.gen);
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
    if (pool.workers + 1 < count) { /* pool.workers only changes in grow, under busy */
        pthread_mutex_lock(&pool.mu);
        count = grow(count);
        pthread_mutex_unlock(&pool.mu);
    }
    int asleep = 0;
    if (count > 1) {
        /* workers already asleep (none spun within SPIN_NS): woken right after the post */
        asleep = atomic_load_explicit(&pool.sleepers, memory_order_relaxed) > 0;
        atomic_store_explicit(&pool.caller_cpu, sched_getcpu(), memory_order_relaxed);
        atomic_store_explicit(&pool.fn, fn, memory_order_relaxed);
        atomic_store_explicit(&pool.arg, arg, memory_order_relaxed);
        atomic_store_explicit(&pool.count, count, memory_order_relaxed);
        atomic_store_explicit(&pool.pending, pool.workers, memory_order_relaxed);
        /* only the caller holding busy writes gen: a plain release store publishes the job */
        atomic_store_explicit(&pool.gen, atomic_load_explicit(&pool.gen, memory_order_relaxed) + 1,
                              memory_order_release);
        if (asleep)
            wake_workers();
    }
    fn(arg, 0, count);
    if (count > 1) {
        /* A worker that went to sleep while the job was posted: the fence orders the post
         * before this load of sleepers as the worker's increment is ordered before its load of
         * gen, so one of the two sees the other (no lost wake-up). Here, after our own part,
         * the post has long left the store buffer and the fence costs nothing. */
        atomic_thread_fence(memory_order_seq_cst);
        if (!asleep && atomic_load_explicit(&pool.sleepers, memory_order_relaxed) > 0)
            wake_workers();
        long long until = 0;
        const unsigned long long t0 = __builtin_ia32_rdtsc();
        for (unsigned i = 0; atomic_load(&pool.pending) > 0; i++) {
            spin_step(t0);
            if ((i & 255) != 255)
                continue;
            long long now = mono_ns();
            if (!until) {
                until = now + SPIN_NS;
                continue;
            }
            if (now < until)
                continue;
            /* the workers are late (descheduled): sleep until the last one signals */
            pthread_mutex_lock(&pool.mu);
            atomic_store(&pool.waiting, 1);
            while (atomic_load(&pool.pending) > 0)
                pthread_cond_wait(&pool.done, &pool.mu);
            atomic_store(&pool.waiting, 0);
            pthread_mutex_unlock(&pool.mu);
        }
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
    atomic_store(&pool.count, 0);
    atomic_store(&pool.pending, 0);
    atomic_store(&pool.sleepers, 0);
    atomic_store(&pool.waiting, 0);
}

__attribute__((constructor)) static void pool_load(void) { pthread_atfork(NULL, NULL, pool_child); }
