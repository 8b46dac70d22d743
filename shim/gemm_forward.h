/* shim/gemm_forward.h — a kernel routine forwarded to a real routine, with integers of type I
 * (W bits); included by shim/gemm_typed.h per element type and width. */

/* The real CBLAS routine, with the caller's exact arguments. */
static void GT_FN(GT_CAT(cblas, W))(void *fn, const bs_call *d, const void *a, const void *b,
                                    void *c)
{
    typedef void (*fn_t)(CBLAS_LAYOUT, CBLAS_TRANSPOSE, CBLAS_TRANSPOSE, I, I, I, T, const T *, I,
                         const T *, I, T, T *, I);
    ((fn_t)fn)((CBLAS_LAYOUT)d->order_raw, (CBLAS_TRANSPOSE)d->transa_raw,
               (CBLAS_TRANSPOSE)d->transb_raw, (I)d->m, (I)d->n, (I)d->k, (T)d->alpha, a, (I)d->lda,
               b, (I)d->ldb, (T)d->beta, c, (I)d->ldc);
}

/* The real Fortran routine: a Fortran call with its own arguments, a CBLAS call in the
 * canonical column-major form (its enums already checked). */
static void GT_FN(GT_CAT(f77_, W))(void *fn, const bs_call *d, const void *a, const void *b,
                                   void *c)
{
    typedef void (*fn_t)(const char *, const char *, const I *, const I *, const I *, const T *,
                         const T *, const I *, const T *, const I *, const T *, T *, const I *,
                         size_t, size_t);
    const T alpha = (T)d->alpha, beta = (T)d->beta;
    const I ldc = (I)d->ldc;
    if (d->api == BS_API_FORTRAN) {
        const char ta = (char)d->transa_raw, tb = (char)d->transb_raw;
        const I m = (I)d->m, n = (I)d->n, k = (I)d->k, lda = (I)d->lda, ldb = (I)d->ldb;
        ((fn_t)fn)(&ta, &tb, &m, &n, &k, &alpha, a, &lda, b, &ldb, &beta, c, &ldc, 1, 1);
        return;
    }
    bs_gemm_canon cn;
    bs_gemm_canonical(d, &cn);
    const I m = (I)cn.m, n = (I)cn.n, k = (I)cn.k, lda = (I)cn.lda, ldb = (I)cn.ldb;
    ((fn_t)fn)(&cn.transa, &cn.transb, &m, &n, &k, &alpha, cn.swap ? b : a, &lda, cn.swap ? a : b,
               &ldb, &beta, c, &ldc, 1, 1);
}
