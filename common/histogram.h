/* common/histogram.h — wall times in quarter-octave buckets (each spans 19 %), from which
 * percentiles are read to ±10 %: a fixed 160 counters per shape, whatever the number of calls.
 * Shared by the summary mode (aggregate.c) and the report tool. */
#ifndef BS_COMMON_HISTOGRAM_H
#define BS_COMMON_HISTOGRAM_H

#include <math.h>
#include <stdint.h>

#define BS_HIST_BUCKETS 160 /* 1 ns .. 2^40 ns */

static inline int bs_hist_bucket(int64_t ns)
{
    if (ns < 1)
        return 0;
    int msb = 63 - __builtin_clzll((unsigned long long)ns);
    int frac = msb >= 2 ? (int)((ns >> (msb - 2)) & 3) : (int)((ns << (2 - msb)) & 3);
    int b = msb * 4 + frac;
    return b < BS_HIST_BUCKETS ? b : BS_HIST_BUCKETS - 1;
}

/* geometric middle of a bucket, ns */
static inline double bs_hist_ns(int b)
{
    double lo = (double)(1ull << (b / 4)) * (1.0 + (b % 4) / 4.0);
    double hi = (double)(1ull << (b / 4)) * (1.0 + (b % 4 + 1) / 4.0);
    return sqrt(lo * hi);
}

/* the q-quantile (0..1) of count samples; max when the buckets run out */
static inline double bs_hist_quantile(const uint32_t *hist, int64_t count, double q, double max)
{
    int64_t want = (int64_t)(q * (double)count + 0.5), seen = 0;
    if (want < 1)
        want = 1;
    for (int b = 0; b < BS_HIST_BUCKETS; b++) {
        seen += hist[b];
        if (seen >= want)
            return bs_hist_ns(b);
    }
    return max;
}

#endif
