/* kernels/ukr_generic.c — the portable microkernel: plain C, register-blocked MR x NR, written
 * so that the compiler vectorizes it for whatever the baseline target is (SSE2 on x86-64).
 * Used by the `blocked` kernel and as the last resort of `vectorized`. It is always handed a
 * packed B (bs_uarch_generic.direct_a is 0), which it is specialized for. */
#include "ukernel.h"

#define GEN_MR 8
#define GEN_NR 4

#define BS_UKR_GENERIC(T, P)                                                                \
    static inline __attribute__((always_inline)) void P##ukr_generic_body(                  \
        bs_idx k, const T *a, bs_idx rsa, const T *b, bs_idx rsb, bs_idx csb, T alpha,      \
        T beta, T *c, bs_idx ldc, int mr, int nr)                                           \
    {                                                                                       \
        T acc[GEN_NR][GEN_MR] = {{0}};                                                      \
        for (bs_idx p = 0; p < k; p++, a += rsa, b += rsb)                                  \
            for (int j = 0; j < GEN_NR; j++)                                                \
                for (int i = 0; i < GEN_MR; i++)                                            \
                    acc[j][i] += a[i] * b[j * csb];                                         \
        for (int j = 0; j < nr; j++)                                                        \
            for (int i = 0; i < mr; i++) {                                                  \
                T *cij = c + i + j * ldc;                                                   \
                *cij = beta == (T)0 ? alpha * acc[j][i] : alpha * acc[j][i] + beta * *cij;  \
            }                                                                               \
    }                                                                                       \
    static void P##ukr_generic(bs_idx k, const T *a, bs_idx rsa, const T *b, bs_idx rsb,    \
                               bs_idx csb, T alpha, T beta, T *c, bs_idx ldc, int mr,       \
                               int nr)                                                      \
    {                                                                                       \
        if (rsa == GEN_MR && rsb == GEN_NR && csb == 1) /* packed: constant strides */      \
            P##ukr_generic_body(k, a, GEN_MR, b, GEN_NR, 1, alpha, beta, c, ldc, mr, nr);   \
        else                                                                                \
            P##ukr_generic_body(k, a, rsa, b, rsb, csb, alpha, beta, c, ldc, mr, nr);       \
    }

BS_UKR_GENERIC(float, s)
BS_UKR_GENERIC(double, d)

const bs_uarch bs_uarch_generic = {"generic", 0, GEN_MR, GEN_NR, sukr_generic,
                                   GEN_MR, GEN_NR, dukr_generic, GEN_MR, GEN_NR, sukr_generic,
                                   GEN_MR, GEN_NR, dukr_generic};
