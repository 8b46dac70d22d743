/* kernels/ukr_template.h — the one SIMD microkernel, instantiated per ISA and element type.
 * The including file defines, before each inclusion:
 *   UKR_NAME, T, V, LANES, MV (vectors of A per column, MR = MV * LANES), NR,
 *   VZERO(), VLOAD(p), VBCAST(p), VFMA(a, b, c) = a * b + c, VSCALE(v, s), VSTORE(p, v),
 *   and, when the ISA has masked loads, VLOADM(p, n) (first n lanes, the rest zero).
 * It is included inside a region compiled for the ISA (#pragma GCC target). See ukernel.h
 * for the contract. */

#define UKR_MR (MV * LANES)

static void UKR_NAME(bs_idx k, const T *a, bs_idx rsa, const T *b, T alpha, T beta, T *c,
                     bs_idx ldc, int mr, int nr)
{
    V acc[NR][MV];
#pragma GCC unroll 16
    for (int j = 0; j < NR; j++)
#pragma GCC unroll 4
        for (int v = 0; v < MV; v++)
            acc[j][v] = VZERO();

#ifdef VLOADM
    if (mr < UKR_MR) {
        /* a short edge (of a direct A, or a zero-padded panel): masked loads, so no row
         * past mr is touched */
        for (bs_idx p = 0; p < k; p++, a += rsa, b += NR) {
            V av[MV];
#pragma GCC unroll 4
            for (int v = 0; v < MV; v++) {
                int n = mr - v * LANES;
                av[v] = VLOADM(a + v * LANES, n < 0 ? 0 : n > LANES ? LANES : n);
            }
#pragma GCC unroll 16
            for (int j = 0; j < NR; j++) {
                V bj = VBCAST(b + j);
#pragma GCC unroll 4
                for (int v = 0; v < MV; v++)
                    acc[j][v] = VFMA(av[v], bj, acc[j][v]);
            }
        }
    } else
#endif
    {
        bs_idx p = 0;
        for (; p < k; p++, a += rsa, b += NR) {
            V av[MV];
#pragma GCC unroll 4
            for (int v = 0; v < MV; v++)
                av[v] = VLOAD(a + v * LANES);
#pragma GCC unroll 16
            for (int j = 0; j < NR; j++) {
                V bj = VBCAST(b + j);
#pragma GCC unroll 4
                for (int v = 0; v < MV; v++)
                    acc[j][v] = VFMA(av[v], bj, acc[j][v]);
            }
        }
    }

    if (mr == UKR_MR && nr == NR) {
#pragma GCC unroll 16
        for (int j = 0; j < NR; j++)
#pragma GCC unroll 4
            for (int v = 0; v < MV; v++) {
                T *cp = c + j * ldc + v * LANES;
                V r = VSCALE(acc[j][v], alpha);
                if (beta != (T)0)
                    r = VFMA(VLOAD(cp), VBCAST(&beta), r);
                VSTORE(cp, r);
            }
        return;
    }
    /* edge tile: through a scratch column, element by element */
    for (int j = 0; j < nr; j++)
        for (int v = 0; v < MV && v * LANES < mr; v++) {
            T tmp[LANES];
            VSTORE(tmp, VSCALE(acc[j][v], alpha));
            T *cp = c + j * ldc + v * LANES;
            int n = mr - v * LANES < LANES ? mr - v * LANES : LANES;
            for (int i = 0; i < n; i++)
                cp[i] = beta == (T)0 ? tmp[i] : tmp[i] + beta * cp[i];
        }
}

#undef UKR_MR
