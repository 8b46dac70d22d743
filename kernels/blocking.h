/* kernels/blocking.h — the GotoBLAS/BLIS loop nest shared by blocked, vectorized and parallel:
 * tile sizes, the per-thread packing workspace, and the driver that runs one (sub)problem. */
#ifndef BS_KERNELS_BLOCKING_H
#define BS_KERNELS_BLOCKING_H

#include "ukernel.h"

static inline bs_idx min_idx(bs_idx a, bs_idx b) { return a < b ? a : b; }
/* log2 of a power of two (a vector's lanes): a shift instead of a division */
static inline int ctz_idx(bs_idx x) { return __builtin_ctzll((unsigned long long)x); }

/* The rows of the direct path's next tile with `left` rows left: three vectors (`three` rows,
 * 0 where the family has no such tiles) while more than four vectors are left and for the last
 * three, else at most two (`mr`): 4 vectors run 2 + 2, 5 run 3 + 2, 7 run 3 + 2 + 2. */
static inline bs_idx direct_rows(bs_idx left, bs_idx lanes, bs_idx three, bs_idx mr)
{
    return three && left > 2 * lanes && (left <= three || left > 4 * lanes) ? min_idx(three, left)
                                                                            : min_idx(mr, left);
}

typedef struct bs_blocking {
    bs_idx mc, kc, nc;
} bs_blocking;

/* Everything one run of the loop nest needs besides the operands. */
typedef struct bs_plan {
    const bs_family *fam;
    bs_blocking blk;
    int direct; /* take A unpacked when transa = 'N' (small problems, masked-load ISAs) */
} bs_plan;

/* C = alpha op(A) op(B) + beta C on the canonical form with the plan's microkernel; returns
 * the packing workspace used, in bytes. Handles zero sizes, alpha = 0 and k = 0 itself. When
 * the workspace cannot be allocated it runs with smaller tiles or, failing that, the naive
 * kernel (info->ran = "naive"), and says so in info->warning; it sets nothing else of info. */
size_t bs_sgemm_blocked_run(const bs_sgemm_args *g, const bs_plan *pl, bs_kernel_info *info);
size_t bs_dgemm_blocked_run(const bs_dgemm_args *g, const bs_plan *pl, bs_kernel_info *info);

/* The direct path of small problems with transa = 'N' (masked-load families), its tiny
 * and low-rank cases, the dot-product path of few-row problems and the matrix-vector path of
 * one column (the last three return 0 when they do not apply); blocked_template.h. The direct
 * path returns the workspace its few-row tail took (0 when none). */
size_t bs_sgemm_direct_run(const bs_sgemm_args *g, const bs_family *f);
size_t bs_dgemm_direct_run(const bs_dgemm_args *g, const bs_family *f);
int bs_sgemm_dot_run(const bs_sgemm_args *g, const bs_family *f, size_t *bytes);
int bs_dgemm_dot_run(const bs_dgemm_args *g, const bs_family *f, size_t *bytes);
int bs_sgemm_gemv_run(const bs_sgemm_args *g, const bs_family *f);
int bs_dgemm_gemv_run(const bs_dgemm_args *g, const bs_family *f);

/* This thread's packing workspace of at least `bytes` (64-byte aligned, reused across calls,
 * freed when the thread exits), or NULL if memory is short. */
void *bs_workspace(size_t bytes);

/* Tile sizes for a microkernel tile and element size, from cache sizes in bytes (0 unknown). */
bs_blocking bs_blocking_for(int mr, int nr, size_t elem, long l1, long l2, long l3);

#endif
