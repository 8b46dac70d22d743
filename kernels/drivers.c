/* kernels/drivers.c — the blocked, vectorized, parallel and auto kernels: which microkernel
 * and tile sizes each runs the shared loop nest (blocked.c) with, the 2-D split of the
 * parallel kernel, and auto's choice by shape. */
#include <math.h>
#include <stdio.h>
#include <stdatomic.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "blocking.h"
#include "pool.h"

/* Problems below this many multiply-adds (m*n*k) read A and B in place, unpacked; measured
 * with `make bench`: packing pays off only above about 256^3. */
#ifndef SMALL_MNK
#define SMALL_MNK (256L * 256 * 256)
#endif

/* Measured with `make bench` on the reference machine (README, "auto"): below this many
 * multiply-adds (m*n*k) waking a second thread costs more than it brings. The crossover is
 * at ~25 us of single-thread work, so sgemm (twice the flop rate) needs a larger problem. */
static const double parallel_min_mnk[2] = {160.0 * 160 * 160, 112.0 * 112 * 112};

enum { TS, TD }; /* element type index */

static struct {
    int ready;
    const bs_uarch *vec;           /* microkernels of vectorized and parallel */
    bs_plan blocked[2], vector[2]; /* per element type */
    int nthreads;
    double small_mnk;
    char supported[64];
} K;

static const bs_uarch *const families[] = {&bs_uarch_avx512, &bs_uarch_avx2, &bs_uarch_sse2,
                                           &bs_uarch_generic};

static int cpu_runs(const bs_uarch *u)
{
    __builtin_cpu_init();
    if (u == &bs_uarch_avx512)
        return __builtin_cpu_supports("avx512f");
    if (u == &bs_uarch_avx2)
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    return 1; /* sse2 and generic: the x86-64 baseline */
}

static bs_blocking user_or(const bs_kernel_params *p, bs_blocking b)
{
    if (p->mc > 0) b.mc = p->mc;
    if (p->kc > 0) b.kc = p->kc;
    if (p->nc > 0) b.nc = p->nc;
    return b;
}

static bs_plan plan_for(const bs_uarch *u, int type, const bs_kernel_params *p)
{
    int mr = type == TS ? u->smr : u->dmr, nr = type == TS ? u->snr : u->dnr;
    size_t elem = type == TS ? sizeof(float) : sizeof(double);
    bs_plan pl = {u, user_or(p, bs_blocking_for(mr, nr, elem, p->l1, p->l2, p->l3)), 0};
    return pl;
}

const char *bs_kernels_configure(const bs_kernel_params *p)
{
    const char *msg = NULL;
    const bs_uarch *vec = NULL;
    size_t o = 0;
    K.supported[0] = '\0';
    for (size_t i = 0; i < sizeof families / sizeof families[0]; i++) {
        if (!cpu_runs(families[i]))
            continue;
        if (!vec)
            vec = families[i]; /* the best this CPU runs */
        o += (size_t)snprintf(K.supported + o, sizeof K.supported - o, "%s%s", o ? "," : "",
                              families[i]->isa);
    }
    if (p->isa) {
        const bs_uarch *want = NULL;
        for (size_t i = 0; i < sizeof families / sizeof families[0]; i++)
            if (strcasecmp(p->isa, families[i]->isa) == 0)
                want = families[i];
        if (want && cpu_runs(want))
            vec = want;
        else
            msg = want ? "this CPU cannot run it" : "unknown instruction set";
    }
    K.vec = vec;
    for (int t = TS; t <= TD; t++) {
        K.blocked[t] = plan_for(&bs_uarch_generic, t, p);
        K.vector[t] = plan_for(vec, t, p);
    }
    K.nthreads = p->nthreads > 0 ? p->nthreads : 1;
    K.small_mnk = p->small_mnk > 0 ? (double)p->small_mnk : p->small_mnk < 0 ? -1.0 : SMALL_MNK;
    K.ready = 1;
    return msg;
}

static void ready(void)
{
    if (!K.ready) {
        bs_kernel_params defaults = {0};
        bs_kernels_configure(&defaults);
    }
}

void bs_kernels_setup(bs_kernel_setup *out)
{
    ready();
    out->isa = K.vec->isa;
    out->isas_supported = K.supported;
    const bs_plan *s = &K.vector[TS], *d = &K.vector[TD];
    out->s_blk[0] = s->blk.mc, out->s_blk[1] = s->blk.kc, out->s_blk[2] = s->blk.nc;
    out->d_blk[0] = d->blk.mc, out->d_blk[1] = d->blk.kc, out->d_blk[2] = d->blk.nc;
    out->s_tile[0] = K.vec->smr, out->s_tile[1] = K.vec->snr;
    out->d_tile[0] = K.vec->dmr, out->d_tile[1] = K.vec->dnr;
    out->nthreads = K.nthreads;
}

