/* tests/integration/wheelabi.c — a stand-in for the OpenBLAS that pip NumPy wheels bundle:
 * a shared library exporting the ILP64 spellings (64-bit integers) cblas_dgemm64_,
 * scipy_cblas_dgemm64_, dgemm_64_, scipy_dgemm_64_, cblas_ddot64_, scipy_cblas_ddot64_, with a
 * plain reference implementation (no PyPI here to fetch a real wheel). */
#include <stddef.h>
#include <stdint.h>

typedef int64_t i64;

/* C = alpha op(A) op(B) + beta C, column-major, ta/tb 'N' or 'T' */
static void ref_dgemm(char ta, char tb, i64 m, i64 n, i64 k, double alpha, const double *a,
                      i64 lda, const double *b, i64 ldb, double beta, double *c, i64 ldc)
{
    for (i64 j = 0; j < n; j++)
        for (i64 i = 0; i < m; i++) {
            double s = 0;
            for (i64 p = 0; p < k; p++)
                s += (ta == 'N' ? a[i + p * lda] : a[p + i * lda]) *
                     (tb == 'N' ? b[p + j * ldb] : b[j + p * ldb]);
            c[i + j * ldc] = alpha * s + (beta == 0 ? 0 : beta * c[i + j * ldc]);
        }
}

static char tr(int cblas) { return cblas == 111 ? 'N' : 'T'; }

static void cblas_form(int order, int ta, int tb, i64 m, i64 n, i64 k, double alpha,
                       const double *a, i64 lda, const double *b, i64 ldb, double beta, double *c,
                       i64 ldc)
{
    if (order == 102) /* column-major */
        ref_dgemm(tr(ta), tr(tb), m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    else /* row-major: the transposed problem */
        ref_dgemm(tr(tb), tr(ta), n, m, k, alpha, b, ldb, a, lda, beta, c, ldc);
}

#define CBLAS_DGEMM(NAME)                                                                      \
    void NAME(int order, int ta, int tb, i64 m, i64 n, i64 k, double alpha, const double *a,   \
              i64 lda, const double *b, i64 ldb, double beta, double *c, i64 ldc)              \
    {                                                                                          \
        cblas_form(order, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);               \
    }
#define F77_DGEMM(NAME)                                                                        \
    void NAME(const char *ta, const char *tb, const i64 *m, const i64 *n, const i64 *k,        \
              const double *alpha, const double *a, const i64 *lda, const double *b,           \
              const i64 *ldb, const double *beta, double *c, const i64 *ldc, size_t la,        \
              size_t lb)                                                                       \
    {                                                                                          \
        (void)la, (void)lb;                                                                    \
        ref_dgemm(*ta == 'n' || *ta == 'N' ? 'N' : 'T', *tb == 'n' || *tb == 'N' ? 'N' : 'T',  \
                  *m, *n, *k, *alpha, a, *lda, b, *ldb, *beta, c, *ldc);                       \
    }
#define CBLAS_DDOT(NAME)                                                                       \
    double NAME(i64 n, const double *x, i64 incx, const double *y, i64 incy)                   \
    {                                                                                          \
        double s = 0;                                                                          \
        for (i64 i = 0; i < n; i++)                                                            \
            s += x[i * incx] * y[i * incy];                                                    \
        return s;                                                                              \
    }

CBLAS_DGEMM(cblas_dgemm64_)
CBLAS_DGEMM(scipy_cblas_dgemm64_)
F77_DGEMM(dgemm_64_)
F77_DGEMM(scipy_dgemm_64_)
CBLAS_DDOT(cblas_ddot64_)
CBLAS_DDOT(scipy_cblas_ddot64_)
