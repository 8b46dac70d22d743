/* kernels/ukr_gemv_template.h — the single-column kernel of a masked-load ISA and element type,
 * for C with one column (n = 1) and op(A) = A: a matrix-vector product that sweeps A column
 * after column, in the order it lies in memory, so the hardware prefetchers stream it (a tile
 * kernel would walk it 32 rows at a time, a jump of lda at every k step):
 *     y(0:m) = alpha * sum_p A(0:m, p) x(p) + beta * y(0:m),
 * A(i, p) = a[i + p * lda], x(p) = x[p * incx]; beta == 0 never reads y. A y of up to
 * GEMV_MAXV vectors stays in registers while A streams past once (64 x 1 x 512 sgemm: 1.25x the
 * blocked sweep: A is read at L2 speed); a taller y is taken in blocks of GEMV_RB rows that stay
 * in L1 while eight columns at a time are added into them.
 * The includer defines GEMV_NAME, T, V, LANES, MASKT, VMASK, VLOADM, VSTOREM and the
 * ukr_ops.h operations, inside a region compiled for the ISA. */

#define GEMV_COLS UKR_CAT(GEMV_NAME, _cols)
#define GEMV_REGS UKR_CAT(GEMV_NAME, _regs)
#ifndef UKR_CAT
#define UKR_CAT2(a, b) a##b
#define UKR_CAT(a, b) UKR_CAT2(a, b)
#endif
/* vectors of y held in registers (GEMV_REGS) at most: 4, 8 or 16, from the ISA's registers */
#ifndef GEMV_MAXV
#define GEMV_MAXV 4
#endif
#ifndef GEMV_REG_BYTES
#define GEMV_REG_BYTES (1024.0 * 1024) /* A up to this, y in registers by blocks (L2: 2 MiB) */
#endif
#ifndef GEMV_RB
#define GEMV_RB 2048 /* rows of y per block: 8 KiB of float, 16 KiB of double */
#endif

/* y(i0:i1) += sum of Q (a constant once inlined) columns of A from ap, times xs */
static inline __attribute__((always_inline)) void GEMV_COLS(const int Q, bs_idx rows, const T *ap,
                                                            bs_idx lda, const V *xs, T *y)
{
    bs_idx i = 0;
    for (; i + LANES <= rows; i += LANES) {
        V s[2] = {VZERO(), VZERO()}; /* two chains of Q / 2 */
#pragma GCC unroll 8
        for (int q = 0; q < Q; q++)
            s[q & 1] = VFMA(VLOAD(ap + i + q * lda), xs[q], s[q & 1]);
        VSTORE(y + i, VADD(VLOAD(y + i), Q > 1 ? VADD(s[0], s[1]) : s[0]));
    }
    if (i < rows) {
        const MASKT mask = VMASK((int)(rows - i));
        V s = VZERO();
#pragma GCC unroll 8
        for (int q = 0; q < Q; q++)
            s = VFMA(VLOADM(ap + i + q * lda, mask), xs[q], s);
        VSTOREM(y + i, VADD(VLOADM(y + i, mask), s), mask);
    }
}

/* y of MV vectors (a constant once inlined; m > (MV - 1) * LANES rows) held in registers
 * while A streams past once, column after column: two sets of accumulators (even and odd
 * columns) for the FMA latency; the last vector's loads masked when FULL is 0 */
