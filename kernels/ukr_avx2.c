/* kernels/ukr_avx2.c — AVX2 + FMA microkernels: MR = 2 vectors (8 doubles / 16 floats),
 * NR = 6, i.e. 12 accumulators in ymm registers. */
#pragma GCC push_options
#pragma GCC target("avx2,fma")
#include <immintrin.h>

#include "ukernel.h"

#define MV 2
#define NR 6
#include "ukr_ops.h"
#define MASKT __m256i
#define VLOADM(p, m) OP(maskload)(p, m)
#define VSTOREM(p, v, m) OP(maskstore)(p, m, v)

#define T double
#define V __m256d
#define LANES 4
#define VMASK(n) _mm256_cmpgt_epi64(_mm256_set1_epi64x(n), _mm256_setr_epi64x(0, 1, 2, 3))
#define OP(name) _mm256_##name##_pd
#define UKR_NAME dukr_avx2
#include "ukr_template.h"
#undef T
#undef V
#undef LANES
#undef VMASK
#undef OP
#undef UKR_NAME

#define T float
#define V __m256
#define LANES 8
#define VMASK(n) _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7))
#define OP(name) _mm256_##name##_ps
#define UKR_NAME sukr_avx2
#include "ukr_template.h"

#pragma GCC pop_options

const bs_family bs_family_avx2 = {
    .name = "avx2",
    .needs = BS_CPU_AVX2 | BS_CPU_FMA,
    .direct = 1,
    .s = {.main = {2 * 8, NR, sukr_avx2}, .small = {2 * 8, NR, sukr_avx2}},
    .d = {.main = {2 * 4, NR, dukr_avx2}, .small = {2 * 4, NR, dukr_avx2}},
};
