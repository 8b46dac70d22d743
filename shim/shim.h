/* shim/shim.h — the shim's internal interfaces: configuration, the real BLAS, the call path. */
#ifndef BS_SHIM_SHIM_H
#define BS_SHIM_SHIM_H

#include <stdatomic.h>

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
    int summary;              /* BLASSHIM_LOG=summary */
    int backtrace;            /* BLASSHIM_BACKTRACE frames */
    long verify_every;        /* BLASSHIM_VERIFY: 0 off, N every N-th call */
    int start_paused;         /* BLASSHIM_START=paused */
    int test_fault;           /* BLASSHIM_TEST_FAULT=1: spoil C[0] (tests verify) */
    int python;               /* BLASSHIM_PYTHON: Python call sites on/off */
    int pystack;              /* BLASSHIM_PYSTACK frames */
    int pycaller_user;        /* BLASSHIM_PYCALLER=user (1) or innermost (0) */
    const char *pylib;        /* BLASSHIM_PYLIB directories, or NULL */
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

/* Initialize everything once (thread-safe): one acquire load after the first call. */
extern atomic_int bs_ready;
void bs_init_once(void);
static inline void bs_init(void)
{
    if (__builtin_expect(!atomic_load_explicit(&bs_ready, memory_order_acquire), 0))
        bs_init_once();
}

/* Depth of shim calls on this thread: > 0 means the call comes from inside the real BLAS. */
extern __thread int bs_depth __attribute__((tls_model("initial-exec")));
/* The LAPACK call in progress on this thread, the parent of the calls it makes. */
extern __thread bs_nest bs_open __attribute__((tls_model("initial-exec")));

/* ---- the real BLAS (shim/realblas.c) ---- */
/* Set up the candidate libraries of the real routines: user path, then loaded libraries, then
 * usual sonames. */
void bs_real_init(const char *user_path);
/* The real symbol of routine r for an API, or NULL. Never the shim's own. */
void *bs_real_sym(bs_api api, bs_routine r);
/* The real symbol of any name, from the libraries found at set-up; NULL if none has it. */
void *bs_real_lookup(const char *name);
/* Path of the library the real routines come from (first found), or NULL. */
const char *bs_real_path(void);

/* The real routine of one exported name, looked up once, on first use. */
typedef struct bs_sym {
    const char *name;
    void *_Atomic fn;
    atomic_int state; /* 0 not looked up, 1 found, 2 missing, 3 missing and warned */
} bs_sym;
void *bs_sym_resolve(bs_sym *s);
static inline void *bs_sym_get(bs_sym *s)
{
    if (__builtin_expect(atomic_load_explicit(&s->state, memory_order_acquire) == 0, 0))
        return bs_sym_resolve(s);
    return atomic_load_explicit(&s->fn, memory_order_relaxed);
}

/* ---- what the real BLAS is (shim/realinfo.c) ---- */
/* Identify the real BLAS found by bs_real_init (read-only queries only); strings stay valid. */
void bs_real_describe(bs_blas_identity *id);
/* The real BLAS's thread count now, or -1 when it cannot tell (cheap: a getter call). */
int bs_real_threads(void);

/* ---- measuring one call (shim/probe.c) ---- */
/* CPU time and memory cost a syscall each (~1.3 us here): measured only for calls of at least
 * this many flops (a 256^3 gemm: >= 80 us at 200 GFLOP/s), null below. */
#define BS_MEASURE_MIN_FLOPS (1LL << 25)

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

/* A CBLAS enum value or a Fortran character as the report spells it ("row", "N", "U", ...);
 * NULL for 0 (the routine has no such argument), "?" for an unknown value. */
const char *bs_code_name(bs_api api, int raw);

/* The one place a call's record is made: the call's own fields, what the probe measured
 * (times, CPU, memory, GFLOP/s), the call sites; handed to the report. kernel: the kernel
 * that ran ("system" for the real routine); info and verdict: what it and verify mode said. */
void bs_call_record(const bs_call *d, const char *kernel, const bs_kernel_info *info,
                    const bs_verdict *v);

/* Verify mode: is this call due (every N-th), and the warning the first time a result is off. */
int bs_verify_due(void);
void bs_verify_judge(const bs_call *d, const char *kernel, const bs_verdict *v);

/* A kernel routine's call with no real routine of its spelling: warn once, naive runs it. */
void bs_no_real_once(bs_routine r, const bs_call *d);

/* A kernel could not run a call as configured (bs_kernel_info.warning): warn once per routine. */
void bs_kernel_warning_once(bs_routine r, const char *what);

/* An invalid call that no real BLAS can report: one warning naming the symbol, C untouched. */
void bs_warn_invalid(const char *symbol, int param_num, const char *param);

/* ---- the kernel routines' call path (shim/gemm.c) ---- */
/* Look up the real routines of every spelling (at set-up, after bs_real_init). */
void bs_gemm_init(void);
/* Everything after the entry point: validation, kernel or real routine, verify, record. */
void bs_gemm_call(bs_routine r, bs_call *d, const void *a, const void *b, void *c);

/* ---- the quiet path: nothing to record, nothing to change (shim/gemm.c) ----
 * bs_recording: 0 when no call can be recorded now (report off or paused); then the generated
 * wrappers call the real routine at once. bs_direct: per kernel routine, spelling and API, the
 * real routine when a call may go straight to it (0 recording, kernel system, no verify, no
 * test fault), else NULL. Both are set at the end of set-up and on pause/resume. */
extern atomic_int bs_recording;
extern void *_Atomic bs_direct[BS_R_COUNT][BS_SPELLINGS][2];
/* bs_quiet_kernel: per kernel routine, the kernel of ours a call may go straight to (0
 * recording, no verify, no test fault), else NULL (shim/gemm_quick.h). */
extern const bs_kernel *_Atomic bs_quiet_kernel[BS_R_COUNT];
void bs_quiet_update(void);
static inline int bs_quiet(void)
{
    return !atomic_load_explicit(&bs_recording, memory_order_relaxed);
}
static inline void *bs_direct_get(bs_routine r, bs_spelling sp, bs_api api)
{
    return atomic_load_explicit(&bs_direct[r][sp][api], memory_order_acquire);
}

#endif
