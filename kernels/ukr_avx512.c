/* kernels/ukr_avx512.c — AVX-512F microkernels: MR = 2 vectors (16 doubles / 32 floats),
 * NR = 12, i.e. 24 accumulators in zmm registers; for the direct small-problem path the same
 * kernel with NR = 8, which divides the small sizes programs use; the edge kernels
 * (ukr_edges.h, with three vectors of rows) and the shape paths' kernels (ukr_paths.h, with
 * the transposing pack).
 * Compiled for AVX-512F only here; the rest of the library stays baseline x86-64. */
#pragma GCC push_options
#pragma GCC target("avx512f,fma")
#include <immintrin.h>

#include "ukernel.h"

#include "ukr_ops.h"
#define EDGE_THREE /* 24 accumulators, 3 vectors of A and a broadcast: 28 of 32 zmm */
#define EDGE_QUAD  /* 24 accumulators, 4 vectors of A and a broadcast: 29 of 32 zmm */
#define VMASK(n) ((MASKT)((1u << (n)) - 1u))
#define VLOADM(p, m) OP(maskz_loadu)(m, p)
#define VSTOREM(p, v, m) OP(mask_storeu)(p, m, v)
#define VHSUM4(a, b, c, d, out) hsum4(a, b, c, d, out)
#define TINY_KMAX 16      /* 16 of the 32 zmm registers */
#define TINY_LOWK_REGS 24 /* and for the low-rank kernel, 24 */
#define LOWK_KMAX 8       /* k of the low-rank kernel */
#define GEMV_MAXV 16      /* y of the matrix-vector kernel, 16 vectors */

/* out[q] = the sum of the lanes of vector q: the four folded together, halves of pairs added
 * (512 -> 256 -> 128 bits), then within each 128-bit lane, and the lane sums gathered */
static inline void hsum4_ps(__m512 a, __m512 b, __m512 c, __m512 d, float *out)
{
    __m512 ab = _mm512_add_ps(_mm512_shuffle_f32x4(a, b, 0x44), _mm512_shuffle_f32x4(a, b, 0xEE));
    __m512 cd = _mm512_add_ps(_mm512_shuffle_f32x4(c, d, 0x44), _mm512_shuffle_f32x4(c, d, 0xEE));
    __m512 u =
        _mm512_add_ps(_mm512_shuffle_f32x4(ab, cd, 0x88), _mm512_shuffle_f32x4(ab, cd, 0xDD));
    u = _mm512_add_ps(u, _mm512_permute_ps(u, 0xB1));
    u = _mm512_add_ps(u, _mm512_permute_ps(u, 0x4E));
    _mm_storeu_ps(out, _mm512_castps512_ps128(_mm512_maskz_compress_ps(0x1111, u)));
}
static inline void hsum4_pd(__m512d a, __m512d b, __m512d c, __m512d d, double *out)
{
    __m512d ab = _mm512_add_pd(_mm512_shuffle_f64x2(a, b, 0x44), _mm512_shuffle_f64x2(a, b, 0xEE));
    __m512d cd = _mm512_add_pd(_mm512_shuffle_f64x2(c, d, 0x44), _mm512_shuffle_f64x2(c, d, 0xEE));
    __m512d u =
        _mm512_add_pd(_mm512_shuffle_f64x2(ab, cd, 0x88), _mm512_shuffle_f64x2(ab, cd, 0xDD));
    u = _mm512_add_pd(u, _mm512_permute_pd(u, 0x55));
    _mm256_storeu_pd(out, _mm512_castpd512_pd256(_mm512_maskz_compress_pd(0x55, u)));
}
#define hsum4(a, b, c, d, out) _Generic((a), __m512d : hsum4_pd, __m512 : hsum4_ps)(a, b, c, d, out)

/* A 4 x 4 transpose of 128-bit lanes: out[L] = lane L of u[0], u[1], u[2], u[3] */
#define LANES4X4(SH, u, out, stride)                                                               \
    do {                                                                                           \
        const __typeof__(u[0]) x0 = SH(u[0], u[1], 0x44), x1 = SH(u[0], u[1], 0xEE);               \
        const __typeof__(u[0]) x2 = SH(u[2], u[3], 0x44), x3 = SH(u[2], u[3], 0xEE);               \
        out[0 * (stride)] = SH(x0, x2, 0x88), out[1 * (stride)] = SH(x0, x2, 0xDD);                \
        out[2 * (stride)] = SH(x1, x3, 0x88), out[3 * (stride)] = SH(x1, x3, 0xDD);                \
    } while (0)

/* r[0..15] (rows of 16 floats) transposed in place: 32-bit, then 64-bit interleaves make, for
 * each group of four rows and each c, the vector of columns 4L + c (L its 128-bit lanes); a
 * transpose of lanes across the four groups finishes each column */
