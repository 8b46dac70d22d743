/* bench/gemm_bench.c — make bench: GFLOP/s of every kernel against OpenBLAS, measured in one
 * run, side by side, best of several repetitions.
 *   gemm_bench [--quick] [--only s|d] [--threads N] [--block MC,KC,NC] [--shape MxNxK ...]
 * The kernels are called directly (no shim in between); OpenBLAS through its own cblas_?gemm
 * with 1 thread and with all threads. The machine's peak is measured by an FMA loop. */
#include <dlfcn.h>
#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kernels/gemm.h"
#include "report/peak.h"

typedef void (*cblas_s)(int, int, int, int, int, int, float, const float *, int, const float *, int,
                        float, float *, int);
typedef void (*cblas_d)(int, int, int, int, int, int, double, const double *, int, const double *,
                        int, double, double *, int);
static cblas_s ob_sgemm;
static cblas_d ob_dgemm;
static void (*ob_threads)(int);
static char *(*ob_corename)(void);

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* A (m x k) and B (k x n) filled with small fractions, C (m x n), 64-byte aligned. */
static void operands(int dbl, int m, int n, int k, void **a, void **b, void **c)
{
    const size_t es = dbl ? 8 : 4;
    *a = aligned_alloc(64, ((size_t)m * k * es + 63) / 64 * 64);
    *b = aligned_alloc(64, ((size_t)k * n * es + 63) / 64 * 64);
    *c = aligned_alloc(64, ((size_t)m * n * es + 63) / 64 * 64);
    for (size_t i = 0; i < (size_t)m * k; i++)
        dbl ? (((double *)*a)[i] = (double)(i % 13) / 13)
            : (((float *)*a)[i] = (float)(i % 13) / 13);
    for (size_t i = 0; i < (size_t)k * n; i++)
        dbl ? (((double *)*b)[i] = (double)(i % 7) / 7) : (((float *)*b)[i] = (float)(i % 7) / 7);
}

/* ---- one measurement ------------------------------------------------------------------ */
enum { K_NAIVE, K_BLOCKED, K_VEC, K_PAR, K_OB1, K_OBN, K_COUNT };
static const char *knames[K_COUNT] = {"naive",    "blocked",    "vectorized",
                                      "parallel", "OpenBLAS-1", "OpenBLAS-N"};
static int nthreads = 2;

static double run_once(int kern, int dbl, int m, int n, int k, void *a, void *b, void *c)
{
    bs_kernel_info info = {.threads = 0};
    double t = now();
    if (kern >= K_OB1) {
        if (dbl)
            ob_dgemm(102, 111, 111, m, n, k, 1.0, a, m, b, k, 0.0, c, m);
        else
            ob_sgemm(102, 111, 111, m, n, k, 1.0f, a, m, b, k, 0.0f, c, m);
    } else if (dbl) {
        bs_dgemm_args g = {'N', 'N', m, n, k, 1.0, a, m, b, k, 0.0, c, m};
        void (*f[])(const bs_dgemm_args *, bs_kernel_info *) = {
            bs_dgemm_naive, bs_dgemm_blocked, bs_dgemm_vectorized, bs_dgemm_parallel};
        f[kern](&g, &info);
    } else {
        bs_sgemm_args g = {'N', 'N', m, n, k, 1.0f, a, m, b, k, 0.0f, c, m};
        void (*f[])(const bs_sgemm_args *, bs_kernel_info *) = {
            bs_sgemm_naive, bs_sgemm_blocked, bs_sgemm_vectorized, bs_sgemm_parallel};
        f[kern](&g, &info);
    }
    return now() - t;
}

/* Best GFLOP/s over repetitions totalling at least `budget` seconds (and at least 5). A
 * repetition is a batch of calls long enough (>= 50 us) that the clock does not count. */
