/* shim/generic.h — the call path of every BLAS routine without a kernel of its own: the
 * generated wrappers (tools/gen_wrappers.py) forward to the real routine and record it. */
#ifndef BS_SHIM_GENERIC_H
#define BS_SHIM_GENERIC_H

#include <math.h>
#include <stdatomic.h>
#include <stdint.h>

#include "blasint.h"
#include "shim.h"

/* OpenBLAS's cblas.h declares a few written arguments const (tools/gen_wrappers.py) */
#ifdef OPENBLAS_CONST
#define BS_HDR_CONST const
#else
#define BS_HDR_CONST
#endif

/* The real routine of one exported name, looked up once. */
typedef struct bs_sym {
    const char *name;
    _Atomic(void *) fn;
    atomic_int state; /* 0 not looked up, 1 found, 2 missing (warned) */
} bs_sym;

#define BS_SYM_OF(str) {.name = str}

void *bs_sym_get(bs_sym *s);

/* One call, as the wrapper fills it: raw enum/char values decoded at record time. */
typedef struct bs_gcall {
    const char *routine;
    bs_api api;           /* CBLAS or Fortran calling convention */
    bs_spelling spelling; /* LP64, or one of the ILP64 spellings */
    int order, transa, transb, uplo, side, diag; /* CBLAS enums or Fortran chars; 0: none */
    int64_t m, n, k, lda, ldb, ldc;              /* -1 where the routine has none */
    int64_t incx, incy;                          /* BS_NULL_I64 where it has none */
    double alpha, beta;                          /* NaN where it has none */
    double flops;                                /* standard count, < 0 when none */
    void *caller_ip;
    bs_probe probe;
} bs_gcall;

/* What a wrapper starts from: every size and scalar absent. */
#define BS_GCALL_INIT(name, api_, spelling_, order_, flops_)                                   \
    {.routine = name, .api = api_, .spelling = spelling_, .order = order_, .m = -1, .n = -1, .k = -1, .lda = -1,       \
     .ldb = -1, .ldc = -1, .incx = BS_NULL_I64, .incy = BS_NULL_I64, .alpha = NAN,              \
     .beta = NAN, .flops = flops_}

/* Before the real call: 0 means "just forward" (a call from inside the real BLAS, recording
 * off or paused, or no real routine, which is warned about once). 1: measure; then call
 * bs_gen_end after the real routine returns. */
int bs_gen_begin(bs_gcall *g, bs_sym *s, void *caller_ip);
void bs_gen_end(bs_gcall *g);

#endif
