/* kernels/drivers_template.h — include-template (T, P; see gemm.h): the blocked, vectorized,
 * parallel and auto kernels of one element type. TI is the type's index in drivers.c's plans. */
#define TI (sizeof(T) == sizeof(float) ? TS : TD)
#include "tiny_template.h"

void BS_P(gemm_blocked)(const BS_P(gemm_args) * g, bs_kernel_info *info)
{
    ready();
    info->threads = 1;
    info->workspace_bytes = BS_P(gemm_blocked_run)(g, &kst.blocked[TI], info);
}

/* One (sub)problem on one thread with vectorized's microkernels, by shape: a tiny one in one
 * call, few rows as dot products, one column as a matrix-vector sweep, small problems direct,
 * the rest through the packed loop nest. Returns the workspace used. */
static inline __attribute__((always_inline)) size_t BS_P(run)(const BS_P(gemm_args) * g,
                                                              bs_kernel_info *info)
{
    const bs_family *fam = kst.vector[TI].fam;
    if (kst.small_mnk >= 16.0 * 16 * 16 && BS_P(gemm_tiny_run)(g, fam))
        return 0;
    bs_plan pl = kst.vector[TI];
    size_t bytes;
    if (BS_P(gemm_dot_run)(g, pl.fam, &bytes))
        return bytes;
    if (BS_P(gemm_gemv_run)(g, pl.fam))
        return 0;
    /* in place: small problems, and skinny ones of any size whose few rows or columns stay in
     * cache (packing the other operand costs more than it brings) */
    const double kbytes = (double)g->k * sizeof(T), mnk = (double)g->m * g->n * g->k;
    pl.direct =
        mnk <= kst.small_mnk ||
        (kst.small_mnk > 0 && ((mnk <= MID_MNK && kbytes * min_idx(g->m, g->n) <= MID_BYTES) ||
                               (g->m <= SKINNY_M && kbytes * g->m <= SKINNY_A_BYTES) ||
                               (g->n <= SKINNY_N && kbytes <= SKINNY_K_BYTES)));
    if (pl.direct && pl.fam->direct && g->transa == 'N') {
        return BS_P(gemm_direct_run)(g, pl.fam);
    }
    return BS_P(gemm_blocked_run)(g, &pl, info);
}

void BS_P(gemm_vectorized)(const BS_P(gemm_args) * g, bs_kernel_info *info)
{
    ready();
    info->threads = 1;
    info->workspace_bytes = BS_P(run)(g, info);
}

typedef struct BS_P(par_job) {
    const BS_P(gemm_args) * g;
    atomic_size_t ws;
    int want_cpu;
    atomic_llong helper_cpu;
    _Atomic(const char *) warning, ran; /* from any part that ran short of memory */
} BS_P(par_job);

static void BS_P(par_part)(void *arg, int part, int parts)
{
    BS_P(par_job) *job = arg;
    const BS_P(gemm_args) *g = job->g;
    const bs_plan *pl = &kst.vector[TI];
    int tm = 1, tn = 1;
    grid(g->m, g->n, parts, &tm, &tn);
    bs_idx m0, m1, n0, n1;
    /* rows in whole vectors where the family has edge kernels, else whole tiles */
    share(g->m, pl->fam->P.lanes ? pl->fam->P.lanes : pl->fam->P.main.mr, part % tm, tm, &m0, &m1);
    share(g->n, pl->fam->P.main.nr, part / tm, tn, &n0, &n1);
    if (m1 <= m0 || n1 <= n0)
        return;
    BS_P(gemm_args) sub = *g;
    sub.m = m1 - m0;
    sub.n = n1 - n0;
    sub.a = g->transa == 'N' ? g->a + m0 : g->a + m0 * g->lda;
    sub.b = g->transb == 'N' ? g->b + n0 * g->ldb : g->b + n0;
    sub.c = g->c + m0 + n0 * g->ldc;
    const int timed = job->want_cpu && part > 0; /* the caller times its own part */
    const long long cpu0 = timed ? thread_cpu_ns() : 0;
    bs_kernel_info mine = {.threads = 1};
    atomic_fetch_add(&job->ws, BS_P(run)(&sub, &mine));
    if (timed)
        atomic_fetch_add(&job->helper_cpu, thread_cpu_ns() - cpu0);
    if (mine.warning)
        atomic_store(&job->warning, mine.warning);
    if (mine.ran)
        atomic_store(&job->ran, mine.ran);
}

