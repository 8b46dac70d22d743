/* shim/blasint.h — the integer types of the BLAS interfaces the shim exports. */
#ifndef BS_SHIM_BLASINT_H
#define BS_SHIM_BLASINT_H

#include <stdint.h>

#include <cblas.h> /* definitions are checked against the system prototypes */

/* Integer type of the CBLAS prototypes (netlib's header names it CBLAS_INT). */
#ifdef CBLAS_INT
typedef CBLAS_INT bs_cint;
#else
typedef int bs_cint;
#endif
typedef int bs_fint;    /* Fortran INTEGER of the LP64 BLAS */
typedef int32_t bs_i32; /* the integers of the other LP64 spellings (scipy_) */
typedef int64_t bs_i64; /* every integer of the ILP64 spellings */

#endif
