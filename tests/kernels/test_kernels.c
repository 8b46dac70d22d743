/* tests/kernels/test_kernels.c — every registered kernel against an independent reference.
 *
 * The reference works on the call as the user makes it (row- or column-major, N/T/C),
 * element by element in long double; the kernel is reached the way the shim reaches it
 * (decode -> validate -> canonical form). Checked: every order and transpose pair, odd and
 * zero sizes, padded leading dimensions (the padding must stay untouched), alpha/beta
 * including beta = 0 over a NaN-filled C and alpha = 0, float and double.
 */
#include <float.h>
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "kernels/gemm.h"
#include "kernels/pool.h"
#include "kernels/ukernel.h"
#include "shim/canon.h"

static _Thread_local uint64_t rng = 88172645463325252ULL; /* per thread: host-thread tests */
static double urand(void)                                 /* xorshift64, uniform in [-1, 1) */
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

#define BS_TEMPLATE "tests/kernels/case_template.h" /* from the root (-I.) */
#include "kernels/each_type.h"

static int run_case(const bs_kernel *kern, int dbl, const gcase *g)
{
    return dbl ? bs_drun_case(kern, g) : bs_srun_case(kern, g);
}

static const int sizes[][3] = {{1, 1, 1},    {7, 5, 3}, {13, 17, 11}, {33, 1, 9}, {1, 29, 4},
                               {64, 65, 63}, {3, 2, 0}, {0, 4, 5},    {4, 0, 5},  {0, 0, 0}};
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
                            gcase g = {
                                orders[o],   trans[ta], trans[tb],      sizes[s][0],    sizes[s][1],
                                sizes[s][2], pad,       scalars[sc][0], scalars[sc][1], 0};
                            failures += run_case(kern, dbl, &g);
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
            failures += run_case(kern, dbl, &g);
            gcase z = {o ? 'R' : 'C', 'N', 'N', 5, 6, 7, 1, 0, 0, 1}; /* alpha = beta = 0 */
            failures += run_case(kern, dbl, &z);
            gcase k0 = {o ? 'R' : 'C', 'T', 'N', 5, 6, 0, 0, 3, 0, 1}; /* k = 0 */
            failures += run_case(kern, dbl, &k0);
        }
    if (failures)
        fail_msg("%s: NaN in C leaked into %d results with beta = 0", kern->name, failures);
}

static void test_sgemm(void **state) { sweep(*state, 0); }
static void test_dgemm(void **state) { sweep(*state, 1); }
static void test_sgemm_nan(void **state) { nan_sweep(*state, 0); }
static void test_dgemm_nan(void **state) { nan_sweep(*state, 1); }

static int pick(int lo, int hi)
{
    return lo + (int)((urand() + 1) / 2 * (hi - lo + 1)) % (hi - lo + 1);
}

/* one random case of the given size: random order, transposes, padding and scalars */
static int random_case(const bs_kernel *kern, int dbl, int m, int n, int k)
{
    static const double sc[][2] = {{1, 0}, {-0.5, 1.25}, {1.5, 0}, {0.75, -1}};
    const char tr[] = "NTC";
    int s = pick(0, 3);
    gcase g = {pick(0, 1) ? 'R' : 'C',
               tr[pick(0, 2)],
               tr[pick(0, 2)],
               m,
               n,
               k,
               pick(0, 5),
               sc[s][0],
               sc[s][1],
               sc[s][1] == 0 && pick(0, 1)};
    return run_case(kern, dbl, &g);
}

static const char *const heavy[] = {"blocked", "vectorized", "parallel", "auto", NULL};

/* Sizes just around every block edge: MR, NR, MC, KC, NC and their multiples, +-1, with
 * small blocks so that every loop of the nest runs several times and ends ragged. */
static int edges_with(int dbl, long small_mnk);

