/* shim/init.c — one-time set-up at the first BLAS call: configuration, the real BLAS, the
 * report. Done lazily so that the many processes that load the shim without calling BLAS
 * (shells, `env`, `timeout`) pay nothing and print nothing. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "profiler/backtrace.h"
#include "profiler/pyframe.h"
#include "include/blasshim.h"
#include "shim.h"

__thread int bs_depth __attribute__((tls_model("initial-exec")));
__thread bs_nest bs_open __attribute__((tls_model("initial-exec")));

atomic_int bs_ready;
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* Routines set to "system" with no real routine to call run the naive kernel instead. */
static void fallback_without_real(void)
{
    char names[128] = "";
    for (int r = 0; r < BS_R_COUNT; r++) {
        if (bs_cfg.kernel[r] || bs_real_sym(BS_API_CBLAS, r) || bs_real_sym(BS_API_FORTRAN, r))
            continue;
        bs_cfg.kernel[r] = bs_kernel_find("naive");
        size_t o = strlen(names);
        snprintf(names + o, sizeof names - o, "%s%s", o ? ", " : "", bs_routine_names[r]);
    }
    if (names[0])
        bs_warn("no system BLAS found for %s (%s); kernel 'system' runs as 'naive'", names,
                bs_cfg.real_none ? "BLASSHIM_REAL_BLAS=none"
                                 : "searched the loaded libraries, libcblas.so.3, libblas.so.3, "
                                   "libopenblas.so.0");
}

/* OpenBLAS's idle threads spin for a while after each call and take the cores our pool needs
 * (every routine but gemm goes to it): while a multi-threaded kernel of ours (parallel, auto)
 * is configured for some routine, the real BLAS runs on one thread (README, "Kernels"). */
static void share_cores_with_real(int nthreads)
{
    int ours = 0;
    for (int r = 0; r < BS_R_COUNT; r++)
        if (bs_cfg.kernel[r] && (!strcmp(bs_cfg.kernel[r]->name, "parallel") ||
                                 !strcmp(bs_cfg.kernel[r]->name, "auto")))
            ours = 1;
    void (*set_threads)(int) =
        ours && nthreads > 1 ? (void (*)(int))bs_real_lookup("openblas_set_num_threads") : NULL;
    if (set_threads)
        set_threads(1);
}

static void init_once(void)
{
    bs_config_read();
    const char *isa_problem = bs_kernels_configure(&bs_cfg.kparams);
    bs_kernel_desc ks;
    bs_kernels_describe(&ks);
    if (isa_problem)
        bs_warn("BLASSHIM_ISA=%s: %s (this CPU runs: %s); using %s", bs_cfg.kparams.isa,
                isa_problem, ks.isas_supported, ks.isa);
    if (!bs_cfg.real_none)
        bs_real_init(bs_cfg.real_path);
    fallback_without_real();
    share_cores_with_real(ks.nthreads);

    char blocking[160];
    snprintf(blocking, sizeof blocking,
             "sgemm %dx%d MC,KC,NC=%ld,%ld,%ld; dgemm %dx%d MC,KC,NC=%ld,%ld,%ld", ks.s_tile[0],
             ks.s_tile[1], ks.s_blk[0], ks.s_blk[1], ks.s_blk[2], ks.d_tile[0], ks.d_tile[1],
             ks.d_blk[0], ks.d_blk[1], ks.d_blk[2]);
    bs_header_info hi = {.version = BLASSHIM_VERSION,
                         .n = BS_R_COUNT,
                         .real_blas = bs_real_path(),
                         .isa = ks.isa,
                         .isas_supported = ks.isas_supported,
                         .blocking = blocking,
                         .num_threads = ks.nthreads,
                         .num_threads_from = bs_cfg.threads_from};
    bs_real_describe(&hi.blas);
    for (int r = 0; r < BS_R_COUNT; r++) {
        hi.routine[r] = bs_routine_names[r];
        hi.kernel[r] = bs_kernel_label(bs_cfg.kernel[r]);
    }
    bs_backtrace_setup(bs_cfg.backtrace);
    bs_py_setup(bs_cfg.python, bs_cfg.pystack, bs_cfg.pycaller_user, bs_cfg.pylib);
    bs_report_setup(bs_cfg.report, &hi, bs_cfg.summary, bs_cfg.start_paused);
    bs_gemm_init();
    bs_quiet_update();
    atomic_store_explicit(&bs_ready, 1, memory_order_release);
}

void bs_init_once(void) { pthread_once(&once, init_once); }
