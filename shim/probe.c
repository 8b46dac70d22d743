/* shim/probe.c — the measurements around one call and the one place its record is made:
 * clocks, CPU time, memory, call site; verify mode's bookkeeping; the warning for an invalid
 * call that no real BLAS can report. */
#include <ctype.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "blasint.h"
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
        case CblasRowMajor: return "row";
        case CblasColMajor: return "col";
        case CblasNoTrans: return "N";
        case CblasTrans: return "T";
        case CblasConjTrans: return "C";
        case CblasUpper: return "U";
        case CblasLower: return "L";
        case CblasNonUnit: return "N";
        case CblasUnit: return "U";
        case CblasLeft: return "L";
        case CblasRight: return "R";
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

void bs_call_record(const bs_call *d, const char *kernel, const bs_kernel_info *info,
                    const bs_verdict *v)
{
    const bs_probe *p = &d->probe;
    /* a LAPACK call knows its parent from its start; any other call's is the open one */
    const bs_nest in = d->nests ? (bs_nest){d->parent, d->depth, NULL} : bs_open;
    char job[sizeof d->job + 1] = "";
    for (size_t i = 0; i < sizeof d->job && d->job[i]; i++)
        job[i] = (char)toupper((unsigned char)d->job[i]);
    bs_record r = {
        .seq = d->nests ? d->seq : 0,
        .parent = in.seq > 0 ? in.seq : -1,
        .depth = in.depth,
        .job = job[0] ? job : NULL,
        .nrhs = d->nrhs,
        .info = d->info,
        .routine = d->routine,
        .api = bs_api_name(d->api, d->spelling),
        /* LAPACKE's matrix_layout has CBLAS's values (LAPACK_ROW_MAJOR 101, COL_MAJOR 102) */
        .order = d->api != BS_API_FORTRAN ? bs_code_name(BS_API_CBLAS, d->order_raw)
                                          : (d->order_raw ? "col" : NULL),
        .transa = bs_code_name(d->api, d->transa_raw),
        .transb = bs_code_name(d->api, d->transb_raw),
        .uplo = bs_code_name(d->api, d->uplo_raw),
        .side = bs_code_name(d->api, d->side_raw),
        .diag = bs_code_name(d->api, d->diag_raw),
        .m = d->m,
        .n = d->n,
        .k = d->k,
        .alpha = d->alpha,
        .beta = d->beta,
        .lda = d->lda,
        .ldb = d->ldb,
        .ldc = d->ldc,
        .incx = d->incx,
        .incy = d->incy,
        .kernel = kernel,
        .threads = info->threads,
        .flops = d->flops >= 0 ? (int64_t)d->flops : -1,
        .a_bytes = -1,
        .b_bytes = -1,
        .c_bytes = -1,
        .workspace_bytes = info->threads < 0 ? -1 : (int64_t)info->workspace_bytes,
        .max_rel_err = v->max_rel_err,
        .nonfinite = v->max_rel_err < 0 ? -1 : v->nonfinite,
        .ts_ns = p->wall0,
        .tid = bs_tid(),
        .wall_ns = p->wall1 - p->wall0,
        .cpu_ns = p->cpu,
        .rss_before_bytes = p->rss0,
        .rss_after_bytes = p->rss1,
        .rss_delta_bytes = p->rss0 >= 0 && p->rss1 >= 0 ? p->rss1 - p->rss0 : BS_NULL_I64,
        .peak_rss_bytes = p->peak,
    };
    if (d->elem > 0) {
        /* gemm's operands as stored: (rows, cols) in the caller's order */
        const int row = d->order == 'R';
        const int64_t ar = d->transa == 'N' ? d->m : d->k, ac = d->transa == 'N' ? d->k : d->m;
        const int64_t br = d->transb == 'N' ? d->k : d->n, bc = d->transb == 'N' ? d->n : d->k;
        r.a_bytes = row ? span(ac, ar, d->lda, d->elem) : span(ar, ac, d->lda, d->elem);
        r.b_bytes = row ? span(bc, br, d->ldb, d->elem) : span(br, bc, d->ldb, d->elem);
        r.c_bytes = row ? span(d->n, d->m, d->ldc, d->elem) : span(d->m, d->n, d->ldc, d->elem);
    }
    if (r.threads < 0 && strcmp(r.kernel, "system") == 0)
        r.threads = bs_real_threads(); /* what the real BLAS says it runs on */
    r.gflops = r.flops >= 0 && r.wall_ns > 0 ? (double)r.flops / (double)r.wall_ns : -1.0;
    bs_backtrace_capture(d->caller_ip, &r.caller, &r.frames);
    bs_py_capture(&r.py_caller, &r.py_frame, &r.py_stack);
    bs_report_call(&r);
}

static atomic_long verify_count;
static atomic_int verify_warned;

int bs_verify_due(void)
{
    if (bs_cfg.verify_every <= 0)
        return 0;
    return atomic_fetch_add(&verify_count, 1) % bs_cfg.verify_every == 0;
}

void bs_verify_judge(const bs_call *d, const char *kernel, const bs_verdict *v)
{
    const double eps = d->elem == 4 ? 5.96e-8 : 1.11e-16;
    const double bound = 8.0 * (double)(d->k + 2) * eps;
    if ((v->max_rel_err > bound || v->nonfinite) && atomic_exchange(&verify_warned, 1) == 0)
        bs_warn("verify: %s %lldx%lldx%lld on kernel '%s' differs from the system BLAS: "
                "max_rel_err %.3g > bound %.3g%s (warned once; see max_rel_err in the report)",
                d->routine, (long long)d->m, (long long)d->n, (long long)d->k, kernel,
                v->max_rel_err, bound, v->nonfinite ? ", NaN/Inf in C" : "");
}

void bs_warn_invalid(const char *symbol, int param_num, const char *param)
{
    bs_warn("%s: parameter %d (%s) has an illegal value and no system BLAS is there to report "
            "it; the call is skipped, C is unchanged",
            symbol, param_num, param);
}

void bs_kernel_warning_once(bs_routine r, const char *what)
{
    static atomic_int warned[BS_R_COUNT];
    if (atomic_exchange(&warned[r], 1) == 0)
        bs_warn("%s: %s (warned once)", bs_routine_names[r], what);
}

void bs_no_real_once(bs_routine r, const bs_call *d)
{
    static atomic_int warned[BS_SPELLINGS][2][BS_R_COUNT];
    if (atomic_exchange(&warned[d->spelling][d->api][r], 1) == 0)
        bs_warn("%s %s: no loaded library provides this spelling; it runs on the naive kernel",
                bs_api_name(d->api, d->spelling), d->routine);
}
