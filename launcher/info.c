/* launcher/info.c — `blasshim info [OPTIONS] [--json]`: what a run would use.
 *
 * Only the library knows what it would pick (the real BLAS it finds, the ISA, the tiles from
 * the caches, the threads), and it cannot be dlopen()ed into a running program (its
 * thread-local state is initial-exec), so the launcher asks it the way a run would: it starts
 * itself again as a probe, under LD_PRELOAD with the environment a run gets, and the probe
 * prints blasshim_info_json() (include/blasshim.h). One core's FMA peak is the one
 * blasshim-report holds reports against: its per-CPU-model cache (report/cache.c), read here,
 * else measured now. */
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "common/machine_cache.h"
#include "include/blasshim.h"
#include "report/peak.h"
#include "launcher.h"

/* In the probe: the library is preloaded; print what it says. */
int bs_info_probe(void)
{
    const char *(*info)(void) = (const char *(*)(void))dlsym(RTLD_DEFAULT, "blasshim_info_json");
    if (!info) {
        bs_say("info: the library is not loaded in the probe process");
        return EXIT_LAUNCHER;
    }
    puts(info());
    return fflush(stdout) == 0 ? 0 : EXIT_LAUNCHER;
}

/* Run the probe with the run's environment; its stdout (one JSON line) into buf. */
static json_t *ask_library(const bs_args *a, const char *lib, const char *report)
{
    int fds[2];
    if (pipe(fds) != 0)
        return NULL;
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        dup2(fds[1], STDOUT_FILENO);
        close(fds[1]);
        bs_set_child_env(a, lib, report);
        execl("/proc/self/exe", LAUNCHER_NAME, "--info-probe", (char *)NULL);
        _exit(EXIT_LAUNCHER);
    }
    close(fds[1]);
    if (pid < 0) {
        close(fds[0]);
        return NULL;
    }
    FILE *in = fdopen(fds[0], "r");
    json_error_t err;
    json_t *j = in ? json_loadf(in, JSON_DISABLE_EOF_CHECK, &err) : NULL;
    if (in)
        fclose(in);
    else
        close(fds[0]);
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    if (j && !json_is_object(j)) {
        json_decref(j);
        j = NULL;
    }
    return j;
}

/* The peak blasshim-report would use on this machine: its cache entry for this CPU model
 * ($XDG_CACHE_HOME/blasshim/machines.json, else ~/.cache/blasshim/), else measured now. */
static json_t *machine_peak(const char *cpu_model)
{
    char dir[PATH_MAX], path[PATH_MAX + 32] = "";
    if (bs_machine_cache_dir(dir, sizeof dir) == 0)
        snprintf(path, sizeof path, "%s/" BS_MACHINE_CACHE_FILE, dir);
    json_t *all = path[0] ? json_load_file(path, 0, NULL) : NULL;
    json_t *e = cpu_model ? json_object_get(all, cpu_model) : NULL;
    json_t *pk = json_object();
    double s = json_number_value(json_object_get(e, "fp32_gflops"));
    double d = json_number_value(json_object_get(e, "fp64_gflops"));
    char source[PATH_MAX + 64];
    if (d > 0) {
        const char *when = json_string_value(json_object_get(e, "measured"));
        snprintf(source, sizeof source, "cached %s in %s", when ? when : "", path);
    } else {
        bs_measure_peak(&s, &d);
        snprintf(source, sizeof source, "measured now; blasshim-report caches it");
    }
    json_object_set_new(pk, "fp32", json_real(s));
    json_object_set_new(pk, "fp64", json_real(d));
    json_object_set_new(pk, "source", json_string(source));
    json_decref(all);
    return pk;
}

static const char *str(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "-";
}

static void print_size(const char *label, json_int_t bytes, int last)
{
    if (bytes >= 1 << 20 && bytes % (1 << 20) == 0)
        printf("%s %lld MiB%s", label, (long long)(bytes >> 20), last ? "" : ", ");
    else
        printf("%s %lld KiB%s", label, (long long)(bytes >> 10), last ? "" : ", ");
}

