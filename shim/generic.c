/* shim/generic.c — profiling and forwarding for the routines without a kernel: the real
 * routine of the same name runs with the caller's exact arguments; the record says what the
 * routine was called with, in the fields that fit it. */
#include "generic.h"

#include "../profiler/backtrace.h"
#include "../profiler/pyframe.h"
#include "../profiler/clock.h"

void *bs_sym_get(bs_sym *s)
{
    if (atomic_load_explicit(&s->state, memory_order_acquire) == 0) {
        bs_init();
        void *fn = bs_real_lookup(s->name);
        atomic_store(&s->fn, fn);
        atomic_store_explicit(&s->state, fn ? 1 : 2, memory_order_release);
    }
    return atomic_load_explicit(&s->fn, memory_order_relaxed);
}

int bs_gen_begin(bs_gcall *g, bs_sym *s, void *caller_ip)
{
    if (bs_depth > 0)
        return 0; /* from inside the real BLAS: not the program's call */
    if (atomic_load(&s->state) == 2) {
        int expected = 2;
        if (atomic_compare_exchange_strong(&s->state, &expected, 3))
            bs_warn("%s: no system BLAS provides it; the call does nothing", s->name);
        return 0;
    }
    if (atomic_load(&s->state) == 3 || !bs_report_enabled())
        return 0;
    g->caller_ip = caller_ip;
    bs_depth++;
    bs_probe_begin(&g->probe, g->flops, 1);
    return 1;
}

/* a CBLAS enum or a Fortran character, as the report spells it */
static const char *letter(bs_api api, int raw)
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

void bs_gen_end(bs_gcall *g)
{
    const bs_kernel_info none = {.threads = -1};
    bs_probe_stop(&g->probe, &none);
    const bs_probe *p = &g->probe;
    bs_record r = {
        .ts_ns = p->wall0,
        .tid = bs_tid(),
        .routine = g->routine,
        .api = bs_api_name(g->api, g->spelling),
        .order = g->api == BS_API_CBLAS ? letter(g->api, g->order) : (g->order ? "col" : NULL),
        .transa = letter(g->api, g->transa),
        .transb = letter(g->api, g->transb),
        .uplo = letter(g->api, g->uplo),
        .side = letter(g->api, g->side),
        .diag = letter(g->api, g->diag),
        .m = g->m, .n = g->n, .k = g->k,
        .alpha = g->alpha, .beta = g->beta,
        .lda = g->lda, .ldb = g->ldb, .ldc = g->ldc,
        .incx = g->incx, .incy = g->incy,
        .kernel = "system",
        .threads = -1,
        .wall_ns = p->wall1 - p->wall0,
        .cpu_ns = p->cpu,
        .flops = g->flops >= 0 ? (int64_t)g->flops : -1,
        .a_bytes = -1, .b_bytes = -1, .c_bytes = -1,
        .workspace_bytes = -1,
        .rss_before_bytes = p->rss0,
        .rss_after_bytes = p->rss1,
        .rss_delta_bytes = p->rss0 >= 0 && p->rss1 >= 0 ? p->rss1 - p->rss0 : BS_NULL_I64,
        .peak_rss_bytes = p->peak,
        .max_rel_err = -1,
        .nonfinite = -1,
    };
    r.gflops = r.flops >= 0 && r.wall_ns > 0 ? (double)r.flops / (double)r.wall_ns : -1.0;
    bs_backtrace_capture(g->caller_ip, &r.caller, &r.frames);
    bs_py_capture(&r.py_caller, &r.py_stack);
    bs_report_call(&r);
    bs_depth--;
}
