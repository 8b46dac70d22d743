/* tests/kernels/case_template.h — include-template (T, P; see kernels/gemm.h): one gemm case
 * of one element type through a kernel, checked against the long-double reference, returning
 * the number of wrong (or wrongly written) elements: bs_srun_case, bs_drun_case. */
/* unit roundoff of T */
#define EPS                                                                                        \
    (sizeof(T) == sizeof(float) ? (long double)FLT_EPSILON / 2 : (long double)DBL_EPSILON / 2)

static int BS_P(run_case)(const bs_kernel *kern, const gcase *g)
{
    const int ar = g->ta == 'N' ? g->m : g->k, ac = g->ta == 'N' ? g->k : g->m;
    const int br = g->tb == 'N' ? g->k : g->n, bc = g->tb == 'N' ? g->n : g->k;
    /* leading dimension: the stored extent plus padding */
    const int lda = imax1(g->order == 'R' ? ac : ar) + g->pad;
    const int ldb = imax1(g->order == 'R' ? bc : br) + g->pad;
    const int ldc = imax1(g->order == 'R' ? g->n : g->m) + g->pad;
    const size_t asz = (size_t)lda * (g->order == 'R' ? ar : ac) + 1;
    const size_t bsz = (size_t)ldb * (g->order == 'R' ? br : bc) + 1;
    const size_t csz = (size_t)ldc * (g->order == 'R' ? g->m : g->n) + 1;
    T *a = malloc(asz * sizeof *a), *b = malloc(bsz * sizeof *b);
    T *c = malloc(csz * sizeof *c), *c0 = malloc(csz * sizeof *c0);
    for (size_t i = 0; i < asz; i++)
        a[i] = (T)urand();
    for (size_t i = 0; i < bsz; i++)
        b[i] = (T)urand();
    for (size_t i = 0; i < csz; i++)
        c0[i] = g->nan_c ? (T)NAN : (T)urand();
    /* padding and the element past the end hold a sentinel */
    memcpy(c, c0, csz * sizeof *c);
    bs_call d = {.api = BS_API_CBLAS,
                 .order_raw = g->order == 'R' ? 101 : 102,
                 .transa_raw = cblas_trans(g->ta),
                 .transb_raw = cblas_trans(g->tb),
                 .m = g->m,
                 .n = g->n,
                 .k = g->k,
                 .lda = lda,
                 .ldb = ldb,
                 .ldc = ldc,
                 .alpha = g->alpha,
                 .beta = g->beta};
    bs_gemm_decode(&d);
    const char *param;
    assert_int_equal(bs_gemm_check(&d, &param), 0);
    bs_gemm_canon cn;
    bs_gemm_canonical(&d, &cn);
    BS_P(gemm_args)
    args = {cn.transa, cn.transb,       cn.m,   cn.n,       cn.k, (T)g->alpha, cn.swap ? b : a,
            cn.lda,    cn.swap ? a : b, cn.ldb, (T)g->beta, c,    ldc};
    bs_kernel_info info = {.threads = 0};
    kern->BS_CAT(P, gemm)(&args, &info);
    int bad = 0;
    for (int i = 0; i < g->m; i++)
        for (int j = 0; j < g->n; j++) {
            long double sum = 0, mag = 0;
            for (int p = 0; p < g->k; p++) {
                long double x =
                    g->ta == 'N' ? a[at(g->order, lda, i, p)] : a[at(g->order, lda, p, i)];
                long double y =
                    g->tb == 'N' ? b[at(g->order, ldb, p, j)] : b[at(g->order, ldb, j, p)];
                sum += x * y;
                mag += fabsl(x * y);
            }
            const long double cold = c0[at(g->order, ldc, i, j)];
            long double want = g->alpha * sum, scale = fabsl(g->alpha) * mag;
            if (g->beta != 0) {
                want += g->beta * cold;
                scale += fabsl(g->beta * cold);
            }
            const long double got = c[at(g->order, ldc, i, j)];
            const long double tol = 2.0L * (g->k + 2) * EPS * scale + 1e-30L;
            if (!(fabsl(got - want) <= tol)) {
                if (bad++ < 3)
                    print_error("%s %s %c%c%c m=%d n=%d k=%d pad=%d a=%g b=%g: "
                                "C(%d,%d)=%Lg want %Lg\n",
                                kern->name, sizeof(T) == sizeof(float) ? "sgemm" : "dgemm",
                                g->order, g->ta, g->tb, g->m, g->n, g->k, g->pad, g->alpha, g->beta,
                                i, j, got, want);
            }
        }
    /* everything outside the m x n block is untouched (bitwise; NaN-safe) */
    for (size_t x = 0; x < csz; x++) {
        int inside = 0;
        size_t ld = (size_t)ldc;
        size_t outer = x / ld, inner = x % ld;
        if (g->order == 'R')
            inside = outer < (size_t)g->m && inner < (size_t)g->n;
        else
            inside = outer < (size_t)g->n && inner < (size_t)g->m;
        if (!inside && memcmp(&c[x], &c0[x], sizeof *c) != 0 && bad++ < 3)
            print_error("%s %s: C[%zu] outside the result was written\n", kern->name,
                        sizeof(T) == sizeof(float) ? "sgemm" : "dgemm", x);
    }
    free(a);
    free(b);
    free(c);
    free(c0);
    return bad;
}

#undef EPS
