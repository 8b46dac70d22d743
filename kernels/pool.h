/* kernels/pool.h — a persistent pool of worker threads for the parallel kernel. */
#ifndef BS_KERNELS_POOL_H
#define BS_KERNELS_POOL_H

/* One share of a job: part `index` of `count`. */
typedef void (*bs_task_fn)(void *arg, int index, int count);

/* Run fn(arg, i, count) for i = 0 .. count-1, part 0 on the calling thread and the rest on
 * pool workers, and wait for all of them. When the pool is busy with another caller's job
 * (several host threads in gemm at once) or cannot start threads, runs fn(arg, 0, 1) alone
 * rather than wait or oversubscribe. Returns the count actually used. */
int bs_pool_run(int count, bs_task_fn fn, void *arg);

#endif
