/* kernels/blocked.c — the five-loop GotoBLAS/BLIS macrokernel, written once for every element
 * type and microkernel:
 *   for jc (NC columns of C)   pack a KC x NC panel of op(B) into NR-wide slivers
 *    for pc (KC of k)
 *     for ic (MC rows)         pack an MC x KC block of op(A) into MR-tall slivers
 *      for jr (NR), ir (MR)    microkernel on one MR x NR tile of C
 * beta is applied by the first KC step only; later steps accumulate. The packed panels are
 * zero-padded to whole slivers, so microkernels run full width and store only the valid part.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "blocking.h"

static bs_idx min_idx(bs_idx a, bs_idx b) { return a < b ? a : b; }

/* ---- per-thread workspace ---------------------------------------------------------- */

static pthread_key_t ws_key;
static pthread_once_t ws_once = PTHREAD_ONCE_INIT;
static __thread void *ws_buf;
static __thread size_t ws_cap;

static void ws_free(void *p) { free(p); }
static void ws_make_key(void) { pthread_key_create(&ws_key, ws_free); }

void *bs_workspace(size_t bytes)
{
    if (bytes <= ws_cap)
        return ws_buf;
    pthread_once(&ws_once, ws_make_key);
    size_t cap = (bytes + 4095) & ~(size_t)4095;
    void *p = aligned_alloc(64, cap);
    if (!p)
        return NULL;
    free(ws_buf);
    ws_buf = p;
    ws_cap = cap;
    pthread_setspecific(ws_key, p); /* freed when the thread exits */
    return p;
}

__attribute__((destructor)) static void ws_release_main(void)
{
    /* the thread that runs exit() never runs its key destructors */
    free(ws_buf);
    ws_buf = NULL;
    ws_cap = 0;
}

/* ---- tile sizes --------------------------------------------------------------------- */

static bs_idx round_down(bs_idx v, bs_idx to) { return v < to ? to : v / to * to; }

bs_blocking bs_blocking_for(int mr, int nr, size_t elem, long l1, long l2, long l3)
{
    if (l1 <= 0) l1 = 32 * 1024;
    if (l2 <= 0) l2 = 512 * 1024;
    if (l3 <= 0 || l3 > 64L * 1024 * 1024) l3 = 8L * 1024 * 1024; /* VMs report nonsense */
    bs_blocking b;
    /* one NR-wide sliver of B stays in L1 across a whole MC block: half of L1 */
    b.kc = round_down((bs_idx)(l1 / 2 / (long)(nr * elem)), 8);
    if (b.kc > 1024) b.kc = 1024;
    /* the packed MC x KC block of A lives in L2: half of it */
    b.mc = round_down((bs_idx)(l2 / 2 / (long)(b.kc * elem)), mr);
    /* the packed KC x NC panel of B lives in L3: a quarter of it, at most 4096 columns */
    b.nc = round_down(min_idx((bs_idx)(l3 / 4 / (long)(b.kc * elem)), 4096), nr);
    return b;
}

/* ---- the loop nest, per element type ----------------------------------------------- */