/* CPU time of the calling thread: a fact only the pool's threads can tell */
static long long thread_cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Split m x n into tm x tn blocks, tm * tn = count, as close to square as the shape allows. */
static void grid(bs_idx m, bs_idx n, int count, int *tm, int *tn)
{
    double best = INFINITY;
    for (int a = 1; a <= count; a++) {
        if (count % a)
            continue;
        double ratio = fabs(log(((double)m / a) / ((double)n / (count / a))));
        if (ratio < best) {
            best = ratio;
            *tm = a;
            *tn = count / a;
        }
    }
}

/* Part `part` of `parts` of extent `len`, cut at multiples of `unit`. */
static void share(bs_idx len, bs_idx unit, int part, int parts, bs_idx *lo, bs_idx *hi)
{
    bs_idx units = (len + unit - 1) / unit;
    *lo = units * part / parts * unit;
    *hi = units * (part + 1) / parts * unit;
    if (*lo > len) *lo = len;
    if (*hi > len) *hi = len;
}

#define BS_DRIVERS(T, P, TI)                                                                \
    void bs_##P##gemm_blocked(const bs_##P##gemm_args *g, bs_kernel_info *info)             \
    {                                                                                       \
        ready();                                                                            \
        info->threads = 1;                                                                  \
        info->workspace_bytes = bs_##P##gemm_blocked_run(g, &K.blocked[TI]);                \
    }                                                                                       \
                                                                                            \
    void bs_##P##gemm_vectorized(const bs_##P##gemm_args *g, bs_kernel_info *info)          \
    {                                                                                       \
        ready();                                                                            \
        bs_plan pl = K.vector[TI];                                                          \
        pl.direct = (double)g->m * (double)g->n * (double)g->k <= K.small_mnk;              \
        info->threads = 1;                                                                  \
        info->workspace_bytes = bs_##P##gemm_blocked_run(g, &pl);                           \
    }                                                                                       \
                                                                                            \
    typedef struct P##par_job {                                                             \
        const bs_##P##gemm_args *g;                                                         \
        atomic_size_t ws;                                                                   \
        int want_cpu;                                                                       \
        atomic_llong helper_cpu;                                                            \
    } P##par_job;                                                                           \
                                                                                            \
    static void P##par_part(void *arg, int part, int parts)                                 \
    {                                                                                       \
        P##par_job *job = arg;                                                              \
        const bs_##P##gemm_args *g = job->g;                                                \
        const bs_plan *pl = &K.vector[TI];                                                  \
        int tm = 1, tn = 1;                                                                 \
        grid(g->m, g->n, parts, &tm, &tn);                                                  \
        bs_idx m0, m1, n0, n1;                                                              \
        share(g->m, pl->u->P##mr, part % tm, tm, &m0, &m1);                                 \
        share(g->n, pl->u->P##nr, part / tm, tn, &n0, &n1);                                 \
        if (m1 <= m0 || n1 <= n0)                                                           \
            return;                                                                         \
        bs_##P##gemm_args sub = *g;                                                         \
        sub.m = m1 - m0;                                                                    \
        sub.n = n1 - n0;                                                                    \
        sub.a = g->transa == 'N' ? g->a + m0 : g->a + m0 * g->lda;                          \
        sub.b = g->transb == 'N' ? g->b + n0 * g->ldb : g->b + n0;                          \
        sub.c = g->c + m0 + n0 * g->ldc;                                                    \
        const int timed = job->want_cpu && part > 0; /* the caller times its own part */    \
        const long long cpu0 = timed ? thread_cpu_ns() : 0;                                 \
        atomic_fetch_add(&job->ws, bs_##P##gemm_blocked_run(&sub, pl));                     \
        if (timed)                                                                          \
            atomic_fetch_add(&job->helper_cpu, thread_cpu_ns() - cpu0);                     \
    }                                                                                       \
                                                                                            \
    void bs_##P##gemm_parallel(const bs_##P##gemm_args *g, bs_kernel_info *info)            \
    {                                                                                       \
        ready();                                                                            \
        double mnk = (double)g->m * (double)g->n * (double)g->k;                            \
        if (mnk < parallel_min_mnk[TI] || K.nthreads == 1) {                                \
            bs_##P##gemm_vectorized(g, info);                                               \
            return;                                                                         \
        }                                                                                   \
        P##par_job job = {g, 0, info->want_cpu, 0};                                         \
        info->threads = bs_pool_run(K.nthreads, P##par_part, &job);                         \
        info->workspace_bytes = atomic_load(&job.ws);                                       \
        info->helper_cpu_ns = atomic_load(&job.helper_cpu);                                 \
    }                                                                                       \
                                                                                            \
    void bs_##P##gemm_auto(const bs_##P##gemm_args *g, bs_kernel_info *info)                \
    {                                                                                       \
        ready();                                                                            \
        double mnk = (double)g->m * (double)g->n * (double)g->k;                            \
        if (K.nthreads > 1 && mnk >= parallel_min_mnk[TI]) {                                \
            bs_##P##gemm_parallel(g, info);                                                 \
            info->ran = "parallel";                                                         \
        } else {                                                                            \
            bs_##P##gemm_vectorized(g, info);                                               \
            info->ran = "vectorized";                                                       \
        }                                                                                   \
    }

BS_DRIVERS(float, s, TS)
BS_DRIVERS(double, d, TD)
