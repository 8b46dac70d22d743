/* profiler/report.c — the JSON Lines report: header, one line per call, summary at exit.
 *
 * The writer's design (issue #17: the report never kills, blocks or betrays the host, loses
 * nothing it can keep, and never fills a disk):
 *
 * - One process-wide buffer (64 KiB) holds whole lines only. Call lines are formatted outside
 *   the lock; under the lock a line is copied in and then counted (one store), so whatever
 *   the buffer's length says is always whole lines, even to a signal handler on this thread.
 * - The lock is a futex word holding the owner's thread id: a signal handler can tell "held
 *   by the thread I interrupted" from "held by another thread", and it takes no malloc.
 * - The buffer goes to the file with write(2) calls of whole lines, with every signal blocked
 *   on the writing thread: no handler runs in the middle of a write, and SIGXFSZ (file-size
 *   limit) cannot kill the program. The room left under RLIMIT_FSIZE is checked before
 *   writing, so the report stops at a line boundary instead of being cut.
 * - Who writes: the calling thread when the buffer fills; a small flush thread (created with
 *   the report, all signals blocked, re-created in a forked child) writes lines older than
 *   ~0.2 s, so a program that sleeps or is SIGKILLed keeps what it did; the summary is written
 *   at exit, before exec (execve and friends are interposed) and at _exit/_Exit (interposed:
 *   multiprocessing workers end that way). A fatal signal left at its default action writes
 *   the buffer after waiting (bounded) for another thread's write to end, then keeps the
 *   lock, so no other thread starts a write that the death could cut.
 * - Files: opened O_NONBLOCK (a FIFO never blocks), O_NOFOLLOW (unless BLASSHIM_REPORT_FOLLOW),
 *   mode 0600; the default name is created new (O_EXCL), else the next free name. Only
 *   regular files are written, never the program's stdout; BLASSHIM_REPORT=stderr streams.
 * - Size: call lines stop at BLASSHIM_MAX_REPORT (1 GiB by default) or at the file-size
 *   limit, with one warning; later calls are folded into aggregate lines (summary mode's
 *   table), written at the end with a summary that counts every call and says how many
 *   were folded.
 *
 * The file is opened on the first record: a process that makes no BLAS call leaves no report.
 * After fork() the child drops the parent's buffered lines (the parent writes them) and
 * starts a report of its own on its first call.
 */
#include "sink.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <jansson.h>

#include "aggregate.h"
#include "blasinfo.h"
#include "clock.h"
#include "jsonout.h"
#include "process.h"
#include "report_limits.h"
#include "warn.h"

#define BS_FORMAT_VERSION 1
#define BUF_CAP (64 * 1024)
#define FLUSH_AGE_NS 200000000LL    /* the flush thread writes lines older than this */
#define FLUSH_EVERY_NS 1000000000LL /* without that thread: checked at each record */
#define FSIZE_RESERVE (64 * 1024)   /* kept free under RLIMIT_FSIZE for the summary */
#define FATAL_WAIT_NS 2000000000LL  /* a fatal signal waits this long for another writer */
#define MAX_AGG 64
#define WAITERS 0x80000000u

enum { ST_OFF, ST_UNOPENED, ST_OPEN, ST_FAILED, ST_FINISHED, ST_EXECED };

typedef struct agg {
    char routine[16], kernel[24];
    const char *rp, *kp; /* the record's string pointers last seen for this entry */
    int64_t calls, wall_ns, flops;
} agg;

static struct {
    atomic_uint lock; /* 0, or the owner's thread id (| WAITERS) */
    atomic_int state;
    atomic_int paused;
    int summary_mode;
    bs_report_limits lim;
    int fd, is_stderr, flusher;
    char pattern[PATH_MAX];
    char path[PATH_MAX];
    bs_header_info info;
    char info_strings[BS_HEADER_MAX_ROUTINES * 2 + 4][PATH_MAX / 4];
    atomic_llong seq;
    int64_t top_calls, top_wall_ns, top_flops; /* calls of depth 0: the summary's totals */
    int64_t oldest_ns;                         /* when the first line now in the buffer was added */
    int64_t used;                              /* bytes of lines this process put in the report */
    int64_t line_cap;                          /* call lines stop when used would pass this */
    int folding;                               /* call lines stopped: calls go to the aggregates */
    int64_t folded;                            /* calls folded that way (calls mode) */
    int64_t lost_lines;                        /* lines the file-size limit kept out after all */
    int lost_warned;
    size_t len;
    char buf[BUF_CAP];
    int nagg, agg_overflow;
    agg aggs[MAX_AGG];
} R = {.state = ST_OFF, .fd = -1, .lim = {.max_bytes = BS_MAX_REPORT_DEFAULT, .mode = 0600}};