static inline void transpose16_ps(__m512 *r)
{
    __m512 t[16], u[4][4]; /* u[c][g]: rows 4g..4g+3, lane L = column 4L + c */
    for (int i = 0; i < 16; i += 2) {
        t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
        t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
    }
    for (int g = 0; g < 4; g++) {
        const __m512d lo0 = _mm512_castps_pd(t[4 * g]), hi0 = _mm512_castps_pd(t[4 * g + 1]);
        const __m512d lo1 = _mm512_castps_pd(t[4 * g + 2]), hi1 = _mm512_castps_pd(t[4 * g + 3]);
        u[0][g] = _mm512_castpd_ps(_mm512_unpacklo_pd(lo0, lo1));
        u[1][g] = _mm512_castpd_ps(_mm512_unpackhi_pd(lo0, lo1));
        u[2][g] = _mm512_castpd_ps(_mm512_unpacklo_pd(hi0, hi1));
        u[3][g] = _mm512_castpd_ps(_mm512_unpackhi_pd(hi0, hi1));
    }
    for (int c = 0; c < 4; c++) /* column 4L + c is lane L of u[c][0..3] */
        LANES4X4(_mm512_shuffle_f32x4, u[c], (r + c), 4);
}

/* r[0..7] (rows of 8 doubles) transposed in place: a 64-bit interleave makes, for each pair of
 * rows and each c, the vector of columns 2L + c; then the transpose of lanes */
static inline void transpose8_pd(__m512d *r)
{
    __m512d u[2][4]; /* u[c][g]: rows 2g, 2g+1, lane L = column 2L + c */
    for (int g = 0; g < 4; g++) {
        u[0][g] = _mm512_unpacklo_pd(r[2 * g], r[2 * g + 1]);
        u[1][g] = _mm512_unpackhi_pd(r[2 * g], r[2 * g + 1]);
    }
    for (int c = 0; c < 2; c++)
        LANES4X4(_mm512_shuffle_f64x2, u[c], (r + c), 2);
}
#define TRANSPOSE(r) _Generic((r), __m512 * : transpose16_ps, __m512d * : transpose8_pd)(r)

#define T double
#define V __m512d
#define LANES 8
#define MASKT __mmask8
#define OP(name) _mm512_##name##_pd
#define MV 2
#define NR 12
#define UKR_NAME dukr_avx512
#include "ukr_template.h"
#undef UKR_NAME
#define EDGE(mv, nr) dukr_avx512_##mv##x##nr
#include "ukr_edges.h"
#define PATHS(name) d##name##_avx512
#include "ukr_paths.h"
#undef T
#undef V
#undef LANES
#undef MASKT
#undef OP

#define T float
#define V __m512
#define LANES 16
#define MASKT __mmask16
#define OP(name) _mm512_##name##_ps
#define MV 2
#define NR 12
#define UKR_NAME sukr_avx512
#include "ukr_template.h"
#undef UKR_NAME
#define EDGE(mv, nr) sukr_avx512_##mv##x##nr
#include "ukr_edges.h"
#define PATHS(name) s##name##_avx512
#include "ukr_paths.h"

#pragma GCC pop_options

const bs_family bs_family_avx512 = {
    .name = "avx512",
    .needs = BS_CPU_AVX512F | BS_CPU_FMA,
    .direct = 1,
    .s = {.main = {2 * 16, 12, sukr_avx512},
          .small = {2 * 16, 8, sukr_avx512_2x8},
          .quad = {4 * 16, 6, sukr_avx512_4x6},
          .lanes = 16,
          .edge = {{sukr_avx512_1x1, sukr_avx512_1x2, sukr_avx512_1x4, sukr_avx512_1x8},
                   {sukr_avx512_2x1, sukr_avx512_2x2, sukr_avx512_2x4, sukr_avx512_2x8},
                   {sukr_avx512_3x1, sukr_avx512_3x2, sukr_avx512_3x4, sukr_avx512_3x8}},
          .dot = sdot_avx512,
          .tiny = stiny_avx512,
          .gemv = sgemv_avx512,
          .lowk = slowk_avx512,
          .packt = spackt_avx512,
          .tiny_kmax = TINY_KMAX,
          .lowk_kmax = LOWK_KMAX},
    .d = {.main = {2 * 8, 12, dukr_avx512},
          .small = {2 * 8, 8, dukr_avx512_2x8},
          .quad = {4 * 8, 6, dukr_avx512_4x6},
          .lanes = 8,
          .edge = {{dukr_avx512_1x1, dukr_avx512_1x2, dukr_avx512_1x4, dukr_avx512_1x8},
                   {dukr_avx512_2x1, dukr_avx512_2x2, dukr_avx512_2x4, dukr_avx512_2x8},
                   {dukr_avx512_3x1, dukr_avx512_3x2, dukr_avx512_3x4, dukr_avx512_3x8}},
          .dot = ddot_avx512,
          .tiny = dtiny_avx512,
          .gemv = dgemv_avx512,
          .lowk = dlowk_avx512,
          .packt = dpackt_avx512,
          .tiny_kmax = TINY_KMAX,
          .lowk_kmax = LOWK_KMAX},
};
