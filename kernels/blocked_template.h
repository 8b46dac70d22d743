/* kernels/blocked_template.h — include-template (T, P; see gemm.h): the loop nest of blocked.c
 * for one element type, bs_?gemm_blocked_run, and its packing routines. */
#include "tiny_template.h" /* BS_P(tile) */

/* A len x kc panel whose element (i, p) is x[i * rs + p * cs], into w-wide slivers,
 * p-major inside a sliver and zero-padded to whole slivers. One of rs, cs is 1 (or both):
 * rs == 1 copies each k step whole; otherwise the w rows are read as w sequential streams
 * and written sequentially. Packs op(A) (w = MR) and op(B) (w = NR). */
static void BS_P(pack)(const T *x, bs_idx rs, bs_idx cs, bs_idx len, bs_idx kc, int w, T *out,
                       BS_P(packk) packt)
{
    if (packt && cs == 1 && rs != 1) { /* the family's: blocks transposed in registers */
        packt(x, rs, len, kc, w, out);
        return;
    }
    for (bs_idx s = 0; s < len; s += w, out += kc * w, x += w * rs) {
        const bs_idx rows = min_idx(w, len - s);
        if (rs == 1) {
            for (bs_idx p = 0; p < kc; p++) {
                T *dst = out + p * w;
                memcpy(dst, x + p * cs, (size_t)rows * sizeof(T));
                for (bs_idx i = rows; i < w; i++)
                    dst[i] = 0;
            }
        } else {
            const T *src[BS_MAX_MR > BS_MAX_NR ? BS_MAX_MR : BS_MAX_NR];
            for (bs_idx i = 0; i < w; i++)
                src[i] = x + (i < rows ? i : 0) * rs;
            for (bs_idx p = 0; p < kc; p++) {
                T *dst = out + p * w;
                for (bs_idx i = 0; i < rows; i++)
                    dst[i] = src[i][p * cs];
                for (bs_idx i = rows; i < w; i++)
                    dst[i] = 0;
            }
        }
    }
}

/* op(A)(ic:ic+mc, pc:pc+kc) into MR-tall slivers */
static void BS_P(pack_a)(const BS_P(gemm_args) * g, bs_idx ic, bs_idx pc, bs_idx mc, bs_idx kc,
                         int mr, T *ap, BS_P(packk) packt)
{
    if (g->transa == 'N')
        BS_P(pack)(g->a + ic + pc * g->lda, 1, g->lda, mc, kc, mr, ap, packt);
    else
        BS_P(pack)(g->a + pc + ic * g->lda, g->lda, 1, mc, kc, mr, ap, packt);
}

/* op(B)(pc:pc+kc, jc:jc+nc) into NR-wide slivers: element (j, p) is op(B)(p, j) */
static void BS_P(pack_b)(const BS_P(gemm_args) * g, bs_idx pc, bs_idx jc, bs_idx kc, bs_idx nc,
                         int nr, T *bp, BS_P(packk) packt)
{
    if (g->transb == 'N')
        BS_P(pack)(g->b + pc + jc * g->ldb, g->ldb, 1, nc, kc, nr, bp, packt);
    else
        BS_P(pack)(g->b + jc + pc * g->ldb, 1, g->ldb, nc, kc, nr, bp, packt);
}

/* alpha = 0 or k = 0: C = beta C, and beta = 0 writes zeros without reading C */
static void BS_P(scale_c)(const BS_P(gemm_args) * g)
{
    if (g->beta == (T)1)
        return;
    for (bs_idx j = 0; j < g->n; j++) {
        T *c = g->c + j * g->ldc;
        for (bs_idx i = 0; i < g->m; i++)
            c[i] = g->beta == (T)0 ? (T)0 : g->beta * c[i];
    }
}