static double measure(int kern, int dbl, int m, int n, int k, void *a, void *b, void *c,
                      double budget)
{
    if (kern == K_OB1)
        ob_threads(1);
    if (kern == K_OBN)
        ob_threads(nthreads);
    double one = run_once(kern, dbl, m, n, k, a, b, c); /* warm-up: pages, threads, caches */
    long batch = one > 50e-6 ? 1 : (long)(50e-6 / (one > 1e-8 ? one : 1e-8)) + 1;
    double best = 1e30, spent = 0;
    for (int r = 0; r < 5 || (spent < budget && r < 100000); r++) {
        double t = now();
        for (long i = 0; i < batch; i++)
            run_once(kern, dbl, m, n, k, a, b, c);
        t = (now() - t) / batch;
        spent += t * batch;
        if (t < best)
            best = t;
    }
    return 2.0 * m * n * (double)k / best * 1e-9;
}

/* ---- --sweep: the user's view, through the exported cblas_?gemm of the preloaded shim ---- */
/* Each contender runs in a process of its own (a child re-executing this program with
 * --sweep-child NAME): the shim preloaded with BLASSHIM_REPORT=off and a kernel, or OpenBLAS
 * alone. A child prints one line per shape and type: the best batch time of each thing it
 * measures. Within a child, what it compares is interleaved batch by batch. */

/* The shapes of issue #11: its table, every n from 1 to 65 and the listed squares, the ML
 * shapes. m, n, k. */
static int nuser, user[32][3]; /* --shape */

/* The framework rows, after the shapes: a 512x512 linear layer as PyTorch's Linear
 * (x @ W^T) and NumPy (x @ W) call cblas_?gemm for a batch of m rows, with the layout: order
 * (C column-, R row-major), transa, transb. The shapes are all "CNN". */
static const struct {
    int m, n, k;
    const char *layout;
} framework_rows[] = {{1, 512, 512, "RNT"},  {2, 512, 512, "RNT"}, {8, 512, 512, "RNT"},
                      {32, 512, 512, "RNT"}, {1, 512, 512, "RNN"}, {8, 512, 512, "RNN"}};
#define N_FRAMEWORK ((int)(sizeof framework_rows / sizeof framework_rows[0]))

/* the layout of shape s of the nshapes sweep_shapes gives */
static const char *sweep_layout(int s, int nshapes)
{
    return nuser || s < nshapes - N_FRAMEWORK ? "CNN"
                                              : framework_rows[s - (nshapes - N_FRAMEWORK)].layout;
}

static int sweep_shapes(int (*out)[3], int cap)
{
    if (nuser) { /* the user's shapes instead */
        memcpy(out, user, sizeof user[0] * (size_t)(nuser < cap ? nuser : cap));
        return nuser < cap ? nuser : cap;
    }
    static const int squares[] = {96,  100, 127, 128, 129, 150, 192, 200,  255, 256,
                                  257, 300, 384, 500, 512, 513, 768, 1000, 1024};
    static const int other[][3] = {{1, 512, 512},  {2, 128, 128},  {64, 1, 512},   {512, 1, 512},
                                   {64, 10, 64},   {10, 64, 64},   {128, 128, 2},  {3136, 64, 576},
                                   {2048, 10, 64}, {784, 128, 32}, {32, 128, 784}, {4096, 64, 64},
                                   {64, 4096, 64}, {576, 64, 3136}};
    int n = 0;
    for (int i = 1; i <= 65 && n < cap; i++, n++)
        out[n][0] = out[n][1] = out[n][2] = i;
    for (size_t i = 0; i < sizeof squares / sizeof squares[0] && n < cap; i++, n++)
        out[n][0] = out[n][1] = out[n][2] = squares[i];
    for (size_t i = 0; i < sizeof other / sizeof other[0] && n < cap; i++, n++)
        out[n][0] = other[i][0], out[n][1] = other[i][1], out[n][2] = other[i][2];
    for (int i = 0; i < N_FRAMEWORK && n < cap; i++, n++)
        out[n][0] = framework_rows[i].m, out[n][1] = framework_rows[i].n,
        out[n][2] = framework_rows[i].k;
    return n;
}

#define SWEEP_MAX 128
enum { SW_VEC, SW_OB1, SW_PAR, SW_OB2, SW_AUTO, SW_PARBUSY, SW_COLS };
static const char *const sw_names[SW_COLS] = {"vectorized", "OpenBLAS-1", "parallel",
                                              "OpenBLAS-2", "auto",       "par+OBbusy"};

