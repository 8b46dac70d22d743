/* shim/config.c — the BLASSHIM_* environment variables, read once.
 * A bad value never stops the program: one line on stderr naming the valid choices,
 * then the default. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/auxv.h>
#include <unistd.h>

#include "profiler/report_limits.h"
#include "shim.h"

bs_config bs_cfg;

/* secure_getenv: a set-uid or set-gid program (or one with file capabilities) sees no
 * BLASSHIM_* setting, so its user cannot point it at a library or a file. */
static const char *env(const char *name)
{
    const char *v = secure_getenv(name);
    return v && *v ? v : NULL;
}

/* A byte count: digits, then an optional K, M, G or T (powers of 1024, optionally followed by
 * "iB" or "B"). Returns it, or -1. */
static long long parse_bytes(const char *s)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (end == s || errno || !isdigit((unsigned char)*s))
        return -1;
    static const char units[] = "KMGT";
    const char *u = *end ? strchr(units, toupper((unsigned char)*end)) : NULL;
    int shift = 0;
    if (u && *u) {
        shift = 10 * (int)(u - units + 1);
        end++;
        if (strcasecmp(end, "iB") == 0 || strcasecmp(end, "B") == 0)
            end += strlen(end);
    } else if (strcasecmp(end, "B") == 0) {
        end++;
    }
    if (*end || v > (unsigned long long)LLONG_MAX >> shift)
        return -1;
    return (long long)(v << shift);
}

static void kernel_choices(char *out, size_t cap)
{
    size_t o = (size_t)snprintf(out, cap, "system");
    for (const bs_kernel *k = bs_kernels; k->name && o < cap; k++)
        o += (size_t)snprintf(out + o, cap - o, ", %s", k->name);
}

/* Parse a kernel name into *out (NULL = system). Returns 0, or -1 after a warning. */
static int parse_kernel(const char *var, const char *val, const bs_kernel **out)
{
    if (strcasecmp(val, "system") == 0) {
        *out = NULL;
        return 0;
    }
    const bs_kernel *k = bs_kernel_find(val);
    if (k) {
        *out = k;
        return 0;
    }
    char choices[256];
    kernel_choices(choices, sizeof choices);
    bs_warn("%s=%s is not a kernel (choose one of: %s); using system", var, val, choices);
    return -1;
}

/* A positive integer no larger than max, or -1. */
static long parse_count(const char *s, long max)
{
    char *end;
    long v = strtol(s, &end, 10);
    return end != s && *end == '\0' && v >= 1 && v <= max ? v : -1;
}

/* A setting with two values (case-insensitive): 0 for `off`, 1 for `on`, dflt when unset or
 * bad (after one warning that names both values and what happens instead). */
static int two_way(const char *var, const char *off, const char *on, int dflt, const char *instead)
{
    const char *v = env(var);
    if (!v)
        return dflt;
    if (strcasecmp(v, on) == 0)
        return 1;
    if (strcasecmp(v, off) == 0)
        return 0;
    bs_warn("%s=%s is not %s or %s; %s", var, v, off, on, instead);
    return dflt;
}

/* BLASSHIM_MAX_REPORT, BLASSHIM_REPORT_FOLLOW, BLASSHIM_REPORT_MODE: handed to the report. */
static void read_report_limits(int default_name)
{
    bs_report_limits l = {
        .max_bytes = BS_MAX_REPORT_DEFAULT, .exclusive = default_name, .mode = 0600};
    const char *v = env("BLASSHIM_MAX_REPORT");
    if (v) {
        long long b = parse_bytes(v);
        if (b >= 0)
            l.max_bytes = b;
        else
            bs_warn("BLASSHIM_MAX_REPORT=%s is not a size (bytes, or with K, M, G, T; 0 for no "
                    "bound); using 1G",
                    v);
    }
    l.follow = two_way("BLASSHIM_REPORT_FOLLOW", "0", "1", 0, "symbolic links are not followed");
    if ((v = env("BLASSHIM_REPORT_MODE"))) {
        char *end;
        long m = strtol(v, &end, 8);
        if (end != v && *end == '\0' && m >= 0 && m <= 0777)
            l.mode = (unsigned)m;
        else
            bs_warn("BLASSHIM_REPORT_MODE=%s is not octal permission bits (e.g. 0640); using 0600",
                    v);
    }
    bs_report_set_limits(&l);
}