/* ---- the lock: a futex word with the owner's tid, usable from a signal handler ---------- */

static unsigned self_tid(void) { return (unsigned)bs_tid() & ~WAITERS; }

static void futex(atomic_uint *w, int op, unsigned val)
{
    syscall(SYS_futex, w, op, val, NULL, NULL, 0);
}

static int trylock(unsigned me)
{
    unsigned free_ = 0;
    return atomic_compare_exchange_strong(&R.lock, &free_, me);
}

static void lock(void)
{
    unsigned me = self_tid();
    if (trylock(me))
        return;
    for (;;) {
        unsigned v = atomic_load(&R.lock);
        if (v == 0) {
            if (atomic_compare_exchange_strong(&R.lock, &v, me | WAITERS))
                return; /* others may wait: say so, unlock wakes one */
            continue;
        }
        if (!(v & WAITERS) && !atomic_compare_exchange_strong(&R.lock, &v, v | WAITERS))
            continue;
        futex(&R.lock, FUTEX_WAIT_PRIVATE, v | WAITERS);
    }
}

static void unlock(void)
{
    if (atomic_exchange(&R.lock, 0) & WAITERS)
        futex(&R.lock, FUTEX_WAKE_PRIVATE, 1);
}

static int held_by_me(void) { return (atomic_load(&R.lock) & ~WAITERS) == self_tid(); }

/* From a signal handler: the lock within limit_ns (sleeping between tries), or 0. */
static int lock_within(int64_t limit_ns)
{
    unsigned me = self_tid();
    for (int64_t waited = 0; waited < limit_ns; waited += 1000000) {
        if (trylock(me))
            return 1;
        struct timespec ms = {0, 1000000};
        nanosleep(&ms, NULL);
    }
    return 0;
}

/* ---- configuration ---------------------------------------------------------------- */

static const char *keep(int slot, const char *s)
{
    if (!s)
        return NULL;
    snprintf(R.info_strings[slot], sizeof R.info_strings[slot], "%s", s);
    return R.info_strings[slot];
}

void bs_report_set_limits(const bs_report_limits *l)
{
    lock();
    R.lim = *l;
    unlock();
}

void bs_report_setup(const char *pattern, const bs_header_info *info, int summary_mode,
                     int start_paused)
{
    lock();
    R.summary_mode = summary_mode;
    atomic_store(&R.paused, start_paused);
    if (pattern && strlen(pattern) < sizeof R.pattern) {
        strcpy(R.pattern, pattern);
        atomic_store(&R.state, ST_UNOPENED);
    } else {
        if (pattern)
            bs_warn("BLASSHIM_REPORT is longer than %d bytes; no report is written", PATH_MAX - 1);
        atomic_store(&R.state, ST_OFF);
    }
    R.info.n = info->n < BS_HEADER_MAX_ROUTINES ? info->n : BS_HEADER_MAX_ROUTINES;
    for (int i = 0; i < R.info.n; i++) {
        R.info.routine[i] = keep(2 * i, info->routine[i]);
        R.info.kernel[i] = keep(2 * i + 1, info->kernel[i]);
    }
    R.info.real_blas = keep(2 * BS_HEADER_MAX_ROUTINES, info->real_blas);
    R.info.isa = keep(2 * BS_HEADER_MAX_ROUTINES + 1, info->isa);
    R.info.isas_supported = keep(2 * BS_HEADER_MAX_ROUTINES + 2, info->isas_supported);
    R.info.blocking = keep(2 * BS_HEADER_MAX_ROUTINES + 3, info->blocking);
    R.info.num_threads = info->num_threads;
    R.info.num_threads_from = info->num_threads_from; /* a string constant */
    R.info.version = info->version;
    bs_blas_keep(&info->blas);
    unlock();
}

int bs_report_enabled(void)
{
    int st = atomic_load_explicit(&R.state, memory_order_relaxed);
    return (st == ST_UNOPENED || st == ST_OPEN) &&
           !atomic_load_explicit(&R.paused, memory_order_relaxed);
}

void bs_report_pause(int paused) { atomic_store(&R.paused, paused); }

/* ---- writing (all under the lock) ------------------------------------------------- */

