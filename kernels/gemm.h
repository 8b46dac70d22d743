/* kernels/gemm.h — the canonical gemm form every kernel computes, and the kernel registry.
 *
 * Canonical form: column-major, C = alpha * op(A) * op(B) + beta * C, with
 *   op(A) m x k, op(B) k x n, C m x n, transa/transb in {'N','T'} (for real types
 *   'C' is 'T' and is mapped before a kernel sees it).
 * A row-major call reaches this form by swapping A/B and m/n (shim/canon.c).
 * Kernels are pure computation: no I/O, no getenv, no profiler calls. They report
 * only what they alone know (threads used, workspace bytes) through bs_kernel_info.
 */
#ifndef BS_KERNELS_GEMM_H
#define BS_KERNELS_GEMM_H

#include <stddef.h>

/* Index type of the kernels: wide enough for any LP64 or ILP64 BLAS dimension. */
typedef ptrdiff_t bs_idx;

/* What a kernel tells the profiler about the call it just ran. */
typedef struct bs_kernel_info {
    int threads;             /* threads that worked on the call */
    size_t workspace_bytes;  /* packing buffers the kernel used for this call */
    const char *ran;         /* the kernel that actually ran, when it is another (auto) */
    int want_cpu;            /* in: the caller measures CPU time; report the helpers' too */
    long long helper_cpu_ns; /* out: CPU time of pool threads other than the caller */
    const char *warning;     /* out: set when the call could not run as configured (memory was
                               short: smaller tiles, or the naive kernel, see `ran`); the
                               result is right all the same. The shim warns once. */
} bs_kernel_info;

/* Code that is the same for float and double is written once, as an include-template over
 * T (the element type) and P (its BLAS prefix, s or d): the includer defines both, includes
 * the template (each_type.h does it for both types), and BS_P(name) names the instance. */
#define BS_CAT2(a, b) a##b
#define BS_CAT(a, b) BS_CAT2(a, b)
#define BS_P(name) BS_CAT(BS_CAT(bs_, P), name)

/* bs_sgemm_args, bs_dgemm_args, bs_?gemm_fn and the kernels' entry points */
#define BS_TEMPLATE "gemm_types.h"
#include "each_type.h"

typedef struct bs_kernel {
    const char *name;
    bs_sgemm_fn sgemm;
    bs_dgemm_fn dgemm;
} bs_kernel;

/* The compute kernels, in the order users see them listed; NULL-name terminated. */
extern const bs_kernel bs_kernels[];

/* Kernel by name (case-insensitive), or NULL. */
const bs_kernel *bs_kernel_find(const char *name);

/* Settings the shim reads from the environment and hands to the kernels (which never read
 * the environment themselves). Zero / NULL fields mean "derive the default". */
typedef struct bs_kernel_params {
    long l1, l2, l3; /* data cache sizes, bytes */
    long mc, kc, nc; /* tile sizes for blocked and vectorized (BLASSHIM_BLOCK) */
    const char *isa; /* microkernel family for vectorized/parallel (BLASSHIM_ISA) */
    int nthreads;    /* parallel kernel's threads (BLASSHIM_NUM_THREADS) */
    long small_mnk;  /* m*n*k up to which A and B are read unpacked; < 0: never (tests) */
} bs_kernel_params;

/* Apply the settings. Returns NULL, or a message when the ISA asked for is unknown or this
 * CPU cannot run it (the best supported one is used then). Safe to call more than once,
 * not concurrently with running kernels. Kernels run with defaults if it is never called. */
const char *bs_kernels_configure(const bs_kernel_params *p);

/* What the kernels run with, for the report header. */
typedef struct bs_kernel_desc {
    const char *isa;            /* microkernel family of vectorized/parallel */
    const char *isas_supported; /* e.g. "avx512,avx2,sse2,generic" */
    long s_blk[3], d_blk[3];    /* vectorized MC, KC, NC per type */
    int s_tile[2], d_tile[2];   /* vectorized MR x NR per type */
    int nthreads;
} bs_kernel_desc;
void bs_kernels_describe(bs_kernel_desc *out);

/* The m*n*k from which parallel uses the pool (and auto chooses parallel), per type: measured
 * on this machine once, at the first call that asks (here, or a parallel/auto call with more
 * than one thread; it takes about a millisecond). 0 when only one thread is configured. */
void bs_kernels_crossover(double *s_mnk, double *d_mnk);

#endif
