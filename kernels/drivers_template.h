/* kernels/drivers_template.h — include-template (T, P; see gemm.h): the blocked, vectorized,
 * parallel and auto kernels of one element type. TI is the type's index in drivers.c's plans. */
#define TI (sizeof(T) == sizeof(float) ? TS : TD)

void BS_P(gemm_blocked)(const BS_P(gemm_args) *g, bs_kernel_info *info)
{
    ready();
    info->threads = 1;
    info->workspace_bytes = BS_P(gemm_blocked_run)(g, &kst.blocked[TI], info);
}

void BS_P(gemm_vectorized)(const BS_P(gemm_args) *g, bs_kernel_info *info)
{
    ready();
    bs_plan pl = kst.vector[TI];
    pl.direct = (double)g->m * (double)g->n * (double)g->k <= kst.small_mnk;
    info->threads = 1;
    info->workspace_bytes = BS_P(gemm_blocked_run)(g, &pl, info);
}

typedef struct BS_P(par_job) {
    const BS_P(gemm_args) *g;
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
    share(g->m, pl->fam->P.main.mr, part % tm, tm, &m0, &m1);
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
    atomic_fetch_add(&job->ws, BS_P(gemm_blocked_run)(&sub, pl, &mine));
    if (timed)
        atomic_fetch_add(&job->helper_cpu, thread_cpu_ns() - cpu0);
    if (mine.warning)
        atomic_store(&job->warning, mine.warning);
    if (mine.ran)
        atomic_store(&job->ran, mine.ran);
}

void BS_P(gemm_parallel)(const BS_P(gemm_args) *g, bs_kernel_info *info)
{
    ready();
    double mnk = (double)g->m * (double)g->n * (double)g->k;
    if (mnk < parallel_min_mnk[TI] || kst.nthreads == 1) {
        BS_P(gemm_vectorized)(g, info);
        return;
    }
    BS_P(par_job) job = {.g = g, .want_cpu = info->want_cpu};
    info->threads = bs_pool_run(kst.nthreads, BS_P(par_part), &job);
    info->workspace_bytes = atomic_load(&job.ws);
    info->helper_cpu_ns = atomic_load(&job.helper_cpu);
    if (atomic_load(&job.warning))
        info->warning = atomic_load(&job.warning);
    if (atomic_load(&job.ran))
        info->ran = atomic_load(&job.ran);
}

void BS_P(gemm_auto)(const BS_P(gemm_args) *g, bs_kernel_info *info)
{
    ready();
    double mnk = (double)g->m * (double)g->n * (double)g->k;
    info->ran = NULL; /* set by the kernel only when it fell back to another */
    if (kst.nthreads > 1 && mnk >= parallel_min_mnk[TI]) {
        BS_P(gemm_parallel)(g, info);
        if (!info->ran)
            info->ran = "parallel";
    } else {
        BS_P(gemm_vectorized)(g, info);
        if (!info->ran)
            info->ran = "vectorized";
    }
}

#undef TI