size_t BS_P(gemm_blocked_run)(const BS_P(gemm_args) * g, const bs_plan *plan, bs_kernel_info *info)
{
    if (g->m <= 0 || g->n <= 0)
        return 0;
    if (g->alpha == (T)0 || g->k <= 0) {
        BS_P(scale_c)(g);
        return 0;
    }
    bs_plan shrunk = *plan;
    const bs_plan *pl = plan;
    /* direct (SIMD microkernels only): B read in place, and A too when transa = 'N' */
    const int direct = pl->direct && pl->fam->direct;
    const int mr = direct ? pl->fam->P.small.mr : pl->fam->P.main.mr;
    const int nr = direct ? pl->fam->P.small.nr : pl->fam->P.main.nr;
    const BS_P(ukr) ukr = direct ? pl->fam->P.small.fn : pl->fam->P.main.fn;
    const int direct_a = direct && g->transa == 'N';
    const bs_idx rsb = g->transb == 'N' ? 1 : g->ldb, csb = g->transb == 'N' ? g->ldb : 1;
    size_t a_elems, b_elems, bytes;
    T *bp;
    /* The packing buffers for these tiles; when memory is short, smaller tiles (halving the
     * largest until one sliver), and when not even that fits, the naive loop, which needs
     * none: never a wrong result. The caller hears of it through info->warning. */
    for (;;) {
        const bs_idx kc_max = min_idx(pl->blk.kc, g->k);
        const bs_idx nc_max = min_idx(pl->blk.nc, g->n), mc_max = min_idx(pl->blk.mc, g->m);
        b_elems = (size_t)kc_max * (size_t)(direct ? 0 : (nc_max + nr - 1) / nr * nr);
        a_elems = direct_a ? 0 : (size_t)kc_max * (size_t)((mc_max + mr - 1) / mr * mr);
        bytes = (a_elems + b_elems) * sizeof(T) + 64;
        if ((bp = bs_workspace(bytes)) != NULL)
            break;
        /* halve the larger of the A and B panels' widths, then KC, down to one sliver */
        bs_idx *half = nc_max > nr && nc_max >= mc_max ? &shrunk.blk.nc
                       : mc_max > mr                   ? &shrunk.blk.mc
                       : nc_max > nr                   ? &shrunk.blk.nc
                       : kc_max > 8                    ? &shrunk.blk.kc
                                                       : NULL;
        if (!half) {
            info->warning = "no packing workspace could be allocated: the call ran on the naive "
                            "kernel";
            info->ran = "naive";
            bs_kernel_info ni = {.threads = 0};
            BS_P(gemm_naive)(g, &ni);
            return 0;
        }
        const bs_idx have = half == &shrunk.blk.nc   ? nc_max
                            : half == &shrunk.blk.mc ? mc_max
                                                     : kc_max;
        const bs_idx unit = half == &shrunk.blk.nc ? nr : half == &shrunk.blk.mc ? mr : 8;
        *half = have / 2 / unit * unit;
        if (*half < unit)
            *half = unit;
        pl = &shrunk;
        info->warning = "the packing workspace for the configured tiles could not be allocated: "
                        "the call ran with smaller tiles";
    }
    T *ap = bp + (b_elems + 15) / 16 * 16;
    for (bs_idx jc = 0; jc < g->n; jc += pl->blk.nc) {
        const bs_idx nc = min_idx(pl->blk.nc, g->n - jc);
        for (bs_idx pc = 0; pc < g->k; pc += pl->blk.kc) {
            const bs_idx kc = min_idx(pl->blk.kc, g->k - pc);
            const T beta = pc == 0 ? g->beta : (T)1;
            if (!direct)
                BS_P(pack_b)(g, pc, jc, kc, nc, nr, bp, pl->fam->P.packt);
            for (bs_idx ic = 0; ic < g->m; ic += pl->blk.mc) {
                const bs_idx mc = min_idx(pl->blk.mc, g->m - ic);
                if (!direct_a)
                    BS_P(pack_a)(g, ic, pc, mc, kc, mr, ap, pl->fam->P.packt);
                for (bs_idx jr = 0; jr < nc; jr += nr) {
                    const int ncols = (int)min_idx(nr, nc - jr);
                    const T *bs = bp + jr * kc; /* sliver jr / nr (jr is a multiple of nr) */
                    bs_idx rs = nr, cs = 1;
                    if (direct) {
                        bs = g->b + pc * rsb + (jc + jr) * csb;
                        rs = rsb, cs = csb;
                    }
                    T *cc = g->c + ic + (jc + jr) * g->ldc;
                    for (bs_idx ir = 0; ir < mc; ir += mr) {
                        const T *as = direct_a ? g->a + ic + ir + pc * g->lda
                                               : ap + ir * kc; /* sliver ir / mr */
                        BS_P(tile)
                        (&pl->fam->P, ukr, mr, nr, kc, as, direct_a ? g->lda : mr, bs, rs, cs,
                         g->alpha, beta, cc + ir, g->ldc, (int)min_idx(mr, mc - ir), ncols);
                    }
                }
            }
        }
    }
    return bytes;
}

