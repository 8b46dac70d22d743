/* kernels/ukernel.h — the register-blocked microkernels and the table of families they are
 * chosen from.
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
 * One type-generic source per instruction set (ukr_template.h); each ISA's file is compiled
 * with its own target attribute and describes its family in one bs_family (designated
 * initializers); bs_families lists them, best first, and the CPU's features filter it at run
 * time. A new family is one ukr_*.c file and one line in families.c: the drivers, the report
 * header, the tests and `make bench` all iterate the table.
 */
#ifndef BS_KERNELS_UKERNEL_H
#define BS_KERNELS_UKERNEL_H

#include "common/cpu.h"
#include "gemm.h"

/* bs_sukr / bs_dukr, bs_?ukr_tile, bs_?ukr_set */
#define BS_TEMPLATE "ukr_types.h"
#include "each_type.h"

typedef struct bs_family {
    const char *name; /* as BLASSHIM_ISA names it: "avx512", "avx2", "sse2", "generic" */
    unsigned needs;   /* the BS_CPU_* features the CPU must have (common/cpu.h); 0: any x86-64 */
    int direct;       /* the microkernels read an unpacked A (masked loads) and B */
    bs_sukr_set s;    /* sgemm */
    bs_dukr_set d;    /* dgemm */
} bs_family;

/* Every family, best first, NULL-terminated; the last one runs on any CPU. */
extern const bs_family *const bs_families[];

/* The portable family: the `blocked` kernel's, and the last resort of `vectorized`. */
extern const bs_family bs_family_generic;

/* Family by name (case-insensitive), or NULL. */
const bs_family *bs_family_find(const char *name);

/* Largest tile of any microkernel: the size of the edge-tile scratch. */
#define BS_MAX_MR 32
#define BS_MAX_NR 16

#endif
