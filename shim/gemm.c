/* shim/gemm.c — the call path of the routines with kernels (sgemm, dgemm), one plain function
 * over a per-routine table of typed operations (shim/gemm_typed.h). The exported entry points,
 * every spelling, are generated with all the other routines' (tools/gen_wrappers.py): they
 * describe the call in a bs_call and hand it to bs_gemm_call — or, when nothing is to be
 * recorded and the system kernel runs, jump straight to the real routine (the quiet path), or
 * when a kernel of ours runs, go straight to it (the quiet kernel path, shim/gemm_quick.h).
 *
 * Path of one call: guard (a call from inside the real BLAS goes straight to it) ->
 * decode + validate (invalid: forward to the real BLAS so its xerbla reports) ->
 * clocks -> kernel on the canonical form, or the real BLAS with the caller's exact
 * arguments -> verify -> record.
 */
#include <math.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "blasint.h"
#include "shim.h"

#define BS_TEMPLATE "shim/gemm_typed.h" /* once per element type, as the kernels do */
#include "kernels/each_type.h"

typedef void bs_forward_fn(void *fn, const bs_call *d, const void *a, const void *b, void *c);

/* What the call path needs to know of one routine's element type. */
typedef struct bs_gemm_ops {
    int elem; /* bytes per element */
    void (*kernel)(const bs_kernel *k, const bs_call *d, const void *a, const void *b, void *c,
                   bs_kernel_info *info);
    bs_forward_fn *cblas[2], *f77[2]; /* the real routine, by integer width: 32, 64 bits */
    void (*compare)(const bs_call *d, const void *c, const void *ref, bs_verdict *v);
    void (*spoil)(void *c);
} bs_gemm_ops;

