/* launcher/run.c — `blasshim run [OPTIONS] [--] CMD [ARGS...]`.
 *
 * CMD runs as a child with the library appended to LD_PRELOAD and the options as BLASSHIM_*
 * variables; its stdin, stdout and stderr are the launcher's own, untouched. The launcher
 * only waits: SIGINT and SIGQUIT from the terminal reach CMD directly (same process group)
 * and are ignored here, SIGTERM, SIGHUP, SIGUSR1/2 and SIGALRM sent to the launcher are passed
 * on to CMD. At exit it names the reports this run wrote and prints the summary, both on
 * stderr, then exits with CMD's status, or dies of CMD's signal.
 *
 * Which reports did this run write? A process tree writes one file per process (%p), in any
 * directory it moves to. The report name is made absolute, so every process writes where the
 * user looked; the name pattern becomes a glob (tokens -> *), and the files that match it
 * after the run and are new or changed (size, time, inode) since before the run are this
 * run's. Another run writing the same pattern at the same moment would be listed too.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "include/blasshim.h"
#include "launcher.h"

int bs_report_pattern(const bs_args *a, char *out, size_t cap, int *off)
{
    const char *name = a->val[bs_opt_index("--output")];
    if (!name)
        name = getenv("BLASSHIM_REPORT");
    /* off: no report; stderr: streamed to the command's stderr (no file either way) */
    *off = name && (!strcasecmp(name, "off") || !strcmp(name, "stderr"));
    if (*off) {
        snprintf(out, cap, "%s", strcasecmp(name, "off") ? name : "off");
        return 0;
    }
    char dflt[128];
    if (!name || !*name) {
        const char *k = a->val[bs_opt_index("--kernel")];
        if (!k || !*k)
            k = getenv("BLASSHIM_KERNEL");
        if (!k || !*k)
            k = "system";
        if (strlen(k) > 64 || strspn(k, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                        "0123456789_-") != strlen(k)) {
            bs_say("run: '%s' is not a kernel name (see " LAUNCHER_NAME " run --help)", k);
            return -1;
        }
        snprintf(dflt, sizeof dflt, "blasshim-%s-%%p.jsonl", k);
        name = dflt;
    }
    char cwd[PATH_MAX];
    if (name[0] != '/' && !getcwd(cwd, sizeof cwd)) {
        bs_say("run: cannot read the current directory: %s", strerror(errno));
        return -1;
    }
    if ((size_t)snprintf(out, cap, "%s%s%s", name[0] == '/' ? "" : cwd, name[0] == '/' ? "" : "/",
                         name) >= cap) {
        bs_say("run: report name too long: %s", name);
        return -1;
    }
    return 0;
}

static void append_preload(const char *lib)
{
    const char *old = getenv("LD_PRELOAD");
    if (!old || !*old) {
        setenv("LD_PRELOAD", lib, 1);
        return;
    }
    size_t n = strlen(old) + strlen(lib) + 2;
    char *v = malloc(n);
    if (!v)
        return;
    snprintf(v, n, "%s:%s", old, lib);
    setenv("LD_PRELOAD", v, 1);
    free(v);
}

void bs_set_child_env(const bs_args *a, const char *lib, const char *report)
{
    for (int i = 0; i < OPT_COUNT; i++)
        if (bs_opts[i].var && a->val[i])
            setenv(bs_opts[i].var, a->val[i], 1);
    if (report)
        setenv("BLASSHIM_REPORT", report, 1);
    append_preload(lib);
}

/* ---- the files a run wrote ------------------------------------------------------------ */

typedef struct seen {
    char *path;
    struct stat st;
} seen;

typedef struct fileset {
    seen *f;
    size_t n;
} fileset;

/* The pattern as a glob: %p %h %r %t -> *, %% -> %, glob's own characters escaped. */
static void to_glob(const char *pattern, char *out, size_t cap)
{
    size_t o = 0;
    for (const char *p = pattern; *p && o + 3 < cap; p++) {
        if (p[0] == '%' && p[1] && strchr("phrt", p[1])) {
            if (o == 0 || out[o - 1] != '*')
                out[o++] = '*';
            p++;
        } else if (p[0] == '%' && p[1] == '%') {
            out[o++] = '%';
            p++;
        } else {
            if (strchr("*?[\\", *p))
                out[o++] = '\\';
            out[o++] = *p;
        }
    }
    out[o] = '\0';
}

