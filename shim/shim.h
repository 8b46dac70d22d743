/* shim/shim.h — the shim's internal interfaces: configuration, the real BLAS, the call path. */
#ifndef BS_SHIM_SHIM_H
#define BS_SHIM_SHIM_H

#include "kernels/gemm.h"
#include "profiler/sink.h"
#include "profiler/warn.h"
#include "canon.h"

#define BS_EXPORT __attribute__((visibility("default")))

/* ---- configuration (shim/config.c): read once, at the first BLAS call ---- */
typedef struct bs_config {
    const bs_kernel *kernel[BS_R_COUNT]; /* NULL: system, the real BLAS */
    int real_none;                       /* BLASSHIM_REAL_BLAS=none */
    const char *real_path;               /* BLASSHIM_REAL_BLAS=/path, or NULL */
    const char *report;                  /* report name pattern, or NULL when off */
    bs_kernel_params kparams;            /* BLASSHIM_BLOCK, BLASSHIM_ISA, BLASSHIM_NUM_THREADS */
    const char *threads_from; /* where kparams.nthreads came from: the variable, or "affinity" */
    int summary;                         /* BLASSHIM_LOG=summary */
    int backtrace;                       /* BLASSHIM_BACKTRACE frames */
    long verify_every;                   /* BLASSHIM_VERIFY: 0 off, N every N-th call */
    int start_paused;                    /* BLASSHIM_START=paused */
    int test_fault;                      /* BLASSHIM_TEST_FAULT=1: spoil C[0] (tests verify) */
    int python;                          /* BLASSHIM_PYTHON: Python call sites on/off */
    int pystack;                         /* BLASSHIM_PYSTACK frames */
} bs_config;

extern bs_config bs_cfg;

/* The name a configured kernel goes by in the report ("system" for the real BLAS). */
static inline const char *bs_kernel_label(const bs_kernel *k) { return k ? k->name : "system"; }

/* The kernel that ran: the one auto chose (its registry name, one pointer per name, so
 * summary mode can key on it), else the configured one. */
static inline const char *bs_ran_label(const char *ran, const bs_kernel *k)
{
    const bs_kernel *r = ran ? bs_kernel_find(ran) : NULL;
    return r ? r->name : bs_kernel_label(k);
}

/* Read the BLASSHIM_* variables into bs_cfg; warn about and replace bad values. */
void bs_config_read(void);

/* Initialize everything once (thread-safe); cheap after the first call. */
void bs_init(void);

/* Depth of shim calls on this thread: > 0 means the call comes from inside the real BLAS. */
extern __thread int bs_depth __attribute__((tls_model("initial-exec")));

/* ---- the real BLAS (shim/realblas.c) ---- */
/* Find the real routines: user path, then loaded libraries, then usual sonames. */
void bs_real_find(const char *user_path);
/* The real symbol of routine r for an API, or NULL. Never the shim's own. */
void *bs_real_sym(bs_api api, bs_routine r);
/* The real symbol of any name, from the libraries found at set-up; NULL if none has it. */
void *bs_real_lookup(const char *name);
/* Path of the library the real routines come from (first found), or NULL. */
const char *bs_real_path(void);

/* ---- measuring one call (shim/probe.c) ---- */
/* CPU time and memory cost a syscall each (~1.3 us here): measured only for calls of at least
 * this many flops (a 256^3 gemm: >= 80 us at 200 GFLOP/s), null below. */
#define BS_MEASURE_MIN_FLOPS (1LL << 25)

typedef struct bs_probe {
    int heavy, process_cpu;
    int64_t wall0, cpu0, rss0;
    int64_t wall1, cpu, rss1, peak; /* after the call; -1 where not measured */
} bs_probe;
/* process_cpu: the real BLAS may run threads of its own; count the whole process. flops: the
 * call's standard count (< 0 unknown), which decides whether CPU time and memory are read. */
void bs_probe_begin(bs_probe *p, double flops, int process_cpu);
/* Stop the clocks (before anything else the shim does for the call, such as verifying). */
void bs_probe_stop(bs_probe *p, const bs_kernel_info *info);

/* What verify mode found: max_rel_err < 0 when the call was not verified. */
typedef struct bs_verdict {
    double max_rel_err;
    int nonfinite;
} bs_verdict;

/* Complete a record with what the probe measured (times, CPU, memory, GFLOP/s) and the call
 * sites, and hand it to the report. The caller fills the routine's own fields. */
void bs_probe_report(const bs_probe *p, void *caller_ip, bs_record *r);

/* A CBLAS enum value or a Fortran character as the report spells it ("row", "N", "U", ...);
 * NULL for 0 (the routine has no such argument), "?" for an unknown value. */
const char *bs_code_name(bs_api api, int raw);

/* Hand a gemm call's record to the report. */
void bs_probe_record(const bs_probe *p, const bs_gemm_desc *d, const char *kernel,
                     const bs_kernel_info *info, const bs_verdict *v);

/* Verify mode: is this call due (every N-th), and the warning the first time a result is off. */
int bs_verify_due(void);
void bs_verify_judge(const bs_gemm_desc *d, const char *kernel, const bs_verdict *v);

/* A kernel routine's call with no real routine of its spelling: warn once, naive runs it. */
void bs_no_real_once(const bs_gemm_desc *d);

/* An invalid call that no real BLAS can report: one message, C untouched. */
void bs_report_invalid(const bs_gemm_desc *d, int param_num, const char *param);

#endif
