/* tests/integration/gemmprobe.c — a user-style program, linked against the system BLAS, that
 * the integration tests run with and without the shim preloaded.
 *   gemmprobe cases          gemm calls over both APIs, orders, transposes, scalars; prints C
 *   gemmprobe threads T N    T threads x N dgemm calls at once; checks each result
 *   gemmprobe fork           dgemm in the parent, a fork whose child makes sgemm calls
 *   gemmprobe big N          an N x N dgemm, checked ("ok" or "WRONG")
 *   gemmprobe forkbig N      an N x N dgemm, fork, the same in the child, and once more in
 *                            the parent; each checked ("ok" or "WRONG")
 *   gemmprobe threadsfork    4 threads x 1000 dgemm, then a fork whose child makes 5 sgemm calls
 *   gemmprobe killself N     N dgemm calls, then SIGTERM to itself (default action: death)
 *   gemmprobe regions        pause / resume / mark through the public API (looked up with
 *                            dlsym, so the program runs without the shim too)
 *   gemmprobe invalid        cblas_dgemm with M = -1; reports whether C changed
 *   gemmprobe nocall         no BLAS call at all
 * The last stdout line is "calls N": the number of gemm calls the program made.
 */
#include <cblas.h>
#include <dlfcn.h>
#include <math.h>
#include <signal.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

void sgemm_(const char *, const char *, const int *, const int *, const int *, const float *,
            const float *, const int *, const float *, const int *, const float *, float *,
            const int *, size_t, size_t);
void dgemm_(const char *, const char *, const int *, const int *, const int *, const double *,
            const double *, const int *, const double *, const int *, const double *, double *,
            const int *, size_t, size_t);

static unsigned seed = 12345;
static double rnd(void)
{
    seed = seed * 1103515245u + 12345u;
    return (double)((seed >> 8) & 0xffff) / 32768.0 - 1.0;
}

static long calls;

static void fill(double *x, size_t n, int nan_fill)
{
    for (size_t i = 0; i < n; i++)
        x[i] = nan_fill ? NAN : rnd();
}

static int max1(int v) { return v > 1 ? v : 1; }

