/* launcher/main.c — `blasshim`: one word in front of a command (`blasshim run -- CMD`), the
 * report tool under the same name (`blasshim report`), what a run would use (`blasshim info`)
 * and the kernel benchmark (`blasshim bench`). This file holds the option table every
 * subcommand's parsing and --help come from, and finding the installed files. */
#include "launcher.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/helptext.h"
#include "include/blasshim.h"

/* Every option of every subcommand. The order is the order of --help. */
const bs_opt bs_opts[] = {
    {"--kernel", 'k', ARG_REQUIRED, "KERNEL", "BLASSHIM_KERNEL", NULL, CMD_RUN | CMD_INFO,
     "kernel for sgemm/dgemm: system (the real BLAS), naive, blocked, vectorized, parallel, auto"},
    {"--output", 'o', ARG_REQUIRED, "REPORT", "BLASSHIM_REPORT", NULL, CMD_RUN | CMD_INFO,
     "report name (tokens %p pid, %h host, %r MPI rank, %t start time; off: none; stderr: "
     "streamed to the command's stderr); default blasshim-KERNEL-%p.jsonl in the current "
     "directory"},
    {"--summary", 0, ARG_NONE, NULL, "BLASSHIM_LOG", "summary", CMD_RUN | CMD_INFO,
     "aggregate lines at exit instead of a line per call (long runs)"},
    {"--threads", 't', ARG_REQUIRED, "N", "BLASSHIM_NUM_THREADS", NULL, CMD_RUN | CMD_INFO,
     "threads of the parallel kernel (default: OMP_NUM_THREADS, else the CPUs of the affinity "
     "mask)"},
    {"--verify", 0, ARG_OPTIONAL, "N", "BLASSHIM_VERIFY", "1", CMD_RUN | CMD_INFO,
     "check every call (or every N-th) against the system BLAS"},
    {"--backtrace", 0, ARG_REQUIRED, "N", "BLASSHIM_BACKTRACE", NULL, CMD_RUN | CMD_INFO,
     "native call-site frames per call, 0 to 16 (default 1)"},
    {"--pystack", 0, ARG_REQUIRED, "N", "BLASSHIM_PYSTACK", NULL, CMD_RUN | CMD_INFO,
     "Python frames per call, 1 to 16 (default 1)"},
    {"--no-python", 0, ARG_NONE, NULL, "BLASSHIM_PYTHON", "0", CMD_RUN | CMD_INFO,
     "no Python call sites"},
    {"--paused", 0, ARG_NONE, NULL, "BLASSHIM_START", "paused", CMD_RUN | CMD_INFO,
     "record nothing until the program calls blasshim_resume()"},
    {"--isa", 0, ARG_REQUIRED, "ISA", "BLASSHIM_ISA", NULL, CMD_RUN | CMD_INFO,
     "microkernels: avx512, avx2, sse2 or generic (default: the best this CPU runs)"},
    {"--block", 0, ARG_REQUIRED, "MC,KC,NC", "BLASSHIM_BLOCK", NULL, CMD_RUN | CMD_INFO,
     "tile sizes of blocked/vectorized/parallel, in elements"},
    {"--real-blas", 0, ARG_REQUIRED, "PATH", "BLASSHIM_REAL_BLAS", NULL, CMD_RUN | CMD_INFO,
     "the real BLAS library to forward to (none: no real BLAS)"},
    {"--quiet", 'q', ARG_NONE, NULL, NULL, "1", CMD_RUN,
     "only the report names at exit, no summary"},
    {"--json", 0, ARG_NONE, NULL, NULL, "1", CMD_INFO, "one JSON object instead of text"},
    {"--help", 'h', ARG_NONE, NULL, NULL, "1", CMD_RUN | CMD_INFO, "this help"},
    {"--version", 0, ARG_NONE, NULL, NULL, "1", CMD_RUN | CMD_INFO, "blasshim's version"},
};
_Static_assert(sizeof bs_opts / sizeof bs_opts[0] == OPT_COUNT, "OPT_COUNT: the rows");