/* Data cache sizes: sysfs, else sysconf (0 where neither knows). */
static void cache_sizes(long *l1, long *l2, long *l3)
{
    *l1 = *l2 = *l3 = 0;
    for (int i = 0; i < 8; i++) {
        char path[96], type[32] = "", size[32] = "";
        int level = 0;
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/level", i);
        FILE *f = fopen(path, "re");
        if (!f)
            break;
        if (fscanf(f, "%d", &level) != 1)
            level = 0;
        fclose(f);
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/type", i);
        if ((f = fopen(path, "re"))) {
            if (fscanf(f, "%31s", type) != 1)
                type[0] = '\0';
            fclose(f);
        }
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/size", i);
        if ((f = fopen(path, "re"))) {
            if (fscanf(f, "%31s", size) != 1)
                size[0] = '\0';
            fclose(f);
        }
        long bytes = strtol(size, NULL, 10) * (strchr(size, 'M') ? 1024 * 1024 : 1024);
        if (strcmp(type, "Instruction") == 0 || bytes <= 0)
            continue;
        long *slot = level == 1 ? l1 : level == 2 ? l2 : level == 3 ? l3 : NULL;
        if (slot)
            *slot = bytes;
    }
    if (!*l1)
        *l1 = sysconf(_SC_LEVEL1_DCACHE_SIZE) > 0 ? sysconf(_SC_LEVEL1_DCACHE_SIZE) : 0;
    if (!*l2)
        *l2 = sysconf(_SC_LEVEL2_CACHE_SIZE) > 0 ? sysconf(_SC_LEVEL2_CACHE_SIZE) : 0;
    if (!*l3)
        *l3 = sysconf(_SC_LEVEL3_CACHE_SIZE) > 0 ? sysconf(_SC_LEVEL3_CACHE_SIZE) : 0;
}

/* CPUs this process may run on. */
static int affinity_cpus(void)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
        return CPU_COUNT(&set);
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

/* The parallel kernel's threads: BLASSHIM_NUM_THREADS, else OMP_NUM_THREADS (the first number of
 * a nested list such as "4,2", as OpenMP reads it), else the CPUs of the affinity mask.
 * *from names the source, for the report header. A bad value warns and falls through. */
static int read_threads(const char **from)
{
    static const char *const vars[] = {"BLASSHIM_NUM_THREADS", "OMP_NUM_THREADS"};
    enum { NVARS = sizeof vars / sizeof vars[0] };
    long n[NVARS];
    int chosen = NVARS; /* NVARS: the affinity mask */
    for (int i = NVARS - 1; i >= 0; i--) {
        const char *v = env(vars[i]);
        char first[32];
        size_t len = v ? (i == 0 ? strlen(v) : strcspn(v, ",")) : 0;
        n[i] = 0; /* unset */
        if (v) {
            n[i] = -1; /* bad */
            if (len < sizeof first) {
                memcpy(first, v, len);
                first[len] = '\0';
                n[i] = parse_count(first, 256);
            }
        }
        if (n[i] > 0)
            chosen = i;
    }
    int threads = chosen < NVARS ? (int)n[chosen] : affinity_cpus();
    for (int i = 0; i < chosen; i++)
        if (n[i] < 0)
            bs_warn("%s=%s is not a thread count (1 to 256%s); using %d", vars[i], env(vars[i]),
                    i == 0 ? "" : ", or a list of them", threads);
    *from = chosen < NVARS ? vars[chosen] : "affinity";
    return threads;
}

