/* tests/integration/lapackeprobe.c — a C program calling LAPACK through its C interface,
 * LAPACKE (liblapacke): solves and factorizations in column- and row-major order, a QR and a
 * symmetric eigensolver (liblapacke queries and allocates their workspace), a complex solve, a
 * singular system (info > 0). Prints every result's checksum and info, so that runs with and
 * without the shim can be compared. */
#include <complex.h>
#include <stdio.h>

#include <lapacke.h>

#include "probe_matrix.h"

enum { N = 60, NRHS = 2 };

static void rhs(double *b, int n)
{
    for (int i = 0; i < n; i++)
        b[i] = (i % 5) - 2.0;
}

int main(void)
{
    static double a[N * N], b[N * NRHS], w[N], tau[N];
    static lapack_complex_double z[N * N], zb[N];
    static lapack_int ipiv[N];
    lapack_int info;

    matrix(a, N, 0);
    rhs(b, N * NRHS);
    info = LAPACKE_dgesv(LAPACK_COL_MAJOR, N, NRHS, a, N, ipiv, b, N);
    printf("dgesv col info %d sum %.17g\n", (int)info, sum(b, N * NRHS));

    matrix(a, N, 0);
    rhs(b, N * NRHS);
    info = LAPACKE_dgesv(LAPACK_ROW_MAJOR, N, NRHS, a, N, ipiv, b, NRHS);
    printf("dgesv row info %d sum %.17g\n", (int)info, sum(b, N * NRHS));

    matrix(a, N, 0);
    info = LAPACKE_dgetrf(LAPACK_ROW_MAJOR, N, N - 10, a, N - 10, ipiv);
    printf("dgetrf row info %d sum %.17g\n", (int)info, sum(a, N * (N - 10)));

    matrix(a, N, 1);
    info = LAPACKE_dpotrf(LAPACK_COL_MAJOR, 'L', N, a, N);
    printf("dpotrf col info %d sum %.17g\n", (int)info, sum(a, N * N));

    for (int i = 0; i < N * N; i++)
        a[i] = ((i * 13) % 29) / 29.0 - 0.5;
    info = LAPACKE_dgeqrf(LAPACK_COL_MAJOR, N, N - 20, a, N, tau);
    printf("dgeqrf col info %d sum %.17g\n", (int)info, sum(a, N * (N - 20)) + sum(tau, N - 20));

    matrix(a, N, 1);
    info = LAPACKE_dsyevd(LAPACK_ROW_MAJOR, 'V', 'U', N, a, N, w);
    printf("dsyevd row info %d sum %.17g\n", (int)info, sum(w, N));

    zsystem(z, zb, N);
    info = LAPACKE_zgesv(LAPACK_COL_MAJOR, N, 1, z, N, ipiv, zb, N);
    printf("zgesv col info %d sum %.17g\n", (int)info, zsum(zb, N));

    /* singular: a zero column (the sixth) */
    matrix(a, N, 0);
    for (int i = 0; i < N; i++)
        a[i + 5 * N] = 0;
    rhs(b, N * NRHS);
    info = LAPACKE_dgesv(LAPACK_COL_MAJOR, N, NRHS, a, N, ipiv, b, N);
    printf("singular dgesv info %d\n", (int)info);
    return 0;
}