/* Once with every problem packed, once with the direct (unpacked) small-problem path. */
static void edges_for(int dbl)
{
    int failures = edges_with(dbl, -1) + edges_with(dbl, 1L << 40);
    if (failures)
        fail_msg("%d wrong elements around the block edges", failures);
}

static int edges_with(int dbl, long small_mnk)
{
    bs_kernel_desc su;
    bs_kernels_describe(&su);
    const int mr = dbl ? su.d_tile[0] : su.s_tile[0], nr = dbl ? su.d_tile[1] : su.s_tile[1];
    bs_kernel_params p = {
        .mc = 2 * mr, .kc = 24, .nc = 3 * nr, .isa = su.isa, .nthreads = 3, .small_mnk = small_mnk};
    bs_kernels_configure(&p);
    const int ms[] = {1, mr - 1, mr, mr + 1, 2 * mr - 1, 2 * mr, 2 * mr + 1, 4 * mr + 3};
    const int ns[] = {
        1,          nr - 1, nr, nr + 1, 3 * nr - 1, 3 * nr, 3 * nr + 1,
        7 * nr + 2, 7,      8,  9,      17}; /* and the direct path's narrower tiles (NR = 8) */
    const int ks[] = {1, 23, 24, 25, 49, 97};
    int failures = 0;
    for (const char *const *name = heavy; *name; name++) {
        const bs_kernel *kern = bs_kernel_find(*name);
        for (size_t i = 0; i < sizeof ms / sizeof ms[0]; i++)
            for (size_t j = 0; j < sizeof ns / sizeof ns[0]; j++)
                failures += random_case(kern, dbl, ms[i] > 0 ? ms[i] : 1, ns[j] > 0 ? ns[j] : 1,
                                        ks[(i + j) % (sizeof ks / sizeof ks[0])]);
    }
    bs_kernel_params def = {.isa = su.isa, .nthreads = 3};
    bs_kernels_configure(&def);
    if (failures)
        print_error("%s %s, %s: %d wrong elements around the block edges\n", su.isa,
                    dbl ? "dgemm" : "sgemm", small_mnk < 0 ? "packed" : "direct", failures);
    return failures;
}

/* Random sizes 1..300 with primes, at the default blocking: the direct small-problem
 * path, the packed path and the parallel split all run. */
static void random_sizes(int dbl)
{
    static const int sizes[] = {1,  2,  3,   5,   7,   11,  13,  17,  31,  37,  61, 64,
                                67, 97, 101, 127, 128, 131, 199, 251, 256, 257, 293};
    const int ns = sizeof sizes / sizeof sizes[0];
    int failures = 0;
    for (const char *const *name = heavy; *name; name++) {
        const bs_kernel *kern = bs_kernel_find(*name);
        for (int c = 0; c < 14; c++) {
            int m = sizes[pick(0, ns - 1)], n = sizes[pick(0, ns - 1)], k = sizes[pick(0, ns - 1)];
            if (c < 3) /* big enough for the parallel split and the packed path */
                m = sizes[pick(17, ns - 1)], n = sizes[pick(17, ns - 1)],
                k = sizes[pick(15, ns - 1)];
            failures += random_case(kern, dbl, m, n, k);
        }
    }
    if (failures)
        fail_msg("%d wrong elements at random sizes", failures);
}

/* Every m, n, k from 0 to 40 under vectorized (tiny, direct, dot-product and edge paths),
 * each with a random order, transpose pair, padding and scalars (beta = 0 over NaN included);
 * for families without those paths (no masked loads), every m and n with a few k. */
static void all_small(int dbl)
{
    const bs_kernel *kern = bs_kernel_find("vectorized");
    bs_kernel_desc su;
    bs_kernels_describe(&su);
    const int step = bs_family_find(su.isa)->direct ? 1 : 13;
    int failures = 0;
    for (int m = 0; m <= 40; m++)
        for (int n = 0; n <= 40; n++)
            for (int k = 0; k <= 40; k += step)
                failures += random_case(kern, dbl, m, n, k);
    if (failures)
        fail_msg("%d wrong elements over every m, n, k in 0..40", failures);
}

