/* kernels/ukr_dot_template.h — the dot-product kernel of a masked-load ISA and element type,
 * for problems with few rows (m <= 4, or 8 with one or two columns) and op(B) = B: each element of C
 * is the dot product of a row of op(A) and a column of B, both contiguous along k, so B is
 * streamed once with full vectors instead of padding a tall microkernel with rows that do not
 * exist:
 *     C(i, j) = alpha * sum_p AT(i, p) B(p, j) + beta * C(i, j),  i < m, j < n,
 * with AT(i, p) = at[i * ldat + p] and B(p, j) = b[p + j * ldb]; beta == 0 never reads C.
 * The includer defines DOT_NAME, T, V, LANES, MASKT, VMASK, VLOADM, VHSUM4(v0, v1, v2, v3, out)
 * (out[q] = the sum of the lanes of vq, the four reduced together) and the ukr_ops.h
 * operations, inside a region compiled for the ISA. */

#define DOT_BODY UKR_CAT(DOT_NAME, _body)
#define DOT_NARROW UKR_CAT(DOT_NAME, _narrow)
#ifndef UKR_CAT
#define UKR_CAT2(a, b) a##b
#define UKR_CAT(a, b) UKR_CAT2(a, b)
#endif

/* MI rows by NQ columns, constants once inlined: MI * NQ accumulators along k (MI <= 4 with
 * NQ 4 or 8: the more columns at once, the more streams of B in flight; MI <= 8 with NQ 1 or
 * 2, one or two columns: eight rows of A per load of B) */
static inline __attribute__((always_inline)) void DOT_BODY(const int MI, const int NQ, bs_idx n,
                                                           bs_idx k, const T *at, bs_idx ldat,
                                                           const T *b, bs_idx ldb, T alpha, T beta,
                                                           T *c, bs_idx ldc)
{
    const bs_idx kv = k / LANES * LANES;
    const MASKT tail = VMASK((int)(k - kv));
    for (bs_idx j = 0; j < n; j += NQ) {
        const int nw = n - j < NQ ? (int)(n - j) : NQ;
        const T *bj[8];
#pragma GCC unroll 8
        for (int q = 0; q < NQ; q++)
            bj[q] = b + (j + (q < nw ? q : nw - 1)) * ldb; /* missing columns re-read the last */
        V acc[8][8];
#pragma GCC unroll 8
        for (int i = 0; i < (MI + 3) / 4 * 4; i++) /* whole fours: the reductions take four */
#pragma GCC unroll 8
            for (int q = 0; q < NQ; q++)
                acc[i][q] = VZERO();
/* one vector of k steps from p: B's NQ columns, times each row of A, loaded by LOAD(ptr) */
/* clang-format off */ /* _Pragma inside a macro body: laid out by hand */
#define DOT_STEP(LOAD, p)                                                                          \
    {                                                                                              \
        V bv[8];                                                                                   \
        _Pragma("GCC unroll 8") for (int q = 0; q < NQ; q++) {                                    \
            bv[q] = LOAD(bj[q] + (p));                                                             \
            if (MI > 1) /* in a register too: else gcc reloads it for every row */                \
                __asm__("" : "+v"(bv[q]));                                                         \
        }                                                                                          \
        _Pragma("GCC unroll 8") for (int i = 0; i < MI; i++) {                                    \
            V av = LOAD(at + i * ldat + (p));                                                      \
            __asm__("" : "+v"(av)); /* in a register: else gcc reloads it for every column */   \
            _Pragma("GCC unroll 8") for (int q = 0; q < NQ; q++)                                   \
                acc[i][q] = VFMA(av, bv[q], acc[i][q]);                                            \
        }                                                                                          \
    }
#define DOT_FULL(ptr) VLOAD(ptr)
#define DOT_TAIL(ptr) VLOADM(ptr, tail)
        /* clang-format on */
        for (bs_idx p = 0; p <= k - LANES; p += LANES)
            DOT_STEP(DOT_FULL, p)
        if (kv < k) /* the last k % LANES steps: masked loads, the rest of the lanes zero */
            DOT_STEP(DOT_TAIL, kv)
#undef DOT_STEP
#undef DOT_FULL
#undef DOT_TAIL
        if (NQ == 2) { /* two columns: two rows' four dot products reduced together */
#pragma GCC unroll 4
            for (int i0 = 0; i0 < MI; i0 += 2) {
                T sum[4];
                VHSUM4(acc[i0][0], acc[i0][1], acc[i0 + 1][0], acc[i0 + 1][1], sum);
                for (int i = 0; i < 2 && i0 + i < MI; i++)
                    for (int q = 0; q < nw; q++) {
                        T *cij = c + i0 + i + (j + q) * ldc;
                        *cij = beta == (T)0 ? alpha * sum[2 * i + q]
                                            : alpha * sum[2 * i + q] + beta * *cij;
                    }
            }
            continue;
        }
        if (NQ == 1) { /* one column: rows reduced four at a time, stored together */
#pragma GCC unroll 2
            for (int i0 = 0; i0 < MI; i0 += 4) {
                T sum[4];
                VHSUM4(acc[i0][0], acc[i0 + 1][0], acc[i0 + 2][0], acc[i0 + 3][0], sum);
                T *ci = c + i0 + j * ldc;
                for (int i = 0; i < 4 && i0 + i < MI; i++)
                    ci[i] = beta == (T)0 ? alpha * sum[i] : alpha * sum[i] + beta * ci[i];
            }
            continue;
        }
#pragma GCC unroll 4
        for (int i = 0; i < MI; i++)
#pragma GCC unroll 2
            for (int q0 = 0; q0 < NQ; q0 += 4) {
                T sum[4]; /* four of row i's dot products, reduced together */
                VHSUM4(acc[i][q0], acc[i][q0 + 1], acc[i][q0 + 2], acc[i][q0 + 3], sum);
                const int qn = nw < q0 + 4 ? nw - q0 : 4;
                T *ci = c + i + (j + q0) * ldc;
                if (beta == (T)0)
                    for (int q = 0; q < qn; q++)
                        ci[q * ldc] = alpha * sum[q];
                else
                    for (int q = 0; q < qn; q++)
                        ci[q * ldc] = alpha * sum[q] + beta * ci[q * ldc];
            }
    }
}

