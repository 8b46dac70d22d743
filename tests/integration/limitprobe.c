/* tests/integration/limitprobe.c — a program for the report's limits (issue #17), linked
 * against the system BLAS; every call is a 2x2 cblas_dgemm (one short call line each).
 *   limitprobe calls N              N calls
 *   limitprobe sleep N S            N calls, then sleeps S seconds
 *   limitprobe exec T N             T threads x N calls (T = 0: the main thread), then
 *                                   execv("/bin/true")
 *   limitprobe execfail N           N calls, an execv that fails, N more calls
 *   limitprobe forkexit N how       fork; the child makes N calls and ends with how
 *                                   (_exit or _Exit); prints "child PID"
 *   limitprobe vforkexec N          N calls, then vfork + execv("/bin/true") in the child,
 *                                   N more calls in the parent
 *   limitprobe signal T how FILE    T threads call until the process dies: `term` (SIGTERM to
 *                                   the process), `segv`, `abrt`, `fpe` (raised in a worker);
 *                                   each thread counts its finished calls in FILE (mmap)
 * Prints "calls N" (the calls made) where it ends normally.
 */
#include <cblas.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void one_call(void)
{
    double a[4] = {1, 2, 3, 4}, b[4] = {5, 6, 7, 8}, c[4] = {0};
    cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, 2, 2, 2, 1.0, a, 2, b, 2, 0.0, c, 2);
    if (c[0] != 23 || c[3] != 46) {
        printf("WRONG\n");
        fflush(stdout);
    }
}

static void calls(long n)
{
    for (long i = 0; i < n; i++)
        one_call();
}

static long per_thread;
static void *worker(void *arg)
{
    (void)arg;
    calls(per_thread);
    return NULL;
}

static void threads(int t, long n)
{
    pthread_t th[64];
    per_thread = n;
    for (int i = 0; i < t; i++)
        pthread_create(&th[i], NULL, worker, NULL);
    for (int i = 0; i < t; i++)
        pthread_join(th[i], NULL);
}

/* ---- signal: threads calling until the process dies ---- */
static _Atomic int64_t *counts;
static const char *how;

static void *caller(void *arg)
{
    int me = (int)(intptr_t)arg;
    for (int64_t i = 1;; i++) {
        one_call();
        atomic_store(&counts[me], i);
        if (me == 0 && i == 2000) {
            if (strcmp(how, "segv") == 0)
                raise(SIGSEGV);
            else if (strcmp(how, "abrt") == 0)
                abort();
            else if (strcmp(how, "fpe") == 0)
                raise(SIGFPE);
        }
    }
    return NULL;
}

static int signal_case(int t, const char *file)
{
    int fd = open(file, O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || ftruncate(fd, 64 * 8) != 0)
        return 2;
    counts = mmap(NULL, 64 * 8, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (counts == MAP_FAILED)
        return 2;
    pthread_t th[64];
    for (int i = 0; i < t && i < 64; i++)
        pthread_create(&th[i], NULL, caller, (void *)(intptr_t)i);
    if (strcmp(how, "term") == 0) {
        while (atomic_load(&counts[0]) < 2000)
            sched_yield();
        kill(getpid(), SIGTERM);
    }
    for (;;)
        pause();
}

/* its own frame: nothing of main's lives across vfork */
static __attribute__((noinline)) void vfork_exec(void)
{
    pid_t pid = vfork();
    if (pid == 0) {
        char *args[] = {"/bin/true", NULL};
        execv(args[0], args);
        _exit(127);
    }
    int st;
    waitpid(pid, &st, 0);
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    const char *mode = argv[1];
    long n = argc > 2 ? atol(argv[2]) : 0;
    if (strcmp(mode, "calls") == 0) {
        calls(n);
    } else if (strcmp(mode, "sleep") == 0 && argc > 3) {
        calls(n);
        printf("calls %ld\n", n);
        fflush(stdout);
        sleep((unsigned)atoi(argv[3]));
        return 0;
    } else if (strcmp(mode, "exec") == 0 && argc > 3) {
        int t = atoi(argv[2]);
        n = atol(argv[3]);
        if (t == 0)
            calls(n);
        else
            threads(t, n);
        char *args[] = {"/bin/true", NULL};
        execv(args[0], args);
        perror("execv");
        return 1;
    } else if (strcmp(mode, "execfail") == 0) {
        calls(n);
        char *args[] = {"/nonexistent/program", NULL};
        execv(args[0], args);
        calls(n);
        n *= 2;
    } else if (strcmp(mode, "forkexit") == 0 && argc > 3) {
        pid_t pid = fork();
        if (pid == 0) {
            calls(n);
            if (strcmp(argv[3], "_Exit") == 0)
                _Exit(0);
            _exit(0);
        }
        int st;
        waitpid(pid, &st, 0);
        printf("child %d status %d\n", (int)pid, st);
        n = 0;
    } else if (strcmp(mode, "vforkexec") == 0) {
        calls(n);
        vfork_exec();
        calls(n);
        n *= 2;
    } else if (strcmp(mode, "signal") == 0 && argc > 4) {
        how = argv[3];
        return signal_case(atoi(argv[2]), argv[4]);
    } else {
        fprintf(stderr, "limitprobe: unknown mode %s\n", mode);
        return 2;
    }
    printf("calls %ld\n", n);
    return 0;
}
