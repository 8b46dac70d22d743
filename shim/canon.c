/* shim/canon.c — decoding, validating and canonicalizing a gemm call. Pure functions. */
#include "canon.h"

#include <stddef.h>

enum { CBLAS_ROW = 101, CBLAS_COL = 102, CBLAS_N = 111, CBLAS_T = 112, CBLAS_C = 113 };

const char *const bs_routine_names[BS_R_COUNT] = {
#define BS_R_NAME(name, p, T) #name,
    BS_ROUTINES(BS_R_NAME)
#undef BS_R_NAME
};

static char trans_of(bs_api api, int raw)
{
    if (api == BS_API_CBLAS)
        return raw == CBLAS_N ? 'N' : raw == CBLAS_T ? 'T' : raw == CBLAS_C ? 'C' : '?';
    switch (raw) {
    case 'N': case 'n': return 'N';
    case 'T': case 't': return 'T';
    case 'C': case 'c': return 'C';
    default: return '?';
    }
}

void bs_gemm_decode(bs_gemm_desc *d)
{
    if (d->api == BS_API_CBLAS)
        d->order = d->order_raw == CBLAS_ROW ? 'R' : d->order_raw == CBLAS_COL ? 'C' : '?';
    else
        d->order = 'C';
    d->transa = trans_of(d->api, d->transa_raw);
    d->transb = trans_of(d->api, d->transb_raw);
}

static int64_t max1(int64_t v) { return v > 1 ? v : 1; }

int bs_gemm_check(const bs_gemm_desc *d, const char **param)
{
    /* parameter numbers: CBLAS has the order first; Fortran starts at TRANSA. Checked in
     * the reference BLAS's order, one test at a time (this runs on every call) */
    const int o = d->api == BS_API_CBLAS ? 1 : 0;
    const int row = d->order == 'R';
    const int an = d->transa == 'N', bn = d->transb == 'N';
#define BS_BAD(cond, name, num)                                                              \
    if (cond) {                                                                              \
        *param = name;                                                                       \
        return num;                                                                          \
    }
    BS_BAD(o && d->order == '?', "order", 1)
    BS_BAD(d->transa == '?', "transa", 1 + o)
    BS_BAD(d->transb == '?', "transb", 2 + o)
    BS_BAD(d->m < 0, "m", 3 + o)
    BS_BAD(d->n < 0, "n", 4 + o)
    BS_BAD(d->k < 0, "k", 5 + o)
    BS_BAD(d->lda < max1(row ? (an ? d->k : d->m) : (an ? d->m : d->k)), "lda", 8 + o)
    BS_BAD(d->ldb < max1(row ? (bn ? d->n : d->k) : (bn ? d->k : d->n)), "ldb", 10 + o)
    BS_BAD(d->ldc < max1(row ? d->n : d->m), "ldc", 13 + o)
#undef BS_BAD
    *param = NULL;
    return 0;
}

void bs_gemm_canonical(const bs_gemm_desc *d, bs_gemm_canon *c)
{
    char ta = d->transa == 'N' ? 'N' : 'T'; /* 'C' is 'T' for real types */
    char tb = d->transb == 'N' ? 'N' : 'T';
    if (d->order == 'R') {
        /* row-major C = op(A) op(B) is column-major C^T = op(B)^T op(A)^T */
        *c = (bs_gemm_canon){tb, ta, d->n, d->m, d->k, d->ldb, d->lda, 1};
    } else {
        *c = (bs_gemm_canon){ta, tb, d->m, d->n, d->k, d->lda, d->ldb, 0};
    }
}

const char *bs_gemm_symbol(const bs_gemm_desc *d)
{
    static const char *const names[2][BS_R_COUNT] = {
#define BS_R_CBLAS(name, p, T) "cblas_" #name,
        {BS_ROUTINES(BS_R_CBLAS)},
#undef BS_R_CBLAS
#define BS_R_F77(name, p, T) #name "_",
        {BS_ROUTINES(BS_R_F77)},
#undef BS_R_F77
    };
    return names[d->api][d->routine];
}

const char *bs_api_name(bs_api api, bs_spelling sp)
{
    static const char *const names[BS_SPELLINGS][2] = {
        {"cblas", "fortran"}, {"cblas64", "fortran64"}, {"scipy_cblas64", "scipy_fortran64"}};
    return names[sp][api];
}
