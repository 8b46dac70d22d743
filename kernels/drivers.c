/* kernels/drivers.c — the blocked, vectorized, parallel and auto kernels: which microkernel
 * and tile sizes each runs the shared loop nest (blocked.c) with, the 2-D split of the
 * parallel kernel, and auto's choice by shape. */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <stdio.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "blocking.h"
#include "pool.h"

/* Which problems read A and B in place, unpacked (the direct path), measured with `make bench`
 * and `make bench BENCH_ARGS="--sweep --shape ..."` against the packed loop nest:
 * - up to SMALL_MNK multiply-adds (m*n*k): packing pays off only above about 256^3;
 * - up to MID_MNK when the smaller operand, A or B, takes up to MID_BYTES (257^3 to 384^3:
 *   1.05-1.15x faster; 256x256x800 dgemm, both operands 1.6 MiB, was 1.3x slower);
 * - any size with up to SKINNY_M rows whose A (m x k) takes up to SKINNY_A_BYTES: B is then
 *   read once, never packed (16x20000x1000 2x faster, 64x4096x1024 1.3-1.4x, 128x8192x256
 *   1.2x; 64x4096x8192 and dgemm 128x1000x3000 were faster packed);
 * - any size with up to SKINNY_N columns and k up to SKINNY_K_BYTES of elements
 *   (3136x64x576 sgemm 1.2x; dgemm 3136x64x576, or 96 columns, were faster packed). */
#ifndef SMALL_MNK
#define SMALL_MNK (256L * 256 * 256)
#endif
#define MID_MNK (384.0 * 384 * 384)
#define MID_BYTES (1.25 * 1024 * 1024)
#define SKINNY_M 128
#define SKINNY_A_BYTES (1024.0 * 1024)
#define SKINNY_N 64
#define SKINNY_K_BYTES 2304

/* Below this many multiply-adds (m*n*k) the pool costs more than it brings, per element
 * type: measured on this machine at the first call that could use the pool (calibrate) and
 * twice later (remeasure), clamped to a sane range. */
static _Atomic double parallel_min_mnk[2];
#define MIN_SIDE 48 /* the floor: no problem under MIN_SIDE^3 uses the pool */
#define MIN_MNK_LO ((double)MIN_SIDE * MIN_SIDE * MIN_SIDE)
#define MIN_MNK_HI (512.0 * 512 * 512)

enum { TS, TD }; /* element type index */

/* What the kernels run with: set by bs_kernels_configure, read by every call. */
static struct {
    int ready;
    const bs_family *vec;          /* microkernels of vectorized and parallel */
    bs_plan blocked[2], vector[2]; /* per element type */
    int nthreads;
    double small_mnk;
    char supported[64];
    const char *parallel, *vectorized; /* the registry's names, for bs_kernel_info.ran */
} kst;

static bs_blocking user_or(const bs_kernel_params *p, bs_blocking b)
{
    if (p->mc > 0)
        b.mc = p->mc;
    if (p->kc > 0)
        b.kc = p->kc;
    if (p->nc > 0)
        b.nc = p->nc;
    return b;
}

static bs_plan plan_for(const bs_family *f, int type, const bs_kernel_params *p)
{
    const int mr = type == TS ? f->s.main.mr : f->d.main.mr;
    const int nr = type == TS ? f->s.main.nr : f->d.main.nr;
    size_t elem = type == TS ? sizeof(float) : sizeof(double);
    bs_plan pl = {f, user_or(p, bs_blocking_for(mr, nr, elem, p->l1, p->l2, p->l3)), 0};
    return pl;
}

const char *bs_kernels_configure(const bs_kernel_params *p)
{
    const char *msg = NULL;
    const bs_family *vec = NULL;
    size_t o = 0;
    kst.supported[0] = '\0';
    for (const bs_family *const *f = bs_families; *f; f++) {
        if (!bs_cpu_runs((*f)->needs))
            continue;
        if (!vec)
            vec = *f; /* the best this CPU runs */
        o += (size_t)snprintf(kst.supported + o, sizeof kst.supported - o, "%s%s", o ? "," : "",
                              (*f)->name);
    }
    if (p->isa) {
        const bs_family *want = bs_family_find(p->isa);
        if (want && bs_cpu_runs(want->needs))
            vec = want;
        else
            msg = want ? "this CPU cannot run it" : "unknown instruction set";
    }
    kst.vec = vec;
    for (int t = TS; t <= TD; t++) {
        kst.blocked[t] = plan_for(&bs_family_generic, t, p);
        kst.vector[t] = plan_for(vec, t, p);
    }
    kst.nthreads = p->nthreads > 0 ? p->nthreads : 1;
    kst.small_mnk = p->small_mnk > 0 ? (double)p->small_mnk : p->small_mnk < 0 ? -1.0 : SMALL_MNK;
    kst.parallel = bs_kernel_find("parallel")->name;
    kst.vectorized = bs_kernel_find("vectorized")->name;
    kst.ready = 1;
    return msg;
}