/* The m*n*k from which the pool pays on this machine: one n x n x n problem timed on this
 * thread and on `parts` threads, interleaved, best of 11 each. With the pool's cost over an
 * even split o = t_pool - t_one / parts, the split pays from
 * n^3 * o / (t_one * (1 - 1 / parts)). */
static double BS_P(crossover)(int parts)
{
    const bs_idx n = 64; /* near where the pool starts to pay (the sweep: 49^3 dgemm, 60^3
                          * sgemm here); from 96^3 the model put it 10-20% too high */
    double lo = MIN_MNK_LO, hi = MIN_MNK_HI, fallback = 128.0 * 128 * 128;
    if (parts < 2)
        return hi;
    T *buf = malloc(3 * (size_t)(n * n) * sizeof(T));
    if (!buf)
        return fallback;
    for (bs_idx i = 0; i < 3 * n * n; i++)
        buf[i] = (T)(i % 7) / 7;
    BS_P(gemm_args) g = {'N', 'N', n, n, n, 1, buf, n, buf + n * n, n, 0, buf + 2 * n * n, n};
    bs_kernel_info info = {.threads = 1};
    double one = 1e30, pool = 1e30;
    for (int r = 0; r < 12; r++) { /* the first round warms up: pages, caches, threads */
        long long t0 = mono_ns();
        BS_P(run)(&g, &info);
        long long t1 = mono_ns();
        BS_P(par_job) job = {.g = &g};
        const int used = bs_pool_run(parts, BS_P(par_part), &job);
        long long t2 = mono_ns();
        if (used < 2) {
            free(buf);
            return hi; /* no threads to be had */
        }
        if (r > 0 && t1 - t0 < one)
            one = (double)(t1 - t0);
        if (r > 0 && t2 - t1 < pool)
            pool = (double)(t2 - t1);
    }
    free(buf);
    double o = pool - one / parts;
    double at = (double)(n * n * n) * (o > 0 ? o : 0) / (one * (1 - 1.0 / parts));
    /* The measurement moves by about +-10% in n between processes, and the two sides of the
     * crossover cost differently: a few sizes past it the pool is 1.2-1.4x faster (the sweep),
     * just before it the pool only loses its overhead. Switching at 0.8 of the modelled m*n*k
     * (0.93 of its n) makes the noise err on the cheap side. */
    at *= 0.8;
    return at < lo ? lo : at > hi ? hi : at;
}

/* Whether the pool pays for this problem, parallel's and auto's one rule: more than one thread
 * and m*n*k at the crossover. Sides all under the floor's are decided in integers (a tiny call
 * takes a few ns); below the floor the crossover is not needed, nor measured yet. */
static inline int BS_P(pool_pays)(const BS_P(gemm_args) * g)
{
    if (kst.nthreads < 2 || (g->m < MIN_SIDE && g->n < MIN_SIDE && g->k < MIN_SIDE))
        return 0;
    const double mnk = (double)g->m * (double)g->n * (double)g->k;
    return mnk >= MIN_MNK_LO && mnk >= min_mnk(TI);
}

/* the problem split over the pool */
static void BS_P(on_pool)(const BS_P(gemm_args) * g, bs_kernel_info *info)
{
    BS_P(par_job) job = {.g = g, .want_cpu = info->want_cpu};
    info->threads = bs_pool_run(kst.nthreads, BS_P(par_part), &job);
    info->workspace_bytes = atomic_load(&job.ws);
    info->helper_cpu_ns = atomic_load(&job.helper_cpu);
    if (atomic_load(&job.warning))
        info->warning = atomic_load(&job.warning);
    if (atomic_load(&job.ran))
        info->ran = atomic_load(&job.ran);
}

void BS_P(gemm_parallel)(const BS_P(gemm_args) * g, bs_kernel_info *info)
{
    ready();
    if (BS_P(pool_pays)(g)) {
        BS_P(on_pool)(g, info);
        return;
    }
    /* on this thread, as vectorized, with no call between */
    info->threads = 1;
    info->workspace_bytes = BS_P(run)(g, info);
}

void BS_P(gemm_auto)(const BS_P(gemm_args) * g, bs_kernel_info *info)
{
    ready();
    info->ran = NULL; /* set by the kernel only when it fell back to another */
    if (BS_P(pool_pays)(g)) {
        BS_P(on_pool)(g, info);
        if (!info->ran)
            info->ran = kst.parallel;
    } else {
        info->threads = 1;
        info->workspace_bytes = BS_P(run)(g, info);
        if (!info->ran)
            info->ran = kst.vectorized;
    }
}

#undef TI
