/* kernels/ukr_generic_template.h — include-template (T, P; see gemm.h): the portable
 * microkernel of one element type, bs_?ukr_generic. */

static inline __attribute__((always_inline)) void
BS_P(ukr_generic_body)(bs_idx k, const T *a, bs_idx rsa, const T *b, bs_idx rsb, bs_idx csb,
                       T alpha, T beta, T *c, bs_idx ldc, int mr, int nr)
{
    T acc[GEN_NR][GEN_MR] = {{0}};
    for (bs_idx p = 0; p < k; p++, a += rsa, b += rsb)
        for (int j = 0; j < GEN_NR; j++)
            for (int i = 0; i < GEN_MR; i++)
                acc[j][i] += a[i] * b[j * csb];
    for (int j = 0; j < nr; j++)
        for (int i = 0; i < mr; i++) {
            T *cij = c + i + j * ldc;
            *cij = beta == (T)0 ? alpha * acc[j][i] : alpha * acc[j][i] + beta * *cij;
        }
}

static void BS_P(ukr_generic)(bs_idx k, const T *a, bs_idx rsa, const T *b, bs_idx rsb, bs_idx csb,
                              T alpha, T beta, T *c, bs_idx ldc, int mr, int nr)
{
    if (rsa == GEN_MR && rsb == GEN_NR && csb == 1) /* packed: constant strides */
        BS_P(ukr_generic_body)(k, a, GEN_MR, b, GEN_NR, 1, alpha, beta, c, ldc, mr, nr);
    else
        BS_P(ukr_generic_body)(k, a, rsa, b, rsb, csb, alpha, beta, c, ldc, mr, nr);
}
