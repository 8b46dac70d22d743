/* shim/shim.h — the shim's internal interfaces: configuration, the real BLAS, the call path. */
#ifndef BS_SHIM_SHIM_H
#define BS_SHIM_SHIM_H

#include "../kernels/gemm.h"
#include "../profiler/record.h"
#include "canon.h"

#define BS_EXPORT __attribute__((visibility("default")))

/* ---- configuration (shim/config.c): read once, at the first BLAS call ---- */
typedef struct bs_config {
    const bs_kernel *kernel[BS_R_COUNT]; /* NULL: system, the real BLAS */
    int real_none;                       /* BLASSHIM_REAL_BLAS=none */
    const char *real_path;               /* BLASSHIM_REAL_BLAS=/path, or NULL */
    const char *report;                  /* report name pattern, or NULL when off */
    bs_kernel_params kparams;            /* BLASSHIM_BLOCK, BLASSHIM_ISA, BLASSHIM_NUM_THREADS */
} bs_config;

extern bs_config bs_cfg;

/* The name a configured kernel goes by in the report ("system" for the real BLAS). */
static inline const char *bs_kernel_label(const bs_kernel *k) { return k ? k->name : "system"; }

/* Read the BLASSHIM_* variables into bs_cfg; warn about and replace bad values. */
void bs_config_read(void);

/* Initialize everything once (thread-safe); cheap after the first call. */
void bs_init(void);

/* Depth of shim calls on this thread: > 0 means the call comes from inside the real BLAS. */
extern __thread int bs_depth;

/* ---- the real BLAS (shim/realblas.c) ---- */
/* Find the real routines: user path, then loaded libraries, then usual sonames. */
void bs_real_find(const char *user_path);
/* The real symbol of routine r for an API, or NULL. Never the shim's own. */
void *bs_real_sym(bs_api api, bs_routine r);
/* Path of the library the real routines come from (first found), or NULL. */
const char *bs_real_path(void);

/* ---- measuring one call (shim/probe.c) ---- */
typedef struct bs_probe {
    int64_t wall0, cpu0;
} bs_probe;
void bs_probe_begin(bs_probe *p);
/* Stop the clocks and hand the call's record to the report. */
void bs_probe_end(const bs_probe *p, const bs_gemm_desc *d, const char *kernel,
                  const bs_kernel_info *info);

/* An invalid call that no real BLAS can report: one message, C untouched. */
void bs_report_invalid(const bs_gemm_desc *d, int param_num, const char *param);

#endif
