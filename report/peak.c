/* report/peak.c — one core's FMA peak: 12 independent chains (enough to cover the FMA
 * latency on two pipes), compiled per ISA under its own target attribute and picked from
 * the CPU's features, like the kernels. */
#include "peak.h"

#include <immintrin.h>
#include <stddef.h>
#include <time.h>

#include "common/cpu.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

#define PEAK_NAME peak_d512
#define PEAK_TARGET "avx512f"
#define V __m512d
#define SET1 _mm512_set1_pd
#define FMA _mm512_fmadd_pd
#define LANES 8
#include "peak_loop.h"
#define PEAK_NAME peak_s512
#define PEAK_TARGET "avx512f"
#define V __m512
#define SET1 _mm512_set1_ps
#define FMA _mm512_fmadd_ps
#define LANES 16
#include "peak_loop.h"
#define PEAK_NAME peak_d256
#define PEAK_TARGET "avx2,fma"
#define V __m256d
#define SET1 _mm256_set1_pd
#define FMA _mm256_fmadd_pd
#define LANES 4
#include "peak_loop.h"
#define PEAK_NAME peak_s256
#define PEAK_TARGET "avx2,fma"
#define V __m256
#define SET1 _mm256_set1_ps
#define FMA _mm256_fmadd_ps
#define LANES 8
#include "peak_loop.h"

/* The loops, widest first, with the CPU features each needs (common/cpu.h, as the kernels'
 * families state theirs): the first one this CPU runs is measured. */
static const struct {
    unsigned needs;
    double (*fp32)(long), (*fp64)(long);
} loops[] = {
    {.needs = BS_CPU_AVX512F | BS_CPU_FMA, .fp32 = peak_s512, .fp64 = peak_d512},
    {.needs = BS_CPU_AVX2 | BS_CPU_FMA, .fp32 = peak_s256, .fp64 = peak_d256},
};

void bs_measure_peak(double *fp32, double *fp64)
{
    double (*fs)(long) = 0, (*fd)(long) = 0;
    for (size_t i = 0; i < sizeof loops / sizeof loops[0] && !fs; i++)
        if (bs_cpu_runs(loops[i].needs))
            fs = loops[i].fp32, fd = loops[i].fp64;
    *fp32 = *fp64 = 0;
    for (int r = 0; r < 5 && fs; r++) {
        double a = fs(4000000), b = fd(4000000);
        if (a > *fp32)
            *fp32 = a;
        if (b > *fp64)
            *fp64 = b;
    }
}