/* The children: which columns each fills, with what kernel under the shim (NULL: no shim). */
static const struct {
    const char *name, *kernel;
    int cols[2], ncols;
} children[] = {
    {"vec", "vectorized", {SW_VEC, SW_OB1}, 2},
    {"par", "parallel", {SW_PAR}, 1},
    {"ob2", NULL, {SW_OB2}, 1},
    {"auto", "auto", {SW_AUTO}, 1},
    {"parbusy", "parallel", {SW_PARBUSY}, 1},
};

typedef void (*dsyrk_fn)(int, int, int, int, int, double, const double *, int, double, double *,
                         int);

/* One batch of calls (>= 200 us of work, `reps` calls), seconds per call. who: 0 the shim's
 * exported symbol, 1 OpenBLAS's own. */
static double sweep_batch(int who, int dbl, int m, int n, int k, const char *lay, long reps,
                          void *a, void *b, void *c, cblas_s sh_s, cblas_d sh_d)
{
    const int row = lay[0] == 'R', ta = lay[1] == 'T' ? 112 : 111, tb = lay[2] == 'T' ? 112 : 111;
    /* tight leading dimensions of the operands as stored (op(A) is m x k, op(B) k x n) */
    const int lda = row ? (ta == 111 ? k : m) : (ta == 111 ? m : k);
    const int ldb = row ? (tb == 111 ? n : k) : (tb == 111 ? k : n), ldc = row ? n : m;
    const int order = row ? 101 : 102;
    double t = now();
    for (long i = 0; i < reps; i++) {
        if (dbl)
            (who ? ob_dgemm : sh_d)(order, ta, tb, m, n, k, 1.0, a, lda, b, ldb, 0.0, c, ldc);
        else
            (who ? ob_sgemm : sh_s)(order, ta, tb, m, n, k, 1.0f, a, lda, b, ldb, 0.0f, c, ldc);
    }
    return (now() - t) / reps;
}

static int sweep_child(const char *name)
{
    int ci = -1;
    for (size_t i = 0; i < sizeof children / sizeof children[0]; i++)
        if (!strcmp(children[i].name, name))
            ci = (int)i;
    if (ci < 0)
        return 2;
    /* the shim's exported entry points when it is preloaded; OpenBLAS's own otherwise */
    cblas_s sh_s = children[ci].kernel ? (cblas_s)dlsym(RTLD_DEFAULT, "cblas_sgemm") : NULL;
    cblas_d sh_d = children[ci].kernel ? (cblas_d)dlsym(RTLD_DEFAULT, "cblas_dgemm") : NULL;
    dsyrk_fn sh_syrk = (dsyrk_fn)dlsym(RTLD_DEFAULT, "cblas_dsyrk");
    if (children[ci].kernel && (!sh_s || !sh_d || !sh_syrk))
        return 1;
    const int only_ob = !children[ci].kernel, busy = !strcmp(name, "parbusy");
    if (ob_threads)
        ob_threads(only_ob ? nthreads : 1);
    /* OpenBLAS's threads spin (sched_yield) for about 0.1 s (2^28 TSC ticks) before they
     * sleep, from when it is loaded and again from each change of its thread count (the
     * shim sets it at its first call): a 2-thread contender measured in that window shares a
     * core with them. Every child makes that first call and lets the spin pass before it
     * measures anything. */
    if (sh_s) {
        float one = 1, out = 0;
        sh_s(102, 111, 111, 1, 1, 1, 1.0f, &one, 1, &one, 1, 0.0f, &out, 1);
    }
    usleep(250000);
    /* the "busy" case: a NumPy-like loop where syrk (forwarded by the shim to the real BLAS,
     * which runs it on all its threads) alternates with our gemm */
    static double sy_a[192 * 192], sy_c[192 * 192];
    for (int i = 0; i < 192 * 192; i++)
        sy_a[i] = (double)(i % 11) / 11;
    static int shapes[SWEEP_MAX][3];
    const int ns = sweep_shapes(shapes, SWEEP_MAX);
    for (int dbl = 0; dbl < 2; dbl++)
        for (int s = 0; s < ns; s++) {
            const int m = shapes[s][0], n = shapes[s][1], k = shapes[s][2];
            const char *lay = sweep_layout(s, ns);
            const double mnk = (double)m * n * k;
            if (busy && mnk < 128.0 * 128 * 128)
                continue;
            void *a, *b, *c;
            operands(dbl, m, n, k, &a, &b, &c);
            const int nw = children[ci].ncols;
            long reps[2];
            double best[2] = {1e30, 1e30};
            for (int w = 0; w < nw; w++) { /* warm-up, and a batch of >= 200 us */
                const int who = only_ob || w == 1;
                double one = sweep_batch(who, dbl, m, n, k, lay, 1, a, b, c, sh_s, sh_d);
                one = sweep_batch(who, dbl, m, n, k, lay, 1, a, b, c, sh_s, sh_d);
                reps[w] = one >= 200e-6 ? 1 : (long)(200e-6 / (one > 1e-9 ? one : 1e-9)) + 1;
            }
            for (int r = 0; r < 9; r++)
                for (int w = 0; w < nw; w++) {
                    if (busy)
                        sh_syrk(102, 121, 111, 192, 192, 1.0, sy_a, 192, 0.0, sy_c, 192);
                    double t = sweep_batch(only_ob || w == 1, dbl, m, n, k, lay, reps[w], a, b, c,
                                           sh_s, sh_d);
                    if (t < best[w])
                        best[w] = t;
                }
            printf("%d %d", dbl, s);
            for (int w = 0; w < nw; w++)
                printf(" %d %.9g", children[ci].cols[w], best[w]);
            printf("\n");
            fflush(stdout);
            free(a), free(b), free(c);
        }
    return 0;
}

