/* kernels/ukr_gemv_template.h — the single-column kernel of a masked-load ISA and element type,
 * for C with one column (n = 1) and op(A) = A: a matrix-vector product that sweeps A column
 * after column, in the order it lies in memory, so the hardware prefetchers stream it (a tile
 * kernel would walk it 32 rows at a time, a jump of lda at every k step):
 *     y(0:m) = alpha * sum_p A(0:m, p) x(p) + beta * y(0:m),
 * A(i, p) = a[i + p * lda], x(p) = x[p * incx]; beta == 0 never reads y. y is taken in blocks
 * of GEMV_RB rows that stay in L1 while eight columns at a time are added into them.
 * The includer defines GEMV_NAME, T, V, LANES, MASKT, VMASK, VLOADM, VSTOREM and the
 * ukr_ops.h operations, inside a region compiled for the ISA. */

#define GEMV_COLS UKR_CAT(GEMV_NAME, _cols)
#ifndef UKR_CAT
#define UKR_CAT2(a, b) a##b
#define UKR_CAT(a, b) UKR_CAT2(a, b)
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

static void GEMV_NAME(bs_idx m, bs_idx k, const T *a, bs_idx lda, const T *x, bs_idx incx, T alpha,
                      T beta, T *y)
{
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
