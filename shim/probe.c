/* shim/probe.c — the measurements around one call and the record they produce: clocks,
 * CPU time, memory, call site; verify mode's bookkeeping; the message for an invalid call
 * that no real BLAS can report. */
#include <stdatomic.h>
#include <time.h>

#include "shim.h"

#include "profiler/backtrace.h"
#include "profiler/pyframe.h"
#include "profiler/clock.h"
#include "profiler/process.h"

const char *bs_code_name(bs_api api, int raw)
{
    if (raw == 0)
        return NULL;
    if (api == BS_API_CBLAS) {
        switch (raw) {
        case 101: return "row";
        case 102: return "col";
        case 111: return "N";
        case 112: return "T";
        case 113: return "C";
        case 121: return "U";
        case 122: return "L";
        case 131: return "N";
        case 132: return "U";
        case 141: return "L";
        case 142: return "R";
        default: return "?";
        }
    }
    static const char *const up[] = {"N", "T", "C", "U", "L", "R"};
    const char c = (char)(raw >= 'a' && raw <= 'z' ? raw - 32 : raw);
    for (size_t i = 0; i < sizeof up / sizeof up[0]; i++)
        if (up[i][0] == c)
            return up[i];
    return "?";
}

static int64_t flops_of(const bs_gemm_desc *d) { return 2 * d->m * d->n * d->k; }

void bs_probe_begin(bs_probe *p, double flops, int process_cpu)
{
    p->heavy = flops >= (double)BS_MEASURE_MIN_FLOPS;
    p->process_cpu = process_cpu;
    p->cpu0 = p->rss0 = -1;
    if (p->heavy) {
        p->rss0 = bs_rss_bytes();
        p->cpu0 = bs_clock_ns(process_cpu ? CLOCK_PROCESS_CPUTIME_ID : CLOCK_THREAD_CPUTIME_ID);
    }
    p->wall0 = bs_mono_ns();
}

/* bytes spanned by an r x c column-major operand with leading dimension ld */
static int64_t span(int64_t rows, int64_t cols, int64_t ld, int64_t elem)
{
    return rows <= 0 || cols <= 0 ? 0 : (ld * (cols - 1) + rows) * elem;
}

void bs_probe_stop(bs_probe *p, const bs_kernel_info *info)
{
    p->wall1 = bs_mono_ns();
    p->cpu = p->rss1 = p->peak = -1;
    if (!p->heavy)
        return;
    int64_t cpu1 = bs_clock_ns(p->process_cpu ? CLOCK_PROCESS_CPUTIME_ID : CLOCK_THREAD_CPUTIME_ID);
    if (p->cpu0 >= 0 && cpu1 >= 0)
        p->cpu = cpu1 - p->cpu0 + (info->helper_cpu_ns > 0 ? info->helper_cpu_ns : 0);
    p->rss1 = bs_rss_bytes();
    p->peak = bs_peak_rss_bytes();
    /* a forked child's ru_maxrss can lag its current RSS: the peak is at least what we see */
    if (p->peak >= 0 && p->rss1 > p->peak)
        p->peak = p->rss1;
}

