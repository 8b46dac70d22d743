/* profiler/report.c — the JSON Lines report: header, one line per call, summary at exit.
 *
 * Lines are formatted with jansson outside the lock, then appended under a mutex to one
 * process-wide buffer that holds whole lines only. The buffer goes to the file with one
 * write(2) when it fills, at least once a second, and at exit; the file is opened with
 * O_APPEND, so processes handed the same name append whole lines and never overwrite.
 * The file is opened on the first record: a process that makes no BLAS call leaves no report.
 * After fork() the child drops the parent's buffered lines (the parent writes them) and
 * starts a report of its own on its first call.
 */
#include "sink.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "aggregate.h"
#include "blasinfo.h"
#include "clock.h"
#include "process.h"
#include "warn.h"

#define BS_FORMAT_VERSION 1
#define BS_VERSION "0.1.0"
#define BUF_CAP (64 * 1024)
#define FLUSH_EVERY_NS 1000000000LL
#define MAX_AGG 64

enum { ST_OFF, ST_UNOPENED, ST_OPEN, ST_FAILED, ST_FINISHED };

typedef struct agg {
    char routine[16], kernel[24];
    const char *rp, *kp; /* the record's string pointers last seen for this entry */
    int64_t calls, wall_ns, flops;
} agg;

static struct {
    pthread_mutex_t mu;
    atomic_int state;
    atomic_int paused;
    int summary_mode;
    int fd;
    char pattern[PATH_MAX];
    char path[PATH_MAX];
    bs_header_info info;
    char info_strings[BS_HEADER_MAX_ROUTINES * 2 + 4][PATH_MAX / 4];
    atomic_llong seq;
    int64_t top_calls, top_wall_ns, top_flops; /* calls of depth 0: the summary's totals */
    int64_t last_flush_ns;
    size_t len;
    char buf[BUF_CAP];
    int nagg, agg_overflow;
    agg aggs[MAX_AGG];
} R = {.mu = PTHREAD_MUTEX_INITIALIZER, .state = ST_OFF, .fd = -1};

/* ---- configuration ---------------------------------------------------------------- */

static const char *keep(int slot, const char *s)
{
    if (!s)
        return NULL;
    snprintf(R.info_strings[slot], sizeof R.info_strings[slot], "%s", s);
    return R.info_strings[slot];
}

void bs_report_setup(const char *pattern, const bs_header_info *info, int summary_mode,
                     int start_paused)
{
    pthread_mutex_lock(&R.mu);
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
    bs_blas_keep(&info->blas);
    pthread_mutex_unlock(&R.mu);
}

int bs_report_enabled(void)
{
    int st = atomic_load_explicit(&R.state, memory_order_relaxed);
    return (st == ST_UNOPENED || st == ST_OPEN) &&
           !atomic_load_explicit(&R.paused, memory_order_relaxed);
}

void bs_report_pause(int paused) { atomic_store(&R.paused, paused); }

/* ---- buffer and file (all under R.mu) --------------------------------------------- */

static void flush_locked(void)
{
    size_t off = 0;
    while (off < R.len) {
        ssize_t w = write(R.fd, R.buf + off, R.len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            bs_warn("writing report '%s' failed: %s; the rest of the report is lost", R.path,
                    w < 0 ? strerror(errno) : "short write");
            close(R.fd);
            R.fd = -1;
            atomic_store(&R.state, ST_FAILED);
            break;
        }
        off += (size_t)w;
    }
    R.len = 0;
    R.last_flush_ns = bs_mono_ns();
}

