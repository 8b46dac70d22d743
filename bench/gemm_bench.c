/* bench/gemm_bench.c — make bench: GFLOP/s of every kernel against OpenBLAS, measured in one
 * run, side by side, best of several repetitions.
 *   gemm_bench [--quick] [--only s|d] [--threads N] [--block MC,KC,NC] [--shape MxNxK ...]
 * The kernels are called directly (no shim in between); OpenBLAS through its own cblas_?gemm
 * with 1 thread and with all threads. The machine's peak is measured by an FMA loop. */
#include <dlfcn.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kernels/gemm.h"
#include "report/peak.h"

typedef void (*cblas_s)(int, int, int, int, int, int, float, const float *, int, const float *,
                        int, float, float *, int);
typedef void (*cblas_d)(int, int, int, int, int, int, double, const double *, int,
                        const double *, int, double, double *, int);
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

/* ---- one measurement ------------------------------------------------------------------ */
enum { K_NAIVE, K_BLOCKED, K_VEC, K_PAR, K_OB1, K_OBN, K_COUNT };
static const char *knames[K_COUNT] = {"naive", "blocked", "vectorized", "parallel",
                                      "OpenBLAS-1", "OpenBLAS-N"};
static int nthreads = 2;

static double run_once(int kern, int dbl, int m, int n, int k, void *a, void *b, void *c)
{
    bs_kernel_info info = {.threads = 0};
    double t = now();
    if (kern >= K_OB1) {
        if (dbl) ob_dgemm(102, 111, 111, m, n, k, 1.0, a, m, b, k, 0.0, c, m);
        else ob_sgemm(102, 111, 111, m, n, k, 1.0f, a, m, b, k, 0.0f, c, m);
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
    if (kern == K_OB1) ob_threads(1);
    if (kern == K_OBN) ob_threads(nthreads);
    double one = run_once(kern, dbl, m, n, k, a, b, c); /* warm-up: pages, threads, caches */
    long batch = one > 50e-6 ? 1 : (long)(50e-6 / (one > 1e-8 ? one : 1e-8)) + 1;
    double best = 1e30, spent = 0;
    for (int r = 0; r < 5 || (spent < budget && r < 100000); r++) {
        double t = now();
        for (long i = 0; i < batch; i++)
            run_once(kern, dbl, m, n, k, a, b, c);
        t = (now() - t) / batch;
        spent += t * batch;
        if (t < best) best = t;
    }
    return 2.0 * m * n * (double)k / best * 1e-9;
}

int main(int argc, char **argv)
{
    int quick = 0, nuser = 0;
    int user[32][3];
    const char *only = NULL;
    bs_kernel_params params = {0};
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) nthreads = CPU_COUNT(&set);
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--quick")) quick = 1;
        else if (!strcmp(argv[i], "--only") && i + 1 < argc) only = argv[++i];
        else if (!strcmp(argv[i], "--threads") && i + 1 < argc) nthreads = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--shape") && i + 1 < argc && nuser < 32 &&
                 sscanf(argv[i + 1], "%dx%dx%d", &user[nuser][0], &user[nuser][1], &user[nuser][2]) == 3)
            i++, nuser++;
        else if (!strcmp(argv[i], "--block") && i + 1 < argc)
            sscanf(argv[++i], "%ld,%ld,%ld", &params.mc, &params.kc, &params.nc);
        else {
            fprintf(stderr, "usage: gemm_bench [--quick] [--only s|d] [--threads N] [--block MC,KC,NC] "
                            "[--shape MxNxK ...]\n");
            return 2;
        }
    }
    params.l1 = sysconf(_SC_LEVEL1_DCACHE_SIZE);
    params.l2 = sysconf(_SC_LEVEL2_CACHE_SIZE);
    params.l3 = sysconf(_SC_LEVEL3_CACHE_SIZE);
    params.nthreads = nthreads;
    bs_kernels_configure(&params);

    void *ob = dlopen("libopenblas.so.0", RTLD_NOW | RTLD_LOCAL);
    if (!ob) { fprintf(stderr, "gemm_bench: OpenBLAS (libopenblas.so.0) not found\n"); return 1; }
    ob_sgemm = (cblas_s)dlsym(ob, "cblas_sgemm");
    ob_dgemm = (cblas_d)dlsym(ob, "cblas_dgemm");
    *(void **)&ob_threads = dlsym(ob, "openblas_set_num_threads");
    *(void **)&ob_corename = dlsym(ob, "openblas_get_corename");

    double ps, pd;
    bs_measure_peak(&ps, &pd);
    bs_kernel_setup su;
    bs_kernels_setup(&su);
    printf("machine peak (FMA loop, 1 core): %.1f GFLOP/s fp32, %.1f GFLOP/s fp64; %d threads\n",
           ps, pd, nthreads);
    printf("vectorized: %s microkernels, sgemm %dx%d tiles MC,KC,NC=%ld,%ld,%ld; dgemm %dx%d "
           "MC,KC,NC=%ld,%ld,%ld\n", su.isa, su.s_tile[0], su.s_tile[1], su.s_blk[0], su.s_blk[1],
           su.s_blk[2], su.d_tile[0], su.d_tile[1], su.d_blk[0], su.d_blk[1], su.d_blk[2]);
    printf("OpenBLAS core: %s\n\n", ob_corename ? ob_corename() : "?");

    static const int shapes[][3] = {{16, 16, 16},       {32, 32, 32},     {64, 64, 64},
                                    {128, 128, 128},    {256, 256, 256},  {512, 512, 512},
                                    {1024, 1024, 1024}, {2048, 2048, 2048},
                                    {256, 4096, 1024},  {4096, 64, 4096}, {1024, 128, 1024}};
    int nshapes = quick ? 8 : (int)(sizeof shapes / sizeof shapes[0]);
    printf("%-5s %-16s", "gemm", "m x n x k");
    for (int kk = 0; kk < K_COUNT; kk++) printf(" %10s", knames[kk]);
    printf(" %8s %8s %7s\n", "vec/OB1", "par/OBN", "%peak");
    for (int dbl = 0; dbl < 2; dbl++) {
        if (only && only[0] != (dbl ? 'd' : 's')) continue;
        for (int s = 0; s < (nuser ? nuser : nshapes); s++) {
            int m = nuser ? user[s][0] : shapes[s][0], n = nuser ? user[s][1] : shapes[s][1],
                k = nuser ? user[s][2] : shapes[s][2];
            size_t es = dbl ? 8 : 4;
            void *a = aligned_alloc(64, ((size_t)m * k * es + 63) / 64 * 64);
            void *b = aligned_alloc(64, ((size_t)k * n * es + 63) / 64 * 64);
            void *c = aligned_alloc(64, ((size_t)m * n * es + 63) / 64 * 64);
            for (size_t i = 0; i < (size_t)m * k; i++)
                dbl ? (((double *)a)[i] = (double)(i % 13) / 13) : (((float *)a)[i] = (float)(i % 13) / 13);
            for (size_t i = 0; i < (size_t)k * n; i++)
                dbl ? (((double *)b)[i] = (double)(i % 7) / 7) : (((float *)b)[i] = (float)(i % 7) / 7);
            char label[32];
            snprintf(label, sizeof label, "%dx%dx%d", m, n, k);
            printf("%-5s %-16s", dbl ? "dgemm" : "sgemm", label);
            double g[K_COUNT];
            double mnk = (double)m * n * k;
            for (int kk = 0; kk < K_COUNT; kk++) {
                g[kk] = 0;
                if (kk == K_NAIVE && mnk > 512.0 * 512 * 512) { printf(" %10s", "-"); continue; }
                if (kk == K_BLOCKED && quick && mnk > 1024.0 * 1024 * 1024) { printf(" %10s", "-"); continue; }
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
