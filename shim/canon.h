/* shim/canon.h — a gemm call as the caller made it (any API, any order): its decoding,
 * validation and reduction to the kernels' canonical column-major form. */
#ifndef BS_SHIM_CANON_H
#define BS_SHIM_CANON_H

#include <stdint.h>

#include "call.h"

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
void bs_gemm_canonical(const bs_call *d, bs_gemm_canon *c);

#endif