/* Bytes the file may still grow under RLIMIT_FSIZE (INT64_MAX: no limit applies). */
static int64_t fsize_room(void)
{
    struct rlimit rl;
    struct stat st;
    if (getrlimit(RLIMIT_FSIZE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY ||
        fstat(R.fd, &st) != 0 || !S_ISREG(st.st_mode))
        return INT64_MAX;
    return rl.rlim_cur > (rlim_t)st.st_size ? (int64_t)(rl.rlim_cur - (rlim_t)st.st_size) : 0;
}

/* Where call lines must stop: BLASSHIM_MAX_REPORT, or the file-size limit less a reserve for
 * the summary. Refreshed at each write (other processes may share the file). */
static void update_line_cap(void)
{
    int64_t cap = R.lim.max_bytes > 0 ? R.lim.max_bytes : INT64_MAX;
    int64_t room = fsize_room();
    if (room != INT64_MAX) {
        int64_t fs_cap = R.used - (int64_t)R.len + room - FSIZE_RESERVE;
        if (fs_cap < cap)
            cap = fs_cap;
    }
    R.line_cap = cap;
}

static void fail_locked(const char *what, int err)
{
    bs_warn("writing report '%s' failed: %s; the rest of the report is lost", R.path,
            what ? what : strerror(err));
    close(R.fd); /* the report, or our duplicate of stderr */
    R.fd = -1;
    R.len = 0;
    atomic_store(&R.state, ST_FAILED);
}

/* Write n bytes of whole lines: 0, or -1 after fail_locked. Streaming to stderr (perhaps a
 * pipe shared with the program), each write is whole lines of at most PIPE_BUF bytes where
 * it can be, which a pipe never interleaves. */
static int write_lines(const char *p, size_t n)
{
    while (n > 0) {
        size_t chunk = n;
        if (R.is_stderr && chunk > PIPE_BUF) {
            const char *nl = memrchr(p, '\n', PIPE_BUF);
            chunk = nl ? (size_t)(nl - p) + 1 : n;
        }
        ssize_t w = write(R.fd, p, chunk);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && errno == EAGAIN) { /* stderr left non-blocking by the program */
            struct pollfd pfd = {.fd = R.fd, .events = POLLOUT};
            if (poll(&pfd, 1, 1000) > 0)
                continue;
        }
        if (w <= 0) {
            if (w < 0 && errno == EFBIG) { /* the limit moved under us: the signal is ours */
                sigset_t xfsz;
                sigemptyset(&xfsz);
                sigaddset(&xfsz, SIGXFSZ);
                struct timespec zero = {0, 0};
                while (sigtimedwait(&xfsz, NULL, &zero) > 0)
                    ;
            }
            fail_locked(w < 0 ? NULL : "short write", errno);
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static void start_folding(const char *why)
{
    if (R.folding)
        return;
    R.folding = 1;
    bs_warn("report '%s' reached %s: call lines stop here; later calls are counted in "
            "aggregate lines and the summary",
            R.path, why);
}

/* Write the buffer. Async-signal-safe (the fatal-signal handler calls it). */
static void flush_locked(void)
{
    if (R.len == 0 || R.fd < 0) {
        R.len = 0;
        return;
    }
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    size_t n = R.len;
    int64_t room = fsize_room();
    if ((int64_t)n > room) { /* the whole lines that fit, and not a byte more */
        const char *nl = room > 0 ? memrchr(R.buf, '\n', (size_t)room) : NULL;
        size_t keep_n = nl ? (size_t)(nl - R.buf) + 1 : 0;
        for (size_t i = keep_n; i < n; i++)
            R.lost_lines += R.buf[i] == '\n';
        n = keep_n;
    }
    int ok = write_lines(R.buf, n) == 0;
    R.len = 0;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (ok && R.lost_lines && !R.lost_warned) {
        R.lost_warned = 1;
        R.folding = 1; /* no further call lines: they would not fit either */
        bs_warn("report '%s' reached the file-size limit (ulimit -f) sooner than expected "
                "(another process shares the file, or the limit was lowered): %lld lines "
                "did not fit; later calls are counted in aggregate lines and the summary",
                R.path, (long long)R.lost_lines);
    }
    if (ok)
        update_line_cap();
}

/* Add whole lines to the buffer (they are counted only once copied). */
static void append_locked(const char *line, size_t n)
{
    if (R.len + n > BUF_CAP)
        flush_locked();
    if (atomic_load(&R.state) != ST_OPEN)
        return;
    if (R.len == 0)
        R.oldest_ns = bs_mono_ns();
    R.used += (int64_t)n;
    if (n > BUF_CAP) { /* cannot happen for our records; write it whole anyway */
        flush_locked();
        memcpy(R.buf, line, BUF_CAP);
        R.len = BUF_CAP;
        R.used -= (int64_t)n - BUF_CAP;
        return;
    }
    memcpy(R.buf + R.len, line, n);
    R.len += n;
}

/* Dump a JSON value as one line into the buffer. */
static void append_json_locked(json_t *j)
{
    char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
    if (!s)
        return;
    size_t n = strlen(s);
    s[n] = '\n'; /* replaces the terminator; length known */
    append_locked(s, n + 1);
    free(s);
}

/* The configuration part of the header (kernels ... num_threads_from), added to h. */
static void config_json_locked(json_t *h)
{
    json_t *k = json_object();
    for (int i = 0; i < R.info.n; i++)
        json_object_set_new(k, R.info.routine[i], json_string(R.info.kernel[i]));
    json_object_set_new(h, "kernels", k);
    json_object_set_new(h, "real_blas",
                        R.info.real_blas ? bs_json_text(R.info.real_blas) : json_null());
    json_object_set_new(h, "blas", bs_blas_json());
    json_object_set_new(h, "blas_env", bs_blas_env_json());
    json_object_set_new(h, "isa", R.info.isa ? json_string(R.info.isa) : json_null());
    json_object_set_new(h, "isas_supported",
                        R.info.isas_supported ? json_string(R.info.isas_supported) : json_null());
    json_object_set_new(h, "blocking",
                        R.info.blocking ? json_string(R.info.blocking) : json_null());
    json_object_set_new(h, "num_threads", json_integer(R.info.num_threads));
    json_object_set_new(h, "num_threads_from",
                        R.info.num_threads_from ? json_string(R.info.num_threads_from)
                                                : json_null());
}

json_t *bs_report_config_json(void)
{
    json_t *h = json_object();
    lock();
    json_object_set_new(h, "blasshim", json_string(R.info.version ? R.info.version : "?"));
    config_json_locked(h);
    json_object_set_new(h, "report",
                        R.pattern[0] && atomic_load(&R.state) != ST_OFF ? bs_json_text(R.pattern)
                                                                        : json_null());
    json_object_set_new(h, "log", json_string(R.summary_mode ? "summary" : "calls"));
    unlock();
    return h;
}

static void write_header_locked(void)
{
    json_t *h = json_object();
    json_object_set_new(h, "type", json_string("header"));
    json_object_set_new(h, "format", json_string("blasshim-report"));
    json_object_set_new(h, "version", json_integer(BS_FORMAT_VERSION));
    json_object_set_new(h, "blasshim", json_string(R.info.version ? R.info.version : "?"));
    json_t *proc = bs_process_json();
    json_object_update(h, proc);
    json_decref(proc);
    config_json_locked(h);
    json_object_set_new(h, "report", bs_json_text(R.path));
    json_object_set_new(h, "log", json_string(R.summary_mode ? "summary" : "calls"));
    json_object_set_new(h, "max_report_bytes",
                        R.lim.max_bytes > 0 ? json_integer(R.lim.max_bytes) : json_null());
    append_json_locked(h);
    json_decref(h);
}

/* ---- fatal signals ------------------------------------------------------------------ */

static const int fatal[] = {SIGTERM, SIGINT, SIGHUP,  SIGQUIT, SIGSEGV, SIGBUS,
                            SIGFPE,  SIGILL, SIGABRT, SIGXCPU, SIGXFSZ};

static void write_summary_locked(void);

/* A fatal signal with the default action: write the buffered lines and the summary (formatted
 * without malloc), then die as before. The
 * buffer holds whole lines at every instant; if another thread holds the lock it is copying
 * a line or writing (signals blocked), and is waited for. The lock is then kept: no other
 * thread starts a write that the process's death could cut. */
static void on_fatal(int sig)
{
    int saved = errno;
    if (getpid() == bs_proc.pid) {
        int mine = held_by_me(); /* this thread was interrupted inside the writer */
        if ((mine || lock_within(FATAL_WAIT_NS)) && atomic_load(&R.state) == ST_OPEN) {
            if (!mine) /* no record is half-counted: the summary is exact */
                write_summary_locked();
            flush_locked();
        }
    }
    signal(sig, SIG_DFL);
    errno = saved;
    raise(sig);
}

/* only signals the program left at their default: never replace the program's handlers */
static void catch_fatal_signals(void)
{
    static int done;
    if (done++)
        return;
    for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++) {
        struct sigaction old;
        if (sigaction(fatal[i], NULL, &old) != 0 || old.sa_handler != SIG_DFL ||
            (old.sa_flags & SA_SIGINFO))
            continue;
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_fatal;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = SA_RESETHAND | SA_NODEFER;
        sigaction(fatal[i], &sa, NULL);
    }
}

/* ---- the flush thread ------------------------------------------------------------- */

static void *flusher_main(void *arg)
{
    (void)arg;
    for (;;) {
        struct timespec tick = {0, FLUSH_AGE_NS};
        nanosleep(&tick, NULL);
        lock();
        if (atomic_load(&R.state) != ST_OPEN) {
            R.flusher = 0;
            unlock();
            return NULL;
        }
        if (R.len > 0 && bs_mono_ns() - R.oldest_ns >= FLUSH_AGE_NS)
            flush_locked();
        unlock();
    }
}

static void start_flusher_locked(void)
{
    if (R.flusher)
        return;
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old); /* the thread never takes the program's signals */
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, 256 * 1024); /* ample: it sleeps and writes */
    pthread_t t;
    int err = pthread_create(&t, &attr, flusher_main, NULL);
    pthread_attr_destroy(&attr);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (err) {
        bs_warn("cannot start the report's flush thread (%s); lines reach the disk at later "
                "calls and at exit",
                strerror(err));
        return;
    }
    pthread_setname_np(t, "blasshim-flush");
    R.flusher = 1;
}

