/* shim/gemm.c — the exported gemm entry points and their call path, written once as a
 * template and expanded per routine from BS_ROUTINES (shim/canon.h).
 *
 * Path of one call: guard (a call from inside the real BLAS goes straight to it) ->
 * decode + validate (invalid: forward to the real BLAS so its xerbla reports) ->
 * clocks -> kernel on the canonical form, or the real BLAS with the caller's exact
 * arguments -> record.
 */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "blasint.h"
#include "generic.h"
#include "shim.h"

#define BS_SHIM_GEMM(name, P, T)                                                                \
    /* The real BLAS, with the caller's arguments when it has the caller's API.            */   \
    /* Returns 0 when there is no real routine that can take this call.                     */  \
    static int name##_forward(const bs_gemm_desc *d, const T *a, const T *b, T *c)              \
    {                                                                                           \
        if (d->spelling != BS_LP64)                                                             \
            return name##_forward64(d, a, b, c);                                                \
        name##_cblas_fn cf = (name##_cblas_fn)bs_real_sym(BS_API_CBLAS, BS_R_##name);           \
        name##_f77_fn ff = (name##_f77_fn)bs_real_sym(BS_API_FORTRAN, BS_R_##name);             \
        const T alpha = (T)d->alpha, beta = (T)d->beta;                                         \
        if (d->api == BS_API_CBLAS && cf) {                                                     \
            cf((CBLAS_LAYOUT)d->order_raw, (CBLAS_TRANSPOSE)d->transa_raw,                      \
               (CBLAS_TRANSPOSE)d->transb_raw, (bs_cint)d->m, (bs_cint)d->n, (bs_cint)d->k,     \
               alpha, a, (bs_cint)d->lda, b, (bs_cint)d->ldb, beta, c, (bs_cint)d->ldc);        \
            return 1;                                                                           \
        }                                                                                       \
        if (!ff)                                                                                \
            return 0;                                                                           \
        if (d->api == BS_API_CBLAS && (d->order == '?' || d->transa == '?' || d->transb == '?')) \
            return 0; /* a bad CBLAS enum has no Fortran spelling */                            \
        return name##_forward_f77(ff, d, a, b, c);                                              \
    }                                                                                           \
                                                                                                \
    /* A kernel on the canonical column-major form. */                                          \
    static void name##_kernel(const bs_kernel *k, const bs_gemm_desc *d, const T *a,            \
                              const T *b, T *c, bs_kernel_info *info)                           \
    {                                                                                           \
        bs_gemm_canon cn;                                                                       \
        bs_gemm_canonical(d, &cn);                                                              \
        bs_##P##gemm_args g = {cn.transa, cn.transb, cn.m,   cn.n,   cn.k, (T)d->alpha,         \
                               cn.swap ? b : a, cn.lda, cn.swap ? a : b, cn.ldb, (T)d->beta,   \
                               c, d->ldc};                                                      \
        k->P##gemm(&g, info);                                                                   \
    }                                                                                           \
                                                                                                \
    static void name##_call(bs_gemm_desc *d, const T *a, const T *b, T *c)                      \
    {                                                                                           \
        bs_init();                                                                              \
        bs_gemm_decode(d);                                                                      \
        const char *param;                                                                      \
        const int bad = bs_gemm_check(d, &param);                                               \
        if (bs_depth > 0) { /* from inside the real BLAS: straight through, not recorded */     \
            if (!name##_forward(d, a, b, c) && !bad) {                                          \
                bs_kernel_info info;                                                            \
                name##_kernel(bs_kernels, d, a, b, c, &info);                                   \
            }                                                                                   \
            return;                                                                             \
        }                                                                                       \
        bs_depth++;                                                                             \
        if (bad) {                                                                              \
            if (!name##_forward(d, a, b, c))                                                    \
                bs_report_invalid(d, bad, param);                                               \
        } else {                                                                                \
            const bs_kernel *k = bs_cfg.kernel[BS_R_##name];                                    \
            const int rec = bs_report_enabled();                                                \
            bs_probe pr;                                                                        \
            bs_kernel_info info = {.threads = -1};                                             \
            bs_verdict vd = {-1.0, 0};                                                          \
            /* verify: the real BLAS on a copy of C (nothing to compare for system itself) */   \
            T *ref = k && bs_verify_due() ? name##_copy_c(d, c) : NULL;                         \
            if (rec) {                                                                          \
                bs_probe_begin(&pr, 2.0 * (double)d->m * (double)d->n * (double)d->k, k == NULL); \
                info.want_cpu = pr.heavy;                                                       \
            }                                                                                   \
            if (k)                                                                              \
                name##_kernel(k, d, a, b, c, &info);                                            \
            else if (!name##_forward(d, a, b, c)) {                                             \
                /* an ILP64 spelling that no loaded library provides */                         \
                bs_no_real_once(d);                                                             \
                k = bs_kernel_find("naive");                                                    \
                name##_kernel(k, d, a, b, c, &info);                                            \
            }                                                                                   \
            if (info.warning)                                                                   \
                bs_kernel_warning_once(d, info.warning);                                        \
            if (rec)                                                                            \
                bs_probe_stop(&pr, &info);                                                      \
            if (bs_cfg.test_fault && d->m > 0 && d->n > 0)                                      \
                c[0] += (T)1; /* BLASSHIM_TEST_FAULT: a wrong result for verify to catch */     \
            const char *ran = bs_ran_label(info.ran, k);                                        \
            if (ref) {                                                                          \
                if (name##_forward(d, a, b, ref)) {                                             \
                    name##_compare(d, c, ref, &vd);                                             \
                    bs_verify_judge(d, ran, &vd);                                               \
                }                                                                               \
                free(ref);                                                                      \
            }                                                                                   \
            if (rec)                                                                            \
                bs_probe_record(&pr, d, ran, &info, &vd);                                       \
        }                                                                                       \
        bs_depth--;                                                                             \
    }                                                                                           \

/* The exported entry points of one spelling: CNAME (CBLAS, values) and FNAME (Fortran,
 * references; the hidden lengths of the two CHARACTER arguments accepted and ignored), with
 * integers of type INT. They only describe the call; name##_call does the rest. */
#define BS_GEMM_ENTRIES(name, T, CNAME, FNAME, SP, INT)                                         \
    BS_EXPORT void CNAME(CBLAS_LAYOUT layout, CBLAS_TRANSPOSE transa, CBLAS_TRANSPOSE transb,   \
                         const INT m, const INT n, const INT k, const T alpha, const T *a,      \
                         const INT lda, const T *b, const INT ldb, const T beta, T *c,          \
                         const INT ldc)                                                         \
    {                                                                                           \
        bs_gemm_desc d = {.routine = BS_R_##name, .api = BS_API_CBLAS, .spelling = SP,          \
                          .order_raw = (int)layout, .transa_raw = (int)transa,                  \
                          .transb_raw = (int)transb, .m = m, .n = n, .k = k,                    \
                          .lda = lda, .ldb = ldb, .ldc = ldc, .alpha = alpha, .beta = beta,     \
                          .caller_ip = __builtin_return_address(0)};                            \
        name##_call(&d, a, b, c);                                                               \
    }                                                                                           \
    BS_EXPORT void FNAME(const char *transa, const char *transb, const INT *m, const INT *n,    \
                         const INT *k, const T *alpha, const T *a, const INT *lda, const T *b,  \
                         const INT *ldb, const T *beta, T *c, const INT *ldc,                   \
                         size_t transa_len, size_t transb_len)                                  \
    {                                                                                           \
        (void)transa_len;                                                                       \
        (void)transb_len;                                                                       \
        bs_gemm_desc d = {.routine = BS_R_##name, .api = BS_API_FORTRAN, .spelling = SP,        \
                          .order_raw = 0, .transa_raw = (unsigned char)*transa,                 \
                          .transb_raw = (unsigned char)*transb, .m = *m, .n = *n, .k = *k,      \
                          .lda = *lda, .ldb = *ldb, .ldc = *ldc, .alpha = *alpha,               \
                          .beta = *beta, .caller_ip = __builtin_return_address(0)};             \
        name##_call(&d, a, b, c);                                                               \
    }

/* ILP64: the real routine of the same spelling, with the caller's arguments (64-bit integers).
 * Returns 0 when no loaded library provides it. */
#define BS_SHIM_GEMM64(name, P, T)                                                              \
    typedef void (*name##_cblas64_fn)(CBLAS_LAYOUT, CBLAS_TRANSPOSE, CBLAS_TRANSPOSE, bs_i64,   \
                                      bs_i64, bs_i64, T, const T *, bs_i64, const T *, bs_i64,  \
                                      T, T *, bs_i64);                                          \
    typedef void (*name##_f77_64_fn)(const char *, const char *, const bs_i64 *, const bs_i64 *, \
                                     const bs_i64 *, const T *, const T *, const bs_i64 *,       \
                                     const T *, const bs_i64 *, const T *, T *, const bs_i64 *,  \
                                     size_t, size_t);                                            \
    static int name##_forward64(const bs_gemm_desc *d, const T *a, const T *b, T *c)            \
    {                                                                                           \
        static bs_sym syms[BS_SPELLINGS][2] = {                                                 \
            {BS_SYM_OF(""), BS_SYM_OF("")},                                                     \
            {BS_SYM_OF("cblas_" #name "64_"), BS_SYM_OF(#name "_64_")},                         \
            {BS_SYM_OF("scipy_cblas_" #name "64_"), BS_SYM_OF("scipy_" #name "_64_")}};         \
        void *fn = bs_sym_get(&syms[d->spelling][d->api]);                                     \
        if (!fn)                                                                                \
            return 0;                                                                           \
        const T alpha = (T)d->alpha, beta = (T)d->beta;                                         \
        const bs_i64 m = d->m, n = d->n, k = d->k, lda = d->lda, ldb = d->ldb, ldc = d->ldc;    \
        if (d->api == BS_API_CBLAS) {                                                           \
            ((name##_cblas64_fn)fn)((CBLAS_LAYOUT)d->order_raw, (CBLAS_TRANSPOSE)d->transa_raw, \
                                    (CBLAS_TRANSPOSE)d->transb_raw, m, n, k, alpha, a, lda, b,  \
                                    ldb, beta, c, ldc);                                         \
        } else {                                                                                \
            const char ta = (char)d->transa_raw, tb = (char)d->transb_raw;                      \
            ((name##_f77_64_fn)fn)(&ta, &tb, &m, &n, &k, &alpha, a, &lda, b, &ldb, &beta, c,    \
                                   &ldc, 1, 1);                                                 \
        }                                                                                       \
        return 1;                                                                               \
    }

/* Fortran forwarding: the caller's column-major call, or a CBLAS call in canonical form. */
#define BS_SHIM_GEMM_F77(name, P, T)                                                            \
    typedef void (*name##_cblas_fn)(CBLAS_LAYOUT, CBLAS_TRANSPOSE, CBLAS_TRANSPOSE, bs_cint,    \
                                    bs_cint, bs_cint, T, const T *, bs_cint, const T *,         \
                                    bs_cint, T, T *, bs_cint);                                  \
    typedef void (*name##_f77_fn)(const char *, const char *, const bs_fint *, const bs_fint *, \
                                  const bs_fint *, const T *, const T *, const bs_fint *,       \
                                  const T *, const bs_fint *, const T *, T *, const bs_fint *,  \
                                  size_t, size_t);                                              \
    static int name##_forward_f77(name##_f77_fn ff, const bs_gemm_desc *d, const T *a,      \
                                  const T *b, T *c)                                             \
    {                                                                                           \
        const T alpha = (T)d->alpha, beta = (T)d->beta;                                         \
        const bs_fint ldc = (bs_fint)d->ldc;                                                    \
        if (d->api == BS_API_FORTRAN) {                                                         \
            const char ta = (char)d->transa_raw, tb = (char)d->transb_raw;                      \
            const bs_fint m = (bs_fint)d->m, n = (bs_fint)d->n, k = (bs_fint)d->k;              \
            const bs_fint lda = (bs_fint)d->lda, ldb = (bs_fint)d->ldb;                         \
            ff(&ta, &tb, &m, &n, &k, &alpha, a, &lda, b, &ldb, &beta, c, &ldc, 1, 1);           \
            return 1;                                                                           \
        }                                                                                       \
        bs_gemm_canon cn;                                                                       \
        bs_gemm_canonical(d, &cn);                                                              \
        const bs_fint m = (bs_fint)cn.m, n = (bs_fint)cn.n, k = (bs_fint)cn.k;                  \
        const bs_fint lda = (bs_fint)cn.lda, ldb = (bs_fint)cn.ldb;                             \
        ff(&cn.transa, &cn.transb, &m, &n, &k, &alpha, cn.swap ? b : a, &lda,                   \
           cn.swap ? a : b, &ldb, &beta, c, &ldc, 1, 1);                                        \
        return 1;                                                                               \
    }

/* Verify mode: C's m x n block (in the caller's order) copied, then compared. */
#define BS_SHIM_VERIFY(name, P, T)                                                              \
    static T *name##_copy_c(const bs_gemm_desc *d, const T *c)                                  \
    {                                                                                           \
        const int64_t outer = d->order == 'R' ? d->m : d->n, inner = d->order == 'R' ? d->n : d->m; \
        if (outer <= 0 || inner <= 0)                                                           \
            return NULL;                                                                        \
        const size_t len = (size_t)(d->ldc * (outer - 1) + inner);                              \
        T *copy = malloc(len * sizeof(T));                                                      \
        if (copy)                                                                               \
            memcpy(copy, c, len * sizeof(T));                                                   \
        return copy;                                                                            \
    }                                                                                           \
    static void name##_compare(const bs_gemm_desc *d, const T *c, const T *ref, bs_verdict *v)  \
    {                                                                                           \
        const int64_t outer = d->order == 'R' ? d->m : d->n, inner = d->order == 'R' ? d->n : d->m; \
        double diff = 0, mag = 0;                                                               \
        v->nonfinite = 0;                                                                       \
        for (int64_t o = 0; o < outer; o++)                                                     \
            for (int64_t i = 0; i < inner; i++) {                                               \
                const double x = c[o * d->ldc + i], r = ref[o * d->ldc + i];                    \
                if (!isfinite(r))                                                               \
                    continue; /* the system BLAS's own NaN/Inf: nothing to hold against */      \
                if (!isfinite(x)) {                                                             \
                    v->nonfinite = 1;                                                           \
                    continue;                                                                   \
                }                                                                               \
                if (fabs(x - r) > diff) diff = fabs(x - r);                                     \
                if (fabs(r) > mag) mag = fabs(r);                                               \
            }                                                                                   \
        v->max_rel_err = mag > 0 ? diff / mag : diff;                                           \
    }

BS_ROUTINES(BS_SHIM_GEMM_F77)
BS_ROUTINES(BS_SHIM_GEMM64)
BS_ROUTINES(BS_SHIM_VERIFY)
BS_ROUTINES(BS_SHIM_GEMM)

/* every spelling of every kernel routine; the LP64 one is checked against cblas.h */
#define BS_SHIM_ENTRIES(name, P, T)                                                             \
    BS_GEMM_ENTRIES(name, T, cblas_##name, name##_, BS_LP64, bs_cint)                           \
    BS_GEMM_ENTRIES(name, T, cblas_##name##64_, name##_64_, BS_ILP64, bs_i64)                   \
    BS_GEMM_ENTRIES(name, T, scipy_cblas_##name##64_, scipy_##name##_64_, BS_SCIPY64, bs_i64)
BS_ROUTINES(BS_SHIM_ENTRIES)