/* one case, in double and in float; prints C whole (padding included) */
static void one_case(int fortran, int row, char ta, char tb, int m, int n, int k, int pad,
                     double alpha, double beta, int nan_c)
{
    const int ar = ta == 'N' ? m : k, ac = ta == 'N' ? k : m;
    const int br = tb == 'N' ? k : n, bc = tb == 'N' ? n : k;
    const int lda = max1(row ? ac : ar) + pad, ldb = max1(row ? bc : br) + pad,
              ldc = max1(row ? n : m) + pad;
    const size_t asz = (size_t)lda * (row ? ar : ac), bsz = (size_t)ldb * (row ? br : bc),
                 csz = (size_t)ldc * (row ? m : n);
    double *a = malloc(asz * 8), *b = malloc(bsz * 8), *c = malloc(csz * 8);
    float *af = malloc(asz * 4), *bf = malloc(bsz * 4), *cf = malloc(csz * 4);
    fill(a, asz, 0);
    fill(b, bsz, 0);
    fill(c, csz, nan_c);
    for (size_t i = 0; i < asz; i++)
        af[i] = (float)a[i];
    for (size_t i = 0; i < bsz; i++)
        bf[i] = (float)b[i];
    for (size_t i = 0; i < csz; i++)
        cf[i] = (float)c[i];
    const float alf = (float)alpha, bef = (float)beta;
    if (fortran) {
        dgemm_(&ta, &tb, &m, &n, &k, &alpha, a, &lda, b, &ldb, &beta, c, &ldc, 1, 1);
        sgemm_(&ta, &tb, &m, &n, &k, &alf, af, &lda, bf, &ldb, &bef, cf, &ldc, 1, 1);
    } else {
        CBLAS_TRANSPOSE tA = ta == 'N' ? CblasNoTrans : ta == 'T' ? CblasTrans : CblasConjTrans;
        CBLAS_TRANSPOSE tB = tb == 'N' ? CblasNoTrans : tb == 'T' ? CblasTrans : CblasConjTrans;
        CBLAS_LAYOUT o = row ? CblasRowMajor : CblasColMajor;
        cblas_dgemm(o, tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        cblas_sgemm(o, tA, tB, m, n, k, alf, af, lda, bf, ldb, bef, cf, ldc);
    }
    calls += 2;
    printf("case %s %s %c%c m=%d n=%d k=%d pad=%d alpha=%g beta=%g\n",
           fortran ? "fortran" : "cblas", row ? "row" : "col", ta, tb, m, n, k, pad, alpha, beta);
    for (size_t i = 0; i < csz; i++)
        printf("d %.17g\n", c[i]);
    for (size_t i = 0; i < csz; i++)
        printf("s %.9g\n", (double)cf[i]);
    free(a), free(b), free(c), free(af), free(bf), free(cf);
}

static int run_cases(void)
{
    static const int sizes[][3] = {{5, 7, 3}, {17, 4, 9}, {1, 1, 1}, {3, 3, 0}};
    static const double sc[][2] = {{1, 0}, {0.5, -2}, {0, 3}};
    const char tr[] = "NTC";
    for (int f = 0; f < 2; f++)
        for (int row = 0; row < (f ? 1 : 2); row++)
            for (int ta = 0; ta < 3; ta++)
                for (int tb = 0; tb < 3; tb++)
                    for (int s = 0; s < 4; s++)
                        for (int x = 0; x < 3; x++)
                            one_case(f, row, tr[ta], tr[tb], sizes[s][0], sizes[s][1], sizes[s][2],
                                     (s + x) % 2 * 2, sc[x][0], sc[x][1], 0);
    one_case(0, 1, 'N', 'T', 6, 5, 4, 1, 1.5, 0, 1); /* beta = 0 over NaN */
    one_case(1, 0, 'T', 'N', 6, 5, 4, 0, 1.5, 0, 1);
    return 0;
}

typedef struct job {
    int calls, errors;
} job;

static void __attribute__((noinline)) worker_multiply(job *j)
{
    double a[64], b[64], c[64];
    for (int i = 0; i < 64; i++)
        a[i] = i % 7, b[i] = i % 5;
    for (int r = 0; r < j->calls; r++) {
        cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, 8, 8, 8, 1.0, a, 8, b, 8, 0.0, c, 8);
        double want = 0;
        for (int p = 0; p < 8; p++)
            want += a[3 + p * 8] * b[p + 5 * 8];
        if (c[3 + 5 * 8] != want)
            j->errors++;
    }
}

static void *worker(void *arg)
{
    worker_multiply(arg);
    return NULL;
}

static int run_threads(int t, int n)
{
    pthread_t th[64];
    job jobs[64];
    if (t > 64)
        t = 64;
    for (int i = 0; i < t; i++) {
        jobs[i] = (job){n, 0};
        pthread_create(&th[i], NULL, worker, &jobs[i]);
    }
    int errors = 0;
    for (int i = 0; i < t; i++) {
        pthread_join(th[i], NULL);
        errors += jobs[i].errors;
    }
    calls = (long)t * n;
    printf("errors %d\n", errors);
    return errors != 0;
}

static void __attribute__((noinline)) square(int use_float, int reps)
{
    double a[16] = {1, 2, 3, 4}, b[16] = {1}, c[16];
    float af[16] = {1, 2}, bf[16] = {1}, cf[16];
    for (int r = 0; r < reps; r++, calls++) {
        if (use_float)
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 4, 4, 4, 1, af, 4, bf, 4, 0, cf,
                        4);
        else
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 4, 4, 4, 1, a, 4, b, 4, 0, c, 4);
    }
}