void bs_probe_record(const bs_probe *p, const bs_gemm_desc *d, const char *kernel,
                     const bs_kernel_info *info, const bs_verdict *v)
{
    /* the operands as stored: (rows, cols) in the caller's order */
    const int row = d->order == 'R';
    const int64_t elem = d->routine == BS_R_sgemm ? 4 : 8;
    const int64_t ar = d->transa == 'N' ? d->m : d->k, ac = d->transa == 'N' ? d->k : d->m;
    const int64_t br = d->transb == 'N' ? d->k : d->n, bc = d->transb == 'N' ? d->n : d->k;
    bs_record r = {
        .routine = bs_routine_names[d->routine],
        .api = bs_api_name(d->api, d->spelling),
        .order = row ? "row" : "col",
        .transa = bs_code_name(BS_API_FORTRAN, d->transa), /* decoded to 'N', 'T', 'C' */
        .transb = bs_code_name(BS_API_FORTRAN, d->transb),
        .m = d->m, .n = d->n, .k = d->k,
        .alpha = d->alpha, .beta = d->beta,
        .lda = d->lda, .ldb = d->ldb, .ldc = d->ldc,
        .incx = BS_NULL_I64, .incy = BS_NULL_I64,
        .kernel = kernel,
        .threads = info->threads,
        .flops = flops_of(d),
        .a_bytes = row ? span(ac, ar, d->lda, elem) : span(ar, ac, d->lda, elem),
        .b_bytes = row ? span(bc, br, d->ldb, elem) : span(br, bc, d->ldb, elem),
        .c_bytes = row ? span(d->n, d->m, d->ldc, elem) : span(d->m, d->n, d->ldc, elem),
        .workspace_bytes = info->threads < 0 ? -1 : (int64_t)info->workspace_bytes,
        .max_rel_err = v->max_rel_err,
        .nonfinite = v->max_rel_err < 0 ? -1 : v->nonfinite,
    };
    bs_probe_report(p, d->caller_ip, &r);
}

void bs_probe_report(const bs_probe *p, void *caller_ip, bs_record *r)
{
    r->ts_ns = p->wall0;
    r->tid = bs_tid();
    r->wall_ns = p->wall1 - p->wall0;
    r->cpu_ns = p->cpu;
    r->rss_before_bytes = p->rss0;
    r->rss_after_bytes = p->rss1;
    r->rss_delta_bytes = p->rss0 >= 0 && p->rss1 >= 0 ? p->rss1 - p->rss0 : BS_NULL_I64;
    r->peak_rss_bytes = p->peak;
    r->gflops = r->flops >= 0 && r->wall_ns > 0 ? (double)r->flops / (double)r->wall_ns : -1.0;
    bs_backtrace_capture(caller_ip, &r->caller, &r->frames);
    bs_py_capture(&r->py_caller, &r->py_stack);
    bs_report_call(r);
}

static atomic_long verify_count;
static atomic_int verify_warned;

int bs_verify_due(void)
{
    if (bs_cfg.verify_every <= 0)
        return 0;
    return atomic_fetch_add(&verify_count, 1) % bs_cfg.verify_every == 0;
}

void bs_verify_judge(const bs_gemm_desc *d, const char *kernel, const bs_verdict *v)
{
    const double eps = d->routine == BS_R_sgemm ? 5.96e-8 : 1.11e-16;
    const double bound = 8.0 * (double)(d->k + 2) * eps;
    if ((v->max_rel_err > bound || v->nonfinite) && atomic_exchange(&verify_warned, 1) == 0)
        bs_warn("verify: %s %lldx%lldx%lld on kernel '%s' differs from the system BLAS: "
                "max_rel_err %.3g > bound %.3g%s (warned once; see max_rel_err in the report)",
                bs_routine_names[d->routine], (long long)d->m, (long long)d->n, (long long)d->k,
                kernel, v->max_rel_err, bound, v->nonfinite ? ", NaN/Inf in C" : "");
}

void bs_report_invalid(const bs_gemm_desc *d, int param_num, const char *param)
{
    bs_warn("%s: parameter %d (%s) has an illegal value and no system BLAS is there to report "
            "it; the call is skipped, C is unchanged",
            bs_gemm_symbol(d), param_num, param);
}

void bs_no_real_once(const bs_gemm_desc *d)
{
    static atomic_int warned[BS_SPELLINGS][2][BS_R_COUNT];
    if (atomic_exchange(&warned[d->spelling][d->api][d->routine], 1) == 0)
        bs_warn("%s %s: no loaded library provides this spelling; it runs on the naive kernel",
                bs_api_name(d->api, d->spelling), bs_routine_names[d->routine]);
}