/* How many of the last rows of C the direct path leaves to the dot-product kernel: the
 * remainder m % lanes below at least one whole vector of rows, when op(B) = B and it is one
 * row, 2 or 3 with k >= 24 (2 from 32 before their rows were copied with a constant count; 3
 * from 48 before measuring 35^3 and 27x40x40: 3-12% faster from k = 24), or 4 with k >= 48
 * (shorter dot products do not repay their reductions against a tile whose last vector is
 * masked: 36^3 and 20x36x36 were 2-12% slower at k = 32; measured with
 * `make bench BENCH_ARGS=--sweep`); else 0. */
static inline bs_idx BS_P(dot_rows)(const BS_P(gemm_args) * g, const bs_family *f)
{
    const BS_P(ukr_set) *set = &f->P;
    if (!set->dot || g->transb != 'N' || g->k < set->lanes || g->m <= set->lanes)
        return 0;
    const bs_idx r = g->m & (set->lanes - 1); /* lanes: a power of two (no division) */
    return r == 1 || (r <= 3 && g->k >= 24) || (r == 4 && g->k >= 48) ? r : 0;
}

/* The dot kernel reads rows of A contiguous along k: r rows of A (transa = 'N', from a) copied
 * along A's columns (the r elements of a k step are adjacent) into w[i * k + p], w being buf
 * (BS_ROWBUF elements, on the caller's stack) when they fit, else the workspace, of *bytes.
 * NULL when memory is short. */
#define BS_ROWBUF (4 * 512)
static inline __attribute__((always_inline)) void BS_P(copy_rows)(const int R, const T *a,
                                                                  bs_idx lda, bs_idx k, T *w)
{
    for (bs_idx p = 0; p < k; p++, a += lda)
        for (int i = 0; i < R; i++) /* R a constant: no loop of its own */
            w[i * k + p] = a[i];
}
static T *BS_P(rows_of_a)(const T *a, bs_idx lda, bs_idx r, bs_idx k, T *buf, size_t *bytes)
{
    *bytes = r * k <= BS_ROWBUF ? 0 : (size_t)(r * k) * sizeof(T);
    T *w = *bytes ? bs_workspace(*bytes) : buf;
    if (!w)
        return NULL;
    switch (r) { /* 4 rows at a time, the rest as many as are left */
    case 1: BS_P(copy_rows)(1, a, lda, k, w); break;
    case 2: BS_P(copy_rows)(2, a, lda, k, w); break;
    case 3: BS_P(copy_rows)(3, a, lda, k, w); break;
    default:
        for (bs_idx i = 0; i < r; i += 4) {
            if (r - i >= 4)
                BS_P(copy_rows)(4, a + i, lda, k, w + i * k);
            else
                for (bs_idx j = i; j < r; j++)
                    BS_P(copy_rows)(1, a + j, lda, k, w + j * k);
        }
    }
    return w;
}

/* Rows m0..m-1 of C (at most 4, transa = 'N') by the dot-product kernel (rows_of_a; when
 * memory is short, the edge kernels). Returns the workspace used. */
static size_t BS_P(dot_tail)(const BS_P(gemm_args) * g, const bs_family *f, bs_idx m0)
{
    const bs_idx r = g->m - m0;
    size_t bytes;
    T buf[BS_ROWBUF];
    const T *w = BS_P(rows_of_a)(g->a + m0, g->lda, r, g->k, buf, &bytes);
    if (!w) { /* memory short: the edge kernels, column tile by column tile */
        const BS_P(ukr_tile) *t = &f->P.small;
        for (bs_idx j = 0; j < g->n; j += t->nr) {
            const int nr = (int)min_idx(t->nr, g->n - j);
            /* clang-format off */
            BS_P(tile)(&f->P, t->fn, t->mr, t->nr, g->k, g->a + m0, g->lda, g->b + j * g->ldb, 1,
                       g->ldb, g->alpha, g->beta, g->c + m0 + j * g->ldc, g->ldc, (int)r, nr);
            /* clang-format on */
        }
        return 0;
    }
    f->P.dot(r, g->n, g->k, w, g->k, g->b, g->ldb, g->alpha, g->beta, g->c + m0, g->ldc);
    return bytes;
}

/* The bytes of A the direct path keeps in L2 (a quarter of a small core's 1 MiB) */
#ifndef BS_DIRECT_A_BYTES
#define BS_DIRECT_A_BYTES (256 * 1024)
#endif

/* Rows i0..i1-1 of C on the direct path with tile w (its rows, its columns at a time, the last
 * tile of rows masked), over all of the columns; the columns past whole tiles on the two-vector
 * edge kernels. */
