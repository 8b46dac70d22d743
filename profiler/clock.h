/* profiler/clock.h — the clocks a call is measured with. */
#ifndef BS_PROFILER_CLOCK_H
#define BS_PROFILER_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline int64_t bs_clock_ns(clockid_t id)
{
    struct timespec ts;
    if (clock_gettime(id, &ts) != 0)
        return -1;
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static inline int64_t bs_mono_ns(void) { return bs_clock_ns(CLOCK_MONOTONIC); }

/* Kernel thread id of the caller, cached per thread (and refreshed after fork). */
int64_t bs_tid(void);

#endif