/* ---- opening the report ----------------------------------------------------------- */

/* The n-th alternative to a name that exists: "blasshim-12.jsonl" -> "blasshim-12.1.jsonl". */
static int alternative_name(const char *path, int n, char *out, size_t cap)
{
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(slash ? slash + 1 : path, '.');
    size_t stem = dot && dot != (slash ? slash + 1 : path) ? (size_t)(dot - path) : strlen(path);
    int w = snprintf(out, cap, "%.*s.%d%s", (int)stem, path, n, path + stem);
    return w > 0 && (size_t)w < cap ? 0 : -1;
}

static const char *kind_of(mode_t m)
{
    return S_ISFIFO(m)                ? "a FIFO"
           : S_ISCHR(m) || S_ISBLK(m) ? "a device"
           : S_ISDIR(m)               ? "a directory"
           : S_ISSOCK(m)              ? "a socket"
           : S_ISLNK(m)               ? "a symbolic link"
                                      : "not a regular file";
}

static int refuse(const char *why)
{
    bs_warn("report '%s' %s; the program continues without a report", R.path, why);
    atomic_store(&R.state, ST_FAILED);
    return -1;
}

static int open_file_locked(void)
{
    if (bs_expand_path(R.pattern, R.path, sizeof R.path) != 0)
        return refuse("is too long once expanded");
    if (strcmp(R.path, "stderr") == 0) {
        R.fd = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
        if (R.fd < 0)
            return refuse("cannot be written: stderr is closed");
        R.is_stderr = 1;
        return 0;
    }
    int flags = O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NONBLOCK;
    if (!R.lim.follow || R.lim.exclusive)
        flags |= O_NOFOLLOW;
    if (R.lim.exclusive) {
        char base[PATH_MAX];
        snprintf(base, sizeof base, "%s", R.path);
        for (int n = 0; n < 100; n++) {
            if (n && alternative_name(base, n, R.path, sizeof R.path) != 0)
                break;
            R.fd = open(R.path, flags | O_EXCL, R.lim.mode);
            if (R.fd >= 0 || errno != EEXIST)
                break;
        }
        if (R.fd < 0 && errno == EEXIST)
            return refuse("and its next 99 alternatives (.1 to .99) exist");
    } else {
        R.fd = open(R.path, flags, R.lim.mode);
    }
    if (R.fd < 0) {
        int err = errno;
        struct stat st;
        char why[160];
        if (err == ELOOP || err == EMLINK)
            return refuse("is a symbolic link, which is not followed (BLASSHIM_REPORT_FOLLOW=1 "
                          "follows it)");
        if ((err == ENXIO || err == EISDIR) && stat(R.path, &st) == 0) {
            snprintf(why, sizeof why, "is %s, not a regular file", kind_of(st.st_mode));
            return refuse(why);
        }
        snprintf(why, sizeof why, "cannot be opened: %s", strerror(err));
        return refuse(why);
    }
    struct stat st, out;
    if (fstat(R.fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        char why[160];
        snprintf(why, sizeof why,
                 "is %s, not a regular file (BLASSHIM_REPORT=stderr streams "
                 "the report)",
                 kind_of(st.st_mode));
        close(R.fd);
        R.fd = -1;
        return refuse(why);
    }
    if (fstat(STDOUT_FILENO, &out) == 0 && out.st_dev == st.st_dev && out.st_ino == st.st_ino) {
        close(R.fd);
        R.fd = -1;
        return refuse("is the program's stdout, which the shim never writes");
    }
    return 0;
}

static int open_locked(void)
{
    if (open_file_locked() != 0)
        return -1;
    atomic_store(&R.state, ST_OPEN);
    R.used = 0;
    R.len = 0;
    update_line_cap();
    if (R.line_cap < 0) { /* no room for even the header */
        close(R.fd);
        R.fd = -1;
        return refuse("has no room under the file-size limit (ulimit -f)");
    }
    write_header_locked();
    catch_fatal_signals();
    start_flusher_locked();
    return 0;
}

/* ---- records ---------------------------------------------------------------------- */

static void aggregate_locked(const bs_record *r)
{
    if (r->depth == 0) { /* a nested call's time is already in its parent's */
        R.top_calls++;
        R.top_wall_ns += r->wall_ns;
        R.top_flops += r->flops > 0 ? r->flops : 0;
    }
    agg *a = NULL;
    for (int i = 0; i < R.nagg && !a; i++)
        if (R.aggs[i].rp == r->routine && R.aggs[i].kp == r->kernel) /* the usual: same pointers */
            a = &R.aggs[i];
    for (int i = 0; i < R.nagg && !a; i++)
        if (strcmp(R.aggs[i].routine, r->routine) == 0 && strcmp(R.aggs[i].kernel, r->kernel) == 0)
            a = &R.aggs[i];
    if (!a) {
        if (R.nagg == MAX_AGG) {
            R.agg_overflow = 1;
            return;
        }
        a = &R.aggs[R.nagg++];
        memset(a, 0, sizeof *a);
        snprintf(a->routine, sizeof a->routine, "%s", r->routine);
        snprintf(a->kernel, sizeof a->kernel, "%s", r->kernel);
    }
    a->rp = r->routine;
    a->kp = r->kernel;
    a->calls++;
    a->wall_ns += r->wall_ns;
    a->flops += r->flops > 0 ? r->flops : 0;
}

static void open_if_needed_locked(void)
{
    if (atomic_load(&R.state) == ST_UNOPENED)
        open_locked();
}

static void maybe_flush_locked(int64_t now_ns)
{
    if (R.len > 0 && now_ns - R.oldest_ns > FLUSH_EVERY_NS)
        flush_locked();
}

int64_t bs_report_next_seq(void) { return atomic_fetch_add(&R.seq, 1) + 1; }

/* Whether one more line of n bytes may go in; past the bound, folding starts (one warning). */
static int line_fits_locked(size_t n)
{
    if (!R.folding && R.used + (int64_t)n > R.line_cap) {
        char why[96];
        if (R.lim.max_bytes > 0 && R.used + (int64_t)n > R.lim.max_bytes)
            snprintf(why, sizeof why, "BLASSHIM_MAX_REPORT (%lld bytes)",
                     (long long)R.lim.max_bytes);
        else
            snprintf(why, sizeof why, "the file-size limit (ulimit -f)");
        start_folding(why);
    }
    return !R.folding;
}

void bs_report_call(bs_record *r)
{
    if (!bs_report_enabled())
        return;
    if (R.summary_mode)
        r->seq = 0;
    else if (r->seq <= 0)
        r->seq = bs_report_next_seq();
    r->pid = bs_proc.pid;
    static __thread char line[16384];
    size_t n = R.summary_mode ? 0 : bs_format_call(r, line, sizeof line);
    lock();
    open_if_needed_locked();
    if (atomic_load(&R.state) == ST_OPEN) {
        if (R.summary_mode) {
            bs_agg_add(r);
        } else if (n && line_fits_locked(n)) {
            append_locked(line, n);
        } else if (n) {
            bs_agg_add(r);
            R.folded++;
        }
        aggregate_locked(r);
        maybe_flush_locked(r->ts_ns);
    }
    unlock();
}

void bs_report_mark(const char *name, int64_t tid)
{
    int st = atomic_load(&R.state);
    if (st != ST_UNOPENED && st != ST_OPEN)
        return;
    json_t *o = json_object();
    json_object_set_new(o, "type", json_string("mark"));
    json_object_set_new(o, "pid", json_integer(bs_proc.pid));
    json_object_set_new(o, "tid", json_integer(tid));
    int64_t now = bs_mono_ns();
    json_object_set_new(o, "ts_ns", json_integer(now));
    json_object_set_new(o, "name", bs_json_text(name ? name : ""));
    json_object_set_new(o, "paused", json_boolean(atomic_load(&R.paused)));
    char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    if (!s)
        return;
    size_t n = strlen(s);
    s[n] = '\n';
    lock();
    open_if_needed_locked();
    if (atomic_load(&R.state) == ST_OPEN && line_fits_locked(n + 1)) {
        append_locked(s, n + 1);
        maybe_flush_locked(now);
    }
    unlock();
    free(s);
}

/* ---- summary and the end of a report ------------------------------------------------ */

static void put_gflops(bs_out *o, int64_t flops, int64_t wall_ns)
{
    if (wall_ns > 0)
        bs_put_f64(o, (double)flops / (double)wall_ns, 1);
    else
        bs_put_lit(o, "null");
}

#define KEY(o, k) bs_put_lit(o, ",\"" k "\":")

/* The aggregate lines (summary mode, or the calls folded past the bound) and the summary,
 * formatted without malloc: this also runs at _exit and exec. */
static void write_summary_locked(void)
{
    if (R.summary_mode || R.folded)
        bs_agg_emit(bs_proc.pid, append_locked);
    static char line[16384];
    bs_out oo = {line, line + sizeof line, 0}, *o = &oo;
    /* the program's calls: a call made inside a LAPACK call is in its parent's time already */
    const int64_t calls = R.top_calls, wall = R.top_wall_ns, flops = R.top_flops;
    bs_put_lit(o, "{\"type\":\"summary\"");
    KEY(o, "pid"), bs_put_i64(o, bs_proc.pid);
    KEY(o, "calls"), bs_put_i64(o, calls);
    KEY(o, "wall_ns"), bs_put_i64(o, wall);
    KEY(o, "flops"), bs_put_i64(o, flops);
    KEY(o, "gflops"), put_gflops(o, flops, wall);
    KEY(o, "elapsed_ns"), bs_put_i64(o, bs_mono_ns() - bs_proc.start_mono_ns);
    KEY(o, "by_kernel"), bs_put_lit(o, "[");
    for (int i = 0; i < R.nagg; i++) {
        const agg *a = &R.aggs[i];
        if (i)
            bs_put_lit(o, ",");
        bs_put_lit(o, "{\"routine\":");
        bs_put_str(o, a->routine);
        KEY(o, "kernel"), bs_put_str(o, a->kernel);
        KEY(o, "calls"), bs_put_i64(o, a->calls);
        KEY(o, "wall_ns"), bs_put_i64(o, a->wall_ns);
        KEY(o, "flops"), bs_put_i64(o, a->flops);
        KEY(o, "gflops"), put_gflops(o, a->flops, a->wall_ns);
        bs_put_lit(o, "}");
    }
    bs_put_lit(o, "]");
    KEY(o, "log"), bs_put_str(o, R.summary_mode ? "summary" : "calls");
    if (!R.summary_mode)
        KEY(o, "folded"), bs_put_i64(o, R.folded);
    if (R.agg_overflow)
        KEY(o, "by_kernel_incomplete"), bs_put_lit(o, "true");
    bs_put_lit(o, "}\n");
    if (!oo.full)
        append_locked(line, (size_t)(oo.p - line));
}

/* Write the summary, flush and close; the report then stays in state `then`. */
static void finish_locked(int then)
{
    int was_open = atomic_load(&R.state) == ST_OPEN;
    if (was_open) {
        write_summary_locked();
        flush_locked();
        if (R.fd >= 0)
            close(R.fd); /* the report, or our duplicate of stderr */
        R.fd = -1;
        R.is_stderr = 0;
    }
    if (was_open || then == ST_FINISHED)
        atomic_store(&R.state, then);
}

void bs_report_finish(void)
{
    lock();
    finish_locked(ST_FINISHED);
    unlock();
}

/* ---- process life: fork, exec, _exit -------------------------------------------------- */

/* Forget the report's contents: a forked child, or a process whose exec failed, starts anew. */
static void start_over_locked(void)
{
    R.len = 0;
    R.used = 0;
    R.folding = 0;
    R.folded = 0;
    R.lost_lines = 0;
    R.lost_warned = 0;
    atomic_store(&R.seq, 0);
    R.top_calls = R.top_wall_ns = R.top_flops = 0;
    R.nagg = 0;
    R.agg_overflow = 0;
    bs_agg_reset();
}

static void fork_prepare(void) { lock(); }
static void fork_parent(void) { unlock(); }

static void fork_child(void)
{
    bs_process_forked();
    atomic_store(&R.lock, 0); /* the parent's thread held it; this thread is another */
    lock();
    if (R.fd >= 0)
        close(R.fd);
    R.fd = -1;
    R.is_stderr = 0;
    R.flusher = 0; /* threads do not survive fork */
    int st = atomic_load(&R.state);
    if (st == ST_OPEN)
        atomic_store(&R.state, ST_UNOPENED);
    start_over_locked(); /* the parent writes its own lines */
    unlock();
}

/* The way out of the process image (exec, _exit): the summary, everything on disk. Nothing
 * in a vfork child (it shares the parent's memory: another pid than the one recorded). */
static int before_leaving(int then)
{
    if (getpid() != bs_proc.pid)
        return 0;
    if (held_by_me()) { /* a signal handler interrupted this thread inside the writer */
        if (then == ST_FINISHED && atomic_load(&R.state) == ST_OPEN)
            flush_locked(); /* whole lines only; the process ends now */
        return 0;
    }
    lock();
    finish_locked(then);
    return 1; /* locked */
}

typedef int (*execve_fn)(const char *, char *const[], char *const[]);
typedef int (*fexecve_fn)(int, char *const[], char *const[]);
typedef int (*execveat_fn)(int, const char *, char *const[], char *const[], int);
static execve_fn real_execve, real_execvpe;
static fexecve_fn real_fexecve;
static execveat_fn real_execveat;
extern char **environ;

/* Before an exec: the report is finished. If the exec fails, the process goes on and its
 * next call starts a new report section (a new header; the default name takes the next
 * free name). */
static void exec_begin(void)
{
    if (before_leaving(ST_EXECED))
        unlock();
}

static int exec_failed(int rc)
{
    int err = errno;
    if (getpid() == bs_proc.pid && !held_by_me()) {
        lock();
        if (atomic_load(&R.state) == ST_EXECED) {
            start_over_locked();
            atomic_store(&R.state, ST_UNOPENED);
        }
        unlock();
    }
    errno = err;
    return rc;
}

#define EXPORT __attribute__((visibility("default")))

EXPORT int execve(const char *path, char *const argv[], char *const envp[])
{
    if (!real_execve)
        return errno = ENOSYS, -1;
    exec_begin();
    return exec_failed(real_execve(path, argv, envp));
}

EXPORT int execv(const char *path, char *const argv[]) { return execve(path, argv, environ); }

EXPORT int execvpe(const char *file, char *const argv[], char *const envp[])
{
    if (!real_execvpe)
        return errno = ENOSYS, -1;
    exec_begin();
    return exec_failed(real_execvpe(file, argv, envp));
}

EXPORT int execvp(const char *file, char *const argv[]) { return execvpe(file, argv, environ); }

EXPORT int fexecve(int fd, char *const argv[], char *const envp[])
{
    if (!real_fexecve)
        return errno = ENOSYS, -1;
    exec_begin();
    return exec_failed(real_fexecve(fd, argv, envp));
}

EXPORT int execveat(int dirfd, const char *path, char *const argv[], char *const envp[], int flags)
{
    if (!real_execveat)
        return errno = ENOSYS, -1;
    exec_begin();
    return exec_failed(real_execveat(dirfd, path, argv, envp, flags));
}

/* execl, execlp, execle: the arguments into an array on the stack (as glibc does), then the
 * array forms above. with_env: execle's environment follows the terminating NULL. */
#define MAX_EXECL_ARGS 4096
static int execl_common(const char *path, const char *arg0, va_list ap, int with_env, int search)
{
    char *argv[MAX_EXECL_ARGS + 1];
    int n = 0;
    argv[n++] = (char *)arg0;
    while (arg0 && n <= MAX_EXECL_ARGS && (argv[n] = va_arg(ap, char *)) != NULL)
        n++;
    if (n > MAX_EXECL_ARGS)
        return errno = E2BIG, -1;
    argv[n] = NULL;
    char *const *envp = with_env ? va_arg(ap, char *const *) : environ;
    return search ? execvpe(path, argv, envp) : execve(path, argv, envp);
}

EXPORT int execl(const char *path, const char *arg, ...)
{
    va_list ap;
    va_start(ap, arg);
    int rc = execl_common(path, arg, ap, 0, 0);
    va_end(ap);
    return rc;
}

EXPORT int execlp(const char *file, const char *arg, ...)
{
    va_list ap;
    va_start(ap, arg);
    int rc = execl_common(file, arg, ap, 0, 1);
    va_end(ap);
    return rc;
}

EXPORT int execle(const char *path, const char *arg, ...)
{
    va_list ap;
    va_start(ap, arg);
    int rc = execl_common(path, arg, ap, 1, 0);
    va_end(ap);
    return rc;
}

/* _exit and _Exit skip atexit handlers and destructors: the summary is written here. The lock
 * is kept, so no other thread starts a write the exit could cut. Then exit_group, which is
 * all glibc's _exit does. */
EXPORT void _exit(int status)
{
    before_leaving(ST_FINISHED);
    for (;;)
        syscall(SYS_exit_group, status);
}

EXPORT void _Exit(int status) { _exit(status); }

__attribute__((constructor)) static void report_load(void)
{
    bs_process_start();
    pthread_atfork(fork_prepare, fork_parent, fork_child);
    real_execve = (execve_fn)dlsym(RTLD_NEXT, "execve");
    real_execvpe = (execve_fn)dlsym(RTLD_NEXT, "execvpe");
    real_fexecve = (fexecve_fn)dlsym(RTLD_NEXT, "fexecve");
    real_execveat = (execveat_fn)dlsym(RTLD_NEXT, "execveat");
}

__attribute__((destructor)) static void report_unload(void) { bs_report_finish(); }