static void snapshot(const char *glob_pat, fileset *fs)
{
    glob_t g;
    fs->f = NULL;
    fs->n = 0;
    if (glob(glob_pat, 0, NULL, &g) != 0)
        return;
    fs->f = calloc(g.gl_pathc ? g.gl_pathc : 1, sizeof *fs->f);
    for (size_t i = 0; fs->f && i < g.gl_pathc; i++) {
        struct stat st;
        if (stat(g.gl_pathv[i], &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        fs->f[fs->n].path = strdup(g.gl_pathv[i]);
        fs->f[fs->n].st = st;
        if (fs->f[fs->n].path)
            fs->n++;
    }
    globfree(&g);
}

static void fileset_free(fileset *fs)
{
    for (size_t i = 0; i < fs->n; i++)
        free(fs->f[i].path);
    free(fs->f);
}

static int changed(const fileset *before, const seen *s)
{
    for (size_t i = 0; i < before->n; i++) {
        const struct stat *b = &before->f[i].st;
        if (strcmp(before->f[i].path, s->path))
            continue;
        return b->st_ino != s->st.st_ino || b->st_dev != s->st.st_dev ||
               b->st_size != s->st.st_size || b->st_mtim.tv_sec != s->st.st_mtim.tv_sec ||
               b->st_mtim.tv_nsec != s->st.st_mtim.tv_nsec;
    }
    return 1;
}

/* A path as the user would type it from here: relative when under the current directory. */
static const char *shown(const char *path, const char *cwd)
{
    size_t n = strlen(cwd);
    return !strncmp(path, cwd, n) && path[n] == '/' && n > 1 ? path + n + 1 : path;
}

/* The summary on stderr (stdout stays CMD's): blasshim-report summary FILES... */
static void summarise(char **files, int n)
{
    char tool[PATH_MAX];
    if (bs_find_file("blasshim-report", tool, sizeof tool) != 0)
        return;
    char **argv = calloc((size_t)n + 3, sizeof *argv);
    if (!argv)
        return;
    argv[0] = "blasshim-report";
    argv[1] = "summary";
    for (int i = 0; i < n; i++)
        argv[i + 2] = files[i];
    fflush(stderr);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(STDERR_FILENO, STDOUT_FILENO);
        execv(tool, argv);
        _exit(EXIT_LAUNCHER);
    }
    free(argv);
    int st;
    while (pid > 0 && waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
}

/* ---- signals ---------------------------------------------------------------------------- */

static volatile sig_atomic_t child_pid;
static const int passed_on[] = {SIGTERM, SIGHUP, SIGUSR1, SIGUSR2, SIGALRM};

static void pass_on(int sig)
{
    if (child_pid > 0)
        kill((pid_t)child_pid, sig);
}

/* Die of the signal CMD died of, so a shell or a test sees the same thing. No second core
 * dump: CMD has written its own. */
static void die_of(int sig)
{
    struct rlimit no_core = {0, 0};
    setrlimit(RLIMIT_CORE, &no_core);
    signal(sig, SIG_DFL);
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, sig);
    sigprocmask(SIG_UNBLOCK, &s, NULL);
    raise(sig);
    exit(128 + sig); /* a signal whose default is to be ignored cannot kill: say it anyway */
}

/* ---- run -------------------------------------------------------------------------------- */

int bs_cmd_run(int argc, char **argv)
{
    bs_args a;
    int parsed = bs_parse(CMD_RUN, "run", argc, argv, &a);
    if (parsed != 0)
        return parsed < 0 ? EXIT_LAUNCHER : 0;
    if (a.nrest == 0) {
        bs_say("run: no command given (usage: " LAUNCHER_NAME " run [OPTIONS] [--] CMD [ARGS...])");
        return EXIT_LAUNCHER;
    }
    int quiet = a.val[bs_opt_index("--quiet")] != NULL, off;
    char lib[PATH_MAX], report[PATH_MAX], pat[2 * PATH_MAX + 1], cwd[PATH_MAX];
    if (bs_find_file("libblasshim.so", lib, sizeof lib) != 0 ||
        bs_report_pattern(&a, report, sizeof report, &off) != 0)
        return EXIT_LAUNCHER;
    if (!getcwd(cwd, sizeof cwd))
        snprintf(cwd, sizeof cwd, "/");

    fileset before = {0};
    if (!off) {
        /* a fixed name is this run's alone: an earlier run's file of that name is replaced
         * (a regular file only: never a device such as /dev/null, a symlink or a FIFO) */
        struct stat st;
        if (!strchr(report, '%') && lstat(report, &st) == 0 && S_ISREG(st.st_mode) &&
            unlink(report) != 0)
            bs_say("run: cannot replace %s: %s; the run appends to it", report, strerror(errno));
        to_glob(report, pat, sizeof pat);
        snapshot(pat, &before);
    }

    /* no signal may be lost between fork and the handlers: block them around it */
    sigset_t block, old;
    sigemptyset(&block);
    for (size_t i = 0; i < sizeof passed_on / sizeof passed_on[0]; i++)
        sigaddset(&block, passed_on[i]);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGQUIT);
    sigprocmask(SIG_BLOCK, &block, &old);

    int errpipe[2];
    if (pipe2(errpipe, O_CLOEXEC) != 0) {
        bs_say("run: pipe: %s", strerror(errno));
        return EXIT_LAUNCHER;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        bs_say("run: cannot start %s: %s", a.rest[0], strerror(errno));
        return EXIT_LAUNCHER;
    }
    if (pid == 0) {
        close(errpipe[0]);
        sigprocmask(SIG_SETMASK, &old, NULL);
        bs_set_child_env(&a, lib, report);
        execvp(a.rest[0], a.rest);
        int e = errno;
        ssize_t w = write(errpipe[1], &e, sizeof e);
        (void)w;
        _exit(e == ENOENT ? 127 : 126);
    }
    close(errpipe[1]);
    child_pid = pid;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = pass_on;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof passed_on / sizeof passed_on[0]; i++)
        sigaction(passed_on[i], &sa, NULL);
    signal(SIGINT, SIG_IGN);
    signal(SIGQUIT, SIG_IGN);
    signal(SIGPIPE, SIG_IGN); /* a closed stderr must not cost CMD's exit status */
    sigprocmask(SIG_SETMASK, &old, NULL);

    int exec_errno = 0;
    ssize_t got;
    while ((got = read(errpipe[0], &exec_errno, sizeof exec_errno)) < 0 && errno == EINTR)
        ;
    close(errpipe[0]);
    int st = 0;
    while (waitpid(pid, &st, 0) < 0) {
        if (errno != EINTR) {
            bs_say("run: waiting for %s: %s", a.rest[0], strerror(errno));
            return EXIT_LAUNCHER;
        }
    }
    child_pid = 0;
    if (got == (ssize_t)sizeof exec_errno) {
        bs_say("run: cannot run '%s': %s", a.rest[0], strerror(exec_errno));
        fileset_free(&before);
        return exec_errno == ENOENT ? 127 : 126;
    }

    if (!off) {
        fileset after;
        snapshot(pat, &after);
        char **mine = calloc(after.n ? after.n : 1, sizeof *mine);
        int n = 0;
        for (size_t i = 0; mine && i < after.n; i++)
            if (changed(&before, &after.f[i]))
                mine[n++] = after.f[i].path;
        if (n == 0) {
            bs_say("no report written as %s (no process of the run made a BLAS call, or the "
                   "report could not be opened)",
                   shown(report, cwd));
        } else {
            fprintf(stderr, LAUNCHER_NAME ": %s written:", n == 1 ? "report" : "reports");
            for (int i = 0; i < n; i++)
                fprintf(stderr, "%s%s", n == 1 ? " " : "\n  ", shown(mine[i], cwd));
            fputc('\n', stderr);
            if (!quiet)
                summarise(mine, n);
        }
        free(mine);
        fileset_free(&after);
    }
    fileset_free(&before);
    fflush(stderr);
    if (WIFSIGNALED(st))
        die_of(WTERMSIG(st));
    return WIFEXITED(st) ? WEXITSTATUS(st) : EXIT_LAUNCHER;
}
