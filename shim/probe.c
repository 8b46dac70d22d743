/* shim/probe.c — the clocks around one call and the record they produce; the message for
 * an invalid call that no real BLAS can report. */
#include "shim.h"

#include "../profiler/clock.h"

void bs_probe_begin(bs_probe *p)
{
    p->cpu0 = bs_thread_cpu_ns();
    p->wall0 = bs_mono_ns();
}

static const char *trans_name(char t)
{
    return t == 'N' ? "N" : t == 'T' ? "T" : t == 'C' ? "C" : "?";
}

void bs_probe_end(const bs_probe *p, const bs_gemm_desc *d, const char *kernel,
                  const bs_kernel_info *info)
{
    int64_t wall1 = bs_mono_ns();
    int64_t cpu1 = bs_thread_cpu_ns();
    bs_record r = {
        .ts_ns = p->wall0,
        .tid = bs_tid(),
        .routine = bs_routine_names[d->routine],
        .api = d->api == BS_API_CBLAS ? "cblas" : "fortran",
        .order = d->order == 'R' ? "row" : "col",
        .transa = trans_name(d->transa),
        .transb = trans_name(d->transb),
        .m = d->m, .n = d->n, .k = d->k,
        .alpha = d->alpha, .beta = d->beta,
        .lda = d->lda, .ldb = d->ldb, .ldc = d->ldc,
        .kernel = kernel,
        .threads = info->threads,
        .workspace_bytes = info->threads < 0 ? -1 : (int64_t)info->workspace_bytes,
        .wall_ns = wall1 - p->wall0,
        .cpu_ns = (p->cpu0 >= 0 && cpu1 >= 0) ? cpu1 - p->cpu0 : -1,
        .flops = 2 * d->m * d->n * d->k,
    };
    r.gflops = r.wall_ns > 0 ? (double)r.flops / (double)r.wall_ns : -1.0;
    bs_report_call(&r);
}

void bs_report_invalid(const bs_gemm_desc *d, int param_num, const char *param)
{
    bs_warn("%s: parameter %d (%s) has an illegal value and no system BLAS is there to report "
            "it; the call is skipped, C is unchanged",
            bs_gemm_symbol(d), param_num, param);
}