/* The CPUs a sweep child may use, "0,1,...", handed to it through the environment: it starts
 * pinned to one of them (sweep_run) and widens its mask back first thing (main). */
#define CPUS_ENV "GEMM_BENCH_CPUS"

/* Run one child with the shim preloaded (or not), its first thread started on CPU `cpu` of
 * `all`, and fill its columns from what it prints. */
static int sweep_run(const char *self, const char *shim, int ci, double (*t)[SWEEP_MAX][SW_COLS],
                     int cpu, const cpu_set_t *all)
{
    int fd[2];
    if (pipe(fd) != 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fd[1], 1);
        close(fd[0]), close(fd[1]);
        char list[1024];
        size_t o = 0;
        list[0] = '\0';
        for (int c = 0; c < CPU_SETSIZE && o + 8 < sizeof list; c++)
            if (CPU_ISSET(c, all))
                o += (size_t)snprintf(list + o, sizeof list - o, "%s%d", o ? "," : "", c);
        setenv(CPUS_ENV, list, 1);
        cpu_set_t one;
        CPU_ZERO(&one);
        CPU_SET(cpu, &one);
        sched_setaffinity(0, sizeof one, &one);
        if (children[ci].kernel) {
            setenv("LD_PRELOAD", shim, 1);
            setenv("BLASSHIM_KERNEL", children[ci].kernel, 1);
            setenv("BLASSHIM_REPORT", "off", 1);
            char nt[16];
            snprintf(nt, sizeof nt, "%d", nthreads);
            setenv("BLASSHIM_NUM_THREADS", nt, 1);
        }
        char *args[4 + 2 * 32] = {(char *)self, "--sweep-child", (char *)children[ci].name};
        char shapes[32][40];
        for (int i = 0, a = 3; i < nuser; i++) {
            snprintf(shapes[i], sizeof shapes[i], "%dx%dx%d", user[i][0], user[i][1], user[i][2]);
            args[a++] = "--shape";
            args[a++] = shapes[i];
        }
        execv(self, args);
        _exit(127);
    }
    close(fd[1]);
    FILE *in = fdopen(fd[0], "r");
    char line[256];
    while (in && fgets(line, sizeof line, in)) {
        int dbl, s, col, used;
        double sec;
        char *p = line;
        if (sscanf(p, "%d %d%n", &dbl, &s, &used) != 2 || dbl < 0 || dbl > 1 || s < 0 ||
            s >= SWEEP_MAX)
            continue;
        p += used;
        while (sscanf(p, "%d %lf%n", &col, &sec, &used) == 2 && col >= 0 && col < SW_COLS) {
            if (sec < t[dbl][s][col])
                t[dbl][s][col] = sec;
            p += used;
        }
    }
    if (in)
        fclose(in);
    int st = 0;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

