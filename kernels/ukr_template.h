/* kernels/ukr_template.h — the one SIMD microkernel, instantiated per ISA and element type.
 * The including file defines, before each inclusion:
 *   UKR_NAME, T, V, LANES, MV (vectors of A per column, MR = MV * LANES), NR,
 *   VZERO(), VLOAD(p), VBCAST(p), VSET1(x), VFMA(a, b, c) = a * b + c, VMUL(a, b),
 *   VSTORE(p, v), VADD(a, b), and, when the ISA has masked loads, MASKT, VMASK(n) (a mask of
 *   the first n lanes), VLOADM(p, mask) (masked lanes loaded, the rest zero) and
 *   VSTOREM(p, v, mask).
 * It is included inside a region compiled for the ISA (#pragma GCC target). See ukernel.h
 * for the contract. */

#define UKR_MR (MV * LANES)
#define UKR_KS (MV * NR >= 8 ? 1 : MV * NR >= 4 ? 2 : MV * NR == 3 ? 3 : 4)
#define UKR_CAT2(a, b) a##b
#define UKR_CAT(a, b) UKR_CAT2(a, b)
#define UKR_BODY UKR_CAT(UKR_NAME, _body)

/* B(p, j) = b[p * rsb + j * csb]; inlined twice: with the packed strides as constants, and
 * with the strides of an unpacked B */
