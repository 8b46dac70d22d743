/* kernels/ukernel.h — the register-blocked microkernels and the table they are chosen from.
 *
 * A microkernel computes one MR x NR tile of C (column-major, ldc):
 *     C[0:mr, 0:nr] = alpha * sum_p A(:, p) B(p, :) + beta * C[0:mr, 0:nr]
 * over k steps, where
 *   - A(i, p) = a[i + p * rsa]: a packed panel (rsa = MR, zero-padded to MR rows), or, for the
 *     "direct" small-problem path, a column-major matrix with transa = 'N' (rsa = lda); with
 *     a direct A only the first mr rows are read (masked loads);
 *   - B(p, j) = b[p * rsb + j * csb]: a packed panel (rsb = NR, csb = 1, zero-padded to NR
 *     columns), or, for the direct path, op(B) in place, of which only the first nr columns
 *     are read (SIMD microkernels; the portable one needs a packed B);
 *   - mr <= MR and nr <= NR limit what is stored (and, with beta != 0, read) of C;
 *   - beta == 0 never reads C.
 * One type-generic source per instruction set; each ISA's file is compiled with its own
 * target attribute, and the table is filtered at run time by what the CPU supports.
 */
#ifndef BS_KERNELS_UKERNEL_H
#define BS_KERNELS_UKERNEL_H

#include "gemm.h"

typedef void (*bs_sukr)(bs_idx k, const float *a, bs_idx rsa, const float *b, bs_idx rsb,
                        bs_idx csb, float alpha, float beta, float *c, bs_idx ldc, int mr,
                        int nr);
typedef void (*bs_dukr)(bs_idx k, const double *a, bs_idx rsa, const double *b, bs_idx rsb,
                        bs_idx csb, double alpha, double beta, double *c, bs_idx ldc, int mr,
                        int nr);

typedef struct bs_uarch {
    const char *isa;     /* "avx512", "avx2", "sse2", "generic" */
    int direct_a;        /* microkernels can read an unpacked A (masked loads) and B */
    int smr, snr;        /* sgemm tile */
    bs_sukr sgemm;
    int dmr, dnr;        /* dgemm tile */
    bs_dukr dgemm;
    /* tiles of the direct small-problem path: narrower, so that small sizes waste less */
    int smr_small, snr_small;
    bs_sukr sgemm_small;
    int dmr_small, dnr_small;
    bs_dukr dgemm_small;
} bs_uarch;

extern const bs_uarch bs_uarch_generic, bs_uarch_sse2, bs_uarch_avx2, bs_uarch_avx512;

/* Largest tile of any microkernel: the size of the edge-tile scratch. */
#define BS_MAX_MR 32
#define BS_MAX_NR 16

#endif
