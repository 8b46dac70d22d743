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
 *   limitprobe invalid WHAT         one valid call, then a call the reference BLAS rejects:
 *                                   gemv (cblas_dgemv, m = -3), syrk (cblas_dsyrk, bad uplo),
 *                                   trsm (cblas_dtrsm, lda < m), fgemv, fsyrk, ftrsm (the
 *                                   Fortran names), or edge (valid calls at the limits: m = 0,
 *                                   lda = 1, incx = -1), then one valid call
 *   limitprobe fuzzargs N SEED API  N level-2/3 calls (API: f Fortran names, c CBLAS) with arguments
 *                                   drawn from small sets that include invalid values; prints
 *                                   "@I ROUTINE" before each (stderr joins stdout, unbuffered,
 *                                   so xerbla's message follows the call it is about)
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

void dgemv_(const char *, const int *, const int *, const double *, const double *, const int *,
            const double *, const int *, const double *, double *, const int *, size_t);
void dsyrk_(const char *, const char *, const int *, const int *, const double *, const double *,
            const int *, const double *, double *, const int *, size_t, size_t);
void dtrsm_(const char *, const char *, const char *, const char *, const int *, const int *,
            const double *, const double *, const int *, double *, const int *, size_t, size_t,
            size_t, size_t);

static long invalid_case(const char *what)
{
    double a[16] = {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1}, x[4] = {1, 2, 3, 4},
           y[4] = {0}, c[16] = {0};
    const int m3 = -3, two = 2, one = 1, zero = 0;
    const double d1 = 1, d0 = 0;
    one_call();
    if (strcmp(what, "gemv") == 0)
        cblas_dgemv(CblasColMajor, CblasNoTrans, -3, 2, 1, a, 4, x, 1, 0, y, 1);
    else if (strcmp(what, "syrk") == 0)
        cblas_dsyrk(CblasColMajor, (CBLAS_UPLO)999, CblasNoTrans, 2, 2, 1, a, 4, 0, c, 4);
    else if (strcmp(what, "trsm") == 0)
        cblas_dtrsm(CblasColMajor, CblasLeft, CblasUpper, CblasNoTrans, CblasNonUnit, 4, 2, 1, a, 2,
                    c, 4);
    else if (strcmp(what, "fgemv") == 0)
        dgemv_("N", &m3, &two, &d1, a, &two, x, &one, &d0, y, &one, 1);
    else if (strcmp(what, "fsyrk") == 0)
        dsyrk_("X", "N", &two, &two, &d1, a, &two, &d0, c, &two, 1, 1);
    else if (strcmp(what, "ftrsm") == 0)
        dtrsm_("L", "U", "N", "N", &two, &two, &d1, a, &zero, c, &two, 1, 1, 1, 1);
    else if (strcmp(what, "edge") == 0) { /* valid: recorded */
        cblas_dgemv(CblasColMajor, CblasNoTrans, 0, 2, 1, a, 1, x, 1, 0, y, 1);
        cblas_dgemv(CblasRowMajor, CblasTrans, 2, 4, 1, a, 4, x, -1, 0, y, 1);
        dsyrk_("l", "t", &two, &two, &d1, a, &two, &d0, c, &two, 1, 1);
        dtrsm_("r", "l", "c", "u", &two, &two, &d1, a, &two, c, &two, 1, 1, 1, 1);
    } else
        return -1;
    one_call();
    return 2;
}

void dgbmv_(const char *, const int *, const int *, const int *, const int *, const double *,
            const double *, const int *, const double *, const int *, const double *, double *,
            const int *, size_t);
void dsymm_(const char *, const char *, const int *, const int *, const double *, const double *,
            const int *, const double *, const int *, const double *, double *, const int *, size_t,
            size_t);
void zherk_(const char *, const char *, const int *, const int *, const double *, const void *,
            const int *, const double *, void *, const int *, size_t, size_t);

static unsigned fz = 1;
static int pick(int n)
{
    fz = fz * 1103515245u + 12345u;
    return (int)((fz >> 16) % (unsigned)n);
}

static void fuzz_args(long n, unsigned seed, const char *apis)
{
    const int lo = strchr(apis, 'f') ? 0 : 6, hi = strchr(apis, 'c') ? 10 : 6;
    static double a[512], b[512], c[512], x[64], y[64];
    static const int sizes[] = {-1, 0, 1, 2, 3}, lds[] = {0, 1, 2, 3, 4}, incs[] = {-1, 0, 1, 2};
    static const char chars[] = "NTCULRXntlu";
    fz = seed;
    setvbuf(stdout, NULL, _IONBF, 0);
    dup2(1, 2);
    for (long i = 0; i < n; i++) {
        int m = sizes[pick(5)], nn = sizes[pick(5)], k = sizes[pick(5)], kl = sizes[pick(5)];
        int lda = lds[pick(5)], ldb = lds[pick(5)], ldc = lds[pick(5)];
        int incx = incs[pick(4)], incy = incs[pick(4)];
        int which = lo + pick(hi - lo);
        /* character arguments: one of the kind's letters (either case) 7 times in 8 */
        static const char *const kinds[6][4] = {
            {"NTCntc"},         {"NTCntc"},
            {"ULul", "NTCntc"}, {"LRlr", "ULul", "NTCntc", "NUnu"},
            {"LRlr", "ULul"},   {"ULul", "NTCntc"}};
        char ch[4][2] = {{0}};
        for (int j = 0; j < 4; j++) {
            const char *set = which < 6 && kinds[which][j] ? kinds[which][j] : chars;
            ch[j][0] = pick(8) ? set[pick((int)strlen(set))] : chars[pick(11)];
        }
        char *c1 = ch[0], *c2 = ch[1], *c3 = ch[2], *c4 = ch[3];
        const double one = 1, zero = 0;
        /* CBLAS enums: mostly valid values, sometimes one out of range */
        int order = pick(8) ? (pick(2) ? CblasRowMajor : CblasColMajor) : 99;
        int tr = pick(8) ? CblasNoTrans + pick(3) : 7, up = pick(8) ? CblasUpper + pick(2) : 7;
        int sd = pick(8) ? CblasLeft + pick(2) : 7, dg = pick(8) ? CblasNonUnit + pick(2) : 7;
        printf("@%ld %s m=%d n=%d k=%d kl=%d lda=%d ldb=%d ldc=%d inc=%d,%d chars=%s%s%s%s "
               "enums=%d,%d,%d,%d,%d\n",
               i,
               (const char *[]){"dgemv", "dgbmv", "dsyrk", "dtrsm", "dsymm", "zherk", "dgemv",
                                "dtrsm", "zherk", "dsyr2k"}[which],
               m, nn, k, kl, lda, ldb, ldc, incx, incy, c1, c2, c3, c4, order, tr, up, sd, dg);
        switch (which) {
        case 0: dgemv_(c1, &m, &nn, &one, a, &lda, x, &incx, &zero, y, &incy, 1); break;
        case 1: dgbmv_(c1, &m, &nn, &kl, &k, &one, a, &lda, x, &incx, &zero, y, &incy, 1); break;
        case 2: dsyrk_(c1, c2, &nn, &k, &one, a, &lda, &zero, c, &ldc, 1, 1); break;
        case 3: dtrsm_(c1, c2, c3, c4, &m, &nn, &one, a, &lda, b, &ldb, 1, 1, 1, 1); break;
        case 4: dsymm_(c1, c2, &m, &nn, &one, a, &lda, b, &ldb, &zero, c, &ldc, 1, 1); break;
        case 5: zherk_(c1, c2, &nn, &k, &one, a, &lda, &zero, c, &ldc, 1, 1); break;
        case 6:
            cblas_dgemv((CBLAS_LAYOUT)order, (CBLAS_TRANSPOSE)tr, m, nn, 1, a, lda, x, incx, 0, y,
                        incy);
            break;
        case 7:
            cblas_dtrsm((CBLAS_LAYOUT)order, (CBLAS_SIDE)sd, (CBLAS_UPLO)up, (CBLAS_TRANSPOSE)tr,
                        (CBLAS_DIAG)dg, m, nn, 1, a, lda, b, ldb);
            break;
        case 8:
            cblas_zherk((CBLAS_LAYOUT)order, (CBLAS_UPLO)up, (CBLAS_TRANSPOSE)tr, nn, k, 1, a, lda,
                        0, c, ldc);
            break;
        default:
            cblas_dsyr2k((CBLAS_LAYOUT)order, (CBLAS_UPLO)up, (CBLAS_TRANSPOSE)tr, nn, k, 1, a, lda,
                         b, ldb, 0, c, ldc);
            break;
        }
    }
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
    long n = argc > 2 && strcmp(mode, "invalid") != 0 ? atol(argv[2]) : 0;
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
    } else if (strcmp(mode, "invalid") == 0 && argc > 2) {
        n = invalid_case(argv[2]);
        if (n < 0)
            return 2;
    } else if (strcmp(mode, "fuzzargs") == 0 && argc > 4) {
        fuzz_args(n, (unsigned)atol(argv[3]), argc > 4 ? argv[4] : "fc");
        n = 0;
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
