/* common/cpu.h — what this CPU runs, as a set of feature bits a program can test a requirement
 * against. A leaf: it includes nothing of ours, so the library's kernels and the report tool's
 * peak measurement ask the same question the same way (BLIS's bli_cpuid.c in miniature). */
#ifndef BS_COMMON_CPU_H
#define BS_COMMON_CPU_H

#include <stdio.h>
#include <string.h>

/* The features a microkernel family (or a peak loop) can require. SSE2 is the x86-64 baseline:
 * a requirement of 0 means "any x86-64". */
enum {
    BS_CPU_AVX2 = 1u << 0,
    BS_CPU_FMA = 1u << 1,
    BS_CPU_AVX512F = 1u << 2,
};

/* The features of the CPU this process runs on. */
static inline unsigned bs_cpu_features(void)
{
    __builtin_cpu_init();
    unsigned f = 0;
    if (__builtin_cpu_supports("avx2"))
        f |= BS_CPU_AVX2;
    if (__builtin_cpu_supports("fma"))
        f |= BS_CPU_FMA;
    if (__builtin_cpu_supports("avx512f"))
        f |= BS_CPU_AVX512F;
    return f;
}

/* Whether this CPU has every feature of `need` (a set of BS_CPU_* bits). */
static inline int bs_cpu_runs(unsigned need) { return (bs_cpu_features() & need) == need; }

/* The CPU's model name as /proc/cpuinfo gives it ("Intel(R) Xeon(R) Processor") into buf;
 * returns 0, or -1 (buf empty) when it cannot be read. The report header records it and the
 * report tool keys its per-machine peak by it: both read it here. */
static inline int bs_cpu_model(char *buf, size_t cap)
{
    FILE *f = fopen("/proc/cpuinfo", "re");
    char line[512];
    buf[0] = '\0';
    while (f && !buf[0] && fgets(line, sizeof line, f)) {
        char *v = strchr(line, ':');
        if (strncmp(line, "model name", 10) != 0 || !v)
            continue;
        v += 1 + (v[1] == ' ');
        v[strcspn(v, "\n")] = '\0';
        snprintf(buf, cap, "%s", v);
    }
    if (f)
        fclose(f);
    return buf[0] ? 0 : -1;
}

#endif
