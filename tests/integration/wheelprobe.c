/* tests/integration/wheelprobe.c — a program calling BLAS the way pip NumPy and SciPy wheels
 * do, by the ILP64 spellings and SciPy's LP64 scipy_ ones (tests/integration/wheelabi.c provides
 * them). Each product is checked against a loop here ("ok"/"WRONG"); the last line is
 * "calls N". */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cblas.h> /* the enums; the spellings are declared here */

typedef int64_t i64;
void cblas_dgemm64_(int, int, int, i64, i64, i64, double, const double *, i64, const double *, i64,
                    double, double *, i64);
void scipy_cblas_dgemm64_(int, int, int, i64, i64, i64, double, const double *, i64, const double *,
                          i64, double, double *, i64);
void dgemm_64_(const char *, const char *, const i64 *, const i64 *, const i64 *, const double *,
               const double *, const i64 *, const double *, const i64 *, const double *, double *,
               const i64 *, size_t, size_t);
void scipy_dgemm_64_(const char *, const char *, const i64 *, const i64 *, const i64 *,
                     const double *, const double *, const i64 *, const double *, const i64 *,
                     const double *, double *, const i64 *, size_t, size_t);
double cblas_ddot64_(i64, const double *, i64, const double *, i64);
double scipy_cblas_ddot64_(i64, const double *, i64, const double *, i64);
void scipy_cblas_dgemm(int, int, int, int32_t, int32_t, int32_t, double, const double *, int32_t,
                       const double *, int32_t, double, double *, int32_t);
void scipy_dgemm_(const char *, const char *, const int32_t *, const int32_t *, const int32_t *,
                  const double *, const double *, const int32_t *, const double *, const int32_t *,
                  const double *, double *, const int32_t *, size_t, size_t);
double scipy_cblas_ddot(int32_t, const double *, int32_t, const double *, int32_t);
void dgesv_64_(const i64 *, const i64 *, double *, const i64 *, i64 *, double *, const i64 *,
               i64 *);
void scipy_dgesv_(const int32_t *, const int32_t *, double *, const int32_t *, int32_t *, double *,
                  const int32_t *, int32_t *);

enum { M = 70, N = 50, K = 60 };
static double a[M * K], b[K * N], c[M * N], want[M * N];

/* column-major C = A B, A M x K, B K x N */
static void reference(void)
{
    for (int j = 0; j < N; j++)
        for (int i = 0; i < M; i++) {
            double s = 0;
            for (int p = 0; p < K; p++)
                s += a[i + p * M] * b[p + j * K];
            want[i + j * M] = s;
        }
}

static void check(const char *what)
{
    double err = 0;
    for (int i = 0; i < M * N; i++)
        err = fmax(err, fabs(c[i] - want[i]));
    printf("%s %s\n", what, err < 1e-10 ? "ok" : "WRONG");
    for (int i = 0; i < M * N; i++)
        c[i] = NAN; /* beta = 0 must not read it */
}

int main(void)
{
    for (int i = 0; i < M * K; i++)
        a[i] = (i % 13) / 13.0;
    for (int i = 0; i < K * N; i++)
        b[i] = (i % 7) / 7.0 - 0.5;
    reference();
    const i64 m = M, n = N, k = K;
    const double one = 1, zero = 0;
    const int32_t m32 = M, n32 = N, k32 = K;
    cblas_dgemm64_(CblasColMajor, CblasNoTrans, CblasNoTrans, M, N, K, 1.0, a, M, b, K, 0.0, c, M);
    check("cblas_dgemm64_");
    /* row-major C^T */
    scipy_cblas_dgemm64_(CblasRowMajor, CblasNoTrans, CblasNoTrans, N, M, K, 1.0, b, K, a, M, 0.0,
                         c, M);
    check("scipy_cblas_dgemm64_");
    dgemm_64_("N", "N", &m, &n, &k, &one, a, &m, b, &k, &zero, c, &m, 1, 1);
    check("dgemm_64_");
    scipy_dgemm_64_("N", "N", &m, &n, &k, &one, a, &m, b, &k, &zero, c, &m, 1, 1);
    check("scipy_dgemm_64_");
    /* SciPy's LP64 spellings: a transposed A stored K x M, then the Fortran form */
    static double at[K * M];
    for (int i = 0; i < M; i++)
        for (int p = 0; p < K; p++)
            at[p + i * K] = a[i + p * M];
    scipy_cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, M, N, K, 1.0, at, K, b, K, 0.0, c,
                      M);
    check("scipy_cblas_dgemm");
    scipy_dgemm_("N", "N", &m32, &n32, &k32, &one, a, &m32, b, &k32, &zero, c, &m32, 1, 1);
    check("scipy_dgemm_");
    printf("ddot %.17g %.17g %.17g\n", cblas_ddot64_(K, a, 1, b, 1),
           scipy_cblas_ddot64_(K, a, 1, b, 1), scipy_cblas_ddot(K, a, 1, b, 1));
    /* LAPACK: A x = b with A = the first 40 x 40 block of a, made diagonally dominant */
    enum { S = 40 };
    static double sa[S * S], sb[S], want_x[S];
    for (int pass = 0; pass < 2; pass++) {
        for (int j = 0; j < S; j++)
            for (int i = 0; i < S; i++)
                sa[i + j * S] = a[i + j * M] + (i == j ? S : 0);
        for (int i = 0; i < S; i++)
            want_x[i] = i % 3 - 1.0;
        for (int i = 0; i < S; i++) { /* b = A x */
            sb[i] = 0;
            for (int j = 0; j < S; j++)
                sb[i] += sa[i + j * S] * want_x[j];
        }
        double err = 0;
        if (pass == 0) {
            i64 s = S, one = 1, ipiv[S], info;
            dgesv_64_(&s, &one, sa, &s, ipiv, sb, &s, &info);
            err = info ? 1 : 0;
        } else {
            int32_t s = S, one = 1, ipiv[S], info;
            scipy_dgesv_(&s, &one, sa, &s, ipiv, sb, &s, &info);
            err = info ? 1 : 0;
        }
        for (int i = 0; i < S; i++)
            err = fmax(err, fabs(sb[i] - want_x[i]));
        printf("%s %s\n", pass ? "scipy_dgesv_" : "dgesv_64_", err < 1e-10 ? "ok" : "WRONG");
    }
    printf("calls 11\n");
    return 0;
}
