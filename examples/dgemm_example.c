/* examples/dgemm_example.c — a plain C program that multiplies matrices through the system
 * CBLAS (cblas_dgemm), as a user's program would. Run it with and without the shim:
 *   build/examples/dgemm_example [n] [repeats]
 *   blasshim run -k naive -- build/examples/dgemm_example 256 3
 *   LD_PRELOAD=$PWD/build/libblasshim.so BLASSHIM_KERNEL=naive build/examples/dgemm_example 256 3
 *   (LD_PRELOAD needs the absolute path: /usr/local/lib/libblasshim.so once installed)
 * It prints the checksum of C and the time per multiply. */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 256;
    int reps = argc > 2 ? atoi(argv[2]) : 3;
    if (n < 1 || reps < 1) {
        fprintf(stderr, "usage: dgemm_example [n >= 1] [repeats >= 1]\n");
        return 2;
    }
    double *a = malloc(sizeof(double) * n * n), *b = malloc(sizeof(double) * n * n),
           *c = malloc(sizeof(double) * n * n);
    for (long i = 0; i < (long)n * n; i++) {
        a[i] = (double)(i % 17) / 17.0;
        b[i] = (double)(i % 13) / 13.0 - 0.5;
    }
    double best = 1e30;
    for (int r = 0; r < reps; r++) {
        double t = now();
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0, a, n, b, n, 0.0, c, n);
        t = now() - t;
        if (t < best)
            best = t;
    }
    double sum = 0;
    for (long i = 0; i < (long)n * n; i++)
        sum += c[i];
    printf("n=%d checksum=%.10e best=%.3f ms (%.2f GFLOP/s)\n", n, sum, best * 1e3,
           2.0 * n * n * n / best * 1e-9);
    free(a), free(b), free(c);
    return 0;
}
