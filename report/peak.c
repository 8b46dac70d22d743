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

#define PEAK_LOOP(NAME, TGT, V, SET1, FMA, LANES)                                             \
    __attribute__((target(TGT))) static double NAME(long iters)                              \
    {                                                                                        \
        V acc[12], x = SET1(1.0000001), y = SET1(0.9999999);                                 \
        for (int i = 0; i < 12; i++)                                                         \
            acc[i] = SET1(i);                                                                \
        double t = now();                                                                    \
        for (long it = 0; it < iters; it++) {                                                \
            _Pragma("GCC unroll 12") for (int i = 0; i < 12; i++) acc[i] = FMA(acc[i], x, y); \
        }                                                                                    \
        t = now() - t;                                                                       \
        V sum = acc[0];                                                                      \
        for (int i = 1; i < 12; i++)                                                         \
            sum = FMA(sum, x, acc[i]);                                                       \
        volatile V sink = sum;                                                               \
        (void)sink;                                                                          \
        return t > 0 ? 2.0 * LANES * 12 * iters / t * 1e-9 : 0;                              \
    }
PEAK_LOOP(peak_d512, "avx512f", __m512d, _mm512_set1_pd, _mm512_fmadd_pd, 8)
PEAK_LOOP(peak_s512, "avx512f", __m512, _mm512_set1_ps, _mm512_fmadd_ps, 16)
PEAK_LOOP(peak_d256, "avx2,fma", __m256d, _mm256_set1_pd, _mm256_fmadd_pd, 4)
PEAK_LOOP(peak_s256, "avx2,fma", __m256, _mm256_set1_ps, _mm256_fmadd_ps, 8)

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
        if (a > *fp32) *fp32 = a;
        if (b > *fp64) *fp64 = b;
    }
}
