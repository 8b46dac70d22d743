/* kernels/ukr_tiny_template.h — the tiny kernel of a masked-load ISA and element type: C of at
 * most one vector of rows (m <= LANES), any n, k <= TINY_KMAX, op(A) = A, in one call with
 * nothing around it. The k columns of A are loaded once (masked to m rows) and stay in
 * registers, times alpha; each column of C is then k broadcasts of B and k FMAs into four
 * accumulators, and one masked store -- the columns are independent, so the core overlaps their FMA chains.
 *     C(0:m, j) = alpha * sum_p A(0:m, p) B(p, j) + beta * C(0:m, j),  j < n,
 * A(i, p) = a[i + p * lda], B(p, j) = b[p * rsb + j * csb]; beta == 0 never reads C.
 * Also the low-rank kernel (k <= LOWK_KMAX, any m) below. The includer defines TINY_NAME,
 * LOWK_NAME, TINY_KMAX and TINY_LOWK_REGS (how many vectors of A the ISA's registers hold
 * besides the accumulators, for each kernel), LOWK_KMAX where it is not 4, T, V, MASKT, VMASK,
 * VLOADM, VSTOREM and the ukr_ops.h operations, inside a region compiled for the ISA. */

#ifndef LOWK_KMAX
#define LOWK_KMAX 4 /* the low-rank kernel's largest k: 4, or 8 where the registers hold it */
#endif
#define TINY_BODY UKR_CAT(TINY_NAME, _body)
#define LOWK_BODY UKR_CAT(LOWK_NAME, _body)
#define LOWK_RUN UKR_CAT(LOWK_NAME, _run)
#ifndef UKR_CAT
#define UKR_CAT2(a, b) a##b
#define UKR_CAT(a, b) UKR_CAT2(a, b)
#endif

/* K, a constant once inlined: A's K columns in registers */
static inline __attribute__((always_inline)) void TINY_BODY(const int K, bs_idx n, const T *a,
                                                            bs_idx lda, const T *b, bs_idx rsb,
                                                            bs_idx csb, T alpha, T beta, T *c,
                                                            bs_idx ldc, MASKT mask)
{
    /* alpha A, scaled once here rather than once per column of C, which would lengthen each
     * column's chain by a multiply */
    const V valpha = VSET1(alpha), vbeta = VSET1(beta);
    V av[TINY_KMAX];
#pragma GCC unroll 16
    for (int p = 0; p < TINY_KMAX; p++)
        if (p < K)
            av[p] = VMUL(VLOADM(a + p * lda, mask), valpha);
    for (bs_idx j = 0; j < n; j++, b += csb, c += ldc) {
        V acc[4] = {VZERO(), VZERO(), VZERO(), VZERO()}; /* k steps mod 4: four chains */
#pragma GCC unroll 16
        for (int p = 0; p < TINY_KMAX; p++)
            if (p < K)
                acc[p & 3] = VFMA(av[p], VBCAST(b + p * rsb), acc[p & 3]);
        if (K > 2)
            acc[0] = VADD(acc[0], acc[2]);
        if (K > 3)
            acc[1] = VADD(acc[1], acc[3]);
        V r = K > 1 ? VADD(acc[0], acc[1]) : acc[0];
        if (beta != (T)0)
            r = VFMA(VLOADM(c, mask), vbeta, r);
        VSTOREM(c, r, mask);
    }
}

static void TINY_NAME(bs_idx m, bs_idx n, bs_idx k, const T *a, bs_idx lda, const T *b, bs_idx rsb,
                      bs_idx csb, T alpha, T beta, T *c, bs_idx ldc)
{
    const MASKT mask = VMASK((int)m);
#define TINY_K(K)                                                                                  \
    case K: TINY_BODY(K, n, a, lda, b, rsb, csb, alpha, beta, c, ldc, mask); break
    switch (k) {
        TINY_K(1);
        TINY_K(2);
        TINY_K(3);
        TINY_K(4);
        TINY_K(5);
        TINY_K(6);
        TINY_K(7);
        TINY_K(8);
        TINY_K(9);
        TINY_K(10);
        TINY_K(11);
        TINY_K(12);
#if TINY_KMAX > 12
        TINY_K(13);
        TINY_K(14);
        TINY_K(15);
        TINY_K(16);
#endif
    }
#undef TINY_K
}

/* The low-rank kernel: any m, k <= LOWK_KMAX, op(A) = A (a rank-k update such as
 * 128 x 128 x 2): the same idea over row blocks of up to 8 vectors, each block's K columns of A in registers
 * (TINY_LOWK_REGS of them) while every column of C passes: each element of C is then k FMAs
 * and a store, where a tile kernel spends its prologue and epilogue on two k steps. */
