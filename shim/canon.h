/* shim/canon.h — a gemm call as the caller made it (any API, any order), its validation,
 * and its reduction to the kernels' canonical column-major form. */
#ifndef BS_SHIM_CANON_H
#define BS_SHIM_CANON_H

#include <stdint.h>

typedef enum bs_api { BS_API_CBLAS, BS_API_FORTRAN } bs_api;

/* How a routine's name is spelled and how wide its integers are: the plain LP64 names
 * (cblas_dgemm, dgemm_), and the ILP64 names of NumPy's pip wheels (64-bit integers):
 * cblas_dgemm64_ / dgemm_64_ (NumPy 1.2x) and scipy_cblas_dgemm64_ / scipy_dgemm_64_ (2.x). */
typedef enum bs_spelling { BS_LP64, BS_ILP64, BS_SCIPY64, BS_SPELLINGS } bs_spelling;

/* the report's "api": cblas, fortran, cblas64, fortran64, scipy_cblas64, scipy_fortran64 */
const char *bs_api_name(bs_api api, bs_spelling sp);

/* The routines the shim routes; the order is the config's and the header's. */
#define BS_ROUTINES(X) X(sgemm, s, float) X(dgemm, d, double)
typedef enum bs_routine {
#define BS_R_ENUM(name, p, T) BS_R_##name,
    BS_ROUTINES(BS_R_ENUM)
#undef BS_R_ENUM
    BS_R_COUNT
} bs_routine;
extern const char *const bs_routine_names[BS_R_COUNT];

typedef struct bs_gemm_desc {
    bs_routine routine;
    bs_api api;
    int order_raw, transa_raw, transb_raw; /* as passed: CBLAS enum values or Fortran chars */
    char order;                            /* 'R' or 'C'; '?' when invalid */
    char transa, transb;                   /* 'N', 'T' or 'C'; '?' when invalid */
    int64_t m, n, k, lda, ldb, ldc;
    double alpha, beta;
    void *caller_ip; /* return address into the caller of the exported entry point */
    bs_spelling spelling;
} bs_gemm_desc;

/* Fill order/transa/transb from the raw values of the API. */
void bs_gemm_decode(bs_gemm_desc *d);

/* 0 when the call is valid; else the API's 1-based number of the first bad parameter,
 * with its name in *param. */
int bs_gemm_check(const bs_gemm_desc *d, const char **param);

/* The canonical column-major call: C(m x n) = alpha op(A') op(B') + beta C, where
 * A' = B and B' = A when swap is set (row-major), transposes 'N' or 'T'. */
typedef struct bs_gemm_canon {
    char transa, transb;
    int64_t m, n, k, lda, ldb;
    int swap;
} bs_gemm_canon;
void bs_gemm_canonical(const bs_gemm_desc *d, bs_gemm_canon *c);

/* The API's name of the routine, e.g. "cblas_dgemm" or "dgemm_". */
const char *bs_gemm_symbol(const bs_gemm_desc *d);

#endif
