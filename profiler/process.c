/* profiler/process.c — process identity and facts for the report header, report names,
 * thread ids. */
#include "process.h"

#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "common/cpu.h"

bs_process bs_proc;
static atomic_uint fork_gen = 1;
/* initial-exec: the shim is preloaded, its few bytes of TLS are static (no __tls_get_addr) */
static __thread unsigned tid_gen __attribute__((tls_model("initial-exec")));
static __thread int64_t tid_cached __attribute__((tls_model("initial-exec")));

void bs_process_start(void)
{
    bs_proc.start_mono_ns = bs_mono_ns();
    bs_proc.start_epoch_ns = bs_clock_ns(CLOCK_REALTIME);
    bs_proc.pid = (int)getpid();
}

static atomic_int statm_fd = -1;

void bs_process_forked(void)
{
    atomic_fetch_add(&fork_gen, 1);
    bs_process_start();
    int fd = atomic_exchange(&statm_fd, -1); /* /proc/self was the parent's */
    if (fd >= 0)
        close(fd);
}

int64_t bs_rss_bytes(void)
{
    int fd = atomic_load(&statm_fd);
    if (fd < 0) {
        int nfd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
        if (nfd < 0)
            return -1;
        int expected = -1;
        if (atomic_compare_exchange_strong(&statm_fd, &expected, nfd))
            fd = nfd;
        else
            close(nfd), fd = expected;
    }
    char buf[128];
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    long long size, resident;
    if (sscanf(buf, "%lld %lld", &size, &resident) != 2)
        return -1;
    return (int64_t)resident * sysconf(_SC_PAGESIZE);
}

int64_t bs_peak_rss_bytes(void)
{
    struct rusage ru;
    return getrusage(RUSAGE_SELF, &ru) == 0 ? (int64_t)ru.ru_maxrss * 1024 : -1;
}

int64_t bs_tid(void)
{
    unsigned gen = atomic_load_explicit(&fork_gen, memory_order_relaxed);
    if (tid_gen != gen) {
        tid_cached = (int64_t)syscall(SYS_gettid);
        tid_gen = gen;
    }
    return tid_cached;
}

json_t *bs_json_text(const char *s)
{
    json_t *j = json_string(s); /* NULL when s is not valid UTF-8 */
    return j ? j : json_string("(not UTF-8)");
}

static const char *mpi_rank(void)
{
    static const char *vars[] = {"OMPI_COMM_WORLD_RANK", "PMI_RANK", "SLURM_PROCID", NULL};
    for (int i = 0; vars[i]; i++) {
        const char *v = getenv(vars[i]);
        if (v && *v)
            return v;
    }
    return "0";
}

static void start_stamp(char *out, size_t cap, const char *fmt)
{
    time_t secs = (time_t)(bs_proc.start_epoch_ns / 1000000000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    strftime(out, cap, fmt, &tm);
}

int bs_expand_path(const char *pattern, char *out, size_t cap)
{
    size_t o = 0;
    for (const char *p = pattern; *p; p++) {
        char piece[256];
        const char *add = piece;
        if (*p != '%' || p[1] == '\0') {
            piece[0] = *p;
            piece[1] = '\0';
        } else {
            switch (*++p) {
            case 'p': snprintf(piece, sizeof piece, "%d", bs_proc.pid); break;
            case 'h':
                if (gethostname(piece, sizeof piece) != 0)
                    strcpy(piece, "unknown");
                piece[sizeof piece - 1] = '\0';
                break;
            case 'r': add = mpi_rank(); break;
            case 't': start_stamp(piece, sizeof piece, "%Y%m%dT%H%M%SZ"); break;
            case '%': strcpy(piece, "%"); break;
            default: snprintf(piece, sizeof piece, "%%%c", *p); break;
            }
        }
        size_t len = strlen(add);
        if (o + len + 1 > cap)
            return -1;
        memcpy(out + o, add, len);
        o += len;
    }
    out[o] = '\0';
    return 0;
}

static json_t *argv_json(void)
{
    json_t *arr = json_array();
    FILE *f = fopen("/proc/self/cmdline", "re");
    if (!f)
        return arr;
    char buf[4096];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    for (size_t i = 0; i < n; i += strlen(buf + i) + 1)
        json_array_append_new(arr, bs_json_text(buf + i));
    return arr;
}

static json_t *cpu_model_json(void)
{
    char model[512];
    return bs_cpu_model(model, sizeof model) == 0 ? bs_json_text(model) : json_null();
}

json_t *bs_process_json(void)
{
    char host[256];
    if (gethostname(host, sizeof host) != 0)
        strcpy(host, "unknown");
    host[sizeof host - 1] = '\0';
    char when[64], iso[80];
    start_stamp(when, sizeof when, "%Y-%m-%dT%H:%M:%S");
    snprintf(iso, sizeof iso, "%s.%03dZ", when, (int)(bs_proc.start_epoch_ns / 1000000 % 1000));
    json_t *o = json_object();
    json_object_set_new(o, "pid", json_integer(bs_proc.pid));
    json_object_set_new(o, "ppid", json_integer((json_int_t)getppid()));
    json_object_set_new(o, "host", bs_json_text(host));
    json_object_set_new(o, "argv", argv_json());
    json_object_set_new(o, "start_time", json_string(iso));
    json_object_set_new(o, "start_epoch_ns", json_integer(bs_proc.start_epoch_ns));
    json_object_set_new(o, "start_mono_ns", json_integer(bs_proc.start_mono_ns));
    json_object_set_new(o, "cpu_model", cpu_model_json());
    json_object_set_new(o, "ncpus", json_integer(sysconf(_SC_NPROCESSORS_ONLN)));
    return o;
}
