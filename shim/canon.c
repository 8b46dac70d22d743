/* shim/canon.c — decoding, validating and canonicalizing a gemm call; the names of routines
 * and spellings. Pure functions. */
#include "canon.h"

#include <stddef.h>
#include <stdio.h>

#include <cblas.h>

const char *const bs_routine_names[BS_R_COUNT] = {
#define BS_R_NAME(name, p, T) #name,
    BS_ROUTINES(BS_R_NAME)
#undef BS_R_NAME
};

static char trans_of(bs_api api, int raw)
{
    if (api == BS_API_CBLAS)
        return raw == CblasNoTrans     ? 'N'
               : raw == CblasTrans     ? 'T'
               : raw == CblasConjTrans ? 'C'
                                       : '?';
    switch (raw) {
    case 'N': case 'n': return 'N';
    case 'T': case 't': return 'T';
    case 'C': case 'c': return 'C';
    default: return '?';
    }
}

void bs_gemm_decode(bs_call *d)
{
    if (d->api == BS_API_CBLAS)
        d->order = d->order_raw == CblasRowMajor ? 'R' : d->order_raw == CblasColMajor ? 'C' : '?';
    else
        d->order = 'C';
    d->transa = trans_of(d->api, d->transa_raw);
    d->transb = trans_of(d->api, d->transb_raw);
}

static int64_t max1(int64_t v) { return v > 1 ? v : 1; }

int bs_gemm_check(const bs_call *d, const char **param)
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

void bs_gemm_canonical(const bs_call *d, bs_gemm_canon *c)
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

static const struct {
    const char *prefix, *suffix[3], *api[3];
    int bits;
} spellings[BS_SPELLINGS] = {
#define BS_SPELLING(id, prefix, csuf, fsuf, bits, cname, fname, lname)                           \
    [id] = {prefix, {csuf, fsuf, ""}, {cname, fname, lname}, bits},
#include "spellings.def"
#undef BS_SPELLING
};

const char *bs_api_name(bs_api api, bs_spelling sp) { return spellings[sp].api[api]; }

int bs_spelling_wide(bs_spelling sp) { return spellings[sp].bits == 64; }

const char *bs_spelled(char *buf, size_t cap, const char *routine, bs_api api, bs_spelling sp)
{
    snprintf(buf, cap, "%s%s%s%s", spellings[sp].prefix,
             api == BS_API_CBLAS ? "cblas_" : api == BS_API_LAPACKE ? "LAPACKE_" : "", routine,
             spellings[sp].suffix[api]);
    return buf;
}
