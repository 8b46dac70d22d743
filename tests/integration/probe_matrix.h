/* tests/integration/probe_matrix.h — the LAPACK probes' test matrices and checksums
 * (lapackprobe.c, lapackeprobe.c). */
#ifndef BS_TESTS_PROBE_MATRIX_H
#define BS_TESTS_PROBE_MATRIX_H

#include <complex.h>

static double sum(const double *x, int n)
{
    double s = 0;
    for (int i = 0; i < n; i++)
        s += x[i];
    return s;
}

/* a well-conditioned n x n matrix (diagonally dominant), symmetric when sym */
static void matrix(double *a, int n, int sym)
{
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++)
            a[i + j * n] = sym ? ((i + j) % 17) / 17.0 : ((i * 31 + j * 7) % 23) / 23.0;
    for (int i = 0; i < n; i++)
        a[i + i * n] += n;
}

/* a complex n x n system z x = zb, diagonally dominant */
static void zsystem(double complex *z, double complex *zb, int n)
{
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++)
            z[i + j * n] =
                ((i + 2 * j) % 11) / 11.0 + I * ((3 * i + j) % 7) / 7.0 + (i == j ? n : 0);
    for (int i = 0; i < n; i++)
        zb[i] = 1.0 - I * (i % 3);
}

/* the sum of the real and imaginary parts */
static double zsum(const double complex *x, int n)
{
    double s = 0;
    for (int i = 0; i < n; i++)
        s += creal(x[i]) + cimag(x[i]);
    return s;
}

#endif