/* Skinny problems, the long side up to 2000: gemv-like rows and columns, few-row dot
 * products, a long k with a tiny C, a few rows past whole vectors with a long k (18x40x2100,
 * 36x5x1000), a column taller than one block of the matrix-vector kernel (2500x1x9), skinny
 * problems past the direct path's size that it takes for their short k (3000x40x150,
 * 40x3000x150); vectorized and parallel. */
static void skinny(int dbl)
{
    static const int shapes[][3] = {
        {1, 2000, 37},  {2, 1999, 64},  {3, 517, 300},  {4, 1000, 129},  {5, 700, 33},
        {16, 1500, 17}, {17, 300, 200}, {2000, 1, 45},  {1999, 2, 64},   {777, 3, 100},
        {1000, 4, 31},  {600, 9, 70},   {300, 16, 120}, {1, 1, 2000},    {3, 5, 1999},
        {1, 300, 1},    {2000, 7, 1},   {40, 1, 2000},  {1, 40, 2000},   {1, 1000, 1000},
        {18, 40, 2100}, {36, 5, 1000},  {2500, 1, 9},   {3000, 40, 150}, {40, 3000, 150}};
    /* and, column-major for sure, the direct path's row blocks (A past BS_DIRECT_A_BYTES) on
     * problems past 256^3 that it takes for their few rows or columns or a small operand, and
     * 5-8 rows with a long k as dot products */
    static const gcase fixed[] = {{'C', 'N', 'N', 3000, 40, 150, 1, 1.0, 0.0, 1},
                                  {'C', 'N', 'T', 3000, 24, 150, 0, -0.5, 1.5, 0},
                                  {'C', 'N', 'N', 40, 3000, 150, 2, 1.0, 0.5, 0},
                                  {'C', 'N', 'T', 120, 240, 600, 1, 1.0, 0.0, 1},
                                  {'C', 'N', 'N', 261, 259, 260, 3, 0.5, -1.0, 0},
                                  {'C', 'N', 'N', 7, 300, 130, 1, 1.0, 0.0, 1},
                                  {'C', 'T', 'N', 8, 100, 97, 2, -1.5, 0.5, 0}};
    int failures = 0;
    const char *names[] = {"vectorized", "parallel"};
    for (int kk = 0; kk < 2; kk++) {
        for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
            failures += random_case(bs_kernel_find(names[kk]), dbl, shapes[s][0], shapes[s][1],
                                    shapes[s][2]);
        for (size_t s = 0; s < sizeof fixed / sizeof fixed[0]; s++)
            failures += run_case(bs_kernel_find(names[kk]), dbl, &fixed[s]);
    }
    if (failures)
        fail_msg("%d wrong elements in skinny problems", failures);
}

/* One column of C (the matrix-vector kernel): every m up to past 16 vectors of y held in
 * registers and then its blocked sweep, with short and odd k, x read with a stride (op(B) =
 * B^T) or not, padded lda, beta 0 over NaN and beta != 0; vectorized. */
static void one_column(int dbl)
{
    static const int ks[] = {1, 2, 3, 37};
    const bs_kernel *kern = bs_kernel_find("vectorized");
    int failures = 0;
    for (int m = 1; m <= 16 * 16 + 20; m++)
        for (size_t i = 0; i < sizeof ks / sizeof ks[0]; i++) {
            const int odd = (m + (int)i) & 1;
            gcase g = {'C',         'N', odd ? 'T' : 'N',   m,  1, ks[i],
                       odd ? 3 : 0, 1.5, odd ? 0.0 : -0.75, odd};
            failures += run_case(kern, dbl, &g);
        }
    if (failures)
        fail_msg("%d wrong elements in one-column problems", failures);
}