static inline __attribute__((always_inline)) void UKR_BODY(bs_idx k, const T *a, bs_idx rsa,
                                                           const T *b, bs_idx rsb, bs_idx csb,
                                                           T alpha, T beta, T *c, bs_idx ldc,
                                                           int mr, int nr, int clamp)
{
    /* clamp: an unpacked B with fewer than NR columns; the missing ones re-read the last */
    bs_idx boff[NR];
#pragma GCC unroll 16
    for (int j = 0; j < NR; j++)
        boff[j] = (clamp && j >= nr ? nr - 1 : j) * csb;
    /* Narrow tiles have too few accumulators to hide the FMA latency: they keep UKR_KS sets,
     * one per k step of a group, and add them up at the end. */
    V acc[UKR_KS][NR][MV];
#pragma GCC unroll 4
    for (int s = 0; s < UKR_KS; s++)
#pragma GCC unroll 16
        for (int j = 0; j < NR; j++)
#pragma GCC unroll 4
            for (int v = 0; v < MV; v++)
                acc[s][j][v] = VZERO();

/* k steps, UKR_KS at a time and then one at a time: a column of A (loaded by LOADA(v, s),
 * step s of the group) times a row of B, into the accumulators of set s */
/* _Pragma inside a macro body: laid out by hand */
/* clang-format off */
#define UKR_KSTEP(LOADA, s)                                                                    \
    {                                                                                          \
        V av[MV];                                                                              \
        _Pragma("GCC unroll 4") for (int v = 0; v < MV; v++) av[v] = LOADA(v, s);             \
        _Pragma("GCC unroll 16") for (int j = 0; j < NR; j++) {                                \
            V bj = VBCAST(b + (s) * rsb + boff[j]);                                            \
            _Pragma("GCC unroll 4") for (int v = 0; v < MV; v++)                               \
                acc[s][j][v] = VFMA(av[v], bj, acc[s][j][v]);                                  \
        }                                                                                      \
    }
#define UKR_KLOOP(LOADA)                                                                       \
    {                                                                                          \
        bs_idx p = 0;                                                                          \
        _Pragma("GCC unroll 2")                                                                \
        for (; p + UKR_KS <= k; p += UKR_KS, a += UKR_KS * rsa, b += UKR_KS * rsb)             \
            _Pragma("GCC unroll 4") for (int s = 0; s < UKR_KS; s++) UKR_KSTEP(LOADA, s)       \
        for (; p < k; p++, a += rsa, b += rsb)                                                 \
            UKR_KSTEP(LOADA, 0)                                                                \
    }
/* clang-format on */
#define UKR_LOAD_FULL(v, s) VLOAD(a + (s)*rsa + (v)*LANES)
#define UKR_LOAD_MASKED(v, s) VLOADM(a + (s)*rsa + (v)*LANES, mask[v])
/* v is a constant once unrolled: only the last vector masked */
#define UKR_LOAD_LAST_MASKED(v, s)                                                                 \
    ((v) == MV - 1 ? VLOADM(a + (s)*rsa + (v)*LANES, mask[v]) : VLOAD(a + (s)*rsa + (v)*LANES))

#ifdef VLOADM
    if (mr < UKR_MR) {
        /* a short edge (of a direct A, or a zero-padded panel): masked loads, so no row
         * past mr is touched; the masks do not change along k */
        MASKT mask[MV];
#pragma GCC unroll 4
        for (int v = 0; v < MV; v++)
            mask[v] = VMASK_ROWS(mr, v);
        /* the usual edge tile has all its vectors but the last whole (the drivers tile rows so):
         * masked loads cost more than plain ones, so only that one is masked */
        if (mr > (MV - 1) * LANES)
            UKR_KLOOP(UKR_LOAD_LAST_MASKED)
        else
            UKR_KLOOP(UKR_LOAD_MASKED)
    } else
#endif
    {
        UKR_KLOOP(UKR_LOAD_FULL)
    }
#undef UKR_KLOOP
#undef UKR_KSTEP
#undef UKR_LOAD_FULL
#undef UKR_LOAD_MASKED
#undef UKR_LOAD_LAST_MASKED
#pragma GCC unroll 4
    for (int s = 1; s < UKR_KS; s++)
#pragma GCC unroll 16
        for (int j = 0; j < NR; j++)
#pragma GCC unroll 4
            for (int v = 0; v < MV; v++)
                acc[0][j][v] = VADD(acc[0][j][v], acc[s][j][v]);

    const V valpha = VSET1(alpha);
    if (mr == UKR_MR && nr == NR) {
        const V vbeta = VSET1(beta);
#pragma GCC unroll 16
        for (int j = 0; j < NR; j++)
#pragma GCC unroll 4
            for (int v = 0; v < MV; v++) {
                T *cp = c + j * ldc + v * LANES;
                V r = VMUL(acc[0][j][v], valpha);
                if (beta != (T)0)
                    r = VFMA(VLOAD(cp), vbeta, r);
                VSTORE(cp, r);
            }
        return;
    }
#ifdef VSTOREM
    /* edge tile: masked stores of the valid rows, whole columns skipped past nr; the
     * indices stay constant, so the accumulators stay in registers */
    {
        MASKT mask[MV];
#pragma GCC unroll 4
        for (int v = 0; v < MV; v++)
            mask[v] = VMASK_ROWS(mr, v);
        const V vbeta = VSET1(beta);
#pragma GCC unroll 16
        for (int j = 0; j < NR; j++) {
            if (j >= nr)
                break;
#pragma GCC unroll 4
            for (int v = 0; v < MV; v++) {
                T *cp = c + j * ldc + v * LANES;
                V r = VMUL(acc[0][j][v], valpha);
                if (beta != (T)0)
                    r = VFMA(VLOADM(cp, mask[v]), vbeta, r);
                VSTOREM(cp, r, mask[v]);
            }
        }
    }
#else
    /* edge tile: the whole tile to a scratch block (constant indices keep the accumulators
     * in registers), then element by element into the valid part of C */
    T tile[NR][UKR_MR];
#pragma GCC unroll 16
    for (int j = 0; j < NR; j++)
#pragma GCC unroll 4
        for (int v = 0; v < MV; v++)
            VSTORE(&tile[j][v * LANES], VMUL(acc[0][j][v], valpha));
    for (int j = 0; j < nr; j++) {
        T *cj = c + j * ldc;
        if (beta == (T)0)
            for (int i = 0; i < mr; i++)
                cj[i] = tile[j][i];
        else
            for (int i = 0; i < mr; i++)
                cj[i] = tile[j][i] + beta * cj[i];
    }
#endif
}

static void UKR_NAME(bs_idx k, const T *a, bs_idx rsa, const T *b, bs_idx rsb, bs_idx csb, T alpha,
                     T beta, T *c, bs_idx ldc, int mr, int nr)
{
    if (rsb == NR && csb == 1)
        UKR_BODY(k, a, rsa, b, NR, 1, alpha, beta, c, ldc, mr, nr, 0);
    else if (nr == NR)
        UKR_BODY(k, a, rsa, b, rsb, csb, alpha, beta, c, ldc, mr, nr, 0);
    else
        UKR_BODY(k, a, rsa, b, rsb, csb, alpha, beta, c, ldc, mr, nr, 1);
}

#undef UKR_BODY
#undef UKR_MR
#undef UKR_KS