static int run_fork(void)
{
    square(0, 3);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        square(1, 2);
        printf("child %d calls %ld\n", (int)getpid(), calls - 3);
        exit(0);
    }
    int st;
    waitpid(pid, &st, 0);
    square(0, 1);
    printf("parent %d calls %ld\n", (int)getpid(), calls);
    return !(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/* C = A B with A(i,p) = (i + 2p) % 5, B(p,j) = (p + j) % 3: integers, exact in double */
static int big_checked(int n)
{
    if (n < 1)
        n = 1;
    double *a = calloc((size_t)n * n, sizeof(double)), *b = calloc((size_t)n * n, sizeof(double)),
           *c = calloc((size_t)n * n, sizeof(double));
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++) {
            a[i + j * n] = (i + 2 * j) % 5;
            b[i + j * n] = (i + j) % 3;
        }
    cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0, a, n, b, n, 0.0, c, n);
    calls++;
    int bad = 0;
    for (int j = 0; j < n; j += 7)
        for (int i = 0; i < n; i += 5) {
            double want = 0;
            for (int p = 0; p < n; p++)
                want += a[i + p * n] * b[p + j * n];
            bad += c[i + j * n] != want;
        }
    free(a), free(b), free(c);
    printf("%s\n", bad ? "WRONG" : "ok");
    fflush(stdout);
    return bad != 0;
}

static int run_forkbig(int n)
{
    int bad = big_checked(n);
    pid_t pid = fork();
    if (pid == 0)
        exit(big_checked(n));
    int st;
    waitpid(pid, &st, 0);
    bad |= big_checked(n);
    return bad || !(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static int run_threadsfork(void)
{
    int rc = run_threads(4, 1000);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        calls = 0;
        square(1, 5);
        printf("child %d calls %ld\n", (int)getpid(), calls);
        exit(0);
    }
    int st;
    waitpid(pid, &st, 0);
    printf("parent %d\n", (int)getpid());
    calls = 4000;
    return rc || !(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static int run_killself(int n)
{
    square(0, n);
    printf("calls %ld\n", calls);
    fflush(stdout);
    raise(SIGTERM);
    return 3; /* not reached */
}

static int run_regions(void)
{
    void (*pause_fn)(void) = (void (*)(void))dlsym(RTLD_DEFAULT, "blasshim_pause");
    void (*resume_fn)(void) = (void (*)(void))dlsym(RTLD_DEFAULT, "blasshim_resume");
    void (*mark_fn)(const char *) = (void (*)(const char *))dlsym(RTLD_DEFAULT, "blasshim_mark");
    printf("api %s\n", pause_fn && resume_fn && mark_fn ? "found" : "absent");
    if (pause_fn)
        pause_fn();
    square(0, 3); /* warm-up: not recorded */
    if (resume_fn)
        resume_fn();
    if (mark_fn)
        mark_fn("region \"one\"");
    square(0, 2);
    if (mark_fn)
        mark_fn("region two");
    square(1, 4);
    return 0;
}

static int run_invalid(void)
{
    double a[4] = {1, 2, 3, 4}, b[4] = {1, 2, 3, 4}, c[4] = {7, 7, 7, 7};
    cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, -1, 2, 2, 1.0, a, 2, b, 2, 0.0, c, 2);
    int same = c[0] == 7 && c[1] == 7 && c[2] == 7 && c[3] == 7;
    printf("C %s\n", same ? "unchanged" : "changed");
    calls = 1;
    return 0;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "cases";
    int rc = 0;
    if (!strcmp(mode, "cases"))
        rc = run_cases();
    else if (!strcmp(mode, "threads"))
        rc = run_threads(argc > 2 ? atoi(argv[2]) : 4, argc > 3 ? atoi(argv[3]) : 1000);
    else if (!strcmp(mode, "fork"))
        rc = run_fork();
    else if (!strcmp(mode, "big"))
        rc = big_checked(argc > 2 ? atoi(argv[2]) : 300);
    else if (!strcmp(mode, "forkbig"))
        rc = run_forkbig(argc > 2 ? atoi(argv[2]) : 300);
    else if (!strcmp(mode, "threadsfork"))
        rc = run_threadsfork();
    else if (!strcmp(mode, "killself"))
        rc = run_killself(argc > 2 ? atoi(argv[2]) : 10);
    else if (!strcmp(mode, "regions"))
        rc = run_regions();
    else if (!strcmp(mode, "invalid"))
        rc = run_invalid();
    else if (strcmp(mode, "nocall") != 0) {
        fprintf(stderr,
                "usage: gemmprobe cases|threads T N|fork|big N|forkbig N|threadsfork|killself N|"
                "regions|invalid|nocall\n");
        return 2;
    }
    printf("calls %ld\n", calls);
    return rc;
}
