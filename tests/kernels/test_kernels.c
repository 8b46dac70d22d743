/* tests/kernels/test_kernels.c — every registered kernel against an independent reference.
 *
 * The reference works on the call as the user makes it (row- or column-major, N/T/C),
 * element by element in long double; the kernel is reached the way the shim reaches it
 * (decode -> validate -> canonical form). Checked: every order and transpose pair, odd and
 * zero sizes, padded leading dimensions (the padding must stay untouched), alpha/beta
 * including beta = 0 over a NaN-filled C and alpha = 0, float and double.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../kernels/gemm.h"
#include "../../shim/canon.h"

static uint64_t rng = 88172645463325252ULL;
static double urand(void) /* xorshift64, uniform in [-1, 1) */
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (double)(rng >> 11) / 4503599627370496.0 - 1.0;
}

typedef struct gcase {
    char order, ta, tb; /* 'R'/'C', 'N'/'T'/'C' */
    int m, n, k, pad;
    double alpha, beta;
    int nan_c; /* fill C with NaN (only meaningful with beta == 0) */
} gcase;

/* element (i, j) of a matrix stored in the given order */
static size_t at(char order, int ld, int i, int j)
{
    return order == 'R' ? (size_t)i * ld + j : (size_t)i + (size_t)j * ld;
}

static int imax1(int v) { return v > 1 ? v : 1; }

static int cblas_trans(char t) { return t == 'N' ? 111 : t == 'T' ? 112 : 113; }

#define BS_TEST_GEMM(T, P, EPS)                                                               \
    static int P##_run_case(const bs_kernel *kern, const gcase *g)                            \
    {                                                                                         \
        const int ar = g->ta == 'N' ? g->m : g->k, ac = g->ta == 'N' ? g->k : g->m;           \
        const int br = g->tb == 'N' ? g->k : g->n, bc = g->tb == 'N' ? g->n : g->k;           \
        /* leading dimension: the stored extent plus padding */                               \
        const int lda = imax1(g->order == 'R' ? ac : ar) + g->pad;                            \
        const int ldb = imax1(g->order == 'R' ? bc : br) + g->pad;                            \
        const int ldc = imax1(g->order == 'R' ? g->n : g->m) + g->pad;                        \
        const size_t asz = (size_t)lda * (g->order == 'R' ? ar : ac) + 1;                     \
        const size_t bsz = (size_t)ldb * (g->order == 'R' ? br : bc) + 1;                     \
        const size_t csz = (size_t)ldc * (g->order == 'R' ? g->m : g->n) + 1;                 \
        T *a = malloc(asz * sizeof *a), *b = malloc(bsz * sizeof *b);                         \
        T *c = malloc(csz * sizeof *c), *c0 = malloc(csz * sizeof *c0);                       \
        for (size_t i = 0; i < asz; i++) a[i] = (T)urand();                                   \
        for (size_t i = 0; i < bsz; i++) b[i] = (T)urand();                                   \
        for (size_t i = 0; i < csz; i++) c0[i] = g->nan_c ? (T)NAN : (T)urand();              \
        /* padding and the element past the end hold a sentinel */                            \
        memcpy(c, c0, csz * sizeof *c);                                                       \
        bs_gemm_desc d = {.api = BS_API_CBLAS, .order_raw = g->order == 'R' ? 101 : 102,      \
                          .transa_raw = cblas_trans(g->ta), .transb_raw = cblas_trans(g->tb), \
                          .m = g->m, .n = g->n, .k = g->k, .lda = lda, .ldb = ldb,            \
                          .ldc = ldc, .alpha = g->alpha, .beta = g->beta};                    \
        bs_gemm_decode(&d);                                                                   \
        const char *param;                                                                    \
        assert_int_equal(bs_gemm_check(&d, &param), 0);                                       \
        bs_gemm_canon cn;                                                                     \
        bs_gemm_canonical(&d, &cn);                                                           \
        bs_##P##gemm_args args = {cn.transa, cn.transb, cn.m, cn.n, cn.k, (T)g->alpha,        \
                                  cn.swap ? b : a, cn.lda, cn.swap ? a : b, cn.ldb,           \
                                  (T)g->beta, c, ldc};                                        \
        bs_kernel_info info = {0, 0, NULL};                                                         \
        kern->P##gemm(&args, &info);                                                          \
        int bad = 0;                                                                          \
        for (int i = 0; i < g->m; i++)                                                        \
            for (int j = 0; j < g->n; j++) {                                                  \
                long double sum = 0, mag = 0;                                                 \
                for (int p = 0; p < g->k; p++) {                                              \
                    long double x = g->ta == 'N' ? a[at(g->order, lda, i, p)]                 \
                                                 : a[at(g->order, lda, p, i)];                \
                    long double y = g->tb == 'N' ? b[at(g->order, ldb, p, j)]                 \
                                                 : b[at(g->order, ldb, j, p)];                \
                    sum += x * y;                                                             \
                    mag += fabsl(x * y);                                                      \
                }                                                                             \
                const long double cold = c0[at(g->order, ldc, i, j)];                         \
                long double want = g->alpha * sum, scale = fabsl(g->alpha) * mag;             \
                if (g->beta != 0) {                                                           \
                    want += g->beta * cold;                                                   \
                    scale += fabsl(g->beta * cold);                                           \
                }                                                                             \
                const long double got = c[at(g->order, ldc, i, j)];                           \
                const long double tol = 2.0L * (g->k + 2) * (EPS) * scale + 1e-30L;          \
                if (!(fabsl(got - want) <= tol)) {                                            \
                    if (bad++ < 3)                                                            \
                        print_error("%s %s %c%c%c m=%d n=%d k=%d pad=%d a=%g b=%g: "          \
                                    "C(%d,%d)=%Lg want %Lg\n",                                \
                                    kern->name, #P, g->order, g->ta, g->tb, g->m, g->n, g->k, \
                                    g->pad, g->alpha, g->beta, i, j, got, want);              \
                }                                                                             \
            }                                                                                 \
        /* everything outside the m x n block is untouched (bitwise; NaN-safe) */             \
        for (size_t x = 0; x < csz; x++) {                                                    \
            int inside = 0;                                                                   \
            size_t ld = (size_t)ldc;                                                          \
            size_t outer = x / ld, inner = x % ld;                                            \
            if (g->order == 'R')                                                              \
                inside = outer < (size_t)g->m && inner < (size_t)g->n;                        \
            else                                                                              \
                inside = outer < (size_t)g->n && inner < (size_t)g->m;                        \
            if (!inside && memcmp(&c[x], &c0[x], sizeof *c) != 0 && bad++ < 3)                \
                print_error("%s %s: C[%zu] outside the result was written\n", kern->name,     \
                            #P, x);                                                           \
        }                                                                                     \
        free(a); free(b); free(c); free(c0);                                                  \
        return bad;                                                                           \
    }