#define LOWK_MAXV(K) (TINY_LOWK_REGS / (K) > 8 ? 8 : TINY_LOWK_REGS / (K))

/* rows (<= MV vectors) of C from row a[0], c[0]; K and MV constants once inlined */
static inline __attribute__((always_inline)) void LOWK_BODY(const int K, const int MV, bs_idx rows,
                                                            bs_idx n, const T *a, bs_idx lda,
                                                            const T *b, bs_idx rsb, bs_idx csb,
                                                            V valpha, T beta, T *c, bs_idx ldc)
{
    const V vbeta = VSET1(beta);
    MASKT mask[8];
    V av[LOWK_KMAX][8];
#pragma GCC unroll 8
    for (int v = 0; v < MV; v++) { /* rows past the block's: no lane loaded or stored */
        mask[v] = VMASK_ROWS(rows, v);
#pragma GCC unroll 8
        for (int p = 0; p < K; p++) /* alpha A, once per block */
            av[p][v] = VMUL(VLOADM(a + p * lda + v * LANES, mask[v]), valpha);
    }
    for (bs_idx j = 0; j < n; j++, b += csb, c += ldc) {
        V bp[LOWK_KMAX];
#pragma GCC unroll 8
        for (int p = 0; p < K; p++)
            bp[p] = VBCAST(b + p * rsb);
#pragma GCC unroll 8
        for (int v = 0; v < MV; v++) {
            V r = VMUL(av[0][v], bp[0]);
#pragma GCC unroll 8
            for (int p = 1; p < K; p++)
                r = VFMA(av[p][v], bp[p], r);
            if (beta != (T)0)
                r = VFMA(VLOADM(c + v * LANES, mask[v]), vbeta, r);
            VSTOREM(c + v * LANES, r, mask[v]);
        }
    }
}

/* blocks of the most vectors the registers hold, then the rest in a block of 1, 2, 4 or
 * that many vectors, whichever is the first to cover it */
static inline __attribute__((always_inline)) void LOWK_RUN(const int K, bs_idx m, bs_idx n,
                                                           const T *a, bs_idx lda, const T *b,
                                                           bs_idx rsb, bs_idx csb, T alpha, T beta,
                                                           T *c, bs_idx ldc)
{
    const int MAXV = LOWK_MAXV(K);
    const V valpha = VSET1(alpha);
    bs_idx i = 0;
    for (; i + MAXV * LANES <= m; i += MAXV * LANES)
        LOWK_BODY(K, MAXV, MAXV * LANES, n, a + i, lda, b, rsb, csb, valpha, beta, c + i, ldc);
    const bs_idx rows = m - i;
    if (rows <= 0)
        return;
    if (rows <= LANES)
        LOWK_BODY(K, 1, rows, n, a + i, lda, b, rsb, csb, valpha, beta, c + i, ldc);
    else if (rows <= 2 * LANES)
        LOWK_BODY(K, 2, rows, n, a + i, lda, b, rsb, csb, valpha, beta, c + i, ldc);
    else if (rows <= 4 * LANES && MAXV >= 4)
        LOWK_BODY(K, 4, rows, n, a + i, lda, b, rsb, csb, valpha, beta, c + i, ldc);
    else
        LOWK_BODY(K, MAXV, rows, n, a + i, lda, b, rsb, csb, valpha, beta, c + i, ldc);
}

static void LOWK_NAME(bs_idx m, bs_idx n, bs_idx k, const T *a, bs_idx lda, const T *b, bs_idx rsb,
                      bs_idx csb, T alpha, T beta, T *c, bs_idx ldc)
{
    switch (k) {
    case 1: LOWK_RUN(1, m, n, a, lda, b, rsb, csb, alpha, beta, c, ldc); break;
    case 2: LOWK_RUN(2, m, n, a, lda, b, rsb, csb, alpha, beta, c, ldc); break;
    case 3: LOWK_RUN(3, m, n, a, lda, b, rsb, csb, alpha, beta, c, ldc); break;
    case 4: LOWK_RUN(4, m, n, a, lda, b, rsb, csb, alpha, beta, c, ldc); break;
#if LOWK_KMAX > 4
    case 5: LOWK_RUN(5, m, n, a, lda, b, rsb, csb, alpha, beta, c, ldc); break;
    case 6: LOWK_RUN(6, m, n, a, lda, b, rsb, csb, alpha, beta, c, ldc); break;
    case 7: LOWK_RUN(7, m, n, a, lda, b, rsb, csb, alpha, beta, c, ldc); break;
    case 8: LOWK_RUN(8, m, n, a, lda, b, rsb, csb, alpha, beta, c, ldc); break;
#endif
    }
}

#undef TINY_BODY
#undef LOWK_BODY
#undef LOWK_RUN
#undef LOWK_MAXV