static void BS_P(direct_pass)(const BS_P(gemm_args) * g, const bs_family *f,
                              const BS_P(ukr_tile) * w, bs_idx i0, bs_idx i1, bs_idx rsb,
                              bs_idx csb)
{
    const BS_P(ukr_tile) *t = &f->P.small;
    bs_idx j = 0;
    for (; j + w->nr <= g->n; j += w->nr)
        for (bs_idx i = i0; i < i1; i += w->mr)
            w->fn(g->k, g->a + i, g->lda, g->b + j * csb, rsb, csb, g->alpha, g->beta,
                  g->c + i + j * g->ldc, g->ldc, (int)min_idx(w->mr, i1 - i), w->nr);
    if (j < g->n)
        for (bs_idx i = i0, rows; i < i1; i += rows) {
            rows = min_idx(2 * f->P.lanes, i1 - i);
            /* clang-format off */
            BS_P(tile)(&f->P, t->fn, t->mr, t->nr, g->k, g->a + i, g->lda, g->b + j * csb, rsb,
                       csb, g->alpha, g->beta, g->c + i + j * g->ldc, g->ldc, (int)rows,
                       (int)(g->n - j));
            /* clang-format on */
        }
}

/* The direct path of masked-load families for small problems with op(A) = A: no packing, no
 * blocking, no workspace; the tiles of C one after another over the whole of k, A and B read
 * in place, C held in registers (ukernel.h). */
size_t BS_P(gemm_direct_run)(const BS_P(gemm_args) * g, const bs_family *f)
{
    if (g->m <= 0 || g->n <= 0)
        return 0;
    if (g->alpha == (T)0 || g->k <= 0) {
        BS_P(scale_c)(g);
        return 0;
    }
    const BS_P(ukr_tile) *t = &f->P.small;
    const bs_idx rsb = g->transb == 'N' ? 1 : g->ldb, csb = g->transb == 'N' ? g->ldb : 1;
    /* The last m % lanes rows, when they are few: a vector of rows per column and k step
     * would cost as much as a whole vector's worth, so they go to the dot-product kernel
     * (their m x k of A copied along k), B streamed once more with full vectors. */
    const bs_idx rem = BS_P(dot_rows)(g, f), mv = g->m - rem;
    const size_t bytes = rem ? BS_P(dot_tail)(g, f, mv) : 0;
    /* blocks of rows whose A (rows x k) stays in L2 while every column of C passes over it:
     * a tall A read whole per column tile would stream from memory n / nr times */
    const bs_idx kb = g->k * (bs_idx)sizeof(T);
    const bs_idx mb = kb * mv <= BS_DIRECT_A_BYTES     ? mv /* all of A fits: no division */
                      : kb * t->mr > BS_DIRECT_A_BYTES ? t->mr
                                                       : BS_DIRECT_A_BYTES / kb / t->mr * t->mr;
    /* The rows of each block, in groups that each pass over the columns on their own:
     * - blocks of four vectors on a 4 x 6 tile where the family has one (quad: 24 accumulators,
     *   two 2 x 8 tiles have 16), all of the rows when they make whole blocks of four vectors,
     *   else all but the last three vectors;
     * - then the small tile's rows by direct_rows (three vectors where the family has them);
     * - its last tiles of two vectors, when the family's main tile is wider than the small one
     *   (AVX-512: 2 x 12, 24 accumulators; 2 x 8 has 16), on the main tile instead (sgemm
     *   21^3-30^3 4-10% faster, dgemm 36^3-39^3 3-4%, 16x1000x300 7%). */
    const bs_idx lanes = f->P.lanes, three = f->P.edge[2][0] ? 3 * lanes : 0;
    const BS_P(ukr_tile) *q = &f->P.quad, *w = &f->P.main;
    const int wide = w->nr > t->nr && w->mr == 2 * lanes;
    for (bs_idx ib = 0; ib < mv; ib += mb) {
        const bs_idx iend = min_idx(mv, ib + mb);
        const bs_idx vecs = (iend - ib + lanes - 1) >> ctz_idx(lanes);
        const bs_idx quads = q->fn && ((vecs & 3) == 0 || (vecs & 3) == 3) ? vecs >> 2 : 0;
        const bs_idx qend = min_idx(iend, ib + quads * 4 * lanes);
        if (quads)
            BS_P(direct_pass)(g, f, q, ib, qend, rsb, csb);
        bs_idx wend = iend; /* where the tiles of two vectors start, when they go wide */
        for (bs_idx i = qend, rows; wide && i < iend; i += rows) {
            rows = direct_rows(iend - i, lanes, three, t->mr);
            if (rows <= 2 * lanes) {
                if (iend - i > lanes) /* not a last tile of one vector or less */
                    wend = i;
                break;
            }
        }
        for (bs_idx j = 0; j < g->n && qend < wend; j += t->nr) {
            const int nr = (int)min_idx(t->nr, g->n - j);
            for (bs_idx i = qend, rows; i < wend; i += rows) {
                rows = direct_rows(wend - i, lanes, three, t->mr);
                /* clang-format off */ /* (it takes BS_P(tile) for a statement macro) */
                BS_P(tile)(&f->P, t->fn, t->mr, t->nr, g->k, g->a + i, g->lda, g->b + j * csb,
                           rsb, csb, g->alpha, g->beta, g->c + i + j * g->ldc, g->ldc, (int)rows,
                           nr);
                /* clang-format on */
            }
        }
        if (wend < iend)
            BS_P(direct_pass)(g, f, w, wend, iend, rsb, csb);
    }
    return bytes;
}