void bs_say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs(LAUNCHER_NAME ": ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

int bs_opt_index(const char *lng)
{
    for (int i = 0; i < OPT_COUNT; i++)
        if (!strcmp(bs_opts[i].lng, lng))
            return i;
    return -1;
}

static int usage(const char *name, const char *fmt, const char *arg)
{
    fprintf(stderr, LAUNCHER_NAME ": %s: ", name);
    fprintf(stderr, fmt, arg);
    fprintf(stderr, " (see " LAUNCHER_NAME " %s --help)\n", name);
    return -1;
}

/* Match argv[*i] against the table; store the value. Returns 1 matched, 0 not an option of
 * this subcommand, -1 a usage error. */
static int match(unsigned cmd, const char *name, int argc, char **argv, int *i, bs_args *a)
{
    const char *s = argv[*i], *val = NULL;
    int o = -1;
    if (s[1] == '-') {
        size_t len = strcspn(s, "=");
        for (int j = 0; j < OPT_COUNT && o < 0; j++)
            if (strlen(bs_opts[j].lng) == len && !strncmp(bs_opts[j].lng, s, len))
                o = j;
        if (s[len] == '=')
            val = s + len + 1;
    } else {
        for (int j = 0; j < OPT_COUNT && o < 0; j++)
            if (bs_opts[j].shrt && bs_opts[j].shrt == s[1])
                o = j;
        if (o >= 0 && s[2])
            val = s + 2;
    }
    if (o < 0 || !(bs_opts[o].cmds & cmd))
        return usage(name, "unknown option %s", s);
    const bs_opt *opt = &bs_opts[o];
    if (opt->kind == ARG_NONE && val)
        return usage(name, "%s takes no value", opt->lng);
    if (opt->kind == ARG_REQUIRED && !val) {
        if (*i + 1 >= argc)
            return usage(name, "%s needs a value", opt->lng);
        val = argv[++*i];
    }
    if (opt->kind != ARG_REQUIRED && !val)
        val = opt->flag_value;
    if (opt->kind != ARG_NONE && !*val)
        return usage(name, "%s needs a value", opt->lng);
    a->val[o] = val;
    return 1;
}

int bs_parse(unsigned cmd, const char *name, int argc, char **argv, bs_args *a)
{
    memset(a, 0, sizeof *a);
    int i = 1;
    for (; i < argc; i++) {
        const char *s = argv[i];
        if (!strcmp(s, "--")) {
            i++;
            break;
        }
        if (s[0] != '-' || !s[1])
            break;
        if (match(cmd, name, argc, argv, &i, a) < 0)
            return -1;
    }
    a->rest = argv + i;
    a->nrest = argc - i;
    if (a->val[bs_opt_index("--help")]) {
        bs_print_help(cmd);
        return 1;
    }
    if (a->val[bs_opt_index("--version")]) {
        puts(LAUNCHER_NAME " " BLASSHIM_VERSION);
        return 1;
    }
    return 0;
}

static const struct {
    unsigned cmd;
    const char *name, *usage, *what, *example;
} helps[] = {
    {CMD_RUN, "run", "[OPTIONS] [--] CMD [ARGS...]",
     "Run CMD with the blasshim library preloaded (appended to LD_PRELOAD) and the options as\n"
     "BLASSHIM_* variables (options override the variables; the rest are passed on). CMD's\n"
     "stdin and stdout are its own; at exit blasshim names on stderr the report files the\n"
     "command and its child processes wrote, then shows blasshim-report's summary of them.\n"
     "A relative report name is taken from the current directory for every process; a fixed\n"
     "name (no %p) is replaced. The exit status is CMD's (killed by a signal: the same signal);\n"
     "125 if blasshim itself failed, 126 if CMD cannot run, 127 if CMD is not found.",
     "blasshim run -k vectorized -o vec.jsonl -- python3 app.py"},
    {CMD_INFO, "info", "[OPTIONS]",
     "What a run with these options would use: the library, the real BLAS it forwards to (as\n"
     "it describes itself) and the variables that change it, the CPU and its caches, the\n"
     "microkernels (ISA) and tiles, the kernel per routine, the threads of the parallel kernel\n"
     "and where that number comes from, the report name, and one core's FMA peak as\n"
     "blasshim-report holds reports against it (its cache, else measured now). Asked of the\n"
     "library itself, preloaded into a small probe process with the environment a run gets.",
     "blasshim info --threads 4 --json"},
};

void bs_print_help(unsigned cmd)
{
    size_t h = cmd == CMD_RUN ? 0 : 1;
    printf("usage: " LAUNCHER_NAME " %s %s\n\n%s\n\noptions:\n", helps[h].name, helps[h].usage,
           helps[h].what);
    for (int i = 0; i < OPT_COUNT; i++) {
        const bs_opt *o = &bs_opts[i];
        if (!(o->cmds & cmd))
            continue;
        char text[320];
        snprintf(text, sizeof text, "%s%s%s%s", o->help, o->var ? " [" : "", o->var ? o->var : "",
                 o->var ? "]" : "");
        bs_help_option(stdout, o->shrt, o->lng, o->metavar, o->kind == ARG_OPTIONAL, text);
    }
    printf("\nValues are checked by the library: a bad one gives one 'blasshim:' line and the\n"
           "default, as for the variables. Options take --opt VALUE or --opt=VALUE.\n\n"
           "example:\n  %s\n",
           helps[h].example);
}

static const char *const main_help =
    "usage: " LAUNCHER_NAME " COMMAND [OPTIONS] [ARGS...]\n\n"
    "Profile the BLAS calls of an unmodified program (NumPy, PyTorch, C, Fortran, R, ...).\n\n"
    "commands:\n"
    "  run [OPTIONS] [--] CMD [ARGS...]   run CMD under the shim; name its reports and\n"
    "                                     summarise them\n"
    "  report [COMMAND] [OPTIONS] REPORT...  read reports: summary, compare, csv, trace, plot\n"
    "                                     (the same program as blasshim-report)\n"
    "  info [OPTIONS] [--json]            the library, real BLAS, CPU, ISAs, tiles, kernels,\n"
    "                                     threads and peak a run would use\n"
    "  bench [ARGS...]                    the kernels against the system BLAS (what make bench\n"
    "                                     runs): --quick --only s|d --threads N --block MC,KC,NC\n"
    "                                     --shape MxNxK --sweep --passes N\n\n"
    "options: -h, --help (also after each command)   --version\n\n"
    "example:\n"
    "  " LAUNCHER_NAME " run -o sys.jsonl -- python3 app.py\n"
    "  " LAUNCHER_NAME " run -k vectorized -o vec.jsonl -- python3 app.py\n"
    "  " LAUNCHER_NAME " report compare sys.jsonl vec.jsonl\n";

static const char *const bench_help =
    "usage: " LAUNCHER_NAME " bench [--quick] [--only s|d] [--threads N] [--block MC,KC,NC]\n"
    "                      [--shape MxNxK]...\n"
    "       " LAUNCHER_NAME " bench --sweep [--passes N] [--threads N] [--shape MxNxK]...\n\n"
    "Every kernel against the system BLAS (OpenBLAS with 1 thread and with all threads), side\n"
    "by side in one run, and this machine's FMA peak: what `make bench` runs. OpenBLAS's\n"
    "OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are lifted for this command so it runs its own best\n"
    "kernel.\n\n"
    "options:\n"
    "  --quick              fewer shapes and repetitions\n"
    "  --only s|d           sgemm or dgemm only\n"
    "  --threads N          threads of the parallel kernel and of OpenBLAS-N\n"
    "  --block MC,KC,NC     tile sizes of the blocked kernels\n"
    "  --shape MxNxK        measure this shape (repeatable) instead of the list\n"
    "  --sweep              the user's view: cblas_?gemm through the preloaded library, one\n"
    "                       process per kernel, against OpenBLAS, over many shapes\n"
    "  --passes N           --sweep: whole passes over the kernels, best kept (default 2)\n"
    "  -h, --help           this help\n"
    "  --version            blasshim's version\n\n"
    "example:\n  " LAUNCHER_NAME " bench --only d --shape 300x200x100\n";

/* The directory of this executable. */
static int self_dir(char *out, size_t cap)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return -1;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash)
        return -1;
    *slash = '\0';
    return snprintf(out, cap, "%s", exe) < (int)cap ? 0 : -1;
}