static int sweep(const char *self, int passes)
{
    char shim[4096];
    snprintf(shim, sizeof shim, "%s", self);
    char *slash = strrchr(shim, '/');
    snprintf(slash ? slash + 1 : shim, sizeof shim - (size_t)(slash ? slash + 1 - shim : 0),
             "libblasshim.so");
    char *abs = realpath(shim, NULL);
    if (!abs) {
        fprintf(stderr, "gemm_bench: %s not found (make all)\n", shim);
        return 1;
    }
    static double t[2][SWEEP_MAX][SW_COLS];
    for (int d = 0; d < 2; d++)
        for (int s = 0; s < SWEEP_MAX; s++)
            for (int c = 0; c < SW_COLS; c++)
                t[d][s][c] = 1e30;
    /* Whole passes over the children, alternating processes; each cell keeps its best. Pass p
     * starts every child on the p-th of the CPUs (in turn): the CPUs of a VM need not be alike
     * (here CPU 0, which takes the guest's interrupts, ran one-thread gemm 10-18% slower than
     * CPU 1), and the scheduler keeps a process where it started, so the columns that come
     * from different processes (auto against vectorized and parallel) would otherwise compare
     * CPUs as much as kernels. */
    cpu_set_t all;
    int cpus[CPU_SETSIZE], ncpu = 0;
    if (sched_getaffinity(0, sizeof all, &all) == 0)
        for (int c = 0; c < CPU_SETSIZE; c++)
            if (CPU_ISSET(c, &all))
                cpus[ncpu++] = c;
    if (!ncpu) {
        CPU_ZERO(&all);
        CPU_SET(0, &all);
        cpus[ncpu++] = 0;
    }
    for (int p = 0; p < passes; p++)
        for (size_t ci = 0; ci < sizeof children / sizeof children[0]; ci++)
            if (sweep_run(self, abs, (int)ci, t, cpus[p % ncpu], &all) != 0)
                fprintf(stderr, "gemm_bench: sweep child %s failed\n", children[ci].name);
    free(abs);
    static int shapes[SWEEP_MAX][3];
    const int ns = sweep_shapes(shapes, SWEEP_MAX);
    printf("through the shim's cblas_?gemm (BLASSHIM_REPORT=off) vs OpenBLAS's own, column-major "
           "NN (the framework rows as marked), alpha 1, beta 0;\nbest of 9 batches of >= 200 us "
           "x %d passes; GFLOP/s, and ratios (> 1: ours faster)\n",
           passes);
    for (int dbl = 0; dbl < 2; dbl++) {
        printf("\n%-5s %-14s", "", "m x n x k");
        for (int c = 0; c < SW_COLS; c++)
            printf(" %10s", sw_names[c]);
        printf(" %8s %8s %8s %9s\n", "vec/OB1", "par/OB2", "busy/par", "auto/best");
        double lv = 0, lp = 0;
        int nv = 0, np = 0;
        for (int s = 0; s < ns; s++) {
            const int m = shapes[s][0], n = shapes[s][1], k = shapes[s][2];
            const double fl = 2.0 * m * n * (double)k * 1e-9;
            const char *lay = sweep_layout(s, ns);
            const int framework = strcmp(lay, "CNN") != 0;
            char label[40];
            snprintf(label, sizeof label, "%dx%dx%d%s%s", m, n, k, framework ? " " : "",
                     framework ? lay : "");
            if (framework && !strcmp(sweep_layout(s - 1, ns), "CNN")) /* the first of them */
                printf("framework calls: RNT = row-major x @ W^T (PyTorch's Linear, batch m), "
                       "RNN = row-major x @ W (NumPy)\n");
            printf("%-5s %-14s", dbl ? "dgemm" : "sgemm", label);
            const double *x = t[dbl][s];
            for (int c = 0; c < SW_COLS; c++)
                x[c] < 1e29 ? printf(" %10.2f", fl / x[c]) : printf(" %10s", "-");
            const double rv = x[SW_OB1] / x[SW_VEC], rp = x[SW_OB2] / x[SW_PAR];
            const double bestvp = x[SW_VEC] < x[SW_PAR] ? x[SW_VEC] : x[SW_PAR];
            printf(" %7.2fx %7.2fx", rv, rp);
            if (x[SW_PARBUSY] < 1e29)
                printf(" %7.2fx", x[SW_PAR] / x[SW_PARBUSY]);
            else
                printf(" %8s", "-");
            printf(" %8.2fx\n", bestvp / x[SW_AUTO]);
            if (framework)
                continue; /* the shapes only */
            lv += log(rv), nv++;
            if ((double)m * n * k >= 128.0 * 128 * 128)
                lp += log(rp), np++;
        }
        printf("%s geometric mean: vectorized/OpenBLAS-1 %.2fx over %d shapes; "
               "parallel/OpenBLAS-2 %.2fx over the %d with m*n*k >= 128^3\n",
               dbl ? "dgemm" : "sgemm", exp(lv / nv), nv, np ? exp(lp / np) : 0.0, np);
    }
    return 0;
}

