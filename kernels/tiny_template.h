/* kernels/tiny_template.h — include-template (T, P; see gemm.h): one tile of C on the family's
 * microkernel or edge kernels, and the tiny-problem path, both inline: blocked.c's loop nest and
 * direct path run tiles, and drivers.c runs a tiny problem with no call between the kernel's
 * entry and the family's kernel (a call layer is about a nanosecond of a 15 ns 1 x 1 x 1). */

/* Whether the dot-product path takes m rows with this k (op(B) = B): up to 4 with k of a vector
 * at least; up to half a vector where that is more (8 floats on AVX-512) with k of 6 vectors
 * at least. Fewer rows than half a vector waste most of its lanes on a tile; dot products
 * waste none, but stream B once per 4 rows and reduce each sum, which a short k does not
 * repay (8x64x64 sgemm: 0.9x of the tile, 5x300x300: 1.7x). */
static inline int BS_P(dot_rows_ok)(const BS_P(ukr_set) * set, bs_idx m, bs_idx k)
{
    return m > 0 && ((m <= 4 && k >= set->lanes) || (m <= set->lanes / 2 && k >= 6 * set->lanes));
}

/* The C that the low-rank kernel takes with k past 4 (measured: 200x200x8 1.2-1.4x faster
 * than on the tiles, 1000x1000x6 and 3000x300x5 slower) */
#ifndef BS_LOWK_C_BYTES
#define BS_LOWK_C_BYTES (512.0 * 1024)
#endif

/* One tile of C, rows x cols (at most the microkernel's mr x nr, or three vectors of rows
 * where the family has edge[2]): the microkernel itself when the tile is full, else the
 * family's edge kernels covering it exactly (rows of one, two or three vectors, columns 8, 4,
 * 2, 1 at a time), so a ragged edge costs in proportion to its size. */
static inline void BS_P(tile)(const BS_P(ukr_set) * set, BS_P(ukr) full, int mr, int nr, bs_idx k,
                              const T *a, bs_idx rsa, const T *b, bs_idx rsb, bs_idx csb, T alpha,
                              T beta, T *c, bs_idx ldc, int rows, int cols)
{
    const int v = rows > 2 * set->lanes ? 2 : rows > set->lanes; /* vectors of rows - 1 */
    if ((rows == mr && cols == nr) || !set->edge[0][0] || v > 2 || !set->edge[v][0]) {
        full(k, a, rsa, b, rsb, csb, alpha, beta, c, ldc, rows, cols);
        return;
    }
    for (int j = 0, w = 8; j < cols; j += w) {
        while (w > cols - j)
            w /= 2;
        const int wi = w == 8 ? 3 : w == 4 ? 2 : w == 2 ? 1 : 0;
        set->edge[v][wi](k, a, rsa, b + j * csb, rsb, csb, alpha, beta, c + j * ldc, ldc, rows, w);
    }
}

/* A tiny or low-rank problem with op(A) = A, in one call with nothing around it (a few
 * nanoseconds): k <= 4, any m, to the family's low-rank kernel, and k up to its lowk_kmax
 * while C takes at most BS_LOWK_C_BYTES; C of at most one vector of rows with k <= tiny_kmax,
 * any n, to its tiny kernel; else m <= the direct tile's mr with n and k
 * <= 16, its tiles (one or two) straight to the microkernel or the edge kernels covering them.
 * Few rows with a whole vector of k are left to the dot-product path. Returns 0 when the
 * problem is not that. */
static inline __attribute__((always_inline)) int BS_P(gemm_tiny_run)(const BS_P(gemm_args) * g,
                                                                     const bs_family *f)
{
    const BS_P(ukr_tile) *t = &f->P.small;
    const BS_P(ukr_set) *set = &f->P;
    if (!f->direct || g->transa != 'N' || g->m <= 0 || g->n <= 0 || g->k <= 0 || g->alpha == (T)0 ||
        (g->transb == 'N' && BS_P(dot_rows_ok)(&f->P, g->m, g->k)))
        return 0;
    const bs_idx rsb = g->transb == 'N' ? 1 : g->ldb, csb = g->transb == 'N' ? g->ldb : 1;
    /* any m: a rank-k update (k of 5 and more only while C stays in L2: the kernel passes
     * over every column of C once per block of rows) */
    if (set->lowk && (g->k <= 4 || (g->k <= set->lowk_kmax &&
                                    (double)g->m * g->n * sizeof(T) <= BS_LOWK_C_BYTES))) {
        set->lowk(g->m, g->n, g->k, g->a, g->lda, g->b, rsb, csb, g->alpha, g->beta, g->c, g->ldc);
        return 1;
    }
    /* any n; a whole vector of rows with k of 15-16 runs a little faster on the tiles */
    if (set->tiny && g->m <= set->lanes && g->k <= set->tiny_kmax &&
        (g->m < set->lanes || g->k < 15)) {
        set->tiny(g->m, g->n, g->k, g->a, g->lda, g->b, rsb, csb, g->alpha, g->beta, g->c, g->ldc);
        return 1;
    }
    if (g->m > t->mr || g->n > 16 || g->k > 16)
        return 0;
    for (bs_idx j = 0; j < g->n; j += t->nr) {
        const int cols = (int)min_idx(t->nr, g->n - j), rows = (int)g->m;
        if (cols == t->nr || !set->edge[0][0] || rows > 2 * set->lanes) {
            BS_P(tile)
            (set, t->fn, t->mr, t->nr, g->k, g->a, g->lda, g->b + j * csb, rsb, csb, g->alpha,
             g->beta, g->c + j * g->ldc, g->ldc, rows, cols);
            continue;
        }
        /* k is short: one edge kernel as wide as the next of 1, 2, 4, 8 columns (the ones past
         * cols re-read the last, nothing stored there) costs less than 4 + 2 + 1 calls */
        const int wi = cols <= 1 ? 0 : cols <= 2 ? 1 : cols <= 4 ? 2 : 3;
        set->edge[rows > set->lanes][wi](g->k, g->a, g->lda, g->b + j * csb, rsb, csb, g->alpha,
                                         g->beta, g->c + j * g->ldc, g->ldc, rows, cols);
    }
    return 1;
}
