/* shim/gemm_typed.h — the typed parts of the kernel routines' call path, one instantiation
 * per element type (kernels/each_type.h defines T and P, then includes this file): the kernel
 * call on the canonical form (shim/gemm_quick.h), verify mode's comparison, the test fault, and
 * the forwarders to the real routine (shim/gemm_forward.h, once per integer width). Everything
 * else is untyped, in bs_gemm_call. */
#define GT_CAT2(a, b) a##b
#define GT_CAT(a, b) GT_CAT2(a, b)
#define GT_FN(x) GT_CAT(GT_CAT(bs_, P), GT_CAT(gemm_, x)) /* bs_dgemm_kernel, ... */

#include "shim/gemm_quick.h"

/* A kernel on the canonical column-major form. */
static void GT_FN(kernel)(const bs_kernel *k, const bs_call *d, const void *a, const void *b,
                          void *c, bs_kernel_info *info)
{
    bs_gemm_canon cn;
    bs_gemm_canonical(d, &cn);
    GT_FN(run)(k, &cn, (T)d->alpha, a, b, (T)d->beta, c, d->ldc, info);
}

/* Verify mode: C's m x n block (in the caller's order) against the real BLAS's result. */
static void GT_FN(compare)(const bs_call *d, const void *c_, const void *ref_, bs_verdict *v)
{
    const T *c = c_, *ref = ref_;
    const int64_t outer = d->order == 'R' ? d->m : d->n, inner = d->order == 'R' ? d->n : d->m;
    double diff = 0, mag = 0;
    v->nonfinite = 0;
    for (int64_t o = 0; o < outer; o++)
        for (int64_t i = 0; i < inner; i++) {
            const double x = c[o * d->ldc + i], r = ref[o * d->ldc + i];
            if (!isfinite(r))
                continue; /* the system BLAS's own NaN/Inf: nothing to hold against */
            if (!isfinite(x)) {
                v->nonfinite = 1;
                continue;
            }
            if (fabs(x - r) > diff)
                diff = fabs(x - r);
            if (fabs(r) > mag)
                mag = fabs(r);
        }
    v->max_rel_err = mag > 0 ? diff / mag : diff;
}

/* BLASSHIM_TEST_FAULT: a wrong result for verify mode to catch */
static void GT_FN(spoil)(void *c) { ((T *)c)[0] += (T)1; }

#define I int32_t
#define W 32
#include "gemm_forward.h"
#undef I
#undef W
#define I int64_t
#define W 64
#include "gemm_forward.h"
#undef I
#undef W

#undef GT_FN
#undef GT_CAT
#undef GT_CAT2
