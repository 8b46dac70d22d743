/* shim/generic.c — profiling and forwarding for the routines without a kernel: the real
 * routine of the same name runs with the caller's exact arguments; the record says what the
 * routine was called with, in the fields that fit it. */
#include "generic.h"

#include <string.h>

void *bs_sym_resolve(bs_sym *s)
{
    bs_init();
    if (atomic_load_explicit(&s->state, memory_order_acquire) == 0) {
        void *fn = bs_real_lookup(s->name);
        atomic_store(&s->fn, fn);
        int expected = 0; /* another thread may have got there first, and warned */
        atomic_compare_exchange_strong(&s->state, &expected, fn ? 1 : 2);
    }
    return atomic_load_explicit(&s->fn, memory_order_relaxed);
}

int bs_gen_begin(bs_call *g, bs_sym *s)
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
    if (g->nests) {
        /* LAPACKE_dgesv calls dgesv_ to do its work: the same call, recorded once (its
         * children still nest under the LAPACKE call) */
        if (bs_open.same && strcmp(bs_open.same, g->routine) == 0)
            return 0;
        /* LAPACK: the calls it makes are the program's too, recorded as its children */
        g->outer = bs_open;
        g->parent = bs_open.seq;
        g->depth = bs_open.depth;
        g->seq = bs_report_next_seq();
        bs_open = (bs_nest){g->seq, g->depth + 1, g->api == BS_API_LAPACKE ? g->routine : NULL};
    } else {
        bs_depth++;
    }
    bs_probe_begin(&g->probe, g->flops, 1);
    return 1;
}

void bs_gen_end(bs_call *g)
{
    const bs_kernel_info none = {.threads = -1};
    const bs_verdict unverified = {.max_rel_err = -1};
    bs_probe_stop(&g->probe, &none);
    if (g->nests)
        bs_open = g->outer;
    bs_call_record(g, "system", &none, &unverified);
    if (!g->nests)
        bs_depth--;
}