int bs_find_file(const char *what, char *out, size_t cap)
{
    char dir[PATH_MAX];
    if (self_dir(dir, sizeof dir) != 0) {
        bs_say("cannot tell where the blasshim program is (/proc/self/exe)");
        return -1;
    }
    /* the build tree, then an installation (PREFIX/bin next to PREFIX/lib, PREFIX/libexec) */
    const char *const places[] = {"%s/%s", "%s/../lib/%s", "%s/../libexec/blasshim/%s"};
    for (size_t i = 0; i < sizeof places / sizeof places[0]; i++) {
        char path[PATH_MAX + 64];
        snprintf(path, sizeof path, places[i], dir, what);
        if (access(path, F_OK) == 0 && realpath(path, out) && strlen(out) < cap)
            return 0;
    }
    bs_say("cannot find %s next to %s, in %s/../lib or in %s/../libexec/blasshim (a broken "
           "installation?)",
           what, dir, dir, dir);
    return -1;
}

/* blasshim report ... : the report tool itself, under its own name. */
static int cmd_report(int argc, char **argv)
{
    char tool[PATH_MAX];
    if (bs_find_file("blasshim-report", tool, sizeof tool) != 0)
        return EXIT_LAUNCHER;
    argv[0] = "blasshim-report";
    execv(tool, argv);
    bs_say("cannot run %s: %s", tool, strerror(errno));
    (void)argc;
    return EXIT_LAUNCHER;
}

