/* shim/generic.c — profiling and forwarding for the routines without a kernel: the real
 * routine of the same name runs with the caller's exact arguments; the record says what the
 * routine was called with, in the fields that fit it. */
#include "generic.h"

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

void bs_gen_end(bs_gcall *g)
{
    const bs_kernel_info none = {.threads = -1};
    bs_probe_stop(&g->probe, &none);
    bs_record r = {
        .routine = g->routine,
        .api = bs_api_name(g->api, g->spelling),
        .order = g->api == BS_API_CBLAS ? bs_code_name(g->api, g->order) : (g->order ? "col" : NULL),
        .transa = bs_code_name(g->api, g->transa),
        .transb = bs_code_name(g->api, g->transb),
        .uplo = bs_code_name(g->api, g->uplo),
        .side = bs_code_name(g->api, g->side),
        .diag = bs_code_name(g->api, g->diag),
        .m = g->m, .n = g->n, .k = g->k,
        .alpha = g->alpha, .beta = g->beta,
        .lda = g->lda, .ldb = g->ldb, .ldc = g->ldc,
        .incx = g->incx, .incy = g->incy,
        .kernel = "system",
        .threads = -1,
        .flops = g->flops >= 0 ? (int64_t)g->flops : -1,
        .a_bytes = -1, .b_bytes = -1, .c_bytes = -1,
        .workspace_bytes = -1,
        .max_rel_err = -1,
        .nonfinite = -1,
    };
    bs_probe_report(&g->probe, g->caller_ip, &r);
    bs_depth--;
}