/* The direct path's groups of rows (blocks of 4 vectors on 4 x 6 tiles, three-vector tiles,
 * the last two vectors on 2 x 12 tiles, where the family has them): every m around 2, 3, 4, 5,
 * 7, 8, 10 and 12 vectors of rows, with every n up to two 6-column tiles and past one 12-column
 * tile, column-major so that the direct path surely runs; and rows in blocks of 4 vectors
 * because A passes BS_DIRECT_A_BYTES (300x20x900). Vectorized, beta 0 over NaN and
 * beta != 0, padded lda. */
static void row_groups(int dbl)
{
    const int lanes = dbl ? 8 : 16;
    static const int vecs[] = {2, 3, 4, 5, 7, 8, 10, 12};
    const bs_kernel *kern = bs_kernel_find("vectorized");
    int failures = 0;
    for (size_t v = 0; v < sizeof vecs / sizeof vecs[0]; v++)
        for (int m = vecs[v] * lanes - 2; m <= vecs[v] * lanes + 1; m++)
            for (int n = 1; n <= 13; n++) {
                const int odd = (m + n) & 1;
                gcase g = {'C',         'N', odd ? 'T' : 'N',  m,  n, odd ? 9 : 33,
                           odd ? 2 : 0, 1.0, odd ? 0.0 : -0.5, odd};
                failures += run_case(kern, dbl, &g);
            }
    const gcase blocks[] = {{'C', 'N', 'N', 300, 20, 900, 1, 1.0, 0.0, 1},
                            {'C', 'N', 'T', 290, 17, 900, 0, -0.5, 1.5, 0}};
    for (size_t i = 0; i < sizeof blocks / sizeof blocks[0]; i++)
        failures += run_case(kern, dbl, &blocks[i]);
    if (failures)
        fail_msg("%d wrong elements in the direct path's groups of rows", failures);
}

/* A linear layer as frameworks call gemm for a small batch: every order and transpose pair,
 * batch b rows (PyTorch's x @ W^T reaches the kernels as A^T B with b columns, the dot-product
 * path up to 16) and b columns, around the 1-2, 3-4 and 5-16 column cases; vectorized and
 * parallel, beta 0 over NaN. */
static void framework(int dbl)
{
    static const int batch[] = {1, 2, 3, 4, 5, 8, 15, 16, 17, 33};
    const char *names[] = {"vectorized", "parallel"};
    int failures = 0;
    for (int kk = 0; kk < 2; kk++)
        for (size_t i = 0; i < sizeof batch / sizeof batch[0]; i++)
            for (int v = 0; v < 8; v++) {
                const int b = batch[i];
                gcase g = {v & 1 ? 'R' : 'C',
                           v & 2 ? 'T' : 'N',
                           v & 4 ? 'T' : 'N',
                           b,
                           300,
                           200,
                           1,
                           1.0,
                           0.0,
                           1};
                failures += run_case(bs_kernel_find(names[kk]), dbl, &g);
                g.m = 300, g.n = b, g.alpha = -0.5, g.beta = 1.25, g.nan_c = 0;
                failures += run_case(bs_kernel_find(names[kk]), dbl, &g);
            }
    if (failures)
        fail_msg("%d wrong elements in batch-sized framework calls", failures);
}

/* 1 to 4 host threads calling the parallel kernel at once (the pool serves one caller at a
 * time; the others run alone): every result right. */
typedef struct host_job {
    int id, failures;
} host_job;

static void *host_thread(void *arg)
{
    host_job *j = arg;
    static const int sizes[][3] = {{130, 140, 150}, {200, 17, 300}, {64, 300, 64},
                                   {257, 129, 65},  {33, 400, 90},  {300, 300, 40}};
    const bs_kernel *kern = bs_kernel_find("parallel");
    for (int r = 0; r < 6; r++) {
        const int *s = sizes[(r + j->id) % 6];
        j->failures += random_case(kern, (r + j->id) & 1, s[0], s[1], s[2]);
    }
    return NULL;
}