static void print_text(json_t *j)
{
    printf("blasshim %s\n", str(j, "blasshim"));
    printf("%-12s %s\n", "library", str(j, "library"));
    json_t *real = json_object_get(j, "real_blas"), *b = json_object_get(j, "blas");
    if (!json_is_string(real)) {
        printf("%-12s none\n", "real BLAS");
    } else {
        json_t *threads = json_object_get(b, "threads"), *lib = json_object_get(b, "library");
        printf("%-12s %s %s (%s", "real BLAS", str(b, "vendor"), str(b, "version"),
               str(b, "parallel"));
        if (json_is_string(json_object_get(b, "core")))
            printf(", core %s", str(b, "core"));
        if (json_is_integer(threads))
            printf(", %lld thread%s", (long long)json_integer_value(threads),
                   json_integer_value(threads) == 1 ? "" : "s");
        printf(")\n%-12s %s", "", json_string_value(real));
        if (strcmp(json_string_value(real), str(b, "file")) && json_object_get(b, "file"))
            printf(" -> %s", str(b, "file"));
        if (json_is_string(lib))
            printf(" -> %s", json_string_value(lib));
        putchar('\n');
    }
    printf("%-12s", "BLAS env");
    const char *name;
    json_t *val;
    int any = 0;
    json_object_foreach(json_object_get(j, "blas_env"), name, val)
    {
        if (strncmp(name, "BLASSHIM_", 9)) /* ours are shown below */
            printf(" %s=%s", name, json_string_value(val)), any = 1;
    }
    puts(any ? "" : " (no OPENBLAS_*, GOTO*, OMP_*, MKL_*, BLIS_* variables set)");
    printf("%-12s %s, %lld CPUs online (host %s)\n", "CPU", str(j, "cpu_model"),
           (long long)json_integer_value(json_object_get(j, "ncpus")), str(j, "host"));
    json_t *c = json_object_get(j, "cache_bytes");
    printf("%-12s ", "caches");
    print_size("L1d", json_integer_value(json_object_get(c, "l1d")), 0);
    print_size("L2", json_integer_value(json_object_get(c, "l2")), 0);
    print_size("L3", json_integer_value(json_object_get(c, "l3")), 1);
    printf("\n%-12s %s (this CPU runs: %s)\n", "ISA", str(j, "isa"), str(j, "isas_supported"));
    printf("%-12s %s\n", "tiles", str(j, "blocking"));
    printf("%-12s", "kernels");
    const char *key;
    json_t *v;
    int first = 1;
    json_object_foreach(json_object_get(j, "kernels"), key, v)
    {
        printf("%s %s %s", first ? "" : ",", key, json_string_value(v));
        first = 0;
    }
    printf(" (available:");
    size_t i;
    json_array_foreach(json_object_get(j, "kernels_available"), i, v)
        printf(" %s", json_string_value(v));
    printf(")\n%-12s %lld (from %s)\n", "threads",
           (long long)json_integer_value(json_object_get(j, "num_threads")),
           str(j, "num_threads_from"));
    json_t *rep = json_object_get(j, "report");
    printf("%-12s %s (log: %s)\n", "report", json_is_string(rep) ? json_string_value(rep) : "off",
           str(j, "log"));
    json_t *pk = json_object_get(j, "peak_gflops_per_core");
    printf("%-12s %.1f GFLOP/s fp32, %.1f GFLOP/s fp64 per core (FMA loop, %s)\n", "peak",
           json_real_value(json_object_get(pk, "fp32")),
           json_real_value(json_object_get(pk, "fp64")), str(pk, "source"));
}

int bs_cmd_info(int argc, char **argv)
{
    bs_args a;
    int parsed = bs_parse(CMD_INFO, "info", argc, argv, &a);
    if (parsed != 0)
        return parsed < 0 ? EXIT_LAUNCHER : 0;
    if (a.nrest > 0) {
        bs_say("info: unexpected argument '%s' (see " LAUNCHER_NAME " info --help)", a.rest[0]);
        return EXIT_LAUNCHER;
    }
    char lib[PATH_MAX], report[PATH_MAX];
    int off;
    if (bs_find_file("libblasshim.so", lib, sizeof lib) != 0 ||
        bs_report_pattern(&a, report, sizeof report, &off) != 0)
        return EXIT_LAUNCHER;
    json_t *j = ask_library(&a, lib, report);
    (void)off;
    if (!j) {
        bs_say("info: no answer from the library %s (run with it preloaded)", lib);
        return EXIT_LAUNCHER;
    }
    json_object_set_new(j, "peak_gflops_per_core",
                        machine_peak(json_string_value(json_object_get(j, "cpu_model"))));
    if (a.val[bs_opt_index("--json")]) {
        char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        if (s)
            puts(s);
        free(s);
    } else {
        print_text(j);
    }
    json_decref(j);
    return fflush(stdout) == 0 ? 0 : EXIT_LAUNCHER;
}
