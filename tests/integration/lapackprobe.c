/* tests/integration/lapackprobe.c — a C program calling LAPACK by its Fortran names, as R,
 * Octave and SciPy do: a workspace query and a QR, an LU solve, an LU, a Cholesky, a complex
 * solve, then a singular system and a matrix that is not positive definite (info > 0), then Q of
 * a QR applied from the left and the right, a Hessenberg reduction, a least-squares solve and a
 * symmetric indefinite solve. Prints
 * every result's checksum and info, so that runs with and without the shim can be compared. */
#include <complex.h>
#include <stdio.h>
#include <stdlib.h>

#include "probe_matrix.h"

void dgeqrf_(const int *m, const int *n, double *a, const int *lda, double *tau, double *work,
             const int *lwork, int *info);
void dgesv_(const int *n, const int *nrhs, double *a, const int *lda, int *ipiv, double *b,
            const int *ldb, int *info);
void dgetrf_(const int *m, const int *n, double *a, const int *lda, int *ipiv, int *info);
void dpotrf_(const char *uplo, const int *n, double *a, const int *lda, int *info, size_t len);
void dormqr_(const char *side, const char *trans, const int *m, const int *n, const int *k,
             const double *a, const int *lda, const double *tau, double *c, const int *ldc,
             double *work, const int *lwork, int *info, size_t l1, size_t l2);
void dgehrd_(const int *n, const int *ilo, const int *ihi, double *a, const int *lda, double *tau,
             double *work, const int *lwork, int *info);
void dgels_(const char *trans, const int *m, const int *n, const int *nrhs, double *a,
            const int *lda, double *b, const int *ldb, double *work, const int *lwork, int *info,
            size_t len);
void dsysv_(const char *uplo, const int *n, const int *nrhs, double *a, const int *lda, int *ipiv,
            double *b, const int *ldb, double *work, const int *lwork, int *info, size_t len);
void zgesv_(const int *n, const int *nrhs, double complex *a, const int *lda, int *ipiv,
            double complex *b, const int *ldb, int *info);

enum { M = 120, N = 90, NRHS = 3 };

int main(void)
{
    static double a[M * M], b[M * NRHS], c[M * NRHS], tau[M], work[64 * M];
    static double complex z[N * N], zb[N];
    static int ipiv[M];
    const int m = M, n = N, nrhs = NRHS, query = -1;
    int info, lwork;

    for (int i = 0; i < M * N; i++)
        a[i] = ((i * 13) % 29) / 29.0 - 0.5;
    dgeqrf_(&m, &n, a, &m, tau, work, &query, &info); /* workspace query */
    lwork = (int)work[0] < 64 * M ? (int)work[0] : 64 * M;
    dgeqrf_(&m, &n, a, &m, tau, work, &lwork, &info);
    printf("dgeqrf info %d sum %.17g\n", info, sum(a, M * N) + sum(tau, N));

    matrix(a, N, 0);
    for (int i = 0; i < N * NRHS; i++)
        b[i] = (i % 5) - 2.0;
    dgesv_(&n, &nrhs, a, &n, ipiv, b, &n, &info);
    printf("dgesv info %d sum %.17g\n", info, sum(b, N * NRHS));

    matrix(a, M, 0);
    dgetrf_(&m, &n, a, &m, ipiv, &info); /* M x N */
    printf("dgetrf info %d sum %.17g\n", info, sum(a, M * N));

    matrix(a, N, 1);
    dpotrf_("L", &n, a, &n, &info, 1);
    printf("dpotrf info %d sum %.17g\n", info, sum(a, N * N));

    zsystem(z, zb, N);
    const int one = 1;
    zgesv_(&n, &one, z, &n, ipiv, zb, &n, &info);
    printf("zgesv info %d sum %.17g\n", info, zsum(zb, N));

    /* singular: a zero column (the sixth) */
    matrix(a, N, 0);
    for (int i = 0; i < N; i++)
        a[i + 5 * N] = 0;
    dgesv_(&n, &nrhs, a, &n, ipiv, b, &n, &info);
    printf("singular dgesv info %d\n", info);

    /* symmetric, not positive definite */
    matrix(a, N, 1);
    a[20 + 20 * N] = -1e6;
    dpotrf_("U", &n, a, &n, &info, 1);
    printf("indefinite dpotrf info %d\n", info);

    /* Q^T C (C: M x NRHS) and C Q (C: NRHS x M) with the Q of an M x N QR */
    const int big = 64 * M, one1 = 1;
    for (int i = 0; i < M * N; i++)
        a[i] = ((i * 13) % 29) / 29.0 - 0.5;
    dgeqrf_(&m, &n, a, &m, tau, work, &big, &info);
    for (int i = 0; i < M * NRHS; i++)
        c[i] = (i % 7) - 3.0;
    dormqr_("L", "T", &m, &nrhs, &n, a, &m, tau, c, &m, work, &big, &info, 1, 1);
    printf("dormqr L info %d sum %.17g\n", info, sum(c, M * NRHS));
    dormqr_("R", "N", &nrhs, &m, &n, a, &m, tau, c, &nrhs, work, &big, &info, 1, 1);
    printf("dormqr R info %d sum %.17g\n", info, sum(c, M * NRHS));

    matrix(a, N, 0);
    dgehrd_(&n, &one1, &n, a, &n, tau, work, &big, &info);
    printf("dgehrd info %d sum %.17g\n", info, sum(a, N * N) + sum(tau, N - 1));

    for (int i = 0; i < M * N; i++)
        a[i] = ((i * 13) % 29) / 29.0 - 0.5 + (i % (M + 1) == 0);
    for (int i = 0; i < M * NRHS; i++)
        b[i] = (i % 5) - 2.0;
    dgels_("N", &m, &n, &nrhs, a, &m, b, &m, work, &big, &info, 1);
    printf("dgels info %d sum %.17g\n", info, sum(b, N * NRHS));

    matrix(a, N, 1);
    a[20 + 20 * N] = -N; /* indefinite, nonsingular */
    for (int i = 0; i < N * NRHS; i++)
        b[i] = (i % 5) - 2.0;
    dsysv_("L", &n, &nrhs, a, &n, ipiv, b, &n, work, &big, &info, 1);
    printf("dsysv info %d sum %.17g\n", info, sum(b, N * NRHS));
    return 0;
}