static void test_host_threads(void **state)
{
    (void)state;
    bs_kernel_params p = {.nthreads = 2};
    bs_kernels_configure(&p);
    int failures = 0;
    for (int nt = 1; nt <= 4; nt++) {
        pthread_t t[4];
        host_job jobs[4];
        for (int i = 0; i < nt; i++) {
            jobs[i] = (host_job){.id = i};
            assert_int_equal(pthread_create(&t[i], NULL, host_thread, &jobs[i]), 0);
        }
        for (int i = 0; i < nt; i++) {
            pthread_join(t[i], NULL);
            failures += jobs[i].failures;
        }
    }
    bs_kernel_params def = {0};
    bs_kernels_configure(&def);
    if (failures)
        fail_msg("%d wrong elements with several host threads", failures);
}

/* The pool's hand-off: 3000 jobs, half of them after a pause around the workers' spin
 * (SPIN_NS, 200 us), so that workers fall asleep just as a job is posted: every part of every
 * job runs exactly once and no wake-up is lost (a lost one hangs the caller: the alarm ends
 * the test run). */
static atomic_long pool_parts;
static void count_part(void *arg, int part, int parts)
{
    (void)arg;
    if (part >= 0 && part < parts)
        atomic_fetch_add(&pool_parts, 1);
}

static void test_pool_handoff(void **state)
{
    (void)state;
    long expect = 0;
    atomic_store(&pool_parts, 0);
    alarm(60);
    for (int i = 0; i < 3000; i++) {
        expect += bs_pool_run(2, count_part, NULL);
        const int r = (int)((urand() + 1) * 4); /* 0..7 */
        if (r < 4)
            usleep(190 + (useconds_t)(r * 10));
        else if (r == 4)
            usleep(5);
    }
    alarm(0);
    assert_true(expect >= 3000);
    assert_int_equal(atomic_load(&pool_parts), expect);
}

/* every heavy kernel's semantics (as the "kernels" group checks them at the defaults) */
static void semantics(int dbl)
{
    for (const char *const *n = heavy; *n; n++)
        sweep(bs_kernel_find(*n), dbl), nan_sweep(bs_kernel_find(*n), dbl);
}

/* What every microkernel family runs, forced in turn (BLASSHIM_ISA's mechanism), for sgemm
 * and for dgemm: one test each, test_<name>_s and test_<name>_d. */
static const struct isa_check {
    const char *name;
    void (*run)(int dbl);
} isa_checks[] = {{"semantics", semantics}, {"edges", edges_for},       {"random", random_sizes},
                  {"small", all_small},     {"one_column", one_column}, {"skinny", skinny},
                  {"framework", framework}, {"row_groups", row_groups}};
#define ISA_TESTS (2 * sizeof isa_checks / sizeof isa_checks[0])

typedef struct isa_case {
    const char *isa;
    const struct isa_check *check;
    int dbl;
} isa_case;

/* state: an isa_case; the ISA forced for the vectorized, parallel and auto kernels */
static int use_isa(void **state)
{
    const isa_case *c = *state;
    bs_kernel_params p = {.isa = c->isa, .nthreads = 3};
    return bs_kernels_configure(&p) ? -1 : 0; /* the CPU cannot run it: the group is skipped */
}

static void test_isa_check(void **state)
{
    const isa_case *c = *state;
    c->check->run(c->dbl);
}

/* Every family is complete and fits the edge scratch; names are unique and findable; the
 * last one runs on any CPU; configuring by name selects exactly that family. */
