/* kernels/ukr_dot_template.h — the dot-product kernel of a masked-load ISA and element type,
 * for problems with few rows (m <= 4) and op(B) = B: each element of C is the dot product of a
 * row of op(A) and a column of B, both contiguous along k, so B is streamed once with full
 * vectors instead of padding a tall microkernel with rows that do not exist:
 *     C(i, j) = alpha * sum_p AT(i, p) B(p, j) + beta * C(i, j),  i < m <= 4, j < n,
 * with AT(i, p) = at[i * ldat + p] and B(p, j) = b[p + j * ldb]; beta == 0 never reads C.
 * The includer defines DOT_NAME, T, V, LANES, MASKT, VMASK, VLOADM, VHSUM4(v0, v1, v2, v3, out)
 * (out[q] = the sum of the lanes of vq, the four reduced together) and the ukr_ops.h operations, inside a region compiled for the ISA. */

#define DOT_BODY UKR_CAT(DOT_NAME, _body)
#ifndef UKR_CAT
#define UKR_CAT2(a, b) a##b
#define UKR_CAT(a, b) UKR_CAT2(a, b)
#endif

/* MI rows (a constant once inlined) by 4 columns: 4 * MI accumulators along k */
static inline __attribute__((always_inline)) void DOT_BODY(int MI, bs_idx n, bs_idx k, const T *at,
                                                           bs_idx ldat, const T *b, bs_idx ldb,
                                                           T alpha, T beta, T *c, bs_idx ldc)
{
    const bs_idx kv = k / LANES * LANES;
    const MASKT tail = VMASK((int)(k - kv));
    for (bs_idx j = 0; j < n; j += 4) {
        const int nw = n - j < 4 ? (int)(n - j) : 4;
        const T *bj[4];
#pragma GCC unroll 4
        for (int q = 0; q < 4; q++)
            bj[q] = b + (j + (q < nw ? q : nw - 1)) * ldb; /* missing columns re-read the last */
        V acc[4][4];
#pragma GCC unroll 4
        for (int i = 0; i < 4; i++)
#pragma GCC unroll 4
            for (int q = 0; q < 4; q++)
                acc[i][q] = VZERO();
        for (bs_idx p = 0; p <= k - LANES; p += LANES) {
            V bv[4];
#pragma GCC unroll 4
            for (int q = 0; q < 4; q++)
                bv[q] = VLOAD(bj[q] + p);
#pragma GCC unroll 4
            for (int i = 0; i < 4; i++) {
                if (i >= MI)
                    break;
                const V av = VLOAD(at + i * ldat + p);
#pragma GCC unroll 4
                for (int q = 0; q < 4; q++)
                    acc[i][q] = VFMA(av, bv[q], acc[i][q]);
            }
        }
        if (kv < k) { /* the last k % LANES steps: masked loads, the rest of the lanes zero */
            V bv[4];
#pragma GCC unroll 4
            for (int q = 0; q < 4; q++)
                bv[q] = VLOADM(bj[q] + kv, tail);
#pragma GCC unroll 4
            for (int i = 0; i < 4; i++) {
                if (i >= MI)
                    break;
                const V av = VLOADM(at + i * ldat + kv, tail);
#pragma GCC unroll 4
                for (int q = 0; q < 4; q++)
                    acc[i][q] = VFMA(av, bv[q], acc[i][q]);
            }
        }
#pragma GCC unroll 4
        for (int i = 0; i < 4; i++) {
            if (i >= MI)
                break;
            T sum[4]; /* row i's four dot products, reduced together */
            VHSUM4(acc[i][0], acc[i][1], acc[i][2], acc[i][3], sum);
            for (int q = 0; q < nw; q++) {
                T *cij = c + i + (j + q) * ldc;
                *cij = beta == (T)0 ? alpha * sum[q] : alpha * sum[q] + beta * *cij;
            }
        }
    }
}

static void DOT_NAME(bs_idx m, bs_idx n, bs_idx k, const T *at, bs_idx ldat, const T *b, bs_idx ldb,
                     T alpha, T beta, T *c, bs_idx ldc)
{
    switch (m) {
    case 1: DOT_BODY(1, n, k, at, ldat, b, ldb, alpha, beta, c, ldc); break;
    case 2: DOT_BODY(2, n, k, at, ldat, b, ldb, alpha, beta, c, ldc); break;
    case 3: DOT_BODY(3, n, k, at, ldat, b, ldb, alpha, beta, c, ldc); break;
    default: DOT_BODY(4, n, k, at, ldat, b, ldb, alpha, beta, c, ldc); break;
    }
}

#undef DOT_BODY