int main(int argc, char **argv)
{
    int quick = 0;
    const char *only = NULL;
    bs_kernel_params params = {0};
    cpu_set_t set;
    const char *cpus = getenv(CPUS_ENV);
    if (cpus) { /* a sweep child, started pinned to one CPU: free to use all again, before any
                 * thread of ours or OpenBLAS's is made (the scheduler keeps us where we are) */
        CPU_ZERO(&set);
        for (const char *c = cpus; *c;) {
            char *end;
            const long v = strtol(c, &end, 10);
            if (end == c)
                break;
            if (v >= 0 && v < CPU_SETSIZE)
                CPU_SET((int)v, &set);
            c = *end == ',' ? end + 1 : end;
        }
        if (CPU_COUNT(&set) > 0)
            sched_setaffinity(0, sizeof set, &set);
        unsetenv(CPUS_ENV);
    }
    if (sched_getaffinity(0, sizeof set, &set) == 0)
        nthreads = CPU_COUNT(&set);
    int do_sweep = 0, passes = 2;
    const char *child = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--quick"))
            quick = 1;
        else if (!strcmp(argv[i], "--sweep"))
            do_sweep = 1;
        else if (!strcmp(argv[i], "--passes") && i + 1 < argc)
            passes = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--sweep-child") && i + 1 < argc)
            child = argv[++i];
        else if (!strcmp(argv[i], "--only") && i + 1 < argc)
            only = argv[++i];
        else if (!strcmp(argv[i], "--threads") && i + 1 < argc)
            nthreads = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--shape") && i + 1 < argc && nuser < 32 &&
                 sscanf(argv[i + 1], "%dx%dx%d", &user[nuser][0], &user[nuser][1],
                        &user[nuser][2]) == 3)
            i++, nuser++;
        else if (!strcmp(argv[i], "--block") && i + 1 < argc)
            sscanf(argv[++i], "%ld,%ld,%ld", &params.mc, &params.kc, &params.nc);
        else {
            fprintf(stderr,
                    "usage: gemm_bench [--quick] [--only s|d] [--threads N] [--block MC,KC,NC] "
                    "[--shape MxNxK ...] | --sweep [--passes N] [--threads N]\n");
            return 2;
        }
    }
    params.l1 = sysconf(_SC_LEVEL1_DCACHE_SIZE);
    params.l2 = sysconf(_SC_LEVEL2_CACHE_SIZE);
    params.l3 = sysconf(_SC_LEVEL3_CACHE_SIZE);
    params.nthreads = nthreads;
    bs_kernels_configure(&params);

    void *ob = dlopen("libopenblas.so.0", RTLD_NOW | RTLD_LOCAL);
    if (!ob) {
        fprintf(stderr, "gemm_bench: OpenBLAS (libopenblas.so.0) not found\n");
        return 1;
    }
    ob_sgemm = (cblas_s)dlsym(ob, "cblas_sgemm");
    ob_dgemm = (cblas_d)dlsym(ob, "cblas_dgemm");
    *(void **)&ob_threads = dlsym(ob, "openblas_set_num_threads");
    *(void **)&ob_corename = dlsym(ob, "openblas_get_corename");
    if (child)
        return sweep_child(child);
    if (do_sweep) {
        double xs, xd;
        bs_kernels_crossover(&xs, &xd);
        printf("OpenBLAS core: %s; %d threads for parallel and OpenBLAS-2; parallel/auto use the "
               "pool from m*n*k = %.0f^3 (sgemm), %.0f^3 (dgemm), measured at the first call\n",
               ob_corename ? ob_corename() : "?", nthreads, cbrt(xs), cbrt(xd));
        return sweep(argv[0], passes < 1 ? 1 : passes);
    }

    double ps, pd;
    bs_measure_peak(&ps, &pd);
    bs_kernel_desc su;
    bs_kernels_describe(&su);
    printf("machine peak (FMA loop, 1 core): %.1f GFLOP/s fp32, %.1f GFLOP/s fp64; %d threads\n",
           ps, pd, nthreads);
    printf("vectorized: %s microkernels, sgemm %dx%d tiles MC,KC,NC=%ld,%ld,%ld; dgemm %dx%d "
           "MC,KC,NC=%ld,%ld,%ld\n",
           su.isa, su.s_tile[0], su.s_tile[1], su.s_blk[0], su.s_blk[1], su.s_blk[2], su.d_tile[0],
           su.d_tile[1], su.d_blk[0], su.d_blk[1], su.d_blk[2]);
    printf("OpenBLAS core: %s\n\n", ob_corename ? ob_corename() : "?");

    static const int shapes[][3] = {{16, 16, 16},       {32, 32, 32},       {64, 64, 64},
                                    {128, 128, 128},    {256, 256, 256},    {512, 512, 512},
                                    {1024, 1024, 1024}, {2048, 2048, 2048}, {256, 4096, 1024},
                                    {4096, 64, 4096},   {1024, 128, 1024}};
    int nshapes = quick ? 8 : (int)(sizeof shapes / sizeof shapes[0]);
    printf("%-5s %-16s", "gemm", "m x n x k");
    for (int kk = 0; kk < K_COUNT; kk++)
        printf(" %10s", knames[kk]);
    printf(" %8s %8s %7s\n", "vec/OB1", "par/OBN", "%peak");
    for (int dbl = 0; dbl < 2; dbl++) {
        if (only && only[0] != (dbl ? 'd' : 's'))
            continue;
        for (int s = 0; s < (nuser ? nuser : nshapes); s++) {
            int m = nuser ? user[s][0] : shapes[s][0], n = nuser ? user[s][1] : shapes[s][1],
                k = nuser ? user[s][2] : shapes[s][2];
            void *a, *b, *c;
            operands(dbl, m, n, k, &a, &b, &c);
            char label[32];
            snprintf(label, sizeof label, "%dx%dx%d", m, n, k);
            printf("%-5s %-16s", dbl ? "dgemm" : "sgemm", label);
            double g[K_COUNT];
            double mnk = (double)m * n * k;
            for (int kk = 0; kk < K_COUNT; kk++) {
                g[kk] = 0;
                if (kk == K_NAIVE && mnk > 512.0 * 512 * 512) {
                    printf(" %10s", "-");
                    continue;
                }
                if (kk == K_BLOCKED && quick && mnk > 1024.0 * 1024 * 1024) {
                    printf(" %10s", "-");
                    continue;
                }
                g[kk] = measure(kk, dbl, m, n, k, a, b, c, quick ? 0.05 : 0.25);
                printf(" %10.1f", g[kk]);
                fflush(stdout);
            }
            double pk = dbl ? pd : ps;
            printf(" %7.2fx %7.2fx %6.0f%%\n", g[K_VEC] / g[K_OB1], g[K_PAR] / g[K_OBN],
                   pk > 0 ? 100 * g[K_VEC] / pk : 0);
            free(a), free(b), free(c);
        }
    }
    return 0;
}
