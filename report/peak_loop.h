/* report/peak_loop.h — one FMA peak loop, instantiated per vector type by report/peak.c, which
 * defines before each inclusion: PEAK_NAME (the function), PEAK_TARGET (the target attribute
 * string), V (the vector type), SET1(x), FMA(a, b, c) = a * b + c and LANES. Twelve independent
 * chains cover the FMA latency on two pipes. */

__attribute__((target(PEAK_TARGET))) static double PEAK_NAME(long iters)
{
    V acc[12], x = SET1(1.0000001), y = SET1(0.9999999);
    for (int i = 0; i < 12; i++)
        acc[i] = SET1(i);
    double t = now();
    for (long it = 0; it < iters; it++) {
#pragma GCC unroll 12
        for (int i = 0; i < 12; i++)
            acc[i] = FMA(acc[i], x, y);
    }
    t = now() - t;
    V sum = acc[0];
    for (int i = 1; i < 12; i++)
        sum = FMA(sum, x, acc[i]);
    volatile V sink = sum;
    (void)sink;
    return t > 0 ? 2.0 * LANES * 12 * iters / t * 1e-9 : 0;
}

#undef PEAK_NAME
#undef PEAK_TARGET
#undef V
#undef SET1
#undef FMA
#undef LANES
