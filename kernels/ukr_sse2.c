/* kernels/ukr_sse2.c — SSE2 microkernels, the x86-64 baseline: MR = 2 vectors (4 doubles /
 * 8 floats), NR = 4, multiply then add (no FMA in SSE2). No masked loads: A is always packed. */
#include <emmintrin.h>

#include "ukernel.h"

#define MV 2
#define NR 4
#define VFMA(a, b, c) OP(add)(OP(mul)(a, b), c)
#include "ukr_ops.h"

#define T double
#define V __m128d
#define LANES 2
#define OP(name) _mm_##name##_pd
#define UKR_NAME dukr_sse2
#include "ukr_template.h"
#undef T
#undef V
#undef LANES
#undef OP
#undef UKR_NAME

#define T float
#define V __m128
#define LANES 4
#define OP(name) _mm_##name##_ps
#define UKR_NAME sukr_sse2
#include "ukr_template.h"

const bs_family bs_family_sse2 = {
    .name = "sse2",
    .needs = 0, /* the x86-64 baseline */
    .direct = 0,
    .s = {.main = {2 * 4, NR, sukr_sse2}, .small = {2 * 4, NR, sukr_sse2}},
    .d = {.main = {2 * 2, NR, dukr_sse2}, .small = {2 * 2, NR, dukr_sse2}},
};