static inline __attribute__((always_inline)) void GEMV_REGS(const int MV, const int FULL, bs_idx m,
                                                            bs_idx k, const T *a, bs_idx lda,
                                                            const T *x, bs_idx incx, T alpha,
                                                            T beta, T *y)
{
    const MASKT last = VMASK((int)(m - (MV - 1) * LANES));
    V s0[16], s1[16];
#pragma GCC unroll 16
    for (int v = 0; v < MV; v++)
        s0[v] = VZERO(), s1[v] = VZERO();
#define GEMV_LOAD(p, v)                                                                            \
    (!FULL && (v) == MV - 1 ? VLOADM(a + (p)*lda + (v)*LANES, last)                                \
                            : VLOAD(a + (p)*lda + (v)*LANES))
    bs_idx p = 0;
    for (; p + 2 <= k; p += 2) {
        const V x0 = VSET1(x[p * incx]), x1 = VSET1(x[(p + 1) * incx]);
#pragma GCC unroll 16
        for (int v = 0; v < MV; v++) /* more than 8 vectors: enough chains in one set */
            s0[v] = VFMA(GEMV_LOAD(p, v), x0, s0[v]);
#pragma GCC unroll 16
        for (int v = 0; v < MV; v++)
            if (MV > 8)
                s0[v] = VFMA(GEMV_LOAD(p + 1, v), x1, s0[v]);
            else
                s1[v] = VFMA(GEMV_LOAD(p + 1, v), x1, s1[v]);
    }
    if (p < k) {
        const V x0 = VSET1(x[p * incx]);
#pragma GCC unroll 16
        for (int v = 0; v < MV; v++)
            s0[v] = VFMA(GEMV_LOAD(p, v), x0, s0[v]);
    }
#undef GEMV_LOAD
    const V valpha = VSET1(alpha), vbeta = VSET1(beta);
#pragma GCC unroll 16
    for (int v = 0; v < MV; v++) {
        const MASKT mask = VMASK_ROWS(m, v);
        V r = VMUL(MV > 8 ? s0[v] : VADD(s0[v], s1[v]), valpha);
        if (beta != (T)0)
            r = VFMA(VLOADM(y + v * LANES, mask), vbeta, r);
        VSTOREM(y + v * LANES, r, mask);
    }
}

static void GEMV_NAME(bs_idx m, bs_idx k, const T *a, bs_idx lda, const T *x, bs_idx incx, T alpha,
                      T beta, T *y)
{
    /* a taller y over an A that stays in L2: blocks of GEMV_MAXV vectors, each held in
     * registers over the whole of k (A read a block of rows at a time; from memory, the sweep
     * in memory order below streams it faster) */
    if ((double)m * (double)k * sizeof(T) <= GEMV_REG_BYTES)
        for (; m > GEMV_MAXV * LANES; m -= GEMV_MAXV * LANES) {
            GEMV_REGS(GEMV_MAXV, 1, GEMV_MAXV * LANES, k, a, lda, x, incx, alpha, beta, y);
            a += GEMV_MAXV * LANES, y += GEMV_MAXV * LANES;
        }
    if (m <= GEMV_MAXV * LANES) { /* y fits in registers */
        const int full = m % LANES == 0;
        switch ((m + LANES - 1) / LANES) {
#define GEMV_MV(MV)                                                                                \
    case MV:                                                                                       \
        if (full)                                                                                  \
            GEMV_REGS(MV, 1, m, k, a, lda, x, incx, alpha, beta, y);                               \
        else                                                                                       \
            GEMV_REGS(MV, 0, m, k, a, lda, x, incx, alpha, beta, y);                               \
        return
            GEMV_MV(1);
            GEMV_MV(2);
            GEMV_MV(3);
            GEMV_MV(4);
#if GEMV_MAXV > 4
            GEMV_MV(5);
            GEMV_MV(6);
            GEMV_MV(7);
            GEMV_MV(8);
#endif
#if GEMV_MAXV > 8
            GEMV_MV(9);
            GEMV_MV(10);
            GEMV_MV(11);
            GEMV_MV(12);
            GEMV_MV(13);
            GEMV_MV(14);
            GEMV_MV(15);
            GEMV_MV(16);
#endif
#undef GEMV_MV
        }
    }
    for (bs_idx i0 = 0; i0 < m; i0 += GEMV_RB) {
        const bs_idx rows = m - i0 < GEMV_RB ? m - i0 : GEMV_RB;
        T *yb = y + i0;
        for (bs_idx i = 0; i < rows; i++)
            yb[i] = beta == (T)0 ? (T)0 : beta * yb[i];
        bs_idx p = 0;
        for (; p + 8 <= k; p += 8) {
            V xs[8];
#pragma GCC unroll 8
            for (int q = 0; q < 8; q++)
                xs[q] = VSET1(alpha * x[(p + q) * incx]);
            GEMV_COLS(8, rows, a + i0 + p * lda, lda, xs, yb);
        }
        for (; p < k; p++) {
            const V xs = VSET1(alpha * x[p * incx]);
            GEMV_COLS(1, rows, a + i0 + p * lda, lda, &xs, yb);
        }
    }
}

#undef GEMV_COLS
#undef GEMV_REGS