/* one or two columns (NQ, a constant once inlined), up to 8 rows */
static inline __attribute__((always_inline)) void DOT_NARROW(const int NQ, bs_idx m, bs_idx k,
                                                             const T *at, bs_idx ldat, const T *b,
                                                             bs_idx ldb, T alpha, T beta, T *c,
                                                             bs_idx ldc)
{
    switch (m) {
    case 1: DOT_BODY(1, NQ, NQ, k, at, ldat, b, ldb, alpha, beta, c, ldc); break;
    case 2: DOT_BODY(2, NQ, NQ, k, at, ldat, b, ldb, alpha, beta, c, ldc); break;
    case 3: DOT_BODY(3, NQ, NQ, k, at, ldat, b, ldb, alpha, beta, c, ldc); break;
    case 4: DOT_BODY(4, NQ, NQ, k, at, ldat, b, ldb, alpha, beta, c, ldc); break;
    case 5: DOT_BODY(5, NQ, NQ, k, at, ldat, b, ldb, alpha, beta, c, ldc); break;
    case 6: DOT_BODY(6, NQ, NQ, k, at, ldat, b, ldb, alpha, beta, c, ldc); break;
    case 7: DOT_BODY(7, NQ, NQ, k, at, ldat, b, ldb, alpha, beta, c, ldc); break;
    default: DOT_BODY(8, NQ, NQ, k, at, ldat, b, ldb, alpha, beta, c, ldc); break;
    }
}

static void DOT_NAME(bs_idx m, bs_idx n, bs_idx k, const T *at, bs_idx ldat, const T *b, bs_idx ldb,
                     T alpha, T beta, T *c, bs_idx ldc)
{
    if (n == 1)
        DOT_NARROW(1, m, k, at, ldat, b, ldb, alpha, beta, c, ldc);
    else if (n == 2)
        DOT_NARROW(2, m, k, at, ldat, b, ldb, alpha, beta, c, ldc);
    else
        switch (m) { /* up to 4 rows */
        case 1: DOT_BODY(1, 4, n, k, at, ldat, b, ldb, alpha, beta, c, ldc); break;
        case 2: DOT_BODY(2, 8, n, k, at, ldat, b, ldb, alpha, beta, c, ldc); break;
        case 3: DOT_BODY(3, 4, n, k, at, ldat, b, ldb, alpha, beta, c, ldc); break;
        default: DOT_BODY(4, 4, n, k, at, ldat, b, ldb, alpha, beta, c, ldc); break;
        }
}

#undef DOT_BODY
#undef DOT_NARROW