static const bs_gemm_ops ops[BS_R_COUNT] = {
#define BS_OPS(name, p, T)                                                                         \
    [BS_R_##name] = {sizeof(T),                                                                    \
                     bs_##p##gemm_kernel,                                                          \
                     {bs_##p##gemm_cblas32, bs_##p##gemm_cblas64},                                 \
                     {bs_##p##gemm_f77_32, bs_##p##gemm_f77_64},                                   \
                     bs_##p##gemm_compare,                                                         \
                     bs_##p##gemm_spoil},
    BS_ROUTINES(BS_OPS)
#undef BS_OPS
};

/* The real routine of every spelling and API, looked up at set-up (bs_gemm_init). */
static bs_sym syms[BS_R_COUNT][BS_SPELLINGS][2];
static char sym_names[BS_R_COUNT][BS_SPELLINGS][2][48];

void bs_gemm_init(void)
{
    for (int r = 0; r < BS_R_COUNT; r++)
        for (int sp = 0; sp < BS_SPELLINGS; sp++)
            for (int api = 0; api < 2; api++) {
                bs_sym *s = &syms[r][sp][api];
                s->name = bs_spelled(sym_names[r][sp][api], sizeof sym_names[r][sp][api],
                                     bs_routine_names[r], (bs_api)api, (bs_spelling)sp);
                void *fn = bs_real_lookup(s->name);
                atomic_store(&s->fn, fn);
                atomic_store(&s->state, fn ? 1 : 2);
            }
}

/* The real routine of the call's spelling, with the caller's arguments when it has the
 * caller's API (a CBLAS call with only the Fortran routine there: in the canonical form).
 * Returns 0 when there is no real routine that can take this call. */
static int forward(const bs_gemm_ops *o, bs_routine r, const bs_call *d, const void *a,
                   const void *b, void *c)
{
    const int wide = bs_spelling_wide(d->spelling);
    void *cf = bs_sym_get(&syms[r][d->spelling][BS_API_CBLAS]);
    if (d->api == BS_API_CBLAS && cf) {
        o->cblas[wide](cf, d, a, b, c);
        return 1;
    }
    void *ff = bs_sym_get(&syms[r][d->spelling][BS_API_FORTRAN]);
    if (!ff)
        return 0;
    if (d->api == BS_API_CBLAS && (d->order == '?' || d->transa == '?' || d->transb == '?'))
        return 0; /* a bad CBLAS enum has no Fortran spelling */
    o->f77[wide](ff, d, a, b, c);
    return 1;
}

/* Verify mode: a copy of C's m x n block in the caller's order (NULL when empty). */
static void *copy_c(const bs_gemm_ops *o, const bs_call *d, const void *c)
{
    const int64_t outer = d->order == 'R' ? d->m : d->n, inner = d->order == 'R' ? d->n : d->m;
    if (outer <= 0 || inner <= 0)
        return NULL;
    const size_t bytes = (size_t)(d->ldc * (outer - 1) + inner) * (size_t)o->elem;
    void *copy = malloc(bytes);
    if (copy)
        memcpy(copy, c, bytes);
    return copy;
}

/* Per routine, the kernel when a call has nothing to do but run it (report off or paused,
 * a kernel of ours, no verify, no test fault), else NULL; set by bs_quiet_update, so only
 * after set-up. The entry points' quiet kernel path (shim/gemm_quick.h) reads it. */
const bs_kernel *_Atomic bs_quiet_kernel[BS_R_COUNT];

void bs_gemm_call(bs_routine r, bs_call *d, const void *a, const void *b, void *c)
{
    const bs_gemm_ops *o = &ops[r];
    bs_init();
    d->elem = o->elem;
    bs_gemm_decode(d);
    const char *param;
    const int bad = bs_gemm_check(d, &param);
    if (bs_depth > 0) { /* from inside the real BLAS: straight through, not recorded */
        if (!forward(o, r, d, a, b, c) && !bad) {
            bs_kernel_info info;
            o->kernel(bs_kernels, d, a, b, c, &info);
        }
        return;
    }
    bs_depth++;
    if (bad) {
        if (!forward(o, r, d, a, b, c))
            bs_warn_invalid(syms[r][d->spelling][d->api].name, bad, param);
        bs_depth--;
        return;
    }
    const bs_kernel *k = bs_cfg.kernel[r];
    const int rec = bs_report_enabled();
    bs_kernel_info info = {.threads = -1};
    bs_verdict vd = {.max_rel_err = -1.0};
    /* verify: the real BLAS on a copy of C (nothing to compare for system itself) */
    void *ref = k && bs_verify_due() ? copy_c(o, d, c) : NULL;
    if (rec) {
        bs_probe_begin(&d->probe, d->flops, k == NULL);
        info.want_cpu = d->probe.heavy;
    }
    if (k) {
        o->kernel(k, d, a, b, c, &info);
    } else if (!forward(o, r, d, a, b, c)) {
        bs_no_real_once(r, d); /* a spelling that no loaded library provides */
        k = bs_kernel_find("naive");
        o->kernel(k, d, a, b, c, &info);
    }
    if (info.warning)
        bs_kernel_warning_once(r, info.warning);
    if (rec)
        bs_probe_stop(&d->probe, &info);
    if (bs_cfg.test_fault && d->m > 0 && d->n > 0)
        o->spoil(c);
    const char *ran = bs_ran_label(info.ran, k);
    if (ref) {
        if (forward(o, r, d, a, b, ref)) {
            o->compare(d, c, ref, &vd);
            bs_verify_judge(d, ran, &vd);
        }
        free(ref);
    }
    if (rec)
        bs_call_record(d, ran, &info, &vd);
    bs_depth--;
}

/* ---- the quiet path ---- */
atomic_int bs_recording = 1; /* until set-up says otherwise: the full path */
void *_Atomic bs_direct[BS_R_COUNT][BS_SPELLINGS][2];

void bs_quiet_update(void)
{
    static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
    pthread_mutex_lock(&mu); /* the last update reads the last pause/resume */
    const int rec = bs_report_enabled();
    for (int r = 0; r < BS_R_COUNT; r++) {
        const int direct = !rec && !bs_cfg.kernel[r] && !bs_cfg.test_fault;
        const int quiet =
            !rec && bs_cfg.kernel[r] && !bs_cfg.test_fault && bs_cfg.verify_every <= 0;
        atomic_store_explicit(&bs_quiet_kernel[r], quiet ? bs_cfg.kernel[r] : NULL,
                              memory_order_release);
        for (int sp = 0; sp < BS_SPELLINGS; sp++)
            for (int api = 0; api < 2; api++)
                atomic_store_explicit(&bs_direct[r][sp][api],
                                      direct ? atomic_load(&syms[r][sp][api].fn) : NULL,
                                      memory_order_release);
    }
    atomic_store(&bs_recording, rec);
    pthread_mutex_unlock(&mu);
}
