/* tests/integration/wheelabi.c — a stand-in for the OpenBLAS that pip NumPy and SciPy wheels
 * bundle: a shared library exporting the ILP64 spellings (64-bit integers) cblas_dgemm64_,
 * scipy_cblas_dgemm64_, dgemm_64_, scipy_dgemm_64_, cblas_ddot64_, scipy_cblas_ddot64_, and the
 * LP64 ones of SciPy's scipy-openblas32 (32-bit integers) scipy_cblas_dgemm, scipy_dgemm_,
 * scipy_cblas_ddot, and LAPACK's dgesv in both kinds (dgesv_64_, scipy_dgesv_64_, scipy_dgesv_),
 * with a plain reference implementation (no PyPI here to fetch a real wheel). */
#include <stddef.h>
#include <stdint.h>

#include <cblas.h>

typedef int64_t i64;

/* C = alpha op(A) op(B) + beta C, column-major, ta/tb 'N' or 'T' */
static void ref_dgemm(char ta, char tb, i64 m, i64 n, i64 k, double alpha, const double *a, i64 lda,
                      const double *b, i64 ldb, double beta, double *c, i64 ldc)
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

static char tr(int cblas) { return cblas == CblasNoTrans ? 'N' : 'T'; }

static void cblas_form(int order, int ta, int tb, i64 m, i64 n, i64 k, double alpha,
                       const double *a, i64 lda, const double *b, i64 ldb, double beta, double *c,
                       i64 ldc)
{
    if (order == CblasColMajor)
        ref_dgemm(tr(ta), tr(tb), m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    else /* row-major: the transposed problem */
        ref_dgemm(tr(tb), tr(ta), n, m, k, alpha, b, ldb, a, lda, beta, c, ldc);
}

/* Solve A X = B by Gaussian elimination with partial pivoting, column-major; the pivots are
 * stored in ipiv as 64- or 32-bit integers (wide). Returns info as LAPACK's dgesv does. */
static i64 ref_dgesv(i64 n, i64 nrhs, double *a, i64 lda, void *ipiv, int wide, double *b, i64 ldb)
{
    i64 info = 0;
    for (i64 k = 0; k < n; k++) {
        i64 p = k;
        for (i64 i = k + 1; i < n; i++)
            if ((a[i + k * lda] < 0 ? -a[i + k * lda] : a[i + k * lda]) >
                (a[p + k * lda] < 0 ? -a[p + k * lda] : a[p + k * lda]))
                p = i;
        if (wide)
            ((i64 *)ipiv)[k] = p + 1;
        else
            ((int32_t *)ipiv)[k] = (int32_t)(p + 1);
        if (a[p + k * lda] == 0) {
            if (!info)
                info = k + 1;
            continue;
        }
        for (i64 j = 0; j < n; j++) { /* swap rows k and p of A and B */
            double t = a[k + j * lda];
            a[k + j * lda] = a[p + j * lda], a[p + j * lda] = t;
        }
        for (i64 j = 0; j < nrhs; j++) {
            double t = b[k + j * ldb];
            b[k + j * ldb] = b[p + j * ldb], b[p + j * ldb] = t;
        }
        for (i64 i = k + 1; i < n; i++) {
            const double l = a[i + k * lda] /= a[k + k * lda];
            for (i64 j = k + 1; j < n; j++)
                a[i + j * lda] -= l * a[k + j * lda];
            for (i64 j = 0; j < nrhs; j++)
                b[i + j * ldb] -= l * b[k + j * ldb];
        }
    }
    if (info)
        return info;
    for (i64 j = 0; j < nrhs; j++) /* back substitution with U */
        for (i64 i = n - 1; i >= 0; i--) {
            double s = b[i + j * ldb];
            for (i64 p = i + 1; p < n; p++)
                s -= a[i + p * lda] * b[p + j * ldb];
            b[i + j * ldb] = s / a[i + i * lda];
        }
    return 0;
}

/* the spellings: one-call forwarders, with integers of type I */
#define CBLAS_DGEMM(NAME, I)                                                                       \
    void NAME(int order, int ta, int tb, I m, I n, I k, double alpha, const double *a, I lda,      \
              const double *b, I ldb, double beta, double *c, I ldc)                               \
    {                                                                                              \
        cblas_form(order, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);                   \
    }
#define F77_DGEMM(NAME, I)                                                                         \
    void NAME(const char *ta, const char *tb, const I *m, const I *n, const I *k,                  \
              const double *alpha, const double *a, const I *lda, const double *b, const I *ldb,   \
              const double *beta, double *c, const I *ldc, size_t la, size_t lb)                   \
    {                                                                                              \
        (void)la, (void)lb;                                                                        \
        ref_dgemm(*ta == 'n' || *ta == 'N' ? 'N' : 'T', *tb == 'n' || *tb == 'N' ? 'N' : 'T', *m,  \
                  *n, *k, *alpha, a, *lda, b, *ldb, *beta, c, *ldc);                               \
    }
#define F77_DGESV(NAME, I)                                                                         \
    void NAME(const I *n, const I *nrhs, double *a, const I *lda, I *ipiv, double *b,              \
              const I *ldb, I *info)                                                               \
    {                                                                                              \
        *info = (I)ref_dgesv(*n, *nrhs, a, *lda, ipiv, sizeof(I) == 8, b, *ldb);                   \
    }
#define CBLAS_DDOT(NAME, I)                                                                        \
    double NAME(I n, const double *x, I incx, const double *y, I incy)                             \
    {                                                                                              \
        double s = 0;                                                                              \
        for (i64 i = 0; i < n; i++)                                                                \
            s += x[i * incx] * y[i * incy];                                                        \
        return s;                                                                                  \
    }

CBLAS_DGEMM(cblas_dgemm64_, i64)
CBLAS_DGEMM(scipy_cblas_dgemm64_, i64)
F77_DGEMM(dgemm_64_, i64)
F77_DGEMM(scipy_dgemm_64_, i64)
CBLAS_DDOT(cblas_ddot64_, i64)
CBLAS_DDOT(scipy_cblas_ddot64_, i64)
CBLAS_DGEMM(scipy_cblas_dgemm, int32_t)
F77_DGEMM(scipy_dgemm_, int32_t)
CBLAS_DDOT(scipy_cblas_ddot, int32_t)
F77_DGESV(dgesv_64_, i64)
F77_DGESV(scipy_dgesv_64_, i64)
F77_DGESV(scipy_dgesv_, int32_t)
