/* kernels/gemm_types.h — include-template (T, P; see gemm.h): the canonical arguments of one
 * element type and the entry points of the kernels for it. */

typedef struct BS_P(gemm_args) {
    char transa, transb; /* 'N' or 'T' */
    bs_idx m, n, k;
    T alpha;
    const T *a;
    bs_idx lda;
    const T *b;
    bs_idx ldb;
    T beta;
    T *c;
    bs_idx ldc;
} BS_P(gemm_args);

typedef void (*BS_P(gemm_fn))(const BS_P(gemm_args) * g, bs_kernel_info *info);

void BS_P(gemm_naive)(const BS_P(gemm_args) * g, bs_kernel_info *info);
void BS_P(gemm_blocked)(const BS_P(gemm_args) * g, bs_kernel_info *info);
void BS_P(gemm_vectorized)(const BS_P(gemm_args) * g, bs_kernel_info *info);
void BS_P(gemm_parallel)(const BS_P(gemm_args) * g, bs_kernel_info *info);
void BS_P(gemm_auto)(const BS_P(gemm_args) * g, bs_kernel_info *info);