static void append_locked(const char *line, size_t n)
{
    if (R.len + n > BUF_CAP)
        flush_locked();
    if (atomic_load(&R.state) != ST_OPEN)
        return;
    if (n > BUF_CAP) { /* cannot happen for our records; write it whole anyway */
        ssize_t w = write(R.fd, line, n);
        (void)w;
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

static void write_header_locked(void)
{
    json_t *h = json_object();
    json_object_set_new(h, "type", json_string("header"));
    json_object_set_new(h, "format", json_string("blasshim-report"));
    json_object_set_new(h, "version", json_integer(BS_FORMAT_VERSION));
    json_object_set_new(h, "blasshim", json_string(BS_VERSION));
    json_t *proc = bs_process_json();
    json_object_update(h, proc);
    json_decref(proc);
    json_t *k = json_object();
    for (int i = 0; i < R.info.n; i++)
        json_object_set_new(k, R.info.routine[i], json_string(R.info.kernel[i]));
    json_object_set_new(h, "kernels", k);
    json_object_set_new(h, "real_blas", R.info.real_blas ? bs_json_text(R.info.real_blas) : json_null());
    json_object_set_new(h, "blas", bs_blas_json());
    json_object_set_new(h, "blas_env", bs_blas_env_json());
    json_object_set_new(h, "isa", R.info.isa ? json_string(R.info.isa) : json_null());
    json_object_set_new(h, "isas_supported",
                        R.info.isas_supported ? json_string(R.info.isas_supported) : json_null());
    json_object_set_new(h, "blocking", R.info.blocking ? json_string(R.info.blocking) : json_null());
    json_object_set_new(h, "num_threads", json_integer(R.info.num_threads));
    json_object_set_new(h, "report", bs_json_text(R.path));
    json_object_set_new(h, "log", json_string(R.summary_mode ? "summary" : "calls"));
    append_json_locked(h);
    json_decref(h);
}

/* A fatal signal with the default action: write the buffered lines, then die as before. Only
 * whole lines are in the buffer; if another thread holds the lock mid-append, skip. */
static const int fatal[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGSEGV, SIGBUS,
                            SIGFPE,  SIGILL, SIGABRT, SIGXCPU, SIGXFSZ};

static void on_fatal(int sig)
{
    if (pthread_mutex_trylock(&R.mu) == 0) {
        if (atomic_load(&R.state) == ST_OPEN && R.fd >= 0) {
            size_t off = 0;
            while (off < R.len) {
                ssize_t w = write(R.fd, R.buf + off, R.len - off);
                if (w <= 0)
                    break;
                off += (size_t)w;
            }
            R.len = 0;
        }
        pthread_mutex_unlock(&R.mu);
    }
    signal(sig, SIG_DFL);
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

static int open_locked(void)
{
    if (bs_expand_path(R.pattern, R.path, sizeof R.path) != 0) {
        bs_warn("report name '%s' is too long once expanded; no report is written", R.pattern);
        atomic_store(&R.state, ST_FAILED);
        return -1;
    }
    R.fd = open(R.path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (R.fd < 0) {
        bs_warn("cannot open report '%s': %s; the program continues without a report", R.path,
                strerror(errno));
        atomic_store(&R.state, ST_FAILED);
        return -1;
    }
    atomic_store(&R.state, ST_OPEN);
    R.last_flush_ns = bs_mono_ns();
    write_header_locked();
    catch_fatal_signals();
    return 0;
}

/* ---- records ---------------------------------------------------------------------- */

static void aggregate_locked(const bs_record *r)
{
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
    if (r->depth == 0) { /* a nested call's time is already in its parent's */
        R.top_calls++;
        R.top_wall_ns += r->wall_ns;
        R.top_flops += r->flops > 0 ? r->flops : 0;
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
    if (now_ns - R.last_flush_ns > FLUSH_EVERY_NS)
        flush_locked();
}

int64_t bs_report_next_seq(void) { return atomic_fetch_add(&R.seq, 1) + 1; }

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
    pthread_mutex_lock(&R.mu);
    open_if_needed_locked();
    if (atomic_load(&R.state) == ST_OPEN) {
        if (R.summary_mode)
            bs_agg_add(r);
        else if (n)
            append_locked(line, n);
        aggregate_locked(r);
        maybe_flush_locked(r->ts_ns);
    }
    pthread_mutex_unlock(&R.mu);
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
    pthread_mutex_lock(&R.mu);
    open_if_needed_locked();
    if (atomic_load(&R.state) == ST_OPEN) {
        append_json_locked(o);
        maybe_flush_locked(now);
    }
    pthread_mutex_unlock(&R.mu);
    json_decref(o);
}

/* ---- summary and exit ------------------------------------------------------------- */

static json_t *gflops_json(int64_t flops, int64_t wall_ns)
{
    return wall_ns > 0 ? json_real((double)flops / (double)wall_ns) : json_null();
}

static void emit_locked(json_t *rec)
{
    json_object_set_new(rec, "pid", json_integer(bs_proc.pid));
    append_json_locked(rec);
    json_decref(rec);
}

static void write_summary_locked(void)
{
    if (R.summary_mode)
        bs_agg_emit(emit_locked);
    const int64_t calls = R.top_calls, wall = R.top_wall_ns, flops = R.top_flops;
    json_t *by = json_array();
    for (int i = 0; i < R.nagg; i++) {
        const agg *a = &R.aggs[i];
        json_t *e = json_object();
        json_object_set_new(e, "routine", json_string(a->routine));
        json_object_set_new(e, "kernel", json_string(a->kernel));
        json_object_set_new(e, "calls", json_integer(a->calls));
        json_object_set_new(e, "wall_ns", json_integer(a->wall_ns));
        json_object_set_new(e, "flops", json_integer(a->flops));
        json_object_set_new(e, "gflops", gflops_json(a->flops, a->wall_ns));
        json_array_append_new(by, e);
    }
    json_t *s = json_object();
    json_object_set_new(s, "type", json_string("summary"));
    json_object_set_new(s, "pid", json_integer(bs_proc.pid));
    json_object_set_new(s, "calls", json_integer(calls));
    json_object_set_new(s, "wall_ns", json_integer(wall));
    json_object_set_new(s, "flops", json_integer(flops));
    json_object_set_new(s, "gflops", gflops_json(flops, wall));
    json_object_set_new(s, "elapsed_ns", json_integer(bs_mono_ns() - bs_proc.start_mono_ns));
    json_object_set_new(s, "by_kernel", by);
    json_object_set_new(s, "log", json_string(R.summary_mode ? "summary" : "calls"));
    if (R.agg_overflow)
        json_object_set_new(s, "by_kernel_incomplete", json_true());
    append_json_locked(s);
    json_decref(s);
}

void bs_report_finish(void)
{
    pthread_mutex_lock(&R.mu);
    if (atomic_load(&R.state) == ST_OPEN) {
        write_summary_locked();
        flush_locked();
        if (R.fd >= 0)
            close(R.fd);
        R.fd = -1;
    }
    atomic_store(&R.state, ST_FINISHED);
    pthread_mutex_unlock(&R.mu);
}

/* ---- process life ----------------------------------------------------------------- */

static void fork_prepare(void) { pthread_mutex_lock(&R.mu); }
static void fork_parent(void) { pthread_mutex_unlock(&R.mu); }

static void fork_child(void)
{
    bs_process_forked();
    R.len = 0; /* the parent writes these lines; the child must not write them again */
    if (R.fd >= 0)
        close(R.fd);
    R.fd = -1;
    int st = atomic_load(&R.state);
    if (st == ST_OPEN)
        atomic_store(&R.state, ST_UNOPENED);
    atomic_store(&R.seq, 0);
    R.top_calls = R.top_wall_ns = R.top_flops = 0;
    R.nagg = 0;
    R.agg_overflow = 0;
    bs_agg_reset();
    pthread_mutex_unlock(&R.mu);
}

__attribute__((constructor)) static void report_load(void)
{
    bs_process_start();
    pthread_atfork(fork_prepare, fork_parent, fork_child);
}

__attribute__((destructor)) static void report_unload(void) { bs_report_finish(); }
