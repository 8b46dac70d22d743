/* bench/overhead.c — the time per call of a 4x4x4 dgemm through cblas_dgemm, for
 * make bench-overhead, which runs it with and without the shim preloaded and subtracts.
 *   overhead [calls]     prints "ns_per_call X" (best of 7 rounds) */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(int argc, char **argv)
{
    long calls = argc > 1 ? atol(argv[1]) : 200000;
    double a[16], b[16], c[16];
    for (int i = 0; i < 16; i++)
        a[i] = i * 0.25, b[i] = 1.0 - i * 0.125, c[i] = 0;
    double best = 1e30;
    for (int round = 0; round < 7; round++) {
        double t = now();
        for (long i = 0; i < calls; i++)
            cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, 4, 4, 4, 1.0, a, 4, b, 4, 0.0, c,
                        4);
        t = (now() - t) / calls;
        if (t < best)
            best = t;
    }
    printf("ns_per_call %.1f\n", best);
    return c[5] == 12345.0; /* keep the result alive */
}
