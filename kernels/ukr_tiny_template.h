/* kernels/ukr_tiny_template.h — the tiny kernel of a masked-load ISA and element type: C of at
 * most one vector of rows (m <= LANES), any n, k <= TINY_KMAX, op(A) = A, in one call with
 * nothing around it. The k columns of A are loaded once (masked to m rows) and stay in
 * registers; each column of C is then k broadcasts of B and k FMAs into four accumulators, and
 * one masked store -- the columns are independent, so the core overlaps their FMA chains.
 *     C(0:m, j) = alpha * sum_p A(0:m, p) B(p, j) + beta * C(0:m, j),  j < n,
 * A(i, p) = a[i + p * lda], B(p, j) = b[p * rsb + j * csb]; beta == 0 never reads C.
 * The includer defines TINY_NAME, TINY_KMAX (how many vectors of A the ISA's registers hold
 * besides the accumulators), T, V, MASKT, VMASK, VLOADM, VSTOREM and the ukr_ops.h operations,
 * inside a region compiled for the ISA. */

#define TINY_BODY UKR_CAT(TINY_NAME, _body)
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
    V av[TINY_KMAX];
#pragma GCC unroll 16
    for (int p = 0; p < TINY_KMAX; p++)
        if (p < K)
            av[p] = VLOADM(a + p * lda, mask);
    const V valpha = VSET1(alpha), vbeta = VSET1(beta);
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
        V r = VMUL(K > 1 ? VADD(acc[0], acc[1]) : acc[0], valpha);
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

#undef TINY_BODY
