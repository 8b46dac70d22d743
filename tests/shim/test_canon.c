/* tests/shim/test_canon.c — decoding, validation (BLAS parameter numbers) and the canonical
 * form of gemm calls, for the CBLAS and the Fortran API. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include <cblas.h>

#include "shim/canon.h"

/* A valid 4x3x2 call: column-major A 4x2 (lda 4), B 2x3 (ldb 2), C 4x3 (ldc 4). */
static bs_call col_call(bs_api api)
{
    bs_call d = {.routine = "dgemm",
                 .api = api,
                 .m = 4,
                 .n = 3,
                 .k = 2,
                 .lda = 4,
                 .ldb = 2,
                 .ldc = 4,
                 .alpha = 1,
                 .beta = 0};
    if (api == BS_API_CBLAS) {
        d.order_raw = CblasColMajor;
        d.transa_raw = d.transb_raw = CblasNoTrans;
    } else {
        d.transa_raw = d.transb_raw = 'n';
    }
    bs_gemm_decode(&d);
    return d;
}

static int check(bs_call d, const char **param)
{
    bs_gemm_decode(&d);
    return bs_gemm_check(&d, param);
}

static void test_decode(void **state)
{
    (void)state;
    bs_call d = {.api = BS_API_CBLAS,
                 .order_raw = CblasRowMajor,
                 .transa_raw = CblasConjTrans,
                 .transb_raw = CblasTrans};
    bs_gemm_decode(&d);
    assert_int_equal(d.order, 'R');
    assert_int_equal(d.transa, 'C');
    assert_int_equal(d.transb, 'T');
    d = (bs_call){.api = BS_API_FORTRAN, .transa_raw = 't', .transb_raw = 'x'};
    bs_gemm_decode(&d);
    assert_int_equal(d.order, 'C');
    assert_int_equal(d.transa, 'T');
    assert_int_equal(d.transb, '?');
    d = (bs_call){.api = BS_API_CBLAS, .order_raw = 7, .transa_raw = CblasNoTrans, .transb_raw = 0};
    bs_gemm_decode(&d);
    assert_int_equal(d.order, '?');
    assert_int_equal(d.transb, '?');
}

static void test_valid(void **state)
{
    (void)state;
    const char *p = "x";
    assert_int_equal(check(col_call(BS_API_CBLAS), &p), 0);
    assert_null(p);
    assert_int_equal(check(col_call(BS_API_FORTRAN), &p), 0);
    /* zero sizes are valid with leading dimensions of 1 */
    bs_call z = col_call(BS_API_FORTRAN);
    z.m = z.n = z.k = 0;
    z.lda = z.ldb = z.ldc = 1;
    assert_int_equal(check(z, &p), 0);
}

