/* shim/gemm_quick.h — include-template (T, P: float s, double d): a kernel routine's call on the
 * kernels' canonical form, and its quiet kernel path. The generated entry points of the routine
 * (tools/gen_wrappers.py) inline the quiet path (always: it is the point): when nothing is to be recorded, verified or
 * spoiled and a kernel of ours is selected, the caller's arguments go straight to decode,
 * validate, canonical form and the kernel, with no bs_call, no set-up check and no depth
 * bookkeeping (a kernel never calls back into a BLAS). shim/gemm.c's full path uses run. */
#define GQ_CAT2(a, b) a##b
#define GQ_CAT(a, b) GQ_CAT2(a, b)
#define GQ_FN(x) GQ_CAT(GQ_CAT(bs_, P), GQ_CAT(gemm_, x)) /* bs_dgemm_run, bs_dgemm_quick */

/* The kernel k on the canonical column-major form cn of a call. */
#define GQ_INLINE static inline __attribute__((always_inline))
GQ_INLINE void GQ_FN(run)(const bs_kernel *k, const bs_gemm_canon *cn, T alpha, const T *a,
                          const T *b, T beta, T *c, int64_t ldc, bs_kernel_info *info)
{
    GQ_CAT(GQ_CAT(bs_, P), gemm_args)
    g = {.transa = cn->transa,
         .transb = cn->transb,
         .m = cn->m,
         .n = cn->n,
         .k = cn->k,
         .alpha = alpha,
         .a = cn->swap ? b : a,
         .lda = cn->lda,
         .b = cn->swap ? a : b,
         .ldb = cn->ldb,
         .beta = beta,
         .c = c,
         .ldc = ldc};
    k->GQ_CAT(P, gemm)(&g, info);
}

/* The quiet kernel path: 1 when it ran the call, 0 when the call takes the full path
 * (bs_gemm_call): no quiet kernel now, a call from inside the real BLAS, or invalid arguments
 * (which the full path forwards for the real BLAS's xerbla to report). */
GQ_INLINE int GQ_FN(quick)(bs_routine r, bs_api api, int order_raw, int transa_raw, int transb_raw,
                           int64_t m, int64_t n, int64_t k, T alpha, const T *a, int64_t lda,
                           const T *b, int64_t ldb, T beta, T *c, int64_t ldc)
{
    const bs_kernel *kern = atomic_load_explicit(&bs_quiet_kernel[r], memory_order_acquire);
    if (!kern || bs_depth > 0)
        return 0;
    const char order = bs_gemm_order_of(api, order_raw);
    const char ta = bs_gemm_trans_of(api, transa_raw), tb = bs_gemm_trans_of(api, transb_raw);
    const char *param;
    if (bs_gemm_check_args(api, order, ta, tb, m, n, k, lda, ldb, ldc, &param))
        return 0;
    const bs_gemm_canon cn = bs_gemm_canon_of(order, ta, tb, m, n, k, lda, ldb);
    bs_kernel_info info = {.threads = -1};
    GQ_FN(run)(kern, &cn, alpha, a, b, beta, c, ldc, &info);
    if (__builtin_expect(info.warning != NULL, 0))
        bs_kernel_warning_once(r, info.warning);
    return 1;
}

#undef GQ_INLINE
#undef GQ_FN
#undef GQ_CAT
#undef GQ_CAT2