#define BS_BLOCKED(T, P)                                                                    \
    /* A len x kc panel whose element (i, p) is x[i * rs + p * cs], into w-wide slivers,     */ \
    /* p-major inside a sliver and zero-padded to whole slivers. One of rs, cs is 1 (or     */ \
    /* both): rs == 1 copies each k step whole; otherwise the w rows are read as w          */ \
    /* sequential streams and written sequentially. Packs op(A) (w = MR) and op(B) (w = NR). */ \
    static void P##pack(const T *x, bs_idx rs, bs_idx cs, bs_idx len, bs_idx kc, int w,     \
                        T *out)                                                             \
    {                                                                                       \
        for (bs_idx s = 0; s < len; s += w, out += kc * w, x += w * rs) {                   \
            const bs_idx rows = min_idx(w, len - s);                                        \
            if (rs == 1) {                                                                  \
                for (bs_idx p = 0; p < kc; p++) {                                           \
                    T *dst = out + p * w;                                                   \
                    memcpy(dst, x + p * cs, (size_t)rows * sizeof(T));                      \
                    for (bs_idx i = rows; i < w; i++)                                       \
                        dst[i] = 0;                                                         \
                }                                                                           \
            } else {                                                                        \
                const T *src[BS_MAX_MR > BS_MAX_NR ? BS_MAX_MR : BS_MAX_NR];                \
                for (bs_idx i = 0; i < w; i++)                                              \
                    src[i] = x + (i < rows ? i : 0) * rs;                                   \
                for (bs_idx p = 0; p < kc; p++) {                                           \
                    T *dst = out + p * w;                                                   \
                    for (bs_idx i = 0; i < rows; i++)                                       \
                        dst[i] = src[i][p * cs];                                            \
                    for (bs_idx i = rows; i < w; i++)                                       \
                        dst[i] = 0;                                                         \
                }                                                                           \
            }                                                                               \
        }                                                                                   \
    }                                                                                       \
                                                                                            \
    /* op(A)(ic:ic+mc, pc:pc+kc) into MR-tall slivers */                                    \
    static void P##pack_a(const bs_##P##gemm_args *g, bs_idx ic, bs_idx pc, bs_idx mc,      \
                          bs_idx kc, int mr, T *ap)                                         \
    {                                                                                       \
        if (g->transa == 'N')                                                               \
            P##pack(g->a + ic + pc * g->lda, 1, g->lda, mc, kc, mr, ap);                    \
        else                                                                                \
            P##pack(g->a + pc + ic * g->lda, g->lda, 1, mc, kc, mr, ap);                    \
    }                                                                                       \
                                                                                            \
    /* op(B)(pc:pc+kc, jc:jc+nc) into NR-wide slivers: element (j, p) is op(B)(p, j) */     \
    static void P##pack_b(const bs_##P##gemm_args *g, bs_idx pc, bs_idx jc, bs_idx kc,      \
                          bs_idx nc, int nr, T *bp)                                         \
    {                                                                                       \
        if (g->transb == 'N')                                                               \
            P##pack(g->b + pc + jc * g->ldb, g->ldb, 1, nc, kc, nr, bp);                    \
        else                                                                                \
            P##pack(g->b + jc + pc * g->ldb, 1, g->ldb, nc, kc, nr, bp);                    \
    }                                                                                       \
                                                                                            \
    /* alpha = 0 or k = 0: C = beta C, and beta = 0 writes zeros without reading C */       \
    static void P##scale_c(const bs_##P##gemm_args *g)                                      \
    {                                                                                       \
        if (g->beta == (T)1)                                                                \
            return;                                                                         \
        for (bs_idx j = 0; j < g->n; j++) {                                                 \
            T *c = g->c + j * g->ldc;                                                       \
            for (bs_idx i = 0; i < g->m; i++)                                               \
                c[i] = g->beta == (T)0 ? (T)0 : g->beta * c[i];                             \
        }                                                                                   \
    }                                                                                       \
                                                                                            \
    size_t bs_##P##gemm_blocked_run(const bs_##P##gemm_args *g, const bs_plan *pl)          \
    {                                                                                       \
        if (g->m <= 0 || g->n <= 0)                                                         \
            return 0;                                                                       \
        if (g->alpha == (T)0 || g->k <= 0) {                                                \
            P##scale_c(g);                                                                  \
            return 0;                                                                       \
        }                                                                                   \
        /* direct (SIMD microkernels only): B read in place, and A too when transa = 'N' */ \
        const int direct = pl->direct && pl->u->direct_a;                                   \
        const int mr = direct ? pl->u->P##mr_small : pl->u->P##mr;                          \
        const int nr = direct ? pl->u->P##nr_small : pl->u->P##nr;                          \
        const bs_##P##ukr ukr = direct ? pl->u->P##gemm_small : pl->u->P##gemm;             \
        const int direct_a = direct && g->transa == 'N';                                    \
        const bs_idx rsb = g->transb == 'N' ? 1 : g->ldb, csb = g->transb == 'N' ? g->ldb : 1; \
        const bs_idx kc_max = min_idx(pl->blk.kc, g->k);                                    \
        const bs_idx nc_max = min_idx(pl->blk.nc, g->n), mc_max = min_idx(pl->blk.mc, g->m); \
        const size_t b_elems = (size_t)kc_max * (size_t)(direct ? 0 : (nc_max + nr - 1) / nr * nr); \
        const size_t a_elems = direct_a ? 0                                                 \
                                        : (size_t)kc_max * (size_t)((mc_max + mr - 1) / mr * mr); \
        const size_t bytes = (a_elems + b_elems) * sizeof(T) + 64;                          \
        T *bp = bs_workspace(bytes);                                                        \
        if (!bp)                                                                            \
            return 0; /* out of memory: cannot happen for bounded tiles; leave C */         \
        T *ap = bp + (b_elems + 15) / 16 * 16;                                              \
        for (bs_idx jc = 0; jc < g->n; jc += pl->blk.nc) {                                  \
            const bs_idx nc = min_idx(pl->blk.nc, g->n - jc);                               \
            for (bs_idx pc = 0; pc < g->k; pc += pl->blk.kc) {                              \
                const bs_idx kc = min_idx(pl->blk.kc, g->k - pc);                           \
                const T beta = pc == 0 ? g->beta : (T)1;                                    \
                if (!direct)                                                                \
                    P##pack_b(g, pc, jc, kc, nc, nr, bp);                                   \
                for (bs_idx ic = 0; ic < g->m; ic += pl->blk.mc) {                          \
                    const bs_idx mc = min_idx(pl->blk.mc, g->m - ic);                       \
                    if (!direct_a)                                                          \
                        P##pack_a(g, ic, pc, mc, kc, mr, ap);                               \
                    for (bs_idx jr = 0; jr < nc; jr += nr) {                                \
                        const int ncols = (int)min_idx(nr, nc - jr);                        \
                        const T *bs = bp + (jr / nr) * kc * nr;                             \
                        bs_idx rs = nr, cs = 1;                                             \
                        if (direct) {                                                       \
                            bs = g->b + pc * rsb + (jc + jr) * csb;                         \
                            rs = rsb, cs = csb;                                             \
                        }                                                                   \
                        T *cc = g->c + ic + (jc + jr) * g->ldc;                             \
                        for (bs_idx ir = 0; ir < mc; ir += mr) {                            \
                            const T *as = direct_a ? g->a + ic + ir + pc * g->lda           \
                                                   : ap + (ir / mr) * kc * mr;              \
                            ukr(kc, as, direct_a ? g->lda : mr, bs, rs, cs, g->alpha, beta, \
                                cc + ir, g->ldc, (int)min_idx(mr, mc - ir), ncols);         \
                        }                                                                   \
                    }                                                                       \
                }                                                                           \
            }                                                                               \
        }                                                                                   \
        return bytes;                                                                       \
    }

BS_BLOCKED(float, s)
BS_BLOCKED(double, d)