BS_TEST_GEMM(float, s, 5.9604644775390625e-08L)
BS_TEST_GEMM(double, d, 1.1102230246251565e-16L)

static const int sizes[][3] = {{1, 1, 1},   {7, 5, 3},  {13, 17, 11}, {33, 1, 9},
                               {1, 29, 4},  {64, 65, 63}, {3, 2, 0},  {0, 4, 5},
                               {4, 0, 5},   {0, 0, 0}};
static const double scalars[][2] = {{1, 0}, {0.7, -1.3}, {0, 2}, {0, 0}, {-1, 1}, {2.5, 1}};

/* every order x transpose pair x size x padding x (alpha, beta), for one kernel */
static void sweep(const bs_kernel *kern, int dbl)
{
    const char orders[] = "RC", trans[] = "NTC";
    int failures = 0, cases = 0;
    for (int o = 0; o < 2; o++)
        for (int ta = 0; ta < 3; ta++)
            for (int tb = 0; tb < 3; tb++)
                for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
                    for (int pad = 0; pad <= 3; pad += 3)
                        for (size_t sc = 0; sc < sizeof scalars / sizeof scalars[0]; sc++) {
                            gcase g = {orders[o], trans[ta], trans[tb], sizes[s][0],
                                       sizes[s][1], sizes[s][2], pad, scalars[sc][0],
                                       scalars[sc][1], 0};
                            failures += dbl ? d_run_case(kern, &g) : s_run_case(kern, &g);
                            cases++;
                        }
    if (failures)
        fail_msg("%s: %d wrong elements over %d cases", kern->name, failures, cases);
}

/* beta = 0 must not read C: NaN there must not reach the result */
static void nan_sweep(const bs_kernel *kern, int dbl)
{
    int failures = 0;
    const char trans[] = "NT";
    for (int o = 0; o < 2; o++)
        for (int t = 0; t < 4; t++) {
            gcase g = {o ? 'R' : 'C', trans[t & 1], trans[t >> 1], 19, 23, 7, 2, 1.5, 0, 1};
            failures += dbl ? d_run_case(kern, &g) : s_run_case(kern, &g);
            gcase z = {o ? 'R' : 'C', 'N', 'N', 5, 6, 7, 1, 0, 0, 1}; /* alpha = beta = 0 */
            failures += dbl ? d_run_case(kern, &z) : s_run_case(kern, &z);
            gcase k0 = {o ? 'R' : 'C', 'T', 'N', 5, 6, 0, 0, 3, 0, 1}; /* k = 0 */
            failures += dbl ? d_run_case(kern, &k0) : s_run_case(kern, &k0);
        }
    if (failures)
        fail_msg("%s: NaN in C leaked into %d results with beta = 0", kern->name, failures);
}

static void test_sgemm(void **state) { sweep(*state, 0); }
static void test_dgemm(void **state) { sweep(*state, 1); }
static void test_sgemm_nan(void **state) { nan_sweep(*state, 0); }
static void test_dgemm_nan(void **state) { nan_sweep(*state, 1); }

int main(void)
{
    struct CMUnitTest tests[64];
    size_t n = 0;
    char names[64][64];
    for (const bs_kernel *k = bs_kernels; k->name && n + 4 <= 64; k++) {
        void (*fns[4])(void **) = {test_sgemm, test_dgemm, test_sgemm_nan, test_dgemm_nan};
        const char *what[4] = {"sgemm", "dgemm", "sgemm_beta0_nan", "dgemm_beta0_nan"};
        for (int i = 0; i < 4; i++, n++) {
            snprintf(names[n], sizeof names[n], "%s_%s", k->name, what[i]);
            tests[n] = (struct CMUnitTest){names[n], fns[i], NULL, NULL, (void *)k};
        }
    }
    return _cmocka_run_group_tests("kernels", tests, n, NULL, NULL);
}