/* Up to this many columns, C = A^T B with more than 4 rows runs as dot products. */
#ifndef BS_DOT_COLS
#define BS_DOT_COLS 16
#endif

/* Few rows (m <= 4), op(B) = B and k of at least a vector, or op(A) = A^T with few columns: C
 * as dot products with the
 * family's dot kernel, B streamed once. The rows of op(A) are contiguous along k when
 * transa = 'T' (or one row with lda = 1); otherwise they are first copied (rows_of_a).
 * Returns 0 when this path does not apply
 * (or memory is short), else 1 with *bytes the workspace used. */
int BS_P(gemm_dot_run)(const BS_P(gemm_args) * g, const bs_family *f, size_t *bytes)
{
    const BS_P(ukr_set) *set = &f->P;
    if (set->dot && g->transa == 'T' && g->transb == 'N' && g->m > 4 && g->n > 0 &&
        g->n <= BS_DOT_COLS && g->k >= set->lanes && g->alpha != (T)0) {
        /* C = A^T B with few columns (a batch-1 linear layer): A's columns are contiguous
         * along k, so every element is a dot product with no copy, taken 8, 4 or 2 rows at a
         * time. The packed path would transpose all of A for each call. */
        const bs_idx rows = g->n <= 2 ? 8 : g->n <= 4 ? 4 : 2; /* the kernel's best per n */
        *bytes = 0;
        for (bs_idx i = 0; i < g->m; i += rows)
            set->dot(min_idx(rows, g->m - i), g->n, g->k, g->a + i * g->lda, g->lda, g->b, g->ldb,
                     g->alpha, g->beta, g->c + i, g->ldc);
        return 1;
    }
    if (!set->dot || !BS_P(dot_rows_ok)(set, g->m, g->k) || g->n <= 0 || g->transb != 'N' ||
        g->alpha == (T)0)
        return 0;
    const T *at = g->a;
    bs_idx ldat = g->lda;
    *bytes = 0;
    T buf[BS_ROWBUF];
    if (g->transa == 'N' && !(g->m == 1 && g->lda == 1)) {
        if (!(at = BS_P(rows_of_a)(g->a, g->lda, g->m, g->k, buf, bytes)))
            return 0;
        ldat = g->k;
    }
    for (bs_idx i = 0; i < g->m; i += 4) /* the kernel's rows: up to 4 (B streamed once each) */
        set->dot(min_idx(4, g->m - i), g->n, g->k, at + i * ldat, ldat, g->b, g->ldb, g->alpha,
                 g->beta, g->c + i, g->ldc);
    return 1;
}

/* One column of C (n = 1) with op(A) = A: the family's matrix-vector kernel, A swept in
 * memory order. Returns 0 when this path does not apply. */
int BS_P(gemm_gemv_run)(const BS_P(gemm_args) * g, const bs_family *f)
{
    const BS_P(ukr_set) *set = &f->P;
    if (!set->gemv || g->n != 1 || g->transa != 'N' || g->m <= 0 || g->k <= 0 || g->alpha == (T)0)
        return 0;
    set->gemv(g->m, g->k, g->a, g->lda, g->b, g->transb == 'N' ? 1 : g->ldb, g->alpha, g->beta,
              g->c);
    return 1;
}