static void test_family_table(void **state)
{
    (void)state;
    int n = 0;
    const bs_family *last = NULL;
    for (const bs_family *const *f = bs_families; *f; f++, n++) {
        const bs_family *u = *f;
        assert_non_null(u->name);
        assert_ptr_equal(bs_family_find(u->name), u);
        const bs_sukr_tile st[] = {u->s.main, u->s.small};
        const bs_dukr_tile dt[] = {u->d.main, u->d.small};
        for (int i = 0; i < 2; i++) {
            assert_non_null(st[i].fn);
            assert_non_null(dt[i].fn);
            assert_true(st[i].mr >= 1 && st[i].mr <= BS_MAX_MR);
            assert_true(st[i].nr >= 1 && st[i].nr <= BS_MAX_NR);
            assert_true(dt[i].mr >= 1 && dt[i].mr <= BS_MAX_MR);
            assert_true(dt[i].nr >= 1 && dt[i].nr <= BS_MAX_NR);
        }
        if (bs_cpu_runs(u->needs)) {
            bs_kernel_params p = {.isa = u->name};
            assert_null(bs_kernels_configure(&p));
            bs_kernel_desc kd;
            bs_kernels_describe(&kd);
            assert_string_equal(kd.isa, u->name);
            assert_int_equal(kd.s_tile[0], u->s.main.mr);
            assert_int_equal(kd.d_tile[1], u->d.main.nr);
            assert_non_null(strstr(kd.isas_supported, u->name));
        }
        last = u;
    }
    assert_true(n >= 2);
    assert_int_equal(last->needs, 0u);
    bs_kernel_params def = {0};
    bs_kernels_configure(&def);
}

int main(void)
{
    int rc = 0;
    /* every kernel's semantics, at the defaults */
    {
        struct CMUnitTest tests[64];
        size_t n = 0;
        static char names[64][64];
        for (const bs_kernel *k = bs_kernels; k->name && n + 4 <= 64; k++) {
            void (*fns[4])(void **) = {test_sgemm, test_dgemm, test_sgemm_nan, test_dgemm_nan};
            const char *what[4] = {"sgemm", "dgemm", "sgemm_beta0_nan", "dgemm_beta0_nan"};
            for (int i = 0; i < 4; i++, n++) {
                snprintf(names[n], sizeof names[n], "%s_%s", k->name, what[i]);
                tests[n] = (struct CMUnitTest){names[n], fns[i], NULL, NULL, (void *)k};
            }
        }
        rc |= _cmocka_run_group_tests("kernels", tests, n, NULL, NULL);
    }
    /* the family table itself: complete entries, tiles within the scratch bounds; the
     * parallel kernel under several host threads; the pool's hand-off */
    {
        const struct CMUnitTest tests[] = {cmocka_unit_test(test_family_table),
                                           cmocka_unit_test(test_host_threads),
                                           cmocka_unit_test(test_pool_handoff)};
        rc |= _cmocka_run_group_tests("families_threads", tests, sizeof tests / sizeof tests[0],
                                      NULL, NULL);
    }
    /* every microkernel family this CPU runs, forced in turn (BLASSHIM_ISA's mechanism): the
     * list is the kernels' own, so a new family is tested without being named here */
    for (const bs_family *const *f = bs_families; *f; f++) {
        const char *isa = (*f)->name;
        if (!bs_cpu_runs((*f)->needs)) {
            printf("[  SKIPPED ] isa %s: this CPU cannot run it\n", isa);
            continue;
        }
        char group[32];
        snprintf(group, sizeof group, "isa_%s", isa);
        static isa_case cases[ISA_TESTS];
        static char names[ISA_TESTS][48];
        struct CMUnitTest tests[ISA_TESTS];
        for (size_t i = 0; i < ISA_TESTS; i++) {
            cases[i] = (isa_case){isa, &isa_checks[i / 2], (int)(i % 2)};
            snprintf(names[i], sizeof names[i], "test_%s_%c", isa_checks[i / 2].name,
                     i % 2 ? 'd' : 's');
            tests[i] = (struct CMUnitTest){names[i], test_isa_check, use_isa, NULL, &cases[i]};
        }
        rc |= _cmocka_run_group_tests(group, tests, sizeof tests / sizeof tests[0], NULL, NULL);
    }
    return rc;
}
