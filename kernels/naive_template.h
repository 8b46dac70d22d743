/* kernels/naive_template.h — include-template (T, P; see gemm.h): the naive kernel of one
 * element type, bs_?gemm_naive. */

void BS_P(gemm_naive)(const BS_P(gemm_args) * g, bs_kernel_info *info)
{
    info->threads = 1;
    info->workspace_bytes = 0;
    if (g->m <= 0 || g->n <= 0)
        return;
    const int only_scale = (g->alpha == (T)0 || g->k <= 0);
    /* Element (i, p) of op(A) and (p, j) of op(B), both column-major. */
    const bs_idx a_row = g->transa == 'N' ? 1 : g->lda;
    const bs_idx a_col = g->transa == 'N' ? g->lda : 1;
    const bs_idx b_row = g->transb == 'N' ? 1 : g->ldb;
    const bs_idx b_col = g->transb == 'N' ? g->ldb : 1;
    for (bs_idx j = 0; j < g->n; j++) {
        T *cj = g->c + j * g->ldc;
        for (bs_idx i = 0; i < g->m; i++) {
            T sum = 0;
            if (!only_scale)
                for (bs_idx p = 0; p < g->k; p++)
                    sum += g->a[i * a_row + p * a_col] * g->b[p * b_row + j * b_col];
            if (only_scale)
                cj[i] = g->beta == (T)0 ? (T)0 : g->beta * cj[i];
            else if (g->beta == (T)0)
                cj[i] = g->alpha * sum;
            else
                cj[i] = g->alpha * sum + g->beta * cj[i];
        }
    }
}