/* blasshim bench ... : the benchmark program, OpenBLAS's CPU overrides lifted for it alone. */
static int cmd_bench(int argc, char **argv)
{
    for (int i = 1; i < argc && strcmp(argv[i], "--"); i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(bench_help, stdout);
            return 0;
        }
        if (!strcmp(argv[i], "--version")) {
            puts(LAUNCHER_NAME " " BLASSHIM_VERSION);
            return 0;
        }
    }
    char bench[PATH_MAX];
    if (bs_find_file("gemm_bench", bench, sizeof bench) != 0)
        return EXIT_LAUNCHER;
    unsetenv("OPENBLAS_CORETYPE");
    unsetenv("OPENBLAS_L2_SIZE");
    argv[0] = bench; /* --sweep re-runs it by this path and finds the library next to it */
    execv(bench, argv);
    bs_say("cannot run %s: %s", bench, strerror(errno));
    return EXIT_LAUNCHER;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(main_help, stderr);
        return EXIT_LAUNCHER;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        fputs(main_help, stdout);
        return 0;
    }
    if (!strcmp(cmd, "--version")) {
        puts(LAUNCHER_NAME " " BLASSHIM_VERSION);
        return 0;
    }
    if (!strcmp(cmd, "run"))
        return bs_cmd_run(argc - 1, argv + 1);
    if (!strcmp(cmd, "info"))
        return bs_cmd_info(argc - 1, argv + 1);
    if (!strcmp(cmd, "report"))
        return cmd_report(argc - 1, argv + 1);
    if (!strcmp(cmd, "bench"))
        return cmd_bench(argc - 1, argv + 1);
    if (!strcmp(cmd, "--info-probe")) /* internal: run by `info` under LD_PRELOAD */
        return bs_info_probe();
    bs_say("unknown command '%s' (run, report, info, bench; see " LAUNCHER_NAME " --help)", cmd);
    return EXIT_LAUNCHER;
}
