/* shim/canon.h — a gemm call as the caller made it (any API, any order): its decoding,
 * validation and reduction to the kernels' canonical column-major form. */
#ifndef BS_SHIM_CANON_H
#define BS_SHIM_CANON_H

#include <stdint.h>

#include <cblas.h>

#include "call.h"

/* The pieces, inline: the quiet kernel path (shim/gemm_quick.h) runs them in the exported
 * entry point itself, on the caller's arguments, with no bs_call in between. */

/* 'N'/'T'/'C' from a CBLAS enum or a Fortran character, '?' when it is neither */
static inline char bs_gemm_trans_of(bs_api api, int raw)
{
    if (api == BS_API_CBLAS)
        return raw == CblasNoTrans     ? 'N'
               : raw == CblasTrans     ? 'T'
               : raw == CblasConjTrans ? 'C'
                                       : '?';
    switch (raw) {
    case 'N':
    case 'n': return 'N';
    case 'T':
    case 't': return 'T';
    case 'C':
    case 'c': return 'C';
    default: return '?';
    }
}

/* 'R'/'C' from a CBLAS layout ('?' when bad); a Fortran call is column-major */
static inline char bs_gemm_order_of(bs_api api, int raw)
{
    if (api != BS_API_CBLAS)
        return 'C';
    return raw == CblasRowMajor ? 'R' : raw == CblasColMajor ? 'C' : '?';
}

static inline int64_t bs_gemm_max1(int64_t v) { return v > 1 ? v : 1; }

/* 0 when the decoded call is valid; else the API's 1-based number of the first bad parameter,
 * with its name in *param. Checked in the reference BLAS's order, one test at a time. */
static inline int bs_gemm_check_args(bs_api api, char order, char transa, char transb, int64_t m,
                                     int64_t n, int64_t k, int64_t lda, int64_t ldb, int64_t ldc,
                                     const char **param)
{
    /* parameter numbers: CBLAS has the order first; Fortran starts at TRANSA */
    const int o = api == BS_API_CBLAS ? 1 : 0;
    const int row = order == 'R';
    const int an = transa == 'N', bn = transb == 'N';
    const char *bad = NULL;
    int num = 0;
    if (o && order == '?')
        bad = "order", num = 1;
    else if (transa == '?')
        bad = "transa", num = 1 + o;
    else if (transb == '?')
        bad = "transb", num = 2 + o;
    else if (m < 0)
        bad = "m", num = 3 + o;
    else if (n < 0)
        bad = "n", num = 4 + o;
    else if (k < 0)
        bad = "k", num = 5 + o;
    else if (lda < bs_gemm_max1(row ? (an ? k : m) : (an ? m : k)))
        bad = "lda", num = 8 + o;
    else if (ldb < bs_gemm_max1(row ? (bn ? n : k) : (bn ? k : n)))
        bad = "ldb", num = 10 + o;
    else if (ldc < bs_gemm_max1(row ? n : m))
        bad = "ldc", num = 13 + o;
    *param = bad;
    return num;
}

/* Fill order/transa/transb from the raw values of the API. */
void bs_gemm_decode(bs_call *d);

/* 0 when the call is valid; else the API's 1-based number of the first bad parameter,
 * with its name in *param. */
int bs_gemm_check(const bs_call *d, const char **param);

/* The canonical column-major call: C(m x n) = alpha op(A') op(B') + beta C, where
 * A' = B and B' = A when swap is set (row-major), transposes 'N' or 'T'. */
typedef struct bs_gemm_canon {
    char transa, transb;
    int64_t m, n, k, lda, ldb;
    int swap;
} bs_gemm_canon;
static inline bs_gemm_canon bs_gemm_canon_of(char order, char transa, char transb, int64_t m,
                                             int64_t n, int64_t k, int64_t lda, int64_t ldb)
{
    const int row = order == 'R'; /* row-major C = op(A) op(B) is C^T = op(B)^T op(A)^T */
    const char ta = transa == 'N' ? 'N' : 'T', tb = transb == 'N' ? 'N' : 'T'; /* 'C' is 'T' */
    return (bs_gemm_canon){row ? tb : ta,   row ? ta : tb,   row ? n : m, row ? m : n, k,
                           row ? ldb : lda, row ? lda : ldb, row};
}
static inline void bs_gemm_canonical(const bs_call *d, bs_gemm_canon *c)
{
    *c = bs_gemm_canon_of(d->order, d->transa, d->transb, d->m, d->n, d->k, d->lda, d->ldb);
}

#endif
