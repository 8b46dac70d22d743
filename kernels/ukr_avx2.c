/* kernels/ukr_avx2.c — AVX2 + FMA microkernels: MR = 2 vectors (8 doubles / 16 floats),
 * NR = 6, i.e. 12 accumulators in ymm registers; the edge kernels (ukr_edges.h) and the shape
 * paths' kernels (ukr_paths.h). */
#pragma GCC push_options
#pragma GCC target("avx2,fma")
#include <immintrin.h>

#include "ukernel.h"

#include "ukr_ops.h"
#define MASKT __m256i
#define VLOADM(p, m) OP(maskload)(p, m)
#define VSTOREM(p, v, m) OP(maskstore)(p, m, v)
#define VHSUM4(a, b, c, d, out) hsum4(a, b, c, d, out)
#define TINY_KMAX 12      /* 12 of the 16 ymm registers */
#define TINY_LOWK_REGS 12 /* and for the low-rank kernel, too */

/* out[q] = the sum of the lanes of vector q, the four reduced together */
static inline void hsum4_pd(__m256d a, __m256d b, __m256d c, __m256d d, double *out)
{
    __m256d ab = _mm256_hadd_pd(a, b), cd = _mm256_hadd_pd(c, d); /* a01 b01 a23 b23 ... */
    _mm256_storeu_pd(out, _mm256_add_pd(_mm256_permute2f128_pd(ab, cd, 0x20),
                                        _mm256_permute2f128_pd(ab, cd, 0x31)));
}
static inline void hsum4_ps(__m256 a, __m256 b, __m256 c, __m256 d, float *out)
{
    __m256 ab =
        _mm256_add_ps(_mm256_permute2f128_ps(a, b, 0x20), _mm256_permute2f128_ps(a, b, 0x31));
    __m256 cd =
        _mm256_add_ps(_mm256_permute2f128_ps(c, d, 0x20), _mm256_permute2f128_ps(c, d, 0x31));
    __m256 h = _mm256_hadd_ps(ab, cd); /* lane 0: a01 a23 c01 c23, lane 1: the same of b, d */
    h = _mm256_hadd_ps(h, h);          /* lane 0: a c a c, lane 1: b d b d */
    _mm_storeu_ps(out, _mm_unpacklo_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1)));
}
#define hsum4(a, b, c, d, out) _Generic((a), __m256d : hsum4_pd, __m256 : hsum4_ps)(a, b, c, d, out)

#define T double
#define V __m256d
#define LANES 4
#define VMASK(n) _mm256_cmpgt_epi64(_mm256_set1_epi64x(n), _mm256_setr_epi64x(0, 1, 2, 3))
#define OP(name) _mm256_##name##_pd
#define MV 2
#define NR 6
#define UKR_NAME dukr_avx2
#include "ukr_template.h"
#undef UKR_NAME
#define EDGE(mv, nr) dukr_avx2_##mv##x##nr
#include "ukr_edges.h"
#define PATHS(name) d##name##_avx2
#include "ukr_paths.h"
#undef T
#undef V
#undef LANES
#undef VMASK
#undef OP

#define T float
#define V __m256
#define LANES 8
#define VMASK(n) _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7))
#define OP(name) _mm256_##name##_ps
#define MV 2
#define NR 6
#define UKR_NAME sukr_avx2
#include "ukr_template.h"
#undef UKR_NAME
#define EDGE(mv, nr) sukr_avx2_##mv##x##nr
#include "ukr_edges.h"
#define PATHS(name) s##name##_avx2
#include "ukr_paths.h"

#pragma GCC pop_options

const bs_family bs_family_avx2 = {
    .name = "avx2",
    .needs = BS_CPU_AVX2 | BS_CPU_FMA,
    .direct = 1,
    .s = {.main = {2 * 8, 6, sukr_avx2},
          .small = {2 * 8, 6, sukr_avx2},
          .lanes = 8,
          .edge = {{sukr_avx2_1x1, sukr_avx2_1x2, sukr_avx2_1x4, sukr_avx2_1x8},
                   {sukr_avx2_2x1, sukr_avx2_2x2, sukr_avx2_2x4, sukr_avx2_2x8}},
          .dot = sdot_avx2,
          .tiny = stiny_avx2,
          .gemv = sgemv_avx2,
          .lowk = slowk_avx2,
          .tiny_kmax = TINY_KMAX,
          .lowk_kmax = LOWK_KMAX},
    .d = {.main = {2 * 4, 6, dukr_avx2},
          .small = {2 * 4, 6, dukr_avx2},
          .lanes = 4,
          .edge = {{dukr_avx2_1x1, dukr_avx2_1x2, dukr_avx2_1x4, dukr_avx2_1x8},
                   {dukr_avx2_2x1, dukr_avx2_2x2, dukr_avx2_2x4, dukr_avx2_2x8}},
          .dot = ddot_avx2,
          .tiny = dtiny_avx2,
          .gemv = dgemv_avx2,
          .lowk = dlowk_avx2,
          .tiny_kmax = TINY_KMAX,
          .lowk_kmax = LOWK_KMAX},
};