static long long mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void ready(void)
{
    if (!kst.ready) {
        bs_kernel_params defaults = {0};
        bs_kernels_configure(&defaults);
    }
}

void bs_kernels_describe(bs_kernel_desc *out)
{
    ready();
    out->isa = kst.vec->name;
    out->isas_supported = kst.supported;
    const bs_plan *s = &kst.vector[TS], *d = &kst.vector[TD];
    out->s_blk[0] = s->blk.mc, out->s_blk[1] = s->blk.kc, out->s_blk[2] = s->blk.nc;
    out->d_blk[0] = d->blk.mc, out->d_blk[1] = d->blk.kc, out->d_blk[2] = d->blk.nc;
    out->s_tile[0] = kst.vec->s.main.mr, out->s_tile[1] = kst.vec->s.main.nr;
    out->d_tile[0] = kst.vec->d.main.mr, out->d_tile[1] = kst.vec->d.main.nr;
    out->nthreads = kst.nthreads;
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
    if (*lo > len)
        *lo = len;
    if (*hi > len)
        *hi = len;
}

static double min_mnk(int t);

#define BS_TEMPLATE "drivers_template.h"
#include "each_type.h"

static pthread_once_t calibrated = PTHREAD_ONCE_INIT;
static pthread_mutex_t remeasuring = PTHREAD_MUTEX_INITIALIZER;
static _Atomic long long calibrated_at; /* mono_ns of the last measurement */
static atomic_int remeasures;           /* measurements after the first */
#define REMEASURES 2

static void calibrate(void)
{
    atomic_store(&parallel_min_mnk[TS], bs_scrossover(kst.nthreads));
    atomic_store(&parallel_min_mnk[TD], bs_dcrossover(kst.nthreads));
    atomic_store(&calibrated_at, mono_ns());
}

/* A measurement taken while another thread of the process held a core (a real BLAS's workers
 * spin for ~0.1 s after it loads or runs, and the first call often comes right then), or while
 * the scheduler had the pool's worker next to the caller, puts the crossover too high for the
 * life of the process. So it is taken again, 0.5 s and 5 s after the one before, by the first
 * call past the floor then (one thread measures, the others go on), and the lowest is kept:
 * interference only ever makes the pool look slower. */
static void remeasure(void)
{
    const int r = atomic_load(&remeasures);
    const long long now = mono_ns(), wait = r == 0 ? 500000000LL : 5000000000LL;
    if (r >= REMEASURES || now - atomic_load(&calibrated_at) < wait ||
        pthread_mutex_trylock(&remeasuring) != 0)
        return;
    if (atomic_load(&remeasures) == r) {
        const double s = bs_scrossover(kst.nthreads), d = bs_dcrossover(kst.nthreads);
        if (s < atomic_load(&parallel_min_mnk[TS]))
            atomic_store(&parallel_min_mnk[TS], s);
        if (d < atomic_load(&parallel_min_mnk[TD]))
            atomic_store(&parallel_min_mnk[TD], d);
        atomic_store(&calibrated_at, mono_ns());
        atomic_store(&remeasures, r + 1);
    }
    pthread_mutex_unlock(&remeasuring);
}

/* The crossover of element type t: measured the first time it is asked for, and again twice
 * later (remeasure). */
static double min_mnk(int t)
{
    pthread_once(&calibrated, calibrate);
    if (atomic_load_explicit(&remeasures, memory_order_relaxed) < REMEASURES)
        remeasure();
    return atomic_load(&parallel_min_mnk[t]);
}

void bs_kernels_crossover(double *s_mnk, double *d_mnk)
{
    ready();
    if (kst.nthreads < 2) {
        *s_mnk = *d_mnk = 0;
        return;
    }
    *s_mnk = min_mnk(TS);
    *d_mnk = min_mnk(TD);
}
