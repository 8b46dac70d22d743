/* tests/integration/blasprobe.c — a sample of level-1/2/3 BLAS routines through their CBLAS and
 * Fortran names, linked against the system BLAS like a user's program. Prints every result
 * (the test compares runs with and without the shim) and, last, "calls N". */
#include <cblas.h>
#include <complex.h>
#include <stdio.h>

void daxpy_(const int *, const double *, const double *, const int *, double *, const int *);
double ddot_(const int *, const double *, const int *, const double *, const int *);
int isamax_(const int *, const float *, const int *);
double _Complex zdotc_(const int *, const double _Complex *, const int *, const double _Complex *,
                       const int *);
void dgemv_(const char *, const int *, const int *, const double *, const double *, const int *,
            const double *, const int *, const double *, double *, const int *, size_t);
void dtrsm_(const char *, const char *, const char *, const char *, const int *, const int *,
            const double *, const double *, const int *, double *, const int *, size_t, size_t,
            size_t, size_t);
void zgemm_(const char *, const char *, const int *, const int *, const int *,
            const double _Complex *, const double _Complex *, const int *, const double _Complex *,
            const int *, const double _Complex *, double _Complex *, const int *, size_t, size_t);

static void show(const char *what, const double *v, int n)
{
    printf("%s", what);
    for (int i = 0; i < n; i++)
        printf(" %.17g", v[i]);
    printf("\n");
}

int main(void)
{
    enum { N = 6 };
    double x[N], y[N], a[N * N], b[N * N], c[N * N];
    float xs[N];
    double _Complex zx[N], zy[N], za[N * N], zb[N * N], zc[N * N];
    for (int i = 0; i < N; i++) {
        x[i] = 1.0 + i * 0.5;
        y[i] = 2.0 - i * 0.25;
        xs[i] = (float)((i * 7) % 5);
        zx[i] = x[i] + I * y[i];
        zy[i] = y[i] - I * x[i];
    }
    for (int i = 0; i < N * N; i++) {
        a[i] = (i % 7) * 0.5 + (i % N == i / N ? 4.0 : 0.0); /* well-conditioned triangle */
        b[i] = (i % 5) * 0.25;
        c[i] = 1.0;
        za[i] = a[i] + I * b[i];
        zb[i] = b[i] - I * a[i];
        zc[i] = 0;
    }
    long calls = 0;
    /* level 1, CBLAS */
    cblas_daxpy(N, 2.0, x, 1, y, 1), calls++;
    show("daxpy", y, N);
    printf("ddot %.17g\n", cblas_ddot(N, x, 1, y, 1)), calls++;
    printf("dnrm2 %.17g\n", cblas_dnrm2(N, x, 1)), calls++;
    printf("idamax %zu\n", (size_t)cblas_idamax(N, y, 1)), calls++;
    double _Complex dot;
    cblas_zdotc_sub(N, zx, 1, zy, 1, &dot), calls++;
    printf("zdotc %.17g %.17g\n", creal(dot), cimag(dot));
    cblas_dscal(N, 0.5, x, 1), calls++;
    show("dscal", x, N);
    /* level 2, CBLAS */
    cblas_dgemv(CblasRowMajor, CblasNoTrans, N, N, 1.5, a, N, x, 1, 0.5, y, 1), calls++;
    show("dgemv", y, N);
    cblas_dger(CblasColMajor, N, N, 0.25, x, 1, y, 1, c, N), calls++;
    show("dger", c, N * N);
    cblas_dtrsv(CblasColMajor, CblasLower, CblasNoTrans, CblasNonUnit, N, a, N, x, 1), calls++;
    show("dtrsv", x, N);
    /* level 3, CBLAS */
    cblas_dsyrk(CblasColMajor, CblasUpper, CblasTrans, N, N, 1.0, a, N, 0.0, c, N), calls++;
    show("dsyrk", c, N * N);
    cblas_dtrsm(CblasRowMajor, CblasLeft, CblasUpper, CblasNoTrans, CblasUnit, N, N, 2.0, a, N, b,
                N),
        calls++;
    show("dtrsm", b, N * N);
    const double _Complex one = 1.0, zero = 0.0;
    cblas_zgemm(CblasColMajor, CblasNoTrans, CblasConjTrans, N, N, N, &one, za, N, zb, N, &zero, zc,
                N),
        calls++;
    show("zgemm", (const double *)zc, 2 * N * N);
    cblas_cherk(CblasColMajor, CblasLower, CblasNoTrans, 2, 3, 1.0f,
                (const float _Complex[]){1, 2, 3, 4, 5, 6}, 2, 0.0f, (float _Complex[4]){0}, 2),
        calls++;
    /* Fortran names */
    const int n = N, one_i = 1;
    const double two = 2.0, half = 0.5;
    daxpy_(&n, &two, x, &one_i, y, &one_i), calls++;
    show("daxpy_", y, N);
    printf("ddot_ %.17g\n", ddot_(&n, x, &one_i, y, &one_i)), calls++;
    printf("isamax_ %d\n", isamax_(&n, xs, &one_i)), calls++;
    double _Complex d2 = zdotc_(&n, zx, &one_i, zy, &one_i);
    calls++;
    printf("zdotc_ %.17g %.17g\n", creal(d2), cimag(d2));
    dgemv_("T", &n, &n, &two, a, &n, x, &one_i, &half, y, &one_i, 1), calls++;
    show("dgemv_", y, N);
    dtrsm_("R", "L", "T", "N", &n, &n, &half, a, &n, b, &n, 1, 1, 1, 1), calls++;
    show("dtrsm_", b, N * N);
    zgemm_("C", "N", &n, &n, &n, &one, za, &n, zb, &n, &zero, zc, &n, 1, 1), calls++;
    show("zgemm_", (const double *)zc, 2 * N * N);
    printf("calls %ld\n", calls);
    return 0;
}
