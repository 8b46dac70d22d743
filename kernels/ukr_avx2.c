/* kernels/ukr_avx2.c — AVX2 + FMA microkernels: MR = 2 vectors (8 doubles / 16 floats),
 * NR = 6, i.e. 12 accumulators in ymm registers; the edge kernels (ukr_edges.h) and the
 * dot-product kernel of few-row problems (ukr_dot_template.h). */
#pragma GCC push_options
#pragma GCC target("avx2,fma")
#include <immintrin.h>

#include "ukernel.h"

#include "ukr_ops.h"
#define MASKT __m256i
#define VLOADM(p, m) OP(maskload)(p, m)
#define VSTOREM(p, v, m) OP(maskstore)(p, m, v)
#define VHSUM(v) hsum(v)

/* the sum of a vector's lanes */
static inline double hsum_pd(__m256d v)
{
    __m128d s = _mm_add_pd(_mm256_castpd256_pd128(v), _mm256_extractf128_pd(v, 1));
    return _mm_cvtsd_f64(_mm_add_sd(s, _mm_unpackhi_pd(s, s)));
}
static inline float hsum_ps(__m256 v)
{
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    return _mm_cvtss_f32(_mm_add_ss(s, _mm_movehdup_ps(s)));
}
#define hsum(v) _Generic((v), __m256d : hsum_pd, __m256 : hsum_ps)(v)

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
#define DOT_NAME ddot_avx2
#include "ukr_dot_template.h"
#undef DOT_NAME
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
#define DOT_NAME sdot_avx2
#include "ukr_dot_template.h"
#undef DOT_NAME

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
          .dot = sdot_avx2},
    .d = {.main = {2 * 4, 6, dukr_avx2},
          .small = {2 * 4, 6, dukr_avx2},
          .lanes = 4,
          .edge = {{dukr_avx2_1x1, dukr_avx2_1x2, dukr_avx2_1x4, dukr_avx2_1x8},
                   {dukr_avx2_2x1, dukr_avx2_2x2, dukr_avx2_2x4, dukr_avx2_2x8}},
          .dot = ddot_avx2},
};
