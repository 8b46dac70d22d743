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

void bs_gemm_decode(bs_call *d)
{
    d->order = bs_gemm_order_of(d->api, d->order_raw);
    d->transa = bs_gemm_trans_of(d->api, d->transa_raw);
    d->transb = bs_gemm_trans_of(d->api, d->transb_raw);
}

int bs_gemm_check(const bs_call *d, const char **param)
{
    return bs_gemm_check_args(d->api, d->order, d->transa, d->transb, d->m, d->n, d->k, d->lda,
                              d->ldb, d->ldc, param);
}

static const struct {
    const char *prefix, *suffix[3], *api[3];
    int bits;
} spellings[BS_SPELLINGS] = {
#define BS_SPELLING(id, prefix, csuf, fsuf, bits, cname, fname, lname)                             \
    [id] = {prefix, {csuf, fsuf, ""}, {cname, fname, lname}, bits},
#include "spellings.def"
#undef BS_SPELLING
};

const char *bs_api_name(bs_api api, bs_spelling sp) { return spellings[sp].api[api]; }

int bs_spelling_wide(bs_spelling sp) { return spellings[sp].bits == 64; }

const char *bs_spelled(char *buf, size_t cap, const char *routine, bs_api api, bs_spelling sp)
{
    snprintf(buf, cap, "%s%s%s%s", spellings[sp].prefix,
             api == BS_API_CBLAS     ? "cblas_"
             : api == BS_API_LAPACKE ? "LAPACKE_"
                                     : "",
             routine, spellings[sp].suffix[api]);
    return buf;
}
