/* shim/call.h — one BLAS call as the caller made it, for every routine and every spelling:
 * what the exported entry points fill in and the call path, the probe and the record read. */
#ifndef BS_SHIM_CALL_H
#define BS_SHIM_CALL_H

#include <stddef.h>
#include <stdint.h>

/* LAPACKE: the C interface of LAPACK (LAPACKE_dgesv): values, a matrix_layout first, info
 * returned */
typedef enum bs_api { BS_API_CBLAS, BS_API_FORTRAN, BS_API_LAPACKE } bs_api;

/* How a routine's name is spelled and how wide its integers are (shim/spellings.def). */
typedef enum bs_spelling {
#define BS_SPELLING(id, prefix, csuf, fsuf, bits, cname, fname, lname) id,
#include "spellings.def"
#undef BS_SPELLING
    BS_SPELLINGS
} bs_spelling;

/* the report's "api": cblas, fortran, cblas64, ... (shim/spellings.def) */
const char *bs_api_name(bs_api api, bs_spelling sp);
/* 1 when the spelling's integers are 64-bit */
int bs_spelling_wide(bs_spelling sp);
/* The exported (and real) name of routine under an API and spelling, e.g. "scipy_dgemm_64_";
 * returns buf. */
const char *bs_spelled(char *buf, size_t cap, const char *routine, bs_api api, bs_spelling sp);

/* The routines with kernels of their own; the order is the config's and the header's. */
#define BS_ROUTINES(X) X(sgemm, s, float) X(dgemm, d, double)
typedef enum bs_routine {
#define BS_R_ENUM(name, p, T) BS_R_##name,
    BS_ROUTINES(BS_R_ENUM)
#undef BS_R_ENUM
        BS_R_COUNT
} bs_routine;
extern const char *const bs_routine_names[BS_R_COUNT];

/* The innermost LAPACK call in progress on a thread: its seq (0: none) and how many are open;
 * same: when it is a LAPACKE call, its routine ("dgesv"), whose Fortran routine liblapacke
 * calls to do the work: that inner call is not recorded again. */
typedef struct bs_nest {
    int64_t seq;
    int depth;
    const char *same;
} bs_nest;

/* The measurements around one call (shim/probe.c). */
typedef struct bs_probe {
    int heavy, process_cpu;
    int64_t wall0, cpu0, rss0;
    int64_t wall1, cpu, rss1, peak; /* after the call; -1 where not measured */
} bs_probe;

typedef struct bs_call {
    const char *routine;  /* the report's name: "dgemm", "zherk", "idamax" */
    bs_api api;           /* CBLAS (values) or Fortran (references) calling convention */
    bs_spelling spelling; /* which exported name, and the width of its integers */
    /* as passed: CBLAS enum values or Fortran characters, 0 where the routine has none; a
     * Fortran routine with a storage order (levels 2 and 3) has order_raw 1: column-major */
    int order_raw, transa_raw, transb_raw, uplo_raw, side_raw, diag_raw;
    char order, transa, transb; /* decoded by bs_gemm_decode: 'R'/'C', 'N'/'T'/'C', '?' bad */
    int64_t m, n, k, nrhs, lda, ldb, ldc; /* -1 where the routine has none */
    int64_t incx, incy;                   /* BS_NULL_I64 where it has none */
    double alpha, beta;                   /* NaN where it has none (complex: the real part) */
    double flops;                         /* the standard count, < 0 when the routine has none */
    char job[4];                          /* LAPACK character arguments (jobz, range, ...) */
    int64_t info;                         /* LAPACK info after the call; BS_NULL_I64 for BLAS */
    /* nesting: a routine whose BLAS (and LAPACK) calls are its children, recorded with
     * parent = its seq (LAPACK); seq, parent, depth are filled by the call path */
    int nests;
    int64_t seq, parent;
    int depth;
    bs_nest outer;   /* the nest open when the call began, restored at its end */
    int elem;        /* bytes per element, for the operand spans; 0: none */
    void *caller_ip; /* return address into the caller of the entry point */
    bs_probe probe;
} bs_call;

#endif