static void read_kernel_params(bs_kernel_params *kp)
{
    memset(kp, 0, sizeof *kp);
    cache_sizes(&kp->l1, &kp->l2, &kp->l3);
    kp->nthreads = read_threads(&bs_cfg.threads_from);
    const char *v = env("BLASSHIM_BLOCK");
    if (v) {
        char buf[96];
        snprintf(buf, sizeof buf, "%s", v);
        long b[3] = {-1, -1, -1};
        char *save = NULL, *tok = strtok_r(buf, ",", &save);
        int n = 0;
        for (; tok && n < 3; tok = strtok_r(NULL, ",", &save))
            b[n++] = parse_count(tok, 1L << 20);
        if (n == 3 && !tok && b[0] > 0 && b[1] > 0 && b[2] > 0) {
            kp->mc = b[0], kp->kc = b[1], kp->nc = b[2];
        } else {
            bs_warn("BLASSHIM_BLOCK=%s is not MC,KC,NC (three positive integers, e.g. "
                    "256,256,4096); using the sizes derived from the caches",
                    v);
        }
    }
    kp->isa = env("BLASSHIM_ISA");
}

void bs_config_read(void)
{
    const bs_kernel *all = NULL;
    const char *v = env("BLASSHIM_KERNEL");
    if (v)
        parse_kernel("BLASSHIM_KERNEL", v, &all);
    for (int r = 0; r < BS_R_COUNT; r++) {
        char var[64];
        int n = snprintf(var, sizeof var, "BLASSHIM_KERNEL_%s", bs_routine_names[r]);
        for (int i = 0; i < n; i++)
            var[i] = (char)toupper((unsigned char)var[i]);
        bs_cfg.kernel[r] = all;
        v = env(var);
        if (v && parse_kernel(var, v, &bs_cfg.kernel[r]) != 0)
            bs_cfg.kernel[r] = NULL;
    }

    v = env("BLASSHIM_REAL_BLAS");
    bs_cfg.real_none = v && strcasecmp(v, "none") == 0;
    bs_cfg.real_path = v && !bs_cfg.real_none ? v : NULL;

    v = env("BLASSHIM_REPORT");
    if (getauxval(AT_SECURE)) {
        bs_warn("set-uid/set-gid program: BLASSHIM_* settings are ignored and no report is "
                "written");
        bs_cfg.report = NULL;
    } else if (v && strcasecmp(v, "off") == 0) {
        bs_cfg.report = NULL;
    } else {
        bs_cfg.report = v ? v : "blasshim-%p.jsonl";
    }
    read_report_limits(!v);

    read_kernel_params(&bs_cfg.kparams);

    bs_cfg.summary = two_way("BLASSHIM_LOG", "calls", "summary", 0, "using calls");

    bs_cfg.backtrace = 1;
    if ((v = env("BLASSHIM_BACKTRACE"))) {
        long n = strcmp(v, "0") == 0 ? 0 : parse_count(v, BS_MAX_FRAMES);
        if (n >= 0)
            bs_cfg.backtrace = (int)n;
        else
            bs_warn("BLASSHIM_BACKTRACE=%s is not a frame count (0 to %d); using 1", v,
                    BS_MAX_FRAMES);
    }

    bs_cfg.verify_every = 0;
    if ((v = env("BLASSHIM_VERIFY")) && strcmp(v, "0") != 0) {
        long n = parse_count(v, 1L << 30);
        if (n > 0)
            bs_cfg.verify_every = n;
        else
            bs_warn("BLASSHIM_VERIFY=%s is not 0, 1 or N (every N-th call); not verifying", v);
    }

    bs_cfg.start_paused =
        two_way("BLASSHIM_START", "running", "paused", 0, "starting to record at once");

    bs_cfg.test_fault = two_way("BLASSHIM_TEST_FAULT", "0", "1", 0, "results are left alone");

    bs_cfg.python = two_way("BLASSHIM_PYTHON", "0", "1", 1, "Python call sites stay on");
    bs_cfg.pystack = 1;
    if ((v = env("BLASSHIM_PYSTACK"))) {
        long n = parse_count(v, BS_MAX_FRAMES);
        if (n > 0)
            bs_cfg.pystack = (int)n;
        else
            bs_warn("BLASSHIM_PYSTACK=%s is not a frame count (1 to %d); using 1", v,
                    BS_MAX_FRAMES);
    }
    bs_cfg.pycaller_user =
        two_way("BLASSHIM_PYCALLER", "innermost", "user", 1, "naming the user's own code");
    bs_cfg.pylib = env("BLASSHIM_PYLIB");
}
