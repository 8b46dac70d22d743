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

/* Before the real call: 0 means "just forward" (a call from inside the real BLAS, recording
 * off or paused, or no real routine, which is warned about once). 1: measure; then call
 * bs_gen_end after the real routine returns. */
int bs_gen_begin(bs_call *g, bs_sym *s);
void bs_gen_end(bs_call *g);

#endif