/* The parameter numbers are those the reference BLAS's xerbla reports. */
static void test_invalid_numbers(void **state)
{
    (void)state;
    const char *p;
    struct {
        const char *field;
        int cblas, fortran;
    } cases[] = {
        {"transa", 2, 1}, {"transb", 3, 2}, {"m", 4, 3},     {"n", 5, 4},
        {"k", 6, 5},      {"lda", 9, 8},    {"ldb", 11, 10}, {"ldc", 14, 13},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        for (int api = 0; api < 2; api++) {
            bs_call d = col_call((bs_api)api);
            const char *f = cases[i].field;
            if (!strcmp(f, "transa"))
                d.transa_raw = api ? 'x' : 1;
            if (!strcmp(f, "transb"))
                d.transb_raw = api ? 'q' : CblasConjTrans + 1;
            if (!strcmp(f, "m"))
                d.m = -1;
            if (!strcmp(f, "n"))
                d.n = -3;
            if (!strcmp(f, "k"))
                d.k = -2;
            if (!strcmp(f, "lda"))
                d.lda = 3;
            if (!strcmp(f, "ldb"))
                d.ldb = 1;
            if (!strcmp(f, "ldc"))
                d.ldc = 0;
            assert_int_equal(check(d, &p), api == BS_API_CBLAS ? cases[i].cblas : cases[i].fortran);
            assert_string_equal(p, f);
        }
    bs_call d = col_call(BS_API_CBLAS);
    d.order_raw = CblasRowMajor - 1;
    assert_int_equal(check(d, &p), 1);
    assert_string_equal(p, "order");
}

/* Leading dimensions depend on order and transposes. */
static void test_leading_dimensions(void **state)
{
    (void)state;
    const char *p;
    bs_call d = col_call(BS_API_CBLAS); /* m 4, n 3, k 2 */
    d.order_raw = CblasRowMajor;        /* row-major: A 4x2 needs lda >= 2, B 2x3 ldb >= 3 */
    d.lda = 2, d.ldb = 3, d.ldc = 3;
    assert_int_equal(check(d, &p), 0);
    d.ldc = 2;
    assert_int_equal(check(d, &p), 14);
    d.ldc = 3;
    d.transa_raw = CblasTrans; /* A stored 2x4 row-major: lda >= 4 */
    assert_int_equal(check(d, &p), 9);
    d.lda = 4;
    assert_int_equal(check(d, &p), 0);
}

static void test_canonical(void **state)
{
    (void)state;
    bs_call d = {.api = BS_API_CBLAS,
                 .order_raw = CblasRowMajor,
                 .transa_raw = CblasConjTrans,
                 .transb_raw = CblasNoTrans,
                 .m = 4,
                 .n = 3,
                 .k = 2,
                 .lda = 4,
                 .ldb = 3,
                 .ldc = 3};
    bs_gemm_decode(&d);
    bs_gemm_canon c;
    bs_gemm_canonical(&d, &c);
    /* row-major C(4x3) = A^H B  is column-major C^T(3x4) = B^T A */
    assert_int_equal(c.swap, 1);
    assert_int_equal(c.m, 3);
    assert_int_equal(c.n, 4);
    assert_int_equal(c.k, 2);
    assert_int_equal(c.transa, 'N');
    assert_int_equal(c.transb, 'T'); /* 'C' is 'T' for real types */
    assert_int_equal(c.lda, 3);
    assert_int_equal(c.ldb, 4);
    d = col_call(BS_API_FORTRAN);
    bs_gemm_canonical(&d, &c);
    assert_int_equal(c.swap, 0);
    assert_int_equal(c.m, 4);
    assert_int_equal(c.lda, 4);
}

/* The names and api labels of every spelling (shim/spellings.def). */
static void test_spellings(void **state)
{
    (void)state;
    char b[64];
    assert_string_equal(bs_spelled(b, sizeof b, "dgemm", BS_API_FORTRAN, BS_LP64), "dgemm_");
    assert_string_equal(bs_spelled(b, sizeof b, "sgemm", BS_API_CBLAS, BS_LP64), "cblas_sgemm");
    assert_string_equal(bs_spelled(b, sizeof b, "dgemm", BS_API_CBLAS, BS_ILP64), "cblas_dgemm64_");
    assert_string_equal(bs_spelled(b, sizeof b, "dgemm", BS_API_FORTRAN, BS_SCIPY64),
                        "scipy_dgemm_64_");
    assert_string_equal(bs_api_name(BS_API_CBLAS, BS_LP64), "cblas");
    assert_string_equal(bs_api_name(BS_API_FORTRAN, BS_SCIPY64), "scipy_fortran64");
    assert_string_equal(bs_spelled(b, sizeof b, "zgemv", BS_API_CBLAS, BS_SCIPY),
                        "scipy_cblas_zgemv");
    assert_string_equal(bs_api_name(BS_API_FORTRAN, BS_SCIPY), "scipy_fortran");
    assert_string_equal(bs_spelled(b, sizeof b, "dgesv", BS_API_LAPACKE, BS_LP64), "LAPACKE_dgesv");
    assert_string_equal(bs_api_name(BS_API_LAPACKE, BS_LP64), "lapacke");
    assert_int_equal(bs_spelling_wide(BS_SCIPY), 0);
    assert_int_equal(bs_spelling_wide(BS_LP64), 0);
    assert_int_equal(bs_spelling_wide(BS_ILP64), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decode),          cmocka_unit_test(test_valid),
        cmocka_unit_test(test_invalid_numbers), cmocka_unit_test(test_leading_dimensions),
        cmocka_unit_test(test_canonical),       cmocka_unit_test(test_spellings),
    };
    return cmocka_run_group_tests_name("canon", tests, NULL, NULL);
}
